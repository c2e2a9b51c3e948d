//! Reporting regimes as the seed plans state them: levels of the cascade, the schedule of a
//! year on the working-day calendar, and the warnings a plan's author needs. Expected days are
//! read off the documents and the 2022–2023 calendar by hand.

use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::TestApp;

/// The id of the demo plan titled `title`.
const REGIMES: &str = r#"query($id: ID!, $year: Int!) { plan(id: $id) {
    reportingRegimes { id name frequency periods cutOff
        deadlines { level periods text recipient { name } }
        schedule(year: $year) { period { code dataFrom dataTo } level due { stated dueOn dayOff } problem } }
    deadlineWarnings { code level period message deadline { text } regime { name } } } }"#;

/// `(period, level) → dueOn` of a regime's schedule.
fn due_days(regime: &Value) -> Vec<(String, i64, String)> {
    regime["schedule"]
        .as_array()
        .expect("schedule")
        .iter()
        .map(|e| {
            (
                e["period"]["code"].as_str().unwrap_or("-").to_owned(),
                e["level"].as_i64().expect("level"),
                e["due"]["dueOn"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

fn warnings_of(plan: &Value, code: &str) -> Vec<(String, i64)> {
    plan["deadlineWarnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == code)
        .map(|w| {
            (
                w["period"].as_str().unwrap_or("-").to_owned(),
                w["level"].as_i64().expect("level"),
            )
        })
        .collect()
}

async fn the_tu_mo_rong_plan_reports_on_two_levels(app: &TestApp) {
    let id = app.plan_titled(
        "Thực hiện công tác cải cách hành chính nhà nước của Trung tâm Y tế huyện Tu Mơ Rông năm 2023",
    )
    .await;
    let data = app
        .graphql(REGIMES, json!({ "id": id, "year": 2023 }))
        .await
        .ok();
    let plan = &data["plan"];
    let regime = &plan["reportingRegimes"][0];
    assert_eq!(regime["frequency"], "QUARTER");
    assert_eq!(regime["periods"], json!(["Q1", "H1", "Q3", "Y"]));
    assert_eq!(regime["cutOff"], "DECREE_09");
    let levels: Vec<i64> = regime["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .map(|d| d["level"].as_i64().expect("level"))
        .collect();
    assert_eq!(levels, [1, 1, 1, 1, 2, 2, 2, 2]);
    assert_eq!(
        regime["deadlines"][4]["recipient"]["name"], "Sở Y tế tỉnh Kon Tum",
        "the second level reports to the Sở"
    );
    // Units → centre on 01/3, 30/5, 30/8, 04/12; centre → Sở on 05/3, 05/6, "05/3" for quý III
    // (printed so) and 10/12 — a Sunday 05/3 and 10/12 roll to the Monday.
    let expected = [
        ("2023Q1", 1, "2023-03-01"),
        ("2023Q1", 2, "2023-03-06"),
        ("2023H1", 1, "2023-05-30"),
        ("2023H1", 2, "2023-06-05"),
        ("2023Q3", 1, "2023-08-30"),
        ("2023Q3", 2, "2023-03-06"),
        ("2023", 1, "2023-12-04"),
        ("2023", 2, "2023-12-11"),
    ];
    let expected: Vec<(String, i64, String)> = expected
        .iter()
        .map(|(p, l, d)| ((*p).to_owned(), *l, (*d).to_owned()))
        .collect();
    assert_eq!(due_days(regime), expected);
    assert_eq!(regime["schedule"][0]["period"]["dataFrom"], "2022-12-15");
    assert_eq!(regime["schedule"][0]["period"]["dataTo"], "2023-03-14");

    // The printed "05/3" for quý III is impossible, and makes the units' 30/8 later than the
    // level they report to.
    assert_eq!(
        warnings_of(plan, "IMPOSSIBLE_FOR_PERIOD"),
        [("2023Q3".to_owned(), 2)]
    );
    assert_eq!(
        warnings_of(plan, "AFTER_PARENT_LEVEL"),
        [("2023Q3".to_owned(), 1)]
    );
    let off = warnings_of(plan, "ON_DAY_OFF");
    for sunday in [("2023Q1", 2), ("2023Q3", 2), ("2023", 2)] {
        assert!(
            off.contains(&(sunday.0.to_owned(), sunday.1)),
            "{sunday:?} in {off:?}"
        );
    }
    assert_eq!(warnings_of(plan, "INVALID_RULE"), []);

    // The same regime by its global id, and through `reportingRegimes`.
    let by_query = app
        .graphql(
            "query($id: ID!) { reportingRegimes(planId: $id) { id name } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(by_query["reportingRegimes"][0]["id"], regime["id"]);
    let node = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on ReportingRegime { name } } }",
            json!({ "id": regime["id"] }),
        )
        .await
        .ok();
    assert_eq!(node["node"]["name"], regime["name"]);
}

async fn the_seed_deadlines_meet_the_holidays(app: &TestApp) {
    // Kon Tum 2022: "ngày 02 tháng cuối cùng của quý" for quý III is Quốc khánh ⇒ Monday 05/9.
    let kontum = app
        .plan_titled("Thực hiện công tác cải cách hành chính nhà nước ngành Y tế năm 2022")
        .await;
    let data = app
        .graphql(REGIMES, json!({ "id": kontum, "year": 2022 }))
        .await
        .ok();
    let plan = &data["plan"];
    let periodic = &plan["reportingRegimes"][0];
    assert_eq!(
        periodic["periods"],
        json!(["Q1", "Q2", "Q3", "Q4", "H1", "Y"])
    );
    let q3 = periodic["schedule"]
        .as_array()
        .expect("schedule")
        .iter()
        .find(|e| e["period"]["code"] == "2022Q3")
        .expect("2022Q3");
    assert_eq!(q3["due"]["stated"], "2022-09-02");
    assert_eq!(q3["due"]["dueOn"], "2022-09-05");
    assert!(
        q3["due"]["dayOff"]
            .as_str()
            .unwrap_or("")
            .contains("Quốc khánh")
    );
    assert!(
        plan["deadlineWarnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["code"] == "ON_DAY_OFF"
                && w["period"] == "2022Q3"
                && w["message"].as_str().unwrap_or("").contains("05/09/2022")),
        "{}",
        plan["deadlineWarnings"]
    );
    // Its on-request regime has no day of its own and no period.
    let on_request = &plan["reportingRegimes"][2];
    assert_eq!(on_request["frequency"], "AD_HOC");
    assert_eq!(on_request["periods"], json!([]));
    assert_eq!(on_request["schedule"][0]["period"], Value::Null);
    assert_eq!(on_request["schedule"][0]["due"], Value::Null);

    // Hà Nam 2022: "trước ngày 23/01/2023" leaves 22/01/2023, mùng 1 Tết Quý Mão.
    let hanam = app
        .plan_titled("Thực hành tiết kiệm, chống lãng phí của Sở Y tế tỉnh Hà Nam năm 2022")
        .await;
    let data = app
        .graphql(REGIMES, json!({ "id": hanam, "year": 2022 }))
        .await
        .ok();
    let tet = data["plan"]["deadlineWarnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .find(|w| w["code"] == "ON_DAY_OFF")
        .cloned()
        .expect("a warning for the annual report");
    let message = tet["message"].as_str().unwrap_or("");
    assert!(
        message.contains("22/01/2023") && message.contains("Tết"),
        "{message}"
    );
    assert_eq!(
        tet["deadline"]["text"], "trước ngày 23/01/20223",
        "the printed text is kept"
    );
}

async fn schedules_refuse_years_out_of_range(app: &TestApp) {
    let id = app
        .plan_titled("Thực hiện công tác cải cách hành chính nhà nước ngành Y tế năm 2022")
        .await;
    let response = app
        .graphql(REGIMES, json!({ "id": id, "year": 12022 }))
        .await;
    assert_eq!(response.codes()[0], "BAD_USER_INPUT");
    let response = app
        .graphql(
            "{ reportingRegimes(planId: \"not-an-id\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(response.codes(), ["BAD_USER_INPUT"]);
}

/// The demo's (illustrative) Tu Mơ Rông reports: a newcomer's first dashboard has figures.
async fn the_demo_reports_show_on_the_dashboard(app: &TestApp) {
    let id = app.plan_titled(
        "Thực hiện công tác cải cách hành chính nhà nước của Trung tâm Y tế huyện Tu Mơ Rông năm 2023",
    )
    .await;
    let query = r#"query($id: ID!, $period: String!) { planProgress(planId: $id, period: $period) {
        reports { level dueOn expected onTime late missing { code } } } }"#;
    let quarter = app
        .graphql(query, json!({ "id": id, "period": "2023Q1" }))
        .await
        .ok();
    let reports = &quarter["planProgress"]["reports"];
    // Units → centre by 01/03 (17 units: 12 on time, 3 late, 2 missing); centre → Sở by
    // 06/03 (05/03 was a Sunday), on time.
    assert_eq!(reports[0]["dueOn"], "2023-03-01");
    assert_eq!(
        (
            reports[0]["expected"].clone(),
            reports[0]["onTime"].clone(),
            reports[0]["late"].clone()
        ),
        (json!(17), json!(12), json!(3))
    );
    assert_eq!(reports[0]["missing"].as_array().map(Vec::len), Some(2));
    assert_eq!(reports[1]["dueOn"], "2023-03-06");
    assert_eq!(
        (reports[1]["onTime"].clone(), reports[1]["missing"].clone()),
        (json!(1), json!([]))
    );
    let days_late = app
        .graphql(
            r#"{ submissions(period: "2023Q1", first: 100) { nodes { level isLate daysLate } } }"#,
            json!({}),
        )
        .await
        .ok();
    let late: Vec<i64> = days_late["submissions"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|s| s["isLate"] == true)
        .map(|s| s["daysLate"].as_i64().expect("days"))
        .collect();
    assert_eq!(late, [2, 2, 2], "sent on 03/03 for 01/03");
}

db_tests!(
    the_demo_reports_show_on_the_dashboard,
    the_tu_mo_rong_plan_reports_on_two_levels,
    the_seed_deadlines_meet_the_holidays,
    schedules_refuse_years_out_of_range,
);
