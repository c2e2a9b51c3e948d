//! Changing plans: create (as a draft), update, issue (fixes number and date), supersede,
//! complete, delete a draft. Every rule failure is a [`FieldError`]; permission failures are
//! `FORBIDDEN` and do not reveal whether the plan exists.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use entity::enums::{PlanKind, PlanStatus};
use entity::{plan, task, unit};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use crate::access::{Action, Actor, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::{Checks, Edit, apply};
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::ids::PlanId;
use crate::kernel::mutation::Change;
use crate::kernel::text::search_text;
use crate::kernel::values::DocumentNumber;
use crate::kernel::versioned::{self, check_version};
use crate::org::unit::is_active_at;

const MAX_TITLE: usize = 1000;
const MAX_TEXT: usize = 10_000;

/// `createPlan` input, as received.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub title: String,
    pub kind: PlanKind,
    pub issuer_id: Uuid,
    pub document_number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub summary: Option<String>,
    /// Độ mật (see `plan::Model::confidential`).
    pub confidential: bool,
}

/// `updatePlan` input.
#[derive(Debug, Clone, Default)]
pub struct PlanChanges {
    pub title: Option<String>,
    pub kind: Option<PlanKind>,
    pub document_number: Edit<String>,
    pub issued_on: Edit<NaiveDate>,
    pub period_start: Edit<i32>,
    pub period_end: Edit<i32>,
    pub signer_name: Edit<String>,
    pub signer_title: Edit<String>,
    pub summary: Edit<String>,
    pub confidential: Option<bool>,
}

/// What every stored plan obeys, whoever writes it (a mutation, the demo loader): its number
/// parsed (`DocumentNumber`; blank is none), its period's years in range and in order, its
/// issue year, and its search text.
pub fn settle(checks: &mut Checks, plan: &mut plan::Model) {
    plan.document_number = checks
        .optional_document_number("documentNumber", plan.document_number.as_deref())
        .map(DocumentNumber::into_string);
    check_period(checks, plan.period_start, plan.period_end);
    plan.issue_year = plan.issued_on.map(|d| d.year());
    plan.search_text = plan_search_text(plan);
}

/// A plan's period: years in range, in order.
fn check_period(checks: &mut Checks, start: Option<i32>, end: Option<i32>) {
    for (field, year) in [("periodStart", start), ("periodEnd", end)] {
        if year.is_some_and(|y| !(1945..=2100).contains(&y)) {
            checks.fail(
                field,
                Code::OutOfRange,
                format!("`{field}` must be a year between 1945 and 2100"),
            );
        }
    }
    if let (Some(start), Some(end)) = (start, end)
        && start > end
    {
        checks.fail(
            "periodEnd",
            Code::DateOrder,
            format!("the period ends ({end}) before it starts ({start})"),
        );
    }
}

fn snapshot(model: &plan::Model) -> serde_json::Value {
    let mut value = serde_json::to_value(model).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("search_text");
    }
    value
}

fn plan_search_text(model: &plan::Model) -> String {
    search_text([
        model.document_number.as_deref(),
        Some(model.title.as_str()),
        model.summary.as_deref(),
    ])
}

/// Unique document number per issuer and year: a clear error instead of a constraint failure.
async fn check_number_free(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    model: &plan::Model,
) -> DomainResult<()> {
    let Some(number) = &model.document_number else {
        return Ok(());
    };
    let taken = plan::Entity::find()
        .filter(plan::Column::IssuerId.eq(model.issuer_id))
        .filter(plan::Column::DocumentNumber.eq(number.as_str()))
        .filter(match model.issue_year {
            Some(year) => plan::Column::IssueYear.eq(year),
            None => plan::Column::IssueYear.is_null(),
        })
        .filter(plan::Column::Id.ne(model.id))
        .one(db)
        .await?;
    if taken.is_some() {
        checks.fail(
            "documentNumber",
            Code::Duplicate,
            format!("{number} is already used by this issuer in that year"),
        );
    }
    Ok(())
}

