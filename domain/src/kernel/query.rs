//! Query helpers shared by the domain modules: one page of a list, one page per parent in a
//! single windowed statement, and the accent-insensitive search condition.

use crate::kernel::maps::FastMap;
use std::fmt::Write as _;

use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, IntoColumnRef, LikeExpr, Order, Query, QueryStatementBuilder,
    SelectStatement, SimpleExpr, WindowStatement,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryTrait, Select, Statement,
};
use uuid::Uuid;

use crate::kernel::error::{DomainError, DomainResult};
use crate::kernel::page::{Page, PageArgs, RowKey, Window, anchor};
use crate::kernel::rows::{ColumnSet, Columns, DecodeRow, JoinedOnce, RowColumns};
use crate::kernel::text::SearchQuery;

/// Rows of `E` by their (single, UUID) primary key, in one statement.
pub async fn by_ids<E>(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, E::Model>>
where
    E: EntityTrait,
    E::Model: sea_orm::ModelTrait<Entity = E> + DecodeRow,
{
    use sea_orm::{Iterable, PrimaryKeyToColumn};
    let Some(key) = E::PrimaryKey::iter()
        .next()
        .map(PrimaryKeyToColumn::into_column)
    else {
        return Ok(FastMap::default());
    };
    Ok(
        fetch_all(db, find::<E>().filter(key.is_in(ids.iter().copied())))
            .await?
            .into_iter()
            .filter_map(|model| {
                let id = <Uuid as sea_orm::sea_query::ValueType>::try_from(
                    sea_orm::ModelTrait::get(&model, key),
                )
                .ok()?;
                Some((id, model))
            })
            .collect(),
    )
}

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
    let read = ColumnSet::ALL.into();
    fetch_page_wrapped(db, select, args, ordering, want_total, read, wrap).await
}

/// [`fetch_page`] of a list ordered by `keys`, paging by keyset (see [`SortKeys`]): `select`
/// is filtered, not yet ordered.
pub async fn fetch_keyed_page<E, C>(
    db: &C,
    select: Select<E>,
    keys: &SortKeys<E>,
    args: &PageArgs,
    ordering: &str,
    want_total: bool,
) -> DomainResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: DecodeRow + Sized + Send + Sync + sea_orm::ModelTrait<Entity = E>,
    C: ConnectionTrait,
{
    keyed_rows(
        db,
        keys.order(select),
        keys,
        args,
        ordering,
        want_total,
        ColumnSet::ALL,
    )
    .await
}

/// A keyed page of `select` (already ordered by `keys`) reading the columns of `read`, each row
/// its own model.
async fn keyed_rows<E, R, C>(
    db: &C,
    select: Select<E>,
    keys: &SortKeys<E>,
    args: &PageArgs,
    ordering: &str,
    want_total: bool,
    read: ColumnSet,
) -> DomainResult<Page<R>>
where
    E: EntityTrait,
    E::Model: Send + Sync + sea_orm::ModelTrait<Entity = E>,
    R: KeyedRow<E>,
    C: ConnectionTrait,
{
    let backend = db.get_database_backend();
    let keyset = Keyset {
        keys,
        model: R::model,
    };
    fetch_keyed_page_wrapped(
        db,
        reading(select, read),
        args,
        ordering,
        want_total,
        read.into(),
        |page, rows| windowed(backend, page, rows),
        Some(keyset),
    )
    .await
}

/// The name of the column that carries the whole list's count (see [`fetch_page_wrapped`]).
const TOTAL_COLUMN: &str = "total_count";

/// The page statement as it is: its rows limited to `rows`.
///
/// `LIMIT` and `OFFSET` are written into the statement, not bound as parameters: bound,
/// PostgreSQL's generic plan of the prepared statement guesses a tenth of the table for them,
/// looks far dearer than a plan for the actual values, and so PostgreSQL plans the statement
/// anew on every execution (a task page: 0.07 ms of planning for 0.07 ms of work). Written in,
/// the generic plan costs what the custom one does and is kept after five executions (planning
/// 0.005 ms). They are numbers the server computed, never a caller's text.
pub fn windowed(backend: DbBackend, page: SelectStatement, rows: RowWindow) -> Statement {
    let mut statement = backend.build(&page);
    // Appended in place: the statement's text is not copied again.
    let _ = write!(
        statement.sql,
        " LIMIT {} OFFSET {}",
        rows.limit, rows.offset
    );
    statement
}

