//! Reminders (đôn đốc): the units that owe a report or have an overdue task, with the days left
//! to (or past) the deadline, for the monitoring units to chase. Computed as of a day from the
//! stored facts.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use entity::enums::{AssignmentRole, ReportingPeriodKind, SubmissionStatus, TaskStatus};
use entity::{assignment, plan, report_submission, reporting_regime, task};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};
use uuid::Uuid;

use super::calendar::WorkCalendar;
use super::deadline::{DeadlineRule, end_of_day};
use super::regime::{deadlines_of_regimes, period_keys, period_of, reporters_of, row_keys};
use crate::access::PlanVisibility;
use crate::kernel::error::DomainResult;
use crate::kernel::period::PeriodCode;

/// How far ahead a report is reminded of, and how far back a missing one still is.
pub const AHEAD_DAYS: i64 = 14;
pub const BACK_DAYS: i64 = 92;
/// The most reminders one request returns.
pub const MAX_REMINDERS: usize = 500;

/// What a reminder is about.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A report of a regime's period, at a level.
    Report {
        regime_id: Uuid,
        period: PeriodCode,
        level: i32,
    },
    /// An open task past its deadline, led by the unit.
    Task { task_id: Uuid },
}

/// One reminder.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub unit_id: Uuid,
    pub subject: Subject,
    pub due_on: NaiveDate,
    /// Days from `as_of` to the due day: negative once it has passed.
    pub days_left: i64,
}

/// The first `limit` reminders of `as_of` (for one unit, or all), most overdue first, at most
/// [`MAX_REMINDERS`]; only under plans the caller may read.
pub async fn reminders(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    as_of: NaiveDate,
    unit: Option<Uuid>,
    limit: usize,
) -> DomainResult<Vec<Reminder>> {
    let limit = limit.min(MAX_REMINDERS);
    // Every regime under a readable plan, once: the periodic ones and those that report on
    // request.
    let mut regimes = reporting_regime::Entity::find();
    if let Some(readable) = visibility.plan_id_condition(reporting_regime::Column::PlanId) {
        regimes = regimes.filter(readable);
    }
    let (ad_hoc, periodic): (Vec<_>, Vec<_>) = regimes
        .all(db)
        .await?
        .into_iter()
        .partition(|r| r.frequency == ReportingPeriodKind::AdHoc);
    let mut out = report_reminders(db, &periodic, as_of, unit).await?;
    let ad_hoc: Vec<Uuid> = ad_hoc.iter().map(|r| r.id).collect();
    out.extend(request_reminders(db, &ad_hoc, as_of, unit).await?);
    out.extend(task_reminders(db, visibility, as_of, unit, limit).await?);
    out.sort_by_key(Reminder::order);
    out.truncate(limit);
    Ok(out)
}

impl Reminder {
    /// The order of the list, total: most overdue first, then by unit, reports before tasks,
    /// then by regime, level and period, or by task.
    fn order(&self) -> (i64, Uuid, u8, Uuid, i32, PeriodCode) {
        match self.subject {
            Subject::Report {
                regime_id,
                period,
                level,
            } => (self.days_left, self.unit_id, 0, regime_id, level, period),
            Subject::Task { task_id } => (
                self.days_left,
                self.unit_id,
                1,
                task_id,
                0,
                PeriodCode::Year(0),
            ),
        }
    }
}

