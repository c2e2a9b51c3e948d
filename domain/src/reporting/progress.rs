//! Progress (tiến độ): the updates a task's lead and implementing units report, and a plan's
//! progress for a period, computed from the stored facts as of a date (so a past dashboard can
//! be reproduced).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use entity::enums::{AssignmentRole, ProgressStatus, ReportingPeriodKind, SubmissionStatus};
use entity::{
    plan, progress_update, report_submission, reporting_deadline, reporting_regime, task, unit,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QueryTrait,
};
use uuid::Uuid;

use super::deadline::{DeadlineRule, end_of_day, period_key};
use super::regime::{reporters_and_members, row_keys};
use crate::access::Actor;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{SubmissionId, TaskId, UnitId};
use crate::kernel::maps::FastMap;
use crate::kernel::mutation::Change;
use crate::kernel::period::{CutOffRule, PeriodCode};
use crate::kernel::query::{fetch_all, fetch_decoded, fetch_with_related, find, with_columns_of};
use crate::kernel::rows::{Columns, DecodeRow};
use crate::kernel::time::today;
use crate::kernel::values::Percent;
use crate::planning::task::{TaskTiming, Timeliness};

/// The longest narrative, difficulties or proposals of an update.
pub const MAX_TEXT: usize = 20_000;

/// A progress update as a unit reports it (`submitProgress`).
#[derive(Debug, Clone)]
pub struct ProgressInput {
    pub task_id: TaskId,
    pub unit_id: UnitId,
    pub period: PeriodCode,
    pub percent: i32,
    pub status: ProgressStatus,
    pub narrative: Option<String>,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    /// The unit's report (draft or returned) the update goes inside, when it goes in one.
    pub submission_id: Option<SubmissionId>,
}

/// A progress update recorded: the change for the audit log, the update as stored, and the
/// notices for live subscribers (built from what the mutation read, so that nothing is read
/// again for them or for the payload).
#[derive(Debug, Clone)]
pub struct Submitted {
    pub change: Change,
    pub update: progress_update::Model,
    pub notices: Vec<super::events::Event>,
}

/// Records a unit's progress on a task for a period (the task's lead and implementing units).
pub async fn submit_progress(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: ProgressInput,
) -> DomainResult<Submitted> {
    let reporter =
        super::completion::task_and_reporter(db, actor, input.task_id, input.unit_id).await?;
    let mut checks = Checks(Vec::new());
    if let Err(message) = Percent::new(f64::from(input.percent)) {
        checks.fail("percent", Code::OutOfRange, message);
    }
    if input.status == ProgressStatus::Completed && input.percent != 100 {
        checks.fail(
            "percent",
            Code::Invalid,
            "a task reported completed is at 100 %",
        );
    }
    let narrative = checks.optional_text("narrative", input.narrative.as_deref(), MAX_TEXT);
    let difficulties =
        checks.optional_text("difficulties", input.difficulties.as_deref(), MAX_TEXT);
    let proposals = checks.optional_text("proposals", input.proposals.as_deref(), MAX_TEXT);
    super::check_period_begun(&mut checks, input.period);
    checks.finish()?;
    let writes = reporter
        .is_in(db, &[AssignmentRole::Lead, AssignmentRole::Implementing])
        .await?;
    let super::completion::Reporter {
        task,
        unit,
        issuer,
        assignments,
    } = reporter;
    if !writes {
        return Err(rejected(
            "unitId",
            Code::Invalid,
            format!(
                "{} neither leads nor implements this task: only they report its progress",
                unit.name
            ),
        ));
    }
    let carrier = match input.submission_id {
        Some(id) => Some(carrying_report(db, id.uuid(), &unit, input.period).await?),
        None => None,
    };
    let now = Utc::now();
    let model = progress_update::Model {
        id: Uuid::now_v7(),
        task_id: task.id,
        unit_id: unit.id,
        period_code: input.period.to_string(),
        percent: input.percent,
        status: input.status,
        narrative,
        reported_at: now,
        created_at: now,
        difficulties,
        proposals,
        reported_by: Some(actor.principal.subject.clone()),
    };
    // As stored (RETURNING): the payload shows it without reading it again.
    let model = model.into_active_model().reset_all().insert(db).await?;
    if let Some(report) = &carrier {
        entity::submission_progress::Model {
            progress_update_id: model.id,
            submission_id: report.id,
        }
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    }
    let action = AuditAction::ProgressSubmit;
    Ok(Submitted {
        change: Change {
            action,
            object_type: ObjectType::ProgressUpdate,
            object_id: model.id,
            scope_unit_id: issuer,
            before: None,
            after: Some(serde_json::json!({
                "task_id": model.task_id, "unit_id": model.unit_id, "period_code": model.period_code,
                "percent": model.percent, "status": model.status, "narrative": model.narrative,
                "difficulties": model.difficulties, "proposals": model.proposals,
            })),
        },
        notices: super::events::of_update(action, &model, task.plan_id, &assignments),
        update: model,
    })
}

