//! Loaders: every relation a resolver follows is fetched for the whole page at once, so a
//! nested query costs a fixed number of statements whatever the page size. One loader per
//! request (results are cached for that request only).

use crate::domain::kernel::maps::{FastMap, map_with_capacity};
use std::hash::Hash;
use std::sync::Arc;

use crate::graphql::loading::batch::Load;
use crate::reads::Reads;
use entity::{
    assignment, calendar_day, deadline_extension, plan, plan_area, plan_reference, progress_update,
    reporting_deadline, reporting_regime, target, task, unit, unit_group, unit_succession,
};
use uuid::Uuid;

use crate::domain::access::{PlanVisibility, Viewer};
use crate::domain::kernel::error::{DomainError, DomainResult};
use crate::domain::kernel::page::{Page, Window};
use crate::domain::kernel::query::{ParentPage, parent_page};
use crate::domain::kernel::rows::ColumnSet;
use crate::domain::org::{group as groups, unit as units};
use crate::domain::planning::target::{StoredBreakdown, TargetFilter};
use crate::domain::planning::task::TaskFilter;
use crate::domain::planning::{plan as plans, target as targets, task as tasks};
use crate::domain::reporting::{
    calendar, extension as extensions, regime as regimes, request as requests,
};
use crate::graphql::loading::batch::BatchLoader;

/// The request's loader.
pub type Loaders = BatchLoader<DbLoader>;

/// Builds the loader for one request; lists it loads show only what `visibility` allows, and
/// no batch starts after `deadline`.
pub fn for_request(
    db: Reads,
    visibility: PlanVisibility,
    viewer: Viewer,
    deadline: Option<std::time::Instant>,
) -> Loaders {
    BatchLoader::until(
        DbLoader {
            db,
            visibility,
            viewer,
        },
        deadline,
    )
}

/// The loader of a live (WebSocket) connection: renewed at every notice, so each notice's
/// objects are read fresh, while answers already under way finish with the loader they began
/// with (several subscriptions share a connection).
#[derive(Clone)]
pub struct LiveLoaders(Arc<LiveInner>);

struct LiveInner {
    db: Reads,
    visibility: PlanVisibility,
    viewer: Viewer,
    current: std::sync::Mutex<Loaders>,
}

impl LiveLoaders {
    pub fn new(db: Reads, visibility: PlanVisibility, viewer: Viewer) -> Self {
        let current = for_request(db.clone(), visibility.clone(), viewer.clone(), None);
        Self(Arc::new(LiveInner {
            db,
            visibility,
            viewer,
            current: std::sync::Mutex::new(current),
        }))
    }

    /// The loader answers use now.
    pub fn current(&self) -> Loaders {
        match self.0.current.lock() {
            Ok(current) => current.clone(),
            // A poisoned lock only means a panic elsewhere: start afresh.
            Err(_) => self.fresh(),
        }
    }

    /// A fresh loader for what comes next.
    pub fn renew(&self) {
        let fresh = self.fresh();
        if let Ok(mut current) = self.0.current.lock() {
            *current = fresh;
        }
    }

    fn fresh(&self) -> Loaders {
        for_request(
            self.0.db.clone(),
            self.0.visibility.clone(),
            self.0.viewer.clone(),
            None,
        )
    }
}

/// Loads rows in batches; one `Loader` impl per relation (key type).
pub struct DbLoader {
    db: Reads,
    visibility: PlanVisibility,
    /// The caller, for lists scoped by unit (a round's dashboard counts what it may read).
    viewer: Viewer,
}

type LoadResult<K, V> = Result<FastMap<K, V>, Arc<DomainError>>;

macro_rules! batch_by_id {
    ($(#[$meta:meta])* $key:ident => $value:ty, $fetch:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $key(pub Uuid);

        impl Load<$key> for DbLoader {
            type Value = $value;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, $value> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                let found = $fetch(&self.db, &ids).await.map_err(Arc::new)?;
                Ok(found.into_iter().map(|(id, value)| ($key(id), value.into())).collect())
            }
        }
    };
}

batch_by_id!(/// A unit by id (shared: a page names the same units again and again, and a lookup
    /// copies only the pointer).
    UnitById => Arc<unit::Model>, units::by_ids);
batch_by_id!(/// A unit group by id.
    GroupById => unit_group::Model, groups::by_ids);
batch_by_id!(/// A plan by id.
    PlanById => plan::Model, plans::by_ids);
