//! Relay pagination: empty, exact, forward, last page, backward, and every bad argument.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::db_tests;
use api::auth::Role;

use crate::helpers::{TestApp, token};

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
    let mut sizes = Vec::new();
    let paged = page_through(app, None, TASKS, "tasks", json!({ "plan": plan }), 20, 10).await;
    for (n, tasks) in paged.iter().enumerate() {
        assert_eq!(tasks["pageInfo"]["hasPreviousPage"], json!(n > 0));
        sizes.push(codes(tasks).len());
        seen.extend(codes(tasks));
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

/// A plan's tasks are read one way for one plan (its index walked in order, keyset cursors) and
/// another under a list of plans (one statement for every plan's page): both give the same
/// pages, and a cursor from either continues in the other.
async fn a_plans_task_cursors_carry_over_between_one_plan_and_a_list(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let one = r#"query($id: ID!, $after: String) { plan(id: $id) {
        tasks(first: 10, after: $after) { totalCount nodes { code } pageInfo { endCursor } } } }"#;
    let listed = r#"query($id: ID!, $after: String) { nodes(ids: [$id]) { ... on Plan {
        tasks(first: 10, after: $after) { totalCount nodes { code } pageInfo { endCursor } } } } }"#;
    let all = codes(
        &app.graphql(TASKS, json!({ "plan": plan, "first": 100 }))
            .await
            .ok()["tasks"],
    );
    assert_eq!(all.len(), 46);
    let read = |query: &'static str, after: Value| {
        let plan = plan.clone();
        async move {
            let data = app
                .graphql(query, json!({ "id": plan, "after": after }))
                .await
                .ok();
            let tasks = data
                .pointer("/plan/tasks")
                .or_else(|| data.pointer("/nodes/0/tasks"))
                .cloned()
                .unwrap_or_else(|| panic!("tasks in {data}"));
            assert_eq!(tasks["totalCount"], 46, "{data}");
            tasks
        }
    };
    for (first, then) in [(one, listed), (listed, one), (one, one), (listed, listed)] {
        let page = read(first, Value::Null).await;
        assert_eq!(codes(&page), all[..10]);
        let next = read(then, page["pageInfo"]["endCursor"].clone()).await;
        assert_eq!(codes(&next), all[10..20], "continued in the other form");
    }
    // A cursor of another list (the top-level `tasks`), or no cursor at all, is refused by
    // either form as bad input.
    let other = app
        .graphql(TASKS, json!({ "plan": plan, "first": 10 }))
        .await
        .ok()["tasks"]["edges"][9]["cursor"]
        .clone();
    assert!(other.is_string());
    for query in [one, listed] {
        for after in [other.clone(), json!("garbage")] {
            let refused = app
                .graphql(query, json!({ "id": plan, "after": after }))
                .await;
            assert_eq!(refused.codes(), ["BAD_USER_INPUT"], "{after} in {query}");
        }
    }
}

const PLANS_BY_CREATION: &str = r#"query($first: Int, $after: String) {
  plans(first: $first, after: $after, orderBy: { field: CREATED_AT }) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }"#;

