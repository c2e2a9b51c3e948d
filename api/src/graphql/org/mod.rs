//! GraphQL of the organisation: units, groups, successions.

pub mod mutation;
pub mod query;
pub mod unit;
