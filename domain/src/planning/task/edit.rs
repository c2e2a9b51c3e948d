//! Changing tasks, targets and their assignments. A task or target always has exactly one lead
//! (chủ trì); a closed unit receives no new assignments; the plan's issuer decides who may
//! change them.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use entity::enums::{
    AssignmentRole, ChangeDirection, Comparator, TargetMeasure, TaskKind, TaskStatus,
};
use entity::{assignment, plan, plan_area, target, task, unit, unit_group};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use crate::access::Actor;
use crate::kernel::checks::{Checks, Edit, apply};
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::mutation::Change;
use crate::kernel::text::search_text;
use crate::kernel::time;
use crate::kernel::versioned;
use crate::org::unit::is_active_at;
use crate::planning::plan::edit::managed;

const MAX_TITLE: usize = 2000;
const MAX_TEXT: usize = 20_000;
const MAX_CODE: usize = 32;

/// One row of an assignment list, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentSpec {
    pub role: AssignmentRole,
    pub unit_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
}

/// What an assignment list is attached to.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    Task(Uuid),
    Target(Uuid),
}

/// Checks an assignment list: exactly one lead, exactly one of unit / group per row, no
/// duplicates, existing assignees, and no closed unit among the new ones.
async fn check_assignments(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    specs: &[AssignmentSpec],
    existing: &[assignment::Model],
) -> DomainResult<()> {
    let leads = specs
        .iter()
        .filter(|s| s.role == AssignmentRole::Lead)
        .count();
    if leads != 1 {
        checks.fail(
            "assignments",
            Code::Invalid,
            format!("exactly one LEAD (chủ trì) is required, {leads} given"),
        );
    }
    let mut seen = HashSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let field = format!("assignments.{i}");
        if spec.unit_id.is_some() == spec.group_id.is_some() {
            checks.fail(
                &field,
                Code::Invalid,
                "give exactly one of `unitId` and `groupId`",
            );
        }
        if !seen.insert((spec.role, spec.unit_id, spec.group_id)) {
            checks.fail(&field, Code::Duplicate, "this assignment is listed twice");
        }
    }
    let unit_ids: Vec<Uuid> = specs.iter().filter_map(|s| s.unit_id).collect();
    let units = unit::Entity::find()
        .filter(unit::Column::Id.is_in(unit_ids))
        .all(db)
        .await?;
    let group_ids: Vec<Uuid> = specs.iter().filter_map(|s| s.group_id).collect();
    let groups = unit_group::Entity::find()
        .filter(unit_group::Column::Id.is_in(group_ids))
        .all(db)
        .await?;
    let today = time::today();
    for (i, spec) in specs.iter().enumerate() {
        let field = format!("assignments.{i}");
        if let Some(id) = spec.unit_id {
            match units.iter().find(|u| u.id == id) {
                None => checks.fail(&field, Code::NotFound, "no such unit"),
                Some(unit)
                    if !is_active_at(unit, today)
                        && !existing.iter().any(|a| a.unit_id == Some(id)) =>
                {
                    checks.fail(
                        &field,
                        Code::UnitClosed,
                        format!("{} is closed and takes no new work", unit.name),
                    )
                }
                Some(_) => {}
            }
        }
        if let Some(id) = spec.group_id
            && !groups.iter().any(|g| g.id == id)
        {
            checks.fail(&field, Code::NotFound, "no such unit group");
        }
    }
    Ok(())
}

async fn existing_assignments(
    db: &impl ConnectionTrait,
    subject: Subject,
) -> DomainResult<Vec<assignment::Model>> {
    let select = assignment::Entity::find();
    Ok(match subject {
        Subject::Task(id) => {
            select
                .filter(assignment::Column::TaskId.eq(id))
                .all(db)
                .await?
        }
        Subject::Target(id) => {
            select
                .filter(assignment::Column::TargetId.eq(id))
                .all(db)
                .await?
        }
    })
}

