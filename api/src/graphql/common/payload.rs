//! The one way a mutation resolver runs: parse the input (an id that does not decode is a
//! `userError`, not a failure), call the domain inside `kernel::mutation::run` (one transaction
//! with its audit event, idempotent retries), and answer with a payload holding the object as it
//! is now and the `userErrors`.

use async_graphql::{Context, Enum, ID, MaybeUndefined, Result, SimpleObject};
use sea_orm::{DatabaseTransaction, EntityTrait};
use uuid::Uuid;

use crate::domain::access::{Actor, Viewer};
use crate::domain::kernel::checks::Edit;
use crate::domain::kernel::error::{DomainResult, FieldError};
use crate::domain::kernel::ids::Id;
use crate::domain::kernel::mutation::{self, Change, Outcome, Written};
use crate::domain::reporting::events::Event;
use crate::graphql::common::context::RequestId;
use crate::graphql::common::context::{db, pool};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{Node, expect_id};

/// Stable codes of `userErrors`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::kernel::error::FieldErrorCode")]
pub enum UserErrorCode {
    /// A required value is missing or blank.
    Required,
    TooLong,
    Invalid,
    OutOfRange,
    /// Dates or years out of order (an end before its start).
    DateOrder,
    /// Another object already uses this value (a document number of the same issuer and year).
    Duplicate,
    /// The object changed since it was read: reload it and retry.
    StaleVersion,
    NotFound,
    /// The object's state does not allow this (issuing a plan that is not a draft…).
    InvalidState,
    /// The unit is closed (merged, dissolved) and takes no new work.
    UnitClosed,
    /// The change would make a cycle.
    Cycle,
    /// This `clientMutationId` was used for another mutation.
    IdempotencyKeyReused,
}

/// Why a mutation's input was rejected (nothing was changed).
#[derive(SimpleObject, Debug, Clone)]
pub struct UserError {
    /// Path to the input field, e.g. `["input", "periodEnd"]`.
    pub field: Vec<String>,
    pub code: UserErrorCode,
    pub message: String,
}

impl From<FieldError> for UserError {
    fn from(error: FieldError) -> Self {
        // The path starts at the mutation's `input` argument. Outcomes stored for idempotent
        // retries before the domain stopped naming it already start there.
        let mut field = error.field;
        if field.first().map(String::as_str) != Some("input") {
            field.insert(0, "input".into());
        }
        Self {
            field,
            code: error.code.into(),
            message: error.message,
        }
    }
}

