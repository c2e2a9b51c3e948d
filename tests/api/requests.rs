//! Ad-hoc report requests (yêu cầu báo cáo đột xuất) through HTTP: the receiving authority asks
//! under a regime that reports on request; each request is the year's next period `YYYYDnn`;
//! the units it asks report by its deadline (late against it), others are refused; reminders
//! chase what is owed; every bad request is refused with its reason and stores nothing.

use api::auth::Role;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, first_error, token};

/// Two reporting units (a Sở and a unit below it) and the authority they report to.
const REPORTER: &str = "H19.20";
const BELOW: &str = "H19.20.1";
const RECEIVER: &str = "H19";

const REQUEST: &str = "mutation($input: RequestAdHocReportInput!) { requestAdHocReport(input: $input) {
    request { id subject documentNumber requestedOn dueOn period { code kind year dataFrom dataTo } units { code } }
    userErrors { field code message } } }";
const SUBMIT: &str = "mutation($input: SubmitReportInput!) { submitReport(input: $input) {
    report { period dueOn isLate daysLate } userErrors { field code message } } }";
const REQUESTS: &str = "query($id: ID!, $year: Int!) { node(id: $id) { ... on ReportingRegime {
    requests(year: $year) { period { code } subject units { code } } } } }";

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// An ad-hoc regime "theo yêu cầu" of `name` on a demo plan: both units report to `RECEIVER`.
async fn on_request_regime(app: &TestApp, name: &str, rule: Value) -> String {
    let admin = token(Role::ProvinceAdmin, None);
    let row = |unit: String| {
        json!({ "level": 1, "text": "đột xuất theo yêu cầu", "reporterUnitId": unit,
            "recipientId": null, "rule": rule.clone() })
    };
    let mut rows = vec![
        row(app.unit_id(REPORTER).await),
        row(app.unit_id(BELOW).await),
    ];
    let receiver = app.unit_id(RECEIVER).await;
    for r in &mut rows {
        r["recipientId"] = json!(receiver);
    }
    let created = app
        .graphql_as(
            &admin,
            "mutation($input: CreateReportingRegimeInput!) { createReportingRegime(input: $input) {
                regime { id } userErrors { message } } }",
            json!({ "input": { "planId": app.plan_id("5198/KH-SYT").await, "name": name,
                "frequency": "AD_HOC", "deadlines": rows } }),
        )
        .await
        .ok();
    assert_eq!(created["createReportingRegime"]["userErrors"], json!([]));
    created["createReportingRegime"]["regime"]["id"]
        .as_str()
        .expect("regime id")
        .to_owned()
}

/// A regime's requests of `year` (`ReportingRegime.requests`).
async fn requests_of(app: &TestApp, as_token: &str, regime: &str, year: i32) -> Value {
    app.graphql_as(as_token, REQUESTS, json!({ "id": regime, "year": year }))
        .await
        .ok()["node"]["requests"]
        .clone()
}

async fn request(app: &TestApp, as_token: &str, input: Value) -> Value {
    app.graphql_as(as_token, REQUEST, json!({ "input": input }))
        .await
        .ok()["requestAdHocReport"]
        .clone()
}

async fn submit(app: &TestApp, unit: &str, regime: &str, period: &str) -> Value {
    let officer = token(Role::UnitOfficer, Some(unit));
    app.graphql_as(
        &officer,
        SUBMIT,
        json!({ "input": { "regimeId": regime, "period": period, "unitId": app.unit_id(unit).await,
            "content": "Báo cáo đột xuất về tình hình dịch bệnh" } }),
    )
    .await
    .ok()["submitReport"]
        .clone()
}

