//! The root `Query`: each context's queries merged, and the global `node` / `nodes` lookups.

use async_graphql::{Context, ID, Interface, MergedObject, Object, Result};

use crate::graphql::common::error::DomainErrorExt as _;
use uuid::Uuid;

use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::page::MAX_PAGE_SIZE;
use crate::domain::planning::task as tasks;
use crate::graphql::common::context::{db, if_plan_visible, load, visible_plan};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, decode};
use crate::graphql::loading::loaders::{GroupById, RegimeById, TargetById, TaskById, UnitById};
use crate::graphql::org::unit::{Unit, UnitGroup};
use crate::graphql::planning::plan::Plan;
use crate::graphql::planning::target::Target;
use crate::graphql::planning::task::{ProgressUpdate, Task};
use crate::graphql::reporting::extension::ExtensionRequest;
use crate::graphql::reporting::regime::ReportingRegime;
use crate::graphql::reporting::submission::ReportSubmission;

// Merged as a shallow tree rather than one long chain: async-graphql nests a merged object's
// parts one inside the other and tries them in turn for every root field, so with twenty-two
// parts in a row a field of the planning context went through seventeen levels, each adding to
// the root field's future, which is copied when boxed (callgrind: 8 500 instructions of memory
// copied per root field). Grouped by context, a root field goes through a handful. The fields
// and their order in the schema are the same (the schema test holds them).
/// The root query.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    crate::graphql::access::me::MeQuery,
    PlanningQuery,
    crate::graphql::audit::AuditQuery,
    ReportingQuery,
    EmulationQuery,
    crate::graphql::integration::indicator::IndicatorQuery,
);

/// Units, plans, tasks and targets.
#[derive(MergedObject, Default)]
pub struct PlanningQuery(
    crate::graphql::org::query::UnitQuery,
    crate::graphql::planning::query::PlanQuery,
    crate::graphql::planning::query::TaskQuery,
    crate::graphql::planning::query::TargetQuery,
);

/// Periods, regimes, submissions, progress, reminders, scorecards and the calendar.
#[derive(MergedObject, Default)]
pub struct ReportingQuery(
    crate::graphql::reporting::period::PeriodQuery,
    crate::graphql::reporting::regime::RegimeQuery,
    crate::graphql::reporting::submission::SubmissionQuery,
    crate::graphql::reporting::progress::ProgressQuery,
    crate::graphql::reporting::reminder::ReminderQuery,
    crate::graphql::reporting::scorecard::ScorecardQuery,
    crate::graphql::reporting::calendar::CalendarQuery,
);

/// The award catalogue, people, records, eligibility, movements, nominations and batches.
#[derive(MergedObject, Default)]
pub struct EmulationQuery(
    crate::graphql::emulation::catalogue::CatalogueQuery,
    crate::graphql::emulation::person::PersonQuery,
    crate::graphql::emulation::record::RecordQuery,
    crate::graphql::emulation::eligibility::EligibilityQuery,
    crate::graphql::emulation::movement::MovementQuery,
    crate::graphql::emulation::nomination::NominationQuery,
    crate::graphql::emulation::batch::BatchQuery,
);

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id (opaque)."))]
pub enum Node {
    Unit(Unit),
    UnitGroup(UnitGroup),
    Plan(Plan),
    Task(Task),
    Target(Target),
    ProgressUpdate(ProgressUpdate),
    ReportingRegime(ReportingRegime),
    ReportSubmission(ReportSubmission),
    ExtensionRequest(ExtensionRequest),
    BreakdownRow(crate::graphql::planning::target::BreakdownRow),
    ReportRequest(crate::graphql::reporting::request::ReportRequest),
    AwardType(crate::graphql::emulation::catalogue::AwardType),
    Person(crate::graphql::emulation::person::Person),
    AwardRecord(crate::graphql::emulation::record::AwardRecord),
    Initiative(crate::graphql::emulation::record::Initiative),
    Movement(crate::graphql::emulation::movement::Movement),
    Round(crate::graphql::emulation::movement::Round),
    Nomination(crate::graphql::emulation::nomination::Nomination),
}

