//! Progress: `submitProgress` (a task's lead or implementing unit reports), and `planProgress`
//! (a plan's figures for a period, as of a day).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::mutation::Outcome;
use crate::domain::kernel::period::CutOffRule;
use crate::domain::reporting::completion::{self, CompletionDecision};
use crate::domain::reporting::progress::{self as progress, ProgressInput, timeliness_of_key};
use crate::graphql::common::context::{db, load, loaders, visibility, visible_plan};
use crate::graphql::common::enums::{ProgressStatus, Timeliness};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{AreaById, RegimeById, UnitById};
use crate::graphql::org::unit::Unit;
use crate::graphql::planning::plan::{Plan, PlanArea};
use crate::graphql::planning::task::{ProgressUpdate, Task};
use crate::graphql::reporting::attainment::TargetAttainment;
use crate::graphql::reporting::period::{ReportingPeriod, parse_period, period_input};
use crate::graphql::reporting::regime::ReportingRegime;

/// A plan's progress for a period, computed from the stored facts as of a day.
pub struct PlanProgress {
    plan: entity::plan::Model,
    period: ReportingPeriod,
    figures: progress::PlanProgress,
    code: crate::domain::kernel::period::PeriodCode,
    /// The day asked, if any (target values are read up to today otherwise).
    asked_as_of: Option<chrono::NaiveDate>,
}

/// How many tasks are in a timeliness class.
#[derive(SimpleObject)]
pub struct TimelinessCount {
    pub timeliness: Timeliness,
    pub count: i32,
}

/// The reports one deadline of a regime expects for the period, and what came.
pub struct ReportsDue(progress::RegimeReports);

#[Object]
impl ReportsDue {
    async fn regime(&self, ctx: &Context<'_>) -> Result<Option<ReportingRegime>> {
        Ok(load(ctx, RegimeById(self.0.regime_id))
            .await?
            .map(ReportingRegime))
    }
    /// The level of the cascade.
    async fn level(&self) -> i32 {
        self.0.level
    }
    /// The day the reports fall due.
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }
    /// How many units owe a report.
    async fn expected(&self) -> i32 {
        self.0.expected as i32
    }
    /// Reports first submitted by the end of the due day.
    async fn on_time(&self) -> i32 {
        self.0.on_time.len() as i32
    }
    /// Reports first submitted after it.
    async fn late(&self) -> i32 {
        self.0.late.len() as i32
    }
    /// The units whose report came on time.
    async fn on_time_units(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        units(ctx, &self.0.on_time).await
    }
    /// The units whose report came late.
    async fn late_units(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        units(ctx, &self.0.late).await
    }
    /// Units whose report had not come when the due day had passed.
    async fn missing(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        units(ctx, &self.0.missing).await
    }
    /// Units whose report is not in yet, before their due day.
    async fn pending(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        units(ctx, &self.0.pending).await
    }
}

async fn units(ctx: &Context<'_>, ids: &[uuid::Uuid]) -> Result<Vec<Unit>> {
    let loaded =
        futures_util::future::try_join_all(ids.iter().map(|id| load(ctx, UnitById(*id)))).await?;
    Ok(loaded.into_iter().flatten().map(Unit).collect())
}

/// A plan area's tasks and their mean percent.
pub struct AreaProgress {
    area: Option<uuid::Uuid>,
    task_count: usize,
    percent: f64,
}

#[Object]
impl AreaProgress {
    /// The area (null: tasks outside any area).
    async fn area(&self, ctx: &Context<'_>) -> Result<Option<PlanArea>> {
        match self.area {
            Some(id) => Ok(load(ctx, AreaById(id)).await?.map(PlanArea)),
            None => Ok(None),
        }
    }
    async fn task_count(&self) -> i32 {
        self.task_count as i32
    }
    async fn percent(&self) -> f64 {
        self.percent
    }
}

