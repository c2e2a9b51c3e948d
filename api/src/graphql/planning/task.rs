//! `Task`, `Assignment` and `ProgressUpdate`.

use crate::graphql::common::enums::stored;
use crate::graphql::loading::columns::{self, FieldColumns};
use async_graphql::parser::types::Field;
use async_graphql::{
    Context, ContextSelectionSet, ID, InputObject, Object, Positioned, Result, Value,
};
use chrono::{DateTime, FixedOffset};
use entity::enums::AssignmentRole as StoredRole;
use entity::{assignment, progress_update, task};

use crate::domain::kernel::error::DomainResult;
use crate::domain::kernel::page::PageArgs;
use crate::domain::kernel::time;
use crate::domain::planning::task as tasks;
use crate::graphql::common::connection::{wants_total, with_cursors_as_read};
use crate::graphql::common::context::{cached, db, load, load_required, nested_window, visibility};
use crate::graphql::common::enums::{
    AssignmentRole, OrderDirection, ProgressStatus, TaskKind, TaskStatus, Timeliness,
};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::plain::{self, Plain, PlainFields, PlainList};
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{
    AreaById, LatestProgress, PlanById, ProgressOf, TaskAssignments, TaskById, TaskContributions,
    TaskExtensions, UnitById,
};
use crate::graphql::org::partial;
use crate::graphql::org::unit::{Unit, UnitGroup, cached_unit, group_by_id};
use crate::graphql::planning::plan::{Plan, PlanArea, cached_plan};
use crate::graphql::planning::prefetch;
use crate::graphql::planning::prefetch::PartialLatest;

/// A task (nhiệm vụ, giải pháp) of a plan, assigned to units in roles.
///
/// A task from a list may hold only the columns its list's selection reads ([`COLUMNS`]).
#[derive(Clone)]
pub struct Task(pub task::Model);

/// The stored columns each field of `Task` reads, besides the id (the column registry: see
/// [`columns`](crate::graphql::loading::columns)). A field added to the resolvers needs its
/// entry here, with the columns it reads or none.
pub static COLUMNS: FieldColumns<task::Entity> = FieldColumns::new("Task", task::Column::Id, {
    use task::Column as C;
    &[
        ("id", &[]),
        ("provenance", &[]),
        ("code", &[C::Code]),
        ("title", &[C::Title]),
        ("description", &[C::Description]),
        ("kind", &[C::Kind]),
        ("conditionText", &[C::ConditionText]),
        ("status", &[C::Status]),
        ("dueOn", &[C::DueOn]),
        ("dueText", &[C::DueText]),
        ("dueWithinDaysOfIssue", &[C::DueWithinDays]),
        ("completedOn", &[C::CompletedOn]),
        ("version", &[C::Version]),
        ("plan", &[C::PlanId]),
        ("area", &[C::AreaId]),
        ("timeliness", &[C::Status, C::DueOn, C::CompletedOn]),
        ("assignments", &[]),
        ("lead", &[]),
        ("latestProgress", &[]),
        ("contributions", &[]),
        ("extensionRequests", &[]),
        ("progressUpdates", &[]),
    ]
});

/// The progress update columns each `ProgressUpdate` field's resolver reads (the id is always
/// read), for task lists that read each task's newest update with only what its selection shows.
pub static PROGRESS_COLUMNS: FieldColumns<progress_update::Entity> =
    FieldColumns::new("ProgressUpdate", progress_update::Column::Id, {
        use progress_update::Column as C;
        &[
            ("id", &[]),
            ("provenance", &[]),
            ("task", &[C::TaskId]),
            ("unit", &[C::UnitId]),
            ("periodCode", &[C::PeriodCode]),
            ("percent", &[C::Percent]),
            ("status", &[C::Status]),
            ("narrative", &[C::Narrative]),
            ("difficulties", &[C::Difficulties]),
            ("proposals", &[C::Proposals]),
            ("reportedAt", &[C::ReportedAt]),
            ("reportedOn", &[C::ReportedAt]),
        ]
    });

