//! Emulation and commendation (thi đua, khen thưởng): the award catalogue; people, records,
//! eligibility and nominations follow.

pub mod catalogue;
