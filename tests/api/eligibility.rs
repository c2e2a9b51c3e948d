//! The eligibility engine through HTTP: each worked rule with a passing and a failing nominee
//! built from records entered through the API — a broken consecutive run, a title held under a
//! unit merged away, a discipline in the window, a revoked prerequisite (and the later record
//! flagged for review), a change of the catalogue version across 01/7/2025 — every unmet
//! condition listed with its source, the earliest year projected, the personal-data rule, and
//! one person's answer in a bounded number of statements.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

/// The unit the test's people work in, and a sibling unit (a collective judged on its members).
const UNIT: &str = "H19.20.1";
const TEAM: &str = "H19.20.2";

const ELIGIBILITY: &str =
    "query($n: ID!, $t: ID!, $d: Date) { eligibility(nomineeId: $n, awardTypeId: $t, asOf: $d) {
    eligible asOf achievementFrom achievementTo ruleVersion earliestEligibleYear
    awardType { code version lawVersion }
    conditions { code met description source evidence { kind id year description } } } }";

fn admin() -> String {
    token(Role::ProvinceAdmin, None)
}

/// A nominee's history: ratings by year, titles or awards (code, first year, last year), and
/// initiatives (year, scope).
#[derive(Default)]
struct History<'a> {
    since: &'a str,
    ratings: &'a [(i32, &'a str)],
    awards: &'a [(&'a str, i32, i32)],
    initiatives: &'a [(i32, &'a str)],
}

async fn award_type(app: &TestApp, code: &str) -> String {
    let found = app
        .graphql(
            "query($c: String) { awardType(code: $c, activeAt: \"2024-06-01\") { id } }",
            json!({ "c": code }),
        )
        .await
        .ok();
    found["awardType"]["id"].as_str().expect(code).to_owned()
}

async fn gql_ok(app: &TestApp, query: &str, input: Value, field: &str) -> Value {
    let response = app
        .graphql_as(&admin(), query, json!({ "input": input }))
        .await
        .ok();
    assert_eq!(response[field]["userErrors"], json!([]), "{field} {input}");
    response[field].clone()
}

/// Records `award` for the recipient, decided on 15 January after its window.
async fn record_award(app: &TestApp, recipient: &str, code: &str, from: i32, to: i32) -> Value {
    let award_type = award_type(app, code).await;
    gql_ok(
        app,
        "mutation($input: RecordAwardInput!) { recordAward(input: $input) {
            awardRecord { id version reviewNote } userErrors { field code message } } }",
        json!({ "recipientId": recipient, "awardTypeId": award_type,
            "achievementFrom": format!("{from}-01-01"), "achievementTo": format!("{to}-12-31"),
            "kind": "REGULAR", "decisionNumber": format!("{}/QĐ-TEST-{code}", to + 1),
            "decidedOn": format!("{}-01-15", to + 1), "issuerName": "Giám đốc Sở Y tế (thử)" }),
        "recordAward",
    )
    .await["awardRecord"]
        .clone()
}

async fn person(app: &TestApp, name: &str, unit: &str, history: History<'_>) -> String {
    let created = gql_ok(
        app,
        "mutation($input: CreatePersonInput!) { createPerson(input: $input) {
            person { id } userErrors { field code message } } }",
        json!({ "fullName": name, "birthDate": "1980-01-01", "unitId": app.unit_id(unit).await,
            "startedOn": if history.since.is_empty() { "2010-01-01" } else { history.since } }),
        "createPerson",
    )
    .await;
    let id = created["person"]["id"].as_str().expect("id").to_owned();
    for (year, rating) in history.ratings {
        gql_ok(
            app,
            "mutation($input: RecordDutyRatingInput!) { recordDutyRating(input: $input) {
                userErrors { field code message } } }",
            json!({ "subjectId": id, "year": year, "rating": rating }),
            "recordDutyRating",
        )
        .await;
    }
    for (code, from, to) in history.awards {
        record_award(app, &id, code, *from, *to).await;
    }
    for (n, (year, scope)) in history.initiatives.iter().enumerate() {
        gql_ok(
            app,
            "mutation($input: RecordInitiativeInput!) { recordInitiative(input: $input) {
                userErrors { field code message } } }",
            json!({ "title": format!("Sáng kiến {n} của {name}"), "kind": "INITIATIVE",
                "unitId": app.unit_id(unit).await, "scope": scope,
                "recognitionDecision": format!("{n}/QĐ-HĐSK"), "recognisedOn": format!("{year}-10-01"),
                "authors": [{ "personId": id }] }),
            "recordInitiative",
        )
        .await;
    }
    id
}

