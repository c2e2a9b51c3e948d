use crate::enums::{MovementKind, MovementLevel, RegistrationRule};
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("emulation_movement");

/// An emulation movement (phong trào thi đua), launched by a unit through a movement plan.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The plan that launched it (kế hoạch tổ chức phong trào).
    pub plan_id: Option<Uuid>,
    pub launcher_unit_id: Uuid,
    pub level: MovementLevel,
    pub name: String,
    pub kind: MovementKind,
    /// The movement it implements (a provincial movement for a department's).
    pub parent_movement_id: Option<Uuid>,
    pub starts_on: Date,
    pub ends_on: Date,
    /// `AwardSubject` names, comma-separated.
    pub subjects: String,
    pub collective_criteria: Option<String>,
    pub individual_criteria: Option<String>,
    pub registration_rule: RegistrationRule,
    #[serde(skip)]
    pub search_text: String,
    pub version: i32,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
