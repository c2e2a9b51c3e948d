//! `Target` (chỉ tiêu) and its computed breakdown.

use crate::graphql::common::enums::stored;
use async_graphql::parser::types::Field;
use async_graphql::{
    Context, ContextSelectionSet, ID, InputObject, Object, Positioned, Result, SimpleObject, Value,
};
use entity::{target, target_breakdown_group, target_breakdown_row};

use crate::domain::kernel::error::DomainResult;
use crate::domain::planning::target::{self as targets, Values};
use crate::graphql::common::context::{cached, load, load_required};
use crate::graphql::common::enums::{AssignmentRole, ChangeDirection, Comparator, TargetMeasure};
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::plain::{self, Plain, PlainFields, PlainList};
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{
    AreaById, AttainmentOf, BreakdownOf, PlanById, TargetAssignments, UnitById,
};
use crate::graphql::org::unit::{Unit, cached_unit};
use crate::graphql::planning::plan::{Plan, PlanArea, cached_plan};
use crate::graphql::planning::task::{Assignment, assignments_in_place, lead_unit};

/// A target (chỉ tiêu) of a plan: "≥ 90 % citizen satisfaction", "1 200 beds by 2025".
#[derive(Clone)]
pub struct Target(pub target::Model);

#[Object]
impl Target {
    /// Where it comes from, when the demo data invented or annotated it (null: entered by a
    /// person through the API).
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::common::provenance::Provenance>> {
        crate::graphql::common::provenance::provenance(ctx, self.0.id).await
    }
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Target, self.0.id)
    }
    /// Its place in the document, e.g. "I.1.b.3".
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The target as the document states it, verbatim.
    async fn statement(&self) -> &str {
        &self.0.statement
    }
    async fn measure(&self) -> TargetMeasure {
        self.0.measure.into()
    }
    /// Unit of measure as written: "%", "giường", "giường/vạn dân".
    async fn measure_unit(&self) -> Option<&str> {
        self.0.unit_text.as_deref()
    }
    /// How the achieved value compares with `targetValue` ("trên" = GREATER_THAN, "từ … trở
    /// lên" / "tối thiểu" = AT_LEAST).
    async fn comparator(&self) -> Option<Comparator> {
        self.0.comparator.map(Into::into)
    }
    async fn target_value(&self) -> Option<f64> {
        self.0.target_value
    }
    async fn target_year(&self) -> Option<i32> {
        self.0.target_year
    }
    async fn baseline_value(&self) -> Option<f64> {
        self.0.baseline_value
    }
    async fn baseline_year(&self) -> Option<i32> {
        self.0.baseline_year
    }
    /// Set when `targetValue` is a change relative to the baseline year ("giảm 2,5% so với năm 2022").
    async fn change_direction(&self) -> Option<ChangeDirection> {
        self.0.change_direction.map(Into::into)
    }
    /// "Phấn đấu": an aspiration rather than a binding target.
    async fn aspirational(&self) -> bool {
        self.0.aspirational
    }
    /// Condition under which the target applies.
    async fn condition_text(&self) -> Option<&str> {
        self.0.condition_text.as_deref()
    }
    /// Optimistic-locking version.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn plan(&self, ctx: &Context<'_>) -> Result<Plain<Plan>> {
        Ok(Plain(Plan(
            load_required(ctx, PlanById(self.0.plan_id)).await?,
        )))
    }
    /// The section of the plan the target belongs to.
    async fn area(&self, ctx: &Context<'_>) -> Result<Option<PlanArea>> {
        match self.0.area_id {
            Some(id) => Ok(load(ctx, AreaById(id)).await?.map(PlanArea)),
            None => Ok(None),
        }
    }
    /// Lead, cooperating, implementing, monitoring and guiding units or groups.
    async fn assignments(&self, ctx: &Context<'_>) -> Result<PlainList<Assignment>> {
        let rows = load(ctx, TargetAssignments(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(PlainList(rows.into_iter().map(Assignment).collect()))
    }
    /// The lead unit (chủ trì); null when the lead is a group.
    async fn lead(&self, ctx: &Context<'_>) -> Result<Option<Plain<Unit>>> {
        let rows = load(ctx, TargetAssignments(self.0.id))
            .await?
            .unwrap_or_default();
        lead_unit(ctx, &rows).await
    }
    /// Its attainment for a period (`2023`, `2023Q1`, …) from the values reported for that period
    /// by the end of `asOf` (default: today, as values for a period are reported after it ends).
    async fn attainment(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_length = 16))] period: String,
        as_of: Option<Date>,
    ) -> Result<crate::graphql::reporting::attainment::TargetAttainment> {
        let period = crate::graphql::reporting::period::parse_period(&period)?;
        let as_of = as_of.map_or_else(crate::domain::kernel::time::today, |d| d.0);
        let key = AttainmentOf {
            target: self.0.id,
            period,
            as_of,
        };
        Ok(crate::graphql::reporting::attainment::TargetAttainment(
            load_required(ctx, key).await?,
        ))
    }
    /// Per-facility rows with computed subtotals, total and per-population ratio (null when the
    /// target has no breakdown).
    async fn breakdown(&self, ctx: &Context<'_>) -> Result<Option<TargetBreakdown>> {
        let stored = load(ctx, BreakdownOf(self.0.id)).await?.unwrap_or_default();
        Ok(TargetBreakdown::of(&self.0, stored))
    }
}

