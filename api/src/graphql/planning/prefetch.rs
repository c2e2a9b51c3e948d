//! Batching at the list resolver: once a page of rows is known, everything its selection asks
//! for is loaded for the whole page in a fixed order (one statement per relation), before the
//! per-row resolvers run and find it in the request's loader cache.
//!
//! Without this, loader batches depend on scheduling (a relation reached through two paths may
//! be fetched in one or two statements); with it, a query costs the same number of statements
//! whatever the page size, and a dashboard page costs a handful of statements.

use std::collections::BTreeSet;

use async_graphql::{Context, InputType, Lookahead, Name, Result, SelectionField, Value};
use entity::{assignment, plan, progress_update, target, task, unit};
use futures_util::future::{try_join, try_join3};
use uuid::Uuid;

use crate::graphql::loading::batch::Load;

use crate::domain::kernel::error::DomainResult;
use crate::domain::kernel::maps::FastMap;
use crate::domain::kernel::page::{Page, PageArgs, Window};
use crate::domain::kernel::rows::{ColumnSet, JoinedOnce};
use crate::domain::planning::{target as targets, task as tasks};
use crate::graphql::common::context::{db, load_all, loaders};
use crate::graphql::common::cursor;
use crate::graphql::common::error::IntoGql;
use crate::graphql::loading::loaders::{
    AreaById, AreasOf, BreakdownOf, DbLoader, DeadlinesOf, GroupById, LatestProgress, PlanById,
    PlanTargets, PlanTasks, ReferencesOf, TargetAssignments, TaskAssignments, UnitById,
};
use crate::graphql::org::partial;
use crate::graphql::planning::task::{PROGRESS_COLUMNS, TaskFilter};

/// Newest progress updates a task list read with only the columns its selection shows, by task
/// (`None`: the task has none). They stay out of the loader's cache, which holds whole rows for
/// every selection of the request; a `latestProgress` resolver takes one from here only when it
/// has every column the resolver's own selection reads.
#[derive(Default)]
pub struct PartialLatest(
    std::sync::Mutex<FastMap<Uuid, (ColumnSet, Option<progress_update::Model>)>>,
);

impl PartialLatest {
    fn insert(&self, updates: Vec<(Uuid, Option<progress_update::Model>)>, read: ColumnSet) {
        if let Ok(mut map) = self.0.lock() {
            for (task, update) in updates {
                map.insert(task, (read, update));
            }
        }
    }

    /// The task's newest update, if it was read with every column of `needed`.
    pub fn get(&self, task: Uuid, needed: ColumnSet) -> Option<Option<progress_update::Model>> {
        let map = self.0.lock().ok()?;
        let (read, update) = map.get(&task)?;
        read.contains_all(needed).then(|| update.clone())
    }
}

/// Whether a task list's node selections read `latestProgress`, and then the update columns
/// they read: only those when the request keeps partial updates apart ([`PartialLatest`]),
/// else all of them.
pub fn latest_columns(ctx: &Context<'_>, selections: &[Lookahead<'_>]) -> Option<ColumnSet> {
    if !wants(selections, "latestProgress") {
        return None;
    }
    if ctx.data_opt::<PartialLatest>().is_none() {
        return Some(ColumnSet::ALL);
    }
    Some(PROGRESS_COLUMNS.read(&progress_selections(selections)))
}

/// The `latestProgress` selections of a task list's node selections.
fn progress_selections<'a>(selections: &[Lookahead<'a>]) -> Vec<Lookahead<'a>> {
    selections
        .iter()
        .map(|s| s.field("latestProgress"))
        .collect()
}

/// The node selections of a connection field: `nodes { … }` and `edges { node { … } }`.
pub fn node_selections<'a>(connection: &Lookahead<'a>) -> Vec<Lookahead<'a>> {
    [
        connection.field("nodes"),
        connection.field("edges").field("node"),
    ]
    .into_iter()
    .filter(Lookahead::exists)
    .collect()
}

