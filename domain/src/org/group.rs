//! Unit groups (nhóm đơn vị) as plans write them: "các đơn vị trực thuộc", "Trạm Y tế các xã".
//! A group is a rule — the children of a parent unit, of some kinds, plus explicit includes,
//! minus explicit excludes — resolved **at a date**, so restructuring changes who is meant
//! without rewriting the plan.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::UnitKind;
use entity::{unit, unit_group, unit_group_member};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait,
};
use uuid::Uuid;

use crate::kernel::error::DomainResult;
use crate::kernel::query::{fetch_all, fetch_with_related};
use crate::org::unit::{active_at_condition, is_active_at};

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

/// The units a group means on `date`.
pub async fn members(
    db: &impl ConnectionTrait,
    group: &unit_group::Model,
    date: NaiveDate,
) -> DomainResult<Vec<unit::Model>> {
    Ok(members_of(db, std::slice::from_ref(group), date)
        .await?
        .remove(&group.id)
        .unwrap_or_default())
}

/// The units each group means on `date`, by name, in two statements whatever the number of
/// groups: their explicit rows, then every unit any rule or inclusion names (each group's own
/// rule is applied to them here).
pub async fn members_of(
    db: &impl ConnectionTrait,
    groups: &[unit_group::Model],
    date: NaiveDate,
) -> DomainResult<HashMap<Uuid, Vec<unit::Model>>> {
    if groups.is_empty() {
        return Ok(HashMap::new());
    }
    let explicit = unit_group_member::Entity::find()
        .filter(unit_group_member::Column::GroupId.is_in(groups.iter().map(|g| g.id)))
        .all(db)
        .await?;
    resolve(db, groups, &explicit, date).await
}

/// [`members_of`] the groups of `ids`, in two statements whatever their number: the groups
/// with their explicit rows (one join), then every unit any rule or inclusion names.
pub async fn members_of_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    date: NaiveDate,
) -> DomainResult<HashMap<Uuid, Vec<unit::Model>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let query = unit_group::Entity::find()
        .filter(unit_group::Column::Id.is_in(ids.iter().copied()))
        .find_with_related(unit_group_member::Entity)
        .into_query();
    let (groups, explicit): (Vec<unit_group::Model>, Vec<Vec<unit_group_member::Model>>) =
        fetch_with_related(db, &query, |g: &unit_group::Model| g.id)
            .await?
            .into_iter()
            .unzip();
    let explicit: Vec<unit_group_member::Model> = explicit.into_iter().flatten().collect();
    resolve(db, &groups, &explicit, date).await
}

/// The units each of `groups` means on `date`, given their explicit rows: one statement reads
/// every unit any rule or inclusion names, and each group's own rule is applied to them here.
async fn resolve(
    db: &impl ConnectionTrait,
    groups: &[unit_group::Model],
    explicit: &[unit_group_member::Model],
    date: NaiveDate,
) -> DomainResult<HashMap<Uuid, Vec<unit::Model>>> {
    let mut named = Condition::any();
    for group in groups {
        if let Some(parent) = group.parent_unit_id {
            let mut rule = Condition::all().add(unit::Column::ParentId.eq(parent));
            let kinds = kinds(group);
            if !kinds.is_empty() {
                rule = rule.add(unit::Column::Kind.is_in(kinds));
            }
            named = named.add(rule);
        }
    }
    let included: Vec<Uuid> = explicit
        .iter()
        .filter(|m| m.included)
        .map(|m| m.unit_id)
        .collect();
    if !included.is_empty() {
        named = named.add(unit::Column::Id.is_in(included));
    }
    let candidates = if named.is_empty() {
        Vec::new()
    } else {
        let select = unit::Entity::find()
            .filter(named)
            .filter(active_at_condition(date))
            .order_by_asc(unit::Column::Name)
            .order_by_asc(unit::Column::Id);
        fetch_all(db, select).await?
    };
    let mut result = HashMap::new();
    for group in groups {
        let rows: HashMap<Uuid, bool> = explicit
            .iter()
            .filter(|m| m.group_id == group.id)
            .map(|m| (m.unit_id, m.included))
            .collect();
        let kinds = kinds(group);
        let members: Vec<unit::Model> = candidates
            .iter()
            .filter(|u| match rows.get(&u.id) {
                Some(included) => *included,
                None => {
                    group.parent_unit_id.is_some()
                        && u.parent_id == group.parent_unit_id
                        && (kinds.is_empty() || kinds.contains(&u.kind))
                }
            })
            .cloned()
            .collect();
        result.insert(group.id, members);
    }
    Ok(result)
}

/// The groups that include `unit` on `date`, as a subquery of their ids (`None`: the unit is
/// closed then, so in no group). A unit named in a group's explicit rows is in it or not as
/// they say; otherwise it is in the groups of its parent that admit its kind. Kept in SQL so a
/// unit's task list costs one statement, not a lookup first.
pub fn containing(unit: &unit::Model, date: NaiveDate) -> Option<SelectStatement> {
    if !is_active_at(unit, date) {
        return None;
    }
    let group = Alias::new("g");
    let explicit = |included: Option<bool>| {
        let mut rows = Query::select();
        rows.expr(Expr::val(1))
            .from(unit_group_member::Entity)
            .and_where(
                Expr::col((
                    unit_group_member::Entity,
                    unit_group_member::Column::GroupId,
                ))
                .equals((group.clone(), unit_group::Column::Id)),
            )
            .and_where(unit_group_member::Column::UnitId.eq(unit.id));
        if let Some(included) = included {
            rows.and_where(unit_group_member::Column::Included.eq(included));
        }
        rows
    };
    let mut by_rule = Condition::all().add(Expr::exists(explicit(None)).not());
    match unit.parent_id {
        Some(parent) => {
            by_rule = by_rule
                .add(Expr::col((group.clone(), unit_group::Column::ParentUnitId)).eq(parent));
        }
        None => by_rule = by_rule.add(Expr::cust("FALSE")),
    }
    // `unit_kinds` is a comma-separated list (empty: any kind); `_` in kind names is escaped.
    let kind = kinds_column(&[unit.kind]).replace('_', "\\_");
    by_rule = by_rule.add(
        Condition::any()
            .add(Expr::col((group.clone(), unit_group::Column::UnitKinds)).eq(""))
            .add(
                Expr::cust(r#"(',' || "g"."unit_kinds" || ',')"#)
                    .like(LikeExpr::new(format!("%,{kind},%")).escape('\\')),
            ),
    );
    Some(
        Query::select()
            .column((group.clone(), unit_group::Column::Id))
            .from_as(unit_group::Entity, group.clone())
            .cond_where(
                Condition::any()
                    .add(Expr::exists(explicit(Some(true))))
                    .add(by_rule),
            )
            .take(),
    )
}
