//! People and their employments through HTTP: the personal-data rule for every role (the
//! personal fields are refused, not nulled), search with or without diacritics, the emulation
//! officer's writes within its subtree, moves between units (the merged Bắc Giang department
//! stays in the history), and every bad input refused with its reason, storing nothing.

use api::auth::Role;
use api::domain::access::policy::{Action, ROLES, Reach, grant};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, first_error, token, token_as};

/// A Đồng Nai department (above the test's person), the unit the person works in, a sibling
/// unit (a subtree without the person), and a unit of another province.
const ABOVE: &str = "H19.20";
const OWN: &str = "H19.20.1";
const SIBLING: &str = "H19.20.2";
const ELSEWHERE: &str = "H48.20";

const PERSON: &str = "query($s: String) { people(first: 5, filter: { search: $s }) { totalCount nodes {
    id fullName position unit { name code } birthDate gender staffCategory employments { unit { name } startedOn endedOn } } } }";

const CREATE: &str = "mutation($input: CreatePersonInput!) { createPerson(input: $input) {
    person { id version fullName unit { code } birthDate employments { unit { code } startedOn endedOn } }
    userErrors { field code message } } }";

const MOVE: &str = "mutation($input: RecordEmploymentInput!) { recordEmployment(input: $input) {
    person { version unit { code } position employments { unit { code } position startedOn endedOn } }
    userErrors { field code message } } }";

/// The codes of the errors whose path ends at `field`.
fn refused(response: &crate::helpers::Gql, field: &str) -> Vec<String> {
    response
        .errors
        .iter()
        .filter(|e| e["path"].as_array().and_then(|p| p.last()) == Some(&json!(field)))
        .map(|e| e["extensions"]["code"].as_str().unwrap_or("-").to_owned())
        .collect()
}

async fn personal_data_is_read_only_by_those_the_policy_lets(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let created = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "input": { "fullName": "Lương Thị Bích Ngọc", "birthDate": "1987-11-20", "gender": "FEMALE",
                "staffCategory": "CIVIL_SERVANT", "position": "Chuyên viên", "unitId": app.unit_id(OWN).await,
                "startedOn": "2012-03-01" } }),
        )
        .await
        .ok();
    assert_eq!(created["createPerson"]["userErrors"], json!([]));
    let search = json!({ "s": "luong thi bich ngoc" });
    let mut cells = 0;
    for role in ROLES {
        for unit in [ABOVE, OWN, SIBLING] {
            let response = app
                .graphql_as(
                    &token_as("policy.person", role, Some(unit)),
                    PERSON,
                    search.clone(),
                )
                .await;
            let person = &response.data["people"]["nodes"][0];
            // Name, position and unit are read by every signed-in caller.
            assert_eq!(
                person["fullName"], "Lương Thị Bích Ngọc",
                "{role:?} {unit} {:?}",
                response.errors
            );
            assert_eq!(person["position"], "Chuyên viên");
            assert_eq!(person["unit"]["code"], OWN);
            let allowed = match grant(role, Action::ReadPersonalData) {
                Reach::Province => true,
                Reach::Subtree => unit != SIBLING,
                Reach::OwnUnit => unit == OWN,
                Reach::Nothing | Reach::WithScope(_) => false,
            };
            for field in ["birthDate", "gender", "staffCategory", "employments"] {
                if allowed {
                    assert!(
                        refused(&response, field).is_empty(),
                        "{role:?} {unit} {field}"
                    );
                    assert_ne!(person[field], Value::Null, "{role:?} {unit} {field}");
                } else {
                    // Refused at the field itself, the rest of the person intact.
                    assert_eq!(
                        refused(&response, field),
                        ["FORBIDDEN"],
                        "{role:?} {unit} {field}"
                    );
                    assert_eq!(person[field], Value::Null);
                }
            }
            assert_eq!(response.errors.len(), if allowed { 0 } else { 4 });
            cells += 1;
        }
    }
    assert_eq!(cells, ROLES.len() * 3);
    // A caller whose unit was closed (the Bắc Giang department, merged in 2025) still reads
    // its old subtree's people, but nobody else's personal data.
    let closed = app
        .graphql_as(
            &token(Role::EmulationOfficer, Some("H03.20")),
            PERSON,
            search.clone(),
        )
        .await;
    assert_eq!(refused(&closed, "birthDate"), ["FORBIDDEN"]);
    // Anonymous callers read no staff at all: refused, and `node` finds no one.
    let anonymous = app.graphql(PERSON, search.clone()).await;
    assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);
    let id = created["createPerson"]["person"]["id"].clone();
    let node = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Person { fullName } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(node["node"], Value::Null);
    let own = app
        .graphql_as(
            &token(Role::EmulationOfficer, Some(OWN)),
            "query($id: ID!) { node(id: $id) { ... on Person { fullName birthDate } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(
        own["node"],
        json!({ "fullName": "Lương Thị Bích Ngọc", "birthDate": "1987-11-20" })
    );
}

