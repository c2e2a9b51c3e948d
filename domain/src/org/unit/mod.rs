//! Units (đơn vị): the organisation tree, its history (succession events) and lookups.

pub mod edit;
pub mod identifier;

use crate::kernel::maps::FastMap;

use chrono::NaiveDate;
use entity::enums::UnitKind;
use entity::{unit, unit_succession};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, FromQueryResult, QueryFilter, QueryOrder, Statement,
};
use uuid::Uuid;

use crate::kernel::error::DomainResult;
use crate::kernel::page::{Page, PageArgs, Window};
use crate::kernel::query::{
    FilterIf, ParentPage, SortKeys, fetch_all, fetch_keyed_page_with_joined,
    fetch_pages_per_parent_reading, find, search_condition,
};
use crate::kernel::rows::{ColumnSet, DecodeRow, JoinedOnce};

/// Filters of `units(filter:)`.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub search: Option<crate::kernel::text::SearchQuery>,
    pub parent_id: Option<Uuid>,
    pub kinds: Vec<UnitKind>,
    /// Only units that existed on this date.
    pub active_at: Option<NaiveDate>,
}

/// Orderings of unit lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitOrderField {
    Name,
    Code,
}

/// Ordering of `units`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitOrder {
    pub field: UnitOrderField,
    pub descending: bool,
}

impl Default for UnitOrder {
    fn default() -> Self {
        Self {
            field: UnitOrderField::Name,
            descending: false,
        }
    }
}

impl UnitOrder {
    fn name(self) -> String {
        format!(
            "units:{:?}:{}",
            self.field,
            if self.descending { "desc" } else { "asc" }
        )
    }
}

/// Condition "the unit existed on `date`" (active_from ≤ date ≤ active_to, open ends allowed).
pub fn active_at_condition(date: NaiveDate) -> Condition {
    active_at_condition_in(unit::Entity, date)
}

/// [`active_at_condition`] of the unit table under another name (`"u"`).
pub fn active_at_condition_in(
    table: impl sea_orm::sea_query::IntoIden + Clone,
    date: NaiveDate,
) -> Condition {
    let column = |c: unit::Column| Expr::col((table.clone(), c));
    Condition::all()
        .add(
            Condition::any()
                .add(column(unit::Column::ActiveFrom).is_null())
                .add(column(unit::Column::ActiveFrom).lte(date)),
        )
        .add(
            Condition::any()
                .add(column(unit::Column::ActiveTo).is_null())
                .add(column(unit::Column::ActiveTo).gte(date)),
        )
}

/// Whether `unit` existed on `date`.
pub fn is_active_at(unit: &unit::Model, date: NaiveDate) -> bool {
    unit.active_from.is_none_or(|from| from <= date) && unit.active_to.is_none_or(|to| to >= date)
}

/// `units(filter:, orderBy:)`, reading the columns of `columns` ([`ColumnSet::ALL`]: the whole
/// model; the list adds its sort keys). The other columns come back empty. With `parent`, each
/// unit's parent comes with it, read with those columns.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &UnitFilter,
    order: UnitOrder,
    args: &PageArgs,
    want_total: bool,
    columns: ColumnSet,
    parent: Option<ColumnSet>,
) -> DomainResult<Page<(unit::Model, JoinedOnce<unit::Model>)>> {
    let column = match order.field {
        UnitOrderField::Name => unit::Column::Name,
        UnitOrderField::Code => unit::Column::Code,
    };
    // Units without a code sort last on both databases (their defaults differ).
    let nulls_last = order.field == UnitOrderField::Code;
    let keys = SortKeys::new(
        vec![(column, nulls_last), (unit::Column::Id, false)],
        order.descending,
    );
    let select = find::<unit::Entity>()
        .filter_if(filter.search.as_ref(), |q| {
            search_condition(unit::Column::SearchText, q)
        })
        .filter_if(filter.parent_id, |p| {
            Condition::all().add(unit::Column::ParentId.eq(p))
        })
        .filter_if(
            (!filter.kinds.is_empty()).then_some(&filter.kinds),
            |kinds| Condition::all().add(unit::Column::Kind.is_in(kinds.iter().copied())),
        )
        .filter_if(filter.active_at, active_at_condition);
    let read = columns.with(ColumnSet::of::<unit::Entity>(&[column, unit::Column::Id]));
    let select = keys.order(select);
    // Each unit's parent (with the columns asked for), joined once the page is cut: the parents
    // cost no statement of their own.
    let parent = parent.map(|read| (unit::Column::ParentId, read));
    fetch_keyed_page_with_joined::<_, _, unit::Entity, _>(
        db,
        select,
        &keys,
        args,
        &order.name(),
        want_total,
        read,
        parent,
    )
    .await
}

