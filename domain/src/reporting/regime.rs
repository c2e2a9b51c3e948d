//! Reporting regimes (chế độ báo cáo): which periods of each year a plan asks its units to
//! report, and by when at each level of the cascade (units → centre on 01/3, centre → Sở on
//! 05/3). A regime's deadlines are rows of `reporting_deadline`, each covering some of the
//! regime's periods at one level.
//!
//! The schedule of a year and the warnings a plan's author needs (a deadline impossible for
//! its period, a lower level due after the level it reports to, a deadline on a day off) are
//! computed here, from the rules and the working-day calendar, never stored.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use entity::enums::{CutOffRule, ReportingPeriodKind};
use entity::{plan, reporting_deadline, reporting_regime};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::calendar::WorkCalendar;
use super::deadline::{Deadline, DeadlineError, DeadlineRule, period_key};
use crate::kernel::error::DomainResult;
use crate::kernel::ids::{GroupId, PlanId, UnitId};
use crate::kernel::period::PeriodCode;
use crate::kernel::query::{fetch_all, find};
use crate::kernel::time::DayMonthYear;

/// The most years a plan's schedule and warnings are computed for.
pub const MAX_PLAN_YEARS: i32 = 10;

/// Regimes by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, reporting_regime::Model>> {
    crate::kernel::query::by_ids::<reporting_regime::Entity>(db, ids).await
}

/// The regime a mutation's input names (`regimeId`), or the input's `NOT_FOUND` error.
pub async fn named_in_input(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> DomainResult<reporting_regime::Model> {
    reporting_regime::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            crate::kernel::error::rejected(
                "regimeId",
                crate::kernel::error::FieldErrorCode::NotFound,
                "no such reporting regime",
            )
        })
}

