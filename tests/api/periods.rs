//! The period engine through HTTP: period codes and their data windows (Nghị định 09/2019),
//! deadline rules on the working-day calendar the demo ships (2022–2026), and the
//! administrator's calendar mutations. Expected days are the worked examples of
//! `../shared/domain.md` §(d), computed by hand from the calendar.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

const PERIOD: &str = "query($code: String!, $cutOff: CutOffRule) {
    reportingPeriod(code: $code, cutOff: $cutOff) { code kind year startsOn endsOn dataFrom dataTo } }";

const DEADLINE: &str = "query($rule: DeadlineRuleInput!, $period: String, $event: Date) {
    deadline(rule: $rule, period: $period, eventOn: $event) {
        stated lastDay dueOn dayOff rolledForward passesAt } }";

async fn deadline(app: &TestApp, rule: Value, period: Option<&str>, event: Option<&str>) -> Value {
    app.graphql(
        DEADLINE,
        json!({ "rule": rule, "period": period, "event": event }),
    )
    .await
    .ok()["deadline"]
        .clone()
}

async fn deadline_error(app: &TestApp, rule: Value, period: Option<&str>) -> (String, String) {
    let response = app
        .graphql(DEADLINE, json!({ "rule": rule, "period": period }))
        .await;
    assert_eq!(response.data["deadline"], Value::Null);
    let message = response.errors[0]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    (response.codes()[0].clone(), message)
}

async fn period_codes_have_their_decree_09_data_windows(app: &TestApp) {
    let window = async |code: &str, cut_off: &str| {
        let p = app
            .graphql(PERIOD, json!({ "code": code, "cutOff": cut_off }))
            .await
            .ok()["reportingPeriod"]
            .clone();
        (p["dataFrom"].clone(), p["dataTo"].clone(), p)
    };
    for (code, from, to) in [
        ("202503", "2025-02-15", "2025-03-14"),
        ("2025Q1", "2024-12-15", "2025-03-14"),
        ("2025Q2", "2025-03-15", "2025-06-14"),
        ("2025Q3", "2025-06-15", "2025-09-14"),
        ("2025Q4", "2025-09-15", "2025-12-14"),
        ("2025H1", "2024-12-15", "2025-06-14"),
        ("20259M", "2024-12-15", "2025-09-14"),
        ("2025", "2024-12-15", "2025-12-14"),
    ] {
        let (got_from, got_to, _) = window(code, "DECREE_09").await;
        assert_eq!((got_from, got_to), (json!(from), json!(to)), "{code}");
    }
    let (from, to, q1) = window("2024Q1", "CALENDAR").await;
    assert_eq!((from, to), (json!("2024-01-01"), json!("2024-03-31")));
    assert_eq!(q1["kind"], "QUARTER");
    assert_eq!(q1["year"], 2024);
    let (_, _, h1) = window("2025H1", "DECREE_09").await;
    assert_eq!(
        (h1["startsOn"].clone(), h1["endsOn"].clone()),
        (json!("2025-01-01"), json!("2025-06-30"))
    );
    // An ad-hoc period's dates are its request's.
    let (from, _, adhoc) = window("2025D03", "DECREE_09").await;
    assert_eq!(
        (adhoc["kind"].clone(), from),
        (json!("AD_HOC"), Value::Null)
    );
    for bad in ["2022Q5", "202213", "22Q1", "2022 Q1", "2022H3", "1899", ""] {
        let response = app.graphql(PERIOD, json!({ "code": bad })).await;
        assert_eq!(response.codes(), ["BAD_USER_INPUT"], "{bad:?}");
        let message = response.errors[0]["message"].as_str().unwrap_or("");
        assert!(
            message.contains("YYYYQ1") || message.contains("year"),
            "{bad:?}: {message}"
        );
    }
}

