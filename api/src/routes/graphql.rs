//! `POST /graphql` (JSON), `GET /graphql` (queries in the URL, or GraphiQL for a browser).
//!
//! A request passes, in order: the transport (body size, JSON, one operation, no mutation over
//! GET), authentication, the query text's limits (tokens, nesting), parsing (cached), the
//! document's limits and static cost (`graphql::limits`), the caller's rate limit (charged the
//! cost), then execution under a time limit; the response carries `extensions.cost` and
//! `RateLimit-*` headers and is refused when too large. Every error carries `extensions.code`
//! and the request id.

use std::net::IpAddr;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::OperationType;
use async_graphql::{ServerError, Value};
use futures_util::StreamExt as _;
use serde::Deserialize;

use super::AppState;
use super::rate_limit::{Charge, Payer};
use super::{reply, response_json};
use crate::auth::Principal;
use crate::domain::access::{PlanVisibility, Viewer};
use crate::domain::kernel::error::DomainError;
use crate::graphql::{
    self,
    limits::{self, Analysis, LimitError},
};
use crate::metrics::{self, Limited};
use crate::reads::Reads;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A GraphQL request as the transport carries it (the query may be absent when a persisted
/// query's hash stands in for it).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub operation_name: Option<String>,
    #[serde(default)]
    pub variables: Option<serde_json::Value>,
    #[serde(default)]
    pub extensions: Option<serde_json::Value>,
}

/// How the request came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// `POST /graphql`.
pub async fn post(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == mime::APPLICATION
                && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
        });
    if !json {
        return reply::error(
            &req,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the GraphQL request as JSON with `Content-Type: application/json`",
        );
    }
    let body = match read_body(&req, payload).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return reply::error(
            &req,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "batched requests are not accepted: send one operation per request",
        );
    }
    let body: Body = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => {
            return reply::error(
                &req,
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("the body is not a GraphQL request: {error}"),
            );
        }
    };
    run(&state, &req, body, Method::Post).await
}

/// Reads the body, refusing it as soon as it passes [`MAX_BODY_BYTES`].
async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
) -> Result<web::BytesMut, HttpResponse> {
    let too_large = || {
        reply::error(
            req,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            &format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(1024).min(MAX_BODY_BYTES));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| {
            reply::error(
                req,
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("cannot read the request body: {error}"),
            )
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The parameters of `GET /graphql`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// `GET /graphql`: runs a query given in the URL, or serves GraphiQL to a browser.
pub async fn get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let params = match web::Query::<GetParams>::from_query(req.query_string()) {
        Ok(params) => params.into_inner(),
        Err(error) => {
            return reply::error(
                &req,
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("bad query string: {error}"),
            );
        }
    };
    if params.query.is_none() && params.extensions.is_none() {
        if state.production {
            return reply::error(
                &req,
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "GraphiQL is off in production; POST queries to /graphql",
            );
        }
        return super::graphiql::page("Kế hoạch & thi đua — GraphQL", "/graphql", "/graphql/ws");
    }
    let json = |name: &str, text: Option<String>| -> Result<Option<serde_json::Value>, String> {
        text.map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|error| format!("`{name}` is not JSON: {error}"))
    };
    let body = match (
        json("variables", params.variables),
        json("extensions", params.extensions),
    ) {
        (Ok(variables), Ok(extensions)) => Body {
            query: params.query,
            operation_name: params.operation_name,
            variables,
            extensions,
        },
        (Err(message), _) | (_, Err(message)) => {
            return reply::error(&req, StatusCode::BAD_REQUEST, "BAD_REQUEST", &message);
        }
    };
    run(&state, &req, body, Method::Get).await
}

/// What the caller sees when a request is refused before it runs.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    extensions: Option<serde_json::Value>,
    retry_after: Option<u64>,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            extensions: None,
            retry_after: None,
        }
    }

    fn limit(error: LimitError) -> Self {
        Self {
            status: StatusCode::OK,
            code: error.code,
            message: error.message,
            extensions: Some(
                serde_json::json!({ "limit": error.limit, "max": error.max, "actual": error.actual }),
            ),
            retry_after: None,
        }
    }

    fn unavailable() -> Self {
        Self {
            retry_after: Some(RETRY_AFTER_SECONDS),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "the service is briefly unavailable; retry shortly",
            )
        }
    }

    fn respond(self, req: &HttpRequest) -> HttpResponse {
        let request_id = reply::request_id(req);
        let mut builder = reply::builder(self.status);
        if let Some(seconds) = self.retry_after {
            builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        builder.json(reply::error_body(
            self.code,
            &self.message,
            request_id.as_deref(),
            self.extensions,
        ))
    }
}

