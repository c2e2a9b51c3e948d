//! Batching at the list resolver, for units: once a page of units is known (their parents came
//! with it), one page of children each (with the nested field's own arguments) is loaded for the
//! whole page, so that each unit's resolvers find them cached instead of each waiting on a batch.
//! See `planning::prefetch` for the planning lists.

use async_graphql::{Context, Lookahead, Result};
use entity::unit;

use crate::domain::org::unit as units;
use crate::graphql::common::context::load_all;
use crate::graphql::loading::loaders::ChildrenOf;
use crate::graphql::org::unit::COLUMNS;
use crate::graphql::planning::prefetch::{nested_pages, node_selections};

/// Prefetches what the node `selections` of a page of units read.
pub async fn units(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    rows: &[&unit::Model],
) -> Result<()> {
    if selections.is_empty() || rows.is_empty() {
        return Ok(());
    }
    // Their parents came with the page (`units` joins them), kept for their fields.
    for selection in selections {
        for (children, _, window) in nested_pages(selection, "children", units::CHILDREN_ORDERING) {
            // The columns the `children` resolver will ask for: the same key, found cached.
            let columns = COLUMNS.read(&node_selections(&Lookahead::from(children)));
            load_all(
                ctx,
                rows.iter().map(|u| ChildrenOf {
                    parent: u.id,
                    window,
                    columns,
                }),
            )
            .await?;
        }
    }
    Ok(())
}
