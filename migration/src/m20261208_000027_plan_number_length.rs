//! A plan's document number holds what every document number holds (`DocumentNumber`: up to
//! 100 characters, like letters' and decisions' numbers). Widening a `varchar` rewrites nothing
//! on PostgreSQL; SQLite does not enforce lengths.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Plan {
    Table,
    DocumentNumber,
}

async fn set_length(manager: &SchemaManager<'_>, length: u32) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    manager
        .alter_table(
            Table::alter()
                .table(Plan::Table)
                .modify_column(
                    ColumnDef::new(Plan::DocumentNumber)
                        .string_len(length)
                        .null(),
                )
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_length(manager, 100).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_length(manager, 64).await
    }
}