batch_by_id!(/// A plan area by id.
    AreaById => plan_area::Model, plans::areas_by_ids);
batch_by_id!(/// A task by id.
    TaskById => task::Model, tasks::by_ids);
batch_by_id!(/// A target by id.
    TargetById => target::Model, targets::by_ids);
batch_by_id!(/// A reporting regime by id.
    RegimeById => reporting_regime::Model, regimes::by_ids);
/// Like `batch_by_id!`, but every key gets a value (`Default` when the database has none), so
/// the request cache also remembers "nothing" and never asks twice.
macro_rules! batch_with_default {
    ($(#[$meta:meta])* $key:ident => $value:ty, $fetch:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $key(pub Uuid);

        impl Load<$key> for DbLoader {
            type Value = $value;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, $value> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                let mut found = $fetch(&self.db, &ids).await.map_err(Arc::new)?;
                Ok(ids
                    .into_iter()
                    .map(|id| ($key(id), found.remove(&id).map(Into::into).unwrap_or_default()))
                    .collect())
            }
        }
    };
}

batch_with_default!(/// A unit's ancestors, nearest first.
    AncestorsOf => Vec<unit::Model>, units::ancestors);
batch_with_default!(/// Succession events with the unit as predecessor.
    SuccessionsFrom => Vec<unit_succession::Model>, units::successions_from);
batch_with_default!(/// Succession events with the unit as successor.
    SuccessionsInto => Vec<unit_succession::Model>, units::successions_into);
batch_with_default!(/// The documents a plan implements.
    ReferencesOf => Vec<plan_reference::Model>, plans::references);
batch_with_default!(/// A plan's areas.
    AreasOf => Vec<plan_area::Model>, plans::areas);
batch_with_default!(/// A plan's reporting deadlines.
    DeadlinesOf => Vec<reporting_deadline::Model>, plans::reporting_deadlines);
batch_with_default!(/// A plan's reporting regimes.
    RegimesOf => Vec<reporting_regime::Model>, regimes::regimes_of_plans);
batch_with_default!(/// A regime's deadlines, by level.
    RegimeDeadlines => Vec<reporting_deadline::Model>, regimes::deadlines_of_regimes);
batch_with_default!(/// A regime's ad-hoc requests, newest first.
    RegimeRequests => Vec<entity::report_request::Model>, requests::of_regimes);
batch_with_default!(/// A task's assignments.
    TaskAssignments => Vec<assignment::Model>, tasks::assignments);
batch_with_default!(/// A target's assignments.
    TargetAssignments => Vec<assignment::Model>, targets::assignments);
batch_with_default!(/// A task's newest progress update.
    LatestProgress => Option<progress_update::Model>, tasks::latest_progress);
batch_with_default!(/// The progress updates sent inside a report, oldest first.
    SubmissionProgress => Vec<progress_update::Model>, crate::domain::reporting::progress::of_submissions);
batch_with_default!(/// A task's contributions from cooperating units, newest first.
    TaskContributions => Vec<entity::task_contribution::Model>, crate::domain::reporting::contribution::of_tasks);
batch_with_default!(/// A task's extension requests, oldest first.
    TaskExtensions => Vec<deadline_extension::Model>, extensions::of_tasks);
batch_with_default!(/// Where an object comes from (none: entered by a person).
    ProvenanceOf => Option<entity::provenance::Model>, crate::domain::kernel::provenance::of_objects);
batch_with_default!(/// A target's stored breakdown rows.
    BreakdownOf => StoredBreakdown, targets::stored_breakdowns);

/// The declared days of a calendar year (every year asked in one statement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CalendarYear(pub i32);

impl Load<CalendarYear> for DbLoader {
    type Value = Vec<calendar_day::Model>;

    async fn load(&self, keys: &[CalendarYear]) -> LoadResult<CalendarYear, Self::Value> {
        let years: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let mut found = calendar::days_of_years(&self.db, &years)
            .await
            .map_err(Arc::new)?;
        Ok(years
            .into_iter()
            .map(|y| (CalendarYear(y), found.remove(&y).unwrap_or_default()))
            .collect())
    }
}

/// A target's attainment for a period as of a day (every target asked for the same period and
/// day in one pass).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttainmentOf {
    pub target: Uuid,
    pub period: crate::domain::kernel::period::PeriodCode,
    pub as_of: chrono::NaiveDate,
}

