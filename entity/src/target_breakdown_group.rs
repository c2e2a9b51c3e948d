use sea_orm::entity::prelude::*;

crate::table!("target_breakdown_group");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub target_id: Uuid,
    pub code: String,
    pub label: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::target_breakdown_row::Entity")]
    Rows,
}

impl Related<super::target_breakdown_row::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rows.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
