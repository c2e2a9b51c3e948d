//! The nomination state machine (domain.md §b1): each step, the states it starts from and the
//! unit that owns it (the nominating unit, or the unit holding the nomination). Every step is
//! versioned (two officers at once: one wins, the other gets `STALE_VERSION`), recorded in the
//! nomination's history and audited; a step from the wrong state or by another unit changes
//! nothing.

use chrono::{NaiveDate, Utc};
use entity::enums::NominationState::{self, *};
use entity::{award_type, nomination, nomination_event, unit};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

use super::check;
use super::facts::{self, NominationFacts};
use super::route::{self, authority_of, is_external, label};
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::emulation::catalogue;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::ids::{NominationId, UnitId};
use crate::kernel::mutation::{Change, Written};
use crate::kernel::time::DayMonthYear;
use crate::kernel::versioned;

crate::versioned!(nomination, "nomination");

/// The longest reason, note or list item.
pub const MAX_REASON: usize = 2_000;
/// The most documents one supplement request lists.
pub const MAX_MISSING: usize = 20;
pub const MAX_CHANNEL: usize = 500;

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Update,
    Submit,
    Ballot,
    OpenConsultation,
    Forward,
    Receive,
    RequestSupplement,
    Decide,
    Reject,
    Return,
    Withdraw,
    /// A document added to the dossier (its version moves on; its state does not).
    Attach,
}

/// Who owns a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The unit that proposed the nomination.
    Nominating,
    /// The unit whose turn it is.
    Holder,
}

/// States before a decision.
pub const OPEN: [NominationState; 8] = [
    Draft,
    UnitReview,
    Returned,
    Forwarded,
    Appraisal,
    SupplementRequested,
    PublicConsultation,
    PendingDecision,
];

impl Step {
    /// Every step, in the workflow's order.
    pub const ALL: [Step; 12] = [
        Step::Update,
        Step::Submit,
        Step::Ballot,
        Step::OpenConsultation,
        Step::Forward,
        Step::Receive,
        Step::RequestSupplement,
        Step::Decide,
        Step::Reject,
        Step::Return,
        Step::Withdraw,
        Step::Attach,
    ];

    /// The states the step starts from.
    pub fn from(self) -> &'static [NominationState] {
        match self {
            Step::Update => &[Draft, Returned, SupplementRequested],
            Step::Submit => &[Draft, Returned, SupplementRequested],
            Step::Ballot => &[UnitReview, Appraisal, PublicConsultation],
            Step::OpenConsultation => &[UnitReview, Appraisal],
            Step::Forward => &[PendingDecision],
            Step::Receive => &[Forwarded],
            Step::RequestSupplement => &[Forwarded, Appraisal],
            // From `FORWARDED` only when forwarded outside the province (checked there).
            Step::Decide => &[PendingDecision, Forwarded],
            Step::Reject => &[
                UnitReview,
                Forwarded,
                Appraisal,
                SupplementRequested,
                PublicConsultation,
                PendingDecision,
            ],
            Step::Return => &[
                UnitReview,
                Forwarded,
                Appraisal,
                PublicConsultation,
                PendingDecision,
            ],
            Step::Withdraw | Step::Attach => &OPEN,
        }
    }

    /// The unit that owns the step.
    pub fn owner(self) -> Owner {
        match self {
            Step::Update | Step::Submit | Step::Withdraw | Step::Attach => Owner::Nominating,
            _ => Owner::Holder,
        }
    }

    /// The mutation's verb, as the history records it.
    pub fn verb(self) -> &'static str {
        match self {
            Step::Update => "update",
            Step::Submit => "submit",
            Step::Ballot => "ballot",
            Step::OpenConsultation => "open_consultation",
            Step::Forward => "forward",
            Step::Receive => "receive",
            Step::RequestSupplement => "request_supplement",
            Step::Decide => "decide",
            Step::Reject => "reject",
            Step::Return => "return",
            Step::Withdraw => "withdraw",
            Step::Attach => "attach",
        }
    }

    fn audit(self) -> AuditAction {
        match self {
            Step::Update => AuditAction::NominationUpdate,
            Step::Submit => AuditAction::NominationSubmit,
            Step::Ballot => AuditAction::NominationBallot,
            Step::OpenConsultation => AuditAction::NominationConsultationOpen,
            Step::Forward => AuditAction::NominationForward,
            Step::Receive => AuditAction::NominationReceive,
            Step::RequestSupplement => AuditAction::NominationSupplementRequest,
            Step::Decide => AuditAction::NominationDecide,
            Step::Reject => AuditAction::NominationReject,
            Step::Return => AuditAction::NominationReturn,
            Step::Withdraw => AuditAction::NominationWithdraw,
            Step::Attach => AuditAction::NominationAttach,
        }
    }

    /// The unit that owns this step of `nomination`.
    pub fn owner_unit(self, nomination: &nomination::Model) -> Uuid {
        match self.owner() {
            Owner::Nominating => nomination.nominating_unit_id,
            Owner::Holder => nomination.holder_unit_id,
        }
    }
}

