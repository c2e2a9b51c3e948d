//! "Assigned to this unit": directly, or through a group the unit belongs to on a date.

use std::borrow::Cow;

use chrono::NaiveDate;
use entity::assignment;
use entity::enums::AssignmentRole;
use sea_orm::sea_query::{Query, SelectStatement, UnionType};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait};
use uuid::Uuid;

use super::error::{DomainError, DomainResult};
use super::{time, unit, unit_group};

/// The ids in `subject` (`assignment.task_id` or `assignment.target_id`) assigned in `roles`
/// (any role when empty) to `unit_id` (anyone when `None`). Direct and group assignments are
/// two index scans joined by `UNION ALL`: one `OR` over both columns makes PostgreSQL walk the
/// whole task list instead. `known_unit` is the unit when the caller has already read it (a
/// `Unit`'s own lists): it saves reading it again.
pub async fn assigned(
    db: &impl ConnectionTrait,
    subject: assignment::Column,
    unit_id: Option<Uuid>,
    known_unit: Option<&entity::unit::Model>,
    roles: &[AssignmentRole],
    as_of: Option<NaiveDate>,
) -> DomainResult<SelectStatement> {
    let select = |extra: Condition| {
        let mut on = Condition::all().add(subject.is_not_null()).add(extra);
        if !roles.is_empty() {
            on = on.add(assignment::Column::Role.is_in(roles.iter().copied()));
        }
        Query::select()
            .column(subject)
            .from(assignment::Entity)
            .cond_where(on)
            .to_owned()
    };
    let Some(unit_id) = unit_id else {
        return Ok(select(Condition::all()));
    };
    let unit = match known_unit.filter(|u| u.id == unit_id) {
        Some(unit) => Cow::Borrowed(unit),
        None => Cow::Owned(
            unit::by_ids(db, &[unit_id])
                .await?
                .remove(&unit_id)
                .ok_or(DomainError::NotFound { entity: "unit" })?,
        ),
    };
    let mut direct = select(Condition::all().add(assignment::Column::UnitId.eq(unit_id)));
    if let Some(groups) = unit_group::containing(&unit, as_of.unwrap_or_else(time::today)) {
        direct.union(
            UnionType::All,
            select(Condition::all().add(assignment::Column::GroupId.in_subquery(groups))),
        );
    }
    Ok(direct)
}
