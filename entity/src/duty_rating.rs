use crate::enums::{AwardSubject, DutyRatingLevel};
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("duty_rating");

/// A year's rating of how a person or a unit did its duties (xếp loại chất lượng).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_kind: AwardSubject,
    pub subject_id: Uuid,
    pub year: i32,
    pub rating: DutyRatingLevel,
    pub decision_ref: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
