//! Emulation movements (phong trào thi đua), their rounds (đợt xét: annual, sơ kết, tổng kết)
//! and registrations (đăng ký thi đua). A movement is launched by a unit, usually through a
//! movement plan; a round says which achievement window it rewards, when nominations are
//! received, which award types it offers and with what quotas.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use entity::enums::{AwardSubject, MovementKind, MovementLevel, RegistrationRule, RoundKind};
use entity::{emulation_movement, emulation_registration, emulation_round, plan, unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::catalogue;
use super::record::Subject;
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::ids::{MovementId, PlanId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::page::{Page, PageArgs};
use crate::kernel::query::{SortKeys, fetch_keyed_page};
use crate::kernel::text::{SearchQuery, search_text};
use crate::kernel::time::DayMonthYear;

pub const MAX_NAME: usize = 500;
pub const MAX_CRITERIA: usize = 10_000;
/// The most award types a round offers, and quotas it sets.
pub const MAX_AWARD_CODES: usize = 30;
/// The longest a movement runs, in years.
pub const MAX_MOVEMENT_YEARS: i32 = 10;

/// A movement as `createMovement` launches it.
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub plan_id: Option<PlanId>,
    pub launcher_unit_id: UnitId,
    pub level: MovementLevel,
    pub name: String,
    pub kind: MovementKind,
    pub parent_movement_id: Option<MovementId>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub subjects: Vec<AwardSubject>,
    pub collective_criteria: Option<String>,
    pub individual_criteria: Option<String>,
    pub registration_rule: RegistrationRule,
}

/// Launches a movement (the launching unit's emulation officers and administrators, or above).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewMovement,
) -> DomainResult<Change> {
    actor
        .authorize(
            db,
            Action::ManageMovements,
            Resource::Unit(input.launcher_unit_id.uuid()),
        )
        .await?;
    let mut checks = Checks(Vec::new());
    let name = checks.text("name", &input.name, MAX_NAME, true);
    let collective_criteria = checks.optional_text(
        "collectiveCriteria",
        input.collective_criteria.as_deref(),
        MAX_CRITERIA,
    );
    let individual_criteria = checks.optional_text(
        "individualCriteria",
        input.individual_criteria.as_deref(),
        MAX_CRITERIA,
    );
    if input.ends_on < input.starts_on {
        checks.fail(
            "endsOn",
            Code::DateOrder,
            "a movement ends on or after it starts",
        );
    } else if input.ends_on.year() - input.starts_on.year() > MAX_MOVEMENT_YEARS {
        checks.fail(
            "endsOn",
            Code::OutOfRange,
            format!("a movement runs at most {MAX_MOVEMENT_YEARS} years"),
        );
    }
    let mut subjects: Vec<AwardSubject> = Vec::new();
    for s in &input.subjects {
        if !subjects.contains(s) {
            subjects.push(*s);
        }
    }
    if subjects.is_empty() {
        checks.fail(
            "subjects",
            Code::Required,
            "name who takes part (INDIVIDUAL, COLLECTIVE)",
        );
    }
    if unit::Entity::find_by_id(input.launcher_unit_id)
        .one(db)
        .await?
        .is_none()
    {
        checks.fail("launcherUnitId", Code::NotFound, "no such unit");
    }
    if let Some(plan_id) = input.plan_id
        && plan::Entity::find_by_id(plan_id).one(db).await?.is_none()
    {
        checks.fail("planId", Code::NotFound, "no such plan");
    }
    if let Some(parent) = input.parent_movement_id {
        match emulation_movement::Entity::find_by_id(parent)
            .one(db)
            .await?
        {
            None => checks.fail("parentMovementId", Code::NotFound, "no such movement"),
            Some(p) if p.ends_on < input.starts_on => checks.fail(
                "parentMovementId",
                Code::DateOrder,
                format!(
                    "the movement it implements ended on {}",
                    DayMonthYear(p.ends_on)
                ),
            ),
            Some(_) => {}
        }
    }
    checks.finish()?;
    let now = Utc::now();
    let stored = emulation_movement::Model {
        id: Uuid::now_v7(),
        plan_id: input.plan_id.map(Uuid::from),
        launcher_unit_id: input.launcher_unit_id.uuid(),
        level: input.level,
        search_text: search_text([Some(name.as_str())]),
        name,
        kind: input.kind,
        parent_movement_id: input.parent_movement_id.map(Uuid::from),
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        subjects: catalogue::format_list(&subjects),
        collective_criteria,
        individual_criteria,
        registration_rule: input.registration_rule,
        version: 1,
        created_by: Some(actor.principal.subject.clone()),
        created_at: now,
        updated_at: now,
    };
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    Ok(Change {
        action: AuditAction::MovementCreate,
        object_type: ObjectType::Movement,
        object_id: stored.id,
        scope_unit_id: Some(stored.launcher_unit_id),
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

/// A round's quota (chỉ tiêu khen thưởng) on one award type: a count for the whole round at
/// one council, a share of each nominating unit's staff, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    pub award_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_share_percent: Option<i32>,
}

impl Quota {
    /// What an error calls it.
    pub fn describe(&self) -> String {
        match (self.max_count, self.max_share_percent) {
            (Some(n), Some(p)) => format!(
                "the quota of {} (at most {n}, and at most {p} % of a unit's staff)",
                self.award_code
            ),
            (Some(n), None) => format!("the quota of {} (at most {n})", self.award_code),
            (None, Some(p)) => format!(
                "the quota of {} (at most {p} % of a unit's staff)",
                self.award_code
            ),
            (None, None) => format!("the quota of {}", self.award_code),
        }
    }
}

/// The quotas of a round as stored.
pub fn quotas(round: &emulation_round::Model) -> Vec<Quota> {
    serde_json::from_value(round.quotas.clone()).unwrap_or_default()
}

/// The award codes a round offers.
pub fn award_codes(round: &emulation_round::Model) -> Vec<String> {
    round
        .award_codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A round as `openRound` opens it.
#[derive(Debug, Clone)]
pub struct NewRound {
    pub movement_id: MovementId,
    pub kind: RoundKind,
    pub name: String,
    pub achievement_from: NaiveDate,
    pub achievement_to: NaiveDate,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub award_codes: Vec<String>,
    pub quotas: Vec<Quota>,
}

/// Opens a round of a movement (who may run the movement).
pub async fn open_round(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewRound,
) -> DomainResult<Change> {
    let Some(movement) = emulation_movement::Entity::find_by_id(input.movement_id)
        .one(db)
        .await?
    else {
        return Err(crate::kernel::error::rejected(
            "movementId",
            Code::NotFound,
            "no such movement",
        ));
    };
    actor
        .authorize(
            db,
            Action::ManageMovements,
            Resource::Unit(movement.launcher_unit_id),
        )
        .await?;
    let mut checks = Checks(Vec::new());
    let name = checks.text("name", &input.name, MAX_NAME, true);
    if input.achievement_to < input.achievement_from {
        checks.fail(
            "achievementTo",
            Code::DateOrder,
            "the achievement window ends on or after it begins",
        );
    }
    if input.closes_on < input.opens_on {
        checks.fail(
            "closesOn",
            Code::DateOrder,
            "a round closes on or after it opens",
        );
    }
    if input.achievement_from < movement.starts_on || input.achievement_to > movement.ends_on {
        checks.fail(
            "achievementFrom",
            Code::OutOfRange,
            format!(
                "a round rewards achievements within the movement ({}–{})",
                DayMonthYear(movement.starts_on),
                DayMonthYear(movement.ends_on)
            ),
        );
    }
    let mut codes: Vec<String> = Vec::new();
    for code in &input.award_codes {
        let code = code.trim().to_owned();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.is_empty() {
        checks.fail(
            "awardCodes",
            Code::Required,
            "name the award types the round offers",
        );
    }
    if codes.len() > MAX_AWARD_CODES || input.quotas.len() > MAX_AWARD_CODES {
        checks.fail(
            "awardCodes",
            Code::OutOfRange,
            format!("a round offers at most {MAX_AWARD_CODES} award types"),
        );
    }
    let known = catalogue::versions_of(db, &codes).await?;
    for (i, code) in codes.iter().enumerate() {
        if !known.contains_key(code) {
            checks.0.push(FieldError::at(
                &["awardCodes", &i.to_string()],
                Code::NotFound,
                format!("{code} is not an award type of the catalogue"),
            ));
        }
    }
    for (i, quota) in input.quotas.iter().enumerate() {
        let at = i.to_string();
        if !codes.contains(&quota.award_code) {
            checks.0.push(FieldError::at(
                &["quotas", &at, "awardCode"],
                Code::Invalid,
                format!("{} is not offered by this round", quota.award_code),
            ));
        }
        if quota.max_count.is_none() && quota.max_share_percent.is_none() {
            checks.0.push(FieldError::at(
                &["quotas", &at],
                Code::Required,
                "a quota sets `maxCount`, `maxSharePercent` or both",
            ));
        }
        if quota.max_count.is_some_and(|n| !(0..=100_000).contains(&n)) {
            checks.0.push(FieldError::at(
                &["quotas", &at, "maxCount"],
                Code::OutOfRange,
                "a count from 0 to 100 000",
            ));
        }
        if quota
            .max_share_percent
            .is_some_and(|p| !(0..=100).contains(&p))
        {
            checks.0.push(FieldError::at(
                &["quotas", &at, "maxSharePercent"],
                Code::OutOfRange,
                "a share from 0 to 100 per cent",
            ));
        }
        if input.quotas[..i]
            .iter()
            .any(|q| q.award_code == quota.award_code)
        {
            checks.0.push(FieldError::at(
                &["quotas", &at, "awardCode"],
                Code::Duplicate,
                "one quota per award type",
            ));
        }
    }
    checks.finish()?;
    let now = Utc::now();
    let stored = emulation_round::Model {
        id: Uuid::now_v7(),
        movement_id: movement.id,
        kind: input.kind,
        name,
        achievement_from: input.achievement_from,
        achievement_to: input.achievement_to,
        opens_on: input.opens_on,
        closes_on: input.closes_on,
        award_codes: codes.join(","),
        quotas: serde_json::to_value(&input.quotas).unwrap_or_default(),
        version: 1,
        created_by: Some(actor.principal.subject.clone()),
        created_at: now,
        updated_at: now,
    };
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    Ok(Change {
        action: AuditAction::RoundOpen,
        object_type: ObjectType::Round,
        object_id: stored.id,
        scope_unit_id: Some(movement.launcher_unit_id),
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

/// A registration as `register` records it.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub movement_id: MovementId,
    pub year: i32,
    pub subject: Subject,
    pub award_code: String,
    pub registered_on: NaiveDate,
}

/// The unit that acts for a subject: a person's unit, or the collective itself (`None` when
/// the subject does not exist).
pub async fn unit_of(db: &impl ConnectionTrait, subject: Subject) -> DomainResult<Option<Uuid>> {
    Ok(match subject {
        Subject::Person(id) => entity::person::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.unit_id),
        Subject::Unit(id) => unit::Entity::find_by_id(id).one(db).await?.map(|u| u.id),
    })
}

/// Registers a person or a collective for a title in a movement's year (the subject's unit);
/// registering again changes nothing.
pub async fn register(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewRegistration,
) -> DomainResult<Change> {
    let Some(unit) = unit_of(db, input.subject).await? else {
        return Err(crate::kernel::error::rejected(
            "subjectId",
            Code::NotFound,
            "no such person or unit",
        ));
    };
    actor
        .authorize(db, Action::HandleNominations, Resource::Unit(unit))
        .await?;
    let mut checks = Checks(Vec::new());
    let movement = emulation_movement::Entity::find_by_id(input.movement_id)
        .one(db)
        .await?;
    match &movement {
        None => checks.fail("movementId", Code::NotFound, "no such movement"),
        Some(m) if !(m.starts_on.year()..=m.ends_on.year()).contains(&input.year) => checks.fail(
            "year",
            Code::OutOfRange,
            format!(
                "the movement runs from {} to {}",
                m.starts_on.year(),
                m.ends_on.year()
            ),
        ),
        Some(m)
            if !m
                .subjects
                .split(',')
                .any(|s| s == input.subject.kind_name()) =>
        {
            checks.fail(
                "subjectId",
                Code::Invalid,
                format!(
                    "this movement is for {}",
                    m.subjects.replace(',', ", ").to_lowercase()
                ),
            )
        }
        Some(_) => {}
    }
    let code = input.award_code.trim().to_owned();
    let known = catalogue::versions_of(db, std::slice::from_ref(&code)).await?;
    match known.get(&code).and_then(|v| v.last()) {
        None => checks.fail("awardCode", Code::NotFound, "no such award type"),
        Some(v) if !v.subjects().contains(&input.subject.kind()) => checks.fail(
            "awardCode",
            Code::Invalid,
            format!("{} is not given to this kind of subject", v.model.name),
        ),
        Some(_) => {}
    }
    if input.registered_on > crate::kernel::time::today() {
        checks.fail(
            "registeredOn",
            Code::OutOfRange,
            "a registration is dated today or earlier",
        );
    }
    checks.finish()?;
    let existing = emulation_registration::Entity::find()
        .filter(emulation_registration::Column::SubjectId.eq(input.subject.id()))
        .filter(emulation_registration::Column::MovementId.eq(input.movement_id))
        .filter(emulation_registration::Column::Year.eq(input.year))
        .filter(emulation_registration::Column::AwardCode.eq(code.as_str()))
        .one(db)
        .await?;
    let stored = match existing {
        Some(existing) => existing,
        None => {
            let stored = emulation_registration::Model {
                id: Uuid::now_v7(),
                movement_id: input.movement_id.uuid(),
                year: input.year,
                subject_kind: input.subject.kind(),
                subject_id: input.subject.id(),
                award_code: code,
                unit_id: unit,
                registered_on: input.registered_on,
                created_by: Some(actor.principal.subject.clone()),
                created_at: Utc::now(),
            };
            stored
                .clone()
                .into_active_model()
                .reset_all()
                .insert(db)
                .await?;
            stored
        }
    };
    Ok(Change {
        action: AuditAction::Register,
        object_type: ObjectType::Registration,
        object_id: stored.id,
        scope_unit_id: Some(unit),
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

/// What `movements` lists.
#[derive(Debug, Clone, Default)]
pub struct MovementFilter {
    pub launcher_unit_id: Option<Uuid>,
    pub active_on: Option<NaiveDate>,
    pub search: Option<SearchQuery>,
}

/// `movements(filter:)`, newest first (movements are public: they are launched by published
/// plans).
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &MovementFilter,
    args: &PageArgs,
    want_total: bool,
) -> DomainResult<Page<emulation_movement::Model>> {
    let mut select = emulation_movement::Entity::find();
    if let Some(unit) = filter.launcher_unit_id {
        select = select.filter(emulation_movement::Column::LauncherUnitId.eq(unit));
    }
    if let Some(day) = filter.active_on {
        select = select
            .filter(emulation_movement::Column::StartsOn.lte(day))
            .filter(emulation_movement::Column::EndsOn.gte(day));
    }
    if let Some(query) = &filter.search {
        select = select.filter(crate::kernel::query::search_condition(
            emulation_movement::Column::SearchText,
            query,
        ));
    }
    let keys = SortKeys::then_id(
        emulation_movement::Column::StartsOn,
        emulation_movement::Column::Id,
        true,
    );
    fetch_keyed_page(db, select, &keys, args, "movement:newest", want_total).await
}

/// Movements by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, emulation_movement::Model>> {
    crate::kernel::query::by_ids::<emulation_movement::Entity>(db, ids).await
}

/// Rounds by id.
pub async fn rounds_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, emulation_round::Model>> {
    crate::kernel::query::by_ids::<emulation_round::Entity>(db, ids).await
}

/// The rounds of these movements, earliest window first, by movement (one statement).
pub async fn rounds_of(
    db: &impl ConnectionTrait,
    movements: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<emulation_round::Model>>> {
    let mut by_movement: HashMap<Uuid, Vec<emulation_round::Model>> =
        movements.iter().map(|m| (*m, Vec::new())).collect();
    for round in emulation_round::Entity::find()
        .filter(emulation_round::Column::MovementId.is_in(movements.iter().copied()))
        .order_by_asc(emulation_round::Column::AchievementTo)
        .order_by_asc(emulation_round::Column::Id)
        .all(db)
        .await?
    {
        by_movement
            .entry(round.movement_id)
            .or_default()
            .push(round);
    }
    Ok(by_movement)
}

/// What `rounds` lists.
#[derive(Debug, Clone, Default)]
pub struct RoundFilter {
    pub movement_id: Option<Uuid>,
    /// Rounds receiving nominations on this day.
    pub open_on: Option<NaiveDate>,
}

/// `rounds(filter:)`, latest window first.
pub async fn list_rounds(
    db: &impl ConnectionTrait,
    filter: &RoundFilter,
    args: &PageArgs,
    want_total: bool,
) -> DomainResult<Page<emulation_round::Model>> {
    let mut select = emulation_round::Entity::find();
    if let Some(movement) = filter.movement_id {
        select = select.filter(emulation_round::Column::MovementId.eq(movement));
    }
    if let Some(day) = filter.open_on {
        select = select
            .filter(emulation_round::Column::OpensOn.lte(day))
            .filter(emulation_round::Column::ClosesOn.gte(day));
    }
    let keys = SortKeys::then_id(
        emulation_round::Column::AchievementTo,
        emulation_round::Column::Id,
        true,
    );
    fetch_keyed_page(db, select, &keys, args, "round:latest", want_total).await
}

/// What `registrations` lists.
#[derive(Debug, Clone, Default)]
pub struct RegistrationFilter {
    pub movement_id: Option<Uuid>,
    pub year: Option<i32>,
    pub subject_id: Option<Uuid>,
    /// Registrations of these units only (`None`: all).
    pub units: Option<Vec<Uuid>>,
}

/// `registrations(filter:)`, newest first.
pub async fn list_registrations(
    db: &impl ConnectionTrait,
    filter: &RegistrationFilter,
    args: &PageArgs,
    want_total: bool,
) -> DomainResult<Page<emulation_registration::Model>> {
    let mut select = emulation_registration::Entity::find();
    if let Some(movement) = filter.movement_id {
        select = select.filter(emulation_registration::Column::MovementId.eq(movement));
    }
    if let Some(year) = filter.year {
        select = select.filter(emulation_registration::Column::Year.eq(year));
    }
    if let Some(subject) = filter.subject_id {
        select = select.filter(emulation_registration::Column::SubjectId.eq(subject));
    }
    if let Some(units) = &filter.units {
        select = select.filter(emulation_registration::Column::UnitId.is_in(units.iter().copied()));
    }
    let keys = SortKeys::then_id(
        emulation_registration::Column::RegisteredOn,
        emulation_registration::Column::Id,
        true,
    );
    fetch_keyed_page(db, select, &keys, args, "registration:newest", want_total).await
}

/// Whether a registration exists for the subject, title, movement and year.
pub async fn is_registered(
    db: &impl ConnectionTrait,
    movement: Uuid,
    year: i32,
    subject: Uuid,
    award_code: &str,
) -> DomainResult<bool> {
    Ok(emulation_registration::Entity::find()
        .filter(emulation_registration::Column::SubjectId.eq(subject))
        .filter(emulation_registration::Column::MovementId.eq(movement))
        .filter(emulation_registration::Column::Year.eq(year))
        .filter(emulation_registration::Column::AwardCode.eq(award_code))
        .one(db)
        .await?
        .is_some())
}
