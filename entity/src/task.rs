use crate::enums::*;
use sea_orm::entity::prelude::*;

crate::table!("task");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Uuid,
    pub area_id: Option<Uuid>,
    pub code: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub kind: TaskKind,
    pub condition_text: Option<String>,
    pub due_on: Option<Date>,
    pub due_within_days: Option<i32>,
    pub due_text: Option<String>,
    pub status: TaskStatus,
    pub completed_on: Option<Date>,
    pub position: i32,
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
