//! Custom scalars.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate};

/// The years a `Date` may fall in.
use crate::domain::kernel::time::{MAX_YEAR, MIN_YEAR};

/// A calendar date `YYYY-MM-DD`, as Vietnamese local dates (UTC+7) are shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A calendar date `YYYY-MM-DD` (Vietnamese local date, UTC+7).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => {
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .filter(|_| text.len() == 10)
                    .ok_or_else(|| {
                        InputValueError::custom(format!(
                            "{text:?} is not a date in the form YYYY-MM-DD"
                        ))
                    })?;
                // Both databases then store and compare every date the same way.
                if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
                    return Err(InputValueError::custom(format!(
                        "{text:?} is out of range: dates are between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31"
                    )));
                }
                Ok(Date(date))
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        // chrono's `Display` writes `YYYY-MM-DD` digit by digit; `format` would parse a
        // pattern for every date (5 % of a page of 20 plans, `bench/callgrind.sh` Q2).
        Value::String(self.0.to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Date(date)
    }
}
