//! Every step of the nomination workflow, allowed and refused by role and unit (domain.md §b1):
//! a table of steps, each tried by the officers of the unit that owns it, by a province
//! administrator, and refused to everyone else (the same unit's plain officers and viewers, the
//! unit at the other end of the route, another province, an anonymous caller), on a fresh
//! nomination in the state the step starts from. Then a table of steps from states they do not
//! start from: each is `INVALID_STATE` and changes nothing.

use api::auth::Role;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};
use crate::nominations::{
    DEPARTMENT, OFFICE, at, create, person, round, step, step_document, with,
};

/// Where a step starts: the state a fresh nomination is brought to first.
#[derive(Debug, Clone, Copy)]
enum Start {
    /// Created by the office.
    Draft,
    /// Submitted to the office's council.
    UnitReview,
    /// Passed by the office's council.
    PendingAtOffice,
    /// Forwarded to the department, not yet received.
    Forwarded,
    /// Received by the department.
    Appraisal,
    /// Passed by the department's council.
    PendingAtDepartment,
    /// Withdrawn by the office (nothing more may happen).
    Withdrawn,
}

/// The award of the table: a director's Giấy khen, proposed by the office and decided by the
/// department. Huân chương is used for the public consultation step.
const GIAY_KHEN: &str = "GIAY_KHEN_GIAM_DOC_SO";
const HUAN_CHUONG: &str = "HUAN_CHUONG_LAO_DONG_HANG_BA";

struct Table<'a> {
    app: &'a TestApp,
    round: Value,
    department_id: String,
    nominees: usize,
}

impl Table<'_> {
    /// A fresh nomination for a new person of the office, brought to `start`.
    async fn nomination(&mut self, start: Start, award: &str) -> Value {
        self.nominees += 1;
        let office = token(Role::EmulationOfficer, Some(OFFICE));
        let department = token(Role::EmulationOfficer, Some(DEPARTMENT));
        let nominee = person(self.app, &format!("Viên chức số {}", self.nominees), OFFICE).await;
        let created = create(self.app, &office, &self.round, &nominee, award, "AD_HOC")
            .await
            .ok();
        let mut n = created["createNomination"]["nomination"].clone();
        assert_eq!(n["state"], "DRAFT", "{created}");
        let path: &[(&str, &str)] = match start {
            Start::Draft => &[],
            Start::UnitReview => &[("submitNomination", "office")],
            Start::PendingAtOffice => &[
                ("submitNomination", "office"),
                ("recordCouncilBallot", "office"),
            ],
            Start::Forwarded => &[
                ("submitNomination", "office"),
                ("recordCouncilBallot", "office"),
                ("forwardNomination", "office"),
            ],
            Start::Appraisal => &[
                ("submitNomination", "office"),
                ("recordCouncilBallot", "office"),
                ("forwardNomination", "office"),
                ("receiveNomination", "department"),
            ],
            Start::PendingAtDepartment => &[
                ("submitNomination", "office"),
                ("recordCouncilBallot", "office"),
                ("forwardNomination", "office"),
                ("receiveNomination", "department"),
                ("recordCouncilBallot", "department"),
            ],
            Start::Withdrawn => &[("withdrawNomination", "office")],
        };
        for (mutation, by) in path {
            let caller = if *by == "office" {
                &office
            } else {
                &department
            };
            let input = self.input(mutation, &n);
            let response = step(self.app, caller, mutation, input).await.ok();
            assert_eq!(
                response[*mutation]["userErrors"],
                json!([]),
                "{mutation} on the way to {start:?}: {response}"
            );
            n = response[*mutation]["nomination"].clone();
        }
        n
    }

    /// A valid input of `mutation` for `n`.
    fn input(&self, mutation: &str, n: &Value) -> Value {
        match mutation {
            "updateNomination" => with(
                n,
                json!({ "summary": "Bổ sung thành tích: triển khai hồ sơ sức khỏe điện tử." }),
            ),
            "recordCouncilBallot" => with(
                n,
                json!({ "meetingOn": "2026-06-20", "membersTotal": 10, "yesVotes": 8,
                    "noVotes": 2, "abstentions": 0, "secret": false }),
            ),
            "forwardNomination" => with(n, json!({ "toUnitId": self.department_id })),
            "requestSupplement" => with(
                n,
                json!({ "missing": ["Biên bản họp Hội đồng Thi đua – Khen thưởng"] }),
            ),
            "decideNomination" => with(
                n,
                json!({ "decisionNumber": format!("{}/QĐ-SYT", self.nominees),
                    "decidedOn": "2026-06-25", "signer": "Giám đốc Sở Y tế" }),
            ),
            "rejectNomination" | "returnNomination" | "withdrawNomination" => {
                with(n, json!({ "reason": "Chưa đủ điều kiện theo quy định" }))
            }
            "openConsultation" => with(
                n,
                json!({ "postedOn": "2026-06-01", "channel": "https://dongnai.gov.vn/lay-y-kien" }),
            ),
            _ => at(n),
        }
    }

    /// The nomination's state and version as a province administrator reads them.
    async fn read(&self, n: &Value) -> Value {
        let admin = token(Role::ProvinceAdmin, None);
        self.app
            .graphql_as(
                &admin,
                "query($id: ID!) { nomination(id: $id) { state version } }",
                json!({ "id": n["id"] }),
            )
            .await
            .ok()["nomination"]
            .clone()
    }
}

