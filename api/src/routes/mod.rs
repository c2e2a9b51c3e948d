//! HTTP routes: GraphQL, health, readiness and metrics.

pub mod graphql;
pub mod health;
pub mod persisted;
pub mod rate_limit;
pub mod reply;
pub mod request_id;

use actix_web::web;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql::post))
            .route(web::get().to(graphql::get))
            .default_service(web::to(reply::method_not_allowed)),
    )
    .route("/healthz", web::get().to(health::healthz))
    .route("/readyz", web::get().to(health::readyz))
    .route("/metrics", web::get().to(health::metrics))
    .default_service(web::to(reply::not_found));
}
