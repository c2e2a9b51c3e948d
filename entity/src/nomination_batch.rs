use crate::enums::AwardAuthority;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("nomination_batch");

/// A batch (tờ trình): one proposal letter carrying many nominations to the next level.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The unit that signed the letter (the one holding the nominations).
    pub from_unit_id: Uuid,
    /// The unit of the next level; none outside the province.
    pub to_unit_id: Option<Uuid>,
    /// The level the letter goes to.
    pub to_authority: AwardAuthority,
    pub number: String,
    pub signed_on: Date,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
