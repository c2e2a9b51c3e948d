//! `GET /exports/plans/{id}/progress.xlsx?period=…[&asOf=…]`: a plan's progress annex as an
//! Excel workbook (what officials send upward), with the permissions of the `planProgress`
//! query: a plan the caller may not read is not found.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use super::graphql::http_reader;
use super::reply;
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::period::PeriodCode;
use crate::domain::reporting::export::progress_annex;
use crate::graphql::common::id::{NodeType, expect};

/// Rate-limit points an export costs (a plan's whole progress: about a large query's worth).
pub const EXPORT_COST: u64 = 1_000;

/// The query string.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportParams {
    period: Option<String>,
    as_of: Option<String>,
}

/// `GET /exports/plans/{id}/progress.xlsx`.
pub async fn plan_progress(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let bad = |message: &str| reply::error(&req, StatusCode::BAD_REQUEST, "BAD_REQUEST", message);
    let params = match web::Query::<ExportParams>::from_query(req.query_string()) {
        Ok(params) => params.into_inner(),
        Err(error) => return bad(&format!("bad query string: {error}")),
    };
    let Some(period) = params.period.filter(|p| p.len() <= 16) else {
        return bad("give `period` (`2023`, `2023Q1`, `2023H1`, `2023M05`…)");
    };
    let period: PeriodCode = match period.trim().parse() {
        Ok(period) => period,
        Err(error) => return bad(&error.to_string()),
    };
    if period.months().is_none() {
        return bad(
            "an ad-hoc period has no plan progress: ask for a month, quarter, half or year",
        );
    }
    let as_of = match params.as_of.as_deref().map(str::parse::<chrono::NaiveDate>) {
        None => None,
        Some(Ok(day)) => Some(day),
        Some(Err(_)) => return bad("`asOf` is a day written YYYY-MM-DD"),
    };
    let Ok(plan_id) = expect(&path, NodeType::Plan) else {
        return bad("the path names no plan: use the plan's id");
    };
    let (_viewer, visibility) = match http_reader(&state, &req, EXPORT_COST).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let not_found = || reply::error(&req, StatusCode::NOT_FOUND, "NOT_FOUND", "no such plan");
    let work = async {
        let plan = crate::domain::planning::plan::by_ids(&state.db, &[plan_id])
            .await?
            .remove(&plan_id)
            .filter(|p| visibility.allows(p));
        match plan {
            Some(plan) => progress_annex(&state.db, &plan, period, as_of)
                .await
                .map(Some),
            None => Ok(None),
        }
    };
    let annex = match tokio::time::timeout(state.request_timeout, work).await {
        Ok(Ok(Some(annex))) => annex,
        Ok(Ok(None)) => return not_found(),
        Ok(Err(DomainError::Unavailable)) | Err(_) => {
            return reply::error(
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "the export could not be made now; retry shortly",
            );
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot gather a progress annex");
            return reply::error(
                &req,
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "Internal server error",
            );
        }
    };
    match crate::annex::workbook(&annex) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"tien-do-{period}.xlsx\""),
            ))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .body(bytes),
        Err(error) => {
            tracing::error!(%error, "cannot write a progress workbook");
            reply::error(
                &req,
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "Internal server error",
            )
        }
    }
}
