//! Live updates through a real WebSocket (`graphql-transport-ws`): notices reach subscribers
//! who may read what changed and no one else, cross between two instances on one PostgreSQL
//! database, and the socket runs nothing but bounded subscriptions.

use std::time::Duration;

use api::auth::Role;
use chrono::{Datelike, Utc};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};

use crate::db_tests;
use crate::helpers::{Backend, TestApp, spawn_app, spawn_twin, token};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A `graphql-transport-ws` client.
struct Live {
    socket: Socket,
}

/// Opens a socket to `app` (with an `Origin` header when given); the HTTP status when refused.
async fn open(app: &TestApp, origin: Option<&str>) -> Result<Socket, u16> {
    let mut request = format!("{}/graphql/ws", app.address.replace("http://", "ws://"))
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("Origin", HeaderValue::from_str(origin).expect("origin"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(error) => panic!("connect: {error}"),
    }
}

impl Live {
    /// Connects and initialises as the holder of `token` (anonymous without one).
    async fn connect(app: &TestApp, token: Option<&str>) -> Self {
        let socket = open(app, None).await.expect("socket");
        let mut live = Self { socket };
        let payload = token.map_or(
            json!({}),
            |t| json!({ "Authorization": format!("Bearer {t}") }),
        );
        live.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        let ack = live.next(Duration::from_secs(5)).await.expect("an answer");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        live
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("send");
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "type": "subscribe", "id": id,
            "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The first answer (`next` or `error`) to subscription `id` within five seconds; other
    /// messages (`complete` of earlier ones) are passed over.
    async fn answer(&mut self, id: &str) -> Value {
        loop {
            let message = self
                .next(Duration::from_secs(5))
                .await
                .unwrap_or_else(|| panic!("an answer to {id}"));
            if message["id"] == id && message["type"] != "complete" {
                return message;
            }
        }
    }

    /// The next protocol message within `wait` (pings answered), or `None`; a close frame is
    /// returned as `{"close": code}`.
    async fn next(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()??;
            match frame.expect("frame") {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(&text).expect("JSON");
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Some(message);
                }
                Message::Close(frame) => {
                    return Some(json!({ "close": frame.map(|f| u16::from(f.code)) }));
                }
                _ => continue,
            }
        }
    }
}

const PROGRESS: &str =
    "subscription($plan: ID, $unit: ID) { progressChanged(planId: $plan, unitId: $unit) {
    action at plan { id } task { id title } update { percent narrative } units { code } } }";

