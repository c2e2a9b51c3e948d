// The root Mutation merges every context's mutations: its resolver's future nests deeper than
// the compiler's default query depth.
#![recursion_limit = "256"]

/// The domain crate, under the name the api has always used for it.
pub use domain;
pub mod annex;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod diagnostic;
pub mod events;
pub mod files;
pub mod graphql;
pub mod lgsp;
pub mod metrics;
pub mod nomination_annex;
pub mod ops;
pub mod otlp;
pub mod reads;
pub mod routes;
pub mod snapshot_cache;
pub mod startup;
pub mod telemetry;
pub mod writes;
