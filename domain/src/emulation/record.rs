//! Emulation records (thành tích): awards and titles received, yearly duty ratings,
//! disciplines and initiatives. They are what eligibility is judged from, so they are checked
//! where they enter: an award is tied to the catalogue version in force at the end of its
//! achievement window, one achievement is not rewarded twice (Luật Thi đua, khen thưởng 2022
//! Điều 5 k2), and revoking a record flags every later record of the recipient whose rule
//! relied on it.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use entity::enums::{
    AchievementKind, AwardCategory, AwardRecordStatus, AwardSubject, DisciplineForm,
    DutyRatingLevel, InitiativeKind, InitiativeScope,
};
use entity::{award_record, discipline, duty_rating, initiative, initiative_author, person, unit};
use sea_orm::sea_query::JoinType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

use super::catalogue::{self, AwardTypeVersion};
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::ids::{AwardRecordId, AwardTypeId, PersonId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::query::{
    SortKeys, fetch_all, fetch_keyed_page, fetch_pairs, find, with_columns_of,
};
use crate::kernel::time::DayMonthYear;
use crate::kernel::time::today;
use crate::kernel::values::DocumentNumber;
use crate::kernel::versioned;

/// The earliest year a record may belong to.
pub const EARLIEST_YEAR: i32 = 1945;
/// The longest issuer name and reason (a decision's number is a `DocumentNumber`).
pub const MAX_ISSUER: usize = 300;
pub const MAX_REASON: usize = 2_000;
pub const MAX_TITLE: usize = 500;
/// The most authors of one initiative.
pub const MAX_AUTHORS: usize = 20;

crate::versioned!(award_record, "award record");

/// Who a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Person(Uuid),
    Unit(Uuid),
}

impl Subject {
    pub fn id(self) -> Uuid {
        match self {
            Self::Person(id) | Self::Unit(id) => id,
        }
    }

    pub fn kind(self) -> AwardSubject {
        match self {
            Self::Person(_) => AwardSubject::Individual,
            Self::Unit(_) => AwardSubject::Collective,
        }
    }

    /// The stored name of its kind (`INDIVIDUAL`, `COLLECTIVE`).
    pub fn kind_name(self) -> &'static str {
        match self {
            Self::Person(_) => "INDIVIDUAL",
            Self::Unit(_) => "COLLECTIVE",
        }
    }

    pub fn of(kind: AwardSubject, id: Uuid) -> Self {
        match kind {
            AwardSubject::Collective => Self::Unit(id),
            _ => Self::Person(id),
        }
    }
}

/// The unit whose emulation officers keep a subject's records (a person's current unit), or
/// the refusal to name it: `NOT_FOUND` to those who may know, else `FORBIDDEN`.
pub async fn keeper(
    db: &impl ConnectionTrait,
    actor: &Actor,
    subject: Subject,
    field: &str,
) -> DomainResult<Uuid> {
    let unit = match subject {
        Subject::Person(id) => person::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.unit_id),
        Subject::Unit(id) => unit::Entity::find_by_id(id).one(db).await?.map(|u| u.id),
    };
    match unit {
        Some(unit) => {
            actor
                .authorize(db, Action::ManageEmulationRecords, Resource::Unit(unit))
                .await?;
            Ok(unit)
        }
        None if actor.sees_missing_objects() => Err(DomainError::Rejected(vec![FieldError::new(
            field,
            Code::NotFound,
            match subject {
                Subject::Person(_) => "no such person",
                Subject::Unit(_) => "no such unit",
            },
        )])),
        None => Err(DomainError::Forbidden(
            "only the emulation officers of this person's unit and above keep their records".into(),
        )),
    }
}

fn check_year(checks: &mut Checks, field: &str, year: i32) {
    if !(EARLIEST_YEAR..=today().year()).contains(&year) {
        checks.fail(
            field,
            Code::OutOfRange,
            format!("a year from {EARLIEST_YEAR} to this year"),
        );
    }
}

fn check_past_day(checks: &mut Checks, field: &str, day: NaiveDate) {
    if day.year() < EARLIEST_YEAR || day > today() {
        checks.fail(
            field,
            Code::OutOfRange,
            format!("a day from {EARLIEST_YEAR} to today"),
        );
    }
}

