//! Loading without a statement per row: the request's batching loader, one loader per relation.

pub mod batch;
pub mod columns;
pub mod loaders;
