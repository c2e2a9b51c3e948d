//! Plan mutations: permissions by role and unit subtree, validation as `userErrors` that change
//! nothing, optimistic locking, idempotent retries, and the audit log.

use api::auth::Role;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Gql, TestApp, token, token_as};

const CREATE: &str = r#"mutation($input: CreatePlanInput!) { createPlan(input: $input) {
    plan { id title status version documentNumber issuer { code } } userErrors { field code message } clientMutationId } }"#;
const UPDATE: &str = r#"mutation($input: UpdatePlanInput!) { updatePlan(input: $input) {
    plan { id title version periodStart periodEnd summary } userErrors { field code message } } }"#;
const ISSUE: &str = r#"mutation($input: IssuePlanInput!) { issuePlan(input: $input) {
    plan { id status version documentNumber issuedOn } userErrors { field code message } } }"#;
const DELETE: &str = r#"mutation($input: PlanVersionInput!) { deletePlan(input: $input) {
    deletedPlanId userErrors { field code message } } }"#;

async fn create_input(app: &TestApp, title: &str) -> Value {
    json!({ "title": title, "kind": "PLAN", "issuerId": app.unit_id("H19.20").await,
            "periodStart": 2027, "periodEnd": 2027 })
}

fn user_errors(response: &Gql, field: &str) -> Vec<String> {
    response.data[field]["userErrors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn unit_admins_create_drafts_in_their_subtree(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19"));
    // The title arrives decomposed (NFD) and padded; it is stored NFC and trimmed.
    let mut input = create_input(app, "  Ke\u{0302}\u{0301} hoạch chuyển đổi số năm 2027 ").await;
    input["clientMutationId"] = json!("c-1");
    let data = app
        .graphql_as(&admin, CREATE, json!({ "input": input }))
        .await
        .ok();
    let payload = &data["createPlan"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["clientMutationId"], "c-1");
    let plan = &payload["plan"];
    assert_eq!(plan["title"], "Kế hoạch chuyển đổi số năm 2027");
    assert_eq!(plan["status"], "DRAFT");
    assert_eq!(plan["version"], 1);
    assert_eq!(plan["issuer"]["code"], "H19.20");
    // Anonymous callers do not see the draft; the issuer's viewers do.
    let search =
        r#"{ plans(first: 5, filter: { search: "chuyen doi so nam 2027" }) { totalCount } }"#;
    assert_eq!(
        app.graphql(search, json!({})).await.ok()["plans"]["totalCount"],
        0
    );
    let viewer = token(Role::Viewer, Some("H19.20"));
    assert_eq!(
        app.graphql_as(&viewer, search, json!({})).await.ok()["plans"]["totalCount"],
        1
    );
}

async fn callers_without_the_right_change_nothing(app: &TestApp) {
    let plans = app.count("plan").await;
    let events = app.count("audit_event").await;
    let input = create_input(app, "Kế hoạch không được phép").await;
    let anonymous = app.graphql(CREATE, json!({ "input": input })).await;
    assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);
    for (role, unit, why) in [
        (Role::Viewer, Some("H19.20"), "a viewer"),
        (Role::UnitOfficer, Some("H19.20"), "an officer"),
        (Role::UnitAdmin, Some("H06.20"), "another province's admin"),
        (
            Role::UnitAdmin,
            Some("H19.20.1"),
            "an admin of an office below the issuer",
        ),
        (
            Role::Integration,
            None,
            "an integration client without the plans:write scope",
        ),
    ] {
        let response = app
            .graphql_as(&token(role, unit), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(response.codes(), ["FORBIDDEN"], "{why}");
    }
    assert_eq!(app.count("plan").await, plans, "nothing was written");
    assert_eq!(app.count("audit_event").await, events);
}