/// Whether any of the selections reads `field`.
pub fn wants(selections: &[Lookahead<'_>], field: &str) -> bool {
    selections.iter().any(|s| s.field(field).exists())
}

/// Units and groups named by assignments, as far as the selection reads them.
async fn assignees(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    assigned: Assigned,
    extra_units: BTreeSet<Uuid>,
) -> Result<()> {
    let assignment_selections: Vec<Lookahead<'_>> =
        selections.iter().map(|s| s.field("assignments")).collect();
    let want_units = wants(&assignment_selections, "unit") || wants(selections, "lead");
    let want_groups = wants(&assignment_selections, "group");
    let mut units = extra_units;
    let mut groups = BTreeSet::new();
    for (unit, group) in assigned.0 {
        if let (true, Some(unit)) = (want_units, unit) {
            units.insert(unit);
        }
        if let (true, Some(group)) = (want_groups, group) {
            groups.insert(group);
        }
    }
    futures_util::future::try_join(
        load_all(ctx, units.into_iter().map(UnitById)),
        load_all(ctx, groups.into_iter().map(GroupById)),
    )
    .await?;
    Ok(())
}

/// Keeps the newest progress updates read along with a page of tasks (with the columns of
/// `read`, when it is given) for the resolvers: whole ones in the loader's cache, partial ones in
/// [`PartialLatest`]; returns the tasks.
pub async fn feed_latest(
    ctx: &Context<'_>,
    page: Page<(task::Model, Option<progress_update::Model>)>,
    read: Option<ColumnSet>,
) -> Result<Page<task::Model>> {
    let mut latest = Vec::new();
    let page = page.map(|(task, update)| {
        if read.is_some() {
            latest.push((task.id, update));
        }
        task
    });
    let Some(read) = read else {
        return Ok(page);
    };
    match ctx.data_opt::<PartialLatest>() {
        Some(partial) if !read.is_all::<progress_update::Entity>() => partial.insert(latest, read),
        _ => {
            let whole = latest
                .into_iter()
                .map(|(task, u)| (LatestProgress(task), u));
            loaders(ctx)?.feed_many(whole.collect::<Vec<_>>()).await;
        }
    }
    Ok(page)
}

/// Keeps the units a list read with its page (a plan's issuer, a unit's parent, an actor's
/// unit: each on the first row naming it, with the columns of `read`) for the request's unit
/// fields ([`partial::keep`]), and returns the page's own rows.
pub async fn feed_units<M>(
    ctx: &Context<'_>,
    page: Page<(M, JoinedOnce<unit::Model>)>,
    read: Option<ColumnSet>,
) -> Result<Page<M>> {
    let mut units = Vec::new();
    let page = page.map(|(row, unit)| {
        units.extend(unit.0);
        row
    });
    if let Some(read) = read.filter(|_| !units.is_empty()) {
        partial::keep(ctx, units, read).await;
    }
    Ok(page)
}

/// Puts the plans a list read with its page (a target's plan) into the request's cache, and
/// returns the page's own rows.
pub async fn feed_plans<M>(
    ctx: &Context<'_>,
    page: Page<(M, JoinedOnce<plan::Model>)>,
) -> Result<Page<M>> {
    feed_joined(ctx, page, |plan| PlanById(plan.id)).await
}

/// Puts the rows a list joined to its page (each on the first row naming it) into the request's
/// cache under `key`, and returns the page's own rows.
pub async fn feed_joined<M, J, K>(
    ctx: &Context<'_>,
    page: Page<(M, JoinedOnce<J>)>,
    key: impl Fn(&J) -> K,
) -> Result<Page<M>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    DbLoader: Load<K>,
    <DbLoader as Load<K>>::Value: From<J>,
{
    let mut joined = Vec::new();
    let page = page.map(|(row, other)| {
        if let JoinedOnce(Some(other)) = other {
            joined.push((key(&other), other.into()));
        }
        row
    });
    if !joined.is_empty() {
        loaders(ctx)?.feed_many(joined).await;
    }
    Ok(page)
}

/// The fields of a task whose reads [`tasks`] prefetches for a page (the units and groups of
/// its assignments and latest update come through `assignments`, `lead` and `latestProgress`).
const TASK_PREFETCHED: [&str; 5] = ["assignments", "lead", "latestProgress", "plan", "area"];

/// Prefetches what a page of tasks' selection reads.
pub async fn tasks(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    rows: &[&task::Model],
) -> Result<()> {
    // Nothing below is wanted by a page of plain fields (`code title status`), which then
    // builds no id list, sets or futures: 7 800 instructions of a 347 000 first page.
    if selections.is_empty()
        || rows.is_empty()
        || !TASK_PREFETCHED.iter().any(|field| wants(selections, field))
    {
        return Ok(());
    }
    let ids: Vec<Uuid> = rows.iter().map(|t| t.id).collect();
    let loaders = loaders(ctx)?;
    let kept_before = partial::batches_kept(ctx);
    let want_assignments = wants(selections, "assignments") || wants(selections, "lead");
    let want_progress = wants(selections, "latestProgress");
    let progress_selections = progress_selections(selections);
    // Updates the list read with the columns this selection needs are not read again.
    let mut partial = Vec::new();
    let mut progress_ids = Vec::new();
    if want_progress {
        let store = ctx.data_opt::<PartialLatest>();
        let needed = store.map(|_| PROGRESS_COLUMNS.read(&progress_selections));
        for &id in &ids {
            match store
                .zip(needed)
                .and_then(|(store, needed)| store.get(id, needed))
            {
                Some(update) => partial.push(update),
                None => progress_ids.push(id),
            }
        }
    }
    let (assigned, progress, _) = try_join3(
        async {
            let assignment_selections: Vec<Lookahead<'_>> =
                selections.iter().map(|s| s.field("assignments")).collect();
            let want_units = wants(&assignment_selections, "unit") || wants(selections, "lead");
            // When progress also names units, one batch below fetches all units instead, so the
            // statement count never depends on which units happen to be cached.
            let progress_units = selections
                .iter()
                .any(|s| s.field("latestProgress").field("unit").exists());
            if want_assignments && want_units && !progress_units {
                // Assignments and their units in one joined statement, the units with the
                // columns their fields show, kept for the resolvers.
                let unit_selections: Vec<Lookahead<'_>> = selections
                    .iter()
                    .flat_map(|s| [s.field("assignments").field("unit"), s.field("lead")])
                    .filter(Lookahead::exists)
                    .collect();
                let unit_read = partial::columns_for(ctx, &unit_selections);
                let (mut by_task, units) = tasks::assignments_with_units(db(ctx)?, &ids, unit_read)
                    .await
                    .into_gql()?;
                // Every assigned unit came with the join: only groups are left to load.
                let assigned = Assigned(
                    by_task
                        .values()
                        .flatten()
                        .map(|a| (None, a.group_id))
                        .collect(),
                );
                loaders
                    .feed_many(
                        ids.iter().map(|&id| {
                            (TaskAssignments(id), by_task.remove(&id).unwrap_or_default())
                        }),
                    )
                    .await;
                partial::keep(ctx, units, unit_read).await;
                Ok(assigned)
            } else if want_assignments {
                let found = loaders
                    .load_many(ids.iter().copied().map(TaskAssignments))
                    .await
                    .into_gql()?;
                Ok(Assigned::of(found.values().flatten()))
            } else {
                Ok(Assigned::default())
            }
        },
        async {
            if !progress_ids.is_empty() {
                loaders
                    .load_many(progress_ids.iter().copied().map(LatestProgress))
                    .await
                    .into_gql()
            } else {
                Ok(Default::default())
            }
        },
        plans_and_areas(
            ctx,
            selections,
            rows.iter().map(|t| (t.plan_id, t.area_id)),
            kept_before,
        ),
    )
    .await?;
    let progress_units: BTreeSet<Uuid> = if wants(&progress_selections, "unit") {
        progress
            .values()
            .chain(partial.iter())
            .flatten()
            .map(|p| p.unit_id)
            .collect()
    } else {
        BTreeSet::new()
    };
    assignees(ctx, selections, assigned, progress_units).await
}

/// The units and groups a page's assignments name (each `(unit, group)` of a row).
#[derive(Default)]
struct Assigned(Vec<(Option<Uuid>, Option<Uuid>)>);

impl Assigned {
    fn of<'a>(rows: impl Iterator<Item = &'a assignment::Model>) -> Self {
        Self(rows.map(|a| (a.unit_id, a.group_id)).collect())
    }
}

