use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("stored_file");

/// A file uploaded for a dossier: its bytes live in the file store under their SHA-256.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    /// As the uploader named it (NFC).
    pub file_name: String,
    pub uploaded_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
