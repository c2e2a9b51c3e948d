//! The GraphQL layer: thin objects over the domain services.

pub mod access;
pub mod audit;
pub mod common;
pub mod documents;
pub mod emulation;
pub mod integration;
pub mod limits;
pub mod loading;
pub mod mutation;
pub mod org;
pub mod planning;
pub mod query;
pub mod reporting;

use async_graphql::Schema;
use sea_orm::DatabaseConnection;

/// What a request brings to its resolvers from the HTTP layer.
pub struct RequestContext {
    /// Where its reads go (a query's: one connection for all of them, on PostgreSQL).
    pub reads: crate::reads::Reads,
    pub viewer: crate::domain::access::Viewer,
    pub visibility: crate::domain::access::PlanVisibility,
    /// The request id (`X-Request-Id`), for the audit log and error extensions.
    pub request_id: Option<String>,
    /// When the request must be done by.
    pub deadline: std::time::Instant,
}

/// Gives a request what its resolvers reach for: its loader (reading only what the caller may
/// see, starting no batch after the deadline), the caller, the request id and the deadline.
pub fn with_request_context(
    request: async_graphql::Request,
    context: RequestContext,
) -> async_graphql::Request {
    let mut request = request
        .data(loading::loaders::for_request(
            context.reads.clone(),
            context.visibility.clone(),
            context.viewer.clone(),
            Some(context.deadline),
        ))
        .data(context.reads)
        .data(common::context::Deadline(context.deadline))
        .data(planning::prefetch::PartialLatest::default())
        .data(context.visibility)
        .data(context.viewer);
    if let Some(id) = context.request_id {
        request = request.data(common::context::RequestId(id));
    }
    request
}

/// The executable schema.
pub type AppSchema = Schema<query::Query, mutation::Mutation, Subscription>;

/// The root subscription.
pub type Subscription = reporting::live::ReportingSubscription;

/// Deepest query accepted (GraphiQL's introspection query needs about 13 levels).
pub const MAX_DEPTH: usize = 16;

/// Builds the schema serving `db`, telling `bus` of committed changes; `quiet` drops "did you
/// mean …" hints from validation errors (for anonymous callers in production, to whom
/// introspection is closed).
pub fn build_schema(
    db: DatabaseConnection,
    bus: crate::events::EventBus,
    quiet: bool,
) -> AppSchema {
    let builder = Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        Subscription::default(),
    )
    // Requests that bring no reads of their own (mutations, subscriptions) read from the pool.
    .data(crate::reads::Reads::pooled(db.clone()))
    .data(db)
    .data(bus)
    .data(reporting::reminder::ReminderCache::default())
    .limit_depth(MAX_DEPTH);
    if quiet {
        builder.disable_suggestions().finish()
    } else {
        builder.finish()
    }
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        Subscription::default(),
    )
    .finish()
    .sdl()
}
