//! Database connection: the embedded SQLite default or PostgreSQL, migrated at start-up.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    TransactionTrait,
};

use crate::config::Settings;

/// Counts SQL statements sent through a connection (exposed on `/metrics`; tests and the
/// benchmark use it to prove that nested queries do not issue a statement per row).
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The URL used when no `DATABASE_URL` is given: a SQLite file under the data folder.
pub fn embedded_url(settings: &Settings) -> anyhow::Result<String> {
    let dir = &settings.data_dir;
    // SQLite writes a journal beside the database: an unwritable folder would fail only at the
    // first write, with an error that names neither.
    writable(dir).with_context(|| {
        format!(
            "the data folder {} cannot be made or written, and the embedded database lives there: choose another with --data-dir (APP_DATA_DIR), or give DATABASE_URL",
            dir.display()
        )
    })?;
    let path = dir.join("plans.db");
    Ok(format!("sqlite://{}?mode=rwc", path.display()))
}

/// Connects with the settings' URL (or the embedded default) and counts statements.
pub async fn connect(
    settings: &Settings,
) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    let url = match &settings.database_url {
        Some(url) => url.clone(),
        None => embedded_url(settings)?,
    };
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(settings.pool_size.max(1))
        .min_connections(1)
        // A request that cannot get a connection soon answers SERVICE_UNAVAILABLE (retryable)
        // instead of queueing behind an outage.
        .connect_timeout(settings.limits.db_acquire_timeout())
        .acquire_timeout(settings.limits.db_acquire_timeout())
        // A connection that was used a moment ago is alive: pinging it on every checkout cost
        // a round trip per statement (a third of the server's time on the busiest dashboard).
        // One idle for longer (the database may have restarted meanwhile) is still tested.
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(std::env::var("APP_SQL_LOG").is_ok())
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    let url = options.get_url();
    let url_for_message = url.to_owned();
    if !(is_postgres_url(url) || url.starts_with("sqlite:")) {
        anyhow::bail!(
            "DATABASE_URL must start with postgres://, postgresql:// or sqlite: (e.g. postgres://user@host:5432/database)"
        );
    }
    let mut db = if is_postgres_url(url) {
        connect_postgres(settings, options.get_url(), settings.pool_size.max(1), 1).await?
    } else {
        Database::connect(options).await.map_err(|error| {
            anyhow::anyhow!(
                "cannot open the SQLite database {url_for_message}: {}",
                driver_message(&error)
            )
        })?
    };
    let counter = StatementCounter::default();
    count_statements(&mut db, &counter);
    Ok((db, counter))
}

/// The mutations' own PostgreSQL pool of `--write-connections` at `url`, counting into
/// `counter`. Connections open as mutations need them, on the runtime this runs on (their
/// sockets' readiness is then seen by that runtime's thread).
pub async fn connect_writes(
    settings: &Settings,
    url: &str,
    counter: &StatementCounter,
) -> anyhow::Result<DatabaseConnection> {
    let mut db = connect_postgres(settings, url, settings.write_connections.max(1), 0).await?;
    count_statements(&mut db, counter);
    Ok(db)
}

fn count_statements(db: &mut DatabaseConnection, counter: &StatementCounter) {
    let shared = counter.0.clone();
    db.set_metric_callback(move |info| {
        record_statement(
            &StatementCounter(shared.clone()),
            &info.statement.sql,
            info.elapsed,
            info.failed,
        );
    });
}

/// Counts a statement, and traces it: a statement span of the request's trace when traces are
/// on (`otlp`), nothing otherwise. The pool's callback and a query's held connection
/// (`reads.rs`) both report here.
pub fn record_statement(counter: &StatementCounter, sql: &str, elapsed: Duration, failed: bool) {
    counter.0.fetch_add(1, Ordering::Relaxed);
    tracing::trace!(
        target: "plans_api::sql",
        elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        failed,
        statement = sql,
    );
}

