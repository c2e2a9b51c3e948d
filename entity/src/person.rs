use crate::enums::{Gender, StaffCategory};
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("person");

/// A person whose emulation records are kept (cán bộ, công chức, viên chức, người lao động).
/// Birth date, gender and staff category are personal data: only the emulation officers and
/// administrators of the person's unit and above read them.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// NFC.
    pub full_name: String,
    /// The name folded (no diacritics, lower case) for search.
    #[serde(skip)]
    pub search_text: String,
    pub birth_date: Option<Date>,
    pub gender: Option<Gender>,
    pub staff_category: Option<StaffCategory>,
    /// Chức vụ, as now.
    pub position: Option<String>,
    /// The unit of the current employment.
    pub unit_id: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
