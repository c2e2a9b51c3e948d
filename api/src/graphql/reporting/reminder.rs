//! `reminders` (đôn đốc): units that owe a report or have an overdue task, most overdue first.

use crate::domain::kernel::maps::FastMap;

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::access::PlanVisibility;
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::error::DomainResult;
use crate::domain::kernel::time::today;
use crate::domain::reporting::reminder::{self as reminders, MAX_REMINDERS, Subject};
use crate::domain::{org, planning};
use crate::graphql::common::context::{db, load, load_all, loaders, visibility};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{RegimeById, TaskById, UnitById};
use crate::graphql::org::unit::Unit;
use crate::graphql::planning::task::Task;
use crate::graphql::reporting::regime::ReportingRegime;
use crate::reads::Reads;
use crate::snapshot_cache::SnapshotCache;

/// Province-wide reminders are what every monitoring desk asks for, and computing them reads
/// regimes, deadlines, the calendar, groups, submissions and tasks (about ten statements): they
/// are kept per database snapshot (`snapshot_cache`), by what was asked and who may read what,
/// with the units and tasks they name.
pub type ReminderCache = SnapshotCache<ReminderKey, KeptReminders>;

/// What a kept list of reminders depends on besides the data: the caller's plan visibility,
/// what was asked (the day, the unit, the length) and whether the selection names the units
/// and the tasks (read with the list only then).
pub type ReminderKey = (PlanVisibility, Asked, Named);

/// The day, the unit and the length of a list of reminders.
type Asked = (NaiveDate, Option<Uuid>, usize);
/// Whether a selection names the reminders' units, and their tasks.
type Named = (bool, bool);

/// A list of reminders with the units and tasks it names, all read under one snapshot.
pub struct KeptReminders {
    list: Vec<reminders::Reminder>,
    /// Shared with every request that finds the list kept: feeding them costs a pointer each.
    units: FastMap<Uuid, std::sync::Arc<entity::unit::Model>>,
    tasks: FastMap<Uuid, entity::task::Model>,
}

impl KeptReminders {
    async fn compute(
        db: &Reads,
        visibility: &PlanVisibility,
        (as_of, unit, limit): Asked,
        (with_units, with_tasks): Named,
    ) -> DomainResult<Self> {
        let list = reminders::reminders(db, visibility, as_of, unit, limit).await?;
        let mut unit_ids: Vec<Uuid> = Vec::new();
        let mut task_ids: Vec<Uuid> = Vec::new();
        for reminder in &list {
            if with_units {
                unit_ids.push(reminder.unit_id);
            }
            if let (true, Subject::Task { task_id }) = (with_tasks, &reminder.subject) {
                task_ids.push(*task_id);
            }
        }
        for ids in [&mut unit_ids, &mut task_ids] {
            ids.sort_unstable();
            ids.dedup();
        }
        let (units, tasks) = futures_util::future::try_join(
            async {
                if unit_ids.is_empty() {
                    return Ok(Default::default());
                }
                let units = org::unit::by_ids(db, &unit_ids).await?;
                Ok(units
                    .into_iter()
                    .map(|(id, unit)| (id, std::sync::Arc::new(unit)))
                    .collect())
            },
            async {
                if task_ids.is_empty() {
                    return Ok(Default::default());
                }
                planning::task::by_ids(db, &task_ids).await
            },
        )
        .await?;
        Ok(Self { list, units, tasks })
    }
}

/// What a reminder is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// A report the unit owes (báo cáo chưa gửi).
    Report,
    /// A task the unit leads, open past its deadline.
    Task,
}

/// Something a unit owes, with the days left to (or past) its deadline.
pub struct Reminder(reminders::Reminder);

