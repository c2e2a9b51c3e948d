//! Indicator values for the provincial reporting system (Hệ thống thông tin báo cáo): the values
//! units reported for targets and their breakdown rows, per period, in the form the reporting
//! system takes (indicator code, unit electronic id, period code, value, unit of measure,
//! estimate flag). Only issued plans' values go out, and never a confidential plan's, whoever
//! asks; values of units without an electronic id cannot be addressed there and are left out.

use chrono::{DateTime, FixedOffset, Utc};
use entity::enums::{PlanStatus, TargetMeasure};
use entity::{plan, target, target_breakdown_row, target_value, unit};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};
use uuid::Uuid;

use crate::kernel::error::{DomainError, DomainResult};
use crate::kernel::page::{Page, Window};
use crate::kernel::period::PeriodCode;

/// The ordering cursors of indicator value lists name.
pub const ORDERING: &str = "indicatorValues";

/// One value as the reporting system takes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorValue {
    /// `<plan number>#<target code>`, and `.<row code>` for a breakdown row (e.g.
    /// `125/KH-UBND#CT3.R2`); the plan's id stands in for a number it does not have.
    pub indicator_code: String,
    /// The target's statement (and the row's label).
    pub indicator_name: String,
    /// Mã định danh điện tử of the reporting unit.
    pub unit_electronic_id: String,
    /// `YYYY`, `YYYYQn`, `YYYYHn` or `YYYYMM`.
    pub period_code: String,
    pub value: f64,
    /// The target's unit (`%`, `giường`, …), when it has one.
    pub unit_of_measure: Option<String>,
    /// Ước tính: the value is an estimate, to be replaced by the final figure.
    pub is_estimate: bool,
    /// When it was reported, in Vietnamese time (+07:00).
    pub reported_at: DateTime<FixedOffset>,
}

/// Which values to list.
#[derive(Debug, Clone)]
pub struct IndicatorFilter {
    pub period: PeriodCode,
    /// Only this unit's values.
    pub unit_id: Option<Uuid>,
    /// Only the values of the unit with this electronic id.
    pub unit_code: Option<String>,
    /// Only this plan's targets.
    pub plan_id: Option<Uuid>,
}

impl IndicatorFilter {
    /// Refuses a period the reporting system has no code for (nine months, ad hoc).
    pub fn new(
        period: PeriodCode,
        unit_id: Option<Uuid>,
        plan_id: Option<Uuid>,
    ) -> DomainResult<Self> {
        match period {
            PeriodCode::Year(_)
            | PeriodCode::HalfYear(..)
            | PeriodCode::Quarter(..)
            | PeriodCode::Month(..) => Ok(Self {
                period,
                unit_id,
                unit_code: None,
                plan_id,
            }),
            _ => Err(DomainError::invalid(format!(
                "{period} has no code in the reporting system: ask for a year (YYYY), half (YYYYHn), quarter (YYYYQn) or month (YYYYMM)"
            ))),
        }
    }
}

fn rows(filter: &IndicatorFilter) -> SelectStatement {
    let tv = target_value::Entity;
    let mut select = Query::select();
    select
        .from(tv)
        .inner_join(
            target::Entity,
            Expr::col((target::Entity, target::Column::Id))
                .equals((tv, target_value::Column::TargetId)),
        )
        .inner_join(
            plan::Entity,
            Expr::col((plan::Entity, plan::Column::Id))
                .equals((target::Entity, target::Column::PlanId)),
        )
        .inner_join(
            unit::Entity,
            Expr::col((unit::Entity, unit::Column::Id)).equals((tv, target_value::Column::UnitId)),
        )
        .left_join(
            target_breakdown_row::Entity,
            Expr::col((
                target_breakdown_row::Entity,
                target_breakdown_row::Column::Id,
            ))
            .equals((tv, target_value::Column::BreakdownRowId)),
        )
        .and_where(Expr::col((tv, target_value::Column::PeriodCode)).eq(filter.period.to_string()))
        .and_where(Expr::col((plan::Entity, plan::Column::Status)).ne(PlanStatus::Draft))
        .and_where(Expr::col((plan::Entity, plan::Column::Confidential)).eq(false))
        .and_where(Expr::col((unit::Entity, unit::Column::Code)).is_not_null());
    if let Some(unit_id) = filter.unit_id {
        select.and_where(Expr::col((tv, target_value::Column::UnitId)).eq(unit_id));
    }
    if let Some(code) = &filter.unit_code {
        select.and_where(Expr::col((unit::Entity, unit::Column::Code)).eq(code.as_str()));
    }
    if let Some(plan_id) = filter.plan_id {
        select.and_where(Expr::col((target::Entity, target::Column::PlanId)).eq(plan_id));
    }
    select
}

