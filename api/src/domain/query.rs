//! Query helpers shared by the domain modules: one page of a list, one page per parent in a
//! single windowed statement, and the accent-insensitive search condition.

use std::collections::HashMap;

use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, IntoColumnRef, LikeExpr, Order, Query, SelectStatement,
    SimpleExpr, WindowStatement,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryTrait, Select, Statement,
};
use uuid::Uuid;

use super::error::{DomainError, DomainResult};
use super::page::{Page, PageArgs, Window, anchor};
use super::rows::{ColumnSet, DecodeRow};
use super::text::search_terms;

/// Fetches one page of an already filtered and ordered query.
pub async fn fetch_page<E, C>(
    db: &C,
    select: Select<E>,
    args: &PageArgs,
    ordering: &str,
    want_total: bool,
) -> DomainResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: DecodeRow + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let backend = db.get_database_backend();
    let wrap = |page, rows| windowed(backend, page, rows);
    fetch_page_wrapped(db, select, args, ordering, want_total, ColumnSet::ALL, wrap).await
}

/// The page statement as it is: its rows limited to `rows`.
pub fn windowed(backend: DbBackend, mut page: SelectStatement, rows: RowWindow) -> Statement {
    page.offset(rows.offset).limit(rows.limit);
    backend.build(&page)
}

/// The rows a page statement reads: `limit` rows (one more than the page, to tell whether there
/// is a next one) after `offset`.
#[derive(Debug, Clone, Copy)]
pub struct RowWindow {
    pub offset: u64,
    pub limit: u64,
}

/// [`fetch_page`] for rows that carry more than their model: `wrap` turns the filtered and
/// ordered statement and the rows to read into the statement sent, whose columns start with the
/// model's (only those of `read`, when `select` reads only those); `R` decodes them.
pub async fn fetch_page_wrapped<E, R, C>(
    db: &C,
    select: Select<E>,
    args: &PageArgs,
    ordering: &str,
    want_total: bool,
    read: ColumnSet,
    wrap: impl Fn(SelectStatement, RowWindow) -> Statement,
) -> DomainResult<Page<R>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    R: DecodeRow + Send + Sync,
    C: ConnectionTrait,
{
    let window = args.window(ordering)?;
    let rows_of = |window: Window| {
        let statement = wrap(
            select.clone().into_query(),
            RowWindow {
                offset: window.offset,
                limit: window.limit + 1,
            },
        );
        async move {
            if window.limit == 0 {
                return Ok(Vec::new());
            }
            let rows = db.query_all_raw(statement).await?;
            Ok::<_, DomainError>(
                rows.iter()
                    .map(|row| R::from_partial_row(row, read))
                    .collect::<Result<Vec<_>, _>>()?,
            )
        }
    };
    if window.from_end {
        // `last:` pages are anchored at the end: the count comes first.
        let total = select.clone().count(db).await?;
        let window = anchor(window, total);
        let rows = rows_of(window).await?;
        return Ok(Page::from_rows(rows, window, Some(total), ordering));
    }
    // The count and the page do not depend on each other: both statements at once.
    let count = async {
        if want_total {
            Ok::<_, DomainError>(Some(select.clone().count(db).await?))
        } else {
            Ok(None)
        }
    };
    let (total, rows) = futures_util::try_join!(count, rows_of(window))?;
    Ok(Page::from_rows(rows, window, total, ordering))
}

/// All rows of `select`, decoded by position (see [`DecodeRow`]).
pub async fn fetch_all<E, C>(db: &C, select: Select<E>) -> DomainResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: DecodeRow,
    C: ConnectionTrait,
{
    let rows = db.query_all(&select.into_query()).await?;
    Ok(rows
        .iter()
        .map(|row| E::Model::from_row(row, 0))
        .collect::<Result<_, _>>()?)
}

/// Rows of one parent's page, as returned by [`fetch_pages_per_parent`].
#[derive(Debug, Clone)]
pub struct ParentPage<M> {
    pub rows: Vec<M>,
    pub total: u64,
}

/// Fetches the same window of children for many parents in one statement:
/// `ROW_NUMBER()`/`COUNT(*)` over a partition by `parent` (SQLite ≥ 3.25 and PostgreSQL).
/// Parents without children are absent from the map.
pub async fn fetch_pages_per_parent<E, C>(
    db: &C,
    select: Select<E>,
    parent: impl IntoColumnRef,
    order: &[(SimpleExpr, Order)],
    window: Window,
) -> DomainResult<HashMap<Uuid, ParentPage<E::Model>>>
where
    E: EntityTrait,
    E::Model: DecodeRow + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let parent = parent.into_column_ref();
    let mut partition = WindowStatement::partition_by(parent.clone());
    for (expr, direction) in order {
        partition.order_by_expr(expr.clone(), direction.clone());
    }
    let mut inner = select.into_query();
    inner
        .expr_as(Expr::col(parent.clone()), Alias::new("parent_key"))
        .expr_window_as(
            Expr::cust("ROW_NUMBER()"),
            partition,
            Alias::new("row_number"),
        )
        .expr_window_as(
            Expr::cust("COUNT(*)"),
            WindowStatement::partition_by(parent),
            Alias::new("total_count"),
        );
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, Alias::new("windowed"))
        .and_where(Expr::col(Alias::new("row_number")).gt(window.offset as i64))
        .and_where(
            Expr::col(Alias::new("row_number")).lte((window.offset + window.limit + 1) as i64),
        )
        .order_by(Alias::new("parent_key"), Order::Asc)
        .order_by(Alias::new("row_number"), Order::Asc)
        .to_owned();
    let rows = db.query_all(&outer).await?;
    let mut pages: HashMap<Uuid, ParentPage<E::Model>> = HashMap::new();
    for row in rows {
        let key: Uuid = row.try_get("", "parent_key")?;
        let total: i64 = row.try_get("", "total_count")?;
        let model = E::Model::from_row(&row, 0)?;
        let page = pages.entry(key).or_insert_with(|| ParentPage {
            rows: Vec::new(),
            total: total as u64,
        });
        page.rows.push(model);
    }
    Ok(pages)
}

/// Turns one parent's rows into a page (rows were fetched with `limit + 1`).
pub fn parent_page<M: Clone>(
    pages: &HashMap<Uuid, ParentPage<M>>,
    parent: Uuid,
    window: Window,
    ordering: &str,
) -> Page<M> {
    match pages.get(&parent) {
        Some(page) => Page::from_rows(page.rows.clone(), window, Some(page.total), ordering),
        None => Page::from_rows(Vec::new(), window, Some(0), ordering),
    }
}

/// Every folded search word must occur in `column` (a `search_text` column).
pub fn search_condition(column: impl ColumnTrait, query: &str) -> Condition {
    let mut condition = Condition::all();
    for term in search_terms(query) {
        let escaped = term
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        condition = condition.add(
            Expr::col(column.as_column_ref())
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    condition
}

/// Applies `filter` only when the option is set.
pub trait FilterIf: QueryFilter + Sized {
    fn filter_if<T>(self, value: Option<T>, f: impl FnOnce(T) -> Condition) -> Self {
        match value {
            Some(v) => self.filter(f(v)),
            None => self,
        }
    }
}

impl<E: EntityTrait> FilterIf for Select<E> {}