/// The rows a page statement reads: `limit` rows (one more than the page, to tell whether there
/// is a next one) after `offset`.
#[derive(Debug, Clone, Copy)]
pub struct RowWindow {
    pub offset: u64,
    pub limit: u64,
    /// Whether the page statement's last column is the whole list's count: a statement built
    /// around it must keep that column last.
    pub with_total: bool,
}

/// [`fetch_page`] for rows that carry more than their model: `wrap` turns the filtered and
/// ordered statement and the rows to read into the statement sent, whose columns start with the
/// model's (only those of `read.model`, when `select` reads only those, then those of
/// `read.joined` of a joined model); `R` decodes them.
///
/// With `want_total`, the count of the whole list is a `(SELECT COUNT(*) …)` column of the page
/// statement, not a statement of its own: one round trip instead of two, and one snapshot, so
/// the total always agrees with the page.
pub async fn fetch_page_wrapped<E, R, C>(
    db: &C,
    select: Select<E>,
    args: &PageArgs,
    ordering: &str,
    want_total: bool,
    read: RowColumns,
    wrap: impl Fn(SelectStatement, RowWindow) -> Statement,
) -> DomainResult<Page<R>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    R: DecodeRow + Send + Sync,
    C: ConnectionTrait,
{
    fetch_keyed_page_wrapped(db, select, args, ordering, want_total, read, wrap, None).await
}

/// A keyset list's rows and how to find each row's model (see [`SortKeys`]).
pub struct Keyset<'a, E: EntityTrait, R> {
    pub keys: &'a SortKeys<E>,
    pub model: fn(&R) -> &E::Model,
}

/// [`fetch_page_wrapped`] for a list ordered by `keyset` (`select` is already ordered by it):
/// the page after a keyed cursor starts after its row's keys instead of at its offset, and
/// every row's cursor carries its keys.
#[allow(clippy::too_many_arguments)]
pub async fn fetch_keyed_page_wrapped<E, R, C>(
    db: &C,
    select: Select<E>,
    args: &PageArgs,
    ordering: &str,
    want_total: bool,
    read: RowColumns,
    wrap: impl Fn(SelectStatement, RowWindow) -> Statement,
    keyset: Option<Keyset<'_, E, R>>,
) -> DomainResult<Page<R>>
where
    E: EntityTrait,
    E::Model: Send + Sync + sea_orm::ModelTrait<Entity = E>,
    R: DecodeRow + Send + Sync,
    C: ConnectionTrait,
{
    let window = args.window(ordering)?;
    let (rows, window, total) = if window.from_end {
        // `last:` pages are anchored at the end: the count comes first.
        let count = select.clone().count(db).await?;
        let window = anchor(window, count);
        let statement = page_statement(select, window, false, None, &wrap);
        let (rows, _) = page_rows(db, statement, read, false).await?;
        (rows, window, want_total.then_some(count))
    } else {
        let after = match (&keyset, args.after_key(ordering)?) {
            (Some(keyset), Some(key)) => Some(keyset.keys.after(&key)?),
            _ => None,
        };
        // The list again, only where its count may have to be read on its own (below).
        let listed = want_total.then(|| select.clone());
        let statement = page_statement(select, window, want_total, after, &wrap);
        let (rows, counted) = page_rows(db, statement, read, want_total).await?;
        let total = match (counted, listed) {
            (Some(count), _) => Some(count),
            (None, None) => None,
            // No row to carry the count: none at all, or an empty window (`first: 0`, or past
            // the end).
            (None, Some(_)) if window.offset == 0 && window.limit > 0 => Some(0),
            (None, Some(listed)) => Some(listed.count(db).await?),
        };
        (rows, window, total)
    };
    let mut page = Page::from_rows(rows, window, total, ordering);
    if let Some(keyset) = keyset.as_ref().filter(|_| !args.cursors_unread) {
        page.keys = page
            .rows()
            .map(|row| keyset.keys.key_of((keyset.model)(row)))
            .collect();
    }
    Ok(page)
}

/// A row of a keyed list: decoded from `E`'s columns in entity order, and holding the model
/// whose sort keys its cursor carries. A model is its own; [`fetch_keyed_page_with_joined`]
/// takes others (an audit event whose snapshots stay text).
pub trait KeyedRow<E: EntityTrait>: DecodeRow + Send + Sync {
    fn model(&self) -> &E::Model;
}

