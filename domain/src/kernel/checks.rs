//! Checking a mutation's input: every failure collected as a [`FieldError`] (the payload's
//! `userErrors`), and optional fields that are kept, cleared or set.

use super::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use super::text::{clean, clean_opt};
use super::values::{DocumentNumber, DocumentNumberError};

/// A change to an optional field: left alone, cleared, or set.
#[derive(Debug, Clone, Default)]
pub enum Edit<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

/// The value an optional field has after `edit`.
pub fn apply<T>(edit: Edit<T>, current: Option<T>) -> Option<T> {
    match edit {
        Edit::Keep => current,
        Edit::Clear => None,
        Edit::Set(value) => Some(value),
    }
}

/// Collects the input errors of one mutation.
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    pub fn fail(&mut self, field: &str, code: Code, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    pub fn text(&mut self, field: &str, value: &str, max: usize, required: bool) -> String {
        let value = clean(value);
        if required && value.is_empty() {
            self.fail(
                field,
                Code::Required,
                format!("`{field}` must not be blank"),
            );
        }
        if value.chars().count() > max {
            self.fail(
                field,
                Code::TooLong,
                format!("`{field}` is at most {max} characters"),
            );
        }
        value
    }

    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let value = clean_opt(value);
        if value.as_ref().is_some_and(|v| v.chars().count() > max) {
            self.fail(
                field,
                Code::TooLong,
                format!("`{field}` is at most {max} characters"),
            );
        }
        value
    }

    /// A required document number (số, ký hiệu), parsed: `None` after recording why not.
    pub fn document_number(&mut self, field: &str, value: &str) -> Option<DocumentNumber> {
        match DocumentNumber::parse(value) {
            Ok(number) => Some(number),
            Err(DocumentNumberError::Blank) => {
                self.fail(
                    field,
                    Code::Required,
                    format!("`{field}` must not be blank"),
                );
                None
            }
            Err(DocumentNumberError::TooLong) => {
                self.fail(
                    field,
                    Code::TooLong,
                    format!(
                        "`{field}` is at most {} characters",
                        DocumentNumber::MAX_CHARS
                    ),
                );
                None
            }
        }
    }

    /// An optional document number: blank is none.
    pub fn optional_document_number(
        &mut self,
        field: &str,
        value: Option<&str>,
    ) -> Option<DocumentNumber> {
        value
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| self.document_number(field, v))
    }

    pub fn finish(self) -> DomainResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Rejected(self.0))
        }
    }
}