async fn an_authority_asks_and_the_units_asked_report_by_its_deadline(app: &TestApp) {
    let regime = on_request_regime(
        app,
        "Báo cáo đột xuất theo yêu cầu (thử nghiệm)",
        json!({ "kind": "ON_REQUEST" }),
    )
    .await;
    let authority = token(Role::UnitOfficer, Some(RECEIVER));
    let today = today();
    // The first request, ten days ago, due two days ago, of the Sở only.
    let (asked_on, due_on) = (today - Duration::days(10), today - Duration::days(2));
    let first = request(
        app,
        &authority,
        json!({ "regimeId": regime, "subject": "  Báo cáo tình hình phòng, chống dịch sốt xuất huyết  ",
            "documentNumber": "125/SYT-NVY", "requestedOn": asked_on.to_string(),
            "dueOn": due_on.to_string(), "unitIds": [app.unit_id(REPORTER).await] }),
    )
    .await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    let first_period = format!("{}D01", asked_on.year());
    let made = &first["request"];
    assert_eq!(made["period"]["code"], first_period);
    assert_eq!(made["period"]["kind"], "AD_HOC");
    assert_eq!(
        made["subject"],
        "Báo cáo tình hình phòng, chống dịch sốt xuất huyết"
    );
    assert_eq!(made["documentNumber"], "125/SYT-NVY");
    assert_eq!(made["dueOn"], due_on.to_string());
    assert_eq!(made["units"], json!([{ "code": REPORTER }]));
    // The second, today, due in five days, of every reporting unit, with its data window.
    let second = request(
        app,
        &authority,
        json!({ "regimeId": regime, "subject": "Báo cáo nhanh số giường bệnh",
            "dueOn": (today + Duration::days(5)).to_string(),
            "dataFrom": (today - Duration::days(30)).to_string(), "dataTo": today.to_string() }),
    )
    .await;
    assert_eq!(second["userErrors"], json!([]), "{second}");
    let second_period = if today.year() == asked_on.year() {
        format!("{}D02", today.year())
    } else {
        format!("{}D01", today.year())
    };
    assert_eq!(second["request"]["period"]["code"], second_period);
    assert_eq!(second["request"]["requestedOn"], today.to_string());
    assert_eq!(
        second["request"]["period"]["dataFrom"],
        (today - Duration::days(30)).to_string()
    );
    assert_eq!(second["request"]["units"], Value::Null);

    // The Sở reports two days after the deadline: late by two days, judged against the request.
    let late = submit(app, REPORTER, &regime, &first_period).await;
    assert_eq!(late["userErrors"], json!([]), "{late}");
    assert_eq!(late["report"]["dueOn"], due_on.to_string());
    assert_eq!(late["report"]["isLate"], true);
    assert_eq!(late["report"]["daysLate"], 2);
    // The unit below was not asked the first time; a period no request opened is refused.
    let not_asked = submit(app, BELOW, &regime, &first_period).await;
    assert_eq!(
        first_error(&not_asked),
        (json!(["input", "unitId"]), "INVALID".into())
    );
    let unopened = submit(app, BELOW, &regime, &format!("{}D42", today.year())).await;
    assert_eq!(
        first_error(&unopened),
        (json!(["input", "period"]), "NOT_FOUND".into())
    );
    // Everyone is asked the second time: the unit below reports on time.
    let on_time = submit(app, BELOW, &regime, &second_period).await;
    assert_eq!(on_time["userErrors"], json!([]), "{on_time}");
    assert_eq!(on_time["report"]["isLate"], false);
    assert_eq!(on_time["report"]["daysLate"], 0);

    // The regime lists its requests, newest first.
    let listed = requests_of(app, &authority, &regime, today.year()).await;
    let listed = listed.as_array().expect("requests");
    let codes: Vec<&str> = listed
        .iter()
        .map(|r| r["period"]["code"].as_str().unwrap_or("-"))
        .collect();
    let mut expected = vec![second_period.as_str()];
    if asked_on.year() == today.year() {
        expected.push(first_period.as_str());
    }
    assert_eq!(codes, expected);
    // The requests and the units they ask are read for every regime of a list at once: a
    // handful of statements under every plan of the demo (a statement per regime would be
    // dozens), and no more than under a few.
    let under = async |first: usize| {
        let before = app.statements.get();
        app.graphql_as(
            &authority,
            "query($first: Int, $year: Int!) { plans(first: $first) { nodes { reportingRegimes {
                requests(year: $year) { subject units { code } } } } } }",
            json!({ "first": first, "year": today.year() }),
        )
        .await
        .ok();
        app.statements.get() - before
    };
    let (few, all) = (under(3).await, under(40).await);
    assert!(few <= all && all <= 8, "{few} / {all} statements");
    // A request is a Node.
    let node = app
        .graphql_as(
            &authority,
            "query($id: ID!) { node(id: $id) { ... on ReportRequest { subject dueOn } } }",
            json!({ "id": made["id"] }),
        )
        .await
        .ok();
    assert_eq!(node["node"]["dueOn"], due_on.to_string());

    // Reminders: the Sở still owes the second request (five days left); the unit below owes
    // nothing (it sent the second and was not asked the first).
    let regime = &regime;
    let reminders = |unit: &'static str| async move {
        app.graphql_as(
            &token(Role::ProvinceAdmin, None),
            "query($u: ID) { reminders(unitId: $u, first: 500) { period daysLeft dueOn regime { id } } }",
            json!({ "u": app.unit_id(unit).await }),
        )
        .await
        .ok()["reminders"]
            .as_array()
            .expect("reminders")
            .iter()
            .filter(|r| r["regime"]["id"] == json!(regime))
            .map(|r| (r["period"].clone(), r["daysLeft"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        reminders(REPORTER).await,
        vec![(json!(second_period), json!(5))]
    );
    assert_eq!(reminders(BELOW).await, vec![]);
}

async fn bad_requests_are_refused_and_store_nothing(app: &TestApp) {
    let regime = on_request_regime(
        app,
        "Báo cáo đột xuất (yêu cầu sai)",
        json!({ "kind": "ON_REQUEST" }),
    )
    .await;
    let authority = token(Role::UnitOfficer, Some(RECEIVER));
    let today = today();
    let valid = json!({ "regimeId": regime, "subject": "Báo cáo nhanh",
        "dueOn": (today + Duration::days(3)).to_string() });
    let with = |field: &str, value: Value| {
        let mut input = valid.clone();
        input[field] = value;
        input
    };
    // The reporting unit cannot ask its own authority's questions; anonymous callers nothing.
    let reporter = app
        .graphql_as(
            &token(Role::UnitOfficer, Some(REPORTER)),
            REQUEST,
            json!({ "input": valid }),
        )
        .await;
    assert_eq!(reporter.codes(), ["FORBIDDEN"]);
    let anonymous = app.graphql(REQUEST, json!({ "input": valid })).await;
    assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);

    let cases = [
        (
            with("dueOn", json!((today - Duration::days(1)).to_string())),
            "dueOn",
            "DATE_ORDER",
        ),
        (
            with("dueOn", json!((today + Duration::days(400)).to_string())),
            "dueOn",
            "OUT_OF_RANGE",
        ),
        (
            with(
                "requestedOn",
                json!((today + Duration::days(1)).to_string()),
            ),
            "requestedOn",
            "OUT_OF_RANGE",
        ),
        (with("subject", json!("   ")), "subject", "REQUIRED"),
        (
            with("subject", json!("đ".repeat(2001))),
            "subject",
            "TOO_LONG",
        ),
        (
            with("documentNumber", json!("9".repeat(101))),
            "documentNumber",
            "TOO_LONG",
        ),
        (
            with("unitIds", json!([app.unit_id(RECEIVER).await])),
            "unitIds",
            "INVALID",
        ),
        (with("unitIds", json!([])), "unitIds", "OUT_OF_RANGE"),
        (
            with("unitIds", json!([app.plan_id("5198/KH-SYT").await])),
            "unitIds",
            "INVALID",
        ),
        (
            with("regimeId", json!(app.unit_id(REPORTER).await)),
            "regimeId",
            "INVALID",
        ),
        (
            {
                let mut input = with("dataFrom", json!(today.to_string()));
                input["dataTo"] = json!((today - Duration::days(5)).to_string());
                input
            },
            "dataTo",
            "DATE_ORDER",
        ),
    ];
    let stored = app.count("report_request").await;
    for (input, field, code) in cases {
        let refused = request(app, &authority, input.clone()).await;
        assert_eq!(
            first_error(&refused),
            (json!(["input", field]), code.to_owned()),
            "{input}: {refused}"
        );
        assert_eq!(refused["request"], Value::Null);
    }
    assert_eq!(
        app.count("report_request").await,
        stored,
        "a refused request stores nothing"
    );
    // More than 200 units is refused before anything runs.
    let many = app
        .graphql_as(
            &authority,
            REQUEST,
            json!({ "input": with("unitIds", json!(vec![app.unit_id(REPORTER).await; 201])) }),
        )
        .await;
    assert!(!many.codes().is_empty());
    // A regime with periods, or one whose ad-hoc reports have their own date, takes no request.
    let dated = on_request_regime(
        app,
        "Báo cáo một lần có hạn (thử nghiệm)",
        json!({ "kind": "BEFORE_DATE", "date": "2021-12-31", "inclusive": false }),
    )
    .await;
    let refused = request(app, &authority, with("regimeId", json!(dated))).await;
    assert_eq!(
        first_error(&refused),
        (json!(["input", "regimeId"]), "INVALID".into())
    );
    // Nothing was stored.
    assert_eq!(
        requests_of(app, &authority, &regime, today.year()).await,
        json!([])
    );
}

