//! Batches (tờ trình): `forwardBatch` sends many nominations up in one letter;
//! `nominationBatch(id)` and `Nomination.batches` read the letters back.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use crate::domain::emulation::nomination::batch::{self, BatchForwarding};
use crate::domain::emulation::nomination::read;
use crate::domain::kernel::error::{FieldError, FieldErrorCode};
use crate::domain::kernel::mutation::Outcome;
use crate::domain::kernel::time::local_time;
use crate::graphql::common::context::{load, loaders};
use crate::graphql::common::enums::AwardAuthority;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::expect_id;
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::emulation::nomination::{Nomination, scope};
use crate::graphql::emulation::person::signed_in;
use crate::graphql::loading::loaders::{BatchById, BatchNominations, NominationById, UnitById};
use crate::graphql::org::unit::Unit;

/// A proposal letter (tờ trình) that carried nominations to the next level.
pub struct NominationBatch(pub entity::nomination_batch::Model);

#[Object]
impl NominationBatch {
    pub async fn id(&self) -> ID {
        global_id(NodeType::NominationBatch, self.0.id)
    }
    /// Số tờ trình.
    async fn number(&self) -> &str {
        &self.0.number
    }
    async fn signed_on(&self) -> Date {
        Date(self.0.signed_on)
    }
    /// The unit that sent it (the one holding the nominations).
    #[graphql(name = "fromUnit")]
    async fn sending_unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.from_unit_id)).await?.map(Unit))
    }
    /// The unit of the next level; null when it is outside the province.
    async fn to_unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.to_unit_id {
            Some(id) => Ok(load(ctx, UnitById(id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    /// The level it went to.
    async fn to_authority(&self) -> AwardAuthority {
        self.0.to_authority.into()
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who sent it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.created_at)
    }
    /// How many nominations the letter carries (all of them, read or not).
    async fn nomination_count(&self, ctx: &Context<'_>) -> Result<i32> {
        Ok(load(ctx, BatchNominations(self.0.id))
            .await?
            .map_or(0, |ids| ids.len() as i32))
    }
    /// The nominations it carries that the caller may read, in the letter's order (at most
    /// 200).
    async fn nominations(&self, ctx: &Context<'_>) -> Result<Vec<Nomination>> {
        let ids = load(ctx, BatchNominations(self.0.id))
            .await?
            .unwrap_or_default();
        let found = loaders(ctx)?
            .load_many(ids.iter().copied().map(NominationById))
            .await
            .into_gql()?;
        let scope = scope(ctx).await?;
        Ok(ids
            .into_iter()
            .filter_map(|id| found.get(&NominationById(id)).cloned())
            .filter(|n| read::may_read(scope.as_deref(), n))
            .map(Nomination::listed)
            .collect())
    }
}

/// The letter, when the caller reads the nominations of its sender or its destination.
async fn readable(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Option<NominationBatch>> {
    let Some(batch) = load(ctx, BatchById(id)).await? else {
        return Ok(None);
    };
    let scope = scope(ctx).await?;
    Ok(batch::may_read(scope.as_deref(), &batch).then_some(NominationBatch(batch)))
}

#[derive(Default)]
pub struct BatchQuery;

#[Object]
impl BatchQuery {
    /// A proposal letter (tờ trình), when the caller reads the nominations of its sender or
    /// its destination.
    async fn nomination_batch(&self, ctx: &Context<'_>, id: ID) -> Result<Option<NominationBatch>> {
        signed_in(ctx)?;
        let id = expect(&id, NodeType::NominationBatch).into_gql()?;
        readable(ctx, id).await
    }
}

/// A nomination as read, in a letter.
#[derive(InputObject)]
pub struct BatchNominationInput {
    pub id: ID,
    /// The version read.
    pub version: i32,
}

/// `forwardBatch` input: one letter, many nominations.
#[derive(InputObject)]
pub struct ForwardBatchInput {
    /// Số tờ trình (at most 100 characters); one letter per unit, number and date.
    pub number: String,
    pub signed_on: Date,
    /// The unit of the next level; absent when the next level is outside the province.
    pub to_unit_id: Option<ID>,
    /// At most 1 500 characters.
    pub note: Option<String>,
    /// The nominations, in the letter's order (1 to 200), all held by the same unit and going
    /// to the same level.
    #[graphql(validator(min_items = 1, max_items = 200))]
    pub nominations: Vec<BatchNominationInput>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The letter as recorded.
    ForwardBatchPayload, batch, NominationBatch, entity::nomination_batch::Entity
);

#[derive(Default)]
pub struct BatchMutation;

#[Object]
impl BatchMutation {
    /// Sends many nominations that passed their council up one level in one letter (tờ
    /// trình): each is forwarded as `forwardNomination` would, with its version and checks, in
    /// one transaction (one refused, none goes; its errors name its place in `nominations`).
    /// The same letter sent again with the same nominations changes nothing.
    async fn forward_batch(
        &self,
        ctx: &Context<'_>,
        input: ForwardBatchInput,
    ) -> Result<ForwardBatchPayload> {
        let cmid = input.client_mutation_id.clone();
        let to = try_input!(
            optional_id_of::<entity::unit::Entity>(input.to_unit_id.as_ref(), "toUnitId"),
            ForwardBatchPayload,
            ctx,
            cmid
        );
        let mut nominations = Vec::with_capacity(input.nominations.len());
        for (i, item) in input.nominations.iter().enumerate() {
            let id = match expect_id::<entity::nomination::Entity>(&item.id) {
                Ok(id) => id,
                Err(error) => {
                    let refused = Outcome {
                        user_errors: vec![FieldError::at(
                            &["nominations", &i.to_string(), "id"],
                            FieldErrorCode::Invalid,
                            error.to_string(),
                        )],
                        ..Outcome::default()
                    };
                    return ForwardBatchPayload::from(ctx, refused, cmid).await;
                }
            };
            nominations.push((id, item.version));
        }
        let forwarding = BatchForwarding {
            number: input.number,
            signed_on: input.signed_on.0,
            to_unit_id: to,
            note: input.note,
            nominations,
        };
        let outcome = run(ctx, "forwardBatch", cmid.as_deref(), async |txn, actor| {
            batch::forward(txn, actor, forwarding).await
        })
        .await?;
        ForwardBatchPayload::from(ctx, outcome, cmid).await
    }
}
