//! The request's batching loader: keys asked for by sibling resolvers in the same turn of the
//! request's task are fetched together, and every value fetched is cached for the request.
//!
//! It replaces async-graphql's `DataLoader`, whose batching waits on a 1 ms timer from a global
//! timer thread: under load that cost a thread wake-up and a context switch per batch, and added
//! a millisecond of latency to every level of a query. Here the batch is collected by yielding
//! to the runtime instead: the fetch runs as a task queued behind the request's own, so every
//! sibling polled in the same pass has registered its keys by the time it starts. (That holds
//! on actix's single-threaded worker runtimes; on a work-stealing runtime a batch may start
//! early and a late key simply goes into the next batch: still correct, one statement more.)

use std::any::{Any, TypeId};
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::maps::{FastMap, FastSet, map_with_capacity};

/// Most keys in one statement (an `IN` list); larger batches are fetched in several.
const MAX_BATCH: usize = 1000;

type Shared = Arc<DomainError>;

/// How the values of one key type are fetched: those of a batch of keys, by key (a key with no
/// value has no entry). async-graphql's `Loader`, but returning a map hashed with aHash: its
/// standard map hashed every key of every batch with SipHash, once there and again into the
/// cache.
pub trait Load<K>: Send + Sync + 'static {
    type Value: Send + Sync + Clone + 'static;

    fn load(
        &self,
        keys: &[K],
    ) -> impl Future<Output = Result<FastMap<K, Self::Value>, Shared>> + Send;
}

/// One [`Slot`] per key type (hashed with aHash: a request looks its slots up a few hundred
/// times).
type Slots = FastMap<TypeId, Box<dyn Any + Send>>;

/// Batches and caches the loads of one request through `T`'s [`Load`] impls.
pub struct BatchLoader<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for BatchLoader<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<T> {
    loader: T,
    slots: Mutex<Slots>,
    /// After this instant no batch starts (the request has timed out; see `routes::graphql`).
    deadline: Option<std::time::Instant>,
}

/// The slots' maps hash with aHash: their keys are ids and ids with a window (a unit's
/// children: 40 bytes), which SipHash took about 350 instructions each to hash, a tenth of a page
/// of units with their children (callgrind, twenty-first session). The keys are the server's
/// (ids read from rows, or ids a request's limits bound), and aHash's keys are random per map.
struct Slot<K, V> {
    cache: FastMap<K, V>,
    pending: Vec<K>,
    pending_set: FastSet<K>,
    waiters: Vec<oneshot::Sender<Result<(), Shared>>>,
    scheduled: bool,
}

impl<K, V> Default for Slot<K, V> {
    fn default() -> Self {
        Self {
            cache: FastMap::default(),
            pending: Vec::new(),
            pending_set: FastSet::default(),
            waiters: Vec::new(),
            scheduled: false,
        }
    }
}

/// What a lookup found: every key cached, or a batch to wait for (and whether to start it).
enum Lookup<F> {
    Cached(F),
    Wait(oneshot::Receiver<Result<(), Shared>>, bool),
}

impl<K: Hash + Eq + Clone, V> Slot<K, V> {
    /// Queues `missing` keys for the next batch (each once) and a waiter for it.
    fn enqueue<F>(&mut self, missing: impl IntoIterator<Item = K>) -> Lookup<F> {
        for key in missing {
            if self.pending_set.insert(key.clone()) {
                self.pending.push(key);
            }
        }
        let (tx, rx) = oneshot::channel();
        self.waiters.push(tx);
        let spawn = !self.scheduled;
        self.scheduled = true;
        Lookup::Wait(rx, spawn)
    }
}

fn unexpected(what: &str) -> Shared {
    Arc::new(DomainError::Unexpected(anyhow::anyhow!("{what}")))
}

