//! The organisation's mutations: create, update, move, close and merge units.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use crate::domain::kernel::checks::Edit;
use crate::domain::kernel::mutation::Outcome;
use crate::domain::org::unit::edit::{self as unit_edit, UnitFields};
use crate::graphql::common::enums::UnitKind;
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::org::unit::Unit;

object_payload!(
    /// The result of a unit mutation (for `mergeUnits`, `unit` is the successor).
    UnitPayload, unit, Unit, entity::unit::Entity
);

/// `createUnit` input.
#[derive(InputObject)]
pub struct CreateUnitInput {
    pub name: String,
    pub short_name: Option<String>,
    pub kind: UnitKind,
    /// The unit above it (only a province administrator creates top-level units).
    pub parent_id: Option<ID>,
    /// Electronic agency code (mã định danh điện tử).
    pub code: Option<String>,
    pub active_from: Option<Date>,
    pub client_mutation_id: Option<String>,
}

/// `updateUnit` input.
#[derive(InputObject)]
pub struct UpdateUnitInput {
    pub id: ID,
    pub version: i32,
    pub name: Option<String>,
    pub short_name: MaybeUndefined<String>,
    pub kind: Option<UnitKind>,
    pub code: MaybeUndefined<String>,
    pub active_from: MaybeUndefined<Date>,
    pub client_mutation_id: Option<String>,
}

/// `moveUnit` input.
#[derive(InputObject)]
pub struct MoveUnitInput {
    pub id: ID,
    pub version: i32,
    /// The new parent (null: top level).
    pub parent_id: Option<ID>,
    pub client_mutation_id: Option<String>,
}

/// `closeUnit` input.
#[derive(InputObject)]
pub struct CloseUnitInput {
    pub id: ID,
    pub version: i32,
    /// The unit's last day.
    pub last_day: Date,
    pub client_mutation_id: Option<String>,
}

/// `mergeUnits` input.
#[derive(InputObject)]
pub struct MergeUnitsInput {
    /// The units that stop existing.
    #[graphql(validator(min_items = 1, max_items = 50))]
    pub unit_ids: Vec<ID>,
    /// The unit that takes them over.
    pub successor_id: ID,
    /// First day of the successor's responsibility; the merged units close the day before.
    pub effective_on: Date,
    /// The deciding document.
    pub decision: Option<String>,
    /// Hand the merged units' assignments on open tasks to the successor (default: true).
    pub move_open_assignments: Option<bool>,
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct UnitMutation;

#[Object]
impl UnitMutation {
    /// Creates a unit.
    async fn create_unit(&self, ctx: &Context<'_>, input: CreateUnitInput) -> Result<UnitPayload> {
        let cmid = input.client_mutation_id.clone();
        let parent = match &input.parent_id {
            Some(id) => Some(try_input!(
                id_of::<entity::unit::Entity>(id, "parentId"),
                UnitPayload,
                ctx,
                cmid
            )),
            None => None,
        };
        let fields = UnitFields {
            name: Some(input.name),
            short_name: input.short_name.map_or(Edit::Keep, Edit::Set),
            kind: Some(input.kind.into()),
            code: input.code.map_or(Edit::Keep, Edit::Set),
            active_from: input.active_from.map_or(Edit::Keep, |d| Edit::Set(d.0)),
        };
        let outcome = run(ctx, "createUnit", cmid.as_deref(), async |txn, actor| {
            unit_edit::create(txn, actor, parent, fields).await
        })
        .await?;
        UnitPayload::from(ctx, outcome, cmid).await
    }

    /// Changes a unit's name, kind or code.
    async fn update_unit(&self, ctx: &Context<'_>, input: UpdateUnitInput) -> Result<UnitPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::unit::Entity>(&input.id, "id"),
            UnitPayload,
            ctx,
            cmid
        );
        let fields = UnitFields {
            name: input.name,
            short_name: edit(input.short_name, |v| v),
            kind: input.kind.map(Into::into),
            code: edit(input.code, |v| v),
            active_from: edit(input.active_from, |d| d.0),
        };
        let version = input.version;
        let outcome = run(ctx, "updateUnit", cmid.as_deref(), async |txn, actor| {
            unit_edit::update(txn, actor, id, version, fields).await
        })
        .await?;
        UnitPayload::from(ctx, outcome, cmid).await
    }

    /// Moves a unit under another parent (never below itself).
    async fn move_unit(&self, ctx: &Context<'_>, input: MoveUnitInput) -> Result<UnitPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::unit::Entity>(&input.id, "id"),
            UnitPayload,
            ctx,
            cmid
        );
        let parent = match &input.parent_id {
            Some(parent) => Some(try_input!(
                id_of::<entity::unit::Entity>(parent, "parentId"),
                UnitPayload,
                ctx,
                cmid
            )),
            None => None,
        };
        let version = input.version;
        let outcome = run(ctx, "moveUnit", cmid.as_deref(), async |txn, actor| {
            unit_edit::move_unit(txn, actor, id, version, parent).await
        })
        .await?;
        UnitPayload::from(ctx, outcome, cmid).await
    }

    /// Closes a unit (its history stays queryable).
    async fn close_unit(&self, ctx: &Context<'_>, input: CloseUnitInput) -> Result<UnitPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::unit::Entity>(&input.id, "id"),
            UnitPayload,
            ctx,
            cmid
        );
        let (version, last_day) = (input.version, input.last_day.0);
        let outcome = run(ctx, "closeUnit", cmid.as_deref(), async |txn, actor| {
            unit_edit::close(txn, actor, id, version, last_day).await
        })
        .await?;
        UnitPayload::from(ctx, outcome, cmid).await
    }

    /// Merges units into a successor: closes them, records the succession, and (by default)
    /// hands their assignments on open tasks to the successor. Finished work and history stay.
    async fn merge_units(&self, ctx: &Context<'_>, input: MergeUnitsInput) -> Result<UnitPayload> {
        let cmid = input.client_mutation_id.clone();
        let successor = try_input!(
            id_of::<entity::unit::Entity>(&input.successor_id, "successorId"),
            UnitPayload,
            ctx,
            cmid
        );
        let mut merged = Vec::new();
        for id in &input.unit_ids {
            merged.push(try_input!(
                id_of::<entity::unit::Entity>(id, "unitIds"),
                UnitPayload,
                ctx,
                cmid
            ));
        }
        let (effective_on, decision, move_open) = (
            input.effective_on.0,
            input.decision,
            input.move_open_assignments.unwrap_or(true),
        );
        let outcome = run(ctx, "mergeUnits", cmid.as_deref(), async |txn, actor| {
            unit_edit::merge(
                txn,
                actor,
                merged,
                successor,
                effective_on,
                decision,
                move_open,
            )
            .await
        })
        .await?;
        UnitPayload::from(ctx, outcome, cmid).await
    }
}
