//! The eligibility engine: whether a person or a unit qualifies for an award type when proposed
//! on a day, with the reasons. Each rule is a pure function of the nominee's history and the
//! rule's parameters (the catalogue version's), returning every condition — met or not, with
//! its legal source and the records that satisfied it — not only the first that fails.
//!
//! Timing: a proposal made in year P is judged on the achievement window ending with year P−1
//! (titles are awarded for a year; chains end the year before the proposal, domain.md §(d)
//! examples 7–9), by the catalogue version in force on 31/12 of P−1.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::enums::{
    AwardRecordStatus, AwardSubject, DisciplineForm, DutyRatingLevel, EligibilityRule,
    InitiativeScope,
};
use entity::{award_record, discipline, employment, initiative};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::catalogue::{self, AwardTypeVersion};
use super::record::{Histories, Reads, Subject, histories, rating_label};
use super::rule::{
    AwardThenYears, CollectiveTitle, ConsecutiveTitles, EmulationFighterBase, LabourAdvanced,
    ProvinceCertificate, RuleParameters,
};
use crate::kernel::error::{DomainError, DomainResult};
use crate::kernel::time::DayMonthYear;

/// How many years ahead `earliestEligibleYear` looks.
pub const PROJECTION_YEARS: i32 = 10;

/// A record that satisfied (or, for a discipline, failed) a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The record's id, when it is stored (projected years have none).
    pub id: Option<Uuid>,
    pub year: Option<i32>,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    AwardRecord,
    DutyRating,
    Initiative,
    Discipline,
    Employment,
    Member,
}

/// One condition of a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Stable code (`CONSECUTIVE_TITLES`).
    pub code: &'static str,
    /// What it asks and what was found, in words.
    pub description: String,
    /// Article and decree.
    pub source: String,
    pub met: bool,
    pub evidence: Vec<Evidence>,
}

/// The answer of `eligibility`.
#[derive(Debug, Clone)]
pub struct Eligibility {
    pub eligible: bool,
    pub checked_at: DateTime<Utc>,
    pub as_of: NaiveDate,
    /// The achievement window judged.
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    /// The catalogue version the nominee was judged by.
    pub version: AwardTypeVersion,
    pub conditions: Vec<Condition>,
    /// The first proposal year the nominee would qualify in if the pattern of the last recorded
    /// year continues (this year's when eligible now); none when it would not within
    /// [`PROJECTION_YEARS`].
    pub earliest_eligible_year: Option<i32>,
}

/// One subject's history, as the rules read it.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub ratings: BTreeMap<i32, (DutyRatingLevel, Option<Uuid>)>,
    /// Valid award records.
    pub awards: Vec<award_record::Model>,
    /// Revoked ones (named when they would have counted).
    pub revoked: Vec<award_record::Model>,
    pub disciplines: Vec<discipline::Model>,
    /// Empty unless the rule reads them (`reads_of`): a rule that starts counting initiatives
    /// or months worked says so there.
    pub initiatives: Vec<initiative::Model>,
    pub employments: Vec<employment::Model>,
}

impl History {
    fn of(histories: &Histories, id: Uuid) -> Self {
        let (awards, revoked) = histories
            .awards
            .get(&id)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .partition(|a| a.status == AwardRecordStatus::Valid);
        Self {
            ratings: histories
                .ratings
                .get(&id)
                .into_iter()
                .flatten()
                .map(|r| (r.year, (r.rating, Some(r.id))))
                .collect(),
            awards,
            revoked,
            disciplines: histories.disciplines.get(&id).cloned().unwrap_or_default(),
            initiatives: histories.initiatives.get(&id).cloned().unwrap_or_default(),
            employments: histories.employments.get(&id).cloned().unwrap_or_default(),
        }
    }

    /// The valid record of `code` whose window lies within `year`… or covers it.
    fn holds(&self, code: &str, year: i32) -> Option<&award_record::Model> {
        self.awards.iter().find(|a| {
            a.award_code == code
                && a.achievement_from.year() <= year
                && year <= a.achievement_to.year()
        })
    }

    fn revoked_for(&self, code: &str, year: i32) -> Option<&award_record::Model> {
        self.revoked.iter().find(|a| {
            a.award_code == code
                && a.achievement_from.year() <= year
                && year <= a.achievement_to.year()
        })
    }