/// Creates a draft plan.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewPlan,
) -> DomainResult<Change> {
    actor
        .authorize(db, Action::ManagePlans, Resource::Unit(input.issuer_id))
        .await?;
    let mut checks = Checks(Vec::new());
    let issuer = unit::Entity::find_by_id(input.issuer_id).one(db).await?;
    match &issuer {
        None => checks.fail("issuerId", Code::NotFound, "no such unit"),
        Some(unit) if !is_active_at(unit, crate::kernel::time::today()) => checks.fail(
            "issuerId",
            Code::UnitClosed,
            format!("{} no longer exists", unit.name),
        ),
        Some(_) => {}
    }
    let now = Utc::now();
    let mut model = plan::Model {
        id: Uuid::now_v7(),
        title: checks.text("title", &input.title, MAX_TITLE, true),
        kind: input.kind,
        issuer_id: input.issuer_id,
        document_number: input.document_number, // `settle` parses it
        issued_on: input.issued_on,
        issue_year: None, // `settle` derives it
        status: PlanStatus::Draft,
        period_start: input.period_start,
        period_end: input.period_end,
        signer_name: checks.optional_text("signerName", input.signer_name.as_deref(), MAX_TITLE),
        signer_title: checks.optional_text("signerTitle", input.signer_title.as_deref(), MAX_TITLE),
        summary: checks.optional_text("summary", input.summary.as_deref(), MAX_TEXT),
        search_text: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
        confidential: input.confidential,
    };
    settle(&mut checks, &mut model);
    check_number_free(db, &mut checks, &model).await?;
    checks.finish()?;
    let after = snapshot(&model);
    model
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    Ok(Change {
        action: AuditAction::PlanCreate,
        object_type: ObjectType::Plan,
        object_id: model.id,
        scope_unit_id: Some(model.issuer_id),
        before: None,
        after: Some(after),
    })
}

/// Refuses unless the caller may manage the plans of `plan`'s issuer (and so the plan, its
/// tasks and its targets).
pub(crate) async fn may_manage(
    db: &impl ConnectionTrait,
    actor: &Actor,
    plan: &plan::Model,
) -> DomainResult<()> {
    actor
        .authorize(db, Action::ManagePlans, Resource::Unit(plan.issuer_id))
        .await
}

/// Loads a plan the actor may manage; `FORBIDDEN` both when it may not and when the plan does
/// not exist (unless the actor is a province administrator, who may know).
pub async fn managed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: PlanId,
) -> DomainResult<plan::Model> {
    match plan::Entity::find_by_id(id).one(db).await? {
        Some(plan) => {
            may_manage(db, actor, &plan).await?;
            Ok(plan)
        }
        None if actor.sees_missing_objects() => Err(DomainError::Rejected(vec![FieldError::new(
            "id",
            Code::NotFound,
            "no such plan",
        )])),
        None => Err(DomainError::Forbidden(
            "you may not change data of this unit".into(),
        )),
    }
}

crate::versioned!(plan, "plan");

/// Updates a plan's fields. The number and date of an issued plan are fixed.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: PlanId,
    version: i32,
    changes: PlanChanges,
) -> DomainResult<Change> {
    let before = managed(db, actor, id).await?;
    check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    let mut next = before.clone();
    if let Some(title) = &changes.title {
        next.title = checks.text("title", title, MAX_TITLE, true);
    }
    if let Some(kind) = changes.kind {
        next.kind = kind;
    }
    if let Some(confidential) = changes.confidential {
        next.confidential = confidential;
    }
    let fixed = before.status != PlanStatus::Draft;
    if fixed && !matches!(changes.document_number, Edit::Keep) {
        checks.fail(
            "documentNumber",
            Code::InvalidState,
            "an issued plan's number cannot change",
        );
    }
    if fixed && !matches!(changes.issued_on, Edit::Keep) {
        checks.fail(
            "issuedOn",
            Code::InvalidState,
            "an issued plan's date cannot change",
        );
    }
    // `settle` parses the number.
    next.document_number = apply(changes.document_number, next.document_number);
    next.issued_on = apply(changes.issued_on, next.issued_on);
    next.period_start = apply(changes.period_start, next.period_start);
    next.period_end = apply(changes.period_end, next.period_end);
    for (field, edit, slot, max) in [
        (
            "signerName",
            changes.signer_name,
            &mut next.signer_name,
            MAX_TITLE,
        ),
        (
            "signerTitle",
            changes.signer_title,
            &mut next.signer_title,
            MAX_TITLE,
        ),
        ("summary", changes.summary, &mut next.summary, MAX_TEXT),
    ] {
        let value = match edit {
            Edit::Set(v) => Edit::Set(
                checks
                    .optional_text(field, Some(&v), max)
                    .unwrap_or_default(),
            ),
            other => other,
        };
        *slot = apply(value, slot.take()).filter(|v| !v.is_empty());
    }
    settle(&mut checks, &mut next);
    check_number_free(db, &mut checks, &next).await?;
    checks.finish()?;
    let saved = versioned::save(db, next, before.version).await?;
    Ok(Change {
        action: AuditAction::PlanUpdate,
        object_type: ObjectType::Plan,
        object_id: id.uuid(),
        scope_unit_id: Some(saved.issuer_id),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&saved)),
    })
}

