//! Planning's mutations of plans: create (a draft), update, issue, supersede, complete,
//! delete, and the links between plans.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use entity::enums::PlanStatus;

use crate::domain::access::Actor;
use crate::domain::kernel::error::DomainResult;
use crate::domain::kernel::ids::PlanId;
use crate::domain::kernel::mutation::{self, Outcome};
use crate::domain::planning::plan::edit::{self as plan_edit, NewPlan, PlanChanges};
use crate::graphql::common::context::pool;
use crate::graphql::common::enums::PlanKind;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::expect_id;
use crate::graphql::common::id::{NodeType, expect};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::planning::plan::Plan;

object_payload!(
    /// The result of a plan mutation.
    PlanPayload, plan, Plan, entity::plan::Entity
);

/// The result of `deletePlan`.
#[derive(SimpleObject)]
pub struct DeletePlanPayload {
    /// The id of the deleted plan (null when nothing was deleted).
    pub deleted_plan_id: Option<ID>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

/// `createPlan` input: a new draft.
#[derive(InputObject)]
pub struct CreatePlanInput {
    /// Trích yếu.
    pub title: String,
    pub kind: PlanKind,
    /// The issuing unit.
    pub issuer_id: ID,
    /// Số ký hiệu, when already known.
    pub document_number: Option<String>,
    pub issued_on: Option<Date>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub summary: Option<String>,
    /// Độ mật: the document is classified; only the issuer's subtree and province
    /// administrators read it, and no export carries it (default false).
    pub confidential: Option<bool>,
    /// A key of the caller's choosing: a retry with the same key returns the first result.
    pub client_mutation_id: Option<String>,
}

/// `updatePlan` input: the fields to change (omit a field to keep it, `null` to clear it).
#[derive(InputObject)]
pub struct UpdatePlanInput {
    pub id: ID,
    /// The `version` the change is based on.
    pub version: i32,
    pub title: Option<String>,
    pub kind: Option<PlanKind>,
    pub document_number: MaybeUndefined<String>,
    pub issued_on: MaybeUndefined<Date>,
    pub period_start: MaybeUndefined<i32>,
    pub period_end: MaybeUndefined<i32>,
    pub signer_name: MaybeUndefined<String>,
    pub signer_title: MaybeUndefined<String>,
    pub summary: MaybeUndefined<String>,
    /// Độ mật (omit to keep).
    pub confidential: Option<bool>,
    pub client_mutation_id: Option<String>,
}

/// `issuePlan` input: fixes the number and date of a draft.
#[derive(InputObject)]
pub struct IssuePlanInput {
    pub id: ID,
    pub version: i32,
    pub document_number: String,
    pub issued_on: Date,
    pub client_mutation_id: Option<String>,
}

/// `supersedePlan` input.
#[derive(InputObject)]
pub struct SupersedePlanInput {
    pub id: ID,
    pub version: i32,
    /// The plan that replaces it.
    pub by_plan_id: ID,
    pub client_mutation_id: Option<String>,
}

/// `completePlan` and `deletePlan` input.
#[derive(InputObject)]
pub struct PlanVersionInput {
    pub id: ID,
    pub version: i32,
    pub client_mutation_id: Option<String>,
}

/// `addPlanImplements` / `removePlanImplements` input.
#[derive(InputObject)]
pub struct PlanImplementsInput {
    /// The implementing plan.
    pub plan_id: ID,
    /// The plan it implements (căn cứ / thực hiện).
    pub parent_plan_id: ID,
    pub client_mutation_id: Option<String>,
}

impl PlanImplementsInput {
    fn ids(&self) -> std::result::Result<(PlanId, PlanId), Outcome> {
        let id =
            expect_id::<entity::plan::Entity>(&self.plan_id).map_err(|e| rejected("planId", e))?;
        let parent = expect_id::<entity::plan::Entity>(&self.parent_plan_id)
            .map_err(|e| rejected("parentPlanId", e))?;
        Ok((id, parent))
    }
}

#[derive(Default)]
pub struct PlanMutation;

async fn run_plan<F>(
    ctx: &Context<'_>,
    name: &'static str,
    client_mutation_id: Option<String>,
    work: F,
) -> Result<PlanPayload>
where
    F: AsyncFnOnce(&sea_orm::DatabaseTransaction, &Actor) -> DomainResult<mutation::Change>,
{
    let actor = actor(ctx)?;
    let outcome = mutation::run(
        pool(ctx)?,
        &actor,
        name,
        client_mutation_id.as_deref(),
        async |txn| work(txn, &actor).await,
    )
    .await
    .into_gql()?;
    PlanPayload::from(ctx, outcome, client_mutation_id).await
}

fn plan_id(id: &ID) -> std::result::Result<PlanId, Outcome> {
    expect_id::<entity::plan::Entity>(id).map_err(|e| rejected("id", e))
}

#[Object]
impl PlanMutation {
    /// Creates a draft plan. Needs PROVINCE_ADMIN, or UNIT_ADMIN of the issuer's subtree.
    async fn create_plan(&self, ctx: &Context<'_>, input: CreatePlanInput) -> Result<PlanPayload> {
        let issuer_id = match expect(&input.issuer_id, NodeType::Unit) {
            Ok(id) => id,
            Err(error) => {
                return PlanPayload::from(
                    ctx,
                    rejected("issuerId", error),
                    input.client_mutation_id,
                )
                .await;
            }
        };
        let new = NewPlan {
            title: input.title,
            kind: input.kind.into(),
            issuer_id,
            document_number: input.document_number,
            issued_on: input.issued_on.map(|d| d.0),
            period_start: input.period_start,
            period_end: input.period_end,
            signer_name: input.signer_name,
            signer_title: input.signer_title,
            summary: input.summary,
            confidential: input.confidential.unwrap_or(false),
        };
        run_plan(
            ctx,
            "createPlan",
            input.client_mutation_id,
            async |txn, actor| plan_edit::create(txn, actor, new).await,
        )
        .await
    }

