//! The decision (quyết định khen thưởng): taken by the level whose authority decides the award
//! type, it creates the award record in the same transaction. Deciding again under the same
//! decision (a gateway's retry) changes nothing and creates no second record; a lower award
//! form than proposed is a downgrade (đạt hình thức thấp hơn).

use chrono::Utc;
use entity::enums::{AwardAuthority, NominationState};
use entity::{award_decision, award_type, nomination, unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use super::route::{is_external, label};
use super::workflow::{Step, begin_read, commit, find, route_of};
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::emulation::catalogue;
use crate::emulation::record::{self, AwardContext, NewAward, Subject};
use crate::kernel::audit_action::ObjectType;
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{AwardTypeId, Id, NominationId};
use crate::kernel::mutation::Change;
use crate::kernel::time::DayMonthYear;
use crate::kernel::time::today;
use crate::kernel::values::DocumentNumber;

/// A decision as `decideNomination` records it.
#[derive(Debug, Clone)]
pub struct NewDecision {
    pub id: NominationId,
    pub version: i32,
    pub number: String,
    pub decided_on: chrono::NaiveDate,
    /// Who signed, as named then.
    pub signer: String,
    /// A lower award type than proposed (downgrade); none: as proposed.
    pub awarded_type_id: Option<AwardTypeId>,
}

/// Decides a nomination and creates its award record.
pub async fn decide(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewDecision,
) -> DomainResult<Change> {
    let current = find(db, actor, input.id).await?;
    let nomination = &current.nomination;
    // A retry of the decision already taken: nothing changes, nothing is created twice.
    if matches!(
        nomination.state,
        NominationState::Awarded | NominationState::Downgraded
    ) && let Some(decision) = nomination.decision_id
    {
        actor
            .authorize(
                db,
                Action::HandleNominations,
                Resource::Unit(nomination.holder_unit_id),
            )
            .await?;
        let taken = award_decision::Entity::find_by_id(decision).one(db).await?;
        if taken.is_some_and(|d| {
            d.number == crate::kernel::text::clean(&input.number)
                && d.decided_on == input.decided_on
        }) {
            return Ok(Change {
                action: crate::kernel::audit_action::AuditAction::NominationDecide,
                object_type: ObjectType::Nomination,
                object_id: nomination.id,
                scope_unit_id: Some(nomination.nominating_unit_id),
                before: None,
                after: None,
            });
        }
    }
    // The nomination as the retry check above read it: not read again.
    let facts = begin_read(db, actor, current, input.version, Step::Decide).await?;
    let (before, proposed) = (&facts.nomination, &facts.award);
    let route = route_of(proposed);
    let here = route.get(before.route_step as usize).copied();
    if before.state == NominationState::Forwarded && !here.is_some_and(is_external) {
        return Err(rejected(
            "id",
            Code::InvalidState,
            "a forwarded nomination is received, appraised and passed by a council before it is decided",
        ));
    }
    let mut checks = Checks(Vec::new());
    let number = checks
        .document_number("number", &input.number)
        .map(DocumentNumber::into_string)
        .unwrap_or_default();
    let signer = checks.text("signer", &input.signer, record::MAX_ISSUER, true);
    if input.decided_on > today() {
        checks.fail(
            "decidedOn",
            Code::OutOfRange,
            "a decision is dated today or earlier",
        );
    }
    if input.decided_on < before.achievement_to {
        checks.fail(
            "decidedOn",
            Code::DateOrder,
            "an award is decided after its achievement window ends",
        );
    }
    // The type given: as proposed, or a lower form (by rank) for the same subjects.
    let awarded: award_type::Model = match input.awarded_type_id {
        None => proposed.clone(),
        Some(id) => {
            let given = catalogue::by_ids(db, &[id.uuid()])
                .await?
                .remove(&id.uuid());
            let in_force = match &given {
                Some(g) => catalogue::versions_of(db, std::slice::from_ref(&g.model.code))
                    .await?
                    .remove(&g.model.code)
                    .unwrap_or_default()
                    .into_iter()
                    .find(|v| v.in_force_on(before.achievement_to))
                    .map(|v| v.model),
                None => None,
            };
            match in_force {
                None => {
                    checks.fail(
                        "awardedTypeId",
                        Code::NotFound,
                        "no such award type in force at the end of the achievement window",
                    );
                    proposed.clone()
                }
                Some(lower) if lower.code != proposed.code && lower.rank >= proposed.rank => {
                    checks.fail(
                        "awardedTypeId",
                        Code::Invalid,
                        format!(
                            "a downgrade gives a lower form than {} (rank {}); {} ranks {}",
                            proposed.name, proposed.rank, lower.name, lower.rank
                        ),
                    );
                    proposed.clone()
                }
                Some(lower) => lower,
            }
        }
    };
    // The level deciding must be the awarded type's authority.
    if here != Some(awarded.deciding_authority) {
        checks.fail(
            "id",
            Code::InvalidState,
            format!(
                "{} is decided by {}; this level is {}: forward it",
                awarded.name,
                label(awarded.deciding_authority),
                here.map_or("not on its route", label)
            ),
        );
    }
    checks.finish()?;
    let holder = unit::Entity::find_by_id(before.holder_unit_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "unit" })?;
    let decision = decision_for(
        db,
        actor,
        &holder,
        &number,
        input.decided_on,
        &signer,
        awarded.deciding_authority,
    )
    .await?;
    // The award record, checked like any other (one achievement, one reward).
    let subject = Subject::of(before.nominee_kind, before.nominee_id);
    let award = NewAward {
        recipient: subject,
        award_type_id: Id::new(awarded.id),
        achievement_from: before.achievement_from,
        achievement_to: before.achievement_to,
        kind: before.achievement_kind,
        decision_number: number.clone(),
        decided_on: input.decided_on,
        issuer_name: signer.clone(),
        source: Some(format!("nomination:{}", before.id)),
    };
    let context = AwardContext::load(db, &[awarded.id], &[subject.id()]).await?;
    let mut checks = Checks(Vec::new());
    let stored = record::check_award_in(&context, &award, &mut checks);
    checks.finish()?;
    let Some(mut stored) = stored else {
        return Err(DomainError::invalid("the award type was not found"));
    };
    stored.created_by = Some(actor.principal.subject.clone());
    stored.into_active_model().reset_all().insert(db).await?;
    let mut next = before.clone();
    next.state = if awarded.code == proposed.code {
        NominationState::Awarded
    } else {
        NominationState::Downgraded
    };
    next.decision_id = Some(decision.id);
    next.awarded_type_id = Some(awarded.id);
    let note = format!(
        "decision {} of {} signed by {}: {}",
        decision.number,
        DayMonthYear(decision.decided_on),
        decision.signer,
        awarded.name
    );
    commit(
        db,
        actor,
        before,
        next,
        Step::Decide,
        Some(note),
        Vec::new(),
    )
    .await
}

