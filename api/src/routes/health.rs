//! Liveness, readiness and a minimal Prometheus endpoint.

use actix_web::{HttpResponse, web};

use super::AppState;
use crate::db;

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers and is fully migrated (503 otherwise).
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if db::is_ready(&state.db).await {
        HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))
    } else {
        HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
    }
}

/// `GET /metrics`: counters in the Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let body = format!(
        "# HELP sql_statements_total SQL statements sent to the database.\n\
         # TYPE sql_statements_total counter\n\
         sql_statements_total {}\n",
        state.statements.get()
    );
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}
