//! A query's reads, on one connection.
//!
//! On PostgreSQL every statement taken from the pool costs two round trips: the statement, and
//! the ping sqlx 0.9 sends whenever a connection goes back to its pool (`return_to_pool`; no
//! setting turns it off). A query request instead takes one connection at its first read and
//! keeps it until the request is answered: N statements cost N round trips instead of 2N (the
//! connection then goes to the next query, below), and no pool checkout per statement. The
//! statements still run one by one in autocommit, as they did on the pool, so what they see and
//! what a failed one does are unchanged; a request's concurrent loaders take turns on the
//! connection. Writes, mutations, subscriptions and SQLite
//! keep the pool: a mutation opens its own transaction, and a request holding two connections
//! could starve the pool.
//!
//! Queries hold at most [`QueryLane`]'s share of the pool at once: the rest stays free for
//! subscriptions and sign-in lookups, which would otherwise queue for a connection behind every
//! query in flight. While a mutation runs on the mutations' own pool, queries that start take a
//! second place too, of fewer ([`QueryLane::yielding_to_writes`]): on cores shared with the
//! database, each of a write's statements waits its turn behind every busy read backend, and
//! fewer of them cut the writes' tail (the benchmark's mixed run, thirtieth session).
//!
//! A query done with its connection hands it to the lane, still checked out of the pool, and
//! the next query takes it from there: going back to the pool would cost the release ping (a
//! round trip, and a task spawned to send it) once per query, which for a one-statement query
//! was as many round trips as its statement. A connection kept idle for a second goes back to
//! the pool (a sweep twice a second; the pool's checkout tests one idle that long), so that when
//! the queries stop the pool has its connections back; one whose statement failed other than
//! with PostgreSQL's own error, or was abandoned midway, goes back at once, so that the release
//! ping still decides whether it lives. A lane that is the whole pool keeps nothing: kept
//! connections would leave none for sign-in lookups and subscriptions.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sea_orm::sea_query::Values;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, Postgres};
use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbBackend, DbErr,
    ExecResult, QueryResult, RuntimeErr, Statement,
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};

use crate::db::StatementCounter;

/// The pool connections queries may hold at once, and how long one waits for its turn before
/// it is answered `SERVICE_UNAVAILABLE` (as for a connection from the pool).
#[derive(Clone, Debug)]
pub struct QueryLane {
    permits: Arc<Semaphore>,
    wait: Duration,
    /// Connections finished queries handed on, newest last (none when the lane keeps none).
    /// With the queries in flight they are never more than the lane's places: a query adds one
    /// from the pool only when none is kept.
    kept: Option<Arc<Kept>>,
    /// The fewer places of queries that start while a mutation is in flight.
    during_writes: Option<Arc<DuringWrites>>,
}

/// The mutations in flight, and the places queries starting meanwhile share.
#[derive(Debug)]
struct DuringWrites {
    permits: Arc<Semaphore>,
    writes: AtomicUsize,
}

/// Marks a mutation in flight until dropped (see [`QueryLane::writing`]).
#[must_use = "the mark lasts as long as the value"]
pub struct Writing(Option<Arc<DuringWrites>>);

impl Drop for Writing {
    fn drop(&mut self) {
        if let Some(during) = &self.0 {
            during.writes.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// How long a kept connection is handed on without a test: as the pool's checkout, which
/// tests one idle for longer (the database may have restarted meanwhile).
const KEEP_FOR: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Kept(std::sync::Mutex<Vec<(PoolConnection<Postgres>, Instant)>>);

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Kept").field(&self.len()).finish()
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        // A connection goes back to its pool from a task: outside a runtime (the process
        // ending) there is none to spawn, and the pool goes with the process.
        if tokio::runtime::Handle::try_current().is_err()
            && let Ok(kept) = self.0.get_mut()
        {
            kept.drain(..).for_each(std::mem::forget);
        }
    }
}

impl Kept {
    fn len(&self) -> usize {
        self.0.lock().map_or(0, |kept| kept.len())
    }

    /// Gives the connections kept for a second or more back to the pool.
    fn sweep(&self) {
        self.sweep_then(|_| ());
    }

    /// The newest kept connection, once the stale ones have gone back to the pool.
    fn take(&self) -> Option<PoolConnection<Postgres>> {
        self.sweep_then(|kept| kept.pop())
            .flatten()
            .map(|(connection, _)| connection)
    }

