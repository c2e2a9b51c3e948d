use crate::enums::{AwardAuthority, AwardCategory, EligibilityRule};
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("award_type");

/// One version of an award type of the catalogue (danh hiệu thi đua, hình thức khen thưởng): in
/// force from `valid_from` until the next version of its code starts (or `valid_to`). Versions
/// are added, never changed: a nomination is judged by the version in force at the end of its
/// achievement window.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The catalogue's own stable code (`CSTD_CO_SO`), shared by every version.
    pub code: String,
    /// 1, 2, 3… within the code.
    pub version: i32,
    /// The shared national code (danh mục `mathiduakhenthuong`), where known.
    pub national_code: Option<String>,
    pub name: String,
    pub category: AwardCategory,
    /// Who may receive it: `AwardSubject` names, comma-separated (`INDIVIDUAL,COLLECTIVE`).
    pub subjects: String,
    /// Orders award types by standing (higher: more senior).
    pub rank: i32,
    pub deciding_authority: AwardAuthority,
    /// The levels a proposal passes through, first to last: `AwardAuthority` names,
    /// comma-separated.
    pub proposing_route: String,
    /// The reward as a multiple of the base salary, in hundredths (450: 4.5 ×); none: no money.
    pub reward_hundredths: Option<i32>,
    pub eligibility_rule: EligibilityRule,
    /// The rule's parameters, every one written out (the defaults filled in when added).
    pub rule_parameters: Json,
    /// The legal regime it follows (`2022-ND98`, `2022-ND152`).
    pub law_version: String,
    /// Articles and decrees, as a reader would cite them.
    pub legal_basis: String,
    pub valid_from: Date,
    /// Set when the award type ends without a successor version.
    pub valid_to: Option<Date>,
    pub note: Option<String>,
    /// The share of the council's full membership that must agree (bỏ phiếu), in per cent.
    pub council_percent: i32,
    /// Whether the council votes by secret ballot (bỏ phiếu kín).
    pub secret_ballot: bool,
    /// Working days a nomination is posted for public comment before the council may meet
    /// (lấy ý kiến công khai); none: no consultation.
    pub consultation_working_days: Option<i32>,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
