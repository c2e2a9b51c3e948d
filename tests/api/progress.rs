//! Progress through HTTP: updates by a task's lead and implementing units only, and a plan's
//! progress for a period, checked against figures computed here from the tasks' own fields.

use std::collections::BTreeMap;

use api::auth::Role;
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

const PROGRESS: &str = r#"query($id: ID!, $period: String!, $asOf: Date) {
    planProgress(planId: $id, period: $period, asOf: $asOf) {
        asOf taskCount percent period { code }
        timeliness { timeliness count }
        areas { area { code } taskCount percent }
        reports { level dueOn expected onTime late missing { code } pending { code } } } }"#;

/// The Kon Tum 2022 plan's figures for the year, and the same figures computed here from each
/// task's status, dates and updates.
async fn plan_progress_matches_figures_computed_from_the_tasks(app: &TestApp) {
    let data = app
        .graphql(
            r#"{ plans(first: 20, filter: { search: "cải cách hành chính ngành Y tế năm 2022" }) { nodes { id title } } }"#,
            json!({}),
        )
        .await
        .ok();
    let id = data["plans"]["nodes"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| {
            p["title"] == "Thực hiện công tác cải cách hành chính nhà nước ngành Y tế năm 2022"
        })
        .expect("the Kon Tum 2022 plan")["id"]
        .clone();
    for as_of in ["2022-06-30", "2022-12-31"] {
        let tasks = app
            .graphql(
                r#"query($id: ID!, $asOf: Date) { plan(id: $id) { tasks(first: 100) { totalCount nodes {
                    area { code } dueOn timeliness(asOf: $asOf)
                    progressUpdates(first: 100) { nodes { percent reportedAt } } } } } }"#,
                json!({ "id": id, "asOf": as_of }),
            )
            .await
            .ok();
        let nodes = tasks["plan"]["tasks"]["nodes"]
            .as_array()
            .expect("tasks")
            .clone();
        assert_eq!(
            tasks["plan"]["tasks"]["totalCount"],
            nodes.len(),
            "one page holds them"
        );
        // End of `as_of` in Việt Nam.
        let cut =
            DateTime::parse_from_rfc3339(&format!("{as_of}T23:59:59.999999+07:00")).expect("cut");
        let (mut count, mut sum) = (0usize, 0f64);
        let mut classes: BTreeMap<String, i64> = BTreeMap::new();
        let mut areas: BTreeMap<String, (i64, f64)> = BTreeMap::new();
        // The percents of tasks alike in area, class and deadline: the database sums such tasks
        // together, so the data must hold some whose percents differ.
        let mut alike: BTreeMap<(String, String, String), Vec<f64>> = BTreeMap::new();
        for task in &nodes {
            let class = task["timeliness"].as_str().expect("class").to_owned();
            *classes.entry(class.clone()).or_default() += 1;
            if class == "CANCELLED" {
                continue;
            }
            let percent = if class.starts_with("COMPLETED") {
                100.0
            } else {
                task["progressUpdates"]["nodes"]
                    .as_array()
                    .expect("updates")
                    .iter()
                    .filter(|u| {
                        DateTime::parse_from_rfc3339(u["reportedAt"].as_str().expect("at"))
                            .expect("instant")
                            <= cut
                    })
                    .max_by_key(|u| u["reportedAt"].as_str().map(str::to_owned))
                    .map_or(0.0, |u| u["percent"].as_f64().expect("percent"))
            };
            alike
                .entry((
                    task["area"]["code"].to_string(),
                    class.clone(),
                    task["dueOn"].to_string(),
                ))
                .or_default()
                .push(percent);
            count += 1;
            sum += percent;
            let area = areas
                .entry(task["area"]["code"].as_str().unwrap_or("-").to_owned())
                .or_default();
            area.0 += 1;
            area.1 += percent;
        }
        assert!(
            alike
                .values()
                .any(|percents| percents.iter().any(|p| *p != percents[0])),
            "{as_of}: tasks alike with different percents"
        );
        let round = |v: f64| (v * 10.0).round() / 10.0;
        let got = app
            .graphql(
                PROGRESS,
                json!({ "id": id, "period": "2022", "asOf": as_of }),
            )
            .await
            .ok()["planProgress"]
            .clone();
        assert_eq!(got["asOf"], as_of);
        assert_eq!(got["taskCount"], count);
        assert_eq!(
            got["percent"].as_f64(),
            Some(round(sum / count as f64)),
            "{as_of}"
        );
        let got_classes: BTreeMap<String, i64> = got["timeliness"]
            .as_array()
            .expect("classes")
            .iter()
            .map(|c| {
                (
                    c["timeliness"].as_str().expect("t").to_owned(),
                    c["count"].as_i64().expect("n"),
                )
            })
            .collect();
        assert_eq!(got_classes, classes, "{as_of}");
        let got_areas: BTreeMap<String, (i64, f64)> = got["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .map(|a| {
                (
                    a["area"]["code"].as_str().unwrap_or("-").to_owned(),
                    (
                        a["taskCount"].as_i64().expect("n"),
                        a["percent"].as_f64().expect("p"),
                    ),
                )
            })
            .collect();
        let expected_areas: BTreeMap<String, (i64, f64)> = areas
            .into_iter()
            .map(|(k, (n, total))| (k, (n, round(total / n as f64))))
            .collect();
        assert_eq!(got_areas, expected_areas, "{as_of}");
    }
    // By default, the period's last day.
    let year = app
        .graphql(PROGRESS, json!({ "id": id, "period": "2022" }))
        .await
        .ok();
    assert_eq!(year["planProgress"]["asOf"], "2022-12-31");
    for (period, code) in [("2022Q9", "BAD_USER_INPUT"), ("2022D01", "BAD_USER_INPUT")] {
        let response = app
            .graphql(PROGRESS, json!({ "id": id, "period": period }))
            .await;
        assert_eq!(response.codes(), [code], "{period}");
    }
}