/// The report an update goes inside: the unit's own, for the same period, still being written
/// (a draft, or returned to be fixed).
async fn carrying_report(
    db: &impl ConnectionTrait,
    id: Uuid,
    unit: &unit::Model,
    period: PeriodCode,
) -> DomainResult<report_submission::Model> {
    let Some(report) = report_submission::Entity::find_by_id(id).one(db).await? else {
        return Err(rejected("submissionId", Code::NotFound, "no such report"));
    };
    if report.reporting_unit_id != unit.id {
        return Err(rejected(
            "submissionId",
            Code::Invalid,
            format!("this report is another unit's, not {}'s", unit.name),
        ));
    }
    if report.period_code != period.to_string() {
        return Err(rejected(
            "submissionId",
            Code::Invalid,
            format!("this report is for {}, not {period}", report.period_code),
        ));
    }
    if !matches!(
        report.status,
        SubmissionStatus::Draft | SubmissionStatus::Returned
    ) {
        return Err(rejected(
            "submissionId",
            Code::InvalidState,
            "only a report still being written (a draft, or returned) takes updates",
        ));
    }
    Ok(report)
}

/// The progress updates sent inside each report, oldest first (two statements).
pub async fn of_submissions(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<progress_update::Model>>> {
    let mut result: HashMap<Uuid, Vec<progress_update::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(result);
    }
    let links = entity::submission_progress::Entity::find()
        .filter(entity::submission_progress::Column::SubmissionId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(result);
    }
    let mut updates: HashMap<Uuid, progress_update::Model> = fetch_all(
        db,
        find::<progress_update::Entity>()
            .filter(progress_update::Column::Id.is_in(links.iter().map(|l| l.progress_update_id))),
    )
    .await?
    .into_iter()
    .map(|u| (u.id, u))
    .collect();
    for link in links {
        if let Some(update) = updates.remove(&link.progress_update_id) {
            result.entry(link.submission_id).or_default().push(update);
        }
    }
    for updates in result.values_mut() {
        updates.sort_by_key(|u| (u.reported_at, u.id));
    }
    Ok(result)
}

/// A plan's progress for a period, as of a day.
#[derive(Debug, Clone)]
pub struct PlanProgress {
    pub as_of: NaiveDate,
    /// Tasks that count (not cancelled).
    pub task_count: usize,
    /// Their mean percent (equal weights): 100 for a task completed by `as_of`, else its newest
    /// update reported by the end of `as_of`, else 0; none without tasks.
    pub percent: Option<f64>,
    pub timeliness: BTreeMap<TimelinessKey, usize>,
    /// Per area (none: tasks outside any area): task count and mean percent.
    pub areas: Vec<(Option<Uuid>, usize, f64)>,
    pub reports: Vec<RegimeReports>,
    /// The units that report through a group, read whole while finding who reports (so the
    /// API names the missing and pending ones without reading them again).
    pub reporting_units: Vec<unit::Model>,
}

/// An orderable key for [`Timeliness`].
pub type TimelinessKey = u8;

