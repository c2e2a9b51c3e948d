use crate::enums::RoundKind;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("emulation_round");

/// A round of a movement (đợt xét: annual, sơ kết, tổng kết): the achievement window it rewards,
/// when nominations are accepted, the award types offered and their quotas.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub movement_id: Uuid,
    pub kind: RoundKind,
    pub name: String,
    pub achievement_from: Date,
    /// Also the cut-off of the evidence a nomination carries.
    pub achievement_to: Date,
    pub opens_on: Date,
    pub closes_on: Date,
    /// Award type codes offered, comma-separated.
    pub award_codes: String,
    /// `[{ "awardCode", "maxCount"?, "maxSharePercent"? }]`.
    pub quotas: Json,
    pub version: i32,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
