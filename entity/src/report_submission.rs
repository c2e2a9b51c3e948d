use crate::enums::SubmissionStatus;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("report_submission");

/// A report (báo cáo) one unit sends for one period of a regime, at one level of its cascade:
/// drafted, submitted, then accepted or returned (and submitted again).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub regime_id: Uuid,
    /// The reporting period's code (`2023Q1`).
    pub period_code: String,
    pub level: i32,
    pub reporting_unit_id: Uuid,
    pub receiving_unit_id: Option<Uuid>,
    pub status: SubmissionStatus,
    /// A nil report (không phát sinh).
    pub is_nil: bool,
    pub content: Option<String>,
    /// The day it was due when it was first submitted (kept: a later change of the calendar
    /// does not rejudge it).
    pub due_on: Option<Date>,
    pub first_submitted_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    /// Whether the first submission came after the deadline, and by how many days.
    pub is_late: Option<bool>,
    pub days_late: Option<i32>,
    pub return_reason: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<String>,
    pub submitted_by: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
