use sea_orm::entity::prelude::*;

crate::table!("plan_reference");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Uuid,
    pub parent_plan_id: Option<Uuid>,
    pub external_number: Option<String>,
    pub external_issuer: Option<String>,
    pub external_issued_on: Option<Date>,
    pub external_title: Option<String>,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The implementing plan.
    #[sea_orm(
        belongs_to = "super::plan::Entity",
        from = "Column::PlanId",
        to = "super::plan::Column::Id"
    )]
    Plan,
    /// The implemented (parent) plan.
    #[sea_orm(
        belongs_to = "super::plan::Entity",
        from = "Column::ParentPlanId",
        to = "super::plan::Column::Id"
    )]
    ParentPlan,
}

impl ActiveModelBehavior for ActiveModel {}
