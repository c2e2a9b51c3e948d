//! A unit's scorecard for a year (the numbers emulation scoring will use): its tasks by role
//! and timeliness, and its reports on time, late, missing and pending per period, computed from
//! the stored facts as of the year's last day (or today while it runs).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::{AssignmentRole, ReportingPeriodKind, SubmissionStatus};
use entity::{assignment, plan, report_submission, reporting_regime, task, unit, unit_group};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::calendar::WorkCalendar;
use super::deadline::{DeadlineRule, end_of_day};
use super::progress::{TimelinessKey, timeliness_key};
use super::regime::{deadlines_of_regimes, period_keys, period_of, row_keys};
use crate::access::PlanVisibility;
use crate::kernel::error::DomainResult;
use crate::kernel::period::PeriodCode;
use crate::kernel::time::today;
use crate::org::group;
use crate::planning::task::timeliness;

/// A unit's reports for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodReports {
    pub on_time: usize,
    pub late: usize,
    /// Due day passed, nothing sent by the end of `as_of`.
    pub missing: usize,
    /// Not due yet, not sent.
    pub pending: usize,
}

/// A unit's scorecard.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub as_of: NaiveDate,
    /// Tasks of plans covering the year, by the unit's role and their timeliness.
    pub tasks: BTreeMap<(AssignmentRoleKey, TimelinessKey), usize>,
    /// By period, in calendar order.
    pub reports: Vec<(PeriodCode, PeriodReports)>,
    /// The targets the unit leads or implements (directly or through a group), of plans
    /// covering the year, with their attainment for the year (values reported up to today).
    pub targets: Vec<super::attainment::TargetAttainment>,
}

/// An orderable key for [`AssignmentRole`].
pub type AssignmentRoleKey = u8;

pub fn role_key(role: AssignmentRole) -> AssignmentRoleKey {
    match role {
        AssignmentRole::Lead => 0,
        AssignmentRole::Cooperating => 1,
        AssignmentRole::Implementing => 2,
        AssignmentRole::Monitoring => 3,
        AssignmentRole::Guiding => 4,
    }
}

pub fn role_of_key(key: AssignmentRoleKey) -> AssignmentRole {
    match key {
        0 => AssignmentRole::Lead,
        1 => AssignmentRole::Cooperating,
        2 => AssignmentRole::Implementing,
        3 => AssignmentRole::Monitoring,
        _ => AssignmentRole::Guiding,
    }
}

