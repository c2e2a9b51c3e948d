//! What `GET /metrics` reports, in the Prometheus text format (version 0.0.4): HTTP requests by
//! route and status, GraphQL operations by name with their durations and error codes, rate-limit
//! refusals, live subscriptions, the database pool and the statements sent.
//!
//! Every label value is bounded, because callers choose some of them: routes are the matched
//! patterns (or `unmatched`), operation names are kept for the first [`MAX_OPERATION_NAMES`]
//! well-formed names seen (later ones are counted as `other`), and error codes are the server's
//! own.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Distinct operation names kept as labels; a caller cannot grow the series without bound.
pub const MAX_OPERATION_NAMES: usize = 200;

/// Upper bounds (seconds) of the operation duration histogram's buckets.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Who was refused by a rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// An anonymous caller, by address.
    Address,
    /// An authenticated caller, by subject.
    Caller,
}

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    http: Mutex<HashMap<HttpKey, u64>>,
    operations: Mutex<Operations>,
    rate_limited_address: AtomicU64,
    rate_limited_caller: AtomicU64,
    subscriptions: AtomicI64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct HttpKey {
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Default)]
struct Operations {
    by_name: HashMap<OperationKey, Histogram>,
    errors: HashMap<(OperationKey, String), u64>,
    /// Names kept as labels (at most [`MAX_OPERATION_NAMES`]).
    names: std::collections::HashSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct OperationKey {
    name: String,
    kind: &'static str,
}

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Observations at or under each bound of [`BUCKETS`] (not cumulative; summed on render).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// One GraphQL request as the metrics see it.
#[derive(Debug, Clone, Default)]
pub struct Operation {
    /// The operation's name, when it has one.
    pub name: Option<String>,
    /// `query`, `mutation`, `subscription`, or `unknown` when refused before it was parsed.
    pub kind: &'static str,
    /// The codes of the errors it answered with (one each, deduplicated).
    pub error_codes: Vec<String>,
}

/// Gauges read from elsewhere when the page is rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    pub statements: u64,
    pub pool_size: u32,
    pub pool_idle: usize,
    pub pool_max: u32,
    /// The mutations' own pool, when there is one: open, idle and most connections.
    pub write_pool: Option<(u32, usize, u32)>,
    /// Mutations running on that pool now (queries starting meanwhile share fewer connections).
    pub mutations_in_flight: Option<usize>,
    pub live_connections: usize,
}

