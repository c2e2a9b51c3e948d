//! GraphQL of the caller: `me`.

pub mod me;