const SUBMIT: &str = "mutation($input: SubmitProgressInput!) { submitProgress(input: $input) {
    progressUpdate { percent status narrative difficulties proposals periodCode unit { code } }
    userErrors { field code message } } }";

/// A new plan with one task led by `H19.20.1`, due at the end of next year; its id and the
/// task's.
async fn plan_with_a_task(app: &TestApp) -> (Value, Value) {
    let admin = token(Role::ProvinceAdmin, None);
    let plan = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } userErrors { message } } }",
            json!({ "input": { "title": "Kế hoạch theo dõi tiến độ", "kind": "PLAN",
                "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]["id"]
        .clone();
    let due = format!("{}-12-31", Utc::now().year() + 1);
    let task = app
        .graphql_as(
            &admin,
            "mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } userErrors { message } } }",
            json!({ "input": { "planId": plan, "title": "Số hóa hồ sơ", "kind": "ONE_OFF", "dueOn": due,
                "assignments": [{ "role": "LEAD", "unitId": app.unit_id("H19.20.1").await }] } }),
        )
        .await
        .ok()["createTask"]["task"]["id"]
        .clone();
    assert!(task.is_string(), "task created");
    (plan, task)
}

async fn only_the_lead_and_implementing_units_report_progress(app: &TestApp) {
    let (plan, task) = plan_with_a_task(app).await;
    let lead = app.unit_id("H19.20.1").await;
    let parent = app.unit_id("H19.20").await;
    let period = format!(
        "{}Q{}",
        Utc::now().year(),
        (Utc::now() + Duration::hours(7)).month0() / 3 + 1
    );
    let officer = token(Role::UnitOfficer, Some("H19.20.1"));
    let input = |unit: &str, percent: i64, status: &str| {
        json!({ "input": { "taskId": task, "unitId": unit, "period": period, "percent": percent,
            "status": status, "narrative": "Đã số hóa 40% hồ sơ", "difficulties": "Thiếu máy quét",
            "proposals": "Đề nghị bổ sung kinh phí" } })
    };
    let sent = app
        .graphql_as(&officer, SUBMIT, input(&lead, 40, "ON_TRACK"))
        .await
        .ok()["submitProgress"]
        .clone();
    assert_eq!(sent["userErrors"], json!([]));
    assert_eq!(sent["progressUpdate"]["percent"], 40);
    assert_eq!(sent["progressUpdate"]["difficulties"], "Thiếu máy quét");
    assert_eq!(sent["progressUpdate"]["unit"]["code"], "H19.20.1");

    // The parent unit is neither lead nor implementing; refusals change nothing.
    let parent_officer = token(Role::UnitOfficer, Some("H19.20"));
    for (as_token, body, expected) in [
        (&parent_officer, input(&parent, 50, "ON_TRACK"), "INVALID"),
        (&officer, input(&lead, 101, "ON_TRACK"), "OUT_OF_RANGE"),
        (&officer, input(&lead, 90, "COMPLETED"), "INVALID"),
    ] {
        let refused = app.graphql_as(as_token, SUBMIT, body).await.ok()["submitProgress"].clone();
        assert_eq!(refused["progressUpdate"], Value::Null);
        assert_eq!(refused["userErrors"][0]["code"], expected, "{refused}");
    }
    let stranger = token(Role::UnitOfficer, Some("H48.20"));
    assert_eq!(
        app.graphql_as(&stranger, SUBMIT, input(&lead, 50, "ON_TRACK"))
            .await
            .codes(),
        ["FORBIDDEN"]
    );
    assert_eq!(
        app.graphql(SUBMIT, input(&lead, 50, "ON_TRACK"))
            .await
            .codes(),
        ["UNAUTHENTICATED"]
    );

    // The plan's figures follow the one update: 40 %, one task open within its deadline.
    let admin = token(Role::ProvinceAdmin, None);
    let year = format!("{}", Utc::now().year());
    let got = app
        .graphql_as(&admin, PROGRESS, json!({ "id": plan, "period": year }))
        .await
        .ok()["planProgress"]
        .clone();
    assert_eq!(got["taskCount"], 1);
    assert_eq!(got["percent"], 40.0);
    assert_eq!(
        got["timeliness"],
        json!([{ "timeliness": "OPEN_WITHIN_DEADLINE", "count": 1 }])
    );
    // A draft plan is not shown to anonymous callers.
    let hidden = app
        .graphql(PROGRESS, json!({ "id": plan, "period": year }))
        .await
        .ok();
    assert_eq!(hidden["planProgress"], Value::Null);
}

/// A progress update is a write that officers send all day, and every round trip of it waits
/// for a busy database: its statements are bounded. The live notice is built from what the
/// checks read, and the payload shows the update as the insert returned it: exactly what a later
/// read of it finds.
async fn a_progress_update_takes_a_bounded_number_of_statements(app: &TestApp) {
    let (_, task) = plan_with_a_task(app).await;
    let lead = app.unit_id("H19.20.1").await;
    let admin = token(Role::ProvinceAdmin, None);
    let input = |percent: i64, key: Option<&str>| {
        json!({ "input": { "taskId": task, "unitId": lead, "period": format!("{}", Utc::now().year()),
            "percent": percent, "status": "ON_TRACK", "narrative": "Cải cách hành chính",
            "clientMutationId": key } })
    };
    const SMALL: &str = "mutation($input: SubmitProgressInput!) { submitProgress(input: $input) {
        progressUpdate { id } userErrors { code } } }";
    let before = app.statements.get();
    let sent = app.graphql_as(&admin, SMALL, input(30, None)).await.ok()["submitProgress"].clone();
    let statements = app.statements.get() - before;
    assert_eq!(sent["userErrors"], json!([]));
    assert!(sent["progressUpdate"]["id"].is_string(), "{sent}");
    // The task with its issuer, assignments and the reporting unit in one statement, the insert
    // (`RETURNING` the row), and the audit event with the live notice (`RETURNING pg_notify(…)`).
    // SQLite sends no notice, and SeaORM reads an inserted row back there instead of
    // `RETURNING` it.
    let most = 3;
    assert!(
        statements <= most,
        "{statements} statements, at most {most} expected"
    );

    // The payload is the stored row: a read of it afterwards answers the same.
    const FIELDS: &str = "id percent status narrative difficulties proposals periodCode reportedAt reportedOn unit { code } task { id }";
    let submit = format!(
        "mutation($input: SubmitProgressInput!) {{ submitProgress(input: $input) {{
        progressUpdate {{ {FIELDS} }} userErrors {{ code }} }} }}"
    );
    let keyed = input(60, Some("progress-payload"));
    let sent = app.graphql_as(&admin, &submit, keyed.clone()).await.ok()["submitProgress"].clone();
    assert_eq!(sent["userErrors"], json!([]));
    let update = &sent["progressUpdate"];
    assert_eq!(update["percent"], 60);
    let read = app
        .graphql_as(
            &admin,
            &format!(
                "query($id: ID!) {{ node(id: $id) {{ ... on ProgressUpdate {{ {FIELDS} }} }} }}"
            ),
            json!({ "id": update["id"] }),
        )
        .await
        .ok()["node"]
        .clone();
    assert_eq!(&read, update);
    // A retry with the same key writes nothing and answers the same update (read, this time).
    let replayed = app.graphql_as(&admin, &submit, keyed).await.ok()["submitProgress"].clone();
    assert_eq!(replayed["userErrors"], json!([]));
    assert_eq!(&replayed["progressUpdate"], update);
    let count = app
        .graphql_as(
            &admin,
            "query($id: ID!) { node(id: $id) { ... on Task { progressUpdates(first: 10) { totalCount } } } }",
            json!({ "id": task }),
        )
        .await
        .ok()["node"]["progressUpdates"]["totalCount"]
        .clone();
    assert_eq!(count, 2, "two updates: the retry wrote none");
}

