use crate::enums::BallotStage;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("council_ballot");

/// A council's vote on a nomination (kết quả bỏ phiếu), counted on the full membership.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nomination_id: Uuid,
    /// The unit whose council voted.
    pub unit_id: Uuid,
    pub stage: BallotStage,
    pub meeting_on: Date,
    pub members_total: i32,
    pub yes_votes: i32,
    pub no_votes: i32,
    pub abstentions: i32,
    pub secret: bool,
    /// The share of the full membership that had to agree.
    pub threshold_percent: i32,
    pub passed: bool,
    /// The minutes (biên bản họp hội đồng).
    pub minutes_ref: Option<String>,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
