//! Targets (chỉ tiêu): lists, assignments and per-facility breakdowns whose subtotals, totals
//! and per-population ratios are computed from the rows, never stored.

pub mod edit;

use crate::kernel::maps::FastMap;

use chrono::NaiveDate;
use entity::enums::AssignmentRole;
use entity::{assignment, plan, target, target_breakdown_group, target_breakdown_row};
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition, Order};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait,
};
use uuid::Uuid;

use crate::access::PlanVisibility;
use crate::kernel::error::DomainResult;
use crate::kernel::page::{Page, PageArgs, Window};
use crate::kernel::query::{FilterIf, ParentPage, fetch_pages_per_parent, search_condition};
use crate::kernel::query::{
    SortKeys, fetch_all, fetch_keyed_page_with_joined, fetch_with_related_reading, find,
    select_columns,
};
use crate::kernel::rows::{ColumnSet, JoinedOnce, RowColumns};

/// Filters of `targets(filter:)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TargetFilter {
    pub search: Option<crate::kernel::text::SearchQuery>,
    pub plan_id: Option<Uuid>,
    /// Targets assigned to this unit, directly or through a group it belongs to on `as_of`.
    pub unit_id: Option<Uuid>,
    pub roles: Vec<AssignmentRole>,
    pub as_of: Option<NaiveDate>,
}

/// `targets(filter:)`, in document order; `with_plan`: each target's plan read with the page (in
/// the same statement, on the first row naming it).
pub async fn list(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    filter: &TargetFilter,
    known_unit: Option<&entity::unit::Model>,
    args: &PageArgs,
    want_total: bool,
    with_plan: bool,
) -> DomainResult<Page<(target::Model, JoinedOnce<plan::Model>)>> {
    let mut by_assignment = None;
    if filter.unit_id.is_some() || !filter.roles.is_empty() {
        let assigned = crate::planning::assignee::assigned(
            db,
            assignment::Column::TargetId,
            filter.unit_id,
            known_unit,
            &filter.roles,
            filter.as_of,
        )
        .await?;
        by_assignment = Some(Condition::all().add(target::Column::Id.in_subquery(assigned)));
    }
    // "Not in a hidden plan", as task lists read it (`planning::task::list`).
    let visible =
        visibility.hidden_plans_condition(db.get_database_backend(), target::Column::PlanId);
    let select = find::<target::Entity>()
        .filter_if(visible, |c| c)
        .filter_if(filter.search.as_ref(), |q| {
            search_condition(target::Column::SearchText, q)
        })
        .filter_if(filter.plan_id, |p| {
            Condition::all().add(target::Column::PlanId.eq(p))
        })
        .filter_if(by_assignment, |c| c);
    let keys = SortKeys::new(
        vec![
            (target::Column::PlanId, false),
            (target::Column::Position, false),
            (target::Column::Id, false),
        ],
        false,
    );
    fetch_keyed_page_with_joined::<_, _, plan::Entity, _>(
        db,
        keys.order(select),
        &keys,
        args,
        TARGETS_ORDERING,
        want_total,
        ColumnSet::ALL,
        with_plan.then_some((target::Column::PlanId, ColumnSet::ALL)),
    )
    .await
}

/// Ordering name of target lists in document order (`targets`, `Unit.targets`).
pub const TARGETS_ORDERING: &str = "targets";

/// For each unit, one page of the targets assigned to it (directly or through a group it
/// belongs to on `filter.as_of`, in `filter.roles`) in document order, in one statement after
/// the units are read: `Unit.targets` under a list of units.
pub async fn unit_pages(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    unit_ids: &[Uuid],
    filter: &TargetFilter,
    window: Window,
) -> DomainResult<FastMap<Uuid, ParentPage<target::Model>>> {
    let visible =
        visibility.hidden_plans_condition(db.get_database_backend(), target::Column::PlanId);
    let select = find::<target::Entity>()
        .filter_if(visible, |c| c)
        .filter_if(filter.search.as_ref(), |q| {
            search_condition(target::Column::SearchText, q)
        })
        .filter_if(filter.plan_id, |p| {
            Condition::all().add(target::Column::PlanId.eq(p))
        });
    let Some(select) = crate::planning::assignee::join_units(
        db,
        select,
        target::Column::Id,
        assignment::Column::TargetId,
        unit_ids,
        &filter.roles,
        filter.as_of,
    )
    .await?
    else {
        return Ok(FastMap::default());
    };
    fetch_pages_per_parent(
        db,
        select,
        crate::planning::assignee::owner_column(),
        &[
            (
                Expr::col((target::Entity, target::Column::PlanId)),
                Order::Asc,
            ),
            (
                Expr::col((target::Entity, target::Column::Position)),
                Order::Asc,
            ),
            (Expr::col((target::Entity, target::Column::Id)), Order::Asc),
        ],
        window,
    )
    .await
}

