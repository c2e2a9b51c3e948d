//! A query's reads, on one connection.
//!
//! On PostgreSQL every statement taken from the pool costs two round trips: the statement, and
//! the ping sqlx 0.9 sends whenever a connection goes back to its pool (`return_to_pool`; no
//! setting turns it off). A query request instead takes one connection at its first read and
//! keeps it until the request is answered: N statements cost N + 1 round trips instead of 2N,
//! and one pool checkout instead of N. The statements still run one by one in autocommit, as
//! they did on the pool, so what they see and what a failed one does are unchanged; a request's
//! concurrent loaders take turns on the connection. Writes, mutations, subscriptions and SQLite
//! keep the pool: a mutation opens its own transaction, and a request holding two connections
//! could starve the pool.
//!
//! Queries hold at most [`QueryLane`]'s share of the pool at once: the rest stays free for
//! mutations, subscriptions and sign-in lookups, which would otherwise queue for a connection
//! behind every query in flight.

use std::sync::Arc;
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
}

impl QueryLane {
    pub fn new(connections: u32, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(connections.max(1) as usize)),
            wait,
        }
    }

    /// Connections queries may still take now (for `/metrics` and tests).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
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

#[derive(Debug)]
struct Pinned {
    pool: DatabaseConnection,
    /// Counts the statements as the pool's own callback does (`/metrics`, tests, benchmark).
    statements: StatementCounter,
    lane: QueryLane,
    /// Taken at the first read with a place in the lane, both given back when the request's
    /// last clone drops.
    connection: Mutex<Option<(OwnedSemaphorePermit, PoolConnection<Postgres>)>>,
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
        let (_, connection) = match held.as_mut() {
            Some(held) => held,
            None => {
                let permit =
                    tokio::time::timeout(self.lane.wait, self.lane.permits.clone().acquire_owned())
                        .await
                        .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?
                        .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))?;
                let connection = self
                    .pool
                    .get_postgres_connection_pool()
                    .acquire()
                    .await
                    .map_err(acquire_error)?;
                held.insert((permit, connection))
            }
        };
        let Statement { sql, values, .. } = stmt;
        let values = values.unwrap_or(Values(Vec::new()));
        let started = Instant::now();
        let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql.as_str()), SqlxValues(values))
            .fetch_all(&mut **connection)
            .await;
        crate::db::record_statement(&self.statements, &sql, started.elapsed(), rows.is_err());
        rows.map(|rows| rows.into_iter().map(QueryResult::from).collect())
            .map_err(|error| DbErr::Query(RuntimeErr::SqlxError(Arc::new(error))))
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
