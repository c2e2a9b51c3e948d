//! Emulation and commendation (thi đua, khen thưởng): the award catalogue versioned by law
//! (`catalogue.rs`) with each eligibility rule's parameters (`rule.rs`); people and their
//! employments (`person.rs`); records, eligibility, movements and nominations follow.

pub mod catalogue;
pub mod person;
pub mod rule;