impl Load<AttainmentOf> for DbLoader {
    type Value = crate::domain::reporting::attainment::TargetAttainment;

    async fn load(&self, keys: &[AttainmentOf]) -> LoadResult<AttainmentOf, Self::Value> {
        let mut groups: FastMap<_, Vec<Uuid>> = FastMap::default();
        for key in keys {
            groups
                .entry((key.period, key.as_of))
                .or_default()
                .push(key.target);
        }
        let mut result = FastMap::default();
        for ((period, as_of), ids) in groups {
            let found = targets::by_ids(&self.db, &ids).await.map_err(Arc::new)?;
            let models: Vec<target::Model> = found.into_values().collect();
            let figures = crate::domain::reporting::attainment::attainments(
                &self.db, &models, period, as_of, true,
            )
            .await
            .map_err(Arc::new)?;
            for figure in figures {
                let key = AttainmentOf {
                    target: figure.target.id,
                    period,
                    as_of,
                };
                result.insert(key, figure);
            }
        }
        Ok(result)
    }
}

/// Loads one page per parent for keys that share a window (and filter): one statement per
/// distinct window, whatever the number of parents.
async fn pages_by_parent<K, G, M, Fut>(
    keys: &[K],
    split: impl Fn(&K) -> (Uuid, G),
    window_of: impl Fn(&G) -> Window,
    ordering: &str,
    fetch: impl Fn(Vec<Uuid>, G) -> Fut,
) -> LoadResult<K, Page<M>>
where
    K: Clone + Eq + Hash,
    G: Clone + Eq + Hash,
    M: Clone,
    Fut: Future<Output = DomainResult<FastMap<Uuid, ParentPage<M>>>>,
{
    let mut groups: FastMap<G, Vec<(Uuid, K)>> = FastMap::default();
    for key in keys {
        let (parent, group) = split(key);
        groups.entry(group).or_default().push((parent, key.clone()));
    }
    let mut result = map_with_capacity(keys.len());
    for (group, members) in groups {
        let parents: Vec<Uuid> = members.iter().map(|(p, _)| *p).collect();
        let window = window_of(&group);
        let pages = fetch(parents, group).await.map_err(Arc::new)?;
        for (parent, key) in members {
            result.insert(key, parent_page(&pages, parent, window, ordering));
        }
    }
    Ok(result)
}

/// One page of a unit's children, with the unit columns its selection reads (the key keeps
/// two selections' partial rows apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildrenOf {
    pub parent: Uuid,
    pub window: Window,
    pub columns: ColumnSet,
}

/// Shared, units and all: a page of 50 units answers each unit's children in place from the
/// cache, which then hands out the page, not a copy of its rows and cursor keys.
impl Load<ChildrenOf> for DbLoader {
    type Value = Arc<Page<Arc<unit::Model>>>;

    async fn load(&self, keys: &[ChildrenOf]) -> LoadResult<ChildrenOf, Self::Value> {
        let pages = pages_by_parent(
            keys,
            |k| (k.parent, (k.window, k.columns)),
            |(window, _)| *window,
            units::CHILDREN_ORDERING,
            |parents, (window, columns)| async move {
                units::children_pages(&self.db, &parents, window, columns).await
            },
        )
        .await?;
        Ok(pages
            .into_iter()
            .map(|(key, page)| (key, Arc::new(page.map(Arc::new))))
            .collect())
    }
}

/// One page of a plan's tasks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanTasks {
    pub plan: Uuid,
    pub window: Window,
    pub filter: TaskFilter,
}

impl Load<PlanTasks> for DbLoader {
    type Value = Page<task::Model>;

    async fn load(&self, keys: &[PlanTasks]) -> LoadResult<PlanTasks, Self::Value> {
        pages_by_parent(
            keys,
            |k| (k.plan, (k.window, k.filter.clone())),
            |(window, _)| *window,
            tasks::PLAN_TASKS_ORDERING,
            |parents, (window, filter)| async move {
                tasks::plan_pages(&self.db, &parents, &filter, window).await
            },
        )
        .await
    }
}

/// One page of the tasks assigned to a unit (`Unit.tasks` under a list of units).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitTasks {
    pub unit: Uuid,
    pub window: Window,
    /// Roles, statuses and date (no unit: that is `unit`).
    pub filter: TaskFilter,
}

impl Load<UnitTasks> for DbLoader {
    type Value = Page<task::Model>;

