//! HTTP routes: GraphQL, health, readiness and metrics.

pub mod export;
pub mod files;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod live;
pub mod persisted;
pub mod rate_limit;
pub mod reply;
pub mod request_id;
mod response_json;

use actix_web::web;
use sea_orm::DatabaseConnection;

use crate::auth::Authenticator;
use crate::db::StatementCounter;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql::post))
            .route(web::get().to(graphql::get))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .service(
        web::resource("/graphql/ws")
            .route(web::get().to(live::socket))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .service(
        web::resource("/exports/plans/{id}/progress.xlsx")
            .route(web::get().to(export::plan_progress))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .service(
        web::resource("/exports/rounds/{id}/nominations.xlsx")
            .route(web::get().to(export::round_nominations))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .service(
        web::resource("/exports/decisions/{id}/recipients.xlsx")
            .route(web::get().to(export::decision_recipients))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .service(
        web::resource("/exports/indicators.json")
            .route(web::get().to(export::indicators))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .service(
        web::resource("/files")
            .route(web::post().to(files::upload))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .service(
        web::resource("/files/dossier/{id}")
            .route(web::get().to(files::download))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .service(
        web::resource("/graphiql/{version}/{file}")
            .route(web::get().to(graphiql::asset))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .route("/healthz", web::get().to(health::healthz))
    .route("/readyz", web::get().to(health::readyz))
    .route("/metrics", web::get().to(health::metrics))
    .default_service(web::to(reply::not_found));
}

/// What every handler can reach.
pub struct AppState {
    pub db: DatabaseConnection,
    pub statements: StatementCounter,
    pub authenticator: Authenticator,
    /// Production behaviour (see `config::AuthSettings::production`).
    pub production: bool,
    /// Parsed query documents.
    pub documents: crate::graphql::documents::DocumentCache,
    /// The executable schema, in its variants (without "did you mean …" hints for anonymous
    /// callers in production; skipping the validation rules for known documents).
    pub schemas: crate::graphql::Schemas,
    /// The schema's shape, for the cost analysis.
    pub schema_info: crate::graphql::limits::SchemaInfo,
    pub limits: crate::graphql::limits::Limits,
    pub rate_limits: rate_limit::RateLimits,
    pub persisted: persisted::PersistedQueries,
    pub request_timeout: std::time::Duration,
    pub max_response_bytes: usize,
    /// Requests costing at least this take turns in [`AppState::heavy_lane`].
    pub heavy_cost: u64,
    pub heavy_lane: std::sync::Arc<tokio::sync::Semaphore>,
    /// The pool connections queries may hold at once (PostgreSQL).
    pub query_lane: crate::reads::QueryLane,
    /// The mutations' own thread and pool (PostgreSQL).
    pub writes: Option<crate::writes::Writes>,
    /// Places for live (WebSocket) connections.
    pub live_connections: std::sync::Arc<tokio::sync::Semaphore>,
    /// Origins whose pages may open live connections (empty: the API's own host only).
    pub allowed_origins: Vec<String>,
    /// Where dossier files are kept.
    pub files: crate::files::FileStore,
    /// The largest dossier file.
    pub max_file_bytes: usize,
    /// What `/metrics` reports.
    pub metrics: crate::metrics::Metrics,
    /// The pool's size limit (for `/metrics`).
    pub pool_max: u32,
    /// The most live connections (for `/metrics`).
    pub max_live_connections: usize,
}
