//! Indicator values for the provincial reporting system, over HTTP (`/exports/indicators.json`)
//! and GraphQL (`indicatorValues`): the documented form, pages with cursors, bad inputs refused
//! one by one, and values of drafts and confidential plans never out — which also hides a
//! confidential plan from everyone but its issuer's subtree and province administrators.

use api::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

const SUBMIT: &str = "mutation($input: SubmitTargetValueInput!) { submitTargetValue(input: $input) { userErrors { field message } } }";

async fn submit(app: &TestApp, input: Value) {
    let sent = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            SUBMIT,
            json!({ "input": input }),
        )
        .await
        .ok();
    assert_eq!(sent["submitTargetValue"]["userErrors"], json!([]), "{sent}");
}

async fn export(app: &TestApp, query: &str) -> (u16, Value) {
    let response = app
        .request(Method::GET, &format!("/exports/indicators.json{query}"))
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

/// A plan of the department with one target and a 2024 value of 42 from the office, issued
/// (with `number`) or left a draft, confidential or not; its id.
async fn plan_with_a_value(
    app: &TestApp,
    title: &str,
    number: Option<&str>,
    confidential: bool,
) -> String {
    let admin = token(Role::ProvinceAdmin, None);
    let created = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id version confidential } userErrors { message } } }",
            json!({ "input": { "title": title, "kind": "PLAN", "issuerId": app.unit_id("H19.20").await, "confidential": confidential } }),
        )
        .await
        .ok();
    let plan = created["createPlan"]["plan"].clone();
    assert_eq!(plan["confidential"], confidential, "{created}");
    let target = app
        .graphql_as(
            &admin,
            "mutation($input: CreateTargetInput!) { createTarget(input: $input) { target { id } userErrors { message } } }",
            json!({ "input": { "planId": plan["id"], "code": "1", "statement": format!("{title}: tỷ lệ hồ sơ trực tuyến"),
                "measure": "PERCENT", "comparator": "AT_LEAST", "targetValue": 80.0,
                "assignments": [{ "role": "LEAD", "unitId": app.unit_id("H19.20.1").await }] } }),
        )
        .await
        .ok()["createTarget"]["target"]["id"]
        .clone();
    assert!(target.is_string());
    if let Some(number) = number {
        let issued = app
            .graphql_as(
                &admin,
                "mutation($input: IssuePlanInput!) { issuePlan(input: $input) { userErrors { message } } }",
                json!({ "input": { "id": plan["id"], "version": plan["version"], "documentNumber": number, "issuedOn": "2024-01-15" } }),
            )
            .await
            .ok();
        assert_eq!(issued["issuePlan"]["userErrors"], json!([]), "{issued}");
    }
    submit(
        app,
        json!({ "targetId": target, "unitId": app.unit_id("H19.20.1").await, "period": "2024", "value": 42.0 }),
    )
    .await;
    plan["id"].as_str().expect("id").to_owned()
}