async fn bad_input_is_reported_field_by_field(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let plans = app.count("plan").await;
    let base = create_input(app, "Kế hoạch thử").await;
    let closed = app.unit_id("H34").await;
    let cases = [
        (json!({ "title": "   " }), "REQUIRED", "title"),
        (json!({ "title": "x".repeat(1001) }), "TOO_LONG", "title"),
        (
            json!({ "periodStart": 2027, "periodEnd": 2026 }),
            "DATE_ORDER",
            "periodEnd",
        ),
        (
            json!({ "periodStart": 1800 }),
            "OUT_OF_RANGE",
            "periodStart",
        ),
        (json!({ "issuerId": closed }), "UNIT_CLOSED", "issuerId"),
        (json!({ "issuerId": "garbage" }), "INVALID", "issuerId"),
        (
            json!({ "documentNumber": "1017/CTr-SYT", "issuedOn": "2021-05-01" }),
            "DUPLICATE",
            "documentNumber",
        ),
        // The same number spelled another way (spaces, an en dash) is the same number.
        (
            json!({ "documentNumber": " 1017 / CTr \u{2013} SYT", "issuedOn": "2021-05-01" }),
            "DUPLICATE",
            "documentNumber",
        ),
        (
            json!({ "documentNumber": "1".repeat(101) }),
            "TOO_LONG",
            "documentNumber",
        ),
    ];
    for (change, code, field) in cases {
        let mut input = base.clone();
        for (key, value) in change.as_object().expect("object") {
            input[key] = value.clone();
        }
        let response = app
            .graphql_as(&admin, CREATE, json!({ "input": input }))
            .await;
        assert!(response.errors.is_empty(), "{code}: {:?}", response.errors);
        assert_eq!(user_errors(&response, "createPlan"), [code], "{change}");
        assert_eq!(
            response.data["createPlan"]["userErrors"][0]["field"],
            json!(["input", field])
        );
        assert_eq!(response.data["createPlan"]["plan"], Value::Null);
    }
    assert_eq!(
        app.count("plan").await,
        plans,
        "a rejected mutation changes nothing"
    );
}