fn decode(row: &QueryResult) -> DomainResult<IndicatorValue> {
    let plan_id: Uuid = row.try_get("", "plan_id")?;
    let number: Option<String> = row.try_get("", "document_number")?;
    let target_code: String = row.try_get("", "target_code")?;
    let statement: String = row.try_get("", "statement")?;
    let row_code: Option<String> = row.try_get("", "row_code")?;
    let row_label: Option<String> = row.try_get("", "row_label")?;
    let measure: String = row.try_get("", "measure")?;
    let unit_text: Option<String> = row.try_get("", "unit_text")?;
    let mut indicator_code = format!(
        "{}#{target_code}",
        number.unwrap_or_else(|| plan_id.to_string())
    );
    let mut indicator_name = statement;
    if let (Some(code), Some(label)) = (row_code, row_label) {
        indicator_code.push('.');
        indicator_code.push_str(&code);
        indicator_name = format!("{indicator_name} — {label}");
    }
    let percent = sea_orm::ActiveEnum::to_value(&TargetMeasure::Percent);
    Ok(IndicatorValue {
        indicator_code,
        indicator_name,
        unit_electronic_id: row.try_get("", "unit_code")?,
        period_code: row.try_get("", "period_code")?,
        value: row.try_get("", "value")?,
        unit_of_measure: unit_text.or_else(|| (measure == percent).then(|| "%".to_owned())),
        is_estimate: row.try_get("", "is_estimate")?,
        reported_at: crate::kernel::time::local_time(
            row.try_get::<DateTime<Utc>>("", "reported_at")?,
        ),
    })
}

/// A page of values (ordered by when they were recorded: a page's rows stay put as new values
/// arrive after it), with the total when asked.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &IndicatorFilter,
    window: Window,
    want_total: bool,
) -> DomainResult<Page<IndicatorValue>> {
    let tv = target_value::Entity;
    let mut select = rows(filter);
    select
        .expr_as(
            Expr::col((plan::Entity, plan::Column::Id)),
            Alias::new("plan_id"),
        )
        .expr_as(
            Expr::col((plan::Entity, plan::Column::DocumentNumber)),
            Alias::new("document_number"),
        )
        .expr_as(
            Expr::col((target::Entity, target::Column::Code)),
            Alias::new("target_code"),
        )
        .expr_as(
            Expr::col((target::Entity, target::Column::Statement)),
            Alias::new("statement"),
        )
        .expr_as(
            Expr::col((target::Entity, target::Column::Measure)),
            Alias::new("measure"),
        )
        .expr_as(
            Expr::col((target::Entity, target::Column::UnitText)),
            Alias::new("unit_text"),
        )
        .expr_as(
            Expr::col((
                target_breakdown_row::Entity,
                target_breakdown_row::Column::Code,
            )),
            Alias::new("row_code"),
        )
        .expr_as(
            Expr::col((
                target_breakdown_row::Entity,
                target_breakdown_row::Column::Label,
            )),
            Alias::new("row_label"),
        )
        .expr_as(
            Expr::col((unit::Entity, unit::Column::Code)),
            Alias::new("unit_code"),
        )
        .expr_as(
            Expr::col((tv, target_value::Column::PeriodCode)),
            Alias::new("period_code"),
        )
        .expr_as(
            Expr::col((tv, target_value::Column::Value)),
            Alias::new("value"),
        )
        .expr_as(
            Expr::col((tv, target_value::Column::IsEstimate)),
            Alias::new("is_estimate"),
        )
        .expr_as(
            Expr::col((tv, target_value::Column::ReportedAt)),
            Alias::new("reported_at"),
        )
        .order_by((tv, target_value::Column::Id), Order::Asc)
        .limit(window.limit + 1)
        .offset(window.offset);
    let found = db.query_all(&select).await?;
    let values = found.iter().map(decode).collect::<DomainResult<Vec<_>>>()?;
    let total = if want_total {
        let mut count = rows(filter);
        count.expr_as(
            Func::count(Expr::col((tv, target_value::Column::Id))),
            Alias::new("n"),
        );
        let n: i64 = match db.query_one(&count).await? {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        Some(u64::try_from(n).unwrap_or_default())
    } else {
        None
    };
    Ok(Page::from_rows(values, window, total, ORDERING))
}
