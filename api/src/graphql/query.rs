//! The root `Query`: one object per domain area, merged.

use crate::graphql::enums::stored;
use async_graphql::{Context, ID, Interface, MergedObject, Object, Result};

use super::error::DomainErrorExt as _;
use uuid::Uuid;

use super::connection::{wants_total, *};
use super::context::{db, if_plan_visible, load, visibility, visible_plan};
use super::error::IntoGql;
use super::id::{NodeType, decode, expect};
use super::loaders::{GroupById, TargetById, TaskById, UnitById};
use super::plan::{Plan, PlanFilter, PlanOrder, columns_read as plan_columns_read};
use super::prefetch;
use super::target::{Target, TargetFilter};
use super::task::{ProgressUpdate, Task, TaskFilter, TaskOrder, columns_read};
use super::unit::{Unit, UnitFilter, UnitGroup, UnitOrder};
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::page::{MAX_PAGE_SIZE, PageArgs};
use crate::domain::org::unit as units;
use crate::domain::planning::{plan as plans, target as targets, task as tasks};

/// The root query.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    super::me::MeQuery,
    UnitQuery,
    PlanQuery,
    TaskQuery,
    TargetQuery,
    super::audit::AuditQuery,
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

#[derive(Default)]
struct UnitQuery;

#[Object]
impl UnitQuery {
    /// Units, by name unless ordered otherwise.
    async fn units(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<UnitFilter>,
        order_by: Option<UnitOrder>,
    ) -> Result<UnitConnection> {
        let filter = filter.unwrap_or_default();
        let filter = units::UnitFilter {
            search: crate::domain::kernel::text::search(filter.search.as_deref()).into_gql()?,
            parent_id: filter
                .parent_id
                .map(|id| expect(&id, NodeType::Unit))
                .transpose()
                .into_gql()?,
            kinds: stored(filter.kind),
            active_at: filter.active_at.map(|d| d.0),
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = units::list(
            db(ctx)?,
            &filter,
            UnitOrder::to_domain(order_by),
            &args,
            wants_total(ctx),
        )
        .await
        .into_gql()?;
        Ok(UnitConnection::from_page(page, Unit))
    }
    /// A unit by global id or by electronic agency code (give exactly one). Closed units are
    /// found too.
    async fn unit(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        code: Option<String>,
    ) -> Result<Option<Unit>> {
        match (id, code) {
            (Some(id), None) => {
                let uuid = expect(&id, NodeType::Unit).into_gql()?;
                Ok(load(ctx, UnitById(uuid)).await?.map(Unit))
            }
            (None, Some(code)) => Ok(units::by_code(db(ctx)?, &code).await.into_gql()?.map(Unit)),
            _ => Err(DomainError::invalid("give exactly one of `id` and `code`").extend()),
        }
    }
    /// A unit group by global id.
    async fn unit_group(&self, ctx: &Context<'_>, id: ID) -> Result<Option<UnitGroup>> {
        let uuid = expect(&id, NodeType::UnitGroup).into_gql()?;
        Ok(load(ctx, GroupById(uuid)).await?.map(UnitGroup))
    }
}

#[derive(Default)]
struct PlanQuery;

#[Object]
impl PlanQuery {
    /// Plans, newest issued first unless ordered otherwise.
    async fn plans(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<PlanFilter>,
        order_by: Option<PlanOrder>,
    ) -> Result<PlanConnection> {
        let filter = filter.unwrap_or_default().into_domain().into_gql()?;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let selections = prefetch::node_selections(&ctx.look_ahead());
        let page = plans::list(
            db(ctx)?,
            visibility(ctx)?,
            &filter,
            plans::PlanListing {
                order: PlanOrder::to_domain(order_by),
                args: &args,
                want_total: wants_total(ctx),
                with_issuer: prefetch::wants(&selections, "issuer"),
                columns: plan_columns_read(&selections),
            },
        )
        .await
        .into_gql()?;
        let page = prefetch::feed_issuers(ctx, page).await?;
        prefetch::plans(ctx, &selections, &page.rows().collect::<Vec<_>>()).await?;
        Ok(PlanConnection::from_page(page, Plan))
    }
    /// A plan by global id.
    async fn plan(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Plan>> {
        let uuid = expect(&id, NodeType::Plan).into_gql()?;
        Ok(visible_plan(ctx, uuid).await?.map(Plan))
    }
    /// A plan by its document number (số ký hiệu, e.g. "5198/KH-SYT"), optionally of the issuer
    /// with this agency code.
    async fn plan_by_number(
        &self,
        ctx: &Context<'_>,
        document_number: String,
        issuer_code: Option<String>,
    ) -> Result<Option<Plan>> {
        let db = db(ctx)?;
        let issuer = match issuer_code {
            Some(code) => match units::by_code(db, &code).await.into_gql()? {
                Some(unit) => Some(unit.id),
                None => return Ok(None),
            },
            None => None,
        };
        let plan = plans::by_document_number(db, &document_number, issuer)
            .await
            .into_gql()?;
        let visibility = visibility(ctx)?;
        Ok(plan.filter(|p| visibility.allows(p)).map(Plan))
    }
}

#[derive(Default)]
struct TaskQuery;

#[Object]
impl TaskQuery {
    /// Tasks, in document order unless ordered otherwise.
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<TaskFilter>,
        order_by: Option<TaskOrder>,
    ) -> Result<TaskConnection> {
        let filter = filter.unwrap_or_default().into_domain().into_gql()?;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let selections = prefetch::node_selections(&ctx.look_ahead());
        let latest = prefetch::latest_columns(ctx, &selections);
        let page = tasks::list(
            db(ctx)?,
            visibility(ctx)?,
            &filter,
            tasks::TaskListing {
                known_unit: None,
                order: TaskOrder::to_domain(order_by),
                args: &args,
                want_total: wants_total(ctx),
                latest,
                columns: columns_read(&selections),
            },
        )
        .await
        .into_gql()?;
        let page = prefetch::feed_latest(ctx, page, latest).await?;
        prefetch::tasks(ctx, &selections, &page.rows().collect::<Vec<_>>()).await?;
        Ok(TaskConnection::from_page(page, Task))
    }
    /// A task by global id.
    async fn task(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Task>> {
        let uuid = expect(&id, NodeType::Task).into_gql()?;
        let task = load(ctx, TaskById(uuid)).await?;
        Ok(if_plan_visible(ctx, task, |t| t.plan_id).await?.map(Task))
    }
}

#[derive(Default)]
struct TargetQuery;

#[Object]
impl TargetQuery {
    /// Targets, in document order.
    async fn targets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<TargetFilter>,
    ) -> Result<TargetConnection> {
        let filter = filter.unwrap_or_default().into_domain().into_gql()?;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = targets::list(
            db(ctx)?,
            visibility(ctx)?,
            &filter,
            None,
            &args,
            wants_total(ctx),
        )
        .await
        .into_gql()?;
        prefetch::targets(
            ctx,
            &prefetch::node_selections(&ctx.look_ahead()),
            &page.rows().collect::<Vec<_>>(),
        )
        .await?;
        Ok(TargetConnection::from_page(page, Target))
    }
    /// A target by global id.
    async fn target(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Target>> {
        let uuid = expect(&id, NodeType::Target).into_gql()?;
        let target = load(ctx, TargetById(uuid)).await?;
        Ok(if_plan_visible(ctx, target, |t| t.plan_id)
            .await?
            .map(Target))
    }
}
