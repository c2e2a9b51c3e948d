//! GraphQL of integration: registered operations (persisted queries).

pub mod operation;