impl<T: Send + Sync + 'static> Inner<T> {
    fn lock(&self) -> Result<MutexGuard<'_, Slots>, Shared> {
        self.slots
            .lock()
            .map_err(|_| unexpected("the request's loader was poisoned"))
    }

    /// Runs `f` on the slot of key type `K`.
    fn with_slot<K, R>(
        &self,
        f: impl FnOnce(&mut Slot<K, <T as Load<K>>::Value>) -> R,
    ) -> Result<R, Shared>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Load<K>,
    {
        let mut slots = self.lock()?;
        let slot = slots
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Box::new(Slot::<K, <T as Load<K>>::Value>::default()))
            .downcast_mut::<Slot<K, <T as Load<K>>::Value>>()
            .ok_or_else(|| unexpected("loader slot of the wrong type"))?;
        Ok(f(slot))
    }

    /// The batch task: lets the request's task register its siblings' keys, then fetches them.
    async fn fetch<K>(self: Arc<Self>)
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Load<K>,
    {
        // Queued behind the request's task: one turn lets it finish its current pass over the
        // sibling resolvers; a second covers a pass cut short by the runtime's budget.
        tokio::task::yield_now().await;
        tokio::task::yield_now().await;
        let Ok((keys, waiters)) = self.with_slot::<K, _>(|slot| {
            slot.scheduled = false;
            slot.pending_set.clear();
            (
                std::mem::take(&mut slot.pending),
                std::mem::take(&mut slot.waiters),
            )
        }) else {
            return; // poisoned: the waiters see their channels close
        };
        let mut outcome = Ok(());
        for chunk in keys.chunks(MAX_BATCH) {
            if self
                .deadline
                .is_some_and(|deadline| std::time::Instant::now() >= deadline)
            {
                outcome = Err(Arc::new(DomainError::Timeout));
                break;
            }
            match self.loader.load(chunk).await {
                Ok(values) => {
                    if let Err(e) = self.with_slot::<K, _>(|slot| slot.cache.extend(values)) {
                        outcome = Err(e);
                        break;
                    }
                }
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        for waiter in waiters {
            let _ = waiter.send(outcome.clone());
        }
    }
}

/// The cached values of `keys` (absent keys have no entry).
fn found_in<K: Hash + Eq + Clone, V: Clone>(slot: &Slot<K, V>, keys: &[K]) -> FastMap<K, V> {
    let mut found = map_with_capacity(keys.len());
    found.extend(
        keys.iter()
            .filter_map(|k| slot.cache.get(k).map(|v| (k.clone(), v.clone()))),
    );
    found
}

impl<T: Send + Sync + 'static> BatchLoader<T> {
    pub fn new(loader: T) -> Self {
        Self::until(loader, None)
    }

    /// A loader that starts no batch after `deadline`.
    pub fn until(loader: T, deadline: Option<std::time::Instant>) -> Self {
        Self {
            inner: Arc::new(Inner {
                loader,
                slots: Mutex::new(Slots::default()),
                deadline,
            }),
        }
    }

    /// The values of `keys` that exist (absent keys have no entry).
    pub async fn load_many<K, I>(&self, keys: I) -> Result<FastMap<K, T::Value>, Shared>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        I: IntoIterator<Item = K>,
        T: Load<K>,
    {
        let keys: Vec<K> = keys.into_iter().collect();
        let waiting = self.inner.with_slot::<K, _>(|slot| {
            let missing: Vec<K> = keys
                .iter()
                .filter(|key| !slot.cache.contains_key(key))
                .cloned()
                .collect();
            if missing.is_empty() {
                return Lookup::Cached(found_in(slot, &keys));
            }
            slot.enqueue(missing)
        })?;
        self.wait::<K, _>(waiting).await?;
        self.inner.with_slot::<K, _>(|slot| found_in(slot, &keys))
    }

    /// Makes sure the values of `keys` are cached, fetching the missing ones in one batch,
    /// without copying any out: a list resolver's prefetch, after which its rows' resolvers
    /// find them cached instead of each waiting on the batch.
    pub async fn prefetch<K, I>(&self, keys: I) -> Result<(), Shared>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        I: IntoIterator<Item = K>,
        T: Load<K>,
    {
        let waiting = self.inner.with_slot::<K, _>(|slot| {
            let missing: Vec<K> = keys
                .into_iter()
                .filter(|key| !slot.cache.contains_key(key))
                .collect();
            if missing.is_empty() {
                return Lookup::Cached(());
            }
            slot.enqueue(missing)
        })?;
        self.wait::<K, ()>(waiting).await?;
        Ok(())
    }

    /// The value of `key`, if it exists.
    pub async fn load_one<K>(&self, key: K) -> Result<Option<T::Value>, Shared>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Load<K>,
    {
        // One key needs no map of what was found: it is looked up again after the batch.
        let waiting = self
            .inner
            .with_slot::<K, _>(|slot| match slot.cache.get(&key) {
                Some(value) => Lookup::Cached(value.clone()),
                None => slot.enqueue(std::iter::once(key.clone())),
            })?;
        if let Some(value) = self.wait::<K, _>(waiting).await? {
            return Ok(Some(value));
        }
        self.inner
            .with_slot::<K, _>(|slot| slot.cache.get(&key).cloned())
    }

    /// What was cached, or after the batch it waits for (started here when it is the first
    /// waiter) has run, `None`.
    async fn wait<K, F>(&self, lookup: Lookup<F>) -> Result<Option<F>, Shared>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Load<K>,
    {
        let (rx, spawn) = match lookup {
            Lookup::Cached(found) => return Ok(Some(found)),
            Lookup::Wait(rx, spawn) => (rx, spawn),
        };
        if spawn {
            // In the resolver's span: its statements belong to the request's trace.
            tokio::spawn(tracing::Instrument::in_current_span(
                self.inner.clone().fetch::<K>(),
            ));
        }
        rx.await
            .map_err(|_| unexpected("a batch load stopped before it finished"))??;
        Ok(None)
    }

    /// The value of `key` if it is cached, without fetching it (`None` also when the key was
    /// fetched and has no value: the cache keeps only what was found).
    pub fn cached<K>(&self, key: &K) -> Option<T::Value>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Load<K>,
    {
        self.inner
            .with_slot::<K, _>(|slot| slot.cache.get(key).cloned())
            .ok()
            .flatten()
    }

    /// Puts values fetched some other way (a join, a list) into the cache.
    pub async fn feed_many<K, I>(&self, values: I)
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        I: IntoIterator<Item = (K, T::Value)>,
        T: Load<K>,
    {
        let _ = self
            .inner
            .with_slot::<K, _>(|slot| slot.cache.extend(values));
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures_util::future::join_all;

    use super::*;

    /// Even keys exist (value: ten times the key); counts its batches. Key 1013 fails.
    #[derive(Default)]
    struct Evens {
        batches: Mutex<Vec<Vec<u32>>>,
        calls: AtomicUsize,
    }

    impl Load<u32> for Evens {
        type Value = u32;

        async fn load(&self, keys: &[u32]) -> Result<FastMap<u32, u32>, Shared> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut batches) = self.batches.lock() {
                let mut sorted = keys.to_vec();
                sorted.sort_unstable();
                batches.push(sorted);
            }
            if keys.contains(&1013) {
                return Err(unexpected("key 1013 fails"));
            }
            Ok(keys
                .iter()
                .filter(|k| *k % 2 == 0)
                .map(|k| (*k, k * 10))
                .collect())
        }
    }

    fn calls(loader: &BatchLoader<Evens>) -> usize {
        loader.inner.loader.calls.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn sibling_loads_share_one_batch_and_then_the_cache() {
        let loader = BatchLoader::new(Evens::default());
        let found = join_all((0..50u32).map(|k| loader.load_one(k))).await;
        assert_eq!(calls(&loader), 1, "fifty siblings, one batch");
        for (k, value) in (0..50u32).zip(found) {
            let value = value.expect("no error");
            assert_eq!(value, (k % 2 == 0).then_some(k * 10), "key {k}");
        }
        let batches = loader.inner.loader.batches.lock().expect("batches").clone();
        assert_eq!(batches, vec![(0..50).collect::<Vec<_>>()]);

        // Found values come from the cache; a missing key is asked for again.
        assert_eq!(loader.load_one(8).await.expect("cached"), Some(80));
        assert_eq!(calls(&loader), 1);
        assert_eq!(loader.load_one(9).await.expect("missing"), None);
        assert_eq!(calls(&loader), 2);

        // Only what was found is cached: a missing key is not, even once fetched.
        assert_eq!(loader.cached(&8), Some(80));
        assert_eq!(loader.cached(&9), None);
        assert_eq!(loader.cached(&52), None, "never asked for");

        // Fed values are served without a fetch.
        loader.feed_many([(100u32, 7)]).await;
        let many = loader.load_many([100u32, 2]).await.expect("cached");
        assert_eq!(many, FastMap::from_iter([(100, 7), (2, 20)]));
        assert_eq!(calls(&loader), 2);
    }

    #[tokio::test]
    async fn a_failed_batch_fails_every_waiter_and_caches_nothing() {
        let loader = BatchLoader::new(Evens::default());
        let results = join_all([12u32, 1013, 14].map(|k| loader.load_one(k))).await;
        assert!(results.iter().all(Result::is_err), "{results:?}");
        assert_eq!(calls(&loader), 1);
        assert_eq!(loader.load_one(12).await.expect("retried"), Some(120));
        assert_eq!(calls(&loader), 2, "the failure was not cached");
    }
}