async fn updates_need_the_current_version(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let created = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "input": create_input(app, "Kế hoạch A").await }),
        )
        .await
        .ok();
    let id = created["createPlan"]["plan"]["id"].clone();
    let update = |version: i64, title: &str| json!({ "input": { "id": id, "version": version, "title": title, "summary": "Tóm tắt" } });
    let first = app
        .graphql_as(&admin, UPDATE, update(1, "Kế hoạch A (sửa)"))
        .await
        .ok();
    assert_eq!(first["updatePlan"]["plan"]["version"], 2);
    assert_eq!(first["updatePlan"]["plan"]["summary"], "Tóm tắt");
    let stale = app
        .graphql_as(&admin, UPDATE, update(1, "Kế hoạch A (ghi đè)"))
        .await;
    assert_eq!(user_errors(&stale, "updatePlan"), ["STALE_VERSION"]);
    let now = app
        .graphql(
            r#"query($id: ID!) { node(id: $id) { id } }"#,
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(
        now["node"],
        Value::Null,
        "still a draft, still hidden from anonymous callers"
    );
    let read = app
        .graphql_as(
            &admin,
            r#"query($id: ID!) { plan(id: $id) { title version } }"#,
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(
        read["plan"],
        json!({ "title": "Kế hoạch A (sửa)", "version": 2 }),
        "the stale write changed nothing"
    );
    // Clearing a field with null; keeping it by leaving it out.
    let cleared = app
        .graphql_as(
            &admin,
            UPDATE,
            json!({ "input": { "id": id, "version": 2, "summary": null } }),
        )
        .await
        .ok();
    assert_eq!(cleared["updatePlan"]["plan"]["summary"], Value::Null);
    assert_eq!(cleared["updatePlan"]["plan"]["title"], "Kế hoạch A (sửa)");
    let order = app
        .graphql_as(
            &admin,
            UPDATE,
            json!({ "input": { "id": id, "version": 3, "periodStart": 2030 } }),
        )
        .await;
    assert_eq!(
        user_errors(&order, "updatePlan"),
        ["DATE_ORDER"],
        "start after the kept end"
    );
}

async fn retries_with_the_same_key_write_once(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let mut input = create_input(app, "Kế hoạch gửi lại qua LGSP").await;
    input["clientMutationId"] = json!("lgsp-retry-0001");
    let plans = app.count("plan").await;
    let events = app.count("audit_event").await;
    let first = app
        .graphql_as(&admin, CREATE, json!({ "input": input }))
        .await
        .ok();
    let second = app
        .graphql_as(&admin, CREATE, json!({ "input": input }))
        .await
        .ok();
    assert_eq!(
        first["createPlan"]["plan"]["id"],
        second["createPlan"]["plan"]["id"]
    );
    assert_eq!(app.count("plan").await, plans + 1, "one row");
    assert_eq!(
        app.count("audit_event").await,
        events + 1,
        "one audit event"
    );
    // The same key for another mutation is an error, not a replay.
    let id = first["createPlan"]["plan"]["id"].clone();
    let reused = app
        .graphql_as(&admin, UPDATE, json!({ "input": { "id": id, "version": 1, "title": "X", "clientMutationId": "lgsp-retry-0001" } }))
        .await;
    assert_eq!(
        user_errors(&reused, "updatePlan"),
        ["IDEMPOTENCY_KEY_REUSED"]
    );
    // Another caller's identical key is its own.
    let other = token_as("pham.thi.d", Role::ProvinceAdmin, None);
    let theirs = app
        .graphql_as(&other, CREATE, json!({ "input": input }))
        .await
        .ok();
    assert_ne!(
        theirs["createPlan"]["plan"]["id"],
        first["createPlan"]["plan"]["id"]
    );
}

async fn issuing_and_deleting_follow_the_life_cycle(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let created = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "input": create_input(app, "Kế hoạch B").await }),
        )
        .await
        .ok();
    let id = created["createPlan"]["plan"]["id"].clone();
    let issue = |version: i64| json!({ "input": { "id": id, "version": version, "documentNumber": " 77/KH-SYT ", "issuedOn": "2027-01-15" } });
    let issued = app.graphql_as(&admin, ISSUE, issue(1)).await.ok();
    assert_eq!(
        issued["issuePlan"]["plan"],
        json!({ "id": id, "status": "ISSUED", "version": 2, "documentNumber": "77/KH-SYT", "issuedOn": "2027-01-15" })
    );
    let anonymous = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) { status } }"#,
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(
        anonymous["plan"]["status"], "ISSUED",
        "an issued plan is public"
    );
    let again = app.graphql_as(&admin, ISSUE, issue(2)).await;
    assert_eq!(user_errors(&again, "issuePlan"), ["INVALID_STATE"]);
    let delete_issued = app
        .graphql_as(
            &admin,
            DELETE,
            json!({ "input": { "id": id, "version": 2 } }),
        )
        .await;
    assert_eq!(user_errors(&delete_issued, "deletePlan"), ["INVALID_STATE"]);
    let fixed = app
        .graphql_as(
            &admin,
            UPDATE,
            json!({ "input": { "id": id, "version": 2, "documentNumber": "78/KH-SYT" } }),
        )
        .await;
    assert_eq!(
        user_errors(&fixed, "updatePlan"),
        ["INVALID_STATE"],
        "an issued plan's number is fixed"
    );

    let draft = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "input": create_input(app, "Kế hoạch C").await }),
        )
        .await
        .ok();
    let draft_id = draft["createPlan"]["plan"]["id"].clone();
    let deleted = app
        .graphql_as(
            &admin,
            DELETE,
            json!({ "input": { "id": draft_id, "version": 1 } }),
        )
        .await
        .ok();
    assert_eq!(
        deleted["deletePlan"],
        json!({ "deletedPlanId": draft_id, "userErrors": [] })
    );
    let gone = app
        .graphql_as(
            &admin,
            r#"query($id: ID!) { plan(id: $id) { id } }"#,
            json!({ "id": draft_id }),
        )
        .await
        .ok();
    assert_eq!(gone["plan"], Value::Null);
}