/// A draft plan of H19.20 with one task led by H19.20.1: (plan id, task id).
async fn draft_plan_with_a_task(app: &TestApp) -> (Value, Value) {
    let admin = token(Role::ProvinceAdmin, None);
    let plan = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
            json!({ "input": { "title": "Kế hoạch theo dõi trực tiếp", "kind": "PLAN",
                "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]["id"]
        .clone();
    let task = app
        .graphql_as(
            &admin,
            "mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }",
            json!({ "input": { "planId": plan, "title": "Số hóa hồ sơ bệnh án", "kind": "ONE_OFF",
                "dueOn": format!("{}-12-31", Utc::now().year() + 1),
                "assignments": [{ "role": "LEAD", "unitId": app.unit_id("H19.20.1").await }] } }),
        )
        .await
        .ok()["createTask"]["task"]["id"]
        .clone();
    (plan, task)
}

async fn report_progress(app: &TestApp, task: &Value, percent: i64) {
    let sent = app
        .graphql_as(
            &token(Role::UnitOfficer, Some("H19.20.1")),
            "mutation($input: SubmitProgressInput!) { submitProgress(input: $input) { userErrors { code } } }",
            json!({ "input": { "taskId": task, "unitId": app.unit_id("H19.20.1").await,
                "period": format!("{}", Utc::now().year()), "percent": percent,
                "status": "ON_TRACK", "narrative": "Đã số hóa một phần hồ sơ" } }),
        )
        .await
        .ok();
    assert_eq!(sent["submitProgress"]["userErrors"], json!([]));
}

/// The issuer's officer (who may read the draft) hears of the lead's update, by plan and by
/// unit; an officer of a sibling unit subscribed to the same unit hears nothing.
async fn progress_reaches_only_subscribers_who_may_read_the_plan(app: &TestApp) {
    let (plan, task) = draft_plan_with_a_task(app).await;
    let lead_unit = app.unit_id("H19.20.1").await;
    let mut issuer = Live::connect(app, Some(&token(Role::UnitOfficer, Some("H19.20")))).await;
    issuer
        .subscribe("by-plan", PROGRESS, json!({ "plan": plan }))
        .await;
    issuer
        .subscribe("by-unit", PROGRESS, json!({ "unit": lead_unit }))
        .await;
    let mut sibling = Live::connect(app, Some(&token(Role::UnitOfficer, Some("H19.20.2")))).await;
    sibling
        .subscribe("by-unit", PROGRESS, json!({ "unit": lead_unit }))
        .await;
    let mut anonymous = Live::connect(app, None).await;
    anonymous
        .subscribe("by-plan", PROGRESS, json!({ "plan": plan }))
        .await;
    // Subscriptions are registered once the server has read them; give it a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;

    report_progress(app, &task, 40).await;
    let mut heard = Vec::new();
    for _ in 0..2 {
        let message = issuer
            .next(Duration::from_secs(10))
            .await
            .expect("a notice");
        assert_eq!(message["type"], "next", "{message}");
        heard.push(message["id"].as_str().expect("id").to_owned());
        let change = &message["payload"]["data"]["progressChanged"];
        assert_eq!(change["action"], "progress.submit");
        assert_eq!(change["plan"]["id"], plan);
        assert_eq!(change["task"]["id"], task);
        assert_eq!(change["update"]["percent"], 40);
        assert_eq!(change["update"]["narrative"], "Đã số hóa một phần hồ sơ");
        assert_eq!(change["units"], json!([{ "code": "H19.20.1" }]));
        assert!(
            change["at"].as_str().expect("at").ends_with("+07:00"),
            "{change}"
        );
    }
    heard.sort();
    assert_eq!(heard, ["by-plan", "by-unit"]);
    // Those who may not read the draft hear nothing of it.
    assert_eq!(sibling.next(Duration::from_millis(700)).await, None);
    assert_eq!(anonymous.next(Duration::from_millis(300)).await, None);

    // A second update: fresh objects, not the first notice's cached ones.
    report_progress(app, &task, 70).await;
    let message = issuer
        .next(Duration::from_secs(10))
        .await
        .expect("a notice");
    assert_eq!(
        message["payload"]["data"]["progressChanged"]["update"]["percent"],
        70
    );
    let _by_unit = issuer
        .next(Duration::from_secs(10))
        .await
        .expect("a notice");

    // A value reported for one of the plan's targets is progress too.
    let target = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "mutation($input: CreateTargetInput!) { createTarget(input: $input) { target { id } } }",
            json!({ "input": { "planId": plan, "code": "1", "statement": "Tỷ lệ hồ sơ được số hóa đạt từ 90% trở lên",
                "measure": "PERCENT", "comparator": "AT_LEAST", "targetValue": 90.0,
                "assignments": [{ "role": "LEAD", "unitId": lead_unit }] } }),
        )
        .await
        .ok()["createTarget"]["target"]["id"]
        .clone();
    const TARGETS: &str = "subscription($plan: ID) { progressChanged(planId: $plan) {
        action task { id } target { code } targetValue { value isEstimate } } }";
    issuer
        .subscribe("targets", TARGETS, json!({ "plan": plan }))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = app
        .graphql_as(
            &token(Role::UnitOfficer, Some("H19.20.1")),
            "mutation($input: SubmitTargetValueInput!) { submitTargetValue(input: $input) { userErrors { code } } }",
            json!({ "input": { "targetId": target, "unitId": lead_unit,
                "period": format!("{}", Utc::now().year()), "value": 92.5, "estimate": true } }),
        )
        .await
        .ok();
    assert_eq!(sent["submitTargetValue"]["userErrors"], json!([]));
    let heard = loop {
        let message = issuer
            .next(Duration::from_secs(10))
            .await
            .expect("a notice");
        if message["id"] == "targets" {
            break message;
        }
    };
    assert_eq!(
        heard["payload"]["data"]["progressChanged"],
        json!({ "action": "target_value.submit", "task": null, "target": { "code": "1" },
            "targetValue": { "value": 92.5, "isEstimate": true } })
    );

    // The lead reports the task done: heard by whoever follows a unit assigned to the task
    // (the notice reads the task's assignments with it).
    let version = app
        .graphql_as(
            &token(Role::ProvinceAdmin, None),
            "query($id: ID!) { node(id: $id) { ... on Task { version } } }",
            json!({ "id": task }),
        )
        .await
        .ok()["node"]["version"]
        .clone();
    let done = app
        .graphql_as(
            &token(Role::UnitOfficer, Some("H19.20.1")),
            "mutation($input: ReportTaskDoneInput!) { reportTaskDone(input: $input) { userErrors { code } } }",
            json!({ "input": { "taskId": task, "unitId": lead_unit, "version": version } }),
        )
        .await
        .ok();
    assert_eq!(done["reportTaskDone"]["userErrors"], json!([]));
    let heard = loop {
        let message = issuer
            .next(Duration::from_secs(10))
            .await
            .expect("a notice");
        let change = &message["payload"]["data"]["progressChanged"];
        if message["id"] == "by-unit" && change["action"] == "task.report_done" {
            break change.clone();
        }
    };
    assert_eq!(heard["task"]["id"], task);
    assert_eq!(heard["plan"]["id"], plan);
    assert_eq!(heard["update"], Value::Null);
    assert_eq!(heard["units"], json!([{ "code": "H19.20.1" }]));
}

