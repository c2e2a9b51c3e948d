//! Assignments (phân công): which units or groups lead (chủ trì), cooperate (phối hợp),
//! implement, monitor or guide a task or target. Exactly one lead; a closed unit receives no
//! new assignment; replacing the list bumps the task's or target's version.

use std::collections::HashSet;

use entity::enums::AssignmentRole;
use entity::{assignment, unit, unit_group};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use crate::access::Actor;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldErrorCode as Code};
use crate::kernel::ids::{TargetId, TaskId};
use crate::kernel::mutation::Change;
use crate::kernel::time;
use crate::kernel::versioned;
use crate::org::unit::is_active_at;
use crate::planning::target::edit::managed_target;
use crate::planning::task::edit::managed_task;
use crate::planning::task::facts::TaskFacts;

/// Orders a task's or target's assignments as lists show them: the lead first, then by position.
pub fn sort_lead_first(rows: &mut [assignment::Model]) {
    rows.sort_by_key(|a| (a.role != AssignmentRole::Lead, a.position));
}

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

/// Checks an assignment list: its shape ([`check_shape`]), existing assignees, and no closed
/// unit among the new ones.
pub(crate) async fn check_assignments(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    specs: &[AssignmentSpec],
    existing: &[assignment::Model],
) -> DomainResult<()> {
    check_shape(checks, specs);
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

/// The shape every assignment list has, whoever writes it (a mutation, the demo loader):
/// exactly one lead, exactly one of unit / group per row, no row twice.
pub fn check_shape(checks: &mut Checks, specs: &[AssignmentSpec]) {
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
}

pub(crate) async fn existing_assignments(
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
pub(crate) async fn write_assignments(
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

/// The audit snapshot of a task or target: its row (without the internal `search_text`) with
/// its assignments.
pub(crate) fn with_assignments(
    row: &impl serde::Serialize,
    rows: &[assignment::Model],
) -> serde_json::Value {
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
            let TaskFacts { task, plan, .. } = managed_task(db, actor, TaskId::new(id)).await?;
            versioned::check_version(&task, version)?;
            checks.finish()?;
            let before = serde_json::to_value(&task).unwrap_or_default();
            let saved = versioned::save(db, task, version).await?;
            (
                ObjectType::Task,
                id,
                plan.issuer_id,
                before,
                serde_json::to_value(&saved).unwrap_or_default(),
            )
        }
        Subject::Target(id) => {
            let (target, plan) = managed_target(db, actor, TargetId::new(id)).await?;
            versioned::check_version(&target, version)?;
            checks.finish()?;
            let before = serde_json::to_value(&target).unwrap_or_default();
            let saved = versioned::save(db, target, version).await?;
            (
                ObjectType::Target,
                id,
                plan.issuer_id,
                before,
                serde_json::to_value(&saved).unwrap_or_default(),
            )
        }
    };
    let rows = write_assignments(db, subject, &specs).await?;
    Ok(Change {
        action: AuditAction::AssignmentsSet,
        object_type,
        object_id: id,
        scope_unit_id: Some(scope),
        before: Some(with_assignments(&before, &existing)),
        after: Some(with_assignments(&after, &rows)),
    })
}
