//! Ad-hoc report requests (yêu cầu báo cáo đột xuất, "theo yêu cầu của cấp có thẩm quyền"): a
//! regime that reports on request has no periods of its own; each request an authority sends
//! is one, numbered in its year (`2023D01`, `2023D02`…), with the deadline and the units the
//! letter names. Submissions name the request's period and are late against its deadline.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, Utc};
use entity::enums::ReportingPeriodKind;
use entity::{report_request, reporting_deadline, reporting_regime};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::deadline::{DeadlineKind, DeadlineRule};
use super::regime::{deadlines_of_regimes, reporters_of};
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{RegimeId, UnitId};
use crate::kernel::mutation::Change;
use crate::kernel::period::PeriodCode;
use crate::kernel::time::DayMonthYear;
use crate::kernel::time::today;
use crate::kernel::values::DocumentNumber;

/// The longest subject.
pub const MAX_SUBJECT: usize = 2_000;
/// The most units one request names.
pub const MAX_UNITS: usize = 200;
/// The most requests of one regime in a year (the period code has two digits).
pub const MAX_PER_YEAR: i32 = 99;
/// The furthest a deadline may be from the day of the request.
pub const MAX_DAYS: i64 = 366;

/// A request as the asking authority sends it (`requestAdHocReport`).
#[derive(Debug, Clone)]
pub struct RequestInput {
    pub regime_id: RegimeId,
    pub subject: String,
    pub document_number: Option<String>,
    /// The letter's date; today when absent.
    pub requested_on: Option<NaiveDate>,
    pub due_on: NaiveDate,
    pub data_from: Option<NaiveDate>,
    pub data_to: Option<NaiveDate>,
    /// The units asked; every reporting unit of the regime when absent.
    pub unit_ids: Option<Vec<UnitId>>,
}

/// Whether a regime reports on request: ad hoc, and no deadline of its own carries a date
/// (a one-off regime, "trước ngày 31/12/2021", keeps its own date and takes no requests).
pub fn on_request(regime: &reporting_regime::Model, rows: &[reporting_deadline::Model]) -> bool {
    regime.frequency == ReportingPeriodKind::AdHoc
        && rows.iter().all(|row| {
            DeadlineRule::from_json(&row.rule).is_ok_and(|rule| {
                matches!(
                    rule.kind,
                    DeadlineKind::OnRequest | DeadlineKind::Unspecified
                )
            })
        })
}

/// The units a request asks, of the regime's reporters on the request's day.
pub fn asked(request: &report_request::Model) -> Option<Vec<Uuid>> {
    request.unit_ids.as_ref().and_then(|v| {
        v.as_array().map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().and_then(|s| s.parse().ok()))
                .collect()
        })
    })
}

/// Whether `unit` is asked by `request`.
pub fn asks(request: &report_request::Model, unit: Uuid) -> bool {
    asked(request).is_none_or(|units| units.contains(&unit))
}

/// The period a request opens.
pub fn period(request: &report_request::Model) -> PeriodCode {
    PeriodCode::AdHoc(request.year, request.number as u8)
}