/// Replaces the assignments of a task or target (checked before).
async fn write_assignments(
    db: &impl ConnectionTrait,
    subject: Subject,
    specs: &[AssignmentSpec],
) -> DomainResult<Vec<assignment::Model>> {
    let delete = assignment::Entity::delete_many();
    match subject {
        Subject::Task(id) => {
            delete
                .filter(assignment::Column::TaskId.eq(id))
                .exec(db)
                .await?
        }
        Subject::Target(id) => {
            delete
                .filter(assignment::Column::TargetId.eq(id))
                .exec(db)
                .await?
        }
    };
    let (task_id, target_id) = match subject {
        Subject::Task(id) => (Some(id), None),
        Subject::Target(id) => (None, Some(id)),
    };
    let rows: Vec<assignment::Model> = specs
        .iter()
        .enumerate()
        .map(|(position, spec)| assignment::Model {
            id: Uuid::now_v7(),
            task_id,
            target_id,
            role: spec.role,
            unit_id: spec.unit_id,
            group_id: spec.group_id,
            position: position as i32,
        })
        .collect();
    // One statement per 500 rows (SQLite caps bound parameters), not one per row.
    for chunk in rows.chunks(500) {
        assignment::Entity::insert_many(
            chunk
                .iter()
                .map(|row| row.clone().into_active_model().reset_all()),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(rows)
}

async fn check_area(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    plan_id: Uuid,
    area: Option<Uuid>,
) -> DomainResult<()> {
    if let Some(area) = area {
        let found = plan_area::Entity::find_by_id(area).one(db).await?;
        if found.is_none_or(|a| a.plan_id != plan_id) {
            checks.fail("areaId", Code::NotFound, "no such area in this plan");
        }
    }
    Ok(())
}

/// The audit snapshot of a task or target: its row (without the internal `search_text`) with
/// its assignments.
fn with_assignments(row: &impl serde::Serialize, rows: &[assignment::Model]) -> serde_json::Value {
    let mut value = serde_json::to_value(row).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("search_text");
        object.insert(
            "assignments".into(),
            serde_json::to_value(rows).unwrap_or_default(),
        );
    }
    value
}

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
    if let (Some(days), Some(issued)) = (task.due_within_days, plan.issued_on)
        && !explicit_date
    {
        task.due_on = Some(issued + chrono::Duration::days(days.into()));
    }
    task.completed_on = apply(fields.completed_on, task.completed_on);
    task.search_text = task_search_text(task);
}

/// Creates a task in a plan, with its assignments.
pub async fn create_task(
    db: &impl ConnectionTrait,
    actor: &Actor,
    plan_id: Uuid,
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
        plan_id,
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
    check_task(&mut checks, &model, &plan);
    check_area(db, &mut checks, plan_id, model.area_id).await?;
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
        action: "task.create",
        object_type: "Task",
        object_id: model.id,
        scope_unit_id: Some(plan.issuer_id),
        before: None,
        after: Some(with_assignments(&model, &rows)),
    })
}

