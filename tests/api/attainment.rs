//! Target values and attainment through HTTP: values reported by a target's lead (whole target)
//! or for a breakdown row's facility, judged by the target's comparator and direction, read as
//! of a day; the breakdown's subtotals and total computed here from the rows independently.

use api::auth::Role;
use chrono::{Datelike, Duration, Utc};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

const SUBMIT: &str =
    "mutation($input: SubmitTargetValueInput!) { submitTargetValue(input: $input) {
    targetValue { value isEstimate period unit { code } target { code } }
    userErrors { field code message } } }";
const ATTAINMENT: &str = "query($id: ID!, $period: String!, $asOf: Date) { target(id: $id) {
    attainment(period: $period, asOf: $asOf) { goal actual isEstimate met
        groups { code goal actual rows { row { id code unit { code } } goal actual met } } } } }";

/// Last year: a period that has begun and ended.
fn last_year() -> String {
    (Utc::now().year() - 1).to_string()
}

async fn create_target(app: &TestApp, plan: &Value, input: Value) -> Value {
    let mut input = input;
    input["planId"] = plan.clone();
    input["assignments"] = json!([{ "role": "LEAD", "unitId": app.unit_id("H19.20.1").await }]);
    let created = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "mutation($input: CreateTargetInput!) { createTarget(input: $input) { target { id } userErrors { message } } }",
            json!({ "input": input }),
        )
        .await
        .ok();
    let id = created["createTarget"]["target"]["id"].clone();
    assert!(id.is_string(), "{created}");
    id
}

async fn submit(app: &TestApp, as_token: &str, input: Value) -> Value {
    app.graphql_as(as_token, SUBMIT, json!({ "input": input }))
        .await
        .ok()["submitTargetValue"]
        .clone()
}

