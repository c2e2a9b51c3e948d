//! The GraphQL layer: thin objects over the domain services.

pub mod access;
pub mod audit;
pub mod common;
pub mod documents;
pub mod integration;
pub mod limits;
pub mod loading;
pub mod mutation;
pub mod org;
pub mod planning;
pub mod query;

use async_graphql::{EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

/// The executable schema.
pub type AppSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// Deepest query accepted (GraphiQL's introspection query needs about 13 levels).
pub const MAX_DEPTH: usize = 16;

/// Builds the schema serving `db`; `quiet` drops "did you mean …" hints from validation errors
/// (for anonymous callers in production, to whom introspection is closed).
pub fn build_schema(db: DatabaseConnection, quiet: bool) -> AppSchema {
    let builder = Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        EmptySubscription,
    )
    .data(db)
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
        EmptySubscription,
    )
    .finish()
    .sdl()
}
