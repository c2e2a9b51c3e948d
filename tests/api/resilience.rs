//! What keeps the server serving: time and size limits, SQLite writes that queue instead of
//! failing, failing fast when the database is out of reach, closed units, start-up order, and
//! persisted queries.

use std::time::{Duration, Instant};

use api::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Backend, TestApp, spawn_app_with, token, token_as};

const CREATE: &str = r#"mutation($input: CreatePlanInput!) { createPlan(input: $input) {
    plan { id } userErrors { code message } clientMutationId } }"#;

async fn create_input(app: &TestApp, title: &str, key: Option<&str>) -> Value {
    json!({ "input": { "title": title, "kind": "PLAN", "issuerId": app.unit_id("H19.20").await,
            "periodStart": 2027, "periodEnd": 2027, "clientMutationId": key } })
}

/// 50 concurrent mutations all succeed; 20 concurrent retries of one mutation all get its
/// first result, and it is written once.
async fn concurrent_writes_all_succeed(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let before = app.count("plan").await;
    let mut writers = Vec::new();
    for i in 0..50 {
        let input = create_input(app, &format!("Kế hoạch đồng thời số {i}"), None).await;
        let admin = admin.clone();
        writers.push(async move { app.graphql_as(&admin, CREATE, input).await });
    }
    let results = futures_util::future::join_all(writers).await;
    for response in &results {
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        assert!(
            response.data["createPlan"]["plan"]["id"].is_string(),
            "{}",
            response.data
        );
    }
    assert_eq!(app.count("plan").await, before + 50);

    let input = create_input(app, "Kế hoạch gửi lại", Some("retry-key-1")).await;
    let mut retries = Vec::new();
    for _ in 0..20 {
        let (admin, input) = (admin.clone(), input.clone());
        retries.push(async move { app.graphql_as(&admin, CREATE, input).await });
    }
    let results = futures_util::future::join_all(retries).await;
    let ids: std::collections::HashSet<String> = results
        .iter()
        .map(|r| {
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            r.data["createPlan"]["plan"]["id"]
                .as_str()
                .expect("an id")
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every retry returns the first result");
    assert_eq!(app.count("plan").await, before + 51, "written once");
}

/// A caller whose unit was closed reads but does not write, and is told the successor.
async fn closed_units_read_but_do_not_write(app: &TestApp) {
    // Sở Y tế tỉnh Kon Tum merged into Sở Y tế tỉnh Quảng Ngãi on 01/07/2025.
    let closed = token(Role::UnitAdmin, Some("H34.20"));
    let read = app
        .graphql_as(
            &closed,
            "{ me { unit { name } } plans(first: 1) { totalCount } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(read["me"]["unit"]["name"], "Sở Y tế tỉnh Kon Tum");
    let before = app.count("plan").await;
    let input = json!({ "input": { "title": "Kế hoạch sau sáp nhập", "kind": "PLAN",
        "issuerId": app.unit_id("H34.20").await } });
    let response = app.graphql_as(&closed, CREATE, input).await;
    assert_eq!(response.codes(), ["FORBIDDEN"]);
    let message = response.errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("closed on 30/06/2025"), "{message}");
    assert!(
        message.contains("Sở Y tế tỉnh Quảng Ngãi") && message.contains("H48.20"),
        "{message}"
    );
    assert_eq!(app.count("plan").await, before);
    let update =
        r#"mutation($input: UpdateUnitInput!) { updateUnit(input: $input) { unit { id } } }"#;
    let response = app
        .graphql_as(
            &closed,
            update,
            json!({ "input": { "id": app.unit_id("H34.20").await, "version": 1, "name": "X" } }),
        )
        .await;
    assert_eq!(response.codes(), ["FORBIDDEN"]);
}

/// With the only connection taken (as in an outage), a request waits the acquire time-out and
/// gets SERVICE_UNAVAILABLE (503, Retry-After); `/readyz` answers within a second; once the
/// connection is free, requests are served again without a restart.
async fn outages_fail_fast(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.pool_size = 1;
        s.limits.db_acquire_timeout = 0.3;
    })
    .await;
    let query = json!({ "query": "{ plans(first: 2) { nodes { title } } }" });
    let (status, _, body) = app.post_json(None, &query).await;
    assert_eq!(status, 200, "{body}");
    let held = app.db.begin().await.expect("hold the only connection");
    let started = Instant::now();
    let (status, headers, body) = app.post_json(None, &query).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body["errors"].as_array().is_some_and(|e| e
            .iter()
            .all(|e| e["extensions"]["code"] == "SERVICE_UNAVAILABLE")),
        "{body}"
    );
    assert_eq!(headers["retry-after"], "2");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    let ready = app
        .request(Method::GET, "/readyz")
        .send()
        .await
        .expect("send");
    assert_eq!(ready.status().as_u16(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    held.rollback().await.expect("release");
    let (status, _, body) = app.post_json(None, &query).await;
    assert_eq!(status, 200, "{body}");
    app.stop().await;
}

/// A request past its time limit gets TIMEOUT, and leaves no connection behind; on PostgreSQL
/// the statement it was running is cancelled in the database too. A response past its size cap
/// gets RESPONSE_TOO_LARGE.
async fn time_and_size_limits(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.pool_size = 1;
        s.limits.request_timeout = 0.3;
        s.limits.db_acquire_timeout = 5.0;
        s.limits.db_idle_session_timeout = 2.0;
    })
    .await;
    let query = json!({ "query": "{ tasks(first: 100) { totalCount nodes { title assignments { unit { name } } } } }" });
    // Waiting for a connection counts: the only one is taken.
    let held = app.db.begin().await.expect("hold the only connection");
    let started = Instant::now();
    let (status, _, body) = app.post_json(None, &query).await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT", "{body}");
    assert!(body["errors"][0]["extensions"]["requestId"].is_string());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    held.rollback().await.expect("release");
    let (_, _, body) = app.post_json(None, &query).await;
    assert!(
        body["data"]["tasks"]["totalCount"].is_number(),
        "served again: {body}"
    );
    if backend == Backend::Postgres {
        // A statement stuck in the database (behind a lock another session holds) is cancelled
        // there once the request has given up, and the connection comes back to the pool.
        let other = app.separate_connection().await;
        let blocker = other.begin().await.expect("begin");
        blocker
            .execute_unprepared("LOCK TABLE task IN ACCESS EXCLUSIVE MODE")
            .await
            .expect("lock");
        let (_, _, body) = app.post_json(None, &query).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT", "{body}");
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        let waiting = other
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
            ))
            .await
            .expect("activity")
            .expect("row");
        let waiting: i64 = waiting.try_get("", "n").expect("n");
        assert_eq!(waiting, 0, "the abandoned statement was cancelled");
        // A statement abandoned by its own request: a sibling field fails at once, so
        // async-graphql drops the field whose statement waits for the lock; the statement is
        // then cancelled in the database. Over TLS sqlx loses that connection's pool slot; it
        // comes back once PostgreSQL ends the idle session (here after 2 s).
        let abandoning = json!({ "query": "{ a: tasks(first: 5) { totalCount } b: tasks(first: 5, after: \"garbage\") { totalCount } }" });
        let (_, _, body) = app.post_json(None, &abandoning).await;
        assert!(
            body["errors"].as_array().is_some_and(|e| !e.is_empty()),
            "{body}"
        );
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        blocker.rollback().await.expect("unlock");
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        for _ in 0..3 {
            let (_, _, body) = app.post_json(None, &query).await;
            assert!(
                body["data"]["tasks"]["totalCount"].is_number(),
                "the pool kept its connection: {body}"
            );
        }
        other.close().await.expect("close");
    }
    app.stop().await;

    let small = spawn_app_with(backend, |s| s.limits.max_response_bytes = 2_000).await;
    let (status, _, body) = small
        .post_json(
            None,
            &json!({ "query": "{ tasks(first: 100) { nodes { title description } } }" }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE",
        "{body}"
    );
    assert!(body["data"].is_null());
    let (_, _, body) = small
        .post_json(
            None,
            &json!({ "query": "{ plans(first: 1) { totalCount } }" }),
        )
        .await;
    assert!(
        body["data"]["plans"]["totalCount"].is_number(),
        "small answers still pass"
    );
    small.stop().await;
}

