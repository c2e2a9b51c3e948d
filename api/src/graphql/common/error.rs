//! The one mapping from domain errors to GraphQL errors.
//!
//! Policy: every error a client sees carries a stable `extensions.code`:
//!
//! | domain error | `extensions.code` |
//! |---|---|
//! | `NotFound` | `NOT_FOUND` |
//! | `Invalid` | `BAD_USER_INPUT` |
//! | `Conflict` | `CONFLICT` |
//! | `Forbidden` | `FORBIDDEN` |
//! | `Unauthenticated` | `UNAUTHENTICATED` |
//! | `Rejected` (mutations: `userErrors`) | `BAD_USER_INPUT` |
//! | `Unavailable` | `SERVICE_UNAVAILABLE` (HTTP 503 with `Retry-After`) |
//! | `Timeout` | `TIMEOUT` |
//! | `Unexpected` | `INTERNAL_SERVER_ERROR` |
//!
//! Unexpected errors are logged with their cause chain and reach the client only as
//! "Internal server error". Resolvers never use `?` on a `DomainError` directly (async-graphql's
//! blanket `From<Display>` would drop the code): they call [`IntoGql::into_gql`].

use std::sync::Arc;

use async_graphql::{Error, ErrorExtensions};

use crate::domain::kernel::error::DomainError;

/// A domain error as a GraphQL error with its code (the domain crate knows nothing of GraphQL,
/// so this is a trait of the GraphQL layer's own).
pub trait DomainErrorExt {
    fn extend(&self) -> Error;
}

impl DomainErrorExt for DomainError {
    fn extend(&self) -> Error {
        let (code, message) = match self {
            DomainError::NotFound { .. } => ("NOT_FOUND", self.to_string()),
            DomainError::Invalid(_) => ("BAD_USER_INPUT", self.to_string()),
            DomainError::Conflict(_) => ("CONFLICT", self.to_string()),
            DomainError::Forbidden(_) => ("FORBIDDEN", self.to_string()),
            DomainError::Unauthenticated(_) => ("UNAUTHENTICATED", self.to_string()),
            // Mutations turn these into `userErrors`; anywhere else they are bad input.
            DomainError::Rejected(errors) => (
                "BAD_USER_INPUT",
                errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            DomainError::Unavailable => ("SERVICE_UNAVAILABLE", self.to_string()),
            DomainError::Timeout => ("TIMEOUT", self.to_string()),
            DomainError::Unexpected(error) => {
                crate::telemetry::internal_error(error);
                ("INTERNAL_SERVER_ERROR", "Internal server error".to_owned())
            }
        };
        Error::new(message).extend_with(|_, e| e.set("code", code))
    }
}

/// Converts a domain result into a GraphQL result with the error's code.
pub trait IntoGql<T> {
    fn into_gql(self) -> async_graphql::Result<T>;
}

impl<T> IntoGql<T> for Result<T, DomainError> {
    fn into_gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.extend())
    }
}

impl<T> IntoGql<T> for Result<T, Arc<DomainError>> {
    fn into_gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.as_ref().extend())
    }
}
