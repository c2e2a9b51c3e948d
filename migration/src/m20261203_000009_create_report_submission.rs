//! Report submissions: one per (regime, period, level, reporting unit), with its state, its
//! deadline and lateness as judged at the first submission.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReportSubmission {
    Table,
    Id,
    RegimeId,
    PeriodCode,
    Level,
    ReportingUnitId,
    ReceivingUnitId,
    Status,
    IsNil,
    Content,
    DueOn,
    FirstSubmittedAt,
    SubmittedAt,
    IsLate,
    DaysLate,
    ReturnReason,
    DecidedAt,
    DecidedBy,
    SubmittedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportingRegime {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Unit {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ReportSubmission as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(uuid(S::Id).primary_key())
                    .col(uuid(S::RegimeId))
                    .col(string_len(S::PeriodCode, 8))
                    .col(integer(S::Level))
                    .col(uuid(S::ReportingUnitId))
                    .col(uuid_null(S::ReceivingUnitId))
                    .col(string_len(S::Status, 32))
                    .col(boolean(S::IsNil).default(false))
                    .col(text_null(S::Content))
                    .col(date_null(S::DueOn))
                    .col(timestamp_with_time_zone_null(S::FirstSubmittedAt))
                    .col(timestamp_with_time_zone_null(S::SubmittedAt))
                    .col(boolean_null(S::IsLate))
                    .col(integer_null(S::DaysLate))
                    .col(text_null(S::ReturnReason))
                    .col(timestamp_with_time_zone_null(S::DecidedAt))
                    .col(text_null(S::DecidedBy))
                    .col(text_null(S::SubmittedBy))
                    .col(integer(S::Version).default(1))
                    .col(timestamp_with_time_zone(S::CreatedAt))
                    .col(timestamp_with_time_zone(S::UpdatedAt))
                    .foreign_key(&mut fk(
                        S::Table,
                        S::RegimeId,
                        ReportingRegime::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        S::Table,
                        S::ReportingUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        S::Table,
                        S::ReceivingUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One report per unit, regime, period and level: a retry or a second tab finds it.
        manager
            .create_index(
                Index::create()
                    .name("ux_report_submission_key")
                    .table(S::Table)
                    .col(S::RegimeId)
                    .col(S::PeriodCode)
                    .col(S::Level)
                    .col(S::ReportingUnitId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_submission_unit")
                    .table(S::Table)
                    .col(S::ReportingUnitId)
                    .col(S::PeriodCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReportSubmission::Table).to_owned())
            .await
    }
}
