//! Reporting periods (kỳ báo cáo) by their codes, and the data window (thời gian chốt số liệu)
//! each covers.
//!
//! Codes: `YYYY` (year), `YYYYQn` (quarter), `YYYYHn` (H1 = the first six months), `YYYY9M`
//! (nine months), `YYYYMM` (month) and `YYYYDnn` (the n-th ad-hoc request of the year, báo cáo
//! đột xuất, whose dates come from the request). Parse, don't validate: a `PeriodCode` is always
//! one of these.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
pub use entity::enums::CutOffRule;
use entity::enums::ReportingPeriodKind as PeriodKind;

use super::time::{MAX_YEAR, MIN_YEAR};

/// A reporting period, as its code names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeriodCode {
    Year(i32),
    NineMonths(i32),
    /// Half 1 or 2.
    HalfYear(i32, u8),
    /// Quarter 1 to 4.
    Quarter(i32, u8),
    /// Month 1 to 12.
    Month(i32, u8),
    /// The n-th ad-hoc request of a year (1 to 99).
    AdHoc(i32, u8),
}

/// Why a period code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodCodeError(pub String);

impl fmt::Display for PeriodCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PeriodCodeError {}

impl FromStr for PeriodCode {
    type Err = PeriodCodeError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        let malformed = || {
            PeriodCodeError(format!(
                "{code:?} is not a period code: write YYYY, YYYYQ1–YYYYQ4, YYYYH1/YYYYH2, \
                 YYYY9M, YYYYMM or YYYYDnn (an ad-hoc request)"
            ))
        };
        if code.len() > 7 || !code.is_ascii() || code.len() < 4 {
            return Err(malformed());
        }
        let (year, rest) = code.split_at(4);
        if !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let year: i32 = year.parse().map_err(|_| malformed())?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(PeriodCodeError(format!(
                "{code:?}: the year must be between {MIN_YEAR} and {MAX_YEAR}"
            )));
        }
        let digit = |s: &str, range: std::ops::RangeInclusive<u8>| {
            s.parse::<u8>()
                .ok()
                .filter(|n| range.contains(n) && s.bytes().all(|b| b.is_ascii_digit()))
        };
        let period = match rest.as_bytes() {
            [] => Self::Year(year),
            [b'9', b'M'] => Self::NineMonths(year),
            [b'Q', _] => Self::Quarter(year, digit(&rest[1..], 1..=4).ok_or_else(malformed)?),
            [b'H', _] => Self::HalfYear(year, digit(&rest[1..], 1..=2).ok_or_else(malformed)?),
            [b'D', _, _] => Self::AdHoc(year, digit(&rest[1..], 1..=99).ok_or_else(malformed)?),
            [_, _] => Self::Month(year, digit(rest, 1..=12).ok_or_else(malformed)?),
            _ => return Err(malformed()),
        };
        Ok(period)
    }
}

impl fmt::Display for PeriodCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Year(y) => write!(f, "{y:04}"),
            Self::NineMonths(y) => write!(f, "{y:04}9M"),
            Self::HalfYear(y, h) => write!(f, "{y:04}H{h}"),
            Self::Quarter(y, q) => write!(f, "{y:04}Q{q}"),
            Self::Month(y, m) => write!(f, "{y:04}{m:02}"),
            Self::AdHoc(y, n) => write!(f, "{y:04}D{n:02}"),
        }
    }
}

impl PeriodCode {
    pub fn year(self) -> i32 {
        match self {
            Self::Year(y)
            | Self::NineMonths(y)
            | Self::HalfYear(y, _)
            | Self::Quarter(y, _)
            | Self::Month(y, _)
            | Self::AdHoc(y, _) => y,
        }
    }

    pub fn kind(self) -> PeriodKind {
        match self {
            Self::Year(_) => PeriodKind::Year,
            Self::NineMonths(_) => PeriodKind::NineMonths,
            Self::HalfYear(..) => PeriodKind::HalfYear,
            Self::Quarter(..) => PeriodKind::Quarter,
            Self::Month(..) => PeriodKind::Month,
            Self::AdHoc(..) => PeriodKind::AdHoc,
        }
    }