/// How messages name a state.
pub fn state_label(state: NominationState) -> &'static str {
    match state {
        Draft => "a draft",
        UnitReview => "under the unit council's review",
        Returned => "returned to the nominating unit",
        Forwarded => "forwarded and not yet received",
        Appraisal => "under appraisal",
        SupplementRequested => "waiting for supplements",
        PublicConsultation => "in public consultation",
        PendingDecision => "waiting for a decision",
        Awarded => "awarded",
        Downgraded => "awarded a lower form",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
    }
}

/// Reads a nomination for `step`, with what the steps check: the caller must act for the unit
/// that owns the step, the version must be the one read, and the state one the step starts
/// from.
pub async fn begin(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: NominationId,
    version: i32,
    step: Step,
) -> DomainResult<NominationFacts> {
    let current = find(db, actor, id).await?;
    begin_read(db, actor, current, version, step).await
}

/// [`begin`] for a nomination already read in this transaction.
pub async fn begin_read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    facts: NominationFacts,
    version: i32,
    step: Step,
) -> DomainResult<NominationFacts> {
    let current = &facts.nomination;
    actor
        .authorize(
            db,
            Action::HandleNominations,
            Resource::Unit(step.owner_unit(current)),
        )
        .await?;
    versioned::check_version(current, version)?;
    if !step.from().contains(&current.state) {
        return Err(crate::kernel::error::rejected(
            "id",
            Code::InvalidState,
            format!(
                "a nomination {} cannot be {}",
                state_label(current.state),
                match step {
                    Step::Update => "changed",
                    Step::Submit => "submitted",
                    Step::Ballot => "voted on",
                    Step::OpenConsultation => "posted for public consultation",
                    Step::Forward => "forwarded (a council passes it first)",
                    Step::Receive => "received",
                    Step::RequestSupplement => "asked for supplements",
                    Step::Decide => "decided (a council passes it first)",
                    Step::Reject => "rejected",
                    Step::Return => "returned",
                    Step::Withdraw => "withdrawn",
                    Step::Attach => "given documents",
                }
            ),
        ));
    }
    Ok(facts)
}

/// The nomination with what its steps check (one statement), or the refusal to name it:
/// `NOT_FOUND` to those who may know, else `FORBIDDEN`.
pub async fn find(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: NominationId,
) -> DomainResult<NominationFacts> {
    match facts::read(db, id.uuid()).await? {
        Some(n) => Ok(n),
        None if actor.sees_missing_objects() => Err(crate::kernel::error::rejected(
            "id",
            Code::NotFound,
            "no such nomination",
        )),
        None => Err(DomainError::Forbidden(
            "this step of the nomination belongs to another unit: only its emulation officers and administrators take it".into(),
        )),
    }
}

/// Saves `next` (the version read was `before.version`) with a history event, and describes
/// the change for the audit log.
pub async fn commit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    before: &nomination::Model,
    next: nomination::Model,
    step: Step,
    note: Option<String>,
    warnings: Vec<String>,
) -> DomainResult<Change> {
    Ok(
        commit_written(db, actor, before, next, step, note, warnings)
            .await?
            .change,
    )
}

