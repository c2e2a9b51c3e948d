//! Reporting regimes (chế độ báo cáo): what a plan asks its units to report, for which periods,
//! cut off how, with a deadline rule per level of the cascade and per period. The reporting
//! deadlines a plan already held become each the one level of a regime of their own (same id),
//! so nothing stored before is lost.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReportingRegime {
    Table,
    Id,
    PlanId,
    Name,
    Frequency,
    PeriodKeys,
    CutOff,
    AllowsNil,
    ContentOutline,
    Note,
    Position,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportingDeadline {
    Table,
    RegimeId,
    Level,
    PeriodKeys,
}

#[derive(DeriveIden, Clone, Copy)]
enum Plan {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReportingRegime::Table)
                    .col(uuid(ReportingRegime::Id).primary_key())
                    .col(uuid_null(ReportingRegime::PlanId))
                    .col(string_len(ReportingRegime::Name, 500))
                    // The main kind of period (QUARTER for "quý, 6 tháng, năm").
                    .col(string_len(ReportingRegime::Frequency, 32))
                    // The periods of a year it reports (["Q1", "H1", "Q3", "Y"]); null: every
                    // period of its frequency.
                    .col(json_null(ReportingRegime::PeriodKeys))
                    .col(string_len(ReportingRegime::CutOff, 32).default("DECREE_09"))
                    .col(boolean(ReportingRegime::AllowsNil).default(false))
                    .col(text_null(ReportingRegime::ContentOutline))
                    .col(text_null(ReportingRegime::Note))
                    .col(integer(ReportingRegime::Position).default(0))
                    .col(integer(ReportingRegime::Version).default(1))
                    .col(timestamp_with_time_zone(ReportingRegime::CreatedAt))
                    .col(timestamp_with_time_zone(ReportingRegime::UpdatedAt))
                    .foreign_key(&mut fk(
                        ReportingRegime::Table,
                        ReportingRegime::PlanId,
                        Plan::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reporting_regime_plan")
                    .table(ReportingRegime::Table)
                    .col(ReportingRegime::PlanId)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds one at a time.
        for column in [
            ColumnDef::new(ReportingDeadline::RegimeId)
                .uuid()
                .null()
                .to_owned(),
            ColumnDef::new(ReportingDeadline::Level)
                .integer()
                .not_null()
                .default(1)
                .to_owned(),
            ColumnDef::new(ReportingDeadline::PeriodKeys)
                .json()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ReportingDeadline::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // Each deadline stored so far is a regime of its own.
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO reporting_regime (id, plan_id, name, frequency, cut_off, allows_nil, \
             position, version, created_at, updated_at) \
             SELECT d.id, d.plan_id, substr(d.text, 1, 500), d.period, 'DECREE_09', false, \
             d.position, 1, p.created_at, p.created_at \
             FROM reporting_deadline d JOIN plan p ON p.id = d.plan_id",
        )
        .await?;
        db.execute_unprepared("UPDATE reporting_deadline SET regime_id = id")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reporting_deadline_regime")
                    .table(ReportingDeadline::Table)
                    .col(ReportingDeadline::RegimeId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_reporting_deadline_regime")
                    .table(ReportingDeadline::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            ReportingDeadline::PeriodKeys,
            ReportingDeadline::Level,
            ReportingDeadline::RegimeId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ReportingDeadline::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ReportingRegime::Table).to_owned())
            .await
    }
}