/// A page of tasks read by [`tasks::list`] for the connection field being resolved: only the
/// columns its node selections read, each task's newest update in the same statement when
/// they read it, and what the rows name prefetched. `tasks`, and `Unit.tasks` and `Plan.tasks`
/// outside a list.
pub async fn task_page(
    ctx: &Context<'_>,
    filter: &tasks::TaskFilter,
    known_unit: Option<&entity::unit::Model>,
    order: tasks::TaskOrder,
    args: &PageArgs,
    cursor_name: Option<&'static str>,
) -> Result<TaskConnection> {
    let selections = prefetch::node_selections(&ctx.look_ahead());
    let latest = prefetch::latest_columns(ctx, &selections);
    let args = with_cursors_as_read(ctx, args.clone());
    let page = tasks::list(
        db(ctx)?,
        visibility(ctx)?,
        filter,
        tasks::TaskListing {
            known_unit,
            order,
            args: &args,
            want_total: wants_total(ctx),
            latest,
            columns: COLUMNS.read(&selections),
            cursor_name,
        },
    )
    .await
    .into_gql()?;
    let page = prefetch::feed_latest(ctx, page, latest).await?;
    prefetch::tasks(ctx, &selections, &page.rows().collect::<Vec<_>>()).await?;
    Ok(TaskConnection::from_page(page, Task))
}

