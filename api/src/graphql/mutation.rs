//! The root `Mutation`: each context's mutations merged. Every mutation takes one `input` (with
//! an optional `clientMutationId` for safe retries) and returns a payload with the object and
//! `userErrors`; authentication and permission failures are top-level errors
//! (`UNAUTHENTICATED`, `FORBIDDEN`). How a resolver runs is `common::payload`.

use async_graphql::MergedObject;

/// The root mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    crate::graphql::planning::mutation::PlanMutation,
    crate::graphql::planning::work_mutation::WorkMutation,
    crate::graphql::org::mutation::UnitMutation,
    crate::graphql::integration::operation::OperationMutation,
    crate::graphql::reporting::calendar::CalendarMutation,
    crate::graphql::reporting::submission::SubmissionMutation,
    crate::graphql::reporting::regime::RegimeMutation,
    crate::graphql::reporting::progress::ProgressMutation,
    crate::graphql::reporting::progress::CompletionMutation,
    crate::graphql::reporting::extension::ExtensionMutation,
    crate::graphql::reporting::attainment::AttainmentMutation,
    crate::graphql::reporting::progress::ContributionMutation,
    crate::graphql::reporting::request::RequestMutation,
    crate::graphql::emulation::catalogue::CatalogueMutation,
    crate::graphql::emulation::person::PersonMutation,
    crate::graphql::emulation::record::RecordMutation,
    crate::graphql::emulation::record::ImportMutation,
    crate::graphql::emulation::movement::MovementMutation,
    crate::graphql::emulation::nomination::NominationMutation,
    crate::graphql::emulation::batch::BatchMutation,
    crate::graphql::emulation::nomination::DossierMutation,
);
