//! Liveness, readiness and a minimal Prometheus endpoint.

use actix_web::{HttpResponse, web};

use super::AppState;
use crate::db;
use crate::metrics::Gauges;
use sea_orm::DatabaseBackend;

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers, through the mutations' pool too when there is one, and
/// is fully migrated (503 otherwise).
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let writes_ready = async {
        match &state.writes {
            Some(writes) => writes.is_ready(db::READY_WITHIN).await,
            None => true,
        }
    };
    let (ready, writes_ready) = futures_util::join!(db::is_ready(&state.db), writes_ready);
    if ready && writes_ready {
        HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))
    } else {
        HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
    }
}

/// `GET /metrics`: the server's series in the Prometheus text format (see [`crate::metrics`]).
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let (pool_size, pool_idle) = match state.db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            // Connections kept for the next queries are idle too, though checked out.
            (pool.size(), pool.num_idle() + state.query_lane.kept())
        }
        DatabaseBackend::Sqlite => {
            let pool = state.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    };
    let body = state.metrics.render(Gauges {
        statements: state.statements.get(),
        pool_size,
        pool_idle,
        pool_max: state.pool_max,
        write_pool: state.writes.as_ref().map(crate::writes::Writes::pool_state),
        mutations_in_flight: state.query_lane.writes_in_flight(),
        live_connections: state
            .max_live_connections
            .saturating_sub(state.live_connections.available_permits()),
    });
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}
