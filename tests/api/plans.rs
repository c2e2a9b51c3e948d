//! Plans: the cascade both ways, one lead per task and target, computed breakdowns, derived
//! timeliness, progress, and global ids.

use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::TestApp;

async fn the_cascade_reads_both_ways(app: &TestApp) {
    let sở = app.plan_id("5198/KH-SYT").await;
    let data = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) {
                implements { documentNumber plan { documentNumber } }
                implementedBy(first: 10) { totalCount nodes { title issuer { name }
                    implements { plan { id } } } } } }"#,
            json!({ "id": sở }),
        )
        .await
        .ok();
    let plan = &data["plan"];
    // No document states which plan 5198/KH-SYT implements: no link is recorded.
    assert_eq!(plan["implements"], json!([]));
    assert_eq!(plan["implementedBy"]["totalCount"], 1);
    let child = &plan["implementedBy"]["nodes"][0];
    assert_eq!(child["issuer"]["name"], "Trung tâm Y tế huyện Tu Mơ Rông");
    assert!(
        child["implements"]
            .as_array()
            .expect("list")
            .iter()
            .any(|r| r["plan"]["id"] == sở.as_str())
    );

    // The provincial plan 3993/KH-UBND is implemented by the Kon Tum 2022 plan, whose "Căn cứ"
    // cites it; the plans it cites beside it (4492/KH-UBND, 6853/KH-SYT) state no link to it.
    let province = app.plan_id("3993/KH-UBND").await;
    let data = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) { implementedBy(first: 10) { nodes { documentNumber title } } } }"#,
            json!({ "id": province }),
        )
        .await
        .ok();
    let nodes = data["plan"]["implementedBy"]["nodes"]
        .as_array()
        .expect("nodes");
    assert_eq!(
        nodes,
        &[json!({ "documentNumber": null,
            "title": "Thực hiện công tác cải cách hành chính nhà nước ngành Y tế năm 2022" })]
    );

    // An outside document known only by number or title.
    let party = app.plan_id("1017/CTr-SYT").await;
    let data = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) { implements { plan { id } title } } }"#,
            json!({ "id": party }),
        )
        .await
        .ok();
    assert!(
        data["plan"]["implements"]
            .as_array()
            .expect("list")
            .iter()
            .any(|r| r["plan"].is_null() && r["title"].is_string())
    );
}

/// Every task and target, 100 at a time.
async fn every(app: &TestApp, field: &str) -> Vec<Value> {
    let query = format!(
        "query($after: String) {{ {field}(first: 100, after: $after) {{ nodes {{ code assignments {{ role unit {{ id }} group {{ id }} }} lead {{ id }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    );
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.graphql(&query, json!({ "after": after })).await.ok();
        nodes.extend(data[field]["nodes"].as_array().cloned().unwrap_or_default());
        if data[field]["pageInfo"]["hasNextPage"] != true {
            return nodes;
        }
        after = data[field]["pageInfo"]["endCursor"].clone();
    }
}

async fn every_task_and_target_has_exactly_one_lead(app: &TestApp) {
    for field in ["tasks", "targets"] {
        let nodes = every(app, field).await;
        assert!(!nodes.is_empty());
        for node in &nodes {
            let assignments = node["assignments"].as_array().expect("assignments");
            let leads: Vec<&Value> = assignments.iter().filter(|a| a["role"] == "LEAD").collect();
            assert_eq!(leads.len(), 1, "{field} {}", node["code"]);
            assert_eq!(assignments[0]["role"], "LEAD", "the lead comes first");
            for a in assignments {
                assert!(
                    a["unit"].is_null() != a["group"].is_null(),
                    "exactly one of unit / group"
                );
            }
            assert_eq!(
                node["lead"]["id"], leads[0]["unit"]["id"],
                "lead is the lead unit (null for a group)"
            );
        }
    }
    // The database refuses a second lead too, whatever path writes it.
    let lead_row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT task_id, unit_id, group_id FROM assignment WHERE role = 'LEAD' AND task_id IS NOT NULL AND unit_id IS NOT NULL",
        ))
        .await
        .expect("query")
        .expect("a lead row");
    let task: uuid::Uuid = lead_row.try_get("", "task_id").expect("task_id");
    let unit: uuid::Uuid = lead_row.try_get("", "unit_id").expect("unit_id");
    let insert = sea_orm::Statement::from_sql_and_values(
        app.db.get_database_backend(),
        match app.db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                "INSERT INTO assignment (id, task_id, role, unit_id, position) VALUES ($1, $2, 'LEAD', $3, 99)"
            }
            _ => {
                "INSERT INTO assignment (id, task_id, role, unit_id, position) VALUES (?, ?, 'LEAD', ?, 99)"
            }
        },
        [uuid::Uuid::new_v4().into(), task.into(), unit.into()],
    );
    assert!(
        app.db.execute_raw(insert).await.is_err(),
        "a second lead violates the unique index"
    );
}

