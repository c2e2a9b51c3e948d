//! A unit's scorecard for a year (the numbers emulation scoring will use): its tasks by role
//! and timeliness, and its reports on time, late, missing and pending per period, computed from
//! the stored facts as of the year's last day (or today while it runs).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::{AssignmentRole, ReportingPeriodKind, SubmissionStatus};
use entity::{
    assignment, plan, report_submission, reporting_deadline, reporting_regime, task, unit,
    unit_group,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};
use uuid::Uuid;

use super::calendar::WorkCalendar;
use super::deadline::{DeadlineRule, end_of_day};
use super::progress::{TimelinessKey, timeliness_key};
use super::regime::{period_keys, period_of, row_keys};
use crate::access::PlanVisibility;
use crate::kernel::error::DomainResult;
use crate::kernel::period::PeriodCode;
use crate::kernel::query::{fetch_all, find};
use crate::kernel::time::today;
use crate::org::group;
use crate::planning::task::TaskTiming;

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

/// The scorecard of `unit` for `year`, as of the year's last day (or today while it runs).
pub async fn scorecard(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    unit: &unit::Model,
    year: i32,
) -> DomainResult<Scorecard> {
    scorecard_as_of(db, visibility, unit, year, today()).await
}

/// The scorecard of `unit` for `year` as of `cut_off` (an emulation round's, for a
/// collective's nomination), or the year's last day if that comes first: tasks and reports
/// are judged as they stood that day.
pub async fn scorecard_as_of(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    unit: &unit::Model,
    year: i32,
    cut_off: NaiveDate,
) -> DomainResult<Scorecard> {
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_else(today);
    let as_of = year_end.min(cut_off).min(today());
    // The groups the unit belonged to on that day.
    let groups: Vec<Uuid> = match group::containing(unit, as_of) {
        Some(select) => {
            let all = fetch_all(
                db,
                find::<unit_group::Entity>().filter(unit_group::Column::Id.in_subquery(select)),
            )
            .await?;
            all.into_iter().map(|g| g.id).collect()
        }
        None => Vec::new(),
    };
    // The unit's tasks (directly or through its groups) under readable plans covering the year,
    // each with the roles the unit has and what its timeliness needs: one statement, no text.
    let mut assigned = find::<assignment::Entity>()
        .select_only()
        .column(assignment::Column::TaskId)
        .column(assignment::Column::Role)
        .column(task::Column::Status)
        .column(task::Column::DueOn)
        .column(task::Column::CompletedOn)
        .join(JoinType::InnerJoin, assignment::Relation::Task.def())
        .filter(
            Condition::any()
                .add(assignment::Column::UnitId.eq(unit.id))
                .add(assignment::Column::GroupId.is_in(groups.iter().copied())),
        )
        .filter(task::Column::PlanId.in_subquery(plans_covering(year)));
    // "Not in a hidden plan" (drafts and confidential plans: few): as "in a readable plan"
    // PostgreSQL hash-joined every task of the covering plans to find the unit's (the bench's
    // busiest unit: 8–23 ms against 1.6–3.6 ms).
    if let Some(readable) =
        visibility.hidden_plans_condition(db.get_database_backend(), task::Column::PlanId)
    {
        assigned = assigned.filter(readable);
    }
    let assigned: Vec<AssignedTask> = assigned.into_model().all(db).await?;
    let mut by_task: HashMap<Uuid, (TaskTiming, HashSet<AssignmentRole>)> = HashMap::new();
    for row in assigned {
        by_task
            .entry(row.task_id)
            .or_insert_with(|| {
                (
                    TaskTiming {
                        status: row.status,
                        due_on: row.due_on,
                        completed_on: row.completed_on,
                    },
                    HashSet::new(),
                )
            })
            .1
            // Once per role, however many rows give the unit that role.
            .insert(row.role);
    }
    let mut counts = BTreeMap::new();
    for (timing, roles) in by_task.into_values() {
        let class = timeliness_key(timing.timeliness(as_of));
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

/// One of the unit's assignments to a task, with the task's timing.
#[derive(Debug, FromQueryResult)]
struct AssignedTask {
    task_id: Uuid,
    role: AssignmentRole,
    status: entity::enums::TaskStatus,
    due_on: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
}

/// The plans whose period includes `year` (a plan without one covers every year).
fn plans_covering(year: i32) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(plan::Column::Id)
        .from(plan::Entity)
        .cond_where(
            Condition::all()
                .add(
                    Condition::any()
                        .add(plan::Column::PeriodStart.is_null())
                        .add(plan::Column::PeriodStart.lte(year)),
                )
                .add(
                    Condition::any()
                        .add(plan::Column::PeriodEnd.is_null())
                        .add(plan::Column::PeriodEnd.gte(year)),
                ),
        )
        .to_owned()
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
    let rows = fetch_all(
        db,
        find::<assignment::Entity>()
            .filter(
                Condition::any()
                    .add(assignment::Column::UnitId.eq(unit))
                    .add(assignment::Column::GroupId.is_in(groups.iter().copied())),
            )
            .filter(assignment::Column::TargetId.is_not_null())
            .filter(
                assignment::Column::Role
                    .is_in([AssignmentRole::Lead, AssignmentRole::Implementing]),
            ),
    )
    .await?;
    let ids: HashSet<Uuid> = rows.iter().filter_map(|a| a.target_id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = find::<entity::target::Entity>()
        .filter(entity::target::Column::Id.is_in(ids))
        .filter(entity::target::Column::PlanId.in_subquery(plans_covering(year)));
    if let Some(readable) =
        visibility.hidden_plans_condition(db.get_database_backend(), entity::target::Column::PlanId)
    {
        select = select.filter(readable);
    }
    let mut targets = fetch_all(db, select).await?;
    targets.sort_by_key(|t| (t.plan_id, t.position));
    // Whether each is met: the breakdowns' numbers, not their labels.
    super::attainment::attainments(db, &targets, PeriodCode::Year(year), today(), false).await
}

async fn report_counts(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    unit: Uuid,
    groups: &[Uuid],
    year: i32,
    as_of: NaiveDate,
) -> DomainResult<Vec<(PeriodCode, PeriodReports)>> {
    // The deadlines under which the unit reports (itself or through a group), then their
    // regimes: a unit that reports under none costs one statement.
    let mut rows: HashMap<Uuid, Vec<reporting_deadline::Model>> = HashMap::new();
    for row in fetch_all(
        db,
        find::<reporting_deadline::Entity>()
            .filter(
                Condition::any()
                    .add(reporting_deadline::Column::ReporterUnitId.eq(unit))
                    .add(reporting_deadline::Column::ReporterGroupId.is_in(groups.iter().copied())),
            )
            .filter(reporting_deadline::Column::RegimeId.is_not_null())
            .order_by_asc(reporting_deadline::Column::Level)
            .order_by_asc(reporting_deadline::Column::Position),
    )
    .await?
    {
        if let Some(regime) = row.regime_id {
            rows.entry(regime).or_default().push(row);
        }
    }
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut regimes = find::<reporting_regime::Entity>()
        .filter(reporting_regime::Column::Id.is_in(rows.keys().copied()))
        .filter(reporting_regime::Column::Frequency.ne(ReportingPeriodKind::AdHoc));
    if let Some(readable) = visibility.plan_id_condition(reporting_regime::Column::PlanId) {
        regimes = regimes.filter(readable);
    }
    let regimes = fetch_all(db, regimes).await?;
    let plans: HashMap<Uuid, plan::Model> = fetch_all(
        db,
        find::<plan::Entity>()
            .filter(plan::Column::Id.is_in(regimes.iter().filter_map(|r| r.plan_id))),
    )
    .await?
    .into_iter()
    .map(|p| (p.id, p))
    .collect();
    // The unit's reports of the year's periods sent by the end of `as_of`: whether each was
    // late, by (regime, period, level).
    let sent: HashMap<(Uuid, String, i32), Option<bool>> = find::<report_submission::Entity>()
        .select_only()
        .column(report_submission::Column::RegimeId)
        .column(report_submission::Column::PeriodCode)
        .column(report_submission::Column::Level)
        .column(report_submission::Column::IsLate)
        .filter(report_submission::Column::ReportingUnitId.eq(unit))
        .filter(report_submission::Column::PeriodCode.starts_with(format!("{year:04}")))
        .filter(report_submission::Column::Status.ne(SubmissionStatus::Draft))
        .filter(report_submission::Column::FirstSubmittedAt.lt(end_of_day(as_of)))
        .into_tuple::<(Uuid, String, i32, Option<bool>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(regime, period, level, late)| ((regime, period, level), late))
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
                    Some(Some(true)) => counts.late += 1,
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
