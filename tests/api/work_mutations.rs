//! Task, target, assignment and unit mutations: one lead, closed units, validation, locking,
//! permissions, and merging units while keeping history.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Gql, TestApp, token};

fn codes(response: &Gql, field: &str) -> Vec<String> {
    assert!(
        response.errors.is_empty(),
        "unexpected errors: {:?}",
        response.errors
    );
    response.data[field]["userErrors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn draft_plan(app: &TestApp, admin: &str) -> Value {
    let issuer = app.unit_id("H19.20").await;
    let data = app
        .graphql_as(
            admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } userErrors { code } } }",
            json!({ "input": { "title": "Kế hoạch thử nghiệm", "kind": "PLAN", "issuerId": issuer } }),
        )
        .await
        .ok();
    data["createPlan"]["plan"]["id"].clone()
}

const CREATE_TASK: &str = r#"mutation($input: CreateTaskInput!) { createTask(input: $input) {
    task { id version status kind lead { code } assignments { role unit { code } } completedOn timeliness(asOf: "2027-01-01") }
    userErrors { field code message } } }"#;

async fn tasks_have_one_lead_and_no_closed_units(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let plan = draft_plan(app, &admin).await;
    let office = app.unit_id("H19.20.1").await;
    let inspectorate = app.unit_id("H19.20.2").await;
    let closed = app.unit_id("H34.20").await;
    let task = |assignments: Value, extra: Value| {
        let mut input = json!({ "planId": plan, "title": "Rà soát thủ tục hành chính", "kind": "ONE_OFF",
                                "dueOn": "2026-12-31", "assignments": assignments });
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            input[k] = v;
        }
        json!({ "input": input })
    };
    let lead = |unit: &str| json!({ "role": "LEAD", "unitId": unit });
    let (tasks, assignments, events) = (
        app.count("task").await,
        app.count("assignment").await,
        app.count("audit_event").await,
    );
    let two_leads = app
        .graphql_as(
            &admin,
            CREATE_TASK,
            task(json!([lead(&office), lead(&inspectorate)]), json!({})),
        )
        .await;
    assert_eq!(codes(&two_leads, "createTask"), ["INVALID"]);
    let no_lead = app
        .graphql_as(
            &admin,
            CREATE_TASK,
            task(
                json!([{ "role": "COOPERATING", "unitId": office }]),
                json!({}),
            ),
        )
        .await;
    assert_eq!(codes(&no_lead, "createTask"), ["INVALID"]);
    let to_closed = app
        .graphql_as(&admin, CREATE_TASK, task(json!([lead(&closed)]), json!({})))
        .await;
    assert_eq!(
        codes(&to_closed, "createTask"),
        ["UNIT_CLOSED"],
        "a merged department takes no new work"
    );
    let conditional = app
        .graphql_as(
            &admin,
            CREATE_TASK,
            task(json!([lead(&office)]), json!({ "kind": "CONDITIONAL" })),
        )
        .await;
    assert_eq!(
        codes(&conditional, "createTask"),
        ["REQUIRED"],
        "a conditional task needs its condition"
    );
    let viewer = app
        .graphql_as(
            &token(Role::Viewer, Some("H19.20")),
            CREATE_TASK,
            task(json!([lead(&office)]), json!({})),
        )
        .await;
    assert_eq!(viewer.codes(), ["FORBIDDEN"]);
    assert_eq!(
        (
            app.count("task").await,
            app.count("assignment").await,
            app.count("audit_event").await
        ),
        (tasks, assignments, events),
        "rejected task mutations write nothing"
    );

    let created = app
        .graphql_as(
            &admin,
            CREATE_TASK,
            task(
                json!([lead(&office), { "role": "MONITORING", "unitId": inspectorate }]),
                json!({}),
            ),
        )
        .await
        .ok();
    let created = &created["createTask"]["task"];
    assert_eq!(created["lead"]["code"], "H19.20.1");
    assert_eq!(created["status"], "ASSIGNED");
    assert_eq!(created["timeliness"], "OPEN_OVERDUE");
    let id = created["id"].clone();

    let update = r#"mutation($input: UpdateTaskInput!) { updateTask(input: $input) {
        task { version status completedOn timeliness(asOf: "2027-01-01") } userErrors { field code } } }"#;
    let missing_date = app
        .graphql_as(
            &admin,
            update,
            json!({ "input": { "id": id, "version": 1, "status": "COMPLETED" } }),
        )
        .await;
    assert_eq!(codes(&missing_date, "updateTask"), ["REQUIRED"]);
    let done = app
        .graphql_as(&admin, update, json!({ "input": { "id": id, "version": 1, "status": "COMPLETED", "completedOn": "2026-12-20" } }))
        .await
        .ok();
    assert_eq!(
        done["updateTask"]["task"],
        json!({ "version": 2, "status": "COMPLETED", "completedOn": "2026-12-20", "timeliness": "COMPLETED_ON_TIME" })
    );

    let set = r#"mutation($input: SetAssignmentsInput!) { setAssignments(input: $input) {
        task { version lead { code } } userErrors { code } } }"#;
    let stale = app.graphql_as(&admin, set, json!({ "input": { "taskId": id, "version": 1, "assignments": [lead(&inspectorate)] } })).await;
    assert_eq!(codes(&stale, "setAssignments"), ["STALE_VERSION"]);
    let moved = app
        .graphql_as(&admin, set, json!({ "input": { "taskId": id, "version": 2, "assignments": [lead(&inspectorate)] } }))
        .await
        .ok();
    assert_eq!(
        moved["setAssignments"]["task"],
        json!({ "version": 3, "lead": { "code": "H19.20.2" } })
    );

    let delete = "mutation($input: DeleteInput!) { deleteTask(input: $input) { deletedId userErrors { code } } }";
    let deleted = app
        .graphql_as(
            &admin,
            delete,
            json!({ "input": { "id": id, "version": 3 } }),
        )
        .await
        .ok();
    assert_eq!(deleted["deleteTask"]["deletedId"], id);
    let gone = app
        .graphql_as(
            &admin,
            "query($id: ID!) { task(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(gone["task"], Value::Null);
}