/// The place of a timeliness class in counts.
pub fn timeliness_key(t: Timeliness) -> TimelinessKey {
    match t {
        Timeliness::CompletedOnTime => 0,
        Timeliness::CompletedLate => 1,
        Timeliness::OpenWithinDeadline => 2,
        Timeliness::OpenOverdue => 3,
        Timeliness::NoDeadline => 4,
        Timeliness::AwaitingTrigger => 5,
        Timeliness::Cancelled => 6,
    }
}

/// The class of a key.
pub fn timeliness_of_key(key: TimelinessKey) -> Timeliness {
    match key {
        0 => Timeliness::CompletedOnTime,
        1 => Timeliness::CompletedLate,
        2 => Timeliness::OpenWithinDeadline,
        3 => Timeliness::OpenOverdue,
        4 => Timeliness::NoDeadline,
        5 => Timeliness::AwaitingTrigger,
        _ => Timeliness::Cancelled,
    }
}

/// The reports one deadline of a regime expects for the period, and what came.
#[derive(Debug, Clone)]
pub struct RegimeReports {
    pub regime_id: Uuid,
    pub deadline_id: Uuid,
    pub level: i32,
    pub due_on: Option<NaiveDate>,
    pub expected: usize,
    /// Units whose first submission came by the due day, and after it.
    pub on_time: Vec<Uuid>,
    pub late: Vec<Uuid>,
    /// Units whose report had not come by the end of `as_of`, once the due day has passed.
    pub missing: Vec<Uuid>,
    /// Units whose report is not in yet but whose due day has not passed.
    pub pending: Vec<Uuid>,
}

/// The plan's progress for `period` as of `as_of` (default: the period's last day, or today
/// if that is later than today).
pub async fn plan_progress(
    db: &impl ConnectionTrait,
    plan: &plan::Model,
    period: PeriodCode,
    as_of: Option<NaiveDate>,
) -> DomainResult<PlanProgress> {
    let period_end = period
        .data_window(CutOffRule::Calendar)
        .map(|(_, end)| end)
        .unwrap_or_else(today);
    let as_of = as_of.unwrap_or_else(|| period_end.min(today()));
    let mut figures = task_figures(db, plan, as_of).await?;
    (figures.reports, figures.reporting_units) = regime_reports(db, plan, period, as_of).await?;
    Ok(figures)
}

/// A plan's task figures as of a day (no reports).
pub async fn task_figures(
    db: &impl ConnectionTrait,
    plan: &plan::Model,
    as_of: NaiveDate,
) -> DomainResult<PlanProgress> {
    Ok(task_figures_of(db, &[plan.id], as_of)
        .await?
        .remove(&plan.id)
        .unwrap_or_else(|| figures(as_of, &[])))
}

/// The task figures of several plans as of a day, in one statement whatever their number.
pub async fn task_figures_of(
    db: &impl ConnectionTrait,
    plans: &[Uuid],
    as_of: NaiveDate,
) -> DomainResult<HashMap<Uuid, PlanProgress>> {
    // What the figures need and no text, in one statement: the tasks grouped by plan, area and
    // timing (all a task's class depends on), with how many there are and the sum of their
    // newest updates' percents by the end of `as_of`. A plan's tasks share a few deadlines, so
    // the groups are a fraction of the tasks; the classes are still worked out here, by the
    // one rule ([`TaskTiming::timeliness`]).
    use sea_orm::sea_query::{
        Expr, ExprTrait, Func, Order, Query, QueryStatementBuilder, SimpleExpr,
    };
    let newest = Query::select()
        .column(progress_update::Column::Percent)
        .from(progress_update::Entity)
        .and_where(
            Expr::col((progress_update::Entity, progress_update::Column::TaskId))
                .equals((task::Entity, task::Column::Id)),
        )
        .and_where(progress_update::Column::ReportedAt.lt(end_of_day(as_of)))
        .order_by(progress_update::Column::ReportedAt, Order::Desc)
        .order_by(progress_update::Column::Id, Order::Desc)
        .limit(1)
        .to_owned();
    let grouped = [
        task::Column::PlanId,
        task::Column::AreaId,
        task::Column::Status,
        task::Column::DueOn,
        task::Column::CompletedOn,
    ];
    let query = Query::select()
        .columns(grouped.map(|c| (task::Entity, c)))
        .expr(Func::count(Expr::col((task::Entity, task::Column::Id))))
        .expr(Func::sum(SimpleExpr::SubQuery(
            None,
            Box::new(newest.into_sub_query_statement()),
        )))
        .from(task::Entity)
        .and_where(task::Column::PlanId.is_in(plans.iter().copied()))
        .group_by_columns(grouped.map(|c| (task::Entity, c)))
        .to_owned();
    let groups: Vec<FigureGroup> = fetch_decoded(db, &query).await?;
    let mut by_plan: FastMap<Uuid, Vec<FigureGroup>> = FastMap::default();
    for group in groups {
        by_plan.entry(group.plan_id).or_default().push(group);
    }
    Ok(plans
        .iter()
        .map(|id| {
            let groups = by_plan.remove(id).unwrap_or_default();
            (*id, figures(as_of, &groups))
        })
        .collect())
}

