//! A task with what its mutations check: its plan, its assignments and, for a report, the unit
//! reporting on it, read in one statement (each round trip of a mutation is a wait for a writer
//! holding its transaction open).

use entity::{assignment, plan, task, unit};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType};
use sea_orm::{
    ConnectionTrait, EntityTrait, Iterable, QueryOrder, QuerySelect, QueryTrait, RelationTrait,
};
use uuid::Uuid;

use crate::kernel::error::DomainResult;
use crate::kernel::query::with_columns_of;
use crate::kernel::rows::{ColumnSet, Columns, DecodeRow};

/// A task, its plan and its assignments, as one statement read them.
#[derive(Debug, Clone)]
pub struct TaskFacts {
    pub task: task::Model,
    pub plan: plan::Model,
    /// Every role, lead first (then by position), as [`super::assignments`] lists them.
    pub assignments: Vec<assignment::Model>,
    /// The unit asked for with the task, when it exists.
    pub unit: Option<unit::Model>,
}

/// The task `task_id` with its plan, its assignments and, when `unit_id` is given, that unit
/// (whatever the task: it is joined on its id alone); `None` when there is no such task.
pub async fn read(
    db: &impl ConnectionTrait,
    task_id: Uuid,
    unit_id: Option<Uuid>,
) -> DomainResult<Option<TaskFacts>> {
    // One row per assignment (one with NULL assignment columns when there is none): the
    // task's columns, the assignment's, the plan's, then the unit's.
    let mut query = with_columns_of::<assignment::Entity, _>(task::Entity::find_by_id(task_id))
        .join(JoinType::LeftJoin, assignment::Relation::Task.def().rev())
        .join(
            JoinType::InnerJoin,
            task::Entity::belongs_to(plan::Entity)
                .from(task::Column::PlanId)
                .to(plan::Column::Id)
                .into(),
        )
        .columns(plan::Column::iter())
        .order_by_asc(assignment::Column::Position)
        .into_query();
    if let Some(unit_id) = unit_id {
        let asked = Alias::new("asked_unit");
        query
            .join_as(
                JoinType::LeftJoin,
                unit::Entity,
                asked.clone(),
                Expr::col((asked.clone(), unit::Column::Id)).eq(unit_id),
            )
            .columns(unit::Column::iter().map(|c| (asked.clone(), c)));
    }
    let rows = db.query_all(&query).await?;
    let mut found: Option<TaskFacts> = None;
    for row in &rows {
        let mut columns = Columns::at(row, 0);
        let (task, assignment) = <(task::Model, Option<assignment::Model>)>::decode(&mut columns)?;
        match &mut found {
            Some(facts) => facts.assignments.extend(assignment),
            None => {
                columns.start_model(ColumnSet::ALL);
                let plan = plan::Model::decode(&mut columns)?;
                let unit = match unit_id.is_some() && !columns.next_is_null()? {
                    true => Some(unit::Model::decode(&mut columns)?),
                    false => None,
                };
                found = Some(TaskFacts {
                    task,
                    plan,
                    assignments: assignment.into_iter().collect(),
                    unit,
                });
            }
        }
    }
    if let Some(facts) = &mut found {
        crate::planning::assignment::sort_lead_first(&mut facts.assignments);
    }
    Ok(found)
}
