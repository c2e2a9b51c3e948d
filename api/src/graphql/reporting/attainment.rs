//! Target attainment: `submitTargetValue` (what a target reached in a period, as a whole or per
//! breakdown row, measured or estimated), `Target.attainment(period)` and
//! `PlanProgress.targets`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};
use entity::target_value;

use crate::domain::kernel::mutation::Outcome;
use crate::domain::kernel::time::local_time;
use crate::domain::reporting::attainment::{
    self as attainment, GroupAttainment, Reported, RowAttainment, TargetValueInput,
};
use crate::graphql::common::context::load;
use crate::graphql::common::payload::*;
use crate::graphql::loading::loaders::{TargetById, UnitById};
use crate::graphql::org::unit::Unit;
use crate::graphql::planning::target::{BreakdownRow, Target};
use crate::graphql::reporting::period::period_input;

/// A target's attainment for a period, as of a day: what it asks, what was reached, and whether
/// it is met (by its comparator and, for a change from a baseline, its direction).
pub struct TargetAttainment(pub attainment::TargetAttainment);

#[Object]
impl TargetAttainment {
    async fn target(&self) -> Target {
        Target(self.0.target.clone())
    }
    /// What the target asks: its value, or the total of its breakdown rows.
    async fn goal(&self) -> Option<f64> {
        self.0.goal
    }
    /// What was reached: the newest value reported for the whole target, or the sum of its
    /// breakdown rows once every row has one (whichever is newer). For a change from a
    /// baseline the value is the change (−3 for a fall of 3 %).
    async fn actual(&self) -> Option<f64> {
        self.0.actual
    }
    /// Whether the actual includes an estimate (ước thực hiện).
    async fn is_estimate(&self) -> bool {
        self.0.estimate
    }
    /// Met, not met, or null when nothing was reported or there is nothing to compare with.
    async fn met(&self) -> Option<bool> {
        self.0.met
    }
    /// When the newest value counted was reported.
    async fn reported_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.reported_at.map(local_time)
    }
    /// Per breakdown group: the rows' targets and values, and their subtotals.
    async fn groups(&self) -> Vec<GroupAttainmentObject> {
        self.0
            .groups
            .iter()
            .cloned()
            .map(GroupAttainmentObject)
            .collect()
    }
}

/// A breakdown group's attainment.
#[derive(Clone)]
pub struct GroupAttainmentObject(GroupAttainment);

#[Object(name = "BreakdownGroupAttainment")]
impl GroupAttainmentObject {
    /// STT as printed ("I").
    async fn code(&self) -> &str {
        &self.0.group.code
    }
    async fn label(&self) -> &str {
        &self.0.group.label
    }
    /// The sum of the rows' targets.
    async fn goal(&self) -> f64 {
        self.0.target
    }
    /// The sum of the rows' values, once every row has one.
    async fn actual(&self) -> Option<f64> {
        self.0.actual
    }
    async fn rows(&self) -> Vec<RowAttainmentObject> {
        self.0
            .rows
            .iter()
            .cloned()
            .map(RowAttainmentObject)
            .collect()
    }
}

/// A breakdown row's attainment.
#[derive(Clone)]
pub struct RowAttainmentObject(RowAttainment);

#[Object(name = "BreakdownRowAttainment")]
impl RowAttainmentObject {
    async fn row(&self) -> BreakdownRow {
        BreakdownRow(self.0.row.clone())
    }
    async fn goal(&self) -> f64 {
        self.0.row.target_value
    }
    async fn actual(&self) -> Option<f64> {
        self.0.reported.as_ref().map(|r: &Reported| r.value)
    }
    async fn is_estimate(&self) -> bool {
        self.0.reported.as_ref().is_some_and(|r| r.estimate)
    }
    async fn met(&self) -> Option<bool> {
        self.0.met
    }
}

/// A value a unit reported for a target (kết quả thực hiện chỉ tiêu).
pub struct TargetValue(pub target_value::Model);

#[Object]
impl TargetValue {
    async fn target(&self, ctx: &Context<'_>) -> Result<Option<Target>> {
        Ok(load(ctx, TargetById(self.0.target_id)).await?.map(Target))
    }
    /// The unit that reported it.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.unit_id)).await?.map(Unit))
    }
    /// The period's code.
    async fn period(&self) -> &str {
        &self.0.period_code
    }
    async fn value(&self) -> f64 {
        self.0.value
    }
    /// Estimated to the period's end (ước thực hiện).
    async fn is_estimate(&self) -> bool {
        self.0.is_estimate
    }
    async fn narrative(&self) -> Option<&str> {
        self.0.narrative.as_deref()
    }
    async fn reported_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.reported_at)
    }
}

/// `submitTargetValue` input.
#[derive(InputObject)]
pub struct SubmitTargetValueInput {
    pub target_id: ID,
    /// The reporting unit: the target's lead or implementing unit, or the unit a breakdown row
    /// is about.
    pub unit_id: ID,
    /// The period reported (`2023`, `2023Q1`, `2023H1`, …).
    pub period: String,
    /// What was reached; for a change from a baseline, the change (−3 for a fall of 3 %).
    pub value: f64,
    /// Estimated to the period's end (ước thực hiện).
    #[graphql(default)]
    pub estimate: bool,
    /// For one breakdown row (a facility) instead of the whole target.
    pub breakdown_row_id: Option<ID>,
    /// At most 20 000 characters.
    pub narrative: Option<String>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `submitTargetValue`.
    TargetValuePayload, target_value, TargetValue, target_value::Entity
);

#[derive(Default)]
pub struct AttainmentMutation;

#[Object]
impl AttainmentMutation {
    /// Reports what a target reached in a period (its lead or implementing unit), as a whole or
    /// for one breakdown row; each report is kept, the newest counts.
    async fn submit_target_value(
        &self,
        ctx: &Context<'_>,
        input: SubmitTargetValueInput,
    ) -> Result<TargetValuePayload> {
        let cmid = input.client_mutation_id.clone();
        let target_id = try_input!(
            id_of::<entity::target::Entity>(&input.target_id, "targetId"),
            TargetValuePayload,
            ctx,
            cmid
        );
        let unit_id = try_input!(
            id_of::<entity::unit::Entity>(&input.unit_id, "unitId"),
            TargetValuePayload,
            ctx,
            cmid
        );
        let breakdown_row_id = match &input.breakdown_row_id {
            Some(id) => Some(try_input!(
                id_of::<entity::target_breakdown_row::Entity>(id, "breakdownRowId"),
                TargetValuePayload,
                ctx,
                cmid
            )),
            None => None,
        };
        let period = try_input!(period_input(&input.period), TargetValuePayload, ctx, cmid);
        let value = TargetValueInput {
            target_id,
            unit_id,
            period,
            value: input.value,
            estimate: input.estimate,
            breakdown_row_id,
            narrative: input.narrative,
        };
        let outcome = run(
            ctx,
            "submitTargetValue",
            cmid.as_deref(),
            async |txn, actor| attainment::submit_value(txn, actor, value).await,
        )
        .await?;
        TargetValuePayload::from(ctx, outcome, cmid).await
    }
}