async fn targets_are_validated(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let plan = draft_plan(app, &admin).await;
    let office = app.unit_id("H19.20.1").await;
    let create = r#"mutation($input: CreateTargetInput!) { createTarget(input: $input) {
        target { id code comparator targetValue lead { code } version } userErrors { field code } } }"#;
    let target = |extra: Value| {
        let mut input = json!({ "planId": plan, "code": "I.1", "statement": "Trên 90% hồ sơ được giải quyết đúng hạn",
                                "measure": "PERCENT", "measureUnit": "%", "comparator": "GREATER_THAN", "targetValue": 90,
                                "assignments": [{ "role": "LEAD", "unitId": office }] });
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            input[k] = v;
        }
        json!({ "input": input })
    };
    let targets = app.count("target").await;
    let over = app
        .graphql_as(&admin, create, target(json!({ "targetValue": 120 })))
        .await;
    assert_eq!(codes(&over, "createTarget"), ["OUT_OF_RANGE"]);
    let no_comparator = app
        .graphql_as(&admin, create, target(json!({ "comparator": null })))
        .await;
    assert_eq!(codes(&no_comparator, "createTarget"), ["REQUIRED"]);
    let change = app
        .graphql_as(
            &admin,
            create,
            target(json!({ "changeDirection": "DECREASE" })),
        )
        .await;
    assert_eq!(
        codes(&change, "createTarget"),
        ["REQUIRED"],
        "a decrease needs its baseline year"
    );
    assert_eq!(
        app.count("target").await,
        targets,
        "rejected targets write nothing"
    );
    let made = app.graphql_as(&admin, create, target(json!({}))).await.ok();
    assert_eq!(made["createTarget"]["target"]["lead"]["code"], "H19.20.1");
    let id = made["createTarget"]["target"]["id"].clone();
    let again = app.graphql_as(&admin, create, target(json!({}))).await;
    assert_eq!(codes(&again, "createTarget"), ["DUPLICATE"]);
    let update = r#"mutation($input: UpdateTargetInput!) { updateTarget(input: $input) {
        target { targetValue comparator version } userErrors { code } } }"#;
    let updated = app
        .graphql_as(&admin, update, json!({ "input": { "id": id, "version": 1, "targetValue": 95, "comparator": "AT_LEAST" } }))
        .await
        .ok();
    assert_eq!(
        updated["updateTarget"]["target"],
        json!({ "targetValue": 95.0, "comparator": "AT_LEAST", "version": 2 })
    );
}