async fn report_reminders(
    db: &impl ConnectionTrait,
    regimes: &[reporting_regime::Model],
    as_of: NaiveDate,
    unit: Option<Uuid>,
) -> DomainResult<Vec<Reminder>> {
    if regimes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = regimes.iter().map(|r| r.id).collect();
    let rows = deadlines_of_regimes(db, &ids).await?;
    // Only the dates the deadlines need, not the plans' texts.
    let plans: HashMap<Uuid, PlanDates> = plan::Entity::find()
        .select_only()
        .column(plan::Column::Id)
        .column(plan::Column::IssuedOn)
        .column(plan::Column::PeriodStart)
        .column(plan::Column::PeriodEnd)
        .filter(plan::Column::Id.is_in(regimes.iter().filter_map(|r| r.plan_id)))
        .into_tuple::<(Uuid, Option<NaiveDate>, Option<i32>, Option<i32>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, issued_on, period_start, period_end)| {
            (
                id,
                PlanDates {
                    issued_on,
                    period_start,
                    period_end,
                },
            )
        })
        .collect();
    let calendar = WorkCalendar::load(
        db,
        as_of - Duration::days(BACK_DAYS + 400),
        as_of + Duration::days(AHEAD_DAYS + 400),
    )
    .await?;
    // The deadlines that fall in the window: (regime, period, row, due day).
    let mut due_rows = Vec::new();
    for regime in regimes {
        let plan = regime.plan_id.and_then(|id| plans.get(&id));
        let issued_on = plan.and_then(|p| p.issued_on);
        // The periods of this year and the last whose deadline falls in the window.
        for year in [as_of.year() - 1, as_of.year()] {
            if let Some(plan) = plan
                && !plan_covers(plan, year)
            {
                continue;
            }
            for key in period_keys(regime) {
                let Some(period) = period_of(&key, year) else {
                    continue;
                };
                for row in rows.get(&regime.id).into_iter().flatten() {
                    if !row_keys(row).contains(&key) {
                        continue;
                    }
                    let Some(due) = DeadlineRule::from_json(&row.rule).ok().and_then(|rule| {
                        rule.due(Some(period), issued_on, &calendar).ok().flatten()
                    }) else {
                        continue;
                    };
                    let days_left = (due.due_on - as_of).num_days();
                    if (-BACK_DAYS..=AHEAD_DAYS).contains(&days_left) {
                        due_rows.push((regime.id, period, row, due.due_on));
                    }
                }
            }
        }
    }
    if due_rows.is_empty() {
        return Ok(Vec::new());
    }
    // Reports of those periods sent by the end of `as_of` (not drafts): the four keys only.
    let sent = sent_reports(
        db,
        &ids,
        due_rows.iter().map(|(_, p, _, _)| p.to_string()),
        as_of,
    )
    .await?;
    // Who reports under each row, as of `as_of`: every group's members in one statement.
    let all_rows: Vec<&entity::reporting_deadline::Model> =
        due_rows.iter().map(|(_, _, row, _)| *row).collect();
    let reporters = reporters_of(db, &all_rows, as_of).await?;
    let mut out = Vec::new();
    for (regime_id, period, row, due_on) in due_rows {
        let code = period.to_string();
        for &reporter in reporters.get(&row.id).into_iter().flatten() {
            if unit.is_some_and(|u| u != reporter)
                || sent.contains(&(regime_id, code.clone(), row.level, reporter))
            {
                continue;
            }
            out.push(Reminder {
                unit_id: reporter,
                subject: Subject::Report {
                    regime_id,
                    period,
                    level: row.level,
                },
                due_on,
                days_left: (due_on - as_of).num_days(),
            });
        }
    }
    Ok(out)
}

/// Reports owed to ad-hoc requests made by `as_of`, by the units they ask.
async fn request_reminders(
    db: &impl ConnectionTrait,
    regimes: &[Uuid],
    as_of: NaiveDate,
    unit: Option<Uuid>,
) -> DomainResult<Vec<Reminder>> {
    let requests = super::request::due_between(
        db,
        regimes,
        as_of - Duration::days(BACK_DAYS),
        as_of + Duration::days(AHEAD_DAYS),
    )
    .await?;
    let requests: Vec<_> = requests
        .into_iter()
        .filter(|r| r.requested_on <= as_of)
        .collect();
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let mut regime_ids: Vec<Uuid> = requests.iter().map(|r| r.regime_id).collect();
    regime_ids.sort_unstable();
    regime_ids.dedup();
    let rows = deadlines_of_regimes(db, &regime_ids).await?;
    // Who reports under each row as of `as_of` (as for periodic reports, and as `submitReport`
    // checks): every row's group members at once, however many requests.
    let all_rows: Vec<&entity::reporting_deadline::Model> = rows.values().flatten().collect();
    let reporters = reporters_of(db, &all_rows, as_of).await?;
    let sent = sent_reports(
        db,
        &regime_ids,
        requests
            .iter()
            .map(|r| super::request::period(r).to_string()),
        as_of,
    )
    .await?;
    let mut out = Vec::new();
    for request in &requests {
        let period = super::request::period(request);
        for row in rows.get(&request.regime_id).into_iter().flatten() {
            for &reporter in reporters.get(&row.id).into_iter().flatten() {
                if unit.is_some_and(|u| u != reporter)
                    || !super::request::asks(request, reporter)
                    || sent.contains(&(request.regime_id, period.to_string(), row.level, reporter))
                {
                    continue;
                }
                out.push(Reminder {
                    unit_id: reporter,
                    subject: Subject::Report {
                        regime_id: request.regime_id,
                        period,
                        level: row.level,
                    },
                    due_on: request.due_on,
                    days_left: (request.due_on - as_of).num_days(),
                });
            }
        }
    }
    Ok(out)
}