impl<E, M> KeyedRow<E> for M
where
    E: EntityTrait<Model = M>,
    M: DecodeRow + Send + Sync + sea_orm::ModelTrait<Entity = E>,
{
    fn model(&self) -> &M {
        self
    }
}

/// A keyed page of `select` (ordered by `keys`; it reads the columns of `read`) with, when
/// `joined` names a column and a set of `J`'s columns, the row of `J` that column of each row
/// names joined on its primary key (`id`) once the page is cut, with those columns (and its id):
/// a plan's issuer, a unit's parent, a target's plan, for the request. Each joined row comes
/// once, on the first row that names it (see [`JoinedOnce`]); without `joined`, every row's is
/// `None`.
/// Its rows are `R`s: models, or rows holding one (see [`KeyedRow`]).
#[allow(clippy::too_many_arguments)]
pub async fn fetch_keyed_page_with_joined<E, R, J, C>(
    db: &C,
    select: Select<E>,
    keys: &SortKeys<E>,
    args: &PageArgs,
    ordering: &str,
    want_total: bool,
    read: ColumnSet,
    joined: Option<(E::Column, ColumnSet)>,
) -> DomainResult<Page<(R, JoinedOnce<J::Model>)>>
where
    E: EntityTrait,
    E::Model: Send + Sync + sea_orm::ModelTrait<Entity = E>,
    R: KeyedRow<E>,
    J: EntityTrait,
    J::Model: DecodeRow + Send + Sync,
    C: ConnectionTrait,
{
    let backend = db.get_database_backend();
    // The joining column is read with the page, whatever the caller's selection; the joined
    // row's id (its first column) with it, which tells rows already read apart.
    let read = match joined {
        Some((column, _)) => read.with(ColumnSet::of::<E>(&[column])),
        None => read,
    };
    let Some((joined_column, joined_read)) = joined else {
        let page = keyed_rows(db, select, keys, args, ordering, want_total, read).await?;
        return Ok(page.map(|row| (row, JoinedOnce(None))));
    };
    let joined_read = joined_read.with(ColumnSet::ID);
    let select = reading(select, read);
    let join = format!(
        r#"LEFT JOIN "{}" AS "joined" ON "joined"."id" = "page"."{}""#,
        sea_orm::IdenStatic::as_str(&J::default()),
        sea_orm::IdenStatic::as_str(&joined_column)
    );
    let columns = read.names::<E>();
    let order: Vec<(&str, bool)> = keys
        .keys
        .iter()
        .map(|(key, nulls_last)| (sea_orm::IdenStatic::as_str(key), *nulls_last))
        .collect();
    let shape = JoinedPage {
        columns: &columns,
        joined_columns: &qualified_columns::<J>("joined", joined_read),
        join: &join,
        order: &order,
        descending: keys.descending,
    };
    let keyset = Keyset {
        keys,
        model: |row: &(R, JoinedOnce<J::Model>)| row.0.model(),
    };
    fetch_keyed_page_wrapped(
        db,
        select,
        args,
        ordering,
        want_total,
        RowColumns {
            model: read,
            joined: joined_read,
        },
        |page, rows| joined_page(backend, page, rows, &shape),
        Some(keyset),
    )
    .await
}

/// The statement reading `window`'s rows (and one more, to tell whether there is a next
/// page), with the whole list's count as its last column when `with_total`. With `after` (a
/// keyed cursor's condition) the rows start after the cursor's row, not at the window's offset.
fn page_statement<E: EntityTrait>(
    select: Select<E>,
    window: Window,
    with_total: bool,
    after: Option<SimpleExpr>,
    wrap: &impl Fn(SelectStatement, RowWindow) -> Statement,
) -> Option<Statement> {
    if window.limit == 0 {
        return None;
    }
    let listed = with_total.then(|| select.clone().into_query());
    let mut page = select.into_query();
    let keyed = after.is_some();
    if let Some(after) = after {
        page.and_where(after);
    }
    if let Some(mut listed) = listed {
        listed.clear_order_by();
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_subquery(listed, Alias::new("listed"))
            .take();
        page.expr_as(
            SimpleExpr::SubQuery(None, Box::new(count.into_sub_query_statement())),
            Alias::new(TOTAL_COLUMN),
        );
    }
    let rows = RowWindow {
        offset: if keyed { 0 } else { window.offset },
        limit: window.limit + 1,
        with_total,
    };
    Some(wrap(page, rows))
}

