//! Provenance through HTTP: what the demo invented (task statuses, progress updates, reports,
//! illustrative agency codes, leads the document does not name) says so; what a person enters
//! through the API has no provenance.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

const KON_TUM: &str = "Thực hiện công tác cải cách hành chính nhà nước ngành Y tế năm 2022";

async fn invented_demo_facts_are_marked_and_entered_ones_are_not(app: &TestApp) {
    let plan = app.plan_titled(KON_TUM).await;
    let data = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) { provenance { illustrative note }
                tasks(first: 100) { nodes { code status completedOn provenance { illustrative note }
                    assignments { role provenance { illustrative note } }
                    progressUpdates(first: 10) { nodes { provenance { illustrative note } } } } } } }"#,
            json!({ "id": plan }),
        )
        .await
        .ok();
    let tasks = data["plan"]["tasks"]["nodes"].as_array().expect("tasks");
    let (mut invented, mut updates, mut inferred_leads) = (0, 0, 0);
    for task in tasks {
        let worked = task["status"] != "ASSIGNED" || !task["completedOn"].is_null();
        if worked {
            // A status the document cannot state (it is a plan) is the demo's.
            invented += 1;
            assert_eq!(task["provenance"]["illustrative"], true, "{task}");
            assert!(
                task["provenance"]["note"]
                    .as_str()
                    .is_some_and(|n| n.contains("invented for the demo")),
                "{task}"
            );
        } else {
            assert_ne!(task["provenance"]["illustrative"], true, "{task}");
        }
        for update in task["progressUpdates"]["nodes"]
            .as_array()
            .expect("updates")
        {
            updates += 1;
            assert_eq!(update["provenance"]["illustrative"], true);
        }
        for assignment in task["assignments"].as_array().expect("assignments") {
            if assignment["provenance"]["illustrative"] == true {
                inferred_leads += 1;
                assert_eq!(assignment["role"], "LEAD", "only a lead is inferred");
            }
        }
    }
    assert!(
        invented > 0 && updates > 0,
        "the demo has worked tasks and updates"
    );
    assert!(
        inferred_leads > 0,
        "the Kon Tum plan names no lead for some lines"
    );

    // Illustrative agency codes are marked; so is a unit no document names.
    let units = app
        .graphql(
            "{ units(first: 100) { nodes { code provenance { illustrative note } } } }",
            json!({}),
        )
        .await
        .ok();
    let marked: Vec<&Value> = units["units"]["nodes"]
        .as_array()
        .expect("units")
        .iter()
        .filter(|u| u["provenance"]["illustrative"] == true)
        .collect();
    assert!(!marked.is_empty());
    assert!(marked.iter().all(|u| {
        u["provenance"]["note"]
            .as_str()
            .is_some_and(|n| n.contains("code illustrative") || n.contains("named in no seed"))
    }));

    // The demo's reports are illustrative too.
    let reports = app
        .graphql(
            r#"{ submissions(first: 5, period: "2023Q1") { nodes { provenance { illustrative } } } }"#,
            json!({}),
        )
        .await
        .ok();
    let nodes = reports["submissions"]["nodes"].as_array().expect("reports");
    assert!(!nodes.is_empty());
    assert!(
        nodes
            .iter()
            .all(|r| r["provenance"]["illustrative"] == true)
    );

    // What a person enters has no provenance.
    let admin = token(Role::ProvinceAdmin, None);
    let created = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { provenance { illustrative } } } }",
            json!({ "input": { "title": "Kế hoạch mới", "kind": "PLAN", "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok();
    assert_eq!(created["createPlan"]["plan"]["provenance"], Value::Null);
}

db_tests!(invented_demo_facts_are_marked_and_entered_ones_are_not);
