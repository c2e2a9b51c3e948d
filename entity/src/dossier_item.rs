use crate::enums::DossierKind;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("dossier_item");

/// A document of a nomination's dossier (hồ sơ).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nomination_id: Uuid,
    pub kind: DossierKind,
    pub file_id: Uuid,
    pub note: Option<String>,
    pub attached_by: String,
    /// The unit the attaching caller acted for.
    pub attached_unit_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
