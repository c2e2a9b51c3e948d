//! Structured logs with `tracing`: pretty in a terminal, JSON for log collectors.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use clap::ValueEnum;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    /// Pretty when standard error is a terminal, JSON otherwise.
    #[default]
    Auto,
    Pretty,
    Json,
}

/// Where traces go (see [`crate::otlp`]).
#[derive(Debug, Clone)]
pub struct Traces {
    pub endpoint: String,
    pub service: String,
    /// `postgresql` or `sqlite` (the `db.system` of statement spans).
    pub database: &'static str,
}

/// Installs the global subscriber. `RUST_LOG` overrides the default level (`info`).
pub fn init(format: LogFormat) {
    let _ = init_with(format, None);
}

/// Installs the global subscriber, with the OTLP trace exporter when `traces` is given (its
/// sending task runs on the current Tokio runtime).
pub fn init_with(format: LogFormat, traces: Option<&Traces>) -> anyhow::Result<()> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let logs = if json {
        tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed()
    };
    let registry = tracing_subscriber::registry().with(logs);
    // A second init (tests start many servers in one process) is harmless.
    match traces {
        None => {
            let _ = registry.try_init();
        }
        Some(traces) => {
            let (layer, exporter) =
                crate::otlp::layer(&traces.endpoint, &traces.service, traces.database)?;
            let spans = tracing_subscriber::filter::filter_fn(|meta| {
                meta.target() == crate::otlp::SQL_TARGET
                    || (meta.is_span()
                        && meta.level() <= &tracing::Level::INFO
                        && meta.target().starts_with("api"))
            });
            if registry.with(layer.with_filter(spans)).try_init().is_ok() {
                tokio::spawn(exporter);
            }
        }
    }
    Ok(())
}

/// How long identical internal errors are counted instead of logged.
const FLOOD_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);

/// Identical internal errors seen in the current window: message → (first seen, suppressed).
static RECENT_ERRORS: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u64)>>,
> = std::sync::LazyLock::new(Default::default);

/// Logs an internal error as one line: its cause chain (never a backtrace, even with
/// `RUST_BACKTRACE` set), inside the request's span (so with its request id). The same error
/// again within [`FLOOD_WINDOW`] is counted, and the count is logged with its next occurrence
/// after the window, so a flood of one failure writes a line per window, not per request.
pub fn internal_error(error: &anyhow::Error) {
    let chain = format!("{error:#}");
    let now = std::time::Instant::now();
    let suppressed = {
        let Ok(mut recent) = RECENT_ERRORS.lock() else {
            tracing::error!(error.cause_chain = %chain, "internal error");
            return;
        };
        if recent.len() > 1_000 {
            recent.retain(|_, (since, _)| now.duration_since(*since) < FLOOD_WINDOW);
        }
        match recent.get_mut(&chain) {
            Some((since, count)) if now.duration_since(*since) < FLOOD_WINDOW => {
                *count += 1;
                return;
            }
            Some(entry) => std::mem::replace(entry, (now, 0)).1,
            None => {
                recent.insert(chain.clone(), (now, 0));
                0
            }
        }
    };
    if suppressed > 0 {
        tracing::error!(
            error.cause_chain = %chain,
            repeated = suppressed,
            "internal error (also {suppressed} times in the previous {} s, not logged one by one)",
            FLOOD_WINDOW.as_secs()
        );
    } else {
        tracing::error!(error.cause_chain = %chain, "internal error");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Log output captured in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut buffer) = self.0.lock() {
                buffer.extend_from_slice(bytes);
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_flood_of_one_error_is_one_line_with_its_cause_chain() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..1_000 {
                let error = anyhow::anyhow!("connection reset by peer")
                    .context("cannot read the page of flood-test tasks");
                internal_error(&error);
            }
            internal_error(&anyhow::anyhow!("another flood-test failure"));
        });
        let text = String::from_utf8(captured.0.lock().map(|b| b.clone()).unwrap_or_default())
            .unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[0].contains("cannot read the page of flood-test tasks: connection reset by peer"),
            "the cause chain on one line: {}",
            lines[0]
        );
        assert!(!text.contains("backtrace"), "{text}");
    }
}