#[Object]
impl PlanProgress {
    async fn plan(&self) -> Plan {
        Plan(self.plan.clone())
    }
    async fn period(&self) -> &ReportingPeriod {
        &self.period
    }
    /// The day the figures are computed as of.
    async fn as_of(&self) -> Date {
        Date(self.figures.as_of)
    }
    /// Tasks that count (every task but the cancelled ones).
    async fn task_count(&self) -> i32 {
        self.figures.task_count as i32
    }
    /// Their mean percent, each task weighing the same: 100 for a task completed by `asOf`,
    /// else its newest update reported by the end of `asOf`, else 0 (null without tasks).
    async fn percent(&self) -> Option<f64> {
        self.figures.percent
    }
    /// Tasks per timeliness class as of `asOf` (cancelled ones included).
    async fn timeliness(&self) -> Vec<TimelinessCount> {
        timeliness_counts(&self.figures)
    }
    /// Per area of the plan.
    async fn areas(&self) -> Vec<AreaProgress> {
        self.figures
            .areas
            .iter()
            .map(|(area, task_count, percent)| AreaProgress {
                area: *area,
                task_count: *task_count,
                percent: *percent,
            })
            .collect()
    }
    /// For each regime of the plan that reports the period, at each level: reports expected,
    /// on time, late, missing.
    async fn reports(&self) -> Vec<ReportsDue> {
        self.figures
            .reports
            .iter()
            .cloned()
            .map(ReportsDue)
            .collect()
    }
    /// The plan's targets, in its order, with the values reported for the period (by the end of
    /// `asOf` when it is given, else up to today: values come after a period ends) and whether
    /// each is met.
    async fn targets(&self, ctx: &Context<'_>) -> Result<Vec<TargetAttainment>> {
        // Read only when asked for: most dashboards never select them, and their breakdowns'
        // labels only when their groups are.
        let figures = crate::domain::reporting::attainment::of_plan(
            db(ctx)?,
            self.plan.id,
            self.code,
            self.asked_as_of,
            ctx.look_ahead().field("groups").exists(),
        )
        .await
        .into_gql()?;
        Ok(figures.into_iter().map(TargetAttainment).collect())
    }
}

/// One plan of a cascade, with its task figures.
pub struct CascadeEntry {
    plan: entity::plan::Model,
    depth: usize,
    implements: Option<uuid::Uuid>,
    figures: progress::PlanProgress,
}

#[Object]
impl CascadeEntry {
    async fn plan(&self) -> Plan {
        Plan(self.plan.clone())
    }
    /// 0 for the plan asked for, 1 for the plans implementing it, and so on.
    async fn depth(&self) -> i32 {
        self.depth as i32
    }
    /// The plan of the cascade it implements (null for the plan asked for).
    async fn implements(&self, ctx: &Context<'_>) -> Result<Option<Plan>> {
        match self.implements {
            Some(id) => Ok(visible_plan(ctx, id).await?.map(Plan)),
            None => Ok(None),
        }
    }
    /// Tasks that count (every task but the cancelled ones).
    async fn task_count(&self) -> i32 {
        self.figures.task_count as i32
    }
    /// Their mean percent as of the day asked (see `planProgress`).
    async fn percent(&self) -> Option<f64> {
        self.figures.percent
    }
    /// Tasks per timeliness class.
    async fn timeliness(&self) -> Vec<TimelinessCount> {
        timeliness_counts(&self.figures)
    }
}

fn timeliness_counts(figures: &progress::PlanProgress) -> Vec<TimelinessCount> {
    figures
        .timeliness
        .iter()
        .map(|(key, count)| TimelinessCount {
            timeliness: timeliness_of_key(*key).into(),
            count: *count as i32,
        })
        .collect()
}

#[derive(Default)]
pub struct ProgressQuery;

#[Object]
impl ProgressQuery {
    /// A plan and every plan implementing it, down the cascade (breadth first, at most 200
    /// plans and 6 levels), each with its task figures as of `asOf` (default: today). Null for
    /// a plan the caller may not read; plans below it the caller may not read are left out.
    async fn cascade_progress(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        as_of: Option<Date>,
    ) -> Result<Option<Vec<CascadeEntry>>> {
        let id = expect(&plan_id, NodeType::Plan).into_gql()?;
        let Some(root) = visible_plan(ctx, id).await? else {
            return Ok(None);
        };
        let as_of = as_of.map_or_else(crate::domain::kernel::time::today, |d| d.0);
        let db = db(ctx)?;
        let plans = progress::cascade(db, visibility(ctx)?, root)
            .await
            .into_gql()?;
        let ids: Vec<uuid::Uuid> = plans.iter().map(|(p, _, _)| p.id).collect();
        let mut figures = progress::task_figures_of(db, &ids, as_of)
            .await
            .into_gql()?;
        Ok(Some(
            plans
                .into_iter()
                .filter_map(|(plan, depth, implements)| {
                    let figures = figures.remove(&plan.id)?;
                    Some(CascadeEntry {
                        plan,
                        depth,
                        implements,
                        figures,
                    })
                })
                .collect(),
        ))
    }