#[Object]
impl Reminder {
    /// The unit that owes it.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.unit_id)).await?.map(Unit))
    }
    async fn kind(&self) -> ReminderKind {
        match self.0.subject {
            Subject::Report { .. } => ReminderKind::Report,
            Subject::Task { .. } => ReminderKind::Task,
        }
    }
    /// The regime of the report owed.
    async fn regime(&self, ctx: &Context<'_>) -> Result<Option<ReportingRegime>> {
        match self.0.subject {
            Subject::Report { regime_id, .. } => {
                Ok(load(ctx, RegimeById(regime_id)).await?.map(ReportingRegime))
            }
            Subject::Task { .. } => Ok(None),
        }
    }
    /// The period of the report owed (`2023Q1`).
    async fn period(&self) -> Option<String> {
        match self.0.subject {
            Subject::Report { period, .. } => Some(period.to_string()),
            Subject::Task { .. } => None,
        }
    }
    /// The level of the cascade of the report owed.
    async fn level(&self) -> Option<i32> {
        match self.0.subject {
            Subject::Report { level, .. } => Some(level),
            Subject::Task { .. } => None,
        }
    }
    /// The overdue task.
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        match self.0.subject {
            Subject::Task { task_id } => Ok(load(ctx, TaskById(task_id)).await?.map(Task)),
            Subject::Report { .. } => Ok(None),
        }
    }
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }
    /// Days from `asOf` to the due day: negative once it has passed.
    async fn days_left(&self) -> i32 {
        i32::try_from(self.0.days_left).unwrap_or(i32::MIN)
    }
}

#[derive(Default)]
pub struct ReminderQuery;

#[Object]
impl ReminderQuery {
    /// What units owe as of `asOf` (default: today in Việt Nam): reports due within the next
    /// 14 days or missed in the last 92, and open tasks past their deadline, most overdue
    /// first; for one unit with `unitId`. At most `first` (100 by default, 500 at most), under
    /// plans the caller may read.
    async fn reminders(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        unit_id: Option<ID>,
        #[graphql(default = 100)] first: i32,
    ) -> Result<Vec<Reminder>> {
        let limit = usize::try_from(first)
            .ok()
            .filter(|n| *n <= MAX_REMINDERS)
            .ok_or_else(|| {
                DomainError::invalid(format!("`first` is 0 to {MAX_REMINDERS} (got {first})"))
            })
            .into_gql()?;
        let unit = unit_id
            .map(|id| expect(&id, NodeType::Unit))
            .transpose()
            .into_gql()?;
        let as_of = as_of.map_or_else(today, |d| d.0);
        let (db, visibility) = (db(ctx)?, visibility(ctx)?);
        let selection = ctx.look_ahead();
        let wanted = |field: &str| selection.field(field).exists();
        let (asked, named) = ((as_of, unit, limit), (wanted("unit"), wanted("task")));
        let compute = || KeptReminders::compute(db, visibility, asked, named);
        let kept = match ctx.data_opt::<std::sync::Arc<ReminderCache>>() {
            Some(cache) => {
                let key = (visibility.clone(), asked, named);
                cache.get_or_compute(db, key, compute).await
            }
            None => compute().await.map(std::sync::Arc::new),
        }
        .into_gql()?;
        // The units and tasks the selection names go into the request's cache, read with the
        // list; the regimes are loaded for the whole list at once. Each reminder's resolvers
        // then find them there.
        let loaders = loaders(ctx)?;
        let units = kept
            .units
            .iter()
            .map(|(id, u)| (UnitById(*id), std::sync::Arc::clone(u)));
        loaders.feed_many(units).await;
        let tasks = kept.tasks.iter().map(|(id, t)| (TaskById(*id), t.clone()));
        loaders.feed_many(tasks).await;
        if wanted("regime") {
            let regimes = kept.list.iter().filter_map(|r| match r.subject {
                Subject::Report { regime_id, .. } => Some(RegimeById(regime_id)),
                Subject::Task { .. } => None,
            });
            load_all(ctx, regimes).await?;
        }
        Ok(kept.list.iter().cloned().map(Reminder).collect())
    }
}
