//! Report submissions (báo cáo): `submissions(…)`, and `submitReport`, `acceptReport`,
//! `returnReport`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::domain::kernel::mutation::Outcome;
use chrono::{DateTime, FixedOffset};
use entity::report_submission;

use crate::domain::kernel::time::local_time;
use crate::domain::reporting::submission::{
    self as submissions, Decision, ReportInput, SubmissionFilter,
};
use crate::graphql::common::connection::wants_total;
use crate::graphql::common::context::{db, load, visibility};
use crate::graphql::common::cursor;
use crate::graphql::common::enums::SubmissionStatus;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{RegimeById, UnitById};
use crate::graphql::org::unit::Unit;
use crate::graphql::reporting::period::{parse_period, period_input};
use crate::graphql::reporting::regime::ReportingRegime;

/// A report (báo cáo) a unit sent for one period of a regime, at one level of its cascade.
#[derive(Clone)]
pub struct ReportSubmission(pub report_submission::Model);

#[Object]
impl ReportSubmission {
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
        global_id(NodeType::ReportSubmission, self.0.id)
    }
    async fn regime(&self, ctx: &Context<'_>) -> Result<Option<ReportingRegime>> {
        Ok(load(ctx, RegimeById(self.0.regime_id))
            .await?
            .map(ReportingRegime))
    }
    /// The period's code (`2023Q1`).
    async fn period(&self) -> &str {
        &self.0.period_code
    }
    /// The level of the cascade, from 1 (units → centre).
    async fn level(&self) -> i32 {
        self.0.level
    }
    async fn reporting_unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.reporting_unit_id))
            .await?
            .map(Unit))
    }
    async fn receiving_unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.receiving_unit_id {
            Some(id) => Ok(load(ctx, UnitById(id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    async fn status(&self) -> SubmissionStatus {
        self.0.status.into()
    }
    /// A nil report (không phát sinh).
    async fn is_nil(&self) -> bool {
        self.0.is_nil
    }
    async fn content(&self) -> Option<&str> {
        self.0.content.as_deref()
    }
    /// The day it was due, as judged at its first submission.
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }
    /// When it was first submitted (lateness is judged on this).
    async fn first_submitted_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.first_submitted_at.map(local_time)
    }
    /// When it was last submitted.
    async fn submitted_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.submitted_at.map(local_time)
    }
    /// Whether the first submission came after the end of the due day (null before it).
    async fn is_late(&self) -> Option<bool> {
        self.0.is_late
    }
    /// Days after the due day of the first submission (0 when on time).
    async fn days_late(&self) -> Option<i32> {
        self.0.days_late
    }
    /// Why the receiving unit returned it.
    async fn return_reason(&self) -> Option<&str> {
        self.0.return_reason.as_deref()
    }
    /// When the receiving unit accepted or returned it.
    async fn decided_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.decided_at.map(local_time)
    }
    /// The progress updates sent inside it (`submitProgress` with its id), oldest first.
    async fn progress_updates(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::planning::task::ProgressUpdate>> {
        Ok(load(
            ctx,
            crate::graphql::loading::loaders::SubmissionProgress(self.0.id),
        )
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(crate::graphql::planning::task::ProgressUpdate)
        .collect())
    }
    /// For optimistic locking (`acceptReport`, `returnReport`).
    async fn version(&self) -> i32 {
        self.0.version
    }
}

crate::graphql::common::connection::connection!(
    ReportSubmissionConnection,
    ReportSubmissionEdge,
    ReportSubmission,
    "report submission"
);
impl crate::graphql::common::plain::PlainFields for ReportSubmission {}

#[derive(Default)]
pub struct SubmissionQuery;