#[Object]
impl Task {
    /// Where it comes from, when the demo data invented or annotated it (null: entered by a
    /// person through the API).
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::common::provenance::Provenance>> {
        crate::graphql::common::provenance::provenance(ctx, self.0.id).await
    }
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Task, self.0.id)
    }
    /// Its place in the document, e.g. "II.1.a".
    async fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn kind(&self) -> TaskKind {
        self.0.kind.into()
    }
    /// For a conditional task: what triggers it ("khi có chỉ đạo của Sở Y tế").
    async fn condition_text(&self) -> Option<&str> {
        self.0.condition_text.as_deref()
    }
    async fn status(&self) -> TaskStatus {
        self.0.status.into()
    }
    /// The deadline (null for recurring work, or while a relative deadline's plan is undated).
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }
    /// The deadline as the document writes it ("Quý II/2022", "Thường xuyên").
    async fn due_text(&self) -> Option<&str> {
        self.0.due_text.as_deref()
    }
    /// For a deadline relative to the plan's issue date ("chậm nhất sau 15 ngày kể từ ngày ban
    /// hành"): the number of days.
    async fn due_within_days_of_issue(&self) -> Option<i32> {
        self.0.due_within_days
    }
    /// Day the task was completed.
    async fn completed_on(&self) -> Option<Date> {
        self.0.completed_on.map(Date)
    }
    /// Optimistic-locking version.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn plan(&self, ctx: &Context<'_>) -> Result<Plain<Plan>> {
        Ok(Plain(Plan(
            load_required(ctx, PlanById(self.0.plan_id)).await?,
        )))
    }
    /// The section of the plan the task belongs to.
    async fn area(&self, ctx: &Context<'_>) -> Result<Option<PlanArea>> {
        match self.0.area_id {
            Some(id) => Ok(load(ctx, AreaById(id)).await?.map(PlanArea)),
            None => Ok(None),
        }
    }
    /// Who does what: exactly one lead (chủ trì), then cooperating, implementing, monitoring and
    /// guiding units or groups.
    async fn assignments(&self, ctx: &Context<'_>) -> Result<PlainList<Assignment>> {
        let rows = load(ctx, TaskAssignments(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(PlainList(rows.into_iter().map(Assignment).collect()))
    }
    /// The lead unit (chủ trì); null when the lead is a group.
    async fn lead(&self, ctx: &Context<'_>) -> Result<Option<Plain<Unit>>> {
        let rows = load(ctx, TaskAssignments(self.0.id))
            .await?
            .unwrap_or_default();
        lead_unit(ctx, &rows).await
    }
    /// Timeliness as of `asOf` (default: today in Việt Nam), derived from status, deadline and
    /// completion date.
    async fn timeliness(&self, as_of: Option<Date>) -> Timeliness {
        tasks::timeliness(&self.0, as_of.map_or_else(time::today, |d| d.0)).into()
    }
    /// The newest progress update.
    async fn latest_progress(&self, ctx: &Context<'_>) -> Result<Option<Plain<ProgressUpdate>>> {
        let wrap = |update| Plain(ProgressUpdate(update));
        if let Some(update) = kept_latest(ctx, self.0.id) {
            return Ok(update.map(wrap));
        }
        Ok(load(ctx, LatestProgress(self.0.id))
            .await?
            .flatten()
            .map(wrap))
    }
    /// What its cooperating units (phối hợp) said they did, newest first.
    async fn contributions(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::reporting::progress::Contribution>> {
        Ok(load(ctx, TaskContributions(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(crate::graphql::reporting::progress::Contribution)
            .collect())
    }
    /// Its extension requests (đề nghị gia hạn), oldest first: the deadline history.
    async fn extension_requests(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::reporting::extension::ExtensionRequest>> {
        Ok(load(ctx, TaskExtensions(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(crate::graphql::reporting::extension::ExtensionRequest)
            .collect())
    }
    /// Progress updates, newest first.
    async fn progress_updates(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ProgressUpdateConnection> {
        let window = nested_window(first, after, tasks::PROGRESS_ORDERING)?;
        let page = load_required(
            ctx,
            ProgressOf {
                parent: self.0.id,
                window,
            },
        )
        .await?;
        Ok(ProgressUpdateConnection::from_page(page, ProgressUpdate))
    }
}

impl PlainFields for Task {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => plain::value(global_id(NodeType::Task, self.0.id)),
            "code" => plain::maybe_text(self.0.code.as_deref()),
            "title" => plain::text(&self.0.title),
            "description" => plain::maybe_text(self.0.description.as_deref()),
            "kind" => plain::value(TaskKind::from(self.0.kind)),
            "conditionText" => plain::maybe_text(self.0.condition_text.as_deref()),
            "status" => plain::value(TaskStatus::from(self.0.status)),
            "dueOn" => plain::value(self.0.due_on.map(Date)),
            "dueText" => plain::maybe_text(self.0.due_text.as_deref()),
            "dueWithinDaysOfIssue" => plain::value(self.0.due_within_days),
            "completedOn" => plain::value(self.0.completed_on.map(Date)),
            "version" => plain::value(self.0.version),
            _ => return None,
        })
    }

    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "assignments" | "lead" => {
                assignments_in_place(ctx, field, cached(ctx, &TaskAssignments(self.0.id))?)
            }
            "plan" => cached_plan(ctx, field, self.0.plan_id),
            "latestProgress" => {
                // As the resolver reads it: the update the list's prefetch kept, else the
                // loader's whole one.
                let update = match kept_latest(&ctx.with_field(field), self.0.id) {
                    Some(update) => update,
                    None => cached(ctx, &LatestProgress(self.0.id))?,
                };
                plain::nested_maybe(ctx, field, update.map(ProgressUpdate).as_ref())
            }
            _ => None,
        }
    }
}

/// The newest update of `task` that the list's prefetch kept with the columns the field in
/// `ctx` (a task's `latestProgress`) reads: `None` when none was kept for them, so the field
/// reads the loader's whole one.
fn kept_latest(ctx: &Context<'_>, task: uuid::Uuid) -> Option<Option<progress_update::Model>> {
    let partial = ctx.data_opt::<PartialLatest>()?;
    let needed = columns::once_per_field(ctx, "latestProgress", || {
        PROGRESS_COLUMNS.read(&[ctx.look_ahead()])
    });
    partial.get(task, needed)
}

/// The value of `field`, a task's or target's `assignments` or `lead`, answered in place from
/// its cached assignment `rows` ([`PlainFields::cached_field`]).
pub fn assignments_in_place(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    rows: Vec<assignment::Model>,
) -> Option<Value> {
    if field.node.name.node == "lead" {
        return cached_unit(ctx, field, lead_unit_id(&rows));
    }
    let rows: Vec<Assignment> = rows.into_iter().map(Assignment).collect();
    plain::nested_list(ctx, field, &rows)
}

/// The lead unit's id among assignments (none when the lead is a group).
pub fn lead_unit_id(rows: &[assignment::Model]) -> Option<uuid::Uuid> {
    rows.iter()
        .find(|a| a.role == StoredRole::Lead)
        .and_then(|a| a.unit_id)
}

/// The lead unit among assignments (none when the lead is a group).
pub async fn lead_unit(
    ctx: &Context<'_>,
    rows: &[assignment::Model],
) -> Result<Option<Plain<Unit>>> {
    match lead_unit_id(rows) {
        Some(unit) => Ok(partial::unit_for_field(ctx, unit)
            .await?
            .map(|row| Plain(Unit(row)))),
        None => Ok(None),
    }
}

/// A unit or group in a role on a task or target. Exactly one of `unit` / `group` is set.
#[derive(Clone)]
pub struct Assignment(pub assignment::Model);

#[Object]
impl Assignment {
    /// Where it comes from, when the demo data invented or annotated it (null: entered by a
    /// person through the API).
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::common::provenance::Provenance>> {
        crate::graphql::common::provenance::provenance(ctx, self.0.id).await
    }
    async fn role(&self) -> AssignmentRole {
        self.0.role.into()
    }
    /// The assigned unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Plain<Unit>>> {
        match self.0.unit_id {
            Some(id) => Ok(partial::unit_for_field(ctx, id)
                .await?
                .map(|row| Plain(Unit(row)))),
            None => Ok(None),
        }
    }
    /// The assigned group ("các đơn vị trực thuộc"), resolved to units at a date.
    async fn group(&self, ctx: &Context<'_>) -> Result<Option<UnitGroup>> {
        match self.0.group_id {
            Some(id) => Ok(Some(group_by_id(ctx, id).await?)),
            None => Ok(None),
        }
    }
}

impl PlainFields for Assignment {
    fn plain_field(&self, name: &str) -> Option<Value> {
        match name {
            "role" => Some(plain::value(AssignmentRole::from(self.0.role))),
            _ => None,
        }
    }

    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "unit" => cached_unit(ctx, field, self.0.unit_id),
            _ => None,
        }
    }
}

