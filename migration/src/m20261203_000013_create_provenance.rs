//! Provenance: which stored objects the demo invented or inferred (a task's status, a progress
//! update, an illustrative agency code, a lead the document does not name), with a note saying
//! what. Objects without a row were entered by people through the API.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Provenance {
    Table,
    ObjectId,
    ObjectType,
    Illustrative,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Provenance as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(uuid(P::ObjectId).primary_key())
                    .col(string_len(P::ObjectType, 32))
                    .col(boolean(P::Illustrative).default(false))
                    .col(text_null(P::Note))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Provenance::Table).to_owned())
            .await
    }
}
