//! The national award catalogue and the base salary's history (`api/fixtures/catalogue/`),
//! added through the domain as a province administrator would, into a database whose catalogue
//! is empty (every database, demo or not: nominations and eligibility need it).

use anyhow::Context as _;
use chrono::NaiveDate;
use entity::enums::{AwardAuthority, AwardCategory, AwardSubject, EligibilityRule};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde::Deserialize;

use crate::domain::access::Actor;
use crate::domain::emulation::catalogue::{self, BaseSalaryInput, CouncilVote, VersionInput};

/// The catalogue, compiled into the binary.
const CATALOGUE: &str = include_str!("../../fixtures/catalogue/awards-vn.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code, reason = "`source` and `note` document the file")]
struct Catalogue {
    source: String,
    note: String,
    base_salaries: Vec<Salary>,
    award_types: Vec<AwardTypeFx>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Salary {
    amount: i64,
    valid_from: NaiveDate,
    legal_basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AwardTypeFx {
    code: String,
    versions: Vec<VersionFx>,
}

/// A version: what it does not name is carried over from the previous version of its code.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VersionFx {
    law_version: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    name: Option<String>,
    category: Option<AwardCategory>,
    subjects: Option<Vec<AwardSubject>>,
    rank: Option<i32>,
    deciding_authority: Option<AwardAuthority>,
    proposing_route: Option<Vec<AwardAuthority>>,
    reward_multiplier: Option<f64>,
    eligibility_rule: Option<EligibilityRule>,
    rule_parameters: Option<serde_json::Value>,
    legal_basis: String,
    note: Option<String>,
    council_vote: Option<CouncilVote>,
    consultation_working_days: Option<i32>,
}

/// Adds the catalogue's versions and base salaries when the catalogue is empty; returns how
/// many versions it added.
pub async fn seed_if_empty(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    if entity::award_type::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let file: Catalogue =
        serde_json::from_str(CATALOGUE).context("fixtures/catalogue/awards-vn.json")?;
    let actor = Actor::system("catalogue");
    for salary in &file.base_salaries {
        catalogue::record_base_salary(
            db,
            &actor,
            BaseSalaryInput {
                amount: salary.amount,
                valid_from: salary.valid_from,
                legal_basis: salary.legal_basis.clone(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("base salary from {}: {e}", salary.valid_from))?;
    }
    let mut added = 0;
    for award in &file.award_types {
        let mut previous: Option<VersionInput> = None;
        for version in &award.versions {
            let input = carried_over(&award.code, version, previous.as_ref())?;
            catalogue::add_version(db, &actor, input.clone())
                .await
                .map_err(|e| anyhow::anyhow!("{} from {}: {e}", award.code, version.valid_from))?;
            previous = Some(input);
            added += 1;
        }
    }
    tracing::info!(versions = added, "loaded the award catalogue");
    Ok(added)
}

/// The version's input: its own values, the previous version's where it names none.
fn carried_over(
    code: &str,
    v: &VersionFx,
    previous: Option<&VersionInput>,
) -> anyhow::Result<VersionInput> {
    let missing = |field: &str| anyhow::anyhow!("{code}: the first version names `{field}`");
    Ok(VersionInput {
        code: code.to_owned(),
        national_code: previous.and_then(|p| p.national_code.clone()),
        name: match (&v.name, previous) {
            (Some(name), _) => name.clone(),
            (None, Some(p)) => p.name.clone(),
            (None, None) => return Err(missing("name")),
        },
        category: v
            .category
            .or(previous.map(|p| p.category))
            .ok_or_else(|| missing("category"))?,
        subjects: match (&v.subjects, previous) {
            (Some(s), _) => s.clone(),
            (None, Some(p)) => p.subjects.clone(),
            (None, None) => return Err(missing("subjects")),
        },
        rank: v
            .rank
            .or(previous.map(|p| p.rank))
            .ok_or_else(|| missing("rank"))?,
        deciding_authority: v
            .deciding_authority
            .or(previous.map(|p| p.deciding_authority))
            .ok_or_else(|| missing("decidingAuthority"))?,
        proposing_route: match (&v.proposing_route, previous) {
            (Some(r), _) => r.clone(),
            (None, Some(p)) => p.proposing_route.clone(),
            (None, None) => return Err(missing("proposingRoute")),
        },
        reward_multiplier: v
            .reward_multiplier
            .or(previous.and_then(|p| p.reward_multiplier)),
        eligibility_rule: v
            .eligibility_rule
            .or(previous.map(|p| p.eligibility_rule))
            .ok_or_else(|| missing("eligibilityRule"))?,
        rule_parameters: match (&v.rule_parameters, previous) {
            (Some(given), Some(p)) => {
                // Given keys replace the previous version's, the others carry over.
                let mut merged = p
                    .rule_parameters
                    .as_ref()
                    .and_then(|j| j.as_object().cloned())
                    .unwrap_or_default();
                for (key, value) in given.as_object().into_iter().flatten() {
                    merged.insert(key.clone(), value.clone());
                }
                Some(serde_json::Value::Object(merged))
            }
            (Some(given), None) => Some(given.clone()),
            (None, p) => p.and_then(|p| p.rule_parameters.clone()),
        },
        law_version: v.law_version.clone(),
        legal_basis: v.legal_basis.clone(),
        valid_from: v.valid_from,
        valid_to: v.valid_to,
        note: v.note.clone().or(previous.and_then(|p| p.note.clone())),
        council_vote: v.council_vote.or(previous.and_then(|p| p.council_vote)),
        consultation_working_days: v
            .consultation_working_days
            .or(previous.and_then(|p| p.consultation_working_days)),
    })
}
