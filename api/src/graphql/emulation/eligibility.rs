//! `eligibility`: whether a person or a unit qualifies for an award type when proposed on a
//! day, every condition with its legal source, met or not, and the records that decided it.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use crate::domain::emulation::eligibility::{self as engine, EvidenceKind as Kind};
use crate::domain::emulation::record::Subject;
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::time::DayMonthYear;
use crate::domain::kernel::time::{local_time, today};
use crate::graphql::common::context::{db, load};
use crate::graphql::common::error::{DomainErrorExt as _, IntoGql};
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::scalars::Date;
use crate::graphql::emulation::catalogue::AwardType;
use crate::graphql::emulation::person::{readable_one, signed_in};
use crate::graphql::emulation::record::recipient;
use crate::graphql::loading::loaders::PersonById;

/// What kind of record a piece of evidence is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    AwardRecord,
    DutyRating,
    Initiative,
    Discipline,
    Employment,
    /// A member of a collective, with what they hold.
    Member,
}

/// A record that decided a condition (for a discipline: one that failed it).
#[derive(SimpleObject)]
pub struct EligibilityEvidence {
    pub kind: EvidenceKind,
    /// The record's global id, when it is one (award records, initiatives, people).
    pub id: Option<ID>,
    pub year: Option<i32>,
    pub description: String,
}

/// One condition of the rule.
#[derive(SimpleObject)]
pub struct EligibilityCondition {
    /// Stable code (`CONSECUTIVE_TITLES`, `YEARS_RATED`, `NO_DISCIPLINE`…).
    pub code: String,
    pub description: String,
    /// Article and decree.
    pub source: String,
    pub met: bool,
    pub evidence: Vec<EligibilityEvidence>,
}

/// The answer of `eligibility`.
pub struct Eligibility(pub engine::Eligibility);

#[Object]
impl Eligibility {
    /// Whether every condition is met.
    async fn eligible(&self) -> bool {
        self.0.eligible
    }
    async fn checked_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.checked_at)
    }
    /// The day of the proposal judged.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// The achievement window judged (ending with the year before the proposal).
    async fn achievement_from(&self) -> Date {
        Date(self.0.window_from)
    }
    async fn achievement_to(&self) -> Date {
        Date(self.0.window_to)
    }
    /// The catalogue version judged by: the one in force at the window's end.
    async fn award_type(&self) -> AwardType {
        AwardType(self.0.version.clone())
    }
    /// That version, in words (`CSTD_TINH v2, 2022-ND98, from 01/01/2024`).
    async fn rule_version(&self) -> String {
        let m = &self.0.version.model;
        format!(
            "{} v{}, {}, from {}",
            m.code,
            m.version,
            m.law_version,
            DayMonthYear(m.valid_from)
        )
    }
    /// Every condition, met or not (the unmet ones are the "why not").
    async fn conditions(&self) -> Vec<EligibilityCondition> {
        self.0
            .conditions
            .iter()
            .map(|c| EligibilityCondition {
                code: c.code.to_owned(),
                description: c.description.clone(),
                source: c.source.clone(),
                met: c.met,
                evidence: c
                    .evidence
                    .iter()
                    .map(|e| EligibilityEvidence {
                        kind: match e.kind {
                            Kind::AwardRecord => EvidenceKind::AwardRecord,
                            Kind::DutyRating => EvidenceKind::DutyRating,
                            Kind::Initiative => EvidenceKind::Initiative,
                            Kind::Discipline => EvidenceKind::Discipline,
                            Kind::Employment => EvidenceKind::Employment,
                            Kind::Member => EvidenceKind::Member,
                        },
                        id: e.id.and_then(|id| match e.kind {
                            Kind::AwardRecord => Some(global_id(NodeType::AwardRecord, id)),
                            Kind::Initiative => Some(global_id(NodeType::Initiative, id)),
                            Kind::Member => Some(global_id(NodeType::Person, id)),
                            _ => None,
                        }),
                        year: e.year,
                        description: e.description.clone(),
                    })
                    .collect(),
            })
            .collect()
    }
    /// This year when eligible now; otherwise the first later proposal year it would be if
    /// the last recorded year's pattern (rating, yearly titles, initiatives) went on; null
    /// when not within ten years (a missing prerequisite, a discipline…).
    async fn earliest_eligible_year(&self) -> Option<i32> {
        self.0.earliest_eligible_year
    }
}

#[derive(Default)]
pub struct EligibilityQuery;

#[Object]
impl EligibilityQuery {
    /// Whether a person or a unit (`nomineeId`) qualifies for an award type (any version's
    /// id) proposed on `asOf` (today when absent), judged by the catalogue version in force at
    /// the end of the window. A person's eligibility reads their ratings and disciplines: it
    /// is answered to those who may read their personal data.
    async fn eligibility(
        &self,
        ctx: &Context<'_>,
        nominee_id: ID,
        award_type_id: ID,
        as_of: Option<Date>,
    ) -> Result<Eligibility> {
        signed_in(ctx)?;
        let subject = recipient(&nominee_id).into_gql()?;
        let award_type = expect(&award_type_id, NodeType::AwardType).into_gql()?;
        if let Subject::Person(id) = subject {
            let person = load(ctx, PersonById(id))
                .await?
                .ok_or_else(|| DomainError::NotFound { entity: "person" }.extend())?;
            // The same personal-data rule as the person's own fields.
            let allowed = readable_one(ctx, Some(person))
                .await?
                .is_some_and(|p| p.personal);
            if !allowed {
                return Err(DomainError::Forbidden(
                    "a person's eligibility reads their ratings and disciplines: it is answered to the emulation officers and administrators of their unit and above"
                        .into(),
                )
                .extend());
            }
        }
        let as_of = as_of.map_or_else(today, |d| d.0);
        Ok(Eligibility(
            engine::evaluate(db(ctx)?, subject, award_type, as_of)
                .await
                .into_gql()?,
        ))
    }
}