/// A progress update a unit reported on a task for a period.
#[derive(Clone)]
pub struct ProgressUpdate(pub progress_update::Model);

#[Object]
impl ProgressUpdate {
    /// Where it comes from, when the demo data invented or annotated it (null: entered by a
    /// person through the API).
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::common::provenance::Provenance>> {
        crate::graphql::common::provenance::provenance(ctx, self.0.id).await
    }
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::ProgressUpdate, self.0.id)
    }
    async fn task(&self, ctx: &Context<'_>) -> Result<Task> {
        Ok(Task(load_required(ctx, TaskById(self.0.task_id)).await?))
    }
    /// The reporting unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Unit> {
        Ok(Unit(load_required(ctx, UnitById(self.0.unit_id)).await?))
    }
    /// Reporting period: `2022`, `2022Q3`, `2022H1`…
    async fn period_code(&self) -> &str {
        &self.0.period_code
    }
    /// Completion, 0–100.
    async fn percent(&self) -> i32 {
        self.0.percent
    }
    async fn status(&self) -> ProgressStatus {
        self.0.status.into()
    }
    async fn narrative(&self) -> Option<&str> {
        self.0.narrative.as_deref()
    }
    /// Difficulties met (khó khăn, vướng mắc).
    async fn difficulties(&self) -> Option<&str> {
        self.0.difficulties.as_deref()
    }
    /// Proposals to the level above (kiến nghị, đề xuất).
    async fn proposals(&self) -> Option<&str> {
        self.0.proposals.as_deref()
    }
    /// When it was reported, in Vietnamese local time (+07:00).
    async fn reported_at(&self) -> DateTime<FixedOffset> {
        time::local_time(self.0.reported_at)
    }
    /// The Vietnamese calendar day it was reported.
    async fn reported_on(&self) -> Date {
        Date(time::local_date(self.0.reported_at))
    }
}

