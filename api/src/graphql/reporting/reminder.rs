//! `reminders` (đôn đốc): units that owe a report or have an overdue task, most overdue first.

use async_graphql::{Context, Enum, ID, Object, Result};

use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::time::today;
use crate::domain::reporting::reminder::{self as reminders, MAX_REMINDERS, Subject};
use crate::graphql::common::context::{db, load, load_all, visibility};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{RegimeById, TaskById, UnitById};
use crate::graphql::org::unit::Unit;
use crate::graphql::planning::task::Task;
use crate::graphql::reporting::regime::ReportingRegime;

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
        let found = reminders::reminders(db(ctx)?, visibility(ctx)?, as_of, unit, limit)
            .await
            .into_gql()?;
        // The units, tasks and regimes the selection names, for the whole list at once: each
        // reminder's resolvers then find them cached.
        let selection = ctx.look_ahead();
        let wanted = |field: &str| selection.field(field).exists();
        let (want_unit, want_task, want_regime) =
            (wanted("unit"), wanted("task"), wanted("regime"));
        let (mut units, mut tasks, mut regimes) = (Vec::new(), Vec::new(), Vec::new());
        for reminder in &found {
            if want_unit {
                units.push(UnitById(reminder.unit_id));
            }
            match reminder.subject {
                Subject::Report { regime_id, .. } if want_regime => {
                    regimes.push(RegimeById(regime_id));
                }
                Subject::Task { task_id } if want_task => tasks.push(TaskById(task_id)),
                _ => {}
            }
        }
        futures_util::future::try_join3(
            load_all(ctx, units),
            load_all(ctx, tasks),
            load_all(ctx, regimes),
        )
        .await?;
        Ok(found.into_iter().map(Reminder).collect())
    }
}
