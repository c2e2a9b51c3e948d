//! Reminders (đôn đốc): the units that owe a report or have an overdue task, with the days left
//! to (or past) the deadline, for the monitoring units to chase. Computed as of a day from the
//! stored facts.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use entity::enums::{AssignmentRole, ReportingPeriodKind, SubmissionStatus, TaskStatus};
use entity::{plan, report_submission, reporting_regime, task};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::calendar::WorkCalendar;
use super::deadline::{DeadlineRule, end_of_day};
use super::regime::{deadlines_of_regimes, period_keys, period_of, reporters_of, row_keys};
use crate::access::PlanVisibility;
use crate::kernel::error::DomainResult;
use crate::kernel::period::PeriodCode;
use crate::planning::task::{Timeliness, timeliness};

/// How far ahead a report is reminded of, and how far back a missing one still is.
pub const AHEAD_DAYS: i64 = 14;
pub const BACK_DAYS: i64 = 92;
/// The most reminders one request returns.
pub const MAX_REMINDERS: usize = 500;
/// The most overdue tasks read (the oldest deadlines first).
const MAX_TASKS: u64 = 2_000;

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

/// The reminders of `as_of` (for one unit, or all), most overdue first, at most
/// [`MAX_REMINDERS`]; only under plans the caller may read.
pub async fn reminders(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    as_of: NaiveDate,
    unit: Option<Uuid>,
) -> DomainResult<Vec<Reminder>> {
    let mut out = report_reminders(db, visibility, as_of, unit).await?;
    out.extend(task_reminders(db, visibility, as_of, unit).await?);
    out.sort_by_key(|r| (r.days_left, r.unit_id));
    out.truncate(MAX_REMINDERS);
    Ok(out)
}

async fn report_reminders(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    as_of: NaiveDate,
    unit: Option<Uuid>,
) -> DomainResult<Vec<Reminder>> {
    let mut regimes = reporting_regime::Entity::find()
        .filter(reporting_regime::Column::Frequency.ne(ReportingPeriodKind::AdHoc));
    if let Some(readable) = visibility.plan_id_condition(reporting_regime::Column::PlanId) {
        regimes = regimes.filter(readable);
    }
    let regimes = regimes.all(db).await?;
    if regimes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = regimes.iter().map(|r| r.id).collect();
    let rows = deadlines_of_regimes(db, &ids).await?;
    let plans: HashMap<Uuid, plan::Model> = plan::Entity::find()
        .filter(plan::Column::Id.is_in(regimes.iter().filter_map(|r| r.plan_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let calendar = WorkCalendar::load(
        db,
        as_of - Duration::days(BACK_DAYS + 400),
        as_of + Duration::days(AHEAD_DAYS + 400),
    )
    .await?;
    // Reports sent by the end of `as_of` (not drafts), by (regime, period, level, unit).
    let sent: std::collections::HashSet<(Uuid, String, i32, Uuid)> =
        report_submission::Entity::find()
            .filter(report_submission::Column::RegimeId.is_in(ids.iter().copied()))
            .filter(report_submission::Column::Status.ne(SubmissionStatus::Draft))
            .filter(report_submission::Column::FirstSubmittedAt.lt(end_of_day(as_of)))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.regime_id, s.period_code, s.level, s.reporting_unit_id))
            .collect();
    // Who reports under each row, as of `as_of`: every group's members in two statements.
    let all_rows: Vec<&entity::reporting_deadline::Model> = rows.values().flatten().collect();
    let reporters = reporters_of(db, &all_rows, as_of).await?;
    let mut out = Vec::new();
    for regime in &regimes {
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
                    if !(-BACK_DAYS..=AHEAD_DAYS).contains(&days_left) {
                        continue;
                    }
                    for &reporter in reporters.get(&row.id).into_iter().flatten() {
                        if unit.is_some_and(|u| u != reporter)
                            || sent.contains(&(regime.id, period.to_string(), row.level, reporter))
                        {
                            continue;
                        }
                        out.push(Reminder {
                            unit_id: reporter,
                            subject: Subject::Report {
                                regime_id: regime.id,
                                period,
                                level: row.level,
                            },
                            due_on: due.due_on,
                            days_left,
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Whether a plan's period includes `year` (a plan without one covers every year).
fn plan_covers(plan: &plan::Model, year: i32) -> bool {
    plan.period_start.is_none_or(|start| start <= year)
        && plan.period_end.is_none_or(|end| year <= end)
}

async fn task_reminders(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    as_of: NaiveDate,
    unit: Option<Uuid>,
) -> DomainResult<Vec<Reminder>> {
    let mut overdue = task::Entity::find()
        .filter(task::Column::DueOn.lt(as_of))
        .filter(task::Column::Status.is_not_in([TaskStatus::Cancelled, TaskStatus::WaitingTrigger]))
        // Completed tasks only when they were completed after `as_of` (still open then).
        .filter(
            Condition::any()
                .add(task::Column::Status.ne(TaskStatus::Completed))
                .add(task::Column::CompletedOn.gt(as_of)),
        );
    if let Some(readable) = visibility.plan_id_condition(task::Column::PlanId) {
        overdue = overdue.filter(readable);
    }
    let overdue = overdue
        .order_by_asc(task::Column::DueOn)
        .order_by_asc(task::Column::Id)
        .limit(MAX_TASKS)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = overdue.iter().map(|t| t.id).collect();
    let assignments = crate::planning::task::assignments(db, &ids).await?;
    let mut out = Vec::new();
    for task in overdue {
        // Open on `as_of` (a task completed later was still open then).
        if timeliness(&task, as_of) != Timeliness::OpenOverdue {
            continue;
        }
        let Some(due_on) = task.due_on else { continue };
        let lead = assignments
            .get(&task.id)
            .into_iter()
            .flatten()
            .find(|a| a.role == AssignmentRole::Lead)
            .and_then(|a| a.unit_id);
        let Some(lead) = lead else { continue };
        if unit.is_some_and(|u| u != lead) {
            continue;
        }
        out.push(Reminder {
            unit_id: lead,
            subject: Subject::Task { task_id: task.id },
            due_on,
            days_left: (due_on - as_of).num_days(),
        });
    }
    Ok(out)
}