const CREATE_UNIT: &str = r#"mutation($input: CreateUnitInput!) { createUnit(input: $input) {
    unit { id code name version parent { code } } userErrors { field code } } }"#;

async fn create_unit(app: &TestApp, admin: &str, name: &str, code: &str) -> Value {
    let parent = app.unit_id("H19.20").await;
    let data = app
        .graphql_as(admin, CREATE_UNIT, json!({ "input": { "name": name, "kind": "HEALTH_CENTRE", "parentId": parent, "code": code } }))
        .await
        .ok();
    assert_eq!(data["createUnit"]["userErrors"], json!([]), "{name}");
    data["createUnit"]["unit"].clone()
}

async fn units_are_managed_within_the_tree(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let parent = app.unit_id("H19.20").await;
    let unit = |code: &str| json!({ "input": { "name": "Trung tâm Y tế khu vực Long Khánh", "kind": "HEALTH_CENTRE", "parentId": parent, "code": code } });
    let units = app.count("unit").await;
    let bad = app.graphql_as(&admin, CREATE_UNIT, unit("h19.x")).await;
    assert_eq!(codes(&bad, "createUnit"), ["INVALID"]);
    let reused = app.graphql_as(&admin, CREATE_UNIT, unit("H34")).await;
    assert_eq!(
        codes(&reused, "createUnit"),
        ["DUPLICATE"],
        "a closed province's code is never reused"
    );
    let outside = app
        .graphql_as(
            &token(Role::UnitAdmin, Some("H06.20")),
            CREATE_UNIT,
            unit("H19.20.90"),
        )
        .await;
    assert_eq!(outside.codes(), ["FORBIDDEN"]);
    assert_eq!(
        app.count("unit").await,
        units,
        "rejected units write nothing"
    );
    let centre = create_unit(
        app,
        &admin,
        "Trung tâm Y tế khu vực Long Khánh",
        "H19.20.90",
    )
    .await;
    assert_eq!(centre["parent"]["code"], "H19.20");

    let move_unit = "mutation($input: MoveUnitInput!) { moveUnit(input: $input) { unit { parent { code } } userErrors { code } } }";
    let department = app
        .graphql_as(
            &admin,
            r#"{ unit(code: "H19.20") { id version } }"#,
            json!({}),
        )
        .await
        .ok();
    let cycle = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            move_unit,
            json!({ "input": { "id": department["unit"]["id"], "version": department["unit"]["version"], "parentId": centre["id"] } }),
        )
        .await;
    assert_eq!(codes(&cycle, "moveUnit"), ["CYCLE"]);

    let close = "mutation($input: CloseUnitInput!) { closeUnit(input: $input) { unit { activeTo isActive } userErrors { code } } }";
    let with_children = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            close,
            json!({ "input": { "id": department["unit"]["id"], "version": department["unit"]["version"], "lastDay": "2026-12-31" } }),
        )
        .await;
    assert_eq!(
        codes(&with_children, "closeUnit"),
        ["INVALID_STATE"],
        "open units below it"
    );
    let closed = app
        .graphql_as(
            &admin,
            close,
            json!({ "input": { "id": centre["id"], "version": 1, "lastDay": "2026-01-31" } }),
        )
        .await
        .ok();
    assert_eq!(
        closed["closeUnit"]["unit"],
        json!({ "activeTo": "2026-01-31", "isActive": false })
    );
}

