use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("employment");

/// A person's time in a unit (quá trình công tác): from `started_on` to `ended_on` (open: the
/// current one). A unit later merged away stays the unit the time was spent in.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub unit_id: Uuid,
    pub position: Option<String>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
