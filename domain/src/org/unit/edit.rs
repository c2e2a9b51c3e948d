//! Changing the organisation tree: create, update, move (no cycles), close, and merge — which
//! closes the merged units, records the succession, and can hand their open work to the
//! successor. History stays: closed units keep their names, codes, plans and finished work.

use chrono::{Duration, NaiveDate, Utc};
use entity::enums::{SuccessionEvent, TaskStatus, UnitKind};
use entity::{assignment, task, unit, unit_succession};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use crate::access::{Action, Actor, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::{Checks, Edit, apply};
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::ids::UnitId;
use crate::kernel::mutation::Change;
use crate::kernel::text::search_text;
use crate::kernel::versioned;
use crate::org::unit::{is_active_at, subtree_ids};

/// A unit's fields, as received.
#[derive(Debug, Clone, Default)]
pub struct UnitFields {
    pub name: Option<String>,
    pub short_name: Edit<String>,
    pub kind: Option<UnitKind>,
    pub code: Edit<String>,
    pub active_from: Edit<NaiveDate>,
}

/// Mã định danh điện tử (QĐ 20/2020/QĐ-TTg): groups of `[0-9A-Z]` joined by dots, ≤ 35 chars.
pub fn valid_agency_code(code: &str) -> bool {
    super::identifier::AgencyId::parse(code).is_ok()
}

/// A unit as its audit events record it.
pub(crate) fn snapshot(unit: &unit::Model) -> serde_json::Value {
    let mut value = serde_json::to_value(unit).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("search_text");
    }
    value
}

async fn apply_fields(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    unit: &mut unit::Model,
    fields: UnitFields,
) -> DomainResult<()> {
    if let Some(name) = &fields.name {
        unit.name = checks.text("name", name, 500, true);
    }
    if let Some(kind) = fields.kind {
        unit.kind = kind;
    }
    unit.short_name = match fields.short_name {
        Edit::Set(v) => checks.optional_text("shortName", Some(&v), 200),
        other => apply(other, unit.short_name.take()),
    };
    unit.code = match fields.code {
        Edit::Set(v) => Some(v.trim().to_owned()).filter(|c| !c.is_empty()),
        other => apply(other, unit.code.take()),
    };
    if let Some(code) = &unit.code {
        if !valid_agency_code(code) {
            checks.fail("code", Code::Invalid, "an agency code is groups of digits and capital letters joined by dots, at most 35 characters (e.g. H34.20)");
        } else {
            let taken = unit::Entity::find()
                .filter(unit::Column::Code.eq(code.as_str()))
                .filter(unit::Column::Id.ne(unit.id))
                .one(db)
                .await?;
            if let Some(other) = taken {
                // Codes are never reused, not even those of closed units.
                checks.fail(
                    "code",
                    Code::Duplicate,
                    format!("{code} belongs to {}", other.name),
                );
            }
        }
    }
    unit.active_from = apply(fields.active_from, unit.active_from);
    unit.search_text = unit_search_text(unit);
    Ok(())
}

/// A unit's search text (its name, short name and agency code, folded), whoever writes it.
pub fn unit_search_text(unit: &unit::Model) -> String {
    search_text([
        Some(unit.name.as_str()),
        unit.short_name.as_deref(),
        unit.code.as_deref(),
    ])
}

async fn find(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: UnitId,
    field: &str,
) -> DomainResult<unit::Model> {
    match unit::Entity::find_by_id(id).one(db).await? {
        Some(unit) => Ok(unit),
        None if actor.sees_missing_objects() => Err(DomainError::Rejected(vec![FieldError::new(
            field,
            Code::NotFound,
            "no such unit",
        )])),
        None => Err(DomainError::Forbidden(
            "you may not change data of this unit".into(),
        )),
    }
}

crate::versioned!(unit, "unit");