async fn merging_units_keeps_history_and_moves_open_work(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let old = create_unit(app, &admin, "Trung tâm Y tế huyện Xuân Lộc", "H19.20.91").await;
    let new = create_unit(app, &admin, "Trung tâm Y tế khu vực Xuân Lộc", "H19.20.92").await;
    let plan = draft_plan(app, &admin).await;
    let task = |title: &str| {
        json!({ "input": { "planId": plan, "title": title, "kind": "ONE_OFF", "dueOn": "2026-12-31",
                           "assignments": [{ "role": "LEAD", "unitId": old["id"] }] } })
    };
    let open = app
        .graphql_as(&admin, CREATE_TASK, task("Việc đang làm"))
        .await
        .ok();
    let finished = app
        .graphql_as(&admin, CREATE_TASK, task("Việc đã xong"))
        .await
        .ok();
    let finished_id = finished["createTask"]["task"]["id"].clone();
    app.graphql_as(
        &admin,
        "mutation($input: UpdateTaskInput!) { updateTask(input: $input) { userErrors { code } } }",
        json!({ "input": { "id": finished_id, "version": 1, "status": "COMPLETED", "completedOn": "2026-06-01" } }),
    )
    .await
    .ok();

    let merge = r#"mutation($input: MergeUnitsInput!) { mergeUnits(input: $input) {
        unit { code predecessors { code } } userErrors { field code } } }"#;
    let input = json!({ "input": { "unitIds": [old["id"]], "successorId": new["id"], "effectiveOn": "2026-07-01",
                                   "decision": "Quyết định số 15/QĐ-UBND" } });
    let merged = app.graphql_as(&admin, merge, input.clone()).await.ok();
    assert_eq!(
        merged["mergeUnits"]["unit"],
        json!({ "code": "H19.20.92", "predecessors": [{ "code": "H19.20.91" }] })
    );

    let history = app
        .graphql_as(
            &admin,
            r#"{ unit(code: "H19.20.91") { name activeTo successor { code } } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        history["unit"],
        json!({ "name": "Trung tâm Y tế huyện Xuân Lộc", "activeTo": "2026-06-30", "successor": { "code": "H19.20.92" } })
    );
    let lead = "query($id: ID!) { task(id: $id) { lead { code } } }";
    let open_lead = app
        .graphql_as(
            &admin,
            lead,
            json!({ "id": open["createTask"]["task"]["id"] }),
        )
        .await
        .ok();
    assert_eq!(
        open_lead["task"]["lead"]["code"], "H19.20.92",
        "open work moves to the successor"
    );
    let done_lead = app
        .graphql_as(&admin, lead, json!({ "id": finished_id }))
        .await
        .ok();
    assert_eq!(
        done_lead["task"]["lead"]["code"], "H19.20.91",
        "finished work keeps its historic unit"
    );

    let twice = app.graphql_as(&admin, merge, input).await;
    assert_eq!(
        codes(&twice, "mergeUnits"),
        ["INVALID_STATE"],
        "already closed"
    );
    let audit = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            r#"{ auditEvents(first: 5, filter: { action: "unit.merge" }) { nodes { after } } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        audit["auditEvents"]["nodes"][0]["after"]["moved_assignments"],
        1
    );
}

