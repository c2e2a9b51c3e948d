//! A nomination's draft: `createNomination` and `updateNomination`, by the nominating unit.

use chrono::{NaiveDate, Utc};
use entity::enums::{AchievementKind, NominationState};
use entity::{emulation_movement, emulation_round, nomination};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::workflow::{Step, begin, commit, start_step};
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::emulation::catalogue;
use crate::emulation::movement::{award_codes, unit_of};
use crate::emulation::record::{self, Subject};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{AwardTypeId, InitiativeId, NominationId, RoundId, UnitId, uuids};
use crate::kernel::mutation::Change;
use crate::kernel::text::search_text;
use crate::kernel::time::DayMonthYear;

/// The longest achievements summary (tóm tắt thành tích).
pub const MAX_SUMMARY: usize = 10_000;
/// The most initiatives one nomination relies on.
pub const MAX_INITIATIVES: usize = 20;

/// A nomination as `createNomination` drafts it.
#[derive(Debug, Clone)]
pub struct NewNomination {
    pub round_id: RoundId,
    pub nominee: Subject,
    /// Any version of the award type: the nomination takes the one in force at
    /// `achievement_to`.
    pub award_type_id: AwardTypeId,
    pub achievement_from: NaiveDate,
    pub achievement_to: NaiveDate,
    pub kind: AchievementKind,
    pub summary: String,
    pub initiative_ids: Vec<InitiativeId>,
    /// The unit proposing it: the nominee's unit (the default) or a unit above it.
    pub nominating_unit_id: Option<UnitId>,
}

