//! The progress annex as Excel through HTTP: the workbook is read back with a reader crate and
//! its cells compared with what `planProgress` and the plan's tasks answer through GraphQL;
//! the export keeps the query's permissions and refuses bad input with a clear error.

use std::io::Cursor;

use api::auth::Role;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

const TU_MO_RONG: &str =
    "Thực hiện công tác cải cách hành chính nhà nước của Trung tâm Y tế huyện Tu Mơ Rông năm 2023";
/// The first data row (below the title, the subtitle, a blank row and the headings).
const FIRST: usize = 4;

pub(crate) async fn download(
    app: &TestApp,
    path: &str,
    as_token: Option<&str>,
) -> (u16, Vec<u8>, String) {
    let mut request = app.request(reqwest::Method::GET, path);
    if let Some(t) = as_token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, response.bytes().await.expect("body").to_vec(), kind)
}

pub(crate) fn cell(sheet: &calamine::Range<Data>, row: usize, col: usize) -> Data {
    sheet
        .get_value((row as u32, col as u32))
        .cloned()
        .unwrap_or(Data::Empty)
}

pub(crate) fn text(sheet: &calamine::Range<Data>, row: usize, col: usize) -> String {
    match cell(sheet, row, col) {
        Data::String(s) => s,
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// An Excel serial day as a date (1900 system).
pub(crate) fn excel_day(serial: f64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch") + chrono::Duration::days(serial as i64)
}

fn label(timeliness: &str) -> &'static str {
    match timeliness {
        "COMPLETED_ON_TIME" => "Hoàn thành đúng hạn",
        "COMPLETED_LATE" => "Hoàn thành quá hạn",
        "OPEN_WITHIN_DEADLINE" => "Chưa hoàn thành – trong hạn",
        "OPEN_OVERDUE" => "Chưa hoàn thành – quá hạn",
        "NO_DEADLINE" => "Không có thời hạn",
        "AWAITING_TRIGGER" => "Chưa phát sinh",
        "CANCELLED" => "Đã hủy",
        other => panic!("unknown class {other}"),
    }
}

async fn the_progress_workbook_reads_back_as_the_api_answers(app: &TestApp) {
    let plan = app.plan_titled(TU_MO_RONG).await;
    let data = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) { title progressExportUrl(period: "2023Q1")
                tasks(first: 100) { totalCount nodes { code title dueOn dueText timeliness(asOf: "2023-03-31")
                    assignments { role unit { name } group { label } } } }
                targets(first: 100) { nodes { code statement } } }
              planProgress(planId: $id, period: "2023Q1") { asOf
                reports { expected onTime late missing { name } pending { name } } } }"#,
            json!({ "id": plan }),
        )
        .await
        .ok();
    let url = data["plan"]["progressExportUrl"].as_str().expect("url");
    assert!(url.starts_with("/exports/plans/") && url.ends_with("/progress.xlsx?period=2023Q1"));
    let (status, bytes, kind) = download(app, url, None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx file");
    assert_eq!(book.sheet_names(), ["Nhiệm vụ", "Chỉ tiêu", "Báo cáo"]);

    // Sheet 1: one row per task, in the plan's order, as the API answers.
    let tasks = book.worksheet_range("Nhiệm vụ").expect("tasks sheet");
    assert_eq!(
        text(&tasks, 0, 0),
        format!("Tiến độ thực hiện: {TU_MO_RONG}"),
        "Vietnamese text intact"
    );
    assert!(text(&tasks, 1, 0).contains("2023Q1") && text(&tasks, 1, 0).contains("31/03/2023"));
    let nodes = data["plan"]["tasks"]["nodes"].as_array().expect("tasks");
    assert_eq!(data["plan"]["tasks"]["totalCount"], nodes.len());
    assert!(!nodes.is_empty());
    for (i, task) in nodes.iter().enumerate() {
        let row = FIRST + i;
        assert_eq!(
            text(&tasks, row, 0),
            task["code"].as_str().unwrap_or_default()
        );
        assert_eq!(text(&tasks, row, 1), task["title"].as_str().expect("title"));
        // The lead unit's name, or its group's label when a group leads.
        let names = |roles: &[&str]| -> Vec<String> {
            task["assignments"]
                .as_array()
                .expect("assignments")
                .iter()
                .filter(|a| roles.contains(&a["role"].as_str().unwrap_or_default()))
                .filter_map(|a| {
                    a["unit"]["name"]
                        .as_str()
                        .or(a["group"]["label"].as_str())
                        .map(str::to_owned)
                })
                .collect()
        };
        assert_eq!(text(&tasks, row, 2), names(&["LEAD"]).join(""), "row {row}");
        assert_eq!(
            text(&tasks, row, 3),
            names(&["COOPERATING", "IMPLEMENTING"]).join("; "),
            "row {row}"
        );
        match (task["dueOn"].as_str(), cell(&tasks, row, 4)) {
            (Some(due), Data::DateTime(day)) => {
                assert_eq!(excel_day(day.as_f64()).to_string(), due);
            }
            (None, Data::String(printed)) => {
                assert_eq!(Some(printed.as_str()), task["dueText"].as_str())
            }
            (None, Data::Empty) => assert!(task["dueText"].is_null()),
            (due, other) => panic!("row {row}: due {due:?}, cell {other:?}"),
        }
        assert_eq!(
            text(&tasks, row, 5),
            label(task["timeliness"].as_str().expect("class"))
        );
    }
    assert_eq!(
        cell(&tasks, FIRST + nodes.len(), 1),
        Data::Empty,
        "no extra row"
    );

    // Sheet 2: the plan's targets in order (this plan has no breakdown tables).
    let targets = book.worksheet_range("Chỉ tiêu").expect("targets sheet");
    let listed = data["plan"]["targets"]["nodes"]
        .as_array()
        .expect("targets");
    for (i, target) in listed.iter().enumerate() {
        assert_eq!(
            text(&targets, FIRST + i, 0),
            target["code"].as_str().expect("code")
        );
        assert_eq!(
            text(&targets, FIRST + i, 1),
            target["statement"].as_str().expect("statement")
        );
    }

    // Sheet 3: one row per unit owing a report, in the states planProgress counts.
    let reports = book.worksheet_range("Báo cáo").expect("reports sheet");
    let due = data["planProgress"]["reports"].as_array().expect("reports");
    let expected: i64 = due.iter().map(|r| r["expected"].as_i64().expect("n")).sum();
    assert!(expected > 0, "the demo's regimes expect reports in 2023Q1");
    let states: Vec<String> = (0..expected as usize)
        .map(|i| text(&reports, FIRST + i, 4))
        .collect();
    assert_eq!(
        text(&reports, FIRST + expected as usize, 2),
        "",
        "no extra row"
    );
    let count = |state: &str| states.iter().filter(|s| *s == state).count() as i64;
    let sum = |field: &str| -> i64 { due.iter().map(|r| r[field].as_i64().expect("n")).sum() };
    let listed = |field: &str| -> i64 {
        due.iter()
            .map(|r| r[field].as_array().expect("units").len() as i64)
            .sum()
    };
    assert_eq!(count("Đúng hạn"), sum("onTime"));
    assert_eq!(count("Trễ hạn"), sum("late"));
    assert_eq!(count("Chưa nộp (quá hạn)"), listed("missing"));
    assert_eq!(count("Chưa đến hạn"), listed("pending"));
}