/// The decision of this number and day by the deciding unit: found (more recipients of one
/// decision) or created. The same number and day with another signer is refused.
async fn decision_for(
    db: &impl ConnectionTrait,
    actor: &Actor,
    holder: &unit::Model,
    number: &str,
    decided_on: chrono::NaiveDate,
    signer: &str,
    authority: AwardAuthority,
) -> DomainResult<award_decision::Model> {
    let existing = award_decision::Entity::find()
        .filter(award_decision::Column::UnitId.eq(holder.id))
        .filter(award_decision::Column::Number.eq(number))
        .filter(award_decision::Column::DecidedOn.eq(decided_on))
        .one(db)
        .await?;
    if let Some(existing) = existing {
        if existing.signer != signer {
            return Err(rejected(
                "signer",
                Code::Invalid,
                format!(
                    "decision {number} of {} was signed by {}",
                    DayMonthYear(decided_on),
                    existing.signer
                ),
            ));
        }
        return Ok(existing);
    }
    let decision = award_decision::Model {
        id: Uuid::now_v7(),
        unit_id: holder.id,
        number: number.to_owned(),
        decided_on,
        signer: signer.to_owned(),
        authority,
        created_by: Some(actor.principal.subject.clone()),
        created_at: Utc::now(),
    };
    decision
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    Ok(decision)
}

/// Decisions by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, award_decision::Model>> {
    crate::kernel::query::by_ids::<award_decision::Entity>(db, ids).await
}

/// The nominations a decision awarded, in the order they were decided.
pub async fn recipients(
    db: &impl ConnectionTrait,
    decision: Uuid,
) -> DomainResult<Vec<nomination::Model>> {
    use sea_orm::QueryOrder;
    Ok(nomination::Entity::find()
        .filter(nomination::Column::DecisionId.eq(decision))
        .order_by_asc(nomination::Column::UpdatedAt)
        .order_by_asc(nomination::Column::Id)
        .all(db)
        .await?)
}
