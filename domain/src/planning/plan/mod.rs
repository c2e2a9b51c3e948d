//! Plans (văn bản kế hoạch): lists, lookups and the cascade between plans.

pub mod edit;

use crate::kernel::maps::FastMap;

use entity::enums::{PlanKind, PlanStatus};
use entity::{plan, plan_area, plan_reference, reporting_deadline};
use sea_orm::sea_query::{Expr, ExprTrait, Func, NullOrdering, Order};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use uuid::Uuid;

use crate::access::PlanVisibility;
use crate::kernel::error::DomainResult;
use crate::kernel::page::{Page, PageArgs, Window};
use crate::kernel::query::{
    FilterIf, ParentPage, SortKeys, fetch_all, fetch_keyed_page_with_joined,
    fetch_pages_per_parent, find, search_condition,
};
use crate::kernel::rows::{ColumnSet, JoinedOnce};
use crate::org::unit;

/// Filters of `plans(filter:)`.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub search: Option<crate::kernel::text::SearchQuery>,
    pub issuer_id: Option<Uuid>,
    /// With `issuer_id`: also plans issued by units below the issuer.
    pub include_subtree: bool,
    /// Plans whose period overlaps this year.
    pub year: Option<i32>,
    pub statuses: Vec<PlanStatus>,
    pub kinds: Vec<PlanKind>,
}

/// Orderings of plan lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanOrderField {
    IssuedOn,
    DocumentNumber,
    Title,
    CreatedAt,
}

/// Ordering of `plans`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlanOrder {
    pub field: PlanOrderField,
    pub descending: bool,
}

impl Default for PlanOrder {
    /// Newest issued first: what a dashboard shows.
    fn default() -> Self {
        Self {
            field: PlanOrderField::IssuedOn,
            descending: true,
        }
    }
}

impl PlanOrder {
    fn name(self) -> String {
        format!(
            "plans:{:?}:{}",
            self.field,
            if self.descending { "desc" } else { "asc" }
        )
    }
}

/// How a plan list is read, besides its filter.
#[derive(Debug, Clone, Copy)]
pub struct PlanListing<'a> {
    pub order: PlanOrder,
    pub args: &'a PageArgs,
    pub want_total: bool,
    /// Read each plan's issuer, with these of its columns, in the same statement (a join on its
    /// primary key); when `None`, the issuer is `None`.
    pub issuer: Option<ColumnSet>,
    /// The plan columns the caller reads ([`ColumnSet::ALL`]: the whole model); the others
    /// come back empty. The list adds the ones it needs itself.
    pub columns: ColumnSet,
}

/// `plans(filter:, orderBy:)`: each plan with its issuer when `listing.issuer` asks for it.
pub async fn list(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    filter: &PlanFilter,
    listing: PlanListing<'_>,
) -> DomainResult<Page<(plan::Model, JoinedOnce<entity::unit::Model>)>> {
    let PlanListing {
        order,
        args,
        want_total,
        issuer,
        columns,
    } = listing;
    let issuers = match filter.issuer_id {
        Some(root) if filter.include_subtree => Some(unit::subtree_ids(db, root).await?),
        Some(root) => Some(vec![root]),
        None => None,
    };
    let select = find::<plan::Entity>()
        .filter_if(visibility.plan_condition(), |c| c)
        .filter_if(filter.search.as_ref(), |q| {
            search_condition(plan::Column::SearchText, q)
        })
        .filter_if(issuers, |ids| {
            Condition::all().add(plan::Column::IssuerId.is_in(ids))
        })
        .filter_if(filter.year, year_condition)
        .filter_if(
            (!filter.statuses.is_empty()).then_some(&filter.statuses),
            |s| Condition::all().add(plan::Column::Status.is_in(s.iter().copied())),
        )
        .filter_if((!filter.kinds.is_empty()).then_some(&filter.kinds), |k| {
            Condition::all().add(plan::Column::Kind.is_in(k.iter().copied()))
        });
    let column = match order.field {
        PlanOrderField::IssuedOn => plan::Column::IssuedOn,
        PlanOrderField::DocumentNumber => plan::Column::DocumentNumber,
        PlanOrderField::Title => plan::Column::Title,
        PlanOrderField::CreatedAt => plan::Column::CreatedAt,
    };
    // NULLS LAST on both databases (their defaults differ): undated drafts go to the end.
    let sort = SortKeys::<plan::Entity>::new(
        vec![(column, true), (plan::Column::Id, false)],
        order.descending,
    );
    let select = sort.order(select);
    let read = columns.with(ColumnSet::of::<plan::Entity>(&[column, plan::Column::Id]));
    let issuer = issuer.map(|read| (plan::Column::IssuerId, read));
    fetch_keyed_page_with_joined::<_, _, entity::unit::Entity, _>(
        db,
        select,
        &sort,
        args,
        &order.name(),
        want_total,
        read,
        issuer,
    )
    .await
}

