//! Shared catalogues (danh mục dùng chung) as the LGSP catalogue service gives them, in our
//! terms: the agency identifier catalogues (the master of units' electronic identifiers) and
//! reference catalogues (administrative units, the emulation and award code list, …). The
//! adapter that reads LGSP's payloads maps their field names to these; [`sync`] brings the
//! database in line with them.

pub mod sync;

use chrono::NaiveDate;

/// One agency of the identifier catalogues (`qlvanbandieuhanhcap1` … `cap4`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRow {
    /// Mã định danh (QĐ 20/2020 or the legacy QCVN 102 form).
    pub code: String,
    /// Tên đơn vị.
    pub name: String,
    /// The agency above, when the catalogue names it (otherwise read from the code).
    pub parent_code: Option<String>,
    /// The deciding document (QĐ ban hành / sửa đổi) and its date.
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    /// Whether the catalogue marks it in use (trạng thái); one that is not counts as gone.
    pub active: bool,
}

/// One row of a reference catalogue (mã, tên, mã cha, thứ tự, ngày hiệu lực, ngày hết hiệu lực,
/// trạng thái).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRow {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub sort_order: Option<i32>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub active: bool,
}

/// Everything one sync read from LGSP.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The agencies of every identifier catalogue read; `None` when none was read (units are then
    /// left alone).
    pub agencies: Option<Vec<AgencyRow>>,
    /// Level-1 codes (`H19`) whose trees the agency catalogue governs here; empty: the trees of
    /// the level-1 codes it lists. Units outside them are neither created nor closed.
    pub scope: Vec<String>,
    /// Each reference catalogue read, by its LGSP name.
    pub references: Vec<(String, Vec<ReferenceRow>)>,
    /// Let one sync close more than a fifth of the governed units (see `sync`): a truncated
    /// catalogue must not close a province's units by accident.
    pub allow_mass_closing: bool,
}