    async fn load(&self, keys: &[UnitTasks]) -> LoadResult<UnitTasks, Self::Value> {
        pages_by_parent(
            keys,
            |k| (k.unit, (k.window, k.filter.clone())),
            |(window, _)| *window,
            &tasks::unit_tasks_ordering(),
            |parents, (window, filter)| async move {
                tasks::unit_pages(&self.db, &self.visibility, &parents, &filter, window).await
            },
        )
        .await
    }
}

/// One page of the targets assigned to a unit (`Unit.targets` under a list of units).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitTargets {
    pub unit: Uuid,
    pub window: Window,
    /// Roles and date (no unit: that is `unit`).
    pub filter: TargetFilter,
}

impl Load<UnitTargets> for DbLoader {
    type Value = Page<target::Model>;

    async fn load(&self, keys: &[UnitTargets]) -> LoadResult<UnitTargets, Self::Value> {
        pages_by_parent(
            keys,
            |k| (k.unit, (k.window, k.filter.clone())),
            |(window, _)| *window,
            targets::TARGETS_ORDERING,
            |parents, (window, filter)| async move {
                targets::unit_pages(&self.db, &self.visibility, &parents, &filter, window).await
            },
        )
        .await
    }
}

/// The members of a group on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupMembers {
    pub group: Uuid,
    pub date: chrono::NaiveDate,
}

impl Load<GroupMembers> for DbLoader {
    type Value = Vec<unit::Model>;

    async fn load(&self, keys: &[GroupMembers]) -> LoadResult<GroupMembers, Self::Value> {
        let mut by_date: FastMap<chrono::NaiveDate, Vec<Uuid>> = FastMap::default();
        for key in keys {
            by_date.entry(key.date).or_default().push(key.group);
        }
        let mut result = FastMap::default();
        for (date, ids) in by_date {
            let mut members = groups::members_of_ids(&self.db, &ids, date)
                .await
                .map_err(Arc::new)?;
            for group in ids {
                let units = members.remove(&group).unwrap_or_default();
                result.insert(GroupMembers { group, date }, units);
            }
        }
        Ok(result)
    }
}

macro_rules! pages_loader {
    ($(#[$meta:meta])* $key:ident => $model:ty, $ordering:path, $fetch:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key {
            pub parent: Uuid,
            pub window: Window,
        }

        impl Load<$key> for DbLoader {
            type Value = Page<$model>;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, Self::Value> {
                pages_by_parent(
                    keys,
                    |k| (k.parent, k.window),
                    |window| *window,
                    $ordering,
                    |parents, window| async move { self.$fetch(&parents, window).await },
                )
                .await
            }
        }
    };
}

pages_loader!(/// One page of a plan's targets.
    PlanTargets => target::Model, targets::PLAN_TARGETS_ORDERING, plan_targets);
pages_loader!(/// One page of the plans implementing a plan.
    ImplementedBy => plan::Model, plans::IMPLEMENTED_BY_ORDERING, implemented_by);
pages_loader!(/// One page of the plans a unit issued.
    IssuedBy => plan::Model, plans::ISSUED_BY_ORDERING, issued_by);
pages_loader!(/// One page of a task's progress updates.
    ProgressOf => progress_update::Model, tasks::PROGRESS_ORDERING, progress);

type Pages<M> = DomainResult<FastMap<Uuid, ParentPage<M>>>;

impl DbLoader {
    async fn plan_targets(&self, parents: &[Uuid], window: Window) -> Pages<target::Model> {
        targets::plan_pages(&self.db, parents, window).await
    }

    async fn implemented_by(&self, parents: &[Uuid], window: Window) -> Pages<plan::Model> {
        plans::implemented_by_pages(&self.db, &self.visibility, parents, window).await
    }

    async fn issued_by(&self, parents: &[Uuid], window: Window) -> Pages<plan::Model> {
        plans::issued_by_pages(&self.db, &self.visibility, parents, window).await
    }

    async fn progress(&self, parents: &[Uuid], window: Window) -> Pages<progress_update::Model> {
        tasks::progress_pages(&self.db, parents, window).await
    }
}

batch_by_id!(/// An award type version by id, with its last day in force.
    AwardTypeById => crate::domain::emulation::catalogue::AwardTypeVersion,
    crate::domain::emulation::catalogue::by_ids);

/// Every version of an award type's code, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AwardTypeVersions(pub String);

impl Load<AwardTypeVersions> for DbLoader {
    type Value = Vec<crate::domain::emulation::catalogue::AwardTypeVersion>;