/// A unit's officer pays one statement for who it is (its unit, with the subtree its grants
/// reach), however many times the policy then asks: the visibility of drafts, the right to
/// report for its unit.
async fn a_unit_officer_is_resolved_once_per_request(app: &TestApp) {
    let (_, task) = plan_with_a_task(app).await;
    let lead = app.unit_id("H19.20.1").await;
    let officer = token(Role::UnitOfficer, Some("H19.20.1"));
    let before = app.statements.get();
    let sent = app
        .graphql_as(
            &officer,
            "mutation($input: SubmitProgressInput!) { submitProgress(input: $input) {
                progressUpdate { id percent } userErrors { code } } }",
            json!({ "input": { "taskId": task, "unitId": lead, "period": format!("{}", Utc::now().year()),
                "percent": 45, "status": "ON_TRACK", "narrative": "Đã triển khai" } }),
        )
        .await
        .ok()["submitProgress"]
        .clone();
    let statements = app.statements.get() - before;
    assert_eq!(sent["userErrors"], json!([]));
    assert_eq!(sent["progressUpdate"]["percent"], 45);
    // The caller's unit with its subtree, then the province administrator's three (see
    // `a_progress_update_takes_a_bounded_number_of_statements`).
    let most = 4;
    assert!(
        statements <= most,
        "{statements} statements, at most {most} expected"
    );

    // A read: the caller's unit with its subtree, then the page.
    let before = app.statements.get();
    let plans = app
        .graphql_as(&officer, "{ plans(first: 5) { nodes { id } } }", json!({}))
        .await
        .ok();
    let statements = app.statements.get() - before;
    assert!(
        plans["plans"]["nodes"]
            .as_array()
            .is_some_and(|n| !n.is_empty()),
        "{plans}"
    );
    assert!(
        statements <= 2,
        "{statements} statements, at most 2 expected"
    );

    // The subtree read up front allows; it does not refuse on its own: a unit outside it is
    // refused after the policy looked at the tree again.
    let stranger = app.unit_id("H48.20").await;
    let refused = app
        .graphql_as(
            &officer,
            "mutation($input: SubmitProgressInput!) { submitProgress(input: $input) {
                progressUpdate { id } userErrors { code } } }",
            json!({ "input": { "taskId": task, "unitId": stranger, "period": format!("{}", Utc::now().year()),
                "percent": 45, "status": "ON_TRACK" } }),
        )
        .await;
    assert_eq!(refused.codes(), ["FORBIDDEN"], "{refused:?}");
}

