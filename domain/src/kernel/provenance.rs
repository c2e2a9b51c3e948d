//! Provenance of stored objects (see `entity::provenance`): what the demo invented, inferred or
//! annotated. An object with no provenance was entered by a person through the API.

use std::collections::HashMap;

use entity::provenance;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::error::DomainResult;

/// The provenance of objects, by object id (one statement).
pub async fn of_objects(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, provenance::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(provenance::Entity::find()
        .filter(provenance::Column::ObjectId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.object_id, p))
        .collect())
}
