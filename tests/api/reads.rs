//! A query's reads on one connection: on PostgreSQL a query request's statements run on one
//! backend, taken at its first read and handed to the next query when the request is done (no
//! release ping per statement, nor per query); each is still its own autocommit statement, so a
//! failed read leaves the next one working, and writes go to the pool and commit as before. On
//! SQLite the reads stay on the pool. Every query of the suite goes through these reads; this
//! checks the connection itself.

use std::time::Duration;

use api::reads::{QueryLane, Reads};
use sea_orm::{ConnAcquireErr, ConnectionTrait, DatabaseBackend, DbErr, Statement};

use crate::db_tests;
use crate::helpers::{Backend, TestApp};

async fn backend_pid(reads: &Reads) -> i32 {
    reads
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT pg_backend_pid() AS pid",
        ))
        .await
        .expect("a read")
        .expect("a row")
        .try_get::<i32>("", "pid")
        .expect("pid")
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("a count")
        .expect("a row")
        .try_get::<i64>("", "n")
        .expect("n")
}

async fn a_querys_reads_share_one_connection(app: &TestApp) {
    let backend = app.db.get_database_backend();
    let lane = QueryLane::new(3, 4, Duration::from_secs(2));
    let reads = Reads::for_query(app.db.clone(), app.statements.clone(), &lane);
    // Writes through the reads go to the pool and commit at once.
    reads
        .execute_unprepared("CREATE TABLE reads_probe (n INTEGER)")
        .await
        .expect("created");
    reads
        .execute_raw(Statement::from_string(
            backend,
            "INSERT INTO reads_probe (n) VALUES (1)",
        ))
        .await
        .expect("inserted");
    let before = app.statements.get();
    assert_eq!(
        count(&reads, "SELECT count(*) AS n FROM reads_probe").await,
        1
    );
    assert_eq!(app.statements.get() - before, 1, "each read is counted");
    if matches!(app.backend, Backend::Postgres) {
        // Five reads, one backend, held between them: the pool never hands it to another
        // statement meanwhile.
        let first = backend_pid(&reads).await;
        let others = Reads::pooled(app.db.clone());
        let mut pooled = std::collections::HashSet::new();
        for _ in 0..4 {
            assert_eq!(backend_pid(&reads).await, first, "the same connection");
            pooled.insert(backend_pid(&others).await);
        }
        assert!(
            !pooled.contains(&first),
            "held, not in the pool: {pooled:?}"
        );
        // A failed read leaves the connection usable: the next read answers, on it.
        let failed = reads
            .query_one_raw(Statement::from_string(backend, "SELECT 1 / 0 AS n"))
            .await;
        assert!(failed.is_err(), "division by zero");
        assert_eq!(
            backend_pid(&reads).await,
            first,
            "still the same connection"
        );
        assert_eq!(
            count(&reads, "SELECT count(*) AS n FROM reads_probe").await,
            1
        );
    }
}

/// Queries hold at most their lane's connections: one more waits for its turn (and gives up,
/// `SERVICE_UNAVAILABLE` upstream, after the pool's own wait), while the rest of the pool still
/// serves writes; a finished query hands its place on.
async fn queries_hold_at_most_their_lane_of_the_pool(app: &TestApp) {
    let lane = QueryLane::new(1, 4, Duration::from_millis(300));
    let first = Reads::for_query(app.db.clone(), app.statements.clone(), &lane);
    let one = "SELECT count(*) AS n FROM (SELECT 1) AS x";
    assert_eq!(count(&first, one).await, 1);
    if !matches!(app.backend, Backend::Postgres) {
        // SQLite: a query's reads go to the pool, a connection per statement; no lane.
        assert_eq!(lane.available(), 1);
        return;
    }
    assert_eq!(
        lane.available(),
        0,
        "the first query holds the lane's one place"
    );
    let second = Reads::for_query(app.db.clone(), app.statements.clone(), &lane);
    let waited = second
        .query_one_raw(Statement::from_string(DatabaseBackend::Postgres, one))
        .await;
    assert!(
        matches!(
            waited,
            Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
        ),
        "{waited:?}"
    );
    // Outside the lane the pool still answers (mutations, sign-in lookups).
    assert_eq!(count(&app.db, one).await, 1);
    second
        .execute_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT 1",
        ))
        .await
        .expect("a write through the queue's reads goes to the pool");
    drop(first);
    assert_eq!(lane.available(), 1, "a finished query gives its place back");
    assert_eq!(count(&second, one).await, 1);
    assert_eq!(lane.available(), 0);
}

