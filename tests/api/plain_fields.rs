//! Plain fields (a listed row's own values, answered in place of async-graphql's per-field
//! futures: `graphql::common::plain`) answer exactly what async-graphql answers. Each query is
//! sent twice: as written (the plain fields answered in place), and with every selection set
//! inside an inline fragment (which `Plain` leaves whole to async-graphql).

use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Backend, TestApp, token};
use api::auth::Role;

/// Every plain field of `Task`, `ProgressUpdate`, `Assignment` and `Unit`, with aliases and
/// `__typename`, through `nodes` and `edges`.
const TASKS: &str = "{ tasks(first: 8) { nodes { __typename id code title description kind conditionText status dueOn dueText dueWithinDaysOfIssue completedOn version heading: title latestProgress { __typename id periodCode percent status narrative difficulties proposals reportedAt reportedOn } assignments { role unit { __typename id code name shortName kind activeFrom activeTo version } } plan { documentNumber title issuer { name } } lead { code name } } edges { node { code title status } } } }";

const TASKS_WHOLE: &str = "{ tasks(first: 8) { nodes { ... on Task { __typename id code title description kind conditionText status dueOn dueText dueWithinDaysOfIssue completedOn version heading: title latestProgress { ... on ProgressUpdate { __typename id periodCode percent status narrative difficulties proposals reportedAt reportedOn } } assignments { ... on Assignment { role unit { ... on Unit { __typename id code name shortName kind activeFrom activeTo version } } } } plan { ... on Plan { documentNumber title issuer { ... on Unit { name } } } } lead { ... on Unit { code name } } } } edges { node { ... on Task { code title status } } } } }";

/// Every plain field of `Plan`, and its issuer's.
const PLANS: &str = "{ plans(first: 8) { nodes { id confidential documentNumber kind title summary issuedOn status periodStart periodEnd signerName signerTitle version issuer { id code name shortName kind activeFrom activeTo version } } } }";

const PLANS_WHOLE: &str = "{ plans(first: 8) { nodes { ... on Plan { id confidential documentNumber kind title summary issuedOn status periodStart periodEnd signerName signerTitle version issuer { ... on Unit { id code name shortName kind activeFrom activeTo version } } } } } }";

/// Units with their parents (a unit's field of its own type) and a page of their children (a
/// field with arguments, answered in place from the list's prefetch), twice: once in place
/// (with an alias and `__typename`), once with cursors (left to the resolver).
const UNITS: &str = "{ units(first: 30) { nodes { code name kind parent { code name shortName } children(first: 3) { __typename totalCount count: totalCount nodes { code name } } firstTwo: children(first: 2) { totalCount edges { cursor node { name } } } } } }";

const UNITS_WHOLE: &str = "{ units(first: 30) { nodes { ... on Unit { code name kind parent { ... on Unit { code name shortName } } children(first: 3) { ... on UnitConnection { __typename totalCount count: totalCount nodes { ... on Unit { code name } } } } firstTwo: children(first: 2) { ... on UnitConnection { totalCount edges { cursor node { ... on Unit { name } } } } } } } } }";

/// Every plain field of `Target` (numbers with fractions among them), with its plan, lead,
/// assignments and breakdown table (every field of it).
const TARGETS: &str = "{ targets(first: 40) { nodes { id code statement measure measureUnit comparator targetValue targetYear baselineValue baselineYear changeDirection aspirational conditionText version plan { documentNumber title } lead { name } assignments { role unit { name } } breakdown { baselineYear targetYear groups { code label rows { id code label baseline target unit { name } } subtotal { baseline target } } total { label baseline target } ratio { label per baseline target } } } } }";

const TARGETS_WHOLE: &str = "{ targets(first: 40) { nodes { ... on Target { id code statement measure measureUnit comparator targetValue targetYear baselineValue baselineYear changeDirection aspirational conditionText version plan { ... on Plan { documentNumber title } } lead { ... on Unit { name } } assignments { ... on Assignment { role unit { ... on Unit { name } } } } breakdown { ... on TargetBreakdown { baselineYear targetYear groups { ... on BreakdownGroup { code label rows { ... on BreakdownRow { id code label baseline target unit { ... on Unit { name } } } } subtotal { ... on BreakdownValues { baseline target } } } } total { ... on BreakdownTotal { label baseline target } } ratio { ... on BreakdownRatio { label per baseline target } } } } } } } }";

/// Every plain field of `AuditEvent` (its snapshots are JSON).
const AUDIT: &str = "{ auditEvents(first: 10) { nodes { occurredAt actor clientId action objectType objectId before after requestId actorUnit { name } } } }";

