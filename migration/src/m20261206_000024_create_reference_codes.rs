//! Shared reference catalogues (danh mục dùng chung) synchronised from LGSP: administrative
//! units, the emulation and award code list, … one row per catalogue and code. Codes are never
//! deleted or reused: one that leaves the catalogue is kept, inactive.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReferenceCode {
    Table,
    Id,
    Catalogue,
    Code,
    Name,
    ParentCode,
    SortOrder,
    ValidFrom,
    ValidTo,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ReferenceCode as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(uuid(R::Id).primary_key())
                    .col(string_len(R::Catalogue, 64))
                    .col(string_len(R::Code, 64))
                    .col(text(R::Name))
                    .col(string_len_null(R::ParentCode, 64))
                    .col(integer_null(R::SortOrder))
                    .col(date_null(R::ValidFrom))
                    .col(date_null(R::ValidTo))
                    .col(boolean(R::Active))
                    .col(timestamp_with_time_zone(R::CreatedAt))
                    .col(timestamp_with_time_zone(R::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_reference_code")
                    .table(R::Table)
                    .col(R::Catalogue)
                    .col(R::Code)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReferenceCode::Table).to_owned())
            .await
    }
}
