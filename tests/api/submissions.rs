//! Report submissions through HTTP: a regime created by the plan's managers, reports drafted,
//! submitted, returned, submitted again and accepted, each by the role allowed to; lateness
//! judged once, at the first submission; nil reports; every refusal with its code.

use api::auth::Role;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, first_error, token};

/// The reporting unit (Sở Y tế Đồng Nai), a unit below it, and the receiving unit above it.
const REPORTER: &str = "H19.20";
const BELOW: &str = "H19.20.1";
const RECEIVER: &str = "H19";

const CREATE: &str =
    "mutation($input: CreateReportingRegimeInput!) { createReportingRegime(input: $input) {
    regime { id periods deadlines { level periods } } userErrors { field code message } } }";
const SUBMIT: &str = "mutation($input: SubmitReportInput!) { submitReport(input: $input) {
    report { id version status isNil dueOn isLate daysLate firstSubmittedAt submittedAt returnReason
        period level reportingUnit { code } receivingUnit { code } }
    userErrors { field code message } } }";
const ACCEPT: &str = "mutation($input: AcceptReportInput!) { acceptReport(input: $input) {
    report { id version status } userErrors { field code message } } }";
const RETURN: &str = "mutation($input: ReturnReportInput!) { returnReport(input: $input) {
    report { id version status returnReason } userErrors { field code message } } }";

/// Today in Việt Nam.
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// A regime on a demo plan: `REPORTER` reports quý I by 05/3 and the year by 31/12 of the
/// next year, to `RECEIVER`; nil reports allowed.
async fn regime(app: &TestApp) -> String {
    let admin = token(Role::ProvinceAdmin, None);
    let created = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "input": {
                "planId": app.plan_id("5198/KH-SYT").await,
                "name": "Báo cáo tiến độ thử nghiệm",
                "frequency": "QUARTER", "periods": ["Q1", "Y"], "allowsNil": true,
                "deadlines": [
                    { "level": 1, "periods": ["Q1"], "text": "ngày 05/3",
                      "reporterUnitId": app.unit_id(REPORTER).await, "recipientId": app.unit_id(RECEIVER).await,
                      "rule": { "kind": "FIXED_DAY", "month": 3, "day": 5 } },
                    { "level": 1, "periods": ["Y"], "text": "ngày 31/12 năm sau",
                      "reporterUnitId": app.unit_id(REPORTER).await, "recipientId": app.unit_id(RECEIVER).await,
                      "rule": { "kind": "FIXED_DAY", "month": 12, "day": 31, "yearOffset": 1 } }
                ] } }),
        )
        .await
        .ok();
    let payload = &created["createReportingRegime"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["regime"]["periods"], json!(["Q1", "Y"]));
    payload["regime"]["id"].as_str().expect("id").to_owned()
}

async fn submit(app: &TestApp, as_token: &str, input: Value) -> Value {
    app.graphql_as(as_token, SUBMIT, json!({ "input": input }))
        .await
        .ok()["submitReport"]
        .clone()
}