/// Ordering name of `Plan.targets` pages.
pub const PLAN_TARGETS_ORDERING: &str = "plan.targets";

/// For each plan, one page of its targets in document order.
pub async fn plan_pages(
    db: &impl ConnectionTrait,
    plan_ids: &[Uuid],
    window: Window,
) -> DomainResult<FastMap<Uuid, ParentPage<target::Model>>> {
    let select =
        find::<target::Entity>().filter(target::Column::PlanId.is_in(plan_ids.iter().copied()));
    fetch_pages_per_parent(
        db,
        select,
        (target::Entity, target::Column::PlanId),
        &[
            (
                Expr::col((target::Entity, target::Column::Position)),
                Order::Asc,
            ),
            (Expr::col((target::Entity, target::Column::Id)), Order::Asc),
        ],
        window,
    )
    .await
}

/// Targets by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, target::Model>> {
    let rows = fetch_all(
        db,
        find::<target::Entity>().filter(target::Column::Id.is_in(ids.iter().copied())),
    )
    .await?;
    Ok(rows.into_iter().map(|t| (t.id, t)).collect())
}

/// A breakdown row by id.
pub async fn breakdown_row(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> DomainResult<Option<target_breakdown_row::Model>> {
    Ok(target_breakdown_row::Entity::find_by_id(id).one(db).await?)
}

/// The assignments of each target, lead first.
pub async fn assignments(
    db: &impl ConnectionTrait,
    target_ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, Vec<assignment::Model>>> {
    let rows = fetch_all(
        db,
        find::<assignment::Entity>()
            .filter(assignment::Column::TargetId.is_in(target_ids.iter().copied()))
            .order_by_asc(assignment::Column::Position),
    )
    .await?;
    let mut map: FastMap<Uuid, Vec<_>> = FastMap::default();
    for row in rows {
        if let Some(target_id) = row.target_id {
            map.entry(target_id).or_default().push(row);
        }
    }
    for list in map.values_mut() {
        crate::planning::assignment::sort_lead_first(list);
    }
    Ok(map)
}

/// Stored breakdown rows of a target, grouped (STT "I", "II"…).
#[derive(Debug, Clone, Default)]
pub struct StoredBreakdown {
    pub groups: Vec<(
        target_breakdown_group::Model,
        Vec<target_breakdown_row::Model>,
    )>,
}

/// Stored breakdowns of many targets (one statement).
pub async fn stored_breakdowns(
    db: &impl ConnectionTrait,
    target_ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, StoredBreakdown>> {
    stored_breakdowns_reading(db, target_ids, true).await
}

/// Stored breakdowns of many targets (one statement); without `labels`, their groups and rows
/// come without their codes and labels (empty), which only a breakdown shown reads: what is
/// reported against them and whether they are met need their numbers alone.
pub async fn stored_breakdowns_reading(
    db: &impl ConnectionTrait,
    target_ids: &[Uuid],
    labels: bool,
) -> DomainResult<FastMap<Uuid, StoredBreakdown>> {
    // The groups with their rows in one join: groups by position, rows by position within each.
    // The rows are also chosen by their targets, so that PostgreSQL reads them through the
    // target index; joined on their group alone, it scanned every row of every table (1.1 ms
    // against 0.17 at 6 000 rows).
    let ids = target_ids.to_vec();
    let rows = target_breakdown_group::Relation::Rows
        .def()
        .on_condition(move |_, row| {
            Expr::col((row, target_breakdown_row::Column::TargetId))
                .is_in(ids.clone())
                .into_condition()
        });
    let mut query = find::<target_breakdown_group::Entity>()
        .filter(target_breakdown_group::Column::TargetId.is_in(target_ids.iter().copied()))
        .order_by_asc(target_breakdown_group::Column::Position)
        .order_by_asc(target_breakdown_group::Column::Id)
        .join(JoinType::LeftJoin, rows)
        .order_by_asc(target_breakdown_row::Column::Position)
        .into_query();
    let read = if labels {
        RowColumns::from(ColumnSet::ALL)
    } else {
        use target_breakdown_group::Column as G;
        use target_breakdown_row::Column as R;
        RowColumns {
            model: ColumnSet::of::<target_breakdown_group::Entity>(&[
                G::Id,
                G::TargetId,
                G::Position,
            ]),
            joined: ColumnSet::of::<target_breakdown_row::Entity>(&[
                R::Id,
                R::TargetId,
                R::GroupId,
                R::UnitId,
                R::BaselineValue,
                R::TargetValue,
                R::Position,
            ]),
        }
    };
    // The groups' columns, then the rows', each set named once (see `with_columns_of`).
    query.clear_selects();
    select_columns::<target_breakdown_group::Entity>(&mut query, read.model);
    select_columns::<target_breakdown_row::Entity>(&mut query, read.joined);
    let groups = fetch_with_related_reading::<
        target_breakdown_group::Model,
        target_breakdown_row::Model,
        _,
    >(db, &query, |g| g.id, read)
    .await?;
    let mut map: FastMap<Uuid, StoredBreakdown> = FastMap::default();
    for (group, rows) in groups {
        map.entry(group.target_id)
            .or_default()
            .groups
            .push((group, rows));
    }
    Ok(map)
}

/// A baseline → target pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Values {
    pub baseline: f64,
    pub target: f64,
}

/// A computed breakdown group: its rows and their subtotal.
#[derive(Debug, Clone)]
pub struct BreakdownGroup {
    pub group: target_breakdown_group::Model,
    pub rows: Vec<target_breakdown_row::Model>,
    pub subtotal: Values,
}

/// A breakdown with every derived number computed.
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub groups: Vec<BreakdownGroup>,
    pub total_label: Option<String>,
    pub total: Values,
    pub ratio: Option<Ratio>,
}

/// A per-population ratio row ("giường bệnh/10.000 dân").
#[derive(Debug, Clone)]
pub struct Ratio {
    pub label: Option<String>,
    pub per: f64,
    pub values: Values,
}

/// Computes subtotals, the total and the per-population ratio of a stored breakdown.
pub fn compute(target: &target::Model, stored: StoredBreakdown) -> Breakdown {
    let groups: Vec<BreakdownGroup> = stored
        .groups
        .into_iter()
        .map(|(group, rows)| {
            let subtotal = Values {
                baseline: rows.iter().map(|r| r.baseline_value).sum(),
                target: rows.iter().map(|r| r.target_value).sum(),
            };
            BreakdownGroup {
                group,
                rows,
                subtotal,
            }
        })
        .collect();
    let total = Values {
        baseline: groups.iter().map(|g| g.subtotal.baseline).sum(),
        target: groups.iter().map(|g| g.subtotal.target).sum(),
    };
    let ratio = match (
        target.ratio_per,
        target.population_baseline,
        target.population_target,
    ) {
        (Some(per), Some(pop_base), Some(pop_target)) if pop_base > 0.0 && pop_target > 0.0 => {
            let decimals = target.ratio_decimals.unwrap_or(1).clamp(0, 6);
            Some(Ratio {
                label: target.ratio_label.clone(),
                per,
                values: Values {
                    baseline: round(total.baseline / pop_base * per, decimals),
                    target: round(total.target / pop_target * per, decimals),
                },
            })
        }
        _ => None,
    };
    Breakdown {
        groups,
        total_label: target.total_label.clone(),
        total,
        ratio,
    }
}

/// Rounds half away from zero to `decimals` places, as printed tables do.
pub fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}
