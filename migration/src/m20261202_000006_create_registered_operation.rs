//! Operations registered for persisted queries: the allow-list of first-party frontends.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum RegisteredOperation {
    Table,
    Hash,
    Name,
    Document,
    RegisteredAt,
    RegisteredBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RegisteredOperation::Table)
                    // Lower-case hex SHA-256 of the document, as clients send it.
                    .col(string_len(RegisteredOperation::Hash, 64).primary_key())
                    .col(string_len_null(RegisteredOperation::Name, 200))
                    .col(text(RegisteredOperation::Document))
                    .col(timestamp_with_time_zone(RegisteredOperation::RegisteredAt))
                    // The subject who registered it, or `operations-dir` for files read at start-up.
                    .col(text(RegisteredOperation::RegisteredBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RegisteredOperation::Table).to_owned())
            .await
    }
}