    /// Records of `code` back to back, the last ending in `end_year`, latest first.
    fn chain(&self, code: &str, end_year: i32) -> Vec<&award_record::Model> {
        let mut chain = Vec::new();
        let mut year = end_year;
        while let Some(record) = self
            .awards
            .iter()
            .find(|a| a.award_code == code && a.achievement_to.year() == year)
        {
            chain.push(record);
            year = record.achievement_from.year() - 1;
        }
        chain
    }

    fn rating(&self, year: i32) -> Option<(DutyRatingLevel, Option<Uuid>)> {
        self.ratings.get(&year).copied()
    }

    fn disciplines_in(
        &self,
        from: i32,
        to: i32,
        lightest: DisciplineForm,
    ) -> Vec<&discipline::Model> {
        self.disciplines
            .iter()
            .filter(|d| {
                severity(d.form) >= severity(lightest)
                    && d.effective_from.year() <= to
                    && from <= d.effective_to.year()
            })
            .collect()
    }

    fn initiatives_in(
        &self,
        from: i32,
        to: i32,
        scope: InitiativeScope,
    ) -> Vec<&initiative::Model> {
        self.initiatives
            .iter()
            .filter(|i| {
                scope_rank(i.scope) >= scope_rank(scope)
                    && (from..=to).contains(&i.recognised_on.year())
            })
            .collect()
    }

    /// Whole months employed in `year`.
    fn months_worked(&self, year: i32) -> i64 {
        let (start, end) = year_bounds(year);
        let days: i64 = self
            .employments
            .iter()
            .map(|e| {
                let from = e.started_on.max(start);
                let to = e.ended_on.unwrap_or(end).min(end);
                ((to - from).num_days() + 1).max(0)
            })
            .sum();
        days * 12 / 365
    }

    /// The history with every year after the last recorded one up to `until` repeating it:
    /// its rating, its one-year titles, its initiatives.
    fn projected(&self, until: i32) -> Self {
        let mut projected = self.clone();
        let Some((&last, &(rating, _))) = self.ratings.iter().next_back() else {
            return projected;
        };
        for year in last + 1..=until {
            projected.ratings.insert(year, (rating, None));
            for award in self
                .awards
                .iter()
                .filter(|a| a.achievement_from.year() == last && a.achievement_to.year() == last)
            {
                let mut copy = award.clone();
                copy.id = Uuid::nil();
                copy.achievement_from = year_bounds(year).0;
                copy.achievement_to = year_bounds(year).1;
                projected.awards.push(copy);
            }
            for initiative in self
                .initiatives
                .iter()
                .filter(|i| i.recognised_on.year() == last)
            {
                let mut copy = initiative.clone();
                copy.id = Uuid::nil();
                copy.recognised_on =
                    NaiveDate::from_ymd_opt(year, 6, 30).unwrap_or(copy.recognised_on);
                projected.initiatives.push(copy);
            }
        }
        projected
    }
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

fn severity(form: DisciplineForm) -> u8 {
    match form {
        DisciplineForm::Reprimand => 1,
        DisciplineForm::Warning => 2,
        DisciplineForm::Demotion => 3,
        DisciplineForm::Dismissal => 4,
    }
}

fn scope_rank(scope: InitiativeScope) -> u8 {
    match scope {
        InitiativeScope::Base => 1,
        InitiativeScope::Province => 2,
        InitiativeScope::National => 3,
    }
}

fn rating_rank(rating: DutyRatingLevel) -> u8 {
    match rating {
        DutyRatingLevel::NotCompleted => 0,
        DutyRatingLevel::Completed => 1,
        DutyRatingLevel::Good => 2,
        DutyRatingLevel::Excellent => 3,
    }
}

fn scope_label(scope: InitiativeScope) -> &'static str {
    match scope {
        InitiativeScope::Base => "cơ sở",
        InitiativeScope::Province => "cấp tỉnh",
        InitiativeScope::National => "toàn quốc",
    }
}

fn award_evidence(record: &award_record::Model) -> Evidence {
    Evidence {
        kind: EvidenceKind::AwardRecord,
        id: (!record.id.is_nil()).then_some(record.id),
        year: Some(record.achievement_to.year()),
        description: if record.id.is_nil() {
            format!(
                "{} {} (projected)",
                record.award_code,
                record.achievement_to.year()
            )
        } else {
            format!(
                "{} {}–{}, decision {} of {}",
                record.award_code,
                DayMonthYear(record.achievement_from),
                DayMonthYear(record.achievement_to),
                record.decision_number,
                DayMonthYear(record.decided_on)
            )
        },
    }
}