/// [`commit`], with the nomination as saved (the payload shows it without reading it again).
pub async fn commit_written(
    db: &impl ConnectionTrait,
    actor: &Actor,
    before: &nomination::Model,
    mut next: nomination::Model,
    step: Step,
    note: Option<String>,
    warnings: Vec<String>,
) -> DomainResult<Written<nomination::Model>> {
    if !OPEN.contains(&next.state) {
        next.open_marker = None;
    }
    if !matches!(step, Step::Update | Step::Attach) {
        next.warnings = json!(warnings);
    }
    let saved = versioned::save(db, next, before.version).await?;
    nomination_event::Model {
        id: Uuid::now_v7(),
        nomination_id: saved.id,
        action: step.verb().into(),
        from_state: Some(before.state),
        to_state: saved.state,
        actor: actor.principal.subject.clone(),
        actor_unit_id: actor.principal.unit_id,
        holder_unit_id: Some(saved.holder_unit_id),
        note,
        warnings: json!(warnings),
        at: Utc::now(),
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    Ok(Written {
        change: Change {
            action: step.audit(),
            object_type: ObjectType::Nomination,
            object_id: saved.id,
            scope_unit_id: Some(saved.nominating_unit_id),
            before: Some(serde_json::to_value(before).unwrap_or_default()),
            after: Some(serde_json::to_value(&saved).unwrap_or_default()),
        },
        model: saved,
    })
}

/// The route of an award type version, first level to last.
pub fn route_of(version: &award_type::Model) -> Vec<entity::enums::AwardAuthority> {
    catalogue::parse_list(&version.proposing_route)
}

/// The route position a nominating unit starts at, or why it may not propose this award.
pub async fn start_step(
    db: &impl ConnectionTrait,
    version: &award_type::Model,
    nominating: Uuid,
) -> DomainResult<i32> {
    let unit = unit::Entity::find_by_id(nominating)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "unit" })?;
    start_step_of(version, &unit)
}

/// [`start_step`] for a nominating unit already read.
pub fn start_step_of(version: &award_type::Model, unit: &unit::Model) -> DomainResult<i32> {
    let route = route_of(version);
    let authority = authority_of(unit);
    match route::position(&route, authority) {
        Some(step) => Ok(step as i32),
        None => Err(crate::kernel::error::rejected(
            "nominatingUnitId",
            Code::Invalid,
            format!(
                "{} is proposed through {}; {} is not on that route (tuyến trình)",
                version.name,
                route
                    .iter()
                    .map(|a| label(*a))
                    .collect::<Vec<_>>()
                    .join(" → "),
                label(authority)
            ),
        )),
    }
}

/// `submitNomination`: a draft or a returned nomination goes to its unit's council; one
/// waiting for supplements goes back to the appraisers. The checks run first.
pub async fn submit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: NominationId,
    version: i32,
) -> DomainResult<Written<nomination::Model>> {
    let facts = begin(db, actor, id, version, Step::Submit).await?;
    let before = &facts.nomination;
    let checked = check::run(db, actor, &facts, true).await?;
    let mut next = before.clone();
    if before.state == SupplementRequested {
        next.state = Appraisal;
        next.supplement_request = None;
    } else {
        next.state = UnitReview;
        next.holder_unit_id = before.nominating_unit_id;
        next.route_step = start_step_of(&facts.award, &facts.nominating_unit)?;
    }
    commit_written(
        db,
        actor,
        before,
        next,
        Step::Submit,
        None,
        checked.warnings,
    )
    .await
}

/// Where `forwardNomination` sends a nomination.
#[derive(Debug, Clone)]
pub struct Forwarding {
    pub id: NominationId,
    pub version: i32,
    /// The unit of the next level; none when the next level is outside the province (the
    /// Prime Minister, the President, a ministry).
    pub to_unit_id: Option<UnitId>,
    /// The tờ trình (number and date), when given.
    pub note: Option<String>,
}

/// What a forward did: the change, the unit that held the nomination and the level it went
/// to (a batch's letter names both).
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub change: Change,
    pub from_unit_id: Uuid,
    pub to_authority: entity::enums::AwardAuthority,
}