async fn indicator_values_go_out_in_the_documented_form(app: &TestApp) {
    // The demo's bed-count target: a value for the whole target, and one for a breakdown row.
    let (target, _) = app.bed_target().await;
    let lead = app.target_lead_code(&target).await;
    submit(
        app,
        json!({ "targetId": target, "unitId": app.unit_id(&lead).await, "period": "2024", "value": 7000.0, "estimate": true }),
    )
    .await;
    let breakdown = app
        .graphql(
            "query($id: ID!) { target(id: $id) { code plan { documentNumber } breakdown { groups { rows { id code unit { id code version } } } } } }",
            json!({ "id": target }),
        )
        .await
        .ok();
    let rows = breakdown["target"]["breakdown"]["groups"][0]["rows"]
        .as_array()
        .expect("rows")
        .clone();
    // The demo's hospitals have no electronic id: the first gets one; the second's value, left
    // without, cannot be addressed and stays out.
    let (row, uncoded) = (rows[0].clone(), rows[1].clone());
    assert!(row["unit"]["code"].is_null() && uncoded["unit"]["code"].is_null());
    let coded = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "mutation($input: UpdateUnitInput!) { updateUnit(input: $input) { unit { code } userErrors { message } } }",
            json!({ "input": { "id": row["unit"]["id"], "version": row["unit"]["version"], "code": "H03.20.91" } }),
        )
        .await
        .ok();
    assert_eq!(coded["updateUnit"]["unit"]["code"], "H03.20.91", "{coded}");
    for (row, value) in [(&row, 310.0), (&uncoded, 280.0)] {
        submit(
            app,
            json!({ "targetId": target, "unitId": row["unit"]["id"], "period": "2024", "value": value, "breakdownRowId": row["id"] }),
        )
        .await;
    }
    // The movement plan's number is not in the document: its id stands in.
    assert!(breakdown["target"]["plan"]["documentNumber"].is_null());
    let code = breakdown["target"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let issued = plan_with_a_value(app, "Kế hoạch chuyển đổi số", Some("77/KH-SYT"), false).await;
    plan_with_a_value(app, "Kế hoạch dự thảo", None, false).await;
    let secret = plan_with_a_value(app, "Kế hoạch bảo vệ bí mật", Some("78/KH-SYT"), true).await;

    let (status, body) = export(app, "?period=2024").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["format"], "plans-api/indicator-values@1");
    assert_eq!(body["period"], "2024");
    assert_eq!(body["next"], Value::Null);
    let items = body["items"].as_array().expect("items").clone();
    let codes: Vec<&str> = items
        .iter()
        .map(|i| i["indicatorCode"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes.len(),
        3,
        "issued plans only, never a draft or a confidential plan: {body}"
    );
    let (prefix, whole_code) = codes[0].split_once('#').expect("plan#target");
    assert_eq!(whole_code, code);
    assert!(uuid::Uuid::parse_str(prefix).is_ok(), "{prefix}");
    assert_eq!(
        codes[1],
        format!(
            "{prefix}#{code}.{}",
            row["code"].as_str().expect("row code")
        )
    );
    assert_eq!(codes[2], "77/KH-SYT#1");
    let whole = &items[0];
    assert_eq!(whole["unitElectronicId"], lead);
    assert_eq!(whole["periodCode"], "2024");
    assert_eq!(whole["value"], 7000.0);
    assert_eq!(whole["isEstimate"], true);
    assert_eq!(items[1]["unitElectronicId"], "H03.20.91");
    assert_eq!(items[1]["value"], 310.0);
    assert_eq!(items[2]["unitOfMeasure"], "%");
    assert_eq!(items[2]["isEstimate"], false);
    assert!(
        items[2]["indicatorName"]
            .as_str()
            .expect("name")
            .contains("tỷ lệ hồ sơ trực tuyến")
    );

    // Pages: one value a page, then the next by cursor, until `next` is null.
    let mut seen = Vec::new();
    let mut query = "?period=2024&limit=1".to_owned();
    loop {
        let (status, page) = export(app, &query).await;
        assert_eq!(status, 200, "{page}");
        seen.push(page["items"][0]["indicatorCode"].clone());
        match page["next"].as_str() {
            Some(next) => query = format!("?period=2024&limit=1&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen, codes.iter().map(|c| json!(c)).collect::<Vec<_>>());
    // By unit and by plan.
    let (_, by_unit) = export(app, &format!("?period=2024&unit={lead}")).await;
    assert!(
        by_unit["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["unitElectronicId"] == lead)
    );
    let (_, by_plan) = export(app, &format!("?period=2024&plan={issued}")).await;
    assert_eq!(by_plan["items"].as_array().expect("items").len(), 1);
    let (_, secret_only) = export(app, &format!("?period=2024&plan={secret}")).await;
    assert_eq!(secret_only["items"], json!([]), "not even when asked by id");
    let (_, other_period) = export(app, "?period=2024Q1").await;
    assert_eq!(other_period["items"], json!([]));

    // The same through GraphQL, for a province administrator too.
    let read = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            r#"{ indicatorValues(periodCode: "2024", first: 10) { totalCount nodes { indicatorCode unitElectronicId periodCode value unitOfMeasure isEstimate } } }"#,
            json!({}),
        )
        .await
        .ok();
    let nodes = read["indicatorValues"]["nodes"].as_array().expect("nodes");
    assert_eq!(read["indicatorValues"]["totalCount"], 3);
    for (node, item) in nodes.iter().zip(&items) {
        for field in [
            "indicatorCode",
            "unitElectronicId",
            "periodCode",
            "value",
            "unitOfMeasure",
            "isEstimate",
        ] {
            assert_eq!(node[field], item[field], "{field}");
        }
    }

    // Bad inputs, each refused with what to send.
    for (query, words) in [
        ("", "give `period`"),
        ("?period=2024-1", "not a period code"),
        ("?period=20249M", "no code in the reporting system"),
        ("?period=2024&limit=0", "`limit` is 1 to 1000"),
        ("?period=2024&limit=5000", "`limit` is 1 to 1000"),
        ("?period=2024&after=bm9wZQ", "cursor"),
        ("?period=2024&unit=h19%20x", "electronic id"),
        ("?period=2024&plan=garbage", "names no plan"),
    ] {
        let (status, body) = export(app, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{query}: {message}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }
    for period in [
        "2024-1",
        "20249M",
        "2024Q1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ] {
        let refused = app
            .graphql(
                "query($p: String!) { indicatorValues(periodCode: $p) { totalCount } }",
                json!({ "p": period }),
            )
            .await;
        assert_eq!(refused.codes(), vec!["BAD_USER_INPUT"], "{period}");
    }
    for args in [
        r#"unitId: "garbage""#,
        r#"planId: "garbage""#,
        "first: 500",
        r#"after: "bm9wZQ""#,
    ] {
        let refused = app
            .graphql(
                &format!(r#"{{ indicatorValues(periodCode: "2024", {args}) {{ totalCount }} }}"#),
                json!({}),
            )
            .await;
        assert_eq!(refused.codes(), vec!["BAD_USER_INPUT"], "{args}");
    }
}

/// A confidential plan is read only by its issuer's subtree and province administrators.
async fn a_confidential_plan_is_hidden_from_everyone_else(app: &TestApp) {
    let secret = plan_with_a_value(
        app,
        "Kế hoạch bảo vệ bí mật nhà nước",
        Some("79/KH-SYT"),
        true,
    )
    .await;
    let read = |who: Option<String>| {
        let secret = secret.clone();
        async move {
            let query = "query($id: ID!) { plan(id: $id) { title confidential } }";
            let answer = match who {
                Some(t) => app.graphql_as(&t, query, json!({ "id": secret })).await,
                None => app.graphql(query, json!({ "id": secret })).await,
            };
            answer.ok()["plan"].clone()
        }
    };
    assert_eq!(read(None).await, Value::Null, "anonymous");
    assert_eq!(
        read(Some(token(Role::Viewer, Some("H48.20")))).await,
        Value::Null,
        "another province"
    );
    assert_eq!(
        read(Some(token(Role::ProvinceAdmin, None))).await["confidential"],
        true
    );
    assert_eq!(
        read(Some(token(Role::UnitOfficer, Some("H19.20")))).await["confidential"],
        true
    );
    let listed = app
        .graphql(
            r#"{ plans(first: 50, filter: { search: "bao ve bi mat nha nuoc" }) { totalCount } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(listed["plans"]["totalCount"], 0, "not listed either");
    // Made public: everyone reads it.
    let plan = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "query($id: ID!) { plan(id: $id) { version } }",
            json!({ "id": secret }),
        )
        .await
        .ok();
    let changed = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { plan { confidential } userErrors { message } } }",
            json!({ "input": { "id": secret, "version": plan["plan"]["version"], "confidential": false } }),
        )
        .await
        .ok();
    assert_eq!(
        changed["updatePlan"]["plan"]["confidential"], false,
        "{changed}"
    );
    assert_eq!(read(None).await["confidential"], false);
}

db_tests!(
    indicator_values_go_out_in_the_documented_form,
    a_confidential_plan_is_hidden_from_everyone_else,
);
