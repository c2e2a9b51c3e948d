use sea_orm::entity::prelude::*;

crate::table!("registered_operation");

/// An operation registered for persisted queries (the allow-list of first-party frontends).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    /// Lower-case hex SHA-256 of `document`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash: String,
    pub name: Option<String>,
    pub document: String,
    pub registered_at: DateTimeUtc,
    pub registered_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
