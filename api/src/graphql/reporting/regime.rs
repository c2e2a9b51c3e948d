//! Reporting regimes (chế độ báo cáo) and their deadlines per level of the cascade, with the
//! schedule of a year and the warnings a plan's author needs.

use async_graphql::{Context, Enum, ID, InputObject, Json, Object, Result, SimpleObject};
use futures_util::future::try_join_all;

use crate::domain::kernel::mutation::Outcome;
use crate::domain::reporting::regime::{NewDeadline, NewRegime};
use crate::graphql::common::payload::*;
use crate::graphql::reporting::period::DeadlineRuleInput;
use entity::{reporting_deadline, reporting_regime};

use crate::domain::reporting::calendar::WorkCalendar;
use crate::domain::reporting::regime as regimes;
use crate::graphql::common::context::{load, load_required, visible_plan};
use crate::graphql::common::enums::ReportingPeriodKind;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::loading::loaders::{
    CalendarYear, RegimeById, RegimeDeadlines, RegimeRequests, RegimesOf, UnitById,
};
use crate::graphql::org::unit::{Unit, UnitGroup, group_by_id};
use crate::graphql::planning::plan::Plan;
use crate::graphql::reporting::period::{CutOffRule, Deadline, ReportingPeriod};

/// A reporting regime (chế độ báo cáo): which periods of each year a plan asks units to
/// report, cut off how, and by when at each level of the cascade.
#[derive(Clone)]
pub struct ReportingRegime(pub reporting_regime::Model);