/// The plans and areas of a page of tasks or targets, when the selection reads them (each
/// `(plan, area)` of a row); `kept_before`: the batches of units the request had kept when the
/// prefetch started ([`partial::batches_kept`]).
async fn plans_and_areas(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    rows: impl Iterator<Item = (Uuid, Option<Uuid>)>,
    kept_before: u64,
) -> Result<()> {
    let (plans, areas): (BTreeSet<_>, BTreeSet<_>) = rows
        .map(|(plan, area)| (PlanById(plan), area.map(AreaById)))
        .unzip();
    try_join(
        async {
            if !wants(selections, "plan") {
                return Ok::<(), async_graphql::Error>(());
            }
            let plan_selections: Vec<Lookahead<'_>> =
                selections.iter().map(|s| s.field("plan")).collect();
            if !wants(&plan_selections, "issuer") {
                return load_all(ctx, plans).await;
            }
            // The plans' issuers too, when the selection names them, but those a list kept
            // before with the columns the issuers' fields read (a plan list's `issuer`, when
            // the page is its plans' tasks): their resolvers find them there.
            let found = loaders(ctx)?.load_many(plans).await.into_gql()?;
            let issuer_selections: Vec<Lookahead<'_>> = plan_selections
                .iter()
                .map(|s| s.field("issuer"))
                .filter(Lookahead::exists)
                .collect();
            let needed = partial::columns_for(ctx, &issuer_selections);
            let issuers: BTreeSet<UnitById> = found
                .values()
                .map(|p| p.issuer_id)
                .filter(|&id| !partial::is_kept(ctx, id, needed, kept_before))
                .map(UnitById)
                .collect();
            load_all(ctx, issuers).await
        },
        async {
            if wants(selections, "area") {
                load_all(ctx, areas.into_iter().flatten()).await?;
            }
            Ok(())
        },
    )
    .await
    .map(|_| ())
}

