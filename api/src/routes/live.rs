//! `GET /graphql/ws`: live updates over WebSocket (`graphql-transport-ws`, and the older
//! `graphql-ws` for clients that still speak it).
//!
//! What a connection passes: its Origin (browsers' cross-site sockets are refused), a place
//! among the instance's live connections, then authentication in `connection_init` (the same
//! tokens as HTTP: `{"Authorization": "Bearer …"}` in the payload, or the upgrade request's
//! headers). Over the socket only subscriptions run, each checked like an HTTP request (text,
//! shape, cost) and counted against the connection's share; queries and mutations go to
//! `POST /graphql`.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};
use async_graphql_actix_web::GraphQLSubscription;
use futures_util::stream::{self, BoxStream, StreamExt as _};

use super::AppState;
use super::graphql::{live_checks, live_viewer};
use super::reply;
use crate::graphql::loading;
use crate::graphql::reporting::live::LiveConnection;

/// A connection's place among the instance's live connections (freed when it closes).
struct Place(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

/// `GET /graphql/ws`.
pub async fn socket(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    if !origin_allowed(&state, &req) {
        return reply::error(
            &req,
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "live updates are not open to pages of this origin",
        );
    }
    let Ok(place) = state.live_connections.clone().try_acquire_owned() else {
        return reply::error(
            &req,
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "too many live connections to this instance; retry shortly",
        );
    };
    let mut data = Data::default();
    data.insert(Place(place));
    // Credentials on the upgrade request count when `connection_init` carries none.
    let upgrade_headers: HashMap<String, Vec<u8>> = req
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let init_state = state.clone();
    let subscription = GraphQLSubscription::new(LiveExecutor {
        state: state.clone(),
    })
    .with_data(data)
    .on_connection_init(move |payload| async move {
        init(&init_state, payload, upgrade_headers).await
    });
    match subscription.start(&req, payload) {
        Ok(response) => response,
        Err(error) => reply::error(
            &req,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &format!("open a WebSocket with the `graphql-transport-ws` subprotocol: {error}"),
        ),
    }
}

/// A browser page may open a socket only from an allowed origin (`APP_ALLOWED_ORIGINS`), or,
/// when none is configured, from the API's own host. Clients that send no Origin (servers,
/// scripts) are not browsers and pass.
fn origin_allowed(state: &AppState, req: &HttpRequest) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    if !state.allowed_origins.is_empty() {
        return state
            .allowed_origins
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin) || allowed == "*");
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
}

/// `connection_init`: the caller, what it may read, its loader and its share of subscriptions.
async fn init(
    state: &AppState,
    payload: serde_json::Value,
    upgrade_headers: HashMap<String, Vec<u8>>,
) -> async_graphql::Result<Data> {
    // Payload keys are read like headers (any case); a bare `token` is a bearer token.
    let mut given: HashMap<String, Vec<u8>> = HashMap::new();
    if let serde_json::Value::Object(fields) = payload {
        for (name, value) in fields {
            if let serde_json::Value::String(value) = value {
                let name = name.to_ascii_lowercase();
                if name == "token" || name == "authtoken" {
                    given.insert(
                        "authorization".into(),
                        format!("Bearer {value}").into_bytes(),
                    );
                } else {
                    given.insert(name, value.into_bytes());
                }
            }
        }
    }
    let headers = if given.is_empty() {
        upgrade_headers
    } else {
        given
    };
    let (viewer, visibility) = live_viewer(state, |name| headers.get(name).map(Vec::as_slice))
        .await
        .map_err(|(code, message)| async_graphql::Error::new(format!("{code}: {message}")))?;
    let mut data = Data::default();
    // The connection's loader has no deadline (it lives as long as the socket); it is renewed
    // at every notice (see `graphql::reporting::live`).
    data.insert(loading::loaders::LiveLoaders::new(
        crate::reads::Reads::pooled(state.db.clone()),
        visibility.clone(),
        viewer.clone(),
    ));
    data.insert(visibility);
    data.insert(viewer);
    data.insert(LiveConnection::default());
    Ok(data)
}

/// Runs what arrives over a socket: subscriptions only, each checked like an HTTP request.
#[derive(Clone)]
struct LiveExecutor {
    state: web::Data<AppState>,
}

fn refusal(code: &str, message: impl Into<String>) -> Response {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    Response::from_errors(vec![error])
}

impl Executor for LiveExecutor {
    async fn execute(&self, _request: Request) -> Response {
        refusal(
            "BAD_REQUEST",
            "only subscriptions run over WebSocket: send queries and mutations to POST /graphql",
        )
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let refused = |code: &'static str, message: String| {
            stream::once(async move { refusal(code, message) }).boxed()
        };
        let analysis = match live_checks(&self.state, &mut request) {
            Ok(analysis) => analysis,
            Err((code, message)) => return refused(code, message),
        };
        if analysis
            .operation
            .is_some_and(|op| op != OperationType::Subscription)
        {
            return refused(
                "BAD_REQUEST",
                "only subscriptions run over WebSocket: send queries and mutations to POST /graphql"
                    .into(),
            );
        }
        // The gauge counts the subscription until its stream is dropped.
        let state = self.state.clone();
        let stream = self
            .state
            .schemas
            .checked()
            .execute_stream_with_session_data(request, session_data.unwrap_or_default());
        counted(state, stream)
    }
}

/// `stream`, counted on `/metrics` while it runs.
fn counted(
    state: web::Data<AppState>,
    stream: BoxStream<'static, Response>,
) -> BoxStream<'static, Response> {
    struct Counted {
        state: web::Data<AppState>,
    }
    impl Drop for Counted {
        fn drop(&mut self) {
            self.state.metrics.subscription_ended();
        }
    }
    state.metrics.subscription_started();
    let counted = Counted { state };
    stream
        .map(move |response| {
            let _ = &counted;
            response
        })
        .boxed()
}