#[Object]
impl ReportingRegime {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::ReportingRegime, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The plan that states it.
    async fn plan(&self, ctx: &Context<'_>) -> Result<Option<Plan>> {
        match self.0.plan_id {
            Some(id) => Ok(visible_plan(ctx, id).await?.map(Plan)),
            None => Ok(None),
        }
    }
    /// The main kind of period.
    async fn frequency(&self) -> ReportingPeriodKind {
        self.0.frequency.into()
    }
    /// The periods of a year it reports: `Q1`–`Q4`, `H1`, `H2`, `9M`, `M01`–`M12`, `Y`
    /// (empty for ad-hoc reports, which come by request).
    async fn periods(&self) -> Vec<String> {
        regimes::period_keys(&self.0)
    }
    /// How its data window is cut (chốt số liệu).
    async fn cut_off(&self) -> CutOffRule {
        self.0.cut_off.into()
    }
    /// Whether a unit with nothing to report sends a nil report (không phát sinh).
    async fn allows_nil(&self) -> bool {
        self.0.allows_nil
    }
    /// What a report contains (đề cương).
    async fn content_outline(&self) -> Option<&str> {
        self.0.content_outline.as_deref()
    }
    /// How the regime was read from its document.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Its deadlines, by level then as the document lists them.
    async fn deadlines(&self, ctx: &Context<'_>) -> Result<Vec<ReportingDeadline>> {
        Ok(load_required(ctx, RegimeDeadlines(self.0.id))
            .await?
            .into_iter()
            .map(ReportingDeadline)
            .collect())
    }
    /// Its ad-hoc requests (yêu cầu báo cáo đột xuất) of `year`, newest first (at most 99: the
    /// period codes number them within the year).
    async fn requests(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> Result<Vec<crate::graphql::reporting::request::ReportRequest>> {
        crate::graphql::reporting::period::check_year(year)?;
        Ok(load_required(ctx, RegimeRequests(self.0.id))
            .await?
            .into_iter()
            .filter(|r| r.year == year)
            .map(crate::graphql::reporting::request::ReportRequest)
            .collect())
    }
    /// Every deadline of `year`: each period the regime reports, at each level, in period
    /// then level order, on the working-day calendar.
    async fn schedule(&self, ctx: &Context<'_>, year: i32) -> Result<Vec<ScheduledDeadline>> {
        crate::graphql::reporting::period::check_year(year)?;
        // Each step at once for every regime of a list, so that they share its batches.
        let issued_on = async {
            Ok::<_, async_graphql::Error>(match self.0.plan_id {
                Some(id) => visible_plan(ctx, id).await?.and_then(|p| p.issued_on),
                None => None,
            })
        };
        let years = [year - 1, year, year + 1];
        let (rows, issued_on, calendar) = futures_util::try_join!(
            load_required(ctx, RegimeDeadlines(self.0.id)),
            issued_on,
            calendar_of(ctx, &years),
        )?;
        let cut_off = self.0.cut_off;
        Ok(
            regimes::schedule(&self.0, &rows, year, issued_on, &calendar)
                .into_iter()
                .map(|entry| {
                    let (due, problem) = match entry.due {
                        Ok(due) => (due.map(Deadline::from), None),
                        Err(e) => (None, Some(e.to_string())),
                    };
                    ScheduledDeadline {
                        period: (self.0.frequency != entity::enums::ReportingPeriodKind::AdHoc)
                            .then(|| ReportingPeriod::new(entry.period, cut_off)),
                        level: entry.row.level,
                        deadline: ReportingDeadline(entry.row),
                        due,
                        problem,
                    }
                })
                .collect(),
        )
    }
}

/// One deadline of a regime's year.
#[derive(SimpleObject)]
pub struct ScheduledDeadline {
    /// The period reported (null for an ad-hoc report).
    pub period: Option<ReportingPeriod>,
    /// The level of the cascade, from 1 (units → centre).
    pub level: i32,
    /// The rule, as the document states it.
    pub deadline: ReportingDeadline,
    /// When it falls due (null when the rule has no day: on request, unspecified).
    pub due: Option<Deadline>,
    /// Why the rule gives no day for this period, when it cannot.
    pub problem: Option<String>,
}

/// A reporting deadline a plan states ("trước ngày 02 tháng cuối cùng của quý"), per level.
#[derive(Clone)]
pub struct ReportingDeadline(pub reporting_deadline::Model);

#[Object]
impl ReportingDeadline {
    async fn period(&self) -> ReportingPeriodKind {
        self.0.period.into()
    }
    /// The deadline as the document writes it.
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// The reporting unit, when one unit reports.
    async fn reporter_unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.reporter_unit_id {
            Some(id) => Ok(load(ctx, UnitById(id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    /// The reporting group ("các đơn vị trực thuộc").
    async fn reporter_group(&self, ctx: &Context<'_>) -> Result<Option<UnitGroup>> {
        match self.0.reporter_group_id {
            Some(id) => Ok(Some(group_by_id(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// The receiving unit.
    async fn recipient(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.recipient_unit_id {
            Some(id) => Ok(load(ctx, UnitById(id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    /// The receiving desk inside the recipient ("qua Phòng Tổ chức – Hành chính").
    async fn via(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.via_unit_id {
            Some(id) => Ok(load(ctx, UnitById(id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    /// The structured rule: `{kind: DAY_OF_LAST_MONTH | FIXED_DAY | PER_PERIOD | BEFORE_DATE |
    /// WITHIN_DAYS_OF_ISSUE | ON_REQUEST | UNSPECIFIED, …}`.
    async fn rule(&self) -> Json<serde_json::Value> {
        Json(self.0.rule.clone())
    }
    /// The level of the cascade, from 1 (the first hand-over: units → centre).
    async fn level(&self) -> i32 {
        self.0.level
    }
    /// The periods of a year this deadline covers (`Q1`, `H1`, `Y`…).
    async fn periods(&self) -> Vec<String> {
        regimes::row_keys(&self.0)
    }
    /// The regime it belongs to.
    async fn regime(&self, ctx: &Context<'_>) -> Result<Option<ReportingRegime>> {
        match self.0.regime_id {
            Some(id) => Ok(load(ctx, RegimeById(id)).await?.map(ReportingRegime)),
            None => Ok(None),
        }
    }
}

/// What a deadline warning is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::reporting::regime::WarningCode")]
pub enum DeadlineWarningCode {
    /// The deadline falls before its period begins (the Tu Mơ Rông plan's "05/3" for quý III),
    /// or names a day that does not exist.
    ImpossibleForPeriod,
    /// A level is due after the level it reports to, for the same period.
    AfterParentLevel,
    /// The last day allowed is a day off (a holiday, Tết, a weekend).
    OnDayOff,
    /// The stored rule cannot be read.
    InvalidRule,
}

/// A problem in a plan's deadlines, for its author.
#[derive(SimpleObject)]
pub struct DeadlineWarning {
    pub code: DeadlineWarningCode,
    pub message: String,
    pub regime: ReportingRegime,
    pub deadline: ReportingDeadline,
    pub level: i32,
    /// The period concerned (`2023Q3`), null for an ad-hoc report.
    pub period: Option<String>,
}

/// The working-day calendar of `years`, from the request's loader.
pub async fn calendar_of(ctx: &Context<'_>, years: &[i32]) -> Result<WorkCalendar> {
    // All years at once, so that parents in a list share one batch.
    let years = try_join_all(years.iter().map(|y| load_required(ctx, CalendarYear(*y)))).await?;
    Ok(WorkCalendar::new(years.into_iter().flatten()))
}

/// A plan's regimes, in their order.
pub async fn regimes_of_plan(ctx: &Context<'_>, plan: uuid::Uuid) -> Result<Vec<ReportingRegime>> {
    Ok(load_required(ctx, RegimesOf(plan))
        .await?
        .into_iter()
        .map(ReportingRegime)
        .collect())
}

/// The warnings of a plan's deadlines over its years.
pub async fn warnings_of_plan(
    ctx: &Context<'_>,
    plan: &entity::plan::Model,
) -> Result<Vec<DeadlineWarning>> {
    let stated = load_required(ctx, RegimesOf(plan.id)).await?;
    if stated.is_empty() {
        return Ok(Vec::new());
    }
    let rows = try_join_all(
        stated
            .iter()
            .map(|r| load_required(ctx, RegimeDeadlines(r.id))),
    )
    .await?;
    let with_rows: Vec<_> = stated.into_iter().zip(rows).collect();
    let years = regimes::plan_years(plan);
    let span: Vec<i32> = match (years.first(), years.last()) {
        (Some(first), Some(last)) => (first - 1..=last + 1).collect(),
        _ => Vec::new(),
    };
    let calendar = calendar_of(ctx, &span).await?;
    let by_id: std::collections::HashMap<_, _> = with_rows
        .iter()
        .flat_map(|(regime, rows)| rows.iter().map(move |row| (row.id, (regime, row))))
        .collect();
    Ok(regimes::warnings(plan, &with_rows, &calendar)
        .into_iter()
        .filter_map(|w| {
            let (regime, row) = by_id.get(&w.deadline_id)?;
            Some(DeadlineWarning {
                code: w.code.into(),
                message: w.message,
                regime: ReportingRegime((*regime).clone()),
                deadline: ReportingDeadline((*row).clone()),
                level: w.level,
                period: w.period.map(|p| p.to_string()),
            })
        })
        .collect())
}

#[derive(Default)]
pub struct RegimeQuery;

#[Object]
impl RegimeQuery {
    /// The reporting regimes a plan states, in their order (empty for a plan the caller may
    /// not read).
    async fn reporting_regimes(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
    ) -> Result<Vec<ReportingRegime>> {
        let id = expect(&plan_id, NodeType::Plan).into_gql()?;
        if visible_plan(ctx, id).await?.is_none() {
            return Ok(Vec::new());
        }
        regimes_of_plan(ctx, id).await
    }
}

/// One deadline of `createReportingRegime`.
#[derive(InputObject)]
pub struct RegimeDeadlineInput {
    /// The level of the cascade, 1 (units → centre) to 5.
    #[graphql(default = 1)]
    pub level: i32,
    /// The periods this deadline covers (some of the regime's); all of them when absent.
    #[graphql(validator(max_items = 20))]
    pub periods: Option<Vec<String>>,
    /// The deadline as the document writes it.
    pub text: String,
    /// The reporting unit, or…
    pub reporter_unit_id: Option<ID>,
    /// …the reporting group ("các đơn vị trực thuộc").
    pub reporter_group_id: Option<ID>,
    /// The receiving unit.
    pub recipient_id: Option<ID>,
    /// The receiving desk inside it ("qua Phòng Tổ chức – Hành chính").
    pub via_id: Option<ID>,
    pub rule: DeadlineRuleInput,
}

/// `createReportingRegime` input.
#[derive(InputObject)]
pub struct CreateReportingRegimeInput {
    pub plan_id: ID,
    pub name: String,
    /// The main kind of period (AD_HOC: reports come by request).
    pub frequency: ReportingPeriodKind,
    /// The periods of a year it reports (`Q1`, `H1`, `Q3`, `Y`…); all of its frequency when
    /// absent.
    #[graphql(validator(max_items = 20))]
    pub periods: Option<Vec<String>>,
    /// Nghị định 09/2019's data window by default.
    pub cut_off: Option<CutOffRule>,
    #[graphql(default)]
    pub allows_nil: bool,
    pub content_outline: Option<String>,
    /// At most 50.
    #[graphql(validator(max_items = 50))]
    pub deadlines: Vec<RegimeDeadlineInput>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `createReportingRegime`.
    ReportingRegimePayload, regime, ReportingRegime, entity::reporting_regime::Entity
);

#[derive(Default)]
pub struct RegimeMutation;

#[Object]
impl RegimeMutation {
    /// Adds a reporting regime to a plan (those who manage the plan): its periods and a
    /// deadline per level of the cascade and group of periods.
    async fn create_reporting_regime(
        &self,
        ctx: &Context<'_>,
        input: CreateReportingRegimeInput,
    ) -> Result<ReportingRegimePayload> {
        let cmid = input.client_mutation_id.clone();
        let plan_id = try_input!(
            id_of::<entity::plan::Entity>(&input.plan_id, "planId"),
            ReportingRegimePayload,
            ctx,
            cmid
        );
        let mut deadlines = Vec::new();
        for d in input.deadlines {
            deadlines.push(NewDeadline {
                level: d.level,
                periods: d.periods,
                text: d.text,
                reporter_unit_id: try_input!(
                    optional_id_of::<entity::unit::Entity>(
                        d.reporter_unit_id.as_ref(),
                        "reporterUnitId"
                    ),
                    ReportingRegimePayload,
                    ctx,
                    cmid
                ),
                reporter_group_id: try_input!(
                    optional_id_of::<entity::unit_group::Entity>(
                        d.reporter_group_id.as_ref(),
                        "reporterGroupId"
                    ),
                    ReportingRegimePayload,
                    ctx,
                    cmid
                ),
                recipient_unit_id: try_input!(
                    optional_id_of::<entity::unit::Entity>(d.recipient_id.as_ref(), "recipientId"),
                    ReportingRegimePayload,
                    ctx,
                    cmid
                ),
                via_unit_id: try_input!(
                    optional_id_of::<entity::unit::Entity>(d.via_id.as_ref(), "viaId"),
                    ReportingRegimePayload,
                    ctx,
                    cmid
                ),
                rule: d.rule.to_rule(),
            });
        }
        let new = NewRegime {
            plan_id,
            name: input.name,
            frequency: input.frequency.into(),
            periods: input
                .periods
                .map(|keys| keys.into_iter().map(|k| k.trim().to_owned()).collect()),
            cut_off: input.cut_off.unwrap_or(CutOffRule::Decree09).into(),
            allows_nil: input.allows_nil,
            content_outline: input.content_outline,
            deadlines,
        };
        let outcome = run(
            ctx,
            "createReportingRegime",
            cmid.as_deref(),
            async |txn, actor| regimes::create(txn, actor, new).await,
        )
        .await?;
        ReportingRegimePayload::from(ctx, outcome, cmid).await
    }
}
