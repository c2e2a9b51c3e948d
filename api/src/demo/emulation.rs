//! The demo's emulation data (`api/fixtures/emulation/`): illustrative people of the Bắc Giang
//! health units with their careers, recorded through the domain as an emulation officer would
//! (the rules that refuse a user's bad input refuse a bad fixture too), each marked
//! illustrative in its provenance.

use anyhow::Context as _;
use chrono::NaiveDate;
use entity::enums::{
    AchievementKind, DutyRatingLevel, Gender, InitiativeKind, InitiativeScope, StaffCategory,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel};
use serde::Deserialize;

use crate::domain::access::Actor;
use crate::domain::emulation::catalogue;
use crate::domain::emulation::person::{self as people, NewEmployment, NewPerson};
use crate::domain::emulation::record::{
    self as records, NewAward, NewInitiative, NewRating, Subject,
};
use crate::domain::kernel::ids::Id;
use crate::domain::kernel::ids::PersonId;

const PEOPLE: &str = include_str!("../../fixtures/emulation/people.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code, reason = "`source` and `note` document the file")]
struct PeopleFile {
    source: String,
    note: String,
    people: Vec<PersonFx>,
    /// Units' own ratings and collective titles.
    #[serde(default)]
    collectives: Vec<CollectiveFx>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CollectiveFx {
    unit: String,
    ratings: std::collections::BTreeMap<i32, DutyRatingLevel>,
    awards: Vec<AwardFx>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code, reason = "`key` names the person in the fixture")]
struct PersonFx {
    key: String,
    full_name: String,
    birth_date: Option<NaiveDate>,
    gender: Option<Gender>,
    staff_category: Option<StaffCategory>,
    position: Option<String>,
    employments: Vec<EmploymentFx>,
    /// Duty ratings by year.
    #[serde(default)]
    ratings: std::collections::BTreeMap<i32, DutyRatingLevel>,
    #[serde(default)]
    awards: Vec<AwardFx>,
    #[serde(default)]
    initiatives: Vec<InitiativeFx>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AwardFx {
    code: String,
    from: NaiveDate,
    to: NaiveDate,
    decision: String,
    decided_on: NaiveDate,
    issuer: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InitiativeFx {
    title: String,
    scope: InitiativeScope,
    recognised_on: NaiveDate,
    decision: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EmploymentFx {
    unit: String,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    position: Option<String>,
}

/// Records the demo's people; returns how many.
pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let file: PeopleFile =
        serde_json::from_str(PEOPLE).context("fixtures/emulation/people.json")?;
    let actor = Actor::system("demo");
    for fx in &file.people {
        let (first, later) = fx
            .employments
            .split_first()
            .with_context(|| format!("{}: no employment", fx.full_name))?;
        let created = people::create(
            db,
            &actor,
            NewPerson {
                full_name: fx.full_name.clone(),
                birth_date: fx.birth_date,
                gender: fx.gender,
                staff_category: fx.staff_category,
                position: first.position.clone(),
                unit_id: Id::new(super::id_of("unit", &first.unit)),
                started_on: Some(first.started_on),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", fx.full_name))?;
        let id = created.object_id;
        // The first employment's end is the next one's start: each later one is a move.
        for (version, employment) in (1..).zip(later) {
            people::record_employment(
                db,
                &actor,
                NewEmployment {
                    person_id: PersonId::new(id),
                    version,
                    unit_id: Id::new(super::id_of("unit", &employment.unit)),
                    position: employment.position.clone(),
                    started_on: employment.started_on,
                    ended_on: employment.ended_on,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{} in {}: {e}", fx.full_name, employment.unit))?;
        }
        let failed = |what: String| move |e| anyhow::anyhow!("{}, {what}: {e}", fx.full_name);
        for (year, rating) in &fx.ratings {
            let rating = NewRating {
                subject: Subject::Person(id),
                year: *year,
                rating: *rating,
                decision_ref: None,
            };
            records::record_rating(db, &actor, rating)
                .await
                .map_err(failed(format!("rating {year}")))?;
        }
        record_awards(db, &actor, Subject::Person(id), &fx.awards)
            .await
            .with_context(|| fx.full_name.clone())?;
        for initiative in &fx.initiatives {
            let unit = fx
                .employments
                .iter()
                .rev()
                .find(|e| e.started_on <= initiative.recognised_on)
                .unwrap_or(first);
            let new = NewInitiative {
                title: initiative.title.clone(),
                kind: InitiativeKind::Initiative,
                unit_id: Id::new(super::id_of("unit", &unit.unit)),
                scope: initiative.scope,
                recognition_decision: initiative.decision.clone(),
                recognised_on: initiative.recognised_on,
                authors: vec![(Id::new(id), None)],
            };
            records::record_initiative(db, &actor, new)
                .await
                .map_err(failed(initiative.title.clone()))?;
        }
        let note = match &fx.note {
            Some(note) => format!("person and records invented for the demo: {note}"),
            None => "person and records invented for the demo: no seed document names staff".into(),
        };
        entity::provenance::Model {
            object_id: id,
            object_type: "Person".into(),
            illustrative: true,
            note: Some(note),
        }
        .into_active_model()
        .insert(db)
        .await?;
    }
    for collective in &file.collectives {
        let unit = Subject::Unit(super::id_of("unit", &collective.unit));
        for (year, rating) in &collective.ratings {
            let rating = NewRating {
                subject: unit,
                year: *year,
                rating: *rating,
                decision_ref: None,
            };
            records::record_rating(db, &actor, rating)
                .await
                .map_err(|e| anyhow::anyhow!("{} rating {year}: {e}", collective.unit))?;
        }
        record_awards(db, &actor, unit, &collective.awards)
            .await
            .with_context(|| collective.unit.clone())?;
    }
    Ok(file.people.len())
}

/// Records a subject's awards, each under the catalogue version in force at its window's end.
async fn record_awards(
    db: &impl ConnectionTrait,
    actor: &Actor,
    recipient: Subject,
    awards: &[AwardFx],
) -> anyhow::Result<()> {
    for award in awards {
        let version = catalogue::in_force(db, &award.code, award.to)
            .await?
            .with_context(|| format!("no {} in force on {}", award.code, award.to))?;
        let new = NewAward {
            recipient,
            award_type_id: Id::new(version.model.id),
            achievement_from: award.from,
            achievement_to: award.to,
            kind: AchievementKind::Regular,
            decision_number: award.decision.clone(),
            decided_on: award.decided_on,
            issuer_name: award.issuer.clone(),
            source: Some("demo".into()),
        };
        records::record_award(db, actor, new)
            .await
            .map_err(|e| anyhow::anyhow!("{} {}: {e}", award.decision, award.to))?;
    }
    Ok(())
}
