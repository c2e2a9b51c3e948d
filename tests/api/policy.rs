//! The authorization matrix, cell by cell, through HTTP: for every role and every action of
//! `domain::access::policy`, the action is tried as a caller of that role on a resource inside
//! its unit's subtree and on one outside it, and the answer must be what the matrix grants.
//! A check that bypasses the policy (or a cell that changes without its behaviour) fails here.

use api::auth::Role;
use api::domain::access::policy::{Action, ROLES, Reach, grant};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::db_tests;
use crate::helpers::{TEST_SECRET, TestApp, token};

/// The caller's unit, a unit below it, and a unit of another province (all open).
const OWN: &str = "H19.20";
const INSIDE: &str = "H19.20.1";
const OUTSIDE: &str = "H48.20";

/// A token for `role` in `OWN`, with `scopes`.
fn caller(role: Role, scopes: &[&str]) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "sub": format!("policy.{}", role.as_str().to_lowercase()), "roles": [role.as_str()],
        "unit": OWN, "scope": scopes.join(" "),
        "iss": "plans-api", "aud": "plans-api", "iat": now, "exp": now + 600,
    });
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("sign")
}

/// What the matrix says of `role` doing `action`: (inside the subtree, outside it). A grant on
/// the caller's own unit only is tried on `OWN` (allowed) and inside (refused).
fn expected(role: Role, action: Action, scopes: &[&str]) -> (bool, bool) {
    match grant(role, action) {
        Reach::Nothing | Reach::OwnUnit => (false, false),
        Reach::Subtree => (true, false),
        Reach::Province => (true, true),
        Reach::WithScope(scope) => {
            let held = scopes.contains(&scope);
            (held, held)
        }
    }
}

/// Whether the response was refused as `FORBIDDEN` (anything else means the policy let it by;
/// a rule of the data may still have refused it in `userErrors`).
fn forbidden(response: &crate::helpers::Gql) -> bool {
    response.codes().iter().any(|c| c == "FORBIDDEN")
}

