//! The award catalogue (danh mục danh hiệu thi đua và hình thức khen thưởng), versioned by
//! law: an award type is a code whose versions each take effect on a day (Luật Thi đua, khen
//! thưởng 2022 with Nghị định 98/2023/NĐ-CP from 01/01/2024, Nghị định 152/2025/NĐ-CP from
//! 01/7/2025…). A version is never changed once added: a change of law is a new version, and
//! a nomination is judged by the version in force at the end of its achievement window.
//!
//! The base salary (lương cơ sở) that rewards are multiples of has its own history.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use entity::enums::{AwardAuthority, AwardCategory, AwardSubject, EligibilityRule};
use entity::{award_type, base_salary};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::rule::{MAX_PARAMETER_BYTES, RuleParameters};
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldErrorCode as Code};
use crate::kernel::mutation::Change;
use crate::kernel::query::{fetch_all, find};
use crate::kernel::time::DayMonthYear;

/// The longest code.
pub const MAX_CODE: usize = 40;
/// The longest name.
pub const MAX_NAME: usize = 300;
/// The longest legal basis and note.
pub const MAX_LEGAL_BASIS: usize = 1_000;
pub const MAX_NOTE: usize = 2_000;
/// The longest law version label.
pub const MAX_LAW_VERSION: usize = 40;
/// The most levels a proposing route names.
pub const MAX_ROUTE: usize = 8;
/// The highest rank.
pub const MAX_RANK: i32 = 1_000;
/// The largest reward multiple (Cờ thi đua của Chính phủ is 12 ×; Anh hùng 15 ×…), in
/// hundredths.
pub const MAX_REWARD_HUNDREDTHS: i32 = 10_000;
/// The lowest and highest base salary accepted (đồng per month).
pub const BASE_SALARY_RANGE: std::ops::RangeInclusive<i64> = 100_000..=20_000_000;
/// The earliest day a version or a base salary may take effect (the 2003 law).
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2004, 1, 1) {
    Some(day) => day,
    None => panic!("a valid date"),
};

/// Whether `code` is a catalogue code: `A`–`Z`, `0`–`9` and `_`, starting with a letter.
pub fn valid_code(code: &str) -> bool {
    (2..=MAX_CODE).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A version of an award type with the day it stops being in force (the day before the next
/// version starts, or its own end), which only the code's other versions tell.
#[derive(Debug, Clone, PartialEq)]
pub struct AwardTypeVersion {
    pub model: award_type::Model,
    /// The last day in force; none: open-ended.
    pub effective_to: Option<NaiveDate>,
}

impl AwardTypeVersion {
    /// `model`, in force until its own end or the day before the code's next version starts
    /// (`next_from`; none: no later version).
    pub fn before_next(model: award_type::Model, next_from: Option<NaiveDate>) -> Self {
        let next = next_from.map(|from| from - Duration::days(1));
        let effective_to = match (model.valid_to, next) {
            (Some(own), Some(next)) => Some(own.min(next)),
            (own, next) => own.or(next),
        };
        Self {
            model,
            effective_to,
        }
    }

    /// Whether the version is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.model.valid_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }

    /// Who may receive it.
    pub fn subjects(&self) -> Vec<AwardSubject> {
        parse_list(&self.model.subjects)
    }

    /// The levels a proposal passes through.
    pub fn proposing_route(&self) -> Vec<AwardAuthority> {
        parse_list(&self.model.proposing_route)
    }

    /// The rule's parameters (the stored ones were checked when the version was added).
    pub fn parameters(&self) -> RuleParameters {
        RuleParameters::parse(
            self.model.eligibility_rule,
            Some(&self.model.rule_parameters),
        )
        .unwrap_or_else(|_| RuleParameters::defaults(self.model.eligibility_rule))
    }

    /// The reward in đồng under `salary` (multiple × base salary), when the award carries money.
    pub fn reward(&self, salary: &base_salary::Model) -> Option<i64> {
        self.model
            .reward_hundredths
            .map(|h| salary.amount * i64::from(h) / 100)
    }
}

/// Stored enumeration names, comma-separated, back into values (unknown names are skipped).
pub fn parse_list<T: DeserializeOwned>(stored: &str) -> Vec<T> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| serde_json::from_value(Value::String(s.to_owned())).ok())
        .collect()
}

