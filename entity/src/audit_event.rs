use sea_orm::entity::prelude::*;

crate::table!("audit_event");

/// An append-only record of a successful mutation.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub subject: String,
    pub unit_id: Option<Uuid>,
    pub client_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Uuid,
    pub scope_unit_id: Option<Uuid>,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
