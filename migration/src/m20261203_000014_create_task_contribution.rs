//! Contributions (đóng góp) of a task's cooperating units (phối hợp): what they did, per period.
//! They do not move the task's percent or status (its lead and implementing units report those).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TaskContribution {
    Table,
    Id,
    TaskId,
    UnitId,
    PeriodCode,
    Narrative,
    ReportedBy,
    ReportedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Task {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Unit {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TaskContribution as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(uuid(C::Id).primary_key())
                    .col(uuid(C::TaskId))
                    .col(uuid(C::UnitId))
                    .col(string_len(C::PeriodCode, 8))
                    .col(text(C::Narrative))
                    .col(text_null(C::ReportedBy))
                    .col(timestamp_with_time_zone(C::ReportedAt))
                    .foreign_key(&mut fk(
                        C::Table,
                        C::TaskId,
                        Task::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        C::Table,
                        C::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_task_contribution_task")
                    .table(C::Table)
                    .col(C::TaskId)
                    .col(C::ReportedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TaskContribution::Table).to_owned())
            .await
    }
}
