//! What other systems and first-party frontends integrate through: the registered operations
//! (persisted queries), the shared catalogues read from LGSP, and the indicator values exported
//! to the provincial reporting system.

pub mod catalogue;
pub mod indicator;
pub mod operation;
