//! Dates as users see them: Vietnamese local dates (UTC+7, no daylight saving).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

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
