//! `auditEvents`: the append-only log of successful mutations.

use std::sync::LazyLock;

use async_graphql::parser::types::Field;
use async_graphql::{
    Context, ContextSelectionSet, ID, InputObject, Json, Name, Object, Positioned, Result, Value,
};
use async_graphql_value::RAW_VALUE_TOKEN;
use chrono::{DateTime, FixedOffset};

use crate::domain::access::{Actor, Viewer};
use crate::domain::audit::{self, AuditFilter, LoggedEvent};
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::time;
use crate::graphql::common::connection::wants_total;
use crate::graphql::common::context::RequestId;
use crate::graphql::common::context::db;
use crate::graphql::common::cursor;
use crate::graphql::common::error::{DomainErrorExt, IntoGql};
use crate::graphql::common::id::{NodeType, decode, global_id};
use crate::graphql::common::plain::{self, Plain, PlainFields};
use crate::graphql::common::value_map::ValueMap;
use crate::graphql::org::partial;
use crate::graphql::org::unit::{Unit, cached_unit};
use crate::graphql::planning::prefetch::node_selections;

/// One successful mutation: who, when, what, before and after.
#[derive(Clone)]
pub struct AuditEvent(pub LoggedEvent);

fn object_type(name: &str) -> Option<NodeType> {
    match name {
        "Plan" => Some(NodeType::Plan),
        "Task" => Some(NodeType::Task),
        "Target" => Some(NodeType::Target),
        "Unit" => Some(NodeType::Unit),
        _ => None,
    }
}

#[Object]
impl AuditEvent {
    /// When, in Vietnamese local time.
    async fn occurred_at(&self) -> DateTime<FixedOffset> {
        time::local_time(self.0.event.occurred_at)
    }
    /// Who: the token's subject.
    async fn actor(&self) -> &str {
        &self.0.event.subject
    }
    /// The actor's unit.
    async fn actor_unit(&self, ctx: &Context<'_>) -> Result<Option<Plain<Unit>>> {
        match self.0.event.unit_id {
            Some(id) => Ok(partial::unit_for_field(ctx, id)
                .await?
                .map(|row| Plain(Unit(row)))),
            None => Ok(None),
        }
    }
    /// The LGSP application the call came through.
    async fn client_id(&self) -> Option<&str> {
        self.0.event.client_id.as_deref()
    }
    /// E.g. `plan.create`, `plan.issue`.
    async fn action(&self) -> &str {
        &self.0.event.action
    }
    async fn object_type(&self) -> &str {
        &self.0.event.object_type
    }
    /// Global id of the object.
    async fn object_id(&self) -> Option<ID> {
        object_type(&self.0.event.object_type).map(|t| global_id(t, self.0.event.object_id))
    }
    /// The object before the change (null for a creation).
    async fn before(&self, ctx: &Context<'_>) -> Option<Json<Value>> {
        snapshot(ctx, self.0.before.as_deref(), self.0.json_checked)
    }
    /// The object after the change (null for a deletion).
    async fn after(&self, ctx: &Context<'_>) -> Option<Json<Value>> {
        snapshot(ctx, self.0.after.as_deref(), self.0.json_checked)
    }
    /// The request id of the mutation (`X-Request-Id`).
    async fn request_id(&self) -> Option<&str> {
        self.0.event.request_id.as_deref()
    }
}

impl PlainFields for AuditEvent {
    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "actorUnit" => cached_unit(ctx, field, self.0.event.unit_id),
            _ => None,
        }
    }

    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "occurredAt" => plain::value(time::local_time(self.0.event.occurred_at)),
            "actor" => plain::text(&self.0.event.subject),
            "clientId" => plain::maybe_text(self.0.event.client_id.as_deref()),
            "action" => plain::text(&self.0.event.action),
            "objectType" => plain::text(&self.0.event.object_type),
            "objectId" => plain::value(
                object_type(&self.0.event.object_type)
                    .map(|t| global_id(t, self.0.event.object_id)),
            ),
            // Left to the resolver, which says so, when the stored text is not JSON.
            "before" => snapshot_value(self.0.before.as_deref(), self.0.json_checked).ok()?,
            "after" => snapshot_value(self.0.after.as_deref(), self.0.json_checked).ok()?,
            "requestId" => plain::maybe_text(self.0.event.request_id.as_deref()),
            _ => return None,
        })
    }
}

