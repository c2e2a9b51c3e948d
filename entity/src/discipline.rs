use crate::enums::DisciplineForm;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("discipline");

/// A disciplinary measure (kỷ luật) and the window it has effect in.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub form: DisciplineForm,
    pub decision_ref: String,
    pub decided_on: Date,
    pub effective_from: Date,
    pub effective_to: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
