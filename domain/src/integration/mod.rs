//! What other systems and first-party frontends integrate through: the registered operations
//! (persisted queries). The LGSP catalogues and exports arrive with their issue.

pub mod operation;