/// Values as stored: their names, comma-separated.
pub fn format_list<T: serde::Serialize>(values: &[T]) -> String {
    values
        .iter()
        .filter_map(|v| serde_json::to_value(v).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join(",")
}

/// Each code's versions in order, each with its last day in force.
fn windows(mut rows: Vec<award_type::Model>) -> Vec<AwardTypeVersion> {
    rows.sort_by(|a, b| a.code.cmp(&b.code).then(a.valid_from.cmp(&b.valid_from)));
    let mut versions: Vec<AwardTypeVersion> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let next = rows
            .get(i + 1)
            .filter(|n| n.code == row.code)
            .map(|n| n.valid_from);
        versions.push(AwardTypeVersion::before_next(row.clone(), next));
    }
    versions
}

/// What `awardTypes` selects.
#[derive(Debug, Clone)]
pub struct AwardTypeFilter {
    pub subject: Option<AwardSubject>,
    pub category: Option<AwardCategory>,
    /// The day whose versions are listed.
    pub active_at: NaiveDate,
}

/// The versions in force on the filter's day, most senior first (one statement: the catalogue
/// is a few hundred rows, read with every version so that each one's end is known).
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AwardTypeFilter,
) -> DomainResult<Vec<AwardTypeVersion>> {
    let mut select = award_type::Entity::find();
    if let Some(category) = filter.category {
        select = select.filter(award_type::Column::Category.eq(category));
    }
    let mut versions: Vec<AwardTypeVersion> = windows(select.all(db).await?)
        .into_iter()
        .filter(|v| v.in_force_on(filter.active_at))
        .filter(|v| filter.subject.is_none_or(|s| v.subjects().contains(&s)))
        .collect();
    versions.sort_by(|a, b| {
        b.model
            .rank
            .cmp(&a.model.rank)
            .then(a.model.code.cmp(&b.model.code))
    });
    Ok(versions)
}

/// Versions by id, each with its end (one statement: the ids' codes' versions).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, AwardTypeVersion>> {
    Ok(versions_sharing_code(db, ids)
        .await?
        .into_iter()
        .filter(|v| ids.contains(&v.model.id))
        .map(|v| (v.model.id, v))
        .collect())
}

/// Every version of the codes of the versions `ids`, by code and oldest first, each with the
/// day it gave way to the next (one statement).
pub async fn versions_sharing_code(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<Vec<AwardTypeVersion>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let codes = Query::select()
        .column(award_type::Column::Code)
        .from(award_type::Entity)
        .and_where(award_type::Column::Id.is_in(ids.iter().copied()))
        .take();
    let rows = fetch_all(
        db,
        find::<award_type::Entity>().filter(award_type::Column::Code.in_subquery(codes)),
    )
    .await?;
    Ok(windows(rows))
}

/// Every version of these codes, oldest first (one statement).
pub async fn versions_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> DomainResult<HashMap<String, Vec<AwardTypeVersion>>> {
    let mut result: HashMap<String, Vec<AwardTypeVersion>> = HashMap::new();
    if codes.is_empty() {
        return Ok(result);
    }
    let rows = fetch_all(
        db,
        find::<award_type::Entity>().filter(award_type::Column::Code.is_in(codes.iter().cloned())),
    )
    .await?;
    for version in windows(rows) {
        result
            .entry(version.model.code.clone())
            .or_default()
            .push(version);
    }
    Ok(result)
}

/// The version of `code` in force on `day`.
pub async fn in_force(
    db: &impl ConnectionTrait,
    code: &str,
    day: NaiveDate,
) -> DomainResult<Option<AwardTypeVersion>> {
    Ok(versions_of(db, &[code.to_owned()])
        .await?
        .remove(code)
        .unwrap_or_default()
        .into_iter()
        .find(|v| v.in_force_on(day)))
}