/// The demo's (illustrative) request to the Tu Mơ Rông units, with the reports it got.
async fn the_demo_has_an_illustrative_request(app: &TestApp) {
    let id = app.plan_titled(
        "Thực hiện công tác cải cách hành chính nhà nước của Trung tâm Y tế huyện Tu Mơ Rông năm 2023",
    )
    .await;
    let data = app
        .graphql(
            "query($id: ID!) { plan(id: $id) { reportingRegimes { id name requests(year: 2023) {
                period { code } dueOn documentNumber units { code } provenance { illustrative } } } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    let regimes = data["plan"]["reportingRegimes"]
        .as_array()
        .expect("regimes");
    let on_request = regimes
        .iter()
        .find(|r| r["name"] == "Báo cáo đột xuất theo yêu cầu")
        .expect("the ad-hoc regime");
    let request = &on_request["requests"][0];
    assert_eq!(request["period"]["code"], "2023D01");
    assert_eq!(request["dueOn"], "2023-05-12");
    assert_eq!(request["documentNumber"], "TTYT-ĐX/2023-01");
    assert_eq!(request["provenance"]["illustrative"], true);
    assert_eq!(request["units"].as_array().map(Vec::len), Some(3));
    // Two reports came by 12/05, one three days late.
    let sent = app
        .graphql(
            "query($r: ID!) { submissions(regimeId: $r, period: \"2023D01\") { nodes { isLate daysLate dueOn } } }",
            json!({ "r": on_request["id"] }),
        )
        .await
        .ok();
    let mut lateness: Vec<(Value, Value)> = sent["submissions"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            assert_eq!(n["dueOn"], "2023-05-12");
            (n["isLate"].clone(), n["daysLate"].clone())
        })
        .collect();
    lateness.sort_by_key(|(late, _)| late.as_bool());
    assert_eq!(
        lateness,
        [
            (json!(false), json!(0)),
            (json!(false), json!(0)),
            (json!(true), json!(3))
        ]
    );
}