/// An award as `recordAward` (or an import) records it.
#[derive(Debug, Clone)]
pub struct NewAward {
    pub recipient: Subject,
    /// Any version of the award type: the record takes the version in force at
    /// `achievement_to`.
    pub award_type_id: AwardTypeId,
    pub achievement_from: NaiveDate,
    pub achievement_to: NaiveDate,
    pub kind: AchievementKind,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub issuer_name: String,
    /// `import:<hash>` for imported rows.
    pub source: Option<String>,
}

/// What checking awards reads, read once (for one award, or for a whole imported file): the
/// award types' versions by code, the code of each version named, and the recipients' valid
/// records with their award types' categories. Four statements, whatever the number of awards.
#[derive(Debug, Default)]
pub struct AwardContext {
    versions: HashMap<String, Vec<AwardTypeVersion>>,
    given: HashMap<Uuid, AwardTypeVersion>,
    records: HashMap<Uuid, Vec<(award_record::Model, Option<AwardCategory>)>>,
}

impl AwardContext {
    /// Reads what checking awards of these award type versions for these recipients needs.
    pub async fn load(
        db: &impl ConnectionTrait,
        award_types: &[Uuid],
        recipients: &[Uuid],
    ) -> DomainResult<Self> {
        let given = catalogue::by_ids(db, award_types).await?;
        let mut codes: Vec<String> = given.values().map(|v| v.model.code.clone()).collect();
        codes.sort();
        codes.dedup();
        let versions = catalogue::versions_of(db, &codes).await?;
        let valid: Vec<award_record::Model> = if recipients.is_empty() {
            Vec::new()
        } else {
            award_record::Entity::find()
                .filter(award_record::Column::RecipientId.is_in(recipients.iter().copied()))
                .filter(award_record::Column::Status.eq(AwardRecordStatus::Valid))
                .all(db)
                .await?
        };
        let types = catalogue::by_ids(
            db,
            &valid.iter().map(|r| r.award_type_id).collect::<Vec<_>>(),
        )
        .await?;
        let mut records: HashMap<Uuid, Vec<_>> = HashMap::new();
        for record in valid {
            let category = types.get(&record.award_type_id).map(|t| t.model.category);
            records
                .entry(record.recipient_id)
                .or_default()
                .push((record, category));
        }
        Ok(Self {
            versions,
            given,
            records,
        })
    }

    /// Counts a record accepted meanwhile (an earlier row of the same file).
    pub fn add(&mut self, record: award_record::Model) {
        let category = self
            .versions
            .get(&record.award_code)
            .and_then(|v| v.iter().find(|v| v.model.id == record.award_type_id))
            .map(|v| v.model.category);
        self.records
            .entry(record.recipient_id)
            .or_default()
            .push((record, category));
    }

    /// The version named by id, with its name (for messages).
    fn given(&self, id: Uuid) -> Option<&AwardTypeVersion> {
        self.given.get(&id)
    }
}

/// The checked award, ready to store, or the input's errors (one award: four statements).
pub async fn check_award(
    db: &impl ConnectionTrait,
    input: &NewAward,
    checks: &mut Checks,
) -> DomainResult<Option<award_record::Model>> {
    let context =
        AwardContext::load(db, &[input.award_type_id.uuid()], &[input.recipient.id()]).await?;
    Ok(check_award_in(&context, input, checks))
}