async fn people_are_found_with_or_without_diacritics_and_by_unit(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    for search in ["Vũ Xuân Cường", "vu xuan cuong", "XUAN CUONG"] {
        let found = app
            .graphql_as(&admin, PERSON, json!({ "s": search }))
            .await
            .ok();
        assert_eq!(found["people"]["totalCount"], 1, "{search}");
        // The merged Bắc Giang department stays in the history; the move closed the employment
        // the day before.
        let person = &found["people"]["nodes"][0];
        assert_eq!(person["unit"]["name"], "Sở Y tế tỉnh Bắc Ninh");
        assert_eq!(
            person["employments"],
            json!([
                { "unit": { "name": "Phòng Tổ chức - Hành chính" }, "startedOn": "2012-06-01", "endedOn": "2025-06-30" },
                { "unit": { "name": "Sở Y tế tỉnh Bắc Ninh" }, "startedOn": "2025-07-01", "endedOn": null }
            ])
        );
    }
    // By current unit, in name order, page by page.
    let unit = app.unit_id("H03.20.2").await;
    const BY_UNIT: &str =
        "query($u: ID, $after: String) { people(first: 2, after: $after, filter: { unitId: $u }) {
        totalCount nodes { fullName } pageInfo { hasNextPage endCursor } } }";
    let first = app
        .graphql_as(&admin, BY_UNIT, json!({ "u": unit }))
        .await
        .ok();
    let total = first["people"]["totalCount"].as_i64().unwrap();
    assert!(total >= 2, "{first}");
    let second = app
        .graphql_as(
            &admin,
            BY_UNIT,
            json!({ "u": unit, "after": first["people"]["pageInfo"]["endCursor"] }),
        )
        .await
        .ok();
    let names: Vec<&Value> = first["people"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["people"]["nodes"].as_array().unwrap())
        .collect();
    assert_eq!(names.len() as i64, total.min(4));
    // Bounded input: an overlong search is refused.
    let long = app
        .graphql_as(&admin, PERSON, json!({ "s": "a ".repeat(300) }))
        .await;
    assert_eq!(long.codes(), ["BAD_USER_INPUT"]);
}

