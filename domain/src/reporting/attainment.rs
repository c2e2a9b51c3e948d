//! Target attainment (mức độ đạt chỉ tiêu): the values units report for a target (as a whole or
//! per breakdown row, measured or estimated) and whether the target is met, judged by its
//! comparator and, for a change from a baseline year, its direction ("≥ 90 %" is met at 91;
//! "giảm ≥ 2,5 %" is met at −3). Figures are read as of a day, so a past dashboard can be
//! reproduced.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{AssignmentRole, ChangeDirection, Comparator, TargetMeasure};
use entity::{target, target_breakdown_group, target_breakdown_row, target_value, unit};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait,
};
use uuid::Uuid;

use super::deadline::end_of_day;
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{BreakdownRowId, TargetId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::period::PeriodCode;
use crate::kernel::query::{fetch_all, fetch_with_related, find, with_columns_of};
use crate::kernel::time::today;
use crate::planning::target::{StoredBreakdown, compute, stored_breakdowns_reading};

/// The largest value a unit may report (in absolute value).
pub const MAX_VALUE: f64 = 1e12;
/// The longest narrative of a value.
pub const MAX_NARRATIVE: usize = 20_000;

/// A target value as a unit reports it (`submitTargetValue`).
#[derive(Debug, Clone)]
pub struct TargetValueInput {
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub period: PeriodCode,
    pub value: f64,
    /// Estimated to the period's end (ước thực hiện).
    pub estimate: bool,
    pub breakdown_row_id: Option<BreakdownRowId>,
    pub narrative: Option<String>,
}

/// Records what a target reached in a period (its lead and implementing units; for a breakdown
/// row, also the unit the row is about).
pub async fn submit_value(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: TargetValueInput,
) -> DomainResult<Change> {
    actor
        .authorize(
            db,
            Action::SubmitReports,
            Resource::Unit(input.unit_id.uuid()),
        )
        .await?;
    let Some(target) = target::Entity::find_by_id(input.target_id).one(db).await? else {
        return Err(rejected("targetId", Code::NotFound, "no such target"));
    };
    let Some(unit) = unit::Entity::find_by_id(input.unit_id).one(db).await? else {
        return Err(rejected("unitId", Code::NotFound, "no such unit"));
    };
    let mut checks = Checks(Vec::new());
    if !input.value.is_finite() || input.value.abs() > MAX_VALUE {
        checks.fail(
            "value",
            Code::OutOfRange,
            format!("a value is a number between −{MAX_VALUE:e} and {MAX_VALUE:e}"),
        );
    }
    match target.measure {
        TargetMeasure::Qualitative => checks.fail(
            "targetId",
            Code::Invalid,
            "a qualitative target has no value: report it through its tasks' progress",
        ),
        TargetMeasure::Percent
            if target.change_direction.is_none() && !(0.0..=100.0).contains(&input.value) =>
        {
            checks.fail(
                "value",
                Code::OutOfRange,
                "a percentage is between 0 and 100",
            )
        }
        TargetMeasure::Boolean if input.value != 0.0 && input.value != 1.0 => checks.fail(
            "value",
            Code::OutOfRange,
            "a yes/no target takes 1 (yes) or 0 (no)",
        ),
        _ => {}
    }
    let narrative = checks.optional_text("narrative", input.narrative.as_deref(), MAX_NARRATIVE);
    super::check_period_begun(&mut checks, input.period);
    checks.finish()?;
    let row = match input.breakdown_row_id {
        Some(id) => match target_breakdown_row::Entity::find_by_id(id).one(db).await? {
            Some(row) if row.target_id == target.id => Some(row),
            _ => {
                return Err(rejected(
                    "breakdownRowId",
                    Code::NotFound,
                    "no such breakdown row of this target",
                ));
            }
        },
        None => None,
    };
    let rows = crate::planning::target::assignments(db, &[target.id])
        .await?
        .remove(&target.id)
        .unwrap_or_default();
    let writers = super::completion::units_of(
        db,
        &rows,
        &[AssignmentRole::Lead, AssignmentRole::Implementing],
    )
    .await?;
    let writes =
        writers.contains(&unit.id) || row.as_ref().is_some_and(|r| r.unit_id == Some(unit.id));
    if !writes {
        return Err(rejected(
            "unitId",
            Code::Invalid,
            format!(
                "{} neither leads nor implements this target: only they report its values",
                unit.name
            ),
        ));
    }
    let now = Utc::now();
    let stored = target_value::Model {
        id: Uuid::now_v7(),
        target_id: target.id,
        breakdown_row_id: row.map(|r| r.id),
        unit_id: unit.id,
        period_code: input.period.to_string(),
        value: input.value,
        is_estimate: input.estimate,
        narrative,
        reported_by: Some(actor.principal.subject.clone()),
        reported_at: now,
        created_at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    let scope = super::plan_issuer(db, target.plan_id).await?;
    Ok(Change {
        action: AuditAction::TargetValueSubmit,
        object_type: ObjectType::TargetValue,
        object_id: stored.id,
        scope_unit_id: scope,
        before: None,
        after: Some(serde_json::json!({
            "target_id": stored.target_id, "breakdown_row_id": stored.breakdown_row_id,
            "unit_id": stored.unit_id, "period_code": stored.period_code, "value": stored.value,
            "is_estimate": stored.is_estimate,
        })),
    })
}

/// Whether `actual` meets a target of `target` value under `comparator` (at least, when the
/// document states none), for a change from a baseline in `direction` (the actual is then the
/// change: −3 for a fall of 3).
pub fn judge(
    target: f64,
    comparator: Option<Comparator>,
    direction: Option<ChangeDirection>,
    actual: f64,
) -> bool {
    const EPSILON: f64 = 1e-9;
    let reached = match direction {
        Some(ChangeDirection::Decrease) => -actual,
        Some(ChangeDirection::Increase) | None => actual,
    };
    match comparator.unwrap_or(Comparator::AtLeast) {
        Comparator::GreaterThan => reached > target + EPSILON,
        Comparator::AtLeast | Comparator::AchieveOrExceed => reached >= target - EPSILON,
        Comparator::Exactly => (reached - target).abs() <= EPSILON,
        Comparator::AtMost => reached <= target + EPSILON,
        Comparator::LessThan => reached < target - EPSILON,
    }
}

/// A reported value, the newest as of the day asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Reported {
    pub value: f64,
    pub estimate: bool,
    pub at: DateTime<Utc>,
    pub unit_id: Uuid,
}

impl From<&target_value::Model> for Reported {
    fn from(v: &target_value::Model) -> Self {
        Self {
            value: v.value,
            estimate: v.is_estimate,
            at: v.reported_at,
            unit_id: v.unit_id,
        }
    }
}

/// A breakdown row's target and what was reported for it.
#[derive(Debug, Clone)]
pub struct RowAttainment {
    pub row: target_breakdown_row::Model,
    pub reported: Option<Reported>,
    pub met: Option<bool>,
}

/// A breakdown group's subtotal: the sum of its rows' targets, and of their values once every
/// row has one.
#[derive(Debug, Clone)]
pub struct GroupAttainment {
    pub group: target_breakdown_group::Model,
    pub target: f64,
    pub actual: Option<f64>,
    pub rows: Vec<RowAttainment>,
}

/// A target's attainment for a period, as of a day.
#[derive(Debug, Clone)]
pub struct TargetAttainment {
    pub target: target::Model,
    /// What the target asks: its value, or the total of its breakdown.
    pub goal: Option<f64>,
    /// What was reached: the newest value for the whole target, or (when every breakdown row
    /// has a value and none is newer for the whole) the sum of the rows.
    pub actual: Option<f64>,
    /// Whether any value in `actual` is an estimate (ước thực hiện).
    pub estimate: bool,
    /// Met, not met, or unknown (nothing reported, or nothing to compare with).
    pub met: Option<bool>,
    /// When the newest value counted was reported.
    pub reported_at: Option<DateTime<Utc>>,
    pub groups: Vec<GroupAttainment>,
}

/// The attainment of a plan's targets (in its order) for `period`: the values reported for it
/// by the end of `as_of` when a day is asked, else up to today (values for a period are
/// reported after it ends). Without `labels`, the breakdowns' groups and rows come without their
/// codes and labels (see [`stored_breakdowns_reading`]).
pub async fn of_plan(
    db: &impl ConnectionTrait,
    plan_id: Uuid,
    period: PeriodCode,
    as_of: Option<NaiveDate>,
    labels: bool,
) -> DomainResult<Vec<TargetAttainment>> {
    // The targets with their values for the period in one join (a target has a few values per
    // period), then their breakdowns.
    let code = period.to_string();
    let before = end_of_day(as_of.unwrap_or_else(today));
    let values = target::Relation::Values
        .def()
        .on_condition(move |_, value| {
            // Here only: its `max` would shadow `Ord::max` in this file.
            use sea_orm::sea_query::ExprTrait as _;
            Condition::all()
                .add(Expr::col((value.clone(), target_value::Column::PeriodCode)).eq(code.clone()))
                .add(Expr::col((value, target_value::Column::ReportedAt)).lt(before))
        });
    let query = with_columns_of::<target_value::Entity, _>(
        find::<target::Entity>()
            .filter(target::Column::PlanId.eq(plan_id))
            .order_by_asc(target::Column::Position)
            .order_by_asc(target::Column::Id)
            .join(JoinType::LeftJoin, values),
    )
    .order_by_asc(target_value::Column::ReportedAt)
    .order_by_asc(target_value::Column::Id)
    .into_query();
    let rows =
        fetch_with_related::<target::Model, target_value::Model, _>(db, &query, |t| t.id).await?;
    let (targets, values): (Vec<target::Model>, Vec<Vec<target_value::Model>>) =
        rows.into_iter().unzip();
    let values: Vec<target_value::Model> = values.into_iter().flatten().collect();
    attainments_of(db, &targets, &values, labels).await
}

/// The attainment of `targets` for `period`, from the values reported for that period by the
/// end of `as_of` (two statements, whatever the number of targets); `labels` as for
/// [`of_plan`].
pub async fn attainments(
    db: &impl ConnectionTrait,
    targets: &[target::Model],
    period: PeriodCode,
    as_of: NaiveDate,
    labels: bool,
) -> DomainResult<Vec<TargetAttainment>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = targets.iter().map(|t| t.id).collect();
    let values = fetch_all(
        db,
        find::<target_value::Entity>()
            .filter(target_value::Column::TargetId.is_in(ids.iter().copied()))
            .filter(target_value::Column::PeriodCode.eq(period.to_string()))
            .filter(target_value::Column::ReportedAt.lt(end_of_day(as_of)))
            .order_by_asc(target_value::Column::ReportedAt)
            .order_by_asc(target_value::Column::Id),
    )
    .await?;
    attainments_of(db, targets, &values, labels).await
}

