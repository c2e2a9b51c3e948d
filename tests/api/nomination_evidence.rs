//! A collective's nomination carries its progress scorecard as evidence, computed as of the
//! round's cut-off: the same figures as `unitScorecard` when the cut-off is the year's end,
//! and the reports not yet due at an earlier cut-off counted as pending, not missing.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};
use crate::nominations::award_type_id;

const CARD: &str = "year asOf tasks { role timeliness count }
    reports { period { code } onTime late missing pending } targetsMet { met notMet unknown }";

/// A 2023 round of a movement launched by the People's Committee, cut off on `cut_off`.
async fn round_2023(app: &TestApp, cut_off: &str) -> Value {
    let admin = token(Role::ProvinceAdmin, None);
    let movement = app
        .graphql_as(
            &admin,
            "mutation($input: CreateMovementInput!) { createMovement(input: $input) { movement { id } } }",
            json!({ "input": { "name": "Phong trào thi đua “Trạm y tế xã đạt chuẩn”", "launcherId": app.unit_id("H19").await,
                "level": "PROVINCE", "kind": "THEMATIC", "startsOn": "2023-01-01", "endsOn": "2023-12-31",
                "subjects": ["COLLECTIVE"] } }),
        )
        .await
        .ok()["createMovement"]["movement"]["id"]
        .clone();
    let opened = app
        .graphql_as(
            &admin,
            "mutation($input: OpenRoundInput!) { openRound(input: $input) { round { id } userErrors { message } } }",
            json!({ "input": { "movementId": movement, "kind": "ANNUAL", "name": "Xét khen thưởng",
                "achievementFrom": "2023-01-01", "achievementTo": cut_off, "opensOn": "2023-12-01",
                "closesOn": "2030-12-31", "awardCodes": ["GIAY_KHEN_GIAM_DOC_SO"] } }),
        )
        .await
        .ok();
    assert_eq!(opened["openRound"]["userErrors"], json!([]), "{opened}");
    opened["openRound"]["round"]["id"].clone()
}

async fn a_collective_nomination_carries_its_scorecard_as_of_the_cut_off(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let station = app
        .graphql(
            r#"{ units(first: 1, filter: { search: "Tram Y te xa Van Xuoi" }) { nodes { id } } }"#,
            json!({}),
        )
        .await
        .ok()["units"]["nodes"][0]["id"]
        .clone();
    let award = award_type_id(app, "GIAY_KHEN_GIAM_DOC_SO").await;
    let nominate = async |round: &Value, to: &str| {
        let created = app
            .graphql_as(
                &admin,
                &format!("mutation($input: CreateNominationInput!) {{ createNomination(input: $input) {{
                    nomination {{ id scorecardEvidence {{ {CARD} }} }} userErrors {{ field message }} }} }}"),
                json!({ "input": { "roundId": round, "nomineeId": station, "awardTypeId": award,
                    "achievementFrom": "2023-01-01", "achievementTo": to, "achievementKind": "AD_HOC",
                    "summary": "Hoàn thành tốt nhiệm vụ chăm sóc sức khỏe ban đầu." } }),
            )
            .await
            .ok();
        assert_eq!(
            created["createNomination"]["userErrors"],
            json!([]),
            "{created}"
        );
        created["createNomination"]["nomination"].clone()
    };

    // Cut off at the year's end: the unit's own scorecard for 2023.
    let year_end = nominate(&round_2023(app, "2023-12-31").await, "2023-12-31").await;
    let card = app
        .graphql(
            &format!(
                "query($unit: ID!) {{ unitScorecard(unitId: $unit, year: 2023) {{ {CARD} }} }}"
            ),
            json!({ "unit": station }),
        )
        .await
        .ok()["unitScorecard"]
        .clone();
    assert_eq!(year_end["scorecardEvidence"], card);

    // Cut off on 30/06: the six months' report (sent late on 01/06) counts, quarter III and the
    // year are not due yet.
    let mid_year = nominate(&round_2023(app, "2023-06-30").await, "2023-06-30").await;
    let evidence = &mid_year["scorecardEvidence"];
    assert_eq!(evidence["asOf"], "2023-06-30");
    assert_eq!(
        evidence["reports"],
        json!([
            { "period": { "code": "2023Q1" }, "onTime": 0, "late": 0, "missing": 1, "pending": 0 },
            { "period": { "code": "2023H1" }, "onTime": 0, "late": 1, "missing": 0, "pending": 0 },
            { "period": { "code": "2023Q3" }, "onTime": 0, "late": 0, "missing": 0, "pending": 1 },
            { "period": { "code": "2023" }, "onTime": 0, "late": 0, "missing": 0, "pending": 1 }
        ])
    );

    // A year outside the window has none.
    let outside = app
        .graphql_as(
            &admin,
            "query($id: ID!) { nomination(id: $id) { scorecardEvidence(year: 2022) { year } } }",
            json!({ "id": mid_year["id"] }),
        )
        .await
        .ok();
    assert!(
        outside["nomination"]["scorecardEvidence"].is_null(),
        "{outside}"
    );
    // In a list there is none (it is computed for one nomination at a time).
    let listed = app
        .graphql_as(
            &admin,
            "{ nominations(first: 5) { nodes { scorecardEvidence { year } } } }",
            json!({}),
        )
        .await
        .ok();
    for node in listed["nominations"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        assert!(node["scorecardEvidence"].is_null());
    }
}

db_tests!(a_collective_nomination_carries_its_scorecard_as_of_the_cut_off);
