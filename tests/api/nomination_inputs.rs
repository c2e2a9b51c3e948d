//! Bad inputs to movements, rounds and nomination steps, each with its field and code, and
//! nothing written: a movement's dates, subjects and name; a round's window, award types and
//! quotas; a supplement request's list; a "downgrade" to a higher form; and the quota of a
//! share of the nominating unit's staff.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, first_error, token};
use crate::nominations::{
    DEPARTMENT, OFFICE, at, award_type_id, create, person, round, step, with,
};

const CREATE_MOVEMENT: &str = "mutation($input: CreateMovementInput!) { createMovement(input: $input) { movement { id } userErrors { field code message } } }";
const OPEN_ROUND: &str = "mutation($input: OpenRoundInput!) { openRound(input: $input) { round { id } userErrors { field code message } } }";

/// `base` with `change` laid over it.
fn changed(base: &Value, change: Value) -> Value {
    let mut input = base.clone();
    for (k, v) in change.as_object().into_iter().flatten() {
        input[k] = v.clone();
    }
    input
}

async fn movement_and_round_inputs_are_checked(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let movement = json!({ "name": "Phong trào thi đua “Xanh – Sạch – Đẹp”", "launcherId": app.unit_id("H19").await,
        "level": "PROVINCE", "kind": "THEMATIC", "startsOn": "2025-01-01", "endsOn": "2026-12-31",
        "subjects": ["COLLECTIVE"] });
    let bad_movements = [
        (
            json!({ "name": "  " }),
            json!(["input", "name"]),
            "REQUIRED",
        ),
        (
            json!({ "name": "x".repeat(501) }),
            json!(["input", "name"]),
            "TOO_LONG",
        ),
        (
            json!({ "endsOn": "2024-12-31" }),
            json!(["input", "endsOn"]),
            "DATE_ORDER",
        ),
        (
            json!({ "endsOn": "2036-01-01" }),
            json!(["input", "endsOn"]),
            "OUT_OF_RANGE",
        ),
        (
            json!({ "collectiveCriteria": "đ".repeat(10_001) }),
            json!(["input", "collectiveCriteria"]),
            "TOO_LONG",
        ),
    ];
    for (change, field, code) in bad_movements {
        let response = app
            .graphql_as(
                &admin,
                CREATE_MOVEMENT,
                json!({ "input": changed(&movement, change.clone()) }),
            )
            .await
            .ok();
        let payload = &response["createMovement"];
        assert_eq!(
            first_error(payload),
            (field, code.to_owned()),
            "{change}: {response}"
        );
        assert!(payload["movement"].is_null());
    }
    // An empty list of subjects does not parse.
    let response = app
        .graphql_as(
            &admin,
            CREATE_MOVEMENT,
            json!({ "input": changed(&movement, json!({ "subjects": [] })) }),
        )
        .await;
    assert_eq!(response.codes(), ["BAD_USER_INPUT"]);
    let count = "{ movements(first: 50) { totalCount } }";
    let before =
        app.graphql_as(&admin, count, json!({})).await.ok()["movements"]["totalCount"].clone();
    let created = app
        .graphql_as(&admin, CREATE_MOVEMENT, json!({ "input": movement }))
        .await
        .ok();
    let movement_id = created["createMovement"]["movement"]["id"].clone();
    let after =
        app.graphql_as(&admin, count, json!({})).await.ok()["movements"]["totalCount"].clone();
    assert_eq!(
        after.as_i64(),
        before.as_i64().map(|n| n + 1),
        "only the good movement was created"
    );

    let round = json!({ "movementId": movement_id, "kind": "ANNUAL", "name": "Xét năm 2025",
        "achievementFrom": "2025-01-01", "achievementTo": "2025-12-31", "opensOn": "2025-12-01",
        "closesOn": "2026-01-31", "awardCodes": ["GIAY_KHEN_GIAM_DOC_SO", "BANG_KHEN_TINH"] });
    let bad_rounds = [
        (
            json!({ "achievementTo": "2024-12-31" }),
            json!(["input", "achievementTo"]),
            "DATE_ORDER",
        ),
        (
            json!({ "closesOn": "2025-11-30" }),
            json!(["input", "closesOn"]),
            "DATE_ORDER",
        ),
        (
            json!({ "achievementFrom": "2024-01-01" }),
            json!(["input", "achievementFrom"]),
            "OUT_OF_RANGE",
        ),
        (
            json!({ "awardCodes": ["GIAY_KHEN_GIAM_DOC_SO", "HUY_CHUONG_VANG"] }),
            json!(["input", "awardCodes", "1"]),
            "NOT_FOUND",
        ),
        (
            json!({ "quotas": [{ "awardCode": "CSTD_TINH", "maxCount": 3 }] }),
            json!(["input", "quotas", "0", "awardCode"]),
            "INVALID",
        ),
        (
            json!({ "quotas": [{ "awardCode": "BANG_KHEN_TINH" }] }),
            json!(["input", "quotas", "0"]),
            "REQUIRED",
        ),
        (
            json!({ "quotas": [{ "awardCode": "BANG_KHEN_TINH", "maxSharePercent": 101 }] }),
            json!(["input", "quotas", "0", "maxSharePercent"]),
            "OUT_OF_RANGE",
        ),
        (
            json!({ "quotas": [{ "awardCode": "BANG_KHEN_TINH", "maxCount": -1 }] }),
            json!(["input", "quotas", "0", "maxCount"]),
            "OUT_OF_RANGE",
        ),
        (
            json!({ "quotas": [{ "awardCode": "BANG_KHEN_TINH", "maxCount": 3 }, { "awardCode": "BANG_KHEN_TINH", "maxCount": 4 }] }),
            json!(["input", "quotas", "1", "awardCode"]),
            "DUPLICATE",
        ),
    ];
    for (change, field, code) in bad_rounds {
        let response = app
            .graphql_as(
                &admin,
                OPEN_ROUND,
                json!({ "input": changed(&round, change.clone()) }),
            )
            .await
            .ok();
        let payload = &response["openRound"];
        assert_eq!(
            first_error(payload),
            (field, code.to_owned()),
            "{change}: {response}"
        );
        assert!(payload["round"].is_null());
    }
    let rounds = app
        .graphql_as(
            &admin,
            "query($id: ID!) { movement(id: $id) { rounds { id } } }",
            json!({ "id": movement_id }),
        )
        .await
        .ok();
    assert_eq!(
        rounds["movement"]["rounds"],
        json!([]),
        "no round was opened"
    );
    let response = app
        .graphql_as(
            &admin,
            OPEN_ROUND,
            json!({ "input": changed(&round, json!({ "awardCodes": [] })) }),
        )
        .await;
    assert_eq!(
        response.codes(),
        ["BAD_USER_INPUT"],
        "a round offers at least one award"
    );
    // Only those who manage movements open rounds.
    let viewer = token(Role::Viewer, Some(DEPARTMENT));
    let refused = app
        .graphql_as(&viewer, OPEN_ROUND, json!({ "input": round }))
        .await;
    assert_eq!(refused.codes(), ["FORBIDDEN"]);
}