impl TargetBreakdown {
    /// The table of `target` from its stored groups and rows (none without a group).
    fn of(target: &target::Model, stored: targets::StoredBreakdown) -> Option<Self> {
        if stored.groups.is_empty() {
            return None;
        }
        let computed = targets::compute(target, stored);
        Some(Self {
            baseline_year: target.baseline_year,
            target_year: target.target_year,
            groups: computed
                .groups
                .into_iter()
                .map(|g| BreakdownGroup {
                    model: g.group,
                    rows: g.rows.into_iter().map(BreakdownRow).collect(),
                    subtotal: g.subtotal.into(),
                })
                .collect(),
            total: BreakdownTotal {
                label: computed.total_label,
                values: computed.total.into(),
            },
            ratio: computed.ratio.map(|r| BreakdownRatio {
                label: r.label,
                per: r.per,
                values: r.values.into(),
            }),
        })
    }
}

/// A baseline → target pair.
#[derive(Clone, Copy, SimpleObject)]
pub struct BreakdownValues {
    pub baseline: f64,
    pub target: f64,
}

impl From<Values> for BreakdownValues {
    fn from(v: Values) -> Self {
        Self {
            baseline: v.baseline,
            target: v.target,
        }
    }
}

/// A per-facility table (e.g. hospital beds 2020 → 2025). Only the rows are stored; subtotals,
/// the total and the ratio are computed from them.
#[derive(SimpleObject)]
pub struct TargetBreakdown {
    pub baseline_year: Option<i32>,
    pub target_year: Option<i32>,
    /// Groups in document order ("I. Công lập", "II. Ngoài công lập").
    pub groups: Vec<BreakdownGroup>,
    /// Sum of every group (e.g. "Tổng số giường bệnh (I+II)").
    pub total: BreakdownTotal,
    /// Total per population (e.g. "giường bệnh/10.000 dân"), when a population figure is known.
    pub ratio: Option<BreakdownRatio>,
}

/// A group of breakdown rows with its computed subtotal.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct BreakdownGroup {
    #[graphql(skip)]
    pub model: target_breakdown_group::Model,
    pub rows: Vec<BreakdownRow>,
    /// Sum of the group's rows.
    pub subtotal: BreakdownValues,
}

#[async_graphql::ComplexObject]
impl BreakdownGroup {
    /// STT as printed ("I").
    async fn code(&self) -> &str {
        &self.model.code
    }
    async fn label(&self) -> &str {
        &self.model.label
    }
}

/// One facility's row: baseline → target.
pub struct BreakdownRow(pub target_breakdown_row::Model);

#[Object]
impl BreakdownRow {
    /// Global id (`submitTargetValue` reports a value for the row by it).
    pub async fn id(&self) -> ID {
        global_id(NodeType::BreakdownRow, self.0.id)
    }
    /// STT as printed.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The facility as the document names it.
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The facility as a unit, when it is one (a planned facility may not exist yet).
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.unit_id {
            Some(id) => Ok(load(ctx, UnitById(id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    async fn baseline(&self) -> f64 {
        self.0.baseline_value
    }
    async fn target(&self) -> f64 {
        self.0.target_value
    }
}

/// The computed total row.
#[derive(SimpleObject)]
pub struct BreakdownTotal {
    pub label: Option<String>,
    #[graphql(flatten)]
    pub values: BreakdownValues,
}

/// The computed per-population ratio row.
#[derive(SimpleObject)]
pub struct BreakdownRatio {
    pub label: Option<String>,
    /// Population base of the ratio (10 000 for "/vạn dân").
    pub per: f64,
    #[graphql(flatten)]
    pub values: BreakdownValues,
}

impl PlainFields for TargetBreakdown {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "baselineYear" => plain::value(self.baseline_year),
            "targetYear" => plain::value(self.target_year),
            _ => return None,
        })
    }

    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "groups" => plain::nested_list(ctx, field, &self.groups),
            "total" => plain::nested(ctx, field, &self.total),
            "ratio" => plain::nested_maybe(ctx, field, self.ratio.as_ref()),
            _ => None,
        }
    }
}

