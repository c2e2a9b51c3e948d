use crate::enums::NominationState;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("nomination_event");

/// One step of a nomination's history: who moved it from which state to which, with the
/// warnings the eligibility check recorded then.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nomination_id: Uuid,
    /// The mutation's verb (`submit`, `forward`, `decide`…).
    pub action: String,
    pub from_state: Option<NominationState>,
    pub to_state: NominationState,
    pub actor: String,
    pub actor_unit_id: Option<Uuid>,
    /// Who holds the nomination after the step.
    pub holder_unit_id: Option<Uuid>,
    pub note: Option<String>,
    pub warnings: Json,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
