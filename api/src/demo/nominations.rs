//! The demo's movements and nominations (`api/fixtures/emulation/nominations.json`): the Bắc
//! Giang movement with its sơ kết round and a nomination in every state, each taken through
//! the workflow's own steps (so the rules that refuse a user's bad step refuse a bad fixture
//! too) and marked illustrative.

use std::collections::HashMap;

use anyhow::{Context as _, ensure};
use chrono::NaiveDate;
use entity::enums::{
    AchievementKind, AwardSubject, MovementKind, MovementLevel, RegistrationRule, RoundKind,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::access::Actor;
use crate::domain::emulation::catalogue;
use crate::domain::emulation::movement::{self, NewMovement, NewRound, Quota};
use crate::domain::emulation::nomination::ballot::{self, NewBallot};
use crate::domain::emulation::nomination::batch::{self, BatchForwarding};
use crate::domain::emulation::nomination::decision::{self, NewDecision};
use crate::domain::emulation::nomination::draft::{self, NewNomination};
use crate::domain::emulation::nomination::workflow::{self, Forwarding, Step};
use crate::domain::emulation::record::Subject;
use crate::domain::kernel::ids::Id;
use crate::domain::kernel::ids::NominationId;
use crate::domain::kernel::mutation::Change;

const FILE: &str = include_str!("../../fixtures/emulation/nominations.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code, reason = "`source` and `note` document the file")]
struct NominationsFile {
    source: String,
    note: String,
    movements: Vec<MovementFx>,
    round: RoundFx,
    nominations: Vec<NominationFx>,
    #[serde(default)]
    batches: Vec<BatchFx>,
}

/// A proposal letter (tờ trình) carrying the nominations whose last step names it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BatchFx {
    key: String,
    number: String,
    signed_on: NaiveDate,
    to: String,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MovementFx {
    key: String,
    plan: String,
    launcher: String,
    parent: Option<String>,
    level: MovementLevel,
    name: String,
    kind: MovementKind,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    subjects: Vec<AwardSubject>,
    collective_criteria: Option<String>,
    individual_criteria: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RoundFx {
    movement: String,
    kind: RoundKind,
    name: String,
    achievement_from: NaiveDate,
    achievement_to: NaiveDate,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    award_codes: Vec<String>,
    quotas: Vec<Quota>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NominationFx {
    person: Option<String>,
    unit: Option<String>,
    award: String,
    summary: String,
    steps: Vec<StepFx>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
enum StepFx {
    Submit,
    Receive,
    /// Yes votes of the full membership.
    Ballot(i32, i32),
    Forward(String),
    Supplement(Vec<String>),
    /// Number, day, signer, and the award given when lower than proposed.
    Decide(Vec<String>),
    Reject(String),
    Withdraw(String),
    /// Posted on, channel.
    Consult(NaiveDate, String),
    /// Waits for the letter with this key (the last step).
    Batch(String),
}

/// Loads the demo's movements, nominations and letters; returns how many nominations.
pub async fn load(db: &DatabaseTransaction) -> anyhow::Result<usize> {
    let file: NominationsFile =
        serde_json::from_str(FILE).context("fixtures/emulation/nominations.json")?;
    let actor = Actor::system("demo");
    let mut movements = std::collections::HashMap::new();
    for fx in &file.movements {
        let change = movement::create(
            db,
            &actor,
            NewMovement {
                plan_id: Some(Id::new(super::id_of("plan", &fx.plan))),
                launcher_unit_id: Id::new(super::id_of("unit", &fx.launcher)),
                level: fx.level,
                name: fx.name.clone(),
                kind: fx.kind,
                parent_movement_id: fx.parent.as_ref().and_then(|p| movements.get(p).copied()),
                starts_on: fx.starts_on,
                ends_on: fx.ends_on,
                subjects: fx.subjects.clone(),
                collective_criteria: fx.collective_criteria.clone(),
                individual_criteria: fx.individual_criteria.clone(),
                registration_rule: RegistrationRule::Warn,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("movement {}: {}", fx.key, explain(&e)))?;
        movements.insert(fx.key.clone(), Id::new(change.object_id));
    }
    let r = &file.round;
    let round = movement::open_round(
        db,
        &actor,
        NewRound {
            movement_id: *movements.get(&r.movement).context("round's movement")?,
            kind: r.kind,
            name: r.name.clone(),
            achievement_from: r.achievement_from,
            achievement_to: r.achievement_to,
            opens_on: r.opens_on,
            closes_on: r.closes_on,
            award_codes: r.award_codes.clone(),
            quotas: r.quotas.clone(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("round: {}", explain(&e)))?
    .object_id;
    illustrate(db, round, "Round", "the round's dates and quota are invented for the demo; the movement and its sơ kết 2022–2025 are the document's").await?;
    // The nominations each letter carries, with their versions, in the file's order.
    let mut letters: HashMap<&str, Vec<(NominationId, i32)>> = HashMap::new();
    for fx in &file.nominations {
        let nominee = match (&fx.person, &fx.unit) {
            (Some(name), None) => Subject::Person(
                entity::person::Entity::find()
                    .filter(entity::person::Column::FullName.eq(name.as_str()))
                    .one(db)
                    .await?
                    .with_context(|| format!("no demo person {name}"))?
                    .id,
            ),
            (None, Some(unit)) => Subject::Unit(super::id_of("unit", unit)),
            _ => anyhow::bail!("a nomination names a person or a unit"),
        };
        let who = fx.person.clone().or(fx.unit.clone()).unwrap_or_default();
        let failed = |what: &str| {
            let what = format!("{who} {}: {what}", fx.award);
            move |e| anyhow::anyhow!("{what}: {}", explain(&e))
        };
        let award = catalogue::in_force(db, &fx.award, r.achievement_to)
            .await?
            .with_context(|| format!("no {} in force", fx.award))?;
        let id = draft::create(
            db,
            &actor,
            NewNomination {
                round_id: Id::new(round),
                nominee,
                award_type_id: Id::new(award.model.id),
                achievement_from: r.achievement_from,
                achievement_to: r.achievement_to,
                kind: AchievementKind::Thematic,
                summary: fx.summary.clone(),
                initiative_ids: Vec::new(),
                nominating_unit_id: None,
            },
        )
        .await
        .map_err(failed("create"))?
        .object_id;
        let id = NominationId::new(id);
        let mut version = 1;
        for (i, step) in fx.steps.iter().enumerate() {
            if let StepFx::Batch(key) = step {
                ensure!(i + 1 == fx.steps.len(), "{who}: a letter is the last step");
                letters.entry(key).or_default().push((id, version));
                break;
            }
            let change: Change = match step {
                StepFx::Submit => workflow::submit(db, &actor, id, version)
                    .await
                    .map(|written| written.change),
                StepFx::Receive => workflow::receive(db, &actor, id, version).await,
                StepFx::Ballot(yes, total) => {
                    ballot::record(
                        db,
                        &actor,
                        NewBallot {
                            id,
                            version,
                            meeting_on: r.achievement_to + chrono::Duration::days(20),
                            members_total: *total,
                            yes: *yes,
                            no: total - yes,
                            abstain: 0,
                            secret: false,
                            minutes_ref: Some("Biên bản họp Hội đồng Thi đua - Khen thưởng".into()),
                        },
                    )
                    .await
                }
                StepFx::Forward(to) => workflow::forward(
                    db,
                    &actor,
                    Forwarding {
                        id,
                        version,
                        to_unit_id: Some(Id::new(super::id_of("unit", to))),
                        note: Some("Tờ trình đề nghị khen thưởng sơ kết phong trào".into()),
                    },
                )
                .await
                .map(|forwarded| forwarded.change),
                StepFx::Supplement(missing) => {
                    workflow::request_supplement(db, &actor, id, version, missing.clone(), None)
                        .await
                }
                StepFx::Decide(fields) => {
                    let awarded = match fields.get(3) {
                        Some(code) => Some(
                            catalogue::in_force(db, code, r.achievement_to)
                                .await?
                                .with_context(|| format!("no {code}"))?
                                .model
                                .id,
                        ),
                        None => None,
                    };
                    decision::decide(
                        db,
                        &actor,
                        NewDecision {
                            id,
                            version,
                            number: fields.first().cloned().unwrap_or_default(),
                            decided_on: fields
                                .get(1)
                                .and_then(|d| d.parse().ok())
                                .context("decision day")?,
                            signer: fields.get(2).cloned().unwrap_or_default(),
                            awarded_type_id: awarded.map(Id::new),
                        },
                    )
                    .await
                }
                StepFx::Reject(reason) => {
                    workflow::close(db, &actor, id, version, Step::Reject, reason.clone())
                        .await
                        .map(|written| written.change)
                }
                StepFx::Withdraw(reason) => {
                    workflow::close(db, &actor, id, version, Step::Withdraw, reason.clone())
                        .await
                        .map(|written| written.change)
                }
                StepFx::Consult(on, channel) => {
                    workflow::open_consultation(db, &actor, id, version, *on, channel.clone()).await
                }
                StepFx::Batch(_) => unreachable!("handled before the match"),
            }
            .map_err(failed(&format!("{step:?}")))?;
            version = change
                .after
                .as_ref()
                .and_then(|a| a["version"].as_i64())
                .map_or(version, |v| v as i32);
        }
        illustrate(
            db,
            id.uuid(),
            "Nomination",
            "nomination, ballots and decisions invented for the demo",
        )
        .await?;
    }
    for fx in &file.batches {
        let nominations = letters
            .remove(fx.key.as_str())
            .with_context(|| format!("letter {} carries no nomination", fx.key))?;
        let change = batch::forward(
            db,
            &actor,
            BatchForwarding {
                number: fx.number.clone(),
                signed_on: fx.signed_on,
                to_unit_id: Some(Id::new(super::id_of("unit", &fx.to))),
                note: fx.note.clone(),
                nominations,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("letter {}: {}", fx.key, explain(&e)))?;
        illustrate(
            db,
            change.object_id,
            "NominationBatch",
            "letter invented for the demo",
        )
        .await?;
    }
    if let Some(key) = letters.keys().next() {
        anyhow::bail!("no letter {key} in `batches`");
    }
    Ok(file.nominations.len())
}

impl std::fmt::Debug for StepFx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StepFx::Submit => "submit",
            StepFx::Receive => "receive",
            StepFx::Ballot(..) => "ballot",
            StepFx::Forward(_) => "forward",
            StepFx::Supplement(_) => "supplement",
            StepFx::Decide(_) => "decide",
            StepFx::Reject(_) => "reject",
            StepFx::Withdraw(_) => "withdraw",
            StepFx::Consult(..) => "consult",
            StepFx::Batch(_) => "batch",
        })
    }
}

async fn illustrate(
    db: &impl ConnectionTrait,
    id: Uuid,
    kind: &str,
    note: &str,
) -> anyhow::Result<()> {
    entity::provenance::Model {
        object_id: id,
        object_type: kind.into(),
        illustrative: true,
        note: Some(note.into()),
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(())
}

/// A domain error with the messages of its rejected fields.
pub(super) fn explain(error: &crate::domain::kernel::error::DomainError) -> String {
    match error {
        crate::domain::kernel::error::DomainError::Rejected(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field.join("."), e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