    /// Changes a plan's fields (optimistic locking on `version`).
    async fn update_plan(&self, ctx: &Context<'_>, input: UpdatePlanInput) -> Result<PlanPayload> {
        let id = match plan_id(&input.id) {
            Ok(id) => id,
            Err(outcome) => return PlanPayload::from(ctx, outcome, input.client_mutation_id).await,
        };
        let changes = PlanChanges {
            title: input.title,
            kind: input.kind.map(Into::into),
            document_number: edit(input.document_number, |v| v),
            issued_on: edit(input.issued_on, |d| d.0),
            period_start: edit(input.period_start, |v| v),
            period_end: edit(input.period_end, |v| v),
            signer_name: edit(input.signer_name, |v| v),
            signer_title: edit(input.signer_title, |v| v),
            summary: edit(input.summary, |v| v),
            confidential: input.confidential,
        };
        let version = input.version;
        run_plan(
            ctx,
            "updatePlan",
            input.client_mutation_id,
            async |txn, actor| plan_edit::update(txn, actor, id, version, changes).await,
        )
        .await
    }

    /// Issues a draft: fixes its document number and date.
    async fn issue_plan(&self, ctx: &Context<'_>, input: IssuePlanInput) -> Result<PlanPayload> {
        let id = match plan_id(&input.id) {
            Ok(id) => id,
            Err(outcome) => return PlanPayload::from(ctx, outcome, input.client_mutation_id).await,
        };
        let (version, number, date) = (input.version, input.document_number, input.issued_on.0);
        run_plan(
            ctx,
            "issuePlan",
            input.client_mutation_id,
            async |txn, actor| plan_edit::issue(txn, actor, id, version, &number, date).await,
        )
        .await
    }

