use crate::enums::*;
use sea_orm::entity::prelude::*;

crate::table!("unit_succession");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub predecessor_id: Uuid,
    pub successor_id: Uuid,
    pub event: SuccessionEvent,
    pub effective_on: Date,
    pub decision: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