async fn deadlines_reproduce_the_worked_examples(app: &TestApp) {
    // 1. Kon Tum 2022, "ngày 02 tháng cuối cùng của quý", Q3: 02/09/2022 is Quốc khánh
    //    (01–04/9 off) ⇒ Monday 05/09; without roll-forward it stays on the holiday.
    let rule = json!({ "kind": "DAY_OF_LAST_MONTH", "day": 2 });
    let q3 = deadline(app, rule.clone(), Some("2022Q3"), None).await;
    assert_eq!(q3["stated"], "2022-09-02");
    assert_eq!(q3["dueOn"], "2022-09-05");
    assert_eq!(q3["rolledForward"], true);
    assert!(
        q3["dayOff"].as_str().unwrap_or("").contains("Quốc khánh"),
        "{q3}"
    );
    // The end of 05/09 in Việt Nam.
    assert_eq!(q3["passesAt"], "2022-09-06T00:00:00+07:00");
    let fixed = deadline(
        app,
        json!({ "kind": "DAY_OF_LAST_MONTH", "day": 2, "rollForward": false }),
        Some("2022Q3"),
        None,
    )
    .await;
    assert_eq!(
        (fixed["dueOn"].clone(), fixed["rolledForward"].clone()),
        (json!("2022-09-02"), json!(false))
    );
    // Q1 2022: 02/03 is a Wednesday, nothing moves.
    let q1 = deadline(app, rule, Some("2022Q1"), None).await;
    assert_eq!(
        (q1["dueOn"].clone(), q1["dayOff"].clone()),
        (json!("2022-03-02"), Value::Null)
    );

    // 2. Hà Nam 2022, "trước ngày 23/01/2023": the last day is 22/01/2023, mùng 1 Tết Quý Mão
    //    (20–26/01 off) ⇒ rolled to Friday 27/01.
    let tet = deadline(
        app,
        json!({ "kind": "BEFORE_DATE", "date": "2023-01-23", "inclusive": false }),
        Some("2022"),
        None,
    )
    .await;
    assert_eq!(tet["stated"], "2023-01-23");
    assert_eq!(tet["lastDay"], "2023-01-22");
    assert!(
        tet["dayOff"]
            .as_str()
            .unwrap_or("")
            .contains("Tết Nguyên đán"),
        "{tet}"
    );
    assert_eq!(tet["dueOn"], "2023-01-27");

    // 3. Tu Mơ Rông 2023, TTYT → Sở: Q1 on 05/3 (a Sunday) ⇒ 06/03; the year on 10/12 (a
    //    Sunday) ⇒ 11/12.
    let per_period = json!({ "kind": "PER_PERIOD", "dates": [
        { "period": "Q1", "day": "03-05" }, { "period": "H1", "day": "06-05" },
        { "period": "Q3", "day": "09-05" }, { "period": "Y", "day": "12-10" } ] });
    let q1 = deadline(app, per_period.clone(), Some("2023Q1"), None).await;
    assert_eq!(
        (q1["dueOn"].clone(), q1["dayOff"].clone()),
        (json!("2023-03-06"), json!("Chủ nhật"))
    );
    let year = deadline(app, per_period.clone(), Some("2023"), None).await;
    assert_eq!(year["dueOn"], "2023-12-11");
    let h1 = deadline(app, per_period.clone(), Some("2023H1"), None).await;
    assert_eq!(h1["dueOn"], "2023-06-05");
    let (code, message) = deadline_error(app, per_period, Some("2023Q2")).await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("Q2"), "{message}");

    // 4. "chậm nhất sau 15 ngày kể từ ngày … ban hành", issued 10/03/2022 ⇒ 25/03/2022.
    let within = json!({ "kind": "WITHIN_DAYS_OF_ISSUE", "days": 15 });
    let sub_plan = deadline(app, within.clone(), None, Some("2022-03-10")).await;
    assert_eq!(
        (sub_plan["dueOn"].clone(), sub_plan["rolledForward"].clone()),
        (json!("2022-03-25"), json!(false))
    );
    let (code, _) = deadline_error(app, within, None).await;
    assert_eq!(code, "BAD_USER_INPUT", "a relative rule needs its event");

    // 5. "10 ngày làm việc" from Tuesday 26/11/2024: from the next day ⇒ 10/12/2024; counting
    //    the posting day ⇒ 09/12/2024.
    let working = json!({ "kind": "WITHIN_DAYS_OF_ISSUE", "days": 10, "dayType": "WORKING" });
    let next_day = deadline(app, working, None, Some("2024-11-26")).await;
    assert_eq!(next_day["dueOn"], "2024-12-10");
    let same_day = deadline(
        app,
        json!({ "kind": "WITHIN_DAYS_OF_ISSUE", "days": 10, "dayType": "WORKING", "countEventDay": true }),
        None,
        Some("2024-11-26"),
    )
    .await;
    assert_eq!(same_day["dueOn"], "2024-12-09");
    // Working days skip 29/4–1/5/2024 and count Saturday 04/5 (làm bù): from Thursday 25/4,
    // 26/4, 02/5, 03/5, 04/5, 06/5–10/5, 13/5.
    let swapped = deadline(
        app,
        json!({ "kind": "WITHIN_DAYS_OF_ISSUE", "days": 10, "dayType": "WORKING" }),
        None,
        Some("2024-04-25"),
    )
    .await;
    assert_eq!(swapped["dueOn"], "2024-05-13");

    // Kon Tum 2022, "ngày 15 tháng 11 đối với báo cáo năm": Tuesday 15/11/2022.
    let annual = deadline(
        app,
        json!({ "kind": "FIXED_DAY", "month": 11, "day": 15 }),
        Some("2022"),
        None,
    )
    .await;
    assert_eq!(annual["dueOn"], "2022-11-15");
    // Rules with no day of their own.
    assert_eq!(
        deadline(app, json!({ "kind": "ON_REQUEST" }), None, None).await,
        Value::Null
    );

    // Rules that cannot name a day are refused with what is wrong.
    let (code, message) = deadline_error(
        app,
        json!({ "kind": "DAY_OF_LAST_MONTH", "day": 31 }),
        Some("2023Q2"),
    )
    .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("30/06"), "{message}");
    for (rule, period) in [
        (json!({ "kind": "DAY_OF_LAST_MONTH", "day": 2 }), None),
        (
            json!({ "kind": "DAY_OF_LAST_MONTH", "day": 2 }),
            Some("2023D01"),
        ),
        (
            json!({ "kind": "DAY_OF_LAST_MONTH", "day": 0 }),
            Some("2023Q1"),
        ),
        (json!({ "kind": "FIXED_DAY", "day": 15 }), Some("2023")),
        (
            json!({ "kind": "FIXED_DAY", "month": 2, "day": 30 }),
            Some("2023"),
        ),
        (
            json!({ "kind": "PER_PERIOD", "dates": [{ "period": "Q5", "day": "03-01" }] }),
            Some("2023Q1"),
        ),
        (
            json!({ "kind": "PER_PERIOD", "dates": [{ "period": "Q1", "day": "3/1" }] }),
            Some("2023Q1"),
        ),
        (
            json!({ "kind": "WITHIN_DAYS_OF_ISSUE", "days": 100000 }),
            None,
        ),
        (json!({ "kind": "BEFORE_DATE" }), None),
    ] {
        let (code, _) = deadline_error(app, rule.clone(), period).await;
        assert_eq!(code, "BAD_USER_INPUT", "{rule} {period:?}");
    }
}

