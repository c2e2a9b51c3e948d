//! Periods and deadlines as the engine computes them: `reportingPeriod` (a code's data window)
//! and `deadline` (the day a rule gives for a period or after an event), so a plan's author can
//! check a rule before writing it into a regime.

use std::collections::BTreeMap;

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::period::{CutOffRule as DomainCutOff, PeriodCode};
use crate::domain::reporting::calendar::WorkCalendar;
use crate::domain::reporting::deadline::{DeadlineKind, DeadlineRule};
use crate::graphql::common::context::db;
use crate::graphql::common::enums::ReportingPeriodKind;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::scalars::Date;

/// How a regime cuts its data window (thời gian chốt số liệu).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::CutOffRule")]
pub enum CutOffRule {
    /// Nghị định 09/2019/NĐ-CP: the 15th of the month before the period to the 14th of its
    /// last month (quý I/2025: 15/12/2024–14/03/2025).
    Decree09,
    /// Calendar months.
    Calendar,
}

/// A reporting period (kỳ báo cáo).
#[derive(SimpleObject)]
pub struct ReportingPeriod {
    /// `2025`, `2025Q1`, `2025H1`, `20259M`, `202503`, `2025D01` (ad hoc).
    pub code: String,
    pub kind: ReportingPeriodKind,
    pub year: i32,
    /// The first day of its calendar months (null for an ad-hoc period).
    pub starts_on: Option<Date>,
    /// The last day of its calendar months.
    pub ends_on: Option<Date>,
    /// The first day of its data window (chốt số liệu từ ngày).
    pub data_from: Option<Date>,
    /// The last day of its data window (chốt số liệu đến ngày).
    pub data_to: Option<Date>,
}

/// Refuses a year outside 1900–2100 with `BAD_USER_INPUT`.
pub fn check_year(year: i32) -> Result<()> {
    crate::domain::kernel::values::Year::new(year)
        .map(|_| ())
        .map_err(DomainError::invalid)
        .into_gql()
}

/// Reads a period code; a malformed one is `BAD_USER_INPUT` naming the accepted forms.
pub fn parse_period(code: &str) -> Result<PeriodCode> {
    code.trim()
        .parse::<PeriodCode>()
        .map_err(|e| DomainError::invalid(e.to_string()))
        .into_gql()
}

/// Reads a mutation's period code; a malformed one is the payload's `userError` on `period`.
pub fn period_input(
    code: &str,
) -> std::result::Result<PeriodCode, crate::domain::kernel::mutation::Outcome> {
    code.trim().parse::<PeriodCode>().map_err(|e| {
        crate::graphql::common::payload::rejected("period", DomainError::invalid(e.to_string()))
    })
}

impl ReportingPeriod {
    pub fn new(period: PeriodCode, cut_off: DomainCutOff) -> Self {
        let calendar = period.data_window(DomainCutOff::Calendar);
        let data = period.data_window(cut_off);
        Self {
            code: period.to_string(),
            kind: period.kind().into(),
            year: period.year(),
            starts_on: calendar.map(|(from, _)| Date(from)),
            ends_on: calendar.map(|(_, to)| Date(to)),
            data_from: data.map(|(from, _)| Date(from)),
            data_to: data.map(|(_, to)| Date(to)),
        }
    }
}

/// How a deadline rule finds its day.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineRuleKind {
    /// A day of the period's last month (`day`): "ngày 02 tháng cuối cùng của quý".
    DayOfLastMonth,
    /// A day and month of the reporting year (`day`, `month`, `yearOffset`): "ngày 15/11".
    FixedDay,
    /// A day per period of the year (`dates`): "01/3 quý I, 30/5 sáu tháng…".
    PerPeriod,
    /// One date (`date`): "trước ngày 31/12/2021".
    BeforeDate,
    /// `days` after an event (the issue date): "15 ngày kể từ ngày ban hành".
    WithinDaysOfIssue,
    /// When a competent authority asks (đột xuất): no day of its own.
    OnRequest,
    /// The document gives no day.
    Unspecified,
}

/// Whether "N ngày" counts calendar or working days.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::reporting::deadline::DayType")]
pub enum DayType {
    Calendar,
    /// "N ngày làm việc": weekends, holidays and compensatory days are not counted.
    Working,
}

/// A day of one period in a per-period rule.
#[derive(InputObject)]
pub struct PeriodDayInput {
    /// `Q1`–`Q4`, `H1`, `H2`, `9M`, `M01`–`M12` or `Y`.
    pub period: String,
    /// `MM-DD`.
    pub day: String,
}

/// A deadline rule.
#[derive(InputObject)]
pub struct DeadlineRuleInput {
    pub kind: DeadlineRuleKind,
    pub day: Option<i32>,
    pub month: Option<i32>,
    /// 1 when the day is in the year after the reporting year.
    #[graphql(default)]
    pub year_offset: i32,
    /// For `PER_PERIOD`: at most 20.
    #[graphql(validator(max_items = 20))]
    pub dates: Option<Vec<PeriodDayInput>>,
    pub date: Option<Date>,
    pub days: Option<i32>,
    /// False for "trước ngày X" (the day before X is the last).
    #[graphql(default = true)]
    pub inclusive: bool,
    #[graphql(default_with = "DayType::Calendar")]
    pub day_type: DayType,
    /// Whether a last day that is a day off moves to the next working day.
    #[graphql(default = true)]
    pub roll_forward: bool,
    /// Whether the event's own day is the first counted.
    #[graphql(default)]
    pub count_event_day: bool,
}