/// The regimes of these plans, by plan, in their order.
pub async fn regimes_of_plans(
    db: &impl ConnectionTrait,
    plans: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<reporting_regime::Model>>> {
    let mut by_plan: HashMap<Uuid, Vec<reporting_regime::Model>> = HashMap::new();
    if plans.is_empty() {
        return Ok(by_plan);
    }
    let regimes = fetch_all(
        db,
        find::<reporting_regime::Entity>()
            .filter(reporting_regime::Column::PlanId.is_in(plans.iter().copied()))
            .order_by_asc(reporting_regime::Column::Position)
            .order_by_asc(reporting_regime::Column::Id),
    )
    .await?;
    for regime in regimes {
        if let Some(plan) = regime.plan_id {
            by_plan.entry(plan).or_default().push(regime);
        }
    }
    Ok(by_plan)
}

/// The deadlines of these regimes, by regime, by level then position.
pub async fn deadlines_of_regimes(
    db: &impl ConnectionTrait,
    regimes: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<reporting_deadline::Model>>> {
    let mut by_regime: HashMap<Uuid, Vec<reporting_deadline::Model>> = HashMap::new();
    if regimes.is_empty() {
        return Ok(by_regime);
    }
    let rows = fetch_all(
        db,
        find::<reporting_deadline::Entity>()
            .filter(reporting_deadline::Column::RegimeId.is_in(regimes.iter().copied()))
            .order_by_asc(reporting_deadline::Column::Level)
            .order_by_asc(reporting_deadline::Column::Position),
    )
    .await?;
    for row in rows {
        if let Some(regime) = row.regime_id {
            by_regime.entry(regime).or_default().push(row);
        }
    }
    Ok(by_regime)
}

/// Who reports under each of these deadline rows on `as_of`, by row id: its unit, or its
/// group's members (every group read at once: three statements whatever the number of rows).
pub async fn reporters_of(
    db: &impl ConnectionTrait,
    rows: &[&reporting_deadline::Model],
    as_of: NaiveDate,
) -> DomainResult<HashMap<Uuid, Vec<Uuid>>> {
    Ok(reporters_and_members(db, rows, as_of).await?.0)
}

/// [`reporters_of`], with the groups' member units read on the way (whole rows, each once), for
/// a caller that names them.
pub async fn reporters_and_members(
    db: &impl ConnectionTrait,
    rows: &[&reporting_deadline::Model],
    as_of: NaiveDate,
) -> DomainResult<(HashMap<Uuid, Vec<Uuid>>, Vec<entity::unit::Model>)> {
    let group_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.reporter_group_id).collect();
    let members = crate::org::group::members_of_ids(db, &group_ids, as_of).await?;
    let reporters = rows
        .iter()
        .map(|row| {
            let units = match (row.reporter_unit_id, row.reporter_group_id) {
                (Some(unit), _) => vec![unit],
                (None, Some(group)) => members
                    .get(&group)
                    .map(|units| units.iter().map(|u| u.id).collect())
                    .unwrap_or_default(),
                (None, None) => Vec::new(),
            };
            (row.id, units)
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    let units = members
        .into_values()
        .flatten()
        .filter(|unit| seen.insert(unit.id))
        .collect();
    Ok((reporters, units))
}

/// The period keys (`Q1`, `H1`, `Y`…) a stored JSON array holds.
fn keys(value: Option<&serde_json::Value>) -> Option<Vec<String>> {
    value.and_then(|v| v.as_array()).map(|items| {
        items
            .iter()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect()
    })
}

/// The periods of a year a regime reports, by key.
pub fn period_keys(regime: &reporting_regime::Model) -> Vec<String> {
    keys(regime.period_keys.as_ref()).unwrap_or_else(|| default_keys(regime.frequency))
}

fn default_keys(kind: ReportingPeriodKind) -> Vec<String> {
    match kind {
        ReportingPeriodKind::Month => (1..=12).map(|m| format!("M{m:02}")).collect(),
        ReportingPeriodKind::Quarter => (1..=4).map(|q| format!("Q{q}")).collect(),
        ReportingPeriodKind::HalfYear => vec!["H1".into(), "H2".into()],
        ReportingPeriodKind::NineMonths => vec!["9M".into()],
        ReportingPeriodKind::Year => vec!["Y".into()],
        ReportingPeriodKind::AdHoc => Vec::new(),
    }
}

/// The periods of a deadline row, by key: its own list, or every period of its kind.
pub fn row_keys(row: &reporting_deadline::Model) -> Vec<String> {
    keys(row.period_keys.as_ref()).unwrap_or_else(|| default_keys(row.period))
}

/// The period a key names in `year`.
pub fn period_of(key: &str, year: i32) -> Option<PeriodCode> {
    let code = match key {
        "Y" => format!("{year:04}"),
        "9M" => format!("{year:04}9M"),
        month if month.starts_with('M') => format!("{year:04}{}", &month[1..]),
        other => format!("{year:04}{other}"),
    };
    code.parse()
        .ok()
        .filter(|p: &PeriodCode| period_key(*p) == key)
}

/// One deadline of a regime's schedule: a period, a level and what its rule gives.
#[derive(Debug, Clone)]
pub struct Scheduled {
    pub period: PeriodCode,
    pub row: reporting_deadline::Model,
    /// The deadline, none for a rule with no day (on request), or why the rule gives none.
    pub due: Result<Option<Deadline>, DeadlineError>,
}

/// The schedule of `year`: every period the regime reports, at every level, in period then
/// level order. `issued_on` is the event relative rules count from.
pub fn schedule(
    regime: &reporting_regime::Model,
    rows: &[reporting_deadline::Model],
    year: i32,
    issued_on: Option<NaiveDate>,
    calendar: &WorkCalendar,
) -> Vec<Scheduled> {
    let mut out = Vec::new();
    if regime.frequency == ReportingPeriodKind::AdHoc {
        // One-off and on-request deadlines: one entry per row, for no period of their own.
        for row in rows {
            let due = DeadlineRule::from_json(&row.rule)
                .and_then(|rule| rule.due(None, issued_on, calendar))
                .or_else(|e| match e {
                    DeadlineError::NeedsEvent => Ok(None),
                    other => Err(other),
                });
            out.push(Scheduled {
                period: PeriodCode::AdHoc(year, 1),
                row: row.clone(),
                due,
            });
        }
        return out;
    }
    let mut periods: Vec<PeriodCode> = period_keys(regime)
        .iter()
        .filter_map(|key| period_of(key, year))
        .collect();
    periods.sort_by_key(|p| (p.months().map(|(_, last)| last), *p));
    for period in periods {
        let key = period_key(period);
        for row in rows.iter().filter(|r| row_keys(r).contains(&key)) {
            let due = DeadlineRule::from_json(&row.rule)
                .and_then(|rule| rule.due(Some(period), issued_on, calendar));
            out.push(Scheduled {
                period,
                row: row.clone(),
                due,
            });
        }
    }
    out
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningCode {
    /// The deadline falls before its period begins ("05/3" for quý III), or names no day
    /// that exists.
    ImpossibleForPeriod,
    /// A level is due after the level it reports to, for the same period.
    AfterParentLevel,
    /// The last day allowed is a day off (a holiday, Tết, a weekend).
    OnDayOff,
    /// The rule cannot be read.
    InvalidRule,
}

/// A problem a plan's author should see in its deadlines.
#[derive(Debug, Clone)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
    pub regime_id: Uuid,
    pub deadline_id: Uuid,
    pub level: i32,
    pub period: Option<PeriodCode>,
}

/// The years a plan's deadlines are checked for: its period's years, else its issue year, at
/// most [`MAX_PLAN_YEARS`].
pub fn plan_years(plan: &plan::Model) -> Vec<i32> {
    let first = plan
        .period_start
        .or(plan.issued_on.map(|d| d.year()))
        .or(plan.issue_year);
    let last = plan.period_end.or(first);
    match (first, last) {
        (Some(first), Some(last)) if last >= first => {
            (first..=last.min(first + MAX_PLAN_YEARS - 1)).collect()
        }
        (Some(first), _) => vec![first],
        _ => Vec::new(),
    }
}

/// The warnings of a plan's regimes over its years.
pub fn warnings(
    plan: &plan::Model,
    regimes: &[(reporting_regime::Model, Vec<reporting_deadline::Model>)],
    calendar: &WorkCalendar,
) -> Vec<Warning> {
    let mut out = Vec::new();
    for (regime, rows) in regimes {
        for year in plan_years(plan) {
            let scheduled = schedule(regime, rows, year, plan.issued_on, calendar);
            let mut by_period: BTreeMap<PeriodCode, Vec<(i32, NaiveDate, Uuid)>> = BTreeMap::new();
            for entry in &scheduled {
                let warn = |code, message: String| Warning {
                    code,
                    message,
                    regime_id: regime.id,
                    deadline_id: entry.row.id,
                    level: entry.row.level,
                    period: (regime.frequency != ReportingPeriodKind::AdHoc)
                        .then_some(entry.period),
                };
                let shown = entry.period.to_string();
                match &entry.due {
                    Err(DeadlineError::Impossible(message)) => {
                        out.push(warn(
                            WarningCode::ImpossibleForPeriod,
                            format!("{shown}: {message}"),
                        ));
                    }
                    Err(other) => out.push(warn(WarningCode::InvalidRule, other.to_string())),
                    Ok(None) => {}
                    Ok(Some(due)) => {
                        if let Some((from, _)) = entry
                            .period
                            .data_window(CutOffRule::Calendar)
                            .filter(|_| regime.frequency != ReportingPeriodKind::AdHoc)
                            && due.last_day < from
                        {
                            out.push(warn(
                                WarningCode::ImpossibleForPeriod,
                                format!(
                                    "{shown} (level {}): due {} before the period begins on {}",
                                    entry.row.level,
                                    DayMonthYear(due.last_day),
                                    DayMonthYear(from)
                                ),
                            ));
                        }
                        if let Some(reason) = &due.day_off {
                            let moved = if due.due_on == due.last_day {
                                String::new()
                            } else {
                                format!("; it moves to {}", DayMonthYear(due.due_on))
                            };
                            out.push(warn(
                                WarningCode::OnDayOff,
                                format!(
                                    "{shown} (level {}): the last day, {}, is a day off ({reason}){moved}",
                                    entry.row.level,
                                    DayMonthYear(due.last_day)
                                ),
                            ));
                        }
                        by_period.entry(entry.period).or_default().push((
                            entry.row.level,
                            due.due_on,
                            entry.row.id,
                        ));
                    }
                }
            }
            if regime.frequency == ReportingPeriodKind::AdHoc {
                continue;
            }
            for (period, dues) in by_period {
                for &(level, due_on, id) in &dues {
                    let parent = dues
                        .iter()
                        .filter(|(l, _, _)| *l == level + 1)
                        .map(|(_, d, _)| *d)
                        .min();
                    if let Some(parent_due) = parent
                        && due_on > parent_due
                    {
                        out.push(Warning {
                            code: WarningCode::AfterParentLevel,
                            message: format!(
                                "{period}: level {level} is due {} but level {} reports on {}",
                                DayMonthYear(due_on),
                                level + 1,
                                DayMonthYear(parent_due)
                            ),
                            regime_id: regime.id,
                            deadline_id: id,
                            level,
                            period: Some(period),
                        });
                    }
                }
            }
        }
    }
    out
}

/// The calendar span a plan's warnings need.
pub fn calendar_span(plan: &plan::Model) -> Option<(NaiveDate, NaiveDate)> {
    let years = plan_years(plan);
    let (first, last) = (years.first()?, years.last()?);
    Some((
        NaiveDate::from_ymd_opt(first - 1, 1, 1)?,
        NaiveDate::from_ymd_opt(last + 1, 12, 31)?,
    ))
}

/// The most deadlines a regime holds, and the deepest level of a cascade.
pub const MAX_DEADLINES: usize = 50;
pub const MAX_LEVEL: i32 = 5;

/// A regime as its author sends it (`createReportingRegime`).
#[derive(Debug, Clone)]
pub struct NewRegime {
    pub plan_id: PlanId,
    pub name: String,
    pub frequency: ReportingPeriodKind,
    pub periods: Option<Vec<String>>,
    pub cut_off: CutOffRule,
    pub allows_nil: bool,
    pub content_outline: Option<String>,
    pub deadlines: Vec<NewDeadline>,
}

/// One deadline of a new regime.
#[derive(Debug, Clone)]
pub struct NewDeadline {
    pub level: i32,
    pub periods: Option<Vec<String>>,
    pub text: String,
    pub reporter_unit_id: Option<UnitId>,
    pub reporter_group_id: Option<GroupId>,
    pub recipient_unit_id: Option<UnitId>,
    pub via_unit_id: Option<UnitId>,
    /// The rule, or why the input could not be read as one.
    pub rule: Result<DeadlineRule, String>,
}

/// Adds a regime to a plan (its issuer's managers).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &crate::access::Actor,
    input: NewRegime,
) -> DomainResult<crate::kernel::mutation::Change> {
    use crate::kernel::checks::Checks;
    use crate::kernel::error::{FieldError, FieldErrorCode as Code};
    use sea_orm::{ActiveModelTrait, IntoActiveModel, PaginatorTrait};

    let plan = crate::planning::plan::edit::managed(db, actor, input.plan_id).await?;
    let mut checks = Checks(Vec::new());
    let name = checks.text("name", &input.name, 500, true);
    let outline = checks.optional_text("contentOutline", input.content_outline.as_deref(), 20_000);
    let ad_hoc = input.frequency == ReportingPeriodKind::AdHoc;
    let valid_keys = |keys: &[String]| keys.iter().all(|k| period_of(k, 2024).is_some());
    if let Some(keys) = &input.periods {
        if ad_hoc && !keys.is_empty() {
            checks.fail(
                "periods",
                Code::Invalid,
                "an ad-hoc regime reports by request, not by period",
            );
        } else if keys.is_empty() || keys.len() > 20 || !valid_keys(keys) {
            checks.fail(
                "periods",
                Code::Invalid,
                "give 1 to 20 periods of the year: Q1–Q4, H1, H2, 9M, M01–M12, Y",
            );
        }
    }
    let regime_keys: Vec<String> = input
        .periods
        .clone()
        .unwrap_or_else(|| default_keys(input.frequency));
    if input.deadlines.is_empty() || input.deadlines.len() > MAX_DEADLINES {
        checks.fail(
            "deadlines",
            Code::Invalid,
            format!("give between 1 and {MAX_DEADLINES} deadlines"),
        );
    }
    let at = |i: usize, field: &str| vec!["deadlines".to_owned(), i.to_string(), field.to_owned()];
    let mut nested = Vec::new();
    let mut rows = Vec::new();
    let now = chrono::Utc::now();
    let regime_id = Uuid::now_v7();
    for (i, d) in input.deadlines.iter().enumerate() {
        let mut fail = |field: &str, code: Code, message: String| {
            nested.push(FieldError {
                field: at(i, field),
                code,
                message,
            });
        };
        if !(1..=MAX_LEVEL).contains(&d.level) {
            fail(
                "level",
                Code::OutOfRange,
                format!("a level is 1 to {MAX_LEVEL}"),
            );
        }
        if let Some(keys) = &d.periods
            && (keys.is_empty() || !keys.iter().all(|k| regime_keys.contains(k)))
        {
            fail(
                "periods",
                Code::Invalid,
                format!(
                    "the periods must be some of the regime's: {}",
                    regime_keys.join(", ")
                ),
            );
        }
        let text = crate::kernel::text::clean(&d.text);
        if text.is_empty() || text.chars().count() > 2000 {
            fail(
                "text",
                Code::Invalid,
                "the deadline as the document writes it: 1 to 2000 characters".into(),
            );
        }
        if d.reporter_unit_id.is_some() == d.reporter_group_id.is_some() {
            fail(
                "reporterUnitId",
                Code::Invalid,
                "give the reporting unit or the reporting group (one)".into(),
            );
        }
        for (field, unit) in [
            ("reporterUnitId", d.reporter_unit_id),
            ("recipientId", d.recipient_unit_id),
            ("viaId", d.via_unit_id),
        ] {
            if let Some(unit) = unit
                && entity::unit::Entity::find_by_id(unit)
                    .one(db)
                    .await?
                    .is_none()
            {
                fail(field, Code::NotFound, "no such unit".into());
            }
        }
        if let Some(group) = d.reporter_group_id
            && entity::unit_group::Entity::find_by_id(group)
                .one(db)
                .await?
                .is_none()
        {
            fail(
                "reporterGroupId",
                Code::NotFound,
                "no such unit group".into(),
            );
        }
        let rule = match &d.rule {
            Ok(rule) => match rule.check() {
                Ok(()) => Some(rule.clone()),
                Err(e) => {
                    fail("rule", Code::Invalid, e.to_string());
                    None
                }
            },
            Err(message) => {
                fail("rule", Code::Invalid, message.clone());
                None
            }
        };
        let kind = d
            .periods
            .as_ref()
            .and_then(|k| k.first())
            .and_then(|k| period_of(k, 2024))
            .map_or(input.frequency, |p| p.kind());
        if let Some(rule) = rule {
            rows.push(reporting_deadline::Model {
                id: Uuid::now_v7(),
                plan_id: plan.id,
                period: kind,
                text,
                reporter_unit_id: d.reporter_unit_id.map(Uuid::from),
                reporter_group_id: d.reporter_group_id.map(Uuid::from),
                recipient_unit_id: d.recipient_unit_id.map(Uuid::from),
                via_unit_id: d.via_unit_id.map(Uuid::from),
                rule: rule.to_json(),
                position: 0,
                regime_id: Some(regime_id),
                level: d.level,
                period_keys: d.periods.as_ref().map(|k| serde_json::json!(k)),
            });
        }
    }
    checks.0.extend(nested);
    checks.finish()?;
    let position = reporting_regime::Entity::find()
        .filter(reporting_regime::Column::PlanId.eq(plan.id))
        .count(db)
        .await? as i32;
    let first_row = reporting_deadline::Entity::find()
        .filter(reporting_deadline::Column::PlanId.eq(plan.id))
        .count(db)
        .await? as i32;
    let regime = reporting_regime::Model {
        id: regime_id,
        plan_id: Some(plan.id),
        name,
        frequency: input.frequency,
        period_keys: input.periods.map(|k| serde_json::json!(k)),
        cut_off: input.cut_off,
        allows_nil: input.allows_nil,
        content_outline: outline,
        note: None,
        position,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    regime
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    for (n, mut row) in rows.into_iter().enumerate() {
        row.position = first_row + n as i32;
        row.into_active_model().reset_all().insert(db).await?;
    }
    Ok(crate::kernel::mutation::Change {
        action: crate::kernel::audit_action::AuditAction::RegimeCreate,
        object_type: crate::kernel::audit_action::ObjectType::ReportingRegime,
        object_id: regime_id,
        scope_unit_id: Some(plan.issuer_id),
        before: None,
        after: Some(serde_json::to_value(&regime).unwrap_or_default()),
    })
}
