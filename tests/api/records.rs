//! Bad records are refused with their reason and store nothing: ratings, disciplines,
//! initiatives, awards and revocations.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, first_error, token};

async fn bad_records_are_refused_and_store_nothing(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let created = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "fullName": "Vương Thị Hoa", "birthDate": "1985-01-01",
                "unitId": app.unit_id("H19.20.1").await, "startedOn": "2010-01-01" } }),
        )
        .await
        .ok();
    let person = created["createPerson"]["person"]["id"].clone();
    let unit = app.unit_id("H19.20.1").await;
    let records = || async {
        app.graphql_as(
            &admin,
            "query($id: ID!) { person(id: $id) { dutyRatings { year } disciplines { form } initiatives { title } awardRecords { status } } }",
            json!({ "id": person }),
        )
        .await
        .ok()["person"]
            .clone()
    };
    let rate = |year: i32, rating: &str| json!({ "input": { "subjectId": person, "year": year, "rating": rating } });
    const RATE: &str = "mutation($input: RecordDutyRatingInput!) { recordDutyRating(input: $input) { userErrors { field code } } }";
    let ok = app.graphql_as(&admin, RATE, rate(2023, "GOOD")).await.ok();
    assert_eq!(ok["recordDutyRating"]["userErrors"], json!([]));
    let before = records().await;
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (RATE, rate(1900, "GOOD"), "year", "OUT_OF_RANGE"),
        (RATE, rate(2099, "GOOD"), "year", "OUT_OF_RANGE"),
        (RATE, rate(2023, "EXCELLENT"), "year", "DUPLICATE"),
        (
            "mutation($input: RecordDisciplineInput!) { recordDiscipline(input: $input) { userErrors { field code } } }",
            json!({ "input": { "personId": person, "form": "WARNING", "decisionRef": "1/QĐ", "decidedOn": "2023-05-01",
                "effectiveFrom": "2023-04-01", "effectiveTo": "2023-12-31" } }),
            "effectiveFrom",
            "DATE_ORDER",
        ),
        (
            "mutation($input: RecordDisciplineInput!) { recordDiscipline(input: $input) { userErrors { field code } } }",
            json!({ "input": { "personId": person, "form": "WARNING", "decisionRef": "1/QĐ", "decidedOn": "2015-05-01",
                "effectiveFrom": "2015-05-01", "effectiveTo": "2024-12-31" } }),
            "effectiveTo",
            "OUT_OF_RANGE",
        ),
        (
            "mutation($input: RecordDisciplineInput!) { recordDiscipline(input: $input) { userErrors { field code } } }",
            json!({ "input": { "personId": person, "form": "WARNING", "decisionRef": " ", "decidedOn": "2023-05-01",
                "effectiveFrom": "2023-05-01", "effectiveTo": "2023-12-31" } }),
            "decisionRef",
            "REQUIRED",
        ),
        (
            "mutation($input: RecordInitiativeInput!) { recordInitiative(input: $input) { userErrors { field code } } }",
            json!({ "input": { "title": "Sáng kiến", "kind": "INITIATIVE", "unitId": unit, "scope": "BASE",
                "recognitionDecision": "1/QĐ", "recognisedOn": "2023-05-01",
                "authors": [{ "personId": person, "sharePercent": 60 }, { "personId": person, "sharePercent": 60 }] } }),
            "authors",
            "DUPLICATE",
        ),
        (
            "mutation($input: RecordInitiativeInput!) { recordInitiative(input: $input) { userErrors { field code } } }",
            json!({ "input": { "title": "Sáng kiến", "kind": "INITIATIVE", "unitId": unit, "scope": "BASE",
                "recognitionDecision": "1/QĐ", "recognisedOn": "2090-05-01", "authors": [{ "personId": person }] } }),
            "recognisedOn",
            "OUT_OF_RANGE",
        ),
        (
            "mutation($input: RecordInitiativeInput!) { recordInitiative(input: $input) { userErrors { field code } } }",
            json!({ "input": { "title": "Sáng kiến", "kind": "INITIATIVE", "unitId": unit, "scope": "BASE",
                "recognitionDecision": "1/QĐ", "recognisedOn": "2023-05-01", "authors": [{ "personId": person, "sharePercent": 0 }] } }),
            "authors",
            "OUT_OF_RANGE",
        ),
    ];
    let award_type = app
        .graphql(
            "{ awardType(code: \"LAO_DONG_TIEN_TIEN\") { id } }",
            json!({}),
        )
        .await
        .ok()["awardType"]["id"]
        .clone();
    let award = |from: &str, to: &str, decided: &str| {
        json!({ "input": { "recipientId": person, "awardTypeId": award_type, "achievementFrom": from,
            "achievementTo": to, "kind": "REGULAR", "decisionNumber": "1/QĐ", "decidedOn": decided, "issuerName": "Giám đốc" } })
    };
    const AWARD: &str = "mutation($input: RecordAwardInput!) { recordAward(input: $input) { userErrors { field code } } }";
    let mut cases = cases;
    cases.extend([
        (
            AWARD,
            award("2023-12-31", "2023-01-01", "2024-01-15"),
            "achievementTo",
            "DATE_ORDER",
        ),
        (
            AWARD,
            award("2023-01-01", "2023-12-31", "2023-06-01"),
            "decidedOn",
            "DATE_ORDER",
        ),
        (
            AWARD,
            award("2010-01-01", "2010-12-31", "2011-01-15"),
            "awardTypeId",
            "OUT_OF_RANGE",
        ),
    ]);
    for (mutation, input, field, code) in cases {
        let response = app.graphql_as(&admin, mutation, input.clone()).await.ok();
        let payload = response
            .as_object()
            .and_then(|o| o.values().next())
            .cloned()
            .unwrap_or_default();
        let (f, c) = first_error(&payload);
        assert_eq!((f, c.as_str()), (json!(["input", field]), code), "{input}");
    }
    assert_eq!(records().await, before);
    // A revocation with no reason, or dated before its decision.
    let recorded = app
        .graphql_as(
            &admin,
            "mutation($input: RecordAwardInput!) { recordAward(input: $input) { awardRecord { id version } userErrors { code } } }",
            award("2023-01-01", "2023-12-31", "2024-01-15"),
        )
        .await
        .ok();
    let record = recorded["recordAward"]["awardRecord"].clone();
    const REVOKE: &str = "mutation($input: RevokeAwardRecordInput!) { revokeAwardRecord(input: $input) { userErrors { field code } } }";
    for (reason, day, field, code) in [
        (" ", "2024-06-01", "reason", "REQUIRED"),
        ("Sai", "2023-06-01", "revokedOn", "DATE_ORDER"),
    ] {
        let response = app
            .graphql_as(
                &admin,
                REVOKE,
                json!({ "input": { "id": record["id"], "version": record["version"],
                "reason": reason, "decision": "9/QĐ", "revokedOn": day } }),
            )
            .await
            .ok();
        let (f, c) = first_error(&response["revokeAwardRecord"]);
        assert_eq!((f, c.as_str()), (json!(["input", field]), code));
    }
    assert_eq!(
        records().await["awardRecords"],
        json!([{ "status": "VALID" }])
    );
}

db_tests!(bad_records_are_refused_and_store_nothing);
