//! What one anonymous request may ask for: document limits before execution (graphql-cop's
//! checks among them), the static cost and its report, the rate limit, bounded inputs, and the
//! transport's JSON replies.

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Backend, TestApp, spawn_app_with, token};
use api::auth::Role;

/// The code, limit name and message of a refused request's only error.
fn refusal(body: &Value) -> (String, String, String) {
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 1, "one error: {body}");
    assert!(body["data"].is_null(), "nothing ran: {body}");
    let error = &errors[0];
    (
        error["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        error["extensions"]["limit"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn refused(app: &TestApp, query: &str, variables: Value) -> (String, String, String) {
    let before = app.statements.get();
    let (status, _, body) = app
        .post_json(None, &json!({ "query": query, "variables": variables }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.statements.get(),
        before,
        "no SQL ran for a refused request"
    );
    assert!(body["errors"][0]["extensions"]["requestId"].is_string());
    refusal(&body)
}

/// A chain of `levels` fragments, each spreading the next one twice: 1 KB that expands to
/// 2^levels fields.
fn fragment_bomb(levels: usize) -> String {
    let mut query = String::from("query { ...F0 }\n");
    for i in 0..levels {
        query.push_str(&format!(
            "fragment F{i} on Query {{ __typename ...F{n} ...F{n} }}\n",
            n = i + 1
        ));
    }
    query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
    query
}

async fn oversized_documents_are_refused_before_they_run(app: &TestApp) {
    for levels in [22, 30] {
        let (code, limit, message) = refused(app, &fragment_bomb(levels), json!({})).await;
        assert_eq!(
            (code.as_str(), limit.as_str()),
            ("GRAPHQL_VALIDATION_FAILED", "maxFields"),
            "{message}"
        );
    }
    // graphql-cop: alias overloading (101 aliases), field duplication (500 × __typename),
    // directive overloading (10 directives on one field), circular fragments.
    let aliases = (0..101)
        .map(|i| format!("a{i}: __typename"))
        .collect::<Vec<_>>()
        .join(" ");
    let (code, limit, _) = refused(app, &format!("query {{ {aliases} }}"), json!({})).await;
    assert_eq!(
        (code.as_str(), limit.as_str()),
        ("GRAPHQL_VALIDATION_FAILED", "maxAliases")
    );
    let duplicated = "__typename ".repeat(500);
    let (_, limit, _) = refused(app, &format!("query cop {{ {duplicated} }}"), json!({})).await;
    assert_eq!(limit, "maxFields");
    let directives = "@aa".repeat(10);
    let (code, limit, _) = refused(
        app,
        &format!("query cop {{ __typename {directives} }}"),
        json!({}),
    )
    .await;
    assert_eq!(
        (code.as_str(), limit.as_str()),
        ("GRAPHQL_VALIDATION_FAILED", "maxDirectives")
    );
    let circular =
        "query { ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }";
    let (_, limit, message) = refused(app, circular, json!({})).await;
    assert_eq!(limit, "fragmentCycles", "{message}");
    // Nesting too deep for the parser, and too many tokens.
    let deep = format!("{{ {} }}", "a { ".repeat(20_000));
    let (_, limit, _) = refused(app, &deep, json!({})).await;
    assert_eq!(limit, "maxNesting");
    let long = format!("{{ {} }}", "__typename ".repeat(3_100));
    let (_, limit, _) = refused(app, &long, json!({})).await;
    assert_eq!(limit, "maxTokens");
    // Circular introspection (graphql-cop: type → fields → type → fields …).
    let circular_introspection =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let (_, limit, _) = refused(app, circular_introspection, json!({})).await;
    assert_eq!(limit, "introspectionDepth");
    // GraphiQL's own introspection query stays within every limit.
    let graphiql = include_str!("introspection.graphql");
    let data = app.graphql(graphiql, json!({})).await.ok();
    assert!(
        data["__schema"]["types"]
            .as_array()
            .is_some_and(|t| t.len() > 50)
    );
    // The server is still there.
    let data = app
        .graphql(r#"{ unit(code: "H34.20") { name } }"#, json!({}))
        .await
        .ok();
    assert_eq!(data["unit"]["name"], "Sở Y tế tỉnh Kon Tum");
}

async fn batches_and_csrf_shaped_requests_are_refused(app: &TestApp) {
    let batch: Vec<Value> = (0..10)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let (status, _, body) = app.post_json(None, &Value::Array(batch)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("one operation per request")
    );
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let response = app
            .request(Method::POST, "/graphql")
            .header("Content-Type", content_type)
            .body(r#"{"query":"mutation { __typename }"}"#)
            .send()
            .await
            .expect("send");
        let (status, _, body) = TestApp::parts(response).await;
        assert_eq!(status, 415, "{content_type}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "UNSUPPORTED_MEDIA_TYPE"
        );
        assert!(body["errors"][0]["extensions"]["requestId"].is_string());
    }
}

async fn cost_is_reported_and_capped(app: &TestApp) {
    // One plan (1) + a connection (1) + 50 × (task 1 + 10 × (assignment 1 + unit 1) + progress 1).
    let plan = app.plan_id("5198/KH-SYT").await;
    let query = r#"query($id: ID!) { plan(id: $id) { title tasks(first: 50) { totalCount nodes {
        code assignments { role unit { name } } latestProgress { percent } } } } }"#;
    let (status, headers, body) = app
        .post_json(
            None,
            &json!({ "query": query, "variables": { "id": plan } }),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body["errors"].is_null(), "{body}");
    let cost = &body["extensions"]["cost"];
    assert_eq!(cost["requested"], 1 + 1 + 50 * (1 + 10 * 2 + 1), "{cost}");
    assert_eq!(cost["maxPerRequest"], 50_000);
    let limit = cost["limit"].as_u64().expect("limit");
    let remaining = cost["remaining"].as_u64().expect("remaining");
    assert!(remaining < limit, "{cost}");
    assert_eq!(
        headers["ratelimit-limit"].to_str().ok(),
        Some(limit.to_string().as_str())
    );
    assert_eq!(
        headers["ratelimit-remaining"].to_str().ok(),
        Some(remaining.to_string().as_str())
    );

    // The pool-holding query of the issue: ~6 800 statements once; refused now.
    let nested = "{ plans(first: 100) { nodes { tasks(first: 100) { nodes { assignments { unit { tasks(first: 100) { nodes { title } } } } } } } } }";
    let (code, limit, message) = refused(app, nested, json!({})).await;
    assert_eq!(
        (code.as_str(), limit.as_str()),
        ("MAX_COST_EXCEEDED", "maxCost"),
        "{message}"
    );
    // An alias flood of lists is refused whichever limit comes first.
    let flood = (0..1000)
        .map(|i| format!("a{i}: tasks(first: 100) {{ nodes {{ title }} }}"))
        .collect::<Vec<_>>()
        .join(" ");
    let (code, _, _) = refused(app, &format!("{{ {flood} }}"), json!({})).await;
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
    // Page sizes from variables count too.
    let (code, _, _) = refused(
        app,
        "query($n: Int) { plans(first: $n) { nodes { tasks(first: $n) { nodes { assignments { unit { tasks(first: $n) { nodes { title } } } } } } } } }",
        json!({ "n": 60 }),
    )
    .await;
    assert_eq!(code, "MAX_COST_EXCEEDED");
}

