use crate::enums::{AchievementKind, AwardSubject, NominationState};
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("nomination");

/// An award nomination (đề nghị khen thưởng) on its way from the nominating unit to the
/// authority that decides it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub round_id: Uuid,
    pub movement_id: Uuid,
    pub nominee_kind: AwardSubject,
    pub nominee_id: Uuid,
    /// The catalogue version in force at the end of the achievement window.
    pub award_type_id: Uuid,
    pub award_code: String,
    pub achievement_from: Date,
    pub achievement_to: Date,
    pub achievement_kind: AchievementKind,
    pub nominating_unit_id: Uuid,
    /// The unit whose turn it is (the nominating unit, then each level it is forwarded to).
    pub holder_unit_id: Uuid,
    /// Position on the award type's proposing route (0: the nominating unit's level).
    pub route_step: i32,
    pub state: NominationState,
    /// Tóm tắt thành tích.
    pub summary: String,
    /// Initiatives the achievement relies on: ids, comma-separated.
    pub initiative_ids: String,
    /// What the appraisers asked for: `{ "items": [..], "note", "requestedBy" }`.
    pub supplement_request: Option<Json>,
    pub consultation_posted_on: Option<Date>,
    pub consultation_closes_on: Option<Date>,
    pub consultation_channel: Option<String>,
    pub decision_id: Option<Uuid>,
    /// The award type version given (lower than proposed when downgraded).
    pub awarded_type_id: Option<Uuid>,
    /// Warnings recorded at the last check (strings).
    pub warnings: Json,
    /// 1 while open, NULL once closed (one open nomination per nominee, award and window).
    pub open_marker: Option<i16>,
    #[serde(skip)]
    pub search_text: String,
    pub version: i32,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
