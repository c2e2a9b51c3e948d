//! Emulation and commendation (thi đua, khen thưởng): the award catalogue, people and their
//! employments, their records, and eligibility; movements with their rounds and
//! registrations, and nominations with their workflow.

pub mod batch;
pub mod catalogue;
pub mod eligibility;
pub mod movement;
pub mod nomination;
pub mod person;
pub mod prefetch;
pub mod record;
