//! Emulation and commendation (thi đua, khen thưởng): the award catalogue, people and their
//! records, eligibility, movements and nominations. Filled by the emulation issues.