    /// Takes the stale connections out (oldest first: they are a prefix), runs `then` on the
    /// fresh ones under the same lock, and gives the stale ones back to the pool after it.
    fn sweep_then<T>(
        &self,
        then: impl FnOnce(&mut Vec<(PoolConnection<Postgres>, Instant)>) -> T,
    ) -> Option<T> {
        let (stale, result): (Vec<_>, T) = {
            let mut kept = self.0.lock().ok()?;
            let now = Instant::now();
            let count = kept
                .iter()
                .take_while(|(_, since)| now.duration_since(*since) >= KEEP_FOR)
                .count();
            let stale = kept.drain(..count).collect();
            (stale, then(&mut kept))
        };
        drop(stale);
        Some(result)
    }

    fn keep(&self, connection: PoolConnection<Postgres>) {
        if let Ok(mut kept) = self.0.lock() {
            kept.push((connection, Instant::now()));
        }
    }
}

impl QueryLane {
    /// A lane of `connections` places in a pool of `pool_size`; a query waits at most `wait`
    /// for its place.
    pub fn new(connections: u32, pool_size: u32, wait: Duration) -> Self {
        let kept = (connections < pool_size).then(|| {
            let kept = Arc::new(Kept::default());
            // Outside a runtime (no server) nothing is swept; kept connections go back as they
            // are found stale.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let swept = Arc::downgrade(&kept);
                runtime.spawn(async move {
                    let mut every = tokio::time::interval(KEEP_FOR / 2);
                    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    loop {
                        every.tick().await;
                        match swept.upgrade() {
                            Some(kept) => kept.sweep(),
                            None => break,
                        }
                    }
                });
            }
            kept
        });
        Self {
            permits: Arc::new(Semaphore::new(connections.max(1) as usize)),
            wait,
            kept,
            during_writes: None,
        }
    }

    /// The lane, whose queries starting while a mutation is in flight ([`QueryLane::writing`])
    /// share `places` (at least one): those already reading keep their connection, and those
    /// starting once no mutation is in flight take only the lane's place again.
    #[must_use]
    pub fn yielding_to_writes(mut self, places: u32) -> Self {
        self.during_writes = Some(Arc::new(DuringWrites {
            permits: Arc::new(Semaphore::new(places.max(1) as usize)),
            writes: AtomicUsize::new(0),
        }));
        self
    }

    /// Marks a mutation in flight until the value drops.
    pub fn writing(&self) -> Writing {
        if let Some(during) = &self.during_writes {
            during.writes.fetch_add(1, Ordering::AcqRel);
        }
        Writing(self.during_writes.clone())
    }

    /// Places left to queries starting while a mutation is in flight (for tests); `None` when
    /// the lane does not yield to writes.
    pub fn available_during_writes(&self) -> Option<usize> {
        self.during_writes
            .as_ref()
            .map(|during| during.permits.available_permits())
    }

    /// Mutations marked in flight (for `/metrics`); `None` when the lane does not yield to
    /// writes.
    pub fn writes_in_flight(&self) -> Option<usize> {
        self.during_writes
            .as_ref()
            .map(|during| during.writes.load(Ordering::Acquire))
    }

    /// Connections queries may still take now (for `/metrics` and tests).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    /// Connections kept for the next queries (idle, though checked out of the pool).
    pub fn kept(&self) -> usize {
        self.kept.as_ref().map_or(0, |kept| kept.len())
    }
}

/// Where a request's reads go: the pool, or one connection of it held for the request.
#[derive(Clone, Debug)]
pub struct Reads(Route);

#[derive(Clone, Debug)]
enum Route {
    Pool(DatabaseConnection),
    Pinned(Arc<Pinned>),
}

/// A query's places (the lane's, and the one shared during writes when it started during
/// one) and its connection.
#[derive(Debug)]
struct Held {
    place: OwnedSemaphorePermit,
    during_writes: Option<OwnedSemaphorePermit>,
    connection: PoolConnection<Postgres>,
}

#[derive(Debug)]
struct Pinned {
    pool: DatabaseConnection,
    /// Counts the statements as the pool's own callback does (`/metrics`, tests, benchmark).
    statements: StatementCounter,
    lane: QueryLane,
    /// Taken at the first read with a place in the lane, all given back when the request's
    /// last clone drops.
    connection: Mutex<Option<Held>>,
    /// Whether the connection may be handed to the next query (see the module's notes).
    reusable: AtomicBool,
}

impl Drop for Pinned {
    fn drop(&mut self) {
        if let Some(Held {
            place,
            during_writes,
            connection,
        }) = self.connection.get_mut().take()
        {
            if *self.reusable.get_mut()
                && let Some(kept) = &self.lane.kept
            {
                kept.keep(connection);
            }
            // The places are given back after the connection is kept, for the next query to find.
            drop((place, during_writes));
        }
    }
}

