//! Relay connections with `edges`, `nodes`, `pageInfo` and `totalCount`: each node type's
//! module declares its own with [`connection!`], so no module here knows the types.

use std::sync::Arc;

use async_graphql::parser::types::Field;
use async_graphql::{ContextSelectionSet, OutputType, Positioned, Value};

use crate::domain::kernel::page::{PageArgs, RowKey};
use crate::graphql::common::plain::{self, PlainFields};

/// An item's place in its list, written out as a cursor only when a client asks for one.
#[derive(Debug, Clone)]
pub struct Place {
    pub ordering: Arc<str>,
    pub position: u64,
    /// The row's sort keys, in a list that pages by keyset.
    pub key: Option<RowKey>,
}

impl Place {
    /// The opaque cursor of this place.
    pub fn cursor(&self) -> String {
        let key = self.key.as_ref().map(RowKey::text);
        super::cursor::encode(&self.ordering, self.position, key.as_deref())
    }
}

/// Where a page sits in its list; its cursors are written out only when asked for.
#[derive(Debug, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start: Option<Place>,
    pub end: Option<Place>,
}

/// Where a page sits in its list.
#[async_graphql::Object]
impl PageInfo {
    /// More items follow the last one of this page.
    async fn has_next_page(&self) -> bool {
        self.has_next_page
    }
    /// Items precede the first one of this page.
    async fn has_previous_page(&self) -> bool {
        self.has_previous_page
    }
    /// Cursor of the first item (null on an empty page).
    async fn start_cursor(&self) -> Option<String> {
        self.start.as_ref().map(Place::cursor)
    }
    /// Cursor of the last item (null on an empty page); pass it as `after` for the next page.
    async fn end_cursor(&self) -> Option<String> {
        self.end.as_ref().map(Place::cursor)
    }
}

/// Generates a connection type and its edge type for one node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        /// An item with its position; the cursor is encoded only when a client asks for it.
        pub struct $edge {
            pub place: $crate::graphql::common::connection::Place,
            pub node: $node,
        }

        #[doc = concat!("A ", $what, " with its cursor.")]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque position of the item in its list.
            async fn cursor(&self) -> String {
                self.place.cursor()
            }

            async fn node(&self) -> $crate::graphql::common::plain::Plain<&$node> {
                $crate::graphql::common::plain::Plain(&self.node)
            }
        }

        /// One page: each node is held once, by its edge; `nodes` lends them (a page of 100
        /// tasks is not copied to answer `nodes`).
        pub struct $connection {
            pub edges: Vec<$edge>,
            pub page_info: $crate::graphql::common::connection::PageInfo,
            pub total_count: i64,
        }

        #[doc = concat!("One page of a list of ", $what, "s.")]
        #[async_graphql::Object]
        impl $connection {
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }
            /// The items of `edges`, without cursors.
            async fn nodes(&self) -> $crate::graphql::common::plain::PlainList<&$node> {
                $crate::graphql::common::plain::PlainList(
                    self.edges.iter().map(|e| &e.node).collect(),
                )
            }
            async fn page_info(&self) -> &$crate::graphql::common::connection::PageInfo {
                &self.page_info
            }
            /// Number of items in the whole list (all pages).
            async fn total_count(&self) -> i64 {
                self.total_count
            }
        }

        impl $connection {
            /// The page's nodes, in order.
            pub fn node_refs(&self) -> Vec<&$node> {
                self.edges.iter().map(|e| &e.node).collect()
            }

            /// Builds the connection from a domain page, wrapping each row.
            pub fn from_page<M>(
                page: $crate::domain::kernel::page::Page<M>,
                wrap: impl Fn(M) -> $node,
            ) -> Self {
                let ordering: std::sync::Arc<str> = std::sync::Arc::from(page.ordering.as_str());
                let mut keys = page.keys.into_iter();
                let edges: Vec<$edge> = page
                    .items
                    .into_iter()
                    .map(|(position, row)| $edge {
                        place: $crate::graphql::common::connection::Place {
                            ordering: ordering.clone(),
                            position,
                            key: keys.next(),
                        },
                        node: wrap(row),
                    })
                    .collect();
                let page_info = $crate::graphql::common::connection::PageInfo {
                    has_next_page: page.has_next,
                    has_previous_page: page.has_previous,
                    start: edges.first().map(|e| e.place.clone()),
                    end: edges.last().map(|e| e.place.clone()),
                };
                Self {
                    edges,
                    page_info,
                    total_count: page.total.unwrap_or_default() as i64,
                }
            }
        }
    };
}

pub(crate) use connection;

/// The value of `field`, a connection of `type_name` (a unit's `children`) whose page the
/// request's cache holds, when its selection is answered in place: `totalCount`, `nodes` whose
/// every field is, `__typename`. `edges` and `pageInfo` (cursors) are left to the resolver, as
/// is anything else (`None`).
pub fn nested_page<T: OutputType + PlainFields>(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    type_name: &str,
    total: Option<u64>,
    nodes: &[T],
) -> Option<Value> {
    let field_ctx = ctx.with_field(field);
    let page_ctx = field_ctx.with_selection_set(&field.node.selection_set);
    plain::answer_with(&page_ctx, |selected| {
        let node = &selected.node;
        match node.name.node.as_str() {
            // As the resolver: the total, or 0 when the page was read without it.
            "totalCount" if node.arguments.is_empty() => {
                Some(Value::from(total.unwrap_or_default() as i64))
            }
            "nodes" if node.arguments.is_empty() => plain::nested_list(&page_ctx, selected, nodes),
            "__typename" => Some(Value::String(type_name.to_owned())),
            _ => None,
        }
    })
}

/// Whether the current field's selection asks for `totalCount` (counting costs a statement).
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// `args`, marked when the connection field's selection reads no cursor: no edge's `cursor`,
/// no `startCursor` or `endCursor` (through fragments too). A keyed page then leaves its rows'
/// sort keys out (20 rows' keys: 6 400 instructions of a first page of tasks).
pub fn with_cursors_as_read(ctx: &async_graphql::Context<'_>, args: PageArgs) -> PageArgs {
    let selection = ctx.look_ahead();
    let page_info = selection.field("pageInfo");
    let read = selection.field("edges").field("cursor").exists()
        || page_info.field("startCursor").exists()
        || page_info.field("endCursor").exists();
    PageArgs {
        cursors_unread: !read,
        ..args
    }
}
