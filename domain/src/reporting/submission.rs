//! Report submissions (báo cáo): one per regime, period, level and reporting unit. The
//! reporting unit drafts and submits; the receiving unit accepts or returns it with a reason;
//! a returned report is fixed and submitted again. Lateness is judged once, at the first
//! submission, against the deadline of that day (end of day in Việt Nam), and kept through
//! returns and resubmissions (what performance reviews use).

use chrono::{DateTime, Utc};
use entity::enums::{ReportingPeriodKind, SubmissionStatus};
use entity::{plan, report_submission, reporting_deadline, reporting_regime, unit, unit_group};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use super::calendar::WorkCalendar;
use super::deadline::{DeadlineRule, end_of_day, period_key};
use super::regime::{period_keys, row_keys};
use crate::access::policy::{Action, Resource};
use crate::access::{Actor, PlanVisibility};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{RegimeId, SubmissionId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::page::{Page, PageArgs};
use crate::kernel::period::PeriodCode;
use crate::kernel::query::{FilterIf, fetch_page};
use crate::kernel::time::DayMonthYear;
use crate::kernel::time::{local_date, today};
use crate::kernel::versioned;
use crate::org::group;
use crate::org::unit::is_active_at;

/// The longest report text.
pub const MAX_CONTENT: usize = 100_000;
/// The longest reason for returning a report.
pub const MAX_REASON: usize = 2_000;

crate::versioned!(report_submission, "report");

/// A report as the reporting unit sends it (`submitReport`).
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub regime_id: RegimeId,
    pub period: PeriodCode,
    pub unit_id: UnitId,
    /// The level of the cascade; the unit's lowest level under the regime when absent.
    pub level: Option<i32>,
    pub content: Option<String>,
    /// A nil report (không phát sinh).
    pub nil: bool,
    /// Keep it as a draft instead of submitting it.
    pub draft: bool,
}

/// The rows of `regime` under which `unit` reports for `period`, lowest level first.
async fn reporting_rows(
    db: &impl ConnectionTrait,
    regime: &reporting_regime::Model,
    period: PeriodCode,
    unit: &unit::Model,
) -> DomainResult<Vec<reporting_deadline::Model>> {
    let key = period_key(period);
    let rows = super::regime::deadlines_of_regimes(db, &[regime.id])
        .await?
        .remove(&regime.id)
        .unwrap_or_default();
    let on = today();
    let mut mine = Vec::new();
    for row in rows {
        let covers =
            regime.frequency == ReportingPeriodKind::AdHoc || row_keys(&row).contains(&key);
        if !covers {
            continue;
        }
        let reports = match (row.reporter_unit_id, row.reporter_group_id) {
            (Some(reporter), _) => reporter == unit.id,
            (None, Some(group_id)) => match unit_group::Entity::find_by_id(group_id).one(db).await?
            {
                Some(g) => group::members(db, &g, on)
                    .await?
                    .iter()
                    .any(|m| m.id == unit.id),
                None => false,
            },
            (None, None) => false,
        };
        if reports {
            mine.push(row);
        }
    }
    Ok(mine)
}

