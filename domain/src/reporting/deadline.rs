//! Deadline rules as data (hạn báo cáo): what a document says ("ngày 02 tháng cuối quý",
//! "15/11", "chậm nhất sau 15 ngày kể từ ngày ban hành", "trước ngày 23/01/2023"), and the day
//! it makes for a period.
//!
//! Stored as JSON (`{"kind": "DAY_OF_LAST_MONTH", "day": 2, "inclusive": true, …}`), read
//! through [`DeadlineRule`]; every rule's day is end of day in Việt Nam (UTC+7).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::WorkCalendar;
use crate::kernel::period::{PeriodCode, last_day_of_month};
use crate::kernel::time::VIETNAM;

/// How a deadline's day is found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeadlineKind {
    /// A day of the period's last month ("ngày 02 tháng cuối cùng của quý").
    DayOfLastMonth { day: u32 },
    /// A day and month of the reporting year ("ngày 15 tháng 11 đối với báo cáo năm");
    /// `yearOffset` 1 for a day in the next year ("trước ngày 23/01" of the following year).
    FixedDay {
        month: u32,
        day: u32,
        #[serde(default, rename = "yearOffset")]
        year_offset: i32,
    },
    /// A day per period of the year, keyed `Q1`–`Q4`, `H1`/`H2`, `9M`, `M01`–`M12` or `Y`,
    /// valued `MM-DD` (the Tu Mơ Rông plan: Q1 "03-01", H1 "05-30", Q3 "08-30", Y "12-04").
    PerPeriod { dates: BTreeMap<String, String> },
    /// One date ("trước ngày 31/12/2021").
    BeforeDate { date: NaiveDate },
    /// A number of days after an event, the plan's issue by default ("chậm nhất sau 15 ngày kể
    /// từ ngày Quyết định này được ban hành").
    WithinDaysOfIssue { days: u32 },
    /// When a competent authority asks (báo cáo đột xuất): no day of its own.
    OnRequest,
    /// The document gives no day ("theo quy định").
    Unspecified,
}

/// Whether "N ngày" counts calendar or working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DayType {
    #[default]
    Calendar,
    /// "N ngày làm việc".
    Working,
}

fn yes() -> bool {
    true
}

/// A deadline rule: its kind and how its day is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRule {
    #[serde(flatten)]
    pub kind: DeadlineKind,
    /// "chậm nhất vào ngày X" (the day itself counts) or, when false, "trước ngày X" (the day
    /// before is the last).
    #[serde(default = "yes")]
    pub inclusive: bool,
    /// Calendar or working days, for relative rules.
    #[serde(default, rename = "dayType")]
    pub day_type: DayType,
    /// Whether a last day that is a day off moves to the next working day (Bộ luật Dân sự
    /// 2015, Điều 148, by analogy; a parameter, not a certainty).
    #[serde(default = "yes", rename = "rollForward")]
    pub roll_forward: bool,
    /// Whether the event's own day is the first counted (some notices count it).
    #[serde(default, rename = "countEventDay")]
    pub count_event_day: bool,
}

impl DeadlineRule {
    /// A rule of `kind` with the defaults: inclusive, calendar days, rolled forward.
    pub fn new(kind: DeadlineKind) -> Self {
        Self {
            kind,
            inclusive: true,
            day_type: DayType::Calendar,
            roll_forward: true,
            count_event_day: false,
        }
    }

