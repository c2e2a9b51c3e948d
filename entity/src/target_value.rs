use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("target_value");

/// What a unit reports a target reached in a period (kết quả thực hiện chỉ tiêu): for the target
/// as a whole, or for one of its breakdown rows; measured, or estimated to the period's end
/// (ước thực hiện). For a target stated as a change from its baseline ("giảm ≥ 2,5 %"), the
/// value is the change (−3 for a fall of 3 %).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub target_id: Uuid,
    pub breakdown_row_id: Option<Uuid>,
    pub unit_id: Uuid,
    pub period_code: String,
    pub value: f64,
    pub is_estimate: bool,
    pub narrative: Option<String>,
    pub reported_by: Option<String>,
    pub reported_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::target::Entity",
        from = "Column::TargetId",
        to = "super::target::Column::Id"
    )]
    Target,
}

impl Related<super::target::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Target.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