/// Saves a report as a draft, or submits it (first time, or again after it was returned).
pub async fn submit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: ReportInput,
) -> DomainResult<Change> {
    actor
        .authorize(
            db,
            Action::SubmitReports,
            Resource::Unit(input.unit_id.uuid()),
        )
        .await?;
    let regime = super::regime::named_in_input(db, input.regime_id.uuid()).await?;
    let Some(unit) = unit::Entity::find_by_id(input.unit_id).one(db).await? else {
        return Err(rejected("unitId", Code::NotFound, "no such unit"));
    };
    let mut checks = Checks(Vec::new());
    if !is_active_at(&unit, today()) {
        checks.fail(
            "unitId",
            Code::UnitClosed,
            format!("{} is closed", unit.name),
        );
    }
    let period = input.period;
    let ad_hoc = regime.frequency == ReportingPeriodKind::AdHoc;
    if ad_hoc != (period.kind() == ReportingPeriodKind::AdHoc)
        || (!ad_hoc && !period_keys(&regime).contains(&period_key(period)))
    {
        checks.fail(
            "period",
            Code::Invalid,
            format!(
                "{period} is not a period this regime reports (it reports {})",
                if ad_hoc {
                    "ad-hoc periods, YYYYDnn".to_owned()
                } else {
                    period_keys(&regime).join(", ")
                }
            ),
        );
    }
    // A regime that reports on request reports the periods its requests opened, to the units
    // they ask, by the day they set.
    let mut request = None;
    if ad_hoc && period.kind() == ReportingPeriodKind::AdHoc {
        let rows = super::regime::deadlines_of_regimes(db, &[regime.id])
            .await?
            .remove(&regime.id)
            .unwrap_or_default();
        if super::request::on_request(&regime, &rows) {
            match super::request::of_period(db, regime.id, period).await? {
                Some(asked) if !super::request::asks(&asked, unit.id) => checks.fail(
                    "unitId",
                    Code::Invalid,
                    format!(
                        "the request {period} does not ask {} for a report",
                        unit.name
                    ),
                ),
                Some(asked) => request = Some(asked),
                None => checks.fail(
                    "period",
                    Code::NotFound,
                    format!("no request of this regime opened {period}: it reports on request"),
                ),
            }
        }
    }
    if input.nil && !regime.allows_nil {
        checks.fail(
            "nil",
            Code::Invalid,
            "this regime does not accept nil reports",
        );
    }
    let content = checks.optional_text("content", input.content.as_deref(), MAX_CONTENT);
    if content.is_none() && !input.nil && !input.draft {
        checks.fail(
            "content",
            Code::Required,
            "a report needs its content (or `nil: true` where the regime allows it)",
        );
    }
    // A period opens when its data window does; before that there is nothing to report.
    if let Some((opens, _)) = period.data_window(regime.cut_off)
        && today() < opens
    {
        checks.fail(
            "period",
            Code::InvalidState,
            format!("{period} opens on {}", DayMonthYear(opens)),
        );
    }
    checks.finish()?;
    let rows = reporting_rows(db, &regime, period, &unit).await?;
    let row = match input.level {
        Some(level) => rows.into_iter().find(|r| r.level == level),
        None => rows.into_iter().next(),
    };
    let Some(row) = row else {
        return Err(rejected(
            "unitId",
            Code::Invalid,
            format!(
                "{} does not report under this regime for {period}{}",
                unit.name,
                input
                    .level
                    .map(|l| format!(" at level {l}"))
                    .unwrap_or_default()
            ),
        ));
    };
    let existing = report_submission::Entity::find()
        .filter(report_submission::Column::RegimeId.eq(regime.id))
        .filter(report_submission::Column::PeriodCode.eq(period.to_string()))
        .filter(report_submission::Column::Level.eq(row.level))
        .filter(report_submission::Column::ReportingUnitId.eq(unit.id))
        .one(db)
        .await?;
    if let Some(current) = &existing
        && matches!(
            current.status,
            SubmissionStatus::Submitted | SubmissionStatus::Accepted
        )
    {
        return Err(rejected(
            "period",
            Code::InvalidState,
            format!(
                "the report for {period} is already {}: only a returned report is sent again",
                status_word(current.status)
            ),
        ));
    }
    let now = Utc::now();
    let due_on = if input.draft {
        existing.as_ref().and_then(|e| e.due_on)
    } else if let Some(request) = &request {
        Some(request.due_on)
    } else {
        due_on(db, &regime, &row, period).await?
    };
    let before = existing.clone();
    let mut next = existing.unwrap_or_else(|| report_submission::Model {
        id: Uuid::now_v7(),
        regime_id: regime.id,
        period_code: period.to_string(),
        level: row.level,
        reporting_unit_id: unit.id,
        receiving_unit_id: row.recipient_unit_id,
        status: SubmissionStatus::Draft,
        is_nil: false,
        content: None,
        due_on: None,
        first_submitted_at: None,
        submitted_at: None,
        is_late: None,
        days_late: None,
        return_reason: None,
        decided_at: None,
        decided_by: None,
        submitted_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
    });
    next.is_nil = input.nil;
    next.content = content;
    if !input.draft {
        next.status = SubmissionStatus::Submitted;
        next.submitted_at = Some(now);
        next.submitted_by = Some(actor.principal.subject.clone());
        if next.first_submitted_at.is_none() {
            next.first_submitted_at = Some(now);
            next.due_on = due_on;
            let (late, days) = lateness(now, due_on);
            next.is_late = late;
            next.days_late = days;
        }
    }
    let saved = match &before {
        Some(current) => versioned::save(db, next, current.version).await?,
        None => {
            next.clone()
                .into_active_model()
                .reset_all()
                .insert(db)
                .await?;
            next
        }
    };
    Ok(Change {
        action: if input.draft {
            AuditAction::ReportDraft
        } else {
            AuditAction::ReportSubmit
        },
        object_type: ObjectType::ReportSubmission,
        object_id: saved.id,
        scope_unit_id: Some(saved.reporting_unit_id),
        before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
        after: Some(serde_json::to_value(&saved).unwrap_or_default()),
    })
}

