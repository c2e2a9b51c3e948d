//! The award catalogue through HTTP: seeded from the national catalogue in every database,
//! listed as in force on a day (a decree's change across 01/7/2025 shows), versions added by a
//! province administrator and never rewritten, rewards as multiples of the base salary in force,
//! and every bad version refused with its reason, storing nothing.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, first_error, token};

const LIST: &str = "query($f: AwardTypeFilter) { awardTypes(filter: $f) {
    code version name category subjects rank decidingAuthority proposingRoute rewardMultiplier
    eligibilityRule lawVersion validFrom validTo } }";

const ADD: &str =
    "mutation($input: AddAwardTypeVersionInput!) { addAwardTypeVersion(input: $input) {
    awardType { id code version validFrom validTo ruleParameters rewardMultiplier proposingRoute }
    userErrors { field code message } } }";

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|t| t["code"].as_str().expect("code").to_owned())
        .collect()
}

/// A whole new version of `code` from `valid_from`, valid as given; tests change one field.
fn version(code: &str, valid_from: &str) -> Value {
    json!({
        "code": code, "name": "Bằng khen thử nghiệm", "category": "AWARD_FORM",
        "subjects": ["INDIVIDUAL"], "rank": 44, "decidingAuthority": "PROVINCE_CHAIR",
        "proposingRoute": ["UNIT_HEAD", "DEPARTMENT_HEAD", "PROVINCE_CHAIR"],
        "rewardMultiplier": 1.25, "eligibilityRule": "PROVINCE_CERTIFICATE",
        "ruleParameters": { "minInitiatives": 3 }, "lawVersion": "2022-ND152",
        "legalBasis": "Nghị định 152/2025/NĐ-CP (thử)", "validFrom": valid_from
    })
}

async fn the_catalogue_is_seeded_and_read_as_in_force_on_a_day(app: &TestApp) {
    // Today: the district chairman's Giấy khen is gone (the district level ended 01/7/2025).
    let today = app.graphql(LIST, json!({})).await.ok();
    let now = codes(&today["awardTypes"]);
    assert!(
        now.contains(&"HUAN_CHUONG_LAO_DONG_HANG_BA".to_owned()),
        "{now:?}"
    );
    assert!(
        !now.contains(&"GIAY_KHEN_CHU_TICH_HUYEN".to_owned()),
        "{now:?}"
    );
    // Most senior first.
    let ranks: Vec<i64> = today["awardTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rank"].as_i64().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");

    // On 30/6/2025 it still is, under Nghị định 98; Huân chương Lao động hạng Ba changes version
    // on 01/7/2025.
    let before = app
        .graphql(
            LIST,
            json!({ "f": { "activeAt": "2025-06-30", "subject": "HOUSEHOLD" } }),
        )
        .await
        .ok();
    assert_eq!(codes(&before["awardTypes"]), ["GIAY_KHEN_CHU_TICH_HUYEN"]);
    assert_eq!(before["awardTypes"][0]["validTo"], "2025-06-30");
    assert_eq!(
        before["awardTypes"][0]["decidingAuthority"],
        "DISTRICT_CHAIR"
    );
    let order = |day: &'static str| json!({ "code": "HUAN_CHUONG_LAO_DONG_HANG_BA", "day": day });
    const ONE: &str = "query($code: String, $day: Date) { awardType(code: $code, activeAt: $day) {
        version lawVersion validFrom validTo rewardMultiplier
        r2020: rewardAmount(on: \"2020-05-01\") r2025: rewardAmount(on: \"2025-01-01\")
        versions { version lawVersion validFrom validTo } } }";
    let old = app.graphql(ONE, order("2025-06-30")).await.ok();
    assert_eq!(old["awardType"]["lawVersion"], "2022-ND98");
    assert_eq!(old["awardType"]["validTo"], "2025-06-30");
    let new = app.graphql(ONE, order("2025-07-01")).await.ok();
    assert_eq!(new["awardType"]["lawVersion"], "2022-ND152");
    assert_eq!(new["awardType"]["validTo"], Value::Null);
    // 4.5 × the base salary of the day: 1 490 000 in 2020, 2 340 000 in 2025.
    assert_eq!(new["awardType"]["r2020"], 6_705_000);
    assert_eq!(new["awardType"]["r2025"], 10_530_000);
    let versions = new["awardType"]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[0]["lawVersion"], "2013-ND91");
    assert_eq!(versions[0]["validTo"], "2023-12-31");

    // Before the first version: nothing in force.
    let none = app.graphql(ONE, order("2010-01-01")).await.ok();
    assert_eq!(none["awardType"], Value::Null);
    // Filters combine: collective titles on a day.
    let collective = app
        .graphql(
            LIST,
            json!({ "f": { "subject": "COLLECTIVE", "category": "EMULATION_TITLE", "activeAt": "2024-06-01" } }),
        )
        .await
        .ok();
    assert_eq!(
        codes(&collective["awardTypes"]),
        ["TAP_THE_LAO_DONG_XUAT_SAC", "TAP_THE_LAO_DONG_TIEN_TIEN"]
    );
    let salaries = app
        .graphql(
            "{ baseSalaries { amount validFrom legalBasis } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(salaries["baseSalaries"][4]["amount"], 2_340_000);
    assert_eq!(
        salaries["baseSalaries"][4]["legalBasis"],
        "Nghị định 73/2024/NĐ-CP"
    );

    // A bad code is a clear error, not an empty answer.
    let bad = app
        .graphql("{ awardType(code: \"cstd; drop\") { code } }", json!({}))
        .await;
    assert_eq!(bad.codes(), ["BAD_USER_INPUT"]);
}