/// Issues a draft: fixes its number and date, and dates the tasks whose deadline counts from
/// the issue date.
pub async fn issue(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: PlanId,
    version: i32,
    document_number: &str,
    issued_on: NaiveDate,
) -> DomainResult<Change> {
    let before = managed(db, actor, id).await?;
    check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    if before.status != PlanStatus::Draft {
        checks.fail("id", Code::InvalidState, "only a draft can be issued");
    }
    // Required here; `settle` parses it as any plan's number.
    let number = checks.document_number("documentNumber", document_number);
    let mut next = before.clone();
    next.document_number = number.map(DocumentNumber::into_string);
    next.issued_on = Some(issued_on);
    next.status = PlanStatus::Issued;
    // The issue year and the search text follow the number and date, as for any plan.
    settle(&mut checks, &mut next);
    check_number_free(db, &mut checks, &next).await?;
    checks.finish()?;
    let saved = versioned::save(db, next, before.version).await?;
    // Deadlines counted from the issue date: one UPDATE per distinct offset (a plan uses a
    // few: 30, 60, 90 days…), not one per task.
    let offsets: Vec<i32> = task::Entity::find()
        .select_only()
        .column(task::Column::DueWithinDays)
        .distinct()
        .filter(task::Column::PlanId.eq(id))
        .filter(task::Column::DueWithinDays.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    for days in offsets {
        task::Entity::update_many()
            .col_expr(
                task::Column::DueOn,
                Expr::value(issued_on + Duration::days(i64::from(days))),
            )
            .filter(task::Column::PlanId.eq(id))
            .filter(task::Column::DueWithinDays.eq(days))
            .exec(db)
            .await?;
    }
    Ok(Change {
        action: AuditAction::PlanIssue,
        object_type: ObjectType::Plan,
        object_id: id.uuid(),
        scope_unit_id: Some(saved.issuer_id),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&saved)),
    })
}

/// Moves an issued plan to SUPERSEDED (replaced by `by`) or COMPLETED.
pub async fn close(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: PlanId,
    version: i32,
    status: PlanStatus,
    superseded_by: Option<PlanId>,
) -> DomainResult<Change> {
    let before = managed(db, actor, id).await?;
    check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    if before.status != PlanStatus::Issued {
        checks.fail(
            "id",
            Code::InvalidState,
            "only an issued plan can be superseded or completed",
        );
    }
    if let Some(by) = superseded_by {
        match plan::Entity::find_by_id(by).one(db).await? {
            None => checks.fail("byPlanId", Code::NotFound, "no such plan"),
            Some(_) if by == id => {
                checks.fail("byPlanId", Code::Cycle, "a plan cannot supersede itself")
            }
            Some(other) if other.status == PlanStatus::Draft => checks.fail(
                "byPlanId",
                Code::InvalidState,
                "a draft cannot supersede an issued plan",
            ),
            Some(_) => {}
        }
    }
    checks.finish()?;
    let mut next = before.clone();
    next.status = status; // nothing `settle` derives depends on the status
    let saved = versioned::save(db, next, before.version).await?;
    let mut after = snapshot(&saved);
    if let (Some(by), Some(object)) = (superseded_by, after.as_object_mut()) {
        object.insert("superseded_by".into(), by.to_string().into());
    }
    Ok(Change {
        action: if status == PlanStatus::Superseded {
            AuditAction::PlanSupersede
        } else {
            AuditAction::PlanComplete
        },
        object_type: ObjectType::Plan,
        object_id: id.uuid(),
        scope_unit_id: Some(saved.issuer_id),
        before: Some(snapshot(&before)),
        after: Some(after),
    })
}

/// Deletes a draft (with its targets, tasks and assignments).
pub async fn delete(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: PlanId,
    version: i32,
) -> DomainResult<Change> {
    let before = managed(db, actor, id).await?;
    check_version(&before, version)?;
    if before.status != PlanStatus::Draft {
        return Err(DomainError::Rejected(vec![FieldError::new(
            "id",
            Code::InvalidState,
            "only a draft can be deleted; supersede or complete an issued plan",
        )]));
    }
    let implemented = entity::plan_reference::Entity::find()
        .filter(entity::plan_reference::Column::ParentPlanId.eq(id))
        .one(db)
        .await?;
    if implemented.is_some() {
        return Err(DomainError::Rejected(vec![FieldError::new(
            "id",
            Code::InvalidState,
            "other plans implement this draft; remove those links first",
        )]));
    }
    let result = plan::Entity::delete_many()
        .filter(plan::Column::Id.eq(id))
        .filter(plan::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(versioned::stale("plan", version + 1, version));
    }
    Ok(Change {
        action: AuditAction::PlanDelete,
        object_type: ObjectType::Plan,
        object_id: id.uuid(),
        scope_unit_id: Some(before.issuer_id),
        before: Some(snapshot(&before)),
        after: None,
    })
}

