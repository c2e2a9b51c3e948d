//! Emulation and commendation (thi đua, khen thưởng): the award catalogue versioned by law
//! (`catalogue.rs`) with each eligibility rule's parameters (`rule.rs`); people and their
//! employments (`person.rs`); their records (`record.rs`: awards, ratings, disciplines,
//! initiatives), imported in bulk from CSV or .xlsx (`import.rs`); the eligibility engine
//! (`eligibility.rs`); movements with their rounds and registrations (`movement.rs`); and
//! nominations with their workflow, ballots and decisions (`nomination/`).

pub mod catalogue;
pub mod eligibility;
pub mod import;
pub mod movement;
pub mod nomination;
pub mod person;
pub mod record;
pub mod rule;