    /// A plan's progress for a period (`2023Q1`, `2023H1`, `2023`…), computed from the stored
    /// facts as of `asOf` (default: the period's last day, or today while it runs), so a past
    /// dashboard can be reproduced. Null for a plan the caller may not read.
    async fn plan_progress(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        #[graphql(validator(max_length = 16))] period: String,
        as_of: Option<Date>,
    ) -> Result<Option<PlanProgress>> {
        let id = expect(&plan_id, NodeType::Plan).into_gql()?;
        let period = parse_period(&period)?;
        if period.months().is_none() {
            return Err(DomainError::invalid(
                "an ad-hoc period has no plan progress: ask for a month, quarter, half or year",
            ))
            .into_gql();
        }
        let Some(plan) = visible_plan(ctx, id).await? else {
            return Ok(None);
        };
        let mut figures = progress::plan_progress(db(ctx)?, &plan, period, as_of.map(|d| d.0))
            .await
            .into_gql()?;
        // The missing and pending units are named from the rows read to find them.
        let units = std::mem::take(&mut figures.reporting_units);
        loaders(ctx)?
            .feed_many(units.into_iter().map(|u| (UnitById(u.id), u.into())))
            .await;
        Ok(Some(PlanProgress {
            plan,
            period: ReportingPeriod::new(period, CutOffRule::Decree09),
            figures,
            code: period,
            asked_as_of: as_of.map(|d| d.0),
        }))
    }
}

/// `submitProgress` input.
#[derive(InputObject)]
pub struct SubmitProgressInput {
    pub task_id: ID,
    /// The reporting unit: the task's lead or one of its implementing units.
    pub unit_id: ID,
    /// The period reported (`2023Q1`…).
    pub period: String,
    /// Completion, 0–100.
    pub percent: i32,
    pub status: ProgressStatus,
    /// What was done (at most 20 000 characters).
    pub narrative: Option<String>,
    /// Khó khăn, vướng mắc.
    pub difficulties: Option<String>,
    /// Kiến nghị, đề xuất.
    pub proposals: Option<String>,
    /// The unit's report for the period (a draft, or returned to be fixed) this update goes
    /// inside; without it the update stands on its own.
    pub submission_id: Option<ID>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `submitProgress`.
    SubmitProgressPayload, progress_update, ProgressUpdate, entity::progress_update::Entity
);

#[derive(Default)]
pub struct ProgressMutation;

#[Object]
impl ProgressMutation {
    /// Records a unit's progress on a task for a period (the task's lead and implementing
    /// units, or those above them).
    async fn submit_progress(
        &self,
        ctx: &Context<'_>,
        input: SubmitProgressInput,
    ) -> Result<SubmitProgressPayload> {
        let cmid = input.client_mutation_id.clone();
        let task_id = try_input!(
            id_of::<entity::task::Entity>(&input.task_id, "taskId"),
            SubmitProgressPayload,
            ctx,
            cmid
        );
        let unit_id = try_input!(
            id_of::<entity::unit::Entity>(&input.unit_id, "unitId"),
            SubmitProgressPayload,
            ctx,
            cmid
        );
        let period = try_input!(
            period_input(&input.period),
            SubmitProgressPayload,
            ctx,
            cmid
        );
        let submission_id = match &input.submission_id {
            Some(id) => Some(try_input!(
                id_of::<entity::report_submission::Entity>(id, "submissionId"),
                SubmitProgressPayload,
                ctx,
                cmid
            )),
            None => None,
        };
        let update = ProgressInput {
            task_id,
            unit_id,
            period,
            percent: input.percent,
            status: input.status.into(),
            narrative: input.narrative,
            difficulties: input.difficulties,
            proposals: input.proposals,
            submission_id,
        };
        let mut written = None;
        let outcome = run_noticed(
            ctx,
            "submitProgress",
            cmid.as_deref(),
            async |txn, actor| {
                let submitted = progress::submit_progress(txn, actor, update).await?;
                written = Some(submitted.update);
                Ok((submitted.change, Some(submitted.notices)))
            },
        )
        .await?;
        SubmitProgressPayload::from_written(ctx, outcome, written, cmid).await
    }
}

/// `reportTaskDone` input.
#[derive(InputObject)]
pub struct ReportTaskDoneInput {
    pub task_id: ID,
    /// The task's lead.
    pub unit_id: ID,
    pub version: i32,
    /// What was done.
    pub narrative: Option<String>,
    pub client_mutation_id: Option<String>,
}

/// `acceptTaskCompletion` input.
#[derive(InputObject)]
pub struct AcceptTaskCompletionInput {
    pub task_id: ID,
    pub version: i32,
    pub client_mutation_id: Option<String>,
}

/// `returnTaskCompletion` input.
#[derive(InputObject)]
pub struct ReturnTaskCompletionInput {
    pub task_id: ID,
    pub version: i32,
    /// Why it is not done (required).
    pub reason: String,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of a task completion step.
    TaskCompletionPayload, task, Task, entity::task::Entity
);

#[derive(Default)]
pub struct CompletionMutation;