const AUDIT_WHOLE: &str = "{ auditEvents(first: 10) { nodes { ... on AuditEvent { occurredAt actor clientId action objectType objectId before after requestId actorUnit { ... on Unit { name } } } } } }";

/// Nominations with their nominees' names, award types and units.
const NOMINATIONS: &str = "{ nominations(first: 20) { nodes { id state summary nomineeName awardType { id code version nationalCode name category rank } nominatingUnit { name } holder { code name } } } }";

const NOMINATIONS_WHOLE: &str = "{ nominations(first: 20) { nodes { ... on Nomination { id state summary nomineeName awardType { ... on AwardType { id code version nationalCode name category rank } } nominatingUnit { ... on Unit { name } } holder { ... on Unit { code name } } } } } }";

async fn plain_fields_answer_as_async_graphql_does(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    // Audit events with snapshots: a plan created, then edited.
    let plan = app
        .create_plan(&admin, "Kế hoạch cải cách hành chính", "H19.20")
        .await;
    app.graphql_as(
        &admin,
        "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { plan { id } } }",
        json!({ "input": { "id": plan["id"], "version": plan["version"],
            "summary": "Bản dự thảo \"lần 2\" — đã sửa" } }),
    )
    .await
    .ok();

    for (in_place, whole) in [
        (TASKS, TASKS_WHOLE),
        (PLANS, PLANS_WHOLE),
        (UNITS, UNITS_WHOLE),
        (TARGETS, TARGETS_WHOLE),
        (AUDIT, AUDIT_WHOLE),
        (NOMINATIONS, NOMINATIONS_WHOLE),
    ] {
        // The texts: the same values, and the same keys in the same order.
        let fast = data_text(app, &admin, in_place, json!({})).await;
        let slow = data_text(app, &admin, whole, json!({})).await;
        assert_eq!(fast, slow, "{in_place}");
        let nodes: Value = serde_json::from_str(&fast).expect("JSON");
        let list = nodes.as_object().and_then(|o| o.values().next()).cloned();
        assert!(
            list.as_ref()
                .and_then(|l| l["nodes"].as_array())
                .is_some_and(|n| n.len() >= 2),
            "{in_place}: {fast}"
        );
    }

    // What the comparison covered: values of every kind, not only nulls.
    let tasks = app.graphql(TASKS, json!({})).await.ok();
    let nodes = tasks["tasks"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let task = &nodes[0];
    assert_eq!(task["__typename"], "Task");
    assert_eq!(task["heading"], task["title"]);
    assert!(task["status"].is_string() && task["version"].is_number());
    assert!(
        nodes
            .iter()
            .any(|t| t["latestProgress"]["percent"].is_number()),
        "a task with progress: {tasks}"
    );
    assert!(
        nodes
            .iter()
            .any(|t| t["assignments"][0]["unit"]["name"].is_string()),
        "a task with a lead unit: {tasks}"
    );
    assert!(
        nodes
            .iter()
            .any(|t| t["plan"]["issuer"]["name"].is_string())
            && nodes.iter().any(|t| t["lead"]["name"].is_string()),
        "{tasks}"
    );
    let units = app.graphql(UNITS, json!({})).await.ok();
    assert!(
        units["units"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|u| u["children"]["totalCount"].as_i64() > Some(3)
                && u["children"]["nodes"][2]["name"].is_string()
                && u["children"]["count"] == u["children"]["totalCount"]
                && u["children"]["__typename"] == "UnitConnection"
                && u["firstTwo"]["edges"][1]["node"]["name"] == u["children"]["nodes"][1]["name"]
                && u["firstTwo"]["edges"][1]["cursor"].is_string()),
        "a unit with more children than the page: {units}"
    );
    let targets = app.graphql(TARGETS, json!({})).await.ok();
    assert!(
        targets["targets"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(
                |t| t["breakdown"]["groups"][0]["rows"][0]["unit"]["name"].is_string()
                    && t["breakdown"]["total"]["target"].is_number()
            ),
        "a target with a breakdown table naming units: {targets}"
    );
    let audit = app.graphql_as(&admin, AUDIT, json!({})).await.ok();
    let edited = &audit["auditEvents"]["nodes"][0];
    assert_eq!(edited["action"], "plan.update", "{audit}");
    assert_eq!(edited["after"]["summary"], "Bản dự thảo \"lần 2\" — đã sửa");
    assert!(edited["before"].is_object() && edited["occurredAt"].is_string());
}

/// A response key given twice (whose objects async-graphql merges), a directive and a field
/// with arguments answer as before.
async fn plain_objects_keep_graphql_merging_and_directives(app: &TestApp) {
    let query = "query($with: Boolean!) { tasks(first: 3) { nodes { code assignments { unit { name } } assignments { role unit { code } } title @include(if: $with) status @skip(if: $with) timeliness(asOf: \"2022-06-30\") } } }";
    let admin = token(Role::ProvinceAdmin, None);
    let text = data_text(app, &admin, query, json!({ "with": true })).await;
    let answer: Value = serde_json::from_str(&text).expect("JSON");
    let nodes = answer["tasks"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(nodes.len(), 3, "{answer}");
    let mut units = 0;
    for node in &nodes {
        let keys: Vec<&String> = node.as_object().expect("object").keys().collect();
        assert_eq!(keys.len(), 4, "{node}");
        // Both selections of `assignments`, merged into one object per item.
        for assignment in node["assignments"].as_array().into_iter().flatten() {
            assert!(assignment["role"].is_string(), "{assignment}");
            let unit = &assignment["unit"];
            if unit.is_object() {
                assert!(
                    unit["name"].is_string() && unit.get("code").is_some(),
                    "{unit}"
                );
                units += 1;
            }
        }
    }
    assert!(units > 0, "{answer}");
    // In the query's order (the first node's keys come first in the text).
    let in_order = |text: &str, keys: [&str; 4]| {
        let at: Vec<usize> = keys
            .iter()
            .map(|key| text.find(&format!("\"{key}\"")).expect("key"))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{keys:?} in {text}");
    };
    in_order(&text, ["code", "assignments", "title", "timeliness"]);
    assert!(!text.contains("\"status\""), "{text}");
    let without = data_text(app, &admin, query, json!({ "with": false })).await;
    in_order(&without, ["code", "assignments", "status", "timeliness"]);
    assert!(!without.contains("\"title\""), "{without}");
}

/// The text of a response's `data`, as the server wrote it (keys in its order).
async fn data_text(app: &TestApp, token: &str, query: &str, variables: Value) -> String {
    let body = app
        .request(Method::POST, "/graphql")
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    let response: Value = serde_json::from_str(&body).expect("JSON");
    assert!(response.get("errors").is_none(), "{body}");
    let data = body.strip_prefix("{\"data\":").expect("data first");
    let end = data.rfind(",\"extensions\":").unwrap_or(data.len() - 1);
    data[..end].to_owned()
}

/// An audit snapshot whose stored text is not JSON (SQLite keeps any text; PostgreSQL's `json`
/// column refuses it; the API writes none): that field alone is null with an internal error,
/// in place or not; the rest of the page answers.
async fn a_snapshot_that_is_not_json_fails_alone(app: &TestApp) {
    if matches!(app.backend, Backend::Postgres) {
        return;
    }
    let admin = token(Role::ProvinceAdmin, None);
    for title in [
        "Kế hoạch kiểm tra nhật ký",
        "Kế hoạch kiểm tra nhật ký lần 2",
    ] {
        app.create_plan(&admin, title, "H19.20").await;
    }
    // The log is append-only (a trigger refuses updates): a newer copy of the newest event.
    app.db
        .execute_unprepared(
            "INSERT INTO audit_event (id, occurred_at, subject, unit_id, client_id, action, \
             object_type, object_id, scope_unit_id, \"before\", \"after\", request_id) \
             SELECT randomblob(16), '2099-01-01T00:00:00+00:00', subject, unit_id, client_id, \
             action, object_type, object_id, scope_unit_id, \"before\", '{\"title\": ', \
             request_id FROM audit_event ORDER BY occurred_at DESC, id DESC LIMIT 1",
        )
        .await
        .expect("a snapshot that is not JSON");
    for query in [AUDIT, AUDIT_WHOLE] {
        let answer = app.graphql_as(&admin, query, json!({})).await;
        assert_eq!(answer.codes(), ["INTERNAL_SERVER_ERROR"], "{query}");
        assert_eq!(
            answer.errors[0]["path"],
            json!(["auditEvents", "nodes", 0, "after"]),
            "{answer:?}"
        );
        let nodes = &answer.data["auditEvents"]["nodes"];
        assert_eq!(nodes[0]["after"], Value::Null, "{answer:?}");
        assert_eq!(nodes[0]["action"], "plan.create", "{answer:?}");
        assert!(
            nodes[1]["after"].is_object(),
            "the others answer: {answer:?}"
        );
    }
}

db_tests!(
    a_snapshot_that_is_not_json_fails_alone,
    plain_fields_answer_as_async_graphql_does,
    plain_objects_keep_graphql_merging_and_directives,
);
