//! GraphQL of the organisation: units, groups, successions.

pub mod mutation;
pub mod partial;
pub mod prefetch;
pub mod query;
pub mod unit;
