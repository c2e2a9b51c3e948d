//! Reading the audit log: PROVINCE_ADMIN reads every event, UNIT_ADMIN the events about objects
//! of its unit's subtree; nobody else.

use chrono::{DateTime, Utc};
use entity::{audit_event, unit};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait};
use uuid::Uuid;

use crate::access::Actor;
use crate::access::policy::{self, Action};
use crate::kernel::error::{DomainError, DomainResult};
use crate::kernel::page::{Page, PageArgs};
use crate::kernel::query::{FilterIf, KeyedRow, SortKeys, fetch_keyed_page_with_joined, find};
use crate::kernel::rows::{ColumnSet, Columns, DecodeRow, JoinedOnce};

/// An event with its actor's unit, when that was asked for and the unit exists (each unit on
/// the first of its events in the page only: see [`JoinedOnce`]).
pub type EventWithUnit = (LoggedEvent, JoinedOnce<unit::Model>);

/// An audit event as the log lists it, its two snapshots left as the JSON text they were
/// stored as: the reader that answers with them checks that each is JSON and answers it as it
/// is, instead of parsing it into a JSON tree and writing that back (the largest item of a page).
#[derive(Debug, Clone)]
pub struct LoggedEvent {
    /// The stored row; its `before` and `after` are not read (always `None`): the texts are
    /// below.
    pub event: audit_event::Model,
    /// The object before the change (none for a creation), as JSON text.
    pub before: Option<String>,
    /// The object after the change (none for a deletion), as JSON text.
    pub after: Option<String>,
    /// Whether the database vouches that both texts are JSON: PostgreSQL's `json` columns refuse
    /// anything else on insert, SQLite's text keeps whatever it is given.
    pub json_checked: bool,
}

impl DecodeRow for LoggedEvent {
    const WIDTH: usize = 12;

    fn decode(c: &mut Columns<'_>) -> Result<Self, sea_orm::DbErr> {
        // In entity order; the snapshots' columns are `json` (PostgreSQL sends its text as is)
        // or text (SQLite).
        let (id, occurred_at, subject, unit_id) =
            (c.required()?, c.required()?, c.required()?, c.nullable()?);
        let (client_id, action, object_type, object_id) =
            (c.nullable()?, c.required()?, c.required()?, c.required()?);
        let (scope_unit_id, before, after, request_id) =
            (c.nullable()?, c.nullable()?, c.nullable()?, c.nullable()?);
        Ok(Self {
            event: audit_event::Model {
                id,
                occurred_at,
                subject,
                unit_id,
                client_id,
                action,
                object_type,
                object_id,
                scope_unit_id,
                before: None,
                after: None,
                request_id,
            },
            before,
            after,
            json_checked: c.from_postgres(),
        })
    }
}

impl KeyedRow<audit_event::Entity> for LoggedEvent {
    fn model(&self) -> &audit_event::Model {
        &self.event
    }
}

/// Filters of `auditEvents`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub object_id: Option<Uuid>,
    /// The acting subject.
    pub actor: Option<String>,
    /// E.g. `plan.update`.
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// `auditEvents`, newest first; with `actor_units`, each event's actor's unit is read, with those
/// of its columns, in the same statement (joined by its key once the page is cut), not by a
/// second one.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &AuditFilter,
    args: &PageArgs,
    want_total: bool,
    actor_units: Option<ColumnSet>,
) -> DomainResult<Page<EventWithUnit>> {
    let scope = match policy::scope(db, &actor.principal, Action::ReadAuditLog).await? {
        Some(units) if units.is_empty() => {
            return Err(DomainError::Forbidden(
                "only administrators read the audit log".into(),
            ));
        }
        scope => scope,
    };
    let select = find::<audit_event::Entity>()
        .filter_if(scope, |units| {
            Condition::all().add(audit_event::Column::ScopeUnitId.is_in(units))
        })
        .filter_if(filter.object_id, |id| {
            Condition::all().add(audit_event::Column::ObjectId.eq(id))
        })
        .filter_if(filter.actor.clone(), |s| {
            Condition::all().add(audit_event::Column::Subject.eq(s))
        })
        .filter_if(filter.action.clone(), |a| {
            Condition::all().add(audit_event::Column::Action.eq(a))
        })
        .filter_if(filter.from, |t| {
            Condition::all().add(audit_event::Column::OccurredAt.gte(t))
        })
        .filter_if(filter.to, |t| {
            Condition::all().add(audit_event::Column::OccurredAt.lte(t))
        });
    let keys = SortKeys::then_id(
        audit_event::Column::OccurredAt,
        audit_event::Column::Id,
        true,
    );
    fetch_keyed_page_with_joined::<_, LoggedEvent, unit::Entity, _>(
        db,
        keys.order(select),
        &keys,
        args,
        "auditEvents",
        want_total,
        ColumnSet::ALL,
        actor_units.map(|read| (audit_event::Column::UnitId, read)),
    )
    .await
}
