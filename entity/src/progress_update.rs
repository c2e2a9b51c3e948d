use crate::enums::*;
use sea_orm::entity::prelude::*;

crate::table!("progress_update");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub task_id: Uuid,
    pub unit_id: Uuid,
    pub period_code: String,
    pub percent: i32,
    pub status: ProgressStatus,
    pub narrative: Option<String>,
    pub reported_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// Khó khăn, vướng mắc.
    pub difficulties: Option<String>,
    /// Kiến nghị, đề xuất.
    pub proposals: Option<String>,
    /// Who reported it (the token's subject); none for updates loaded from fixtures.
    pub reported_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::task::Entity",
        from = "Column::TaskId",
        to = "super::task::Column::Id"
    )]
    Task,
}

impl Related<super::task::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Task.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
