use sea_orm::entity::prelude::*;

crate::table!("unit_group_member");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    /// `false` marks an explicit exclusion.
    pub included: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::unit_group::Entity",
        from = "Column::GroupId",
        to = "super::unit_group::Column::Id"
    )]
    Group,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::unit_group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Group.def()
    }
}