fn rating_evidence(year: i32, rating: DutyRatingLevel, id: Option<Uuid>) -> Evidence {
    Evidence {
        kind: EvidenceKind::DutyRating,
        id,
        year: Some(year),
        description: format!(
            "{year}: {}{}",
            rating_label(rating),
            if id.is_none() { " (projected)" } else { "" }
        ),
    }
}

fn initiative_evidence(i: &initiative::Model) -> Evidence {
    Evidence {
        kind: EvidenceKind::Initiative,
        id: (!i.id.is_nil()).then_some(i.id),
        year: Some(i.recognised_on.year()),
        description: format!(
            "\"{}\", recognised at {} scope ({}, {})",
            i.title,
            scope_label(i.scope),
            i.recognition_decision,
            DayMonthYear(i.recognised_on)
        ),
    }
}

fn discipline_evidence(d: &discipline::Model) -> Evidence {
    Evidence {
        kind: EvidenceKind::Discipline,
        id: Some(d.id),
        year: Some(d.effective_from.year()),
        description: format!(
            "{:?} ({}) in effect {}–{}",
            d.form,
            d.decision_ref,
            DayMonthYear(d.effective_from),
            DayMonthYear(d.effective_to)
        ),
    }
}

fn years_label(from: i32, to: i32) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    }
}

/// No discipline of `lightest` or heavier in effect during the window.
fn no_discipline(history: &History, from: i32, to: i32, lightest: DisciplineForm) -> Condition {
    let found = history.disciplines_in(from, to, lightest);
    Condition {
        code: "NO_DISCIPLINE",
        description: if found.is_empty() {
            format!("no discipline in effect in {}", years_label(from, to))
        } else {
            format!(
                "a discipline was in effect in {}: it bars the award",
                years_label(from, to)
            )
        },
        source: "Luật Thi đua, khen thưởng 2022; Nghị định 91/2017/NĐ-CP (domain.md rules 11, 48)"
            .into(),
        met: found.is_empty(),
        evidence: found.into_iter().map(discipline_evidence).collect(),
    }
}

/// At least `min` initiatives recognised at `scope` or wider in the window.
fn initiatives(
    history: &History,
    from: i32,
    to: i32,
    scope: InitiativeScope,
    min: u8,
    source: &str,
) -> Condition {
    let found = history.initiatives_in(from, to, scope);
    Condition {
        code: "INITIATIVES",
        description: format!(
            "{} initiative(s) recognised at {} scope or wider in {} ({} found)",
            min,
            scope_label(scope),
            years_label(from, to),
            found.len()
        ),
        source: source.into(),
        met: found.len() >= usize::from(min),
        evidence: found.into_iter().map(initiative_evidence).collect(),
    }
}

/// Every year of the window rated at least `min`.
fn rated_every_year(
    history: &History,
    from: i32,
    to: i32,
    min: DutyRatingLevel,
    source: &str,
) -> Condition {
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for year in from..=to {
        match history.rating(year) {
            Some((rating, id)) if rating_rank(rating) >= rating_rank(min) => {
                evidence.push(rating_evidence(year, rating, id));
            }
            Some((rating, _)) => missing.push(format!("{year} ({})", rating_label(rating))),
            None => missing.push(format!("{year} (not rated)")),
        }
    }
    Condition {
        code: "YEARS_RATED",
        description: if missing.is_empty() {
            format!(
                "rated {} or better every year of {}",
                rating_label(min),
                years_label(from, to)
            )
        } else {
            format!(
                "rated {} or better every year of {}, consecutively: not in {}",
                rating_label(min),
                years_label(from, to),
                missing.join(", ")
            )
        },
        source: source.into(),
        met: missing.is_empty(),
        evidence,
    }
}

/// A title held in each year of the window (a gap breaks the run).
fn title_each_year(history: &History, code: &str, from: i32, to: i32, source: &str) -> Condition {
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for year in from..=to {
        match history.holds(code, year) {
            Some(record) => evidence.push(award_evidence(record)),
            None => match history.revoked_for(code, year) {
                Some(revoked) => missing.push(format!(
                    "{year} (revoked by {})",
                    revoked.revocation_decision.as_deref().unwrap_or("decision")
                )),
                None => missing.push(year.to_string()),
            },
        }
    }
    Condition {
        code: "TITLE_HELD",
        description: if missing.is_empty() {
            format!("holds {code} for {}", years_label(from, to))
        } else {
            format!(
                "holds {code} for {}: missing {}",
                years_label(from, to),
                missing.join(", ")
            )
        },
        source: source.into(),
        met: missing.is_empty(),
        evidence,
    }
}