/// A snapshot's stored JSON text as the response's value (null for none), or why it is not JSON.
///
/// The text is answered as it is (async-graphql's raw value, which the response's writer checks
/// is JSON), not built into value maps that serialising turns back into the same text: the
/// snapshots were the largest part of an audit page's server instructions. The API stores them
/// compact, so the bytes are those a parse and a re-serialisation would give. Unless the
/// database vouches for it (`checked`), the text is checked here too, so that one that is not
/// JSON fails its own field.
fn snapshot_value(text: Option<&str>, checked: bool) -> serde_json::Result<Value> {
    let Some(text) = text else {
        return Ok(Value::Null);
    };
    if !checked {
        serde_json::from_str::<&serde_json::value::RawValue>(text)?;
    }
    // One key for every snapshot, whose hash the value maps then keep.
    static RAW_KEY: LazyLock<Name> = LazyLock::new(|| Name::new(RAW_VALUE_TOKEN));
    let mut value = ValueMap::with_capacity(1);
    value.insert_new(RAW_KEY.clone(), Value::String(text.to_owned()));
    Ok(value.into_value())
}

/// A snapshot's value; a stored text that is not JSON (which the API never writes) makes this
/// field alone null, with an internal error, not the event or the page.
fn snapshot(ctx: &Context<'_>, text: Option<&str>, checked: bool) -> Option<Json<Value>> {
    match snapshot_value(text, checked) {
        Ok(Value::Null) => None,
        Ok(value) => Some(Json(value)),
        Err(e) => {
            let error = anyhow::Error::new(e).context("a stored audit snapshot is not JSON");
            let error = DomainError::Unexpected(error).extend();
            ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
            None
        }
    }
}

/// Filters of `auditEvents`.
#[derive(Debug, Default, InputObject)]
pub struct AuditEventFilter {
    /// Events about this object.
    pub object_id: Option<ID>,
    /// Events by this subject.
    pub actor: Option<String>,
    /// E.g. `plan.update`.
    pub action: Option<String>,
    pub from: Option<DateTime<FixedOffset>>,
    pub to: Option<DateTime<FixedOffset>>,
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log, newest first: PROVINCE_ADMIN reads all of it, UNIT_ADMIN what concerns its
    /// unit's subtree.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<AuditEventFilter>,
    ) -> Result<AuditEventConnection> {
        let viewer = ctx.data_opt::<Viewer>().cloned().unwrap_or_default();
        let actor =
            Actor::require(&viewer, ctx.data_opt::<RequestId>().map(|r| r.0.clone())).into_gql()?;
        let filter = filter.unwrap_or_default();
        let domain = AuditFilter {
            object_id: filter
                .object_id
                .map(|id| decode(&id).map(|(_, uuid)| uuid))
                .transpose()
                .into_gql()?,
            actor: filter.actor,
            action: filter.action,
            from: filter.from.map(|t| t.to_utc()),
            to: filter.to.map(|t| t.to_utc()),
        };
        let args = cursor::forward(first, after.as_deref()).into_gql()?;
        let args = crate::graphql::common::connection::with_cursors_as_read(ctx, args);
        // The actors' units come with the page (one statement), with the columns their field
        // shows, and are kept for each event's `actorUnit`.
        let units = partial::joined_columns(ctx, &node_selections(&ctx.look_ahead()), "actorUnit");
        let page = audit::list(db(ctx)?, &actor, &domain, &args, wants_total(ctx), units)
            .await
            .into_gql()?;
        let page = crate::graphql::planning::prefetch::feed_units(ctx, page, units).await?;
        let page = AuditEventConnection::from_page(page, AuditEvent);
        Ok(page)
    }
}

crate::graphql::common::connection::connection!(
    AuditEventConnection,
    AuditEventEdge,
    AuditEvent,
    "audit event"
);
