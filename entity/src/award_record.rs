use crate::enums::{AchievementKind, AwardRecordStatus, AwardSubject};
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("award_record");

/// An award or title received (thành tích): the basis of every eligibility chain. It keeps the
/// catalogue version it was decided under and the issuer's name as it was.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `INDIVIDUAL` (a person) or `COLLECTIVE` (a unit).
    pub recipient_kind: AwardSubject,
    pub recipient_id: Uuid,
    /// The catalogue version in force at the end of the achievement window.
    pub award_type_id: Uuid,
    /// That version's code (chains are read by code).
    pub award_code: String,
    /// Thời gian lập thành tích: the next award's clock runs from here, not from the decision.
    pub achievement_from: Date,
    pub achievement_to: Date,
    pub kind: AchievementKind,
    pub decision_number: String,
    pub decided_on: Date,
    /// Who signed, as named then ("Chủ tịch UBND tỉnh Bắc Giang").
    pub issuer_name: String,
    pub status: AwardRecordStatus,
    pub revoked_on: Option<Date>,
    pub revocation_reason: Option<String>,
    pub revocation_decision: Option<String>,
    /// Set when a record it relied on was revoked: why it needs review.
    pub review_note: Option<String>,
    /// `import:<sha256>` for imported rows; none when entered through the API.
    pub source: Option<String>,
    pub version: i32,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