#[Object]
impl SubmissionQuery {
    /// Report submissions, newest period first, then by level and unit; `unitId` matches the
    /// reporting or the receiving unit. Reports under a draft plan's regimes are seen only by
    /// those who may read the draft.
    #[allow(clippy::too_many_arguments)]
    async fn submissions(
        &self,
        ctx: &Context<'_>,
        regime_id: Option<ID>,
        #[graphql(validator(max_length = 16))] period: Option<String>,
        unit_id: Option<ID>,
        status: Option<SubmissionStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ReportSubmissionConnection> {
        let filter = SubmissionFilter {
            regime_id: regime_id
                .map(|id| expect(&id, NodeType::ReportingRegime))
                .transpose()
                .into_gql()?,
            period: period.as_deref().map(parse_period).transpose()?,
            unit_id: unit_id
                .map(|id| expect(&id, NodeType::Unit))
                .transpose()
                .into_gql()?,
            status: status.map(Into::into),
        };
        let args = cursor::forward(first, after.as_deref()).into_gql()?;
        let page = submissions::list(db(ctx)?, &filter, visibility(ctx)?, &args, wants_total(ctx))
            .await
            .into_gql()?;
        Ok(ReportSubmissionConnection::from_page(
            page,
            ReportSubmission,
        ))
    }
}

/// `submitReport` input.
#[derive(InputObject)]
pub struct SubmitReportInput {
    pub regime_id: ID,
    /// The period reported (`2023Q1`, `2023H1`, `2023`, or `2023D01` for an ad-hoc request).
    pub period: String,
    /// The reporting unit.
    pub unit_id: ID,
    /// The level of the cascade (default: the unit's lowest under the regime).
    pub level: Option<i32>,
    /// The report (at most 100 000 characters); may be left out of a nil report or a draft.
    pub content: Option<String>,
    /// A nil report (không phát sinh), where the regime allows it.
    #[graphql(default)]
    pub nil: bool,
    /// Keep it as a draft: saved, not sent.
    #[graphql(default)]
    pub draft: bool,
    pub client_mutation_id: Option<String>,
}

/// `acceptReport` input.
#[derive(InputObject)]
pub struct AcceptReportInput {
    pub id: ID,
    pub version: i32,
    pub client_mutation_id: Option<String>,
}

/// `returnReport` input.
#[derive(InputObject)]
pub struct ReturnReportInput {
    pub id: ID,
    pub version: i32,
    /// Why (required): what the reporting unit must fix.
    pub reason: String,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of a report mutation.
    ReportPayload, report, ReportSubmission, entity::report_submission::Entity
);

#[derive(Default)]
pub struct SubmissionMutation;

#[Object]
impl SubmissionMutation {
    /// Saves a unit's report for a period as a draft, or submits it (again, after it was
    /// returned). Lateness is judged at the first submission, against the end of the due day
    /// in Việt Nam.
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        input: SubmitReportInput,
    ) -> Result<ReportPayload> {
        let cmid = input.client_mutation_id.clone();
        let regime_id = try_input!(
            id_of::<entity::reporting_regime::Entity>(&input.regime_id, "regimeId"),
            ReportPayload,
            ctx,
            cmid
        );
        let unit_id = try_input!(
            id_of::<entity::unit::Entity>(&input.unit_id, "unitId"),
            ReportPayload,
            ctx,
            cmid
        );
        let period = try_input!(period_input(&input.period), ReportPayload, ctx, cmid);
        let report = ReportInput {
            regime_id,
            period,
            unit_id,
            level: input.level,
            content: input.content,
            nil: input.nil,
            draft: input.draft,
        };
        let outcome = run(ctx, "submitReport", cmid.as_deref(), async |txn, actor| {
            submissions::submit(txn, actor, report).await
        })
        .await?;
        ReportPayload::from(ctx, outcome, cmid).await
    }

    /// Accepts a submitted report (the receiving unit).
    async fn accept_report(
        &self,
        ctx: &Context<'_>,
        input: AcceptReportInput,
    ) -> Result<ReportPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::report_submission::Entity>(&input.id, "id"),
            ReportPayload,
            ctx,
            cmid
        );
        let version = input.version;
        let outcome = run(ctx, "acceptReport", cmid.as_deref(), async |txn, actor| {
            submissions::decide(txn, actor, id, version, Decision::Accept).await
        })
        .await?;
        ReportPayload::from(ctx, outcome, cmid).await
    }

    /// Returns a submitted report to its unit with the reason (the receiving unit); the unit
    /// fixes it and submits it again.
    async fn return_report(
        &self,
        ctx: &Context<'_>,
        input: ReturnReportInput,
    ) -> Result<ReportPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::report_submission::Entity>(&input.id, "id"),
            ReportPayload,
            ctx,
            cmid
        );
        let version = input.version;
        let reason = input.reason;
        let outcome = run(ctx, "returnReport", cmid.as_deref(), async |txn, actor| {
            submissions::decide(txn, actor, id, version, Decision::Return(reason)).await
        })
        .await?;
        ReportPayload::from(ctx, outcome, cmid).await
    }
}
