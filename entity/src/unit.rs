use crate::enums::*;
use sea_orm::entity::prelude::*;

crate::table!("unit");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: Option<String>,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: UnitKind,
    pub parent_id: Option<Uuid>,
    pub active_from: Option<Date>,
    pub active_to: Option<Date>,
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
