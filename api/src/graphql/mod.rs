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
pub mod variables;

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
        .data(org::partial::PartialUnits::default())
        .data(loading::columns::FieldMemo::default())
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
/// introspection is closed); `validation` is how much of async-graphql's validation it runs
/// (see [`Schemas`]); `reminders` is shared by every variant.
pub fn build_schema(
    db: DatabaseConnection,
    bus: crate::events::EventBus,
    quiet: bool,
    validation: async_graphql::ValidationMode,
    reminders: std::sync::Arc<reporting::reminder::ReminderCache>,
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
    .data(reminders)
    .validation_mode(validation)
    .limit_depth(MAX_DEPTH);
    if quiet {
        builder.disable_suggestions().finish()
    } else {
        builder.finish()
    }
}

/// The schema in the variants a request runs on.
///
/// async-graphql validates every request in full, every time (a twentieth of a small query's
/// server time). A document that validated once stays valid: only the variables' values can
/// make it fail again (its arguments are checked with them substituted). So a known document
/// whose variables [`variables::VariableCheck`] vouches for runs on a variant that skips the
/// rules ([`ValidationMode::Fast`](async_graphql::ValidationMode::Fast): depth and the
/// document-wide checks stay); any other runs on the checked variant and gets the same errors
/// as always.
pub struct Schemas {
    checked: AppSchema,
    known: AppSchema,
    quiet_checked: AppSchema,
    quiet_known: AppSchema,
    /// What vouches for a known document's variables.
    pub variables: variables::VariableCheck,
}

impl Schemas {
    pub fn build(db: &DatabaseConnection, bus: &crate::events::EventBus) -> Self {
        use async_graphql::ValidationMode::{Fast, Strict};
        let reminders = std::sync::Arc::new(reporting::reminder::ReminderCache::default());
        let build =
            |quiet, mode| build_schema(db.clone(), bus.clone(), quiet, mode, reminders.clone());
        Self {
            checked: build(false, Strict),
            known: build(false, Fast),
            quiet_checked: build(true, Strict),
            quiet_known: build(true, Fast),
            variables: variables::VariableCheck::new(),
        }
    }

    /// The schema with every check (subscriptions, the SDL).
    pub fn checked(&self) -> &AppSchema {
        &self.checked
    }

    /// The variant for a request: `quiet` without hints; `known` when its document validated
    /// before and its variables are vouched for.
    pub fn pick(&self, quiet: bool, known: bool) -> &AppSchema {
        match (quiet, known) {
            (false, false) => &self.checked,
            (false, true) => &self.known,
            (true, false) => &self.quiet_checked,
            (true, true) => &self.quiet_known,
        }
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
