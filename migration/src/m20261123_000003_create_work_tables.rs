//! Targets (chỉ tiêu) with per-facility breakdowns, tasks (nhiệm vụ), assignments (phân công)
//! and progress updates.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_unit_tables::{Unit, UnitGroup};
use crate::m20261123_000002_create_plan_tables::{Plan, PlanArea};
use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
#[expect(
    clippy::enum_variant_names,
    reason = "the column names are the domain's (target_value…)"
)]
enum Target {
    Table,
    Id,
    PlanId,
    AreaId,
    Code,
    Statement,
    Measure,
    UnitText,
    Comparator,
    TargetValue,
    TargetYear,
    BaselineValue,
    BaselineYear,
    ChangeDirection,
    Aspirational,
    ConditionText,
    TotalLabel,
    RatioLabel,
    RatioPer,
    RatioDecimals,
    PopulationBaseline,
    PopulationTarget,
    Position,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TargetBreakdownGroup {
    Table,
    Id,
    TargetId,
    Code,
    Label,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum TargetBreakdownRow {
    Table,
    Id,
    TargetId,
    GroupId,
    Code,
    Label,
    UnitId,
    BaselineValue,
    TargetValue,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum Task {
    Table,
    Id,
    PlanId,
    AreaId,
    Code,
    Title,
    Description,
    Kind,
    ConditionText,
    DueOn,
    DueWithinDays,
    DueText,
    Status,
    CompletedOn,
    Position,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Assignment {
    Table,
    Id,
    TaskId,
    TargetId,
    Role,
    UnitId,
    GroupId,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgressUpdate {
    Table,
    Id,
    TaskId,
    UnitId,
    PeriodCode,
    Percent,
    Status,
    Narrative,
    ReportedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Target::Table)
                    .col(uuid(Target::Id).primary_key())
                    .col(uuid(Target::PlanId))
                    .col(uuid_null(Target::AreaId))
                    .col(string_len(Target::Code, 32))
                    .col(text(Target::Statement))
                    .col(string_len(Target::Measure, 16))
                    .col(text_null(Target::UnitText))
                    .col(string_len_null(Target::Comparator, 24))
                    .col(double_null(Target::TargetValue))
                    .col(integer_null(Target::TargetYear))
                    .col(double_null(Target::BaselineValue))
                    .col(integer_null(Target::BaselineYear))
                    .col(string_len_null(Target::ChangeDirection, 16))
                    .col(boolean(Target::Aspirational).default(false))
                    .col(text_null(Target::ConditionText))
                    // Breakdown parameters: the labels of the computed rows and the population
                    // figures the per-population ratio is derived from (never the totals themselves).
                    .col(text_null(Target::TotalLabel))
                    .col(text_null(Target::RatioLabel))
                    .col(double_null(Target::RatioPer))
                    .col(integer_null(Target::RatioDecimals))
                    .col(double_null(Target::PopulationBaseline))
                    .col(double_null(Target::PopulationTarget))
                    .col(integer(Target::Position))
                    .col(text(Target::SearchText))
                    .col(integer(Target::Version).default(1))
                    .col(timestamp_with_time_zone(Target::CreatedAt))
                    .col(timestamp_with_time_zone(Target::UpdatedAt))
                    .foreign_key(&mut fk(
                        Target::Table,
                        Target::PlanId,
                        Plan::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Target::Table,
                        Target::AreaId,
                        PlanArea::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // Plan.targets and targets(filter: {planId})
        manager
            .create_index(index(
                Target::Table,
                "plan",
                vec![Target::PlanId.into_iden(), Target::Position.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TargetBreakdownGroup::Table)
                    .col(uuid(TargetBreakdownGroup::Id).primary_key())
                    .col(uuid(TargetBreakdownGroup::TargetId))
                    .col(string_len(TargetBreakdownGroup::Code, 16))
                    .col(text(TargetBreakdownGroup::Label))
                    .col(integer(TargetBreakdownGroup::Position))
                    .foreign_key(&mut fk(
                        TargetBreakdownGroup::Table,
                        TargetBreakdownGroup::TargetId,
                        Target::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Target.breakdown
        manager
            .create_index(index(
                TargetBreakdownGroup::Table,
                "target",
                vec![TargetBreakdownGroup::TargetId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TargetBreakdownRow::Table)
                    .col(uuid(TargetBreakdownRow::Id).primary_key())
                    .col(uuid(TargetBreakdownRow::TargetId))
                    .col(uuid(TargetBreakdownRow::GroupId))
                    .col(string_len(TargetBreakdownRow::Code, 16))
                    .col(text(TargetBreakdownRow::Label))
                    .col(uuid_null(TargetBreakdownRow::UnitId))
                    .col(double(TargetBreakdownRow::BaselineValue))
                    .col(double(TargetBreakdownRow::TargetValue))
                    .col(integer(TargetBreakdownRow::Position))
                    .foreign_key(&mut fk(
                        TargetBreakdownRow::Table,
                        TargetBreakdownRow::TargetId,
                        Target::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        TargetBreakdownRow::Table,
                        TargetBreakdownRow::GroupId,
                        TargetBreakdownGroup::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        TargetBreakdownRow::Table,
                        TargetBreakdownRow::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // Target.breakdown rows
        manager
            .create_index(index(
                TargetBreakdownRow::Table,
                "target",
                vec![TargetBreakdownRow::TargetId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Task::Table)
                    .col(uuid(Task::Id).primary_key())
                    .col(uuid(Task::PlanId))
                    .col(uuid_null(Task::AreaId))
                    .col(string_len_null(Task::Code, 32))
                    .col(text(Task::Title))
                    .col(text_null(Task::Description))
                    .col(string_len(Task::Kind, 16))
                    .col(text_null(Task::ConditionText))
                    // The effective deadline; for a rule relative to the plan's issue date it is
                    // recomputed when the plan is issued, so filters can use an index.
                    .col(date_null(Task::DueOn))
                    .col(integer_null(Task::DueWithinDays))
                    .col(text_null(Task::DueText))
                    .col(string_len(Task::Status, 24))
                    .col(date_null(Task::CompletedOn))
                    .col(integer(Task::Position))
                    .col(text(Task::SearchText))
                    .col(integer(Task::Version).default(1))
                    .col(timestamp_with_time_zone(Task::CreatedAt))
                    .col(timestamp_with_time_zone(Task::UpdatedAt))
                    .foreign_key(&mut fk(
                        Task::Table,
                        Task::PlanId,
                        Plan::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Task::Table,
                        Task::AreaId,
                        PlanArea::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // Plan.tasks (in document order) and tasks(filter: {planId})
        manager
            .create_index(index(
                Task::Table,
                "plan",
                vec![Task::PlanId.into_iden(), Task::Position.into_iden()],
            ))
            .await?;
        // tasks(filter: {dueFrom, dueTo})
        manager
            .create_index(index(Task::Table, "due_on", vec![Task::DueOn.into_iden()]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Assignment::Table)
                    .col(uuid(Assignment::Id).primary_key())
                    .col(uuid_null(Assignment::TaskId))
                    .col(uuid_null(Assignment::TargetId))
                    .col(string_len(Assignment::Role, 16))
                    .col(uuid_null(Assignment::UnitId))
                    .col(uuid_null(Assignment::GroupId))
                    .col(integer(Assignment::Position))
                    .foreign_key(&mut fk(
                        Assignment::Table,
                        Assignment::TaskId,
                        Task::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Assignment::Table,
                        Assignment::TargetId,
                        Target::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Assignment::Table,
                        Assignment::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Assignment::Table,
                        Assignment::GroupId,
                        UnitGroup::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    // Exactly one subject (task or target) and exactly one assignee (unit or group).
                    .check(Expr::cust(
                        "((task_id IS NULL) <> (target_id IS NULL)) AND ((unit_id IS NULL) <> (group_id IS NULL))",
                    ))
                    .to_owned(),
            )
            .await?;
        // Task.assignments
        manager
            .create_index(index(
                Assignment::Table,
                "task",
                vec![Assignment::TaskId.into_iden()],
            ))
            .await?;
        // Target.assignments
        manager
            .create_index(index(
                Assignment::Table,
                "target",
                vec![Assignment::TargetId.into_iden()],
            ))
            .await?;
        // tasks(filter: {unitId, role}) and Unit.tasks
        manager
            .create_index(index(
                Assignment::Table,
                "unit",
                vec![Assignment::UnitId.into_iden(), Assignment::Role.into_iden()],
            ))
            .await?;
        // tasks assigned through a group
        manager
            .create_index(index(
                Assignment::Table,
                "group",
                vec![Assignment::GroupId.into_iden()],
            ))
            .await?;
        // Exactly one lead (chủ trì) per task and per target, enforced by the database too.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_assignment_task_lead ON assignment (task_id) WHERE role = 'LEAD' AND task_id IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_assignment_target_lead ON assignment (target_id) WHERE role = 'LEAD' AND target_id IS NOT NULL",
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProgressUpdate::Table)
                    .col(uuid(ProgressUpdate::Id).primary_key())
                    .col(uuid(ProgressUpdate::TaskId))
                    .col(uuid(ProgressUpdate::UnitId))
                    .col(string_len(ProgressUpdate::PeriodCode, 8))
                    .col(integer(ProgressUpdate::Percent))
                    .col(string_len(ProgressUpdate::Status, 16))
                    .col(text_null(ProgressUpdate::Narrative))
                    .col(timestamp_with_time_zone(ProgressUpdate::ReportedAt))
                    .col(timestamp_with_time_zone(ProgressUpdate::CreatedAt))
                    .foreign_key(&mut fk(
                        ProgressUpdate::Table,
                        ProgressUpdate::TaskId,
                        Task::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ProgressUpdate::Table,
                        ProgressUpdate::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(Expr::cust("percent BETWEEN 0 AND 100"))
                    .to_owned(),
            )
            .await?;
        // Task.latestProgress and Task.progressUpdates: newest first per task
        manager
            .create_index(index(
                ProgressUpdate::Table,
                "task_reported",
                vec![
                    ProgressUpdate::TaskId.into_iden(),
                    ProgressUpdate::ReportedAt.into_iden(),
                    ProgressUpdate::Id.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProgressUpdate::Table.into_iden(),
            Assignment::Table.into_iden(),
            Task::Table.into_iden(),
            TargetBreakdownRow::Table.into_iden(),
            TargetBreakdownGroup::Table.into_iden(),
            Target::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
