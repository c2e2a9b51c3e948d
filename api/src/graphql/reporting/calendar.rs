//! The working-day calendar: `calendarDays(year)`, and the administrator's
//! `declareCalendarDay` / `removeCalendarDay`.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::Datelike;
use entity::calendar_day;

use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::time::{MAX_YEAR, MIN_YEAR};
use crate::domain::reporting::calendar::{self, DeclaredDay};
use crate::graphql::common::context::db;
use crate::graphql::common::enums::CalendarDayKind;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;

/// A day the official calendar declares: a day off on a weekday (holiday, Tết, compensatory
/// day) or a working weekend day (ngày làm bù). Other days follow the week.
#[derive(SimpleObject)]
pub struct CalendarDay {
    pub day: Date,
    pub kind: CalendarDayKind,
    /// "Tết Nguyên đán", "Nghỉ bù Giỗ Tổ Hùng Vương", "Làm bù cho thứ Sáu 02/5".
    pub name: String,
    /// Where it is declared, or why it is uncertain.
    pub note: Option<String>,
}

impl From<calendar_day::Model> for CalendarDay {
    fn from(m: calendar_day::Model) -> Self {
        Self {
            day: Date(m.day),
            kind: m.kind.into(),
            name: m.name,
            note: m.note,
        }
    }
}

#[derive(Default)]
pub struct CalendarQuery;

#[Object]
impl CalendarQuery {
    /// The declared days of a year, in date order.
    async fn calendar_days(&self, ctx: &Context<'_>, year: i32) -> Result<Vec<CalendarDay>> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(DomainError::invalid(format!(
                "`year` must be between {MIN_YEAR} and {MAX_YEAR}"
            )))
            .into_gql();
        }
        let days = calendar::declared_days(db(ctx)?, year).await.into_gql()?;
        Ok(days.into_iter().map(CalendarDay::from).collect())
    }
}

/// `declareCalendarDay` input.
#[derive(InputObject)]
pub struct DeclareCalendarDayInput {
    pub day: Date,
    pub kind: CalendarDayKind,
    pub name: String,
    pub note: Option<String>,
    pub client_mutation_id: Option<String>,
}

/// The result of `declareCalendarDay`.
#[derive(SimpleObject)]
pub struct CalendarDayPayload {
    /// The day as declared now (null when the input was rejected).
    pub calendar_day: Option<CalendarDay>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

/// `removeCalendarDay` input.
#[derive(InputObject)]
pub struct RemoveCalendarDayInput {
    pub day: Date,
    pub client_mutation_id: Option<String>,
}

/// The result of `removeCalendarDay`.
#[derive(SimpleObject)]
pub struct RemoveCalendarDayPayload {
    /// The day no longer declared (null when nothing was removed).
    pub removed_day: Option<Date>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct CalendarMutation;

#[Object]
impl CalendarMutation {
    /// Declares a day off or a working weekend day, or changes a declared day
    /// (PROVINCE_ADMIN). Deadlines computed afterwards use it; stored submissions keep the
    /// deadline they were judged by.
    async fn declare_calendar_day(
        &self,
        ctx: &Context<'_>,
        input: DeclareCalendarDayInput,
    ) -> Result<CalendarDayPayload> {
        let cmid = input.client_mutation_id;
        let day = input.day.0;
        let declared = DeclaredDay {
            day,
            kind: input.kind.into(),
            name: input.name,
            note: input.note,
        };
        let outcome = run(
            ctx,
            "declareCalendarDay",
            cmid.as_deref(),
            async |txn, actor| calendar::declare_day(txn, actor, declared).await,
        )
        .await?;
        let calendar_day = if outcome.user_errors.is_empty() {
            calendar::declared_days(db(ctx)?, day.year())
                .await
                .into_gql()?
                .into_iter()
                .find(|d| d.day == day)
                .map(CalendarDay::from)
        } else {
            None
        };
        Ok(CalendarDayPayload {
            calendar_day,
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }

    /// Removes a declared day: it follows the week again (PROVINCE_ADMIN).
    async fn remove_calendar_day(
        &self,
        ctx: &Context<'_>,
        input: RemoveCalendarDayInput,
    ) -> Result<RemoveCalendarDayPayload> {
        let cmid = input.client_mutation_id;
        let day = input.day.0;
        let outcome = run(
            ctx,
            "removeCalendarDay",
            cmid.as_deref(),
            async |txn, actor| calendar::remove_day(txn, actor, day).await,
        )
        .await?;
        Ok(RemoveCalendarDayPayload {
            removed_day: outcome.user_errors.is_empty().then_some(input.day),
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }
}