/// Tasks of a plan alike in what its figures read (the columns of [`task_figures_of`]'s
/// statement, in order).
#[derive(Debug)]
struct FigureGroup {
    plan_id: Uuid,
    area_id: Option<Uuid>,
    status: entity::enums::TaskStatus,
    due_on: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    /// How many tasks.
    tasks: i64,
    /// The sum of their newest updates' percents (none when no task has one).
    newest_percents: Option<i64>,
}

impl DecodeRow for FigureGroup {
    const WIDTH: usize = 7;

    fn decode(c: &mut Columns<'_>) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            plan_id: c.required()?,
            area_id: c.nullable()?,
            status: c.enumeration()?,
            due_on: c.nullable()?,
            completed_on: c.nullable()?,
            tasks: c.required()?,
            newest_percents: c.nullable()?,
        })
    }
}

/// The tasks of `plans` (in their order) and each one's newest update reported by the end of
/// `as_of` (two statements).
pub async fn tasks_with_newest_updates(
    db: &impl ConnectionTrait,
    plans: &[Uuid],
    as_of: NaiveDate,
) -> DomainResult<(Vec<task::Model>, HashMap<Uuid, progress_update::Model>)> {
    let cut = end_of_day(as_of);
    let tasks = fetch_all(
        db,
        find::<task::Entity>()
            .filter(task::Column::PlanId.is_in(plans.iter().copied()))
            .order_by_asc(task::Column::Position),
    )
    .await?;
    let ids: Vec<Uuid> = tasks.iter().map(|t| t.id).collect();
    let mut newest: HashMap<Uuid, progress_update::Model> = HashMap::new();
    if !ids.is_empty() {
        let updates = fetch_all(
            db,
            find::<progress_update::Entity>()
                .filter(progress_update::Column::TaskId.is_in(ids.iter().copied()))
                .filter(progress_update::Column::ReportedAt.lt(cut))
                .order_by_asc(progress_update::Column::ReportedAt)
                .order_by_asc(progress_update::Column::Id),
        )
        .await?;
        for update in updates {
            newest.insert(update.task_id, update);
        }
    }
    Ok((tasks, newest))
}

/// A task's percent in a plan's figures: 100 once completed, else its newest update's, else 0
/// (none for a cancelled task, which does not count).
pub fn task_percent(class: Timeliness, newest: Option<i32>) -> Option<f64> {
    percents_of(class, 1, newest.map(i64::from))
}

/// [`task_percent`] summed over `tasks` tasks of one class whose newest updates' percents sum
/// to `newest`.
fn percents_of(class: Timeliness, tasks: i64, newest: Option<i64>) -> Option<f64> {
    match class {
        Timeliness::Cancelled => None,
        Timeliness::CompletedOnTime | Timeliness::CompletedLate => Some(100.0 * tasks as f64),
        _ => Some(newest.map_or(0.0, |sum| sum as f64)),
    }
}

