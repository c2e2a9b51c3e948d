//! The column registry: for each object type whose lists read only what their selection shows
//! (`Task`, `Plan`, `ProgressUpdate`, `Unit`), every field of the type with the stored columns its
//! resolver reads, as the entity's typed columns. The id is always read; a field that reads
//! nothing else (a relation loaded by id, a field computed elsewhere) is listed with no columns,
//! so every field of the type is in its registry.
//!
//! Two tests hold it true: `every_field_is_registered` below compares each registry with the
//! schema (a field added without its entry fails it, and so does an entry whose field is gone),
//! and `tests/api/columns.rs` reads every field from a list, through HTTP, and compares it with
//! the same row read whole (an entry with too few columns fails it).

use std::any::Any;
use std::sync::{Mutex, OnceLock};

use async_graphql::{Context, Lookahead};
use sea_orm::EntityTrait;

use crate::domain::kernel::maps::FastMap;
use crate::domain::kernel::rows::ColumnSet;

/// The stored columns each field of one GraphQL object type reads from its entity `E`.
pub struct FieldColumns<E: EntityTrait> {
    type_name: &'static str,
    id: E::Column,
    fields: &'static [(&'static str, &'static [E::Column])],
    /// The id's set and each field's, in `fields`' order: made once, as [`ColumnSet::of`]
    /// compares every column's name with every listed one (a unit's `children` read them for
    /// each unit of a page: 7 % of a page of 50 units, callgrind, twenty-first session).
    sets: OnceLock<(ColumnSet, Vec<ColumnSet>)>,
}

impl<E: EntityTrait> FieldColumns<E> {
    /// The registry of `type_name`, whose rows `id` names.
    pub const fn new(
        type_name: &'static str,
        id: E::Column,
        fields: &'static [(&'static str, &'static [E::Column])],
    ) -> Self {
        Self {
            type_name,
            id,
            fields,
            sets: OnceLock::new(),
        }
    }

    /// The columns that `selections` (a list's node selections, or one field's) read: the id
    /// and every selected field's columns.
    pub fn read(&self, selections: &[Lookahead<'_>]) -> ColumnSet {
        let (id, sets) = self.sets.get_or_init(|| {
            let sets = self
                .fields
                .iter()
                .map(|(_, columns)| ColumnSet::of::<E>(columns))
                .collect();
            (ColumnSet::of::<E>(&[self.id]), sets)
        });
        let mut read = *id;
        for ((field, _), set) in self.fields.iter().zip(sets) {
            if selections.iter().any(|s| s.field(field).exists()) {
                read = read.with(*set);
            }
        }
        read
    }
}

/// A registry seen without its entity, for the test that compares it with the schema.
pub trait Registry: Sync {
    fn type_name(&self) -> &'static str;
    fn field_names(&self) -> Vec<&'static str>;
}

impl<E: EntityTrait> Registry for FieldColumns<E>
where
    E::Column: Sync,
{
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn field_names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|(name, _)| *name).collect()
    }
}

/// What the fields of one request's document work out from their selection and arguments (the
/// columns they read, a nested page's window), by field. Every row of a list resolves the same
/// field (a unit's `children`, a task's `latestProgress`), whose selection and arguments are the
/// same each time; working them out walks the selection once per registered field (a page of 50
/// units with their children spent about 8 % of its instructions there, callgrind,
/// twenty-second session) and reads the arguments again (3 %, twenty-ninth session).
#[derive(Default)]
pub struct FieldMemo(Mutex<FastMap<FieldPurpose, Box<dyn Any + Send + Sync>>>);

/// A field of the request's document (its node's address) and what is worked out for it.
type FieldPurpose = (usize, &'static str);

/// `compute`'s value for the field being resolved, worked out once per field of the request's
/// document and `purpose` (each call where the request keeps no [`FieldMemo`]: a live
/// subscription's). A field's selection, its fragments and its variables are the same for
/// every row the field is resolved for within a request.
pub fn once_per_field<T: Copy + Send + Sync + 'static>(
    ctx: &Context<'_>,
    purpose: &'static str,
    compute: impl FnOnce() -> T,
) -> T {
    let Some(memo) = ctx.data_opt::<FieldMemo>() else {
        return compute();
    };
    let key = (std::ptr::from_ref(ctx.item) as usize, purpose);
    let known = memo.0.lock().ok().and_then(|values| {
        values
            .get(&key)
            .and_then(|value| value.downcast_ref::<T>().copied())
    });
    if let Some(value) = known {
        return value;
    }
    // Not under the lock: `compute` may work out another field's value.
    let value = compute();
    if let Ok(mut values) = memo.0.lock() {
        values.insert(key, Box::new(value));
    }
    value
}