/// A version as an administrator adds it (`addAwardTypeVersion`).
#[derive(Debug, Clone)]
pub struct VersionInput {
    pub code: String,
    pub national_code: Option<String>,
    pub name: String,
    pub category: AwardCategory,
    pub subjects: Vec<AwardSubject>,
    pub rank: i32,
    pub deciding_authority: AwardAuthority,
    pub proposing_route: Vec<AwardAuthority>,
    /// The reward as a multiple of the base salary (4.5 ×); none: no money.
    pub reward_multiplier: Option<f64>,
    pub eligibility_rule: EligibilityRule,
    pub rule_parameters: Option<Value>,
    pub law_version: String,
    pub legal_basis: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub note: Option<String>,
    /// How its councils vote; none: a simple half of the full membership, open ballot.
    pub council_vote: Option<CouncilVote>,
    /// Working days of public consultation before the council meets; none or 0: none.
    pub consultation_working_days: Option<i32>,
}

/// How a council votes on an award type: the share of its full membership that must agree,
/// and whether the ballot is secret (NĐ 91/2017 Điều 45 k8: 90 % secret for CSTĐ; the values
/// under the 2022 law are unverified, so they are data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CouncilVote {
    pub percent: i32,
    pub secret: bool,
}

impl Default for CouncilVote {
    fn default() -> Self {
        Self {
            percent: DEFAULT_COUNCIL_PERCENT,
            secret: false,
        }
    }
}

/// The share of a council's full membership that must agree when the catalogue names none.
pub const DEFAULT_COUNCIL_PERCENT: i32 = 50;
/// The longest public consultation, in working days.
pub const MAX_CONSULTATION_DAYS: i32 = 60;

