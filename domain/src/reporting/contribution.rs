//! Contributions of a task's cooperating units (phối hợp, b2 in domain.md): they may say what
//! they did for a period, but only the lead and implementing units report the task's percent
//! and status (`progress`), so a contribution moves no figure.

use std::collections::HashMap;

use chrono::Utc;
use entity::enums::AssignmentRole;
use entity::task_contribution;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::completion::{Reporter, task_and_reporter};
use crate::access::Actor;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{TaskId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::period::PeriodCode;

/// The longest contribution.
pub const MAX_NARRATIVE: usize = 20_000;

/// A contribution as a cooperating unit sends it (`addContribution`).
#[derive(Debug, Clone)]
pub struct ContributionInput {
    pub task_id: TaskId,
    pub unit_id: UnitId,
    pub period: PeriodCode,
    pub narrative: String,
}

/// Records what a cooperating unit did for a task in a period.
pub async fn add(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: ContributionInput,
) -> DomainResult<Change> {
    let reporter = task_and_reporter(db, actor, input.task_id, input.unit_id).await?;
    let mut checks = Checks(Vec::new());
    let narrative = checks.text("narrative", &input.narrative, MAX_NARRATIVE, true);
    super::check_period_begun(&mut checks, input.period);
    checks.finish()?;
    let cooperates = reporter.is_in(db, &[AssignmentRole::Cooperating]).await?;
    let Reporter {
        task, unit, issuer, ..
    } = reporter;
    if !cooperates {
        return Err(rejected(
            "unitId",
            Code::Invalid,
            format!(
                "{} does not cooperate on this task: its lead and implementing units report progress instead",
                unit.name
            ),
        ));
    }
    let now = Utc::now();
    let stored = task_contribution::Model {
        id: Uuid::now_v7(),
        task_id: task.id,
        unit_id: unit.id,
        period_code: input.period.to_string(),
        narrative,
        reported_by: Some(actor.principal.subject.clone()),
        reported_at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    Ok(Change {
        action: AuditAction::ContributionAdd,
        object_type: ObjectType::TaskContribution,
        object_id: stored.id,
        scope_unit_id: issuer,
        before: None,
        after: Some(serde_json::json!({
            "task_id": stored.task_id, "unit_id": stored.unit_id,
            "period_code": stored.period_code, "narrative": stored.narrative,
        })),
    })
}

/// Tasks' contributions, newest first (one statement).
pub async fn of_tasks(
    db: &impl ConnectionTrait,
    task_ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<task_contribution::Model>>> {
    let mut result: HashMap<Uuid, Vec<task_contribution::Model>> = HashMap::new();
    if task_ids.is_empty() {
        return Ok(result);
    }
    let rows = task_contribution::Entity::find()
        .filter(task_contribution::Column::TaskId.is_in(task_ids.iter().copied()))
        .order_by_desc(task_contribution::Column::ReportedAt)
        .order_by_desc(task_contribution::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        result.entry(row.task_id).or_default().push(row);
    }
    Ok(result)
}
