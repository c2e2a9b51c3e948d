//! `unitScorecard`: a unit's tasks by role and timeliness and its reports per period, for a
//! year (the numbers emulation scoring will use).

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use crate::domain::kernel::period::CutOffRule;
use crate::domain::reporting::progress::timeliness_of_key;
use crate::domain::reporting::scorecard::{self as scorecards, role_of_key};
use crate::graphql::common::context::{db, load, visibility};
use crate::graphql::common::enums::{AssignmentRole, Timeliness};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::UnitById;
use crate::graphql::org::unit::Unit;
use crate::graphql::reporting::period::{ReportingPeriod, check_year};

/// How many of a unit's tasks it holds in a role and are in a timeliness class.
#[derive(SimpleObject)]
pub struct RoleTimelinessCount {
    pub role: AssignmentRole,
    pub timeliness: Timeliness,
    pub count: i32,
}

/// A unit's reports for one period, over every regime it reports under.
#[derive(SimpleObject)]
pub struct PeriodReportCount {
    pub period: ReportingPeriod,
    pub on_time: i32,
    pub late: i32,
    /// Due day passed, nothing sent by the end of `asOf`.
    pub missing: i32,
    /// Not due yet, not sent.
    pub pending: i32,
}

/// A unit's scorecard for a year.
pub struct UnitScorecard {
    unit: std::sync::Arc<entity::unit::Model>,
    year: i32,
    card: scorecards::Scorecard,
}

impl UnitScorecard {
    pub fn new(
        unit: std::sync::Arc<entity::unit::Model>,
        year: i32,
        card: scorecards::Scorecard,
    ) -> Self {
        Self { unit, year, card }
    }

    fn task_counts(&self) -> Vec<RoleTimelinessCount> {
        self.card
            .tasks
            .iter()
            .map(|((role, class), count)| RoleTimelinessCount {
                role: role_of_key(*role).into(),
                timeliness: timeliness_of_key(*class).into(),
                count: *count as i32,
            })
            .collect()
    }

    fn report_counts(&self) -> Vec<PeriodReportCount> {
        self.card
            .reports
            .iter()
            .map(|(period, counts)| PeriodReportCount {
                period: ReportingPeriod::new(*period, CutOffRule::Decree09),
                on_time: counts.on_time as i32,
                late: counts.late as i32,
                missing: counts.missing as i32,
                pending: counts.pending as i32,
            })
            .collect()
    }

    fn target_counts(&self) -> TargetCounts {
        let count =
            |met: Option<bool>| self.card.targets.iter().filter(|t| t.met == met).count() as i32;
        TargetCounts {
            met: count(Some(true)),
            not_met: count(Some(false)),
            unknown: count(None),
        }
    }
}

/// The figures of a unit's scorecard a collective's nomination carries as evidence (the
/// targets themselves are read with `unitScorecard`).
pub struct ScorecardEvidence(pub UnitScorecard);

#[Object]
impl ScorecardEvidence {
    async fn unit(&self) -> Unit {
        Unit(self.0.unit.clone())
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// The day the figures are computed as of.
    async fn as_of(&self) -> Date {
        Date(self.0.card.as_of)
    }
    /// Tasks by the unit's role and their timeliness as of `asOf`.
    async fn tasks(&self) -> Vec<RoleTimelinessCount> {
        self.0.task_counts()
    }
    /// Its reports per period of the year.
    async fn reports(&self) -> Vec<PeriodReportCount> {
        self.0.report_counts()
    }
    /// How many of its targets are met, not met, and not yet judged.
    async fn targets_met(&self) -> TargetCounts {
        self.0.target_counts()
    }
}

#[Object]
impl UnitScorecard {
    async fn unit(&self) -> Unit {
        Unit(self.unit.clone())
    }
    async fn year(&self) -> i32 {
        self.year
    }
    /// The day the figures are computed as of: the year's last day, or today while it runs.
    async fn as_of(&self) -> Date {
        Date(self.card.as_of)
    }
    /// Tasks of plans covering the year (directly or through a group the unit belonged to),
    /// by the unit's role and their timeliness as of `asOf`.
    async fn tasks(&self) -> Vec<RoleTimelinessCount> {
        self.task_counts()
    }
    /// Its reports per period of the year, over every regime it reports under.
    async fn reports(&self) -> Vec<PeriodReportCount> {
        self.report_counts()
    }
    /// The targets it leads or implements (directly or through a group), of plans covering
    /// the year, with their attainment for the year from the values reported up to today.
    async fn targets(&self) -> Vec<crate::graphql::reporting::attainment::TargetAttainment> {
        self.card
            .targets
            .iter()
            .cloned()
            .map(crate::graphql::reporting::attainment::TargetAttainment)
            .collect()
    }
    /// How many of those targets are met, not met, and not yet judged.
    async fn targets_met(&self) -> TargetCounts {
        self.target_counts()
    }
}

/// Targets by verdict.
#[derive(SimpleObject)]
pub struct TargetCounts {
    pub met: i32,
    pub not_met: i32,
    /// Nothing reported, or nothing to compare with (qualitative targets).
    pub unknown: i32,
}

#[derive(Default)]
pub struct ScorecardQuery;

#[Object]
impl ScorecardQuery {
    /// A unit's scorecard for a year (null for a unit that does not exist).
    async fn unit_scorecard(
        &self,
        ctx: &Context<'_>,
        unit_id: ID,
        year: i32,
    ) -> Result<Option<UnitScorecard>> {
        check_year(year)?;
        let id = expect(&unit_id, NodeType::Unit).into_gql()?;
        let Some(unit) = load(ctx, UnitById(id)).await? else {
            return Ok(None);
        };
        let card = scorecards::scorecard(db(ctx)?, visibility(ctx)?, &unit, year)
            .await
            .into_gql()?;
        Ok(Some(UnitScorecard { unit, year, card }))
    }
}
