use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("task_contribution");

/// A cooperating unit's contribution to a task (đóng góp của đơn vị phối hợp) for a period: what
/// it did. It does not move the task's percent or status.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub task_id: Uuid,
    pub unit_id: Uuid,
    pub period_code: String,
    pub narrative: String,
    pub reported_by: Option<String>,
    pub reported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
