//! Maps and sets hashed with aHash, for the read paths' maps of rows by id.
//!
//! The standard maps hash with SipHash: about 150 instructions for a 16-byte id, where aHash
//! takes about 20. A page of 50 tasks with their assignments, units and newest updates hashed
//! ids some two thousand times between the rows read and the loader's cache (callgrind of the
//! benchmark's Q1, twenty-second session). aHash's keys are random per map, as SipHash's are,
//! so ids a caller chose (global ids in a request) cannot be picked to collide.

use std::collections::{HashMap, HashSet};

/// A map hashed with aHash.
pub type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;

/// A set hashed with aHash.
pub type FastSet<K> = HashSet<K, ahash::RandomState>;

/// An empty [`FastMap`] with room for `capacity` entries.
pub fn map_with_capacity<K, V>(capacity: usize) -> FastMap<K, V> {
    FastMap::with_capacity_and_hasher(capacity, ahash::RandomState::default())
}
