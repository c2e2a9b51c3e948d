//! How every mutation runs: idempotency (a retry with the same `clientMutationId` by the same
//! caller gets the first result and writes nothing), one transaction for the change and its
//! audit event, and nothing written when the input is rejected.

use chrono::Utc;
use entity::{audit_event, idempotency_key};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryTrait,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
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

/// What a change's commit announces (PostgreSQL `NOTIFY` payloads on one channel: the api's
/// live-update bus). They go out in the statement that writes the change's audit event, one
/// round trip fewer per write than a statement of their own; `NOTIFY` is transactional, so
/// they are delivered when, and only if, the change commits.
#[derive(Debug, Clone, Default)]
pub struct Notices {
    pub channel: &'static str,
    pub payloads: Vec<String>,
}

/// Most payloads sent with the audit event; a change announcing more sends them one statement
/// each (a statement's parameters are bounded).
const NOTICES_WITH_EVENT: usize = 32;

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
    run_noticed(db, actor, mutation, client_mutation_id, async |txn| {
        Ok((work(txn).await?, Notices::default()))
    })
    .await
}

/// [`run`] for work that announces its change ([`Notices`], sent on commit).
pub async fn run_noticed<F>(
    db: &DatabaseConnection,
    actor: &Actor,
    mutation: &'static str,
    client_mutation_id: Option<&str>,
    work: F,
) -> DomainResult<Outcome>
where
    F: AsyncFnOnce(&DatabaseTransaction) -> DomainResult<(Change, Notices)>,
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
    let (change, notices) = match work(&txn).await {
        Ok(done) => done,
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
        record_noticed(&txn, actor, &change, &notices).await?;
    } else {
        notify(&txn, &notices).await?;
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
    record_noticed(txn, actor, change, &Notices::default()).await
}

/// Appends the audit event of a change and queues its notices: on PostgreSQL in one statement
/// (`INSERT … RETURNING pg_notify(…)`, evaluated once for the one row inserted).
async fn record_noticed(
    txn: &DatabaseTransaction,
    actor: &Actor,
    change: &Change,
    notices: &Notices,
) -> DomainResult<()> {
    let event = audit_event::Model {
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
    .reset_all();
    let postgres = txn.get_database_backend() == DatabaseBackend::Postgres;
    if !postgres || notices.payloads.is_empty() || notices.payloads.len() > NOTICES_WITH_EVENT {
        audit_event::Entity::insert(event)
            .exec_without_returning(txn)
            .await?;
        return notify(txn, notices).await;
    }
    let insert = audit_event::Entity::insert(event).build(DatabaseBackend::Postgres);
    let mut values = insert.values.map(|v| v.0).unwrap_or_default();
    let mut sql = insert.sql;
    values.push(notices.channel.into());
    let channel = values.len();
    for (n, payload) in notices.payloads.iter().enumerate() {
        values.push(payload.as_str().into());
        let separator = if n == 0 { " RETURNING " } else { ", " };
        sql.push_str(&format!(
            "{separator}pg_notify(${channel}, ${})",
            values.len()
        ));
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        sql,
        values,
    ))
    .await?;
    Ok(())
}

/// Queues the notices on PostgreSQL, one statement each (nothing elsewhere: SQLite has no
/// `NOTIFY`; the bus delivers there itself).
async fn notify(txn: &DatabaseTransaction, notices: &Notices) -> DomainResult<()> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for payload in &notices.payloads {
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [notices.channel.into(), payload.as_str().into()],
        ))
        .await?;
    }
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