/// The checked award against what `context` read (no statement).
pub fn check_award_in(
    context: &AwardContext,
    input: &NewAward,
    checks: &mut Checks,
) -> Option<award_record::Model> {
    let decision_number = checks
        .document_number("decisionNumber", &input.decision_number)
        .map(DocumentNumber::into_string)
        .unwrap_or_default();
    let issuer_name = checks.text("issuerName", &input.issuer_name, MAX_ISSUER, true);
    check_past_day(checks, "decidedOn", input.decided_on);
    if input.achievement_from > input.achievement_to {
        checks.fail(
            "achievementTo",
            Code::DateOrder,
            "the achievement window ends on or after it begins",
        );
    }
    if input.achievement_from.year() < EARLIEST_YEAR {
        checks.fail(
            "achievementFrom",
            Code::OutOfRange,
            format!("an achievement from {EARLIEST_YEAR} on"),
        );
    }
    if input.achievement_to > input.decided_on {
        checks.fail(
            "decidedOn",
            Code::DateOrder,
            "an award is decided after its achievement window ends",
        );
    }
    let Some(given) = context.given(input.award_type_id.uuid()) else {
        checks.fail("awardTypeId", Code::NotFound, "no such award type");
        return None;
    };
    let version = context
        .versions
        .get(&given.model.code)
        .and_then(|versions| {
            versions
                .iter()
                .find(|v| v.in_force_on(input.achievement_to))
        });
    let Some(version) = version else {
        checks.fail(
            "awardTypeId",
            Code::OutOfRange,
            format!(
                "no version of {} was in force on {}, the end of the achievement window",
                given.model.name,
                DayMonthYear(input.achievement_to)
            ),
        );
        return None;
    };
    if !version.subjects().contains(&input.recipient.kind()) {
        checks.fail(
            "awardTypeId",
            Code::Invalid,
            format!(
                "{} is not given to {}",
                version.model.name,
                match input.recipient.kind() {
                    AwardSubject::Collective => "collectives",
                    _ => "individuals",
                }
            ),
        );
    }
    // One achievement, one reward: the same award for the same window and kind, or another
    // award form for it (Luật 2022 Điều 5 k2).
    let same_window = context
        .records
        .get(&input.recipient.id())
        .into_iter()
        .flatten()
        .filter(|(r, _)| {
            r.achievement_from == input.achievement_from
                && r.achievement_to == input.achievement_to
                && r.kind == input.kind
        });
    for (other, other_category) in same_window {
        if other.award_code == version.model.code {
            checks.fail(
                "achievementFrom",
                Code::Duplicate,
                format!(
                    "this achievement already has {} (decision {})",
                    version.model.name, other.decision_number
                ),
            );
        } else if version.model.category == AwardCategory::AwardForm
            && *other_category == Some(AwardCategory::AwardForm)
        {
            checks.fail(
                "achievementFrom",
                Code::Duplicate,
                format!(
                    "one achievement is not rewarded twice: it already has {} (decision {}; Luật Thi đua, khen thưởng 2022 Điều 5 khoản 2)",
                    other.award_code, other.decision_number
                ),
            );
        }
    }
    let now = Utc::now();
    Some(award_record::Model {
        id: Uuid::now_v7(),
        recipient_kind: input.recipient.kind(),
        recipient_id: input.recipient.id(),
        award_type_id: version.model.id,
        award_code: version.model.code.clone(),
        achievement_from: input.achievement_from,
        achievement_to: input.achievement_to,
        kind: input.kind,
        decision_number,
        decided_on: input.decided_on,
        issuer_name,
        status: AwardRecordStatus::Valid,
        revoked_on: None,
        revocation_reason: None,
        revocation_decision: None,
        review_note: None,
        source: input.source.clone(),
        version: 1,
        created_by: None,
        created_at: now,
        updated_at: now,
    })
}

/// Records an award received (EMULATION_OFFICER of the recipient's unit or above).
pub async fn record_award(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewAward,
) -> DomainResult<Change> {
    let scope = keeper(db, actor, input.recipient, "recipientId").await?;
    let mut checks = Checks(Vec::new());
    let record = check_award(db, &input, &mut checks).await?;
    checks.finish()?;
    let Some(mut record) = record else {
        return Err(DomainError::invalid("the award type was not found"));
    };
    record.created_by = Some(actor.principal.subject.clone());
    record
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await
        .map_err(|e| match DomainError::from(e) {
            DomainError::Conflict(_) => DomainError::Rejected(vec![FieldError::new(
                "achievementFrom",
                Code::Duplicate,
                "this achievement was recorded with this award at the same moment",
            )]),
            other => other,
        })?;
    Ok(Change {
        action: AuditAction::AwardRecord,
        object_type: ObjectType::AwardRecord,
        object_id: record.id,
        scope_unit_id: Some(scope),
        before: None,
        after: Some(serde_json::to_value(&record).unwrap_or_default()),
    })
}

/// A revocation (hủy bỏ quyết định khen thưởng).
#[derive(Debug, Clone)]
pub struct Revocation {
    pub id: AwardRecordId,
    pub version: i32,
    pub reason: String,
    pub decision: String,
    pub revoked_on: NaiveDate,
}

