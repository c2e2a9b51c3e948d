//! Extension requests (đề nghị gia hạn): a task's lead asks for a later deadline with a reason;
//! the plan's issuer approves or rejects. The rows are the task's deadline history.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum DeadlineExtension {
    Table,
    Id,
    TaskId,
    UnitId,
    Reason,
    PreviousDueOn,
    ProposedDueOn,
    Status,
    RequestedBy,
    RequestedAt,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    Version,
    CreatedAt,
    UpdatedAt,
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
        use DeadlineExtension as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(uuid(E::Id).primary_key())
                    .col(uuid(E::TaskId))
                    .col(uuid(E::UnitId))
                    .col(text(E::Reason))
                    .col(date(E::PreviousDueOn))
                    .col(date(E::ProposedDueOn))
                    .col(string_len(E::Status, 16))
                    .col(text(E::RequestedBy))
                    .col(timestamp_with_time_zone(E::RequestedAt))
                    .col(text_null(E::DecidedBy))
                    .col(timestamp_with_time_zone_null(E::DecidedAt))
                    .col(text_null(E::DecisionNote))
                    .col(integer(E::Version).default(1))
                    .col(timestamp_with_time_zone(E::CreatedAt))
                    .col(timestamp_with_time_zone(E::UpdatedAt))
                    .foreign_key(&mut fk(
                        E::Table,
                        E::TaskId,
                        Task::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        E::Table,
                        E::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deadline_extension_task")
                    .table(E::Table)
                    .col(E::TaskId)
                    .col(E::RequestedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DeadlineExtension::Table).to_owned())
            .await
    }
}
