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