/// A plan's period overlaps `year`; a plan without a period counts by its issue year.
fn year_condition(year: i32) -> Condition {
    let start = Func::coalesce([
        Expr::col(plan::Column::PeriodStart),
        Expr::col(plan::Column::IssueYear),
    ]);
    let end = Func::coalesce([
        Expr::col(plan::Column::PeriodEnd),
        Expr::col(plan::Column::PeriodStart),
        Expr::col(plan::Column::IssueYear),
    ]);
    Condition::all().add(start.lte(year)).add(end.gte(year))
}

/// Plans by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, plan::Model>> {
    let rows = fetch_all(
        db,
        find::<plan::Entity>().filter(plan::Column::Id.is_in(ids.iter().copied())),
    )
    .await?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

/// A plan by its document number (số ký hiệu), optionally of one issuer. Several issuers may use
/// the same number; the newest plan wins when no issuer is given.
pub async fn by_document_number(
    db: &impl ConnectionTrait,
    number: &crate::kernel::values::DocumentNumber,
    issuer_id: Option<Uuid>,
) -> DomainResult<Option<plan::Model>> {
    Ok(find::<plan::Entity>()
        .filter(plan::Column::DocumentNumber.eq(number.as_str()))
        .filter_if(issuer_id, |id| {
            Condition::all().add(plan::Column::IssuerId.eq(id))
        })
        .order_by_with_nulls(plan::Column::IssuedOn, Order::Desc, NullOrdering::Last)
        .one(db)
        .await?)
}

/// The documents each plan implements (căn cứ / thực hiện), in document order.
pub async fn references(
    db: &impl ConnectionTrait,
    plan_ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, Vec<plan_reference::Model>>> {
    let rows = find::<plan_reference::Entity>()
        .filter(plan_reference::Column::PlanId.is_in(plan_ids.iter().copied()))
        .order_by_asc(plan_reference::Column::Position)
        .all(db)
        .await?;
    let mut map: FastMap<Uuid, Vec<_>> = FastMap::default();
    for row in rows {
        map.entry(row.plan_id).or_default().push(row);
    }
    Ok(map)
}

/// Ordering name of `Plan.implementedBy` pages.
pub const IMPLEMENTED_BY_ORDERING: &str = "plan.implementedBy";
/// Ordering name of `Unit.plans` pages.
pub const ISSUED_BY_ORDERING: &str = "unit.plans";

/// For each parent plan, one page of the plans that implement it.
pub async fn implemented_by_pages(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    parents: &[Uuid],
    window: Window,
) -> DomainResult<FastMap<Uuid, ParentPage<plan::Model>>> {
    let select = find::<plan::Entity>()
        .join(
            JoinType::InnerJoin,
            plan_reference::Relation::Plan.def().rev(),
        )
        .filter(plan_reference::Column::ParentPlanId.is_in(parents.iter().copied()))
        .filter_if(visibility.plan_condition(), |c| c);
    fetch_pages_per_parent(
        db,
        select,
        (plan_reference::Entity, plan_reference::Column::ParentPlanId),
        &issued_order(),
        window,
    )
    .await
}

/// For each unit, one page of the plans it issued.
pub async fn issued_by_pages(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    issuers: &[Uuid],
    window: Window,
) -> DomainResult<FastMap<Uuid, ParentPage<plan::Model>>> {
    let select = find::<plan::Entity>()
        .filter(plan::Column::IssuerId.is_in(issuers.iter().copied()))
        .filter_if(visibility.plan_condition(), |c| c);
    fetch_pages_per_parent(
        db,
        select,
        (plan::Entity, plan::Column::IssuerId),
        &issued_order(),
        window,
    )
    .await
}

fn issued_order() -> Vec<(sea_orm::sea_query::SimpleExpr, Order)> {
    vec![
        (
            Expr::col((plan::Entity, plan::Column::IssuedOn)).is_null(),
            Order::Asc,
        ),
        (
            Expr::col((plan::Entity, plan::Column::IssuedOn)),
            Order::Desc,
        ),
        (Expr::col((plan::Entity, plan::Column::Id)), Order::Asc),
    ]
}

/// The areas (sections) of each plan, in document order.
pub async fn areas(
    db: &impl ConnectionTrait,
    plan_ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, Vec<plan_area::Model>>> {
    let rows = find::<plan_area::Entity>()
        .filter(plan_area::Column::PlanId.is_in(plan_ids.iter().copied()))
        .order_by_asc(plan_area::Column::Position)
        .all(db)
        .await?;
    let mut map: FastMap<Uuid, Vec<_>> = FastMap::default();
    for row in rows {
        map.entry(row.plan_id).or_default().push(row);
    }
    Ok(map)
}

/// Areas by id.
pub async fn areas_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, plan_area::Model>> {
    let rows = find::<plan_area::Entity>()
        .filter(plan_area::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

/// The reporting deadlines each plan states.
pub async fn reporting_deadlines(
    db: &impl ConnectionTrait,
    plan_ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, Vec<reporting_deadline::Model>>> {
    let rows = find::<reporting_deadline::Entity>()
        .filter(reporting_deadline::Column::PlanId.is_in(plan_ids.iter().copied()))
        .order_by_asc(reporting_deadline::Column::Position)
        .all(db)
        .await?;
    let mut map: FastMap<Uuid, Vec<_>> = FastMap::default();
    for row in rows {
        map.entry(row.plan_id).or_default().push(row);
    }
    Ok(map)
}
