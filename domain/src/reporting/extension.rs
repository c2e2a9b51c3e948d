//! Extension requests (đề nghị gia hạn, b2 in domain.md): a task's lead asks for a later
//! deadline with a reason; the plan's issuer approves (the task's deadline moves to the day
//! asked) or rejects it. Requests are never deleted: with the deadline each one replaced, they
//! are the task's deadline history. The task keeps its status while a request waits: the work
//! goes on, and its timeliness is judged against the deadline in force.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::enums::{ExtensionStatus, TaskStatus};
use entity::{deadline_extension, plan, task};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{ExtensionId, TaskId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::time::DayMonthYear;
use crate::kernel::versioned;

/// The longest reason or decision note.
pub const MAX_REASON: usize = 2_000;

crate::versioned!(deadline_extension, "extension request");

/// What the lead asks (`requestExtension`).
#[derive(Debug, Clone)]
pub struct ExtensionInput {
    pub task_id: TaskId,
    /// The lead unit asking.
    pub unit_id: UnitId,
    /// The task's version the request is based on (two requests at once: one wins).
    pub version: i32,
    pub proposed_due_on: NaiveDate,
    pub reason: String,
}

/// The issuer's decision (`decideExtension`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionDecision {
    Approve,
    Reject,
}

fn snapshot(request: &deadline_extension::Model) -> serde_json::Value {
    serde_json::json!({
        "task_id": request.task_id,
        "unit_id": request.unit_id,
        "previous_due_on": request.previous_due_on,
        "proposed_due_on": request.proposed_due_on,
        "reason": request.reason,
        "status": request.status,
        "decision_note": request.decision_note,
        "version": request.version,
    })
}

async fn issuer_of(db: &impl ConnectionTrait, task: &task::Model) -> DomainResult<Uuid> {
    plan::Entity::find_by_id(task.plan_id)
        .one(db)
        .await?
        .map(|p| p.issuer_id)
        .ok_or_else(|| DomainError::Unexpected(anyhow::anyhow!("a task without its plan")))
}