/// Reports expected by a plan's regime for a period: on time, late, missing.
async fn plan_progress_counts_the_reports_of_its_regimes(app: &TestApp) {
    let (plan, _) = plan_with_a_task(app).await;
    let admin = token(Role::ProvinceAdmin, None);
    let last_year = Utc::now().year() - 1;
    // H19.20.1 reports its year to H19.20 by 15/01 of the next year; so does H19.20 to H19.
    let created = app
        .graphql_as(
            &admin,
            "mutation($input: CreateReportingRegimeInput!) { createReportingRegime(input: $input) { regime { id } userErrors { field message } } }",
            json!({ "input": { "planId": plan, "name": "Báo cáo năm", "frequency": "YEAR",
                "deadlines": [
                    { "level": 1, "text": "15/01 năm sau", "reporterUnitId": app.unit_id("H19.20.1").await,
                      "recipientId": app.unit_id("H19.20").await,
                      "rule": { "kind": "FIXED_DAY", "month": 1, "day": 15, "yearOffset": 1, "rollForward": false } },
                    { "level": 2, "text": "20/01 năm sau", "reporterUnitId": app.unit_id("H19.20").await,
                      "recipientId": app.unit_id("H19").await,
                      "rule": { "kind": "FIXED_DAY", "month": 1, "day": 20, "yearOffset": 1, "rollForward": false } }
                ] } }),
        )
        .await
        .ok();
    let regime = created["createReportingRegime"]["regime"]["id"].clone();
    assert!(regime.is_string(), "{created}");
    // Level 1 sends its report now (late); level 2 sends nothing.
    let officer = token(Role::UnitOfficer, Some("H19.20.1"));
    let sent = app
        .graphql_as(
            &officer,
            "mutation($input: SubmitReportInput!) { submitReport(input: $input) { report { isLate } userErrors { message } } }",
            json!({ "input": { "regimeId": regime, "period": format!("{last_year}"),
                "unitId": app.unit_id("H19.20.1").await, "content": "Báo cáo năm" } }),
        )
        .await
        .ok();
    assert_eq!(sent["submitReport"]["report"]["isLate"], true, "{sent}");
    let today = (Utc::now() + Duration::hours(7)).date_naive().to_string();
    let got = app
        .graphql_as(
            &admin,
            PROGRESS,
            json!({ "id": plan, "period": format!("{last_year}"), "asOf": today }),
        )
        .await
        .ok()["planProgress"]
        .clone();
    assert_eq!(
        got["reports"],
        json!([
            { "level": 1, "dueOn": format!("{}-01-15", last_year + 1), "expected": 1, "onTime": 0, "late": 1,
              "missing": [], "pending": [] },
            { "level": 2, "dueOn": format!("{}-01-20", last_year + 1), "expected": 1, "onTime": 0, "late": 0,
              "missing": [{ "code": "H19.20" }], "pending": [] }
        ])
    );
    // As of the last day of that year, nothing was due yet.
    let earlier = app
        .graphql_as(
            &admin,
            PROGRESS,
            json!({ "id": plan, "period": format!("{last_year}") }),
        )
        .await
        .ok()["planProgress"]
        .clone();
    assert_eq!(
        earlier["reports"][0]["pending"],
        json!([{ "code": "H19.20.1" }])
    );
    assert_eq!(earlier["reports"][0]["late"], 0, "sent after that day");
}

