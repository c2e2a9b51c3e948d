//! Changing tasks (nhiệm vụ, giải pháp): create, update, delete. A task always has exactly one
//! lead (chủ trì) among its assignments (`planning::assignment`); the plan's issuer decides who
//! may change it.

use chrono::{NaiveDate, Utc};
use entity::enums::{TaskKind, TaskStatus};
use entity::{plan, task};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use crate::access::Actor;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::{Checks, Edit, apply};
use crate::kernel::error::{DomainResult, FieldErrorCode as Code};
use crate::kernel::ids::{PlanId, TaskId};
use crate::kernel::mutation::{Change, Written};
use crate::kernel::text::search_text;
use crate::kernel::versioned;
use crate::planning::assignment::{
    AssignmentSpec, Subject, check_assignments, with_assignments, write_assignments,
};
use crate::planning::plan::edit::{check_area, managed, may_manage, not_found_or_forbidden};
use crate::planning::task::facts::TaskFacts;
use crate::planning::{MAX_CODE, MAX_TEXT, MAX_TITLE};

/// A task's fields, as received (`createTask`) or as edits (`updateTask`).
#[derive(Debug, Clone, Default)]
pub struct TaskFields {
    pub title: Option<String>,
    pub code: Edit<String>,
    pub description: Edit<String>,
    pub kind: Option<TaskKind>,
    pub condition_text: Edit<String>,
    pub area_id: Edit<Uuid>,
    pub due_on: Edit<NaiveDate>,
    pub due_within_days: Edit<i32>,
    pub due_text: Edit<String>,
    pub status: Option<TaskStatus>,
    pub completed_on: Edit<NaiveDate>,
}

/// What every stored task obeys, whoever writes it (a mutation, the demo loader): its fields
/// checked against each other and its plan, a deadline counted in days after the plan's issue
/// made a date once the plan has one, and its search text.
pub fn settle(checks: &mut Checks, task: &mut task::Model, plan: &plan::Model) {
    if task.due_on.is_none() {
        task.due_on = due_after_issue(task, plan);
    }
    check_task(checks, task, plan);
    task.search_text = task_search_text(task);
}

/// The date of a deadline given in days after the plan's issue, once the plan has its date.
fn due_after_issue(task: &task::Model, plan: &plan::Model) -> Option<chrono::NaiveDate> {
    let (days, issued) = (task.due_within_days?, plan.issued_on?);
    Some(issued + chrono::Duration::days(days.into()))
}

fn check_task(checks: &mut Checks, task: &task::Model, plan: &plan::Model) {
    if task.kind == TaskKind::Conditional && task.condition_text.is_none() {
        checks.fail(
            "conditionText",
            Code::Required,
            "a conditional task needs the condition that triggers it",
        );
    }
    if task.status == TaskStatus::WaitingTrigger && task.kind != TaskKind::Conditional {
        checks.fail(
            "status",
            Code::InvalidState,
            "only a conditional task waits for a trigger",
        );
    }
    match (task.status, task.completed_on) {
        (TaskStatus::Completed, None) => checks.fail(
            "completedOn",
            Code::Required,
            "a completed task needs its completion date",
        ),
        (status, Some(_)) if status != TaskStatus::Completed => checks.fail(
            "completedOn",
            Code::InvalidState,
            "only a completed task has a completion date",
        ),
        _ => {}
    }
    if let Some(days) = task.due_within_days
        && !(1..=3650).contains(&days)
    {
        checks.fail(
            "dueWithinDaysOfIssue",
            Code::OutOfRange,
            "give between 1 and 3650 days",
        );
    }
    if task.due_on.is_some() && task.due_within_days.is_some() && plan.issued_on.is_none() {
        checks.fail(
            "dueOn",
            Code::Invalid,
            "give either a date or a number of days after the issue date",
        );
    }
}

fn task_search_text(task: &task::Model) -> String {
    search_text([
        task.code.as_deref(),
        Some(task.title.as_str()),
        task.description.as_deref(),
    ])
}

fn apply_task_fields(
    checks: &mut Checks,
    task: &mut task::Model,
    fields: TaskFields,
    plan: &plan::Model,
) {
    if let Some(title) = &fields.title {
        task.title = checks.text("title", title, MAX_TITLE, true);
    }
    let text = |checks: &mut Checks,
                field: &str,
                edit: Edit<String>,
                current: Option<String>,
                max: usize| match edit {
        Edit::Set(value) => checks.optional_text(field, Some(&value), max),
        other => apply(other, current),
    };
    task.code = text(checks, "code", fields.code, task.code.take(), MAX_CODE);
    task.description = text(
        checks,
        "description",
        fields.description,
        task.description.take(),
        MAX_TEXT,
    );
    task.condition_text = text(
        checks,
        "conditionText",
        fields.condition_text,
        task.condition_text.take(),
        MAX_TITLE,
    );
    task.due_text = text(
        checks,
        "dueText",
        fields.due_text,
        task.due_text.take(),
        MAX_TITLE,
    );
    if let Some(kind) = fields.kind {
        task.kind = kind;
    }
    if let Some(status) = fields.status {
        task.status = status;
    }
    task.area_id = apply(fields.area_id, task.area_id);
    task.due_within_days = apply(fields.due_within_days, task.due_within_days);
    let explicit_date = matches!(fields.due_on, Edit::Set(_));
    task.due_on = apply(fields.due_on, task.due_on);
    // A deadline relative to the issue date becomes a date once the plan has one.
    if !explicit_date && let Some(due) = due_after_issue(task, plan) {
        task.due_on = Some(due);
    }
    task.completed_on = apply(fields.completed_on, task.completed_on);
}