/// Whether a submission at `at` is late for `due_on`, and by how many days (Vietnamese
/// calendar days after the due day).
pub fn lateness(
    at: DateTime<Utc>,
    due_on: Option<chrono::NaiveDate>,
) -> (Option<bool>, Option<i32>) {
    match due_on {
        Some(due) => {
            let late = at >= end_of_day(due);
            let days = (local_date(at) - due).num_days().max(0);
            (Some(late), Some(if late { days as i32 } else { 0 }))
        }
        None => (None, None),
    }
}

/// The day a row's rule gives for `period` (the plan's issue date for relative rules).
async fn due_on(
    db: &impl ConnectionTrait,
    regime: &reporting_regime::Model,
    row: &reporting_deadline::Model,
    period: PeriodCode,
) -> DomainResult<Option<chrono::NaiveDate>> {
    let Ok(rule) = DeadlineRule::from_json(&row.rule) else {
        return Ok(None);
    };
    let issued_on = match regime.plan_id {
        Some(id) => plan::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|p| p.issued_on),
        None => None,
    };
    let anchor = period
        .data_window(regime.cut_off)
        .map(|(from, _)| from)
        .or(issued_on)
        .unwrap_or_else(today);
    let calendar = WorkCalendar::load(
        db,
        anchor - chrono::Duration::days(400),
        anchor + chrono::Duration::days(800),
    )
    .await?;
    let period = (period.kind() != ReportingPeriodKind::AdHoc).then_some(period);
    Ok(rule
        .due(period, issued_on, &calendar)
        .ok()
        .flatten()
        .map(|d| d.due_on))
}

fn status_word(status: SubmissionStatus) -> &'static str {
    match status {
        SubmissionStatus::Draft => "a draft",
        SubmissionStatus::Submitted => "submitted",
        SubmissionStatus::Accepted => "accepted",
        SubmissionStatus::Returned => "returned",
    }
}

/// The receiving unit's decision on a submitted report.
#[derive(Debug, Clone)]
pub enum Decision {
    Accept,
    /// Return it with the reason.
    Return(String),
}

