//! What other systems and first-party frontends integrate through: the registered operations
//! (persisted queries) and the shared catalogues read from LGSP.

pub mod catalogue;
pub mod operation;
