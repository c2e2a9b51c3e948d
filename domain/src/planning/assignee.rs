//! "Assigned to this unit": directly, or through a group the unit belongs to on a date.

use std::borrow::Cow;

use chrono::NaiveDate;
use entity::assignment;
use entity::enums::AssignmentRole;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement, UnionType};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryTrait, Select};
use uuid::Uuid;

use crate::kernel::error::{DomainError, DomainResult};
use crate::kernel::time;
use crate::org::{group as unit_group, unit};

/// The ids in `subject` (`assignment.task_id` or `assignment.target_id`) assigned in `roles`
/// (any role when empty) to `unit_id` (anyone when `None`). Direct and group assignments are
/// two index scans joined by `UNION ALL`: one `OR` over both columns makes PostgreSQL walk the
/// whole task list instead. `known_unit` is the unit when the caller has already read it (a
/// `Unit`'s own lists): it saves reading it again.
pub async fn assigned(
    db: &impl ConnectionTrait,
    subject: assignment::Column,
    unit_id: Option<Uuid>,
    known_unit: Option<&entity::unit::Model>,
    roles: &[AssignmentRole],
    as_of: Option<NaiveDate>,
) -> DomainResult<SelectStatement> {
    let select = |extra: Condition| {
        let mut on = Condition::all().add(subject.is_not_null()).add(extra);
        if !roles.is_empty() {
            on = on.add(assignment::Column::Role.is_in(roles.iter().copied()));
        }
        Query::select()
            .column(subject)
            .from(assignment::Entity)
            .cond_where(on)
            .take()
    };
    let Some(unit_id) = unit_id else {
        return Ok(select(Condition::all()));
    };
    let unit = match known_unit.filter(|u| u.id == unit_id) {
        Some(unit) => Cow::Borrowed(unit),
        None => Cow::Owned(
            unit::by_ids(db, &[unit_id])
                .await?
                .remove(&unit_id)
                .ok_or(DomainError::NotFound { entity: "unit" })?,
        ),
    };
    let mut direct = select(Condition::all().add(assignment::Column::UnitId.eq(unit_id)));
    if let Some(groups) = unit_group::containing(&unit, as_of.unwrap_or_else(time::today)) {
        direct.union(
            UnionType::All,
            select(Condition::all().add(assignment::Column::GroupId.in_subquery(groups))),
        );
    }
    Ok(direct)
}

/// Whether unit `"u"` belongs to group `"g"` (on a date the caller has checked `"u"` exists):
/// named in the group's explicit rows as included, or — when not named there — a child of the
/// group's parent of a kind the group admits (`unit_kinds` is a comma-separated list, empty for
/// any kind). The set-based form of [`unit_group::containing`].
fn membership() -> String {
    format!(
        r#"(EXISTS (SELECT 1 FROM "unit_group_member" AS "m" WHERE "m"."group_id" = "g"."id" AND "m"."unit_id" = "u"."id" AND "m"."included")
 OR (NOT EXISTS (SELECT 1 FROM "unit_group_member" AS "m" WHERE "m"."group_id" = "g"."id" AND "m"."unit_id" = "u"."id")
     AND "g"."parent_unit_id" = "u"."parent_id"
     AND {}))"#,
        unit_group::KIND_ADMITTED
    )
}

/// The column that names each row's unit once [`join_units`] has joined it.
pub fn owner_column() -> (Alias, Alias) {
    (Alias::new("owned"), Alias::new("owner"))
}

/// Joins `select` (rows of an entity whose id column is `id`, which `subject` of an assignment
/// names) to the units of `unit_ids` each is assigned to, in `roles`, directly or through a
/// group the unit belongs to on `as_of`: one row per (unit, row), the unit in
/// [`owner_column`]. A list nested under a list of units reads every unit's page with this in
/// one statement. `None` when none of the units exists.
pub async fn join_units<E: EntityTrait>(
    db: &impl ConnectionTrait,
    mut select: Select<E>,
    id: E::Column,
    subject: assignment::Column,
    unit_ids: &[Uuid],
    roles: &[AssignmentRole],
    as_of: Option<NaiveDate>,
) -> DomainResult<Option<Select<E>>> {
    let units: Vec<entity::unit::Model> = unit::by_ids(db, unit_ids).await?.into_values().collect();
    if units.is_empty() {
        return Ok(None);
    }
    let (pairs, _) = owner_column();
    QueryTrait::query(&mut select).join_subquery(
        JoinType::InnerJoin,
        assigned_to_units(subject, &units, roles, as_of),
        pairs.clone(),
        Expr::col((pairs, Alias::new("subject"))).equals((E::default(), id)),
    );
    Ok(Some(select))
}

/// For many units at once, the pairs (`owner`: the unit, `subject`: the id in `subject`) of what
/// is assigned to each in `roles` (any when empty), directly or through a group the unit belongs
/// to on `as_of`, without duplicates, in two set-based parts whatever the number of units.
fn assigned_to_units(
    subject: assignment::Column,
    units: &[entity::unit::Model],
    roles: &[AssignmentRole],
    as_of: Option<NaiveDate>,
) -> SelectStatement {
    let date = as_of.unwrap_or_else(time::today);
    let (a, u, g) = (Alias::new("a"), Alias::new("u"), Alias::new("g"));
    let assigned = |on: Condition| {
        let mut on = on.add(Expr::col((a.clone(), subject)).is_not_null());
        if !roles.is_empty() {
            on = on
                .add(Expr::col((a.clone(), assignment::Column::Role)).is_in(roles.iter().copied()));
        }
        on
    };
    let mut pairs = Query::select()
        .distinct()
        .expr_as(
            Expr::col((a.clone(), assignment::Column::UnitId)),
            Alias::new("owner"),
        )
        .expr_as(Expr::col((a.clone(), subject)), Alias::new("subject"))
        .from_as(assignment::Entity, a.clone())
        .cond_where(assigned(Condition::all().add(
            Expr::col((a.clone(), assignment::Column::UnitId)).is_in(units.iter().map(|u| u.id)),
        )))
        .to_owned();
    let members: Vec<Uuid> = units
        .iter()
        .filter(|unit| unit::is_active_at(unit, date))
        .map(|unit| unit.id)
        .collect();
    if !members.is_empty() {
        let through_groups = Query::select()
            .distinct()
            .expr_as(
                Expr::col((u.clone(), entity::unit::Column::Id)),
                Alias::new("owner"),
            )
            .expr_as(Expr::col((a.clone(), subject)), Alias::new("subject"))
            .from_as(entity::unit::Entity, u.clone())
            .join_as(
                JoinType::InnerJoin,
                entity::unit_group::Entity,
                g.clone(),
                Expr::cust(membership()),
            )
            .join_as(
                JoinType::InnerJoin,
                assignment::Entity,
                a.clone(),
                Expr::col((a.clone(), assignment::Column::GroupId))
                    .equals((g.clone(), entity::unit_group::Column::Id)),
            )
            .cond_where(assigned(Condition::all().add(
                Expr::col((u.clone(), entity::unit::Column::Id)).is_in(members),
            )))
            .to_owned();
        pairs.union(UnionType::Distinct, through_groups);
    }
    pairs
}