/// Seconds a client should wait after `SERVICE_UNAVAILABLE`.
const RETRY_AFTER_SECONDS: u64 = 2;

async fn run(state: &AppState, req: &HttpRequest, body: Body, method: Method) -> HttpResponse {
    let started = std::time::Instant::now();
    let mut operation = metrics::Operation {
        name: body.operation_name.clone(),
        kind: "unknown",
        error_codes: Vec::new(),
    };
    let response = match prepare_and_run(state, req, body, method, &mut operation).await {
        Ok(response) => response,
        Err(refusal) => {
            operation.error_codes.push(refusal.code.to_owned());
            refusal.respond(req)
        }
    };
    state.metrics.operation(&operation, started.elapsed());
    response
}

/// The operation's type and, when the request did not name it, the name of the document's only
/// operation (for the metrics).
fn describe(
    request: &mut async_graphql::Request,
    analysis: &Analysis,
    into: &mut metrics::Operation,
) {
    into.kind = match analysis.operation {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    };
    if into.name.is_none()
        && let Ok(document) = request.parsed_query()
        && let async_graphql::parser::types::DocumentOperations::Multiple(operations) =
            &document.operations
        && operations.len() == 1
    {
        into.name = operations.keys().next().map(|name| name.to_string());
    }
}

async fn prepare_and_run(
    state: &AppState,
    req: &HttpRequest,
    body: Body,
    method: Method,
    operation: &mut metrics::Operation,
) -> Result<HttpResponse, Refusal> {
    let request_id = reply::request_id(req);
    // The time limit covers the whole request, waiting included.
    let deadline = tokio::time::Instant::now() + state.request_timeout;
    let viewer = authenticate(state, req).await?;
    // A request naming only a persisted query's hash pays a point before its lookup (a
    // database lookup each); any other pays its cost once that is known, and a refused one a
    // point, so that floods of refused requests are throttled too.
    let prepaid = match body.query {
        None => Some(charge(state, req, &viewer, 1)?),
        Some(_) => None,
    };
    let (mut request, analysis, seen) = match checked(state, &viewer, body, method).await {
        Ok(checked) => checked,
        Err(refusal) if prepaid.is_some() => return Err(refusal),
        Err(refusal) => {
            charge(state, req, &viewer, 1)?;
            return Err(refusal);
        }
    };
    describe(&mut request, &analysis, operation);
    let charged = match (prepaid, analysis.cost) {
        (Some(first), 0 | 1) => first,
        (Some(_), cost) => charge(state, req, &viewer, cost - 1)?,
        (None, cost) => charge(state, req, &viewer, cost)?,
    };
    // A mutation runs on the mutations' thread with their pool, when there is one.
    let writes = match analysis.operation {
        Some(OperationType::Mutation) => state.writes.as_ref(),
        _ => None,
    };
    // A query reads on one connection (PostgreSQL), taken at its first statement: not before
    // the heavy lane below lets it run, so one waiting there holds no connection (the
    // caller's visibility is read from the pool).
    let reads = match analysis.operation {
        Some(OperationType::Query) => Reads::for_query(
            state.db.clone(),
            state.statements.clone(),
            &state.query_lane,
        ),
        _ => Reads::pooled(writes.map_or(&state.db, |w| w.db()).clone()),
    };
    let visibility = PlanVisibility::of(&state.db, &viewer)
        .await
        .map_err(|error| match error {
            DomainError::Unavailable => Refusal::unavailable(),
            error => {
                tracing::error!(error = %error, "cannot resolve the caller's visibility");
                Refusal::new(
                    StatusCode::OK,
                    "INTERNAL_SERVER_ERROR",
                    "Internal server error",
                )
            }
        })?;
    let anonymous = viewer.principal().is_none();
    let mut request = graphql::with_request_context(
        request,
        graphql::RequestContext {
            reads,
            viewer,
            visibility,
            request_id: request_id.clone(),
            deadline: deadline.into_std(),
        },
    );
    if let Some(writes) = writes {
        // Over the schema's own pool: the mutation's transaction opens on the writes' pool.
        request = request.data(writes.db().clone());
    }
    if state.production && anonymous {
        request = request.disable_introspection();
    }
    // Anonymous callers in production get no "did you mean …" hints (they rebuild a schema
    // that introspection hides).
    let schema = state
        .schemas
        .pick(state.production && anonymous, seen == Seen::Known);
    // A kept document's first run with data marks it validated (the checked variant ran it).
    let unvalidated = (seen == Seen::New).then(|| request.query.clone());
    // Heavy requests take turns, so that they never hold every core while cheap ones wait.
    let lane = if analysis.cost >= state.heavy_cost {
        match tokio::time::timeout_at(deadline, state.heavy_lane.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Some(permit),
            _ => {
                return Err(Refusal {
                    retry_after: Some(RETRY_AFTER_SECONDS),
                    ..Refusal::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "SERVICE_UNAVAILABLE",
                        "the server is busy with other large requests: retry shortly, or ask for less",
                    )
                });
            }
        }
    } else {
        None
    };
    // Past the deadline the caller is answered at once, and the execution moves to a task of
    // its own to finish there: it is never dropped mid-statement. (sqlx 0.9 loses a pooled TLS
    // connection whose statement was abandoned and then failed: its release ping fails and the
    // hard close never returns.) It finishes soon: PostgreSQL cancels a statement that runs past
    // the deadline (`statement_timeout`), and no resolver or batch starts another. Only late
    // executions move: spawning every one cost a tenth of the dashboard query's throughput.
    let span = tracing::info_span!(
        "graphql",
        graphql.operation.name = operation.name.as_deref().unwrap_or("anonymous"),
        graphql.operation.type = operation.kind,
    );
    let execution = {
        let schema = schema.clone();
        tracing::Instrument::instrument(
            async move {
                let response = schema.execute(request).await;
                drop(lane);
                response
            },
            span,
        )
    };
    let mut execution: std::pin::Pin<Box<dyn Future<Output = async_graphql::Response> + Send>> =
        match writes {
            Some(writes) => {
                // Queries starting meanwhile take fewer connections (`QueryLane`). Not for an
                // anonymous caller's (mutations want a signed-in caller): a flood of refused
                // ones must not hold everyone's reads back.
                let writing = (!anonymous).then(|| state.query_lane.writing());
                let running = writes.run(async move {
                    let response = execution.await;
                    drop(writing);
                    response
                });
                Box::pin(async move {
                    running.await.unwrap_or_else(|| {
                        coded_response("Internal server error", "INTERNAL_SERVER_ERROR")
                    })
                })
            }
            None => Box::pin(execution),
        };
    let finished = tokio::select! {
        biased;
        response = &mut execution => Ok(response),
        () = tokio::time::sleep_until(deadline) => Err(()),
    };
    let mut response = match finished {
        Ok(response) => response,
        Err(()) => {
            // The caller is answered now; the execution finishes by itself (see above).
            tokio::spawn(execution);
            tracing::warn!(
                timeout_s = state.request_timeout.as_secs_f64(),
                "request timed out"
            );
            coded_response(
                format!(
                    "the request took longer than {} s and was stopped: ask for less (smaller pages, fewer nested lists)",
                    state.request_timeout.as_secs_f64()
                ),
                "TIMEOUT",
            )
        }
    };
    if let Some(query) = unvalidated
        && !matches!(response.data, Value::Null)
    {
        // Data means the validation passed (a refused document has none).
        state.documents.validated(&query);
    }
    let mut unavailable = false;
    for error in &mut response.errors {
        label(error, request_id.as_deref());
        if let Some(Value::String(code)) = error.extensions.as_ref().and_then(|e| e.get("code"))
            && !operation.error_codes.contains(code)
        {
            operation.error_codes.push(code.clone());
        }
        unavailable |= error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .is_some_and(|c| matches!(c, Value::String(c) if c == "SERVICE_UNAVAILABLE"));
    }
    response.extensions.insert(
        "cost".into(),
        cost_extension(&analysis, &charged, state.limits.max_cost),
    );
    let status = if unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let bytes = match response_json::to_vec(&response) {
        Ok(bytes) => bytes,
        Err(error) => {
            crate::telemetry::internal_error(
                &anyhow::Error::new(error).context("cannot serialise a response"),
            );
            return Err(Refusal::new(
                StatusCode::OK,
                "INTERNAL_SERVER_ERROR",
                "Internal server error",
            ));
        }
    };
    if bytes.len() > state.max_response_bytes {
        return Err(Refusal {
            extensions: Some(
                serde_json::json!({ "limit": "maxResponseBytes", "max": state.max_response_bytes, "actual": bytes.len() }),
            ),
            ..Refusal::new(
                StatusCode::OK,
                "RESPONSE_TOO_LARGE",
                format!(
                    "the response would be {} bytes; at most {} are sent (maxResponseBytes): ask for smaller pages or fewer fields",
                    bytes.len(),
                    state.max_response_bytes
                ),
            )
        });
    }
    let mut builder = reply::builder(status);
    builder.content_type("application/json");
    if unavailable {
        builder.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS.to_string()));
    }
    rate_limit_headers(&mut builder, &charged);
    Ok(builder.body(bytes))
}

