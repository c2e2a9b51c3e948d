//! People whose emulation records are kept, and their employments (quá trình công tác). A
//! person's current unit is the unit of the open employment; records follow the person from
//! unit to unit, and a unit merged away stays the unit the time was spent in (its successions
//! in the org graph say what became of it).
//!
//! Birth date, gender, staff category and the employment history are personal data: the policy's
//! `ReadPersonalData` on the person's unit decides who reads them.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use entity::enums::{Gender, StaffCategory};
use entity::{employment, person, unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::{Checks, Edit, apply};
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::page::{Page, PageArgs};
use crate::kernel::query::search_condition;
use crate::kernel::query::{SortKeys, fetch_all, fetch_keyed_page, find};
use crate::kernel::text::{SearchQuery, search_text};
use crate::kernel::time::DayMonthYear;
use crate::kernel::time::today;
use crate::kernel::versioned;
use crate::org::unit::is_active_at;

/// The longest name and position.
pub const MAX_NAME: usize = 200;
pub const MAX_POSITION: usize = 200;
/// The earliest birth date accepted.
pub const EARLIEST_BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(day) => day,
    None => panic!("a valid date"),
};
/// The earliest day an employment may start.
pub const EARLIEST_EMPLOYMENT: NaiveDate = match NaiveDate::from_ymd_opt(1945, 9, 2) {
    Some(day) => day,
    None => panic!("a valid date"),
};
/// How far ahead an employment may be recorded (a transfer decided before it takes effect).
pub const MAX_DAYS_AHEAD: i64 = 366;

crate::versioned!(person, "person");

/// What `people` selects.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// People currently employed in this unit.
    pub unit_id: Option<Uuid>,
    pub search: Option<SearchQuery>,
}

/// `people(filter:)`, by name.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &PersonFilter,
    args: &PageArgs,
    want_total: bool,
) -> DomainResult<Page<person::Model>> {
    let mut select = person::Entity::find();
    if let Some(unit) = filter.unit_id {
        select = select.filter(person::Column::UnitId.eq(unit));
    }
    if let Some(search) = &filter.search {
        select = select.filter(search_condition(person::Column::SearchText, search));
    }
    let keys = SortKeys::then_id(person::Column::SearchText, person::Column::Id, false);
    fetch_keyed_page(db, select, &keys, args, "person:name", want_total).await
}

/// People by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, person::Model>> {
    crate::kernel::query::by_ids::<person::Entity>(db, ids).await
}

/// People's employments, oldest first (one statement).
pub async fn employments_of(
    db: &impl ConnectionTrait,
    people: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<employment::Model>>> {
    let mut result: HashMap<Uuid, Vec<employment::Model>> = HashMap::new();
    if people.is_empty() {
        return Ok(result);
    }
    let rows = fetch_all(
        db,
        find::<employment::Entity>()
            .filter(employment::Column::PersonId.is_in(people.iter().copied()))
            .order_by_asc(employment::Column::StartedOn),
    )
    .await?;
    for row in rows {
        result.entry(row.person_id).or_default().push(row);
    }
    Ok(result)
}

/// A person as `createPerson` records them, with their first employment.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub staff_category: Option<StaffCategory>,
    pub position: Option<String>,
    pub unit_id: UnitId,
    /// When the person joined the unit (today when absent).
    pub started_on: Option<NaiveDate>,
}

/// Changes of `updatePerson` (the unit changes through `recordEmployment`).
#[derive(Debug, Clone, Default)]
pub struct PersonFields {
    pub full_name: Option<String>,
    pub birth_date: Edit<NaiveDate>,
    pub gender: Edit<Gender>,
    pub staff_category: Edit<StaffCategory>,
    pub position: Edit<String>,
}

fn check_birth(checks: &mut Checks, birth: Option<NaiveDate>) {
    if birth.is_some_and(|b| b < EARLIEST_BIRTH || b > today()) {
        checks.fail(
            "birthDate",
            Code::OutOfRange,
            format!(
                "a birth date from {} to today",
                DayMonthYear(EARLIEST_BIRTH)
            ),
        );
    }
}

fn check_start(checks: &mut Checks, field: &str, day: NaiveDate) {
    if day < EARLIEST_EMPLOYMENT || day > today() + Duration::days(MAX_DAYS_AHEAD) {
        checks.fail(
            field,
            Code::OutOfRange,
            format!(
                "from {} to {MAX_DAYS_AHEAD} days ahead",
                DayMonthYear(EARLIEST_EMPLOYMENT)
            ),
        );
    }
}

