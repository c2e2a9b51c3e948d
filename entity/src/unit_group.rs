use sea_orm::entity::prelude::*;

crate::table!("unit_group");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub label: String,
    pub parent_unit_id: Option<Uuid>,
    /// Comma-separated `UnitKind` values; empty means any kind.
    pub unit_kinds: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::unit_group_member::Entity")]
    Members,
}

impl Related<super::unit_group_member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Members.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