fn ids(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A page after a cursor starts right after the cursor's row, found by its sort keys, not by
/// counting rows: a plan created (or the cursor's own plan deleted) between two pages neither
/// repeats nor skips a row, as it would with offsets.
async fn pages_continue_after_their_row_when_the_list_changes(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let before = app
        .graphql_as(&admin, PLANS_BY_CREATION, json!({ "first": 100 }))
        .await
        .ok();
    let all = ids(&before["plans"]);
    assert!(all.len() > 6, "the demo has plans");
    let first = app
        .graphql_as(&admin, PLANS_BY_CREATION, json!({ "first": 3 }))
        .await
        .ok();
    assert_eq!(ids(&first["plans"]), all[..3].to_vec());
    let cursor = first["plans"]["pageInfo"]["endCursor"].clone();
    let create =
        "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id version } } }";
    let created = app
        .graphql_as(
            &admin,
            create,
            json!({ "input": { "title": "Kế hoạch mới giữa hai trang", "kind": "PLAN",
                "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]
        .clone();
    let second = app
        .graphql_as(
            &admin,
            PLANS_BY_CREATION,
            json!({ "first": 3, "after": cursor }),
        )
        .await
        .ok();
    assert_eq!(
        ids(&second["plans"]),
        all[3..6].to_vec(),
        "a plan created before the cursor's row does not shift the next page"
    );
    assert_eq!(second["plans"]["pageInfo"]["hasPreviousPage"], true);

    // The newest plan is now first; the page after it is the old list's start, also once the
    // plan itself is gone.
    let newest = app
        .graphql_as(&admin, PLANS_BY_CREATION, json!({ "first": 1 }))
        .await
        .ok();
    assert_eq!(
        ids(&newest["plans"]),
        vec![created["id"].as_str().unwrap_or_default().to_owned()]
    );
    let cursor = newest["plans"]["pageInfo"]["endCursor"].clone();
    app.graphql_as(
        &admin,
        "mutation($input: PlanVersionInput!) { deletePlan(input: $input) { userErrors { message } } }",
        json!({ "input": { "id": created["id"], "version": created["version"] } }),
    )
    .await
    .ok();
    let after_deleted = app
        .graphql_as(
            &admin,
            PLANS_BY_CREATION,
            json!({ "first": 3, "after": cursor }),
        )
        .await
        .ok();
    assert_eq!(
        ids(&after_deleted["plans"]),
        all[..3].to_vec(),
        "the cursor's row deleted: the page still starts after where it stood"
    );
}

/// A page of tasks whose selection reads no cursor leaves its rows' sort keys out; one that
/// reads them anywhere (`edges`, `pageInfo`, through a fragment) gets the same keyed cursors as
/// the plain selection, and the same rows either way.
async fn task_cursors_come_whenever_a_selection_reads_them(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let direct = app
        .graphql(
            r#"query($plan: ID!) { tasks(first: 4, filter: { planId: $plan }) {
                edges { cursor } nodes { code } pageInfo { endCursor } } }"#,
            json!({ "plan": plan }),
        )
        .await
        .ok();
    let end = direct["tasks"]["pageInfo"]["endCursor"].clone();
    assert_eq!(direct["tasks"]["edges"][3]["cursor"], end);
    // Opaque to clients; here, the test looks inside for the row's keys after their separator.
    let inside = URL_SAFE_NO_PAD
        .decode(end.as_str().unwrap_or_default())
        .unwrap_or_default();
    assert!(
        String::from_utf8_lossy(&inside).contains('\u{1f}'),
        "a keyed cursor: {inside:?}"
    );
    for (query, why) in [
        (
            r#"query($plan: ID!) { tasks(first: 4, filter: { planId: $plan }) { ...Ends nodes { code } } }
               fragment Ends on TaskConnection { pageInfo { endCursor } }"#,
            "pageInfo through a fragment",
        ),
        (
            r#"query($plan: ID!) { tasks(first: 4, filter: { planId: $plan }) {
                nodes { code } ... on TaskConnection { pageInfo { endCursor } } } }"#,
            "pageInfo through an inline fragment",
        ),
    ] {
        let read = app.graphql(query, json!({ "plan": plan })).await.ok();
        assert_eq!(read["tasks"]["pageInfo"]["endCursor"], end, "{why}");
        assert_eq!(codes(&read["tasks"]), codes(&direct["tasks"]), "{why}");
    }
    let plain = app
        .graphql(
            r#"query($plan: ID!) { tasks(first: 4, filter: { planId: $plan }) { nodes { code } } }"#,
            json!({ "plan": plan }),
        )
        .await
        .ok();
    assert_eq!(codes(&plain["tasks"]), codes(&direct["tasks"]));
    let uncursored = app
        .graphql(
            r#"query($plan: ID!) { tasks(first: 4, filter: { planId: $plan }) {
                edges { node { code } } pageInfo { hasNextPage } } }"#,
            json!({ "plan": plan }),
        )
        .await
        .ok();
    let edge_codes: Vec<String> = uncursored["tasks"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(edge_codes, codes(&direct["tasks"]));
    assert_eq!(uncursored["tasks"]["pageInfo"]["hasNextPage"], true);
    // The cursor is keyed (it carries the row's sort keys): the next page starts after its row.
    let next = app
        .graphql(TASKS, json!({ "plan": plan, "first": 2, "after": end }))
        .await
        .ok();
    let all = app
        .graphql(TASKS, json!({ "plan": plan, "first": 6 }))
        .await
        .ok();
    assert_eq!(codes(&next["tasks"]), codes(&all["tasks"])[4..6].to_vec());
}

