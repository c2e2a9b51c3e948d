use crate::enums::*;
use sea_orm::entity::prelude::*;

crate::table!("target");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Uuid,
    pub area_id: Option<Uuid>,
    pub code: String,
    pub statement: String,
    pub measure: TargetMeasure,
    pub unit_text: Option<String>,
    pub comparator: Option<Comparator>,
    pub target_value: Option<f64>,
    pub target_year: Option<i32>,
    pub baseline_value: Option<f64>,
    pub baseline_year: Option<i32>,
    pub change_direction: Option<ChangeDirection>,
    pub aspirational: bool,
    pub condition_text: Option<String>,
    pub total_label: Option<String>,
    pub ratio_label: Option<String>,
    pub ratio_per: Option<f64>,
    pub ratio_decimals: Option<i32>,
    pub population_baseline: Option<f64>,
    pub population_target: Option<f64>,
    pub position: i32,
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::target_value::Entity")]
    Values,
}

impl Related<super::target_value::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Values.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
