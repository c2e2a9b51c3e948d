//! Batching at the list resolver, for nominations: once a page is known, the people, units and
//! award types its selection names are loaded for the whole page (one statement per kind, as
//! the row resolvers' own batches would), so that each row's resolvers find them cached instead
//! of each waiting on a batch. See `planning::prefetch` for the planning lists.

use std::collections::BTreeSet;

use async_graphql::{Context, Lookahead, Result};
use entity::enums::AwardSubject;
use futures_util::future::try_join3;

use crate::graphql::common::context::load_all;
use crate::graphql::loading::loaders::{AwardTypeById, PersonById, UnitById};
use crate::graphql::planning::prefetch::wants;

/// Prefetches what the node `selections` of a page of nominations read.
pub async fn nominations(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    rows: &[&entity::nomination::Model],
) -> Result<()> {
    if selections.is_empty() || rows.is_empty() {
        return Ok(());
    }
    let named = wants(selections, "nomineeName");
    let want_person = named || wants(selections, "person");
    let want_collective = named || wants(selections, "unit");
    let want_level = wants(selections, "level");
    let want_award = want_level || wants(selections, "awardType");
    let want_awarded = wants(selections, "awardedType");
    let want_nominator = wants(selections, "nominatingUnit");
    let want_holder = want_level || wants(selections, "holder");

    let (mut people, mut units, mut awards) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for row in rows {
        match row.nominee_kind {
            AwardSubject::Collective if want_collective => {
                units.insert(row.nominee_id);
            }
            AwardSubject::Collective => {}
            _ if want_person => {
                people.insert(row.nominee_id);
            }
            _ => {}
        }
        if want_award {
            awards.insert(row.award_type_id);
        }
        if let (true, Some(awarded)) = (want_awarded, row.awarded_type_id) {
            awards.insert(awarded);
        }
        if want_nominator {
            units.insert(row.nominating_unit_id);
        }
        if want_holder {
            units.insert(row.holder_unit_id);
        }
    }
    try_join3(
        load_all(ctx, people.into_iter().map(PersonById)),
        load_all(ctx, units.into_iter().map(UnitById)),
        load_all(ctx, awards.into_iter().map(AwardTypeById)),
    )
    .await?;
    Ok(())
}
