//! GraphQL of integration: registered operations (persisted queries) and the indicator values
//! for the provincial reporting system.

pub mod indicator;
pub mod operation;
