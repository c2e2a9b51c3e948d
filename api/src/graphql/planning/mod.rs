//! GraphQL of planning: plans, tasks, targets, assignments, progress.

pub mod mutation;
pub mod plan;
pub mod query;
pub mod target;
pub mod task;
pub mod work_mutation;