/// Reminders of requests owed by a group's units cost the same statements for one request as
/// for three: who reports is read once for all of them.
async fn reminders_of_requests_cost_the_same_for_any_number(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let groups = app
        .graphql(
            r#"{ tasks(first: 100) { nodes { assignments { group { id } } } } }"#,
            json!({}),
        )
        .await
        .ok();
    let group = groups["tasks"]["nodes"]
        .as_array()
        .expect("tasks")
        .iter()
        .flat_map(|t| t["assignments"].as_array().cloned().unwrap_or_default())
        .find_map(|a| a["group"]["id"].as_str().map(str::to_owned))
        .expect("a task assigned to a group");
    let created = app
        .graphql_as(
            &admin,
            "mutation($input: CreateReportingRegimeInput!) { createReportingRegime(input: $input) {
                regime { id } userErrors { message } } }",
            json!({ "input": { "planId": app.plan_id("5198/KH-SYT").await, "name": "Báo cáo đột xuất của nhóm",
                "frequency": "AD_HOC", "deadlines": [{ "text": "theo yêu cầu", "reporterGroupId": group,
                "recipientId": app.unit_id(RECEIVER).await, "rule": { "kind": "ON_REQUEST" } }] } }),
        )
        .await
        .ok();
    let regime = created["createReportingRegime"]["regime"]["id"].clone();
    let due = (today() + Duration::days(7)).to_string();
    let count = async || {
        let before = app.statements.get();
        let data = app
            .graphql_as(
                &admin,
                "{ reminders(first: 500) { kind period } }",
                json!({}),
            )
            .await
            .ok();
        let owed = data["reminders"]
            .as_array()
            .expect("reminders")
            .iter()
            .filter(|r| r["period"].as_str().is_some_and(|p| p.contains('D')))
            .count();
        (app.statements.get() - before, owed)
    };
    let mut counts = Vec::new();
    for n in 1..=3 {
        let made = request(
            app,
            &admin,
            json!({ "regimeId": regime, "subject": format!("Báo cáo nhanh số {n}"), "dueOn": due }),
        )
        .await;
        assert_eq!(made["userErrors"], json!([]), "{made}");
        if n == 1 || n == 3 {
            counts.push(count().await);
        }
    }
    // The group's units owe every request: three requests, three times the reminders.
    assert!(counts[0].1 > 0, "{counts:?}");
    assert_eq!(counts[1].1, counts[0].1 * 3, "{counts:?}");
    assert_eq!(counts[0].0, counts[1].0, "one request or three: {counts:?}");
}

db_tests!(
    reminders_of_requests_cost_the_same_for_any_number,
    an_authority_asks_and_the_units_asked_report_by_its_deadline,
    bad_requests_are_refused_and_store_nothing,
    the_demo_has_an_illustrative_request,
);