/// Drafts a nomination (the nominating unit's emulation officers and administrators).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewNomination,
) -> DomainResult<Change> {
    let Some(nominee_unit) = unit_of(db, input.nominee).await? else {
        return Err(rejected(
            "nomineeId",
            Code::NotFound,
            "no such person or unit",
        ));
    };
    let nominating = input
        .nominating_unit_id
        .map(UnitId::uuid)
        .unwrap_or(nominee_unit);
    actor
        .authorize(db, Action::HandleNominations, Resource::Unit(nominating))
        .await?;
    let mut checks = Checks(Vec::new());
    if nominating != nominee_unit {
        let above = crate::org::unit::ancestors(db, &[nominee_unit])
            .await?
            .remove(&nominee_unit)
            .unwrap_or_default();
        if !above.iter().any(|u| u.id == nominating) {
            checks.fail(
                "nominatingUnitId",
                Code::Invalid,
                "a nomination is proposed by the nominee's unit or a unit above it",
            );
        }
    }
    let round = emulation_round::Entity::find_by_id(input.round_id)
        .one(db)
        .await?;
    let movement = match &round {
        Some(r) => {
            emulation_movement::Entity::find_by_id(r.movement_id)
                .one(db)
                .await?
        }
        None => None,
    };
    let summary = checks.text("summary", &input.summary, MAX_SUMMARY, true);
    check_window(
        &mut checks,
        input.achievement_from,
        input.achievement_to,
        round.as_ref(),
    );
    check_initiatives(db, &mut checks, &uuids(&input.initiative_ids)).await?;
    let given = catalogue::by_ids(db, &[input.award_type_id.uuid()])
        .await?
        .remove(&input.award_type_id.uuid());
    let version = match &given {
        None => {
            checks.fail("awardTypeId", Code::NotFound, "no such award type");
            None
        }
        Some(g) => {
            let v = catalogue::versions_of(db, std::slice::from_ref(&g.model.code))
                .await?
                .remove(&g.model.code)
                .unwrap_or_default()
                .into_iter()
                .find(|v| v.in_force_on(input.achievement_to));
            if v.is_none() {
                checks.fail(
                    "awardTypeId",
                    Code::OutOfRange,
                    format!(
                        "no version of {} was in force on {}, the end of the achievement window",
                        g.model.name,
                        DayMonthYear(input.achievement_to)
                    ),
                );
            }
            v
        }
    };
    match (&round, &movement) {
        (None, _) | (_, None) => checks.fail("roundId", Code::NotFound, "no such round"),
        (Some(r), Some(m)) => {
            if let Some(v) = &version {
                let offered = award_codes(r);
                if !offered.contains(&v.model.code) {
                    checks.fail(
                        "awardTypeId",
                        Code::Invalid,
                        format!(
                            "the round offers {}, not {}",
                            offered.join(", "),
                            v.model.name
                        ),
                    );
                }
            }
            if !m
                .subjects
                .split(',')
                .any(|s| s == input.nominee.kind_name())
            {
                checks.fail(
                    "nomineeId",
                    Code::Invalid,
                    format!(
                        "this movement is for {}",
                        m.subjects.replace(',', ", ").to_lowercase()
                    ),
                );
            }
        }
    }
    if let Some(v) = &version
        && !v.subjects().contains(&input.nominee.kind())
    {
        checks.fail(
            "nomineeId",
            Code::Invalid,
            format!("{} is not given to this kind of nominee", v.model.name),
        );
    }
    checks.finish()?;
    let (Some(round), Some(version)) = (round, version) else {
        return Err(DomainError::invalid(
            "the round or award type was not found",
        ));
    };
    let route_step = start_step(db, &version.model, nominating).await?;
    // Rule 47: one open nomination of a nominee for an award type and window.
    let open = nomination::Entity::find()
        .filter(nomination::Column::NomineeId.eq(input.nominee.id()))
        .filter(nomination::Column::AwardCode.eq(version.model.code.as_str()))
        .filter(nomination::Column::AchievementFrom.eq(input.achievement_from))
        .filter(nomination::Column::AchievementTo.eq(input.achievement_to))
        .filter(nomination::Column::OpenMarker.is_not_null())
        .one(db)
        .await?;
    if open.is_some() {
        return Err(duplicate());
    }
    let names = names(db, input.nominee, nominating).await?;
    let now = Utc::now();
    let stored = nomination::Model {
        id: Uuid::now_v7(),
        round_id: round.id,
        movement_id: round.movement_id,
        nominee_kind: input.nominee.kind(),
        nominee_id: input.nominee.id(),
        award_type_id: version.model.id,
        award_code: version.model.code.clone(),
        achievement_from: input.achievement_from,
        achievement_to: input.achievement_to,
        achievement_kind: input.kind,
        nominating_unit_id: nominating,
        holder_unit_id: nominating,
        route_step,
        state: NominationState::Draft,
        search_text: search_text([
            Some(names.0.as_str()),
            Some(version.model.name.as_str()),
            Some(names.1.as_str()),
        ]),
        summary,
        initiative_ids: join_ids(&uuids(&input.initiative_ids)),
        supplement_request: None,
        consultation_posted_on: None,
        consultation_closes_on: None,
        consultation_channel: None,
        decision_id: None,
        awarded_type_id: None,
        warnings: json!([]),
        open_marker: Some(1),
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
        .await
        .map_err(|e| match DomainError::from(e) {
            DomainError::Conflict(_) => duplicate(),
            other => other,
        })?;
    entity::nomination_event::Model {
        id: Uuid::now_v7(),
        nomination_id: stored.id,
        action: "create".into(),
        from_state: None,
        to_state: NominationState::Draft,
        actor: actor.principal.subject.clone(),
        actor_unit_id: actor.principal.unit_id,
        holder_unit_id: Some(nominating),
        note: None,
        warnings: json!([]),
        at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    Ok(Change {
        action: AuditAction::NominationCreate,
        object_type: ObjectType::Nomination,
        object_id: stored.id,
        scope_unit_id: Some(nominating),
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

fn duplicate() -> DomainError {
    rejected(
        "nomineeId",
        Code::Duplicate,
        "this nominee already has an open nomination for this award and achievement window (domain.md rule 47)",
    )
}

/// The nominee's and the nominating unit's names (for search).
async fn names(
    db: &impl ConnectionTrait,
    nominee: Subject,
    nominating: Uuid,
) -> DomainResult<(String, String)> {
    let nominee_name = match nominee {
        Subject::Person(id) => crate::emulation::person::by_ids(db, &[id])
            .await?
            .remove(&id)
            .map(|p| p.full_name),
        Subject::Unit(id) => entity::unit::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.name),
    };
    let unit_name = entity::unit::Entity::find_by_id(nominating)
        .one(db)
        .await?
        .map(|u| u.name);
    Ok((
        nominee_name.unwrap_or_default(),
        unit_name.unwrap_or_default(),
    ))
}

fn check_window(
    checks: &mut Checks,
    from: NaiveDate,
    to: NaiveDate,
    round: Option<&emulation_round::Model>,
) {
    if from > to {
        checks.fail(
            "achievementTo",
            Code::DateOrder,
            "the achievement window ends on or after it begins",
        );
    }
    if chrono::Datelike::year(&from) < record::EARLIEST_YEAR {
        checks.fail(
            "achievementFrom",
            Code::OutOfRange,
            format!("an achievement from {} on", record::EARLIEST_YEAR),
        );
    }
    if let Some(r) = round
        && (to < r.achievement_from || to > r.achievement_to)
    {
        checks.fail(
            "achievementTo",
            Code::OutOfRange,
            format!(
                "this round rewards achievements ending from {} to {}",
                DayMonthYear(r.achievement_from),
                DayMonthYear(r.achievement_to)
            ),
        );
    }
}

async fn check_initiatives(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    ids: &[Uuid],
) -> DomainResult<()> {
    if ids.len() > MAX_INITIATIVES {
        checks.fail(
            "initiativeIds",
            Code::OutOfRange,
            format!("at most {MAX_INITIATIVES} initiatives"),
        );
        return Ok(());
    }
    let found = record::initiatives_by_ids(db, ids).await?;
    if ids.iter().any(|id| !found.contains_key(id)) {
        checks.fail("initiativeIds", Code::NotFound, "no such initiative");
    }
    Ok(())
}

fn join_ids(ids: &[Uuid]) -> String {
    let mut unique: Vec<Uuid> = Vec::new();
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    unique
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The initiatives a nomination relies on.
pub fn initiative_ids(nomination: &nomination::Model) -> Vec<Uuid> {
    nomination
        .initiative_ids
        .split(',')
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect()
}

/// A change as `updateNomination` makes it (absent: unchanged).
#[derive(Debug, Clone)]
pub struct NominationChanges {
    pub id: NominationId,
    pub version: i32,
    pub summary: Option<String>,
    pub achievement_from: Option<NaiveDate>,
    pub achievement_to: Option<NaiveDate>,
    pub kind: Option<AchievementKind>,
    pub initiative_ids: Option<Vec<InitiativeId>>,
}

/// Changes a draft, a returned nomination or one waiting for supplements (the nominating
/// unit). The award type stays: another award is another nomination.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NominationChanges,
) -> DomainResult<Change> {
    let facts = begin(db, actor, input.id, input.version, Step::Update).await?;
    let (before, round) = (&facts.nomination, &facts.round);
    let mut checks = Checks(Vec::new());
    let mut next = before.clone();
    if let Some(summary) = &input.summary {
        next.summary = checks.text("summary", summary, MAX_SUMMARY, true);
    }
    next.achievement_from = input.achievement_from.unwrap_or(before.achievement_from);
    next.achievement_to = input.achievement_to.unwrap_or(before.achievement_to);
    next.achievement_kind = input.kind.unwrap_or(before.achievement_kind);
    check_window(
        &mut checks,
        next.achievement_from,
        next.achievement_to,
        Some(round),
    );
    if let Some(ids) = &input.initiative_ids {
        let ids = uuids(ids);
        check_initiatives(db, &mut checks, &ids).await?;
        next.initiative_ids = join_ids(&ids);
    }
    checks.finish()?;
    // The version in force at the new end of the window.
    if next.achievement_to != before.achievement_to {
        let version = catalogue::in_force(db, &before.award_code, next.achievement_to)
            .await?
            .ok_or_else(|| {
                rejected(
                    "achievementTo",
                    Code::OutOfRange,
                    format!(
                        "no version of {} was in force on {}",
                        before.award_code,
                        DayMonthYear(next.achievement_to)
                    ),
                )
            })?;
        next.award_type_id = version.model.id;
    }
    commit(db, actor, before, next, Step::Update, None, Vec::new())
        .await
        .map_err(|e| match e {
            DomainError::Conflict(_) => duplicate(),
            other => other,
        })
}
