//! HTTP behaviour: health, readiness, request ids, GraphiQL, GET rules, content types, limits,
//! and internal errors that stay internal.

use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::TestApp;

async fn health_and_readiness(app: &TestApp) {
    let health = app
        .request(Method::GET, "/healthz")
        .send()
        .await
        .expect("send");
    assert_eq!(health.status().as_u16(), 200);
    let ready = app
        .request(Method::GET, "/readyz")
        .send()
        .await
        .expect("send");
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(
        ready.json::<Value>().await.expect("json")["status"],
        "ready"
    );
    let metrics = app
        .request(Method::GET, "/metrics")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(metrics.contains("sql_statements_total "), "{metrics}");
}

async fn request_ids_are_echoed_or_generated(app: &TestApp) {
    let query = json!({ "query": "{ node(id: \"garbage\") { id } }" });
    let response = app
        .request(Method::POST, "/graphql")
        .header("X-Request-Id", "lgsp-7f3a-0001")
        .json(&query)
        .send()
        .await
        .expect("send");
    assert_eq!(response.headers()["x-request-id"], "lgsp-7f3a-0001");
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"], "lgsp-7f3a-0001",
        "errors carry the request id"
    );
    let generated = app
        .request(Method::GET, "/healthz")
        .send()
        .await
        .expect("send");
    let id = generated.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let parsed = uuid::Uuid::parse_str(&id).expect("a UUID when none was sent");
    assert_eq!(parsed.get_version_num(), 7, "time-ordered: {id}");
    let again = app
        .request(Method::GET, "/healthz")
        .send()
        .await
        .expect("send");
    let other = again.headers()["x-request-id"].to_str().expect("ascii");
    assert_ne!(other, id, "each request gets its own id");
    let other = uuid::Uuid::parse_str(other).expect("a UUID");
    assert!(
        other.get_timestamp().map(|t| t.to_unix()) >= parsed.get_timestamp().map(|t| t.to_unix()),
        "ids follow the clock"
    );
}

async fn get_serves_graphiql_and_queries_but_never_mutations(app: &TestApp) {
    let page = app
        .request(Method::GET, "/graphql")
        .header("Accept", "text/html")
        .send()
        .await
        .expect("send");
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.text()
            .await
            .expect("text")
            .to_lowercase()
            .contains("graphiql")
    );
    let query = app
        .request(Method::GET, "/graphql")
        .query(&[("query", "{ unit(code: \"H34.20\") { name } }")])
        .send()
        .await
        .expect("send");
    assert_eq!(
        query.json::<Value>().await.expect("json")["data"]["unit"]["name"],
        "Sở Y tế tỉnh Kon Tum"
    );
    let mutation = app
        .request(Method::GET, "/graphql")
        .query(&[("query", "mutation { __typename }")])
        .send()
        .await
        .expect("send");
    assert_eq!(mutation.status().as_u16(), 405);
    assert_eq!(
        mutation.json::<Value>().await.expect("json")["errors"][0]["extensions"]["code"],
        "METHOD_NOT_ALLOWED"
    );
}

