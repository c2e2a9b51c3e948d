//! Tasks (nhiệm vụ, giải pháp): lists, assignments, progress and derived timeliness.

pub mod edit;
pub mod facts;

use crate::kernel::maps::{FastMap, FastSet, map_with_capacity};

use chrono::NaiveDate;
use entity::enums::{AssignmentRole, TaskStatus};
use entity::{assignment, progress_update, task};
use sea_orm::sea_query::{Expr, IntoIden, NullOrdering, Order, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, Iterable, JoinType, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Related, Statement,
};
use uuid::Uuid;

use crate::access::PlanVisibility;
use crate::kernel::error::{DomainError, DomainResult};
use crate::kernel::page::{Page, PageArgs, Window};
use crate::kernel::query::{
    FilterIf, JoinedPage, Keyset, ParentPage, SortKeys, fetch_all, fetch_keyed_page_wrapped,
    fetch_pages_per_parent, find, joined_page, qualified_columns, reading, search_condition,
    select_columns, windowed,
};
use crate::kernel::rows::{ColumnSet, Columns, DecodeRow, RowColumns};

/// Filters of `tasks(filter:)` and `Plan.tasks(filter:)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TaskFilter {
    pub search: Option<crate::kernel::text::SearchQuery>,
    pub plan_id: Option<Uuid>,
    /// Tasks assigned to this unit, directly or through a group it belongs to on `as_of`.
    pub unit_id: Option<Uuid>,
    /// Only assignments in these roles (with `unit_id`: the unit's role).
    pub roles: Vec<AssignmentRole>,
    pub statuses: Vec<TaskStatus>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Date at which group membership is resolved (default: today in Việt Nam).
    pub as_of: Option<NaiveDate>,
}

/// Orderings of task lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TaskOrderField {
    /// Plan, then the task's place in the document.
    #[default]
    Document,
    DueOn,
    Title,
}

/// Ordering of `tasks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TaskOrder {
    pub field: TaskOrderField,
    pub descending: bool,
}

impl TaskOrder {
    fn name(self) -> String {
        format!(
            "tasks:{:?}:{}",
            self.field,
            if self.descending { "desc" } else { "asc" }
        )
    }
}

/// Timeliness of a task as of a date: derived from status, deadline and completion date,
/// never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    CompletedOnTime,
    CompletedLate,
    OpenWithinDeadline,
    OpenOverdue,
    NoDeadline,
    /// A conditional task whose trigger has not come: it cannot be overdue.
    AwaitingTrigger,
    Cancelled,
}

/// Classifies a task as of `as_of` (hoàn thành đúng hạn / quá hạn, chưa hoàn thành trong hạn /
/// quá hạn). A task completed after `as_of` was still open on that date.
pub fn timeliness(task: &task::Model, as_of: NaiveDate) -> Timeliness {
    TaskTiming::of(task).timeliness(as_of)
}

/// What a task's timeliness depends on: the columns a roll-up reads instead of whole rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct TaskTiming {
    pub status: TaskStatus,
    pub due_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
}

impl TaskTiming {
    pub fn of(task: &task::Model) -> Self {
        Self {
            status: task.status,
            due_on: task.due_on,
            completed_on: task.completed_on,
        }
    }

    /// See [`timeliness`].
    pub fn timeliness(self, as_of: NaiveDate) -> Timeliness {
        let task = self;
        match task.status {
            TaskStatus::Cancelled => return Timeliness::Cancelled,
            TaskStatus::WaitingTrigger => return Timeliness::AwaitingTrigger,
            TaskStatus::Completed => {
                if let Some(done) = task.completed_on.filter(|d| *d <= as_of) {
                    return match task.due_on {
                        Some(due) if done > due => Timeliness::CompletedLate,
                        _ => Timeliness::CompletedOnTime,
                    };
                }
                // Completed without a recorded date: trust the status.
                if task.completed_on.is_none() {
                    return Timeliness::CompletedOnTime;
                }
            }
            _ => {}
        }
        match task.due_on {
            None => Timeliness::NoDeadline,
            Some(due) if as_of <= due => Timeliness::OpenWithinDeadline,
            Some(_) => Timeliness::OpenOverdue,
        }
    }
}