/// A payload with the object as it is after the mutation (null when the input was rejected).
macro_rules! object_payload {
    ($(#[$meta:meta])* $payload:ident, $field:ident, $object:ident, $entity:path) => {
        $(#[$meta])*
        #[derive(SimpleObject)]
        pub struct $payload {
            /// The object as it is now (null when the input was rejected).
            pub $field: Option<$object>,
            pub user_errors: Vec<UserError>,
            pub client_mutation_id: Option<String>,
        }

        impl $payload {
            pub(super) async fn from(
                ctx: &Context<'_>,
                outcome: Outcome,
                client_mutation_id: Option<String>,
            ) -> Result<Self> {
                let $field = fresh::<$entity>(ctx, outcome.object_id).await?;
                Ok(Self {
                    $field: $field.map(|model| $object(model.into())),
                    user_errors: errors(&outcome),
                    client_mutation_id,
                })
            }

            /// The payload of a mutation that wrote `written` as stored: shown as it is, not
            /// read again, unless the outcome is another's (a replay, or a concurrent retry
            /// that committed first).
            #[allow(dead_code, reason = "generated for every payload; used where the mutation returns its row")]
            pub(super) async fn from_written(
                ctx: &Context<'_>,
                outcome: Outcome,
                written: Option<<$entity as sea_orm::EntityTrait>::Model>,
                client_mutation_id: Option<String>,
            ) -> Result<Self> {
                match own_row(&outcome, written, |model| model.id) {
                    Some(model) => Ok(Self {
                        $field: Some($object(model.into())),
                        user_errors: errors(&outcome),
                        client_mutation_id,
                    }),
                    None => Self::from(ctx, outcome, client_mutation_id).await,
                }
            }
        }
    };
}
pub(crate) use object_payload;

/// The row a mutation wrote, when the outcome is its own: not a replay, nor the outcome of a
/// concurrent retry that committed first (its object is another row).
pub fn own_row<M>(outcome: &Outcome, written: Option<M>, id: impl FnOnce(&M) -> Uuid) -> Option<M> {
    written.filter(|model| !outcome.replayed && outcome.object_id == Some(id(model)))
}

/// Reads an object fresh from the database: the request's loader may hold it as it was before
/// the change.
pub async fn fresh<E: EntityTrait>(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<E::Model>>
where
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = Uuid>,
{
    match id {
        Some(id) => E::find_by_id(id)
            .one(db(ctx)?)
            .await
            .map_err(crate::domain::kernel::error::DomainError::from)
            .into_gql(),
        None => Ok(None),
    }
}

/// The user errors of an outcome.
pub fn errors(outcome: &Outcome) -> Vec<UserError> {
    outcome
        .user_errors
        .iter()
        .cloned()
        .map(UserError::from)
        .collect()
}

pub fn actor(ctx: &Context<'_>) -> Result<Actor> {
    let viewer = ctx.data_opt::<Viewer>().cloned().unwrap_or_default();
    let request_id = ctx.data_opt::<RequestId>().map(|r| r.0.clone());
    Actor::require(&viewer, request_id).into_gql()
}

pub fn rejected(field: &str, error: crate::domain::kernel::error::DomainError) -> Outcome {
    Outcome {
        object_id: None,
        user_errors: vec![FieldError::new(
            field,
            crate::domain::kernel::error::FieldErrorCode::Invalid,
            error.to_string(),
        )],
        ..Outcome::default()
    }
}

pub fn edit<T, U>(value: MaybeUndefined<T>, map: impl FnOnce(T) -> U) -> Edit<U> {
    match value {
        MaybeUndefined::Undefined => Edit::Keep,
        MaybeUndefined::Null => Edit::Clear,
        MaybeUndefined::Value(v) => Edit::Set(map(v)),
    }
}

/// A global id that must name an `E`, as that entity's typed id, or the `userError` of
/// `field`.
pub fn id_of<E: Node>(id: &ID, field: &str) -> std::result::Result<Id<E>, Outcome> {
    expect_id::<E>(id).map_err(|e| rejected(field, e))
}

/// An optional global id that must name an `E`, as that entity's typed id, or the
/// `userError` of `field`.
pub fn optional_id_of<E: Node>(
    id: Option<&ID>,
    field: &str,
) -> std::result::Result<Option<Id<E>>, Outcome> {
    id.map(|id| id_of::<E>(id, field)).transpose()
}

pub async fn run(
    ctx: &Context<'_>,
    name: &'static str,
    client_mutation_id: Option<&str>,
    work: impl AsyncFnOnce(&DatabaseTransaction, &Actor) -> DomainResult<Change>,
) -> Result<Outcome> {
    run_noticed(ctx, name, client_mutation_id, async |txn, actor| {
        Ok((work(txn, actor).await?, None))
    })
    .await
}

/// [`run`] for work that returns the row it wrote, as stored: the row comes back with the
/// outcome (for the payload's `from_written`).
pub async fn run_written<M: Send>(
    ctx: &Context<'_>,
    name: &'static str,
    client_mutation_id: Option<&str>,
    work: impl AsyncFnOnce(&DatabaseTransaction, &Actor) -> DomainResult<Written<M>>,
) -> Result<(Outcome, Option<M>)> {
    let mut written = None;
    let outcome = run(ctx, name, client_mutation_id, async |txn, actor| {
        let Written { change, model } = work(txn, actor).await?;
        written = Some(model);
        Ok(change)
    })
    .await?;
    Ok((outcome, written))
}

/// [`run`] for work that knows its change's live notices (`None`: read them from the change).
pub async fn run_noticed(
    ctx: &Context<'_>,
    name: &'static str,
    client_mutation_id: Option<&str>,
    work: impl AsyncFnOnce(&DatabaseTransaction, &Actor) -> DomainResult<(Change, Option<Vec<Event>>)>,
) -> Result<Outcome> {
    let actor = actor(ctx)?;
    let bus = ctx.data_opt::<crate::events::EventBus>();
    let mut after_commit = Vec::new();
    let outcome =
        mutation::run_noticed(pool(ctx)?, &actor, name, client_mutation_id, async |txn| {
            let (change, notices) = work(txn, &actor).await?;
            // Live subscribers hear of the change when it commits: its notices go out with its
            // audit event (no round trip of their own), read in its transaction when the work did
            // not know them.
            let mut sent = mutation::Notices::default();
            if let Some(bus) = bus
                && (change.before.is_some() || change.after.is_some())
            {
                let notices = match notices {
                    Some(notices) => Ok(notices),
                    None => {
                        crate::domain::reporting::events::of_change(
                            txn,
                            change.action,
                            change.object_type,
                            change.object_id,
                        )
                        .await
                    }
                };
                match notices {
                    Ok(events) => (sent, after_commit) = bus.notices(events),
                    // Failing to tell subscribers fails nothing.
                    Err(error) => tracing::warn!(%error, "cannot read a change for live updates"),
                }
            }
            Ok((change, sent))
        })
        .await
        .into_gql()?;
    // Not for a replay, nor a change a concurrent retry beat to its key (rolled back).
    if let (Some(bus), Some(_)) = (bus, outcome.changed) {
        bus.deliver_locally(after_commit);
    }
    Ok(outcome)
}

/// The result of a deletion.
#[derive(SimpleObject)]
pub struct DeletePayload {
    /// The id of the deleted object (null when nothing was deleted).
    pub deleted_id: Option<ID>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

macro_rules! try_input {
    ($value:expr, $payload:ident, $ctx:expr, $cmid:expr) => {
        match $value {
            Ok(value) => value,
            Err(outcome) => return $payload::from($ctx, outcome, $cmid).await,
        }
    };
}

pub(crate) use try_input;
