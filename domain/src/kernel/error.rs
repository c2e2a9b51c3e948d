//! The domain layer's one error type. GraphQL maps it once, in `graphql::error`.

/// What can go wrong in a domain operation.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The object does not exist (or the caller may not know that it does).
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The input breaks a rule; the message says which and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// The change conflicts with stored data (a duplicate document number…).
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The operation needs an authenticated caller.
    #[error("{0}")]
    Unauthenticated(String),
    /// A mutation's input breaks rules; reported as the payload's `userErrors`, nothing written.
    #[error("the input was rejected")]
    Rejected(Vec<FieldError>),
    /// The request ran out of time; nothing more is read for it.
    #[error("the request ran out of time")]
    Timeout,
    /// The database cannot be reached or has no free connection: retryable.
    #[error("the service is briefly unavailable; retry shortly")]
    Unavailable,
    /// Anything else: logged with its cause chain, never shown to clients.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }
}

/// A change refused for one input field: the payload's single `userError`.
pub fn rejected(field: &str, code: FieldErrorCode, message: impl Into<String>) -> DomainError {
    DomainError::Rejected(vec![FieldError::new(field, code, message)])
}

impl From<sea_orm::DbErr> for DomainError {
    fn from(error: sea_orm::DbErr) -> Self {
        match error.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(message)) => {
                tracing::debug!(%message, "unique constraint violation");
                Self::Conflict("an object with the same identifying fields already exists".into())
            }
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(message)) => {
                tracing::debug!(%message, "foreign key violation");
                Self::Invalid(
                    "the change refers to an object that does not exist or is in use".into(),
                )
            }
            _ if matches!(
                error,
                sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_)
            ) =>
            {
                tracing::warn!(error = %error, "no database connection");
                Self::Unavailable
            }
            _ => Self::Unexpected(anyhow::Error::new(error)),
        }
    }
}

/// Why one input field was rejected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// Path of the field within the operation's input, e.g. `["periodEnd"]` (how the transport
    /// names the input itself is its own business).
    pub field: Vec<String>,
    pub code: FieldErrorCode,
    pub message: String,
}

impl FieldError {
    /// An error on `input.<field>`.
    pub fn new(field: &str, code: FieldErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: vec![field.into()],
            code,
            message: message.into(),
        }
    }

    /// An error on a nested input field (`["quotas", "0", "awardCode"]`).
    pub fn at(path: &[&str], code: FieldErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: path.iter().map(|p| (*p).to_owned()).collect(),
            code,
            message: message.into(),
        }
    }
}

/// Stable codes of input errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FieldErrorCode {
    Required,
    TooLong,
    Invalid,
    OutOfRange,
    DateOrder,
    Duplicate,
    StaleVersion,
    NotFound,
    InvalidState,
    UnitClosed,
    Cycle,
    IdempotencyKeyReused,
}

/// Result of a domain operation.
pub type DomainResult<T> = Result<T, DomainError>;
