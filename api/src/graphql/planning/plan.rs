//! `Plan` and what hangs off it: areas, the documents it implements, reporting deadlines.

use crate::graphql::common::enums::stored;
use crate::graphql::loading::columns::FieldColumns;
use crate::graphql::org::partial;
use async_graphql::parser::types::Field;
use async_graphql::{
    Context, ContextSelectionSet, ID, InputObject, Object, Positioned, Result, Value,
};
use entity::{plan, plan_area, plan_reference};

use crate::domain::planning::{plan as plans, target as targets, task as tasks};
use crate::graphql::common::context::{
    cached, load, load_required, nested_window, under_list, visible_plan,
};
use crate::graphql::common::cursor;
use crate::graphql::common::enums::{OrderDirection, PlanKind, PlanStatus};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::plain::{self, Plain, PlainFields};
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{
    AreasOf, DeadlinesOf, ImplementedBy, PlanById, PlanTargets, PlanTasks, ReferencesOf, UnitById,
};
use crate::graphql::org::unit::{Unit, cached_unit};
use crate::graphql::planning::prefetch;
use crate::graphql::planning::target::Target;
use crate::graphql::planning::target::TargetConnection;
use crate::graphql::planning::task::TaskConnection;
use crate::graphql::planning::task::{self, Task, TaskFilter};
use crate::graphql::reporting::regime::{
    DeadlineWarning, ReportingDeadline, ReportingRegime, regimes_of_plan, warnings_of_plan,
};

/// A planning document (văn bản kế hoạch): Kế hoạch, Chương trình, Công văn triển khai…, with its
/// targets (chỉ tiêu) and tasks (nhiệm vụ).
#[derive(Clone)]
pub struct Plan(pub plan::Model);

/// For lists that read only what their selection shows: the plan columns each field's
/// resolver reads, besides the id (the column registry: see
/// [`columns`](crate::graphql::loading::columns)). A field added to the resolvers needs its
/// entry here, with the columns it reads or none.
pub static COLUMNS: FieldColumns<plan::Entity> = FieldColumns::new("Plan", plan::Column::Id, {
    use plan::Column as C;
    &[
        ("id", &[]),
        ("provenance", &[]),
        ("documentNumber", &[C::DocumentNumber]),
        ("kind", &[C::Kind]),
        ("title", &[C::Title]),
        ("summary", &[C::Summary]),
        ("issuer", &[C::IssuerId]),
        ("issuedOn", &[C::IssuedOn]),
        ("status", &[C::Status]),
        ("periodStart", &[C::PeriodStart]),
        ("periodEnd", &[C::PeriodEnd]),
        ("signerName", &[C::SignerName]),
        ("signerTitle", &[C::SignerTitle]),
        ("version", &[C::Version]),
        ("confidential", &[C::Confidential]),
        (
            "deadlineWarnings",
            &[C::PeriodStart, C::PeriodEnd, C::IssuedOn, C::IssueYear],
        ),
        ("areas", &[]),
        ("implements", &[]),
        ("implementedBy", &[]),
        ("targets", &[]),
        ("tasks", &[]),
        ("reportingDeadlines", &[]),
        ("progressExportUrl", &[]),
        ("reportingRegimes", &[]),
    ]
});