async fn a_report_is_submitted_returned_resubmitted_and_accepted(app: &TestApp) {
    let regime = regime(app).await;
    let unit = app.unit_id(REPORTER).await;
    let officer = token(Role::UnitOfficer, Some(REPORTER));
    let receiver = token(Role::UnitOfficer, Some(RECEIVER));
    let year = today().year();
    let last_q1 = format!("{}Q1", year - 1);

    // A draft first: saved, not sent, not judged.
    let draft = submit(
        app,
        &officer,
        json!({ "regimeId": regime, "period": last_q1, "unitId": unit, "content": "Dự thảo", "draft": true }),
    )
    .await;
    assert_eq!(draft["userErrors"], json!([]));
    assert_eq!(draft["report"]["status"], "DRAFT");
    assert_eq!(draft["report"]["firstSubmittedAt"], Value::Null);
    assert_eq!(draft["report"]["isLate"], Value::Null);

    // Submitted months after 05/3 of last year: late, by the days since the due day.
    let sent = submit(
        app,
        &officer,
        json!({ "regimeId": regime, "period": last_q1, "unitId": unit,
                "content": "  Báo cáo quý I: đã hoàn thành 5/6 nhiệm vụ.  " }),
    )
    .await;
    assert_eq!(sent["userErrors"], json!([]));
    let report = sent["report"].clone();
    assert_eq!(
        report["id"], draft["report"]["id"],
        "the draft is the report"
    );
    assert_eq!(report["status"], "SUBMITTED");
    assert_eq!(report["receivingUnit"]["code"], RECEIVER);
    assert_eq!(
        (report["period"].clone(), report["level"].clone()),
        (json!(last_q1), json!(1))
    );
    let due: Value = app
        .graphql(
            "query($p: String) { deadline(rule: { kind: FIXED_DAY, month: 3, day: 5 }, period: $p) { dueOn } }",
            json!({ "p": last_q1 }),
        )
        .await
        .ok()["deadline"]["dueOn"]
        .clone();
    assert_eq!(report["dueOn"], due);
    let due_on = NaiveDate::parse_from_str(due.as_str().expect("due"), "%Y-%m-%d").expect("date");
    assert_eq!(report["isLate"], true);
    assert_eq!(report["daysLate"], (today() - due_on).num_days());
    assert!(
        report["firstSubmittedAt"]
            .as_str()
            .unwrap_or("")
            .ends_with("+07:00")
    );

    // Sent again while it waits: refused.
    let again = submit(
        app,
        &officer,
        json!({ "regimeId": regime, "period": last_q1, "unitId": unit, "content": "Lần hai" }),
    )
    .await;
    assert_eq!(first_error(&again).1, "INVALID_STATE");

    // Only the receiving unit decides: not the reporting unit, not anonymously.
    let id = report["id"].clone();
    let mine = app
        .graphql_as(
            &officer,
            ACCEPT,
            json!({ "input": { "id": id, "version": report["version"] } }),
        )
        .await;
    assert_eq!(mine.codes(), ["FORBIDDEN"]);
    let anonymous = app
        .graphql(
            ACCEPT,
            json!({ "input": { "id": id, "version": report["version"] } }),
        )
        .await;
    assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);

    // Returned with a reason (required), then fixed and submitted again: the lateness of the
    // first submission stays.
    let blank = app
        .graphql_as(
            &receiver,
            RETURN,
            json!({ "input": { "id": id, "version": report["version"], "reason": "  " } }),
        )
        .await
        .ok();
    assert_eq!(
        first_error(&blank["returnReport"]),
        (json!(["input", "reason"]), "REQUIRED".to_owned())
    );
    let returned = app
        .graphql_as(
            &receiver,
            RETURN,
            json!({ "input": { "id": id, "version": report["version"], "reason": "Thiếu số liệu chỉ tiêu 1.2" } }),
        )
        .await
        .ok()["returnReport"]
        .clone();
    assert_eq!(returned["report"]["status"], "RETURNED");
    assert_eq!(
        returned["report"]["returnReason"],
        "Thiếu số liệu chỉ tiêu 1.2"
    );
    let resent = submit(
        app,
        &officer,
        json!({ "regimeId": regime, "period": last_q1, "unitId": unit, "content": "Đã bổ sung số liệu" }),
    )
    .await;
    assert_eq!(resent["report"]["status"], "SUBMITTED");
    assert_eq!(
        resent["report"]["firstSubmittedAt"],
        report["firstSubmittedAt"]
    );
    assert_eq!(resent["report"]["daysLate"], report["daysLate"]);
    assert_eq!(resent["report"]["isLate"], true);

    // A stale version is refused; the current one is accepted, once.
    let stale = app
        .graphql_as(
            &receiver,
            ACCEPT,
            json!({ "input": { "id": id, "version": report["version"] } }),
        )
        .await
        .ok();
    assert_eq!(first_error(&stale["acceptReport"]).1, "STALE_VERSION");
    let version = resent["report"]["version"].clone();
    let accepted = app
        .graphql_as(
            &receiver,
            ACCEPT,
            json!({ "input": { "id": id, "version": version } }),
        )
        .await
        .ok()["acceptReport"]
        .clone();
    assert_eq!(accepted["report"]["status"], "ACCEPTED");
    let twice = app
        .graphql_as(
            &receiver,
            ACCEPT,
            json!({ "input": { "id": id, "version": accepted["report"]["version"] } }),
        )
        .await
        .ok();
    assert_eq!(first_error(&twice["acceptReport"]).1, "INVALID_STATE");

    // A nil report for this year, due next year: on time.
    let nil = submit(
        app,
        &officer,
        json!({ "regimeId": regime, "period": format!("{year}"), "unitId": unit, "nil": true }),
    )
    .await;
    assert_eq!(nil["userErrors"], json!([]));
    assert_eq!(
        (
            nil["report"]["isNil"].clone(),
            nil["report"]["isLate"].clone(),
            nil["report"]["daysLate"].clone()
        ),
        (json!(true), json!(false), json!(0))
    );

    // The lists: by regime, by the receiving unit, by status; audited.
    let listed = app
        .graphql(
            "query($r: ID, $u: ID) { all: submissions(regimeId: $r) { totalCount nodes { period status } }
                received: submissions(unitId: $u, status: ACCEPTED) { totalCount nodes { id } } }",
            json!({ "r": regime, "u": app.unit_id(RECEIVER).await }),
        )
        .await
        .ok();
    assert_eq!(listed["all"]["totalCount"], 2);
    assert_eq!(
        listed["all"]["nodes"][0]["period"],
        format!("{year}"),
        "newest period first"
    );
    assert_eq!(listed["received"]["nodes"], json!([{ "id": id }]));
    let admin = token(Role::ProvinceAdmin, None);
    let events = app
        .graphql_as(
            &admin,
            r#"{ s: auditEvents(first: 10, filter: { action: "report.submit" }) { totalCount }
                 r: auditEvents(first: 10, filter: { action: "report.return" }) { totalCount } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(events["s"]["totalCount"], 3);
    assert_eq!(events["r"]["totalCount"], 1);
}

