//! The JSON shape of the demo fixtures (see `api/fixtures/demo/FORMAT.md`).
#![expect(
    dead_code,
    reason = "`source` and `note` fields document the fixtures; they are parsed so that a misspelt field fails"
)]

use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::enums::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Fixture {
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub units: Vec<UnitFx>,
    #[serde(default)]
    pub unit_groups: Vec<GroupFx>,
    #[serde(default)]
    pub successions: Vec<SuccessionFx>,
    #[serde(default)]
    pub plans: Vec<PlanFx>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UnitFx {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub short_name: Option<String>,
    pub kind: UnitKind,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub active_from: Option<NaiveDate>,
    #[serde(default)]
    pub active_to: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GroupFx {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub kinds: Vec<UnitKind>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SuccessionFx {
    pub predecessor: String,
    pub successor: String,
    pub event: SuccessionEvent,
    pub effective_on: NaiveDate,
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlanFx {
    pub key: String,
    #[serde(default)]
    pub document_number: Option<String>,
    pub kind: PlanKind,
    pub title: String,
    pub issuer: String,
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    pub status: PlanStatus,
    #[serde(default)]
    pub period_start: Option<i32>,
    #[serde(default)]
    pub period_end: Option<i32>,
    #[serde(default)]
    pub signer_name: Option<String>,
    #[serde(default)]
    pub signer_title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub implements: Vec<ReferenceFx>,
    #[serde(default)]
    pub areas: Vec<AreaFx>,
    #[serde(default)]
    pub targets: Vec<TargetFx>,
    #[serde(default)]
    pub tasks: Vec<TaskFx>,
    #[serde(default)]
    pub reporting_regimes: Vec<RegimeFx>,
    #[serde(default)]
    pub progress: Vec<ProgressFx>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReferenceFx {
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub document_number: Option<String>,
    #[serde(default)]
    pub issuer_name: Option<String>,
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AreaFx {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssignmentFx {
    pub role: AssignmentRole,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TargetFx {
    pub code: String,
    #[serde(default)]
    pub area: Option<String>,
    pub statement: String,
    pub measure: TargetMeasure,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub comparator: Option<Comparator>,
    #[serde(default)]
    pub target_value: Option<f64>,
    #[serde(default)]
    pub target_year: Option<i32>,
    #[serde(default)]
    pub baseline_value: Option<f64>,
    #[serde(default)]
    pub baseline_year: Option<i32>,
    #[serde(default)]
    pub change_direction: Option<ChangeDirection>,
    #[serde(default)]
    pub aspirational: bool,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub assignments: Vec<AssignmentFx>,
    #[serde(default)]
    pub breakdown: Option<BreakdownFx>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BreakdownFx {
    pub baseline_year: i32,
    pub target_year: i32,
    pub groups: Vec<BreakdownGroupFx>,
    pub total: BreakdownTotalFx,
    #[serde(default)]
    pub ratio: Option<BreakdownRatioFx>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BreakdownGroupFx {
    pub code: String,
    pub label: String,
    pub stated_baseline: f64,
    pub stated_target: f64,
    pub rows: Vec<BreakdownRowFx>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BreakdownRowFx {
    pub code: String,
    pub label: String,
    #[serde(default)]
    pub unit: Option<String>,
    pub baseline: f64,
    pub target: f64,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BreakdownTotalFx {
    pub label: String,
    pub stated_baseline: f64,
    pub stated_target: f64,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BreakdownRatioFx {
    pub label: String,
    pub per: f64,
    #[serde(default = "one")]
    pub decimals: i32,
    pub population_baseline: f64,
    pub population_target: f64,
    pub stated_baseline: f64,
    pub stated_target: f64,
    #[serde(default)]
    pub note: Option<String>,
}

fn one() -> i32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaskFx {
    pub code: String,
    #[serde(default)]
    pub area: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub kind: TaskKind,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    pub due_within_days_of_issue: Option<i32>,
    #[serde(default)]
    pub due_text: Option<String>,
    pub status: TaskStatus,
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
    #[serde(default)]
    pub assignments: Vec<AssignmentFx>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A reporting regime the plan states (chế độ báo cáo).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegimeFx {
    pub name: String,
    pub frequency: ReportingPeriodKind,
    /// The periods of a year it reports (`Q1`, `H1`, `Y`…); all of its frequency when absent.
    #[serde(default)]
    pub periods: Option<Vec<String>>,
    #[serde(default)]
    pub cut_off: Option<entity::enums::CutOffRule>,
    #[serde(default)]
    pub allows_nil: bool,
    #[serde(default)]
    pub outline: Option<String>,
    pub deadlines: Vec<DeadlineFx>,
    /// Ad-hoc requests made under a regime that reports on request, in order (illustrative:
    /// the documents record none); the n-th of a year opens the period `YYYYDnn`.
    #[serde(default)]
    pub requests: Vec<RequestFx>,
    /// Reports sent under the regime (illustrative: the documents record none).
    #[serde(default)]
    pub submissions: Vec<SubmissionFx>,
    #[serde(default)]
    pub note: Option<String>,
}

/// An ad-hoc report request (yêu cầu báo cáo đột xuất), invented for the demo.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RequestFx {
    pub subject: String,
    #[serde(default)]
    pub document_number: Option<String>,
    pub requested_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Unit keys of the units asked; every reporting unit when absent.
    #[serde(default)]
    pub units: Option<Vec<String>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Reports several units sent at the same time for one period and level (invented for the
/// demo, so that a dashboard has figures; marked so in `note`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SubmissionFx {
    #[serde(default = "first_level")]
    pub level: i32,
    pub period: String,
    /// Unit keys.
    pub units: Vec<String>,
    pub submitted_at: DateTime<FixedOffset>,
    pub status: entity::enums::SubmissionStatus,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One deadline of a regime: a level of the cascade and the periods its rule covers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeadlineFx {
    /// 1 for the first hand-over (units → centre), 2 for the next (centre → Sở)…
    #[serde(default = "first_level")]
    pub level: i32,
    /// The periods this rule covers; all of the regime's when absent.
    #[serde(default)]
    pub periods: Option<Vec<String>>,
    pub text: String,
    #[serde(default)]
    pub reporter: Option<String>,
    #[serde(default)]
    pub recipient: Option<String>,
    #[serde(default)]
    pub via: Option<String>,
    #[serde(default)]
    pub rule: Option<serde_json::Value>,
    #[serde(default)]
    pub inclusive: Option<bool>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProgressFx {
    pub task: String,
    pub unit: String,
    pub period: String,
    pub percent: i32,
    pub status: ProgressStatus,
    #[serde(default)]
    pub narrative: Option<String>,
    pub reported_at: DateTime<FixedOffset>,
    #[serde(default)]
    pub note: Option<String>,
}

fn first_level() -> i32 {
    1
}