/// Revokes an award record and flags every later valid record of the same recipient whose
/// award type's rule counts the revoked one's award (a title in a chain, a prerequisite): their
/// eligibility relied on it (domain.md rule 27).
pub async fn revoke(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: Revocation,
) -> DomainResult<Change> {
    let Some(before) = award_record::Entity::find_by_id(input.id).one(db).await? else {
        return Err(if actor.sees_missing_objects() {
            DomainError::Rejected(vec![FieldError::new(
                "id",
                Code::NotFound,
                "no such award record",
            )])
        } else {
            DomainError::Forbidden(
                "only the emulation officers of this person's unit and above keep their records"
                    .into(),
            )
        });
    };
    let scope = keeper(
        db,
        actor,
        Subject::of(before.recipient_kind, before.recipient_id),
        "id",
    )
    .await?;
    versioned::check_version(&before, input.version)?;
    let mut checks = Checks(Vec::new());
    let reason = checks.text("reason", &input.reason, MAX_REASON, true);
    let decision = checks
        .document_number("decision", &input.decision)
        .map(DocumentNumber::into_string)
        .unwrap_or_default();
    check_past_day(&mut checks, "revokedOn", input.revoked_on);
    if input.revoked_on < before.decided_on {
        checks.fail(
            "revokedOn",
            Code::DateOrder,
            "a revocation comes on or after the decision it cancels",
        );
    }
    if before.status == AwardRecordStatus::Revoked {
        checks.fail("id", Code::InvalidState, "this record is revoked already");
    }
    checks.finish()?;
    let mut next = before.clone();
    next.status = AwardRecordStatus::Revoked;
    next.revoked_on = Some(input.revoked_on);
    next.revocation_reason = Some(reason);
    next.revocation_decision = Some(decision.clone());
    let saved = versioned::save(db, next, input.version).await?;
    // Later records whose rule counts this award.
    let later: Vec<award_record::Model> = award_record::Entity::find()
        .filter(award_record::Column::RecipientId.eq(before.recipient_id))
        .filter(award_record::Column::Status.eq(AwardRecordStatus::Valid))
        .filter(award_record::Column::AchievementTo.gt(before.achievement_to))
        .all(db)
        .await?;
    let types = catalogue::by_ids(
        db,
        &later.iter().map(|r| r.award_type_id).collect::<Vec<_>>(),
    )
    .await?;
    for record in later {
        let relies = types
            .get(&record.award_type_id)
            .is_some_and(|t| t.parameters().counts(&before.award_code));
        if relies {
            let note = format!(
                "relied on {} of {}–{} (decision {}), revoked on {} by {}: review its eligibility",
                before.award_code,
                DayMonthYear(before.achievement_from),
                DayMonthYear(before.achievement_to),
                before.decision_number,
                DayMonthYear(input.revoked_on),
                decision
            );
            let mut active = record.into_active_model();
            active.review_note = sea_orm::Set(Some(note));
            active.update(db).await?;
        }
    }
    Ok(Change {
        action: AuditAction::AwardRevoke,
        object_type: ObjectType::AwardRecord,
        object_id: saved.id,
        scope_unit_id: Some(scope),
        before: Some(serde_json::to_value(&before).unwrap_or_default()),
        after: Some(serde_json::to_value(&saved).unwrap_or_default()),
    })
}

/// A year's rating as `recordDutyRating` records it.
#[derive(Debug, Clone)]
pub struct NewRating {
    pub subject: Subject,
    pub year: i32,
    pub rating: DutyRatingLevel,
    pub decision_ref: Option<String>,
}

/// The checked rating, or none when the same rating is recorded already (a retried import).
pub async fn check_rating(
    db: &impl ConnectionTrait,
    input: &NewRating,
    checks: &mut Checks,
) -> DomainResult<Option<duty_rating::Model>> {
    check_year(checks, "year", input.year);
    let decision_ref = checks
        .optional_document_number("decisionRef", input.decision_ref.as_deref())
        .map(DocumentNumber::into_string);
    let existing = duty_rating::Entity::find()
        .filter(duty_rating::Column::SubjectId.eq(input.subject.id()))
        .filter(duty_rating::Column::Year.eq(input.year))
        .one(db)
        .await?;
    match existing {
        Some(same) if same.rating == input.rating => Ok(None),
        Some(other) => {
            checks.fail(
                "year",
                Code::Duplicate,
                format!(
                    "{} is rated {} already; a rating is recorded once a year",
                    input.year,
                    rating_label(other.rating)
                ),
            );
            Ok(None)
        }
        None => Ok(Some(duty_rating::Model {
            id: Uuid::now_v7(),
            subject_kind: input.subject.kind(),
            subject_id: input.subject.id(),
            year: input.year,
            rating: input.rating,
            decision_ref,
            created_at: Utc::now(),
        })),
    }
}

