//! Council ballots (bình xét, bỏ phiếu): counted on the council's full membership (absent
//! members count as not agreeing unless their written opinion is counted among the votes),
//! against the award type's threshold; secret where the catalogue says so; never before a
//! required public consultation has closed; and within the round's quotas.

use chrono::Utc;
use entity::enums::{BallotStage, NominationState};
use entity::{council_ballot, employment, emulation_round, nomination};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::workflow::{Step, begin, commit};
use crate::access::Actor;
use crate::emulation::movement::{self, Quota};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::NominationId;
use crate::kernel::mutation::Change;
use crate::kernel::time::DayMonthYear;
use crate::kernel::time::today;

/// The largest council.
pub const MAX_MEMBERS: i32 = 200;

/// A ballot as `recordCouncilBallot` records it.
#[derive(Debug, Clone)]
pub struct NewBallot {
    pub id: NominationId,
    pub version: i32,
    pub meeting_on: chrono::NaiveDate,
    pub members_total: i32,
    pub yes: i32,
    pub no: i32,
    pub abstain: i32,
    pub secret: bool,
    pub minutes_ref: Option<String>,
}

/// States in which a nomination that passed a council holds a place in a quota.
const HOLDS_QUOTA: [NominationState; 7] = [
    NominationState::PendingDecision,
    NominationState::Forwarded,
    NominationState::Appraisal,
    NominationState::SupplementRequested,
    NominationState::PublicConsultation,
    NominationState::Awarded,
    NominationState::Downgraded,
];