use sea_orm::ConnectionTrait;

async fn bed_targets_are_computed_from_the_facility_rows(app: &TestApp) {
    let data = app
        .graphql(
            r#"{ targets(first: 1, filter: { search: "quy mo giuong benh" }) { nodes { code measureUnit breakdown {
                baselineYear targetYear
                groups { code label subtotal { baseline target } rows { label baseline target unit { name } } }
                total { label baseline target }
                ratio { label per baseline target } } } } }"#,
            json!({}),
        )
        .await
        .ok();
    let breakdown = &data["targets"]["nodes"][0]["breakdown"];
    assert_eq!(breakdown["baselineYear"], 2020);
    assert_eq!(breakdown["targetYear"], 2025);
    let public = &breakdown["groups"][0];
    assert_eq!(public["code"], "I");
    assert_eq!(
        public["subtotal"],
        json!({ "baseline": 4396.0, "target": 5720.0 })
    );
    let rows = public["rows"].as_array().expect("rows");
    let sum = |key: &str| {
        rows.iter()
            .map(|r| r[key].as_f64().unwrap_or_default())
            .sum::<f64>()
    };
    assert_eq!(
        (sum("baseline"), sum("target")),
        (4396.0, 5720.0),
        "the subtotal is the rows' sum"
    );
    let geriatric = rows
        .iter()
        .find(|r| r["label"].as_str().unwrap_or_default().contains("Lão khoa"))
        .expect("the new hospital");
    assert_eq!(
        (geriatric["baseline"].as_f64(), geriatric["target"].as_f64()),
        (Some(0.0), Some(150.0)),
        "a new facility starts at 0"
    );
    assert_eq!(breakdown["total"]["baseline"], 4963.0);
    assert_eq!(breakdown["total"]["target"], 6951.0);
    assert_eq!(breakdown["ratio"]["per"], 10000.0);
    assert_eq!(breakdown["ratio"]["baseline"], 27.0);
    assert_eq!(breakdown["ratio"]["target"], 35.1);
}

async fn timeliness_is_derived_as_of_a_date(app: &TestApp) {
    let query = r#"query($after: String) { tasks(first: 100, after: $after) { nodes { id status dueOn completedOn
        now: timeliness before: timeliness(asOf: "2000-01-01") } pageInfo { hasNextPage endCursor } } }"#;
    let mut tasks = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.graphql(query, json!({ "after": after })).await.ok();
        tasks.extend(
            data["tasks"]["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        if data["tasks"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = data["tasks"]["pageInfo"]["endCursor"].clone();
    }
    let mut seen = std::collections::BTreeSet::new();
    for task in &tasks {
        let expected = match (
            task["status"].as_str(),
            task["dueOn"].as_str(),
            task["completedOn"].as_str(),
        ) {
            (Some("CANCELLED"), _, _) => "CANCELLED",
            (Some("WAITING_TRIGGER"), _, _) => "AWAITING_TRIGGER",
            (Some("COMPLETED"), Some(due), Some(done)) if done > due => "COMPLETED_LATE",
            (Some("COMPLETED"), _, _) => "COMPLETED_ON_TIME",
            (_, None, _) => "NO_DEADLINE",
            (_, Some(_), _) => "OPEN_OVERDUE", // every demo deadline is in the past
        };
        assert_eq!(task["now"], expected, "{task}");
        seen.insert(expected);
        if task["status"] == "COMPLETED"
            && task["dueOn"].is_string()
            && task["completedOn"].is_string()
        {
            assert_eq!(
                task["before"], "OPEN_WITHIN_DEADLINE",
                "not yet done in 2000: {task}"
            );
        }
    }
    for class in [
        "COMPLETED_ON_TIME",
        "COMPLETED_LATE",
        "NO_DEADLINE",
        "AWAITING_TRIGGER",
    ] {
        assert!(seen.contains(class), "the demo shows {class}");
    }
    let bad = app
        .graphql(
            "{ tasks(first: 1) { nodes { timeliness(asOf: \"2022-13-01\") } } }",
            json!({}),
        )
        .await;
    assert_eq!(bad.codes(), ["BAD_USER_INPUT"]);
}

