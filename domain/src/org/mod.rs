//! The organisation (tổ chức): units with their history — merges, renames, closures and the
//! successions of the 2025 reorganisation — and the groups plans name ("các đơn vị trực thuộc").

pub mod group;
pub mod unit;