async fn managed_task(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> DomainResult<(task::Model, plan::Model)> {
    let Some(task) = task::Entity::find_by_id(id).one(db).await? else {
        return Err(not_found_or_forbidden(actor, "no such task"));
    };
    let plan = managed(db, actor, task.plan_id).await?;
    Ok((task, plan))
}

fn not_found_or_forbidden(actor: &Actor, message: &str) -> DomainError {
    if actor
        .principal
        .has(crate::access::principal::Role::ProvinceAdmin)
    {
        DomainError::Rejected(vec![FieldError::new("id", Code::NotFound, message)])
    } else {
        DomainError::Forbidden("you may not change data of this unit".into())
    }
}

crate::versioned!(task, "task");
crate::versioned!(target, "target");

/// Changes a task's fields.
pub async fn update_task(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    version: i32,
    fields: TaskFields,
) -> DomainResult<Change> {
    let (before, plan) = managed_task(db, actor, id).await?;
    versioned::check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    let mut next = before.clone();
    apply_task_fields(&mut checks, &mut next, fields, &plan);
    check_task(&mut checks, &next, &plan);
    check_area(db, &mut checks, plan.id, next.area_id).await?;
    checks.finish()?;
    let saved = versioned::save(db, next, version).await?;
    let rows = existing_assignments(db, Subject::Task(id)).await?;
    Ok(Change {
        action: "task.update",
        object_type: "Task",
        object_id: id,
        scope_unit_id: Some(plan.issuer_id),
        before: Some(with_assignments(&before, &rows)),
        after: Some(with_assignments(&saved, &rows)),
    })
}

/// Deletes a task (its assignments and progress go with it).
pub async fn delete_task(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    version: i32,
) -> DomainResult<Change> {
    let (before, plan) = managed_task(db, actor, id).await?;
    versioned::check_version(&before, version)?;
    let rows = existing_assignments(db, Subject::Task(id)).await?;
    task::Entity::delete_by_id(id).exec(db).await?;
    Ok(Change {
        action: "task.delete",
        object_type: "Task",
        object_id: id,
        scope_unit_id: Some(plan.issuer_id),
        before: Some(with_assignments(&before, &rows)),
        after: None,
    })
}

/// A target's fields.
#[derive(Debug, Clone, Default)]
pub struct TargetFields {
    pub code: Option<String>,
    pub statement: Option<String>,
    pub measure: Option<TargetMeasure>,
    pub unit_text: Edit<String>,
    pub comparator: Edit<Comparator>,
    pub target_value: Edit<f64>,
    pub target_year: Edit<i32>,
    pub baseline_value: Edit<f64>,
    pub baseline_year: Edit<i32>,
    pub change_direction: Edit<ChangeDirection>,
    pub aspirational: Option<bool>,
    pub condition_text: Edit<String>,
    pub area_id: Edit<Uuid>,
}

fn apply_target_fields(checks: &mut Checks, target: &mut target::Model, fields: TargetFields) {
    if let Some(code) = &fields.code {
        target.code = checks.text("code", code, MAX_CODE, true);
    }
    if let Some(statement) = &fields.statement {
        target.statement = checks.text("statement", statement, MAX_TITLE, true);
    }
    if let Some(measure) = fields.measure {
        target.measure = measure;
    }
    target.unit_text = match fields.unit_text {
        Edit::Set(v) => checks.optional_text("measureUnit", Some(&v), 64),
        other => apply(other, target.unit_text.take()),
    };
    target.condition_text = match fields.condition_text {
        Edit::Set(v) => checks.optional_text("conditionText", Some(&v), MAX_TITLE),
        other => apply(other, target.condition_text.take()),
    };
    target.comparator = apply(fields.comparator, target.comparator);
    target.target_value = apply(fields.target_value, target.target_value);
    target.target_year = apply(fields.target_year, target.target_year);
    target.baseline_value = apply(fields.baseline_value, target.baseline_value);
    target.baseline_year = apply(fields.baseline_year, target.baseline_year);
    target.change_direction = apply(fields.change_direction, target.change_direction);
    target.area_id = apply(fields.area_id, target.area_id);
    if let Some(aspirational) = fields.aspirational {
        target.aspirational = aspirational;
    }
    target.search_text = search_text([Some(target.code.as_str()), Some(target.statement.as_str())]);
}

/// Years a target may name.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

fn check_target(checks: &mut Checks, target: &target::Model) {
    if target.measure == TargetMeasure::Percent {
        for (field, value) in [
            ("targetValue", target.target_value),
            ("baselineValue", target.baseline_value),
        ] {
            if value.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                checks.fail(field, Code::OutOfRange, "a percentage is between 0 and 100");
            }
        }
    }
    for (field, value) in [
        ("targetValue", target.target_value),
        ("baselineValue", target.baseline_value),
    ] {
        if value.is_some_and(|v| !v.is_finite()) {
            checks.fail(field, Code::Invalid, "not a number");
        }
    }
    if target.measure != TargetMeasure::Qualitative
        && target.target_value.is_some()
        && target.comparator.is_none()
    {
        checks.fail(
            "comparator",
            Code::Required,
            "a numeric target needs its comparator (trên, từ … trở lên, tối đa…)",
        );
    }
    for (field, year) in [
        ("targetYear", target.target_year),
        ("baselineYear", target.baseline_year),
    ] {
        if year.is_some_and(|y| !(MIN_YEAR..=MAX_YEAR).contains(&y)) {
            checks.fail(
                field,
                Code::OutOfRange,
                format!("`{field}` must be a year between {MIN_YEAR} and {MAX_YEAR}"),
            );
        }
    }
    if let (Some(baseline), Some(year)) = (target.baseline_year, target.target_year)
        && baseline > year
    {
        checks.fail(
            "baselineYear",
            Code::DateOrder,
            "the baseline year comes after the target year",
        );
    }
    if target.change_direction.is_some() && target.baseline_year.is_none() {
        checks.fail(
            "baselineYear",
            Code::Required,
            "a change (tăng/giảm so với năm …) needs its baseline year",
        );
    }
}

