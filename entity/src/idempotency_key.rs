use sea_orm::entity::prelude::*;

crate::table!("idempotency_key");

/// The outcome of a mutation, by caller and `clientMutationId`, so a retry gets the first result.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_mutation_id: String,
    pub mutation: String,
    pub outcome: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