async fn malformed_requests_get_clear_errors(app: &TestApp) {
    let text = app
        .request(Method::POST, "/graphql")
        .header("Content-Type", "text/plain")
        .body(r#"{"query":"{ __typename }"}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(text.status().as_u16(), 415);
    assert_eq!(
        text.json::<Value>().await.expect("json")["errors"][0]["extensions"]["code"],
        "UNSUPPORTED_MEDIA_TYPE"
    );
    let broken = app
        .request(Method::POST, "/graphql")
        .header("Content-Type", "application/json")
        .body("{ not json")
        .send()
        .await
        .expect("send");
    assert_eq!(broken.status().as_u16(), 400);
    assert_eq!(
        broken.json::<Value>().await.expect("json")["errors"][0]["extensions"]["code"],
        "BAD_REQUEST"
    );
    let huge = format!(
        r#"{{"query":"{{ __typename }}","variables":{{"pad":"{}"}}}}"#,
        "x".repeat(300 * 1024)
    );
    let too_big = app
        .request(Method::POST, "/graphql")
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("send");
    assert_eq!(too_big.status().as_u16(), 413, "bodies are capped");
    let syntax = app.graphql("{ plans(first: ", json!({})).await;
    assert_eq!(syntax.codes(), ["GRAPHQL_VALIDATION_FAILED"]);
    let unknown_field = app
        .graphql("{ plans(first: 1) { nodes { nope } } }", json!({}))
        .await;
    assert_eq!(unknown_field.codes(), ["GRAPHQL_VALIDATION_FAILED"]);
    let deep = format!(
        "{{ units(first: 1) {{ nodes {}{} }} }}",
        "{ parent ".repeat(20),
        "{ name }".to_owned() + &" }".repeat(20)
    );
    let too_deep = app.graphql(&deep, json!({})).await;
    assert_eq!(
        too_deep.codes(),
        ["GRAPHQL_VALIDATION_FAILED"],
        "depth is limited"
    );
}

async fn fields_come_back_in_query_order(app: &TestApp) {
    // `plan { issuer }` finishes last; the response must still follow the query (GraphQL spec).
    let body = app
        .request(Method::POST, "/graphql")
        .json(&json!({ "query": "{ targets(first: 1) { nodes { code plan { title issuer { name } } lead { name } measureUnit } } }" }))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    let at = |key: &str| {
        body.find(&format!("\"{key}\""))
            .unwrap_or_else(|| panic!("{key} in {body}"))
    };
    assert!(
        at("code") < at("plan") && at("plan") < at("lead") && at("lead") < at("measureUnit"),
        "{body}"
    );
}

async fn database_failures_stay_internal(app: &TestApp) {
    // Sabotage the database, as an outage or a bad deployment would (on PostgreSQL the links
    // of reports to their updates go with it).
    let drop = match app.backend {
        crate::helpers::Backend::Postgres => "DROP TABLE progress_update CASCADE",
        crate::helpers::Backend::Sqlite => "DROP TABLE progress_update",
    };
    app.db.execute_unprepared(drop).await.expect("drop");
    let response = app
        .graphql(
            "{ tasks(first: 3) { nodes { code latestProgress { percent } } } }",
            json!({}),
        )
        .await;
    assert!(
        response
            .codes()
            .iter()
            .all(|c| c == "INTERNAL_SERVER_ERROR"),
        "{:?}",
        response.errors
    );
    assert!(!response.errors.is_empty());
    for error in &response.errors {
        let message = error["message"].as_str().unwrap_or_default();
        assert_eq!(message, "Internal server error", "no SQL detail leaks");
    }
}

/// Parsed documents are reused by query text: the same text with other variables answers for
/// those variables, and a broken query is reported every time it is sent.
async fn repeated_queries_reuse_parsed_documents(app: &TestApp) {
    let query = "query($first: Int!, $search: String) { plans(first: $first, filter: { search: $search }) { nodes { title } } }";
    let count = |data: &Value| data["plans"]["nodes"].as_array().map(Vec::len);
    let two = app
        .graphql(query, json!({ "first": 2, "search": null }))
        .await
        .ok();
    let five = app
        .graphql(query, json!({ "first": 5, "search": null }))
        .await
        .ok();
    assert_eq!((count(&two), count(&five)), (Some(2), Some(5)));
    let searched = app
        .graphql(query, json!({ "first": 5, "search": "cai cach" }))
        .await
        .ok();
    for plan in searched["plans"]["nodes"].as_array().expect("nodes") {
        let title = plan["title"].as_str().unwrap_or_default().to_lowercase();
        assert!(title.contains("cải cách"), "{title}");
    }
    for _ in 0..2 {
        let missing = app.graphql(query, json!({ "search": "y tế" })).await;
        assert_eq!(missing.codes(), ["BAD_USER_INPUT"]);
        let syntax = app.graphql("{ plans(first: ", json!({})).await;
        assert_eq!(syntax.codes(), ["GRAPHQL_VALIDATION_FAILED"]);
    }
}

/// A document that validated once skips async-graphql's validation rules when its variables
/// are plainly valid; any other value still gets exactly the errors it got before the document
/// was known (the rules run as before), and new valid values answer as they should.
async fn known_documents_refuse_bad_variables_as_before(app: &TestApp) {
    let query = "query($first: Int!, $status: [PlanStatus!], $filter: TaskFilter, $after: String) { plans(first: $first, after: $after, filter: { status: $status }) { nodes { title status } } tasks(first: 1, filter: $filter) { nodes { code } } }";
    let bad = [
        json!({ "first": "twenty" }),
        json!({ "first": 1.5 }),
        json!({ "first": 2, "status": ["BOGUS"] }),
        json!({ "first": 2, "status": [null] }),
        json!({ "first": 2, "filter": { "nope": 1 } }),
        json!({ "first": 2, "filter": "everything" }),
        json!({ "first": 2, "after": 7 }),
        json!({ "first": 3_000_000_000_i64 }),
        // Last: it answers with data, which makes the document known.
        json!({ "first": null }),
    ];
    // Errors as the caller sees them, but for the request id.
    let errors = |response: crate::helpers::Gql| -> Vec<Value> {
        response
            .errors
            .into_iter()
            .map(|mut error| {
                if let Some(extensions) = error["extensions"].as_object_mut() {
                    extensions.remove("requestId");
                }
                error
            })
            .collect()
    };
    let mut before = Vec::new();
    for variables in &bad {
        let response = errors(app.graphql(query, variables.clone()).await);
        // async-graphql lets a null through for a non-null variable of a nullable argument.
        if !variables["first"].is_null() {
            assert!(!response.is_empty(), "{variables} is refused");
        }
        before.push(response);
    }
    let issued = app
        .graphql(query, json!({ "first": 2, "status": ["ISSUED"] }))
        .await
        .ok();
    let statuses = |data: &Value| -> Vec<String> {
        data["plans"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|p| p["status"].as_str().expect("status").to_owned())
            .collect()
    };
    assert_eq!(statuses(&issued), ["ISSUED", "ISSUED"]);
    // Known now: new valid values answer by them.
    let one = app
        .graphql(
            query,
            json!({ "first": 1, "status": "ISSUED", "filter": { "search": "y tế" } }),
        )
        .await
        .ok();
    assert_eq!(statuses(&one), ["ISSUED"]);
    let nulls = app
        .graphql(
            query,
            json!({ "first": 1, "status": null, "filter": null, "after": null }),
        )
        .await
        .ok();
    assert_eq!(nulls["plans"]["nodes"].as_array().map(Vec::len), Some(1));
    for (variables, expected) in bad.iter().zip(&before) {
        let after = errors(app.graphql(query, variables.clone()).await);
        assert_eq!(
            &after, expected,
            "{variables}: the same errors once the document is known"
        );
    }
}

db_tests!(
    known_documents_refuse_bad_variables_as_before,
    repeated_queries_reuse_parsed_documents,
    health_and_readiness,
    request_ids_are_echoed_or_generated,
    get_serves_graphiql_and_queries_but_never_mutations,
    malformed_requests_get_clear_errors,
    fields_come_back_in_query_order,
    database_failures_stay_internal,
);

/// After the database drops the server's connections (a restart, a failover), requests are
/// served again without restarting the server: a pooled connection idle for more than a second
/// is tested before use and replaced when dead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn dropped_database_connections_are_replaced() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Postgres).await;
    let query = "{ plans(first: 3) { totalCount nodes { title } } }";
    let before = app.graphql(query, json!({})).await.ok();
    assert!(before["plans"]["totalCount"].as_i64() > Some(0));
    assert!(
        app.end_database_connections().await > 0,
        "the server held connections"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    for _ in 0..6 {
        let after = app.graphql(query, json!({})).await.ok();
        assert_eq!(after, before);
    }
    app.stop().await;
}