/// The provincial plan 3993/KH-UBND and every plan below it: the levels follow
/// `implementedBy`, and each plan's task count is its tasks but the cancelled ones.
async fn cascade_progress_walks_the_plans_implementing_a_plan(app: &TestApp) {
    let root = app.plan_id("3993/KH-UBND").await;
    // No document links 5198/KH-SYT (which the Tu Mơ Rông plan implements) to a provincial
    // plan; an administrator records that it implements 3993/KH-UBND, so the cascade has three
    // levels.
    let linked = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "mutation($input: PlanImplementsInput!) { addPlanImplements(input: $input) { userErrors { message } } }",
            json!({ "input": { "planId": app.plan_id("5198/KH-SYT").await, "parentPlanId": root } }),
        )
        .await
        .ok();
    assert_eq!(linked["addPlanImplements"]["userErrors"], json!([]));
    let data = app
        .graphql(
            r#"query($id: ID!) { cascadeProgress(planId: $id, asOf: "2023-12-31") {
                depth taskCount percent plan { id implementedBy(first: 50) { nodes { id } }
                    tasks(first: 100) { nodes { status } } }
                implements { id } timeliness { count } } }"#,
            json!({ "id": root }),
        )
        .await
        .ok();
    let entries = data["cascadeProgress"].as_array().expect("entries").clone();
    assert_eq!(entries[0]["plan"]["id"], root);
    assert_eq!(
        (
            entries[0]["depth"].clone(),
            entries[0]["implements"].clone()
        ),
        (json!(0), Value::Null)
    );
    assert!(
        entries.iter().any(|e| e["depth"] == 2),
        "the cascade reaches the district centre"
    );
    for entry in &entries {
        // Every plan implementing it is in the cascade, and each entry below the top
        // implements a plan one level up.
        for below in entry["plan"]["implementedBy"]["nodes"]
            .as_array()
            .expect("nodes")
        {
            assert!(
                entries.iter().any(|e| e["plan"]["id"] == below["id"]),
                "{below} is missing"
            );
        }
        if entry["depth"] != 0 {
            let parent = entries
                .iter()
                .find(|e| e["plan"]["id"] == entry["implements"]["id"])
                .expect("its parent is in the cascade");
            assert_eq!(
                parent["depth"].as_i64().map(|d| d + 1),
                entry["depth"].as_i64()
            );
            assert!(
                parent["plan"]["implementedBy"]["nodes"]
                    .as_array()
                    .expect("nodes")
                    .iter()
                    .any(|n| n["id"] == entry["plan"]["id"])
            );
        }
        let open = entry["plan"]["tasks"]["nodes"]
            .as_array()
            .expect("tasks")
            .iter()
            .filter(|t| t["status"] != "CANCELLED")
            .count();
        assert_eq!(entry["taskCount"], open);
        let classes: i64 = entry["timeliness"]
            .as_array()
            .expect("classes")
            .iter()
            .map(|c| c["count"].as_i64().expect("n"))
            .sum();
        assert_eq!(
            classes as usize,
            entry["plan"]["tasks"]["nodes"]
                .as_array()
                .expect("tasks")
                .len()
        );
    }
    let missing = app
        .graphql(
            "{ cascadeProgress(planId: \"UGxhbjowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA\") { depth } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(missing["cascadeProgress"], Value::Null);
}