/// Prefetches what a page of targets' selection reads.
pub async fn targets(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    rows: &[&target::Model],
) -> Result<()> {
    if selections.is_empty() || rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = rows.iter().map(|t| t.id).collect();
    let loaders = loaders(ctx)?;
    let kept_before = partial::batches_kept(ctx);
    let want_assignments = wants(selections, "assignments") || wants(selections, "lead");
    // The rows' facilities are read with the leads, in one statement.
    let (assignments, row_units, _) = try_join3(
        async {
            if want_assignments {
                loaders
                    .load_many(ids.iter().copied().map(TargetAssignments))
                    .await
                    .into_gql()
            } else {
                Ok(Default::default())
            }
        },
        async {
            let breakdowns: Vec<Lookahead<'_>> =
                selections.iter().map(|s| s.field("breakdown")).collect();
            if !breakdowns.iter().any(Lookahead::exists) {
                return Ok(BTreeSet::new());
            }
            let stored = loaders
                .load_many(ids.iter().copied().map(BreakdownOf))
                .await
                .into_gql()?;
            // The rows' facilities, when the selection names them.
            let rows: Vec<Lookahead<'_>> = breakdowns
                .iter()
                .map(|b| b.field("groups").field("rows"))
                .collect();
            if !wants(&rows, "unit") {
                return Ok(BTreeSet::new());
            }
            Ok(stored
                .values()
                .flat_map(|b| &b.groups)
                .flat_map(|(_, rows)| rows)
                .filter_map(|row| row.unit_id)
                .collect())
        },
        plans_and_areas(
            ctx,
            selections,
            rows.iter().map(|t| (t.plan_id, t.area_id)),
            kept_before,
        ),
    )
    .await?;
    assignees(
        ctx,
        selections,
        Assigned::of(assignments.values().flatten()),
        row_units,
    )
    .await
}

