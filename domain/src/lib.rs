//! The rules of the plans & emulation API and the queries behind them, by bounded context over
//! a small kernel. No HTTP or GraphQL in this crate's dependency tree (CI checks it with
//! `cargo tree`); every function takes a `ConnectionTrait`, so it also runs inside a
//! transaction. `ARCHITECTURE.md` at the repository's root is the map.

pub mod access;
pub mod audit;
pub mod emulation;
pub mod integration;
pub mod kernel;
pub mod org;
pub mod planning;
pub mod reporting;