impl PlainFields for BreakdownGroup {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "code" => plain::text(&self.model.code),
            "label" => plain::text(&self.model.label),
            _ => return None,
        })
    }

    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "rows" => plain::nested_list(ctx, field, &self.rows),
            "subtotal" => plain::nested(ctx, field, &self.subtotal),
            _ => None,
        }
    }
}

impl PlainFields for BreakdownRow {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => plain::value(global_id(NodeType::BreakdownRow, self.0.id)),
            "code" => plain::text(&self.0.code),
            "label" => plain::text(&self.0.label),
            "baseline" => plain::value(self.0.baseline_value),
            "target" => plain::value(self.0.target_value),
            _ => return None,
        })
    }

    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "unit" => cached_unit(ctx, field, self.0.unit_id),
            _ => None,
        }
    }
}

impl PlainFields for BreakdownValues {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "baseline" => plain::value(self.baseline),
            "target" => plain::value(self.target),
            _ => return None,
        })
    }
}

impl PlainFields for BreakdownTotal {
    fn plain_field(&self, name: &str) -> Option<Value> {
        match name {
            "label" => Some(plain::maybe_text(self.label.as_deref())),
            _ => self.values.plain_field(name),
        }
    }
}

impl PlainFields for BreakdownRatio {
    fn plain_field(&self, name: &str) -> Option<Value> {
        match name {
            "label" => Some(plain::maybe_text(self.label.as_deref())),
            "per" => Some(plain::value(self.per)),
            _ => self.values.plain_field(name),
        }
    }
}

/// Filters of `targets`.
#[derive(Debug, Default, InputObject)]
pub struct TargetFilter {
    /// Words to find in the code or statement, with or without diacritics.
    pub search: Option<String>,
    pub plan_id: Option<ID>,
    /// Targets assigned to this unit, directly or through a group it belongs to on `asOf`.
    pub unit_id: Option<ID>,
    pub role: Option<Vec<AssignmentRole>>,
    /// Date at which group membership is resolved (default: today in Việt Nam).
    pub as_of: Option<Date>,
}

impl TargetFilter {
    /// The domain filter, with ids decoded.
    pub fn into_domain(self) -> DomainResult<targets::TargetFilter> {
        Ok(targets::TargetFilter {
            search: crate::domain::kernel::text::search(self.search.as_deref())?,
            plan_id: self
                .plan_id
                .map(|id| expect(&id, NodeType::Plan))
                .transpose()?,
            unit_id: self
                .unit_id
                .map(|id| expect(&id, NodeType::Unit))
                .transpose()?,
            roles: stored(self.role),
            as_of: self.as_of.map(|d| d.0),
        })
    }
}

crate::graphql::common::connection::connection!(TargetConnection, TargetEdge, Target, "target");
impl PlainFields for Target {
    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "plan" => cached_plan(ctx, field, self.0.plan_id),
            "assignments" | "lead" => {
                assignments_in_place(ctx, field, cached(ctx, &TargetAssignments(self.0.id))?)
            }
            "breakdown" => {
                let stored = cached(ctx, &BreakdownOf(self.0.id))?;
                plain::nested_maybe(ctx, field, TargetBreakdown::of(&self.0, stored).as_ref())
            }
            _ => None,
        }
    }

    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => plain::value(global_id(NodeType::Target, self.0.id)),
            "code" => plain::text(&self.0.code),
            "statement" => plain::text(&self.0.statement),
            "measure" => plain::value(TargetMeasure::from(self.0.measure)),
            "measureUnit" => plain::maybe_text(self.0.unit_text.as_deref()),
            "comparator" => plain::value(self.0.comparator.map(Comparator::from)),
            "targetValue" => plain::value(self.0.target_value),
            "targetYear" => plain::value(self.0.target_year),
            "baselineValue" => plain::value(self.0.baseline_value),
            "baselineYear" => plain::value(self.0.baseline_year),
            "changeDirection" => plain::value(self.0.change_direction.map(ChangeDirection::from)),
            "aspirational" => plain::value(self.0.aspirational),
            "conditionText" => plain::maybe_text(self.0.condition_text.as_deref()),
            "version" => plain::value(self.0.version),
            _ => return None,
        })
    }
}