/// Heavy requests take turns; light ones do not wait behind them.
async fn heavy_requests_take_turns(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.pool_size = 1;
        s.limits.heavy_cost = 100;
        s.limits.heavy_concurrency = 1;
        s.limits.request_timeout = 0.5;
        s.limits.db_acquire_timeout = 5.0;
    })
    .await;
    // 1 + 100 × 1 = 101 points: heavy here.
    let heavy = json!({ "query": "{ tasks(first: 100) { nodes { title } } }" });
    let held = app.db.begin().await.expect("hold the only connection");
    let first = {
        let (address, heavy) = (app.address.clone(), heavy.clone());
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{address}/graphql"))
                .json(&heavy)
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let started = Instant::now();
    let (status, headers, body) = app.post_json(None, &heavy).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "SERVICE_UNAVAILABLE"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("busy")
    );
    assert!(headers.contains_key("retry-after"));
    assert!(started.elapsed() < Duration::from_secs(2));
    let (status, _, body) = app
        .post_json(None, &json!({ "query": "{ __typename }" }))
        .await;
    assert_eq!(
        (status, body["data"]["__typename"].as_str()),
        (200, Some("Query")),
        "light requests pass"
    );
    held.rollback().await.expect("release");
    assert!(first.await.is_ok());
    app.stop().await;
}