/// `forwardNomination`: a nomination that passed a council goes one level up its route; the
/// checks run again.
pub async fn forward(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: Forwarding,
) -> DomainResult<Forwarded> {
    let current = find(db, actor, input.id).await?;
    forward_read(db, actor, current, input).await
}

/// [`forward`] for a nomination already read in this transaction (a batch reads each once).
pub async fn forward_read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    current: NominationFacts,
    input: Forwarding,
) -> DomainResult<Forwarded> {
    let facts = begin_read(db, actor, current, input.version, Step::Forward).await?;
    let (before, award) = (&facts.nomination, &facts.award);
    let route = route_of(award);
    let step = before.route_step as usize;
    let Some(next_authority) = route.get(step + 1).copied() else {
        return Err(crate::kernel::error::rejected(
            "id",
            Code::InvalidState,
            format!(
                "{} decides {}: decide it here, it goes no higher",
                label(award.deciding_authority),
                award.name
            ),
        ));
    };
    let mut checks = Checks(Vec::new());
    let note = checks.optional_text("note", input.note.as_deref(), MAX_REASON);
    let holder = match (input.to_unit_id, is_external(next_authority)) {
        (None, true) => before.holder_unit_id,
        (Some(_), true) => {
            checks.fail(
                "toUnitId",
                Code::Invalid,
                format!(
                    "the next level is {}, outside the province: forward it without `toUnitId`",
                    label(next_authority)
                ),
            );
            before.holder_unit_id
        }
        (None, false) => {
            checks.fail(
                "toUnitId",
                Code::Required,
                format!(
                    "name the unit of the next level ({})",
                    label(next_authority)
                ),
            );
            before.holder_unit_id
        }
        (Some(to), false) => {
            let ancestors = crate::org::unit::ancestors(db, &[before.holder_unit_id])
                .await?
                .remove(&before.holder_unit_id)
                .unwrap_or_default();
            match ancestors.iter().find(|u| u.id == to.uuid()) {
                None => checks.fail(
                    "toUnitId",
                    Code::Invalid,
                    "a nomination goes up its route: to a unit above the one holding it",
                ),
                Some(target) if authority_of(target) != next_authority => checks.fail(
                    "toUnitId",
                    Code::Invalid,
                    format!(
                        "the next level of the route is {}; {} is not",
                        label(next_authority),
                        target.name
                    ),
                ),
                Some(_) => {}
            }
            to.uuid()
        }
    };
    checks.finish()?;
    let checked = check::run(db, actor, &facts, false).await?;
    let mut next = before.clone();
    next.state = Forwarded;
    next.holder_unit_id = holder;
    next.route_step = (step + 1) as i32;
    let change = commit(
        db,
        actor,
        before,
        next,
        Step::Forward,
        note,
        checked.warnings,
    )
    .await?;
    Ok(Forwarded {
        change,
        from_unit_id: before.holder_unit_id,
        to_authority: next_authority,
    })
}

/// `receiveNomination`: the next level's standing body takes a forwarded nomination into
/// appraisal.
pub async fn receive(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: NominationId,
    version: i32,
) -> DomainResult<Change> {
    let facts = begin(db, actor, id, version, Step::Receive).await?;
    let before = &facts.nomination;
    if route_of(&facts.award)
        .get(before.route_step as usize)
        .is_some_and(|a| is_external(*a))
    {
        return Err(crate::kernel::error::rejected(
            "id",
            Code::InvalidState,
            "it was forwarded outside the province: record the outcome with decideNomination or rejectNomination",
        ));
    }
    let mut next = before.clone();
    next.state = Appraisal;
    commit(db, actor, before, next, Step::Receive, None, Vec::new()).await
}