/// One row: a step, the state it starts from, the award, the unit that owns it (its officers
/// may take it), the unit at the other end of the route (whose officers may not) and the state
/// it leads to.
struct Row {
    mutation: &'static str,
    start: Start,
    award: &'static str,
    owner: &'static str,
    other: &'static str,
    to: &'static str,
}

const ROWS: [Row; 13] = [
    Row {
        mutation: "updateNomination",
        start: Start::Draft,
        award: GIAY_KHEN,
        owner: OFFICE,
        other: DEPARTMENT,
        to: "DRAFT",
    },
    Row {
        mutation: "submitNomination",
        start: Start::Draft,
        award: GIAY_KHEN,
        owner: OFFICE,
        other: DEPARTMENT,
        to: "UNIT_REVIEW",
    },
    Row {
        mutation: "recordCouncilBallot",
        start: Start::UnitReview,
        award: GIAY_KHEN,
        owner: OFFICE,
        other: DEPARTMENT,
        to: "PENDING_DECISION",
    },
    Row {
        mutation: "openConsultation",
        start: Start::UnitReview,
        award: HUAN_CHUONG,
        owner: OFFICE,
        other: DEPARTMENT,
        to: "PUBLIC_CONSULTATION",
    },
    Row {
        mutation: "withdrawNomination",
        start: Start::UnitReview,
        award: GIAY_KHEN,
        owner: OFFICE,
        other: DEPARTMENT,
        to: "WITHDRAWN",
    },
    Row {
        mutation: "forwardNomination",
        start: Start::PendingAtOffice,
        award: GIAY_KHEN,
        owner: OFFICE,
        other: DEPARTMENT,
        to: "FORWARDED",
    },
    Row {
        mutation: "receiveNomination",
        start: Start::Forwarded,
        award: GIAY_KHEN,
        owner: DEPARTMENT,
        other: OFFICE,
        to: "APPRAISAL",
    },
    Row {
        mutation: "requestSupplement",
        start: Start::Appraisal,
        award: GIAY_KHEN,
        owner: DEPARTMENT,
        other: OFFICE,
        to: "SUPPLEMENT_REQUESTED",
    },
    Row {
        mutation: "recordCouncilBallot",
        start: Start::Appraisal,
        award: GIAY_KHEN,
        owner: DEPARTMENT,
        other: OFFICE,
        to: "PENDING_DECISION",
    },
    Row {
        mutation: "rejectNomination",
        start: Start::Appraisal,
        award: GIAY_KHEN,
        owner: DEPARTMENT,
        other: OFFICE,
        to: "REJECTED",
    },
    Row {
        mutation: "returnNomination",
        start: Start::Appraisal,
        award: GIAY_KHEN,
        owner: DEPARTMENT,
        other: OFFICE,
        to: "RETURNED",
    },
    Row {
        mutation: "decideNomination",
        start: Start::PendingAtDepartment,
        award: GIAY_KHEN,
        owner: DEPARTMENT,
        other: OFFICE,
        to: "AWARDED",
    },
    // A nominating unit may withdraw what the department holds.
    Row {
        mutation: "withdrawNomination",
        start: Start::Appraisal,
        award: GIAY_KHEN,
        owner: OFFICE,
        other: DEPARTMENT,
        to: "WITHDRAWN",
    },
];

