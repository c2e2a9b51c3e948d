//! A round's nominations are listed newest first (`nominations(filter: { roundId })`, the
//! round's page of 5 000): an index in that order, so a page is read, not sorted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Nomination {
    Table,
    RoundId,
    CreatedAt,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(crate::index(
                Nomination::Table,
                "round_created",
                vec![
                    Nomination::RoundId.into_iden(),
                    Nomination::CreatedAt.into_iden(),
                    Nomination::Id.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_nomination_round_created")
                    .table(Nomination::Table)
                    .to_owned(),
            )
            .await
    }
}
