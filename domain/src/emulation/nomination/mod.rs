//! Award nominations (đề nghị khen thưởng), from a unit's draft to the decision, per
//! domain.md §b1: the state machine and who owns each step (`workflow.rs`), the draft
//! (`draft.rs`), what every step reads first (`facts.rs`), the checks run on submit and on every forward (`check.rs`), council ballots
//! with thresholds, public consultation windows and quotas (`ballot.rs`), the decision that
//! creates award records (`decision.rs`), the route between levels (`route.rs`) and what
//! admins read (`read.rs`); batches, one letter (tờ trình) carrying many nominations up
//! (`batch.rs`).

pub mod ballot;
pub mod batch;
pub mod check;
pub mod decision;
pub mod dossier;
pub mod draft;
pub mod export;
pub mod facts;
pub mod read;
pub mod route;
pub mod workflow;

pub use read::{NominationFilter, StateCount};
pub use workflow::Step;