#[Object]
impl CompletionMutation {
    /// The lead reports a task done: a 100 % update, and the task waits for its monitoring
    /// unit to accept it.
    async fn report_task_done(
        &self,
        ctx: &Context<'_>,
        input: ReportTaskDoneInput,
    ) -> Result<TaskCompletionPayload> {
        let cmid = input.client_mutation_id.clone();
        let task_id = try_input!(
            id_of::<entity::task::Entity>(&input.task_id, "taskId"),
            TaskCompletionPayload,
            ctx,
            cmid
        );
        let unit_id = try_input!(
            id_of::<entity::unit::Entity>(&input.unit_id, "unitId"),
            TaskCompletionPayload,
            ctx,
            cmid
        );
        let (version, narrative) = (input.version, input.narrative);
        let outcome = run(
            ctx,
            "reportTaskDone",
            cmid.as_deref(),
            async |txn, actor| {
                completion::report_done(txn, actor, task_id, unit_id, version, narrative).await
            },
        )
        .await?;
        TaskCompletionPayload::from(ctx, outcome, cmid).await
    }

    /// The monitoring unit accepts a task reported done: completed on the day it was reported
    /// done (its timeliness follows from that day).
    async fn accept_task_completion(
        &self,
        ctx: &Context<'_>,
        input: AcceptTaskCompletionInput,
    ) -> Result<TaskCompletionPayload> {
        let cmid = input.client_mutation_id.clone();
        let task_id = try_input!(
            id_of::<entity::task::Entity>(&input.task_id, "taskId"),
            TaskCompletionPayload,
            ctx,
            cmid
        );
        let version = input.version;
        let outcome = run(
            ctx,
            "acceptTaskCompletion",
            cmid.as_deref(),
            async |txn, actor| {
                completion::decide_completion(
                    txn,
                    actor,
                    task_id,
                    version,
                    CompletionDecision::Accept,
                )
                .await
            },
        )
        .await?;
        TaskCompletionPayload::from(ctx, outcome, cmid).await
    }

    /// The monitoring unit returns a task reported done to work, with the reason.
    async fn return_task_completion(
        &self,
        ctx: &Context<'_>,
        input: ReturnTaskCompletionInput,
    ) -> Result<TaskCompletionPayload> {
        let cmid = input.client_mutation_id.clone();
        let task_id = try_input!(
            id_of::<entity::task::Entity>(&input.task_id, "taskId"),
            TaskCompletionPayload,
            ctx,
            cmid
        );
        let (version, reason) = (input.version, input.reason);
        let outcome = run(
            ctx,
            "returnTaskCompletion",
            cmid.as_deref(),
            async |txn, actor| {
                completion::decide_completion(
                    txn,
                    actor,
                    task_id,
                    version,
                    CompletionDecision::Return(reason),
                )
                .await
            },
        )
        .await?;
        TaskCompletionPayload::from(ctx, outcome, cmid).await
    }
}

/// A cooperating unit's contribution to a task for a period (đóng góp của đơn vị phối hợp).
pub struct Contribution(pub entity::task_contribution::Model);

#[Object]
impl Contribution {
    /// The cooperating unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.unit_id)).await?.map(Unit))
    }
    /// The period's code.
    async fn period(&self) -> &str {
        &self.0.period_code
    }
    /// What it did.
    async fn narrative(&self) -> &str {
        &self.0.narrative
    }
    async fn reported_at(&self) -> chrono::DateTime<chrono::FixedOffset> {
        crate::domain::kernel::time::local_time(self.0.reported_at)
    }
}

/// `addContribution` input.
#[derive(InputObject)]
pub struct AddContributionInput {
    pub task_id: ID,
    /// A cooperating unit of the task.
    pub unit_id: ID,
    /// The period (`2023Q1`, …).
    pub period: String,
    /// What the unit did (required, at most 20 000 characters).
    pub narrative: String,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `addContribution`.
    ContributionPayload, contribution, Contribution, entity::task_contribution::Entity
);

#[derive(Default)]
pub struct ContributionMutation;

#[Object]
impl ContributionMutation {
    /// A cooperating unit (phối hợp) says what it did for a task in a period; the task's
    /// percent and status stay its lead's and implementing units' to report.
    async fn add_contribution(
        &self,
        ctx: &Context<'_>,
        input: AddContributionInput,
    ) -> Result<ContributionPayload> {
        let cmid = input.client_mutation_id.clone();
        let task_id = try_input!(
            id_of::<entity::task::Entity>(&input.task_id, "taskId"),
            ContributionPayload,
            ctx,
            cmid
        );
        let unit_id = try_input!(
            id_of::<entity::unit::Entity>(&input.unit_id, "unitId"),
            ContributionPayload,
            ctx,
            cmid
        );
        let period = try_input!(period_input(&input.period), ContributionPayload, ctx, cmid);
        let contribution = crate::domain::reporting::contribution::ContributionInput {
            task_id,
            unit_id,
            period,
            narrative: input.narrative,
        };
        let outcome = run(
            ctx,
            "addContribution",
            cmid.as_deref(),
            async |txn, actor| {
                crate::domain::reporting::contribution::add(txn, actor, contribution).await
            },
        )
        .await?;
        ContributionPayload::from(ctx, outcome, cmid).await
    }
}