/// The task's lead asks for a later deadline. Only a task with a fixed deadline, still being
/// worked on and with no other request waiting, can be extended.
pub async fn request(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: ExtensionInput,
) -> DomainResult<Change> {
    let reporter =
        super::completion::task_and_reporter(db, actor, input.task_id, input.unit_id).await?;
    versioned::check_version(&reporter.task, input.version)?;
    let mut checks = Checks(Vec::new());
    let reason = checks.text("reason", &input.reason, MAX_REASON, true);
    checks.finish()?;
    super::completion::require_lead(db, &reporter, "asks for an extension").await?;
    let super::completion::Reporter { task, unit, .. } = reporter;
    if !matches!(task.status, TaskStatus::Assigned | TaskStatus::InProgress) {
        return Err(rejected(
            "taskId",
            Code::InvalidState,
            "only an assigned task or one in progress can have its deadline extended",
        ));
    }
    let Some(due_on) = task.due_on else {
        return Err(rejected(
            "taskId",
            Code::InvalidState,
            "this task has no fixed deadline to extend",
        ));
    };
    if input.proposed_due_on <= due_on {
        return Err(rejected(
            "proposedDueOn",
            Code::Invalid,
            format!(
                "the day asked must come after the deadline in force ({})",
                DayMonthYear(due_on)
            ),
        ));
    }
    let waiting = deadline_extension::Entity::find()
        .filter(deadline_extension::Column::TaskId.eq(task.id))
        .filter(deadline_extension::Column::Status.eq(ExtensionStatus::Pending))
        .one(db)
        .await?;
    if waiting.is_some() {
        return Err(rejected(
            "taskId",
            Code::InvalidState,
            "an extension request for this task is already waiting for the issuer's decision",
        ));
    }
    // The task's version moves on, so that two requests sent at once cannot both be stored.
    versioned::save(db, task.clone(), input.version).await?;
    let now = Utc::now();
    let stored = deadline_extension::Model {
        id: Uuid::now_v7(),
        task_id: task.id,
        unit_id: unit.id,
        reason,
        previous_due_on: due_on,
        proposed_due_on: input.proposed_due_on,
        status: ExtensionStatus::Pending,
        requested_by: actor.principal.subject.clone(),
        requested_at: now,
        decided_by: None,
        decided_at: None,
        decision_note: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    Ok(Change {
        action: AuditAction::ExtensionRequest,
        object_type: ObjectType::ExtensionRequest,
        object_id: stored.id,
        scope_unit_id: Some(issuer_of(db, &task).await?),
        before: None,
        after: Some(snapshot(&stored)),
    })
}

/// The plan's issuer approves a waiting request (the task's deadline becomes the day asked)
/// or rejects it (the deadline stands; a note saying why is required).
pub async fn decide(
    db: &impl ConnectionTrait,
    actor: &Actor,
    request_id: ExtensionId,
    version: i32,
    decision: ExtensionDecision,
    note: Option<String>,
) -> DomainResult<Change> {
    let Some(request) = deadline_extension::Entity::find_by_id(request_id)
        .one(db)
        .await?
    else {
        return Err(rejected(
            "extensionRequestId",
            Code::NotFound,
            "no such extension request",
        ));
    };
    let Some(task) = task::Entity::find_by_id(request.task_id).one(db).await? else {
        return Err(DomainError::Unexpected(anyhow::anyhow!(
            "an extension without its task"
        )));
    };
    let issuer = issuer_of(db, &task).await?;
    actor
        .authorize(db, Action::ManagePlans, Resource::Unit(issuer))
        .await?;
    versioned::check_version(&request, version)?;
    let mut checks = Checks(Vec::new());
    let note = checks.optional_text("note", note.as_deref(), MAX_REASON);
    if decision == ExtensionDecision::Reject && note.is_none() {
        checks.fail("note", Code::Required, "say why the extension is refused");
    }
    checks.finish()?;
    if request.status != ExtensionStatus::Pending {
        return Err(rejected(
            "extensionRequestId",
            Code::InvalidState,
            "this request has already been decided",
        ));
    }
    let mut next = request.clone();
    next.decided_by = Some(actor.principal.subject.clone());
    next.decided_at = Some(Utc::now());
    next.decision_note = note;
    let action = match decision {
        ExtensionDecision::Approve => {
            if !matches!(task.status, TaskStatus::Assigned | TaskStatus::InProgress) {
                return Err(rejected(
                    "extensionRequestId",
                    Code::InvalidState,
                    "the task is no longer being worked on: reject the request instead",
                ));
            }
            if task.due_on != Some(request.previous_due_on) {
                return Err(rejected(
                    "extensionRequestId",
                    Code::InvalidState,
                    "the task's deadline changed since the request: reject it and let the lead ask again",
                ));
            }
            let mut moved = task.clone();
            moved.due_on = Some(request.proposed_due_on);
            versioned::save(db, moved, task.version).await?;
            next.status = ExtensionStatus::Approved;
            AuditAction::ExtensionApprove
        }
        ExtensionDecision::Reject => {
            next.status = ExtensionStatus::Rejected;
            AuditAction::ExtensionReject
        }
    };
    let saved = versioned::save(db, next, version).await?;
    Ok(Change {
        action,
        object_type: ObjectType::ExtensionRequest,
        object_id: request.id,
        scope_unit_id: Some(issuer),
        before: Some(snapshot(&request)),
        after: Some(snapshot(&saved)),
    })
}

/// Tasks' extension requests, oldest first (their deadline history).
pub async fn of_tasks(
    db: &impl ConnectionTrait,
    task_ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<deadline_extension::Model>>> {
    let mut result: HashMap<Uuid, Vec<deadline_extension::Model>> = HashMap::new();
    if task_ids.is_empty() {
        return Ok(result);
    }
    let rows = deadline_extension::Entity::find()
        .filter(deadline_extension::Column::TaskId.is_in(task_ids.iter().copied()))
        .order_by_asc(deadline_extension::Column::RequestedAt)
        .order_by_asc(deadline_extension::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        result.entry(row.task_id).or_default().push(row);
    }
    Ok(result)
}

/// Extension requests by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, deadline_extension::Model>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    crate::kernel::query::by_ids::<deadline_extension::Entity>(db, ids).await
}
