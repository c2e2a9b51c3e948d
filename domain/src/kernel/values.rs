//! Typed values the rules speak of: a value of one of these types has passed its check once,
//! where it entered (parse, don't validate), and every rule after that can rely on it.

use std::fmt;

use super::time::{MAX_YEAR, MIN_YEAR};

/// A calendar year a plan, target or period may name (1900–2100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(i32);

impl Year {
    pub fn new(year: i32) -> Result<Self, String> {
        if (MIN_YEAR..=MAX_YEAR).contains(&year) {
            Ok(Self(year))
        } else {
            Err(format!(
                "{year} is not a year between {MIN_YEAR} and {MAX_YEAR}"
            ))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A share between 0 and 100 (a task's progress, a percentage target).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(f64);

impl Percent {
    pub fn new(value: f64) -> Result<Self, String> {
        if !value.is_finite() {
            Err("not a number".into())
        } else if (0.0..=100.0).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!("{value} is not a percentage between 0 and 100"))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_percents_are_checked_once() {
        assert_eq!(Year::new(2025).map(Year::get), Ok(2025));
        assert!(Year::new(1899).is_err() && Year::new(2101).is_err());
        assert_eq!(Percent::new(90.5).map(Percent::get), Ok(90.5));
        for bad in [-0.1, 100.01, f64::NAN, f64::INFINITY] {
            assert!(Percent::new(bad).is_err(), "{bad}");
        }
    }
}