/// A response that is one error, with its `extensions.code`.
fn coded_response(message: impl Into<String>, code: &str) -> async_graphql::Response {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    async_graphql::Response::from_errors(vec![error])
}

/// The request's query (sent, or stood for by a persisted hash) parsed and checked against
/// every limit, with its analysis.
async fn checked(
    state: &AppState,
    viewer: &Viewer,
    body: Body,
    method: Method,
) -> Result<(async_graphql::Request, Analysis, Seen), Refusal> {
    let query = state
        .persisted
        .resolve(
            &state.db,
            body.query,
            body.extensions.as_ref(),
            viewer.principal(),
        )
        .await
        .map_err(|refusal| Refusal::new(StatusCode::OK, refusal.code(), refusal.to_string()))?;
    limits::check_text(&query, &state.limits).map_err(Refusal::limit)?;
    let variables = match body.variables {
        None | Some(serde_json::Value::Null) => async_graphql::Variables::default(),
        Some(value @ serde_json::Value::Object(_)) => async_graphql::Variables::from_json(value),
        Some(_) => {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "`variables` must be a JSON object",
            ));
        }
    };
    let mut request = async_graphql::Request::new(query).variables(variables);
    if let Some(name) = body.operation_name {
        request = request.operation_name(name);
    }
    let (analysis, seen) = analysed(state, &mut request).map_err(Refusal::limit)?;
    // A GET must not change anything (links, prefetching and caches replay GETs).
    if method == Method::Get
        && analysis
            .operation
            .is_some_and(|op| op != OperationType::Query)
    {
        return Err(Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "only queries may be sent with GET; use POST",
        ));
    }
    Ok((request, analysis, seen))
}