/// A query done with its connection hands it to the next query (no trip back to the pool and
/// its release ping), unless it sat idle for a second, or its statement was abandoned midway:
/// those go back to the pool, and the next query still reads. A lane that is the whole pool
/// keeps nothing.
async fn a_finished_querys_connection_goes_to_the_next(app: &TestApp) {
    if !matches!(app.backend, Backend::Postgres) {
        return;
    }
    // A lane that is the whole pool (4 in the tests) keeps nothing: kept connections would
    // leave none for anything else.
    let whole = QueryLane::new(4, 4, Duration::from_secs(2));
    let reads = Reads::for_query(app.db.clone(), app.statements.clone(), &whole);
    backend_pid(&reads).await;
    drop(reads);
    assert_eq!(
        whole.kept(),
        0,
        "nothing kept by a lane that is the whole pool"
    );
    let lane = QueryLane::new(3, 4, Duration::from_secs(2));
    let query = || Reads::for_query(app.db.clone(), app.statements.clone(), &lane);
    let first = query();
    let pid = backend_pid(&first).await;
    assert_eq!(lane.kept(), 0);
    drop(first);
    assert_eq!(lane.kept(), 1, "kept for the next query");
    let second = query();
    assert_eq!(backend_pid(&second).await, pid, "the same connection");
    assert_eq!(lane.kept(), 0, "taken");
    // PostgreSQL's own error leaves the connection ready: it is kept.
    let failed = second
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT 1 / 0 AS n",
        ))
        .await;
    assert!(failed.is_err(), "division by zero");
    drop(second);
    assert_eq!(lane.kept(), 1);
    // Idle for a second: back to the pool (whose checkout tests it), not handed on.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let third = query();
    assert_eq!(
        count(&third, "SELECT count(*) AS n FROM (SELECT 1) AS x").await,
        1
    );
    assert_eq!(lane.kept(), 0, "the stale one went back to the pool");
    drop(third);
    assert_eq!(lane.kept(), 1);
    // A statement abandoned midway: the connection goes back to the pool, not to the next.
    let fourth = query();
    let abandoned = tokio::time::timeout(
        Duration::from_millis(200),
        fourth.query_one_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT 1 AS n FROM pg_sleep(2)",
        )),
    )
    .await;
    assert!(abandoned.is_err(), "abandoned: {abandoned:?}");
    drop(fourth);
    assert_eq!(lane.kept(), 0, "not handed on");
    let fifth = query();
    assert_eq!(
        count(&fifth, "SELECT count(*) AS n FROM (SELECT 1) AS x").await,
        1,
        "the next query reads"
    );
    drop(fifth);
    assert_eq!(lane.kept(), 1);
    // With no query to take it, a kept connection goes back to the pool within a second and a
    // half (the sweep).
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    assert_eq!(lane.kept(), 0, "swept back to the pool");
}

/// While a mutation is in flight, queries that start share fewer places (a write's statements
/// then wait behind fewer busy read backends); those already reading keep theirs, one waiting
/// for a shared place holds none of the lane's, and once no mutation is in flight a query takes
/// only the lane's place again.
async fn queries_starting_during_a_write_share_fewer_connections(app: &TestApp) {
    let lane = QueryLane::new(3, 4, Duration::from_millis(300)).yielding_to_writes(1);
    let query = || Reads::for_query(app.db.clone(), app.statements.clone(), &lane);
    let one = "SELECT count(*) AS n FROM (SELECT 1) AS x";
    let waits = |reads: Reads| async move {
        let waited = reads
            .query_one_raw(Statement::from_string(DatabaseBackend::Postgres, one))
            .await;
        matches!(
            waited,
            Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
        )
    };
    if !matches!(app.backend, Backend::Postgres) {
        // SQLite: no lane, and no mutations' pool to mark.
        let _writing = lane.writing();
        assert_eq!(count(&query(), one).await, 1);
        return;
    }
    let before = query();
    assert_eq!(count(&before, one).await, 1);
    let writing = lane.writing();
    assert_eq!(lane.writes_in_flight(), Some(1));
    let before_reads_on = count(&before, one).await;
    assert_eq!(
        before_reads_on, 1,
        "a query already reading keeps its place"
    );
    assert_eq!(lane.available_during_writes(), Some(1));
    let during = query();
    assert_eq!(count(&during, one).await, 1);
    assert_eq!(lane.available_during_writes(), Some(0));
    assert_eq!(lane.available(), 1, "the lane itself has a place left");
    assert!(waits(query()).await, "the shared place is taken");
    assert_eq!(
        lane.available(),
        1,
        "the waiting query held none of the lane's places"
    );
    // Another mutation starts, the first ends: still during writes.
    let second = lane.writing();
    drop(writing);
    assert_eq!(lane.writes_in_flight(), Some(1));
    assert!(waits(query()).await);
    drop(second);
    assert_eq!(lane.writes_in_flight(), Some(0));
    // No mutation in flight: a query takes the lane's last place, and no shared one.
    let after = query();
    assert_eq!(count(&after, one).await, 1);
    assert_eq!(lane.available(), 0);
    assert_eq!(lane.available_during_writes(), Some(0));
    drop(during);
    assert_eq!(
        lane.available_during_writes(),
        Some(1),
        "the shared place goes back with the query"
    );
    assert_eq!(lane.available(), 1);
    drop((before, after));
    assert_eq!(lane.available(), 3);
}

db_tests!(
    a_querys_reads_share_one_connection,
    queries_hold_at_most_their_lane_of_the_pool,
    a_finished_querys_connection_goes_to_the_next,
    queries_starting_during_a_write_share_fewer_connections
);