/// Whether a database URL names PostgreSQL.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The PostgreSQL pool, built with sqlx's own options for what sea-orm does not expose:
/// - `statement_timeout` a little past the request time limit, so PostgreSQL stops a statement
///   that outlives its request, and no JIT;
/// - `idle_session_timeout`, so a pool slot lost to an sqlx 0.9 bug comes back. A statement
///   whose future was dropped (an error in a sibling field makes async-graphql drop the others)
///   and which then fails (cancelled by that timeout) fails the pool's release ping; sqlx then
///   closes the connection hard, which over TLS waits for the server to speak first and never
///   returns: the slot is gone. PostgreSQL ends the idle session after this timeout, the close
///   returns, and the slot is free again. (A release hook pinging twice fixed it at once but
///   cost a tenth of the dashboard query's throughput, a round trip per statement.) The pool
///   retires idle connections itself a little earlier, so healthy ones are not cut.
async fn connect_postgres(
    settings: &Settings,
    url: &str,
    size: u32,
    min: u32,
) -> anyhow::Result<DatabaseConnection> {
    use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use sea_orm::sqlx::{ConnectOptions as _, Connection as _};

    let statement_ms = (settings.limits.request_timeout() + Duration::from_millis(500)).as_millis();
    let mut connect: PgConnectOptions = url.parse().map_err(|error| {
        anyhow::anyhow!(
            "DATABASE_URL is not a PostgreSQL URL of the form postgres://user[:password]@host[:port]/database ({error})"
        )
    })?;
    // JIT compilation pays off for long analytical queries, not for these: a page of unit tasks
    // estimated expensive (a join filter PostgreSQL cannot estimate) spent 790 ms compiling
    // itself for 30 ms of work.
    let idle_session = settings.limits.db_idle_session_timeout();
    connect = connect.options([
        ("statement_timeout", format!("{statement_ms}ms")),
        ("jit", "off".to_owned()),
        (
            "idle_session_timeout",
            format!("{}ms", idle_session.as_millis()),
        ),
    ]);
    if std::env::var("APP_SQL_LOG").is_err() {
        connect = connect.disable_statement_logging();
    }
    // One plain connection first: the pool would retry a refused connection until its time
    // limit and then say only "pool timed out".
    let target = postgres_target(&connect);
    match tokio::time::timeout(
        CONNECT_WITHIN,
        sea_orm::sqlx::PgConnection::connect_with(&connect),
    )
    .await
    {
        Ok(Ok(probe)) => {
            let _ = probe.close().await;
        }
        Ok(Err(error)) => anyhow::bail!("cannot connect to {target}: {error}"),
        Err(_) => anyhow::bail!(
            "cannot connect to {target}: no answer within {} s",
            CONNECT_WITHIN.as_secs()
        ),
    }
    let pool = PgPoolOptions::new()
        .max_connections(size)
        .min_connections(min)
        // A request that cannot get a connection soon answers SERVICE_UNAVAILABLE (retryable)
        // instead of queueing behind an outage.
        .acquire_timeout(settings.limits.db_acquire_timeout())
        // A connection used a moment ago is alive: pinging it on every checkout cost a round
        // trip per statement (a third of the server's time on the busiest dashboard). One idle
        // for longer (the database may have restarted meanwhile) is tested.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= Duration::from_secs(1) {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .idle_timeout(idle_session.mul_f64(0.8))
        .connect_with(connect)
        .await
        .with_context(|| format!("cannot connect to {target}"))?;
    Ok(sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(
        pool,
    ))
}

/// A PostgreSQL database for people: host, port and database, never the password.
pub fn postgres_target(options: &sea_orm::sqlx::postgres::PgConnectOptions) -> String {
    format!(
        "PostgreSQL at {}:{} (database {})",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("of the user's name")
    )
}

/// Creates `dir` if needed and proves a file can be written there.
pub fn writable(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(&probe)
}

/// How long the first connection to PostgreSQL may take.
const CONNECT_WITHIN: Duration = Duration::from_secs(5);

/// Applies pending migrations; returns how many there were.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<usize> {
    prepare_counting(db, false)
        .await
        .map(|(_, applied)| applied)
}

/// Applies pending migrations, seeds the official working-day calendar into an empty calendar
/// and the national award catalogue into an empty catalogue
/// and, when `demo` is set, loads the demo data into an empty database; returns whether demo
/// data was loaded. On PostgreSQL several instances may start at
/// once: a transaction-scoped advisory lock makes them take turns over both steps, and the whole
/// run is one transaction (the second instance finds the schema migrated and the data there).
pub async fn prepare(db: &DatabaseConnection, demo: bool) -> anyhow::Result<bool> {
    prepare_counting(db, demo).await.map(|(loaded, _)| loaded)
}

/// [`prepare`], also returning how many migrations were pending (counted under the lock: the
/// count's own bookkeeping table is made by whoever counts first).
async fn prepare_counting(db: &DatabaseConnection, demo: bool) -> anyhow::Result<(bool, usize)> {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(724190001)")
                .await?;
            let applied = pending_migrations(&txn).await?;
            Migrator::up(&txn, None).await.context("migration failed")?;
            // The catalogue first: the demo's award records name its versions.
            crate::demo::catalogue::seed_if_empty(&txn).await?;
            let loaded = if demo {
                crate::demo::load_if_empty(&txn).await?
            } else {
                false
            };
            crate::demo::seed_calendar_if_empty(&txn).await?;
            txn.commit().await?;
            Ok((loaded, applied))
        }
        _ => {
            let applied = pending_migrations(db).await?;
            Migrator::up(db, None).await.context("migration failed")?;
            crate::demo::catalogue::seed_if_empty(db).await?;
            let loaded = if demo {
                crate::demo::load_if_empty(db).await?
            } else {
                false
            };
            crate::demo::seed_calendar_if_empty(db).await?;
            Ok((loaded, applied))
        }
    }
}

async fn pending_migrations<C: sea_orm::ConnectionTrait>(db: &C) -> anyhow::Result<usize> {
    Migrator::get_pending_migrations(db)
        .await
        .map(|pending| pending.len())
        .context("cannot read which migrations the database has")
}

/// Readiness: the database answers and no migration is pending, within [`READY_WITHIN`].
pub async fn is_ready(db: &DatabaseConnection) -> bool {
    let check = async {
        if db.ping().await.is_err() {
            return false;
        }
        matches!(Migrator::get_pending_migrations(db).await, Ok(pending) if pending.is_empty())
    };
    tokio::time::timeout(READY_WITHIN, check)
        .await
        .unwrap_or(false)
}

/// How long `/readyz` waits for the database before answering "unavailable".
pub const READY_WITHIN: Duration = Duration::from_millis(800);

/// A driver error's message without the wrapper's prefix that repeats it.
fn driver_message(error: &sea_orm::DbErr) -> String {
    match error {
        sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(inner)) => inner.to_string(),
        sea_orm::DbErr::Conn(sea_orm::RuntimeErr::Internal(text)) => text.clone(),
        other => other.to_string(),
    }
}
