//! No N+1: a nested query costs the same number of SQL statements whatever the page size.

use serde_json::json;

use crate::db_tests;
use crate::helpers::TestApp;

// The completed seed plans (three of them have tasks); the page size applies at both levels.
const NESTED: &str = r#"query($first: Int!) { plans(first: $first, filter: { status: [COMPLETED] }) { nodes { documentNumber
    tasks(first: $first) { totalCount nodes { code lead { name } timeliness
        assignments { role unit { name } group { label } }
        latestProgress { percent unit { name } } } } } } }"#;

const TASK_LIST: &str = r#"query($first: Int!) { tasks(first: $first) { nodes { code plan { title }
    assignments { role unit { name } group { label } } latestProgress { percent } } } }"#;

async fn statements_for(app: &TestApp, query: &str, first: i64) -> (u64, serde_json::Value) {
    let before = app.statements.get();
    let data = app.graphql(query, json!({ "first": first })).await.ok();
    (app.statements.get() - before, data)
}

async fn nested_queries_cost_the_same_for_any_page_size(app: &TestApp) {
    let (small, small_data) = statements_for(app, NESTED, 5).await;
    let (large, large_data) = statements_for(app, NESTED, 50).await;
    let count_tasks = |data: &serde_json::Value| -> usize {
        data["plans"]["nodes"]
            .as_array()
            .expect("plans")
            .iter()
            .map(|p| p["tasks"]["nodes"].as_array().map_or(0, Vec::len))
            .sum()
    };
    assert_eq!(
        count_tasks(&small_data),
        15,
        "three plans with five tasks each"
    );
    assert!(
        count_tasks(&large_data) > 130,
        "the larger page really is larger"
    );
    assert_eq!(
        small, large,
        "plans → tasks → assignments → unit: {small} vs {large} statements"
    );
    // plans, tasks, assignments, latest progress, units, groups: one statement each.
    assert!(
        large <= 6,
        "a handful of statements, not one per row: {large}"
    );

    let (small, _) = statements_for(app, TASK_LIST, 5).await;
    let (large, data) = statements_for(app, TASK_LIST, 100).await;
    assert_eq!(data["tasks"]["nodes"].as_array().map(Vec::len), Some(100));
    assert_eq!(
        small, large,
        "tasks → plan, assignments, progress: {small} vs {large} statements"
    );
}

/// The dashboard's query (benchmark Q1): plan, tasks, assignments joined with their units,
/// latest progress.
async fn the_dashboard_query_costs_four_statements(app: &TestApp) {
    let plan = app
        .plan_id_by_search("cai cach hanh chinh nha nuoc nganh y te nam 2022")
        .await;
    let query = r#"query($id: ID!, $first: Int!) { plan(id: $id) { tasks(first: $first) { nodes {
        code title status assignments { role unit { name } } latestProgress { percent reportedAt } } } } }"#;
    let mut counts = Vec::new();
    for first in [5, 46] {
        let before = app.statements.get();
        let data = app
            .graphql(query, json!({ "id": plan, "first": first }))
            .await
            .ok();
        assert_eq!(
            data["plan"]["tasks"]["nodes"].as_array().map(Vec::len),
            Some(first as usize)
        );
        counts.push(app.statements.get() - before);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(
        counts[0] <= 4,
        "plan, tasks, assignments with units, latest progress: {counts:?}"
    );
}

db_tests!(
    nested_queries_cost_the_same_for_any_page_size,
    the_dashboard_query_costs_four_statements
);