/// Charges the caller's rate limit; refuses with `RATE_LIMITED` when the bucket is short.
fn charge(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    cost: u64,
) -> Result<Charge, Refusal> {
    let payer = match viewer.principal() {
        Some(principal) => Payer::Principal(principal.subject.clone()),
        None => {
            let forwarded = req
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok());
            let peer = req.peer_addr().map(|a| a.ip());
            match state.rate_limits.client_address(peer, forwarded) {
                Some(address) => Payer::Address(address),
                None => Payer::Address(IpAddr::from([0, 0, 0, 0])),
            }
        }
    };
    match state.rate_limits.charge(&payer, cost) {
        Charge::Refused { limit, retry_after } => {
            state.metrics.rate_limited(match payer {
                Payer::Principal(_) => Limited::Caller,
                Payer::Address(_) => Limited::Address,
            });
            let seconds = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            Err(Refusal {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: "RATE_LIMITED",
                message: format!(
                    "this request costs {cost} points and your budget is spent: retry in {seconds} s (budget {limit} points)"
                ),
                extensions: Some(serde_json::json!({
                    "retryAfter": seconds,
                    "cost": { "requested": cost, "limit": limit, "remaining": 0, "maxPerRequest": state.limits.max_cost }
                })),
                retry_after: Some(seconds),
            })
        }
        charged => Ok(charged),
    }
}