async fn bad_reports_are_refused_with_their_reason(app: &TestApp) {
    let regime = regime(app).await;
    let unit = app.unit_id(REPORTER).await;
    let officer = token(Role::UnitOfficer, Some(REPORTER));
    let year = today().year();
    let refused = async |input: Value| first_error(&submit(app, &officer, input).await);

    // No content and not nil; a period the regime does not report; a malformed period; a
    // period not yet open; a unit that does not report under the regime.
    assert_eq!(
        refused(json!({ "regimeId": regime, "period": format!("{}Q1", year - 1), "unitId": unit }))
            .await,
        (json!(["input", "content"]), "REQUIRED".to_owned())
    );
    assert_eq!(
        refused(json!({ "regimeId": regime, "period": format!("{year}Q2"), "unitId": unit, "content": "x" })).await,
        (json!(["input", "period"]), "INVALID".to_owned())
    );
    assert_eq!(
        refused(json!({ "regimeId": regime, "period": "2026Q9", "unitId": unit, "content": "x" }))
            .await,
        (json!(["input", "period"]), "INVALID".to_owned())
    );
    assert_eq!(
        refused(json!({ "regimeId": regime, "period": format!("{}Q1", year + 2), "unitId": unit, "content": "x" })).await,
        (json!(["input", "period"]), "INVALID_STATE".to_owned())
    );
    assert_eq!(
        refused(
            json!({ "regimeId": regime, "period": format!("{}Q1", year - 1),
                        "unitId": app.unit_id(BELOW).await, "content": "x" })
        )
        .await,
        (json!(["input", "unitId"]), "INVALID".to_owned())
    );
    // An id of another kind, anonymous callers, and units outside the caller's subtree.
    assert_eq!(
        refused(json!({ "regimeId": unit, "period": "2025Q1", "unitId": unit, "content": "x" }))
            .await
            .0,
        json!(["input", "regimeId"])
    );
    let anonymous = app
        .graphql(SUBMIT, json!({ "input": { "regimeId": regime, "period": "2025Q1", "unitId": unit, "content": "x" } }))
        .await;
    assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);
    let elsewhere = token(Role::UnitOfficer, Some("H48.20"));
    let outside = app
        .graphql_as(
            &elsewhere,
            SUBMIT,
            json!({ "input": { "regimeId": regime, "period": "2025Q1", "unitId": unit, "content": "x" } }),
        )
        .await;
    assert_eq!(outside.codes(), ["FORBIDDEN"]);
    let none = app
        .graphql(
            "query($r: ID) { submissions(regimeId: $r) { totalCount } }",
            json!({ "r": regime }),
        )
        .await
        .ok();
    assert_eq!(none["submissions"]["totalCount"], 0, "nothing was written");

    // A regime's own input is checked too.
    let admin = token(Role::ProvinceAdmin, None);
    let plan = app.plan_id("5198/KH-SYT").await;
    let bad = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "input": { "planId": plan, "name": "X", "frequency": "QUARTER", "periods": ["Q1"],
                "deadlines": [{ "periods": ["Q3"], "text": "x", "reporterUnitId": unit,
                    "rule": { "kind": "FIXED_DAY", "day": 5 } }] } }),
        )
        .await
        .ok();
    let errors = bad["createReportingRegime"]["userErrors"].clone();
    let fields: Vec<Value> = errors
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert!(
        fields.contains(&json!(["input", "deadlines", "0", "periods"])),
        "{errors}"
    );
    assert!(
        fields.contains(&json!(["input", "deadlines", "0", "rule"])),
        "{errors}"
    );
    assert_eq!(bad["createReportingRegime"]["regime"], Value::Null);
    let officer_creates = app
        .graphql_as(
            &officer,
            CREATE,
            json!({ "input": { "planId": plan, "name": "X", "frequency": "AD_HOC",
                "deadlines": [{ "text": "x", "reporterUnitId": unit, "rule": { "kind": "ON_REQUEST" } }] } }),
        )
        .await;
    assert_eq!(officer_creates.codes(), ["FORBIDDEN"]);
}