async fn inputs_are_bounded(app: &TestApp) {
    // The search that overflowed the stack (14 000 words), one that SQLite could not compile
    // (2 000 words), and one 100 KB word.
    for search in [
        "ab ".repeat(14_000),
        "ab ".repeat(2_000),
        "x".repeat(100_000),
    ] {
        let response = app
            .graphql(
                "query($s: String) { tasks(first: 5, filter: { search: $s }) { nodes { title } } }",
                json!({ "s": search }),
            )
            .await;
        assert_eq!(
            response.codes(),
            ["BAD_USER_INPUT"],
            "{:?}",
            response.errors
        );
        assert!(
            response.errors[0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("search")
        );
    }
    let words = "cai cach ".repeat(700);
    let response = app
        .request(Method::GET, "/graphql")
        .query(&[(
            "query",
            format!(
                "{{ plans(first: 2, filter: {{ search: \"{words}\" }}) {{ nodes {{ title }} }} }}"
            ),
        )])
        .send()
        .await
        .expect("send");
    let (_, _, body) = TestApp::parts(response).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "GET too: {body}"
    );
    // Control characters: refused in variables and in literals, on both databases alike.
    let admin = token(Role::ProvinceAdmin, None);
    let plans = app.count("plan").await;
    let create = r#"mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } userErrors { code } } }"#;
    let issuer = app.unit_id("H19.20").await;
    for title in ["Kế hoạch\u{0}năm 2027", "Kế hoạch\u{1b}[31m", "\u{7}"] {
        let response = app
            .graphql_as(
                &admin,
                create,
                json!({ "input": { "title": title, "kind": "PLAN", "issuerId": issuer } }),
            )
            .await;
        assert_eq!(response.codes(), ["BAD_USER_INPUT"], "{title:?}");
        assert!(
            response.errors[0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("control character")
        );
    }
    let literal = format!(
        r#"mutation {{ createPlan(input: {{ title: "a\u0000b", kind: PLAN, issuerId: "{issuer}" }}) {{ plan {{ id }} }} }}"#
    );
    assert_eq!(
        app.graphql_as(&admin, &literal, json!({})).await.codes(),
        ["BAD_USER_INPUT"]
    );
    assert_eq!(app.count("plan").await, plans, "nothing was written");
    // Tab and line breaks are text.
    let summary = "Mục tiêu:\n\t1. Cải cách\r\n\t2. Chuyển đổi số";
    let created = app
        .graphql_as(&admin, create, json!({ "input": { "title": "Kế hoạch có tóm tắt", "kind": "PLAN", "issuerId": issuer, "summary": summary } }))
        .await
        .ok();
    assert!(created["createPlan"]["plan"]["id"].is_string(), "{created}");

    // Lists: 25 000 enum values (what fits in a body), 101 ids.
    let statuses = vec!["DRAFT"; 25_000];
    let response = app
        .graphql(
            "query($s: [PlanStatus!]) { plans(first: 1, filter: { status: $s }) { totalCount } }",
            json!({ "s": statuses }),
        )
        .await;
    assert_eq!(response.codes(), ["BAD_USER_INPUT"]);
    assert!(
        response.errors[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("at most 100")
    );
    let ids = vec!["x"; 101];
    let response = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(response.codes(), ["BAD_USER_INPUT"]);

    // Cursors: an offset near i64::MAX, and u64::MAX (which wrapped to the first page).
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let page = app
        .graphql("{ plans(first: 1) { pageInfo { endCursor } } }", json!({}))
        .await
        .ok();
    let real = b64
        .decode(
            page["plans"]["pageInfo"]["endCursor"]
                .as_str()
                .expect("cursor"),
        )
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .expect("a cursor");
    let (ordering, _) = real.rsplit_once(':').expect("ordering:offset");
    for offset in [i64::MAX as u64, u64::MAX] {
        let cursor = b64.encode(format!("{ordering}:{offset}"));
        let response = app
            .graphql(
                "query($c: String) { plans(first: 2, after: $c) { nodes { title } } }",
                json!({ "c": cursor }),
            )
            .await;
        assert_eq!(
            response.codes(),
            ["BAD_USER_INPUT"],
            "offset {offset}: {:?}",
            response.errors
        );
    }
    // Dates and years out of range get the same answer on both databases.
    for date in ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"] {
        let response = app
            .graphql(
                "query($d: Date) { tasks(first: 1, filter: { dueFrom: $d }) { totalCount } }",
                json!({ "d": date }),
            )
            .await;
        assert_eq!(response.codes(), ["BAD_USER_INPUT"], "{date}");
    }
    let plan = app.plan_id("5198/KH-SYT").await;
    let target = r#"mutation($input: CreateTargetInput!) { createTarget(input: $input) { target { id } userErrors { field code } } }"#;
    let response = app
        .graphql_as(
            &admin,
            target,
            json!({ "input": { "planId": plan, "code": "X.1", "statement": "Chỉ tiêu thử",
            "measure": "COUNT", "comparator": "AT_LEAST", "targetValue": 5, "targetYear": 99999,
            "assignments": [{ "role": "LEAD", "unitId": app.unit_id("H34.20").await }] } }),
        )
        .await
        .ok();
    let errors = &response["createTarget"]["userErrors"];
    assert!(
        errors.as_array().is_some_and(|e| e
            .iter()
            .any(|e| e["code"] == "OUT_OF_RANGE" && e["field"][1] == "targetYear")),
        "{errors}"
    );
}

async fn transport_errors_have_the_graphql_shape(app: &TestApp) {
    let checks: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (app.request(Method::GET, "/nowhere"), 404, "NOT_FOUND"),
        (
            app.request(Method::PUT, "/graphql")
                .json(&json!({ "query": "{ __typename }" })),
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            app.request(Method::DELETE, "/graphql"),
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            app.request(Method::POST, "/graphql")
                .header("Content-Type", "application/json")
                .body(format!(
                    r#"{{"query":"{{ __typename }}","pad":"{}"}}"#,
                    "x".repeat(300 * 1024)
                )),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            app.request(Method::GET, "/graphql")
                .query(&[("query", "{ __typename }"), ("variables", "{nope")]),
            400,
            "BAD_REQUEST",
        ),
        (
            app.request(Method::GET, "/graphql")
                .query(&[("query", "mutation { __typename }")]),
            405,
            "METHOD_NOT_ALLOWED",
        ),
    ];
    for (request, status, code) in checks {
        let response = request
            .header("X-Request-Id", "probe-1")
            .send()
            .await
            .expect("send");
        let (actual, headers, body) = TestApp::parts(response).await;
        assert_eq!(actual, status, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], "probe-1");
        assert_eq!(headers["x-request-id"], "probe-1");
    }
}

