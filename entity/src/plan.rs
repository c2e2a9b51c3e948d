use crate::enums::*;
use sea_orm::entity::prelude::*;

crate::table!("plan");

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub document_number: Option<String>,
    pub kind: PlanKind,
    pub title: String,
    pub issuer_id: Uuid,
    pub issued_on: Option<Date>,
    pub issue_year: Option<i32>,
    pub status: PlanStatus,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub summary: Option<String>,
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Độ mật: the document is classified (Mật, Tối mật, Tuyệt mật); only its issuer's subtree
    /// and province administrators read it, and no export carries it.
    pub confidential: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