async fn a_version_is_added_by_an_administrator_and_history_is_not_rewritten(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let added = app
        .graphql_as(
            &admin,
            ADD,
            json!({ "input": version("BANG_KHEN_TINH", "2026-01-01") }),
        )
        .await
        .ok();
    let award = &added["addAwardTypeVersion"]["awardType"];
    assert_eq!(added["addAwardTypeVersion"]["userErrors"], json!([]));
    assert_eq!(award["version"], 3);
    assert_eq!(award["rewardMultiplier"], 1.25);
    // The parameters given replace the defaults; the others are written out.
    assert_eq!(
        award["ruleParameters"],
        json!({ "consecutiveExcellentYears": 2, "minInitiatives": 3, "initiativeScope": "BASE" })
    );
    // The previous version now ends the day before; a node lookup finds the new one.
    let previous = app
        .graphql(
            "{ awardType(code: \"BANG_KHEN_TINH\", activeAt: \"2025-12-31\") { version validTo } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        previous["awardType"],
        json!({ "version": 2, "validTo": "2025-12-31" })
    );
    let node = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on AwardType { code version } } }",
            json!({ "id": award["id"] }),
        )
        .await
        .ok();
    assert_eq!(
        node["node"],
        json!({ "code": "BANG_KHEN_TINH", "version": 3 })
    );

    // A version before the latest one's start would rewrite what past nominations were
    // judged by: refused, as is every other bad input, and nothing is stored.
    let count = || async {
        app.graphql(
            "{ awardType(code: \"BANG_KHEN_TINH\") { versions { version } } }",
            json!({}),
        )
        .await
        .ok()["awardType"]["versions"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            version("BANG_KHEN_TINH", "2025-03-01"),
            "validFrom",
            "DATE_ORDER",
        ),
        (version("bang khen", "2027-01-01"), "code", "INVALID"),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["name"] = json!("   ");
                v
            },
            "name",
            "REQUIRED",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["name"] = json!("x".repeat(301));
                v
            },
            "name",
            "TOO_LONG",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["rewardMultiplier"] = json!(1.234);
                v
            },
            "rewardMultiplier",
            "OUT_OF_RANGE",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["rewardMultiplier"] = json!(101);
                v
            },
            "rewardMultiplier",
            "OUT_OF_RANGE",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["rank"] = json!(-1);
                v
            },
            "rank",
            "OUT_OF_RANGE",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["ruleParameters"] = json!({ "minInitiative": 3 });
                v
            },
            "ruleParameters",
            "INVALID",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["ruleParameters"] = json!({ "minInitiatives": 99 });
                v
            },
            "ruleParameters",
            "INVALID",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["ruleParameters"] = json!([1]);
                v
            },
            "ruleParameters",
            "INVALID",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["ruleParameters"] = json!({ "k": "x".repeat(5000) });
                v
            },
            "ruleParameters",
            "TOO_LONG",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["proposingRoute"] = json!(["UNIT_HEAD", "UNIT_HEAD", "PROVINCE_CHAIR"]);
                v
            },
            "proposingRoute",
            "DUPLICATE",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["proposingRoute"] = json!(["UNIT_HEAD", "DEPARTMENT_HEAD"]);
                v
            },
            "proposingRoute",
            "INVALID",
        ),
        (
            {
                let mut v = version("BANG_KHEN_TINH", "2027-01-01");
                v["validTo"] = json!("2026-12-31");
                v
            },
            "validTo",
            "DATE_ORDER",
        ),
        (
            version("BANG_KHEN_TINH", "1999-01-01"),
            "validFrom",
            "OUT_OF_RANGE",
        ),
    ];
    for (input, field, code) in cases {
        let response = app
            .graphql_as(&admin, ADD, json!({ "input": input }))
            .await
            .ok();
        let (f, c) = first_error(&response["addAwardTypeVersion"]);
        assert_eq!((f, c.as_str()), (json!(["input", field]), code), "{input}");
        assert_eq!(response["addAwardTypeVersion"]["awardType"], Value::Null);
    }
    // A list past its bound is refused before anything runs.
    let mut long = version("BANG_KHEN_TINH", "2027-01-01");
    long["proposingRoute"] = json!(vec!["UNIT_HEAD"; 9]);
    let refused = app.graphql_as(&admin, ADD, json!({ "input": long })).await;
    assert!(!refused.codes().is_empty());
    assert_eq!(count().await, 3);

    // Only a province administrator keeps the catalogue; anonymous callers are asked to sign in.
    for role in [Role::UnitAdmin, Role::EmulationOfficer, Role::Viewer] {
        let response = app
            .graphql_as(
                &token(role, Some("H19.20")),
                ADD,
                json!({ "input": version("BANG_KHEN_TINH", "2027-01-01") }),
            )
            .await;
        assert_eq!(response.codes(), ["FORBIDDEN"], "{role:?}");
    }
    let anonymous = app
        .graphql(
            ADD,
            json!({ "input": version("BANG_KHEN_TINH", "2027-01-01") }),
        )
        .await;
    assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);
    assert_eq!(count().await, 3);

    // A new code starts at version 1, and the change is audited.
    let created = app
        .graphql_as(
            &admin,
            ADD,
            json!({ "input": version("KY_NIEM_CHUONG_Y_TE", "2026-01-01") }),
        )
        .await
        .ok();
    assert_eq!(created["addAwardTypeVersion"]["awardType"]["version"], 1);
    let audit = app
        .graphql_as(
            &admin,
            "{ auditEvents(first: 5, filter: { action: \"award_type.add_version\" }) { nodes { action objectType } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        audit["auditEvents"]["nodes"].as_array().map(Vec::len),
        Some(2),
        "{audit}"
    );
}

