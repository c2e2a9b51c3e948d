//! Unit groups (nhóm đơn vị) as plans write them: "các đơn vị trực thuộc", "Trạm Y tế các xã".
//! A group is a rule — the children of a parent unit, of some kinds, plus explicit includes,
//! minus explicit excludes — resolved **at a date**, so restructuring changes who is meant
//! without rewriting the plan.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::UnitKind;
use entity::{unit, unit_group, unit_group_member};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::error::DomainResult;
use super::unit::{active_at_condition, is_active_at};

/// The unit kinds a group's rule admits (empty: any kind).
pub fn kinds(group: &unit_group::Model) -> Vec<UnitKind> {
    group
        .unit_kinds
        .split(',')
        .filter(|k| !k.is_empty())
        .filter_map(|k| serde_json::from_value(serde_json::Value::String(k.to_owned())).ok())
        .collect()
}

/// Stored form of a kind list.
pub fn kinds_column(kinds: &[UnitKind]) -> String {
    kinds
        .iter()
        .filter_map(|k| serde_json::to_value(k).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join(",")
}

/// Groups by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, unit_group::Model>> {
    let rows = unit_group::Entity::find()
        .filter(unit_group::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|g| (g.id, g)).collect())
}

fn admits(group: &unit_group::Model, kinds: &[UnitKind], unit: &unit::Model) -> bool {
    group.parent_unit_id.is_some()
        && unit.parent_id == group.parent_unit_id
        && (kinds.is_empty() || kinds.contains(&unit.kind))
}

/// The units a group means on `date`.
pub async fn members(
    db: &impl ConnectionTrait,
    group: &unit_group::Model,
    date: NaiveDate,
) -> DomainResult<Vec<unit::Model>> {
    let explicit = unit_group_member::Entity::find()
        .filter(unit_group_member::Column::GroupId.eq(group.id))
        .all(db)
        .await?;
    let included: Vec<Uuid> = explicit
        .iter()
        .filter(|m| m.included)
        .map(|m| m.unit_id)
        .collect();
    let excluded: Vec<Uuid> = explicit
        .iter()
        .filter(|m| !m.included)
        .map(|m| m.unit_id)
        .collect();
    let kinds = kinds(group);
    let mut by_rule = Condition::all();
    match group.parent_unit_id {
        Some(parent) => by_rule = by_rule.add(unit::Column::ParentId.eq(parent)),
        None => by_rule = by_rule.add(unit::Column::Id.is_null()),
    }
    if !kinds.is_empty() {
        by_rule = by_rule.add(unit::Column::Kind.is_in(kinds));
    }
    let units = unit::Entity::find()
        .filter(
            Condition::any()
                .add(by_rule)
                .add(unit::Column::Id.is_in(included)),
        )
        .filter(active_at_condition(date))
        .order_by_asc(unit::Column::Name)
        .all(db)
        .await?;
    Ok(units
        .into_iter()
        .filter(|u| !excluded.contains(&u.id))
        .collect())
}

/// The groups that include `unit` on `date`.
pub async fn containing(
    db: &impl ConnectionTrait,
    unit: &unit::Model,
    date: NaiveDate,
) -> DomainResult<Vec<Uuid>> {
    if !is_active_at(unit, date) {
        return Ok(Vec::new());
    }
    // One statement: the groups of the unit's parent and the groups naming the unit, with their
    // explicit member rows.
    let named = Query::select()
        .column(unit_group_member::Column::GroupId)
        .from(unit_group_member::Entity)
        .and_where(unit_group_member::Column::UnitId.eq(unit.id))
        .to_owned();
    let mut candidates = Condition::any().add(unit_group::Column::Id.in_subquery(named));
    if let Some(parent) = unit.parent_id {
        candidates = candidates.add(unit_group::Column::ParentUnitId.eq(parent));
    }
    let rows = unit_group::Entity::find()
        .filter(candidates)
        .find_also_related(unit_group_member::Entity)
        .all(db)
        .await?;
    let mut verdicts: Vec<(Uuid, bool)> = Vec::new();
    for (group, member) in &rows {
        let explicit = member
            .as_ref()
            .filter(|m| m.unit_id == unit.id)
            .map(|m| m.included);
        match verdicts.iter_mut().find(|(id, _)| *id == group.id) {
            Some(verdict) => {
                if let Some(included) = explicit {
                    verdict.1 = included;
                }
            }
            None => verdicts.push((
                group.id,
                explicit.unwrap_or_else(|| admits(group, &kinds(group), unit)),
            )),
        }
    }
    Ok(verdicts
        .into_iter()
        .filter(|(_, member)| *member)
        .map(|(id, _)| id)
        .collect())
}