/// Paging through every ordering, in both directions, by pages of 7 gives exactly the list read
/// in one page: the keyset conditions agree with the `ORDER BY`, NULLs (tasks without a
/// deadline, units without a code) and ties (same title, same deadline) included, with units'
/// parents joined to the page or not.
async fn keyset_pages_cover_every_ordering_once(app: &TestApp) {
    let plan = kontum_2022(app).await;
    let tasks = r#"query($plan: ID!, $first: Int, $after: String, $order: TaskOrder) {
        tasks(first: $first, after: $after, filter: { planId: $plan }, orderBy: $order) {
          nodes { id } pageInfo { hasNextPage endCursor } } }"#;
    let units = r#"query($first: Int, $after: String, $order: UnitOrder) {
        units(first: $first, after: $after, orderBy: $order) {
          nodes { id } pageInfo { hasNextPage endCursor } } }"#;
    // With the parents read in the page's statement (a join after the page is cut).
    let units_with_parents = r#"query($first: Int, $after: String, $order: UnitOrder) {
        units(first: $first, after: $after, orderBy: $order) {
          nodes { id parent { id name } } pageInfo { hasNextPage endCursor } } }"#;
    let plans = r#"query($first: Int, $after: String, $order: PlanOrder) {
        plans(first: $first, after: $after, orderBy: $order) {
          nodes { id } pageInfo { hasNextPage endCursor } } }"#;
    let mut cases = Vec::new();
    for direction in ["ASC", "DESC"] {
        for field in ["DOCUMENT", "DUE_ON", "TITLE"] {
            cases.push((
                tasks,
                "tasks",
                json!({ "plan": plan, "order": { "field": field, "direction": direction } }),
            ));
        }
        for field in ["NAME", "CODE"] {
            for query in [units, units_with_parents] {
                cases.push((
                    query,
                    "units",
                    json!({ "order": { "field": field, "direction": direction } }),
                ));
            }
        }
        for field in ["ISSUED_ON", "DOCUMENT_NUMBER", "TITLE", "CREATED_AT"] {
            cases.push((
                plans,
                "plans",
                json!({ "order": { "field": field, "direction": direction } }),
            ));
        }
    }
    for (query, list, variables) in cases {
        let mut whole = variables.clone();
        whole["first"] = json!(100);
        let all = ids(&app.graphql(query, whole).await.ok()[list]);
        assert!(all.len() > 7, "{list} {variables}: more than one page");
        let seen: Vec<_> = page_through(app, None, query, list, variables.clone(), 7, 20)
            .await
            .iter()
            .flat_map(ids)
            .collect();
        assert_eq!(seen, all, "{list} {variables}");
    }
}

/// Pages through `list` by `size` from its start (at most `max_pages` pages), as `bearer` when
/// given: every page's connection, in order.
async fn page_through(
    app: &TestApp,
    bearer: Option<&str>,
    query: &str,
    list: &str,
    variables: Value,
    size: i64,
    max_pages: usize,
) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut after = Value::Null;
    for _ in 0..max_pages {
        let mut paged = variables.clone();
        paged["first"] = json!(size);
        paged["after"] = after;
        let data = match bearer {
            Some(token) => app.graphql_as(token, query, paged).await.ok(),
            None => app.graphql(query, paged).await.ok(),
        };
        let page = data[list].clone();
        let more = page["pageInfo"]["hasNextPage"] == true;
        after = page["pageInfo"]["endCursor"].clone();
        pages.push(page);
        if !more {
            break;
        }
    }
    pages
}