/// Automatic persisted queries, and the allow-list mode.
async fn persisted_queries(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let query = "{ unit(code: \"H34.20\") { name } }";
    let hash = api::domain::integration::operation::hash(query);
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let (_, _, body) = app
        .post_json(None, &json!({ "extensions": extensions }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    let (_, _, body) = app
        .post_json(None, &json!({ "query": query, "extensions": extensions }))
        .await;
    assert_eq!(body["data"]["unit"]["name"], "Sở Y tế tỉnh Kon Tum");
    // Now the hash alone, over a cacheable GET.
    let response = app
        .request(Method::GET, "/graphql")
        .query(&[("extensions", extensions.to_string())])
        .send()
        .await
        .expect("send");
    let (_, _, body) = TestApp::parts(response).await;
    assert_eq!(
        body["data"]["unit"]["name"], "Sở Y tế tỉnh Kon Tum",
        "{body}"
    );
    let wrong = json!({ "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } });
    let (_, _, body) = app
        .post_json(None, &json!({ "query": query, "extensions": wrong }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    app.stop().await;

    // Allow-list: operations from a folder, and registered by a province administrator.
    let dir = std::env::temp_dir().join(format!("operations-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let listed = "query UnitName($code: String) { unit(code: $code) { name } }";
    std::fs::write(dir.join("UnitName.graphql"), listed).expect("write");
    let folder = dir.clone();
    let app = spawn_app_with(backend, move |s| {
        s.limits.allow_list = true;
        s.limits.operations_dir = Some(folder);
    })
    .await;
    let (_, _, body) = app
        .post_json(
            None,
            &json!({ "query": listed, "variables": { "code": "H48.20" } }),
        )
        .await;
    assert_eq!(
        body["data"]["unit"]["name"], "Sở Y tế tỉnh Quảng Ngãi",
        "{body}"
    );
    let by_hash = json!({ "persistedQuery": { "version": 1, "sha256Hash": api::domain::integration::operation::hash(listed) } });
    let (_, _, body) = app
        .post_json(
            None,
            &json!({ "extensions": by_hash, "variables": { "code": "H48.20" } }),
        )
        .await;
    assert_eq!(
        body["data"]["unit"]["name"], "Sở Y tế tỉnh Quảng Ngãi",
        "{body}"
    );
    let other = "{ plans(first: 1) { totalCount } }";
    let (_, _, body) = app.post_json(None, &json!({ "query": other })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "OPERATION_NOT_ALLOWED",
        "{body}"
    );
    let viewer = token(Role::Viewer, Some("H19.20"));
    let (_, _, body) = app
        .post_json(Some(&viewer), &json!({ "query": other }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "OPERATION_NOT_ALLOWED"
    );
    let register = r#"mutation($input: RegisterOperationInput!) { registerOperation(input: $input) { hash userErrors { field code } } }"#;
    let admin = token(Role::ProvinceAdmin, None);
    let refused = app
        .graphql_as(
            &token(Role::UnitAdmin, Some("H19.20")),
            register,
            json!({ "input": { "document": other } }),
        )
        .await;
    assert!(
        refused.codes() == ["FORBIDDEN"] || refused.codes() == ["OPERATION_NOT_ALLOWED"],
        "{:?}",
        refused.codes()
    );
    let broken = app
        .graphql_as(
            &admin,
            register,
            json!({ "input": { "document": "{ plans(" } }),
        )
        .await
        .ok();
    assert_eq!(
        broken["registerOperation"]["userErrors"][0]["code"],
        "INVALID"
    );
    assert!(broken["registerOperation"]["hash"].is_null());
    let registered = app
        .graphql_as(
            &admin,
            register,
            json!({ "input": { "document": other, "name": "PlanCount" } }),
        )
        .await
        .ok();
    assert_eq!(
        registered["registerOperation"]["hash"],
        api::domain::integration::operation::hash(other)
    );
    let (_, _, body) = app.post_json(None, &json!({ "query": other })).await;
    assert!(
        body["data"]["plans"]["totalCount"].is_number(),
        "registered now: {body}"
    );
    let _ = std::fs::remove_dir_all(dir);
    app.stop().await;
}

db_tests!(
    concurrent_writes_all_succeed,
    closed_units_read_but_do_not_write
);

/// On PostgreSQL mutations have a pool (and a thread) of their own: with every connection of
/// the main pool held (by queries, say), a mutation still commits at once. With
/// `--write-connections 0`, and on SQLite, it shares the pool: it waits for a connection and is
/// answered SERVICE_UNAVAILABLE, having written nothing.
async fn mutations_have_their_own_pool(backend: Backend) {
    for own_pool in [true, false] {
        let app = spawn_app_with(backend, |s| {
            s.pool_size = 1;
            s.limits.db_acquire_timeout = 0.3;
            if !own_pool {
                s.write_connections = 0;
            }
        })
        .await;
        let admin = token(Role::ProvinceAdmin, None);
        let input = create_input(&app, "Kế hoạch ghi khi các kết nối đều bận", None).await;
        let before = app.count("plan").await;
        let held = app.db.begin().await.expect("hold the only connection");
        let (status, _, body) = app
            .post_json(
                Some(&admin),
                &json!({ "query": CREATE, "variables": input }),
            )
            .await;
        held.rollback().await.expect("release");
        if own_pool && matches!(backend, Backend::Postgres) {
            assert_eq!(status, 200, "{body}");
            assert!(body.get("errors").is_none(), "{body}");
            assert!(
                body["data"]["createPlan"]["plan"]["id"].is_string(),
                "{body}"
            );
            assert_eq!(app.count("plan").await, before + 1);
        } else {
            assert_eq!(status, 503, "{own_pool}: {body}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE",
                "{body}"
            );
            assert_eq!(app.count("plan").await, before, "nothing written");
        }
        app.stop().await;
    }
}

macro_rules! both {
    ($($name:ident),*) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(crate::helpers::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(postgres_tests), ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run")]
                async fn postgres() {
                    super::$name(crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}

both!(
    outages_fail_fast,
    mutations_have_their_own_pool,
    time_and_size_limits,
    persisted_queries,
    heavy_requests_take_turns
);

/// A mutation that panics (a bug) is answered, not lost with its thread: its execution ends
/// with nothing (the handler answers `INTERNAL_SERVER_ERROR`), and the mutations' thread goes
/// on serving the next ones, its pool still reaching the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn a_panic_on_the_mutations_thread_is_answered_and_the_thread_serves_on() {
    let url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL");
    let settings =
        api::config::Settings::new(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), Some(url));
    let writes = api::writes::Writes::start(&settings, &api::db::StatementCounter::default())
        .await
        .expect("start")
        .expect("a pool of its own on PostgreSQL");
    let bug = std::hint::black_box(true);
    let panicked = writes
        .run(async move {
            assert!(!bug, "a bug in a mutation");
        })
        .await;
    assert_eq!(panicked, None);
    assert_eq!(writes.run(async { 2 + 2 }).await, Some(4));
    assert!(writes.is_ready(std::time::Duration::from_secs(5)).await);
}

/// Production refuses an HS256 secret shorter than 32 bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_refuses_short_secrets() {
    let mut settings =
        api::config::Settings::new(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), None);
    settings.data_dir =
        std::env::temp_dir().join(format!("short-{}", uuid::Uuid::new_v4().simple()));
    settings.auth.production = true;
    settings.auth.jwt_secret = Some("x".into());
    let error = api::startup::Application::build(settings)
        .await
        .err()
        .expect("refused");
    assert!(error.to_string().contains("at least 32"), "{error}");
    let _ = token_as;
}

/// "Address in use" fails before the database is touched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_port_fails_before_the_database_is_touched() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dir = std::env::temp_dir().join(format!("taken-{}", uuid::Uuid::new_v4().simple()));
    let mut settings = api::config::Settings::new(taken.local_addr().expect("addr"), None);
    settings.data_dir = dir.clone();
    settings.auth.jwt_secret = Some(crate::helpers::TEST_SECRET.into());
    let error = api::startup::Application::build(settings)
        .await
        .err()
        .expect("refused");
    assert!(format!("{error:#}").contains("cannot listen"), "{error:#}");
    assert!(!dir.join("plans.db").exists(), "no database was created");
    let _ = std::fs::remove_dir_all(dir);
}

/// Instances started together with `--demo` on one empty database take turns: both start,
/// and the demo data is there once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn instances_starting_together_load_the_demo_once() {
    let (url, name) = crate::helpers::empty_postgres_database().await;
    let build = |url: String| async move {
        let mut settings =
            api::config::Settings::new(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), Some(url));
        settings.demo = true;
        settings.auth.jwt_secret = Some(crate::helpers::TEST_SECRET.into());
        api::startup::Application::build(settings).await
    };
    let (first, second, third) =
        tokio::join!(build(url.clone()), build(url.clone()), build(url.clone()));
    let apps = [first, second, third].map(|app| app.expect("every instance starts"));
    let units = apps[0]
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT count(*) AS n FROM unit",
        ))
        .await
        .expect("count")
        .expect("row");
    let n: i64 = units.try_get("", "n").expect("n");
    let reference = crate::helpers::spawn_app(Backend::Postgres).await;
    assert_eq!(
        n,
        reference.count("unit").await,
        "the demo data is there, once"
    );
    reference.stop().await;
    for app in apps {
        let _ = app.db().clone().close().await;
    }
    crate::helpers::drop_postgres_database(&name).await;
}
