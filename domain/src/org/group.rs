//! Unit groups (nhóm đơn vị) as plans write them: "các đơn vị trực thuộc", "Trạm Y tế các xã".
//! A group is a rule — the children of a parent unit, of some kinds, plus explicit includes,
//! minus explicit excludes — resolved **at a date**, so restructuring changes who is meant
//! without rewriting the plan.

use crate::kernel::maps::FastMap;

use chrono::NaiveDate;
use entity::enums::UnitKind;
use entity::{unit, unit_group, unit_group_member};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, JoinType, LikeExpr, Order, Query, SelectStatement, UnionType,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, Iterable, QueryFilter};
use uuid::Uuid;

use crate::kernel::error::DomainResult;
use crate::kernel::rows::{Columns, DecodeRow};
use crate::org::unit::{active_at_condition_in, is_active_at};

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
) -> DomainResult<FastMap<Uuid, unit_group::Model>> {
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
    Ok(members_of_ids(db, &[group.id], date)
        .await?
        .remove(&group.id)
        .unwrap_or_default())
}

/// Whether unit `"u"` is of a kind group `"g"` admits: `unit_kinds` is a comma-separated list
/// (empty: any kind), and `_` in kind names is escaped for `LIKE`.
pub(crate) const KIND_ADMITTED: &str = r#"("g"."unit_kinds" = '' OR (',' || "g"."unit_kinds" || ',') LIKE ('%,' || REPLACE("u"."kind", '_', '\_') || ',%') ESCAPE '\')"#;

/// The units each group of `ids` means on `date`, by name, in one statement whatever their
/// number: the children of the group's parent of a kind it admits that its explicit rows do not
/// name, with the units its explicit rows include (each half read through an index).
pub async fn members_of_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    date: NaiveDate,
) -> DomainResult<FastMap<Uuid, Vec<unit::Model>>> {
    if ids.is_empty() {
        return Ok(FastMap::default());
    }
    let (g, u, m) = (Alias::new("g"), Alias::new("u"), Alias::new("m"));
    let group_id = Alias::new("group_id");
    let active = active_at_condition_in(u.clone(), date);
    let unit_columns = || unit::Column::iter().map(|c| (u.clone(), c));
    let named_in_rows = Query::select()
        .expr(Expr::val(1))
        .from_as(unit_group_member::Entity, m.clone())
        .and_where(
            Expr::col((m.clone(), unit_group_member::Column::GroupId))
                .equals((g.clone(), unit_group::Column::Id)),
        )
        .and_where(
            Expr::col((m.clone(), unit_group_member::Column::UnitId))
                .equals((u.clone(), unit::Column::Id)),
        )
        .take();
    let mut by_rule = Query::select()
        .expr_as(
            Expr::col((g.clone(), unit_group::Column::Id)),
            group_id.clone(),
        )
        .columns(unit_columns())
        .from_as(unit_group::Entity, g.clone())
        .join_as(
            JoinType::InnerJoin,
            unit::Entity,
            u.clone(),
            Expr::col((u.clone(), unit::Column::ParentId))
                .equals((g.clone(), unit_group::Column::ParentUnitId)),
        )
        .and_where(Expr::col((g.clone(), unit_group::Column::Id)).is_in(ids.iter().copied()))
        .and_where(Expr::cust(KIND_ADMITTED))
        .and_where(Expr::exists(named_in_rows).not())
        .cond_where(active.clone())
        .take();
    let included = Query::select()
        .expr_as(
            Expr::col((m.clone(), unit_group_member::Column::GroupId)),
            group_id,
        )
        .columns(unit_columns())
        .from_as(unit_group_member::Entity, m.clone())
        .join_as(
            JoinType::InnerJoin,
            unit::Entity,
            u.clone(),
            Expr::col((u.clone(), unit::Column::Id))
                .equals((m.clone(), unit_group_member::Column::UnitId)),
        )
        .and_where(
            Expr::col((m.clone(), unit_group_member::Column::GroupId)).is_in(ids.iter().copied()),
        )
        .and_where(Expr::col((m, unit_group_member::Column::Included)).eq(true))
        .cond_where(active)
        .take();
    by_rule.union(UnionType::All, included);
    let x = Alias::new("x");
    let query = Query::select()
        .column(Asterisk)
        .from_subquery(by_rule, x.clone())
        .order_by((x.clone(), unit::Column::Name), Order::Asc)
        .order_by((x, unit::Column::Id), Order::Asc)
        .take();
    let mut result: FastMap<Uuid, Vec<unit::Model>> =
        ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in db.query_all(&query).await? {
        let mut columns = Columns::at(&row, 0);
        let group: Uuid = columns.required()?;
        let unit = unit::Model::decode(&mut columns)?;
        result.entry(group).or_default().push(unit);
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
