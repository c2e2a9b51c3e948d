//! Loading without a statement per row: the request's batching loader, one loader per relation, and prefetching at the list resolvers.

pub mod batch;
pub mod columns;
pub mod loaders;
pub mod prefetch;
