//! Planning's mutations of the work in plans: tasks, targets and their assignments.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use crate::domain::kernel::checks::Edit;
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::mutation::Outcome;
use crate::domain::planning::assignment::{self, AssignmentSpec, Subject};
use crate::domain::planning::target::edit::{self as target_edit, TargetFields};
use crate::domain::planning::task::edit::{self as task_edit, TaskFields};
use crate::graphql::common::enums::{
    AssignmentRole, ChangeDirection, Comparator, TargetMeasure, TaskKind, TaskStatus,
};
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::planning::target::Target;
use crate::graphql::planning::task::Task;

/// One assignment: a unit or a group (exactly one) in a role.
#[derive(InputObject, Clone)]
pub struct AssignmentInput {
    pub role: AssignmentRole,
    pub unit_id: Option<ID>,
    pub group_id: Option<ID>,
}

fn specs(rows: &[AssignmentInput]) -> std::result::Result<Vec<AssignmentSpec>, Outcome> {
    rows.iter()
        .map(|row| {
            Ok(AssignmentSpec {
                role: row.role.into(),
                unit_id: row
                    .unit_id
                    .as_ref()
                    .map(|id| expect(id, NodeType::Unit))
                    .transpose()
                    .map_err(|e| rejected("assignments", e))?,
                group_id: row
                    .group_id
                    .as_ref()
                    .map(|id| expect(id, NodeType::UnitGroup))
                    .transpose()
                    .map_err(|e| rejected("assignments", e))?,
            })
        })
        .collect()
}

object_payload!(
    /// The result of a task mutation.
    TaskPayload, task, Task, entity::task::Entity
);
object_payload!(
    /// The result of a target mutation.
    TargetPayload, target, Target, entity::target::Entity
);

/// The result of `setAssignments`: the task or the target whose assignments changed.
#[derive(SimpleObject)]
pub struct SetAssignmentsPayload {
    pub task: Option<Task>,
    pub target: Option<Target>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

/// `createTask` input.
#[derive(InputObject)]
pub struct CreateTaskInput {
    pub plan_id: ID,
    pub title: String,
    /// Its place in the document ("II.1.a").
    pub code: Option<String>,
    pub description: Option<String>,
    pub kind: TaskKind,
    /// For a conditional task: what triggers it.
    pub condition_text: Option<String>,
    pub due_on: Option<Date>,
    /// "chậm nhất sau N ngày kể từ ngày ban hành".
    pub due_within_days_of_issue: Option<i32>,
    pub due_text: Option<String>,
    /// Exactly one LEAD.
    #[graphql(validator(max_items = 100))]
    pub assignments: Vec<AssignmentInput>,
    pub client_mutation_id: Option<String>,
}

/// `updateTask` input (omit a field to keep it, `null` to clear it).
#[derive(InputObject)]
pub struct UpdateTaskInput {
    pub id: ID,
    pub version: i32,
    pub title: Option<String>,
    pub code: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    pub kind: Option<TaskKind>,
    pub condition_text: MaybeUndefined<String>,
    pub due_on: MaybeUndefined<Date>,
    pub due_within_days_of_issue: MaybeUndefined<i32>,
    pub due_text: MaybeUndefined<String>,
    pub status: Option<TaskStatus>,
    pub completed_on: MaybeUndefined<Date>,
    pub client_mutation_id: Option<String>,
}

/// `deleteTask`, `deleteTarget` input.
#[derive(InputObject)]
pub struct DeleteInput {
    pub id: ID,
    pub version: i32,
    pub client_mutation_id: Option<String>,
}

/// `setAssignments` input: the whole new list for a task or a target (give one of them).
#[derive(InputObject)]
pub struct SetAssignmentsInput {
    pub task_id: Option<ID>,
    pub target_id: Option<ID>,
    /// The task's or target's `version`.
    pub version: i32,
    #[graphql(validator(max_items = 100))]
    pub assignments: Vec<AssignmentInput>,
    pub client_mutation_id: Option<String>,
}

/// `createTarget` input.
#[derive(InputObject)]
pub struct CreateTargetInput {
    pub plan_id: ID,
    pub code: String,
    /// The target as the document states it.
    pub statement: String,
    pub measure: TargetMeasure,
    pub measure_unit: Option<String>,
    pub comparator: Option<Comparator>,
    pub target_value: Option<f64>,
    pub target_year: Option<i32>,
    pub baseline_value: Option<f64>,
    pub baseline_year: Option<i32>,
    pub change_direction: Option<ChangeDirection>,
    pub aspirational: Option<bool>,
    pub condition_text: Option<String>,
    #[graphql(validator(max_items = 100))]
    pub assignments: Vec<AssignmentInput>,
    pub client_mutation_id: Option<String>,
}

/// `updateTarget` input.
#[derive(InputObject)]
pub struct UpdateTargetInput {
    pub id: ID,
    pub version: i32,
    pub code: Option<String>,
    pub statement: Option<String>,
    pub measure: Option<TargetMeasure>,
    pub measure_unit: MaybeUndefined<String>,
    pub comparator: MaybeUndefined<Comparator>,
    pub target_value: MaybeUndefined<f64>,
    pub target_year: MaybeUndefined<i32>,
    pub baseline_value: MaybeUndefined<f64>,
    pub baseline_year: MaybeUndefined<i32>,
    pub change_direction: MaybeUndefined<ChangeDirection>,
    pub aspirational: Option<bool>,
    pub condition_text: MaybeUndefined<String>,
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct WorkMutation;

#[Object]
impl WorkMutation {
    /// Adds a task to a plan, with its assignments (exactly one lead).
    async fn create_task(&self, ctx: &Context<'_>, input: CreateTaskInput) -> Result<TaskPayload> {
        let cmid = input.client_mutation_id.clone();
        let plan = try_input!(
            id_of::<entity::plan::Entity>(&input.plan_id, "planId"),
            TaskPayload,
            ctx,
            cmid
        );
        let assignments = try_input!(specs(&input.assignments), TaskPayload, ctx, cmid);
        let fields = TaskFields {
            title: Some(input.title),
            code: input.code.map_or(Edit::Keep, Edit::Set),
            description: input.description.map_or(Edit::Keep, Edit::Set),
            kind: Some(input.kind.into()),
            condition_text: input.condition_text.map_or(Edit::Keep, Edit::Set),
            area_id: Edit::Keep,
            due_on: input.due_on.map_or(Edit::Keep, |d| Edit::Set(d.0)),
            due_within_days: input.due_within_days_of_issue.map_or(Edit::Keep, Edit::Set),
            due_text: input.due_text.map_or(Edit::Keep, Edit::Set),
            status: None,
            completed_on: Edit::Keep,
        };
        let outcome = run(ctx, "createTask", cmid.as_deref(), async |txn, actor| {
            task_edit::create_task(txn, actor, plan, fields, assignments).await
        })
        .await?;
        TaskPayload::from(ctx, outcome, cmid).await
    }

