use crate::enums::{InitiativeKind, InitiativeScope};
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("initiative");

/// An initiative or research project (sáng kiến, đề tài) recognised by a competent level.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub kind: InitiativeKind,
    /// The unit where it was applied.
    pub unit_id: Uuid,
    pub scope: InitiativeScope,
    pub recognition_decision: String,
    /// The recognition's effective day.
    pub recognised_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