/// Records a request: the next number of its year, checked against the regime.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: RequestInput,
) -> DomainResult<Change> {
    let regime = super::regime::named_in_input(db, input.regime_id.uuid()).await?;
    let rows = deadlines_of_regimes(db, &[regime.id])
        .await?
        .remove(&regime.id)
        .unwrap_or_default();
    authorize(db, actor, &regime, &rows).await?;
    if !on_request(&regime, &rows) {
        return Err(rejected(
            "regimeId",
            Code::Invalid,
            if regime.frequency == ReportingPeriodKind::AdHoc {
                "this regime's reports have dates of their own: a request goes to a regime that reports on request (theo yêu cầu)"
            } else {
                "this regime reports by period: a request goes to an ad-hoc regime that reports on request (theo yêu cầu)"
            },
        ));
    }
    let mut checks = Checks(Vec::new());
    let subject = checks.text("subject", &input.subject, MAX_SUBJECT, true);
    let document_number = checks
        .optional_document_number("documentNumber", input.document_number.as_deref())
        .map(DocumentNumber::into_string);
    let requested_on = input.requested_on.unwrap_or_else(today);
    if requested_on > today() {
        checks.fail(
            "requestedOn",
            Code::OutOfRange,
            "a request is recorded once it is made: requestedOn is not after today",
        );
    }
    if input.due_on < requested_on {
        checks.fail(
            "dueOn",
            Code::DateOrder,
            format!(
                "the deadline is on or after the request ({})",
                DayMonthYear(requested_on)
            ),
        );
    } else if (input.due_on - requested_on).num_days() > MAX_DAYS {
        checks.fail(
            "dueOn",
            Code::OutOfRange,
            format!("the deadline is at most {MAX_DAYS} days after the request"),
        );
    }
    match (input.data_from, input.data_to) {
        (Some(from), Some(to)) if from > to => checks.fail(
            "dataTo",
            Code::DateOrder,
            "the data window ends on or after it begins",
        ),
        (_, Some(to)) if to > input.due_on => checks.fail(
            "dataTo",
            Code::DateOrder,
            "the data window ends by the deadline",
        ),
        _ => {}
    }
    let unit_ids = match &input.unit_ids {
        None => None,
        Some(units) if units.is_empty() || units.len() > MAX_UNITS => {
            checks.fail(
                "unitIds",
                Code::OutOfRange,
                format!("name 1 to {MAX_UNITS} units, or none to ask every reporting unit"),
            );
            None
        }
        Some(units) => {
            let reporters: HashSet<Uuid> =
                reporters_of(db, &rows.iter().collect::<Vec<_>>(), requested_on)
                    .await?
                    .into_values()
                    .flatten()
                    .collect();
            let mut seen = HashSet::new();
            let mut kept = Vec::new();
            for unit in units.iter().map(|u| u.uuid()) {
                if !reporters.contains(&unit) {
                    checks.fail(
                        "unitIds",
                        Code::Invalid,
                        format!("{} does not report under this regime", short(unit)),
                    );
                } else if seen.insert(unit) {
                    kept.push(unit);
                }
            }
            Some(kept)
        }
    };
    checks.finish()?;
    let year = requested_on.year();
    let last: Option<i32> = report_request::Entity::find()
        .select_only()
        .column_as(report_request::Column::Number.max(), "last")
        .filter(report_request::Column::RegimeId.eq(regime.id))
        .filter(report_request::Column::Year.eq(year))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let number = last.unwrap_or(0) + 1;
    if number > MAX_PER_YEAR {
        return Err(rejected(
            "regimeId",
            Code::OutOfRange,
            format!("this regime has had {MAX_PER_YEAR} requests in {year}, the most a year holds"),
        ));
    }
    let stored = report_request::Model {
        id: Uuid::now_v7(),
        regime_id: regime.id,
        year,
        number,
        subject,
        document_number,
        requested_on,
        due_on: input.due_on,
        data_from: input.data_from,
        data_to: input.data_to,
        unit_ids: unit_ids.map(|ids| serde_json::json!(ids)),
        requested_by: Some(actor.principal.subject.clone()),
        created_at: Utc::now(),
    };
    // Two requests numbered at once: the unique (regime, year, number) refuses the second.
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await
        .map_err(|e| match DomainError::from(e) {
            DomainError::Conflict(_) => DomainError::Conflict(
                "another request of this regime was numbered at the same moment: send it again"
                    .into(),
            ),
            other => other,
        })?;
    let scope = match regime.plan_id {
        Some(plan) => super::plan_issuer(db, plan).await?,
        None => None,
    };
    Ok(Change {
        action: AuditAction::ReportRequest,
        object_type: ObjectType::ReportRequest,
        object_id: stored.id,
        scope_unit_id: scope,
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

/// The authority that asks: whoever reviews the regime's reports (a row's recipient, or the
/// plan's issuer where no row names one).
async fn authorize(
    db: &impl ConnectionTrait,
    actor: &Actor,
    regime: &reporting_regime::Model,
    rows: &[reporting_deadline::Model],
) -> DomainResult<()> {
    let mut receivers: Vec<Uuid> = rows.iter().filter_map(|r| r.recipient_unit_id).collect();
    if receivers.is_empty()
        && let Some(plan) = regime.plan_id
        && let Some(issuer) = super::plan_issuer(db, plan).await?
    {
        receivers.push(issuer);
    }
    receivers.dedup();
    let mut refusal = None;
    for receiver in receivers {
        match actor
            .authorize(db, Action::ReviewReports, Resource::Unit(receiver))
            .await
        {
            Ok(()) => return Ok(()),
            Err(e) => refusal = Some(e),
        }
    }
    match refusal {
        Some(e) => Err(e),
        None => {
            actor
                .authorize(db, Action::ReviewReports, Resource::Province)
                .await
        }
    }
}

fn short(id: Uuid) -> String {
    format!("unit {}", &id.simple().to_string()[..8])
}

/// The request of `regime` that opened `period`, if any.
pub async fn of_period(
    db: &impl ConnectionTrait,
    regime: Uuid,
    period: PeriodCode,
) -> DomainResult<Option<report_request::Model>> {
    let PeriodCode::AdHoc(year, number) = period else {
        return Ok(None);
    };
    Ok(report_request::Entity::find()
        .filter(report_request::Column::RegimeId.eq(regime))
        .filter(report_request::Column::Year.eq(year))
        .filter(report_request::Column::Number.eq(i32::from(number)))
        .one(db)
        .await?)
}

/// Requests by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, report_request::Model>> {
    crate::kernel::query::by_ids::<report_request::Entity>(db, ids).await
}

/// Regimes' requests, newest first (one statement).
pub async fn of_regimes(
    db: &impl ConnectionTrait,
    regimes: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<report_request::Model>>> {
    let mut result: HashMap<Uuid, Vec<report_request::Model>> = HashMap::new();
    if regimes.is_empty() {
        return Ok(result);
    }
    let rows = report_request::Entity::find()
        .filter(report_request::Column::RegimeId.is_in(regimes.iter().copied()))
        .order_by_desc(report_request::Column::Year)
        .order_by_desc(report_request::Column::Number)
        .all(db)
        .await?;
    for row in rows {
        result.entry(row.regime_id).or_default().push(row);
    }
    Ok(result)
}

/// The requests of these regimes due between `from` and `to` (reminders).
pub async fn due_between(
    db: &impl ConnectionTrait,
    regimes: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> DomainResult<Vec<report_request::Model>> {
    if regimes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(report_request::Entity::find()
        .filter(report_request::Column::RegimeId.is_in(regimes.iter().copied()))
        .filter(report_request::Column::DueOn.between(from, to))
        .order_by_asc(report_request::Column::DueOn)
        .all(db)
        .await?)
}