db_tests!(
    oversized_documents_are_refused_before_they_run,
    batches_and_csrf_shaped_requests_are_refused,
    cost_is_reported_and_capped,
    inputs_are_bounded,
    transport_errors_have_the_graphql_shape,
);

/// Each caller spends its own bucket of cost points; `X-Forwarded-For` names the caller only
/// when a trusted proxy sends it.
async fn rate_limits(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.limits.rate_anonymous = 10;
        s.limits.rate_anonymous_burst = 500;
        s.limits.rate_principal = 10;
        s.limits.rate_principal_burst = 500;
    })
    .await;
    // 1 + 100 × (1 + 1) = 201 points.
    let query = json!({ "query": "{ tasks(first: 100) { nodes { title plan { title } } } }" });
    let (status, headers, body) = app.post_json(None, &query).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["extensions"]["cost"]["requested"], 201);
    assert_eq!(headers["ratelimit-limit"], "500");
    assert_eq!(headers["ratelimit-remaining"], "299");
    let _ = app.post_json(None, &query).await;
    let (status, headers, body) = app.post_json(None, &query).await;
    assert_eq!(status, 429, "{body}");
    let (code, _, message) = refusal(&body);
    assert_eq!(code, "RATE_LIMITED", "{message}");
    let retry: u64 = headers["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=30).contains(&retry), "{retry}");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry);
    // A spoofed X-Forwarded-For from an untrusted peer changes nothing.
    let spoofed = app
        .request(Method::POST, "/graphql")
        .header("X-Forwarded-For", "203.0.113.77")
        .json(&query)
        .send()
        .await
        .expect("send");
    assert_eq!(spoofed.status().as_u16(), 429);
    // A signed-in caller has a bucket of its own.
    let (status, _, _) = app
        .post_json(Some(&token(Role::Viewer, Some("H19.20"))), &query)
        .await;
    assert_eq!(status, 200);
    app.stop().await;

    // Behind a trusted proxy, each forwarded client has its own bucket.
    let proxied = spawn_app_with(backend, |s| {
        s.limits.rate_anonymous = 10;
        s.limits.rate_anonymous_burst = 300;
        s.limits.trusted_proxies = vec!["127.0.0.0/8".into()];
    })
    .await;
    let from = |client: &'static str| {
        proxied
            .request(Method::POST, "/graphql")
            .header("X-Forwarded-For", format!("{client}, 127.0.0.1"))
            .json(&query)
            .send()
    };
    assert_eq!(
        from("198.51.100.1").await.expect("send").status().as_u16(),
        200
    );
    assert_eq!(
        from("198.51.100.1").await.expect("send").status().as_u16(),
        429
    );
    assert_eq!(
        from("198.51.100.2").await.expect("send").status().as_u16(),
        200
    );
    proxied.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_sqlite() {
    rate_limits(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn rate_limits_postgres() {
    rate_limits(Backend::Postgres).await;
}

/// Production: no GraphiQL, no introspection and no "did you mean" for anonymous callers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_hides_suggestions_from_anonymous_callers() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.auth.production = true).await;
    let typo = "{ unit(code: \"H34.20\") { nme } }";
    let anonymous = app.graphql(typo, json!({})).await;
    assert_eq!(anonymous.codes(), ["GRAPHQL_VALIDATION_FAILED"]);
    let message = anonymous.errors[0]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("Did you mean"), "{message}");
    let signed_in = app
        .graphql_as(&token(Role::Viewer, Some("H19.20")), typo, json!({}))
        .await;
    let message = signed_in.errors[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Did you mean"),
        "signed-in developers keep the hint: {message}"
    );
    app.stop().await;
}