/// A unit named in an input, or the rejection of that field.
async fn unit_in_input(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: UnitId,
    field: &str,
) -> DomainResult<unit::Model> {
    match unit::Entity::find_by_id(id).one(db).await? {
        Some(unit) => Ok(unit),
        None if actor.sees_missing_objects() => Err(DomainError::Rejected(vec![FieldError::new(
            field,
            Code::NotFound,
            "no such unit",
        )])),
        None => Err(DomainError::Forbidden(
            "only the emulation officers of this person's unit and above keep their records".into(),
        )),
    }
}

/// The person named by `id`, for a change (absent: `NOT_FOUND` to those who may know, else
/// `FORBIDDEN`).
pub async fn find_for_change(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: PersonId,
    field: &str,
) -> DomainResult<person::Model> {
    match person::Entity::find_by_id(id).one(db).await? {
        Some(person) => {
            actor
                .authorize(
                    db,
                    Action::ManageEmulationRecords,
                    Resource::Unit(person.unit_id),
                )
                .await?;
            Ok(person)
        }
        None if actor.sees_missing_objects() => Err(DomainError::Rejected(vec![FieldError::new(
            field,
            Code::NotFound,
            "no such person",
        )])),
        None => Err(DomainError::Forbidden(
            "only the emulation officers of this person's unit and above keep their records".into(),
        )),
    }
}

fn snapshot(person: &person::Model) -> serde_json::Value {
    serde_json::to_value(person).unwrap_or_default()
}

/// Records a person in a unit, with their first employment there.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewPerson,
) -> DomainResult<Change> {
    let unit = unit_in_input(db, actor, input.unit_id, "unitId").await?;
    actor
        .authorize(db, Action::ManageEmulationRecords, Resource::Unit(unit.id))
        .await?;
    let mut checks = Checks(Vec::new());
    let full_name = checks.text("fullName", &input.full_name, MAX_NAME, true);
    let position = checks.optional_text("position", input.position.as_deref(), MAX_POSITION);
    check_birth(&mut checks, input.birth_date);
    let started_on = input.started_on.unwrap_or_else(today);
    check_start(&mut checks, "startedOn", started_on);
    if !is_active_at(&unit, started_on) {
        checks.fail(
            "unitId",
            Code::UnitClosed,
            format!("{} is not open on {}", unit.name, DayMonthYear(started_on)),
        );
    }
    if input.birth_date.is_some_and(|birth| started_on < birth) {
        checks.fail(
            "startedOn",
            Code::DateOrder,
            "an employment starts after the person's birth",
        );
    }
    checks.finish()?;
    let now = Utc::now();
    let stored = person::Model {
        id: Uuid::now_v7(),
        search_text: search_text([Some(full_name.as_str())]),
        full_name,
        birth_date: input.birth_date,
        gender: input.gender,
        staff_category: input.staff_category,
        position: position.clone(),
        unit_id: unit.id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    employment::Model {
        id: Uuid::now_v7(),
        person_id: stored.id,
        unit_id: unit.id,
        position,
        started_on,
        ended_on: None,
        created_at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    Ok(Change {
        action: AuditAction::PersonCreate,
        object_type: ObjectType::Person,
        object_id: stored.id,
        scope_unit_id: Some(unit.id),
        before: None,
        after: Some(snapshot(&stored)),
    })
}

/// Changes a person's name and personal data (optimistic: `version` is the one read).
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: PersonId,
    version: i32,
    fields: PersonFields,
) -> DomainResult<Change> {
    let before = find_for_change(db, actor, id, "id").await?;
    versioned::check_version(&before, version)?;
    let mut checks = Checks(Vec::new());
    let mut next = before.clone();
    if let Some(name) = &fields.full_name {
        next.full_name = checks.text("fullName", name, MAX_NAME, true);
        next.search_text = search_text([Some(next.full_name.as_str())]);
    }
    next.birth_date = apply(fields.birth_date, next.birth_date);
    check_birth(&mut checks, next.birth_date);
    next.gender = apply(fields.gender, next.gender);
    next.staff_category = apply(fields.staff_category, next.staff_category);
    next.position = match fields.position {
        Edit::Set(text) => checks.optional_text("position", Some(&text), MAX_POSITION),
        other => apply(other, next.position),
    };
    checks.finish()?;
    let saved = versioned::save(db, next, version).await?;
    Ok(Change {
        action: AuditAction::PersonUpdate,
        object_type: ObjectType::Person,
        object_id: saved.id,
        scope_unit_id: Some(saved.unit_id),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&saved)),
    })
}

