//! Domain services: the rules of the planning model and the queries behind them.
//! No HTTP or GraphQL in this crate's dependency tree (CI checks it with `cargo tree`); every
//! function takes a `ConnectionTrait` so it also runs inside a transaction.

pub mod access;
pub mod assignee;
pub mod audit;
pub mod error;
pub mod mutation;
pub mod operation;
pub mod page;
pub mod plan;
pub mod plan_edit;
pub mod principal;
pub mod query;
pub mod rows;
pub mod target;
pub mod task;
pub mod task_edit;
pub mod text;
pub mod time;
pub mod unit;
pub mod unit_edit;
pub mod unit_group;
