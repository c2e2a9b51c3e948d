//! Optimistic locking, written once: a versioned object (plan, task, target, unit) is saved only
//! while its stored version is still the one the change was based on, and becomes the next.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use super::error::{DomainError, DomainResult, FieldError, FieldErrorCode};
use super::mutation::update_if_version;

/// A stored object with an optimistic-locking `version`.
pub trait Versioned:
    Clone + Send + IntoActiveModel<<Self::Entity as EntityTrait>::ActiveModel>
where
    <Self::Entity as EntityTrait>::ActiveModel: ActiveModelTrait<Entity = Self::Entity> + Send,
{
    type Entity: EntityTrait;
    /// What messages call it ("plan").
    const NOUN: &'static str;
    const ID: <Self::Entity as EntityTrait>::Column;
    const VERSION: <Self::Entity as EntityTrait>::Column;
    const CREATED_AT: <Self::Entity as EntityTrait>::Column;

    fn id(&self) -> Uuid;
    fn version(&self) -> i32;
    /// Sets the version and the time of the change.
    fn stamp(&mut self, version: i32, at: DateTime<Utc>);
}

/// The rejection of a change based on version `sent` of an object now at `current`.
pub fn stale(noun: &str, current: i32, sent: i32) -> DomainError {
    DomainError::Rejected(vec![FieldError::new(
        "version",
        FieldErrorCode::StaleVersion,
        format!(
            "the {noun} changed meanwhile (version {current} now, {sent} sent); reload it and retry"
        ),
    )])
}

/// Refuses a change based on another version than the object's.
pub fn check_version<M: Versioned>(current: &M, sent: i32) -> DomainResult<()>
where
    <M::Entity as EntityTrait>::ActiveModel: ActiveModelTrait<Entity = M::Entity> + Send,
{
    if current.version() == sent {
        Ok(())
    } else {
        Err(stale(M::NOUN, current.version(), sent))
    }
}

/// Writes `next` as version `expected + 1` if the stored version is still `expected`; a stale
/// version (another write came first) is the payload's `STALE_VERSION`, nothing written.
pub async fn save<M: Versioned>(
    db: &impl ConnectionTrait,
    mut next: M,
    expected: i32,
) -> DomainResult<M>
where
    <M::Entity as EntityTrait>::ActiveModel: ActiveModelTrait<Entity = M::Entity> + Send,
{
    // At the precision PostgreSQL stores (microseconds): the model returned is the row stored,
    // which a payload shows without reading it again.
    next.stamp(expected + 1, Utc::now().trunc_subsecs(6));
    let mut active = next.clone().into_active_model().reset_all();
    // The key selects the row; the creation time never changes.
    active.not_set(M::ID);
    active.not_set(M::CREATED_AT);
    if !update_if_version::<M::Entity>(db, active, (M::ID, next.id()), (M::VERSION, expected))
        .await?
    {
        return Err(stale(M::NOUN, expected + 1, expected));
    }
    Ok(next)
}

/// Implements [`Versioned`] for an entity model with `id`, `version`, `created_at` and
/// `updated_at` columns.
#[macro_export]
macro_rules! versioned {
    ($module:ident, $noun:literal) => {
        impl $crate::kernel::versioned::Versioned for entity::$module::Model {
            type Entity = entity::$module::Entity;
            const NOUN: &'static str = $noun;
            const ID: entity::$module::Column = entity::$module::Column::Id;
            const VERSION: entity::$module::Column = entity::$module::Column::Version;
            const CREATED_AT: entity::$module::Column = entity::$module::Column::CreatedAt;

            fn id(&self) -> uuid::Uuid {
                self.id
            }
            fn version(&self) -> i32 {
                self.version
            }
            fn stamp(&mut self, version: i32, at: chrono::DateTime<chrono::Utc>) {
                self.version = version;
                self.updated_at = at;
            }
        }
    };
}
