use crate::enums::*;
use sea_orm::entity::prelude::*;

crate::table!("reporting_deadline");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
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
    /// The regime this deadline belongs to.
    pub regime_id: Option<Uuid>,
    /// The level of the cascade, from 1 (the first hand-over: units → centre).
    pub level: i32,
    /// The periods of a year this rule covers (`["Q1", "Q3"]`); null: all of the regime's.
    pub period_keys: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::reporting_regime::Entity",
        from = "Column::RegimeId",
        to = "super::reporting_regime::Column::Id"
    )]
    Regime,
}

impl Related<super::reporting_regime::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Regime.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