/// The lead reports a task done; its monitoring unit returns it, then accepts it: completed on
/// the day it was reported done.
async fn a_task_is_reported_done_then_accepted_by_its_monitoring_unit(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let plan = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
            json!({ "input": { "title": "Kế hoạch nghiệm thu", "kind": "PLAN", "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]["id"]
        .clone();
    let today = (Utc::now() + Duration::hours(7)).date_naive();
    let lead = app.unit_id("H19.20.1").await;
    let created = app
        .graphql_as(
            &admin,
            "mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id version } } }",
            json!({ "input": { "planId": plan, "title": "Chuẩn hóa quy trình", "kind": "ONE_OFF",
                "dueOn": (today + Duration::days(30)).to_string(),
                "assignments": [{ "role": "LEAD", "unitId": lead },
                                { "role": "MONITORING", "unitId": app.unit_id("H19.20").await }] } }),
        )
        .await
        .ok()["createTask"]["task"]
        .clone();
    let task = created["id"].clone();
    const DONE: &str = "mutation($input: ReportTaskDoneInput!) { reportTaskDone(input: $input) {
        task { status version latestProgress { percent status } } userErrors { field code } } }";
    const ACCEPT: &str =
        "mutation($input: AcceptTaskCompletionInput!) { acceptTaskCompletion(input: $input) {
        task { status version completedOn timeliness } userErrors { field code } } }";
    const RETURN: &str =
        "mutation($input: ReturnTaskCompletionInput!) { returnTaskCompletion(input: $input) {
        task { status version } userErrors { field code } } }";
    let lead_officer = token(Role::UnitOfficer, Some("H19.20.1"));
    let monitor = token(Role::UnitOfficer, Some("H19.20"));

    // Only the lead reports it done.
    let not_lead = app
        .graphql_as(
            &monitor,
            DONE,
            json!({ "input": { "taskId": task, "unitId": app.unit_id("H19.20").await, "version": created["version"] } }),
        )
        .await
        .ok();
    assert_eq!(
        not_lead["reportTaskDone"]["userErrors"][0]["code"],
        "INVALID"
    );
    let done = app
        .graphql_as(
            &lead_officer,
            DONE,
            json!({ "input": { "taskId": task, "unitId": lead, "version": created["version"], "narrative": "Đã hoàn thành" } }),
        )
        .await
        .ok()["reportTaskDone"]
        .clone();
    assert_eq!(done["task"]["status"], "AWAITING_ACCEPTANCE");
    assert_eq!(
        done["task"]["latestProgress"],
        json!({ "percent": 100, "status": "COMPLETED" })
    );
    let again = app
        .graphql_as(&lead_officer, DONE, json!({ "input": { "taskId": task, "unitId": lead, "version": done["task"]["version"] } }))
        .await
        .ok();
    assert_eq!(
        again["reportTaskDone"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );

    // The lead does not accept its own work; the monitoring unit returns it, with a reason.
    let own = app
        .graphql_as(
            &lead_officer,
            ACCEPT,
            json!({ "input": { "taskId": task, "version": done["task"]["version"] } }),
        )
        .await;
    assert_eq!(own.codes(), ["FORBIDDEN"]);
    let returned = app
        .graphql_as(&monitor, RETURN, json!({ "input": { "taskId": task, "version": done["task"]["version"], "reason": "Thiếu biên bản" } }))
        .await
        .ok()["returnTaskCompletion"]
        .clone();
    assert_eq!(returned["task"]["status"], "IN_PROGRESS");

    // Reported done again and accepted: completed today, on time; a stale version is refused.
    let done = app
        .graphql_as(&lead_officer, DONE, json!({ "input": { "taskId": task, "unitId": lead, "version": returned["task"]["version"] } }))
        .await
        .ok()["reportTaskDone"]
        .clone();
    let stale = app
        .graphql_as(
            &monitor,
            ACCEPT,
            json!({ "input": { "taskId": task, "version": returned["task"]["version"] } }),
        )
        .await
        .ok();
    assert_eq!(
        stale["acceptTaskCompletion"]["userErrors"][0]["code"],
        "STALE_VERSION"
    );
    let accepted = app
        .graphql_as(
            &monitor,
            ACCEPT,
            json!({ "input": { "taskId": task, "version": done["task"]["version"] } }),
        )
        .await
        .ok()["acceptTaskCompletion"]
        .clone();
    assert_eq!(accepted["task"]["status"], "COMPLETED");
    assert_eq!(accepted["task"]["completedOn"], today.to_string());
    assert_eq!(accepted["task"]["timeliness"], "COMPLETED_ON_TIME");
}