async fn the_base_salary_is_recorded_from_a_day_on(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    const RECORD: &str =
        "mutation($input: RecordBaseSalaryInput!) { recordBaseSalary(input: $input) {
        baseSalary { amount validFrom } userErrors { field code message } } }";
    let recorded = app
        .graphql_as(
            &admin,
            RECORD,
            json!({ "input": { "amount": 2_530_000, "validFrom": "2026-07-01", "legalBasis": "Nghị định thử" } }),
        )
        .await
        .ok();
    assert_eq!(recorded["recordBaseSalary"]["userErrors"], json!([]));
    let amount = app
        .graphql(
            "{ awardType(code: \"CSTD_CO_SO\") { a: rewardAmount(on: \"2026-06-30\") b: rewardAmount(on: \"2026-07-01\") } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        amount["awardType"],
        json!({ "a": 2_340_000, "b": 2_530_000 })
    );
    for (input, field, code) in [
        (
            json!({ "amount": 2_600_000, "validFrom": "2026-07-01", "legalBasis": "x" }),
            "validFrom",
            "DUPLICATE",
        ),
        (
            json!({ "amount": 99, "validFrom": "2027-07-01", "legalBasis": "x" }),
            "amount",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "amount": 2_600_000, "validFrom": "2027-07-01", "legalBasis": " " }),
            "legalBasis",
            "REQUIRED",
        ),
    ] {
        let response = app
            .graphql_as(&admin, RECORD, json!({ "input": input }))
            .await
            .ok();
        let (f, c) = first_error(&response["recordBaseSalary"]);
        assert_eq!((f, c.as_str()), (json!(["input", field]), code));
    }
    let forbidden = app
        .graphql_as(
            &token(Role::UnitAdmin, Some("H19.20")),
            RECORD,
            json!({ "input": { "amount": 2_600_000, "validFrom": "2027-07-01", "legalBasis": "x" } }),
        )
        .await;
    assert_eq!(forbidden.codes(), ["FORBIDDEN"]);
    let salaries = app
        .graphql("{ baseSalaries { amount } }", json!({}))
        .await
        .ok();
    assert_eq!(salaries["baseSalaries"].as_array().map(Vec::len), Some(6));
}

db_tests!(
    the_catalogue_is_seeded_and_read_as_in_force_on_a_day,
    a_version_is_added_by_an_administrator_and_history_is_not_rewritten,
    the_base_salary_is_recorded_from_a_day_on,
);
