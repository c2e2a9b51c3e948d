use sea_orm::entity::prelude::*;

crate::table!("target_breakdown_row");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub target_id: Uuid,
    pub group_id: Uuid,
    pub code: String,
    pub label: String,
    pub unit_id: Option<Uuid>,
    pub baseline_value: f64,
    pub target_value: f64,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::target_breakdown_group::Entity",
        from = "Column::GroupId",
        to = "super::target_breakdown_group::Column::Id"
    )]
    Group,
}

impl Related<super::target_breakdown_group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Group.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