/// Only a committed change is heard: an update refused for its input, and a retry replayed
/// from its `clientMutationId`, raise no notice; the update itself raises exactly one.
async fn only_committed_changes_are_heard(app: &TestApp) {
    let (plan, task) = draft_plan_with_a_task(app).await;
    let mut issuer = Live::connect(app, Some(&token(Role::UnitOfficer, Some("H19.20")))).await;
    issuer
        .subscribe("by-plan", PROGRESS, json!({ "plan": plan }))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let officer = token(Role::UnitOfficer, Some("H19.20.1"));
    let unit = app.unit_id("H19.20.1").await;
    let submit = async |percent: i64, key: &str| {
        app.graphql_as(
            &officer,
            "mutation($input: SubmitProgressInput!) { submitProgress(input: $input) { progressUpdate { id } userErrors { field code } } }",
            json!({ "input": { "taskId": task, "unitId": unit, "period": format!("{}", Utc::now().year()),
                "percent": percent, "status": "ON_TRACK", "clientMutationId": key } }),
        )
        .await
        .ok()["submitProgress"]
            .clone()
    };
    let refused = submit(101, "refused-once").await;
    assert_eq!(
        refused["userErrors"],
        json!([{ "field": ["input", "percent"], "code": "OUT_OF_RANGE" }])
    );
    assert_eq!(issuer.next(Duration::from_millis(700)).await, None);

    let first = submit(55, "sent-twice").await;
    assert_eq!(first["userErrors"], json!([]));
    let heard = issuer
        .next(Duration::from_secs(10))
        .await
        .expect("a notice");
    assert_eq!(
        heard["payload"]["data"]["progressChanged"]["update"]["percent"],
        55
    );
    let retried = submit(55, "sent-twice").await;
    assert_eq!(
        retried["progressUpdate"]["id"],
        first["progressUpdate"]["id"]
    );
    assert_eq!(issuer.next(Duration::from_millis(700)).await, None);
}

const SUBMISSIONS: &str = "subscription($unit: ID) { submissionChanged(unitId: $unit) {
    action submission { status period reportingUnit { code } } } }";