/// Units by id (missing ids are absent).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, unit::Model>> {
    let rows = fetch_all(
        db,
        find::<unit::Entity>().filter(unit::Column::Id.is_in(ids.iter().copied())),
    )
    .await?;
    Ok(rows.into_iter().map(|u| (u.id, u)).collect())
}

/// A unit by its electronic agency code (also closed units: history stays resolvable).
pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> DomainResult<Option<unit::Model>> {
    Ok(find::<unit::Entity>()
        .filter(unit::Column::Code.eq(code.trim()))
        .one(db)
        .await?)
}

/// The unit a caller's token names, as [`caller_unit`] reads it.
#[derive(Debug, Clone)]
pub struct CallerUnit {
    pub id: Uuid,
    /// Set when the unit was closed before today: what the caller is told about it.
    pub closed: Option<crate::access::principal::ClosedUnit>,
    /// The unit and every unit below it, when asked for.
    pub subtree: Option<Vec<Uuid>>,
}

/// The unit a caller's token names, by agency code, with — when asked — its subtree (for a
/// caller whose grants reach a subtree), in one statement; a closed unit costs two more, for
/// what the caller is told about it.
pub async fn caller_unit(
    db: &impl ConnectionTrait,
    code: &str,
    with_subtree: bool,
) -> DomainResult<Option<CallerUnit>> {
    let (unit, subtree) = if with_subtree {
        match by_code_with_subtree(db, code).await? {
            Some((unit, subtree)) => (unit, Some(subtree)),
            None => return Ok(None),
        }
    } else {
        match by_code(db, code).await? {
            Some(unit) => (unit, None),
            None => return Ok(None),
        }
    };
    let today = crate::kernel::time::today();
    let closed = match unit.active_to {
        Some(last_day) if last_day < today => {
            let events = successions_from(db, &[unit.id]).await?;
            let successor = match events.get(&unit.id).and_then(|e| e.last()) {
                Some(event) => by_ids(db, &[event.successor_id])
                    .await?
                    .remove(&event.successor_id)
                    .map(|s| (s.name, s.code)),
                None => None,
            };
            Some(crate::access::principal::ClosedUnit {
                name: unit.name.clone(),
                last_day,
                successor,
            })
        }
        _ => None,
    };
    Ok(Some(CallerUnit {
        id: unit.id,
        closed,
        subtree,
    }))
}

