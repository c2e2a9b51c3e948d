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
    let mut request = request.data(loaders::for_request(state.db.clone()));
    if let Some(id) = &request_id {
        request = request.data(id.clone());
    }
    let mut response = schema.execute(request).await;
    for error in &mut response.errors {
        label(error, request_id.as_ref());
    }
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(&response)
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