fn argument<'v>(arguments: &'v [(Name, Value)], name: &str) -> Option<&'v Value> {
    arguments
        .iter()
        .find(|(n, _)| n.as_str() == name)
        .map(|(_, v)| v)
        .filter(|v| **v != Value::Null)
}

/// A nested connection field, its arguments as written, and its page's window.
pub type NestedPage<'a> = (SelectionField<'a>, Vec<(Name, Value)>, Window);

/// The nested connection fields named `field` under `selection`, each with its arguments as
/// written in the document and its page's window in `ordering`. A field whose arguments its
/// resolver will reject is left out, for the resolver to report.
pub fn nested_pages<'a>(
    selection: &Lookahead<'a>,
    field: &str,
    ordering: &str,
) -> Vec<NestedPage<'a>> {
    selection
        .field(field)
        .selection_fields()
        .into_iter()
        .filter_map(|nested| {
            let arguments = nested.arguments().ok()?;
            let window = page_arguments(&arguments)
                .and_then(|a| a.window(ordering))
                .ok()?;
            Some((nested, arguments, window))
        })
        .collect()
}

/// A nested connection's arguments as written in the document (a bad cursor leaves the page
/// to its resolver, which reports it).
fn page_arguments(arguments: &[(Name, Value)]) -> DomainResult<PageArgs> {
    let first = match argument(arguments, "first") {
        Some(Value::Number(n)) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        _ => None,
    };
    let after = match argument(arguments, "after") {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    cursor::forward(first, after)
}

/// Prefetches what a page of plans' selection reads, including one page of tasks and targets
/// per plan (with each nested field's own arguments) and what those read.
pub async fn plans(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    rows: &[&plan::Model],
    issuers_read: bool,
) -> Result<()> {
    if selections.is_empty() || rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    // A list that read its issuers with its page (`plans`) has kept them for their fields.
    if wants(selections, "issuer") && !issuers_read {
        load_all(
            ctx,
            rows.iter()
                .map(|p| UnitById(p.issuer_id))
                .collect::<BTreeSet<_>>(),
        )
        .await?;
    }
    if wants(selections, "implements") {
        load_all(ctx, ids.iter().copied().map(ReferencesOf)).await?;
    }
    if wants(selections, "areas") {
        load_all(ctx, ids.iter().copied().map(AreasOf)).await?;
    }
    if wants(selections, "reportingDeadlines") {
        load_all(ctx, ids.iter().copied().map(DeadlinesOf)).await?;
    }
    let loaders = loaders(ctx)?;
    for selection in selections {
        for (field, arguments, window) in
            nested_pages(selection, "tasks", tasks::PLAN_TASKS_ORDERING)
        {
            let filter = match argument(&arguments, "filter") {
                Some(value) => match TaskFilter::parse(Some(value.clone())) {
                    Ok(filter) => filter,
                    Err(_) => continue,
                },
                None => TaskFilter::default(),
            };
            let Ok(mut filter) = filter.into_domain() else {
                continue;
            };
            filter.plan_id = None;
            let keys = ids.iter().map(|&plan| PlanTasks {
                plan,
                window,
                filter: filter.clone(),
            });
            let pages = loaders.load_many(keys).await.into_gql()?;
            let rows: Vec<&task::Model> = pages.values().flat_map(|p| p.rows()).collect();
            tasks(ctx, &node_selections(&Lookahead::from(field)), &rows).await?;
        }
        for (field, _, window) in nested_pages(selection, "targets", targets::PLAN_TARGETS_ORDERING)
        {
            let keys = ids.iter().map(|&parent| PlanTargets { parent, window });
            let pages = loaders.load_many(keys).await.into_gql()?;
            let rows: Vec<&target::Model> = pages.values().flat_map(|p| p.rows()).collect();
            targets(ctx, &node_selections(&Lookahead::from(field)), &rows).await?;
        }
    }
    Ok(())
}