async fn latest_progress_is_the_newest_update(app: &TestApp) {
    let data = app
        .graphql(
            r#"{ tasks(first: 100) { nodes { latestProgress { id reportedAt percent periodCode unit { name } }
                progressUpdates(first: 20) { totalCount nodes { id reportedAt } } } } }"#,
            json!({}),
        )
        .await
        .ok();
    let mut checked = 0;
    for task in data["tasks"]["nodes"].as_array().expect("tasks") {
        let updates = task["progressUpdates"]["nodes"]
            .as_array()
            .expect("updates");
        if updates.is_empty() {
            assert!(task["latestProgress"].is_null());
            continue;
        }
        let newest = updates
            .iter()
            .map(|u| u["reportedAt"].as_str().unwrap_or_default())
            .max()
            .unwrap_or_default();
        assert_eq!(updates[0]["reportedAt"], newest, "newest first");
        assert_eq!(task["latestProgress"]["id"], updates[0]["id"]);
        assert!(
            newest.ends_with("+07:00"),
            "shown in Vietnamese local time: {newest}"
        );
        checked += 1;
    }
    assert!(checked > 0, "the demo has progress updates");
}

async fn nodes_by_global_id(app: &TestApp) {
    let plan = app.plan_id("5198/KH-SYT").await;
    let unit = app.unit_id("H34.20").await;
    let data = app
        .graphql(
            r#"query($ids: [ID!]!, $plan: ID!) {
                node(id: $plan) { __typename id ... on Plan { documentNumber } }
                nodes(ids: $ids) { __typename id ... on Unit { code } } }"#,
            json!({ "plan": plan, "ids": [unit, plan, "UGxhbjowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"] }),
        )
        .await
        .ok();
    assert_eq!(data["node"]["__typename"], "Plan");
    assert_eq!(data["node"]["documentNumber"], "5198/KH-SYT");
    assert_eq!(data["nodes"][0]["code"], "H34.20");
    assert_eq!(data["nodes"][1]["id"], plan.as_str());
    assert_eq!(
        data["nodes"][2],
        Value::Null,
        "a well-formed id of nothing is null"
    );
    let malformed = app
        .graphql(r#"{ node(id: "garbage") { id } }"#, json!({}))
        .await;
    assert_eq!(malformed.codes(), ["BAD_USER_INPUT"]);
    let too_many: Vec<String> = (0..101).map(|_| plan.clone()).collect();
    let response = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": too_many }),
        )
        .await;
    assert_eq!(response.codes(), ["BAD_USER_INPUT"]);
}

async fn vietnamese_text_is_served_verbatim(app: &TestApp) {
    let data = app
        .graphql(
            r#"{ planByNumber(documentNumber: "1017/CTr-SYT") { kind issuedOn issuer { name } } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        data["planByNumber"],
        json!({ "kind": "ACTION_PROGRAMME", "issuedOn": "2021-02-03", "issuer": { "name": "Sở Y tế tỉnh Đồng Nai" } })
    );
    let by_issuer = app
        .graphql(
            r#"{ planByNumber(documentNumber: "1017/CTr-SYT", issuerCode: "H34.20") { id } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        by_issuer["planByNumber"],
        Value::Null,
        "another issuer's number"
    );
    // A number as people type it (spaces around "/", an en dash) is the number.
    let typed = app
        .graphql(
            "{ planByNumber(documentNumber: \" 1017 / CTr \u{2013} SYT \") { issuedOn } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(typed["planByNumber"], json!({ "issuedOn": "2021-02-03" }));
    let blank = app
        .graphql(
            r#"{ planByNumber(documentNumber: "  ") { id } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        blank["planByNumber"],
        Value::Null,
        "a blank number names no plan"
    );
}

db_tests!(
    the_cascade_reads_both_ways,
    every_task_and_target_has_exactly_one_lead,
    bed_targets_are_computed_from_the_facility_rows,
    timeliness_is_derived_as_of_a_date,
    latest_progress_is_the_newest_update,
    nodes_by_global_id,
    vietnamese_text_is_served_verbatim,
);