/// The decoded rows of a page statement, and the count its first row carries when the
/// statement was built `with_total`.
async fn page_rows<R: DecodeRow, C: ConnectionTrait>(
    db: &C,
    statement: Option<Statement>,
    read: RowColumns,
    with_total: bool,
) -> DomainResult<(Vec<R>, Option<u64>)> {
    let Some(statement) = statement else {
        return Ok((Vec::new(), None));
    };
    let rows = db.query_all_raw(statement).await?;
    let count = match rows.first() {
        Some(row) if with_total => {
            Some(u64::try_from(row.try_get::<i64>("", TOTAL_COLUMN)?).unwrap_or(0))
        }
        _ => None,
    };
    Ok((R::from_partial_rows(&rows, read)?, count))
}

/// A page whose rows each get one joined row (or none), joined once the window is cut: joined
/// before the `LIMIT`, PostgreSQL would join the whole filtered list to keep 21 rows.
pub struct JoinedPage<'a> {
    /// The page's own columns, in the order its rows decode.
    pub columns: &'a [&'a str],
    /// The joined row's columns (`"alias"."column", …`), after the page's.
    pub joined_columns: &'a str,
    /// The join, on `"page"`'s columns.
    pub join: &'a str,
    /// The page's order again: its sort keys, each with whether it sorts NULLs last.
    pub order: &'a [(&'a str, bool)],
    pub descending: bool,
}