/// Tries `action` as the holder of `token` on the unit `code` (or the province); true when the
/// policy allowed it.
async fn attempt(app: &TestApp, token: &str, action: Action, code: &str) -> bool {
    let admin = token_admin();
    match action {
        Action::ManagePlans => {
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } userErrors { code } } }",
                    json!({ "input": { "title": "Kế hoạch kiểm tra quyền", "kind": "PLAN", "issuerId": app.unit_id(code).await } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ManageUnits => {
            let unit = app
                .graphql(
                    r#"query($c: String) { unit(code: $c) { id version } }"#,
                    json!({ "c": code }),
                )
                .await
                .ok();
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: UpdateUnitInput!) { updateUnit(input: $input) { unit { id } userErrors { code } } }",
                    json!({ "input": { "id": unit["unit"]["id"], "version": unit["unit"]["version"], "shortName": "Kiểm tra" } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::CreateTopLevelUnits => {
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } userErrors { code } } }",
                    json!({ "input": { "name": "Ủy ban nhân dân tỉnh Thử Nghiệm", "kind": "PEOPLES_COMMITTEE" } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ReadDrafts => {
            // A draft issued by the unit, created by a province administrator.
            let created = app
                .graphql_as(
                    &admin,
                    "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
                    json!({ "input": { "title": "Dự thảo kế hoạch", "kind": "PLAN", "issuerId": app.unit_id(code).await } }),
                )
                .await
                .ok();
            let id = created["createPlan"]["plan"]["id"].clone();
            let read = app
                .graphql_as(
                    token,
                    "query($id: ID!) { plan(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await
                .ok();
            !read["plan"].is_null()
        }
        Action::ReadAuditLog => {
            let created = app
                .graphql_as(
                    &admin,
                    "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
                    json!({ "input": { "title": "Kế hoạch để ghi nhật ký", "kind": "PLAN", "issuerId": app.unit_id(code).await } }),
                )
                .await
                .ok();
            let id = created["createPlan"]["plan"]["id"].clone();
            let read = app
                .graphql_as(
                    token,
                    "query($id: ID) { auditEvents(first: 5, filter: { objectId: $id }) { nodes { action } } }",
                    json!({ "id": id }),
                )
                .await;
            !forbidden(&read)
                && read.data["auditEvents"]["nodes"]
                    .as_array()
                    .is_some_and(|n| !n.is_empty())
        }
        Action::RegisterOperations => {
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: RegisterOperationInput!) { registerOperation(input: $input) { hash } }",
                    json!({ "input": { "document": format!("{{ units(first: 1) {{ totalCount }} }} # {code}") } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ManageCalendar => {
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: DeclareCalendarDayInput!) { declareCalendarDay(input: $input) { calendarDay { day } } }",
                    json!({ "input": { "day": "2030-01-02", "kind": "DAY_OFF", "name": format!("Ngày thử {code}") } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ManageAwardCatalogue => {
            // A second record of the same day is refused in `userErrors`, after the policy.
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: RecordBaseSalaryInput!) { recordBaseSalary(input: $input) { baseSalary { amount } } }",
                    json!({ "input": { "amount": 3_000_000, "validFrom": "2030-01-01", "legalBasis": format!("Thử {code}") } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ManageEmulationRecords => {
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
                    json!({ "input": { "fullName": format!("Người thử {code}"), "unitId": app.unit_id(code).await } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ReadPersonalData => {
            // A person of `code`, recorded by the province administrator.
            let created = app
                .graphql_as(
                    &admin,
                    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
                    json!({ "input": { "fullName": "Người thử", "birthDate": "1990-01-01", "unitId": app.unit_id(code).await } }),
                )
                .await
                .ok();
            let read = app
                .graphql_as(
                    token,
                    "query($id: ID!) { person(id: $id) { fullName birthDate } }",
                    json!({ "id": created["createPerson"]["person"]["id"] }),
                )
                .await;
            !forbidden(&read) && read.data["person"]["birthDate"] == "1990-01-01"
        }
        Action::SubmitReports => {
            // Reporting for `code` (the policy is asked before the unit's place in the regime,
            // which may still refuse it in `userErrors`).
            let response = app
                .graphql_as(
                    token,
                    SUBMIT,
                    json!({ "input": { "regimeId": ad_hoc_regime(app, code).await, "period": ad_hoc_period(),
                        "unitId": app.unit_id(code).await, "content": "Báo cáo thử" } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ReviewReports => {
            // A report received by `code`, submitted by the province administrator.
            let regime = ad_hoc_regime(app, code).await;
            let submitted = submit_as(app, &admin, &regime, OWN).await;
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: AcceptReportInput!) { acceptReport(input: $input) { report { status } } }",
                    json!({ "input": { "id": submitted["id"], "version": submitted["version"] } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ManageMovements => {
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: CreateMovementInput!) { createMovement(input: $input) { movement { id } userErrors { code } } }",
                    json!({ "input": { "name": "Phong trào thử", "launcherId": app.unit_id(code).await, "level": "UNIT",
                        "kind": "THEMATIC", "startsOn": "2025-01-01", "endsOn": "2025-12-31", "subjects": ["INDIVIDUAL"] } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::HandleNominations => {
            let round = crate::nominations::round(app, &["GIAY_KHEN_GIAM_DOC_SO"], json!([])).await;
            let nominee = crate::nominations::person(app, "Người được đề nghị", code).await;
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: CreateNominationInput!) { createNomination(input: $input) { nomination { id } userErrors { code } } }",
                    json!({ "input": { "roundId": round, "nomineeId": nominee,
                        "awardTypeId": crate::nominations::award_type_id(app, "GIAY_KHEN_GIAM_DOC_SO").await,
                        "achievementFrom": "2025-01-01", "achievementTo": "2025-12-31", "achievementKind": "REGULAR",
                        "summary": "Thành tích thử" } }),
                )
                .await;
            !forbidden(&response)
        }
        Action::ReadNominations => {
            let round = crate::nominations::round(app, &["GIAY_KHEN_GIAM_DOC_SO"], json!([])).await;
            let nominee = crate::nominations::person(app, "Người được đề nghị", code).await;
            let created = app
                .graphql_as(
                    &admin,
                    "mutation($input: CreateNominationInput!) { createNomination(input: $input) { nomination { id } userErrors { code message } } }",
                    json!({ "input": { "roundId": round, "nomineeId": nominee,
                        "awardTypeId": crate::nominations::award_type_id(app, "GIAY_KHEN_GIAM_DOC_SO").await,
                        "achievementFrom": "2025-01-01", "achievementTo": "2025-12-31", "achievementKind": "REGULAR",
                        "summary": "Thành tích thử" } }),
                )
                .await
                .ok();
            let id = created["createNomination"]["nomination"]["id"].clone();
            assert!(!id.is_null(), "{created}");
            let read = app
                .graphql_as(
                    token,
                    "query($id: ID!) { nomination(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            !forbidden(&read) && !read.data["nomination"].is_null()
        }
        Action::SeeMissingObjects => {
            // Updating a plan that does not exist: told so, or only FORBIDDEN.
            let missing = base64_id("Plan", "00000000-0000-4000-8000-000000000000");
            let response = app
                .graphql_as(
                    token,
                    "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { userErrors { code } } }",
                    json!({ "input": { "id": missing, "version": 1, "title": "X" } }),
                )
                .await;
            response.data["updatePlan"]["userErrors"][0]["code"] == "NOT_FOUND"
        }
    }
}

const SUBMIT: &str = "mutation($input: SubmitReportInput!) { submitReport(input: $input) {
    report { id version status } userErrors { field code message } } }";

/// A new ad-hoc regime on a demo plan: `OWN` reports to `recipient` on request.
async fn ad_hoc_regime(app: &TestApp, recipient: &str) -> String {
    let created = app
        .graphql_as(
            &token_admin(),
            "mutation($input: CreateReportingRegimeInput!) { createReportingRegime(input: $input) {
                regime { id } userErrors { field code message } } }",
            json!({ "input": { "planId": app.plan_id("5198/KH-SYT").await, "name": "Báo cáo đột xuất thử",
                "frequency": "AD_HOC", "deadlines": [{ "text": "theo yêu cầu",
                "reporterUnitId": app.unit_id(OWN).await, "recipientId": app.unit_id(recipient).await,
                "rule": { "kind": "ON_REQUEST" } }] } }),
        )
        .await
        .ok();
    assert_eq!(created["createReportingRegime"]["userErrors"], json!([]));
    let regime = created["createReportingRegime"]["regime"]["id"]
        .as_str()
        .expect("regime id")
        .to_owned();
    // Its first request of the year opens the period reports name (`ad_hoc_period`).
    let due = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive();
    let requested = app
        .graphql_as(
            &token_admin(),
            "mutation($input: RequestAdHocReportInput!) { requestAdHocReport(input: $input) {
                request { period { code } } userErrors { field code message } } }",
            json!({ "input": { "regimeId": regime, "subject": "Báo cáo đột xuất thử", "dueOn": due.to_string() } }),
        )
        .await
        .ok();
    assert_eq!(
        requested["requestAdHocReport"]["request"]["period"]["code"],
        ad_hoc_period()
    );
    regime
}

/// The period of an ad-hoc regime's first request this year.
fn ad_hoc_period() -> String {
    use chrono::Datelike;
    format!(
        "{}D01",
        (chrono::Utc::now() + chrono::Duration::hours(7)).year()
    )
}

/// `unit`'s report under `regime` for its first request of the year, submitted as `token`.
async fn submit_as(app: &TestApp, token: &str, regime: &str, unit: &str) -> serde_json::Value {
    let response = app
        .graphql_as(
            token,
            SUBMIT,
            json!({ "input": { "regimeId": regime, "period": ad_hoc_period(),
                "unitId": app.unit_id(unit).await, "content": "Báo cáo thử" } }),
        )
        .await;
    response.data["submitReport"]["report"].clone()
}

fn token_admin() -> String {
    token(Role::ProvinceAdmin, None)
}

fn base64_id(kind: &str, uuid: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{uuid}"))
}

async fn every_cell_of_the_matrix_holds(app: &TestApp) {
    for code in [OWN, INSIDE, OUTSIDE] {
        let unit = app
            .graphql(
                r#"query($c: String) { unit(code: $c) { isActive } }"#,
                json!({ "c": code }),
            )
            .await
            .ok();
        assert_eq!(unit["unit"]["isActive"], true, "{code} is open");
    }
    let mut cells = 0;
    for role in ROLES {
        // An LGSP client is tried with and without the scopes its grants name.
        let scope_sets: &[&[&str]] = if role == Role::Integration {
            &[
                &[],
                &[
                    "plans:write",
                    "units:write",
                    "reports:write",
                    "emulation:write",
                    "nominations:write",
                    "nominations:read",
                ],
            ]
        } else {
            &[&[]]
        };
        for scopes in scope_sets {
            let token = caller(role, scopes);
            for action in Action::ALL {
                let (inside, outside) = expected(role, action, scopes);
                let province_wide = matches!(
                    action,
                    Action::CreateTopLevelUnits
                        | Action::RegisterOperations
                        | Action::SeeMissingObjects
                        | Action::ManageCalendar
                        | Action::ManageAwardCatalogue
                );
                let got_inside = attempt(app, &token, action, INSIDE).await;
                assert_eq!(
                    got_inside,
                    if province_wide {
                        inside && outside
                    } else {
                        inside
                    },
                    "{role:?} {scopes:?} {action:?} inside its subtree"
                );
                if grant(role, action) == Reach::OwnUnit {
                    assert!(
                        attempt(app, &token, action, OWN).await,
                        "{role:?} {action:?} on its own unit"
                    );
                }
                if !province_wide {
                    let got_outside = attempt(app, &token, action, OUTSIDE).await;
                    assert_eq!(
                        got_outside, outside,
                        "{role:?} {scopes:?} {action:?} outside its subtree"
                    );
                }
                cells += 1;
            }
        }
    }
    assert_eq!(cells, (ROLES.len() + 1) * Action::ALL.len());
    // Anonymous callers change nothing and read no drafts.
    let response = app
        .graphql(
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
            json!({ "input": { "title": "Ẩn danh", "kind": "PLAN", "issuerId": app.unit_id(INSIDE).await } }),
        )
        .await;
    assert_eq!(response.codes(), ["UNAUTHENTICATED"]);
}

db_tests!(every_cell_of_the_matrix_holds);
