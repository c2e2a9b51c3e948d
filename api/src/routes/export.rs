//! `GET /exports/plans/{id}/progress.xlsx?period=…[&asOf=…]`: a plan's progress annex as an
//! Excel workbook (what officials send upward), with the permissions of the `planProgress`
//! query: a plan the caller may not read is not found. `GET /exports/rounds/{id}/nominations.xlsx`
//! and `GET /exports/decisions/{id}/recipients.xlsx`: a round's nominations and a decision's
//! recipients, within what the caller may read of them.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use super::graphql::http_reader;
use super::reply;
use crate::domain::emulation::nomination::export;
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::period::PeriodCode;
use crate::domain::reporting::export::progress_annex;
use crate::graphql::common::cursor;
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
    let annex = match gather(&state, &req, work, "no such plan").await {
        Ok(annex) => annex,
        Err(response) => return response,
    };
    deliver(
        &req,
        crate::annex::workbook(&annex),
        &format!("tien-do-{period}.xlsx"),
    )
}

/// Runs an export's reads under the request's time limit: the value, or the response refusing
/// it (`NOT_FOUND` with `missing` when there is nothing the caller may read).
async fn gather<T>(
    state: &AppState,
    req: &HttpRequest,
    work: impl std::future::Future<Output = Result<Option<T>, DomainError>>,
    missing: &str,
) -> Result<T, HttpResponse> {
    match tokio::time::timeout(state.request_timeout, work).await {
        Ok(Ok(Some(value))) => Ok(value),
        Ok(Ok(None)) => Err(reply::error(
            req,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            missing,
        )),
        Ok(Err(DomainError::Unavailable)) | Err(_) => Err(reply::error(
            req,
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the export could not be made now; retry shortly",
        )),
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot gather an export");
            Err(reply::error(
                req,
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "Internal server error",
            ))
        }
    }
}

/// A workbook as a download named `file_name` (ASCII), never cached by shared caches.
fn deliver(
    req: &HttpRequest,
    workbook: Result<Vec<u8>, rust_xlsxwriter::XlsxError>,
    file_name: &str,
) -> HttpResponse {
    match workbook {
        Ok(bytes) => HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .body(bytes),
        Err(error) => {
            tracing::error!(%error, "cannot write a workbook");
            reply::error(
                req,
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "Internal server error",
            )
        }
    }
}

/// `GET /exports/rounds/{id}/nominations.xlsx`: a round's nominations the caller may read.
pub async fn round_nominations(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let Ok(round) = expect(&path, NodeType::Round) else {
        return reply::error(
            &req,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the path names no round: use the round's id",
        );
    };
    let viewer = match signed_in_reader(&state, &req, EXPORT_COST).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let work = export::round_list(&state.db, viewer.principal(), round);
    let (round, lines) = match gather(&state, &req, work, "no such round").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    deliver(
        &req,
        crate::nomination_annex::round_workbook(&round, &lines),
        "danh-sach-de-nghi-khen-thuong.xlsx",
    )
}

/// `GET /exports/decisions/{id}/recipients.xlsx`: a decision's recipients the caller may read
/// (not found when it may read none).
pub async fn decision_recipients(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let Ok(decision) = expect(&path, NodeType::AwardDecision) else {
        return reply::error(
            &req,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the path names no decision: use the decision's id",
        );
    };
    let viewer = match signed_in_reader(&state, &req, EXPORT_COST).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let work = export::decision_list(&state.db, viewer.principal(), decision);
    let (decision, lines) = match gather(&state, &req, work, "no such decision").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    deliver(
        &req,
        crate::nomination_annex::decision_workbook(&decision, &lines),
        "danh-sach-khen-thuong.xlsx",
    )
}

/// The query string of `GET /exports/indicators.json`.
#[derive(Debug, Deserialize)]
pub struct IndicatorParams {
    period: Option<String>,
    unit: Option<String>,
    plan: Option<String>,
    after: Option<String>,
    limit: Option<u64>,
}

/// Most values in one page of the indicator export.
pub const MAX_INDICATOR_PAGE: u64 = 1_000;

/// `GET /exports/indicators.json?period=2025Q1[&unit=H19.20.1][&plan=<id>][&after=<cursor>]
/// [&limit=500]`: indicator values for the provincial reporting system, a page at a time (the
/// answer's `next` is the cursor of the following page, null on the last). Values of issued
/// plans only, never of a confidential plan, for every caller.
pub async fn indicators(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    use crate::domain::integration::indicator::{self, IndicatorFilter};
    let bad = |message: &str| reply::error(&req, StatusCode::BAD_REQUEST, "BAD_REQUEST", message);
    let params = match web::Query::<IndicatorParams>::from_query(req.query_string()) {
        Ok(params) => params.into_inner(),
        Err(error) => return bad(&format!("bad query string: {error}")),
    };
    let Some(period) = params.period.filter(|p| p.len() <= 16) else {
        return bad("give `period`: YYYY, YYYYQn, YYYYHn or YYYYMM (e.g. 2025Q1)");
    };
    let period: PeriodCode = match period.trim().parse() {
        Ok(period) => period,
        Err(error) => return bad(&error.to_string()),
    };
    let plan = match params.plan.as_deref().map(|p| expect(p, NodeType::Plan)) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return bad("`plan` names no plan: use the plan's id"),
    };
    let mut filter = match IndicatorFilter::new(period, None, plan) {
        Ok(filter) => filter,
        Err(error) => return bad(&error.to_string()),
    };
    if let Some(code) = params.unit {
        if crate::domain::org::unit::identifier::AgencyId::parse(code.trim()).is_err() {
            return bad("`unit` is a unit's electronic id (e.g. H19.20.1)");
        }
        filter.unit_code = Some(code.trim().to_owned());
    }
    let limit = params.limit.unwrap_or(MAX_INDICATOR_PAGE);
    if !(1..=MAX_INDICATOR_PAGE).contains(&limit) {
        return bad(&format!("`limit` is 1 to {MAX_INDICATOR_PAGE}"));
    }
    let after = params.after.as_deref().filter(|a| a.len() <= 200);
    let mut window = match cursor::forward(None, after).and_then(|a| a.window(indicator::ORDERING))
    {
        Ok(window) => window,
        Err(error) => return bad(&error.to_string()),
    };
    window.limit = limit;
    // A point per value the page may hold: a full page costs what a large query does.
    if let Err(response) = http_reader(&state, &req, limit).await {
        return response;
    }
    let work = async {
        indicator::page(&state.db, &filter, window, false)
            .await
            .map(Some)
    };
    let page = match gather(&state, &req, work, "nothing to export").await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let next = page
        .has_next
        .then(|| {
            page.items
                .last()
                .map(|(position, _)| cursor::encode(indicator::ORDERING, *position, None))
        })
        .flatten();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .json(serde_json::json!({
            "format": "plans-api/indicator-values@1",
            "period": period.to_string(),
            "generatedAt": crate::domain::kernel::time::local_time(chrono::Utc::now()),
            "items": page.items.into_iter().map(|(_, value)| value).collect::<Vec<_>>(),
            "next": next,
        }))
}

/// The signed-in caller of a download (staff lists and dossiers are not public): 401 for an
/// anonymous one.
pub(crate) async fn signed_in_reader(
    state: &AppState,
    req: &HttpRequest,
    cost: u64,
) -> Result<crate::domain::access::Viewer, HttpResponse> {
    let (viewer, _) = http_reader(state, req, cost).await?;
    if viewer.principal().is_none() {
        return Err(reply::error(
            req,
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "sign in to download this",
        ));
    }
    Ok(viewer)
}