async fn node_by_id(ctx: &Context<'_>, kind: NodeType, id: Uuid) -> Result<Option<Node>> {
    Ok(match kind {
        NodeType::Unit => load(ctx, UnitById(id)).await?.map(|m| Node::Unit(Unit(m))),
        NodeType::UnitGroup => load(ctx, GroupById(id))
            .await?
            .map(|m| Node::UnitGroup(UnitGroup(m))),
        NodeType::Plan => visible_plan(ctx, id).await?.map(|m| Node::Plan(Plan(m))),
        NodeType::Task => {
            let task = load(ctx, TaskById(id)).await?;
            if_plan_visible(ctx, task, |t| t.plan_id)
                .await?
                .map(|m| Node::Task(Task(m)))
        }
        NodeType::Target => {
            let target = load(ctx, TargetById(id)).await?;
            if_plan_visible(ctx, target, |t| t.plan_id)
                .await?
                .map(|m| Node::Target(Target(m)))
        }
        NodeType::ReportingRegime => {
            let regime = load(ctx, RegimeById(id)).await?;
            match regime {
                // A regime of a plan is seen with its plan; one of no plan by everyone.
                Some(r) => match r.plan_id {
                    Some(plan) if visible_plan(ctx, plan).await?.is_none() => None,
                    _ => Some(Node::ReportingRegime(ReportingRegime(r))),
                },
                None => None,
            }
        }
        NodeType::ReportSubmission => {
            let found = crate::domain::reporting::submission::by_ids(db(ctx)?, &[id])
                .await
                .into_gql()?
                .remove(&id);
            match found {
                Some(report) => {
                    let regime = load(ctx, RegimeById(report.regime_id)).await?;
                    let visible = match regime.and_then(|r| r.plan_id) {
                        Some(plan) => visible_plan(ctx, plan).await?.is_some(),
                        None => true,
                    };
                    visible.then_some(Node::ReportSubmission(ReportSubmission(report)))
                }
                None => None,
            }
        }
        NodeType::ExtensionRequest => {
            let found = crate::domain::reporting::extension::by_ids(db(ctx)?, &[id])
                .await
                .into_gql()?
                .remove(&id);
            match found {
                Some(request) => {
                    let task = load(ctx, TaskById(request.task_id)).await?;
                    if_plan_visible(ctx, task, |t| t.plan_id)
                        .await?
                        .map(|_| Node::ExtensionRequest(ExtensionRequest(request)))
                }
                None => None,
            }
        }
        NodeType::ReportRequest => {
            let found = crate::domain::reporting::request::by_ids(db(ctx)?, &[id])
                .await
                .into_gql()?
                .remove(&id);
            match found {
                Some(request) => {
                    let regime = load(ctx, RegimeById(request.regime_id)).await?;
                    let visible = match regime.and_then(|r| r.plan_id) {
                        Some(plan) => visible_plan(ctx, plan).await?.is_some(),
                        None => true,
                    };
                    visible.then_some(Node::ReportRequest(
                        crate::graphql::reporting::request::ReportRequest(request),
                    ))
                }
                None => None,
            }
        }
        NodeType::Movement => load(ctx, crate::graphql::loading::loaders::MovementById(id))
            .await?
            .map(|m| Node::Movement(crate::graphql::emulation::movement::Movement(m))),
        NodeType::Round => load(ctx, crate::graphql::loading::loaders::RoundById(id))
            .await?
            .map(|m| Node::Round(crate::graphql::emulation::movement::Round(m))),
        NodeType::Nomination => crate::graphql::emulation::nomination::readable(ctx, id)
            .await?
            .map(Node::Nomination),
        // Registrations and decisions are read through their movement and nominations.
        NodeType::Registration
        | NodeType::AwardDecision
        | NodeType::NominationBatch
        | NodeType::StoredFile
        | NodeType::DossierItem => None,
        NodeType::AwardType => load(ctx, crate::graphql::loading::loaders::AwardTypeById(id))
            .await?
            .map(|v| Node::AwardType(crate::graphql::emulation::catalogue::AwardType(v))),
        NodeType::Person => {
            // Staff are not public: anonymous callers find no one.
            match ctx
                .data_opt::<crate::domain::access::Viewer>()
                .and_then(|v| v.principal())
            {
                Some(_) => {
                    let model = load(ctx, crate::graphql::loading::loaders::PersonById(id)).await?;
                    crate::graphql::emulation::person::readable_one(ctx, model)
                        .await?
                        .map(Node::Person)
                }
                None => None,
            }
        }
        // Emulation records are read by signed-in callers only.
        NodeType::AwardRecord | NodeType::Initiative
            if ctx
                .data_opt::<crate::domain::access::Viewer>()
                .and_then(|v| v.principal())
                .is_none() =>
        {
            None
        }
        NodeType::AwardRecord => load(ctx, crate::graphql::loading::loaders::AwardRecordById(id))
            .await?
            .map(|r| Node::AwardRecord(crate::graphql::emulation::record::AwardRecord(r))),
        NodeType::Initiative => load(ctx, crate::graphql::loading::loaders::InitiativeById(id))
            .await?
            .map(|i| Node::Initiative(crate::graphql::emulation::record::Initiative(i))),
        NodeType::BreakdownRow => {
            let row = crate::domain::planning::target::breakdown_row(db(ctx)?, id)
                .await
                .into_gql()?;
            match row {
                Some(row) => {
                    let target = load(ctx, TargetById(row.target_id)).await?;
                    if_plan_visible(ctx, target, |t| t.plan_id).await?.map(|_| {
                        Node::BreakdownRow(crate::graphql::planning::target::BreakdownRow(row))
                    })
                }
                None => None,
            }
        }
        NodeType::ProgressUpdate => {
            let rows = tasks::progress_by_ids(db(ctx)?, &[id]).await.into_gql()?;
            match rows.into_values().next() {
                Some(update) => {
                    let task = load(ctx, TaskById(update.task_id)).await?;
                    if_plan_visible(ctx, task, |t| t.plan_id)
                        .await?
                        .map(|_| Node::ProgressUpdate(ProgressUpdate(update)))
                }
                None => None,
            }
        }
    })
}

#[derive(Default)]
struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id (null when it does not exist).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let (kind, uuid) = decode(&id).into_gql()?;
        node_by_id(ctx, kind, uuid).await
    }
    /// Objects by global id, in the order asked (null where one does not exist); at most 100.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() as u64 > MAX_PAGE_SIZE {
            return Err(DomainError::invalid(format!(
                "`ids` takes at most {MAX_PAGE_SIZE} ids (got {})",
                ids.len()
            ))
            .extend());
        }
        let decoded: Vec<_> = ids
            .iter()
            .map(|id| decode(id))
            .collect::<Result<_, _>>()
            .into_gql()?;
        let lookups = decoded
            .into_iter()
            .map(|(kind, uuid)| node_by_id(ctx, kind, uuid));
        futures_util::future::try_join_all(lookups).await
    }
}