fn figures(as_of: NaiveDate, groups: &[FigureGroup]) -> PlanProgress {
    let mut timeliness_counts = BTreeMap::new();
    let mut areas: BTreeMap<Option<Uuid>, (usize, f64)> = BTreeMap::new();
    let (mut count, mut sum) = (0usize, 0f64);
    for group in groups {
        let timing = TaskTiming {
            status: group.status,
            due_on: group.due_on,
            completed_on: group.completed_on,
        };
        let class = timing.timeliness(as_of);
        let tasks = usize::try_from(group.tasks).unwrap_or(0);
        *timeliness_counts.entry(timeliness_key(class)).or_insert(0) += tasks;
        let Some(percents) = percents_of(class, group.tasks, group.newest_percents) else {
            continue;
        };
        count += tasks;
        sum += percents;
        let area = areas.entry(group.area_id).or_insert((0, 0.0));
        area.0 += tasks;
        area.1 += percents;
    }
    PlanProgress {
        as_of,
        task_count: count,
        percent: (count > 0).then(|| round1(sum / count as f64)),
        timeliness: timeliness_counts,
        areas: areas
            .into_iter()
            .map(|(area, (n, total))| (area, n, round1(total / n as f64)))
            .collect(),
        reports: Vec::new(),
        reporting_units: Vec::new(),
    }
}

/// The most plans a cascade holds, and its deepest level.
pub const MAX_CASCADE_PLANS: usize = 200;
pub const MAX_CASCADE_DEPTH: usize = 6;

/// A plan and every plan implementing it, down the cascade (breadth first, each plan once):
/// `(plan, depth, the plan it implements)`, only plans the caller may read.
pub async fn cascade(
    db: &impl ConnectionTrait,
    visibility: &crate::access::PlanVisibility,
    root: plan::Model,
) -> DomainResult<Vec<(plan::Model, usize, Option<Uuid>)>> {
    let mut out = vec![(root.clone(), 0, None)];
    let mut seen: HashSet<Uuid> = HashSet::from([root.id]);
    let mut level = vec![root.id];
    for depth in 1..=MAX_CASCADE_DEPTH {
        if level.is_empty() || out.len() >= MAX_CASCADE_PLANS {
            break;
        }
        let links = entity::plan_reference::Entity::find()
            .filter(entity::plan_reference::Column::ParentPlanId.is_in(level.iter().copied()))
            .order_by_asc(entity::plan_reference::Column::PlanId)
            .all(db)
            .await?;
        let children: Vec<Uuid> = links.iter().map(|l| l.plan_id).collect();
        let plans: HashMap<Uuid, plan::Model> = fetch_all(
            db,
            find::<plan::Entity>().filter(plan::Column::Id.is_in(children.iter().copied())),
        )
        .await?
        .into_iter()
        .filter(|p| visibility.allows(p))
        .map(|p| (p.id, p))
        .collect();
        let mut next = Vec::new();
        for link in links {
            if out.len() >= MAX_CASCADE_PLANS {
                break;
            }
            if let Some(child) = plans.get(&link.plan_id)
                && seen.insert(child.id)
            {
                out.push((child.clone(), depth, link.parent_plan_id));
                next.push(child.id);
            }
        }
        level = next;
    }
    Ok(out)
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// A report counted in a period's figures: whose, at which level, and whether it came late
/// (the columns of [`regime_reports`]'s statement, in order).
struct SubmittedReport {
    regime_id: Uuid,
    level: i32,
    unit_id: Uuid,
    late: Option<bool>,
}

impl DecodeRow for SubmittedReport {
    const WIDTH: usize = 4;

    fn decode(c: &mut Columns<'_>) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            regime_id: c.required()?,
            level: c.required()?,
            unit_id: c.required()?,
            late: c.nullable()?,
        })
    }
}