async fn every_step_is_allowed_to_its_owner_and_refused_to_everyone_else(app: &TestApp) {
    let mut table = Table {
        app,
        round: round(app, &[GIAY_KHEN, HUAN_CHUONG], json!([])).await,
        department_id: app.unit_id(DEPARTMENT).await,
        nominees: 0,
    };
    for row in &ROWS {
        let what = format!("{} from {:?}", row.mutation, row.start);
        // Everyone else first, on one nomination: refused, and nothing changes.
        let n = table.nomination(row.start, row.award).await;
        let refused = [
            (
                "a plain officer of the owner",
                token(Role::UnitOfficer, Some(row.owner)),
                "FORBIDDEN",
            ),
            (
                "a viewer of the owner",
                token(Role::Viewer, Some(row.owner)),
                "FORBIDDEN",
            ),
            (
                "the other unit's emulation officer",
                token(Role::EmulationOfficer, Some(row.other)),
                "FORBIDDEN",
            ),
            (
                "the other unit's head",
                token(Role::UnitAdmin, Some(row.other)),
                "FORBIDDEN",
            ),
            // Another province: the same answer whether the nomination exists or not.
            (
                "another province's officer",
                token(Role::EmulationOfficer, Some("H48.20")),
                "FORBIDDEN",
            ),
        ];
        let before = table.read(&n).await;
        for (who, caller, code) in &refused {
            let response = step(app, caller, row.mutation, table.input(row.mutation, &n)).await;
            assert_eq!(response.codes(), [*code], "{what} by {who}");
        }
        let anonymous = app
            .graphql(
                &step_document(row.mutation),
                json!({ "input": table.input(row.mutation, &n) }),
            )
            .await;
        assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"], "{what} by no one");
        assert_eq!(
            table.read(&n).await,
            before,
            "{what}: a refused step changes nothing"
        );

        // The owner's emulation officer, its head and a province administrator: each on a
        // fresh nomination (the first one reuses the nomination above).
        let allowed = [
            (
                "the owner's emulation officer",
                token(Role::EmulationOfficer, Some(row.owner)),
            ),
            ("the owner's head", token(Role::UnitAdmin, Some(row.owner))),
            ("a province administrator", token(Role::ProvinceAdmin, None)),
        ];
        let mut n = n;
        for (i, (who, caller)) in allowed.iter().enumerate() {
            if i > 0 {
                n = table.nomination(row.start, row.award).await;
            }
            let response = step(app, caller, row.mutation, table.input(row.mutation, &n))
                .await
                .ok();
            let payload = &response[row.mutation];
            assert_eq!(
                payload["userErrors"],
                json!([]),
                "{what} by {who}: {response}"
            );
            assert_eq!(payload["nomination"]["state"], row.to, "{what} by {who}");
            assert_eq!(
                payload["nomination"]["version"].as_i64(),
                n["version"].as_i64().map(|v| v + 1),
                "{what} by {who}: the version moves on"
            );
        }
    }
}

async fn a_step_from_a_state_it_does_not_start_from_is_refused(app: &TestApp) {
    let mut table = Table {
        app,
        round: round(app, &[GIAY_KHEN], json!([])).await,
        department_id: app.unit_id(DEPARTMENT).await,
        nominees: 0,
    };
    let office = token(Role::EmulationOfficer, Some(OFFICE));
    let department = token(Role::EmulationOfficer, Some(DEPARTMENT));
    let illegal: [(Start, &[&str]); 4] = [
        (
            Start::Draft,
            &[
                "recordCouncilBallot",
                "openConsultation",
                "forwardNomination",
                "receiveNomination",
                "requestSupplement",
                "decideNomination",
                "rejectNomination",
                "returnNomination",
            ],
        ),
        (
            Start::UnitReview,
            &[
                "updateNomination",
                "submitNomination",
                "forwardNomination",
                "receiveNomination",
                "decideNomination",
            ],
        ),
        (
            Start::Appraisal,
            &["forwardNomination", "receiveNomination", "decideNomination"],
        ),
        (
            Start::Withdrawn,
            &[
                "updateNomination",
                "submitNomination",
                "withdrawNomination",
                "recordCouncilBallot",
            ],
        ),
    ];
    for (start, steps) in illegal {
        let n = table.nomination(start, GIAY_KHEN).await;
        let before = table.read(&n).await;
        // The unit that holds it is the one that would act, so the refusal is the state's.
        let holder = if matches!(start, Start::Appraisal) {
            &department
        } else {
            &office
        };
        for mutation in steps {
            let response = step(app, holder, mutation, table.input(mutation, &n))
                .await
                .ok();
            let payload = &response[*mutation];
            assert!(
                payload["nomination"].is_null(),
                "{mutation} from {start:?}: {response}"
            );
            assert_eq!(
                payload["userErrors"][0]["code"], "INVALID_STATE",
                "{mutation} from {start:?}: {response}"
            );
        }
        assert_eq!(table.read(&n).await, before, "{start:?}: nothing changed");
    }
}

db_tests!(
    every_step_is_allowed_to_its_owner_and_refused_to_everyone_else,
    a_step_from_a_state_it_does_not_start_from_is_refused,
);
