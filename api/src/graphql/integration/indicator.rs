//! `indicatorValues`: the values the provincial reporting system takes (the same as
//! `GET /exports/indicators.json`), a Relay page at a time.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, FixedOffset};

use crate::domain::integration::indicator::{self, IndicatorFilter, IndicatorValue as Value};
use crate::graphql::common::connection::wants_total;
use crate::graphql::common::context::db;
use crate::graphql::common::cursor;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::reporting::period::parse_period;

/// An indicator value as the provincial reporting system (Hệ thống thông tin báo cáo) takes it.
#[derive(Clone)]
pub struct IndicatorValue(pub Value);

#[Object]
impl IndicatorValue {
    /// `<plan number>#<target code>`, with `.<row code>` for a breakdown row
    /// (`125/KH-UBND#CT3.R2`); the plan's id stands in for a number it does not have.
    async fn indicator_code(&self) -> &str {
        &self.0.indicator_code
    }
    /// The target's statement (and the breakdown row's label).
    async fn indicator_name(&self) -> &str {
        &self.0.indicator_name
    }
    /// Mã định danh điện tử of the reporting unit.
    async fn unit_electronic_id(&self) -> &str {
        &self.0.unit_electronic_id
    }
    /// `YYYY`, `YYYYQn`, `YYYYHn` or `YYYYMM`.
    async fn period_code(&self) -> &str {
        &self.0.period_code
    }
    /// The value reported (for a change from a baseline, the change).
    async fn value(&self) -> f64 {
        self.0.value
    }
    /// The target's unit of measure (`%`, `giường`…), when it has one.
    async fn unit_of_measure(&self) -> Option<&str> {
        self.0.unit_of_measure.as_deref()
    }
    /// Ước tính: an estimate, to be replaced by the final figure.
    async fn is_estimate(&self) -> bool {
        self.0.is_estimate
    }
    /// When the unit reported it (Vietnamese time).
    async fn reported_at(&self) -> DateTime<FixedOffset> {
        self.0.reported_at
    }
}

crate::graphql::common::connection::connection!(
    IndicatorValueConnection,
    IndicatorValueEdge,
    IndicatorValue,
    "indicator value"
);
impl crate::graphql::common::plain::PlainFields for IndicatorValue {}

#[derive(Default)]
pub struct IndicatorQuery;

#[Object]
impl IndicatorQuery {
    /// Indicator values of a period for the provincial reporting system: what units reported for
    /// the targets (and breakdown rows) of issued plans, never of a confidential plan, whoever
    /// asks; values of units without an electronic id are left out. Oldest first.
    async fn indicator_values(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "`YYYY`, `YYYYQn`, `YYYYHn` or `YYYYMM` (e.g. `2025Q1`).")]
        period_code: String,
        #[graphql(desc = "Only this unit's values.")] unit_id: Option<ID>,
        #[graphql(desc = "Only this plan's targets.")] plan_id: Option<ID>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before.")] after: Option<String>,
    ) -> Result<IndicatorValueConnection> {
        let period = parse_period(&period_code)?;
        let unit_id = unit_id
            .map(|id| expect(&id, NodeType::Unit))
            .transpose()
            .into_gql()?;
        let plan_id = plan_id
            .map(|id| expect(&id, NodeType::Plan))
            .transpose()
            .into_gql()?;
        let filter = IndicatorFilter::new(period, unit_id, plan_id).into_gql()?;
        let window = cursor::forward(first, after.as_deref())
            .and_then(|args| args.window(indicator::ORDERING))
            .into_gql()?;
        let page = indicator::page(db(ctx)?, &filter, window, wants_total(ctx))
            .await
            .into_gql()?;
        Ok(IndicatorValueConnection::from_page(page, IndicatorValue))
    }
}