/// The rule's conditions for an individual, on the window ending with `year`. Returns the
/// window judged (first year, last year) and the conditions.
fn individual(
    rule: EligibilityRule,
    parameters: &RuleParameters,
    history: &History,
    year: i32,
) -> ((i32, i32), Vec<Condition>) {
    match parameters {
        RuleParameters::CouncilJudgement => (
            (year, year),
            vec![
                Condition {
                    code: "JUDGED_BY_COUNCIL",
                    description: "no condition the records decide: the emulation council judges the achievement".into(),
                    source: "Luật Thi đua, khen thưởng 2022 (domain.md rule 22)".into(),
                    met: true,
                    evidence: Vec::new(),
                },
                no_discipline(history, year, year, DisciplineForm::Reprimand),
            ],
        ),
        RuleParameters::LabourAdvanced(p) => ((year, year), labour_advanced(p, history, year)),
        RuleParameters::EmulationFighterBase(p) => ((year, year), fighter_base(p, history, year)),
        RuleParameters::ConsecutiveTitles(p) => consecutive_titles(rule, p, history, year),
        RuleParameters::ProvinceCertificate(p) => province_certificate(p, history, year),
        RuleParameters::AwardThenYears(p) => award_then_years(rule, p, history, year),
        RuleParameters::CollectiveTitle(_) => (
            (year, year),
            vec![Condition {
                code: "SUBJECT_KIND",
                description: "a collective title is given to units, not to people".into(),
                source: "Luật Thi đua, khen thưởng 2022 Điều 27, 28".into(),
                met: false,
                evidence: Vec::new(),
            }],
        ),
    }
}

fn labour_advanced(p: &LabourAdvanced, history: &History, year: i32) -> Vec<Condition> {
    let months = history.months_worked(year);
    let mut conditions = vec![
        rated_every_year(
            history,
            year,
            year,
            p.min_rating,
            "Luật Thi đua, khen thưởng 2022 Điều 24",
        ),
        Condition {
            code: "MONTHS_WORKED",
            description: format!(
                "worked at least {} months of {year} ({months} recorded)",
                p.min_months_worked
            ),
            source: "Nghị định 91/2017/NĐ-CP (carried into 2024: unverified; a parameter)".into(),
            met: months >= i64::from(p.min_months_worked),
            evidence: history
                .employments
                .iter()
                .filter(|e| {
                    e.started_on.year() <= year && e.ended_on.is_none_or(|end| end.year() >= year)
                })
                .map(|e| Evidence {
                    kind: EvidenceKind::Employment,
                    id: Some(e.id),
                    year: Some(year),
                    description: format!(
                        "employed from {}{}",
                        DayMonthYear(e.started_on),
                        e.ended_on
                            .map(|d| format!(" to {}", DayMonthYear(d)))
                            .unwrap_or_default()
                    ),
                })
                .collect(),
        },
    ];
    if p.discipline_bars {
        conditions.push(no_discipline(
            history,
            year,
            year,
            DisciplineForm::Reprimand,
        ));
    }
    conditions
}

fn fighter_base(p: &EmulationFighterBase, history: &History, year: i32) -> Vec<Condition> {
    vec![
        title_each_year(
            history,
            &p.title_needed,
            year,
            year,
            "Luật Thi đua, khen thưởng 2022 Điều 23",
        ),
        initiatives(
            history,
            year,
            year,
            p.initiative_scope,
            p.min_initiatives,
            "Luật Thi đua, khen thưởng 2022 Điều 23, Điều 3 khoản 4",
        ),
        no_discipline(history, year, year, DisciplineForm::Reprimand),
    ]
}