/// Accepts a submitted report or returns it with a reason (the receiving unit).
pub async fn decide(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: SubmissionId,
    version: i32,
    decision: Decision,
) -> DomainResult<Change> {
    let Some(current) = report_submission::Entity::find_by_id(id).one(db).await? else {
        return Err(rejected("id", Code::NotFound, "no such report"));
    };
    // The receiving unit decides; a regime with no stated recipient is the plan's issuer's.
    let receiver = match current.receiving_unit_id {
        Some(unit) => Some(unit),
        None => match reporting_regime::Entity::find_by_id(current.regime_id)
            .one(db)
            .await?
        {
            Some(reporting_regime::Model {
                plan_id: Some(plan),
                ..
            }) => plan::Entity::find_by_id(plan)
                .one(db)
                .await?
                .map(|p| p.issuer_id),
            _ => None,
        },
    };
    let resource = receiver.map_or(Resource::Province, Resource::Unit);
    actor.authorize(db, Action::ReviewReports, resource).await?;
    versioned::check_version(&current, version)?;
    if current.status != SubmissionStatus::Submitted {
        return Err(rejected(
            "id",
            Code::InvalidState,
            format!(
                "only a submitted report is accepted or returned; this one is {}",
                status_word(current.status)
            ),
        ));
    }
    let mut next = current.clone();
    let action = match decision {
        Decision::Accept => {
            next.status = SubmissionStatus::Accepted;
            next.return_reason = None;
            AuditAction::ReportAccept
        }
        Decision::Return(reason) => {
            let mut checks = Checks(Vec::new());
            let reason = checks.text("reason", &reason, MAX_REASON, true);
            checks.finish()?;
            next.status = SubmissionStatus::Returned;
            next.return_reason = Some(reason);
            AuditAction::ReportReturn
        }
    };
    next.decided_at = Some(Utc::now());
    next.decided_by = Some(actor.principal.subject.clone());
    let saved = versioned::save(db, next, version).await?;
    Ok(Change {
        action,
        object_type: ObjectType::ReportSubmission,
        object_id: id.uuid(),
        scope_unit_id: Some(saved.reporting_unit_id),
        before: Some(serde_json::to_value(&current).unwrap_or_default()),
        after: Some(serde_json::to_value(&saved).unwrap_or_default()),
    })
}

/// Submissions by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, report_submission::Model>> {
    crate::kernel::query::by_ids::<report_submission::Entity>(db, ids).await
}

/// What `submissions(…)` selects.
#[derive(Debug, Clone, Default)]
pub struct SubmissionFilter {
    pub regime_id: Option<Uuid>,
    pub period: Option<PeriodCode>,
    pub unit_id: Option<Uuid>,
    pub status: Option<SubmissionStatus>,
}

/// The submissions matching `filter`, newest period first, then by level and unit.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &SubmissionFilter,
    visibility: &PlanVisibility,
    args: &PageArgs,
    want_total: bool,
) -> DomainResult<Page<report_submission::Model>> {
    use sea_orm::QueryOrder;
    use sea_orm::sea_query::Query;
    // Reports of regimes whose plan the caller may read (drafts' regimes stay hidden).
    let visible = visibility
        .plan_id_condition(reporting_regime::Column::PlanId)
        .map(|readable| {
            let regimes = Query::select()
                .column(reporting_regime::Column::Id)
                .from(reporting_regime::Entity)
                .cond_where(
                    Condition::any()
                        .add(readable)
                        .add(reporting_regime::Column::PlanId.is_null()),
                )
                .take();
            Condition::all().add(report_submission::Column::RegimeId.in_subquery(regimes))
        });
    let select = report_submission::Entity::find()
        .filter_if(visible, |c| c)
        .filter_if(filter.regime_id, |id| {
            Condition::all().add(report_submission::Column::RegimeId.eq(id))
        })
        .filter_if(filter.period, |p| {
            Condition::all().add(report_submission::Column::PeriodCode.eq(p.to_string()))
        })
        .filter_if(filter.unit_id, |unit| {
            Condition::any()
                .add(report_submission::Column::ReportingUnitId.eq(unit))
                .add(report_submission::Column::ReceivingUnitId.eq(unit))
        })
        .filter_if(filter.status, |status| {
            Condition::all().add(report_submission::Column::Status.eq(status))
        })
        .order_by_desc(report_submission::Column::PeriodCode)
        .order_by_asc(report_submission::Column::Level)
        .order_by_asc(report_submission::Column::ReportingUnitId)
        .order_by_asc(report_submission::Column::Id);
    fetch_page(db, select, args, "submissions", want_total).await
}
