use sea_orm::entity::prelude::*;

crate::table!("provenance");

/// Where a stored object comes from, when it is not a fact a person entered: the demo data
/// transcribes documents, and marks what it had to invent or infer (illustrative) and why
/// (the note). One row per object (object ids are unique across tables).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub object_id: Uuid,
    /// `Plan`, `Task`, `Target`, `Unit`, `Assignment`, `ProgressUpdate`, `ReportSubmission`.
    pub object_type: String,
    /// Invented or inferred for the demo, not stated by the document.
    pub illustrative: bool,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
