//! Results computed from the database, kept for as long as the database's committed state is
//! the one they were computed from.
//!
//! The key to "the same committed state" is PostgreSQL's own: `pg_current_snapshot()` names
//! which transactions have committed (`xmin:xmax:in-progress ids`). Any committed change to any
//! row, by this instance, another instance or an operator's `psql`, gives a different snapshot;
//! an equal snapshot means the same committed data. A request reads the snapshot first (one
//! statement, no table read) and finds a result computed under that snapshot or computes it:
//!
//! - A result computed after the snapshot was read reflects at least that snapshot's data, and
//!   a later request finds it only while no transaction has committed since: so it gets what it
//!   would have computed itself. Nothing is stale, across instances, without invalidation
//!   messages or a time to live.
//! - Requests asking the same thing under the same snapshot wait for one computation.
//! - Only the newest snapshot's results are kept, at most [`CAPACITY`] of them.
//! - A snapshot covers the whole PostgreSQL server: a commit in another database of the same
//!   server also means computing again (fewer results found, none wrong).
//!
//! On SQLite there is no such snapshot: every request computes (the embedded database is the
//! single-user default, not the one the throughput targets are for).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};
use tokio::sync::OnceCell;

/// Results one cache keeps (of the newest snapshot): a caller cycling through keys cannot grow
/// it past this.
pub const CAPACITY: usize = 64;

/// Results by key, of one snapshot.
pub struct SnapshotCache<K, V> {
    state: Mutex<State<K, V>>,
}

struct State<K, V> {
    snapshot: Option<Snapshot>,
    entries: HashMap<K, Arc<OnceCell<Arc<V>>>>,
}

impl<K, V> Default for SnapshotCache<K, V> {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                snapshot: None,
                entries: HashMap::new(),
            }),
        }
    }
}

/// A PostgreSQL snapshot as text, with its `xmax` (the first transaction id not yet assigned)
/// to tell the newer of two apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    text: String,
    xmax: u64,
}

impl Snapshot {
    fn parse(text: String) -> Self {
        let xmax = text
            .split(':')
            .nth(1)
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        Self { text, xmax }
    }
}

/// The snapshot of the committed state `db` sees now (`None` on SQLite).
pub async fn current_snapshot(db: &impl ConnectionTrait) -> Result<Option<Snapshot>, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT pg_current_snapshot()::text AS snapshot",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("pg_current_snapshot()".into()))?;
    Ok(Some(Snapshot::parse(row.try_get("", "snapshot")?)))
}

impl<K: Hash + Eq + Clone, V> SnapshotCache<K, V> {
    /// The result for `key` under the snapshot `db` sees now: kept, or computed by `compute`
    /// (and kept when the snapshot is still the newest seen). An error is returned, not kept.
    pub async fn get_or_compute<E, F, Fut>(
        &self,
        db: &impl ConnectionTrait,
        key: K,
        compute: F,
    ) -> Result<Arc<V>, E>
    where
        E: From<DbErr>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let Some(snapshot) = current_snapshot(db).await? else {
            return compute().await.map(Arc::new);
        };
        let Some(cell) = self.cell(snapshot, key) else {
            // An older snapshot than one already seen: its result is nobody else's.
            return compute().await.map(Arc::new);
        };
        cell.get_or_try_init(|| async { compute().await.map(Arc::new) })
            .await
            .cloned()
    }

    /// The slot of `key` under `snapshot`, or `None` when `snapshot` is older than the kept
    /// one. A newer snapshot replaces the kept results.
    fn cell(&self, snapshot: Snapshot, key: K) -> Option<Arc<OnceCell<Arc<V>>>> {
        // A panic elsewhere while holding the lock leaves nothing half-done here: the map is
        // only ever replaced or added to.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match &state.snapshot {
            Some(kept) if *kept == snapshot => {}
            Some(kept) if kept.xmax > snapshot.xmax => return None,
            _ => {
                state.snapshot = Some(snapshot);
                state.entries.clear();
            }
        }
        if state.entries.len() >= CAPACITY && !state.entries.contains_key(&key) {
            state.entries.clear();
        }
        Some(state.entries.entry(key).or_default().clone())
    }

    /// Results kept now (for tests).
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_snapshots_replace_older_ones_and_older_ones_are_not_kept() {
        let cache = SnapshotCache::<u32, u32>::default();
        let older = Snapshot::parse("100:105:101,102".into());
        let newer = Snapshot::parse("100:106:101".into());
        assert_eq!(older.xmax, 105);
        assert!(cache.cell(older.clone(), 1).is_some());
        assert!(cache.cell(older.clone(), 2).is_some());
        assert_eq!(cache.len(), 2);
        assert!(cache.cell(newer.clone(), 1).is_some());
        assert_eq!(cache.len(), 1, "a newer snapshot drops the older results");
        assert!(
            cache.cell(older, 1).is_none(),
            "an older snapshot is not kept"
        );
        assert_eq!(cache.len(), 1);
        for key in 0..(CAPACITY as u32 + 5) {
            cache.cell(newer.clone(), key);
        }
        assert!(cache.len() <= CAPACITY);
    }
}
