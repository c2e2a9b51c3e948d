//! Dates as users see them: Vietnamese local dates (UTC+7, no daylight saving).

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

/// The first and last years a date, plan, target or period may name.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2100;

/// Asia/Ho_Chi_Minh is a fixed UTC+7 offset.
pub const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// Today's date in Việt Nam.
pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

/// The Vietnamese calendar date of an instant.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&VIETNAM).date_naive()
}

/// An instant shown in Vietnamese local time.
pub fn local_time(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&VIETNAM)
}

/// A date as messages show it to users: `dd/mm/yyyy`, what chrono's `format("%d/%m/%Y")`
/// writes.
#[derive(Debug, Clone, Copy)]
pub struct DayMonthYear(pub NaiveDate);

impl fmt::Display for DayMonthYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match digits(self.0) {
            Some([d1, d2, m1, m2, y1, y2, y3, y4]) => {
                pad_ascii(f, [d1, d2, b'/', m1, m2, b'/', y1, y2, y3, y4])
            }
            None => f.pad(&self.0.format("%d/%m/%Y").to_string()),
        }
    }
}

/// A date's digits, `ddmmyyyy`; `None` outside years 0–9999, which chrono writes with a sign
/// (the API stores none). Written here because chrono's `format` parses its pattern again on
/// every call: about a thousand instructions a date, 5 % of the server's work for an
/// eligibility judgement with its evidence (`bench/callgrind.sh`, Q7). (`YYYY-MM-DD` needs no
/// such help: chrono's `Display` of a date writes it digit by digit.)
fn digits(date: NaiveDate) -> Option<[u8; 8]> {
    let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (day, month) = (date.day(), date.month());
    Some([
        digit(day / 10),
        digit(day),
        digit(month / 10),
        digit(month),
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
    ])
}

/// ASCII `text` through the formatter (width and alignment as chrono's `Display` honours them).
fn pad_ascii(f: &mut fmt::Formatter<'_>, text: [u8; 10]) -> fmt::Result {
    f.pad(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_chrono(date: NaiveDate) {
        // The API's `Date` is chrono's own `Display`, which writes the digits directly too.
        assert_eq!(date.to_string(), date.format("%Y-%m-%d").to_string());
        assert_eq!(
            DayMonthYear(date).to_string(),
            date.format("%d/%m/%Y").to_string()
        );
    }

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let mut date = NaiveDate::from_ymd_opt(MIN_YEAR - 1, 12, 25).expect("a date");
        let end = NaiveDate::from_ymd_opt(MAX_YEAR + 1, 1, 5).expect("a date");
        while date <= end {
            same_as_chrono(date);
            date = date.succ_opt().expect("a next day");
        }
        for (y, m, d) in [
            (0, 1, 1),
            (9, 2, 3),
            (99, 10, 31),
            (999, 12, 1),
            (9999, 12, 31),
        ] {
            same_as_chrono(NaiveDate::from_ymd_opt(y, m, d).expect("a date"));
        }
        // Outside four digits: chrono's own form, sign and all.
        for y in [-1, -2024, 10000, 262_000] {
            same_as_chrono(NaiveDate::from_ymd_opt(y, 6, 15).expect("a date"));
        }
        // Width and alignment, as in a table of the annex.
        let date = NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date");
        assert_eq!(
            format!("{:>12}|", DayMonthYear(date)),
            format!("{:>12}|", date.format("%d/%m/%Y"))
        );
    }
}
