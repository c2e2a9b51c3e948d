//! The working-day calendar (lịch làm việc): Monday to Friday work, Saturday and Sunday off,
//! except the days the official calendar declares — public holidays, Tết, compensatory days off
//! (nghỉ bù) and working Saturdays (ngày làm bù). The declared days are data an administrator
//! keeps; deadlines roll forward over days off and "N ngày làm việc" counts working days.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use entity::calendar_day;
use entity::enums::CalendarDayKind;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};

use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldErrorCode as Code};
use crate::kernel::mutation::Change;
use crate::kernel::query::{fetch_all, find};
use crate::kernel::time::{MAX_YEAR, MIN_YEAR};

/// The longest run of days off the calendar accepts (Tết with its weekends is 9 or 10): a
/// longer run would be a data error, and it bounds every walk to the next working day.
pub const MAX_DAYS_OFF_IN_A_ROW: i64 = 30;

/// The declared days of a span of years, and the week's rule for the others.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    declared: BTreeMap<NaiveDate, (CalendarDayKind, String)>,
}

impl WorkCalendar {
    /// A calendar of these declared days.
    pub fn new(days: impl IntoIterator<Item = calendar_day::Model>) -> Self {
        Self {
            declared: days
                .into_iter()
                .map(|d| (d.day, (d.kind, d.name)))
                .collect(),
        }
    }

    /// The declared days from `from` to `to` (with a margin after `to` for roll-forwards).
    pub async fn load(
        db: &impl ConnectionTrait,
        from: NaiveDate,
        to: NaiveDate,
    ) -> DomainResult<Self> {
        let until = to + Duration::days(MAX_DAYS_OFF_IN_A_ROW * 4);
        let select =
            find::<calendar_day::Entity>().filter(calendar_day::Column::Day.between(from, until));
        let days = fetch_all(db, select).await?;
        Ok(Self::new(days))
    }

    /// Whether people work on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.declared.get(&day) {
            Some((CalendarDayKind::DayOff, _)) => false,
            Some((CalendarDayKind::WorkingDay, _)) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// Why `day` is off ("Tết Nguyên đán", "Chủ nhật"), if it is.
    pub fn day_off_reason(&self, day: NaiveDate) -> Option<String> {
        if self.is_working_day(day) {
            return None;
        }
        Some(match self.declared.get(&day) {
            Some((_, name)) => name.clone(),
            None if day.weekday() == Weekday::Sat => "Thứ Bảy".into(),
            None => "Chủ nhật".into(),
        })
    }

    /// `day` if people work on it, else the next day they do (Bộ luật Dân sự 2015, Điều 148:
    /// a time limit ending on a day off ends on the next working day).
    pub fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        let mut next = day;
        for _ in 0..=MAX_DAYS_OFF_IN_A_ROW * 2 {
            if self.is_working_day(next) {
                return next;
            }
            next += Duration::days(1);
        }
        next
    }

    /// The day `count` working days after `from` (the counting starts on the next day).
    pub fn add_working_days(&self, from: NaiveDate, count: u32) -> NaiveDate {
        let mut day = from;
        let mut left = count;
        while left > 0 {
            day += Duration::days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// One declared day, as an administrator sends it.
#[derive(Debug, Clone)]
pub struct DeclaredDay {
    pub day: NaiveDate,
    pub kind: CalendarDayKind,
    pub name: String,
    pub note: Option<String>,
}

/// The declared days of these years, by year, in one statement.
pub async fn days_of_years(
    db: &impl ConnectionTrait,
    years: &[i32],
) -> DomainResult<std::collections::HashMap<i32, Vec<calendar_day::Model>>> {
    let mut by_year: std::collections::HashMap<i32, Vec<calendar_day::Model>> =
        std::collections::HashMap::new();
    let valid = || {
        years
            .iter()
            .copied()
            .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
    };
    let (Some(first), Some(last)) = (valid().min(), valid().max()) else {
        return Ok(by_year);
    };
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(first, 1, 1),
        NaiveDate::from_ymd_opt(last, 12, 31),
    ) else {
        return Ok(by_year);
    };
    let select = calendar_day::Entity::find()
        .filter(calendar_day::Column::Day.between(from, to))
        .order_by_asc(calendar_day::Column::Day);
    let days = fetch_all(db, select).await?;
    for day in days {
        if years.contains(&day.day.year()) {
            by_year.entry(day.day.year()).or_default().push(day);
        }
    }
    Ok(by_year)
}

/// The declared days of a year, in date order.
pub async fn declared_days(
    db: &impl ConnectionTrait,
    year: i32,
) -> DomainResult<Vec<calendar_day::Model>> {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(Vec::new());
    };
    Ok(calendar_day::Entity::find()
        .filter(calendar_day::Column::Day.between(first, last))
        .order_by_asc(calendar_day::Column::Day)
        .all(db)
        .await?)
}