/// A well-formed operation name (GraphQL's `Name`, at most 64 characters).
fn well_formed(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= 64
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl Metrics {
    /// Counts an HTTP request by its route pattern, method and status.
    pub fn http_request(&self, route: Option<&str>, method: &str, status: u16) {
        let key = HttpKey {
            route: route.unwrap_or("unmatched").to_owned(),
            method: match method {
                "GET" | "POST" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "PATCH" => method,
                _ => "other",
            }
            .to_owned(),
            status,
        };
        let mut http = self.http.lock().unwrap_or_else(|e| e.into_inner());
        *http.entry(key).or_default() += 1;
    }

    /// Records a GraphQL operation: its duration and its error codes.
    pub fn operation(&self, operation: &Operation, elapsed: Duration) {
        let mut operations = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        let name = match operation.name.as_deref() {
            None => "anonymous".to_owned(),
            Some(name) if !well_formed(name) => "other".to_owned(),
            Some(name) => {
                if operations.names.contains(name) {
                    name.to_owned()
                } else if operations.names.len() < MAX_OPERATION_NAMES {
                    operations.names.insert(name.to_owned());
                    name.to_owned()
                } else {
                    "other".to_owned()
                }
            }
        };
        let key = OperationKey {
            name,
            kind: operation.kind,
        };
        operations
            .by_name
            .entry(key.clone())
            .or_default()
            .observe(elapsed.as_secs_f64());
        for code in &operation.error_codes {
            *operations
                .errors
                .entry((key.clone(), code.clone()))
                .or_default() += 1;
        }
    }

    /// Counts a rate-limit refusal.
    pub fn rate_limited(&self, who: Limited) {
        match who {
            Limited::Address => &self.rate_limited_address,
            Limited::Caller => &self.rate_limited_caller,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// A live subscription started.
    pub fn subscription_started(&self) {
        self.subscriptions.fetch_add(1, Ordering::Relaxed);
    }

    /// A live subscription ended.
    pub fn subscription_ended(&self) {
        self.subscriptions.fetch_sub(1, Ordering::Relaxed);
    }

    /// The page `GET /metrics` serves.
    pub fn render(&self, gauges: Gauges) -> String {
        let mut out = String::with_capacity(4096);
        // Writing to a String cannot fail.
        let _ = self.write(&mut out, gauges);
        out
    }

    fn write(&self, out: &mut String, gauges: Gauges) -> std::fmt::Result {
        writeln!(
            out,
            "# HELP http_requests_total HTTP requests answered, by route pattern, method and status."
        )?;
        writeln!(out, "# TYPE http_requests_total counter")?;
        let http: Vec<(HttpKey, u64)> = {
            let http = self.http.lock().unwrap_or_else(|e| e.into_inner());
            let mut rows: Vec<_> = http.iter().map(|(k, v)| (k.clone(), *v)).collect();
            rows.sort();
            rows
        };
        for (key, count) in &http {
            writeln!(
                out,
                "http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {count}",
                escape(&key.route),
                key.method,
                key.status
            )?;
        }

        let (mut by_name, mut errors) = {
            let operations = self.operations.lock().unwrap_or_else(|e| e.into_inner());
            (
                operations
                    .by_name
                    .iter()
                    .map(|(k, h)| (k.clone(), h.clone()))
                    .collect::<Vec<_>>(),
                operations
                    .errors
                    .iter()
                    .map(|(k, n)| (k.clone(), *n))
                    .collect::<Vec<_>>(),
            )
        };
        by_name.sort_by(|a, b| a.0.cmp(&b.0));
        errors.sort_by(|a, b| a.0.cmp(&b.0));
        writeln!(
            out,
            "# HELP graphql_operation_duration_seconds GraphQL operations over HTTP, by name and type: time from the request to the response."
        )?;
        writeln!(out, "# TYPE graphql_operation_duration_seconds histogram")?;
        for (key, histogram) in &by_name {
            let labels = format!("operation=\"{}\",type=\"{}\"", key.name, key.kind);
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(histogram.buckets) {
                cumulative += count;
                writeln!(
                    out,
                    "graphql_operation_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                )?;
            }
            writeln!(
                out,
                "graphql_operation_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                histogram.count
            )?;
            writeln!(
                out,
                "graphql_operation_duration_seconds_sum{{{labels}}} {}",
                histogram.sum
            )?;
            writeln!(
                out,
                "graphql_operation_duration_seconds_count{{{labels}}} {}",
                histogram.count
            )?;
        }
        writeln!(
            out,
            "# HELP graphql_operation_errors_total GraphQL operations that answered with an error, by name, type and error code."
        )?;
        writeln!(out, "# TYPE graphql_operation_errors_total counter")?;
        for ((key, code), count) in &errors {
            writeln!(
                out,
                "graphql_operation_errors_total{{operation=\"{}\",type=\"{}\",code=\"{}\"}} {count}",
                key.name,
                key.kind,
                escape(code)
            )?;
        }

        writeln!(
            out,
            "# HELP rate_limit_rejections_total Requests refused by a rate limit, by who pays (an anonymous address or an authenticated caller)."
        )?;
        writeln!(out, "# TYPE rate_limit_rejections_total counter")?;
        writeln!(
            out,
            "rate_limit_rejections_total{{payer=\"address\"}} {}",
            self.rate_limited_address.load(Ordering::Relaxed)
        )?;
        writeln!(
            out,
            "rate_limit_rejections_total{{payer=\"caller\"}} {}",
            self.rate_limited_caller.load(Ordering::Relaxed)
        )?;

        writeln!(
            out,
            "# HELP graphql_subscriptions Live subscriptions running on this instance."
        )?;
        writeln!(out, "# TYPE graphql_subscriptions gauge")?;
        writeln!(
            out,
            "graphql_subscriptions {}",
            self.subscriptions.load(Ordering::Relaxed).max(0)
        )?;
        writeln!(
            out,
            "# HELP graphql_live_connections Open WebSocket connections for subscriptions."
        )?;
        writeln!(out, "# TYPE graphql_live_connections gauge")?;
        writeln!(out, "graphql_live_connections {}", gauges.live_connections)?;

        writeln!(
            out,
            "# HELP db_pool_connections Database pool connections, by state."
        )?;
        writeln!(out, "# TYPE db_pool_connections gauge")?;
        let idle = gauges.pool_idle.min(gauges.pool_size as usize);
        writeln!(out, "db_pool_connections{{state=\"idle\"}} {idle}")?;
        writeln!(
            out,
            "db_pool_connections{{state=\"in_use\"}} {}",
            gauges.pool_size as usize - idle
        )?;
        writeln!(
            out,
            "# HELP db_pool_max_connections The database pool's size limit."
        )?;
        writeln!(out, "# TYPE db_pool_max_connections gauge")?;
        writeln!(out, "db_pool_max_connections {}", gauges.pool_max)?;
        if let Some((size, idle, max)) = gauges.write_pool {
            writeln!(
                out,
                "# HELP db_write_pool_connections The mutations' own pool's connections, by state."
            )?;
            writeln!(out, "# TYPE db_write_pool_connections gauge")?;
            let idle = idle.min(size as usize);
            writeln!(out, "db_write_pool_connections{{state=\"idle\"}} {idle}")?;
            writeln!(
                out,
                "db_write_pool_connections{{state=\"in_use\"}} {}",
                size as usize - idle
            )?;
            writeln!(
                out,
                "# HELP db_write_pool_max_connections The mutations' own pool's size limit."
            )?;
            writeln!(out, "# TYPE db_write_pool_max_connections gauge")?;
            writeln!(out, "db_write_pool_max_connections {max}")?;
        }
        if let Some(writing) = gauges.mutations_in_flight {
            writeln!(
                out,
                "# HELP graphql_mutations_in_flight Mutations running on the mutations' own pool; meanwhile, queries that start share fewer connections."
            )?;
            writeln!(out, "# TYPE graphql_mutations_in_flight gauge")?;
            writeln!(out, "graphql_mutations_in_flight {writing}")?;
        }
        writeln!(
            out,
            "# HELP sql_statements_total SQL statements sent to the database."
        )?;
        writeln!(out, "# TYPE sql_statements_total counter")?;
        writeln!(out, "sql_statements_total {}", gauges.statements)
    }
}

/// A label value as the text format wants it (`\`, `"` and newlines escaped).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_bounded_and_checked() {
        let metrics = Metrics::default();
        for i in 0..MAX_OPERATION_NAMES + 5 {
            metrics.operation(
                &Operation {
                    name: Some(format!("Op{i}")),
                    kind: "query",
                    error_codes: vec![],
                },
                Duration::from_millis(3),
            );
        }
        metrics.operation(
            &Operation {
                name: Some("bad\"name".into()),
                kind: "query",
                error_codes: vec!["FORBIDDEN".into()],
            },
            Duration::from_millis(3),
        );
        let page = metrics.render(Gauges::default());
        assert!(page.contains("operation=\"Op0\",type=\"query\",le=\"0.005\"} 1"));
        assert!(!page.contains("operation=\"Op200\""));
        assert!(page.contains(
            "graphql_operation_duration_seconds_count{operation=\"other\",type=\"query\"} 6"
        ));
        assert!(page.contains(
            "graphql_operation_errors_total{operation=\"other\",type=\"query\",code=\"FORBIDDEN\"} 1"
        ));
    }
}
