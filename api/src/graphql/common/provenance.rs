//! `provenance` on the objects the demo data may have invented or annotated.

use async_graphql::{Context, Result, SimpleObject};
use uuid::Uuid;

use crate::graphql::common::context::load;
use crate::graphql::loading::loaders::ProvenanceOf;

/// Where an object comes from, when it is not a fact a person entered through the API: the
/// demo transcribes real documents and marks what it had to invent or infer.
#[derive(SimpleObject)]
pub struct Provenance {
    /// Invented or inferred for the demo (a task's status, a progress update, an illustrative
    /// agency code, a lead the document does not name), not stated by the document.
    pub illustrative: bool,
    /// What was invented, inferred or read, and from where.
    pub note: Option<String>,
}

/// The provenance of object `id` (null when a person entered it), batched across a page.
pub async fn provenance(ctx: &Context<'_>, id: Uuid) -> Result<Option<Provenance>> {
    Ok(load(ctx, ProvenanceOf(id))
        .await?
        .flatten()
        .map(|p| Provenance {
            illustrative: p.illustrative,
            note: p.note,
        }))
}