/// "≥ 90 %" is met at 91 and not at 89; "giảm tối thiểu 2,5 %" is met at −3 and not at −2; the
/// newest value counts, an earlier day sees none, and bad values change nothing.
async fn values_are_judged_by_comparator_and_direction(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let plan = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
            json!({ "input": { "title": "Kế hoạch chỉ tiêu", "kind": "PLAN", "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]["id"]
        .clone();
    let satisfaction = create_target(
        app,
        &plan,
        json!({ "code": "1", "statement": "Tỷ lệ hài lòng của người bệnh đạt từ 90% trở lên",
            "measure": "PERCENT", "comparator": "AT_LEAST", "targetValue": 90.0 }),
    )
    .await;
    let spending = create_target(
        app,
        &plan,
        json!({ "code": "2", "statement": "Giảm tối thiểu 2,5% chi hỗ trợ trực tiếp so với năm 2022",
            "measure": "PERCENT", "comparator": "AT_LEAST", "targetValue": 2.5,
            "baselineYear": 2022, "changeDirection": "DECREASE" }),
    )
    .await;
    let qualitative = create_target(
        app,
        &plan,
        json!({ "code": "3", "statement": "Hoàn thiện quy chế", "measure": "QUALITATIVE" }),
    )
    .await;
    let lead = token(Role::UnitOfficer, Some("H19.20.1"));
    let unit = app.unit_id("H19.20.1").await;
    let period = last_year();
    let value = |target: &Value, value: f64, estimate: bool| json!({ "targetId": target, "unitId": unit, "period": period, "value": value, "estimate": estimate });
    let read = async |target: &Value, as_of: Option<String>| {
        app.graphql_as(
            &admin,
            ATTAINMENT,
            json!({ "id": target, "period": period, "asOf": as_of }),
        )
        .await
        .ok()["target"]["attainment"]
            .clone()
    };

    // Nothing reported yet: nothing to judge.
    assert_eq!(
        read(&satisfaction, None).await,
        json!({ "goal": 90.0, "actual": null, "isEstimate": false, "met": null, "groups": [] })
    );
    let sent = submit(app, &lead, value(&satisfaction, 89.0, true)).await;
    assert_eq!(sent["userErrors"], json!([]));
    assert_eq!(
        sent["targetValue"],
        json!({ "value": 89.0, "isEstimate": true, "period": period, "unit": { "code": "H19.20.1" }, "target": { "code": "1" } })
    );
    let first = read(&satisfaction, None).await;
    assert_eq!(
        (
            first["actual"].clone(),
            first["met"].clone(),
            first["isEstimate"].clone()
        ),
        (json!(89.0), json!(false), json!(true))
    );
    submit(app, &lead, value(&satisfaction, 91.0, false)).await;
    let second = read(&satisfaction, None).await;
    assert_eq!(
        (
            second["actual"].clone(),
            second["met"].clone(),
            second["isEstimate"].clone()
        ),
        (json!(91.0), json!(true), json!(false))
    );

    submit(app, &lead, value(&spending, -2.0, false)).await;
    assert_eq!(read(&spending, None).await["met"], false);
    submit(app, &lead, value(&spending, -3.0, false)).await;
    let fell = read(&spending, None).await;
    assert_eq!(
        (fell["actual"].clone(), fell["met"].clone()),
        (json!(-3.0), json!(true))
    );

    // As of yesterday nothing had been reported: a past dashboard is reproduced.
    let yesterday =
        ((Utc::now() + Duration::hours(7)).date_naive() - Duration::days(1)).to_string();
    assert_eq!(
        read(&satisfaction, Some(yesterday)).await["actual"],
        Value::Null
    );

    // The plan's progress lists its targets with the same figures.
    let progress = app
        .graphql_as(
            &admin,
            "query($id: ID!, $period: String!) { planProgress(planId: $id, period: $period) {
                targets { target { code } actual met } } }",
            json!({ "id": plan, "period": period }),
        )
        .await
        .ok();
    assert_eq!(
        progress["planProgress"]["targets"],
        json!([
            { "target": { "code": "1" }, "actual": 91.0, "met": true },
            { "target": { "code": "2" }, "actual": -3.0, "met": true },
            { "target": { "code": "3" }, "actual": null, "met": null },
        ])
    );

    // The lead's scorecard for the year carries the same verdicts.
    let card = app
        .graphql_as(
            &admin,
            "query($id: ID!, $year: Int!) { unitScorecard(unitId: $id, year: $year) {
                targets { target { code plan { id } } actual met } targetsMet { met notMet unknown } } }",
            json!({ "id": unit, "year": Utc::now().year() - 1 }),
        )
        .await
        .ok();
    let ours: Vec<Value> = card["unitScorecard"]["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter(|t| t["target"]["plan"]["id"] == plan)
        .map(|t| json!([t["target"]["code"], t["actual"], t["met"]]))
        .collect();
    assert_eq!(
        ours,
        [
            json!(["1", 91.0, true]),
            json!(["2", -3.0, true]),
            json!(["3", null, null])
        ]
    );
    let all = card["unitScorecard"]["targets"]
        .as_array()
        .expect("targets");
    let tally = |met: Value| all.iter().filter(|t| t["met"] == met).count();
    assert_eq!(
        card["unitScorecard"]["targetsMet"],
        json!({ "met": tally(json!(true)), "notMet": tally(json!(false)), "unknown": tally(Value::Null) })
    );

    // Refusals change nothing.
    for (as_token, input, field, code) in [
        (
            &lead,
            value(&satisfaction, 101.0, false),
            "value",
            "OUT_OF_RANGE",
        ),
        (
            &lead,
            value(&spending, 1e13, false),
            "value",
            "OUT_OF_RANGE",
        ),
        (
            &lead,
            value(&qualitative, 1.0, false),
            "targetId",
            "INVALID",
        ),
        (
            &token(Role::UnitOfficer, Some("H19.20")),
            json!({ "targetId": satisfaction, "unitId": app.unit_id("H19.20").await, "period": period, "value": 50.0 }),
            "unitId",
            "INVALID",
        ),
        (
            &lead,
            json!({ "targetId": satisfaction, "unitId": unit, "period": "2023Q5", "value": 50.0 }),
            "period",
            "INVALID",
        ),
        (
            &lead,
            json!({ "targetId": satisfaction, "unitId": unit, "period": period, "value": 50.0, "breakdownRowId": unit }),
            "breakdownRowId",
            "INVALID",
        ),
    ] {
        let refused = submit(app, as_token, input).await;
        assert_eq!(refused["targetValue"], Value::Null, "{refused}");
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", field]),
            "{refused}"
        );
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
    }
    let stranger = app
        .graphql_as(
            &token(Role::UnitOfficer, Some("H48.20")),
            SUBMIT,
            json!({ "input": value(&satisfaction, 95.0, false) }),
        )
        .await;
    assert_eq!(stranger.codes(), ["FORBIDDEN"]);
    assert_eq!(read(&satisfaction, None).await["actual"], 91.0, "unchanged");
}

