//! Batches (tờ trình) through HTTP: one letter forwards many nominations in one transaction
//! (one refused, none goes, and the refusal names its place in the letter), is recorded once
//! under retries, and is read back from the letter and from each nomination.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, first_error, token};
use crate::nominations::{DEPARTMENT, OFFICE, at, create, person, round, step, with};

const BATCH: &str =
    "id number signedOn fromUnit { code } toUnit { code } toAuthority note nominationCount
    nominations { id state holder { code } }";

async fn forward_batch(app: &TestApp, token: &str, input: Value) -> Value {
    app.graphql_as(
        token,
        &format!("mutation($input: ForwardBatchInput!) {{ forwardBatch(input: $input) {{ batch {{ {BATCH} }} userErrors {{ field code message }} }} }}"),
        json!({ "input": input }),
    )
    .await
    .ok()["forwardBatch"]
        .clone()
}

/// A nomination of the office's, passed by its council (waiting to go up).
async fn passed(app: &TestApp, round: &Value, name: &str) -> Value {
    let office = token(Role::EmulationOfficer, Some(OFFICE));
    let nominee = person(app, name, OFFICE).await;
    let n = create(
        app,
        &office,
        round,
        &nominee,
        "GIAY_KHEN_GIAM_DOC_SO",
        "AD_HOC",
    )
    .await
    .ok()["createNomination"]["nomination"]
        .clone();
    let n =
        step(app, &office, "submitNomination", at(&n)).await.ok()["submitNomination"]["nomination"]
            .clone();
    let ballot = with(
        &n,
        json!({ "meetingOn": "2026-01-10", "membersTotal": 10, "yesVotes": 9, "noVotes": 1, "abstentions": 0, "secret": false }),
    );
    let n = step(app, &office, "recordCouncilBallot", ballot).await.ok()["recordCouncilBallot"]
        ["nomination"]
        .clone();
    assert_eq!(n["state"], "PENDING_DECISION");
    n
}

async fn read(app: &TestApp, n: &Value) -> Value {
    let admin = token(Role::ProvinceAdmin, None);
    app.graphql_as(
        &admin,
        "query($id: ID!) { nomination(id: $id) { state version history { action note } batches { number toUnit { code } } } }",
        json!({ "id": n["id"] }),
    )
    .await
    .ok()["nomination"]
        .clone()
}

