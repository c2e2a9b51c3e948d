//! Replies that are not GraphQL results (a body too large, a wrong content type or method, an
//! unknown path, a rate limit, an outage) still have the GraphQL response shape, so every
//! client reads `errors[].extensions.code` and `requestId` the same way.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder};
use serde_json::{Value, json};

use super::request_id::RequestId;

/// The request id of `req`, if the middleware assigned one.
pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.0.clone())
}

/// A GraphQL-shaped error body.
pub fn error_body(
    code: &str,
    message: &str,
    request_id: Option<&str>,
    extra: Option<Value>,
) -> Value {
    let mut extensions = json!({ "code": code });
    if let Some(id) = request_id {
        extensions["requestId"] = Value::String(id.to_owned());
    }
    if let Some(Value::Object(extra)) = extra {
        for (key, value) in extra {
            extensions[key] = value;
        }
    }
    json!({ "errors": [{ "message": message, "extensions": extensions }] })
}

/// A response with `status` and one error.
pub fn error(req: &HttpRequest, status: StatusCode, code: &str, message: &str) -> HttpResponse {
    builder(status).json(error_body(code, message, request_id(req).as_deref(), None))
}

/// A response builder that nothing caches.
pub fn builder(status: StatusCode) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

/// Any path that does not exist.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    error(
        &req,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("no such path {:?}: GraphQL is at /graphql", req.path()),
    )
}

/// A method a path does not take.
pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let mut response = error(
        &req,
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        &format!("{} is not accepted here: use GET or POST", req.method()),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("GET, POST"));
    response
}