/// Declares a day (or changes what it is declared to be).
pub async fn declare_day(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: DeclaredDay,
) -> DomainResult<Change> {
    actor
        .authorize(db, Action::ManageCalendar, Resource::Province)
        .await?;
    let mut checks = Checks(Vec::new());
    let name = checks.text("name", &input.name, 200, true);
    let note = checks.optional_text("note", input.note.as_deref(), 2000);
    if !(MIN_YEAR..=MAX_YEAR).contains(&input.day.year()) {
        checks.fail(
            "day",
            Code::OutOfRange,
            format!("the calendar holds days from {MIN_YEAR} to {MAX_YEAR}"),
        );
    }
    let weekend = matches!(input.day.weekday(), Weekday::Sat | Weekday::Sun);
    if input.kind == CalendarDayKind::WorkingDay && !weekend {
        checks.fail(
            "kind",
            Code::Invalid,
            "only a Saturday or Sunday can be declared a working day (ngày làm bù)",
        );
    }
    checks.finish()?;
    let before = calendar_day::Entity::find_by_id(input.day).one(db).await?;
    let model = calendar_day::Model {
        day: input.day,
        kind: input.kind,
        name,
        note,
        updated_at: Utc::now(),
    };
    check_run_of_days_off(db, &model).await?;
    let active = model.clone().into_active_model().reset_all();
    if before.is_some() {
        active.update(db).await?;
    } else {
        active.insert(db).await?;
    }
    Ok(Change {
        action: AuditAction::CalendarDayDeclare,
        object_type: ObjectType::CalendarDay,
        object_id: day_object_id(input.day),
        scope_unit_id: None,
        before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
        after: Some(serde_json::to_value(&model).unwrap_or_default()),
    })
}

/// Removes a declared day (it follows the week again).
pub async fn remove_day(
    db: &impl ConnectionTrait,
    actor: &Actor,
    day: NaiveDate,
) -> DomainResult<Change> {
    actor
        .authorize(db, Action::ManageCalendar, Resource::Province)
        .await?;
    let Some(before) = calendar_day::Entity::find_by_id(day).one(db).await? else {
        let mut checks = Checks(Vec::new());
        checks.fail(
            "day",
            Code::NotFound,
            format!("{day} is not a declared day"),
        );
        checks.finish()?;
        unreachable!("a failed check returns");
    };
    calendar_day::Entity::delete_by_id(day).exec(db).await?;
    Ok(Change {
        action: AuditAction::CalendarDayRemove,
        object_type: ObjectType::CalendarDay,
        object_id: day_object_id(day),
        scope_unit_id: None,
        before: Some(serde_json::to_value(before).unwrap_or_default()),
        after: None,
    })
}

/// A declared day's id in the audit log: the date's days since 0001-01-01, as a UUID, so the
/// log can list a day's history like any object's.
pub fn day_object_id(day: NaiveDate) -> uuid::Uuid {
    uuid::Uuid::from_u128(u128::from(day.num_days_from_ce().unsigned_abs()))
}

/// Refuses a day off that would make a run longer than [`MAX_DAYS_OFF_IN_A_ROW`].
async fn check_run_of_days_off(
    db: &impl ConnectionTrait,
    model: &calendar_day::Model,
) -> DomainResult<()> {
    if model.kind != CalendarDayKind::DayOff {
        return Ok(());
    }
    let around = Duration::days(MAX_DAYS_OFF_IN_A_ROW + 1);
    let mut calendar = WorkCalendar::new(
        calendar_day::Entity::find()
            .filter(calendar_day::Column::Day.between(model.day - around, model.day + around))
            .all(db)
            .await?,
    );
    calendar
        .declared
        .insert(model.day, (model.kind, model.name.clone()));
    let mut run = 1;
    for step in [-1, 1] {
        let mut day = model.day + Duration::days(step);
        while !calendar.is_working_day(day) && run <= MAX_DAYS_OFF_IN_A_ROW {
            run += 1;
            day += Duration::days(step);
        }
    }
    if run > MAX_DAYS_OFF_IN_A_ROW {
        let mut checks = Checks(Vec::new());
        checks.fail(
            "day",
            Code::OutOfRange,
            format!("more than {MAX_DAYS_OFF_IN_A_ROW} days off in a row"),
        );
        checks.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn calendar(days: &[(NaiveDate, CalendarDayKind)]) -> WorkCalendar {
        WorkCalendar::new(days.iter().map(|(day, kind)| calendar_day::Model {
            day: *day,
            kind: *kind,
            name: "x".into(),
            note: None,
            updated_at: Utc::now(),
        }))
    }

    #[test]
    fn weekends_holidays_and_working_saturdays() {
        let cal = calendar(&[
            (d(2024, 4, 29), CalendarDayKind::DayOff),
            (d(2024, 5, 4), CalendarDayKind::WorkingDay),
        ]);
        assert!(!cal.is_working_day(d(2024, 4, 27)));
        assert!(!cal.is_working_day(d(2024, 4, 29)));
        assert!(cal.is_working_day(d(2024, 5, 4)));
        assert_eq!(cal.next_working_day(d(2024, 4, 27)), d(2024, 4, 30));
        assert_eq!(cal.add_working_days(d(2024, 5, 2), 2), d(2024, 5, 4));
    }
}