    /// Marks an issued plan as replaced by another.
    async fn supersede_plan(
        &self,
        ctx: &Context<'_>,
        input: SupersedePlanInput,
    ) -> Result<PlanPayload> {
        let (id, by) = match (
            plan_id(&input.id),
            expect_id::<entity::plan::Entity>(&input.by_plan_id),
        ) {
            (Ok(id), Ok(by)) => (id, by),
            (Err(outcome), _) => {
                return PlanPayload::from(ctx, outcome, input.client_mutation_id).await;
            }
            (_, Err(error)) => {
                return PlanPayload::from(
                    ctx,
                    rejected("byPlanId", error),
                    input.client_mutation_id,
                )
                .await;
            }
        };
        let version = input.version;
        run_plan(
            ctx,
            "supersedePlan",
            input.client_mutation_id,
            async |txn, actor| {
                plan_edit::close(txn, actor, id, version, PlanStatus::Superseded, Some(by)).await
            },
        )
        .await
    }

    /// Marks an issued plan as completed.
    async fn complete_plan(
        &self,
        ctx: &Context<'_>,
        input: PlanVersionInput,
    ) -> Result<PlanPayload> {
        let id = match plan_id(&input.id) {
            Ok(id) => id,
            Err(outcome) => return PlanPayload::from(ctx, outcome, input.client_mutation_id).await,
        };
        let version = input.version;
        run_plan(
            ctx,
            "completePlan",
            input.client_mutation_id,
            async |txn, actor| {
                plan_edit::close(txn, actor, id, version, PlanStatus::Completed, None).await
            },
        )
        .await
    }

    /// Records that a plan implements another (no cycles).
    async fn add_plan_implements(
        &self,
        ctx: &Context<'_>,
        input: PlanImplementsInput,
    ) -> Result<PlanPayload> {
        let (id, parent) = match input.ids() {
            Ok(ids) => ids,
            Err(outcome) => return PlanPayload::from(ctx, outcome, input.client_mutation_id).await,
        };
        run_plan(
            ctx,
            "addPlanImplements",
            input.client_mutation_id,
            async |txn, actor| plan_edit::link(txn, actor, id, parent).await,
        )
        .await
    }

    /// Removes the record that a plan implements another.
    async fn remove_plan_implements(
        &self,
        ctx: &Context<'_>,
        input: PlanImplementsInput,
    ) -> Result<PlanPayload> {
        let (id, parent) = match input.ids() {
            Ok(ids) => ids,
            Err(outcome) => return PlanPayload::from(ctx, outcome, input.client_mutation_id).await,
        };
        run_plan(
            ctx,
            "removePlanImplements",
            input.client_mutation_id,
            async |txn, actor| plan_edit::unlink(txn, actor, id, parent).await,
        )
        .await
    }

    /// Deletes a draft.
    async fn delete_plan(
        &self,
        ctx: &Context<'_>,
        input: PlanVersionInput,
    ) -> Result<DeletePlanPayload> {
        let id = match plan_id(&input.id) {
            Ok(id) => id,
            Err(outcome) => {
                return Ok(DeletePlanPayload {
                    deleted_plan_id: None,
                    user_errors: outcome
                        .user_errors
                        .into_iter()
                        .map(UserError::from)
                        .collect(),
                    client_mutation_id: input.client_mutation_id,
                });
            }
        };
        let actor = actor(ctx)?;
        let version = input.version;
        let outcome = mutation::run(
            pool(ctx)?,
            &actor,
            "deletePlan",
            input.client_mutation_id.as_deref(),
            async |txn| plan_edit::delete(txn, &actor, id, version).await,
        )
        .await
        .into_gql()?;
        Ok(DeletePlanPayload {
            deleted_plan_id: outcome.user_errors.is_empty().then(|| input.id.clone()),
            user_errors: outcome
                .user_errors
                .into_iter()
                .map(UserError::from)
                .collect(),
            client_mutation_id: input.client_mutation_id,
        })
    }
}