/// The unit with agency code `code` and its subtree (as [`subtree_ids`] reads it), in one
/// statement: one row per unit of the subtree, the root's with its columns.
async fn by_code_with_subtree(
    db: &impl ConnectionTrait,
    code: &str,
) -> DomainResult<Option<(unit::Model, Vec<Uuid>)>> {
    let backend = db.get_database_backend();
    let code = code.trim();
    let (placeholder, values) = match backend {
        sea_orm::DatabaseBackend::Postgres => ("$1", vec![code.into()]),
        _ => ("?", vec![code.into(), code.into()]),
    };
    let sql = format!(
        "WITH RECURSIVE subtree(id) AS (SELECT id FROM unit WHERE code = {placeholder} \
         UNION SELECT u.id FROM unit u JOIN subtree s ON u.parent_id = s.id) \
         SELECT s.id AS subtree_id, root.* FROM subtree s \
         LEFT JOIN unit root ON root.id = s.id AND root.code = {placeholder}"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut root = None;
    let mut subtree = Vec::with_capacity(rows.len());
    for row in &rows {
        subtree.push(row.try_get::<Uuid>("", "subtree_id")?);
        if root.is_none() && row.try_get::<Option<Uuid>>("", "id")?.is_some() {
            root = Some(unit::Model::from_query_result(row, "")?);
        }
    }
    Ok(root.map(|root| (root, subtree)))
}

/// The ordering name of `Unit.children` pages.
pub const CHILDREN_ORDERING: &str = "unit.children";

/// One page of children for each parent, in one statement, reading the columns of `columns`
/// (the others come back empty).
pub async fn children_pages(
    db: &impl ConnectionTrait,
    parents: &[Uuid],
    window: Window,
    columns: ColumnSet,
) -> DomainResult<FastMap<Uuid, ParentPage<unit::Model>>> {
    let select =
        find::<unit::Entity>().filter(unit::Column::ParentId.is_in(parents.iter().copied()));
    fetch_pages_per_parent_reading(
        db,
        select,
        (unit::Entity, unit::Column::ParentId),
        &[
            (Expr::col((unit::Entity, unit::Column::Name)), Order::Asc),
            (Expr::col((unit::Entity, unit::Column::Id)), Order::Asc),
        ],
        window,
        columns,
    )
    .await
}

/// The ancestors of each unit, nearest first, in one statement (a recursive walk up the tree
/// for every unit asked for at once), whatever the number of units and the depth of the tree.
pub async fn ancestors(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, Vec<unit::Model>>> {
    let mut chains: FastMap<Uuid, Vec<unit::Model>> =
        ids.iter().map(|&id| (id, Vec::new())).collect();
    if ids.is_empty() {
        return Ok(chains);
    }
    let backend = db.get_database_backend();
    let placeholders = (1..=ids.len())
        .map(|i| match backend {
            sea_orm::DatabaseBackend::Postgres => format!("${i}"),
            _ => "?".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    // A cycle in stored data stops at the depth bound (and is cut below at its first repeat).
    let sql = format!(
        "WITH RECURSIVE chain(start, id, depth) AS (\
           SELECT id, parent_id, 1 FROM unit WHERE id IN ({placeholders}) AND parent_id IS NOT NULL \
           UNION ALL \
           SELECT c.start, u.parent_id, c.depth + 1 FROM chain c JOIN unit u ON u.id = c.id \
           WHERE u.parent_id IS NOT NULL AND c.depth < 64) \
         SELECT {columns}, c.start AS chain_start FROM chain c JOIN unit u ON u.id = c.id \
         ORDER BY c.start, c.depth",
        columns = crate::kernel::query::qualified_columns::<unit::Entity>("u", ColumnSet::ALL),
    );
    let values: Vec<sea_orm::Value> = ids.iter().map(|&id| id.into()).collect();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    for row in rows {
        let start: Uuid = row.try_get("", "chain_start")?;
        let ancestor = unit::Model::from_row(&row, 0)?;
        let chain = chains.entry(start).or_default();
        let repeated = ancestor.id == start || chain.iter().any(|u| u.id == ancestor.id);
        // After a repeat, the rest of this chain is the cycle again: skip it.
        if repeated
            || chain
                .last()
                .is_some_and(|last| last.parent_id != Some(ancestor.id))
        {
            continue;
        }
        chain.push(ancestor);
    }
    Ok(chains)
}

/// Ids of `root` and every unit below it (recursive CTE, same SQL on both databases).
pub async fn subtree_ids(db: &impl ConnectionTrait, root: Uuid) -> DomainResult<Vec<Uuid>> {
    let backend = db.get_database_backend();
    let placeholder = match backend {
        sea_orm::DatabaseBackend::Postgres => "$1",
        _ => "?",
    };
    let sql = format!(
        "WITH RECURSIVE subtree(id) AS (SELECT id FROM unit WHERE id = {placeholder} \
         UNION SELECT u.id FROM unit u JOIN subtree s ON u.parent_id = s.id) SELECT id FROM subtree"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [root.into()]))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<Uuid>("", "id").map_err(Into::into))
        .collect()
}

/// Succession events in which the units are the predecessor (what became of them).
pub async fn successions_from(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, Vec<unit_succession::Model>>> {
    let rows = find::<unit_succession::Entity>()
        .filter(unit_succession::Column::PredecessorId.is_in(ids.iter().copied()))
        .order_by_asc(unit_succession::Column::EffectiveOn)
        .all(db)
        .await?;
    let mut map: FastMap<Uuid, Vec<_>> = FastMap::default();
    for row in rows {
        map.entry(row.predecessor_id).or_default().push(row);
    }
    Ok(map)
}

/// Succession events in which the units are the successor (what they came from).
pub async fn successions_into(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, Vec<unit_succession::Model>>> {
    let rows = find::<unit_succession::Entity>()
        .filter(unit_succession::Column::SuccessorId.is_in(ids.iter().copied()))
        .order_by_asc(unit_succession::Column::EffectiveOn)
        .all(db)
        .await?;
    let mut map: FastMap<Uuid, Vec<_>> = FastMap::default();
    for row in rows {
        map.entry(row.successor_id).or_default().push(row);
    }
    Ok(map)
}