async fn assignment_condition(
    db: &impl ConnectionTrait,
    filter: &TaskFilter,
    known_unit: Option<&entity::unit::Model>,
) -> DomainResult<Option<Condition>> {
    if filter.unit_id.is_none() && filter.roles.is_empty() {
        return Ok(None);
    }
    let assigned = crate::planning::assignee::assigned(
        db,
        assignment::Column::TaskId,
        filter.unit_id,
        known_unit,
        &filter.roles,
        filter.as_of,
    )
    .await?;
    Ok(Some(
        Condition::all().add(task::Column::Id.in_subquery(assigned)),
    ))
}

async fn filtered(
    db: &impl ConnectionTrait,
    filter: &TaskFilter,
    known_unit: Option<&entity::unit::Model>,
) -> DomainResult<sea_orm::Select<task::Entity>> {
    if let (Some(from), Some(to)) = (filter.due_from, filter.due_to)
        && from > to
    {
        return Err(DomainError::invalid(format!(
            "`dueFrom` ({from}) is after `dueTo` ({to})"
        )));
    }
    let by_assignment = assignment_condition(db, filter, known_unit).await?;
    Ok(find::<task::Entity>()
        .filter_if(filter.search.as_ref(), |q| {
            search_condition(task::Column::SearchText, q)
        })
        .filter_if(filter.plan_id, |p| {
            Condition::all().add(task::Column::PlanId.eq(p))
        })
        .filter_if(by_assignment, |c| c)
        .filter_if(
            (!filter.statuses.is_empty()).then_some(&filter.statuses),
            |s| Condition::all().add(task::Column::Status.is_in(s.iter().copied())),
        )
        .filter_if(filter.due_from, |d| {
            Condition::all().add(task::Column::DueOn.gte(d))
        })
        .filter_if(filter.due_to, |d| {
            Condition::all().add(task::Column::DueOn.lte(d))
        }))
}

/// The columns a task ordering sorts by, `id` last, each with whether its NULLs sort last.
fn sort_keys(order: TaskOrder) -> Vec<(task::Column, bool)> {
    let mut keys = match order.field {
        TaskOrderField::Document => vec![
            (task::Column::PlanId, false),
            (task::Column::Position, false),
        ],
        TaskOrderField::DueOn => vec![(task::Column::DueOn, true)],
        TaskOrderField::Title => vec![(task::Column::Title, false)],
    };
    keys.push((task::Column::Id, false));
    keys
}

fn order_by(statement: &mut SelectStatement, table: impl IntoIden + Clone, order: TaskOrder) {
    let direction = if order.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    for (key, nulls_last) in sort_keys(order) {
        let column = (table.clone().into_iden(), key.into_iden());
        if nulls_last {
            statement.order_by_with_nulls(column, direction.clone(), NullOrdering::Last);
        } else {
            statement.order_by(column, direction.clone());
        }
    }
}

/// How a task list is read, besides its filter.
#[derive(Debug, Clone, Copy)]
pub struct TaskListing<'a> {
    /// The filter's unit when the caller has already read it (it is not read again).
    pub known_unit: Option<&'a entity::unit::Model>,
    pub order: TaskOrder,
    pub args: &'a PageArgs,
    pub want_total: bool,
    /// With the update columns the caller reads: read each task's newest progress update in the
    /// same statement (a lateral `LIMIT 1` per task of the page), with those columns and its id
    /// (the others come back empty). Without: the update is `None`.
    pub latest: Option<ColumnSet>,
    /// The task columns the caller reads ([`ColumnSet::ALL`]: the whole model); the others
    /// come back empty. The list adds the ones it needs itself.
    pub columns: ColumnSet,
    /// The list's name in its cursors when it is not the ordering's own: `Plan.tasks` of one
    /// plan is read here but shares its cursors with `Plan.tasks` under a list of plans
    /// ([`PLAN_TASKS_ORDERING`], whose document order within a plan is the default order's).
    pub cursor_name: Option<&'static str>,
}