fn cost_extension(analysis: &Analysis, charged: &Charge, max_cost: u64) -> Value {
    let (limit, remaining) = match charged {
        Charge::Paid {
            limit, remaining, ..
        } => (Value::from(*limit), Value::from(*remaining)),
        _ => (Value::Null, Value::Null),
    };
    let mut cost = async_graphql::indexmap::IndexMap::new();
    cost.insert(
        async_graphql::Name::new("requested"),
        Value::from(analysis.cost),
    );
    cost.insert(async_graphql::Name::new("limit"), limit);
    cost.insert(async_graphql::Name::new("remaining"), remaining);
    cost.insert(
        async_graphql::Name::new("maxPerRequest"),
        Value::from(max_cost),
    );
    Value::Object(cost)
}

fn rate_limit_headers(builder: &mut actix_web::HttpResponseBuilder, charged: &Charge) {
    if let Charge::Paid {
        limit,
        remaining,
        reset,
    } = charged
    {
        builder.insert_header(("RateLimit-Limit", limit.to_string()));
        builder.insert_header(("RateLimit-Remaining", remaining.to_string()));
        builder.insert_header(("RateLimit-Reset", reset.to_string()));
    }
}

/// The caller, with its unit resolved from the token's agency code (and whether that unit was
/// closed at the time of the request).
async fn authenticate(state: &AppState, req: &HttpRequest) -> Result<Viewer, Refusal> {
    viewer_from(state, |name| req.headers().get(name).map(|v| v.as_bytes())).await
}

/// The caller named by credentials in headers (`header` gives a value by lower-case name).
async fn viewer_from<'h>(
    state: &AppState,
    header: impl Fn(&str) -> Option<&'h [u8]>,
) -> Result<Viewer, Refusal> {
    let principal = state
        .authenticator
        .authenticate(header)
        .await
        .map_err(|error| Refusal::new(StatusCode::OK, "UNAUTHENTICATED", error.to_string()))?;
    let Some(mut principal) = principal else {
        return Ok(Viewer(None));
    };
    resolve_unit(state, &mut principal).await?;
    tracing::debug!(subject = %principal.subject, "authenticated");
    Ok(Viewer(Some(principal)))
}

/// The caller of a plain HTTP read outside GraphQL (an export), charged `cost` points of its
/// rate limit, and what it may read; or the response refusing it.
pub(crate) async fn http_reader(
    state: &AppState,
    req: &HttpRequest,
    cost: u64,
) -> Result<(Viewer, PlanVisibility), HttpResponse> {
    // Outside GraphQL a refused token is HTTP's 401.
    let viewer = authenticate(state, req).await.map_err(|mut refusal| {
        if refusal.code == "UNAUTHENTICATED" {
            refusal.status = StatusCode::UNAUTHORIZED;
        }
        refusal.respond(req)
    })?;
    charge(state, req, &viewer, cost).map_err(|refusal| refusal.respond(req))?;
    let visibility = PlanVisibility::of(&state.db, &viewer)
        .await
        .map_err(|error| match error {
            DomainError::Unavailable => Refusal::unavailable().respond(req),
            error => {
                tracing::error!(error = %error, "cannot resolve the caller's visibility");
                Refusal::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL_SERVER_ERROR",
                    "Internal server error",
                )
                .respond(req)
            }
        })?;
    Ok((viewer, visibility))
}