async fn the_audit_log_records_every_change(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let response: Value = app
        .request(reqwest::Method::POST, "/graphql")
        .bearer_auth(&admin)
        .header("X-Request-Id", "req-audit-42")
        .json(&json!({ "query": CREATE, "variables": { "input": create_input(app, "Kế hoạch D").await } }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = response["data"]["createPlan"]["plan"]["id"].clone();
    app.graphql_as(
        &admin,
        UPDATE,
        json!({ "input": { "id": id, "version": 1, "title": "Kế hoạch D1" } }),
    )
    .await
    .ok();
    let query = r#"query($id: ID) { auditEvents(first: 10, filter: { objectId: $id }) { totalCount nodes {
        action actor actorUnit { code } objectType objectId before after requestId occurredAt } } }"#;
    let province = token(Role::ProvinceAdmin, None);
    let data = app
        .graphql_as(&province, query, json!({ "id": id }))
        .await
        .ok();
    let events = data["auditEvents"]["nodes"].as_array().expect("events");
    assert_eq!(data["auditEvents"]["totalCount"], 2);
    let (update, create) = (&events[0], &events[1]);
    assert_eq!(create["action"], "plan.create");
    assert_eq!(create["requestId"], "req-audit-42");
    assert_eq!(create["actor"], "nguyen.van.a");
    assert_eq!(create["actorUnit"]["code"], "H19.20");
    assert_eq!(create["objectId"], id);
    assert_eq!(create["before"], Value::Null);
    assert_eq!(create["after"]["title"], "Kế hoạch D");
    assert_eq!(update["action"], "plan.update");
    assert_eq!(update["before"]["title"], "Kế hoạch D");
    assert_eq!(update["after"]["title"], "Kế hoạch D1");
    assert!(
        update["occurredAt"]
            .as_str()
            .is_some_and(|t| t.ends_with("+07:00"))
    );

    let own = app
        .graphql_as(
            &token(Role::UnitAdmin, Some("H19")),
            query,
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(
        own["auditEvents"]["totalCount"], 2,
        "the province's unit admin sees its subtree"
    );
    let other = app
        .graphql_as(
            &token(Role::UnitAdmin, Some("H06.20")),
            query,
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(
        other["auditEvents"]["totalCount"], 0,
        "another province's admin does not"
    );
    let viewer = app
        .graphql_as(
            &token(Role::Viewer, Some("H19.20")),
            query,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(viewer.codes(), ["FORBIDDEN"]);
    assert_eq!(
        app.graphql(query, json!({ "id": id })).await.codes(),
        ["UNAUTHENTICATED"]
    );

    // Append-only, even for someone with direct database access.
    let tamper = app
        .db
        .execute_unprepared("UPDATE audit_event SET subject = 'someone-else'")
        .await;
    assert!(tamper.is_err(), "audit events cannot be rewritten");
    let erase = app.db.execute_unprepared("DELETE FROM audit_event").await;
    assert!(erase.is_err(), "audit events cannot be deleted");
}

async fn the_cascade_has_no_cycles(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let created = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "input": create_input(app, "Kế hoạch E").await }),
        )
        .await
        .ok();
    let draft = created["createPlan"]["plan"]["id"].clone();
    let programme = app.plan_id("1017/CTr-SYT").await;
    let link = r#"mutation($input: PlanImplementsInput!) { addPlanImplements(input: $input) {
        plan { implements { plan { id } } } userErrors { code } } }"#;
    let unlink = r#"mutation($input: PlanImplementsInput!) { removePlanImplements(input: $input) { userErrors { code } } }"#;
    let linked = app
        .graphql_as(
            &admin,
            link,
            json!({ "input": { "planId": draft, "parentPlanId": programme } }),
        )
        .await
        .ok();
    assert_eq!(
        linked["addPlanImplements"]["plan"]["implements"],
        json!([{ "plan": { "id": programme } }])
    );
    let twice = app
        .graphql_as(
            &admin,
            link,
            json!({ "input": { "planId": draft, "parentPlanId": programme } }),
        )
        .await;
    assert_eq!(user_errors(&twice, "addPlanImplements"), ["DUPLICATE"]);
    let cycle = app
        .graphql_as(
            &admin,
            link,
            json!({ "input": { "planId": programme, "parentPlanId": draft } }),
        )
        .await;
    assert_eq!(user_errors(&cycle, "addPlanImplements"), ["CYCLE"]);
    let itself = app
        .graphql_as(
            &admin,
            link,
            json!({ "input": { "planId": draft, "parentPlanId": draft } }),
        )
        .await;
    assert_eq!(user_errors(&itself, "addPlanImplements"), ["CYCLE"]);
    let removed = app
        .graphql_as(
            &admin,
            unlink,
            json!({ "input": { "planId": draft, "parentPlanId": programme } }),
        )
        .await
        .ok();
    assert_eq!(removed["removePlanImplements"]["userErrors"], json!([]));
    let again = app
        .graphql_as(
            &admin,
            unlink,
            json!({ "input": { "planId": draft, "parentPlanId": programme } }),
        )
        .await;
    assert_eq!(user_errors(&again, "removePlanImplements"), ["NOT_FOUND"]);
}