/// Records the vote of the council of the unit holding the nomination: passed, it waits for a
/// decision or a forward; failed, the unit's own council returns it, a higher council rejects
/// it.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewBallot,
) -> DomainResult<Change> {
    let facts = begin(db, actor, input.id, input.version, Step::Ballot).await?;
    let (before, award) = (&facts.nomination, &facts.award);
    let stage = if before.holder_unit_id == before.nominating_unit_id {
        BallotStage::UnitReview
    } else {
        BallotStage::CouncilReview
    };
    let mut checks = Checks(Vec::new());
    let minutes_ref = checks.optional_text("minutesRef", input.minutes_ref.as_deref(), 100);
    if !(1..=MAX_MEMBERS).contains(&input.members_total) {
        checks.fail(
            "membersTotal",
            Code::OutOfRange,
            format!("a council has 1 to {MAX_MEMBERS} members"),
        );
    }
    for (field, count) in [
        ("yesVotes", input.yes),
        ("noVotes", input.no),
        ("abstentions", input.abstain),
    ] {
        if count < 0 {
            checks.fail(field, Code::OutOfRange, "a count is 0 or more");
        }
    }
    if i64::from(input.yes) + i64::from(input.no) + i64::from(input.abstain)
        > i64::from(input.members_total)
    {
        checks.fail(
            "membersTotal",
            Code::OutOfRange,
            "more votes than members: yes, no and abstentions add up to at most the membership",
        );
    }
    if input.meeting_on > today() {
        checks.fail(
            "meetingOn",
            Code::OutOfRange,
            "a ballot is recorded after the meeting: today or earlier",
        );
    }
    if award.secret_ballot && !input.secret {
        checks.fail(
            "secret",
            Code::Invalid,
            format!("{} is voted by secret ballot (bỏ phiếu kín)", award.name),
        );
    }
    if award.consultation_working_days.is_some() {
        match before.consultation_closes_on {
            None => checks.fail(
                "id",
                Code::InvalidState,
                format!(
                    "{} is posted for public consultation before a council votes: open it first",
                    award.name
                ),
            ),
            Some(closes) if input.meeting_on < closes => checks.fail(
                "meetingOn",
                Code::OutOfRange,
                format!(
                    "no council meets before the public consultation closes on {}",
                    DayMonthYear(closes)
                ),
            ),
            Some(_) => {}
        }
    }
    checks.finish()?;
    let passed = i64::from(input.yes) * 100
        >= i64::from(award.council_percent) * i64::from(input.members_total);
    if passed {
        check_quotas(db, before, &facts.round).await?;
    }
    council_ballot::Model {
        id: Uuid::now_v7(),
        nomination_id: before.id,
        unit_id: before.holder_unit_id,
        stage,
        meeting_on: input.meeting_on,
        members_total: input.members_total,
        yes_votes: input.yes,
        no_votes: input.no,
        abstentions: input.abstain,
        secret: input.secret,
        threshold_percent: award.council_percent,
        passed,
        minutes_ref,
        created_by: Some(actor.principal.subject.clone()),
        created_at: Utc::now(),
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    let mut next = before.clone();
    next.state = match (passed, stage) {
        (true, _) => NominationState::PendingDecision,
        (false, BallotStage::UnitReview) => NominationState::Returned,
        (false, BallotStage::CouncilReview) => NominationState::Rejected,
    };
    let note = format!(
        "{} of {} members agreed ({} against, {} abstaining; {} % needed, {} ballot): {}",
        input.yes,
        input.members_total,
        input.no,
        input.abstain,
        award.council_percent,
        if input.secret { "secret" } else { "open" },
        if passed { "passed" } else { "not passed" }
    );
    commit(
        db,
        actor,
        before,
        next,
        Step::Ballot,
        Some(note),
        Vec::new(),
    )
    .await
}

/// Refuses a pass that would exceed a quota of the round for this award type, naming it.
async fn check_quotas(
    db: &impl ConnectionTrait,
    nomination: &nomination::Model,
    round: &emulation_round::Model,
) -> DomainResult<()> {
    let Some(quota) = movement::quotas(round)
        .into_iter()
        .find(|q| q.award_code == nomination.award_code)
    else {
        return Ok(());
    };
    if let Some(max) = quota.max_count {
        let taken = passed_here(db, nomination, None).await?;
        if taken >= max as u64 {
            return Err(refusal(&quota, taken, format!("{max} for the round")));
        }
    }
    if let Some(percent) = quota.max_share_percent {
        let staff = employment::Entity::find()
            .filter(employment::Column::UnitId.eq(nomination.nominating_unit_id))
            .filter(employment::Column::StartedOn.lte(round.achievement_to))
            .filter(
                sea_orm::Condition::any()
                    .add(employment::Column::EndedOn.is_null())
                    .add(employment::Column::EndedOn.gte(round.achievement_to)),
            )
            .count(db)
            .await?;
        let max = staff * percent as u64 / 100;
        let taken = passed_here(db, nomination, Some(nomination.nominating_unit_id)).await?;
        if taken >= max {
            return Err(refusal(
                &quota,
                taken,
                format!("{max} for a unit of {staff} staff"),
            ));
        }
    }
    Ok(())
}

fn refusal(quota: &Quota, taken: u64, limit: String) -> crate::kernel::error::DomainError {
    rejected(
        "id",
        Code::OutOfRange,
        format!(
            "{} is reached at this council: {taken} nominations already passed, the limit is {limit}",
            quota.describe()
        ),
    )
}

/// Other nominations of the same round and award type (from one nominating unit, when given)
/// that passed this council and still hold their place.
async fn passed_here(
    db: &impl ConnectionTrait,
    nomination: &nomination::Model,
    from_unit: Option<Uuid>,
) -> DomainResult<u64> {
    // The other nominations of the round for this award that hold a place in its quota…
    let mut others = sea_orm::sea_query::Query::select()
        .column(nomination::Column::Id)
        .from(nomination::Entity)
        .and_where(nomination::Column::RoundId.eq(nomination.round_id))
        .and_where(nomination::Column::AwardCode.eq(nomination.award_code.as_str()))
        .and_where(nomination::Column::Id.ne(nomination.id))
        .and_where(nomination::Column::State.is_in(HOLDS_QUOTA))
        .take();
    if let Some(unit) = from_unit {
        others.and_where(nomination::Column::NominatingUnitId.eq(unit));
    }
    // …and passed this council: counted in one statement.
    Ok(council_ballot::Entity::find()
        .select_only()
        .column(council_ballot::Column::NominationId)
        .distinct()
        .filter(council_ballot::Column::UnitId.eq(nomination.holder_unit_id))
        .filter(council_ballot::Column::Passed.eq(true))
        .filter(council_ballot::Column::NominationId.in_subquery(others))
        .count(db)
        .await?)
}
