//! Extension requests through HTTP: the lead asks, the plan's issuer approves (the deadline
//! moves, the history keeps the old one) or rejects with a note; everyone else is refused, and
//! a bad request changes nothing.

use api::auth::Role;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

const REQUEST: &str = "mutation($input: RequestExtensionInput!) { requestExtension(input: $input) {
    extensionRequest { id status version previousDueOn proposedDueOn reason unit { code }
        task { dueOn version } }
    userErrors { field code message } } }";
const DECIDE: &str = "mutation($input: DecideExtensionInput!) { decideExtension(input: $input) {
    extensionRequest { id status version decisionNote decidedAt task { dueOn version timeliness } }
    userErrors { field code message } } }";
const HISTORY: &str = "query($id: ID!) { node(id: $id) { ... on Task { dueOn
    extensionRequests { status previousDueOn proposedDueOn decisionNote } } } }";

/// A plan of H19.20 with one task led by H19.20.1, due in 30 days: (task id, version, due day).
async fn task_with_a_deadline(app: &TestApp, title: &str) -> (Value, Value, NaiveDate) {
    let admin = token(Role::ProvinceAdmin, None);
    let plan = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
            json!({ "input": { "title": title, "kind": "PLAN", "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]["id"]
        .clone();
    let due = (Utc::now() + Duration::hours(7)).date_naive() + Duration::days(30);
    let task = app
        .graphql_as(
            &admin,
            "mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id version } } }",
            json!({ "input": { "planId": plan, "title": "Số hóa hồ sơ", "kind": "ONE_OFF",
                "dueOn": due.to_string(),
                "assignments": [{ "role": "LEAD", "unitId": app.unit_id("H19.20.1").await },
                                { "role": "MONITORING", "unitId": app.unit_id("H19.20").await }] } }),
        )
        .await
        .ok()["createTask"]["task"]
        .clone();
    (task["id"].clone(), task["version"].clone(), due)
}

async fn an_extension_is_requested_then_approved_and_the_history_kept(app: &TestApp) {
    let (task, version, due) = task_with_a_deadline(app, "Kế hoạch gia hạn").await;
    let lead = token(Role::UnitOfficer, Some("H19.20.1"));
    let issuer = token(Role::UnitAdmin, Some("H19.20"));
    let later = due + Duration::days(15);
    let input = |unit: &Value, day: NaiveDate, reason: &str, version: &Value| {
        json!({ "input": { "taskId": task, "unitId": unit, "version": version,
            "proposedDueOn": day.to_string(), "reason": reason } })
    };
    let lead_unit = json!(app.unit_id("H19.20.1").await);

    // Bad requests change nothing: an earlier day, no reason, a unit that does not lead it.
    let earlier = app
        .graphql_as(
            &lead,
            REQUEST,
            input(&lead_unit, due, "Chờ thiết bị", &version),
        )
        .await
        .ok();
    assert_eq!(
        earlier["requestExtension"]["userErrors"][0]["field"],
        json!(["input", "proposedDueOn"])
    );
    assert_eq!(
        earlier["requestExtension"]["userErrors"][0]["code"],
        "INVALID"
    );
    let blank = app
        .graphql_as(&lead, REQUEST, input(&lead_unit, later, "  ", &version))
        .await
        .ok();
    assert_eq!(
        blank["requestExtension"]["userErrors"][0]["code"],
        "REQUIRED"
    );
    let monitor = token(Role::UnitOfficer, Some("H19.20"));
    let not_lead = app
        .graphql_as(
            &monitor,
            REQUEST,
            input(
                &json!(app.unit_id("H19.20").await),
                later,
                "Chờ thiết bị",
                &version,
            ),
        )
        .await
        .ok();
    assert_eq!(
        not_lead["requestExtension"]["userErrors"][0]["code"],
        "INVALID"
    );
    // Another unit's officer may not speak for the lead.
    let other = token(Role::UnitOfficer, Some("H19.20.2"));
    let forbidden = app
        .graphql_as(
            &other,
            REQUEST,
            input(&lead_unit, later, "Chờ thiết bị", &version),
        )
        .await;
    assert_eq!(forbidden.codes(), ["FORBIDDEN"]);
    let history = app
        .graphql_as(&issuer, HISTORY, json!({ "id": task }))
        .await
        .ok();
    assert_eq!(history["node"]["extensionRequests"], json!([]));

    // The lead asks; a second request while it waits is refused.
    let asked = app
        .graphql_as(
            &lead,
            REQUEST,
            input(&lead_unit, later, "Chờ bàn giao thiết bị số hóa", &version),
        )
        .await
        .ok()["requestExtension"]
        .clone();
    assert_eq!(asked["userErrors"], json!([]));
    let request = asked["extensionRequest"].clone();
    assert_eq!(request["status"], "PENDING");
    assert_eq!(request["previousDueOn"], due.to_string());
    assert_eq!(request["proposedDueOn"], later.to_string());
    assert_eq!(request["unit"]["code"], "H19.20.1");
    assert_eq!(request["task"]["dueOn"], due.to_string(), "not moved yet");
    let twice = app
        .graphql_as(
            &lead,
            REQUEST,
            input(&lead_unit, later, "Lần nữa", &request["task"]["version"]),
        )
        .await
        .ok();
    assert_eq!(
        twice["requestExtension"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );

    // The lead does not decide its own request; the issuer's admin does.
    let decide = |decision: &str, version: &Value, note: Option<&str>| {
        json!({ "input": { "extensionRequestId": request["id"], "version": version,
            "decision": decision, "note": note } })
    };
    let own = app
        .graphql_as(&lead, DECIDE, decide("APPROVE", &request["version"], None))
        .await;
    assert_eq!(own.codes(), ["FORBIDDEN"]);
    let stale = app
        .graphql_as(&issuer, DECIDE, decide("APPROVE", &json!(99), None))
        .await
        .ok();
    assert_eq!(
        stale["decideExtension"]["userErrors"][0]["code"],
        "STALE_VERSION"
    );
    let approved = app
        .graphql_as(
            &issuer,
            DECIDE,
            decide("APPROVE", &request["version"], None),
        )
        .await
        .ok()["decideExtension"]
        .clone();
    assert_eq!(approved["userErrors"], json!([]));
    assert_eq!(approved["extensionRequest"]["status"], "APPROVED");
    assert_eq!(
        approved["extensionRequest"]["task"]["dueOn"],
        later.to_string()
    );
    assert!(approved["extensionRequest"]["decidedAt"].is_string());
    let again = app
        .graphql_as(
            &issuer,
            DECIDE,
            decide(
                "REJECT",
                &approved["extensionRequest"]["version"],
                Some("Muộn"),
            ),
        )
        .await
        .ok();
    assert_eq!(
        again["decideExtension"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );

    // A second request, rejected with a note (required); the deadline stands.
    let task_version = approved["extensionRequest"]["task"]["version"].clone();
    let much_later = later + Duration::days(60);
    let second = app
        .graphql_as(
            &lead,
            REQUEST,
            input(&lead_unit, much_later, "Thiếu kinh phí", &task_version),
        )
        .await
        .ok()["requestExtension"]["extensionRequest"]
        .clone();
    assert_eq!(second["previousDueOn"], later.to_string());
    let no_note = app
        .graphql_as(
            &issuer,
            DECIDE,
            json!({ "input": { "extensionRequestId": second["id"], "version": second["version"], "decision": "REJECT" } }),
        )
        .await
        .ok();
    assert_eq!(
        no_note["decideExtension"]["userErrors"][0]["field"],
        json!(["input", "note"])
    );
    let rejected = app
        .graphql_as(
            &issuer,
            DECIDE,
            json!({ "input": { "extensionRequestId": second["id"], "version": second["version"],
                "decision": "REJECT", "note": "Đề nghị bố trí kinh phí từ nguồn thường xuyên" } }),
        )
        .await
        .ok()["decideExtension"]["extensionRequest"]
        .clone();
    assert_eq!(rejected["status"], "REJECTED");
    assert_eq!(rejected["task"]["dueOn"], later.to_string());

    // The history: both requests, oldest first; the task's deadline is the approved one.
    let history = app
        .graphql_as(&issuer, HISTORY, json!({ "id": task }))
        .await
        .ok();
    assert_eq!(history["node"]["dueOn"], later.to_string());
    assert_eq!(
        history["node"]["extensionRequests"],
        json!([
            { "status": "APPROVED", "previousDueOn": due.to_string(), "proposedDueOn": later.to_string(), "decisionNote": null },
            { "status": "REJECTED", "previousDueOn": later.to_string(), "proposedDueOn": much_later.to_string(),
              "decisionNote": "Đề nghị bố trí kinh phí từ nguồn thường xuyên" },
        ])
    );
    // Each step is in the audit log, under its request.
    let admin = token(Role::ProvinceAdmin, None);
    for (id, expected) in [
        (
            &request["id"],
            vec!["extension.approve", "extension.request"],
        ),
        (&second["id"], vec!["extension.reject", "extension.request"]),
    ] {
        let log = app
            .graphql_as(
                &admin,
                "query($id: ID) { auditEvents(first: 10, filter: { objectId: $id }) { nodes { action objectType } } }",
                json!({ "id": id }),
            )
            .await
            .ok();
        let events = log["auditEvents"]["nodes"].as_array().expect("events");
        let actions: Vec<&str> = events.iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions, expected);
        assert!(events.iter().all(|e| e["objectType"] == "ExtensionRequest"));
    }
}

/// A task without a fixed deadline, or one already done, is not extended.
async fn only_a_task_with_a_deadline_still_in_work_is_extended(app: &TestApp) {
    let (task, version, due) = task_with_a_deadline(app, "Kế hoạch không gia hạn").await;
    let lead = token(Role::UnitOfficer, Some("H19.20.1"));
    let lead_unit = app.unit_id("H19.20.1").await;
    let done = app
        .graphql_as(
            &lead,
            "mutation($input: ReportTaskDoneInput!) { reportTaskDone(input: $input) { task { version } } }",
            json!({ "input": { "taskId": task, "unitId": lead_unit, "version": version } }),
        )
        .await
        .ok();
    let refused = app
        .graphql_as(
            &lead,
            REQUEST,
            json!({ "input": { "taskId": task, "unitId": lead_unit,
                "version": done["reportTaskDone"]["task"]["version"],
                "proposedDueOn": (due + Duration::days(5)).to_string(), "reason": "Bổ sung" } }),
        )
        .await
        .ok();
    assert_eq!(
        refused["requestExtension"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
    assert_eq!(refused["requestExtension"]["extensionRequest"], Value::Null);
    // A wrong kind of id is the input's error, not a server error.
    let wrong = app
        .graphql_as(
            &lead,
            REQUEST,
            json!({ "input": { "taskId": lead_unit, "unitId": lead_unit, "version": 1,
                "proposedDueOn": (due + Duration::days(5)).to_string(), "reason": "Bổ sung" } }),
        )
        .await
        .ok();
    assert_eq!(
        wrong["requestExtension"]["userErrors"][0]["field"],
        json!(["input", "taskId"])
    );
}

db_tests!(
    an_extension_is_requested_then_approved_and_the_history_kept,
    only_a_task_with_a_deadline_still_in_work_is_extended,
);