async fn administrators_keep_the_working_day_calendar(app: &TestApp) {
    let days = app
        .graphql("{ calendarDays(year: 2023) { day kind name } }", json!({}))
        .await
        .ok()["calendarDays"]
        .clone();
    let days = days.as_array().expect("days");
    assert!(
        days.iter()
            .any(|d| d["day"] == "2023-01-22" && d["name"].as_str().unwrap_or("").contains("Tết"))
    );
    assert!(
        days.windows(2)
            .all(|w| w[0]["day"].as_str() < w[1]["day"].as_str()),
        "in date order"
    );
    let swap = app
        .graphql("{ calendarDays(year: 2024) { day kind } }", json!({}))
        .await
        .ok();
    assert!(
        swap["calendarDays"]
            .as_array()
            .expect("days")
            .iter()
            .any(|d| d["day"] == "2024-05-04" && d["kind"] == "WORKING_DAY")
    );
    let response = app
        .graphql("{ calendarDays(year: 99999) { day } }", json!({}))
        .await;
    assert_eq!(response.codes(), ["BAD_USER_INPUT"]);

    const DECLARE: &str =
        "mutation($input: DeclareCalendarDayInput!) { declareCalendarDay(input: $input) {
        calendarDay { day kind name note } userErrors { field code } } }";
    const REMOVE: &str =
        "mutation($input: RemoveCalendarDayInput!) { removeCalendarDay(input: $input) {
        removedDay userErrors { field code } } }";
    let holiday = json!({ "input": { "day": "2030-03-05", "kind": "DAY_OFF", "name": "  Ngày nghỉ thử nghiệm  " } });
    // Anonymous callers and officers change nothing.
    assert_eq!(
        app.graphql(DECLARE, holiday.clone()).await.codes(),
        ["UNAUTHENTICATED"]
    );
    let officer = token(Role::UnitOfficer, Some("H19.20"));
    assert_eq!(
        app.graphql_as(&officer, DECLARE, holiday.clone())
            .await
            .codes(),
        ["FORBIDDEN"]
    );
    let before = deadline(
        app,
        json!({ "kind": "DAY_OF_LAST_MONTH", "day": 5 }),
        Some("2030Q1"),
        None,
    )
    .await;
    assert_eq!(before["dueOn"], "2030-03-05");

    let admin = token(Role::ProvinceAdmin, None);
    let declared = app.graphql_as(&admin, DECLARE, holiday).await.ok();
    let day = &declared["declareCalendarDay"];
    assert_eq!(day["userErrors"], json!([]));
    assert_eq!(
        day["calendarDay"]["name"], "Ngày nghỉ thử nghiệm",
        "trimmed"
    );
    let after = deadline(
        app,
        json!({ "kind": "DAY_OF_LAST_MONTH", "day": 5 }),
        Some("2030Q1"),
        None,
    )
    .await;
    assert_eq!(
        (after["dueOn"].clone(), after["dayOff"].clone()),
        (json!("2030-03-06"), json!("Ngày nghỉ thử nghiệm"))
    );
    let events = app
        .graphql_as(&admin, r#"{ auditEvents(first: 5, filter: { action: "calendar_day.declare" }) { nodes { action objectType } } }"#, json!({}))
        .await
        .ok();
    assert!(
        !events["auditEvents"]["nodes"]
            .as_array()
            .expect("nodes")
            .is_empty(),
        "audited"
    );

    // A weekday is no working weekend; a blank name is required.
    for (input, field, code) in [
        (
            json!({ "day": "2030-03-07", "kind": "WORKING_DAY", "name": "Làm bù" }),
            "kind",
            "INVALID",
        ),
        (
            json!({ "day": "2030-03-07", "kind": "DAY_OFF", "name": "   " }),
            "name",
            "REQUIRED",
        ),
    ] {
        let refused = app
            .graphql_as(&admin, DECLARE, json!({ "input": input }))
            .await
            .ok();
        assert_eq!(refused["declareCalendarDay"]["calendarDay"], Value::Null);
        assert_eq!(
            refused["declareCalendarDay"]["userErrors"][0]["field"],
            json!(["input", field])
        );
        assert_eq!(refused["declareCalendarDay"]["userErrors"][0]["code"], code);
    }
    // More than 30 days off in a row is a data error.
    let mut last = Value::Null;
    for day in 1..=31 {
        let input = json!({ "input": { "day": format!("2031-01-{day:02}"), "kind": "DAY_OFF", "name": "Nghỉ dài" } });
        last =
            app.graphql_as(&admin, DECLARE, input).await.ok()["declareCalendarDay"]["userErrors"]
                .clone();
        if last != json!([]) {
            assert!(day > 25, "refused early, on day {day}");
            break;
        }
    }
    assert_eq!(last[0]["code"], "OUT_OF_RANGE");

    let removed = app
        .graphql_as(&admin, REMOVE, json!({ "input": { "day": "2030-03-05" } }))
        .await
        .ok();
    assert_eq!(removed["removeCalendarDay"]["removedDay"], "2030-03-05");
    let again = app
        .graphql_as(&admin, REMOVE, json!({ "input": { "day": "2030-03-05" } }))
        .await
        .ok();
    assert_eq!(
        again["removeCalendarDay"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let restored = deadline(
        app,
        json!({ "kind": "DAY_OF_LAST_MONTH", "day": 5 }),
        Some("2030Q1"),
        None,
    )
    .await;
    assert_eq!(restored["dueOn"], "2030-03-05");
}

db_tests!(
    period_codes_have_their_decree_09_data_windows,
    deadlines_reproduce_the_worked_examples,
    administrators_keep_the_working_day_calendar,
);
