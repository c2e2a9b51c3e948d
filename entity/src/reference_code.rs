use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("reference_code");

/// A code of a shared reference catalogue (danh mục dùng chung) as LGSP last gave it:
/// administrative units (đơn vị hành chính), the emulation and award code list
/// (mã thi đua khen thưởng), …
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The catalogue's name at LGSP (e.g. `donvihanhchinhcap1`, `mathiduakhenthuong`).
    pub catalogue: String,
    /// Mã: immutable, never reused.
    pub code: String,
    /// Tên.
    pub name: String,
    /// Mã cha.
    pub parent_code: Option<String>,
    /// Thứ tự.
    pub sort_order: Option<i32>,
    /// Ngày hiệu lực.
    pub valid_from: Option<Date>,
    /// Ngày hết hiệu lực (set by the sync when the code leaves the catalogue).
    pub valid_to: Option<Date>,
    /// Whether the catalogue lists it now.
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