/// The attainment of `targets` given their values for the period, oldest first (one statement
/// for their breakdowns).
async fn attainments_of(
    db: &impl ConnectionTrait,
    targets: &[target::Model],
    values: &[target_value::Model],
    labels: bool,
) -> DomainResult<Vec<TargetAttainment>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    // The newest value per (target, row); later rows of the ordered list win.
    let mut newest: HashMap<(Uuid, Option<Uuid>), Reported> = HashMap::new();
    for value in values {
        newest.insert((value.target_id, value.breakdown_row_id), value.into());
    }
    let ids: Vec<Uuid> = targets.iter().map(|t| t.id).collect();
    let mut breakdowns = stored_breakdowns_reading(db, &ids, labels).await?;
    Ok(targets
        .iter()
        .map(|target| {
            let stored = breakdowns.remove(&target.id).unwrap_or_default();
            attainment(target, stored, &newest)
        })
        .collect())
}

fn attainment(
    target: &target::Model,
    stored: StoredBreakdown,
    newest: &HashMap<(Uuid, Option<Uuid>), Reported>,
) -> TargetAttainment {
    let has_rows = !stored.groups.is_empty();
    let breakdown = compute(target, stored);
    let mut every_row = has_rows;
    let mut row_sum = 0.0;
    let mut row_estimate = false;
    let mut row_latest: Option<DateTime<Utc>> = None;
    let groups: Vec<GroupAttainment> = breakdown
        .groups
        .into_iter()
        .map(|group| {
            let rows: Vec<RowAttainment> = group
                .rows
                .into_iter()
                .map(|row| {
                    let reported = newest.get(&(target.id, Some(row.id))).cloned();
                    let met = reported
                        .as_ref()
                        .map(|r| judge(row.target_value, None, None, r.value));
                    RowAttainment { row, reported, met }
                })
                .collect();
            let complete = rows.iter().all(|r| r.reported.is_some());
            every_row &= complete;
            let actual = complete.then(|| {
                rows.iter()
                    .filter_map(|r| r.reported.as_ref().map(|v| v.value))
                    .sum::<f64>()
            });
            for reported in rows.iter().filter_map(|r| r.reported.as_ref()) {
                row_sum += reported.value;
                row_estimate |= reported.estimate;
                row_latest = row_latest.max(Some(reported.at));
            }
            GroupAttainment {
                group: group.group,
                target: group.subtotal.target,
                actual,
                rows,
            }
        })
        .collect();
    let whole = newest.get(&(target.id, None));
    // The newer of the whole target's value and the complete sum of its rows.
    let (actual, estimate, reported_at) = match (whole, every_row) {
        (Some(w), true) if row_latest.is_some_and(|r| r > w.at) => {
            (Some(row_sum), row_estimate, row_latest)
        }
        (Some(w), _) => (Some(w.value), w.estimate, Some(w.at)),
        (None, true) => (Some(row_sum), row_estimate, row_latest),
        (None, false) => (None, false, None),
    };
    let goal = target
        .target_value
        .or(has_rows.then_some(breakdown.total.target));
    let met = match (goal, actual, target.measure) {
        (_, _, TargetMeasure::Qualitative) => None,
        (Some(goal), Some(actual), _) => Some(judge(
            goal,
            target.comparator,
            target.change_direction,
            actual,
        )),
        _ => None,
    };
    TargetAttainment {
        target: target.clone(),
        goal,
        actual,
        estimate,
        met,
        reported_at,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparators_and_directions_judge_as_the_documents_read() {
        // "Trên 90 %", "từ 90 % trở lên", "tối đa 5", "dưới 5", "bằng 3".
        assert!(judge(90.0, Some(Comparator::AtLeast), None, 91.0));
        assert!(judge(90.0, Some(Comparator::AtLeast), None, 90.0));
        assert!(!judge(90.0, Some(Comparator::GreaterThan), None, 90.0));
        assert!(judge(90.0, Some(Comparator::GreaterThan), None, 90.5));
        assert!(judge(5.0, Some(Comparator::AtMost), None, 5.0));
        assert!(!judge(5.0, Some(Comparator::LessThan), None, 5.0));
        assert!(judge(3.0, Some(Comparator::Exactly), None, 3.0));
        assert!(!judge(3.0, Some(Comparator::Exactly), None, 3.1));
        // No comparator stated: at least.
        assert!(judge(150.0, None, None, 150.0));
        assert!(!judge(150.0, None, None, 149.0));
        // "giảm tối thiểu 2,5 %": met at −3, not at −2 nor at +3.
        let decrease = Some(ChangeDirection::Decrease);
        assert!(judge(2.5, Some(Comparator::AtLeast), decrease, -3.0));
        assert!(!judge(2.5, Some(Comparator::AtLeast), decrease, -2.0));
        assert!(!judge(2.5, Some(Comparator::AtLeast), decrease, 3.0));
        // "tăng ít nhất 10 %".
        let increase = Some(ChangeDirection::Increase);
        assert!(judge(10.0, Some(Comparator::AtLeast), increase, 12.0));
        assert!(!judge(10.0, Some(Comparator::AtLeast), increase, -12.0));
    }
}