/// Records that `plan_id` implements `parent_id` (căn cứ / thực hiện). The cascade stays a
/// hierarchy: a plan cannot implement itself or one of the plans that implement it.
pub async fn link(
    db: &impl ConnectionTrait,
    actor: &Actor,
    plan_id: PlanId,
    parent_id: PlanId,
) -> DomainResult<Change> {
    let plan = managed(db, actor, plan_id).await?;
    let mut checks = Checks(Vec::new());
    let parent = plan::Entity::find_by_id(parent_id).one(db).await?;
    if parent.is_none() {
        checks.fail("parentPlanId", Code::NotFound, "no such plan");
    }
    if parent_id == plan_id || implements_transitively(db, parent_id.uuid(), plan_id.uuid()).await?
    {
        checks.fail(
            "parentPlanId",
            Code::Cycle,
            "that plan already implements this one (directly or through others)",
        );
    }
    let existing = entity::plan_reference::Entity::find()
        .filter(entity::plan_reference::Column::PlanId.eq(plan_id))
        .all(db)
        .await?;
    if existing
        .iter()
        .any(|r| r.parent_plan_id == Some(parent_id.uuid()))
    {
        checks.fail(
            "parentPlanId",
            Code::Duplicate,
            "this plan already implements that one",
        );
    }
    checks.finish()?;
    let position = existing.iter().map(|r| r.position + 1).max().unwrap_or(0);
    entity::plan_reference::Model {
        id: Uuid::now_v7(),
        plan_id: plan_id.uuid(),
        parent_plan_id: Some(parent_id.uuid()),
        external_number: None,
        external_issuer: None,
        external_issued_on: None,
        external_title: None,
        position,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    Ok(Change {
        action: AuditAction::PlanLink,
        object_type: ObjectType::Plan,
        object_id: plan_id.uuid(),
        scope_unit_id: Some(plan.issuer_id),
        before: None,
        after: Some(serde_json::json!({ "implements": parent_id })),
    })
}

/// Removes the record that `plan_id` implements `parent_id`.
pub async fn unlink(
    db: &impl ConnectionTrait,
    actor: &Actor,
    plan_id: PlanId,
    parent_id: PlanId,
) -> DomainResult<Change> {
    let plan = managed(db, actor, plan_id).await?;
    let removed = entity::plan_reference::Entity::delete_many()
        .filter(entity::plan_reference::Column::PlanId.eq(plan_id))
        .filter(entity::plan_reference::Column::ParentPlanId.eq(parent_id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(DomainError::Rejected(vec![FieldError::new(
            "parentPlanId",
            Code::NotFound,
            "this plan does not implement that one",
        )]));
    }
    Ok(Change {
        action: AuditAction::PlanUnlink,
        object_type: ObjectType::Plan,
        object_id: plan_id.uuid(),
        scope_unit_id: Some(plan.issuer_id),
        before: Some(serde_json::json!({ "implements": parent_id })),
        after: None,
    })
}

/// Whether `plan` implements `ancestor`, following the cascade upwards (one statement a level).
async fn implements_transitively(
    db: &impl ConnectionTrait,
    plan: Uuid,
    ancestor: Uuid,
) -> DomainResult<bool> {
    let mut frontier = vec![plan];
    let mut seen = std::collections::HashSet::from([plan]);
    while !frontier.is_empty() {
        let parents: Vec<Uuid> = entity::plan_reference::Entity::find()
            .filter(entity::plan_reference::Column::PlanId.is_in(frontier.clone()))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|r| r.parent_plan_id)
            .collect();
        if parents.contains(&ancestor) {
            return Ok(true);
        }
        frontier = parents.into_iter().filter(|p| seen.insert(*p)).collect();
    }
    Ok(false)
}

/// Checks that `area` (if any) is one of the plan's areas (a task's or target's).
pub(crate) async fn check_area(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    plan_id: Uuid,
    area: Option<Uuid>,
) -> DomainResult<()> {
    if let Some(area) = area {
        let found = entity::plan_area::Entity::find_by_id(area).one(db).await?;
        if found.is_none_or(|a| a.plan_id != plan_id) {
            checks.fail("areaId", Code::NotFound, "no such area in this plan");
        }
    }
    Ok(())
}

/// "No such …" for a province administrator, who may know; `FORBIDDEN` for anyone else.
pub(crate) fn not_found_or_forbidden(actor: &Actor, message: &str) -> DomainError {
    if actor.sees_missing_objects() {
        DomainError::Rejected(vec![FieldError::new("id", Code::NotFound, message)])
    } else {
        DomainError::Forbidden("you may not change data of this unit".into())
    }
}
