//! Planning (kế hoạch): plans and how they cascade, their targets (chỉ tiêu) and tasks (nhiệm
//! vụ, giải pháp), and the units assigned to each in a role.

pub mod assignee;
pub mod assignment;
pub mod plan;
pub mod target;
pub mod task;

/// Longest title of a task, statement of a target, or condition.
const MAX_TITLE: usize = 2000;
/// Longest code ("II.1.a") of a task or target.
const MAX_CODE: usize = 32;
/// Longest free text (description, statement, condition) of a task or target.
const MAX_TEXT: usize = 20_000;
