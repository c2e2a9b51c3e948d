//! Dossier files over HTTP. `POST /files?name=<file name>` with the file as the body and its
//! `Content-Type` uploads a file (size limit, allowed types checked against the bytes) and
//! answers its id for `attachDossierItem`. `GET /files/dossier/{id}` downloads a dossier
//! document, with the nomination's read permission (anything else is not found).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt as _;
use serde::Deserialize;

use super::AppState;
use super::graphql::http_reader;
use super::reply;
use crate::domain::access::Actor;
use crate::domain::emulation::nomination::dossier::{self, UploadRefusal};
use crate::domain::kernel::error::DomainError;
use crate::graphql::common::id::{NodeType, expect, global_id};

/// Rate-limit points an upload or a download costs.
pub const FILE_COST: u64 = 500;

#[derive(Debug, Deserialize)]
pub struct UploadParams {
    name: Option<String>,
}

/// `POST /files?name=…`.
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> HttpResponse {
    let (viewer, _) = match http_reader(&state, &req, FILE_COST).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let actor = match Actor::require(&viewer, None) {
        Ok(actor) => actor,
        Err(DomainError::Forbidden(message)) => {
            return reply::error(&req, StatusCode::FORBIDDEN, "FORBIDDEN", &message);
        }
        Err(_) => {
            return reply::error(
                &req,
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "sign in to upload files",
            );
        }
    };
    if !dossier::may_upload(&actor.principal) {
        return reply::error(
            &req,
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "only those who take nomination steps upload dossier files",
        );
    }
    let name = match web::Query::<UploadParams>::from_query(req.query_string()) {
        Ok(params) => params.into_inner().name.unwrap_or_default(),
        Err(error) => {
            return reply::error(
                &req,
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("bad query string: {error}"),
            );
        }
    };
    let limit = state.max_file_bytes;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return reply::error(
                &req,
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "cannot read the file",
            );
        };
        if body.len() + chunk.len() > limit {
            return reply::error(
                &req,
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                &UploadRefusal::TooLarge { limit }.to_string(),
            );
        }
        body.extend_from_slice(&chunk);
    }
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let checked = match dossier::check_upload(&name, media_type, &body, limit) {
        Ok(checked) => checked,
        Err(refusal) => {
            let (status, code) = match refusal {
                UploadRefusal::TooLarge { .. } => {
                    (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE")
                }
                UploadRefusal::UnsupportedType(_) | UploadRefusal::Mismatch(_) => {
                    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE")
                }
                UploadRefusal::Empty | UploadRefusal::BadName(_) => {
                    (StatusCode::BAD_REQUEST, "BAD_REQUEST")
                }
            };
            return reply::error(&req, status, code, &refusal.to_string());
        }
    };
    if let Err(error) = state.files.put(&checked.sha256, &body).await {
        tracing::error!(%error, "cannot store an uploaded file");
        return reply::error(
            &req,
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the file could not be stored now; retry shortly",
        );
    }
    let answer = serde_json::json!({
        "fileName": checked.file_name,
        "mediaType": checked.media_type,
        "size": checked.size,
        "sha256": checked.sha256,
    });
    let outcome =
        crate::domain::kernel::mutation::run(&state.db, &actor, "uploadFile", None, async |txn| {
            dossier::record_upload(txn, &actor, checked).await
        })
        .await;
    match outcome {
        Ok(outcome) => match outcome.object_id {
            Some(id) => {
                let mut answer = answer;
                answer["id"] = global_id(NodeType::StoredFile, id).0.into();
                HttpResponse::Created()
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .json(answer)
            }
            None => reply::error(&req, StatusCode::BAD_REQUEST, "BAD_REQUEST", "not stored"),
        },
        Err(DomainError::Forbidden(message)) => {
            reply::error(&req, StatusCode::FORBIDDEN, "FORBIDDEN", &message)
        }
        Err(error) => {
            tracing::error!(%error, "cannot record an upload");
            reply::error(
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "the file could not be recorded now; retry shortly",
            )
        }
    }
}

/// `GET /files/dossier/{id}`.
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let Ok(item) = expect(&path, NodeType::DossierItem) else {
        return reply::error(
            &req,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the path names no dossier document: use its id",
        );
    };
    let viewer = match super::export::signed_in_reader(&state, &req, FILE_COST).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let not_found = || reply::error(&req, StatusCode::NOT_FOUND, "NOT_FOUND", "no such document");
    let found = dossier::readable_document(&state.db, viewer.principal(), item).await;
    let (_, file) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot read a dossier document");
            return reply::error(
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "retry shortly",
            );
        }
    };
    match state.files.get(&file.sha256).await {
        Ok(Some(bytes)) => HttpResponse::Ok()
            .content_type(file.media_type.as_str())
            .insert_header((
                header::CONTENT_DISPOSITION,
                content_disposition(&file.file_name),
            ))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .insert_header(("x-content-sha256", file.sha256.as_str()))
            .body(bytes),
        Ok(None) => {
            tracing::error!(sha256 = %file.sha256, "a recorded file is missing from the store");
            not_found()
        }
        Err(error) => {
            tracing::error!(%error, "cannot read a stored file");
            reply::error(
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "retry shortly",
            )
        }
    }
}

/// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 5987), so a
/// Vietnamese file name arrives intact.
fn content_disposition(name: &str) -> String {
    let fallback: String = deunicode_ascii(name);
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// ASCII letters, digits, dots, dashes and underscores of `name`; anything else an underscore.
fn deunicode_ascii(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