    async fn load(&self, keys: &[AwardTypeVersions]) -> LoadResult<AwardTypeVersions, Self::Value> {
        let codes: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let mut found = crate::domain::emulation::catalogue::versions_of(&self.db, &codes)
            .await
            .map_err(Arc::new)?;
        Ok(codes
            .into_iter()
            .map(|c| {
                let versions = found.remove(&c).unwrap_or_default();
                (AwardTypeVersions(c), versions)
            })
            .collect())
    }
}

/// The base salary's history, oldest first (read once per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BaseSalaryHistory;

impl Load<BaseSalaryHistory> for DbLoader {
    type Value = Vec<entity::base_salary::Model>;

    async fn load(&self, _: &[BaseSalaryHistory]) -> LoadResult<BaseSalaryHistory, Self::Value> {
        let history = crate::domain::emulation::catalogue::base_salaries(&self.db)
            .await
            .map_err(Arc::new)?;
        Ok(FastMap::from_iter([(BaseSalaryHistory, history)]))
    }
}

batch_by_id!(/// A person by id.
    PersonById => entity::person::Model, crate::domain::emulation::person::by_ids);
batch_by_id!(/// An initiative (sáng kiến) by id.
    InitiativeById => entity::initiative::Model, crate::domain::emulation::record::initiatives_by_ids);

/// A round's nominations counted for its dashboard (those the caller may read): every round of
/// a page in one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoundCounts(pub Uuid);

impl Load<RoundCounts> for DbLoader {
    type Value = Vec<crate::domain::emulation::nomination::read::RoundCount>;

    async fn load(&self, keys: &[RoundCounts]) -> LoadResult<RoundCounts, Self::Value> {
        let rounds: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let mut found = crate::domain::emulation::nomination::read::round_counts(
            &self.db,
            self.viewer.principal(),
            &rounds,
        )
        .await
        .map_err(Arc::new)?;
        Ok(rounds
            .into_iter()
            .map(|r| (RoundCounts(r), found.remove(&r).unwrap_or_default()))
            .collect())
    }
}
batch_with_default!(/// A person's employments, oldest first.
    PersonEmployments => Vec<entity::employment::Model>, crate::domain::emulation::person::employments_of);
batch_with_default!(/// A person's or a unit's emulation records.
    RecordsOf => crate::domain::emulation::record::Records, crate::domain::emulation::record::records_of);
batch_by_id!(/// An award record by id.
    AwardRecordById => entity::award_record::Model, crate::domain::emulation::record::awards_by_ids);
batch_by_id!(/// A movement by id.
    MovementById => entity::emulation_movement::Model, crate::domain::emulation::movement::by_ids);
batch_by_id!(/// A round by id.
    RoundById => entity::emulation_round::Model, crate::domain::emulation::movement::rounds_by_ids);
batch_with_default!(/// A movement's rounds, earliest window first.
    RoundsOf => Vec<entity::emulation_round::Model>, crate::domain::emulation::movement::rounds_of);
batch_by_id!(/// A nomination by id.
    NominationById => entity::nomination::Model, crate::domain::emulation::nomination::read::by_ids);
batch_with_default!(/// A nomination's history, oldest step first.
    NominationEvents => Vec<entity::nomination_event::Model>, crate::domain::emulation::nomination::read::events_of);
batch_with_default!(/// A nomination's council ballots, oldest first.
    NominationBallots => Vec<entity::council_ballot::Model>, crate::domain::emulation::nomination::read::ballots_of);
batch_by_id!(/// An award decision by id.
    AwardDecisionById => entity::award_decision::Model, crate::domain::emulation::nomination::decision::by_ids);
batch_by_id!(/// A batch (tờ trình) by id.
    BatchById => entity::nomination_batch::Model, crate::domain::emulation::nomination::batch::by_ids);
batch_with_default!(/// The nominations a batch carries, in the letter's order.
    BatchNominations => Vec<Uuid>, crate::domain::emulation::nomination::batch::items_of);
batch_with_default!(/// The batches that carried a nomination, oldest first.
    NominationBatches => Vec<entity::nomination_batch::Model>, crate::domain::emulation::nomination::batch::of_nominations);
batch_with_default!(/// A nomination's dossier, oldest document first.
    NominationDossier => Vec<crate::domain::emulation::nomination::dossier::Document>, crate::domain::emulation::nomination::dossier::items_of);