/// Issuing a plan dates the tasks whose deadline counts from the issue date ("trong vòng 30
/// ngày kể từ ngày ban hành"), each by its own offset; fixed deadlines stay as they are.
async fn issuing_dates_deadlines_relative_to_the_issue_date(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let plan = draft_plan(app, &admin).await;
    let office = app.unit_id("H19.20.1").await;
    for (title, due) in [
        ("Trong 30 ngày (a)", json!({ "dueWithinDaysOfIssue": 30 })),
        ("Trong 30 ngày (b)", json!({ "dueWithinDaysOfIssue": 30 })),
        ("Trong 60 ngày", json!({ "dueWithinDaysOfIssue": 60 })),
        ("Hạn cố định", json!({ "dueOn": "2027-12-31" })),
    ] {
        let mut input = json!({ "planId": plan, "title": title, "kind": "ONE_OFF",
                                "assignments": [{ "role": "LEAD", "unitId": office }] });
        for (k, v) in due.as_object().cloned().unwrap_or_default() {
            input[k] = v;
        }
        let created = app
            .graphql_as(&admin, CREATE_TASK, json!({ "input": input }))
            .await;
        assert!(codes(&created, "createTask").is_empty(), "{title}");
    }
    let version = app
        .graphql_as(
            &admin,
            r#"query($id: ID!) { plan(id: $id) { version } }"#,
            json!({ "id": plan }),
        )
        .await
        .ok()["plan"]["version"]
        .clone();
    let issued = app
        .graphql_as(
            &admin,
            r#"mutation($input: IssuePlanInput!) { issuePlan(input: $input) { plan { status } userErrors { code } } }"#,
            json!({ "input": { "id": plan, "version": version, "documentNumber": "12/KH-SYT", "issuedOn": "2027-01-15" } }),
        )
        .await;
    assert!(codes(&issued, "issuePlan").is_empty());
    let tasks = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) { tasks(first: 10) { nodes { title dueOn } } } }"#,
            json!({ "id": plan }),
        )
        .await
        .ok();
    let due: Vec<(String, Value)> = tasks["plan"]["tasks"]["nodes"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["title"].as_str().unwrap_or_default().to_owned(),
                t["dueOn"].clone(),
            )
        })
        .collect();
    assert_eq!(
        due,
        [
            ("Trong 30 ngày (a)".to_owned(), json!("2027-02-14")),
            ("Trong 30 ngày (b)".to_owned(), json!("2027-02-14")),
            ("Trong 60 ngày".to_owned(), json!("2027-03-16")),
            ("Hạn cố định".to_owned(), json!("2027-12-31")),
        ]
    );
}

/// A merged unit's role that the successor already holds on a task is dropped, not doubled;
/// its other roles move.
async fn merging_does_not_double_a_role_the_successor_holds(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let old = create_unit(app, &admin, "Trạm Y tế xã Bảo Hòa", "H19.20.93").await;
    let new = create_unit(app, &admin, "Trạm Y tế xã Xuân Định", "H19.20.94").await;
    let plan = draft_plan(app, &admin).await;
    let created = app
        .graphql_as(
            &admin,
            CREATE_TASK,
            json!({ "input": { "planId": plan, "title": "Tiêm chủng mở rộng", "kind": "ONE_OFF", "dueOn": "2026-12-31",
                               "assignments": [{ "role": "LEAD", "unitId": old["id"] },
                                               { "role": "COOPERATING", "unitId": old["id"] },
                                               { "role": "COOPERATING", "unitId": new["id"] }] } }),
        )
        .await
        .ok();
    let task = created["createTask"]["task"]["id"].clone();
    let assignments_before = app.count("assignment").await;
    let merged = app
        .graphql_as(
            &admin,
            r#"mutation($input: MergeUnitsInput!) { mergeUnits(input: $input) { userErrors { code } } }"#,
            json!({ "input": { "unitIds": [old["id"]], "successorId": new["id"], "effectiveOn": "2026-07-01" } }),
        )
        .await;
    assert!(codes(&merged, "mergeUnits").is_empty());
    let after = app
        .graphql_as(
            &admin,
            r#"query($id: ID!) { task(id: $id) { assignments { role unit { code } } } }"#,
            json!({ "id": task }),
        )
        .await
        .ok();
    assert_eq!(
        after["task"]["assignments"],
        json!([{ "role": "LEAD", "unit": { "code": "H19.20.94" } },
               { "role": "COOPERATING", "unit": { "code": "H19.20.94" } }])
    );
    assert_eq!(app.count("assignment").await, assignments_before - 1);
    let audit = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            r#"{ auditEvents(first: 1, filter: { action: "unit.merge" }) { nodes { after } } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        audit["auditEvents"]["nodes"][0]["after"]["moved_assignments"], 2,
        "both of the merged unit's rows were handed over (one of them absorbed)"
    );
}

