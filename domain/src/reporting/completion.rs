//! Task completion (b2 in domain.md): the lead reports a task done (a 100 % update, the task
//! waits for acceptance); the monitoring unit (theo dõi, đôn đốc) accepts it — completed on the
//! day it was reported done, which fixes its timeliness — or returns it to work.

use chrono::Utc;
use entity::enums::{AssignmentRole, ProgressStatus, TaskStatus};
use entity::{assignment, progress_update, task, unit};
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
use crate::kernel::ids::{TaskId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::time::{local_date, today};
use crate::kernel::versioned;
use crate::org::group;

/// The units of assignment `rows` in any of `roles`, directly or through a group (today): the
/// groups' members in one statement, whatever their number.
pub(crate) async fn units_of(
    db: &impl ConnectionTrait,
    rows: &[assignment::Model],
    roles: &[AssignmentRole],
) -> DomainResult<Vec<Uuid>> {
    let mut units = Vec::new();
    let mut groups = Vec::new();
    for row in rows.iter().filter(|r| roles.contains(&r.role)) {
        units.extend(row.unit_id);
        groups.extend(row.group_id);
    }
    if !groups.is_empty() {
        let members = group::members_of_ids(db, &groups, today()).await?;
        units.extend(members.into_values().flatten().map(|u| u.id));
    }
    Ok(units)
}

/// A task, the unit reporting on it, the unit that issued the task's plan (the scope of the
/// audit event), and the task's assignments in every role.
pub(crate) struct Reporter {
    pub task: task::Model,
    pub unit: unit::Model,
    pub issuer: Option<Uuid>,
    pub assignments: Vec<assignment::Model>,
}

impl Reporter {
    /// Whether the reporting unit is assigned to the task in any of `roles`, directly or
    /// through a group (today).
    pub(crate) async fn is_in(
        &self,
        db: &impl ConnectionTrait,
        roles: &[AssignmentRole],
    ) -> DomainResult<bool> {
        Ok(units_of(db, &self.assignments, roles)
            .await?
            .contains(&self.unit.id))
    }
}

/// The task and the unit reporting on it, once the caller may report for that unit: the task,
/// its plan, its assignments and the unit in one statement.
pub(crate) async fn task_and_reporter(
    db: &impl ConnectionTrait,
    actor: &Actor,
    task_id: TaskId,
    unit_id: UnitId,
) -> DomainResult<Reporter> {
    let (task_id, unit_id) = (task_id.uuid(), unit_id.uuid());
    actor
        .authorize(db, Action::SubmitReports, Resource::Unit(unit_id))
        .await?;
    let Some(facts) = crate::planning::task::facts::read(db, task_id, Some(unit_id)).await? else {
        return Err(rejected("taskId", Code::NotFound, "no such task"));
    };
    let Some(unit) = facts.unit else {
        return Err(rejected("unitId", Code::NotFound, "no such unit"));
    };
    Ok(Reporter {
        task: facts.task,
        unit,
        issuer: Some(facts.plan.issuer_id),
        assignments: facts.assignments,
    })
}

/// Refuses the reporting unit unless it leads the task (directly or through a group); `what` is
/// what only the lead does ("reports it done").
pub(crate) async fn require_lead(
    db: &impl ConnectionTrait,
    reporter: &Reporter,
    what: &str,
) -> DomainResult<()> {
    if reporter.is_in(db, &[AssignmentRole::Lead]).await? {
        Ok(())
    } else {
        Err(rejected(
            "unitId",
            Code::Invalid,
            format!(
                "{} does not lead this task: its lead {what}",
                reporter.unit.name
            ),
        ))
    }
}

fn snapshot(task: &task::Model) -> serde_json::Value {
    serde_json::json!({ "status": task.status, "completed_on": task.completed_on, "version": task.version })
}

/// The lead reports the task done: a 100 % update from it, and the task waits for acceptance.
pub async fn report_done(
    db: &impl ConnectionTrait,
    actor: &Actor,
    task_id: TaskId,
    unit_id: UnitId,
    version: i32,
    narrative: Option<String>,
) -> DomainResult<Change> {
    let reporter = task_and_reporter(db, actor, task_id, unit_id).await?;
    versioned::check_version(&reporter.task, version)?;
    let mut checks = Checks(Vec::new());
    let narrative = checks.optional_text("narrative", narrative.as_deref(), 20_000);
    checks.finish()?;
    require_lead(db, &reporter, "reports it done").await?;
    let Reporter {
        task, unit, issuer, ..
    } = reporter;
    if !matches!(task.status, TaskStatus::Assigned | TaskStatus::InProgress) {
        return Err(rejected(
            "taskId",
            Code::InvalidState,
            "only an assigned task or one in progress is reported done",
        ));
    }
    let now = Utc::now();
    let period = format!("{}", local_date(now).format("%Y%m"));
    progress_update::Model {
        id: Uuid::now_v7(),
        task_id: task.id,
        unit_id: unit.id,
        period_code: period,
        percent: 100,
        status: ProgressStatus::Completed,
        narrative,
        reported_at: now,
        created_at: now,
        difficulties: None,
        proposals: None,
        reported_by: Some(actor.principal.subject.clone()),
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    let mut next = task.clone();
    next.status = TaskStatus::AwaitingAcceptance;
    let saved = versioned::save(db, next, version).await?;
    Ok(Change {
        action: AuditAction::TaskReportDone,
        object_type: ObjectType::Task,
        object_id: task.id,
        scope_unit_id: issuer,
        before: Some(snapshot(&task)),
        after: Some(snapshot(&saved)),
    })
}

/// The monitoring unit's decision on a task reported done.
#[derive(Debug, Clone)]
pub enum CompletionDecision {
    /// Completed, on the day it was reported done.
    Accept,
    /// Back to work, with the reason.
    Return(String),
}

/// Accepts a task reported done, or returns it to work (its monitoring unit; the plan's
/// issuer when it has none).
pub async fn decide_completion(
    db: &impl ConnectionTrait,
    actor: &Actor,
    task_id: TaskId,
    version: i32,
    decision: CompletionDecision,
) -> DomainResult<Change> {
    let Some(facts) = crate::planning::task::facts::read(db, task_id.uuid(), None).await? else {
        return Err(rejected("taskId", Code::NotFound, "no such task"));
    };
    let (task, issuer) = (facts.task, Some(facts.plan.issuer_id));
    let monitors = units_of(db, &facts.assignments, &[AssignmentRole::Monitoring]).await?;
    // Any one of the monitoring units (or the issuer) may decide.
    let mut allowed = false;
    for unit in monitors
        .iter()
        .copied()
        .chain(issuer.filter(|_| monitors.is_empty()))
    {
        if actor
            .authorize(db, Action::ReviewReports, Resource::Unit(unit))
            .await
            .is_ok()
        {
            allowed = true;
            break;
        }
    }
    if !allowed {
        return Err(DomainError::Forbidden(
            "only the task's monitoring unit accepts or returns its completion".into(),
        ));
    }
    versioned::check_version(&task, version)?;
    if task.status != TaskStatus::AwaitingAcceptance {
        return Err(rejected(
            "taskId",
            Code::InvalidState,
            "only a task reported done is accepted or returned",
        ));
    }
    let mut next = task.clone();
    let mut reason_given = None;
    let action = match decision {
        CompletionDecision::Accept => {
            let reported = progress_update::Entity::find()
                .filter(progress_update::Column::TaskId.eq(task.id))
                .filter(progress_update::Column::Status.eq(ProgressStatus::Completed))
                .order_by_desc(progress_update::Column::ReportedAt)
                .one(db)
                .await?;
            next.status = TaskStatus::Completed;
            next.completed_on = Some(reported.map_or_else(today, |u| local_date(u.reported_at)));
            AuditAction::TaskAcceptCompletion
        }
        CompletionDecision::Return(reason) => {
            let mut checks = Checks(Vec::new());
            let reason = checks.text("reason", &reason, 2_000, true);
            checks.finish()?;
            next.status = TaskStatus::InProgress;
            reason_given = Some(reason);
            AuditAction::TaskReturnCompletion
        }
    };
    let saved = versioned::save(db, next, version).await?;
    let mut after = snapshot(&saved);
    if let (Some(reason), Some(object)) = (reason_given, after.as_object_mut()) {
        object.insert("reason".into(), reason.into());
    }
    Ok(Change {
        action,
        object_type: ObjectType::Task,
        object_id: task.id,
        scope_unit_id: issuer,
        before: Some(snapshot(&task)),
        after: Some(after),
    })
}