async fn judge(app: &TestApp, nominee: &str, code: &str, as_of: &str) -> Value {
    let award_type = award_type(app, code).await;
    app.graphql_as(
        &admin(),
        ELIGIBILITY,
        json!({ "n": nominee, "t": award_type, "d": as_of }),
    )
    .await
    .ok()["eligibility"]
        .clone()
}

/// The codes of the unmet conditions.
fn unmet(answer: &Value) -> Vec<String> {
    answer["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .filter(|c| c["met"] == false)
        .map(|c| c["code"].as_str().unwrap_or("-").to_owned())
        .collect()
}

fn condition<'a>(answer: &'a Value, code: &str) -> &'a Value {
    answer["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["code"] == code))
        .unwrap_or_else(|| panic!("{code} in {answer}"))
}

const GOOD5: &[(i32, &str)] = &[
    (2020, "GOOD"),
    (2021, "GOOD"),
    (2022, "EXCELLENT"),
    (2023, "GOOD"),
    (2024, "GOOD"),
];

async fn the_emulation_titles_pass_and_fail_with_every_reason(app: &TestApp) {
    // Lao động tiên tiến: rated ≥ HTTNV, ≥ 10 months worked, no discipline.
    let good = person(
        app,
        "Đào Văn An",
        UNIT,
        History {
            ratings: &[(2024, "GOOD")],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &good, "LAO_DONG_TIEN_TIEN", "2025-02-01").await;
    assert_eq!(answer["eligible"], true, "{answer}");
    assert_eq!(answer["achievementFrom"], "2024-01-01");
    assert_eq!(answer["achievementTo"], "2024-12-31");
    assert_eq!(answer["earliestEligibleYear"], 2025);
    let late = person(
        app,
        "Đào Thị Bình",
        UNIT,
        History {
            since: "2024-06-01",
            ratings: &[(2024, "COMPLETED")],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &late, "LAO_DONG_TIEN_TIEN", "2025-02-01").await;
    assert_eq!(answer["eligible"], false);
    // Every unmet condition, not only the first.
    assert_eq!(unmet(&answer), ["YEARS_RATED", "MONTHS_WORKED"], "{answer}");
    assert!(
        condition(&answer, "YEARS_RATED")["description"]
            .as_str()
            .unwrap()
            .contains("2024 (HTNV)")
    );
    assert!(
        condition(&answer, "MONTHS_WORKED")["source"]
            .as_str()
            .unwrap()
            .contains("91/2017")
    );

    // Chiến sĩ thi đua cơ sở: Lao động tiên tiến and an initiative of the year.
    let fighter = person(
        app,
        "Đào Văn Cường",
        UNIT,
        History {
            ratings: &[(2024, "GOOD")],
            awards: &[("LAO_DONG_TIEN_TIEN", 2024, 2024)],
            initiatives: &[(2024, "BASE")],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &fighter, "CSTD_CO_SO", "2025-02-01").await;
    assert_eq!(answer["eligible"], true, "{answer}");
    let evidence = &condition(&answer, "TITLE_HELD")["evidence"][0];
    assert_eq!(evidence["kind"], "AWARD_RECORD");
    assert!(evidence["id"].is_string());
    let no_initiative = person(
        app,
        "Đào Thị Dung",
        UNIT,
        History {
            ratings: &[(2024, "GOOD")],
            awards: &[("LAO_DONG_TIEN_TIEN", 2024, 2024)],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &no_initiative, "CSTD_CO_SO", "2025-02-01").await;
    assert_eq!(unmet(&answer), ["INITIATIVES"]);

    // Chiến sĩ thi đua cấp tỉnh: 3 × cơ sở in a row and an initiative of provincial scope.
    let chain = &[
        ("CSTD_CO_SO", 2022, 2022),
        ("CSTD_CO_SO", 2023, 2023),
        ("CSTD_CO_SO", 2024, 2024),
    ];
    let ratings = &[(2022, "GOOD"), (2023, "GOOD"), (2024, "GOOD")];
    let province = person(
        app,
        "Đào Văn Giang",
        UNIT,
        History {
            ratings,
            awards: chain,
            initiatives: &[(2023, "PROVINCE")],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &province, "CSTD_TINH", "2025-03-01").await;
    assert_eq!(answer["eligible"], true, "{answer}");
    assert_eq!(answer["achievementFrom"], "2022-01-01");
    assert_eq!(answer["awardType"]["lawVersion"], "2022-ND98");
    assert!(
        answer["ruleVersion"]
            .as_str()
            .unwrap()
            .starts_with("CSTD_TINH v2, 2022-ND98")
    );
    assert_eq!(
        condition(&answer, "CONSECUTIVE_TITLES")["evidence"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    // A broken run (no title in 2023) and only a base-scope initiative: both reasons.
    let broken = person(
        app,
        "Đào Thị Hạnh",
        UNIT,
        History {
            ratings,
            awards: &[
                ("CSTD_CO_SO", 2021, 2021),
                ("CSTD_CO_SO", 2022, 2022),
                ("CSTD_CO_SO", 2024, 2024),
            ],
            initiatives: &[(2024, "BASE")],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &broken, "CSTD_TINH", "2025-03-01").await;
    assert_eq!(
        unmet(&answer),
        ["CONSECUTIVE_TITLES", "INITIATIVES"],
        "{answer}"
    );
    assert!(
        condition(&answer, "CONSECUTIVE_TITLES")["description"]
            .as_str()
            .unwrap()
            .contains("broken in 2023"),
        "{answer}"
    );
    assert!(
        condition(&answer, "CONSECUTIVE_TITLES")["source"]
            .as_str()
            .unwrap()
            .contains("Điều 22")
    );
    // The pattern goes on, but no provincial initiative ever comes: no year is projected.
    assert_eq!(answer["earliestEligibleYear"], Value::Null);
    // Two in a row so far with a provincial initiative: qualifies in 2026 if 2025 repeats 2024.
    let soon = person(
        app,
        "Đào Văn Khoa",
        UNIT,
        History {
            ratings: &[(2023, "GOOD"), (2024, "GOOD")],
            awards: &[("CSTD_CO_SO", 2023, 2023), ("CSTD_CO_SO", 2024, 2024)],
            initiatives: &[(2024, "PROVINCE")],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &soon, "CSTD_TINH", "2025-03-01").await;
    assert_eq!(answer["eligible"], false);
    assert_eq!(answer["earliestEligibleYear"], 2026, "{answer}");

    // A discipline in effect inside the window fails it.
    let disciplined = person(
        app,
        "Đào Thị Lan",
        UNIT,
        History {
            ratings,
            awards: chain,
            initiatives: &[(2023, "PROVINCE")],
            ..Default::default()
        },
    )
    .await;
    gql_ok(
        app,
        "mutation($input: RecordDisciplineInput!) { recordDiscipline(input: $input) { userErrors { field code message } } }",
        json!({ "personId": disciplined, "form": "REPRIMAND", "decisionRef": "12/QĐ-KL",
            "decidedOn": "2023-05-01", "effectiveFrom": "2023-05-01", "effectiveTo": "2024-04-30" }),
        "recordDiscipline",
    )
    .await;
    let answer = judge(app, &disciplined, "CSTD_TINH", "2025-03-01").await;
    assert_eq!(unmet(&answer), ["NO_DISCIPLINE"]);
    assert_eq!(
        condition(&answer, "NO_DISCIPLINE")["evidence"][0]["kind"],
        "DISCIPLINE"
    );

    // A title held under a unit merged away counts: the demo's Vũ Xuân Cường earned his at the
    // Bắc Giang department (closed 30/6/2025) and now works at the Bắc Ninh one.
    let moved = app
        .graphql_as(&admin(), "{ people(first: 1, filter: { search: \"vu xuan cuong\" }) { nodes { id unit { code } } } }", json!({}))
        .await
        .ok()["people"]["nodes"][0]
        .clone();
    assert_eq!(moved["unit"]["code"], "H06.20");
    // The demo records his three titles at the Bắc Giang department and a provincial initiative.
    let id = moved["id"].as_str().unwrap();
    let answer = judge(app, id, "CSTD_TINH", "2025-09-01").await;
    assert_eq!(answer["eligible"], true, "{answer}");
    let evidence = &condition(&answer, "CONSECUTIVE_TITLES")["evidence"];
    assert!(
        evidence[0]["description"]
            .as_str()
            .unwrap()
            .contains("/QĐ-SYT"),
        "{answer}"
    );
}

async fn award_forms_follow_their_chains_and_revocations_propagate(app: &TestApp) {
    // Bằng khen tỉnh (domain.md example 8): HTXSNV 2023 and 2024 with two initiatives.
    let excellent = person(
        app,
        "Hồ Văn Minh",
        UNIT,
        History {
            ratings: &[(2023, "EXCELLENT"), (2024, "EXCELLENT")],
            initiatives: &[(2023, "BASE"), (2024, "BASE")],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        judge(app, &excellent, "BANG_KHEN_TINH", "2025-04-01").await["eligible"],
        true
    );
    let short = person(
        app,
        "Hồ Thị Nga",
        UNIT,
        History {
            ratings: &[(2023, "GOOD"), (2024, "EXCELLENT")],
            initiatives: &[(2024, "BASE")],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &short, "BANG_KHEN_TINH", "2025-04-01").await;
    assert_eq!(
        unmet(&answer),
        ["EXCELLENT_YEARS", "INITIATIVES"],
        "{answer}"
    );

    // Bằng khen Thủ tướng (Nghị định 98 parameters): a Bằng khen tỉnh, then 5 years ≥ HTTNV
    // with 2 × Chiến sĩ thi đua cơ sở.
    let pm = person(
        app,
        "Hồ Văn Phúc",
        UNIT,
        History {
            ratings: GOOD5,
            awards: &[
                ("BANG_KHEN_TINH", 2018, 2019),
                ("CSTD_CO_SO", 2021, 2021),
                ("CSTD_CO_SO", 2023, 2023),
            ],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &pm, "BANG_KHEN_THU_TUONG", "2025-04-01").await;
    assert_eq!(answer["eligible"], true, "{answer}");
    assert_eq!(answer["achievementFrom"], "2020-01-01");
    let none = person(
        app,
        "Hồ Thị Quyên",
        UNIT,
        History {
            ratings: GOOD5,
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &none, "BANG_KHEN_THU_TUONG", "2025-04-01").await;
    assert_eq!(unmet(&answer), ["PREREQUISITE", "TITLES_IN_WINDOW"]);

    // Huân chương Lao động hạng Ba (example 9): Bằng khen Thủ tướng ending 2019, 2020–2024 all
    // ≥ HTTNV with one HTXSNV and 3 × Chiến sĩ thi đua cơ sở.
    let order = person(
        app,
        "Hồ Văn Sơn",
        UNIT,
        History {
            ratings: GOOD5,
            awards: &[
                ("BANG_KHEN_THU_TUONG", 2015, 2019),
                ("CSTD_CO_SO", 2020, 2020),
                ("CSTD_CO_SO", 2022, 2022),
                ("CSTD_CO_SO", 2024, 2024),
            ],
            ..Default::default()
        },
    )
    .await;
    let answer = judge(app, &order, "HUAN_CHUONG_LAO_DONG_HANG_BA", "2025-05-01").await;
    assert_eq!(answer["eligible"], true, "{answer}");
    assert!(
        condition(&answer, "PREREQUISITE")["source"]
            .as_str()
            .unwrap()
            .contains("Điều 44")
    );
    // Proposed after 01/7/2025 for a window ending 2025, the Nghị định 152 version judges.
    let later = judge(app, &order, "HUAN_CHUONG_LAO_DONG_HANG_BA", "2026-02-01").await;
    assert_eq!(later["awardType"]["lawVersion"], "2022-ND152");
    assert_eq!(later["awardType"]["version"], 3);
    // 2025 is not rated yet (the run to the proposal is broken), and 2021–2025 holds two
    // Chiến sĩ thi đua cơ sở, not three.
    assert_eq!(
        unmet(&later),
        ["YEARS_RATED", "TITLES_IN_WINDOW"],
        "{later}"
    );

    // The prerequisite revoked: the order is no longer within reach, and says why.
    let prerequisite = app
        .graphql_as(
            &admin(),
            "query($p: ID) { awardRecords(first: 5, filter: { recipientId: $p, awardCode: \"BANG_KHEN_THU_TUONG\" }) { nodes { id version } } }",
            json!({ "p": order }),
        )
        .await
        .ok()["awardRecords"]["nodes"][0]
        .clone();
    // A later record that relied on it (a Huân chương decided in 2025) is flagged for review.
    let medal = record_award(app, &order, "HUAN_CHUONG_LAO_DONG_HANG_BA", 2020, 2024).await;
    assert_eq!(medal["reviewNote"], Value::Null);
    const REVOKE: &str =
        "mutation($input: RevokeAwardRecordInput!) { revokeAwardRecord(input: $input) {
        awardRecord { status revokedOn } userErrors { field code message } } }";
    let revoke = json!({ "id": prerequisite["id"], "version": prerequisite["version"],
        "reason": "Hồ sơ kê khai không trung thực", "decision": "99/QĐ-TTg", "revokedOn": "2025-09-01" });
    let revoked = app
        .graphql_as(&admin(), REVOKE, json!({ "input": revoke }))
        .await
        .ok();
    assert_eq!(
        revoked["revokeAwardRecord"]["awardRecord"]["status"],
        "REVOKED"
    );
    let flagged = app
        .graphql_as(
            &admin(),
            "query($id: ID!) { node(id: $id) { ... on AwardRecord { reviewNote status } } }",
            json!({ "id": medal["id"] }),
        )
        .await
        .ok();
    let note = flagged["node"]["reviewNote"].as_str().unwrap_or_default();
    assert!(
        note.contains("BANG_KHEN_THU_TUONG") && note.contains("99/QĐ-TTg"),
        "{flagged}"
    );
    let answer = judge(app, &order, "HUAN_CHUONG_LAO_DONG_HANG_BA", "2025-05-01").await;
    assert!(
        unmet(&answer).contains(&"PREREQUISITE".to_owned()),
        "{answer}"
    );
    assert!(
        condition(&answer, "PREREQUISITE")["description"]
            .as_str()
            .unwrap()
            .contains("revoked by 99/QĐ-TTg")
    );
    // Revoking twice is refused; the same award for the same achievement twice too.
    let again = app
        .graphql_as(
            &admin(),
            REVOKE,
            json!({ "input": { "id": prerequisite["id"], "version": 2,
            "reason": "x", "decision": "y", "revokedOn": "2025-09-02" } }),
        )
        .await
        .ok();
    assert_eq!(
        again["revokeAwardRecord"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
    let twice = app
        .graphql_as(
            &admin(),
            "mutation($input: RecordAwardInput!) { recordAward(input: $input) { userErrors { field code message } } }",
            json!({ "input": { "recipientId": order, "awardTypeId": award_type(app, "CSTD_CO_SO").await,
                "achievementFrom": "2024-01-01", "achievementTo": "2024-12-31", "kind": "REGULAR",
                "decisionNumber": "1/QĐ-KHAC", "decidedOn": "2025-02-01", "issuerName": "Giám đốc" } }),
        )
        .await
        .ok();
    assert_eq!(twice["recordAward"]["userErrors"][0]["code"], "DUPLICATE");
    // One achievement, two award forms: refused (Luật 2022 Điều 5 k2).
    let form = app
        .graphql_as(
            &admin(),
            "mutation($input: RecordAwardInput!) { recordAward(input: $input) { userErrors { field code message } } }",
            json!({ "input": { "recipientId": order, "awardTypeId": award_type(app, "GIAY_KHEN_GIAM_DOC_SO").await,
                "achievementFrom": "2020-01-01", "achievementTo": "2024-12-31", "kind": "REGULAR",
                "decisionNumber": "2/QĐ-SYT", "decidedOn": "2025-02-01", "issuerName": "Giám đốc Sở" } }),
        )
        .await
        .ok();
    let error = &form["recordAward"]["userErrors"][0];
    assert_eq!(error["code"], "DUPLICATE", "{form}");
    assert!(error["message"].as_str().unwrap().contains("Điều 5"));
}

async fn a_decree_change_is_judged_by_the_version_in_force_at_the_window_end(app: &TestApp) {
    // A test award type whose parameters change on 01/7/2025: one year rated excellent
    // before, two after.
    const ADD: &str =
        "mutation($input: AddAwardTypeVersionInput!) { addAwardTypeVersion(input: $input) {
        awardType { id } userErrors { field code message } } }";
    let mut version = json!({ "code": "THU_NGHIEM_HCLD", "name": "Huân chương thử nghiệm", "category": "AWARD_FORM",
        "subjects": ["INDIVIDUAL"], "rank": 79, "decidingAuthority": "PRESIDENT", "proposingRoute": ["PRESIDENT"],
        "eligibilityRule": "LABOUR_ORDER", "ruleParameters": { "minExcellentYears": 1, "minTitles": 0 },
        "lawVersion": "2022-ND98", "legalBasis": "thử", "validFrom": "2024-01-01" });
    let first = app
        .graphql_as(&admin(), ADD, json!({ "input": version }))
        .await
        .ok();
    assert_eq!(first["addAwardTypeVersion"]["userErrors"], json!([]));
    version["ruleParameters"] = json!({ "minExcellentYears": 2, "minTitles": 0 });
    version["lawVersion"] = json!("2022-ND152");
    version["validFrom"] = json!("2025-07-01");
    let second = app
        .graphql_as(&admin(), ADD, json!({ "input": version }))
        .await
        .ok();
    assert_eq!(second["addAwardTypeVersion"]["userErrors"], json!([]));
    let nominee = person(
        app,
        "Kiều Văn Tài",
        UNIT,
        History {
            ratings: &[
                (2020, "GOOD"),
                (2021, "GOOD"),
                (2022, "EXCELLENT"),
                (2023, "GOOD"),
                (2024, "GOOD"),
                (2025, "GOOD"),
            ],
            awards: &[("BANG_KHEN_THU_TUONG", 2015, 2019)],
            ..Default::default()
        },
    )
    .await;
    let id = first["addAwardTypeVersion"]["awardType"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let judge_on = |day: &'static str| {
        let id = id.clone();
        let nominee = nominee.clone();
        async move {
            app.graphql_as(
                &admin(),
                ELIGIBILITY,
                json!({ "n": nominee, "t": id, "d": day }),
            )
            .await
            .ok()["eligibility"]
                .clone()
        }
    };
    // Window ending 31/12/2024: the first version.
    let before = judge_on("2025-06-01").await;
    assert_eq!(before["eligible"], true, "{before}");
    assert_eq!(before["awardType"]["lawVersion"], "2022-ND98");
    // Window ending 31/12/2025: the second, which asks two years rated excellent.
    let after = judge_on("2026-02-01").await;
    assert_eq!(after["awardType"]["lawVersion"], "2022-ND152");
    assert_eq!(unmet(&after), ["EXCELLENT_YEARS"], "{after}");
}

async fn collectives_are_judged_on_their_own_records_and_members(app: &TestApp) {
    let team = app.unit_id(TEAM).await;
    gql_ok(
        app,
        "mutation($input: RecordDutyRatingInput!) { recordDutyRating(input: $input) { userErrors { field code message } } }",
        json!({ "subjectId": team, "year": 2024, "rating": "GOOD" }),
        "recordDutyRating",
    )
    .await;
    person(
        app,
        "Lâm Văn Uy",
        TEAM,
        History {
            awards: &[("LAO_DONG_TIEN_TIEN", 2024, 2024)],
            ..Default::default()
        },
    )
    .await;
    let second = person(app, "Lâm Thị Vân", TEAM, History::default()).await;
    let answer = judge(app, &team, "TAP_THE_LAO_DONG_TIEN_TIEN", "2025-02-01").await;
    assert_eq!(answer["eligible"], true, "{answer}");
    assert_eq!(
        condition(&answer, "MEMBERS_ADVANCED")["evidence"][0]["kind"],
        "MEMBER"
    );
    // A member disciplined with cảnh cáo in the year, and a third member without the title.
    gql_ok(
        app,
        "mutation($input: RecordDisciplineInput!) { recordDiscipline(input: $input) { userErrors { field code message } } }",
        json!({ "personId": second, "form": "WARNING", "decisionRef": "3/QĐ-KL",
            "decidedOn": "2024-03-01", "effectiveFrom": "2024-03-01", "effectiveTo": "2024-12-31" }),
        "recordDiscipline",
    )
    .await;
    person(app, "Lâm Văn Xuân", TEAM, History::default()).await;
    let answer = judge(app, &team, "TAP_THE_LAO_DONG_TIEN_TIEN", "2025-02-01").await;
    assert_eq!(
        unmet(&answer),
        ["MEMBERS_ADVANCED", "NO_MEMBER_DISCIPLINED"],
        "{answer}"
    );
    // Tập thể lao động xuất sắc asks HTXSNV and a Chiến sĩ thi đua cơ sở among the members.
    let answer = judge(app, &team, "TAP_THE_LAO_DONG_XUAT_SAC", "2025-02-01").await;
    assert!(unmet(&answer).contains(&"YEARS_RATED".to_owned()));
    assert!(unmet(&answer).contains(&"MEMBER_FIGHTERS".to_owned()));
    // A person's title is not a collective's.
    let answer = judge(app, &team, "CSTD_CO_SO", "2025-02-01").await;
    assert!(unmet(&answer).contains(&"SUBJECT_KIND".to_owned()));
}

async fn eligibility_is_personal_and_costs_a_bounded_number_of_statements(app: &TestApp) {
    let nominee = person(
        app,
        "Mạc Văn Yên",
        UNIT,
        History {
            ratings: GOOD5,
            awards: &[
                ("BANG_KHEN_THU_TUONG", 2015, 2019),
                ("CSTD_CO_SO", 2020, 2020),
                ("CSTD_CO_SO", 2022, 2022),
            ],
            initiatives: &[(2022, "BASE")],
            ..Default::default()
        },
    )
    .await;
    let award_type = award_type(app, "HUAN_CHUONG_LAO_DONG_HANG_BA").await;
    let vars = json!({ "n": nominee, "t": award_type, "d": "2025-05-01" });
    let before = app.statements.get();
    let answer = app
        .graphql_as(&admin(), ELIGIBILITY, vars.clone())
        .await
        .ok();
    let statements = app.statements.get() - before;
    // The nominee, every version of the award type's code, and the three kinds of records this
    // rule reads (awards, ratings, disciplines: it counts no initiative, so the nominee's is not
    // read), whatever the history's length.
    assert!(statements <= 5, "{statements} statements");
    assert_eq!(unmet(&answer["eligibility"]), ["TITLES_IN_WINDOW"]);
    assert_eq!(answer["eligibility"]["earliestEligibleYear"], Value::Null);
    // Ratings and disciplines are personal data.
    for (role, unit) in [
        (Role::Viewer, Some(UNIT)),
        (Role::EmulationOfficer, Some(TEAM)),
        (Role::UnitOfficer, Some(UNIT)),
    ] {
        let refused = app
            .graphql_as(&token(role, unit), ELIGIBILITY, vars.clone())
            .await;
        assert_eq!(refused.codes(), ["FORBIDDEN"], "{role:?}");
    }
    let officer = app
        .graphql_as(
            &token(Role::EmulationOfficer, Some("H19.20")),
            ELIGIBILITY,
            vars.clone(),
        )
        .await
        .ok();
    assert_eq!(officer["eligibility"]["eligible"], false);
    assert_eq!(
        app.graphql(ELIGIBILITY, vars.clone()).await.codes(),
        ["UNAUTHENTICATED"]
    );
    // Bad ids are clear errors.
    let bad = app
        .graphql_as(
            &admin(),
            ELIGIBILITY,
            json!({ "n": award_type, "t": award_type }),
        )
        .await;
    assert_eq!(bad.codes(), ["BAD_USER_INPUT"]);
}

async fn the_demo_shows_a_passing_and_a_failing_nominee(app: &TestApp) {
    let find = |name: &'static str| async move {
        app.graphql_as(
            &admin(),
            "query($s: String) { people(first: 1, filter: { search: $s }) { nodes { id } } }",
            json!({ "s": name }),
        )
        .await
        .ok()["people"]["nodes"][0]["id"]
            .as_str()
            .expect(name)
            .to_owned()
    };
    let passing = judge(
        app,
        &find("nguyen duc long").await,
        "CSTD_TINH",
        "2025-03-01",
    )
    .await;
    assert_eq!(passing["eligible"], true, "{passing}");
    let failing = judge(
        app,
        &find("tran hong linh").await,
        "CSTD_TINH",
        "2025-03-01",
    )
    .await;
    assert_eq!(
        unmet(&failing),
        ["CONSECUTIVE_TITLES", "INITIATIVES"],
        "{failing}"
    );
    let order = judge(
        app,
        &find("dang ngoc mai").await,
        "HUAN_CHUONG_LAO_DONG_HANG_BA",
        "2025-03-01",
    )
    .await;
    assert_eq!(order["eligible"], true, "{order}");
    // The demo's collectives: the provincial hospital on its rating and its members' titles.
    let hospital = app
        .graphql(
            "{ units(first: 1, filter: { search: \"benh vien da khoa tinh bac giang\" }) { nodes { id } } }",
            json!({}),
        )
        .await
        .ok()["units"]["nodes"][0]["id"]
        .as_str()
        .expect("the hospital")
        .to_owned();
    let collective = judge(app, &hospital, "TAP_THE_LAO_DONG_TIEN_TIEN", "2025-03-01").await;
    assert_eq!(collective["eligible"], true, "{collective}");
    assert!(
        !condition(&collective, "MEMBERS_ADVANCED")["evidence"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Every demo person is marked illustrative.
    let provenance = app
        .graphql_as(
            &admin(),
            "query($id: ID!) { node(id: $id) { ... on Person { fullName provenance { illustrative note } } } }",
            json!({ "id": find("nguyen duc long").await }),
        )
        .await
        .ok();
    assert_eq!(
        provenance["node"]["provenance"]["illustrative"], true,
        "{provenance}"
    );
}

db_tests!(
    the_demo_shows_a_passing_and_a_failing_nominee,
    the_emulation_titles_pass_and_fail_with_every_reason,
    award_forms_follow_their_chains_and_revocations_propagate,
    a_decree_change_is_judged_by_the_version_in_force_at_the_window_end,
    collectives_are_judged_on_their_own_records_and_members,
    eligibility_is_personal_and_costs_a_bounded_number_of_statements,
);