/// `tasks(filter:, orderBy:)` and `Unit.tasks`.
pub async fn list(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    filter: &TaskFilter,
    listing: TaskListing<'_>,
) -> DomainResult<Page<(task::Model, Option<progress_update::Model>)>> {
    let TaskListing {
        known_unit,
        order,
        args,
        want_total,
        latest,
        columns,
        cursor_name,
    } = listing;
    let ordering = cursor_name.map_or_else(|| order.name(), str::to_owned);
    // "Not in a hidden plan" (drafts and confidential plans: few), not "in a visible plan":
    // with the latter PostgreSQL joined every match of a search to the visible plans before
    // cutting the page (a broad search at 300 000 tasks: 119 ms, against 42 ms; the page
    // itself 70 ms against 0.5 ms, walked in order down the (plan, position) index).
    let visible =
        visibility.hidden_plans_condition(db.get_database_backend(), task::Column::PlanId);
    let mut select = filtered(db, filter, known_unit)
        .await?
        .filter_if(visible, |c| c);
    order_by(QueryTrait::query(&mut select), task::Entity, order);
    // The list itself reads the sort keys (the outer order), the id among them.
    let keys: Vec<task::Column> = sort_keys(order).into_iter().map(|(key, _)| key).collect();
    let read = columns.with(ColumnSet::of::<task::Entity>(&keys));
    let select = reading(select, read);
    let backend = db.get_database_backend();
    let name = |c: task::Column| sea_orm::IdenStatic::as_str(&c);
    let sort = SortKeys::<task::Entity>::new(sort_keys(order), order.descending);
    let Some(latest) = latest else {
        let wrap = |page, rows| windowed(backend, page, rows);
        let keyset = Keyset {
            keys: &sort,
            model: |task: &task::Model| task,
        };
        let page = fetch_keyed_page_wrapped(
            db,
            select,
            args,
            &ordering,
            want_total,
            read.into(),
            wrap,
            Some(keyset),
        )
        .await?;
        return Ok(page.map(|task: task::Model| (task, None)));
    };
    let columns = read.names::<task::Entity>();
    let keys: Vec<(&str, bool)> = sort_keys(order)
        .into_iter()
        .map(|(key, nulls_last)| (name(key), nulls_last))
        .collect();
    // The update's id tells a task without updates (NULL) from one with.
    let latest = latest.with(ColumnSet::of::<progress_update::Entity>(&[
        progress_update::Column::Id,
    ]));
    let join = latest_progress_join(backend, latest);
    let shape = JoinedPage {
        columns: &columns,
        joined_columns: &qualified_columns::<progress_update::Entity>("p", latest),
        join: &join,
        order: &keys,
        descending: order.descending,
    };
    let wrap = |page, rows| joined_page(backend, page, rows, &shape);
    let read = RowColumns {
        model: read,
        joined: latest,
    };
    let keyset = Keyset {
        keys: &sort,
        model: |row: &(task::Model, Option<progress_update::Model>)| &row.0,
    };
    fetch_keyed_page_wrapped(
        db,
        select,
        args,
        &ordering,
        want_total,
        read,
        wrap,
        Some(keyset),
    )
    .await
}