/// Adds a version of an award type (the first one creates the code): it takes effect on
/// `valid_from`, which must come after every earlier version's start (history is not
/// rewritten: a version before the latest one would change what past nominations were judged
/// by).
pub async fn add_version(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: VersionInput,
) -> DomainResult<Change> {
    actor
        .authorize(db, Action::ManageAwardCatalogue, Resource::Province)
        .await?;
    let mut checks = Checks(Vec::new());
    let code = input.code.trim().to_owned();
    if !valid_code(&code) {
        checks.fail(
            "code",
            Code::Invalid,
            format!(
                "a code is 2 to {MAX_CODE} of A–Z, 0–9 and _, starting with a letter (CSTD_CO_SO)"
            ),
        );
    }
    let national_code = checks.optional_text("nationalCode", input.national_code.as_deref(), 40);
    let name = checks.text("name", &input.name, MAX_NAME, true);
    let law_version = checks.text("lawVersion", &input.law_version, MAX_LAW_VERSION, true);
    let legal_basis = checks.text("legalBasis", &input.legal_basis, MAX_LEGAL_BASIS, true);
    let note = checks.optional_text("note", input.note.as_deref(), MAX_NOTE);
    let mut subjects: Vec<AwardSubject> = Vec::new();
    for subject in &input.subjects {
        if !subjects.contains(subject) {
            subjects.push(*subject);
        }
    }
    if subjects.is_empty() {
        checks.fail(
            "subjects",
            Code::Required,
            "name who may receive it (INDIVIDUAL, COLLECTIVE, HOUSEHOLD)",
        );
    }
    if !(0..=MAX_RANK).contains(&input.rank) {
        checks.fail(
            "rank",
            Code::OutOfRange,
            format!("rank is from 0 to {MAX_RANK}"),
        );
    }
    if input.proposing_route.len() > MAX_ROUTE {
        checks.fail(
            "proposingRoute",
            Code::OutOfRange,
            format!("a route names at most {MAX_ROUTE} levels"),
        );
    } else if (1..input.proposing_route.len())
        .any(|i| input.proposing_route[..i].contains(&input.proposing_route[i]))
    {
        checks.fail(
            "proposingRoute",
            Code::Duplicate,
            "a route passes each level once",
        );
    } else if input
        .proposing_route
        .last()
        .is_some_and(|last| *last != input.deciding_authority)
    {
        checks.fail(
            "proposingRoute",
            Code::Invalid,
            "a route ends at the deciding authority",
        );
    }
    let reward_hundredths = match input.reward_multiplier {
        None => None,
        Some(m) => {
            let hundredths = (m * 100.0).round();
            if !m.is_finite()
                || !(0.0..=f64::from(MAX_REWARD_HUNDREDTHS)).contains(&hundredths)
                || (m * 100.0 - hundredths).abs() > 1e-6
            {
                checks.fail(
                    "rewardMultiplier",
                    Code::OutOfRange,
                    format!(
                        "a multiple of the base salary from 0 to {} with at most two decimals",
                        MAX_REWARD_HUNDREDTHS / 100
                    ),
                );
                None
            } else {
                Some(hundredths as i32)
            }
        }
    };
    let parameters = match &input.rule_parameters {
        Some(given) if given.to_string().len() > MAX_PARAMETER_BYTES => {
            checks.fail(
                "ruleParameters",
                Code::TooLong,
                format!("the rule's parameters are at most {MAX_PARAMETER_BYTES} bytes of JSON"),
            );
            None
        }
        given => match RuleParameters::parse(input.eligibility_rule, given.as_ref()) {
            Ok(parameters) => Some(parameters),
            Err(message) => {
                checks.fail("ruleParameters", Code::Invalid, message);
                None
            }
        },
    };
    if input.valid_from < EARLIEST {
        checks.fail(
            "validFrom",
            Code::OutOfRange,
            format!(
                "a version takes effect on or after {}",
                DayMonthYear(EARLIEST)
            ),
        );
    }
    let council = input.council_vote.unwrap_or_default();
    if !(1..=100).contains(&council.percent) {
        checks.fail(
            "councilVote",
            Code::OutOfRange,
            "a council's threshold is from 1 to 100 per cent of its members",
        );
    }
    let consultation = input.consultation_working_days.filter(|d| *d != 0);
    if consultation.is_some_and(|d| !(1..=MAX_CONSULTATION_DAYS).contains(&d)) {
        checks.fail(
            "consultationWorkingDays",
            Code::OutOfRange,
            format!(
                "a public consultation runs 1 to {MAX_CONSULTATION_DAYS} working days (0: none)"
            ),
        );
    }
    if input.valid_to.is_some_and(|to| to < input.valid_from) {
        checks.fail(
            "validTo",
            Code::DateOrder,
            "a version ends on or after it starts",
        );
    }
    let existing = if valid_code(&code) {
        versions_of(db, std::slice::from_ref(&code))
            .await?
            .remove(&code)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    if let Some(latest) = existing.last()
        && input.valid_from <= latest.model.valid_from
    {
        checks.fail(
            "validFrom",
            Code::DateOrder,
            format!(
                "version {} of {code} takes effect on {}: a new version starts after it (earlier versions are not rewritten)",
                latest.model.version,
                DayMonthYear(latest.model.valid_from)
            ),
        );
    }
    checks.finish()?;
    let stored = award_type::Model {
        id: Uuid::now_v7(),
        version: existing.last().map_or(1, |v| v.model.version + 1),
        code,
        national_code,
        name,
        category: input.category,
        subjects: format_list(&subjects),
        rank: input.rank,
        deciding_authority: input.deciding_authority,
        proposing_route: format_list(&input.proposing_route),
        reward_hundredths,
        eligibility_rule: input.eligibility_rule,
        rule_parameters: parameters.map(|p| p.to_json()).unwrap_or_default(),
        law_version,
        legal_basis,
        valid_from: input.valid_from,
        valid_to: input.valid_to,
        note,
        council_percent: council.percent,
        secret_ballot: council.secret,
        consultation_working_days: consultation,
        created_by: Some(actor.principal.subject.clone()),
        created_at: Utc::now(),
    };
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await
        .map_err(|e| match DomainError::from(e) {
            DomainError::Conflict(_) => DomainError::Conflict(
                "another version of this award type was added at the same moment: read the catalogue again"
                    .into(),
            ),
            other => other,
        })?;
    Ok(Change {
        action: AuditAction::AwardTypeVersionAdd,
        object_type: ObjectType::AwardType,
        object_id: stored.id,
        scope_unit_id: None,
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

/// The base salary's history, oldest first (one statement; a row every year or two).
pub async fn base_salaries(db: &impl ConnectionTrait) -> DomainResult<Vec<base_salary::Model>> {
    Ok(base_salary::Entity::find()
        .order_by_asc(base_salary::Column::ValidFrom)
        .all(db)
        .await?)
}

/// The base salary in force on `day`, of a history oldest first.
pub fn salary_on(history: &[base_salary::Model], day: NaiveDate) -> Option<&base_salary::Model> {
    history.iter().rev().find(|s| s.valid_from <= day)
}

/// A new base salary as the Government sets it (`recordBaseSalary`).
#[derive(Debug, Clone)]
pub struct BaseSalaryInput {
    pub amount: i64,
    pub valid_from: NaiveDate,
    pub legal_basis: String,
}

/// Records a base salary from a day on. A day already recorded is refused (a correction of a
/// past amount would change past rewards: it is a new decree, so a new day).
pub async fn record_base_salary(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: BaseSalaryInput,
) -> DomainResult<Change> {
    actor
        .authorize(db, Action::ManageAwardCatalogue, Resource::Province)
        .await?;
    let mut checks = Checks(Vec::new());
    let legal_basis = checks.text("legalBasis", &input.legal_basis, MAX_LEGAL_BASIS, true);
    if !BASE_SALARY_RANGE.contains(&input.amount) {
        checks.fail(
            "amount",
            Code::OutOfRange,
            format!(
                "a monthly base salary from {} to {} đồng",
                BASE_SALARY_RANGE.start(),
                BASE_SALARY_RANGE.end()
            ),
        );
    }
    if input.valid_from < EARLIEST {
        checks.fail(
            "validFrom",
            Code::OutOfRange,
            format!("on or after {}", DayMonthYear(EARLIEST)),
        );
    }
    let history = base_salaries(db).await?;
    if history.iter().any(|s| s.valid_from == input.valid_from) {
        checks.fail(
            "validFrom",
            Code::Duplicate,
            format!(
                "a base salary from {} is recorded already",
                DayMonthYear(input.valid_from)
            ),
        );
    }
    checks.finish()?;
    let stored = base_salary::Model {
        id: Uuid::now_v7(),
        amount: input.amount,
        valid_from: input.valid_from,
        legal_basis,
        created_by: Some(actor.principal.subject.clone()),
        created_at: Utc::now(),
    };
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    Ok(Change {
        action: AuditAction::BaseSalaryRecord,
        object_type: ObjectType::BaseSalary,
        object_id: stored.id,
        scope_unit_id: None,
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(
        code: &str,
        n: i32,
        from: (i32, u32, u32),
        to: Option<NaiveDate>,
    ) -> award_type::Model {
        award_type::Model {
            id: Uuid::new_v4(),
            code: code.into(),
            version: n,
            national_code: None,
            name: code.into(),
            category: AwardCategory::EmulationTitle,
            subjects: "INDIVIDUAL".into(),
            rank: 1,
            deciding_authority: AwardAuthority::UnitHead,
            proposing_route: "UNIT_HEAD".into(),
            reward_hundredths: Some(100),
            eligibility_rule: EligibilityRule::CouncilJudgement,
            rule_parameters: serde_json::json!({}),
            law_version: "x".into(),
            legal_basis: "x".into(),
            valid_from: NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap(),
            valid_to: to,
            note: None,
            council_percent: DEFAULT_COUNCIL_PERCENT,
            secret_ballot: false,
            consultation_working_days: None,
            created_by: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_version_ends_the_day_before_the_next_starts() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let versions = windows(vec![
            version("B", 2, (2025, 7, 1), None),
            version("B", 1, (2024, 1, 1), None),
            version("A", 1, (2024, 1, 1), Some(d(2024, 12, 31))),
        ]);
        assert_eq!(versions[0].effective_to, Some(d(2024, 12, 31)));
        assert_eq!(versions[1].effective_to, Some(d(2025, 6, 30)));
        assert_eq!(versions[2].effective_to, None);
        assert!(versions[1].in_force_on(d(2025, 6, 30)));
        assert!(!versions[1].in_force_on(d(2025, 7, 1)));
        assert!(versions[2].in_force_on(d(2025, 7, 1)));
    }
}