/// The receiving unit hears of a report its reporting unit submits under a regime of no plan.
async fn a_submitted_report_reaches_the_receiving_units_subscriber(app: &TestApp) {
    let admin = token(Role::ProvinceAdmin, None);
    let created = app
        .graphql_as(
            &admin,
            "mutation($input: CreateReportingRegimeInput!) { createReportingRegime(input: $input) {
                regime { id } userErrors { message } } }",
            json!({ "input": { "planId": app.plan_id("5198/KH-SYT").await, "name": "Báo cáo năm thử nghiệm", "frequency": "YEAR", "periods": ["Y"],
                "deadlines": [{ "level": 1, "periods": ["Y"], "text": "ngày 15/12",
                    "reporterUnitId": app.unit_id("H19.20").await, "recipientId": app.unit_id("H19").await,
                    "rule": { "kind": "FIXED_DAY", "month": 12, "day": 15 } }] } }),
        )
        .await
        .ok();
    let regime = created["createReportingRegime"]["regime"]["id"].clone();
    assert!(regime.is_string(), "{created}");
    let mut receiver = Live::connect(app, Some(&token(Role::UnitOfficer, Some("H19")))).await;
    receiver
        .subscribe(
            "reports",
            SUBMISSIONS,
            json!({ "unit": app.unit_id("H19").await }),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let year = Utc::now().year() - 1;
    let sent = app
        .graphql_as(
            &token(Role::UnitOfficer, Some("H19.20")),
            "mutation($input: SubmitReportInput!) { submitReport(input: $input) { userErrors { message } } }",
            json!({ "input": { "regimeId": regime, "period": year.to_string(),
                "unitId": app.unit_id("H19.20").await, "content": "Báo cáo kết quả năm" } }),
        )
        .await
        .ok();
    assert_eq!(sent["submitReport"]["userErrors"], json!([]));
    let message = receiver
        .next(Duration::from_secs(10))
        .await
        .expect("a notice");
    assert_eq!(
        message["payload"]["data"]["submissionChanged"],
        json!({ "action": "report.submit",
            "submission": { "status": "SUBMITTED", "period": year.to_string(), "reportingUnit": { "code": "H19.20" } } })
    );
}