/// Each task's newest progress update, as `"p"` with the columns of `read`. PostgreSQL joins a
/// lateral `LIMIT 1` (one backward index probe per task); SQLite, which has no lateral joins,
/// matches the update whose id a correlated `LIMIT 1` picks.
fn latest_progress_join(backend: DbBackend, read: ColumnSet) -> String {
    let newest = |selected: &str| {
        format!(
            "SELECT {selected} FROM \"progress_update\" AS \"q\" WHERE \"q\".\"task_id\" = \"page\".\"id\" \
             ORDER BY \"q\".\"reported_at\" DESC, \"q\".\"id\" DESC LIMIT 1"
        )
    };
    if backend == DbBackend::Postgres {
        format!(
            "LEFT JOIN LATERAL ({}) AS \"p\" ON TRUE",
            newest(&qualified_columns::<progress_update::Entity>("q", read))
        )
    } else {
        format!(
            "LEFT JOIN \"progress_update\" AS \"p\" ON \"p\".\"id\" = ({})",
            newest("\"q\".\"id\"")
        )
    }
}

/// The ordering name of `Unit.tasks` pages (the default task order, as the single-unit path
/// of [`list`] names it, so cursors pass between the two).
pub fn unit_tasks_ordering() -> String {
    TaskOrder::default().name()
}

/// For each unit, one page of the tasks assigned to it (directly or through a group it belongs
/// to on `filter.as_of`, in `filter.roles`) in the default order, matching the rest of `filter`,
/// in one statement after the units are read: `Unit.tasks` under a list of units.
pub async fn unit_pages(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    unit_ids: &[Uuid],
    filter: &TaskFilter,
    window: Window,
) -> DomainResult<FastMap<Uuid, ParentPage<task::Model>>> {
    let rest = TaskFilter {
        unit_id: None,
        roles: Vec::new(),
        ..filter.clone()
    };
    let visible =
        visibility.hidden_plans_condition(db.get_database_backend(), task::Column::PlanId);
    let select = filtered(db, &rest, None).await?.filter_if(visible, |c| c);
    let Some(select) = crate::planning::assignee::join_units(
        db,
        select,
        task::Column::Id,
        assignment::Column::TaskId,
        unit_ids,
        &filter.roles,
        filter.as_of,
    )
    .await?
    else {
        return Ok(FastMap::default());
    };
    let order: Vec<(SimpleExpr, Order)> = sort_keys(TaskOrder::default())
        .into_iter()
        .map(|(key, _)| (Expr::col((task::Entity, key)), Order::Asc))
        .collect();
    let owner = crate::planning::assignee::owner_column();
    fetch_pages_per_parent(db, select, owner, &order, window).await
}

/// Ordering name of `Plan.tasks` pages.
pub const PLAN_TASKS_ORDERING: &str = "plan.tasks";

/// For each plan, one page of its tasks (in document order) matching `filter`, in one statement.
pub async fn plan_pages(
    db: &impl ConnectionTrait,
    plan_ids: &[Uuid],
    filter: &TaskFilter,
    window: Window,
) -> DomainResult<FastMap<Uuid, ParentPage<task::Model>>> {
    let select = filtered(db, filter, None)
        .await?
        .filter(task::Column::PlanId.is_in(plan_ids.iter().copied()));
    fetch_pages_per_parent(
        db,
        select,
        (task::Entity, task::Column::PlanId),
        &[
            (
                Expr::col((task::Entity, task::Column::Position)),
                Order::Asc,
            ),
            (Expr::col((task::Entity, task::Column::Id)), Order::Asc),
        ],
        window,
    )
    .await
}

/// Tasks by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, task::Model>> {
    let rows = fetch_all(
        db,
        find::<task::Entity>().filter(task::Column::Id.is_in(ids.iter().copied())),
    )
    .await?;
    Ok(rows.into_iter().map(|t| (t.id, t)).collect())
}

