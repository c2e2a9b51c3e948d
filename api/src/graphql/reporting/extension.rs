//! Extension requests (đề nghị gia hạn): `requestExtension` (a task's lead) and
//! `decideExtension` (the plan's issuer); `Task.extensionRequests` is the deadline history.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};
use entity::deadline_extension;

use crate::domain::kernel::mutation::Outcome;
use crate::domain::kernel::time::local_time;
use crate::domain::reporting::extension::{self as extensions, ExtensionDecision, ExtensionInput};
use crate::graphql::common::context::load;
use crate::graphql::common::enums::ExtensionStatus;
use crate::graphql::common::id::{NodeType, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{TaskById, UnitById};
use crate::graphql::org::unit::Unit;
use crate::graphql::planning::task::Task;

/// A request to move a task's deadline (đề nghị gia hạn), with the issuer's decision.
#[derive(Clone)]
pub struct ExtensionRequest(pub deadline_extension::Model);

#[Object]
impl ExtensionRequest {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::ExtensionRequest, self.0.id)
    }
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        Ok(load(ctx, TaskById(self.0.task_id)).await?.map(Task))
    }
    /// The lead unit that asked.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.unit_id)).await?.map(Unit))
    }
    /// Why the lead asks.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// The deadline in force when the request was made.
    async fn previous_due_on(&self) -> Date {
        Date(self.0.previous_due_on)
    }
    /// The day asked for.
    async fn proposed_due_on(&self) -> Date {
        Date(self.0.proposed_due_on)
    }
    async fn status(&self) -> ExtensionStatus {
        self.0.status.into()
    }
    async fn requested_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.requested_at)
    }
    async fn decided_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.decided_at.map(local_time)
    }
    /// The issuer's note (why, when rejected).
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// For optimistic locking (`decideExtension`).
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// `requestExtension` input.
#[derive(InputObject)]
pub struct RequestExtensionInput {
    pub task_id: ID,
    /// The task's lead (chủ trì).
    pub unit_id: ID,
    /// The task's version.
    pub version: i32,
    /// The day asked for: after the deadline in force.
    pub proposed_due_on: Date,
    /// Why (required, at most 2 000 characters).
    pub reason: String,
    pub client_mutation_id: Option<String>,
}

/// The issuer's answer to an extension request.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionAnswer {
    /// The task's deadline moves to the day asked.
    Approve,
    /// The deadline stands.
    Reject,
}

/// `decideExtension` input.
#[derive(InputObject)]
pub struct DecideExtensionInput {
    pub extension_request_id: ID,
    /// The request's version.
    pub version: i32,
    pub decision: ExtensionAnswer,
    /// Why (required to reject; at most 2 000 characters).
    pub note: Option<String>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `requestExtension` or `decideExtension`.
    ExtensionPayload, extension_request, ExtensionRequest, deadline_extension::Entity
);

#[derive(Default)]
pub struct ExtensionMutation;

#[Object]
impl ExtensionMutation {
    /// A task's lead asks for a later deadline, with the reason. The task must have a fixed
    /// deadline, still be worked on, and have no other request waiting.
    async fn request_extension(
        &self,
        ctx: &Context<'_>,
        input: RequestExtensionInput,
    ) -> Result<ExtensionPayload> {
        let cmid = input.client_mutation_id.clone();
        let task_id = try_input!(
            id_of::<entity::task::Entity>(&input.task_id, "taskId"),
            ExtensionPayload,
            ctx,
            cmid
        );
        let unit_id = try_input!(
            id_of::<entity::unit::Entity>(&input.unit_id, "unitId"),
            ExtensionPayload,
            ctx,
            cmid
        );
        let request = ExtensionInput {
            task_id,
            unit_id,
            version: input.version,
            proposed_due_on: input.proposed_due_on.0,
            reason: input.reason,
        };
        let outcome = run(
            ctx,
            "requestExtension",
            cmid.as_deref(),
            async |txn, actor| extensions::request(txn, actor, request).await,
        )
        .await?;
        ExtensionPayload::from(ctx, outcome, cmid).await
    }

    /// The plan's issuer approves a waiting extension request (the task's deadline becomes the
    /// day asked) or rejects it with a note.
    async fn decide_extension(
        &self,
        ctx: &Context<'_>,
        input: DecideExtensionInput,
    ) -> Result<ExtensionPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::deadline_extension::Entity>(
                &input.extension_request_id,
                "extensionRequestId"
            ),
            ExtensionPayload,
            ctx,
            cmid
        );
        let decision = match input.decision {
            ExtensionAnswer::Approve => ExtensionDecision::Approve,
            ExtensionAnswer::Reject => ExtensionDecision::Reject,
        };
        let (version, note) = (input.version, input.note);
        let outcome = run(
            ctx,
            "decideExtension",
            cmid.as_deref(),
            async |txn, actor| extensions::decide(txn, actor, id, version, decision, note).await,
        )
        .await?;
        ExtensionPayload::from(ctx, outcome, cmid).await
    }
}