fn consecutive_titles(
    rule: EligibilityRule,
    p: &ConsecutiveTitles,
    history: &History,
    year: i32,
) -> ((i32, i32), Vec<Condition>) {
    let source = if rule == EligibilityRule::EmulationFighterNational {
        "Luật Thi đua, khen thưởng 2022 Điều 21"
    } else {
        "Luật Thi đua, khen thưởng 2022 Điều 22"
    };
    let chain = history.chain(&p.title, year);
    let needed = usize::from(p.consecutive);
    let counted: Vec<_> = chain.iter().take(needed).copied().collect();
    // The window: the counted run, or as many one-year windows as needed when it falls short.
    let from = match counted.last() {
        Some(first) if counted.len() == needed => first.achievement_from.year(),
        _ => year - i32::from(p.consecutive) + 1,
    };
    let met = counted.len() == needed;
    let description = if met {
        format!(
            "{} times {} in a row, the last ending in {year}",
            p.consecutive, p.title
        )
    } else {
        let broken_at = counted
            .last()
            .map_or(year, |r| r.achievement_from.year() - 1);
        let revoked = history
            .revoked_for(&p.title, broken_at)
            .map(|r| {
                format!(
                    " (the record of {broken_at} was revoked by {})",
                    r.revocation_decision.as_deref().unwrap_or("decision")
                )
            })
            .unwrap_or_default();
        format!(
            "{} times {} in a row, the last ending in {year}: {} found, the run is broken in {broken_at}{revoked}",
            p.consecutive,
            p.title,
            counted.len()
        )
    };
    let conditions = vec![
        Condition {
            code: "CONSECUTIVE_TITLES",
            description,
            source: source.into(),
            met,
            evidence: counted.into_iter().map(award_evidence).collect(),
        },
        initiatives(
            history,
            from,
            year,
            p.initiative_scope,
            p.min_initiatives,
            source,
        ),
        no_discipline(history, from, year, DisciplineForm::Reprimand),
    ];
    ((from, year), conditions)
}

fn province_certificate(
    p: &ProvinceCertificate,
    history: &History,
    year: i32,
) -> ((i32, i32), Vec<Condition>) {
    let from = year - i32::from(p.consecutive_excellent_years) + 1;
    let source = "Luật Thi đua, khen thưởng 2022 Điều 72 (article unverified; Lâm Đồng and Hà Nội configurations)";
    let mut rated = rated_every_year(history, from, year, DutyRatingLevel::Excellent, source);
    rated.code = "EXCELLENT_YEARS";
    (
        (from, year),
        vec![
            rated,
            initiatives(
                history,
                from,
                year,
                p.initiative_scope,
                p.min_initiatives,
                source,
            ),
            no_discipline(history, from, year, DisciplineForm::Reprimand),
        ],
    )
}

fn award_then_years(
    rule: EligibilityRule,
    p: &AwardThenYears,
    history: &History,
    year: i32,
) -> ((i32, i32), Vec<Condition>) {
    let source = if rule == EligibilityRule::LabourOrder {
        "Luật Thi đua, khen thưởng 2022 Điều 44 khoản 1 điểm e"
    } else {
        "Luật Thi đua, khen thưởng 2022 Điều 71 (counts unverified: parameters)"
    };
    let from = year - i32::from(p.years) + 1;
    let prerequisite = history
        .awards
        .iter()
        .filter(|a| a.award_code == p.prerequisite && a.achievement_to.year() < from)
        .max_by_key(|a| a.achievement_to);
    let later_only = history
        .awards
        .iter()
        .find(|a| a.award_code == p.prerequisite && a.achievement_to.year() >= from);
    let revoked = history
        .revoked
        .iter()
        .find(|a| a.award_code == p.prerequisite);
    let mut conditions = vec![Condition {
        code: "PREREQUISITE",
        description: match (prerequisite, later_only, revoked) {
            (Some(record), _, _) => format!(
                "holds {} (window ending {}) before the {} years counted",
                p.prerequisite,
                record.achievement_to.year(),
                p.years
            ),
            (None, Some(record), _) => format!(
                "holds {} only from a window ending {}: the {} years must follow it",
                p.prerequisite,
                record.achievement_to.year(),
                p.years
            ),
            (None, None, Some(record)) => format!(
                "holds no valid {}: the one of {} was revoked by {}",
                p.prerequisite,
                record.achievement_to.year(),
                record.revocation_decision.as_deref().unwrap_or("decision")
            ),
            (None, None, None) => format!("holds no {}", p.prerequisite),
        },
        source: source.into(),
        met: prerequisite.is_some(),
        evidence: prerequisite.into_iter().map(award_evidence).collect(),
    }];
    conditions.push(rated_every_year(history, from, year, p.min_rating, source));
    if p.min_excellent_years > 0 {
        let excellent: Vec<Evidence> = (from..=year)
            .filter_map(|y| {
                history
                    .rating(y)
                    .filter(|(r, _)| *r == DutyRatingLevel::Excellent)
                    .map(|(r, id)| rating_evidence(y, r, id))
            })
            .collect();
        conditions.push(Condition {
            code: "EXCELLENT_YEARS",
            description: format!(
                "at least {} year(s) rated HTXSNV in {} ({} found)",
                p.min_excellent_years,
                years_label(from, year),
                excellent.len()
            ),
            source: source.into(),
            met: excellent.len() >= usize::from(p.min_excellent_years),
            evidence: excellent,
        });
    }
    if p.min_titles > 0 {
        let held: Vec<Evidence> = (from..=year)
            .filter_map(|y| history.holds(&p.title, y).map(award_evidence))
            .collect();
        conditions.push(Condition {
            code: "TITLES_IN_WINDOW",
            description: format!(
                "{} at least {} time(s) in {} ({} found)",
                p.title,
                p.min_titles,
                years_label(from, year),
                held.len()
            ),
            source: source.into(),
            met: held.len() >= usize::from(p.min_titles),
            evidence: held,
        });
    }
    conditions.push(no_discipline(
        history,
        from,
        year,
        DisciplineForm::Reprimand,
    ));
    ((from, year), conditions)
}