/// The audit record of a change to `unit`.
pub(crate) fn change(
    action: AuditAction,
    unit: &unit::Model,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Change {
    Change {
        action,
        object_type: ObjectType::Unit,
        object_id: unit.id,
        scope_unit_id: Some(unit.id),
        before,
        after,
    }
}

/// Creates a unit under `parent` (a root only for a province administrator).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    parent: Option<UnitId>,
    fields: UnitFields,
) -> DomainResult<Change> {
    let mut checks = Checks(Vec::new());
    match parent {
        Some(parent_id) => {
            let parent = find(db, actor, parent_id, "parentId").await?;
            actor
                .authorize(db, Action::ManageUnits, Resource::Unit(parent.id))
                .await?;
            if !is_active_at(&parent, crate::kernel::time::today()) {
                checks.fail(
                    "parentId",
                    Code::UnitClosed,
                    format!("{} is closed", parent.name),
                );
            }
        }
        None => {
            actor
                .authorize(db, Action::CreateTopLevelUnits, Resource::Province)
                .await?;
        }
    }
    for (field, present) in [
        ("name", fields.name.is_some()),
        ("kind", fields.kind.is_some()),
    ] {
        if !present {
            checks.fail(field, Code::Required, format!("`{field}` is required"));
        }
    }
    let now = Utc::now();
    let mut model = unit::Model {
        id: Uuid::now_v7(),
        code: None,
        name: String::new(),
        short_name: None,
        kind: UnitKind::Other,
        parent_id: parent.map(UnitId::uuid),
        active_from: None,
        active_to: None,
        search_text: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    apply_fields(db, &mut checks, &mut model, fields).await?;
    checks.finish()?;
    model
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    Ok(change(
        AuditAction::UnitCreate,
        &model,
        None,
        Some(snapshot(&model)),
    ))
}

/// Changes a unit's name, kind, code…
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: UnitId,
    version: i32,
    fields: UnitFields,
) -> DomainResult<Change> {
    let before = find(db, actor, id, "id").await?;
    actor
        .authorize(db, Action::ManageUnits, Resource::Unit(before.id))
        .await?;
    versioned::check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    let mut next = before.clone();
    apply_fields(db, &mut checks, &mut next, fields).await?;
    checks.finish()?;
    let saved = versioned::save(db, next, version).await?;
    Ok(change(
        AuditAction::UnitUpdate,
        &saved,
        Some(snapshot(&before)),
        Some(snapshot(&saved)),
    ))
}

/// Moves a unit under another parent (never below itself).
pub async fn move_unit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: UnitId,
    version: i32,
    parent: Option<UnitId>,
) -> DomainResult<Change> {
    let before = find(db, actor, id, "id").await?;
    actor
        .authorize(db, Action::ManageUnits, Resource::Unit(before.id))
        .await?;
    versioned::check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    match parent {
        Some(parent_id) => {
            let new_parent = find(db, actor, parent_id, "parentId").await?;
            actor
                .authorize(db, Action::ManageUnits, Resource::Unit(new_parent.id))
                .await?;
            if subtree_ids(db, id.uuid())
                .await?
                .contains(&parent_id.uuid())
            {
                checks.fail("parentId", Code::Cycle, "a unit cannot move below itself");
            } else if !is_active_at(&new_parent, crate::kernel::time::today()) {
                checks.fail(
                    "parentId",
                    Code::UnitClosed,
                    format!("{} is closed", new_parent.name),
                );
            }
        }
        None => {
            actor
                .authorize(db, Action::CreateTopLevelUnits, Resource::Province)
                .await?;
        }
    }
    checks.finish()?;
    let mut next = before.clone();
    next.parent_id = parent.map(UnitId::uuid);
    let saved = versioned::save(db, next, version).await?;
    Ok(change(
        AuditAction::UnitMove,
        &saved,
        Some(snapshot(&before)),
        Some(snapshot(&saved)),
    ))
}

async fn check_closable(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    unit: &unit::Model,
    last_day: NaiveDate,
    field: &str,
) -> DomainResult<()> {
    if unit.active_to.is_some() {
        checks.fail(
            field,
            Code::InvalidState,
            format!("{} is already closed", unit.name),
        );
    }
    if unit.active_from.is_some_and(|from| from > last_day) {
        checks.fail(
            field,
            Code::DateOrder,
            format!("{} would close before it opened", unit.name),
        );
    }
    let open_children = unit::Entity::find()
        .filter(unit::Column::ParentId.eq(unit.id))
        .filter(unit::Column::ActiveTo.is_null())
        .one(db)
        .await?;
    if open_children.is_some() {
        checks.fail(
            field,
            Code::InvalidState,
            format!(
                "{} still has open units below it: close or move them first",
                unit.name
            ),
        );
    }
    Ok(())
}

/// Closes a unit (dissolution); its last day is `last_day`.
pub async fn close(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: UnitId,
    version: i32,
    last_day: NaiveDate,
) -> DomainResult<Change> {
    let before = find(db, actor, id, "id").await?;
    actor
        .authorize(db, Action::ManageUnits, Resource::Unit(before.id))
        .await?;
    versioned::check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    check_closable(db, &mut checks, &before, last_day, "id").await?;
    checks.finish()?;
    let mut next = before.clone();
    next.active_to = Some(last_day);
    let saved = versioned::save(db, next, version).await?;
    Ok(change(
        AuditAction::UnitClose,
        &saved,
        Some(snapshot(&before)),
        Some(snapshot(&saved)),
    ))
}