/// The caller of a live connection and what it may read, or the code and message refusing it.
pub(crate) async fn live_viewer<'h>(
    state: &AppState,
    header: impl Fn(&str) -> Option<&'h [u8]>,
) -> Result<(Viewer, PlanVisibility), (&'static str, String)> {
    let viewer = viewer_from(state, header)
        .await
        .map_err(|refusal| (refusal.code, refusal.message))?;
    let visibility = PlanVisibility::of(&state.db, &viewer)
        .await
        .map_err(|error| match error {
            DomainError::Unavailable => (
                "SERVICE_UNAVAILABLE",
                "the service is briefly unavailable; retry shortly".to_owned(),
            ),
            error => {
                tracing::error!(error = %error, "cannot resolve the caller's visibility");
                ("INTERNAL_SERVER_ERROR", "Internal server error".to_owned())
            }
        })?;
    Ok((viewer, visibility))
}

/// The document checks every operation passes (text, parse, shape and cost), for the live
/// transport: its analysis, or the code and message refusing it.
pub(crate) fn live_checks(
    state: &AppState,
    request: &mut async_graphql::Request,
) -> Result<Analysis, (&'static str, String)> {
    limits::check_text(&request.query, &state.limits).map_err(|e| (e.code, e.message))?;
    analysed(state, request)
        .map(|(analysis, _)| analysis)
        .map_err(|e| (e.code, e.message))
}

/// Parses the request's document (through the cache) and runs the limits over it; a document
/// that does not parse passes here and is reported by the executor, with its position. Tells
/// what async-graphql's validation has seen of the document.
fn analysed(
    state: &AppState,
    request: &mut async_graphql::Request,
) -> Result<(Analysis, Seen), limits::LimitError> {
    let kept = state.documents.prepare(request);
    let operation_name = request.operation_name.clone();
    let variables = std::mem::take(&mut request.variables);
    let parsed = request.parsed_query().map(|document| {
        let seen = match kept {
            Some(false) => Seen::New,
            Some(true) if state.schemas.variables.vouches(document, &variables) => Seen::Known,
            _ => Seen::Unsure,
        };
        let analysis = limits::analyse(
            document,
            &variables,
            operation_name.as_deref(),
            &state.schema_info,
            &state.limits,
        );
        analysis.map(|analysis| (analysis, seen))
    });
    request.variables = variables;
    parsed.unwrap_or_else(|_| Ok((Analysis::default(), Seen::Unsure)))
}

/// What async-graphql's validation has seen of a request's document (see [`graphql::Schemas`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Kept, not validated yet: validated in full, and marked once it answers with data.
    New,
    /// Not kept, or validated but with variables the check does not vouch for: validated in
    /// full.
    Unsure,
    /// Validated before, its variables vouched for: skips the validation rules.
    Known,
}

async fn resolve_unit(state: &AppState, principal: &mut Principal) -> Result<(), Refusal> {
    let Some(code) = principal.unit_code.clone() else {
        return Ok(());
    };
    let with_subtree = crate::domain::access::policy::needs_subtree(principal);
    match crate::domain::org::unit::caller_unit(&state.db, &code, with_subtree).await {
        Ok(Some(unit)) => {
            principal.unit_id = Some(unit.id);
            principal.closed_unit = unit.closed;
            principal.subtree = unit.subtree.map(Into::into);
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(DomainError::Unavailable) => Err(Refusal::unavailable()),
        Err(error) => {
            tracing::error!(error = %error, "cannot resolve the caller's unit");
            Ok(())
        }
    }
}

/// Gives errors that async-graphql raised itself (syntax, validation, argument coercion) a code,
/// and every error the request id.
fn label(error: &mut ServerError, request_id: Option<&str>) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        let code = if error.path.is_empty() {
            "GRAPHQL_VALIDATION_FAILED"
        } else {
            "BAD_USER_INPUT"
        };
        extensions.set("code", code);
    }
    if let Some(id) = request_id {
        extensions.set("requestId", Value::String(id.to_owned()));
    }
}