/// The Bắc Giang bed-count table: each facility reports its row; a group's subtotal appears
/// once all its rows have values, the total once every row has, judged against the total.
async fn breakdown_rows_add_up_to_the_total(app: &TestApp) {
    let (target, _) = app.bed_target().await;
    let admin = token(Role::ProvinceAdmin, None);
    let period = last_year();
    let read = async || {
        app.graphql_as(
            &admin,
            ATTAINMENT,
            json!({ "id": target, "period": period }),
        )
        .await
        .ok()["target"]["attainment"]
            .clone()
    };
    let lead_code = app.target_lead_code(&target).await;
    let lead = app.unit_id(&lead_code).await;
    let before = read().await;
    let groups = before["groups"].as_array().expect("groups").clone();
    assert!(groups.len() >= 2, "{before}");
    // Every row reports 10 beds short of its goal, except group I's first row which reports
    // 500 over; the first group first.
    let mut expected_total = 0.0;
    let mut expected_goal = 0.0;
    for (g, group) in groups.iter().enumerate() {
        let mut subtotal = 0.0;
        for (r, row) in group["rows"].as_array().expect("rows").iter().enumerate() {
            let goal = row["goal"].as_f64().expect("goal");
            let reported = if g == 0 && r == 0 {
                goal + 500.0
            } else {
                goal - 10.0
            };
            subtotal += reported;
            expected_goal += goal;
            // A planned facility is no unit yet: the target's lead reports its row.
            let unit = match row["row"]["unit"]["code"].as_str() {
                Some(code) => app.unit_id(code).await,
                None => lead.clone(),
            };
            let sent = submit(
                app,
                &admin,
                json!({ "targetId": target, "unitId": unit, "period": period, "value": reported,
                    "breakdownRowId": row["row"]["id"] }),
            )
            .await;
            assert_eq!(sent["userErrors"], json!([]), "{sent}");
        }
        expected_total += subtotal;
        if g == 0 {
            // Group I is complete, the others not yet: no total.
            let partial = read().await;
            assert_eq!(partial["groups"][0]["actual"], json!(subtotal));
            assert_eq!(partial["groups"][0]["rows"][0]["met"], true);
            assert_eq!(partial["groups"][0]["rows"][1]["met"], false);
            assert_eq!(partial["actual"], Value::Null);
        }
    }
    let after = read().await;
    assert_eq!(after["actual"], json!(expected_total));
    assert_eq!(after["met"], json!(expected_total >= 6951.0));
    assert_eq!(after["goal"], 6951.0);
    assert!(
        (expected_goal - 6951.0).abs() < 1e-9,
        "the rows add up to the stated total"
    );

    // The plan's progress reads the breakdowns without their labels unless its groups are
    // asked for: the same figures either way, and the groups' codes when asked.
    let plan = app
        .graphql_as(
            &admin,
            "query($id: ID!) { target(id: $id) { plan { id } } }",
            json!({ "id": target }),
        )
        .await
        .ok()["target"]["plan"]["id"]
        .clone();
    for selection in [
        "goal actual met",
        "goal actual met groups { code label goal actual }",
    ] {
        let progress = app
            .graphql_as(
                &admin,
                &format!(
                    "query($id: ID!, $period: String!) {{ planProgress(planId: $id, period: $period) {{
                        targets {{ target {{ id }} {selection} }} }} }}"
                ),
                json!({ "id": plan, "period": period }),
            )
            .await
            .ok();
        let ours = progress["planProgress"]["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["target"]["id"] == target)
            .cloned()
            .unwrap_or_else(|| panic!("the bed target in its plan's progress: {progress}"));
        for field in ["goal", "actual", "met"] {
            assert_eq!(ours[field], after[field], "{field} with {selection}");
        }
        if selection.contains("groups") {
            assert_eq!(ours["groups"].as_array().map(Vec::len), Some(groups.len()));
            for (listed, read) in ours["groups"].as_array().into_iter().flatten().zip(&groups) {
                assert_eq!(listed["code"], read["code"]);
                assert!(listed["label"].as_str().is_some_and(|l| !l.is_empty()));
            }
        }
    }
}

db_tests!(
    values_are_judged_by_comparator_and_direction,
    breakdown_rows_add_up_to_the_total,
);
