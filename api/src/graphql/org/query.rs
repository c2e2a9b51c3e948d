//! The organisation's root queries: `units`, `unit`.

use crate::graphql::common::enums::stored;
use async_graphql::{Context, ID, Object, Result};

use crate::graphql::common::error::DomainErrorExt as _;

use crate::domain::kernel::error::DomainError;
use crate::domain::org::unit as units;
use crate::graphql::common::connection::wants_total;
use crate::graphql::common::context::{db, load};
use crate::graphql::common::cursor;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::loading::loaders::{GroupById, UnitById};
use crate::graphql::org::unit::UnitConnection;
use crate::graphql::org::unit::{COLUMNS, Unit, UnitFilter, UnitGroup, UnitOrder};
use crate::graphql::org::{partial, prefetch};
use crate::graphql::planning::prefetch::{feed_units, node_selections};

#[derive(Default)]
pub struct UnitQuery;

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
        let args =
            cursor::page_args(first, after.as_deref(), last, before.as_deref()).into_gql()?;
        let selections = node_selections(&ctx.look_ahead());
        let parent = partial::joined_columns(ctx, &selections, "parent");
        let page = units::list(
            db(ctx)?,
            &filter,
            UnitOrder::to_domain(order_by),
            &args,
            wants_total(ctx),
            COLUMNS.read(&selections),
            parent,
        )
        .await
        .into_gql()?;
        let page = UnitConnection::from_page(feed_units(ctx, page, parent).await?, Unit::from);
        let rows: Vec<&entity::unit::Model> = page.edges.iter().map(|e| &*e.node.0).collect();
        prefetch::units(ctx, &selections, &rows).await?;
        Ok(page)
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
            (None, Some(code)) => Ok(units::by_code(db(ctx)?, &code)
                .await
                .into_gql()?
                .map(Unit::from)),
            _ => Err(DomainError::invalid("give exactly one of `id` and `code`").extend()),
        }
    }
    /// A unit group by global id.
    async fn unit_group(&self, ctx: &Context<'_>, id: ID) -> Result<Option<UnitGroup>> {
        let uuid = expect(&id, NodeType::UnitGroup).into_gql()?;
        Ok(load(ctx, GroupById(uuid)).await?.map(UnitGroup))
    }
}