async fn supplements_downgrades_and_staff_quotas_are_checked(app: &TestApp) {
    // 20 % of the office's staff may pass its council for a Giấy khen.
    let round = round(
        app,
        &["GIAY_KHEN_GIAM_DOC_SO", "BANG_KHEN_TINH"],
        json!([{ "awardCode": "GIAY_KHEN_GIAM_DOC_SO", "maxSharePercent": 20 }]),
    )
    .await;
    let office = token(Role::EmulationOfficer, Some(OFFICE));
    let department = token(Role::EmulationOfficer, Some(DEPARTMENT));
    let mut staff = Vec::new();
    for name in [
        "Nguyễn Thị Ánh",
        "Trần Văn Bảo",
        "Lê Thị Cúc",
        "Phạm Văn Dũng",
        "Đỗ Thị Én",
    ] {
        staff.push(person(app, name, OFFICE).await);
    }
    let ballot = |n: &Value| {
        with(
            n,
            json!({ "meetingOn": "2026-01-10", "membersTotal": 10, "yesVotes": 9, "noVotes": 1, "abstentions": 0, "secret": false }),
        )
    };
    let submitted = async |nominee: &Value| {
        let n = create(
            app,
            &office,
            &round,
            nominee,
            "GIAY_KHEN_GIAM_DOC_SO",
            "AD_HOC",
        )
        .await
        .ok()["createNomination"]["nomination"]
            .clone();
        step(app, &office, "submitNomination", at(&n)).await.ok()["submitNomination"]["nomination"]
            .clone()
    };
    let first = submitted(&staff[0]).await;
    let passed = step(app, &office, "recordCouncilBallot", ballot(&first))
        .await
        .ok();
    assert_eq!(
        passed["recordCouncilBallot"]["nomination"]["state"],
        "PENDING_DECISION"
    );
    let second = submitted(&staff[1]).await;
    let refused = step(app, &office, "recordCouncilBallot", ballot(&second))
        .await
        .ok();
    let payload = &refused["recordCouncilBallot"];
    assert_eq!(
        first_error(payload),
        (json!(["input", "id"]), "OUT_OF_RANGE".into()),
        "{refused}"
    );
    let message = payload["userErrors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("20 % of a unit's staff") && message.contains("staff"),
        "{message}"
    );

    // Forwarded to the department, appraised: a supplement request lists 1 to 20 items of
    // 1 to 300 characters.
    let n = step(
        app,
        &office,
        "forwardNomination",
        with(
            &passed["recordCouncilBallot"]["nomination"],
            json!({ "toUnitId": app.unit_id(DEPARTMENT).await }),
        ),
    )
    .await
    .ok()["forwardNomination"]["nomination"]
        .clone();
    let n = step(app, &department, "receiveNomination", at(&n))
        .await
        .ok()["receiveNomination"]["nomination"]
        .clone();
    let too_many: Vec<String> = (1..=21).map(|i| format!("Tài liệu số {i}")).collect();
    let response = step(
        app,
        &department,
        "requestSupplement",
        with(&n, json!({ "missing": too_many })),
    )
    .await;
    assert_eq!(response.codes(), ["BAD_USER_INPUT"], "more than 20 items");
    let response = step(
        app,
        &department,
        "requestSupplement",
        with(&n, json!({ "missing": [] })),
    )
    .await;
    assert_eq!(response.codes(), ["BAD_USER_INPUT"], "no item");
    for (missing, index) in [
        (json!([" "]), "0"),
        (json!(["Biên bản", "đ".repeat(301)]), "1"),
    ] {
        let response = step(
            app,
            &department,
            "requestSupplement",
            with(&n, json!({ "missing": missing })),
        )
        .await
        .ok();
        assert_eq!(
            first_error(&response["requestSupplement"]),
            (json!(["input", "missing", index]), "INVALID".into()),
            "{response}"
        );
    }

    // The council passes it; a "downgrade" to a higher form is refused.
    let n = step(app, &department, "recordCouncilBallot", ballot(&n))
        .await
        .ok()["recordCouncilBallot"]["nomination"]
        .clone();
    assert_eq!(n["state"], "PENDING_DECISION");
    let higher = award_type_id(app, "BANG_KHEN_TINH").await;
    let response = step(
        app,
        &department,
        "decideNomination",
        with(&n, json!({ "decisionNumber": "40/QĐ-SYT", "decidedOn": "2026-01-25", "signer": "Giám đốc Sở Y tế", "awardedTypeId": higher })),
    )
    .await
    .ok();
    assert_eq!(
        first_error(&response["decideNomination"]),
        (json!(["input", "awardedTypeId"]), "INVALID".into()),
        "{response}"
    );
    let admin = token(Role::ProvinceAdmin, None);
    let still = app
        .graphql_as(
            &admin,
            "query($id: ID!) { nomination(id: $id) { state version decision { number } } }",
            json!({ "id": n["id"] }),
        )
        .await
        .ok();
    assert_eq!(
        still["nomination"],
        json!({ "state": "PENDING_DECISION", "version": n["version"], "decision": null })
    );
}

db_tests!(
    movement_and_round_inputs_are_checked,
    supplements_downgrades_and_staff_quotas_are_checked,
);
