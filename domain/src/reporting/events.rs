//! What a live subscriber hears (`progressChanged`, `submissionChanged`): a small, serialisable
//! notice of a change to progress or to a report, with the ids a subscriber filters on. Notices
//! carry no content: a subscriber reads the objects through the API, as the caller it is, so
//! what it may see is decided there.

use chrono::{DateTime, Utc};
use entity::{
    assignment, deadline_extension, plan, progress_update, report_submission, reporting_regime,
    target, target_value, task,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::PlanVisibility;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::error::DomainResult;

/// A change to progress: a task's update, completion step or deadline moved, or a value
/// reported for a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressEvent {
    /// What happened, as the audit log names it (`progress.submit`, `task.report_done`, …).
    pub action: String,
    pub plan_id: Uuid,
    /// The task, when the change is about one.
    pub task_id: Option<Uuid>,
    /// The progress update, when the change is one.
    pub update_id: Option<Uuid>,
    /// The target and its reported value, when the change is one.
    #[serde(default)]
    pub target_id: Option<Uuid>,
    #[serde(default)]
    pub value_id: Option<Uuid>,
    /// The units assigned to the task or target directly (any role), and the unit that
    /// reported.
    pub unit_ids: Vec<Uuid>,
    pub at: DateTime<Utc>,
}

/// A change to a report submission: drafted, submitted, accepted or returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionEvent {
    pub action: String,
    pub submission_id: Uuid,
    pub regime_id: Uuid,
    /// The reporting unit, then the receiving unit (when there is one).
    pub unit_ids: Vec<Uuid>,
    pub at: DateTime<Utc>,
}

/// A notice for live subscribers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Progress(ProgressEvent),
    Submission(SubmissionEvent),
}

/// The notices a committed change raises (none for changes nobody subscribes to).
pub async fn of_change(
    db: &impl ConnectionTrait,
    action: AuditAction,
    object_type: ObjectType,
    object_id: Uuid,
) -> DomainResult<Vec<Event>> {
    let at = Utc::now();
    let event = match object_type {
        ObjectType::ProgressUpdate => {
            // The update with its task, in one statement (this runs inside the change's
            // transaction, every round trip of which a writer waits for).
            let Some((update, Some(task))) = progress_update::Entity::find_by_id(object_id)
                .find_also_related(task::Entity)
                .one(db)
                .await?
            else {
                return Ok(Vec::new());
            };
            Some(progress(db, action, &task, Some(update.id), vec![update.unit_id], at).await?)
        }
        ObjectType::Task
            if matches!(
                action,
                AuditAction::TaskReportDone
                    | AuditAction::TaskAcceptCompletion
                    | AuditAction::TaskReturnCompletion
            ) =>
        {
            match task::Entity::find_by_id(object_id).one(db).await? {
                Some(task) => Some(progress(db, action, &task, None, Vec::new(), at).await?),
                None => None,
            }
        }
        ObjectType::ExtensionRequest if action == AuditAction::ExtensionApprove => {
            let request = deadline_extension::Entity::find_by_id(object_id)
                .one(db)
                .await?;
            let task = match request {
                Some(r) => task::Entity::find_by_id(r.task_id).one(db).await?,
                None => None,
            };
            match task {
                Some(task) => Some(progress(db, action, &task, None, Vec::new(), at).await?),
                None => None,
            }
        }
        ObjectType::TargetValue => {
            match target_value::Entity::find_by_id(object_id).one(db).await? {
                Some(value) => match target::Entity::find_by_id(value.target_id).one(db).await? {
                    Some(target) => {
                        let assigned = assignment::Entity::find()
                            .filter(assignment::Column::TargetId.eq(target.id))
                            .all(db)
                            .await?;
                        let mut unit_ids: Vec<Uuid> = assigned
                            .into_iter()
                            .filter_map(|a| a.unit_id)
                            .chain([value.unit_id])
                            .collect();
                        unit_ids.sort_unstable();
                        unit_ids.dedup();
                        Some(Event::Progress(ProgressEvent {
                            action: action.as_str().to_owned(),
                            plan_id: target.plan_id,
                            task_id: None,
                            update_id: None,
                            target_id: Some(target.id),
                            value_id: Some(value.id),
                            unit_ids,
                            at,
                        }))
                    }
                    None => None,
                },
                None => None,
            }
        }
        ObjectType::ReportSubmission => report_submission::Entity::find_by_id(object_id)
            .one(db)
            .await?
            .map(|report| {
                Event::Submission(SubmissionEvent {
                    action: action.as_str().to_owned(),
                    submission_id: report.id,
                    regime_id: report.regime_id,
                    unit_ids: std::iter::once(report.reporting_unit_id)
                        .chain(report.receiving_unit_id)
                        .collect(),
                    at,
                })
            }),
        _ => None,
    };
    Ok(event.into_iter().collect())
}