/// Creates a task in a plan, with its assignments.
pub async fn create_task(
    db: &impl ConnectionTrait,
    actor: &Actor,
    plan_id: PlanId,
    fields: TaskFields,
    assignments: Vec<AssignmentSpec>,
) -> DomainResult<Change> {
    let plan = managed(db, actor, plan_id).await?;
    let mut checks = Checks(Vec::new());
    if fields.title.is_none() {
        checks.fail("title", Code::Required, "`title` is required");
    }
    let now = Utc::now();
    let position = task::Entity::find()
        .filter(task::Column::PlanId.eq(plan_id))
        .all(db)
        .await?
        .len() as i32;
    let mut model = task::Model {
        id: Uuid::now_v7(),
        plan_id: plan_id.uuid(),
        area_id: None,
        code: None,
        title: String::new(),
        description: None,
        kind: TaskKind::OneOff,
        condition_text: None,
        due_on: None,
        due_within_days: None,
        due_text: None,
        status: TaskStatus::Assigned,
        completed_on: None,
        position,
        search_text: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let kind = fields.kind;
    apply_task_fields(&mut checks, &mut model, fields, &plan);
    if kind == Some(TaskKind::Conditional) && model.status == TaskStatus::Assigned {
        model.status = TaskStatus::WaitingTrigger;
    }
    settle(&mut checks, &mut model, &plan);
    check_area(db, &mut checks, plan_id.uuid(), model.area_id).await?;
    check_assignments(db, &mut checks, &assignments, &[]).await?;
    checks.finish()?;
    model
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    let rows = write_assignments(db, Subject::Task(model.id), &assignments).await?;
    Ok(Change {
        action: AuditAction::TaskCreate,
        object_type: ObjectType::Task,
        object_id: model.id,
        scope_unit_id: Some(plan.issuer_id),
        before: None,
        after: Some(with_assignments(&model, &rows)),
    })
}

/// The task `id` with its plan and its assignments (one statement), once the caller may manage
/// the plan's issuer's plans.
pub(crate) async fn managed_task(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: TaskId,
) -> DomainResult<TaskFacts> {
    let Some(facts) = super::facts::read(db, id.uuid(), None).await? else {
        return Err(not_found_or_forbidden(actor, "no such task"));
    };
    may_manage(db, actor, &facts.plan).await?;
    Ok(facts)
}

crate::versioned!(task, "task");

/// Changes a task's fields; the task as saved comes with the change (the payload shows it
/// without reading it again).
pub async fn update_task(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: TaskId,
    version: i32,
    fields: TaskFields,
) -> DomainResult<Written<task::Model>> {
    let TaskFacts {
        task: before,
        plan,
        assignments: rows,
        ..
    } = managed_task(db, actor, id).await?;
    versioned::check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    let mut next = before.clone();
    apply_task_fields(&mut checks, &mut next, fields, &plan);
    settle(&mut checks, &mut next, &plan);
    check_area(db, &mut checks, plan.id, next.area_id).await?;
    checks.finish()?;
    let saved = versioned::save(db, next, version).await?;
    Ok(Written {
        change: Change {
            action: AuditAction::TaskUpdate,
            object_type: ObjectType::Task,
            object_id: id.uuid(),
            scope_unit_id: Some(plan.issuer_id),
            before: Some(with_assignments(&before, &rows)),
            after: Some(with_assignments(&saved, &rows)),
        },
        model: saved,
    })
}

/// Deletes a task (its assignments and progress go with it).
pub async fn delete_task(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: TaskId,
    version: i32,
) -> DomainResult<Change> {
    let TaskFacts {
        task: before,
        plan,
        assignments: rows,
        ..
    } = managed_task(db, actor, id).await?;
    versioned::check_version(&before, version)?;
    task::Entity::delete_by_id(id).exec(db).await?;
    Ok(Change {
        action: AuditAction::TaskDelete,
        object_type: ObjectType::Task,
        object_id: id.uuid(),
        scope_unit_id: Some(plan.issuer_id),
        before: Some(with_assignments(&before, &rows)),
        after: None,
    })
}
