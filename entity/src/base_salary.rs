use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("base_salary");

/// The base salary (lương cơ sở) from a day on: award money is a multiple of the amount in force
/// on the decision's day.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Đồng per month.
    pub amount: i64,
    #[sea_orm(unique)]
    pub valid_from: Date,
    /// The decree that set it (`Nghị định 73/2024/NĐ-CP`).
    pub legal_basis: String,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