async fn progress(
    db: &impl ConnectionTrait,
    action: AuditAction,
    task: &task::Model,
    update_id: Option<Uuid>,
    mut unit_ids: Vec<Uuid>,
    at: DateTime<Utc>,
) -> DomainResult<Event> {
    let assigned = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(task.id))
        .all(db)
        .await?;
    unit_ids.extend(assigned.into_iter().filter_map(|a| a.unit_id));
    unit_ids.sort_unstable();
    unit_ids.dedup();
    Ok(Event::Progress(ProgressEvent {
        action: action.as_str().to_owned(),
        plan_id: task.plan_id,
        task_id: Some(task.id),
        update_id,
        target_id: None,
        value_id: None,
        unit_ids,
        at,
    }))
}

/// What a progress notice is about, read now, when the reader may see its plan.
#[derive(Debug, Clone)]
pub struct ProgressFacts {
    pub plan: plan::Model,
    pub task: Option<task::Model>,
    pub update: Option<progress_update::Model>,
    pub target: Option<target::Model>,
    pub value: Option<target_value::Model>,
}

/// The objects of a progress notice as `visibility` may read them (none when it may not, or
/// when they are gone).
pub async fn progress_facts(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    event: &ProgressEvent,
) -> DomainResult<Option<ProgressFacts>> {
    let Some(plan) = plan::Entity::find_by_id(event.plan_id).one(db).await? else {
        return Ok(None);
    };
    if !visibility.allows(&plan) {
        return Ok(None);
    }
    let task = match event.task_id {
        Some(id) => match task::Entity::find_by_id(id).one(db).await? {
            Some(task) => Some(task),
            None => return Ok(None),
        },
        None => None,
    };
    let update = match event.update_id {
        Some(id) => progress_update::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let target = match event.target_id {
        Some(id) => match target::Entity::find_by_id(id).one(db).await? {
            Some(target) => Some(target),
            None => return Ok(None),
        },
        None => None,
    };
    let value = match event.value_id {
        Some(id) => target_value::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    Ok(Some(ProgressFacts {
        plan,
        task,
        update,
        target,
        value,
    }))
}

/// The report of a submission notice as `visibility` may read it: reports under a plan's
/// regime are seen with the plan; those of a regime of no plan by everyone.
pub async fn submission_facts(
    db: &impl ConnectionTrait,
    visibility: &PlanVisibility,
    event: &SubmissionEvent,
) -> DomainResult<Option<report_submission::Model>> {
    let Some(regime) = reporting_regime::Entity::find_by_id(event.regime_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if let Some(plan_id) = regime.plan_id {
        let plan = plan::Entity::find_by_id(plan_id).one(db).await?;
        if !plan.is_some_and(|p| visibility.allows(&p)) {
            return Ok(None);
        }
    }
    Ok(report_submission::Entity::find_by_id(event.submission_id)
        .one(db)
        .await?)
}