/// The scorecard of `unit` for `year`.
pub async fn scorecard(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    unit: &unit::Model,
    year: i32,
) -> DomainResult<Scorecard> {
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_else(today);
    let as_of = year_end.min(today());
    // The groups the unit belonged to on that day.
    let groups: Vec<Uuid> = match group::containing(unit, as_of) {
        Some(select) => {
            let all = unit_group::Entity::find()
                .filter(unit_group::Column::Id.in_subquery(select))
                .all(db)
                .await?;
            all.into_iter().map(|g| g.id).collect()
        }
        None => Vec::new(),
    };
    let rows = assignment::Entity::find()
        .filter(
            Condition::any()
                .add(assignment::Column::UnitId.eq(unit.id))
                .add(assignment::Column::GroupId.is_in(groups.iter().copied())),
        )
        .filter(assignment::Column::TaskId.is_not_null())
        .all(db)
        .await?;
    let task_ids: HashSet<Uuid> = rows.iter().filter_map(|a| a.task_id).collect();
    let mut tasks = task::Entity::find().filter(task::Column::Id.is_in(task_ids.iter().copied()));
    if let Some(readable) = visibility.plan_id_condition(task::Column::PlanId) {
        tasks = tasks.filter(readable);
    }
    let tasks = tasks.all(db).await?;
    let plans: HashMap<Uuid, plan::Model> = plan::Entity::find()
        .filter(plan::Column::Id.is_in(tasks.iter().map(|t| t.plan_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut counts = BTreeMap::new();
    for task in &tasks {
        let covers = plans.get(&task.plan_id).is_some_and(|p| {
            p.period_start.is_none_or(|s| s <= year) && p.period_end.is_none_or(|e| year <= e)
        });
        if !covers {
            continue;
        }
        let class = timeliness_key(timeliness(task, as_of));
        // Once per role, however many rows give the unit that role.
        let roles: HashSet<AssignmentRole> = rows
            .iter()
            .filter(|a| a.task_id == Some(task.id))
            .map(|a| a.role)
            .collect();
        for role in roles {
            *counts.entry((role_key(role), class)).or_insert(0) += 1;
        }
    }
    let reports = report_counts(db, visibility, unit.id, &groups, year, as_of).await?;
    let targets = unit_targets(db, visibility, unit.id, &groups, year).await?;
    Ok(Scorecard {
        as_of,
        tasks: counts,
        reports,
        targets,
    })
}

/// The attainment for `year` of the targets `unit` (or one of `groups`) leads or implements,
/// under readable plans covering the year, in plan and target order.
async fn unit_targets(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    unit: Uuid,
    groups: &[Uuid],
    year: i32,
) -> DomainResult<Vec<super::attainment::TargetAttainment>> {
    let rows = assignment::Entity::find()
        .filter(
            Condition::any()
                .add(assignment::Column::UnitId.eq(unit))
                .add(assignment::Column::GroupId.is_in(groups.iter().copied())),
        )
        .filter(assignment::Column::TargetId.is_not_null())
        .filter(
            assignment::Column::Role.is_in([AssignmentRole::Lead, AssignmentRole::Implementing]),
        )
        .all(db)
        .await?;
    let ids: HashSet<Uuid> = rows.iter().filter_map(|a| a.target_id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = entity::target::Entity::find().filter(entity::target::Column::Id.is_in(ids));
    if let Some(readable) = visibility.plan_id_condition(entity::target::Column::PlanId) {
        select = select.filter(readable);
    }
    let targets = select.all(db).await?;
    let covering: HashSet<Uuid> = plan::Entity::find()
        .filter(plan::Column::Id.is_in(targets.iter().map(|t| t.plan_id)))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| {
            p.period_start.is_none_or(|s| s <= year) && p.period_end.is_none_or(|e| year <= e)
        })
        .map(|p| p.id)
        .collect();
    let mut targets: Vec<entity::target::Model> = targets
        .into_iter()
        .filter(|t| covering.contains(&t.plan_id))
        .collect();
    targets.sort_by_key(|t| (t.plan_id, t.position));
    super::attainment::attainments(db, &targets, PeriodCode::Year(year), today()).await
}

async fn report_counts(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    unit: Uuid,
    groups: &[Uuid],
    year: i32,
    as_of: NaiveDate,
) -> DomainResult<Vec<(PeriodCode, PeriodReports)>> {
    let mut regimes = reporting_regime::Entity::find()
        .filter(reporting_regime::Column::Frequency.ne(ReportingPeriodKind::AdHoc));
    if let Some(readable) = visibility.plan_id_condition(reporting_regime::Column::PlanId) {
        regimes = regimes.filter(readable);
    }
    let regimes = regimes.all(db).await?;
    let ids: Vec<Uuid> = regimes.iter().map(|r| r.id).collect();
    let rows = deadlines_of_regimes(db, &ids).await?;
    let plans: HashMap<Uuid, plan::Model> = plan::Entity::find()
        .filter(plan::Column::Id.is_in(regimes.iter().filter_map(|r| r.plan_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let sent: HashMap<(Uuid, String, i32), report_submission::Model> =
        report_submission::Entity::find()
            .filter(report_submission::Column::ReportingUnitId.eq(unit))
            .filter(report_submission::Column::Status.ne(SubmissionStatus::Draft))
            .filter(report_submission::Column::FirstSubmittedAt.lt(end_of_day(as_of)))
            .all(db)
            .await?
            .into_iter()
            .map(|s| ((s.regime_id, s.period_code.clone(), s.level), s))
            .collect();
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year - 1, 1, 1),
        NaiveDate::from_ymd_opt(year + 1, 12, 31),
    ) else {
        return Ok(Vec::new());
    };
    let calendar = WorkCalendar::load(db, from, to).await?;
    let mut by_period: BTreeMap<(u32, PeriodCode), PeriodReports> = BTreeMap::new();
    for regime in &regimes {
        let plan = regime.plan_id.and_then(|id| plans.get(&id));
        if plan.is_some_and(|p| {
            p.period_start.is_some_and(|s| s > year) || p.period_end.is_some_and(|e| e < year)
        }) {
            continue;
        }
        for row in rows.get(&regime.id).into_iter().flatten() {
            let reports = row.reporter_unit_id == Some(unit)
                || row.reporter_group_id.is_some_and(|g| groups.contains(&g));
            if !reports {
                continue;
            }
            for key in period_keys(regime) {
                if !row_keys(row).contains(&key) {
                    continue;
                }
                let Some(period) = period_of(&key, year) else {
                    continue;
                };
                let due = DeadlineRule::from_json(&row.rule)
                    .ok()
                    .and_then(|rule| {
                        rule.due(Some(period), plan.and_then(|p| p.issued_on), &calendar)
                            .ok()
                            .flatten()
                    })
                    .map(|d| d.due_on);
                let last_month = period.months().map_or(0, |(_, last)| last);
                let counts = by_period.entry((last_month, period)).or_default();
                match sent.get(&(regime.id, period.to_string(), row.level)) {
                    Some(s) if s.is_late == Some(true) => counts.late += 1,
                    Some(_) => counts.on_time += 1,
                    None if due.is_some_and(|d| d < as_of) => counts.missing += 1,
                    None => counts.pending += 1,
                }
            }
        }
    }
    Ok(by_period
        .into_iter()
        .map(|((_, period), counts)| (period, counts))
        .collect())
}
