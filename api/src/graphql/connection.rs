//! Relay connections with `edges`, `nodes`, `pageInfo` and `totalCount`.

use async_graphql::SimpleObject;

use super::audit::AuditEvent;
use super::plan::Plan;
use super::target::Target;
use super::task::{ProgressUpdate, Task};
use super::unit::Unit;
use crate::domain::page::{Page, encode_cursor};

/// Where a page sits in its list.
#[derive(Debug, Clone, SimpleObject)]
pub struct PageInfo {
    /// More items follow the last one of this page.
    pub has_next_page: bool,
    /// Items precede the first one of this page.
    pub has_previous_page: bool,
    /// Cursor of the first item (null on an empty page).
    pub start_cursor: Option<String>,
    /// Cursor of the last item (null on an empty page); pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// Generates a connection type and its edge type for one node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A ", $what, " with its cursor.")]
        #[derive(Clone, SimpleObject)]
        pub struct $edge {
            /// Opaque position of the item in its list.
            pub cursor: String,
            pub node: $node,
        }

        #[doc = concat!("One page of a list of ", $what, "s.")]
        #[derive(SimpleObject)]
        pub struct $connection {
            pub edges: Vec<$edge>,
            /// The items of `edges`, without cursors.
            pub nodes: Vec<$node>,
            pub page_info: PageInfo,
            /// Number of items in the whole list (all pages).
            pub total_count: i64,
        }

        impl $connection {
            /// Builds the connection from a domain page, wrapping each row.
            pub fn from_page<M>(page: Page<M>, wrap: impl Fn(M) -> $node) -> Self {
                let ordering = page.ordering.clone();
                let edges: Vec<$edge> = page
                    .items
                    .into_iter()
                    .map(|(position, row)| $edge {
                        cursor: encode_cursor(&ordering, position),
                        node: wrap(row),
                    })
                    .collect();
                let page_info = PageInfo {
                    has_next_page: page.has_next,
                    has_previous_page: page.has_previous,
                    start_cursor: edges.first().map(|e| e.cursor.clone()),
                    end_cursor: edges.last().map(|e| e.cursor.clone()),
                };
                Self {
                    nodes: edges.iter().map(|e| e.node.clone()).collect(),
                    edges,
                    page_info,
                    total_count: page.total.unwrap_or_default() as i64,
                }
            }
        }
    };
}

connection!(UnitConnection, UnitEdge, Unit, "unit");
connection!(PlanConnection, PlanEdge, Plan, "plan");
connection!(TaskConnection, TaskEdge, Task, "task");
connection!(TargetConnection, TargetEdge, Target, "target");
connection!(
    ProgressUpdateConnection,
    ProgressUpdateEdge,
    ProgressUpdate,
    "progress update"
);
connection!(
    AuditEventConnection,
    AuditEventEdge,
    AuditEvent,
    "audit event"
);

/// Whether the current field's selection asks for `totalCount` (counting costs a statement).
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}