/// `requestSupplement`: the appraisers list what is missing; the nomination waits for the
/// nominating unit.
pub async fn request_supplement(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: NominationId,
    version: i32,
    missing: Vec<String>,
    note: Option<String>,
) -> DomainResult<Change> {
    let facts = begin(db, actor, id, version, Step::RequestSupplement).await?;
    let before = &facts.nomination;
    let mut checks = Checks(Vec::new());
    if missing.is_empty() {
        checks.fail("missing", Code::Required, "list what is missing");
    }
    if missing.len() > MAX_MISSING {
        checks.fail(
            "missing",
            Code::OutOfRange,
            format!("at most {MAX_MISSING} items"),
        );
    }
    let items: Vec<String> = missing
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let cleaned = crate::kernel::text::clean(item);
            if cleaned.is_empty() || cleaned.chars().count() > 300 {
                checks.0.push(FieldError::at(
                    &["missing", &i.to_string()],
                    Code::Invalid,
                    "an item is 1 to 300 characters",
                ));
            }
            cleaned
        })
        .collect();
    let note = checks.optional_text("note", note.as_deref(), MAX_REASON);
    checks.finish()?;
    let mut next = before.clone();
    next.state = SupplementRequested;
    next.supplement_request = Some(json!({
        "items": items,
        "note": note,
        "requestedBy": actor.principal.subject,
        "unitId": before.holder_unit_id,
        "at": Utc::now(),
    }));
    commit(
        db,
        actor,
        before,
        next,
        Step::RequestSupplement,
        Some(items.join("; ")),
        Vec::new(),
    )
    .await
}

/// `openConsultation`: posts the nomination for public comment; the consultation closes
/// after the award type's working days (the holiday calendar counts), and no council meets
/// before it closes.
pub async fn open_consultation(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: NominationId,
    version: i32,
    posted_on: NaiveDate,
    channel: String,
) -> DomainResult<Change> {
    let facts = begin(db, actor, id, version, Step::OpenConsultation).await?;
    let (before, award) = (&facts.nomination, &facts.award);
    let Some(days) = award.consultation_working_days else {
        return Err(crate::kernel::error::rejected(
            "id",
            Code::InvalidState,
            format!("{} is not posted for public consultation", award.name),
        ));
    };
    let mut checks = Checks(Vec::new());
    let channel = checks.text("channel", &channel, MAX_CHANNEL, true);
    let today = crate::kernel::time::today();
    if posted_on > today + chrono::Duration::days(30)
        || posted_on < today - chrono::Duration::days(5 * 366)
    {
        checks.fail(
            "postedOn",
            Code::OutOfRange,
            "a consultation is posted within the last five years or the next 30 days",
        );
    }
    checks.finish()?;
    let calendar = crate::reporting::calendar::WorkCalendar::load(
        db,
        posted_on,
        posted_on + chrono::Duration::days(i64::from(days) * 3),
    )
    .await?;
    let closes_on = calendar.add_working_days(posted_on, days as u32);
    let mut next = before.clone();
    next.state = PublicConsultation;
    next.consultation_posted_on = Some(posted_on);
    next.consultation_closes_on = Some(closes_on);
    next.consultation_channel = Some(channel);
    commit(
        db,
        actor,
        before,
        next,
        Step::OpenConsultation,
        Some(format!(
            "posted on {}, closes on {} ({days} working days)",
            DayMonthYear(posted_on),
            DayMonthYear(closes_on)
        )),
        Vec::new(),
    )
    .await
}

/// `rejectNomination`, `returnNomination` and `withdrawNomination`: a reason is required; a
/// returned nomination goes back to the nominating unit's level.
pub async fn close(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: NominationId,
    version: i32,
    step: Step,
    reason: String,
) -> DomainResult<Written<nomination::Model>> {
    let facts = begin(db, actor, id, version, step).await?;
    let before = &facts.nomination;
    let mut checks = Checks(Vec::new());
    let reason = checks.text("reason", &reason, MAX_REASON, true);
    checks.finish()?;
    let mut next = before.clone();
    match step {
        Step::Reject => next.state = Rejected,
        Step::Withdraw => next.state = Withdrawn,
        Step::Return => {
            next.state = Returned;
            next.holder_unit_id = before.nominating_unit_id;
            next.route_step = start_step_of(&facts.award, &facts.nominating_unit)?;
        }
        _ => return Err(DomainError::invalid("not a closing step")),
    }
    commit_written(db, actor, before, next, step, Some(reason), Vec::new()).await
}
