use crate::enums::AwardAuthority;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("award_decision");

/// An award decision (quyết định khen thưởng): one number, many recipients.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The deciding unit.
    pub unit_id: Uuid,
    pub number: String,
    pub decided_on: Date,
    /// Who signed, as named then.
    pub signer: String,
    pub authority: AwardAuthority,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
