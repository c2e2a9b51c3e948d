//! Changing targets (chỉ tiêu): create, update, delete. A target always has exactly one lead
//! (chủ trì) among its assignments (`planning::assignment`); its code is unique in its plan; the
//! plan's issuer decides who may change it.

use chrono::Utc;
use entity::enums::{ChangeDirection, Comparator, TargetMeasure};
use entity::{plan, target};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use crate::access::Actor;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::{Checks, Edit, apply};
use crate::kernel::error::{DomainResult, FieldErrorCode as Code};
use crate::kernel::ids::{PlanId, TargetId};
use crate::kernel::mutation::Change;
use crate::kernel::text::search_text;
use crate::kernel::time::{MAX_YEAR, MIN_YEAR};
use crate::kernel::values::{Percent, Year};
use crate::kernel::versioned;
use crate::planning::assignment::{
    AssignmentSpec, Subject, check_assignments, existing_assignments, with_assignments,
    write_assignments,
};
use crate::planning::plan::edit::{check_area, managed, not_found_or_forbidden};
use crate::planning::{MAX_CODE, MAX_TITLE};

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
}

/// What every stored target obeys, whoever writes it (a mutation, the demo loader): its values,
/// years and comparator checked against each other, and its search text.
pub fn settle(checks: &mut Checks, target: &mut target::Model) {
    check_target(checks, target);
    target.search_text = search_text([Some(target.code.as_str()), Some(target.statement.as_str())]);
}

fn check_target(checks: &mut Checks, target: &target::Model) {
    if target.measure == TargetMeasure::Percent {
        for (field, value) in [
            ("targetValue", target.target_value),
            ("baselineValue", target.baseline_value),
        ] {
            if value.is_some_and(|v| v.is_finite() && Percent::new(v).is_err()) {
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
        if year.is_some_and(|y| Year::new(y).is_err()) {
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
    plan_id: PlanId,
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
        plan_id: plan_id.uuid(),
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
    settle(&mut checks, &mut model);
    check_area(db, &mut checks, plan_id.uuid(), model.area_id).await?;
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
        action: AuditAction::TargetCreate,
        object_type: ObjectType::Target,
        object_id: model.id,
        scope_unit_id: Some(plan.issuer_id),
        before: None,
        after: Some(with_assignments(&model, &rows)),
    })
}

pub(crate) async fn managed_target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: TargetId,
) -> DomainResult<(target::Model, plan::Model)> {
    let Some(target) = target::Entity::find_by_id(id).one(db).await? else {
        return Err(not_found_or_forbidden(actor, "no such target"));
    };
    let plan = managed(db, actor, PlanId::new(target.plan_id)).await?;
    Ok((target, plan))
}

crate::versioned!(target, "target");

/// Changes a target's fields.
pub async fn update_target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: TargetId,
    version: i32,
    fields: TargetFields,
) -> DomainResult<Change> {
    let (before, plan) = managed_target(db, actor, id).await?;
    versioned::check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    let mut next = before.clone();
    apply_target_fields(&mut checks, &mut next, fields);
    settle(&mut checks, &mut next);
    check_area(db, &mut checks, plan.id, next.area_id).await?;
    checks.finish()?;
    let saved = versioned::save(db, next, version).await?;
    let rows = existing_assignments(db, Subject::Target(id.uuid())).await?;
    Ok(Change {
        action: AuditAction::TargetUpdate,
        object_type: ObjectType::Target,
        object_id: id.uuid(),
        scope_unit_id: Some(plan.issuer_id),
        before: Some(with_assignments(&before, &rows)),
        after: Some(with_assignments(&saved, &rows)),
    })
}

/// Deletes a target (its assignments and breakdown go with it).
pub async fn delete_target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: TargetId,
    version: i32,
) -> DomainResult<Change> {
    let (before, plan) = managed_target(db, actor, id).await?;
    versioned::check_version(&before, version)?;
    let rows = existing_assignments(db, Subject::Target(id.uuid())).await?;
    target::Entity::delete_by_id(id).exec(db).await?;
    Ok(Change {
        action: AuditAction::TargetDelete,
        object_type: ObjectType::Target,
        object_id: id.uuid(),
        scope_unit_id: Some(plan.issuer_id),
        before: Some(with_assignments(&before, &rows)),
        after: None,
    })
}
