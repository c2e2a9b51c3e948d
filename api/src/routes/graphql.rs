//! `POST /graphql` (JSON), `GET /graphql` (queries in the URL, or GraphiQL for a browser).
//!
//! The body is read with a size cap, must be `application/json`, and holds one operation (no
//! batches); mutations are refused over GET. Every error in a response carries
//! `extensions.code` and the request id.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use async_graphql::{ServerError, Value};

use super::request_id::RequestId;
use crate::domain::access::{PlanVisibility, Viewer};
use crate::graphql::prefetch::PartialLatest;
use crate::graphql::{AppSchema, loaders};
use crate::startup::AppState;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

fn error_response(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    }))
}

/// `POST /graphql`.
pub async fn post(
    schema: web::Data<AppSchema>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let json = req.mime_type().ok().flatten().is_some_and(|m| {
        m.type_() == mime::APPLICATION
            && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
    });
    if !json {
        return error_response(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the GraphQL request as JSON with `Content-Type: application/json`",
        );
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => {
            return error_response(
                actix_web::http::StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("the body is not a GraphQL request: {error}"),
            );
        }
    };
    execute(&schema, &state, &req, request).await
}

/// `GET /graphql`: runs a query given in the URL, or serves GraphiQL to a browser.
pub async fn get(
    schema: web::Data<AppSchema>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> HttpResponse {
    let has_query = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|q| q.iter().any(|(k, _)| k == "query"))
        .unwrap_or(false);
    if !has_query {
        if state.production {
            return error_response(
                actix_web::http::StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "GraphiQL is off in production; POST queries to /graphql",
            );
        }
        return HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(
                GraphiQLSource::build()
                    .endpoint("/graphql")
                    .title("Kế hoạch & thi đua — GraphQL")
                    .finish(),
            );
    }
    let request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) => request,
        Err(error) => {
            return error_response(
                actix_web::http::StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &error.to_string(),
            );
        }
    };
    // A GET must not change anything (links, prefetching and caches replay GETs).
    if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
        let mutates = document.operations.iter().any(|(name, op)| {
            let selected = request
                .operation_name
                .as_deref()
                .is_none_or(|n| name.map(|x| x.as_str()) == Some(n));
            selected && op.node.ty != OperationType::Query
        });
        if mutates {
            return error_response(
                actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                "only queries may be sent with GET; use POST",
            )
            .map_into_boxed_body();
        }
    }
    execute(&schema, &state, &req, request).await
}

async fn execute(
    schema: &AppSchema,
    state: &AppState,
    req: &HttpRequest,
    request: async_graphql::Request,
) -> HttpResponse {
    let request_id = req.extensions().get::<RequestId>().cloned();
    let viewer = match authenticate(state, req).await {
        Ok(viewer) => viewer,
        Err(error) => {
            let mut response = async_graphql::Response::from_errors(vec![ServerError::new(
                error.to_string(),
                None,
            )]);
            for error in &mut response.errors {
                error
                    .extensions
                    .get_or_insert_with(Default::default)
                    .set("code", "UNAUTHENTICATED");
                label(error, request_id.as_ref());
            }
            return HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(&response);
        }
    };
    let visibility = match PlanVisibility::of(&state.db, &viewer).await {
        Ok(visibility) => visibility,
        Err(error) => {
            tracing::error!(error = %error, "cannot resolve the caller's visibility");
            let mut response = async_graphql::Response::from_errors(vec![ServerError::new(
                "Internal server error",
                None,
            )]);
            for error in &mut response.errors {
                error
                    .extensions
                    .get_or_insert_with(Default::default)
                    .set("code", "INTERNAL_SERVER_ERROR");
                label(error, request_id.as_ref());
            }
            return HttpResponse::Ok().json(&response);
        }
    };
    let mut request = request
        .data(loaders::for_request(state.db.clone(), visibility.clone()))
        .data(PartialLatest::default())
        .data(visibility);
    if state.production && viewer.0.is_none() {
        request = request.disable_introspection();
    }
    request = request.data(viewer);
    if let Some(id) = &request_id {
        request = request.data(id.clone());
    }
    state.documents.prepare(&mut request);
    let mut response = schema.execute(request).await;
    for error in &mut response.errors {
        label(error, request_id.as_ref());
    }
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(&response)
}

/// The caller, with its unit resolved from the token's agency code.
async fn authenticate(
    state: &AppState,
    req: &HttpRequest,
) -> Result<Viewer, crate::auth::AuthError> {
    let Some(mut principal) = state.authenticator.authenticate(req.headers()).await? else {
        return Ok(Viewer(None));
    };
    if let Some(code) = &principal.unit_code {
        match crate::domain::unit::by_code(&state.db, code).await {
            Ok(unit) => principal.unit_id = unit.map(|u| u.id),
            Err(error) => tracing::error!(error = %error, "cannot resolve the caller's unit"),
        }
    }
    tracing::debug!(subject = %principal.subject, "authenticated");
    Ok(Viewer(Some(principal)))
}

/// Gives errors that async-graphql raised itself (syntax, validation, argument coercion) a code,
/// and every error the request id.
fn label(error: &mut ServerError, request_id: Option<&RequestId>) {
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
        extensions.set("requestId", Value::String(id.0.clone()));
    }
}
