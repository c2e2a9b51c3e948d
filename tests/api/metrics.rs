//! `GET /metrics`: after a few requests the page shows HTTP requests by route and status,
//! GraphQL operations by name with their durations and error codes, rate-limit refusals, the
//! database pool and the statements sent; names a caller makes up cannot grow it without bound.

use api::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use crate::helpers::{Backend, TestApp, spawn_app_with, token};

async fn page(app: &TestApp) -> String {
    let response = app
        .request(Method::GET, "/metrics")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/plain; version=0.0.4"),
    );
    response.text().await.expect("text")
}

/// The value of the series named exactly `series` (with its labels), if the page has it.
fn value(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics_show_the_listed_series(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.limits.rate_anonymous = 1;
        s.limits.rate_anonymous_burst = 60;
    })
    .await;
    let titles = json!({ "query": "query PlanTitles { plans(first: 2) { nodes { title } } }" });
    for _ in 0..2 {
        let (status, _, body) = app.post_json(None, &titles).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
    }
    // An operation that answers with an error.
    let broken = json!({ "query": "query Broken { node(id: \"garbage\") { id } }" });
    let (_, _, body) = app.post_json(None, &broken).await;
    let code = body["errors"][0]["extensions"]["code"]
        .as_str()
        .expect("a code")
        .to_owned();
    // Refused by the rate limit: 1 + 100 × 1 points against a bucket of 60.
    let big = json!({ "query": "query Big { tasks(first: 100) { nodes { title } } }" });
    let (status, _, _) = app.post_json(None, &big).await;
    assert_eq!(status, 429);
    // Made-up names are labels only while they are well formed.
    let odd = json!({ "query": "{ plans(first: 1) { totalCount } }", "operationName": null });
    let _ = app.post_json(None, &odd).await;
    let missing = app
        .request(Method::GET, "/no/such/page")
        .send()
        .await
        .expect("send");
    assert_eq!(missing.status().as_u16(), 404);

    let page = page(&app).await;
    assert_eq!(
        value(
            &page,
            r#"http_requests_total{route="/graphql",method="POST",status="200"}"#
        ),
        Some(4.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            r#"http_requests_total{route="/graphql",method="POST",status="429"}"#
        ),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            r#"http_requests_total{route="unmatched",method="GET",status="404"}"#
        ),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            r#"graphql_operation_duration_seconds_count{operation="PlanTitles",type="query"}"#
        ),
        Some(2.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            r#"graphql_operation_duration_seconds_bucket{operation="PlanTitles",type="query",le="+Inf"}"#
        ),
        Some(2.0),
        "{page}"
    );
    assert!(
        value(
            &page,
            r#"graphql_operation_duration_seconds_sum{operation="PlanTitles",type="query"}"#
        )
        .is_some_and(|s| s > 0.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            &format!(
                r#"graphql_operation_errors_total{{operation="Broken",type="query",code="{code}"}}"#
            )
        ),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            r#"graphql_operation_errors_total{operation="Big",type="query",code="RATE_LIMITED"}"#
        ),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            r#"graphql_operation_duration_seconds_count{operation="anonymous",type="query"}"#
        ),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        value(&page, r#"rate_limit_rejections_total{payer="address"}"#),
        Some(1.0)
    );
    assert_eq!(
        value(&page, r#"rate_limit_rejections_total{payer="caller"}"#),
        Some(0.0)
    );
    assert_eq!(value(&page, "graphql_subscriptions"), Some(0.0));
    assert!(value(&page, "db_pool_max_connections").is_some_and(|n| n >= 1.0));
    let idle = value(&page, r#"db_pool_connections{state="idle"}"#).expect("idle");
    let in_use = value(&page, r#"db_pool_connections{state="in_use"}"#).expect("in use");
    assert!(idle + in_use >= 1.0, "{page}");
    assert!(value(&page, "sql_statements_total").is_some_and(|n| n > 0.0));
    // The mutations' own pool (PostgreSQL: 4 connections unless configured).
    let writes_max = value(&page, "db_write_pool_max_connections");
    let writes_idle = value(&page, r#"db_write_pool_connections{state="idle"}"#);
    let writes_in_use = value(&page, r#"db_write_pool_connections{state="in_use"}"#);
    match backend {
        Backend::Postgres => {
            assert_eq!(writes_max, Some(4.0), "{page}");
            assert!(writes_idle.is_some() && writes_in_use.is_some(), "{page}");
            assert_eq!(value(&page, "graphql_mutations_in_flight"), Some(0.0));
        }
        Backend::Sqlite => {
            assert_eq!((writes_max, writes_idle), (None, None), "{page}");
            assert_eq!(value(&page, "graphql_mutations_in_flight"), None);
        }
    }
    // The page itself was counted by the time of the next one.
    let again = self::page(&app).await;
    assert_eq!(
        value(
            &again,
            r#"http_requests_total{route="/metrics",method="GET",status="200"}"#
        ),
        Some(1.0),
        "{again}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_the_listed_series_sqlite() {
    metrics_show_the_listed_series(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn metrics_show_the_listed_series_postgres() {
    metrics_show_the_listed_series(Backend::Postgres).await;
}

/// A mutation in flight (held here at its audit event by a table lock the test takes) shows as
/// `graphql_mutations_in_flight`, and queries starting meanwhile still answer, sharing the
/// fewer connections they get then (`reads::queries_starting_during_a_write_share_fewer_connections`
/// checks the sharing itself); done, it shows no more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn a_mutation_in_flight_is_counted_and_queries_still_answer() {
    let app = spawn_app_with(Backend::Postgres, |s| {
        s.query_connections_during_writes = Some(1);
    })
    .await;
    let admin = token(Role::ProvinceAdmin, None);
    let issuer = app.unit_id("H19.20").await;
    let lock = app.separate_connection().await;
    let held = lock.begin().await.expect("begin");
    held.execute_unprepared("LOCK TABLE audit_event IN EXCLUSIVE MODE")
        .await
        .expect("lock");
    let mutation = app.graphql_as(
        &admin,
        "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } userErrors { code } } }",
        json!({ "input": { "title": "Kế hoạch chờ khóa", "kind": "PLAN", "issuerId": issuer } }),
    );
    let observe = async {
        let mut seen = None;
        for _ in 0..200 {
            seen = value(&page(&app).await, "graphql_mutations_in_flight");
            if seen == Some(1.0) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert_eq!(seen, Some(1.0), "the blocked mutation is in flight");
        let units = "{ units(first: 3) { nodes { code } } }";
        let (first, second) =
            tokio::join!(app.graphql(units, json!({})), app.graphql(units, json!({})));
        for answer in [first.ok(), second.ok()] {
            assert_eq!(answer["units"]["nodes"].as_array().map(Vec::len), Some(3));
        }
        held.commit().await.expect("release the lock");
    };
    let (created, ()) = tokio::join!(mutation, observe);
    let created = created.ok();
    assert_eq!(created["createPlan"]["userErrors"], json!([]), "{created}");
    assert_eq!(
        value(&page(&app).await, "graphql_mutations_in_flight"),
        Some(0.0)
    );
    app.stop().await;
}