/// Merges units into a successor from `effective_on`: closes them the day before, records
/// MERGE succession events, and, when asked, hands their assignments on open tasks to the
/// successor.
pub async fn merge(
    db: &impl ConnectionTrait,
    actor: &Actor,
    merged: Vec<UnitId>,
    successor_id: UnitId,
    effective_on: NaiveDate,
    decision: Option<String>,
    move_open_assignments: bool,
) -> DomainResult<Change> {
    let mut checks = Checks(Vec::new());
    if merged.is_empty() {
        checks.fail("unitIds", Code::Required, "name the units to merge");
    }
    if merged.contains(&successor_id) {
        checks.fail(
            "successorId",
            Code::Cycle,
            "a unit cannot merge into itself",
        );
    }
    let successor = find(db, actor, successor_id, "successorId").await?;
    actor
        .authorize(db, Action::ManageUnits, Resource::Unit(successor.id))
        .await?;
    if !is_active_at(&successor, effective_on) {
        checks.fail(
            "successorId",
            Code::UnitClosed,
            format!("{} does not exist on {effective_on}", successor.name),
        );
    }
    let last_day = effective_on - Duration::days(1);
    let mut units = Vec::new();
    for (i, id) in merged.iter().enumerate() {
        let unit = find(db, actor, *id, &format!("unitIds.{i}")).await?;
        actor
            .authorize(db, Action::ManageUnits, Resource::Unit(unit.id))
            .await?;
        check_closable(db, &mut checks, &unit, last_day, &format!("unitIds.{i}")).await?;
        units.push(unit);
    }
    checks.finish()?;
    let decision = crate::kernel::text::clean_opt(decision.as_deref());
    let mut moved = 0u64;
    for unit in &units {
        let mut next = unit.clone();
        next.active_to = Some(last_day);
        versioned::save(db, next, unit.version).await?;
        unit_succession::Model {
            id: Uuid::now_v7(),
            predecessor_id: unit.id,
            successor_id: successor_id.uuid(),
            event: SuccessionEvent::Merge,
            effective_on,
            decision: decision.clone(),
            created_at: Utc::now(),
        }
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
        if move_open_assignments {
            moved += hand_over(db, unit.id, successor_id.uuid()).await?;
        }
    }
    let after = serde_json::json!({
        "successor": snapshot(&successor),
        "merged": units.iter().map(|u| u.id).collect::<Vec<_>>(),
        "effective_on": effective_on,
        "decision": decision,
        "moved_assignments": moved,
    });
    Ok(Change {
        action: AuditAction::UnitMerge,
        object_type: ObjectType::Unit,
        object_id: successor_id.uuid(),
        scope_unit_id: Some(successor_id.uuid()),
        before: Some(
            serde_json::json!({ "merged": units.iter().map(snapshot).collect::<Vec<_>>() }),
        ),
        after: Some(after),
    })
}

/// Gives the successor the merged unit's assignments on tasks that are still open; finished
/// work keeps its historic unit. A role the successor already holds on a task is not doubled.
async fn hand_over(db: &impl ConnectionTrait, from: Uuid, to: Uuid) -> DomainResult<u64> {
    let open_tasks = Query::select()
        .column(task::Column::Id)
        .from(task::Entity)
        .and_where(task::Column::Status.is_not_in([TaskStatus::Completed, TaskStatus::Cancelled]))
        .take();
    let handed = Condition::all()
        .add(assignment::Column::UnitId.eq(from))
        .add(assignment::Column::TaskId.in_subquery(open_tasks));
    let moved = assignment::Entity::find()
        .filter(handed.clone())
        .count(db)
        .await?;
    // Set-based, whatever the number of rows: first drop the rows whose role the successor
    // already holds on the task, then give the rest to the successor.
    let held = Alias::new("held");
    let successor_holds = Query::select()
        .expr(Expr::val(1))
        .from_as(assignment::Entity, held.clone())
        .and_where(
            Expr::col((held.clone(), assignment::Column::TaskId))
                .equals((assignment::Entity, assignment::Column::TaskId)),
        )
        .and_where(
            Expr::col((held.clone(), assignment::Column::Role))
                .equals((assignment::Entity, assignment::Column::Role)),
        )
        .and_where(Expr::col((held, assignment::Column::UnitId)).eq(to))
        .to_owned();
    assignment::Entity::delete_many()
        .filter(handed.clone())
        .filter(Expr::exists(successor_holds))
        .exec(db)
        .await?;
    assignment::Entity::update_many()
        .col_expr(assignment::Column::UnitId, Expr::value(to))
        .filter(handed)
        .exec(db)
        .await?;
    Ok(moved)
}
