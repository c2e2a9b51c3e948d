//! OpenTelemetry traces, optional: with `--otlp-endpoint` (or the standard
//! `OTEL_EXPORTER_OTLP_ENDPOINT`) every HTTP request becomes a trace — the request (a server
//! span), the GraphQL operation inside it, and each SQL statement inside that (client spans) —
//! sent in batches to a collector over OTLP/HTTP with JSON bodies (`POST {endpoint}/v1/traces`).
//! A `traceparent` header (W3C Trace Context) from the caller or the gateway continues its trace.
//!
//! A `tracing` layer of our own, a couple of hundred lines, instead of the OpenTelemetry SDK and
//! its exporters: the API needs three kinds of span, and the protocol's JSON form is stable.
//! Spans are handed to the exporter without waiting; when the collector is slow or away they
//! are dropped (counted in a warning), never queued without bound and never slowing a request.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::sync::mpsc;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// The target of the events that stand for SQL statements (see `db.rs`).
pub const SQL_TARGET: &str = "plans_api::sql";
/// Spans waiting for the exporter; past this, new ones are dropped.
const QUEUE: usize = 8_192;
/// Most spans in one export.
const BATCH: usize = 512;
/// Longest a finished span waits before it is sent.
const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// Longest SQL text kept on a span.
const MAX_STATEMENT: usize = 2_000;

#[derive(Debug, Clone)]
enum Attribute {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Attribute {
    fn json(&self) -> Value {
        match self {
            Self::Text(s) => json!({ "stringValue": s }),
            Self::Int(i) => json!({ "intValue": i.to_string() }),
            Self::Float(f) => json!({ "doubleValue": f }),
            Self::Bool(b) => json!({ "boolValue": b }),
        }
    }
}

/// A span as it is sent.
#[derive(Debug, Clone)]
struct SpanData {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    parent_span_id: Option<[u8; 8]>,
    name: String,
    /// 2 server, 3 client, 1 internal (OTLP's `SpanKind`).
    kind: u8,
    start_ns: u64,
    end_ns: u64,
    attributes: Vec<(String, Attribute)>,
    error: bool,
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default()
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let source = uuid::Uuid::new_v4().into_bytes();
    bytes.copy_from_slice(&source[..N]);
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 {
        return None;
    }
    let mut bytes = [0u8; N];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(bytes).filter(|b| b.iter().any(|x| *x != 0))
}

/// The trace and parent span a W3C `traceparent` names (`00-<trace>-<span>-<flags>`).
pub fn parse_traceparent(header: &str) -> Option<([u8; 16], [u8; 8])> {
    let mut parts = header.trim().split('-');
    let version = parts.next()?;
    let trace = unhex::<16>(parts.next()?)?;
    let span = unhex::<8>(parts.next()?)?;
    let _flags = parts.next()?;
    (version.len() == 2 && version != "ff").then_some((trace, span))
}

/// Field names as OpenTelemetry's conventions spell them.
fn attribute_name(span: &str, field: &str) -> String {
    match (span, field) {
        ("request", "method") => "http.request.method".into(),
        ("request", "path") => "url.path".into(),
        ("request", "status") => "http.response.status_code".into(),
        _ => field.to_owned(),
    }
}

struct Fields<'a> {
    span: &'a str,
    into: &'a mut Vec<(String, Attribute)>,
    traceparent: Option<String>,
}

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "traceparent" {
            self.traceparent = Some(value.to_owned());
            return;
        }
        self.into.push((
            attribute_name(self.span, field.name()),
            Attribute::Text(value.to_owned()),
        ));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.into.push((
            attribute_name(self.span, field.name()),
            Attribute::Int(value),
        ));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.record_i64(field, i64::try_from(value).unwrap_or(i64::MAX));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.into.push((
            attribute_name(self.span, field.name()),
            Attribute::Float(value),
        ));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.into.push((
            attribute_name(self.span, field.name()),
            Attribute::Bool(value),
        ));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

/// What an SQL event carries.
#[derive(Default)]
struct Statement {
    elapsed_us: u64,
    failed: bool,
    text: String,
}

