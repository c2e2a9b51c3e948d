use crate::enums::{CutOffRule, ReportingPeriodKind};
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("reporting_regime");

/// A reporting regime (chế độ báo cáo): what a plan asks units to report, for which periods of
/// each year, with its deadlines per level of the cascade (`reporting_deadline`, by
/// `regime_id`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Option<Uuid>,
    pub name: String,
    /// The main kind of period.
    pub frequency: ReportingPeriodKind,
    /// The periods of a year it reports (`["Q1", "H1", "Q3", "Y"]`); null: every period of its
    /// frequency.
    pub period_keys: Option<Json>,
    pub cut_off: CutOffRule,
    /// Whether a unit with nothing to report sends a nil report (không phát sinh).
    pub allows_nil: bool,
    pub content_outline: Option<String>,
    /// How the regime was read from its document (transcription notes).
    pub note: Option<String>,
    pub position: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::reporting_deadline::Entity")]
    Deadlines,
}

impl Related<super::reporting_deadline::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deadlines.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
