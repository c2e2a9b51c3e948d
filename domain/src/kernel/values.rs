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

/// A document's number and symbol (số, ký hiệu: "125/KH-UBND", "45/TTr-SYT", "09/2019/NĐ-CP"):
/// a plan's, a letter's, a decision's. NFC, trimmed, 1–100 characters, and written one way, so
/// two spellings of one number are one number (uniqueness per issuer, search): spaces around
/// "/" and "-" dropped, en and em dashes as "-".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentNumber(String);

/// Why a text is not a document number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentNumberError {
    Blank,
    TooLong,
}

impl fmt::Display for DocumentNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Blank => f.write_str("a document number must not be blank"),
            Self::TooLong => write!(
                f,
                "a document number is at most {} characters",
                DocumentNumber::MAX_CHARS
            ),
        }
    }
}

impl std::error::Error for DocumentNumberError {}

impl DocumentNumber {
    /// The longest number kept (the longest real ones are about 30 characters).
    pub const MAX_CHARS: usize = 100;

    pub fn parse(text: &str) -> Result<Self, DocumentNumberError> {
        let cleaned = super::text::clean(&text.replace(['\u{2013}', '\u{2014}'], "-"));
        let mut number = String::with_capacity(cleaned.len());
        let mut chars = cleaned.chars().peekable();
        while let Some(c) = chars.next() {
            let joins = |c: char| c == '/' || c == '-';
            if c == ' ' && (number.ends_with(joins) || chars.peek().is_some_and(|&n| joins(n))) {
                continue;
            }
            number.push(c);
        }
        if number.is_empty() {
            Err(DocumentNumberError::Blank)
        } else if number.chars().count() > Self::MAX_CHARS {
            Err(DocumentNumberError::TooLong)
        } else {
            Ok(Self(number))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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

    #[test]
    fn a_document_number_is_written_one_way() {
        for (text, number) in [
            ("125/KH-UBND", "125/KH-UBND"),
            ("  125 / KH - UBND ", "125/KH-UBND"),
            ("45/TTr\u{2013}SYT", "45/TTr-SYT"),
            // NFC: "Ổ" typed as O, circumflex, hook above.
            ("12/QĐ-SO\u{0302}\u{0309}", "12/QĐ-SỔ"),
            ("09/2019/NĐ-CP", "09/2019/NĐ-CP"),
            ("Số 12  KH", "Số 12 KH"),
        ] {
            assert_eq!(
                DocumentNumber::parse(text).map(DocumentNumber::into_string),
                Ok(number.to_owned()),
                "{text}"
            );
        }
        assert_eq!(
            DocumentNumber::parse(" \t "),
            Err(DocumentNumberError::Blank)
        );
        assert_eq!(
            DocumentNumber::parse(&"1".repeat(100)).map(|n| n.as_str().len()),
            Ok(100)
        );
        assert_eq!(
            DocumentNumber::parse(&"1".repeat(101)),
            Err(DocumentNumberError::TooLong)
        );
    }
}