impl Visit for Statement {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "elapsed_us" {
            self.elapsed_us = value;
        }
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        if field.name() == "failed" {
            self.failed = value;
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "statement" {
            self.text = value.chars().take(MAX_STATEMENT).collect();
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "statement" {
            self.record_str(field, &format!("{value:?}"));
        }
    }
}

/// The layer: makes spans of `tracing` spans and SQL events, and hands finished ones on.
pub struct OtlpLayer {
    sender: mpsc::Sender<SpanData>,
    system: &'static str,
}

impl OtlpLayer {
    fn send(&self, span: SpanData) {
        if self.sender.try_send(span).is_err() {
            DROPPED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

static DROPPED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl<S> tracing_subscriber::Layer<S> for OtlpLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let name = attrs.metadata().name();
        let mut attributes = Vec::new();
        let mut fields = Fields {
            span: name,
            into: &mut attributes,
            traceparent: None,
        };
        attrs.record(&mut fields);
        let traceparent = fields.traceparent.take();
        let parent = span.parent().and_then(|p| {
            p.extensions()
                .get::<SpanData>()
                .map(|d| (d.trace_id, d.span_id))
        });
        let (trace_id, parent_span_id) = match parent {
            Some((trace, span)) => (trace, Some(span)),
            None => match traceparent.as_deref().and_then(parse_traceparent) {
                Some((trace, span)) => (trace, Some(span)),
                None => (random::<16>(), None),
            },
        };
        span.extensions_mut().insert(SpanData {
            trace_id,
            span_id: random::<8>(),
            parent_span_id,
            name: name.to_owned(),
            kind: if name == "request" { 2 } else { 1 },
            start_ns: now_ns(),
            end_ns: 0,
            attributes,
            error: false,
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(data) = extensions.get_mut::<SpanData>() {
            let name = data.name.clone();
            let mut fields = Fields {
                span: &name,
                into: &mut data.attributes,
                traceparent: None,
            };
            values.record(&mut fields);
            if let Some((_, Attribute::Int(status))) = data
                .attributes
                .iter()
                .find(|(k, _)| k == "http.response.status_code")
            {
                data.error = *status >= 500;
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != SQL_TARGET {
            return;
        }
        let Some(parent) = ctx.event_span(event) else {
            return;
        };
        let Some((trace_id, parent_id)) = parent
            .extensions()
            .get::<SpanData>()
            .map(|d| (d.trace_id, d.span_id))
        else {
            return;
        };
        let mut statement = Statement::default();
        event.record(&mut statement);
        let end_ns = now_ns();
        let operation = statement
            .text
            .split_whitespace()
            .next()
            .unwrap_or("SQL")
            .to_ascii_uppercase();
        self.send(SpanData {
            trace_id,
            span_id: random::<8>(),
            parent_span_id: Some(parent_id),
            name: format!("db.query {operation}"),
            kind: 3,
            start_ns: end_ns.saturating_sub(statement.elapsed_us.saturating_mul(1_000)),
            end_ns,
            attributes: vec![
                ("db.system".into(), Attribute::Text(self.system.into())),
                ("db.operation.name".into(), Attribute::Text(operation)),
                ("db.query.text".into(), Attribute::Text(statement.text)),
            ],
            error: statement.failed,
        });
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let data = span.extensions_mut().remove::<SpanData>();
        if let Some(mut data) = data {
            data.end_ns = now_ns();
            self.send(data);
        }
    }
}

fn export_body(service: &str, spans: &[SpanData]) -> Value {
    let spans: Vec<Value> = spans
        .iter()
        .map(|s| {
            let mut span = json!({
                "traceId": hex(&s.trace_id),
                "spanId": hex(&s.span_id),
                "name": s.name,
                "kind": s.kind,
                "startTimeUnixNano": s.start_ns.to_string(),
                "endTimeUnixNano": s.end_ns.to_string(),
                "attributes": s.attributes.iter().map(|(k, v)| json!({ "key": k, "value": v.json() })).collect::<Vec<_>>(),
                "status": { "code": if s.error { 2 } else { 0 } },
            });
            if let Some(parent) = s.parent_span_id {
                span["parentSpanId"] = json!(hex(&parent));
            }
            span
        })
        .collect();
    json!({
        "resourceSpans": [{
            "resource": { "attributes": [
                { "key": "service.name", "value": { "stringValue": service } },
                { "key": "service.version", "value": { "stringValue": env!("CARGO_PKG_VERSION") } },
            ] },
            "scopeSpans": [{ "scope": { "name": "plans-api" }, "spans": spans }],
        }]
    })
}

/// The layer for `endpoint`, and the task that sends its spans (spawn it on the runtime).
pub fn layer(
    endpoint: &str,
    service: &str,
    database: &'static str,
) -> anyhow::Result<(OtlpLayer, impl std::future::Future<Output = ()> + use<>)> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let base = endpoint.trim_end_matches('/');
    let url = if base.ends_with("/v1/traces") {
        base.to_owned()
    } else {
        format!("{base}/v1/traces")
    };
    reqwest::Url::parse(&url)
        .map_err(|e| anyhow::anyhow!("the OTLP endpoint {endpoint:?} is not a URL: {e}"))?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()?;
    let (sender, mut receiver) = mpsc::channel::<SpanData>(QUEUE);
    let service = service.to_owned();
    let exporter = async move {
        let mut failures = 0u64;
        let mut last_warning: Option<std::time::Instant> = None;
        loop {
            let mut batch = Vec::with_capacity(BATCH);
            let Some(first) = receiver.recv().await else {
                return;
            };
            batch.push(first);
            let deadline = tokio::time::Instant::now() + FLUSH_EVERY;
            while batch.len() < BATCH {
                match tokio::time::timeout_at(deadline, receiver.recv()).await {
                    Ok(Some(span)) => batch.push(span),
                    Ok(None) | Err(_) => break,
                }
            }
            let sent = client
                .post(&url)
                .json(&export_body(&service, &batch))
                .send()
                .await
                .and_then(|r| r.error_for_status());
            if sent.is_err() {
                failures += batch.len() as u64;
            }
            let dropped = DROPPED.swap(0, std::sync::atomic::Ordering::Relaxed);
            failures += dropped;
            if failures > 0 && last_warning.is_none_or(|at| at.elapsed() > Duration::from_secs(60))
            {
                tracing::warn!(spans = failures, url = %url, "trace spans not delivered to the OTLP collector");
                failures = 0;
                last_warning = Some(std::time::Instant::now());
            }
        }
    };
    Ok((
        OtlpLayer {
            sender,
            system: database,
        },
        exporter,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_is_read_or_refused() {
        let (trace, span) =
            parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .expect("valid");
        assert_eq!(hex(&trace), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(hex(&span), "00f067aa0ba902b7");
        for bad in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "garbage",
        ] {
            assert!(parse_traceparent(bad).is_none(), "{bad}");
        }
    }
}