/// `SELECT <page's columns>, <joined columns>[, total] FROM (<page> LIMIT … OFFSET …) AS "page"
/// <join> ORDER BY <order>`. The window's numbers are written into the SQL, not bound:
/// PostgreSQL prices a generic plan with a `LIMIT $n` as if it read a tenth of the rows, so it
/// re-planned such statements on every run (0.6–0.8 ms); with constants it keeps one plan per
/// connection. They are integers from a validated window, and page sizes are few.
pub fn joined_page(
    backend: DbBackend,
    page: SelectStatement,
    rows: RowWindow,
    shape: &JoinedPage<'_>,
) -> Statement {
    let Statement { sql, values, .. } = backend.build(&page);
    let mut selected: Vec<String> = shape
        .columns
        .iter()
        .map(|c| format!("\"page\".\"{c}\""))
        .collect();
    selected.push(shape.joined_columns.to_owned());
    if rows.with_total {
        selected.push(format!("\"page\".\"{TOTAL_COLUMN}\""));
    }
    let direction = if shape.descending { "DESC" } else { "ASC" };
    let order = shape
        .order
        .iter()
        .map(|(key, nulls_last)| {
            let nulls = if *nulls_last { " NULLS LAST" } else { "" };
            format!("\"page\".\"{key}\" {direction}{nulls}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    Statement {
        sql: format!(
            "SELECT {} FROM ({sql} LIMIT {} OFFSET {}) AS \"page\" {} ORDER BY {order}",
            selected.join(", "),
            rows.limit,
            rows.offset,
            shape.join,
        ),
        values,
        db_backend: backend,
    }
}

/// `E::find()`, copied from the first one built.
///
/// SeaORM builds a select's column list anew on every `find()`, each column through its full
/// definition (to learn whether it is a database enum to cast): 13 000 instructions for a task
/// list, 3 % of a page of tasks (callgrind, twenty-first session), and most lists then replace
/// that list with the columns they read (see [`reading`]). A copy of the first costs a tenth.
pub fn find<E>() -> Select<E>
where
    E: EntityTrait + Send + Sync,
{
    use std::any::{Any, TypeId};
    use std::sync::{LazyLock, RwLock};
    type Prototypes = RwLock<std::collections::HashMap<TypeId, Box<dyn Any + Send + Sync>>>;
    static PROTOTYPES: LazyLock<Prototypes> = LazyLock::new(Default::default);
    let key = TypeId::of::<E>();
    let known = PROTOTYPES.read().ok().and_then(|prototypes| {
        prototypes
            .get(&key)
            .and_then(|prototype| prototype.downcast_ref::<Select<E>>())
            .cloned()
    });
    known.unwrap_or_else(|| {
        let select = E::find();
        if let Ok(mut prototypes) = PROTOTYPES.write() {
            prototypes.insert(key, Box::new(select.clone()));
        }
        select
    })
}

/// `select` reading only the columns of `read` (all of them when `read` has them all).
///
/// The columns are named as they are, without SeaORM's check for enum columns to cast: the
/// entities store every enum as text (`db_type = "String(…)"`), which the decoders read.
pub fn reading<E: EntityTrait>(mut select: Select<E>, read: ColumnSet) -> Select<E> {
    if read.is_all::<E>() {
        return select;
    }
    let query = QueryTrait::query(&mut select);
    query.clear_selects();
    select_columns::<E>(query, read);
    select
}

/// `select` with every column of `B` after its own, as SeaORM's `select_also` and
/// `select_with` select them, but unnamed: the decoders here ([`fetch_pairs`],
/// [`fetch_with_related`]) read by position. SeaORM names each column of such a pair `"A_…"` or
/// `"B_…"` through a new `String` (sea-query then writes it one character at a time): 60 names
/// and 22 000 instructions in a `planProgress` request, for names nothing reads. Unlike
/// `select_with`, it adds no order: a one-to-many join orders by its first model's id itself.
pub fn with_columns_of<B: EntityTrait, A: EntityTrait>(mut select: Select<A>) -> Select<A> {
    select_columns::<B>(QueryTrait::query(&mut select), ColumnSet::ALL);
    select
}

/// Adds the columns of `E` that `read` reads to `query`'s selection, in entity order, each
/// qualified by `E`'s table (a joined model's columns after its own).
pub fn select_columns<E: EntityTrait>(query: &mut SelectStatement, read: ColumnSet) {
    query.columns(
        read.columns::<E>()
            .into_iter()
            .map(|column| (E::default(), column)),
    );
}

/// `"alias"."column", …` for the columns of `E` that `read` reads.
pub fn qualified_columns<E: EntityTrait>(alias: &str, read: ColumnSet) -> String {
    read.names::<E>()
        .iter()
        .map(|c| format!("\"{alias}\".\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// All rows of `select`, decoded by position (see [`DecodeRow`]).
pub async fn fetch_all<E, C>(db: &C, select: Select<E>) -> DomainResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: DecodeRow,
    C: ConnectionTrait,
{
    fetch_decoded(db, &select.into_query()).await
}

/// All rows of `query`, each decoded by position into `R` from its first column on.
pub async fn fetch_decoded<R, C>(db: &C, query: &SelectStatement) -> DomainResult<Vec<R>>
where
    R: DecodeRow,
    C: ConnectionTrait,
{
    let rows = db.query_all(query).await?;
    Ok(rows
        .iter()
        .map(|row| R::from_row(row, 0))
        .collect::<Result<_, _>>()?)
}

/// The rows of a two-model join (the first model's columns, then the second's: see
/// [`with_columns_of`]), decoded by position; the second is `None` where its key is NULL (a left
/// join that found nothing).
pub async fn fetch_pairs<A, B, C>(
    db: &C,
    query: &SelectStatement,
) -> DomainResult<Vec<(A, Option<B>)>>
where
    A: DecodeRow,
    B: DecodeRow,
    C: ConnectionTrait,
{
    fetch_pairs_reading(db, query, ColumnSet::ALL.into()).await
}

/// [`fetch_pairs`] for a statement that reads the columns of `read.model` of the first model
/// and those of `read.joined` of the second (each with its id; the others decode empty).
pub async fn fetch_pairs_reading<A, B, C>(
    db: &C,
    query: &SelectStatement,
    read: RowColumns,
) -> DomainResult<Vec<(A, Option<B>)>>
where
    A: DecodeRow,
    B: DecodeRow,
    C: ConnectionTrait,
{
    let rows = db.query_all(query).await?;
    let mut pairs = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut columns = Columns::at(row, 0);
        columns.start_model(read.model);
        let first = A::decode(&mut columns)?;
        columns.start_model(read.joined);
        let second = if columns.next_is_null()? {
            None
        } else {
            Some(B::decode(&mut columns)?)
        };
        pairs.push((first, second));
    }
    Ok(pairs)
}

/// The rows of a one-to-many join (see [`with_columns_of`]), decoded by position:
/// each first model once, in the order it first appears (`key` tells them apart), with its
/// second models in row order. What SeaORM's `all()` gives, without its decoding by name.
pub async fn fetch_with_related<A, B, C>(
    db: &C,
    query: &SelectStatement,
    key: impl Fn(&A) -> Uuid,
) -> DomainResult<Vec<(A, Vec<B>)>>
where
    A: DecodeRow,
    B: DecodeRow,
    C: ConnectionTrait,
{
    fetch_with_related_reading(db, query, key, ColumnSet::ALL.into()).await
}

/// [`fetch_with_related`] for a statement that reads only some columns of each model (see
/// [`fetch_pairs_reading`]).
pub async fn fetch_with_related_reading<A, B, C>(
    db: &C,
    query: &SelectStatement,
    key: impl Fn(&A) -> Uuid,
    read: RowColumns,
) -> DomainResult<Vec<(A, Vec<B>)>>
where
    A: DecodeRow,
    B: DecodeRow,
    C: ConnectionTrait,
{
    let mut out: Vec<(A, Vec<B>)> = Vec::new();
    let mut slots: FastMap<Uuid, usize> = FastMap::default();
    for (first, second) in fetch_pairs_reading::<A, B, C>(db, query, read).await? {
        let slot = *slots.entry(key(&first)).or_insert_with(|| {
            out.push((first, Vec::new()));
            out.len() - 1
        });
        out[slot].1.extend(second);
    }
    Ok(out)
}

/// The sort keys of a list, a unique one (`id`) last, each with whether its NULLs sort last (on
/// both databases: their defaults differ), all in one direction. A keyset list's cursors carry
/// their row's values of these keys, and the page after a cursor starts after them through an
/// index (`WHERE (keys) > (values)`) instead of reading and skipping `offset` rows.
#[derive(Debug, Clone)]
pub struct SortKeys<E: EntityTrait> {
    pub keys: Vec<(E::Column, bool)>,
    pub descending: bool,
}

impl<E: EntityTrait> SortKeys<E> {
    pub fn new(keys: Vec<(E::Column, bool)>, descending: bool) -> Self {
        Self { keys, descending }
    }

    /// The usual order of a list: one column that is never NULL, then the id.
    pub fn then_id(column: E::Column, id: E::Column, descending: bool) -> Self {
        Self::new(vec![(column, false), (id, false)], descending)
    }

    fn direction(&self) -> Order {
        if self.descending {
            Order::Desc
        } else {
            Order::Asc
        }
    }

    /// `select` ordered by the keys.
    pub fn order(&self, mut select: Select<E>) -> Select<E> {
        use sea_orm::QueryOrder;
        use sea_orm::sea_query::NullOrdering;
        for (key, nulls_last) in &self.keys {
            select = if *nulls_last {
                select.order_by_with_nulls(*key, self.direction(), NullOrdering::Last)
            } else {
                select.order_by(*key, self.direction())
            };
        }
        select
    }

    /// The sort values of `model`, for its cursor (see [`RowKey::text`]).
    pub fn key_of(&self, model: &E::Model) -> RowKey
    where
        E::Model: sea_orm::ModelTrait<Entity = E>,
    {
        RowKey(
            self.keys
                .iter()
                .map(|(key, _)| sea_orm::ModelTrait::get(model, *key))
                .collect(),
        )
    }

    /// The condition "sorts after the row whose cursor key is `key`": a row comparison when no
    /// key can be NULL (an index range on both databases), spelled out key by key otherwise.
    pub fn after(&self, key: &str) -> DomainResult<SimpleExpr> {
        let malformed =
            || DomainError::invalid("malformed cursor: its sort keys do not fit this list");
        let texts: Vec<Option<String>> = serde_json::from_str(key).map_err(|_| malformed())?;
        if texts.len() != self.keys.len() {
            return Err(malformed());
        }
        let mut values = Vec::with_capacity(texts.len());
        for ((column, nulls_last), text) in self.keys.iter().zip(&texts) {
            let value = match text {
                Some(text) => Some(key_value(*column, text).ok_or_else(malformed)?),
                None if *nulls_last => None,
                None => return Err(malformed()),
            };
            values.push(value);
        }
        let column = |c: E::Column| Expr::col((E::default(), c));
        if self.keys.iter().all(|(_, nulls_last)| !nulls_last) {
            let columns = self.keys.iter().map(|(c, _)| column(*c));
            let values = values.into_iter().flatten().map(Expr::val);
            let (left, right) = (Expr::tuple(columns), Expr::tuple(values));
            return Ok(if self.descending {
                left.lt(right)
            } else {
                left.gt(right)
            });
        }
        // (k1 after v1) OR (k1 = v1 AND k2 after v2) OR …, NULLs sorting after every value.
        let mut any = Condition::any();
        let mut equal_so_far = Condition::all();
        for ((key, nulls_last), value) in self.keys.iter().zip(values) {
            let col = column(*key);
            let (after, equal) = match value {
                Some(value) => {
                    let beyond = if self.descending {
                        col.clone().lt(value.clone())
                    } else {
                        col.clone().gt(value.clone())
                    };
                    let after = if *nulls_last {
                        Condition::any().add(beyond).add(col.clone().is_null())
                    } else {
                        Condition::all().add(beyond)
                    };
                    (Some(after), col.eq(value))
                }
                None => (None, col.is_null()),
            };
            if let Some(after) = after {
                any = any.add(equal_so_far.clone().add(after));
            }
            equal_so_far = equal_so_far.add(equal);
        }
        Ok(any.into())
    }
}

/// A sort value as cursor text, tagged with its kind (`None` for NULL). Written into one sized
/// string: every row of a page gets a cursor, and `format!` (its size guess, then growing the
/// buffer; a UUID through the formatter) showed in the profile of a page of tasks.
/// Sort values as a cursor's key: a JSON list of tagged strings.
pub(crate) fn key_list_text(values: &[sea_orm::Value]) -> String {
    let texts: Vec<Option<String>> = values.iter().map(key_text).collect();
    serde_json::to_string(&texts).unwrap_or_default()
}

fn key_text(value: &sea_orm::Value) -> Option<String> {
    use sea_orm::Value as V;
    use std::fmt::Write as _;
    let mut text = String::with_capacity(40);
    let tagged = |text: &mut String, tag: char, rest: &str| {
        text.push(tag);
        text.push_str(rest);
        Ok(())
    };
    let written = match value {
        V::Uuid(Some(v)) => tagged(
            &mut text,
            'u',
            v.hyphenated()
                .encode_lower(&mut uuid::Uuid::encode_buffer()),
        ),
        V::Int(Some(v)) => write!(text, "i{v}"),
        V::BigInt(Some(v)) => write!(text, "i{v}"),
        V::SmallInt(Some(v)) => write!(text, "i{v}"),
        V::String(Some(v)) => tagged(&mut text, 's', v),
        V::ChronoDate(Some(v)) => write!(text, "d{v}"),
        V::ChronoDateTimeUtc(Some(v)) => tagged(&mut text, 't', &v.to_rfc3339()),
        V::ChronoDateTimeWithTimeZone(Some(v)) => tagged(&mut text, 'z', &v.to_rfc3339()),
        _ => return None,
    };
    written.ok().map(|()| text)
}

/// A cursor's sort value back as the value `column` holds, if it is of that column's kind.
fn key_value<C: ColumnTrait>(column: C, text: &str) -> Option<sea_orm::Value> {
    use sea_orm::Value as V;
    use sea_orm::sea_query::ColumnType as T;
    let mut chars = text.chars();
    let tag = chars.next()?;
    let rest = chars.as_str();
    let kind = column.def().get_column_type().clone();
    Some(match (tag, kind) {
        ('u', T::Uuid) => V::Uuid(Some(rest.parse().ok()?)),
        ('i', T::Integer) => V::Int(Some(rest.parse().ok()?)),
        ('i', T::BigInteger) => V::BigInt(Some(rest.parse().ok()?)),
        ('i', T::SmallInteger) => V::SmallInt(Some(rest.parse().ok()?)),
        ('s', T::String(_) | T::Text | T::Char(_)) => V::String(Some(rest.to_owned())),
        ('d', T::Date) => V::ChronoDate(Some(rest.parse().ok()?)),
        ('t', T::TimestampWithTimeZone | T::DateTime | T::Timestamp) => V::ChronoDateTimeUtc(Some(
            chrono::DateTime::parse_from_rfc3339(rest)
                .ok()?
                .with_timezone(&chrono::Utc),
        )),
        ('z', T::TimestampWithTimeZone | T::DateTime | T::Timestamp) => {
            V::ChronoDateTimeWithTimeZone(Some(chrono::DateTime::parse_from_rfc3339(rest).ok()?))
        }
        _ => return None,
    })
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
) -> DomainResult<FastMap<Uuid, ParentPage<E::Model>>>
where
    E: EntityTrait,
    E::Model: DecodeRow + Sized + Send + Sync,
    C: ConnectionTrait,
{
    fetch_pages_per_parent_reading(db, select, parent, order, window, ColumnSet::ALL).await
}

/// [`fetch_pages_per_parent`] reading only the columns of `read` (the others come back empty,
/// so the models are only for the resolvers of the selection that asked for them).
pub async fn fetch_pages_per_parent_reading<E, C>(
    db: &C,
    select: Select<E>,
    parent: impl IntoColumnRef,
    order: &[(SimpleExpr, Order)],
    window: Window,
    read: ColumnSet,
) -> DomainResult<FastMap<Uuid, ParentPage<E::Model>>>
where
    E: EntityTrait,
    E::Model: DecodeRow + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let select = reading(select, read);
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
    let mut pages: FastMap<Uuid, ParentPage<E::Model>> = FastMap::default();
    for row in rows {
        let key: Uuid = row.try_get("", "parent_key")?;
        let total: i64 = row.try_get("", "total_count")?;
        let model = E::Model::from_partial_row(&row, read.into())?;
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
    pages: &FastMap<Uuid, ParentPage<M>>,
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
pub fn search_condition(column: impl ColumnTrait, query: &SearchQuery) -> Condition {
    let mut condition = Condition::all();
    for term in query.terms() {
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

#[cfg(test)]
mod tests {
    use super::key_text;
    use chrono::{NaiveDate, TimeZone, Utc};
    use sea_orm::{ColumnTrait, ColumnType, EntityTrait, IdenStatic, Iterable, Value as V};

    /// The columns of `E` stored as a database enum type, as `table.column`.
    fn database_enums<E: EntityTrait>() -> Vec<String> {
        E::Column::iter()
            .filter(|column| matches!(column.def().get_column_type(), ColumnType::Enum { .. }))
            .map(|column| format!("{}.{}", E::default().table_name(), column.as_str()))
            .collect()
    }

    /// `reading` names columns without SeaORM's cast of database enums (`CAST(… AS text)`), and
    /// the positional decoders read every enum as text: both hold only while no entity stores a
    /// column as a database enum type. An entity that does fails here, not in a list at run time.
    #[test]
    fn no_entity_column_is_a_database_enum() {
        let mut found = Vec::new();
        macro_rules! check {
            ($($entity:ident),+ $(,)?) => {
                $(found.extend(database_enums::<entity::$entity::Entity>());)+
            };
        }
        check!(
            assignment,
            audit_event,
            award_decision,
            award_record,
            award_type,
            base_salary,
            calendar_day,
            council_ballot,
            deadline_extension,
            discipline,
            dossier_item,
            duty_rating,
            employment,
            emulation_movement,
            emulation_registration,
            emulation_round,
            idempotency_key,
            initiative,
            initiative_author,
            nomination,
            nomination_batch,
            nomination_batch_item,
            nomination_event,
            person,
            plan,
            plan_area,
            plan_reference,
            progress_update,
            provenance,
            reference_code,
            registered_operation,
            report_request,
            report_submission,
            reporting_deadline,
            reporting_regime,
            stored_file,
            submission_progress,
            target,
            target_breakdown_group,
            target_breakdown_row,
            target_value,
            task,
            task_contribution,
            unit,
            unit_group,
            unit_group_member,
            unit_succession,
        );
        assert!(
            found.is_empty(),
            "columns stored as database enums: {found:?}"
        );
    }

    /// Cursor texts are what clients hold: they must stay exactly what `format!` wrote before,
    /// so that cursors handed out earlier still decode.
    #[test]
    fn key_texts_are_the_tagged_values() {
        let id = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let day = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap_or_default();
        let instant = Utc
            .with_ymd_and_hms(2025, 3, 14, 17, 0, 5)
            .single()
            .unwrap_or_default();
        let cases = [
            (V::Uuid(Some(id)), Some(format!("u{id}"))),
            (V::Int(Some(-42)), Some("i-42".to_owned())),
            (
                V::BigInt(Some(9_000_000_000)),
                Some("i9000000000".to_owned()),
            ),
            (V::SmallInt(Some(7)), Some("i7".to_owned())),
            (
                V::String(Some("Kế hoạch 2025".into())),
                Some("sKế hoạch 2025".to_owned()),
            ),
            (V::ChronoDate(Some(day)), Some("d2025-03-14".to_owned())),
            (
                V::ChronoDateTimeUtc(Some(instant)),
                Some(format!("t{}", instant.to_rfc3339())),
            ),
            (V::Uuid(None), None),
            (V::Bool(Some(true)), None),
        ];
        for (value, expected) in cases {
            assert_eq!(key_text(&value), expected, "{value:?}");
        }
        assert_eq!(
            key_text(&V::Uuid(Some(id))).as_deref(),
            Some("u01234567-89ab-cdef-0123-456789abcdef")
        );
    }
}