/// A cooperating unit adds what it did; it moves no figure, and only cooperating units may.
async fn cooperating_units_add_contributions(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let (plan, _) = plan_with_a_task(app).await;
    let task = app
        .graphql_as(
            &admin,
            "mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }",
            json!({ "input": { "planId": plan, "title": "Kết nối liên thông dữ liệu", "kind": "ONE_OFF",
                "dueOn": format!("{}-12-31", Utc::now().year() + 1),
                "assignments": [{ "role": "LEAD", "unitId": app.unit_id("H19.20.1").await },
                                { "role": "COOPERATING", "unitId": app.unit_id("H19.20.2").await }] } }),
        )
        .await
        .ok()["createTask"]["task"]["id"]
        .clone();
    const ADD: &str = "mutation($input: AddContributionInput!) { addContribution(input: $input) {
        contribution { unit { code } period narrative } userErrors { field code } } }";
    let period = Utc::now().year().to_string();
    let input = |unit: &str, narrative: &str| json!({ "input": { "taskId": task, "unitId": unit, "period": period, "narrative": narrative } });
    let partner = app.unit_id("H19.20.2").await;
    let added = app
        .graphql_as(
            &token(Role::UnitOfficer, Some("H19.20.2")),
            ADD,
            input(&partner, "Đã cung cấp danh mục dữ liệu dùng chung"),
        )
        .await
        .ok()["addContribution"]
        .clone();
    assert_eq!(added["userErrors"], json!([]));
    assert_eq!(
        added["contribution"],
        json!({ "unit": { "code": "H19.20.2" }, "period": period,
            "narrative": "Đã cung cấp danh mục dữ liệu dùng chung" })
    );
    // The lead reports progress, not contributions; a blank one and a stranger are refused.
    let lead = app.unit_id("H19.20.1").await;
    for (as_token, body, code) in [
        (
            token(Role::UnitOfficer, Some("H19.20.1")),
            input(&lead, "Báo cáo"),
            "INVALID",
        ),
        (
            token(Role::UnitOfficer, Some("H19.20.2")),
            input(&partner, "   "),
            "REQUIRED",
        ),
    ] {
        let refused = app.graphql_as(&as_token, ADD, body).await.ok()["addContribution"].clone();
        assert_eq!(refused["contribution"], Value::Null);
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
    }
    assert_eq!(
        app.graphql_as(
            &token(Role::UnitOfficer, Some("H48.20")),
            ADD,
            input(&partner, "x")
        )
        .await
        .codes(),
        ["FORBIDDEN"]
    );
    let read = app
        .graphql_as(
            &admin,
            "query($id: ID!) { node(id: $id) { ... on Task { latestProgress { percent }
                contributions { unit { code } narrative } } } }",
            json!({ "id": task }),
        )
        .await
        .ok();
    assert_eq!(
        read["node"]["latestProgress"],
        Value::Null,
        "no figure moved"
    );
    assert_eq!(
        read["node"]["contributions"],
        json!([{ "unit": { "code": "H19.20.2" }, "narrative": "Đã cung cấp danh mục dữ liệu dùng chung" }])
    );
}

db_tests!(
    a_progress_update_takes_a_bounded_number_of_statements,
    a_unit_officer_is_resolved_once_per_request,
    cooperating_units_add_contributions,
    a_task_is_reported_done_then_accepted_by_its_monitoring_unit,
    cascade_progress_walks_the_plans_implementing_a_plan,
    plan_progress_matches_figures_computed_from_the_tasks,
    only_the_lead_and_implementing_units_report_progress,
    plan_progress_counts_the_reports_of_its_regimes,
);