/// Progress updates go inside the unit's own report for the same period while it is being
/// written; the report lists them.
async fn progress_goes_inside_a_report_being_written(app: &TestApp) {
    let regime = regime(app).await;
    let unit = app.unit_id(REPORTER).await;
    let below = app.unit_id(BELOW).await;
    let officer = token(Role::UnitOfficer, Some(REPORTER));
    let admin = token(Role::ProvinceAdmin, None);
    let task = app
        .graphql_as(
            &admin,
            "mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }",
            json!({ "input": { "planId": app.plan_id("5198/KH-SYT").await, "title": "Rà soát thủ tục hành chính",
                "kind": "ONE_OFF", "dueOn": format!("{}-12-31", today().year() + 1),
                "assignments": [{ "role": "LEAD", "unitId": unit }, { "role": "IMPLEMENTING", "unitId": below }] } }),
        )
        .await
        .ok()["createTask"]["task"]["id"]
        .clone();
    let last_q1 = format!("{}Q1", today().year() - 1);
    let draft = submit(
        app,
        &officer,
        json!({ "regimeId": regime, "period": last_q1, "unitId": unit, "content": "Dự thảo", "draft": true }),
    )
    .await["report"]["id"]
        .clone();
    const PROGRESS: &str =
        "mutation($input: SubmitProgressInput!) { submitProgress(input: $input) {
        progressUpdate { percent } userErrors { field code } } }";
    let update = |unit: &str, period: &str, percent: i64| {
        json!({ "input": { "taskId": task, "unitId": unit, "period": period, "percent": percent,
            "status": "ON_TRACK", "narrative": "Đã rà soát 12 thủ tục", "submissionId": draft } })
    };
    let sent = app
        .graphql_as(&officer, PROGRESS, update(&unit, &last_q1, 40))
        .await
        .ok()["submitProgress"]
        .clone();
    assert_eq!(sent["userErrors"], json!([]));
    // Another unit's update, another period: not inside this report.
    for (body, code) in [
        (update(&below, &last_q1, 50), "INVALID"),
        (
            update(&unit, &format!("{}", today().year() - 1), 50),
            "INVALID",
        ),
    ] {
        let refused = app.graphql_as(&officer, PROGRESS, body).await.ok()["submitProgress"].clone();
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", "submissionId"]),
            "{refused}"
        );
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
    }
    // Once submitted, the report takes no more.
    submit(
        app,
        &officer,
        json!({ "regimeId": regime, "period": last_q1, "unitId": unit, "content": "Báo cáo quý I" }),
    )
    .await;
    let late = app
        .graphql_as(&officer, PROGRESS, update(&unit, &last_q1, 60))
        .await
        .ok()["submitProgress"]
        .clone();
    assert_eq!(late["userErrors"][0]["code"], "INVALID_STATE");
    let listed = app
        .graphql_as(
            &officer,
            "query($id: ID!) { node(id: $id) { ... on ReportSubmission { status progressUpdates { percent unit { code } } } } }",
            json!({ "id": draft }),
        )
        .await
        .ok();
    assert_eq!(
        listed["node"],
        json!({ "status": "SUBMITTED", "progressUpdates": [{ "percent": 40, "unit": { "code": REPORTER } }] })
    );
}

db_tests!(
    progress_goes_inside_a_report_being_written,
    a_report_is_submitted_returned_resubmitted_and_accepted,
    bad_reports_are_refused_with_their_reason,
);
