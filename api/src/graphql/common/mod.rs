//! What every context's GraphQL shares: connections, global ids, scalars, the error mapping, typed access to the request's context, enumerations.

pub mod connection;
pub mod context;
pub mod cursor;
pub mod enums;
pub mod error;
pub mod id;
pub mod payload;
pub mod plain;
pub mod provenance;
pub mod scalars;
pub mod value_map;