impl DeadlineRuleInput {
    /// The domain's rule; a missing or malformed part is `BAD_USER_INPUT`.
    pub fn into_rule(self) -> Result<DeadlineRule> {
        self.to_rule().map_err(DomainError::invalid).into_gql()
    }

    /// The domain's rule, or what is missing or malformed.
    pub fn to_rule(self) -> std::result::Result<DeadlineRule, String> {
        let need = |value: Option<i32>, name: &str| {
            value
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| format!("this kind of rule needs `{name}` (a positive number)"))
        };
        let kind = match self.kind {
            DeadlineRuleKind::DayOfLastMonth => DeadlineKind::DayOfLastMonth {
                day: need(self.day, "day")?,
            },
            DeadlineRuleKind::FixedDay => DeadlineKind::FixedDay {
                month: need(self.month, "month")?,
                day: need(self.day, "day")?,
                year_offset: self.year_offset,
            },
            DeadlineRuleKind::PerPeriod => DeadlineKind::PerPeriod {
                dates: self
                    .dates
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| (d.period, d.day))
                    .collect::<BTreeMap<_, _>>(),
            },
            DeadlineRuleKind::BeforeDate => DeadlineKind::BeforeDate {
                date: self
                    .date
                    .map(|d| d.0)
                    .ok_or_else(|| "this kind of rule needs `date`".to_owned())?,
            },
            DeadlineRuleKind::WithinDaysOfIssue => DeadlineKind::WithinDaysOfIssue {
                days: need(self.days, "days")?,
            },
            DeadlineRuleKind::OnRequest => DeadlineKind::OnRequest,
            DeadlineRuleKind::Unspecified => DeadlineKind::Unspecified,
        };
        let rule = DeadlineRule {
            kind,
            inclusive: self.inclusive,
            day_type: self.day_type.into(),
            roll_forward: self.roll_forward,
            count_event_day: self.count_event_day,
        };
        rule.check().map_err(|e| e.to_string())?;
        Ok(rule)
    }
}

/// A deadline: the day the rule names, the last day it allows, and when it falls due.
#[derive(SimpleObject)]
pub struct Deadline {
    /// The day the rule names ("23/01/2023" in "trước ngày 23/01/2023").
    pub stated: Date,
    /// The last day allowed ("22/01/2023").
    pub last_day: Date,
    /// The day it falls due: the last day, moved past days off when the rule rolls forward.
    pub due_on: Date,
    /// Why the last day is a day off ("Tết Nguyên đán", "Chủ nhật"), if it is.
    pub day_off: Option<String>,
    /// Whether the due day moved past days off.
    pub rolled_forward: bool,
    /// The instant it passes: the end of `dueOn` in Việt Nam (midnight, +07:00). A report sent
    /// at or after it is late.
    pub passes_at: DateTime<FixedOffset>,
}

impl From<crate::domain::reporting::deadline::Deadline> for Deadline {
    fn from(d: crate::domain::reporting::deadline::Deadline) -> Self {
        Self {
            stated: Date(d.stated),
            last_day: Date(d.last_day),
            due_on: Date(d.due_on),
            rolled_forward: d.due_on != d.last_day,
            passes_at: crate::domain::kernel::time::local_time(d.passes_at()),
            day_off: d.day_off,
        }
    }
}

#[derive(Default)]
pub struct PeriodQuery;

#[Object]
impl PeriodQuery {
    /// A reporting period by its code, with its data window under `cutOff` (by default, or
    /// when null, Nghị định 09/2019's).
    async fn reporting_period(
        &self,
        #[graphql(validator(max_length = 16))] code: String,
        cut_off: Option<CutOffRule>,
    ) -> Result<ReportingPeriod> {
        let cut_off = cut_off.unwrap_or(CutOffRule::Decree09);
        Ok(ReportingPeriod::new(parse_period(&code)?, cut_off.into()))
    }

    /// The deadline `rule` gives for `period` (periodic rules) or after `eventOn` (relative
    /// rules), on the working-day calendar; null for a rule with no day of its own.
    async fn deadline(
        &self,
        ctx: &Context<'_>,
        rule: DeadlineRuleInput,
        #[graphql(validator(max_length = 16))] period: Option<String>,
        event_on: Option<Date>,
    ) -> Result<Option<Deadline>> {
        let rule = rule.into_rule()?;
        let period = period.as_deref().map(parse_period).transpose()?;
        let stated = match &rule.kind {
            DeadlineKind::BeforeDate { date } => *date,
            _ => NaiveDate::MIN,
        };
        let anchor = period
            .and_then(|p| p.data_window(DomainCutOff::Calendar).map(|(from, _)| from))
            .or(event_on.map(|d| d.0))
            .unwrap_or(stated);
        let calendar = if anchor == NaiveDate::MIN {
            WorkCalendar::default()
        } else {
            // A year's margin before (a "trước ngày" a year earlier) and after, and the days a
            // relative rule counts.
            let counted = match &rule.kind {
                DeadlineKind::WithinDaysOfIssue { days } => i64::from(*days) * 2,
                _ => 0,
            };
            WorkCalendar::load(
                db(ctx)?,
                anchor - chrono::Duration::days(400),
                anchor + chrono::Duration::days(800 + counted),
            )
            .await
            .into_gql()?
        };
        rule.due(period, event_on.map(|d| d.0), &calendar)
            .map(|due| due.map(Deadline::from))
            .map_err(|e| DomainError::invalid(e.to_string()))
            .into_gql()
    }
}
