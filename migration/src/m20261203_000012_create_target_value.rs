//! Target values (kết quả thực hiện chỉ tiêu): what a unit reports a target reached in a period,
//! as a whole or for one breakdown row, measured or estimated (ước thực hiện).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TargetValue {
    Table,
    Id,
    TargetId,
    BreakdownRowId,
    UnitId,
    PeriodCode,
    Value,
    IsEstimate,
    Narrative,
    ReportedBy,
    ReportedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Target {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum TargetBreakdownRow {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Unit {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TargetValue as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(uuid(V::Id).primary_key())
                    .col(uuid(V::TargetId))
                    .col(uuid_null(V::BreakdownRowId))
                    .col(uuid(V::UnitId))
                    .col(string_len(V::PeriodCode, 8))
                    .col(double(V::Value))
                    .col(boolean(V::IsEstimate).default(false))
                    .col(text_null(V::Narrative))
                    .col(text_null(V::ReportedBy))
                    .col(timestamp_with_time_zone(V::ReportedAt))
                    .col(timestamp_with_time_zone(V::CreatedAt))
                    .foreign_key(&mut fk(
                        V::Table,
                        V::TargetId,
                        Target::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        V::Table,
                        V::BreakdownRowId,
                        TargetBreakdownRow::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        V::Table,
                        V::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_target_value_target")
                    .table(V::Table)
                    .col(V::TargetId)
                    .col(V::PeriodCode)
                    .col(V::ReportedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TargetValue::Table).to_owned())
            .await
    }
}
