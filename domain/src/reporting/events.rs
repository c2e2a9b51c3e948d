//! What a live subscriber hears (`progressChanged`, `submissionChanged`): a small, serialisable
//! notice of a change to progress or to a report, with the ids a subscriber filters on. Notices
//! carry no content: a subscriber reads the objects through the API, as the caller it is, so
//! what it may see is decided there.

use chrono::{DateTime, Utc};
use entity::{
    assignment, deadline_extension, plan, progress_update, report_submission, reporting_regime,
    target, target_value, task,
};
use sea_orm::{ConnectionTrait, EntityTrait, JoinType, QuerySelect, RelationTrait};
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
            // The update, its task and the task's assignments in one statement (this runs
            // inside the change's transaction, every round trip of which a writer waits for).
            let rows = progress_update::Entity::find_by_id(object_id)
                .select_only()
                .column(progress_update::Column::UnitId)
                .column(task::Column::Id)
                .column(task::Column::PlanId)
                .column(assignment::Column::UnitId)
                .join(JoinType::InnerJoin, progress_update::Relation::Task.def())
                .join(JoinType::LeftJoin, assignment::Relation::Task.def().rev());
            let rows = reported_rows(db, rows).await?;
            progress_of_rows(action, rows, Subject::Update(object_id), at)
        }
        ObjectType::Task
            if matches!(
                action,
                AuditAction::TaskReportDone
                    | AuditAction::TaskAcceptCompletion
                    | AuditAction::TaskReturnCompletion
            ) =>
        {
            progress_of_rows(action, task_rows(db, object_id).await?, Subject::Task, at)
        }
        ObjectType::ExtensionRequest if action == AuditAction::ExtensionApprove => {
            let request = deadline_extension::Entity::find_by_id(object_id)
                .one(db)
                .await?;
            match request {
                Some(r) => {
                    progress_of_rows(action, task_rows(db, r.task_id).await?, Subject::Task, at)
                }
                None => None,
            }
        }
        ObjectType::TargetValue => {
            // The value, its target and the target's assignments in one statement.
            let rows = target_value::Entity::find_by_id(object_id)
                .select_only()
                .column(target_value::Column::UnitId)
                .column(target::Column::Id)
                .column(target::Column::PlanId)
                .column(assignment::Column::UnitId)
                .join(
                    JoinType::InnerJoin,
                    target_value::Entity::belongs_to(target::Entity)
                        .from(target_value::Column::TargetId)
                        .to(target::Column::Id)
                        .into(),
                )
                .join(JoinType::LeftJoin, assignment::Relation::Target.def().rev());
            let rows = reported_rows(db, rows).await?;
            progress_of_rows(action, rows, Subject::TargetValue(object_id), at)
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

/// The notice of progress update `update` of a task of plan `plan_id` with `assignments`, from
/// the facts the mutation that wrote it read: what [`of_change`] would read again, without the
/// statement.
pub fn of_update(
    action: AuditAction,
    update: &progress_update::Model,
    plan_id: Uuid,
    assignments: &[assignment::Model],
) -> Vec<Event> {
    // The rows `of_change` reads: one per assignment, a unit or NULL (a group) on each.
    let rows = std::iter::once(None)
        .chain(assignments.iter().map(|a| a.unit_id))
        .map(|assigned| (Some(update.unit_id), update.task_id, plan_id, assigned))
        .collect();
    progress_of_rows(action, rows, Subject::Update(update.id), Utc::now())
        .into_iter()
        .collect()
}

/// A task, its plan and a unit assigned to it directly (any role), per assignment, read in one
/// statement (none when the task is gone).
async fn task_rows(
    db: &impl ConnectionTrait,
    task_id: Uuid,
) -> DomainResult<Vec<(Option<Uuid>, Uuid, Uuid, Option<Uuid>)>> {
    let rows: Vec<(Uuid, Uuid, Option<Uuid>)> = task::Entity::find_by_id(task_id)
        .select_only()
        .column(task::Column::Id)
        .column(task::Column::PlanId)
        .column(assignment::Column::UnitId)
        .join(JoinType::LeftJoin, assignment::Relation::Task.def().rev())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(task, plan, assigned)| (None, task, plan, assigned))
        .collect())
}

/// The rows of `select`, which reads (the reporting unit, the task or target, its plan, a unit
/// assigned to it) for a reported object, in the shape [`progress_of_rows`] takes.
async fn reported_rows<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<E>,
) -> DomainResult<Vec<(Option<Uuid>, Uuid, Uuid, Option<Uuid>)>> {
    let rows: Vec<(Uuid, Uuid, Uuid, Option<Uuid>)> = select.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(reporter, object, plan, assigned)| (Some(reporter), object, plan, assigned))
        .collect())
}

/// What a progress notice's rows are about.
enum Subject {
    /// A task itself (its completion, its deadline).
    Task,
    /// A progress update of the task.
    Update(Uuid),
    /// A value reported for a target.
    TargetValue(Uuid),
}

/// The notice of a change to progress, from rows of (the reporting unit, the task or target,
/// its plan, a unit assigned to it directly), one per assignment (none when there are no rows:
/// the object is gone).
fn progress_of_rows(
    action: AuditAction,
    rows: Vec<(Option<Uuid>, Uuid, Uuid, Option<Uuid>)>,
    subject: Subject,
    at: DateTime<Utc>,
) -> Option<Event> {
    let mut facts = None;
    let mut unit_ids = Vec::new();
    for (reporter, object_id, plan_id, assigned) in rows {
        facts = Some((object_id, plan_id));
        unit_ids.extend(reporter.into_iter().chain(assigned));
    }
    let (object_id, plan_id) = facts?;
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let (task_id, update_id, target_id, value_id) = match subject {
        Subject::Task => (Some(object_id), None, None, None),
        Subject::Update(update) => (Some(object_id), Some(update), None, None),
        Subject::TargetValue(value) => (None, None, Some(object_id), Some(value)),
    };
    Some(Event::Progress(ProgressEvent {
        action: action.as_str().to_owned(),
        plan_id,
        task_id,
        update_id,
        target_id,
        value_id,
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