/// A target's value and the bed-count breakdown appear on sheet 2 with their verdicts.
async fn target_values_appear_on_the_targets_sheet(app: &TestApp) {
    let (target_id, plan_id) = app.bed_target().await;
    let admin = token(Role::ProvinceAdmin, None);
    let lead_code = app.target_lead_code(&target_id).await;
    let sent = app
        .graphql_as(
            &admin,
            "mutation($input: SubmitTargetValueInput!) { submitTargetValue(input: $input) { userErrors { message } } }",
            json!({ "input": { "targetId": target_id, "unitId": app.unit_id(&lead_code).await,
                "period": "2024", "value": 7000.0, "estimate": true } }),
        )
        .await
        .ok();
    assert_eq!(sent["submitTargetValue"]["userErrors"], json!([]));
    let url = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) { progressExportUrl(period: "2024") } }"#,
            json!({ "id": plan_id }),
        )
        .await
        .ok()["plan"]["progressExportUrl"]
        .as_str()
        .expect("url")
        .to_owned();
    let (status, bytes, _) = download(app, &url, None).await;
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx");
    let sheet = book.worksheet_range("Chỉ tiêu").expect("targets sheet");
    let row = (FIRST..FIRST + 200)
        .find(|r| text(&sheet, *r, 0) == "II.2.1")
        .expect("the target's row");
    assert_eq!(cell(&sheet, row, 4), Data::Float(6951.0));
    assert_eq!(cell(&sheet, row, 5), Data::Float(7000.0));
    assert_eq!(text(&sheet, row, 3), "≥");
    assert_eq!(text(&sheet, row, 6), "x", "an estimate");
    assert_eq!(text(&sheet, row, 7), "Đạt");
    // Its breakdown follows: group I with its subtotal, then its rows.
    assert_eq!(text(&sheet, row + 1, 0), "I");
    assert_eq!(text(&sheet, row + 1, 1), "Giường bệnh công lập");
    assert_eq!(cell(&sheet, row + 1, 4), Data::Float(5720.0));
    assert_eq!(text(&sheet, row + 2, 1), "Bệnh viện Đa khoa tỉnh");
    assert_eq!(cell(&sheet, row + 2, 4), Data::Float(1200.0));
}

/// The export answers as the query would: a draft the caller may not read is not found; bad
/// input is refused with a code.
async fn the_export_keeps_the_query_permissions(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let draft = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id progressExportUrl(period: \"2025\") } } }",
            json!({ "input": { "title": "Kế hoạch dự thảo", "kind": "PLAN", "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]
        .clone();
    let url = draft["progressExportUrl"].as_str().expect("url");
    let (status, body, _) = download(app, url, None).await;
    assert_eq!(status, 404);
    let body: Value = serde_json::from_slice(&body).expect("JSON error");
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(download(app, url, Some(&admin)).await.0, 200);
    assert_eq!(download(app, url, Some("not-a-token")).await.0, 401);
    let id = draft["id"].as_str().expect("id");
    for bad in [
        format!("/exports/plans/{id}/progress.xlsx"),
        format!("/exports/plans/{id}/progress.xlsx?period=2025Q7"),
        format!("/exports/plans/{id}/progress.xlsx?period=2025D01"),
        format!("/exports/plans/{id}/progress.xlsx?period=2025&asOf=31/12/2025"),
        "/exports/plans/not-an-id/progress.xlsx?period=2025".to_owned(),
    ] {
        let (status, body, _) = download(app, &bad, Some(&admin)).await;
        assert_eq!(status, 400, "{bad}");
        let body: Value = serde_json::from_slice(&body).expect("JSON error");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{bad}"
        );
    }
}

db_tests!(
    the_progress_workbook_reads_back_as_the_api_answers,
    target_values_appear_on_the_targets_sheet,
    the_export_keeps_the_query_permissions,
);
