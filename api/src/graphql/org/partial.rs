//! Units read with only the columns their fields' selections show.
//!
//! A page of tasks reads its assignments with their units in one statement; read whole, a unit
//! is twelve columns (its folded search text and timestamps among them) where a dashboard shows
//! its name: decoding the 81 units of the benchmark's Q1 whole was about an eighth of its server
//! instructions (callgrind, twenty-ninth session). Such units are kept here, each with the
//! columns it was read with, out of the loader's cache, which holds whole units for every field
//! of the request; a unit field takes one from here only when it has every column the field's own
//! selection reads ([`COLUMNS`]), else the whole unit from the loader.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::{Context, Lookahead};
use entity::unit;
use uuid::Uuid;

use crate::domain::kernel::maps::FastMap;
use crate::domain::kernel::rows::ColumnSet;
use crate::graphql::common::context::load;
use crate::graphql::loading::columns;
use crate::graphql::loading::loaders::UnitById;
use crate::graphql::org::unit::COLUMNS;

/// The units of one request read with some of their columns, by id, each with the columns read
/// and the number of the batch that kept it.
#[derive(Default)]
pub struct PartialUnits {
    units: Mutex<FastMap<Uuid, KeptUnit>>,
    /// Whether any is kept: most requests keep none, and their unit fields (a unit's parent, a
    /// nomination's units) go straight to the loader.
    any: AtomicBool,
    /// The batches kept so far: a prefetch tells the units kept before it started from those a
    /// list running alongside keeps meanwhile ([`is_kept`]).
    batches: AtomicU64,
}

/// A unit kept partly read: the columns read, and the batch that kept it.
struct KeptUnit {
    read: ColumnSet,
    unit: Arc<unit::Model>,
    batch: u64,
}

impl PartialUnits {
    /// Keeps `units`, read with the columns of `read`.
    pub fn insert(&self, units: Vec<unit::Model>, read: ColumnSet) {
        if let Ok(mut kept) = self.units.lock() {
            let batch = self.batches.fetch_add(1, Ordering::AcqRel);
            for unit in units {
                let unit = Arc::new(unit);
                kept.insert(unit.id, KeptUnit { read, unit, batch });
            }
            self.any.store(!kept.is_empty(), Ordering::Release);
        }
    }

    /// The unit, if it was read with every column of `needed` (in a batch before `before`).
    fn get(&self, id: Uuid, needed: ColumnSet, before: u64) -> Option<Arc<unit::Model>> {
        let kept = self.units.lock().ok()?;
        let kept = kept.get(&id)?;
        (kept.batch < before && kept.read.contains_all(needed)).then(|| kept.unit.clone())
    }
}

/// The batches of units the request has kept so far (see [`is_kept`]).
pub fn batches_kept(ctx: &Context<'_>) -> u64 {
    ctx.data_opt::<PartialUnits>()
        .map_or(0, |p| p.batches.load(Ordering::Acquire))
}

/// Whether the unit `id` was kept with every column of `needed` before the request had kept
/// `before` batches ([`batches_kept`] when a prefetch starts): the prefetch's unit fields that
/// read those columns find it kept, and it need not load it. Units kept by lists running
/// alongside do not count, so that the statements a prefetch sends do not depend on which of
/// them finished first.
pub fn is_kept(ctx: &Context<'_>, id: Uuid, needed: ColumnSet, before: u64) -> bool {
    keeping(ctx).is_some_and(|p| p.get(id, needed, before).is_some())
}

/// The request's partly read units, when it keeps any.
fn keeping<'a>(ctx: &'a Context<'_>) -> Option<&'a PartialUnits> {
    ctx.data_opt::<PartialUnits>()
        .filter(|p| p.any.load(Ordering::Acquire))
}

/// The columns to read for the unit fields `selections` (each a unit-valued field's selection: an
/// assignment's `unit`, a task's `lead`): only those they show when the request keeps partial
/// units apart, else all.
pub fn columns_for(ctx: &Context<'_>, selections: &[Lookahead<'_>]) -> ColumnSet {
    if ctx.data_opt::<PartialUnits>().is_none() {
        return ColumnSet::ALL;
    }
    COLUMNS.read(selections)
}

/// The columns to read of the units a list joins to its rows for the unit field `field` of its
/// node `selections` (a plan's `issuer`, a unit's `parent`); `None` when no selection reads it.
pub fn joined_columns(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    field: &str,
) -> Option<ColumnSet> {
    let fields: Vec<Lookahead<'_>> = selections
        .iter()
        .map(|s| s.field(field))
        .filter(Lookahead::exists)
        .collect();
    (!fields.is_empty()).then(|| columns_for(ctx, &fields))
}

/// Keeps units read with the columns of `read` for the request's unit fields: whole ones in the
/// loader's cache, partial ones in [`PartialUnits`].
pub async fn keep(ctx: &Context<'_>, units: Vec<unit::Model>, read: ColumnSet) {
    match ctx.data_opt::<PartialUnits>() {
        Some(partial) if !read.is_all::<unit::Entity>() => partial.insert(units, read),
        _ => {
            if let Ok(loaders) = crate::graphql::common::context::loaders(ctx) {
                loaders
                    .feed_many(units.into_iter().map(|u| (UnitById(u.id), u.into())))
                    .await;
            }
        }
    }
}

/// The unit `id` kept with every column the unit field in `ctx` reads (its selection's columns,
/// worked out once per field of the request).
pub fn kept(ctx: &Context<'_>, id: Uuid) -> Option<Arc<unit::Model>> {
    let partial = keeping(ctx)?;
    let needed = columns::once_per_field(ctx, "unit", || COLUMNS.read(&[ctx.look_ahead()]));
    partial.get(id, needed, u64::MAX)
}

/// The unit `id` for the unit field in `ctx`: kept with the columns it reads, else whole from the
/// request's loader.
pub async fn unit_for_field(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Option<Arc<unit::Model>>> {
    match kept(ctx, id) {
        Some(unit) => Ok(Some(unit)),
        None => load(ctx, UnitById(id)).await,
    }
}