/// The Vietnamese abbreviation of a rating.
pub fn rating_label(rating: DutyRatingLevel) -> &'static str {
    match rating {
        DutyRatingLevel::Excellent => "HTXSNV",
        DutyRatingLevel::Good => "HTTNV",
        DutyRatingLevel::Completed => "HTNV",
        DutyRatingLevel::NotCompleted => "KHTNV",
    }
}

/// Records a year's duty rating of a person or a unit; the same rating again changes nothing.
pub async fn record_rating(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewRating,
) -> DomainResult<Change> {
    let scope = keeper(db, actor, input.subject, "subjectId").await?;
    let mut checks = Checks(Vec::new());
    let rating = check_rating(db, &input, &mut checks).await?;
    checks.finish()?;
    let stored = match rating {
        Some(rating) => {
            rating
                .clone()
                .into_active_model()
                .reset_all()
                .insert(db)
                .await?;
            Some(rating)
        }
        None => None,
    };
    Ok(Change {
        action: AuditAction::DutyRatingRecord,
        object_type: match input.subject {
            Subject::Person(_) => ObjectType::Person,
            Subject::Unit(_) => ObjectType::Unit,
        },
        object_id: input.subject.id(),
        scope_unit_id: Some(scope),
        before: None,
        after: stored.map(|r| serde_json::to_value(&r).unwrap_or_default()),
    })
}

/// A discipline as `recordDiscipline` records it.
#[derive(Debug, Clone)]
pub struct NewDiscipline {
    pub person_id: PersonId,
    pub form: DisciplineForm,
    pub decision_ref: String,
    pub decided_on: NaiveDate,
    pub effective_from: NaiveDate,
    pub effective_to: NaiveDate,
}

