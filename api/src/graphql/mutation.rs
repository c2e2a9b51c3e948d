//! The root `Mutation`: each context's mutations merged. Every mutation takes one `input` (with
//! an optional `clientMutationId` for safe retries) and returns a payload with the object and
//! `userErrors`; authentication and permission failures are top-level errors
//! (`UNAUTHENTICATED`, `FORBIDDEN`). How a resolver runs is `common::payload`.

use async_graphql::MergedObject;

// Merged as a shallow tree, as the root query is (`graphql::query` says why): a field of the
// last context went through twenty levels, each adding to the field's future. The fields and
// their order in the schema are the same (the schema test holds them).
/// The root mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    PlanningMutation,
    crate::graphql::integration::operation::OperationMutation,
    ReportingMutation,
    EmulationMutation,
);

/// Plans, their work (targets, tasks, assignments) and units.
#[derive(MergedObject, Default)]
pub struct PlanningMutation(
    crate::graphql::planning::mutation::PlanMutation,
    crate::graphql::planning::work_mutation::WorkMutation,
    crate::graphql::org::mutation::UnitMutation,
);

/// The calendar, submissions, regimes, progress, completions, extensions, attainment,
/// contributions and report requests.
#[derive(MergedObject, Default)]
pub struct ReportingMutation(
    crate::graphql::reporting::calendar::CalendarMutation,
    crate::graphql::reporting::submission::SubmissionMutation,
    crate::graphql::reporting::regime::RegimeMutation,
    crate::graphql::reporting::progress::ProgressMutation,
    crate::graphql::reporting::progress::CompletionMutation,
    crate::graphql::reporting::extension::ExtensionMutation,
    crate::graphql::reporting::attainment::AttainmentMutation,
    crate::graphql::reporting::progress::ContributionMutation,
    crate::graphql::reporting::request::RequestMutation,
);

/// The award catalogue, people, records and imports, movements, nominations, batches and
/// dossiers.
#[derive(MergedObject, Default)]
pub struct EmulationMutation(
    crate::graphql::emulation::catalogue::CatalogueMutation,
    crate::graphql::emulation::person::PersonMutation,
    crate::graphql::emulation::record::RecordMutation,
    crate::graphql::emulation::record::ImportMutation,
    crate::graphql::emulation::movement::MovementMutation,
    crate::graphql::emulation::nomination::NominationMutation,
    crate::graphql::emulation::batch::BatchMutation,
    crate::graphql::emulation::nomination::DossierMutation,
);
