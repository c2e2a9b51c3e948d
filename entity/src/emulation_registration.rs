use crate::enums::AwardSubject;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("emulation_registration");

/// A registration for a title in a movement's year (đăng ký thi đua).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub movement_id: Uuid,
    pub year: i32,
    pub subject_kind: AwardSubject,
    pub subject_id: Uuid,
    pub award_code: String,
    /// The unit that registered (the person's unit, or the collective itself).
    pub unit_id: Uuid,
    pub registered_on: Date,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
