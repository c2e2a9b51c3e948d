//! How every mutation runs: idempotency (a retry with the same `clientMutationId` by the same
//! caller gets the first result and writes nothing), one transaction for the change and its
//! audit event, and nothing written when the input is rejected.

use chrono::Utc;
use entity::{audit_event, idempotency_key};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

use crate::access::Actor;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode};

/// What a mutation changed, for the audit log.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: AuditAction,
    pub object_type: ObjectType,
    pub object_id: Uuid,
    /// The unit the object belongs to (whose admins may read the event).
    pub scope_unit_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A change and the row it wrote, as stored: the payload shows it without reading it again.
#[derive(Debug, Clone)]
pub struct Written<M> {
    pub change: Change,
    pub model: M,
}

/// The result a mutation reports (and a retry replays).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// The object the mutation created or changed (none after a delete).
    pub object_id: Option<Uuid>,
    pub user_errors: Vec<FieldError>,
    /// Set on a replay.
    #[serde(skip)]
    pub replayed: bool,
    /// What was changed, when something was (for live updates: not replayed).
    #[serde(skip)]
    pub changed: Option<(AuditAction, ObjectType, Uuid)>,
}

/// The one writer of the embedded SQLite database. SQLite allows one write transaction at a
/// time; a deferred transaction that reads first and then writes (most mutations do) fails at
/// once with "database is locked" when another writer came between, whatever the busy timeout.
/// Measured with 300 concurrent `createPlan` over HTTP (pool of 10): plain `BEGIN` refused 261;
/// `BEGIN IMMEDIATE` alone, this queue alone, and both refused none, all in about 0.8 s. The
/// queue is kept because writers waiting in it hold no pooled connection (under `BEGIN
/// IMMEDIATE` alone they wait inside SQLite's busy handler, each holding one, and readers queue
/// for the pool behind them); `BEGIN IMMEDIATE` stays as the guard against another process on
/// the same file. PostgreSQL needs neither.
static SQLITE_WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `work` in a transaction with the caller's idempotency key.
pub async fn run<F>(
    db: &DatabaseConnection,
    actor: &Actor,
    mutation: &'static str,
    client_mutation_id: Option<&str>,
    work: F,
) -> DomainResult<Outcome>
where
    F: AsyncFnOnce(&DatabaseTransaction) -> DomainResult<Change>,
{
    let key = client_mutation_id.map(str::trim).filter(|k| !k.is_empty());
    if let Some(key) = key {
        if key.chars().count() > 128 {
            return Ok(rejected(FieldError::new(
                "clientMutationId",
                FieldErrorCode::TooLong,
                "`clientMutationId` is at most 128 characters",
            )));
        }
        if let Some(outcome) = replay(db, actor, mutation, key).await? {
            return Ok(outcome);
        }
    }
    // SQLite takes one writer at a time: writers queue here, in arrival order, instead of
    // failing with "database is locked" (see `SQLITE_WRITER`). The queue comes before the
    // transaction, so waiting writers hold no connection that readers could use.
    let _writer = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => Some(SQLITE_WRITER.lock().await),
        _ => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    if let Some(key) = key
        && let Some(outcome) = replay(&txn, actor, mutation, key).await?
    {
        // A concurrent retry with the same key committed while this one queued.
        txn.rollback().await?;
        return Ok(outcome);
    }
    let change = match work(&txn).await {
        Ok(change) => change,
        Err(DomainError::Rejected(errors)) => {
            txn.rollback().await?;
            return Ok(Outcome {
                object_id: None,
                user_errors: errors,
                ..Outcome::default()
            });
        }
        Err(error) => {
            txn.rollback().await?;
            return Err(error);
        }
    };
    let outcome = Outcome {
        object_id: (!change.action.deletes()).then_some(change.object_id),
        user_errors: Vec::new(),
        replayed: false,
        changed: (change.before.is_some() || change.after.is_some()).then_some((
            change.action,
            change.object_type,
            change.object_id,
        )),
    };
    // A change that changed nothing (a retried decision, the same rating again) leaves no
    // event.
    if change.before.is_some() || change.after.is_some() {
        record(&txn, actor, &change).await?;
    }
    if let Some(key) = key {
        let stored = idempotency_key::Model {
            subject: actor.principal.subject.clone(),
            client_mutation_id: key.to_owned(),
            mutation: mutation.to_owned(),
            outcome: serde_json::to_value(&outcome).map_err(anyhow::Error::from)?,
            created_at: Utc::now(),
        };
        if let Err(error) = stored.into_active_model().reset_all().insert(&txn).await {
            // The same key committed meanwhile (a concurrent retry): keep the first result.
            txn.rollback().await?;
            if let Some(outcome) = replay(db, actor, mutation, key).await? {
                return Ok(outcome);
            }
            return Err(error.into());
        }
    }
    txn.commit().await?;
    Ok(outcome)
}

fn rejected(error: FieldError) -> Outcome {
    Outcome {
        object_id: None,
        user_errors: vec![error],
        ..Outcome::default()
    }
}

async fn replay(
    db: &impl ConnectionTrait,
    actor: &Actor,
    mutation: &str,
    key: &str,
) -> DomainResult<Option<Outcome>> {
    let stored = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::Subject.eq(actor.principal.subject.as_str()))
        .filter(idempotency_key::Column::ClientMutationId.eq(key))
        .one(db)
        .await?;
    let Some(stored) = stored else {
        return Ok(None);
    };
    if stored.mutation != mutation {
        return Ok(Some(rejected(FieldError::new(
            "clientMutationId",
            FieldErrorCode::IdempotencyKeyReused,
            format!(
                "this clientMutationId was already used for {}",
                stored.mutation
            ),
        ))));
    }
    let mut outcome: Outcome =
        serde_json::from_value(stored.outcome).map_err(anyhow::Error::from)?;
    outcome.replayed = true;
    Ok(Some(outcome))
}

/// Appends the audit event of a change (same transaction as the change).
pub(crate) async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor,
    change: &Change,
) -> DomainResult<()> {
    audit_event::Model {
        id: Uuid::now_v7(),
        occurred_at: Utc::now(),
        subject: actor.principal.subject.clone(),
        unit_id: actor.principal.unit_id,
        client_id: actor.principal.client_id.clone(),
        action: change.action.as_str().to_owned(),
        object_type: change.object_type.as_str().to_owned(),
        object_id: change.object_id,
        scope_unit_id: change.scope_unit_id,
        before: change.before.clone(),
        after: change.after.clone(),
        request_id: actor.request_id.clone(),
    }
    .into_active_model()
    .reset_all()
    .insert(txn)
    .await?;
    Ok(())
}

/// Writes `active` to the row `id` only while its version is still `expected` (optimistic
/// locking); `false` when another write came first.
pub async fn update_if_version<E>(
    db: &impl ConnectionTrait,
    active: E::ActiveModel,
    id: (E::Column, Uuid),
    version: (E::Column, i32),
) -> DomainResult<bool>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let result = E::update_many()
        .set(active)
        .filter(id.0.eq(id.1))
        .filter(version.0.eq(version.1))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
