//! Batches (tờ trình): one proposal letter, with its number and date, carrying many
//! nominations from the unit holding them to the next level.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum NominationBatch {
    Table,
    Id,
    FromUnitId,
    ToUnitId,
    ToAuthority,
    Number,
    SignedOn,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum NominationBatchItem {
    Table,
    BatchId,
    NominationId,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum Nomination {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Unit {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use NominationBatch as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(uuid(B::Id).primary_key())
                    .col(uuid(B::FromUnitId))
                    .col(uuid_null(B::ToUnitId))
                    .col(string_len(B::ToAuthority, 40))
                    .col(string_len(B::Number, 100))
                    .col(date(B::SignedOn))
                    .col(text_null(B::Note))
                    .col(text(B::CreatedBy))
                    .col(timestamp_with_time_zone(B::CreatedAt))
                    .foreign_key(&mut fk(
                        B::Table,
                        B::FromUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        B::Table,
                        B::ToUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One letter per unit, number and date: a retried batch finds the first.
        manager
            .create_index(
                Index::create()
                    .name("uq_nomination_batch_letter")
                    .table(B::Table)
                    .col(B::FromUnitId)
                    .col(B::Number)
                    .col(B::SignedOn)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use NominationBatchItem as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(uuid(I::BatchId))
                    .col(uuid(I::NominationId))
                    .col(integer(I::Position))
                    .primary_key(Index::create().col(I::BatchId).col(I::NominationId))
                    .foreign_key(&mut fk(
                        I::Table,
                        I::BatchId,
                        B::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        I::Table,
                        I::NominationId,
                        Nomination::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                I::Table,
                "nomination",
                vec![I::NominationId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NominationBatchItem::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(NominationBatch::Table).to_owned())
            .await?;
        Ok(())
    }
}
