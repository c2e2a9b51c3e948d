//! Emulation and commendation (thi đua, khen thưởng): the award catalogue, people and their
//! employments; records, eligibility and nominations follow.

pub mod catalogue;
pub mod person;