async fn integration_clients_write_what_their_scopes_allow(app: &TestApp) {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({ "sub": "lgsp-client-07", "roles": ["INTEGRATION"], "scope": "plans:read plans:write",
                         "iss": "plans-api", "aud": "plans-api", "exp": now + 600 });
    let client = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::TEST_SECRET.as_bytes()),
    )
    .expect("sign");
    let data = app
        .graphql_as(
            &client,
            CREATE,
            json!({ "input": create_input(app, "Kế hoạch từ LGSP").await }),
        )
        .await
        .ok();
    assert_eq!(
        data["createPlan"]["plan"]["status"], "DRAFT",
        "plans:write lets it create plans"
    );
    let unit = r#"mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } userErrors { code } } }"#;
    let parent = app.unit_id("H19.20").await;
    let denied = app
        .graphql_as(
            &client,
            unit,
            json!({ "input": { "name": "Đơn vị mới", "kind": "OTHER", "parentId": parent } }),
        )
        .await;
    assert_eq!(
        denied.codes(),
        ["FORBIDDEN"],
        "but not units without units:write"
    );
}

/// A document number is parsed once (`DocumentNumber`): written one way, as long as any
/// document's number may be on both databases, and found by search once a draft is issued.
async fn document_numbers_are_written_one_way(app: &TestApp) {
    let admin = token(Role::UnitAdmin, Some("H19.20"));
    let mut spelled = create_input(app, "Kế hoạch số viết khác").await;
    spelled["documentNumber"] = json!("  88 / KH \u{2013} SYT ");
    let created = app
        .graphql_as(&admin, CREATE, json!({ "input": spelled }))
        .await
        .ok();
    assert_eq!(
        created["createPlan"]["plan"]["documentNumber"], "88/KH-SYT",
        "{created}"
    );
    let mut long = create_input(app, "Kế hoạch số dài").await;
    long["documentNumber"] = json!(format!("{}/KH-SYT", "8".repeat(93)));
    let created = app
        .graphql_as(&admin, CREATE, json!({ "input": long }))
        .await
        .ok();
    assert_eq!(
        created["createPlan"]["plan"]["documentNumber"]
            .as_str()
            .map(|n| n.chars().count()),
        Some(100),
        "{created}"
    );

    let draft = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "input": create_input(app, "Kế hoạch chưa có số").await }),
        )
        .await
        .ok();
    let id = draft["createPlan"]["plan"]["id"].clone();
    let search = r#"query($q: String!) { plans(first: 5, filter: { search: $q }) { nodes { id documentNumber } } }"#;
    let before = app
        .graphql_as(&admin, search, json!({ "q": "89/kh-syt" }))
        .await
        .ok();
    assert_eq!(before["plans"]["nodes"], json!([]));
    app.graphql_as(
        &admin,
        ISSUE,
        json!({ "input": { "id": id, "version": 1, "documentNumber": "89 / KH-SYT", "issuedOn": "2027-02-01" } }),
    )
    .await
    .ok();
    let after = app
        .graphql_as(&admin, search, json!({ "q": "89/kh-syt" }))
        .await
        .ok();
    assert_eq!(
        after["plans"]["nodes"],
        json!([{ "id": id, "documentNumber": "89/KH-SYT" }]),
        "an issued plan is found by the number it was issued with"
    );
}

db_tests!(
    document_numbers_are_written_one_way,
    the_cascade_has_no_cycles,
    integration_clients_write_what_their_scopes_allow,
    unit_admins_create_drafts_in_their_subtree,
    callers_without_the_right_change_nothing,
    bad_input_is_reported_field_by_field,
    updates_need_the_current_version,
    retries_with_the_same_key_write_once,
    issuing_and_deleting_follow_the_life_cycle,
    the_audit_log_records_every_change,
);
