use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reporting_deadline")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Uuid,
    pub period: ReportingPeriodKind,
    pub text: String,
    pub reporter_unit_id: Option<Uuid>,
    pub reporter_group_id: Option<Uuid>,
    pub recipient_unit_id: Option<Uuid>,
    pub via_unit_id: Option<Uuid>,
    pub rule: Json,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