    /// The calendar months it covers (first, last), 1-based; none for an ad-hoc period, whose
    /// dates are its request's.
    pub fn months(self) -> Option<(u32, u32)> {
        Some(match self {
            Self::Year(_) => (1, 12),
            Self::NineMonths(_) => (1, 9),
            Self::HalfYear(_, h) => (u32::from(h) * 6 - 5, u32::from(h) * 6),
            Self::Quarter(_, q) => (u32::from(q) * 3 - 2, u32::from(q) * 3),
            Self::Month(_, m) => (m.into(), m.into()),
            Self::AdHoc(..) => return None,
        })
    }

    /// The last calendar month of the period (the month "tháng cuối quý" speaks of).
    pub fn last_month(self) -> Option<(i32, u32)> {
        self.months().map(|(_, last)| (self.year(), last))
    }

    /// The data window (first and last day, inclusive) under `rule`; none for an ad-hoc period.
    pub fn data_window(self, rule: CutOffRule) -> Option<(NaiveDate, NaiveDate)> {
        let (first, last) = self.months()?;
        let year = self.year();
        Some(match rule {
            // Nghị định 09/2019/NĐ-CP, Điều 12: from the 15th of the month before the period's
            // first month to the 14th of its last month (Q1 2025 = 15/12/2024–14/03/2025).
            CutOffRule::Decree09 => {
                let (start_year, start_month) = previous_month(year, first);
                (date(start_year, start_month, 15), date(year, last, 14))
            }
            CutOffRule::Calendar => (date(year, first, 1), last_day_of_month(year, last)),
        })
    }

    /// Whether `day` falls in the period's calendar months.
    pub fn contains(self, day: NaiveDate) -> bool {
        self.months().is_some_and(|(first, last)| {
            day.year() == self.year() && (first..=last).contains(&day.month())
        })
    }
}

fn previous_month(year: i32, month: u32) -> (i32, u32) {
    if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    }
}

/// A date known to exist (day ≤ 28, or computed from the calendar).
fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The last day of a month.
pub fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    date(next_year, next_month, 1)
        .pred_opt()
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn codes_round_trip() {
        for code in ["2022", "2022Q3", "2022H1", "20229M", "202212", "2025D07"] {
            assert_eq!(code.parse::<PeriodCode>().unwrap().to_string(), code);
        }
        for bad in [
            "22Q1", "2022Q5", "202213", "2022X", "2022Q", "2022H3", "202200", "2022D00", "2022 ",
            "1899", "2022Q+1", "2022M1", "",
        ] {
            assert!(bad.parse::<PeriodCode>().is_err(), "{bad}");
        }
    }

    #[test]
    fn decree_09_windows() {
        let window = |code: &str| {
            code.parse::<PeriodCode>()
                .unwrap()
                .data_window(CutOffRule::Decree09)
                .unwrap()
        };
        assert_eq!(window("202503"), (d(2025, 2, 15), d(2025, 3, 14)));
        assert_eq!(window("2025Q1"), (d(2024, 12, 15), d(2025, 3, 14)));
        assert_eq!(window("2025Q2"), (d(2025, 3, 15), d(2025, 6, 14)));
        assert_eq!(window("2025Q3"), (d(2025, 6, 15), d(2025, 9, 14)));
        assert_eq!(window("2025Q4"), (d(2025, 9, 15), d(2025, 12, 14)));
        assert_eq!(window("2025H1"), (d(2024, 12, 15), d(2025, 6, 14)));
        assert_eq!(window("20259M"), (d(2024, 12, 15), d(2025, 9, 14)));
        assert_eq!(window("2025"), (d(2024, 12, 15), d(2025, 12, 14)));
        assert_eq!(window("202501"), (d(2024, 12, 15), d(2025, 1, 14)));
    }

    #[test]
    fn calendar_windows() {
        let q1 = PeriodCode::Quarter(2024, 1);
        assert_eq!(
            q1.data_window(CutOffRule::Calendar).unwrap(),
            (d(2024, 1, 1), d(2024, 3, 31))
        );
        assert_eq!(last_day_of_month(2024, 2), d(2024, 2, 29));
        assert!(
            PeriodCode::AdHoc(2024, 1)
                .data_window(CutOffRule::Calendar)
                .is_none()
        );
    }
}
