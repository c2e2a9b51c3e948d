use crate::enums::ExtensionStatus;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("deadline_extension");

/// An extension request (đề nghị gia hạn): a task's lead asks for a later deadline; the plan's
/// issuer approves (the task's deadline moves) or rejects. Kept for good: the task's deadline
/// history.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub task_id: Uuid,
    /// The lead unit that asked.
    pub unit_id: Uuid,
    pub reason: String,
    /// The task's deadline when the request was made.
    pub previous_due_on: Date,
    pub proposed_due_on: Date,
    pub status: ExtensionStatus,
    pub requested_by: String,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
