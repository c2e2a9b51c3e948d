//! OpenTelemetry traces, in a test process of their own (a process has one global subscriber):
//! a server with an OTLP endpoint sends each request's trace — the HTTP request (continuing the
//! caller's `traceparent`), the GraphQL operation inside it, and the SQL statements inside that —
//! to a local stand-in collector, as OTLP/HTTP JSON.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use api::config::{LogFormat, Settings};
use api::startup::Application;
use serde_json::{Value, json};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

/// The stand-in collector: every span it received.
fn collector() -> (String, Arc<Mutex<Vec<Value>>>, actix_web::dev::ServerHandle) {
    let spans: web::Data<Mutex<Vec<Value>>> = web::Data::new(Mutex::new(Vec::new()));
    let shared = spans.clone().into_inner();
    let server = HttpServer::new(move || {
        App::new().app_data(spans.clone()).route(
            "/v1/traces",
            web::post().to(
                |body: web::Json<Value>, spans: web::Data<Mutex<Vec<Value>>>| async move {
                    let mut all = spans.lock().expect("lock");
                    for resource in body["resourceSpans"].as_array().into_iter().flatten() {
                        let service = resource["resource"]["attributes"][0].clone();
                        for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
                            for span in scope["spans"].as_array().into_iter().flatten() {
                                let mut span = span.clone();
                                span["service"] = service.clone();
                                all.push(span);
                            }
                        }
                    }
                    HttpResponse::Ok().json(json!({}))
                },
            ),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind the collector");
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}"), shared, handle)
}

fn attribute<'a>(span: &'a Value, key: &str) -> &'a Value {
    span["attributes"]
        .as_array()
        .and_then(|a| a.iter().find(|kv| kv["key"] == key))
        .map_or(&Value::Null, |kv| &kv["value"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_traced_from_http_through_graphql_to_sql() {
    let (endpoint, spans, handle) = collector();
    let data = std::env::temp_dir().join(format!("plans-api-traces-{}", uuid::Uuid::new_v4()));
    let mut settings = Settings::new(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), None);
    settings.data_dir = data.clone();
    settings.otlp_endpoint = Some(endpoint);
    settings.service_name = "plans-api-test".into();
    settings.auth.jwt_secret = Some("traces-test-secret-0123456789abcdef".into());
    api::telemetry::init_with(LogFormat::Json, settings.traces().as_ref()).expect("telemetry");
    let app = Application::build(settings).await.expect("server");
    let handle_app = app.handle();
    let port = app.port();
    tokio::spawn(app.run_until_stopped());

    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .header("traceparent", format!("00-{TRACE}-{CALLER_SPAN}-01"))
        .json(&json!({ "query": "query DashboardPlans { plans(first: 3) { nodes { title issuer { name } targets(first: 2) { nodes { code lead { name } } } } } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);

    // The spans arrive within the exporter's flush interval.
    let deadline = Instant::now() + Duration::from_secs(15);
    let trace = loop {
        let trace: Vec<Value> = spans
            .lock()
            .expect("lock")
            .iter()
            .filter(|s| s["traceId"] == TRACE)
            .cloned()
            .collect();
        let done = trace.iter().any(|s| s["name"] == "request")
            && trace.iter().any(|s| s["name"] == "graphql")
            && trace.iter().any(|s| {
                s["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("db.query"))
            });
        if done {
            break trace;
        }
        assert!(
            Instant::now() < deadline,
            "no full trace arrived: {trace:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let request = trace
        .iter()
        .find(|s| s["name"] == "request")
        .expect("request span");
    assert_eq!(
        request["parentSpanId"], CALLER_SPAN,
        "continues the caller's trace"
    );
    assert_eq!(request["kind"], 2, "a server span");
    assert_eq!(
        attribute(request, "http.request.method")["stringValue"],
        "POST"
    );
    assert_eq!(attribute(request, "url.path")["stringValue"], "/graphql");
    assert_eq!(
        attribute(request, "http.response.status_code")["intValue"],
        "200"
    );
    assert_eq!(request["service"]["value"]["stringValue"], "plans-api-test");
    let graphql = trace
        .iter()
        .find(|s| s["name"] == "graphql")
        .expect("graphql span");
    assert_eq!(graphql["parentSpanId"], request["spanId"]);
    assert_eq!(
        attribute(graphql, "graphql.operation.name")["stringValue"],
        "DashboardPlans"
    );
    assert_eq!(
        attribute(graphql, "graphql.operation.type")["stringValue"],
        "query"
    );
    let statements: Vec<&Value> = trace
        .iter()
        .filter(|s| {
            s["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("db.query"))
        })
        .collect();
    // The page and its issuers (a batch loaded in a task of its own) both belong to the operation.
    assert!(statements.len() >= 2, "{statements:?}");
    for statement in &statements {
        assert_eq!(statement["parentSpanId"], graphql["spanId"], "{statement}");
        assert_eq!(statement["kind"], 3, "a client span");
        assert_eq!(attribute(statement, "db.system")["stringValue"], "sqlite");
        let text = attribute(statement, "db.query.text")["stringValue"]
            .as_str()
            .expect("SQL");
        assert!(text.to_ascii_uppercase().starts_with("SELECT"), "{text}");
        let start: u64 = statement["startTimeUnixNano"]
            .as_str()
            .expect("start")
            .parse()
            .expect("ns");
        let end: u64 = statement["endTimeUnixNano"]
            .as_str()
            .expect("end")
            .parse()
            .expect("ns");
        assert!(start <= end);
    }
    handle_app.stop(false).await;
    handle.stop(false).await;
    let _ = std::fs::remove_dir_all(data);
}