impl PlainFields for ProgressUpdate {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => plain::value(global_id(NodeType::ProgressUpdate, self.0.id)),
            "periodCode" => plain::text(&self.0.period_code),
            "percent" => plain::value(self.0.percent),
            "status" => plain::value(ProgressStatus::from(self.0.status)),
            "narrative" => plain::maybe_text(self.0.narrative.as_deref()),
            "difficulties" => plain::maybe_text(self.0.difficulties.as_deref()),
            "proposals" => plain::maybe_text(self.0.proposals.as_deref()),
            "reportedAt" => plain::value(time::local_time(self.0.reported_at)),
            "reportedOn" => plain::value(Date(time::local_date(self.0.reported_at))),
            _ => return None,
        })
    }
}

/// Filters of `tasks` and `Plan.tasks`.
#[derive(Debug, Default, InputObject)]
pub struct TaskFilter {
    /// Words to find in the code, title or description, with or without diacritics.
    pub search: Option<String>,
    pub plan_id: Option<ID>,
    /// Tasks assigned to this unit, directly or through a group it belongs to on `asOf`.
    pub unit_id: Option<ID>,
    /// Only assignments in these roles (with `unitId`: the unit's role).
    pub role: Option<Vec<AssignmentRole>>,
    pub status: Option<Vec<TaskStatus>>,
    /// Deadline on or after this date.
    pub due_from: Option<Date>,
    /// Deadline on or before this date.
    pub due_to: Option<Date>,
    /// Date at which group membership is resolved (default: today in Việt Nam).
    pub as_of: Option<Date>,
}

impl TaskFilter {
    /// The domain filter, with ids decoded.
    pub fn into_domain(self) -> DomainResult<tasks::TaskFilter> {
        Ok(tasks::TaskFilter {
            search: crate::domain::kernel::text::search(self.search.as_deref())?,
            plan_id: self
                .plan_id
                .map(|id| expect(&id, NodeType::Plan))
                .transpose()?,
            unit_id: self
                .unit_id
                .map(|id| expect(&id, NodeType::Unit))
                .transpose()?,
            roles: stored(self.role),
            statuses: stored(self.status),
            due_from: self.due_from.map(|d| d.0),
            due_to: self.due_to.map(|d| d.0),
            as_of: self.as_of.map(|d| d.0),
        })
    }
}

/// Sort fields of `tasks`.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOrderField {
    /// Plan, then the task's place in the document.
    Document,
    /// Deadline; tasks without one last.
    DueOn,
    Title,
}

/// Ordering of `tasks` (default: document order).
#[derive(Debug, InputObject)]
pub struct TaskOrder {
    pub field: TaskOrderField,
    pub direction: Option<OrderDirection>,
}

impl TaskOrder {
    /// The domain ordering (its default when absent).
    pub fn to_domain(order: Option<TaskOrder>) -> tasks::TaskOrder {
        let Some(order) = order else {
            return tasks::TaskOrder::default();
        };
        tasks::TaskOrder {
            field: match order.field {
                TaskOrderField::Document => tasks::TaskOrderField::Document,
                TaskOrderField::DueOn => tasks::TaskOrderField::DueOn,
                TaskOrderField::Title => tasks::TaskOrderField::Title,
            },
            descending: order.direction == Some(OrderDirection::Desc),
        }
    }
}

crate::graphql::common::connection::connection!(TaskConnection, TaskEdge, Task, "task");
crate::graphql::common::connection::connection!(
    ProgressUpdateConnection,
    ProgressUpdateEdge,
    ProgressUpdate,
    "progress update"
);
