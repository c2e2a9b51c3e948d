//! The value maps of objects answered in place (an object's fields by response key), with each
//! key's hash worked out once instead of once per object.
//!
//! async-graphql's object value is an `IndexMap<Name, Value>` hashed with the standard
//! `RandomState` (SipHash), whose keys are new for every map: each field of each object hashed
//! its response key again, about 170 instructions for a four-letter name, and a page of 50
//! units with their parents and children hashed some 360 keys (5 % of the page's server
//! instructions, callgrind of the benchmark's Q10, twenty-ninth session). Here every map is made
//! with one process-wide `RandomState`, so a key has one hash in all of them, kept per thread
//! by the key's shared text and handed to the map with the key. The maps are the same type
//! with the same kind of random key (a caller still cannot choose keys that collide), so
//! async-graphql reads, merges and serialises them as any other.

use std::cell::RefCell;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher as _;
use std::sync::LazyLock;

use async_graphql::indexmap::IndexMap;
use async_graphql::indexmap::map::RawEntryApiV1 as _;
use async_graphql::indexmap::map::raw_entry_v1::RawEntryMut;
use async_graphql::{Name, Value};

/// The one SipHash key of every map made here.
static KEYS: LazyLock<RandomState> = LazyLock::new(RandomState::new);

/// How many keys' hashes a thread keeps.
const KEPT: usize = 256;

thread_local! {
    /// Response keys' hashes under [`KEYS`], each at a place picked by the address of the key's
    /// text. The keys of a document's fields are shared (`Name` is an `Arc<str>`): every object
    /// of a list inserts the same few, so one is found by its address, without reading or
    /// hashing its text. The kept `Name` holds its text alive, so no other text can come to
    /// that address while it is kept.
    static HASHES: RefCell<[Option<(Name, u64)>; KEPT]> =
        const { RefCell::new([const { None }; KEPT]) };
}

/// The hash of `key` in every map [`ValueMap`] makes.
fn hash_of(key: &Name) -> u64 {
    let address = key.as_str().as_ptr() as usize;
    // Allocations are 8- or 16-byte aligned: the bits above those pick the place.
    let place = ((address >> 4) ^ (address >> 12)) % KEPT;
    HASHES.with(|hashes| {
        let mut hashes = hashes.borrow_mut();
        let slot = &mut hashes[place];
        if let Some((kept, hash)) = slot
            && std::ptr::eq(kept.as_str(), key.as_str())
        {
            return *hash;
        }
        let hash = KEYS.hash_one(key);
        *slot = Some((key.clone(), hash));
        hash
    })
}

/// An object's value being built, field by field, in the order given.
pub struct ValueMap(IndexMap<Name, Value>);

impl ValueMap {
    /// An empty map with room for `capacity` fields.
    pub fn with_capacity(capacity: usize) -> Self {
        Self(IndexMap::with_capacity_and_hasher(capacity, KEYS.clone()))
    }

    /// Adds `key` with `value`; `false` (and the map unchanged) when `key` is there already.
    pub fn insert_new(&mut self, key: Name, value: Value) -> bool {
        let hash = hash_of(&key);
        match self
            .0
            .raw_entry_mut_v1()
            .from_key_hashed_nocheck(hash, &key)
        {
            RawEntryMut::Occupied(_) => false,
            RawEntryMut::Vacant(place) => {
                place.insert_hashed_nocheck(hash, key, value);
                true
            }
        }
    }

    /// The object's value.
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_map_built_here_is_found_and_merged_as_any_other() {
        let names = ["id", "name", "tên đơn vị", "", "children", "a"];
        let mut map = ValueMap::with_capacity(2);
        for (i, name) in names.iter().enumerate() {
            assert!(map.insert_new(Name::new(name), Value::from(i as i32)));
        }
        // A key given twice is refused and leaves the first value.
        assert!(!map.insert_new(Name::new("name"), Value::Null));
        let Value::Object(mut object) = map.into_value() else {
            panic!("an object");
        };
        // Looked up, and inserted into, with the map's own hashing (as async-graphql merges).
        for (i, name) in names.iter().enumerate() {
            assert_eq!(object.get(*name), Some(&Value::from(i as i32)), "{name}");
        }
        assert_eq!(
            object.insert(Name::new("id"), Value::Null),
            Some(Value::from(0))
        );
        object.insert(Name::new("new"), Value::Null);
        assert_eq!(object.len(), names.len() + 1);
        let order: Vec<&str> = object.keys().map(Name::as_str).collect();
        assert_eq!(&order[..names.len()], names);
        // The same as a map async-graphql would build.
        let plain: IndexMap<Name, Value> = object.clone().into_iter().collect();
        assert_eq!(Value::Object(object), Value::Object(plain));
    }

    #[test]
    fn keys_of_the_same_text_at_other_addresses_hash_alike() {
        // Many distinct texts (more than the places kept), each inserted through a copy at
        // another address too: the second insert of the same text is refused, as a map built
        // by hashing each key would refuse it.
        let mut map = ValueMap::with_capacity(0);
        for i in 0..KEPT * 4 {
            let text = format!("k{i}");
            assert!(map.insert_new(Name::new(&text), Value::Null));
            assert!(!map.insert_new(Name::new(&text), Value::Null), "{text}");
        }
        let Value::Object(object) = map.into_value() else {
            panic!("an object");
        };
        assert_eq!(object.len(), KEPT * 4);
        assert!((0..KEPT * 4).all(|i| object.contains_key(format!("k{i}").as_str())));
    }
}