impl Reads {
    /// Reads straight from the pool, a connection per statement.
    pub fn pooled(pool: DatabaseConnection) -> Self {
        Self(Route::Pool(pool))
    }

    /// The reads of one query request: on PostgreSQL, one connection for all of them.
    pub fn for_query(
        pool: DatabaseConnection,
        statements: StatementCounter,
        lane: &QueryLane,
    ) -> Self {
        match pool.get_database_backend() {
            DatabaseBackend::Postgres => Self(Route::Pinned(Arc::new(Pinned {
                pool,
                statements,
                lane: lane.clone(),
                connection: Mutex::new(None),
                reusable: AtomicBool::new(true),
            }))),
            _ => Self::pooled(pool),
        }
    }

    /// The pool behind the reads.
    pub fn pool(&self) -> &DatabaseConnection {
        match &self.0 {
            Route::Pool(pool) => pool,
            Route::Pinned(pinned) => &pinned.pool,
        }
    }
}

impl Pinned {
    /// Runs one read on the held connection (taking it first if this is the request's first).
    async fn fetch(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let mut held = self.connection.lock().await;
        let Held { connection, .. } = match held.as_mut() {
            Some(held) => held,
            None => held.insert(self.take_connection().await?),
        };
        let Statement { sql, values, .. } = stmt;
        let values = values.unwrap_or(Values(Vec::new()));
        let started = Instant::now();
        // Cleared until the statement is answered: abandoned midway, the connection goes back
        // to the pool, whose release ping settles it.
        self.reusable.store(false, Ordering::Relaxed);
        let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql.as_str()), SqlxValues(values))
            .fetch_all(&mut **connection)
            .await;
        // PostgreSQL's own error (a cancelled or failed statement) leaves the connection ready
        // for the next; any other (the socket, the protocol) may not.
        if matches!(&rows, Ok(_) | Err(sqlx::Error::Database(_))) {
            self.reusable.store(true, Ordering::Relaxed);
        }
        crate::db::record_statement(&self.statements, &sql, started.elapsed(), rows.is_err());
        rows.map(|rows| rows.into_iter().map(QueryResult::from).collect())
            .map_err(|error| DbErr::Query(RuntimeErr::SqlxError(Arc::new(error))))
    }
}

impl Pinned {
    /// The lane's places and a connection: the lane's kept one, or one from the pool.
    async fn take_connection(&self) -> Result<Held, DbErr> {
        let deadline = tokio::time::Instant::now() + self.lane.wait;
        let place = async |permits: &Arc<Semaphore>| {
            tokio::time::timeout_at(deadline, permits.clone().acquire_owned())
                .await
                .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?
                .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))
        };
        // The shared place first: a query waiting for it holds none of the lane's.
        let during_writes = match &self.lane.during_writes {
            Some(during) if during.writes.load(Ordering::Acquire) > 0 => {
                Some(place(&during.permits).await?)
            }
            _ => None,
        };
        let place = place(&self.lane.permits).await?;
        let connection = match self.lane.kept.as_ref().and_then(|kept| kept.take()) {
            Some(connection) => connection,
            // Boxed: taking one from the pool may open it (sqlx's connect and TLS state, some
            // kilobytes), and a future is as large as its largest await. Unboxed, every
            // statement's future was that size, and was copied whole into the box the
            // connection trait puts it in (3.6 % of a page of 20 tasks' instructions,
            // callgrind, twenty-second session). A request mostly takes the lane's kept one.
            None => Box::pin(self.pool.get_postgres_connection_pool().acquire())
                .await
                .map_err(acquire_error)?,
        };
        Ok(Held {
            place,
            during_writes,
            connection,
        })
    }
}

/// The pool's own mapping of a failed checkout (a timeout is `SERVICE_UNAVAILABLE` upstream).
fn acquire_error(error: sqlx::Error) -> DbErr {
    match error {
        sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
        sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        error => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(error))),
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Reads {
    fn get_database_backend(&self) -> DbBackend {
        self.pool().get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.pool().execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.pool().execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match &self.0 {
            Route::Pool(pool) => pool.query_one_raw(stmt).await,
            Route::Pinned(pinned) => Ok(pinned.fetch(stmt).await?.into_iter().next()),
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match &self.0 {
            Route::Pool(pool) => pool.query_all_raw(stmt).await,
            Route::Pinned(pinned) => pinned.fetch(stmt).await,
        }
    }

    fn support_returning(&self) -> bool {
        self.pool().support_returning()
    }
}
