//! Ad-hoc report requests (yêu cầu báo cáo đột xuất): `requestAdHocReport` (whoever reviews the
//! regime's reports) and `ReportingRegime.requests`; each request is a period `YYYYDnn` that
//! submissions name.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};
use entity::report_request;

use crate::domain::kernel::mutation::Outcome;
use crate::domain::kernel::time::local_time;
use crate::domain::reporting::request::{self as requests, RequestInput};
use crate::graphql::common::context::load;
use crate::graphql::common::enums::ReportingPeriodKind;
use crate::graphql::common::id::{NodeType, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{RegimeById, UnitById};
use crate::graphql::org::unit::Unit;
use crate::graphql::reporting::period::ReportingPeriod;
use crate::graphql::reporting::regime::ReportingRegime;

/// An ad-hoc report request (yêu cầu báo cáo đột xuất): the period it opens, what it asks for,
/// of whom and by when.
#[derive(Clone)]
pub struct ReportRequest(pub report_request::Model);

#[Object]
impl ReportRequest {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::ReportRequest, self.0.id)
    }
    async fn regime(&self, ctx: &Context<'_>) -> Result<Option<ReportingRegime>> {
        Ok(load(ctx, RegimeById(self.0.regime_id))
            .await?
            .map(ReportingRegime))
    }
    /// The period it opens (`2023D01`: the first request of 2023), with its data window when
    /// the request states one.
    async fn period(&self) -> ReportingPeriod {
        ReportingPeriod {
            code: requests::period(&self.0).to_string(),
            kind: ReportingPeriodKind::AdHoc,
            year: self.0.year,
            starts_on: None,
            ends_on: None,
            data_from: self.0.data_from.map(Date),
            data_to: self.0.data_to.map(Date),
        }
    }
    /// What is asked for.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The request letter's number, as printed.
    async fn document_number(&self) -> Option<&str> {
        self.0.document_number.as_deref()
    }
    /// The letter's date.
    async fn requested_on(&self) -> Date {
        Date(self.0.requested_on)
    }
    /// The last day (end of day, Việt Nam) a report is on time.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }
    /// The units asked; null when every reporting unit of the regime is.
    async fn units(&self, ctx: &Context<'_>) -> Result<Option<Vec<Unit>>> {
        let Some(ids) = requests::asked(&self.0) else {
            return Ok(None);
        };
        let units =
            futures_util::future::try_join_all(ids.into_iter().map(|id| load(ctx, UnitById(id))))
                .await?;
        Ok(Some(units.into_iter().flatten().map(Unit).collect()))
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.created_at)
    }
    /// Where it comes from, when the demo data invented it (null: made through the API).
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::common::provenance::Provenance>> {
        crate::graphql::common::provenance::provenance(ctx, self.0.id).await
    }
}

/// `requestAdHocReport` input.
#[derive(InputObject)]
pub struct RequestAdHocReportInput {
    /// An ad-hoc regime that reports on request (theo yêu cầu).
    pub regime_id: ID,
    /// What is asked for (required, at most 2 000 characters).
    pub subject: String,
    /// The request letter's number (at most 100 characters).
    pub document_number: Option<String>,
    /// The letter's date (today when absent; not in the future).
    pub requested_on: Option<Date>,
    /// The last day a report is on time: on or after the request, within 366 days.
    pub due_on: Date,
    /// The data window the report covers, when the letter states one.
    pub data_from: Option<Date>,
    pub data_to: Option<Date>,
    /// The units asked (1 to 200 of the regime's reporting units); all of them when absent.
    #[graphql(validator(max_items = 200))]
    pub unit_ids: Option<Vec<ID>>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `requestAdHocReport`.
    ReportRequestPayload, request, ReportRequest, report_request::Entity
);

#[derive(Default)]
pub struct RequestMutation;

#[Object]
impl RequestMutation {
    /// An authority asks for an ad-hoc report (báo cáo đột xuất) under a regime that reports
    /// on request: the request becomes the year's next period (`2023D01`, `2023D02`…), which
    /// the units asked submit by `dueOn`.
    async fn request_ad_hoc_report(
        &self,
        ctx: &Context<'_>,
        input: RequestAdHocReportInput,
    ) -> Result<ReportRequestPayload> {
        let cmid = input.client_mutation_id.clone();
        let regime_id = try_input!(
            id_of::<entity::reporting_regime::Entity>(&input.regime_id, "regimeId"),
            ReportRequestPayload,
            ctx,
            cmid
        );
        let unit_ids = match &input.unit_ids {
            Some(ids) => {
                let mut units = Vec::with_capacity(ids.len());
                for id in ids {
                    units.push(try_input!(
                        id_of::<entity::unit::Entity>(id, "unitIds"),
                        ReportRequestPayload,
                        ctx,
                        cmid
                    ));
                }
                Some(units)
            }
            None => None,
        };
        let request = RequestInput {
            regime_id,
            subject: input.subject,
            document_number: input.document_number,
            requested_on: input.requested_on.map(|d| d.0),
            due_on: input.due_on.0,
            data_from: input.data_from.map(|d| d.0),
            data_to: input.data_to.map(|d| d.0),
            unit_ids,
        };
        let outcome = run(
            ctx,
            "requestAdHocReport",
            cmid.as_deref(),
            async |txn, actor| requests::create(txn, actor, request).await,
        )
        .await?;
        ReportRequestPayload::from(ctx, outcome, cmid).await
    }
}