/// Records a disciplinary measure with the window it has effect in.
pub async fn record_discipline(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewDiscipline,
) -> DomainResult<Change> {
    let scope = keeper(
        db,
        actor,
        Subject::Person(input.person_id.uuid()),
        "personId",
    )
    .await?;
    let mut checks = Checks(Vec::new());
    let decision_ref = checks
        .document_number("decisionRef", &input.decision_ref)
        .map(DocumentNumber::into_string)
        .unwrap_or_default();
    check_past_day(&mut checks, "decidedOn", input.decided_on);
    if input.effective_from < input.decided_on {
        checks.fail(
            "effectiveFrom",
            Code::DateOrder,
            "a discipline takes effect on or after its decision",
        );
    }
    if input.effective_to < input.effective_from {
        checks.fail(
            "effectiveTo",
            Code::DateOrder,
            "a discipline's effect ends on or after it begins",
        );
    }
    if (input.effective_to - input.effective_from).num_days() > 366 * 5 {
        checks.fail(
            "effectiveTo",
            Code::OutOfRange,
            "a discipline has effect for at most five years",
        );
    }
    checks.finish()?;
    let stored = discipline::Model {
        id: Uuid::now_v7(),
        person_id: input.person_id.uuid(),
        form: input.form,
        decision_ref,
        decided_on: input.decided_on,
        effective_from: input.effective_from,
        effective_to: input.effective_to,
        created_at: Utc::now(),
    };
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    Ok(Change {
        action: AuditAction::DisciplineRecord,
        object_type: ObjectType::Person,
        object_id: input.person_id.uuid(),
        scope_unit_id: Some(scope),
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

/// An initiative as `recordInitiative` records it.
#[derive(Debug, Clone)]
pub struct NewInitiative {
    pub title: String,
    pub kind: InitiativeKind,
    pub unit_id: UnitId,
    pub scope: InitiativeScope,
    pub recognition_decision: String,
    pub recognised_on: NaiveDate,
    /// Authors with their share (per cent) when the decision states one.
    pub authors: Vec<(PersonId, Option<i32>)>,
}

/// Records an initiative recognised by a competent level, with its authors (each of whom the
/// caller must keep the records of).
pub async fn record_initiative(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewInitiative,
) -> DomainResult<Change> {
    let scope = keeper(db, actor, Subject::Unit(input.unit_id.uuid()), "unitId").await?;
    let mut checks = Checks(Vec::new());
    let title = checks.text("title", &input.title, MAX_TITLE, true);
    let decision = checks
        .document_number("recognitionDecision", &input.recognition_decision)
        .map(DocumentNumber::into_string)
        .unwrap_or_default();
    check_past_day(&mut checks, "recognisedOn", input.recognised_on);
    if input.authors.is_empty() || input.authors.len() > MAX_AUTHORS {
        checks.fail(
            "authors",
            Code::OutOfRange,
            format!("an initiative has 1 to {MAX_AUTHORS} authors"),
        );
    }
    let mut seen = Vec::new();
    let mut total = 0;
    for (person, share) in &input.authors {
        if seen.contains(person) {
            checks.fail("authors", Code::Duplicate, "an author is named once");
        }
        seen.push(*person);
        if let Some(share) = share {
            if !(1..=100).contains(share) {
                checks.fail("authors", Code::OutOfRange, "a share is 1 to 100 per cent");
            }
            total += share;
        }
    }
    if total > 100 {
        checks.fail(
            "authors",
            Code::OutOfRange,
            "the authors' shares add up to at most 100 per cent",
        );
    }
    for (person, _) in &input.authors {
        keeper(db, actor, Subject::Person(person.uuid()), "authors").await?;
    }
    checks.finish()?;
    let stored = initiative::Model {
        id: Uuid::now_v7(),
        title,
        kind: input.kind,
        unit_id: input.unit_id.uuid(),
        scope: input.scope,
        recognition_decision: decision,
        recognised_on: input.recognised_on,
        created_at: Utc::now(),
    };
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    for (person, share) in &input.authors {
        initiative_author::Model {
            initiative_id: stored.id,
            person_id: person.uuid(),
            share_percent: *share,
        }
        .into_active_model()
        .insert(db)
        .await?;
    }
    Ok(Change {
        action: AuditAction::InitiativeRecord,
        object_type: ObjectType::Initiative,
        object_id: stored.id,
        scope_unit_id: Some(scope),
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

/// Everything eligibility is judged from for some subjects, read in one statement per kind of
/// record (five in all, whatever the number of subjects: an initiative comes with its author
/// row; three when the rule reads neither initiatives nor employments: see [`Reads`]).
#[derive(Debug, Clone, Default)]
pub struct Histories {
    /// Award records (valid and revoked), by recipient, by window's end.
    pub awards: HashMap<Uuid, Vec<award_record::Model>>,
    /// Ratings by subject.
    pub ratings: HashMap<Uuid, Vec<duty_rating::Model>>,
    /// Disciplines by person.
    pub disciplines: HashMap<Uuid, Vec<discipline::Model>>,
    /// Initiatives by author (empty when not read).
    pub initiatives: HashMap<Uuid, Vec<initiative::Model>>,
    /// Employments by person (empty when not read).
    pub employments: HashMap<Uuid, Vec<entity::employment::Model>>,
}

/// Which records besides awards, ratings and disciplines (read always) a reader needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    pub initiatives: bool,
    pub employments: bool,
}

impl Reads {
    pub const ALL: Self = Self {
        initiatives: true,
        employments: true,
    };
}

/// The histories of `subjects` (people and units by id), with what `reads` asks besides.
pub async fn histories(
    db: &impl ConnectionTrait,
    subjects: &[Uuid],
    reads: Reads,
) -> DomainResult<Histories> {
    let mut result = Histories::default();
    if subjects.is_empty() {
        return Ok(result);
    }
    let ids = || subjects.iter().copied();
    for award in fetch_all(
        db,
        find::<award_record::Entity>()
            .filter(award_record::Column::RecipientId.is_in(ids()))
            .order_by_asc(award_record::Column::AchievementTo),
    )
    .await?
    {
        result
            .awards
            .entry(award.recipient_id)
            .or_default()
            .push(award);
    }
    for rating in fetch_all(
        db,
        find::<duty_rating::Entity>()
            .filter(duty_rating::Column::SubjectId.is_in(ids()))
            .order_by_asc(duty_rating::Column::Year),
    )
    .await?
    {
        result
            .ratings
            .entry(rating.subject_id)
            .or_default()
            .push(rating);
    }
    for row in fetch_all(
        db,
        find::<discipline::Entity>()
            .filter(discipline::Column::PersonId.is_in(ids()))
            .order_by_asc(discipline::Column::EffectiveFrom),
    )
    .await?
    {
        result
            .disciplines
            .entry(row.person_id)
            .or_default()
            .push(row);
    }
    if reads.initiatives {
        // Each author row with its initiative, in one statement (the foreign key guarantees one).
        let authored = with_columns_of::<initiative::Entity, _>(initiative_author::Entity::find())
            .join(
                JoinType::InnerJoin,
                initiative_author::Entity::belongs_to(initiative::Entity)
                    .from(initiative_author::Column::InitiativeId)
                    .to(initiative::Column::Id)
                    .into(),
            )
            .filter(initiative_author::Column::PersonId.is_in(ids()))
            .order_by_asc(initiative::Column::RecognisedOn)
            .order_by_asc(initiative::Column::Id)
            .into_query();
        for (author, initiative) in
            fetch_pairs::<initiative_author::Model, initiative::Model, _>(db, &authored).await?
        {
            if let Some(initiative) = initiative {
                result
                    .initiatives
                    .entry(author.person_id)
                    .or_default()
                    .push(initiative);
            }
        }
    }
    if reads.employments {
        result.employments = super::person::employments_of(db, subjects).await?;
    }
    Ok(result)
}

/// The versions of the award types records refer to (one statement).
pub async fn versions_of_records(
    db: &impl ConnectionTrait,
    records: &[&award_record::Model],
) -> DomainResult<HashMap<Uuid, AwardTypeVersion>> {
    catalogue::by_ids(
        db,
        &records.iter().map(|r| r.award_type_id).collect::<Vec<_>>(),
    )
    .await
}

/// What `awardRecords` selects.
#[derive(Debug, Clone, Default)]
pub struct AwardRecordFilter {
    /// Records of this person or unit.
    pub recipient_id: Option<Uuid>,
    pub award_code: Option<String>,
    pub status: Option<AwardRecordStatus>,
}

/// `awardRecords(filter:)`, newest achievement first.
pub async fn list_awards(
    db: &impl ConnectionTrait,
    filter: &AwardRecordFilter,
    args: &crate::kernel::page::PageArgs,
    want_total: bool,
) -> DomainResult<crate::kernel::page::Page<award_record::Model>> {
    let mut select = award_record::Entity::find();
    if let Some(recipient) = filter.recipient_id {
        select = select.filter(award_record::Column::RecipientId.eq(recipient));
    }
    if let Some(code) = &filter.award_code {
        select = select.filter(award_record::Column::AwardCode.eq(code.as_str()));
    }
    if let Some(status) = filter.status {
        select = select.filter(award_record::Column::Status.eq(status));
    }
    let keys = SortKeys::then_id(
        award_record::Column::AchievementTo,
        award_record::Column::Id,
        true,
    );
    fetch_keyed_page(db, select, &keys, args, "award_record:newest", want_total).await
}

/// Award records by id.
pub async fn awards_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, award_record::Model>> {
    crate::kernel::query::by_ids::<award_record::Entity>(db, ids).await
}

/// One subject's records, as a person's fields show them.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub awards: Vec<award_record::Model>,
    pub ratings: Vec<duty_rating::Model>,
    pub disciplines: Vec<discipline::Model>,
    pub initiatives: Vec<initiative::Model>,
}

/// The records of several subjects (the statements of [`histories`], whatever their number).
pub async fn records_of(
    db: &impl ConnectionTrait,
    subjects: &[Uuid],
) -> DomainResult<HashMap<Uuid, Records>> {
    let mut all = histories(db, subjects, Reads::ALL).await?;
    Ok(subjects
        .iter()
        .map(|id| {
            (
                *id,
                Records {
                    awards: all.awards.remove(id).unwrap_or_default(),
                    ratings: all.ratings.remove(id).unwrap_or_default(),
                    disciplines: all.disciplines.remove(id).unwrap_or_default(),
                    initiatives: all.initiatives.remove(id).unwrap_or_default(),
                },
            )
        })
        .collect())
}

/// Initiatives by id.
pub async fn initiatives_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, initiative::Model>> {
    crate::kernel::query::by_ids::<initiative::Entity>(db, ids).await
}