    /// Reads a stored rule (the JSON column).
    pub fn from_json(value: &serde_json::Value) -> Result<Self, DeadlineError> {
        let rule: Self = serde_json::from_value(value.clone())
            .map_err(|e| DeadlineError::Invalid(format!("not a deadline rule: {e}")))?;
        rule.check()?;
        Ok(rule)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Refuses rules that can name no day (day 0, month 13, a malformed `MM-DD`, 10 000 days).
    pub fn check(&self) -> Result<(), DeadlineError> {
        let bad = |m: String| Err(DeadlineError::Invalid(m));
        match &self.kind {
            DeadlineKind::DayOfLastMonth { day } if !(1..=31).contains(day) => {
                bad(format!("day {day} is not a day of a month"))
            }
            DeadlineKind::FixedDay {
                month,
                day,
                year_offset,
            } => {
                if NaiveDate::from_ymd_opt(2024, *month, *day).is_none() {
                    bad(format!("{day:02}/{month:02} is not a day of the year"))
                } else if !(0..=1).contains(year_offset) {
                    bad("`yearOffset` is 0 (the reporting year) or 1 (the next)".into())
                } else {
                    Ok(())
                }
            }
            DeadlineKind::PerPeriod { dates } => {
                if dates.is_empty() || dates.len() > 20 {
                    return bad("give between 1 and 20 dates, one per period".into());
                }
                for (key, date) in dates {
                    if !PERIOD_KEYS.contains(&key.as_str()) {
                        return bad(format!(
                            "{key:?} is not a period of the year (Q1–Q4, H1, H2, 9M, M01–M12, Y)"
                        ));
                    }
                    month_day(date)?;
                }
                Ok(())
            }
            DeadlineKind::WithinDaysOfIssue { days } if !(1..=3650).contains(days) => {
                bad(format!("{days} days: give between 1 and 3650"))
            }
            _ => Ok(()),
        }
    }

    /// The deadline of `period` (for periodic rules) or after `event` (for relative ones), on
    /// `calendar`; `None` for a rule with no day of its own (on request, unspecified).
    pub fn due(
        &self,
        period: Option<PeriodCode>,
        event: Option<NaiveDate>,
        calendar: &WorkCalendar,
    ) -> Result<Option<Deadline>, DeadlineError> {
        let Some(stated) = self.stated_day(period, event, calendar)? else {
            return Ok(None);
        };
        let last_day = if self.inclusive {
            stated
        } else {
            stated - Duration::days(1)
        };
        let day_off = calendar.day_off_reason(last_day);
        let due_on = match &day_off {
            Some(_) if self.roll_forward => calendar.next_working_day(last_day),
            _ => last_day,
        };
        Ok(Some(Deadline {
            stated,
            last_day,
            due_on,
            day_off,
        }))
    }

    /// The day the document names, before "trước ngày" and roll-forward.
    fn stated_day(
        &self,
        period: Option<PeriodCode>,
        event: Option<NaiveDate>,
        calendar: &WorkCalendar,
    ) -> Result<Option<NaiveDate>, DeadlineError> {
        let periodic = || {
            period
                .filter(|p| p.months().is_some())
                .ok_or(DeadlineError::NeedsPeriod)
        };
        let day = match &self.kind {
            DeadlineKind::DayOfLastMonth { day } => {
                let period = periodic()?;
                let (year, month) = period.last_month().ok_or(DeadlineError::NeedsPeriod)?;
                let last = last_day_of_month(year, month);
                NaiveDate::from_ymd_opt(year, month, *day).ok_or_else(|| {
                    DeadlineError::Impossible(format!(
                        "day {day} of {month:02}/{year}: the month ends on {}",
                        last.format("%d/%m")
                    ))
                })?
            }
            DeadlineKind::FixedDay {
                month,
                day,
                year_offset,
            } => {
                let year = periodic()?.year() + year_offset;
                date_of(year, *month, *day)?
            }
            DeadlineKind::PerPeriod { dates } => {
                let period = periodic()?;
                let key = period_key(period);
                let Some(text) = dates.get(&key) else {
                    return Err(DeadlineError::NoDayForPeriod(key));
                };
                let (month, day) = month_day(text)?;
                date_of(period.year(), month, day)?
            }
            DeadlineKind::BeforeDate { date } => *date,
            DeadlineKind::WithinDaysOfIssue { days } => {
                let event = event.ok_or(DeadlineError::NeedsEvent)?;
                let start = if self.count_event_day {
                    event - Duration::days(1)
                } else {
                    event
                };
                match self.day_type {
                    DayType::Calendar => start + Duration::days((*days).into()),
                    DayType::Working => calendar.add_working_days(start, *days),
                }
            }
            DeadlineKind::OnRequest | DeadlineKind::Unspecified => return Ok(None),
        };
        Ok(Some(day))
    }
}

/// The keys a per-period rule may use.
const PERIOD_KEYS: [&str; 20] = [
    "Q1", "Q2", "Q3", "Q4", "H1", "H2", "9M", "Y", "M01", "M02", "M03", "M04", "M05", "M06", "M07",
    "M08", "M09", "M10", "M11", "M12",
];

/// A period's key in a per-period rule.
pub fn period_key(period: PeriodCode) -> String {
    match period {
        PeriodCode::Year(_) => "Y".into(),
        PeriodCode::NineMonths(_) => "9M".into(),
        PeriodCode::HalfYear(_, h) => format!("H{h}"),
        PeriodCode::Quarter(_, q) => format!("Q{q}"),
        PeriodCode::Month(_, m) => format!("M{m:02}"),
        PeriodCode::AdHoc(..) => "AD_HOC".into(),
    }
}

fn month_day(text: &str) -> Result<(u32, u32), DeadlineError> {
    let parsed = text
        .split_once('-')
        .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
        .filter(|(m, d)| NaiveDate::from_ymd_opt(2024, *m, *d).is_some());
    parsed.ok_or_else(|| DeadlineError::Invalid(format!("{text:?} is not a day written MM-DD")))
}

fn date_of(year: i32, month: u32, day: u32) -> Result<NaiveDate, DeadlineError> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        DeadlineError::Impossible(format!("{day:02}/{month:02}/{year} does not exist"))
    })
}

/// A deadline: the day the document names, the last day it allows, and the day it falls due
/// once a day off is passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The day the rule names ("23/01/2023" in "trước ngày 23/01/2023").
    pub stated: NaiveDate,
    /// The last day allowed ("22/01/2023").
    pub last_day: NaiveDate,
    /// The last day, moved past days off when the rule rolls forward.
    pub due_on: NaiveDate,
    /// Why the last day is off ("Tết Nguyên đán", "Chủ nhật"), if it is.
    pub day_off: Option<String>,
}

impl Deadline {
    /// The instant the deadline passes: the end of `due_on` in Việt Nam. A submission at or
    /// after it is late.
    pub fn passes_at(&self) -> DateTime<Utc> {
        end_of_day(self.due_on)
    }
}

/// The first instant after `day` ends in Việt Nam.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    (day + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(VIETNAM).single())
        .map_or(DateTime::<Utc>::MAX_UTC, |t| t.with_timezone(&Utc))
}

/// Why a rule gives no deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineError {
    /// The rule itself is malformed.
    Invalid(String),
    /// The rule names a day that does not exist for this period (30/02).
    Impossible(String),
    /// A periodic rule asked without a (non-ad-hoc) period.
    NeedsPeriod,
    /// A relative rule asked without its event's date.
    NeedsEvent,
    /// A per-period rule has no day for this period.
    NoDayForPeriod(String),
}

impl std::fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(m) | Self::Impossible(m) => f.write_str(m),
            Self::NeedsPeriod => f.write_str("this rule needs a period (2025Q1, 2025H1, 2025…)"),
            Self::NeedsEvent => f.write_str("this rule counts from an event: give its date"),
            Self::NoDayForPeriod(key) => write!(f, "the rule names no day for period {key}"),
        }
    }
}