/// A task edit is a write that plan officers send all day: its statements are bounded (the task
/// with its plan and its assignments in one, the update and the audit event), and its payload
/// shows the task as saved, without reading it again: exactly what a later read finds.
async fn a_task_edit_takes_a_bounded_number_of_statements(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let plan = draft_plan(app, &admin).await;
    let office = app.unit_id("H19.20.1").await;
    let inspectorate = app.unit_id("H19.20.2").await;
    let created = app
        .graphql_as(
            &admin,
            CREATE_TASK,
            json!({ "input": { "planId": plan, "title": "Rà soát thủ tục hành chính", "kind": "ONE_OFF",
                "dueOn": "2026-12-31", "assignments": [
                    { "role": "MONITORING", "unitId": inspectorate },
                    { "role": "LEAD", "unitId": office }] } }),
        )
        .await
        .ok();
    let id = created["createTask"]["task"]["id"].clone();
    const SMALL: &str = "mutation($input: UpdateTaskInput!) { updateTask(input: $input) {
        task { version } userErrors { code } } }";
    // As a province administrator: a unit's caller costs the statements of its identity on top
    // (its unit, and its subtree for the drafts it sees and the plans it manages).
    let before = app.statements.get();
    let edited = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            SMALL,
            json!({ "input": { "id": id, "version": 1, "description": "Cải cách thủ tục" } }),
        )
        .await
        .ok();
    let statements = app.statements.get() - before;
    assert_eq!(edited["updateTask"]["task"]["version"], 2, "{edited}");
    assert!(
        statements <= 3,
        "{statements} statements, at most 3 expected"
    );

    const FIELDS: &str = "id version code title description kind status dueOn completedOn timeliness lead { code } assignments { role unit { code } }";
    let update = format!(
        "mutation($input: UpdateTaskInput!) {{ updateTask(input: $input) {{ task {{ {FIELDS} }} userErrors {{ code }} }} }}"
    );
    let edited = app
        .graphql_as(
            &admin,
            &update,
            json!({ "input": { "id": id, "version": 2, "title": "Rà soát, cắt giảm thủ tục", "code": "NV-07" } }),
        )
        .await
        .ok();
    let task = &edited["updateTask"]["task"];
    assert_eq!(task["version"], 3);
    assert_eq!(task["title"], "Rà soát, cắt giảm thủ tục");
    let read = app
        .graphql_as(
            &admin,
            &format!("query($id: ID!) {{ node(id: $id) {{ ... on Task {{ {FIELDS} }} }} }}"),
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(&read["node"], task);
    // The audit event lists the assignments read with the task, lead first.
    let audit = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "query($id: ID!) { auditEvents(first: 1, filter: { objectId: $id }) { nodes { action after } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    let event = &audit["auditEvents"]["nodes"][0];
    assert_eq!(event["action"], "task.update");
    assert_eq!(event["after"]["version"], 3);
    let roles: Vec<&str> = event["after"]["assignments"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["role"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(roles.len(), 2, "{event}");
    assert_eq!(roles[0].to_lowercase(), "lead", "{event}");
}

db_tests!(
    a_task_edit_takes_a_bounded_number_of_statements,
    merging_does_not_double_a_role_the_successor_holds,
    issuing_dates_deadlines_relative_to_the_issue_date,
    tasks_have_one_lead_and_no_closed_units,
    targets_are_validated,
    units_are_managed_within_the_tree,
    merging_units_keeps_history_and_moves_open_work,
);
