//! Planning (kế hoạch): plans and how they cascade, their targets (chỉ tiêu) and tasks (nhiệm
//! vụ, giải pháp), and the units assigned to each in a role.

pub mod assignee;
pub mod plan;
pub mod target;
pub mod task;
