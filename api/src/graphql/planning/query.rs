//! Planning's root queries: `plans`, `plan`, `planByNumber`, `tasks`, `task`, `targets`, `target`.

use crate::graphql::org::partial;
use async_graphql::{Context, ID, Object, Result};

use crate::domain::kernel::values::DocumentNumber;
use crate::domain::org::unit as units;
use crate::domain::planning::{plan as plans, target as targets};
use crate::graphql::common::connection::{wants_total, with_cursors_as_read};
use crate::graphql::common::context::{db, if_plan_visible, load, visibility, visible_plan};
use crate::graphql::common::cursor;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::loading::loaders::{TargetById, TaskById};
use crate::graphql::planning::plan::PlanConnection;
use crate::graphql::planning::plan::{Plan, PlanFilter, PlanOrder};
use crate::graphql::planning::prefetch;
use crate::graphql::planning::target::TargetConnection;
use crate::graphql::planning::target::{Target, TargetFilter};
use crate::graphql::planning::task::TaskConnection;
use crate::graphql::planning::task::{Task, TaskFilter, TaskOrder};

#[derive(Default)]
pub struct PlanQuery;

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
        let args =
            cursor::page_args(first, after.as_deref(), last, before.as_deref()).into_gql()?;
        let args = with_cursors_as_read(ctx, args);
        let selections = prefetch::node_selections(&ctx.look_ahead());
        let issuer = partial::joined_columns(ctx, &selections, "issuer");
        let page = plans::list(
            db(ctx)?,
            visibility(ctx)?,
            &filter,
            plans::PlanListing {
                order: PlanOrder::to_domain(order_by),
                args: &args,
                want_total: wants_total(ctx),
                issuer,
                columns: crate::graphql::planning::plan::COLUMNS.read(&selections),
            },
        )
        .await
        .into_gql()?;
        let page = prefetch::feed_units(ctx, page, issuer).await?;
        let rows: Vec<&entity::plan::Model> = page.rows().collect();
        prefetch::plans(ctx, &selections, &rows, issuer.is_some()).await?;
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
        // A text that is no document number (blank, too long) names no plan.
        let Ok(number) = DocumentNumber::parse(&document_number) else {
            return Ok(None);
        };
        let db = db(ctx)?;
        let issuer = match issuer_code {
            Some(code) => match units::by_code(db, &code).await.into_gql()? {
                Some(unit) => Some(unit.id),
                None => return Ok(None),
            },
            None => None,
        };
        let plan = plans::by_document_number(db, &number, issuer)
            .await
            .into_gql()?;
        let visibility = visibility(ctx)?;
        Ok(plan.filter(|p| visibility.allows(p)).map(Plan))
    }
}

#[derive(Default)]
pub struct TaskQuery;

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
        let args =
            cursor::page_args(first, after.as_deref(), last, before.as_deref()).into_gql()?;
        crate::graphql::planning::task::task_page(
            ctx,
            &filter,
            None,
            TaskOrder::to_domain(order_by),
            &args,
            None,
        )
        .await
    }
    /// A task by global id.
    async fn task(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Task>> {
        let uuid = expect(&id, NodeType::Task).into_gql()?;
        let task = load(ctx, TaskById(uuid)).await?;
        Ok(if_plan_visible(ctx, task, |t| t.plan_id).await?.map(Task))
    }
}

#[derive(Default)]
pub struct TargetQuery;

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
        let args =
            cursor::page_args(first, after.as_deref(), last, before.as_deref()).into_gql()?;
        let selections = prefetch::node_selections(&ctx.look_ahead());
        let page = targets::list(
            db(ctx)?,
            visibility(ctx)?,
            &filter,
            None,
            &args,
            wants_total(ctx),
            prefetch::wants(&selections, "plan"),
        )
        .await
        .into_gql()?;
        let page = prefetch::feed_plans(ctx, page).await?;
        prefetch::targets(ctx, &selections, &page.rows().collect::<Vec<_>>()).await?;
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
