//! Live updates (subscriptions over WebSocket, `graphql-transport-ws`): `progressChanged` and
//! `submissionChanged`. Each notice is read again as the subscriber (what it may not read, it
//! never hears of), with fresh objects: the connection's loader is renewed at every notice.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, Subscription};
use chrono::{DateTime, FixedOffset};
use futures_util::Stream;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast};
use uuid::Uuid;

use crate::domain::access::PlanVisibility;
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::time::local_time;
use crate::domain::reporting::events::{
    self as events, Event, ProgressEvent, ProgressFacts, SubmissionEvent,
};
use crate::events::EventBus;
use crate::graphql::common::context::{loaders, pool, visibility};
use crate::graphql::common::error::{DomainErrorExt as _, IntoGql};
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::loading::loaders::LiveLoaders;
use crate::graphql::loading::loaders::UnitById;
use crate::graphql::org::unit::Unit;
use crate::graphql::planning::plan::Plan;
use crate::graphql::planning::target::Target;
use crate::graphql::planning::task::{ProgressUpdate, Task};
use crate::graphql::reporting::attainment::TargetValue;
use crate::graphql::reporting::submission::ReportSubmission;

/// Subscriptions one connection may hold at once.
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 10;

/// One WebSocket connection's share of subscriptions (put in the connection's data).
#[derive(Clone)]
pub struct LiveConnection {
    slots: Arc<Semaphore>,
}

impl Default for LiveConnection {
    fn default() -> Self {
        Self {
            slots: Arc::new(Semaphore::new(MAX_SUBSCRIPTIONS_PER_CONNECTION)),
        }
    }
}

/// A change to a task's progress: an update, a completion step or a deadline moved.
pub struct ProgressChange {
    event: ProgressEvent,
    facts: ProgressFacts,
}

#[Object]
impl ProgressChange {
    /// What happened, as the audit log names it (`progress.submit`, `task.report_done`,
    /// `task.accept_completion`, `task.return_completion`, `extension.approve`,
    /// `target_value.submit`).
    async fn action(&self) -> &str {
        &self.event.action
    }
    /// When it was committed.
    async fn at(&self) -> DateTime<FixedOffset> {
        local_time(self.event.at)
    }
    async fn plan(&self) -> Plan {
        Plan(self.facts.plan.clone())
    }
    /// The task, when the change is about one.
    async fn task(&self) -> Option<Task> {
        self.facts.task.clone().map(Task)
    }
    /// The progress update, when the change is one.
    async fn update(&self) -> Option<ProgressUpdate> {
        self.facts.update.clone().map(ProgressUpdate)
    }
    /// The target, when the change is a value reported for one.
    async fn target(&self) -> Option<Target> {
        self.facts.target.clone().map(Target)
    }
    /// The value reported.
    async fn target_value(&self) -> Option<TargetValue> {
        self.facts.value.clone().map(TargetValue)
    }
    /// The units concerned: those assigned to the task or target directly, and the one that
    /// reported.
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        let found = loaders(ctx)?
            .load_many(self.event.unit_ids.iter().copied().map(UnitById))
            .await
            .into_gql()?;
        Ok(self
            .event
            .unit_ids
            .iter()
            .filter_map(|id| found.get(&UnitById(*id)).cloned().map(Unit))
            .collect())
    }
}

/// A change to a report: drafted, submitted, accepted or returned.
pub struct SubmissionChange {
    event: SubmissionEvent,
    report: entity::report_submission::Model,
}

#[Object]
impl SubmissionChange {
    /// What happened (`report.draft`, `report.submit`, `report.accept`, `report.return`).
    async fn action(&self) -> &str {
        &self.event.action
    }
    /// When it was committed.
    async fn at(&self) -> DateTime<FixedOffset> {
        local_time(self.event.at)
    }
    /// The report as it is now.
    async fn submission(&self) -> ReportSubmission {
        ReportSubmission(self.report.clone())
    }
}

/// What a subscription hears of: which notices it wants, and how one reads as its item.
trait Listen: Send + Sync + 'static {
    type Item: Send + 'static;
    /// The item a notice reads as for `visibility`, or none (not wanted, not readable, gone).
    fn read(
        &self,
        db: &DatabaseConnection,
        visibility: &PlanVisibility,
        notice: &Event,
    ) -> impl std::future::Future<Output = Option<Self::Item>> + Send;
}

/// `progressChanged`'s filter.
struct ProgressFilter {
    plan: Option<Uuid>,
    unit: Option<Uuid>,
}

impl Listen for ProgressFilter {
    type Item = ProgressChange;

    async fn read(
        &self,
        db: &DatabaseConnection,
        visibility: &PlanVisibility,
        notice: &Event,
    ) -> Option<ProgressChange> {
        let Event::Progress(event) = notice else {
            return None;
        };
        let wanted = self.plan.is_none_or(|p| p == event.plan_id)
            && self.unit.is_none_or(|u| event.unit_ids.contains(&u));
        if !wanted {
            return None;
        }
        match events::progress_facts(db, visibility, event).await {
            Ok(facts) => facts.map(|facts| ProgressChange {
                event: event.clone(),
                facts,
            }),
            Err(error) => {
                tracing::warn!(%error, "cannot read a progress notice");
                None
            }
        }
    }
}

