use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("report_request");

/// An ad-hoc report request (yêu cầu báo cáo đột xuất) of a regime that reports on request: the
/// n-th of its year is the period `YYYYDnn`, due on `due_on` (end of day, Việt Nam).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub regime_id: Uuid,
    pub year: i32,
    /// 1 to 99 within the regime's year.
    pub number: i32,
    /// What is asked for.
    pub subject: String,
    /// The request letter's number (số văn bản), as printed.
    pub document_number: Option<String>,
    pub requested_on: Date,
    pub due_on: Date,
    /// The data window the report covers, when the request states one.
    pub data_from: Option<Date>,
    pub data_to: Option<Date>,
    /// The units asked (a JSON array of ids); null: every reporting unit of the regime.
    pub unit_ids: Option<Json>,
    pub requested_by: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