/// The reports of these regimes and periods sent by the end of `as_of` (not drafts), by
/// (regime, period, level, unit): four columns, no text.
async fn sent_reports(
    db: &impl ConnectionTrait,
    regimes: &[Uuid],
    periods: impl IntoIterator<Item = String>,
    as_of: NaiveDate,
) -> DomainResult<HashSet<(Uuid, String, i32, Uuid)>> {
    let periods: std::collections::BTreeSet<String> = periods.into_iter().collect();
    Ok(report_submission::Entity::find()
        .select_only()
        .column(report_submission::Column::RegimeId)
        .column(report_submission::Column::PeriodCode)
        .column(report_submission::Column::Level)
        .column(report_submission::Column::ReportingUnitId)
        .filter(report_submission::Column::RegimeId.is_in(regimes.iter().copied()))
        .filter(report_submission::Column::PeriodCode.is_in(periods))
        .filter(report_submission::Column::Status.ne(SubmissionStatus::Draft))
        .filter(report_submission::Column::FirstSubmittedAt.lt(end_of_day(as_of)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// What reminders read of a regime's plan.
struct PlanDates {
    issued_on: Option<NaiveDate>,
    period_start: Option<i32>,
    period_end: Option<i32>,
}

/// Whether a plan's period includes `year` (a plan without one covers every year).
fn plan_covers(plan: &PlanDates, year: i32) -> bool {
    plan.period_start.is_none_or(|start| start <= year)
        && plan.period_end.is_none_or(|end| year <= end)
}

/// Open tasks past their deadline on `as_of`, by their lead unit, most overdue first: one
/// statement, cut to `limit` (the merged list keeps no more, and a task's reminder sorts by its
/// deadline, then its lead).
async fn task_reminders(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    as_of: NaiveDate,
    unit: Option<Uuid>,
    limit: usize,
) -> DomainResult<Vec<Reminder>> {
    let mut overdue = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .column(task::Column::DueOn)
        .column(assignment::Column::UnitId)
        .join(JoinType::InnerJoin, assignment::Relation::Task.def().rev())
        .filter(assignment::Column::Role.eq(AssignmentRole::Lead))
        .filter(assignment::Column::UnitId.is_not_null())
        // Open on `as_of`: the same rule as `timeliness` (a task completed later was still
        // open then).
        .filter(task::Column::DueOn.lt(as_of))
        .filter(task::Column::Status.is_not_in([TaskStatus::Cancelled, TaskStatus::WaitingTrigger]))
        .filter(
            Condition::any()
                .add(task::Column::Status.ne(TaskStatus::Completed))
                .add(task::Column::CompletedOn.gt(as_of)),
        );
    // "Not in a hidden plan", as task lists read it (`planning::task::list`).
    if let Some(readable) =
        visibility.hidden_plans_condition(db.get_database_backend(), task::Column::PlanId)
    {
        overdue = overdue.filter(readable);
    }
    if let Some(unit) = unit {
        overdue = overdue.filter(assignment::Column::UnitId.eq(unit));
    }
    let rows: Vec<(Uuid, Option<NaiveDate>, Option<Uuid>)> = overdue
        .order_by_asc(task::Column::DueOn)
        .order_by_asc(assignment::Column::UnitId)
        .order_by_asc(task::Column::Id)
        .limit(limit as u64)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(task_id, due_on, lead)| {
            let (due_on, lead) = (due_on?, lead?);
            Some(Reminder {
                unit_id: lead,
                subject: Subject::Task { task_id },
                due_on,
                days_left: (due_on - as_of).num_days(),
            })
        })
        .collect())
}
