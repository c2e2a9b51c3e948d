//! Progress reporting (báo cáo tiến độ): reporting regimes, periods and deadlines, submissions
//! and roll-ups. Today's progress updates are read through `planning::task`.

pub mod attainment;
pub mod calendar;
pub mod completion;
pub mod contribution;
pub mod deadline;
pub mod events;
pub mod export;
pub mod extension;
pub mod progress;
pub mod regime;
pub mod reminder;
pub mod request;
pub mod scorecard;
pub mod submission;

use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldErrorCode};
use crate::kernel::period::{CutOffRule, PeriodCode};

/// A task with the unit that issued its plan (whose admins read the audit events of its
/// reporting), in one statement: a writer waits for every round trip of its transaction.
pub(crate) async fn task_with_issuer(
    db: &impl ConnectionTrait,
    task_id: Uuid,
) -> DomainResult<Option<(entity::task::Model, Option<Uuid>)>> {
    use sea_orm::{QuerySelect, sea_query::JoinType};
    let found = entity::task::Entity::find_by_id(task_id)
        .select_also(entity::plan::Entity)
        .join(
            JoinType::LeftJoin,
            entity::task::Entity::belongs_to(entity::plan::Entity)
                .from(entity::task::Column::PlanId)
                .to(entity::plan::Column::Id)
                .into(),
        )
        .one(db)
        .await?;
    Ok(found.map(|(task, plan)| (task, plan.map(|p| p.issuer_id))))
}

/// The unit that issued a plan (whose admins read the audit events of its reporting).
pub(crate) async fn plan_issuer(
    db: &impl ConnectionTrait,
    plan_id: Uuid,
) -> DomainResult<Option<Uuid>> {
    Ok(entity::plan::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .map(|p| p.issuer_id))
}

/// Refuses, on `period`, a period whose data window has not begun (nothing to report yet).
pub(crate) fn check_period_begun(checks: &mut Checks, period: PeriodCode) {
    if let Some((opens, _)) = period.data_window(CutOffRule::Calendar)
        && crate::kernel::time::today() < opens
    {
        checks.fail(
            "period",
            FieldErrorCode::InvalidState,
            format!("{period} has not begun"),
        );
    }
}
