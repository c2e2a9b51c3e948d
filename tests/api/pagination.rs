//! Relay pagination: empty, exact, forward, last page, backward, and every bad argument.

use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::TestApp;

const TASKS: &str = r#"query($plan: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  tasks(first: $first, after: $after, last: $last, before: $before, filter: { planId: $plan }) {
    totalCount
    edges { cursor node { code } }
    nodes { code }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }"#;

async fn kontum_2022(app: &TestApp) -> String {
    app.plan_id_by_search("cai cach hanh chinh nha nuoc nganh y te nam 2022")
        .await
}

fn codes(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn empty_list(app: &TestApp) {
    let data = app
        .graphql(
            r#"{ plans(first: 5, filter: { search: "khong co ke hoach nao nhu the" }) {
                totalCount edges { cursor } nodes { id }
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#,
            json!({}),
        )
        .await
        .ok();
    let plans = &data["plans"];
    assert_eq!(plans["totalCount"], 0);
    assert_eq!(plans["edges"], json!([]));
    assert_eq!(plans["nodes"], json!([]));
    assert_eq!(
        plans["pageInfo"],
        json!({ "hasNextPage": false, "hasPreviousPage": false, "startCursor": null, "endCursor": null })
    );
}

/// The total is the whole list's, also for pages with no row to read it from.
async fn empty_pages_still_count_the_whole_list(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let all = app
        .graphql(TASKS, json!({ "plan": plan, "first": 46 }))
        .await
        .ok();
    let last = all["tasks"]["pageInfo"]["endCursor"].clone();
    for (variables, why) in [
        (json!({ "plan": plan, "first": 0 }), "first: 0"),
        (
            json!({ "plan": plan, "first": 5, "after": last }),
            "after the last task",
        ),
    ] {
        let tasks = &app.graphql(TASKS, variables).await.ok()["tasks"];
        assert_eq!(tasks["nodes"], json!([]), "{why}");
        assert_eq!(tasks["totalCount"], 46, "{why}");
    }
    let plans = r#"query($after: String) { plans(first: 100, after: $after) {
        totalCount nodes { id } pageInfo { endCursor } } }"#;
    let all = app.graphql(plans, json!({})).await.ok();
    let count = all["plans"]["nodes"].as_array().expect("plans").len();
    assert!(count > 3, "the demo has plans");
    assert_eq!(all["plans"]["totalCount"], count);
    let after_last = app
        .graphql(
            plans,
            json!({ "after": all["plans"]["pageInfo"]["endCursor"] }),
        )
        .await
        .ok();
    assert_eq!(after_last["plans"]["nodes"], json!([]));
    assert_eq!(after_last["plans"]["totalCount"], count);
}

