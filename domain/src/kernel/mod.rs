//! What every context shares: the one error type, how a mutation runs (one transaction with
//! its audit event, idempotency, the versioned save), input checks, pagination, reading rows by
//! position, Vietnamese text (NFC, folding, search), Vietnamese time, reporting period codes
//! and typed values (years, percentages).

pub mod audit_action;
pub mod checks;
pub mod error;
pub mod ids;
pub mod maps;
pub mod mutation;
pub mod page;
pub mod period;
pub mod provenance;
pub mod query;
pub mod rows;
pub mod text;
pub mod time;
pub mod values;
pub mod versioned;