/// Creates a target in a plan, with its assignments.
pub async fn create_target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    plan_id: Uuid,
    fields: TargetFields,
    assignments: Vec<AssignmentSpec>,
) -> DomainResult<Change> {
    let plan = managed(db, actor, plan_id).await?;
    let mut checks = Checks(Vec::new());
    for (field, present) in [
        ("code", fields.code.is_some()),
        ("statement", fields.statement.is_some()),
        ("measure", fields.measure.is_some()),
    ] {
        if !present {
            checks.fail(field, Code::Required, format!("`{field}` is required"));
        }
    }
    let now = Utc::now();
    let position = target::Entity::find()
        .filter(target::Column::PlanId.eq(plan_id))
        .all(db)
        .await?
        .len() as i32;
    let mut model = target::Model {
        id: Uuid::now_v7(),
        plan_id,
        area_id: None,
        code: String::new(),
        statement: String::new(),
        measure: TargetMeasure::Qualitative,
        unit_text: None,
        comparator: None,
        target_value: None,
        target_year: None,
        baseline_value: None,
        baseline_year: None,
        change_direction: None,
        aspirational: false,
        condition_text: None,
        total_label: None,
        ratio_label: None,
        ratio_per: None,
        ratio_decimals: None,
        population_baseline: None,
        population_target: None,
        position,
        search_text: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    apply_target_fields(&mut checks, &mut model, fields);
    check_target(&mut checks, &model);
    check_area(db, &mut checks, plan_id, model.area_id).await?;
    let taken = target::Entity::find()
        .filter(target::Column::PlanId.eq(plan_id))
        .filter(target::Column::Code.eq(model.code.as_str()))
        .one(db)
        .await?;
    if taken.is_some() {
        checks.fail(
            "code",
            Code::Duplicate,
            format!("the plan already has a target {}", model.code),
        );
    }
    check_assignments(db, &mut checks, &assignments, &[]).await?;
    checks.finish()?;
    model
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    let rows = write_assignments(db, Subject::Target(model.id), &assignments).await?;
    Ok(Change {
        action: "target.create",
        object_type: "Target",
        object_id: model.id,
        scope_unit_id: Some(plan.issuer_id),
        before: None,
        after: Some(with_assignments(&model, &rows)),
    })
}

async fn managed_target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> DomainResult<(target::Model, plan::Model)> {
    let Some(target) = target::Entity::find_by_id(id).one(db).await? else {
        return Err(not_found_or_forbidden(actor, "no such target"));
    };
    let plan = managed(db, actor, target.plan_id).await?;
    Ok((target, plan))
}

/// Changes a target's fields.
pub async fn update_target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    version: i32,
    fields: TargetFields,
) -> DomainResult<Change> {
    let (before, plan) = managed_target(db, actor, id).await?;
    versioned::check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    let mut next = before.clone();
    apply_target_fields(&mut checks, &mut next, fields);
    check_target(&mut checks, &next);
    check_area(db, &mut checks, plan.id, next.area_id).await?;
    checks.finish()?;
    let saved = versioned::save(db, next, version).await?;
    let rows = existing_assignments(db, Subject::Target(id)).await?;
    Ok(Change {
        action: "target.update",
        object_type: "Target",
        object_id: id,
        scope_unit_id: Some(plan.issuer_id),
        before: Some(with_assignments(&before, &rows)),
        after: Some(with_assignments(&saved, &rows)),
    })
}

/// Deletes a target (its assignments and breakdown go with it).
pub async fn delete_target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    version: i32,
) -> DomainResult<Change> {
    let (before, plan) = managed_target(db, actor, id).await?;
    versioned::check_version(&before, version)?;
    let rows = existing_assignments(db, Subject::Target(id)).await?;
    target::Entity::delete_by_id(id).exec(db).await?;
    Ok(Change {
        action: "target.delete",
        object_type: "Target",
        object_id: id,
        scope_unit_id: Some(plan.issuer_id),
        before: Some(with_assignments(&before, &rows)),
        after: None,
    })
}

/// Replaces the assignments of a task or target; its version goes up.
pub async fn set_assignments(
    db: &impl ConnectionTrait,
    actor: &Actor,
    subject: Subject,
    version: i32,
    specs: Vec<AssignmentSpec>,
) -> DomainResult<Change> {
    let existing = existing_assignments(db, subject).await?;
    let mut checks = Checks(Vec::new());
    check_assignments(db, &mut checks, &specs, &existing).await?;
    let (object_type, id, scope, before, after) = match subject {
        Subject::Task(id) => {
            let (task, plan) = managed_task(db, actor, id).await?;
            versioned::check_version(&task, version)?;
            checks.finish()?;
            let before = serde_json::to_value(&task).unwrap_or_default();
            let saved = versioned::save(db, task, version).await?;
            (
                "Task",
                id,
                plan.issuer_id,
                before,
                serde_json::to_value(&saved).unwrap_or_default(),
            )
        }
        Subject::Target(id) => {
            let (target, plan) = managed_target(db, actor, id).await?;
            versioned::check_version(&target, version)?;
            checks.finish()?;
            let before = serde_json::to_value(&target).unwrap_or_default();
            let saved = versioned::save(db, target, version).await?;
            (
                "Target",
                id,
                plan.issuer_id,
                before,
                serde_json::to_value(&saved).unwrap_or_default(),
            )
        }
    };
    let rows = write_assignments(db, subject, &specs).await?;
    Ok(Change {
        action: "assignments.set",
        object_type,
        object_id: id,
        scope_unit_id: Some(scope),
        before: Some(with_assignments(&before, &existing)),
        after: Some(with_assignments(&after, &rows)),
    })
}