/// For every regime of the plan that reports `period`, at every level: who should report, who
/// did (on time, late), who is missing, as of `as_of`.
async fn regime_reports(
    db: &impl ConnectionTrait,
    plan: &plan::Model,
    period: PeriodCode,
    as_of: NaiveDate,
) -> DomainResult<(Vec<RegimeReports>, Vec<unit::Model>)> {
    // The regimes with their deadline rows, in one statement.
    let query = with_columns_of::<reporting_deadline::Entity, _>(
        find::<reporting_regime::Entity>().left_join(reporting_deadline::Entity),
    )
    .filter(reporting_regime::Column::PlanId.eq(plan.id))
    .filter(reporting_regime::Column::Frequency.ne(ReportingPeriodKind::AdHoc))
    .order_by_asc(reporting_regime::Column::Position)
    .order_by_asc(reporting_regime::Column::Id)
    .order_by_asc(reporting_deadline::Column::Level)
    .order_by_asc(reporting_deadline::Column::Position)
    .into_query();
    let joined = fetch_with_related::<reporting_regime::Model, reporting_deadline::Model, _>(
        db,
        &query,
        |r| r.id,
    )
    .await?;
    if joined.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut regimes = Vec::with_capacity(joined.len());
    let mut rows: HashMap<Uuid, Vec<reporting_deadline::Model>> = HashMap::new();
    for (regime, deadlines) in joined {
        rows.insert(regime.id, deadlines);
        regimes.push(regime);
    }
    let regime_ids: Vec<Uuid> = regimes.iter().map(|r| r.id).collect();
    let cut = end_of_day(as_of);
    // Whether each report of the period sent by the end of `as_of` was late, by regime, level
    // and unit (four columns, no text).
    let query = sea_orm::sea_query::Query::select()
        .columns([
            report_submission::Column::RegimeId,
            report_submission::Column::Level,
            report_submission::Column::ReportingUnitId,
            report_submission::Column::IsLate,
        ])
        .from(report_submission::Entity)
        .and_where(report_submission::Column::RegimeId.is_in(regime_ids.iter().copied()))
        .and_where(report_submission::Column::PeriodCode.eq(period.to_string()))
        .and_where(report_submission::Column::Status.ne(SubmissionStatus::Draft))
        .and_where(report_submission::Column::FirstSubmittedAt.lt(cut))
        .to_owned();
    let submitted: HashMap<(Uuid, i32, Uuid), Option<bool>> =
        fetch_decoded::<SubmittedReport, _>(db, &query)
            .await?
            .into_iter()
            .map(|r| ((r.regime_id, r.level, r.unit_id), r.late))
            .collect();
    let calendar = super::calendar::WorkCalendar::load(
        db,
        as_of - chrono::Duration::days(800),
        as_of + chrono::Duration::days(800),
    )
    .await?;
    let key = period_key(period);
    let all_rows: Vec<&reporting_deadline::Model> = rows.values().flatten().collect();
    let (reporters, units) = reporters_and_members(db, &all_rows, as_of).await?;
    let mut out = Vec::new();
    for regime in &regimes {
        for row in rows.get(&regime.id).into_iter().flatten() {
            if !row_keys(row).contains(&key) {
                continue;
            }
            let due_on = DeadlineRule::from_json(&row.rule)
                .ok()
                .and_then(|rule| {
                    rule.due(Some(period), plan.issued_on, &calendar)
                        .ok()
                        .flatten()
                })
                .map(|d| d.due_on);
            let expected = reporters.get(&row.id).cloned().unwrap_or_default();
            let mut report = RegimeReports {
                regime_id: regime.id,
                deadline_id: row.id,
                level: row.level,
                due_on,
                expected: expected.len(),
                on_time: Vec::new(),
                late: Vec::new(),
                missing: Vec::new(),
                pending: Vec::new(),
            };
            for unit in expected {
                match submitted.get(&(regime.id, row.level, unit)) {
                    Some(Some(true)) => report.late.push(unit),
                    Some(_) => report.on_time.push(unit),
                    None if due_on.is_some_and(|due| due < as_of) => report.missing.push(unit),
                    None => report.pending.push(unit),
                }
            }
            out.push(report);
        }
    }
    Ok((out, units))
}