#[Object]
impl Plan {
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
        global_id(NodeType::Plan, self.0.id)
    }
    /// Độ mật: the document is classified (Mật, Tối mật, Tuyệt mật); only its issuer's subtree
    /// and province administrators read it, and no export carries it.
    async fn confidential(&self) -> bool {
        self.0.confidential
    }
    /// Số ký hiệu, e.g. "5198/KH-SYT" (null while a draft has no number).
    async fn document_number(&self) -> Option<&str> {
        self.0.document_number.as_deref()
    }
    async fn kind(&self) -> PlanKind {
        self.0.kind.into()
    }
    /// Trích yếu.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// General objective (mục tiêu chung).
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// The unit that issued the plan.
    async fn issuer(&self, ctx: &Context<'_>) -> Result<Plain<Unit>> {
        match partial::kept(ctx, self.0.issuer_id) {
            Some(issuer) => Ok(Plain(Unit(issuer))),
            None => Ok(Plain(Unit(
                load_required(ctx, UnitById(self.0.issuer_id)).await?,
            ))),
        }
    }
    /// Date of issue (null when unknown).
    async fn issued_on(&self) -> Option<Date> {
        self.0.issued_on.map(Date)
    }
    async fn status(&self) -> PlanStatus {
        self.0.status.into()
    }
    /// First year the plan covers.
    async fn period_start(&self) -> Option<i32> {
        self.0.period_start
    }
    /// Last year the plan covers.
    async fn period_end(&self) -> Option<i32> {
        self.0.period_end
    }
    async fn signer_name(&self) -> Option<&str> {
        self.0.signer_name.as_deref()
    }
    /// E.g. "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC".
    async fn signer_title(&self) -> Option<&str> {
        self.0.signer_title.as_deref()
    }
    /// Optimistic-locking version.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Sections of the plan ("Cải cách thể chế"…), in document order.
    async fn areas(&self, ctx: &Context<'_>) -> Result<Vec<PlanArea>> {
        Ok(load(ctx, AreasOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(PlanArea)
            .collect())
    }
    /// The documents this plan implements (căn cứ / thực hiện): its parents in the cascade.
    async fn implements(&self, ctx: &Context<'_>) -> Result<Vec<PlanReference>> {
        Ok(load(ctx, ReferencesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(PlanReference)
            .collect())
    }
    /// The plans that implement this one: its children in the cascade, newest first.
    async fn implemented_by(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PlanConnection> {
        let window = nested_window(first, after, plans::IMPLEMENTED_BY_ORDERING)?;
        let page = load_required(
            ctx,
            ImplementedBy {
                parent: self.0.id,
                window,
            },
        )
        .await?;
        prefetch::plans(
            ctx,
            &prefetch::node_selections(&ctx.look_ahead()),
            &page.rows().collect::<Vec<_>>(),
            false,
        )
        .await?;
        Ok(PlanConnection::from_page(page, Plan))
    }
    /// The plan's targets, in document order.
    async fn targets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<TargetConnection> {
        let window = nested_window(first, after, targets::PLAN_TARGETS_ORDERING)?;
        let page = load_required(
            ctx,
            PlanTargets {
                parent: self.0.id,
                window,
            },
        )
        .await?;
        prefetch::targets(
            ctx,
            &prefetch::node_selections(&ctx.look_ahead()),
            &page.rows().collect::<Vec<_>>(),
        )
        .await?;
        Ok(TargetConnection::from_page(page, Target))
    }
    /// The plan's tasks, in document order.
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<TaskFilter>,
    ) -> Result<TaskConnection> {
        Box::pin(async move {
            let mut filter = filter.unwrap_or_default().into_domain().into_gql()?;
            let selections = prefetch::node_selections(&ctx.look_ahead());
            if under_list(ctx) {
                // One statement for the pages of every plan of the list.
                let window = nested_window(first, after, tasks::PLAN_TASKS_ORDERING)?;
                filter.plan_id = None;
                let key = PlanTasks {
                    plan: self.0.id,
                    window,
                    filter,
                };
                let page = load_required(ctx, key).await?;
                prefetch::tasks(ctx, &selections, &page.rows().collect::<Vec<_>>()).await?;
                return Ok(TaskConnection::from_page(page, Task));
            }
            // One plan: its page walks the plan's tasks in order down their index, with only
            // the columns the selection reads and each task's newest update in one statement.
            filter.plan_id = Some(self.0.id);
            let args = cursor::forward(first, after.as_deref()).into_gql()?;
            task::task_page(
                ctx,
                &filter,
                None,
                tasks::TaskOrder::default(),
                &args,
                Some(tasks::PLAN_TASKS_ORDERING),
            )
            .await
        })
        .await
    }
    /// Reporting deadlines the plan states, per period and level.
    async fn reporting_deadlines(&self, ctx: &Context<'_>) -> Result<Vec<ReportingDeadline>> {
        Ok(load(ctx, DeadlinesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(ReportingDeadline)
            .collect())
    }
    /// Where to download the plan's progress annex for a period as an Excel workbook (a path
    /// on this API; send the same bearer token): tasks, targets' attainment and reports by
    /// unit, as `planProgress` computes them.
    async fn progress_export_url(
        &self,
        #[graphql(validator(max_length = 16))] period: String,
    ) -> Result<String> {
        let period = crate::graphql::reporting::period::parse_period(&period)?;
        Ok(crate::annex::path(
            &global_id(NodeType::Plan, self.0.id).0,
            period,
        ))
    }
    /// The reporting regimes the plan states (chế độ báo cáo), in their order.
    async fn reporting_regimes(&self, ctx: &Context<'_>) -> Result<Vec<ReportingRegime>> {
        regimes_of_plan(ctx, self.0.id).await
    }
    /// Problems in the plan's deadlines over its years, computed from its rules and the
    /// working-day calendar: a deadline impossible for its period, a level due after the
    /// level it reports to, a last day that is a day off.
    async fn deadline_warnings(&self, ctx: &Context<'_>) -> Result<Vec<DeadlineWarning>> {
        warnings_of_plan(ctx, &self.0).await
    }
}

/// A section of a plan.
#[derive(Clone)]
pub struct PlanArea(pub plan_area::Model);

#[Object]
impl PlanArea {
    /// Its place in the document, e.g. "II.1".
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
}

/// A document a plan implements: another plan in the system, or an outside document known only
/// by number, issuer and date.
#[derive(Clone)]
pub struct PlanReference(pub plan_reference::Model);

#[Object]
impl PlanReference {
    /// The parent plan, when it is in the system.
    async fn plan(&self, ctx: &Context<'_>) -> Result<Option<Plan>> {
        match self.0.parent_plan_id {
            Some(id) => Ok(visible_plan(ctx, id).await?.map(Plan)),
            None => Ok(None),
        }
    }
    /// Số ký hiệu of the document (the plan's own when it is in the system).
    async fn document_number(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        if let Some(number) = &self.0.external_number {
            return Ok(Some(number.clone()));
        }
        Ok(self.parent(ctx).await?.and_then(|p| p.document_number))
    }
    /// Issuing body of an outside document.
    async fn issuer_name(&self) -> Option<&str> {
        self.0.external_issuer.as_deref()
    }
    /// Date of the document.
    async fn issued_on(&self, ctx: &Context<'_>) -> Result<Option<Date>> {
        if let Some(date) = self.0.external_issued_on {
            return Ok(Some(Date(date)));
        }
        Ok(self.parent(ctx).await?.and_then(|p| p.issued_on).map(Date))
    }
    /// Title of the document.
    async fn title(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        if let Some(title) = &self.0.external_title {
            return Ok(Some(title.clone()));
        }
        Ok(self.parent(ctx).await?.map(|p| p.title))
    }
}

impl PlanReference {
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<plan::Model>> {
        match self.0.parent_plan_id {
            Some(id) => visible_plan(ctx, id).await,
            None => Ok(None),
        }
    }
}

/// Filters of `plans`.
#[derive(Debug, Default, InputObject)]
pub struct PlanFilter {
    /// Words to find in the number, title or summary, with or without diacritics.
    pub search: Option<String>,
    /// Only plans issued by this unit…
    pub issuer_id: Option<ID>,
    /// …or by any unit below it.
    pub include_subtree: Option<bool>,
    /// Only plans whose period overlaps this year.
    pub year: Option<i32>,
    pub status: Option<Vec<PlanStatus>>,
    pub kind: Option<Vec<PlanKind>>,
}

impl PlanFilter {
    /// The domain filter, with ids decoded.
    pub fn into_domain(self) -> crate::domain::kernel::error::DomainResult<plans::PlanFilter> {
        Ok(plans::PlanFilter {
            search: crate::domain::kernel::text::search(self.search.as_deref())?,
            issuer_id: self
                .issuer_id
                .map(|id| expect(&id, NodeType::Unit))
                .transpose()?,
            include_subtree: self.include_subtree.unwrap_or(false),
            year: self.year,
            statuses: stored(self.status),
            kinds: stored(self.kind),
        })
    }
}

/// Sort fields of `plans`.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanOrderField {
    /// Date of issue; undated plans last.
    IssuedOn,
    DocumentNumber,
    Title,
    CreatedAt,
}

/// Ordering of `plans` (default: newest issued first).
#[derive(Debug, InputObject)]
pub struct PlanOrder {
    pub field: PlanOrderField,
    /// Default: DESC for ISSUED_ON and CREATED_AT, ASC otherwise.
    pub direction: Option<OrderDirection>,
}

impl PlanOrder {
    /// The domain ordering (its default when absent).
    pub fn to_domain(order: Option<PlanOrder>) -> plans::PlanOrder {
        let Some(order) = order else {
            return plans::PlanOrder::default();
        };
        let field = match order.field {
            PlanOrderField::IssuedOn => plans::PlanOrderField::IssuedOn,
            PlanOrderField::DocumentNumber => plans::PlanOrderField::DocumentNumber,
            PlanOrderField::Title => plans::PlanOrderField::Title,
            PlanOrderField::CreatedAt => plans::PlanOrderField::CreatedAt,
        };
        let newest_first = matches!(
            order.field,
            PlanOrderField::IssuedOn | PlanOrderField::CreatedAt
        );
        let descending = match order.direction {
            Some(direction) => direction == OrderDirection::Desc,
            None => newest_first,
        };
        plans::PlanOrder { field, descending }
    }
}

crate::graphql::common::connection::connection!(PlanConnection, PlanEdge, Plan, "plan");

/// The value of `field`, the plan `id`, answered in place from the request's cache
/// ([`PlainFields::cached_field`]).
pub fn cached_plan(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    id: uuid::Uuid,
) -> Option<Value> {
    plain::nested(ctx, field, &Plan(cached(ctx, &PlanById(id))?))
}

impl PlainFields for Plan {
    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "issuer" => cached_unit(ctx, field, Some(self.0.issuer_id)),
            _ => None,
        }
    }

    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => plain::value(global_id(NodeType::Plan, self.0.id)),
            "confidential" => plain::value(self.0.confidential),
            "documentNumber" => plain::maybe_text(self.0.document_number.as_deref()),
            "kind" => plain::value(PlanKind::from(self.0.kind)),
            "title" => plain::text(&self.0.title),
            "summary" => plain::maybe_text(self.0.summary.as_deref()),
            "issuedOn" => plain::value(self.0.issued_on.map(Date)),
            "status" => plain::value(PlanStatus::from(self.0.status)),
            "periodStart" => plain::value(self.0.period_start),
            "periodEnd" => plain::value(self.0.period_end),
            "signerName" => plain::maybe_text(self.0.signer_name.as_deref()),
            "signerTitle" => plain::maybe_text(self.0.signer_title.as_deref()),
            "version" => plain::value(self.0.version),
            _ => return None,
        })
    }
}