async fn one_letter_forwards_many_nominations_once(app: &TestApp) {
    let round = round(app, &["GIAY_KHEN_GIAM_DOC_SO"], json!([])).await;
    let office = token(Role::EmulationOfficer, Some(OFFICE));
    let department = token(Role::EmulationOfficer, Some(DEPARTMENT));
    let to = app.unit_id(DEPARTMENT).await;
    let a = passed(app, &round, "Đặng Thị Hồng").await;
    let b = passed(app, &round, "Vũ Quang Huy").await;
    let c = passed(app, &round, "Lý Thị Mai").await;
    let letter = |items: Vec<Value>| {
        json!({ "number": "12/TTr-KHTC", "signedOn": "2026-01-12", "toUnitId": to,
            "note": "Đề nghị Giám đốc Sở tặng Giấy khen", "nominations": items })
    };

    // Refusals name the place in the letter, and nothing goes.
    let refused = forward_batch(app, &office, letter(vec![at(&a), at(&b), at(&a)])).await;
    assert_eq!(
        first_error(&refused),
        (
            json!(["input", "nominations", "2", "id"]),
            "DUPLICATE".into()
        ),
        "{refused}"
    );
    let stale = json!({ "id": c["id"], "version": c["version"].as_i64().unwrap_or(0) - 1 });
    let refused = forward_batch(app, &office, letter(vec![at(&a), at(&b), stale])).await;
    assert_eq!(
        first_error(&refused),
        (
            json!(["input", "nominations", "2", "version"]),
            "STALE_VERSION".into()
        ),
        "{refused}"
    );
    assert!(refused["batch"].is_null());
    assert_eq!(
        read(app, &a).await["state"],
        "PENDING_DECISION",
        "a refused letter sends nothing"
    );
    let refused = forward_batch(
        app,
        &office,
        json!({ "number": " ", "signedOn": "2026-01-12", "toUnitId": to, "nominations": [at(&a)] }),
    )
    .await;
    assert_eq!(
        first_error(&refused),
        (json!(["input", "number"]), "REQUIRED".into())
    );
    let refused = forward_batch(
        app,
        &office,
        json!({ "number": "12/TTr-KHTC", "signedOn": "2026-01-12", "nominations": [at(&a)] }),
    )
    .await;
    assert_eq!(
        first_error(&refused),
        (json!(["input", "toUnitId"]), "REQUIRED".into())
    );
    for (change, field, code) in [
        (
            json!({ "signedOn": "2019-01-12" }),
            "signedOn",
            "OUT_OF_RANGE",
        ),
        (json!({ "note": "đ".repeat(1_501) }), "note", "TOO_LONG"),
        (json!({ "number": "1".repeat(101) }), "number", "TOO_LONG"),
    ] {
        let mut input = letter(vec![at(&a)]);
        for (k, v) in change.as_object().into_iter().flatten() {
            input[k] = v.clone();
        }
        let refused = forward_batch(app, &office, input).await;
        assert_eq!(
            first_error(&refused),
            (json!(["input", field]), code.to_owned()),
            "{change}"
        );
    }
    assert_eq!(read(app, &a).await["state"], "PENDING_DECISION");
    // The department does not send the office's letter.
    let forbidden = app
        .graphql_as(
            &department,
            "mutation($input: ForwardBatchInput!) { forwardBatch(input: $input) { batch { id } } }",
            json!({ "input": letter(vec![at(&a)]) }),
        )
        .await;
    assert_eq!(forbidden.codes(), ["FORBIDDEN"]);

    // The letter goes: every nomination forwarded, the letter quoted in its history.
    let sent = forward_batch(app, &office, letter(vec![at(&c), at(&a), at(&b)])).await;
    assert_eq!(sent["userErrors"], json!([]), "{sent}");
    let batch = &sent["batch"];
    assert_eq!(
        (
            batch["number"].as_str(),
            batch["fromUnit"]["code"].as_str(),
            batch["toUnit"]["code"].as_str(),
            batch["toAuthority"].as_str(),
            batch["nominationCount"].as_i64()
        ),
        (
            Some("12/TTr-KHTC"),
            Some(OFFICE),
            Some(DEPARTMENT),
            Some("DEPARTMENT_HEAD"),
            Some(3)
        )
    );
    let order: Vec<&Value> = batch["nominations"]
        .as_array()
        .map(|l| l.iter().map(|n| &n["id"]).collect())
        .unwrap_or_default();
    assert_eq!(order, [&c["id"], &a["id"], &b["id"]], "the letter's order");
    for n in batch["nominations"].as_array().into_iter().flatten() {
        assert_eq!(
            (n["state"].as_str(), n["holder"]["code"].as_str()),
            (Some("FORWARDED"), Some(DEPARTMENT))
        );
    }
    let a_now = read(app, &a).await;
    let note = a_now["history"]
        .as_array()
        .and_then(|h| h.last())
        .map(|e| e["note"].to_string())
        .unwrap_or_default();
    assert!(
        note.contains("Tờ trình số 12/TTr-KHTC ngày 12/01/2026"),
        "{note}"
    );
    assert_eq!(
        a_now["batches"],
        json!([{ "number": "12/TTr-KHTC", "toUnit": { "code": DEPARTMENT } }])
    );

    // A retry of the same letter (the versions it read) changes nothing and answers the
    // letter; the same number carrying others is a new letter under a taken number.
    let again = forward_batch(app, &office, letter(vec![at(&c), at(&a), at(&b)])).await;
    assert_eq!(again["userErrors"], json!([]), "{again}");
    assert_eq!(again["batch"]["id"], batch["id"]);
    assert_eq!(read(app, &a).await["version"], a_now["version"]);
    let d = passed(app, &round, "Hoàng Văn Nam").await;
    let taken = forward_batch(app, &office, letter(vec![at(&d)])).await;
    assert_eq!(
        first_error(&taken),
        (json!(["input", "number"]), "DUPLICATE".into())
    );
    let admin = token(Role::ProvinceAdmin, None);
    let audit = app
        .graphql_as(
            &admin,
            "{ auditEvents(first: 10, filter: { action: \"nomination_batch.forward\" }) { nodes { objectType } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        audit["auditEvents"]["nodes"],
        json!([{ "objectType": "NominationBatch" }]),
        "one letter, one event"
    );

    // Read under a list of nominations, the letters and their nominations cost the same
    // statements for two nominations (the newest, outside the letter, and one in it) as for
    // four.
    let listed = |first: usize| {
        let department = department.clone();
        async move {
            let before = app.statements.get();
            let data = app
                .graphql_as(
                    &department,
                    &format!("{{ nominations(first: {first}) {{ nodes {{ batches {{ number nominationCount fromUnit {{ code }} nominations {{ id holder {{ code }} }} }} }} }} }}"),
                    json!({}),
                )
                .await
                .ok();
            (app.statements.get() - before, data)
        }
    };
    let (two, _) = listed(2).await;
    let (four, data) = listed(4).await;
    let carried = data["nominations"]["nodes"].as_array().map(|nodes| {
        nodes
            .iter()
            .filter(|n| n["batches"][0]["nominationCount"] == 3)
            .count()
    });
    assert_eq!(carried, Some(3), "{data}");
    assert_eq!(two, four, "statements for two nominations and for four");

    // The letter is read by its sender and its destination, not by another province.
    let query = "query($id: ID!) { nominationBatch(id: $id) { number nominationCount nominations { id } } }";
    let by_department = app
        .graphql_as(&department, query, json!({ "id": batch["id"] }))
        .await
        .ok();
    assert_eq!(by_department["nominationBatch"]["nominationCount"], 3);
    let stranger = token(Role::EmulationOfficer, Some("H48.20"));
    let by_stranger = app
        .graphql_as(&stranger, query, json!({ "id": batch["id"] }))
        .await
        .ok();
    assert!(by_stranger["nominationBatch"].is_null());
    let anonymous = app.graphql(query, json!({ "id": batch["id"] })).await;
    assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);
}

db_tests!(one_letter_forwards_many_nominations_once);
