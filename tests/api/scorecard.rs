//! A unit's scorecard through HTTP: its reports per period read off the demo fixtures by hand,
//! and its tasks by role and timeliness recomputed from the unit's own task list.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::TestApp;

async fn a_commune_station_scorecard_counts_its_tasks_and_reports(app: &TestApp) {
    let found = app
        .graphql(
            r#"{ units(first: 5, filter: { search: "Tram Y te xa Van Xuoi" }) { nodes { id name } } }"#,
            json!({}),
        )
        .await
        .ok();
    let unit = found["units"]["nodes"][0]["id"].clone();
    assert!(unit.is_string(), "{found}");
    let card = app
        .graphql(
            r#"query($unit: ID!) { unitScorecard(unitId: $unit, year: 2023) {
                year asOf tasks { role timeliness count }
                reports { period { code } onTime late missing pending } } }"#,
            json!({ "unit": unit }),
        )
        .await
        .ok()["unitScorecard"]
        .clone();
    assert_eq!(card["asOf"], "2023-12-31");
    // The Tu Mơ Rông regime (units → centre): quý I not sent (the demo's two missing), six
    // months sent on 01/06 for 30/05 (late), quý III and the year not sent.
    assert_eq!(
        card["reports"],
        json!([
            { "period": { "code": "2023Q1" }, "onTime": 0, "late": 0, "missing": 1, "pending": 0 },
            { "period": { "code": "2023H1" }, "onTime": 0, "late": 1, "missing": 0, "pending": 0 },
            { "period": { "code": "2023Q3" }, "onTime": 0, "late": 0, "missing": 1, "pending": 0 },
            { "period": { "code": "2023" }, "onTime": 0, "late": 0, "missing": 1, "pending": 0 }
        ])
    );

    // Its tasks: every (role, timeliness) pair of the unit's task list, for plans covering 2023.
    let tasks = app
        .graphql(
            r#"query($unit: ID!) { unit(id: $unit) { tasks(first: 100, asOf: "2023-12-31") { totalCount nodes {
                timeliness(asOf: "2023-12-31") plan { periodStart periodEnd }
                assignments { role unit { id } group { members(asOf: "2023-12-31") { id } } } } } } }"#,
            json!({ "unit": unit }),
        )
        .await
        .ok();
    let nodes = tasks["unit"]["tasks"]["nodes"]
        .as_array()
        .expect("tasks")
        .clone();
    assert_eq!(tasks["unit"]["tasks"]["totalCount"], nodes.len());
    let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
    for task in &nodes {
        let plan = &task["plan"];
        let covers = plan["periodStart"].as_i64().is_none_or(|s| s <= 2023)
            && plan["periodEnd"].as_i64().is_none_or(|e| 2023 <= e);
        if !covers {
            continue;
        }
        let mut roles: Vec<String> = task["assignments"]
            .as_array()
            .expect("assignments")
            .iter()
            .filter(|a| {
                a["unit"]["id"] == unit
                    || a["group"]["members"]
                        .as_array()
                        .is_some_and(|m| m.iter().any(|u| u["id"] == unit))
            })
            .map(|a| a["role"].as_str().expect("role").to_owned())
            .collect();
        roles.sort();
        roles.dedup();
        for role in roles {
            *expected
                .entry((role, task["timeliness"].as_str().expect("t").to_owned()))
                .or_default() += 1;
        }
    }
    let got: BTreeMap<(String, String), i64> = card["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|c| {
            (
                (
                    c["role"].as_str().expect("role").to_owned(),
                    c["timeliness"].as_str().expect("t").to_owned(),
                ),
                c["count"].as_i64().expect("count"),
            )
        })
        .collect();
    assert!(!expected.is_empty(), "the station has tasks in 2023");
    assert_eq!(got, expected);

    for (variables, code) in [
        (json!({ "unit": unit, "year": 1800 }), "BAD_USER_INPUT"),
        (
            json!({ "unit": "bm90LWFuLWlk", "year": 2023 }),
            "BAD_USER_INPUT",
        ),
    ] {
        let response = app
            .graphql(
                "query($unit: ID!, $year: Int!) { unitScorecard(unitId: $unit, year: $year) { year } }",
                variables,
            )
            .await;
        assert_eq!(response.codes(), [code]);
        assert_eq!(response.data["unitScorecard"], Value::Null);
    }
}

db_tests!(a_commune_station_scorecard_counts_its_tasks_and_reports);