/// The assignments of each task, lead first.
pub async fn assignments(
    db: &impl ConnectionTrait,
    task_ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, Vec<assignment::Model>>> {
    let rows = fetch_all(
        db,
        find::<assignment::Entity>()
            .filter(assignment::Column::TaskId.is_in(task_ids.iter().copied()))
            .order_by_asc(assignment::Column::Position),
    )
    .await?;
    let mut map: FastMap<Uuid, Vec<_>> = FastMap::default();
    for row in rows {
        if let Some(task_id) = row.task_id {
            map.entry(task_id).or_default().push(row);
        }
    }
    for list in map.values_mut() {
        crate::planning::assignment::sort_lead_first(list);
    }
    Ok(map)
}

/// Progress updates by id.
pub async fn progress_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, progress_update::Model>> {
    let rows = find::<progress_update::Entity>()
        .filter(progress_update::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

/// The assignments of each task with their units (each unit once), in one statement (a join):
/// what a task list showing "who does what" needs. The units are read with the columns of
/// `unit_read` only (all of them for [`ColumnSet::ALL`]; the id always).
pub async fn assignments_with_units(
    db: &impl ConnectionTrait,
    task_ids: &[Uuid],
    unit_read: ColumnSet,
) -> DomainResult<(
    FastMap<Uuid, Vec<assignment::Model>>,
    Vec<entity::unit::Model>,
)> {
    let unit_read = unit_read.with(ColumnSet::ID);
    let mut select = find::<assignment::Entity>()
        .filter(assignment::Column::TaskId.is_in(task_ids.iter().copied()))
        .join(
            JoinType::LeftJoin,
            <assignment::Entity as Related<entity::unit::Entity>>::to(),
        )
        .order_by_asc(assignment::Column::Position);
    select_columns::<entity::unit::Entity>(QueryTrait::query(&mut select), unit_read);
    let mut map: FastMap<Uuid, Vec<assignment::Model>> = FastMap::default();
    let mut units = Vec::new();
    let mut seen = FastSet::default();
    for row in db.query_all(&select.into_query()).await? {
        // The assignment's columns, then its unit's (all NULL for a group assignment). A unit
        // assigned several tasks of the page comes on each of their rows: it is decoded once.
        let mut columns = Columns::at(&row, 0);
        let assignment = assignment::Model::decode(&mut columns)?;
        columns.start_model(unit_read);
        let unit = match columns.peek::<Uuid>()? {
            Some(id) if seen.insert(id) => Some(entity::unit::Model::decode(&mut columns)?),
            _ => None,
        };
        if let Some(task_id) = assignment.task_id {
            map.entry(task_id).or_default().push(assignment);
        }
        units.extend(unit);
    }
    for list in map.values_mut() {
        crate::planning::assignment::sort_lead_first(list);
    }
    Ok((map, units))
}

fn progress_order() -> Vec<(sea_orm::sea_query::SimpleExpr, Order)> {
    vec![
        (
            Expr::col((progress_update::Entity, progress_update::Column::ReportedAt)),
            Order::Desc,
        ),
        (
            Expr::col((progress_update::Entity, progress_update::Column::Id)),
            Order::Desc,
        ),
    ]
}

/// The newest progress update of each task (one statement for all tasks).
pub async fn latest_progress(
    db: &impl ConnectionTrait,
    task_ids: &[Uuid],
) -> DomainResult<FastMap<Uuid, progress_update::Model>> {
    if task_ids.is_empty() {
        return Ok(FastMap::default());
    }
    if db.get_database_backend() == DbBackend::Postgres {
        // One backward probe of `idx_progress_update_task_reported` per task (LIMIT 1 in a
        // lateral join): about 3x cheaper than numbering every update of every task.
        static COLUMNS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let columns = COLUMNS.get_or_init(|| {
            progress_update::Column::iter()
                .map(|c| format!("q.\"{}\"", sea_orm::IdenStatic::as_str(&c)))
                .collect::<Vec<_>>()
                .join(", ")
        });
        let keys = (1..=task_ids.len())
            .map(|i| format!("(${i}::uuid)"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT p.* FROM (VALUES {keys}) AS t(id) CROSS JOIN LATERAL (SELECT {columns} \
             FROM progress_update q WHERE q.task_id = t.id \
             ORDER BY q.reported_at DESC, q.id DESC LIMIT 1) p"
        );
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            task_ids.iter().map(|&id| sea_orm::Value::from(id)),
        );
        let mut latest = map_with_capacity(task_ids.len());
        for row in db.query_all_raw(statement).await? {
            let update = progress_update::Model::from_row(&row, 0)?;
            latest.insert(update.task_id, update);
        }
        return Ok(latest);
    }
    let select = find::<progress_update::Entity>()
        .filter(progress_update::Column::TaskId.is_in(task_ids.iter().copied()));
    let pages = fetch_pages_per_parent(
        db,
        select,
        (progress_update::Entity, progress_update::Column::TaskId),
        &progress_order(),
        Window {
            offset: 0,
            limit: 0,
            from_end: false,
        },
    )
    .await?;
    Ok(pages
        .into_iter()
        .filter_map(|(task, page)| page.rows.into_iter().next().map(|row| (task, row)))
        .collect())
}

/// Ordering name of `Task.progressUpdates` pages.
pub const PROGRESS_ORDERING: &str = "task.progressUpdates";

/// For each task, one page of its progress updates, newest first.
pub async fn progress_pages(
    db: &impl ConnectionTrait,
    task_ids: &[Uuid],
    window: Window,
) -> DomainResult<FastMap<Uuid, ParentPage<progress_update::Model>>> {
    let select = find::<progress_update::Entity>()
        .filter(progress_update::Column::TaskId.is_in(task_ids.iter().copied()));
    fetch_pages_per_parent(
        db,
        select,
        (progress_update::Entity, progress_update::Column::TaskId),
        &progress_order(),
        window,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::enums::TaskKind;

    fn task(status: TaskStatus, due: Option<&str>, done: Option<&str>) -> task::Model {
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        task::Model {
            id: Uuid::nil(),
            plan_id: Uuid::nil(),
            area_id: None,
            code: None,
            title: String::new(),
            description: None,
            kind: TaskKind::OneOff,
            condition_text: None,
            due_on: due.map(date),
            due_within_days: None,
            due_text: None,
            status,
            completed_on: done.map(date),
            position: 0,
            search_text: String::new(),
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn on(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn timeliness_covers_the_four_national_classes() {
        let done_on_time = task(
            TaskStatus::Completed,
            Some("2022-06-30"),
            Some("2022-06-30"),
        );
        let done_late = task(
            TaskStatus::Completed,
            Some("2022-06-30"),
            Some("2022-07-01"),
        );
        let open = task(TaskStatus::InProgress, Some("2022-06-30"), None);
        assert_eq!(
            timeliness(&done_on_time, on("2023-01-01")),
            Timeliness::CompletedOnTime
        );
        assert_eq!(
            timeliness(&done_late, on("2023-01-01")),
            Timeliness::CompletedLate
        );
        assert_eq!(
            timeliness(&open, on("2022-06-30")),
            Timeliness::OpenWithinDeadline
        );
        assert_eq!(timeliness(&open, on("2022-07-01")), Timeliness::OpenOverdue);
    }

    #[test]
    fn a_task_completed_later_was_open_on_an_earlier_date() {
        let done_late = task(
            TaskStatus::Completed,
            Some("2022-06-30"),
            Some("2022-07-10"),
        );
        assert_eq!(
            timeliness(&done_late, on("2022-07-05")),
            Timeliness::OpenOverdue
        );
    }

    #[test]
    fn waiting_and_recurring_tasks_are_never_overdue() {
        let waiting = task(TaskStatus::WaitingTrigger, Some("2022-06-30"), None);
        assert_eq!(
            timeliness(&waiting, on("2030-01-01")),
            Timeliness::AwaitingTrigger
        );
        let recurring = task(TaskStatus::InProgress, None, None);
        assert_eq!(
            timeliness(&recurring, on("2030-01-01")),
            Timeliness::NoDeadline
        );
    }
}
