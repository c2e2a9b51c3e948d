//! What is checked on submit and on every forward: the eligibility engine (a hard failure
//! blocks; a condition the council judges for a non-regular achievement is a warning), the
//! registration for a title (blocking or a warning, as the movement says) and the round's
//! closing date.

use chrono::{Datelike, Duration};
use entity::enums::{AchievementKind, AwardCategory, RegistrationRule};
use sea_orm::ConnectionTrait;

use super::super::eligibility;
use super::super::movement;
use super::super::record::Subject;
use super::facts::NominationFacts;
use crate::access::Actor;
use crate::access::principal::Role;
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::time::DayMonthYear;
use crate::kernel::time::today;

/// Conditions that block whatever the achievement's kind.
const ALWAYS_HARD: [&str; 3] = ["SUBJECT_KIND", "NO_DISCIPLINE", "NOT_REWARDED_TWICE"];

/// The outcome of a check: the warnings to record with the transition.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub warnings: Vec<String>,
}

/// Runs the checks of a submission or a forward; hard failures are `userErrors` on `field`.
pub async fn run(
    db: &impl ConnectionTrait,
    actor: &Actor,
    facts: &NominationFacts,
    submitting: bool,
) -> DomainResult<Checked> {
    let (nomination, round, movement) = (&facts.nomination, &facts.round, &facts.movement);
    let subject = Subject::of(nomination.nominee_kind, nomination.nominee_id);
    let mut failures: Vec<FieldError> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    // Judged as proposed the day after the window ends (the proposal year follows it).
    let as_of = nomination.achievement_to + Duration::days(1);
    let judged = eligibility::evaluate_known(db, subject, &facts.award_version(), as_of).await?;
    let regular = nomination.achievement_kind == AchievementKind::Regular;
    for condition in judged.conditions.iter().filter(|c| !c.met) {
        let text = format!("{}: {}", condition.code, condition.description);
        if regular || ALWAYS_HARD.contains(&condition.code) {
            failures.push(FieldError::new("id", Code::Invalid, text));
        } else {
            warnings.push(format!("judged by the council ({text})"));
        }
    }
    // A title needs a registration (đăng ký thi đua) for the achievement's year.
    if judged.version.model.category == AwardCategory::EmulationTitle {
        let year = nomination.achievement_to.year();
        let registered = movement::is_registered(
            db,
            movement.id,
            year,
            nomination.nominee_id,
            &nomination.award_code,
        )
        .await?;
        if !registered {
            let text = format!(
                "no registration (đăng ký thi đua) for {} in {year} under this movement",
                judged.version.model.name
            );
            match movement.registration_rule {
                RegistrationRule::Block => {
                    failures.push(FieldError::new("id", Code::Invalid, text));
                }
                RegistrationRule::Warn => warnings.push(text),
            }
        }
    }
    if submitting && today() > round.closes_on {
        let text = format!(
            "the round stopped receiving nominations on {}",
            DayMonthYear(round.closes_on)
        );
        // A province administrator may still accept a late dossier; the lateness is recorded.
        if actor.principal.has(Role::ProvinceAdmin) {
            warnings.push(format!("accepted late: {text}"));
        } else {
            failures.push(FieldError::new("id", Code::InvalidState, text));
        }
    }
    if failures.is_empty() {
        Ok(Checked { warnings })
    } else {
        Err(DomainError::Rejected(failures))
    }
}