async fn exact_page_has_no_next_page(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let data = app
        .graphql(TASKS, json!({ "plan": plan, "first": 46 }))
        .await
        .ok();
    let tasks = &data["tasks"];
    assert_eq!(
        tasks["totalCount"], 46,
        "the Kon Tum 2022 plan has 46 tasks"
    );
    assert_eq!(codes(tasks).len(), 46);
    assert_eq!(tasks["pageInfo"]["hasNextPage"], false);
    assert_eq!(tasks["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(
        tasks["edges"][0]["cursor"],
        tasks["pageInfo"]["startCursor"]
    );
    assert_eq!(tasks["edges"][45]["cursor"], tasks["pageInfo"]["endCursor"]);
}

async fn forward_pages_cover_the_list_once(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let all = codes(
        &app.graphql(TASKS, json!({ "plan": plan, "first": 100 }))
            .await
            .ok()["tasks"],
    );
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut sizes = Vec::new();
    loop {
        let data = app
            .graphql(TASKS, json!({ "plan": plan, "first": 20, "after": after }))
            .await
            .ok();
        let tasks = &data["tasks"];
        assert_eq!(tasks["pageInfo"]["hasPreviousPage"], json!(after.is_some()));
        sizes.push(codes(tasks).len());
        seen.extend(codes(tasks));
        if tasks["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = tasks["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(sizes, vec![20, 20, 6], "the last page holds the remainder");
    assert_eq!(
        seen, all,
        "pages follow the list in order, without gaps or repeats"
    );
}

async fn backward_pages(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let all_data = app
        .graphql(TASKS, json!({ "plan": plan, "first": 100 }))
        .await
        .ok();
    let all = codes(&all_data["tasks"]);
    let last = app
        .graphql(TASKS, json!({ "plan": plan, "last": 5 }))
        .await
        .ok();
    assert_eq!(codes(&last["tasks"]), all[41..].to_vec());
    assert_eq!(last["tasks"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(last["tasks"]["pageInfo"]["hasNextPage"], false);
    let tenth = all_data["tasks"]["edges"][10]["cursor"].clone();
    let before = app
        .graphql(TASKS, json!({ "plan": plan, "last": 5, "before": tenth }))
        .await
        .ok();
    assert_eq!(codes(&before["tasks"]), all[5..10].to_vec());
    assert_eq!(before["tasks"]["pageInfo"]["hasNextPage"], true);
    let start = app
        .graphql(TASKS, json!({ "plan": plan, "last": 30, "before": tenth }))
        .await
        .ok();
    assert_eq!(
        codes(&start["tasks"]),
        all[..10].to_vec(),
        "a backward page stops at the start"
    );
    assert_eq!(start["tasks"]["pageInfo"]["hasPreviousPage"], false);
}

async fn bad_page_arguments_are_rejected(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let plans_cursor = app
        .graphql("{ plans(first: 1) { pageInfo { endCursor } } }", json!({}))
        .await
        .ok()["plans"]["pageInfo"]["endCursor"]
        .clone();
    for (variables, why) in [
        (json!({ "plan": plan, "first": 101 }), "first above 100"),
        (json!({ "plan": plan, "first": -1 }), "negative first"),
        (json!({ "plan": plan, "last": 1000 }), "last above 100"),
        (
            json!({ "plan": plan, "first": 2, "last": 2 }),
            "first and last together",
        ),
        (
            json!({ "plan": plan, "first": 2, "after": "bm90IGEgY3Vyc29y" }),
            "a cursor that is not ours",
        ),
        (
            json!({ "plan": plan, "first": 2, "after": "%%%" }),
            "a malformed cursor",
        ),
        (
            json!({ "plan": plan, "first": 2, "after": plans_cursor }),
            "a cursor of another list",
        ),
    ] {
        let response = app.graphql(TASKS, variables).await;
        assert_eq!(response.codes(), ["BAD_USER_INPUT"], "{why}");
        assert_eq!(response.data, Value::Null, "{why}: no data");
        let message = response.errors[0]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && !message.contains("Internal"),
            "{why}: {message}"
        );
    }
}

async fn nested_connections_page_forward(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let query = r#"query($id: ID!, $after: String, $first: Int) { plan(id: $id) {
        tasks(first: $first, after: $after) { totalCount nodes { code } pageInfo { hasNextPage endCursor } } } }"#;
    let first = app
        .graphql(query, json!({ "id": plan, "first": 40 }))
        .await
        .ok();
    let tasks = &first["plan"]["tasks"];
    assert_eq!(tasks["totalCount"], 46);
    assert_eq!(tasks["pageInfo"]["hasNextPage"], true);
    let next = app
        .graphql(
            query,
            json!({ "id": plan, "first": 40, "after": tasks["pageInfo"]["endCursor"] }),
        )
        .await
        .ok();
    let rest = &next["plan"]["tasks"];
    assert_eq!(codes(rest).len(), 6);
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    let all = codes(
        &app.graphql(TASKS, json!({ "plan": plan, "first": 100 }))
            .await
            .ok()["tasks"],
    );
    assert_eq!(
        [codes(tasks), codes(rest)].concat(),
        all,
        "document order, as the top-level list"
    );
    let too_many = app
        .graphql(query, json!({ "id": plan, "first": 500 }))
        .await;
    assert_eq!(too_many.codes(), ["BAD_USER_INPUT"]);
}

db_tests!(
    empty_list,
    empty_pages_still_count_the_whole_list,
    exact_page_has_no_next_page,
    forward_pages_cover_the_list_once,
    backward_pages,
    bad_page_arguments_are_rejected,
    nested_connections_page_forward,
);
