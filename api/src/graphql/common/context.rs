//! Typed access to what every request carries: the database and the request's loader.

use crate::graphql::loading::batch::Load;
use async_graphql::Context;

use crate::graphql::common::error::DomainErrorExt as _;
use sea_orm::DatabaseConnection;

use crate::domain::access::PlanVisibility;
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::page::Window;
use crate::graphql::common::cursor;
use crate::graphql::common::error::IntoGql;
use crate::graphql::loading::loaders::{DbLoader, Loaders};
use crate::reads::Reads;

fn missing(what: &str) -> async_graphql::Error {
    DomainError::Unexpected(anyhow::anyhow!("{what} missing from the request context")).extend()
}

/// The id of the HTTP request (`X-Request-Id`) a GraphQL request came in.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// When the request must be done by: a resolver that reaches for the database after it gets
/// `TIMEOUT` instead (the caller has been answered already; see `routes::graphql`).
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub std::time::Instant);

fn check_deadline(ctx: &Context<'_>) -> async_graphql::Result<()> {
    match ctx.data_opt::<Deadline>() {
        Some(Deadline(deadline)) if std::time::Instant::now() >= *deadline => {
            Err(DomainError::Timeout.extend())
        }
        _ => Ok(()),
    }
}

/// Where the request reads (a query's pinned connection on PostgreSQL, else the pool; refused
/// once the request's deadline has passed).
pub fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Reads> {
    check_deadline(ctx)?;
    ctx.data::<Reads>().map_err(|_| missing("database"))
}

/// The pool, for what opens its own transaction (a mutation's work; refused once the
/// request's deadline has passed).
pub fn pool<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DatabaseConnection> {
    check_deadline(ctx)?;
    ctx.data::<DatabaseConnection>()
        .map_err(|_| missing("database"))
}

/// What the caller may read.
pub fn visibility<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a PlanVisibility> {
    ctx.data::<PlanVisibility>()
        .map_err(|_| missing("visibility"))
}

/// The request's loader (on a live connection: the loader of the notice being answered).
pub fn loaders(ctx: &Context<'_>) -> async_graphql::Result<Loaders> {
    if let Some(loaders) = ctx.data_opt::<Loaders>() {
        return Ok(loaders.clone());
    }
    ctx.data_opt::<crate::graphql::loading::loaders::LiveLoaders>()
        .map(|live| live.current())
        .ok_or_else(|| missing("loader"))
}

/// Loads one value through the request's loader.
pub async fn load<K>(
    ctx: &Context<'_>,
    key: K,
) -> async_graphql::Result<Option<<DbLoader as Load<K>>::Value>>
where
    K: Send + Sync + Clone + Eq + std::hash::Hash + 'static,
    DbLoader: Load<K>,
{
    loaders(ctx)?.load_one(key).await.into_gql()
}

/// The value of `key` when the request's loader already holds it (a load or a list's prefetch
/// put it there), without waiting: a field answered in place
/// ([`PlainFields::cached_field`](crate::graphql::common::plain::PlainFields::cached_field))
/// reads only what is cached and leaves the rest to its resolver. `None` also on a live
/// connection, whose loader changes with each notice.
pub fn cached<K>(
    ctx: &async_graphql::ContextSelectionSet<'_>,
    key: &K,
) -> Option<<DbLoader as Load<K>>::Value>
where
    K: Send + Sync + Clone + Eq + std::hash::Hash + 'static,
    DbLoader: Load<K>,
{
    ctx.data_opt::<Loaders>()?.cached(key)
}

/// Loads the values of `keys` into the request's cache in one batch (a list resolver's
/// prefetch: its rows' resolvers then find them there without waiting each on its own).
pub async fn load_all<K>(
    ctx: &Context<'_>,
    keys: impl IntoIterator<Item = K>,
) -> async_graphql::Result<()>
where
    K: Send + Sync + Clone + Eq + std::hash::Hash + 'static,
    DbLoader: Load<K>,
{
    loaders(ctx)?.prefetch(keys).await.into_gql()
}

/// Loads one value that must exist (a foreign key the database guarantees).
pub async fn load_required<K>(
    ctx: &Context<'_>,
    key: K,
) -> async_graphql::Result<<DbLoader as Load<K>>::Value>
where
    K: Send + Sync + Clone + Eq + std::hash::Hash + std::fmt::Debug + 'static,
    DbLoader: Load<K>,
{
    // Only an error path formats the key (this runs for every row).
    let lookup = key.clone();
    load(ctx, key).await?.ok_or_else(|| {
        DomainError::Unexpected(anyhow::anyhow!("dangling reference {lookup:?}")).extend()
    })
}

/// The window of a nested (forward-only) connection.
pub fn nested_window(
    first: Option<i32>,
    after: Option<String>,
    ordering: &str,
) -> async_graphql::Result<Window> {
    cursor::forward(first, after.as_deref())
        .and_then(|args| args.window(ordering))
        .into_gql()
}

/// A plan, when it exists and the caller may read it (a draft is "not found" to others).
pub async fn visible_plan(
    ctx: &Context<'_>,
    id: uuid::Uuid,
) -> async_graphql::Result<Option<entity::plan::Model>> {
    let plan = load(ctx, crate::graphql::loading::loaders::PlanById(id)).await?;
    let visibility = visibility(ctx)?;
    Ok(plan.filter(|p| visibility.allows(p)))
}

/// Keeps `row` only when the plan it belongs to is readable by the caller.
pub async fn if_plan_visible<T>(
    ctx: &Context<'_>,
    row: Option<T>,
    plan_of: impl Fn(&T) -> uuid::Uuid,
) -> async_graphql::Result<Option<T>> {
    match row {
        Some(row) if visible_plan(ctx, plan_of(&row)).await?.is_some() => Ok(Some(row)),
        _ => Ok(None),
    }
}

/// Whether the field being resolved sits under a list (an index in its path): the same field
/// of the list's other items asks too, so it must go through a batching loader rather than run
/// a statement of its own.
pub fn under_list(ctx: &Context<'_>) -> bool {
    let mut node = ctx.path_node.as_ref();
    while let Some(current) = node {
        if matches!(current.segment, async_graphql::QueryPathSegment::Index(_)) {
            return true;
        }
        node = current.parent;
    }
    false
}