/// The other keyset lists, read by an administrator by pages of 3: targets, people, award
/// records and the audit log (newest first, keyed by instant and id).
async fn keyset_pages_cover_the_other_lists_once(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let lists = [
        (
            "targets",
            "query($first: Int, $after: String) { targets(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }",
        ),
        (
            "people",
            "query($first: Int, $after: String) { people(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }",
        ),
        (
            "awardRecords",
            "query($first: Int, $after: String) { awardRecords(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }",
        ),
        (
            "auditEvents",
            "query($first: Int, $after: String) { auditEvents(first: $first, after: $after) { nodes { occurredAt action objectId after } pageInfo { hasNextPage endCursor } } }",
        ),
    ];
    // Audit events of the test's own: five plans created, the last one edited four times.
    let mut plan = Value::Null;
    for n in 0..5 {
        plan = app
            .create_plan(&admin, &format!("Kế hoạch thứ {n}"), "H19.20")
            .await;
    }
    for n in 0..4 {
        plan = app
            .graphql_as(
                &admin,
                "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { plan { id version } } }",
                json!({ "input": { "id": plan["id"], "version": plan["version"],
                    "summary": format!("Bản dự thảo lần {n}") } }),
            )
            .await
            .ok()["updatePlan"]["plan"]
            .clone();
    }
    let nodes = |connection: &Value| connection["nodes"].as_array().cloned().unwrap_or_default();
    for (list, query) in lists {
        let all = nodes(
            &app.graphql_as(&admin, query, json!({ "first": 100 }))
                .await
                .ok()[list],
        );
        assert!(all.len() > 3, "{list}: more than one page");
        let pages = all.len().div_ceil(3);
        let mut seen: Vec<Value> =
            page_through(app, Some(&admin), query, list, json!({}), 3, pages)
                .await
                .iter()
                .flat_map(nodes)
                .collect();
        // A list longer than its first 100 is compared over those.
        seen.truncate(all.len());
        assert_eq!(seen, all, "{list}");
    }
    // One object's log (read through its own index on PostgreSQL): its five events, newest
    // first, by pages of 2.
    let query = "query($o: ID, $first: Int, $after: String) { auditEvents(first: $first, after: $after, filter: { objectId: $o }) { nodes { objectId occurredAt action } pageInfo { hasNextPage endCursor } } }";
    let object = json!({ "o": plan["id"] });
    let pages = page_through(app, Some(&admin), query, "auditEvents", object, 2, 10).await;
    let seen: Vec<Value> = pages.iter().flat_map(nodes).collect();
    let actions: Vec<&str> = seen.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "plan.update",
            "plan.update",
            "plan.update",
            "plan.update",
            "plan.create"
        ],
        "{seen:?}"
    );
    let instants: Vec<&str> = seen
        .iter()
        .filter_map(|e| e["occurredAt"].as_str())
        .collect();
    assert!(
        instants.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {instants:?}"
    );
    assert_eq!(pages.len(), 3, "five events by pages of 2");
    assert!(seen.iter().all(|e| e["objectId"] == plan["id"]), "{seen:?}");
}

/// A cursor whose keys were forged (of the wrong kind, too few, not a list, too long) is
/// refused as bad input, never sent to the database.
async fn forged_cursor_keys_are_rejected(app: &TestApp) {
    use base64::Engine as _;
    let plan = kontum_2022(app).await;
    let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    let id = uuid::Uuid::new_v4();
    let long = format!("tasks:Document:asc:3\u{1f}[\"s{}\"]", "x".repeat(20_000));
    for (cursor, why) in [
        (
            encode(&format!(
                "tasks:Document:asc:3\u{1f}[\"sabc\",\"i1\",\"u{id}\"]"
            )),
            "a text where an id sorts",
        ),
        (
            encode(&format!(
                "tasks:Document:asc:3\u{1f}[\"u{id}\",\"u{id}\",\"u{id}\"]"
            )),
            "an id where a position sorts",
        ),
        (
            encode(&format!("tasks:Document:asc:3\u{1f}[\"u{id}\",\"i1\"]")),
            "too few keys",
        ),
        (
            encode(&format!(
                "tasks:Document:asc:3\u{1f}[\"u{id}\",null,\"u{id}\"]"
            )),
            "a NULL where none sorts",
        ),
        (encode("tasks:Document:asc:3\u{1f}{\"a\":1}"), "not a list"),
        (encode(&long), "a cursor of 27 000 characters"),
    ] {
        let response = app
            .graphql(TASKS, json!({ "plan": plan, "first": 2, "after": cursor }))
            .await;
        assert_eq!(response.codes(), ["BAD_USER_INPUT"], "{why}");
        assert_eq!(response.data, Value::Null, "{why}: no data");
    }
    // A well-formed key of a row that does not exist still pages: after it, in order (here
    // before every plan's first task).
    let nil = uuid::Uuid::nil();
    let cursor = encode(&format!(
        "tasks:Document:asc:0\u{1f}[\"u{nil}\",\"i-1\",\"u{nil}\"]"
    ));
    let all = codes(
        &app.graphql(TASKS, json!({ "plan": plan, "first": 100 }))
            .await
            .ok()["tasks"],
    );
    let page = app
        .graphql(TASKS, json!({ "plan": plan, "first": 3, "after": cursor }))
        .await
        .ok();
    assert_eq!(codes(&page["tasks"]), all[..3].to_vec());
}

db_tests!(
    task_cursors_come_whenever_a_selection_reads_them,
    pages_continue_after_their_row_when_the_list_changes,
    keyset_pages_cover_every_ordering_once,
    keyset_pages_cover_the_other_lists_once,
    forged_cursor_keys_are_rejected,
    empty_list,
    empty_pages_still_count_the_whole_list,
    exact_page_has_no_next_page,
    forward_pages_cover_the_list_once,
    backward_pages,
    bad_page_arguments_are_rejected,
    nested_connections_page_forward,
    a_plans_task_cursors_carry_over_between_one_plan_and_a_list,
);