/// Over the socket only bounded subscriptions run; a foreign page, a bad token, a missing
/// filter and an eleventh subscription are refused.
async fn the_socket_runs_only_bounded_subscriptions(app: &TestApp) {
    assert_eq!(
        open(app, Some("https://evil.example")).await.err(),
        Some(403),
        "a page of another origin"
    );
    let same_host = app.address.clone();
    assert!(
        open(app, Some(&same_host)).await.is_ok(),
        "the API's own host"
    );

    let mut bad = Live {
        socket: open(app, None).await.expect("socket"),
    };
    bad.send(
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer not-a-token" } }),
    )
    .await;
    let closed = bad.next(Duration::from_secs(5)).await.expect("an answer");
    assert!(closed["close"].is_number(), "{closed}");

    let mut live = Live::connect(app, None).await;
    live.subscribe("q", "{ units(first: 1) { nodes { code } } }", json!({}))
        .await;
    let refused = live.answer("q").await;
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "BAD_REQUEST"
    );
    live.subscribe("m", "mutation { __typename }", json!({}))
        .await;
    let refused = live.answer("m").await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "BAD_REQUEST"
    );
    live.subscribe(
        "none",
        "subscription { progressChanged { action } }",
        json!({}),
    )
    .await;
    let refused = live.answer("none").await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    // A subscription costing more than a request may is refused before it runs.
    let wide = format!(
        "subscription {{ progressChanged(unitId: \"x\") {{ plan {{ tasks(first: 100) {{ nodes {{ {} }} }} }} }} }}",
        (0..60)
            .map(|i| format!("a{i}: progressUpdates(first: 100) {{ nodes {{ percent }} }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    live.subscribe("wide", &wide, json!({})).await;
    let refused = live.answer("wide").await;
    assert!(
        refused["payload"]["errors"][0]["extensions"]["code"]
            .as_str()
            .is_some_and(|c| c == "MAX_COST_EXCEEDED" || c == "GRAPHQL_VALIDATION_FAILED"),
        "{refused}"
    );
    // Eleven at once: the connection holds ten, and one (whichever the server reads last) is
    // refused.
    let unit = app.unit_id("H19.20.1").await;
    for i in 0..11 {
        live.subscribe(&format!("s{i}"), PROGRESS, json!({ "unit": unit }))
            .await;
    }
    let refused = loop {
        let message = live.next(Duration::from_secs(5)).await.expect("an answer");
        if message["id"].as_str().is_some_and(|id| id.starts_with('s')) {
            break message;
        }
    };
    assert_eq!(refused["type"], "next", "{refused}");
    assert!(
        refused["payload"]["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 10")),
        "{refused}"
    );
    let complete = live.next(Duration::from_secs(5)).await.expect("an answer");
    assert_eq!(
        (complete["type"].as_str(), &complete["id"]),
        (Some("complete"), &refused["id"])
    );
    assert_eq!(
        live.next(Duration::from_millis(300)).await,
        None,
        "one refused"
    );
    // A subscription sent over HTTP is refused there.
    let over_http = app
        .graphql(
            "subscription($u: ID) { progressChanged(unitId: $u) { action } }",
            json!({ "u": unit }),
        )
        .await;
    assert!(!over_http.errors.is_empty());
}

/// The subscription and connection gauges on `/metrics`, for what `/metrics` says now.
async fn live_gauges(app: &TestApp) -> (String, String) {
    let page = app
        .request(reqwest::Method::GET, "/metrics")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    let find = |name: &str| {
        page.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ').map(str::to_owned))
            .unwrap_or_default()
    };
    (
        find("graphql_subscriptions"),
        find("graphql_live_connections"),
    )
}

/// `/metrics` counts the subscriptions running and the sockets open, and stops counting them
/// when a subscription completes or the socket closes.
async fn metrics_count_running_subscriptions(app: &TestApp) {
    let mut live = Live::connect(app, Some(&token(Role::UnitOfficer, Some("H19.20")))).await;
    let unit = app.unit_id("H19.20").await;
    live.subscribe("a", PROGRESS, json!({ "unit": unit })).await;
    live.subscribe("b", PROGRESS, json!({ "unit": unit })).await;
    if let Some(message) = live.next(Duration::from_millis(200)).await {
        panic!("{message}");
    }
    assert_eq!(live_gauges(app).await, ("2".into(), "1".into()));
    live.send(json!({ "type": "complete", "id": "a" })).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(live_gauges(app).await, ("1".into(), "1".into()));
    drop(live);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let gauges = live_gauges(app).await;
        if gauges == ("0".into(), "0".into()) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{gauges:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

db_tests!(
    metrics_count_running_subscriptions,
    progress_reaches_only_subscribers_who_may_read_the_plan,
    only_committed_changes_are_heard,
    a_submitted_report_reaches_the_receiving_units_subscriber,
    the_socket_runs_only_bounded_subscriptions,
);

/// Two instances on one PostgreSQL database: a change made through one reaches a subscriber of
/// the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn a_notice_crosses_between_two_instances_on_postgresql() {
    let first = spawn_app(Backend::Postgres).await;
    let second = spawn_twin(&first).await;
    let (plan, task) = draft_plan_with_a_task(&first).await;
    let mut on_second =
        Live::connect(&second, Some(&token(Role::UnitOfficer, Some("H19.20")))).await;
    on_second
        .subscribe("by-plan", PROGRESS, json!({ "plan": plan }))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    report_progress(&first, &task, 55).await;
    let message = on_second
        .next(Duration::from_secs(10))
        .await
        .expect("the notice crossed");
    assert_eq!(
        message["payload"]["data"]["progressChanged"]["update"]["percent"],
        55
    );
    second.stop().await;
    first.stop().await;
}
