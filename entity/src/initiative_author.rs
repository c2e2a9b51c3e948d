use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("initiative_author");

/// An author of an initiative, with their share when the decision states one.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub initiative_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub share_percent: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
