//! Emulation and commendation (thi đua, khen thưởng): the award catalogue, people and their
//! employments, their records, and eligibility; nominations follow.

pub mod catalogue;
pub mod eligibility;
pub mod person;
pub mod record;