/// `submissionChanged`'s filter.
struct SubmissionFilter {
    regime: Option<Uuid>,
    unit: Option<Uuid>,
}

impl Listen for SubmissionFilter {
    type Item = SubmissionChange;

    async fn read(
        &self,
        db: &DatabaseConnection,
        visibility: &PlanVisibility,
        notice: &Event,
    ) -> Option<SubmissionChange> {
        let Event::Submission(event) = notice else {
            return None;
        };
        let wanted = self.regime.is_none_or(|r| r == event.regime_id)
            && self.unit.is_none_or(|u| event.unit_ids.contains(&u));
        if !wanted {
            return None;
        }
        match events::submission_facts(db, visibility, event).await {
            Ok(report) => report.map(|report| SubmissionChange {
                event: event.clone(),
                report,
            }),
            Err(error) => {
                tracing::warn!(%error, "cannot read a submission notice");
                None
            }
        }
    }
}

/// What every subscription stream holds: the notices, the reader, its loader and its slot.
struct Watch<L> {
    notices: broadcast::Receiver<Arc<Event>>,
    db: DatabaseConnection,
    visibility: PlanVisibility,
    loaders: LiveLoaders,
    listen: L,
    _slot: OwnedSemaphorePermit,
}

fn id_arg(id: Option<&ID>, kind: NodeType) -> Result<Option<Uuid>> {
    id.map(|id| expect(id, kind)).transpose().into_gql()
}

/// The subscriber's stream of items: refused past the connection's limit, or outside a
/// WebSocket.
fn watch<L: Listen>(ctx: &Context<'_>, listen: L) -> Result<impl Stream<Item = L::Item> + use<L>> {
    let connection = ctx.data_opt::<LiveConnection>().ok_or_else(|| {
        DomainError::invalid("subscriptions run over WebSocket at /graphql/ws").extend()
    })?;
    let slot = connection.slots.clone().try_acquire_owned().map_err(|_| {
        DomainError::invalid(format!(
            "a connection holds at most {MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions at once"
        ))
        .extend()
    })?;
    let bus = ctx
        .data_opt::<EventBus>()
        .ok_or_else(|| DomainError::Unavailable.extend())?;
    let state = Watch {
        notices: bus.subscribe(),
        db: pool(ctx)?.clone(),
        visibility: visibility(ctx)?.clone(),
        loaders: ctx
            .data_opt::<LiveLoaders>()
            .cloned()
            .ok_or_else(|| DomainError::Unavailable.extend())?,
        listen,
        _slot: slot,
    };
    Ok(futures_util::stream::unfold(
        state,
        |mut watch| async move {
            let item = next(&mut watch).await?;
            Some((item, watch))
        },
    ))
}

/// The next notice the subscription reads as an item (skipping the others), or the end.
async fn next<L: Listen>(watch: &mut Watch<L>) -> Option<L::Item> {
    loop {
        let notice = match watch.notices.recv().await {
            Ok(notice) => notice,
            // A slow subscriber skips what it missed (notices are hints; it re-reads).
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "a live subscriber fell behind");
                continue;
            }
            Err(RecvError::Closed) => return None,
        };
        if let Some(item) = watch
            .listen
            .read(&watch.db, &watch.visibility, &notice)
            .await
        {
            watch.loaders.renew();
            return Some(item);
        }
    }
}

#[derive(Default)]
pub struct ReportingSubscription;

#[Subscription]
impl ReportingSubscription {
    /// Progress changes of a plan's tasks and targets, or of those a unit is assigned to (give
    /// either or both): updates, completion steps, deadlines moved, target values. Only plans
    /// the subscriber may read are heard of.
    async fn progress_changed(
        &self,
        ctx: &Context<'_>,
        plan_id: Option<ID>,
        unit_id: Option<ID>,
    ) -> Result<impl Stream<Item = ProgressChange> + use<>> {
        let plan = id_arg(plan_id.as_ref(), NodeType::Plan)?;
        let unit = id_arg(unit_id.as_ref(), NodeType::Unit)?;
        if plan.is_none() && unit.is_none() {
            return Err(DomainError::invalid("give `planId` or `unitId` (or both)").extend());
        }
        watch(ctx, ProgressFilter { plan, unit })
    }

    /// Changes to the reports of a regime, or of a unit (as reporting or receiving unit; give
    /// either or both). Only reports the subscriber may read are heard of.
    async fn submission_changed(
        &self,
        ctx: &Context<'_>,
        regime_id: Option<ID>,
        unit_id: Option<ID>,
    ) -> Result<impl Stream<Item = SubmissionChange> + use<>> {
        let regime = id_arg(regime_id.as_ref(), NodeType::ReportingRegime)?;
        let unit = id_arg(unit_id.as_ref(), NodeType::Unit)?;
        if regime.is_none() && unit.is_none() {
            return Err(DomainError::invalid("give `regimeId` or `unitId` (or both)").extend());
        }
        watch(ctx, SubmissionFilter { regime, unit })
    }
}
