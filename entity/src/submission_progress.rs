use sea_orm::entity::prelude::*;

crate::table!("submission_progress");

/// A progress update sent inside a report submission.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub progress_update_id: Uuid,
    pub submission_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