/// A collective title's checklist for a unit, over its members of the year.
fn collective(
    p: &CollectiveTitle,
    unit: &History,
    members: &[(Uuid, String, History)],
    year: i32,
) -> Vec<Condition> {
    let source = "Luật Thi đua, khen thưởng 2022 Điều 27, 28 (values unverified: parameters)";
    let mut conditions = vec![rated_every_year(unit, year, year, p.min_rating, source)];
    let advanced: Vec<Evidence> = members
        .iter()
        .filter_map(|(id, name, h)| {
            h.holds("LAO_DONG_TIEN_TIEN", year).map(|_| Evidence {
                kind: EvidenceKind::Member,
                id: Some(*id),
                year: Some(year),
                description: format!("{name}: LAO_DONG_TIEN_TIEN {year}"),
            })
        })
        .collect();
    let share = if members.is_empty() {
        0
    } else {
        advanced.len() * 100 / members.len()
    };
    conditions.push(Condition {
        code: "MEMBERS_ADVANCED",
        description: format!(
            "at least {}% of the {} members of {year} hold Lao động tiên tiến ({}% do)",
            p.min_share_advanced,
            members.len(),
            share
        ),
        source: source.into(),
        met: !members.is_empty() && share >= usize::from(p.min_share_advanced),
        evidence: advanced,
    });
    if p.min_fighters > 0 {
        let fighters: Vec<Evidence> = members
            .iter()
            .filter_map(|(id, name, h)| {
                h.holds("CSTD_CO_SO", year).map(|_| Evidence {
                    kind: EvidenceKind::Member,
                    id: Some(*id),
                    year: Some(year),
                    description: format!("{name}: CSTD_CO_SO {year}"),
                })
            })
            .collect();
        conditions.push(Condition {
            code: "MEMBER_FIGHTERS",
            description: format!(
                "at least {} member(s) hold Chiến sĩ thi đua cơ sở for {year} ({} do)",
                p.min_fighters,
                fighters.len()
            ),
            source: source.into(),
            met: fighters.len() >= usize::from(p.min_fighters),
            evidence: fighters,
        });
    }
    if p.discipline_bars {
        let disciplined: Vec<Evidence> = members
            .iter()
            .flat_map(|(_, _, h)| h.disciplines_in(year, year, DisciplineForm::Warning))
            .map(discipline_evidence)
            .collect();
        conditions.push(Condition {
            code: "NO_MEMBER_DISCIPLINED",
            description: format!("no member disciplined with cảnh cáo or heavier in {year}"),
            source: source.into(),
            met: disciplined.is_empty(),
            evidence: disciplined,
        });
    }
    conditions
}