    /// Changes a task (optimistic locking on `version`).
    async fn update_task(&self, ctx: &Context<'_>, input: UpdateTaskInput) -> Result<TaskPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::task::Entity>(&input.id, "id"),
            TaskPayload,
            ctx,
            cmid
        );
        let fields = TaskFields {
            title: input.title,
            code: edit(input.code, |v| v),
            description: edit(input.description, |v| v),
            kind: input.kind.map(Into::into),
            condition_text: edit(input.condition_text, |v| v),
            area_id: Edit::Keep,
            due_on: edit(input.due_on, |d| d.0),
            due_within_days: edit(input.due_within_days_of_issue, |v| v),
            due_text: edit(input.due_text, |v| v),
            status: input.status.map(Into::into),
            completed_on: edit(input.completed_on, |d| d.0),
        };
        let version = input.version;
        let (outcome, written) =
            run_written(ctx, "updateTask", cmid.as_deref(), async |txn, actor| {
                task_edit::update_task(txn, actor, id, version, fields).await
            })
            .await?;
        TaskPayload::from_written(ctx, outcome, written, cmid).await
    }

    /// Deletes a task with its assignments and progress.
    async fn delete_task(&self, ctx: &Context<'_>, input: DeleteInput) -> Result<DeletePayload> {
        let cmid = input.client_mutation_id.clone();
        let id = match id_of::<entity::task::Entity>(&input.id, "id") {
            Ok(id) => id,
            Err(outcome) => {
                return Ok(DeletePayload {
                    deleted_id: None,
                    user_errors: errors(&outcome),
                    client_mutation_id: cmid,
                });
            }
        };
        let version = input.version;
        let outcome = run(ctx, "deleteTask", cmid.as_deref(), async |txn, actor| {
            task_edit::delete_task(txn, actor, id, version).await
        })
        .await?;
        Ok(DeletePayload {
            deleted_id: outcome.user_errors.is_empty().then(|| input.id.clone()),
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }

    /// Replaces who does what on a task or a target: exactly one lead; closed units take no new
    /// assignments.
    async fn set_assignments(
        &self,
        ctx: &Context<'_>,
        input: SetAssignmentsInput,
    ) -> Result<SetAssignmentsPayload> {
        let cmid = input.client_mutation_id.clone();
        let reject = |outcome: Outcome| SetAssignmentsPayload {
            task: None,
            target: None,
            user_errors: errors(&outcome),
            client_mutation_id: cmid.clone(),
        };
        let subject = match (&input.task_id, &input.target_id) {
            (Some(id), None) => match id_of::<entity::task::Entity>(id, "taskId") {
                Ok(id) => Subject::Task(id.uuid()),
                Err(outcome) => return Ok(reject(outcome)),
            },
            (None, Some(id)) => match id_of::<entity::target::Entity>(id, "targetId") {
                Ok(id) => Subject::Target(id.uuid()),
                Err(outcome) => return Ok(reject(outcome)),
            },
            _ => {
                return Ok(reject(rejected(
                    "taskId",
                    DomainError::invalid("give exactly one of `taskId` and `targetId`"),
                )));
            }
        };
        let assignments = match specs(&input.assignments) {
            Ok(specs) => specs,
            Err(outcome) => return Ok(reject(outcome)),
        };
        let version = input.version;
        let outcome = run(
            ctx,
            "setAssignments",
            cmid.as_deref(),
            async |txn, actor| {
                assignment::set_assignments(txn, actor, subject, version, assignments).await
            },
        )
        .await?;
        let (task, target) = match subject {
            Subject::Task(_) => (
                fresh::<entity::task::Entity>(ctx, outcome.object_id)
                    .await?
                    .map(Task),
                None,
            ),
            Subject::Target(_) => (
                None,
                fresh::<entity::target::Entity>(ctx, outcome.object_id)
                    .await?
                    .map(Target),
            ),
        };
        Ok(SetAssignmentsPayload {
            task,
            target,
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }

    /// Adds a target to a plan, with its assignments (exactly one lead).
    async fn create_target(
        &self,
        ctx: &Context<'_>,
        input: CreateTargetInput,
    ) -> Result<TargetPayload> {
        let cmid = input.client_mutation_id.clone();
        let plan = try_input!(
            id_of::<entity::plan::Entity>(&input.plan_id, "planId"),
            TargetPayload,
            ctx,
            cmid
        );
        let assignments = try_input!(specs(&input.assignments), TargetPayload, ctx, cmid);
        let fields = TargetFields {
            code: Some(input.code),
            statement: Some(input.statement),
            measure: Some(input.measure.into()),
            unit_text: input.measure_unit.map_or(Edit::Keep, Edit::Set),
            comparator: input.comparator.map_or(Edit::Keep, |v| Edit::Set(v.into())),
            target_value: input.target_value.map_or(Edit::Keep, Edit::Set),
            target_year: input.target_year.map_or(Edit::Keep, Edit::Set),
            baseline_value: input.baseline_value.map_or(Edit::Keep, Edit::Set),
            baseline_year: input.baseline_year.map_or(Edit::Keep, Edit::Set),
            change_direction: input
                .change_direction
                .map_or(Edit::Keep, |v| Edit::Set(v.into())),
            aspirational: input.aspirational,
            condition_text: input.condition_text.map_or(Edit::Keep, Edit::Set),
            area_id: Edit::Keep,
        };
        let outcome = run(ctx, "createTarget", cmid.as_deref(), async |txn, actor| {
            target_edit::create_target(txn, actor, plan, fields, assignments).await
        })
        .await?;
        TargetPayload::from(ctx, outcome, cmid).await
    }

    /// Changes a target (optimistic locking on `version`).
    async fn update_target(
        &self,
        ctx: &Context<'_>,
        input: UpdateTargetInput,
    ) -> Result<TargetPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::target::Entity>(&input.id, "id"),
            TargetPayload,
            ctx,
            cmid
        );
        let fields = TargetFields {
            code: input.code,
            statement: input.statement,
            measure: input.measure.map(Into::into),
            unit_text: edit(input.measure_unit, |v| v),
            comparator: edit(input.comparator, Into::into),
            target_value: edit(input.target_value, |v| v),
            target_year: edit(input.target_year, |v| v),
            baseline_value: edit(input.baseline_value, |v| v),
            baseline_year: edit(input.baseline_year, |v| v),
            change_direction: edit(input.change_direction, Into::into),
            aspirational: input.aspirational,
            condition_text: edit(input.condition_text, |v| v),
            area_id: Edit::Keep,
        };
        let version = input.version;
        let outcome = run(ctx, "updateTarget", cmid.as_deref(), async |txn, actor| {
            target_edit::update_target(txn, actor, id, version, fields).await
        })
        .await?;
        TargetPayload::from(ctx, outcome, cmid).await
    }

    /// Deletes a target with its assignments and breakdown.
    async fn delete_target(&self, ctx: &Context<'_>, input: DeleteInput) -> Result<DeletePayload> {
        let cmid = input.client_mutation_id.clone();
        let id = match id_of::<entity::target::Entity>(&input.id, "id") {
            Ok(id) => id,
            Err(outcome) => {
                return Ok(DeletePayload {
                    deleted_id: None,
                    user_errors: errors(&outcome),
                    client_mutation_id: cmid,
                });
            }
        };
        let version = input.version;
        let outcome = run(ctx, "deleteTarget", cmid.as_deref(), async |txn, actor| {
            target_edit::delete_target(txn, actor, id, version).await
        })
        .await?;
        Ok(DeletePayload {
            deleted_id: outcome.user_errors.is_empty().then(|| input.id.clone()),
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }
}