/// An employment as `recordEmployment` records it.
#[derive(Debug, Clone)]
pub struct NewEmployment {
    pub person_id: PersonId,
    /// The person's version as read (the current unit may change).
    pub version: i32,
    pub unit_id: UnitId,
    pub position: Option<String>,
    pub started_on: NaiveDate,
    /// Set for a past employment filled into the history; absent for a move (the current
    /// employment ends the day before this one starts, and this one becomes the current one).
    pub ended_on: Option<NaiveDate>,
}

/// Records an employment: a move to another unit (the current one ends the day before), or a
/// past period filled into the history (which must not overlap another). The officer must keep
/// the records of both the unit left and the unit joined.
pub async fn record_employment(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewEmployment,
) -> DomainResult<Change> {
    let before = find_for_change(db, actor, input.person_id, "personId").await?;
    versioned::check_version(&before, input.version)?;
    let unit = unit_in_input(db, actor, input.unit_id, "unitId").await?;
    actor
        .authorize(db, Action::ManageEmulationRecords, Resource::Unit(unit.id))
        .await?;
    let mut checks = Checks(Vec::new());
    let position = checks.optional_text("position", input.position.as_deref(), MAX_POSITION);
    check_start(&mut checks, "startedOn", input.started_on);
    let history = employments_of(db, &[before.id])
        .await?
        .remove(&before.id)
        .unwrap_or_default();
    let last_day = input.ended_on.unwrap_or(NaiveDate::MAX);
    if input.ended_on.is_some_and(|end| end < input.started_on) {
        checks.fail(
            "endedOn",
            Code::DateOrder,
            "an employment ends on or after it starts",
        );
    }
    if unit.active_from.is_some_and(|from| from > input.started_on)
        || unit
            .active_to
            .is_some_and(|to| to < input.ended_on.unwrap_or(input.started_on))
    {
        checks.fail(
            "unitId",
            Code::UnitClosed,
            format!(
                "{} was not open on {}",
                unit.name,
                DayMonthYear(input.started_on)
            ),
        );
    }
    if before.birth_date.is_some_and(|b| input.started_on < b) {
        checks.fail(
            "startedOn",
            Code::DateOrder,
            "an employment starts after the person's birth",
        );
    }
    let mut closes = None;
    match input.ended_on {
        Some(_) => {
            // A past period: no overlap with any other (the open one runs to today and on).
            if let Some(other) = history.iter().find(|e| {
                e.started_on <= last_day && input.started_on <= e.ended_on.unwrap_or(NaiveDate::MAX)
            }) {
                checks.fail(
                    "startedOn",
                    Code::DateOrder,
                    format!(
                        "this overlaps the employment from {}",
                        DayMonthYear(other.started_on)
                    ),
                );
            }
        }
        None => {
            // A move: after every recorded start; the open employment ends the day before.
            if let Some(latest) = history.last()
                && input.started_on <= latest.started_on
            {
                checks.fail(
                    "startedOn",
                    Code::DateOrder,
                    format!(
                        "a move starts after the latest employment ({}); fill earlier periods in with endedOn",
                        DayMonthYear(latest.started_on)
                    ),
                );
            }
            closes = history.iter().find(|e| e.ended_on.is_none()).cloned();
            if let Some(open) = &closes
                && open.unit_id == unit.id
                && position == open.position
            {
                checks.fail(
                    "unitId",
                    Code::Invalid,
                    "the person already works in this unit in this position",
                );
            }
        }
    }
    checks.finish()?;
    let now = Utc::now();
    if let Some(open) = closes {
        let mut active = open.into_active_model();
        active.ended_on = sea_orm::Set(Some(input.started_on - Duration::days(1)));
        active.update(db).await?;
    }
    employment::Model {
        id: Uuid::now_v7(),
        person_id: before.id,
        unit_id: unit.id,
        position: position.clone(),
        started_on: input.started_on,
        ended_on: input.ended_on,
        created_at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await
    .map_err(|e| match DomainError::from(e) {
        DomainError::Conflict(_) => DomainError::Conflict(
            "another employment of this person starting that day was recorded at the same moment"
                .into(),
        ),
        other => other,
    })?;
    // The person's version moves on with every employment, so two officers moving the same
    // person at once cannot both succeed.
    let mut next = before.clone();
    if input.ended_on.is_none() {
        next.unit_id = unit.id;
        next.position = position;
    }
    let saved = versioned::save(db, next, input.version).await?;
    Ok(Change {
        action: AuditAction::EmploymentRecord,
        object_type: ObjectType::Person,
        object_id: saved.id,
        scope_unit_id: Some(unit.id),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&saved)),
    })
}