/// The conditions every rule shares: the recipient kind, and no second reward for the window.
fn shared(
    version: &AwardTypeVersion,
    subject: Subject,
    history: &History,
    (from, to): (i32, i32),
) -> Vec<Condition> {
    let kind_ok = version.subjects().contains(&subject.kind());
    let already: Vec<&award_record::Model> = history
        .awards
        .iter()
        .filter(|a| {
            a.award_code == version.model.code
                && a.achievement_from.year() <= to
                && from <= a.achievement_to.year()
        })
        .collect();
    vec![
        Condition {
            code: "SUBJECT_KIND",
            description: format!(
                "{} is given to {}",
                version.model.name,
                version
                    .subjects()
                    .iter()
                    .map(|s| match s {
                        AwardSubject::Individual => "individuals",
                        AwardSubject::Collective => "collectives",
                        AwardSubject::Household => "households",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            source: version.model.legal_basis.clone(),
            met: kind_ok,
            evidence: Vec::new(),
        },
        Condition {
            code: "NOT_REWARDED_TWICE",
            description: if already.is_empty() {
                format!(
                    "no {} already for an achievement in {}",
                    version.model.code,
                    years_label(from, to)
                )
            } else {
                format!(
                    "{} was already given for an achievement in {}: the next one counts from the end of that window",
                    version.model.code,
                    years_label(from, to)
                )
            },
            source: "Luật Thi đua, khen thưởng 2022 Điều 5 khoản 2 (domain.md rules 23–24)".into(),
            met: already.is_empty(),
            evidence: already.into_iter().map(award_evidence).collect(),
        },
    ]
}

/// Judges `subject` for the award type (any version of it) proposed on `as_of`.
pub async fn evaluate(
    db: &impl ConnectionTrait,
    subject: Subject,
    award_type_id: Uuid,
    as_of: NaiveDate,
) -> DomainResult<Eligibility> {
    // Every version of the given one's code, in one statement.
    let versions = catalogue::versions_sharing_code(db, &[award_type_id]).await?;
    let given = versions
        .iter()
        .find(|v| v.model.id == award_type_id)
        .ok_or(DomainError::NotFound {
            entity: "award type",
        })?;
    let window_end = year_bounds(as_of.year() - 1).1;
    let version = in_force(versions.iter().cloned(), &given.model, window_end)?;
    judge_with(db, subject, version, as_of).await
}

/// [`evaluate`] for an award type version already read (a nomination's step reads it with the
/// nomination).
pub async fn evaluate_for(
    db: &impl ConnectionTrait,
    subject: Subject,
    given: &entity::award_type::Model,
    as_of: NaiveDate,
) -> DomainResult<Eligibility> {
    let window_end = year_bounds(as_of.year() - 1).1;
    let version = version_in_force(db, given, window_end).await?;
    judge_with(db, subject, version, as_of).await
}

/// [`evaluate_for`] for a version whose days in force are known: when it is the one in force
/// at the end of the achievement window (mostly so), the code's versions are not read again.
pub async fn evaluate_known(
    db: &impl ConnectionTrait,
    subject: Subject,
    known: &AwardTypeVersion,
    as_of: NaiveDate,
) -> DomainResult<Eligibility> {
    let window_end = year_bounds(as_of.year() - 1).1;
    let version = if known.in_force_on(window_end) {
        known.clone()
    } else {
        version_in_force(db, &known.model, window_end).await?
    };
    judge_with(db, subject, version, as_of).await
}

/// The version of `given`'s code in force on `day` (one statement).
async fn version_in_force(
    db: &impl ConnectionTrait,
    given: &entity::award_type::Model,
    day: NaiveDate,
) -> DomainResult<AwardTypeVersion> {
    let versions = catalogue::versions_of(db, std::slice::from_ref(&given.code))
        .await?
        .remove(&given.code)
        .unwrap_or_default();
    in_force(versions, given, day)
}

/// The one of `versions` (of `given`'s code) in force on `day`, the end of the achievement
/// window.
fn in_force(
    versions: impl IntoIterator<Item = AwardTypeVersion>,
    given: &entity::award_type::Model,
    day: NaiveDate,
) -> DomainResult<AwardTypeVersion> {
    versions
        .into_iter()
        .find(|v| v.in_force_on(day))
        .ok_or_else(|| {
            DomainError::invalid(format!(
                "no version of {} was in force on {}, the end of the achievement window",
                given.name,
                DayMonthYear(day)
            ))
        })
}

/// Judges `subject` with `version`, the one in force at the end of the window.
async fn judge_with(
    db: &impl ConnectionTrait,
    subject: Subject,
    version: AwardTypeVersion,
    as_of: NaiveDate,
) -> DomainResult<Eligibility> {
    let year = as_of.year() - 1;
    let parameters = version.parameters();
    // Read once, judged for this year and projected ones.
    let (window, conditions, earliest_eligible_year) = match subject {
        Subject::Person(id) => {
            let histories = histories(db, &[id], reads_of(&parameters)).await?;
            let history = History::of(&histories, id);
            let rule = version.model.eligibility_rule;
            let judge = |h: &History, y: i32| {
                let (window, mut conditions) = individual(rule, &parameters, h, y);
                let mut all = shared(&version, subject, h, window);
                all.append(&mut conditions);
                (window, all)
            };
            let (window, conditions) = judge(&history, year);
            let earliest = earliest_year(&conditions, as_of.year(), |y| {
                judge(&history.projected(y - 1), y - 1).1
            });
            (window, conditions, earliest)
        }
        Subject::Unit(id) => {
            let members = members_of(db, id, year).await?;
            let mut ids: Vec<Uuid> = members.iter().map(|(m, _)| *m).collect();
            ids.push(id);
            let histories = histories(db, &ids, Reads::ALL).await?;
            let unit = History::of(&histories, id);
            let members: Vec<(Uuid, String, History)> = members
                .into_iter()
                .map(|(m, name)| (m, name, History::of(&histories, m)))
                .collect();
            let mut conditions = shared(&version, subject, &unit, (year, year));
            match &parameters {
                RuleParameters::CollectiveTitle(p) => {
                    conditions.extend(collective(p, &unit, &members, year));
                }
                RuleParameters::CouncilJudgement => conditions.push(Condition {
                    code: "JUDGED_BY_COUNCIL",
                    description: "no condition the records decide: the emulation council judges the achievement".into(),
                    source: "Luật Thi đua, khen thưởng 2022 (domain.md rule 22)".into(),
                    met: true,
                    evidence: Vec::new(),
                }),
                _ => conditions.push(Condition {
                    code: "COLLECTIVE_RULE",
                    description: "this award type's rule judges individuals; a collective's is judged by the council".into(),
                    source: version.model.legal_basis.clone(),
                    met: false,
                    evidence: Vec::new(),
                }),
            }
            let eligible_now = conditions.iter().all(|c| c.met);
            (
                (year, year),
                conditions,
                eligible_now.then_some(as_of.year()),
            )
        }
    };
    let eligible = conditions.iter().all(|c| c.met);
    Ok(Eligibility {
        eligible,
        checked_at: Utc::now(),
        as_of,
        window_from: year_bounds(window.0).0,
        window_to: year_bounds(window.1).1,
        version,
        conditions,
        earliest_eligible_year,
    })
}

/// The records besides awards, ratings and disciplines that a rule reads of an individual:
/// every rule is named, so a new one says what it reads.
fn reads_of(parameters: &RuleParameters) -> Reads {
    match parameters {
        RuleParameters::LabourAdvanced(_) => Reads {
            initiatives: false,
            employments: true,
        },
        RuleParameters::EmulationFighterBase(_)
        | RuleParameters::ConsecutiveTitles(_)
        | RuleParameters::ProvinceCertificate(_) => Reads {
            initiatives: true,
            employments: false,
        },
        RuleParameters::CouncilJudgement
        | RuleParameters::AwardThenYears(_)
        | RuleParameters::CollectiveTitle(_) => Reads {
            initiatives: false,
            employments: false,
        },
    }
}

/// This year when every condition is met; otherwise the first later proposal year whose
/// projected conditions all are.
fn earliest_year(
    now: &[Condition],
    this_year: i32,
    projected: impl Fn(i32) -> Vec<Condition>,
) -> Option<i32> {
    if now.iter().all(|c| c.met) {
        return Some(this_year);
    }
    (this_year + 1..=this_year + PROJECTION_YEARS).find(|y| projected(*y).iter().all(|c| c.met))
}

/// The people employed in `unit` at some time of `year`, with their names (one statement for
/// the employments, one for the names).
async fn members_of(
    db: &impl ConnectionTrait,
    unit: Uuid,
    year: i32,
) -> DomainResult<Vec<(Uuid, String)>> {
    let (start, end) = year_bounds(year);
    let employed: Vec<employment::Model> = employment::Entity::find()
        .filter(employment::Column::UnitId.eq(unit))
        .filter(employment::Column::StartedOn.lte(end))
        .all(db)
        .await?;
    let mut ids: Vec<Uuid> = employed
        .into_iter()
        .filter(|e| e.ended_on.is_none_or(|to| to >= start))
        .map(|e| e.person_id)
        .collect();
    ids.sort();
    ids.dedup();
    let names: HashMap<Uuid, String> = super::person::by_ids(db, &ids)
        .await?
        .into_iter()
        .map(|(id, p)| (id, p.full_name))
        .collect();
    Ok(ids
        .into_iter()
        .map(|id| {
            let name = names.get(&id).cloned().unwrap_or_default();
            (id, name)
        })
        .collect())
}