async fn an_emulation_officer_records_people_within_its_subtree(app: &TestApp) {
    let officer = token(Role::EmulationOfficer, Some(ABOVE));
    let office = app.unit_id(OWN).await;
    let input = json!({ "fullName": "  Phan  Thị Thu\u{0301}y ", "birthDate": "1990-04-02", "gender": "FEMALE",
        "staffCategory": "PUBLIC_EMPLOYEE", "position": "Chuyên viên", "unitId": office, "startedOn": "2015-08-01" });
    let created = app
        .graphql_as(&officer, CREATE, json!({ "input": input }))
        .await
        .ok();
    assert_eq!(created["createPerson"]["userErrors"], json!([]));
    let person = &created["createPerson"]["person"];
    // NFC, spaces collapsed; the first employment opened.
    assert_eq!(person["fullName"], "Phan Thị Thúy");
    assert_eq!(
        person["employments"],
        json!([{ "unit": { "code": OWN }, "startedOn": "2015-08-01", "endedOn": null }])
    );
    let id = person["id"].clone();

    // Outside the subtree, other roles, anonymous: refused, nothing stored.
    let elsewhere = app.unit_id(ELSEWHERE).await;
    let mut outside = input.clone();
    outside["unitId"] = json!(elsewhere);
    let forbidden = app
        .graphql_as(&officer, CREATE, json!({ "input": outside }))
        .await;
    assert_eq!(forbidden.codes(), ["FORBIDDEN"]);
    for role in [Role::UnitAdmin, Role::UnitOfficer, Role::Viewer] {
        let response = app
            .graphql_as(&token(role, Some(ABOVE)), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(response.codes(), ["FORBIDDEN"], "{role:?}");
    }
    assert_eq!(
        app.graphql(CREATE, json!({ "input": input })).await.codes(),
        ["UNAUTHENTICATED"]
    );

    // Every bad input is refused with its reason.
    let bad = |change: Value| {
        let mut v = input.clone();
        for (k, val) in change.as_object().unwrap() {
            v[k] = val.clone();
        }
        v
    };
    for (change, field, code) in [
        (json!({ "fullName": " " }), "fullName", "REQUIRED"),
        (
            json!({ "fullName": "x".repeat(201) }),
            "fullName",
            "TOO_LONG",
        ),
        (
            json!({ "birthDate": "2090-01-01" }),
            "birthDate",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "startedOn": "1989-01-01" }),
            "startedOn",
            "DATE_ORDER",
        ),
        (
            json!({ "startedOn": "2090-01-01" }),
            "startedOn",
            "OUT_OF_RANGE",
        ),
        (json!({ "unitId": "not-an-id" }), "unitId", "INVALID"),
    ] {
        let response = app
            .graphql_as(&officer, CREATE, json!({ "input": bad(change.clone()) }))
            .await
            .ok();
        let (f, c) = first_error(&response["createPerson"]);
        assert_eq!((f, c.as_str()), (json!(["input", field]), code), "{change}");
    }
    let count = app
        .graphql_as(&officer, PERSON, json!({ "s": "phan thi thuy" }))
        .await
        .ok();
    assert_eq!(count["people"]["totalCount"], 1);

    // A move: the current employment ends the day before; the person's unit follows.
    let planning = app.unit_id(SIBLING).await;
    let moved = app
        .graphql_as(
            &officer,
            MOVE,
            json!({ "input": { "personId": id, "version": 1, "unitId": planning, "startedOn": "2022-01-01", "position": "Phó Trưởng phòng" } }),
        )
        .await
        .ok();
    assert_eq!(moved["recordEmployment"]["userErrors"], json!([]));
    let person = &moved["recordEmployment"]["person"];
    assert_eq!(person["version"], 2);
    assert_eq!(person["unit"]["code"], SIBLING);
    assert_eq!(person["position"], "Phó Trưởng phòng");
    assert_eq!(person["employments"][0]["endedOn"], "2021-12-31");
    // The same move sent again on the old version: stale, nothing written.
    let stale = app
        .graphql_as(
            &officer,
            MOVE,
            json!({ "input": { "personId": id, "version": 1, "unitId": planning, "startedOn": "2023-01-01" } }),
        )
        .await
        .ok();
    assert_eq!(first_error(&stale["recordEmployment"]).1, "STALE_VERSION");
    for (input, field, code) in [
        // A move before the latest start.
        (
            json!({ "startedOn": "2020-01-01" }),
            "startedOn",
            "DATE_ORDER",
        ),
        // A past period overlapping another.
        (
            json!({ "startedOn": "2014-01-01", "endedOn": "2016-01-01" }),
            "startedOn",
            "DATE_ORDER",
        ),
        (
            json!({ "startedOn": "2014-01-01", "endedOn": "2013-01-01" }),
            "endedOn",
            "DATE_ORDER",
        ),
        // Before the person was born.
        (
            json!({ "startedOn": "1985-01-01", "endedOn": "1986-01-01" }),
            "startedOn",
            "DATE_ORDER",
        ),
    ] {
        let mut full = json!({ "personId": id, "version": 2, "unitId": planning });
        for (k, v) in input.as_object().unwrap() {
            full[k] = v.clone();
        }
        let response = app
            .graphql_as(&officer, MOVE, json!({ "input": full }))
            .await
            .ok();
        let (f, c) = first_error(&response["recordEmployment"]);
        assert_eq!((f, c.as_str()), (json!(["input", field]), code), "{input}");
    }
    // A past period filled in keeps the current unit.
    let filled = app
        .graphql_as(
            &officer,
            MOVE,
            json!({ "input": { "personId": id, "version": 2, "unitId": planning, "startedOn": "2012-08-01", "endedOn": "2015-07-31", "position": "Học viên" } }),
        )
        .await
        .ok();
    let person = &filled["recordEmployment"]["person"];
    assert_eq!(person["unit"]["code"], SIBLING);
    assert_eq!(person["employments"].as_array().map(Vec::len), Some(3));
    assert_eq!(person["employments"][0]["startedOn"], "2012-08-01");
    // Moving someone out of the officer's subtree is refused.
    let away = app
        .graphql_as(
            &officer,
            MOVE,
            json!({ "input": { "personId": id, "version": 3, "unitId": elsewhere, "startedOn": "2026-01-01" } }),
        )
        .await;
    assert_eq!(away.codes(), ["FORBIDDEN"]);

    // updatePerson: kept, cleared, set; audited.
    const UPDATE: &str = "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) {
        person { version fullName birthDate gender } userErrors { field code message } } }";
    let updated = app
        .graphql_as(
            &officer,
            UPDATE,
            json!({ "input": { "id": id, "version": 3, "fullName": "Phan Thị Thủy", "gender": null } }),
        )
        .await
        .ok();
    assert_eq!(
        updated["updatePerson"]["person"],
        json!({ "version": 4, "fullName": "Phan Thị Thủy", "birthDate": "1990-04-02", "gender": null })
    );
    let audit = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "query($id: ID) { auditEvents(first: 10, filter: { objectId: $id }) { nodes { action } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    let actions: Vec<&str> = audit["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["action"].as_str())
        .collect();
    for action in ["person.create", "employment.record", "person.update"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
}

db_tests!(
    personal_data_is_read_only_by_those_the_policy_lets,
    people_are_found_with_or_without_diacritics_and_by_unit,
    an_emulation_officer_records_people_within_its_subtree,
);
