//! Dossier files (hồ sơ): files uploaded once (content-addressed by their SHA-256) and the
//! dossier items that attach them to nominations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum StoredFile {
    Table,
    Id,
    Sha256,
    Size,
    MediaType,
    FileName,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DossierItem {
    Table,
    Id,
    NominationId,
    Kind,
    FileId,
    Note,
    AttachedBy,
    AttachedUnitId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Nomination {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use StoredFile as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(uuid(F::Id).primary_key())
                    .col(string_len(F::Sha256, 64))
                    .col(big_integer(F::Size))
                    .col(string_len(F::MediaType, 100))
                    .col(text(F::FileName))
                    .col(text(F::UploadedBy))
                    .col(timestamp_with_time_zone(F::CreatedAt))
                    .to_owned(),
            )
            .await?;
        use DossierItem as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(uuid(D::Id).primary_key())
                    .col(uuid(D::NominationId))
                    .col(string_len(D::Kind, 40))
                    .col(uuid(D::FileId))
                    .col(text_null(D::Note))
                    .col(text(D::AttachedBy))
                    .col(uuid_null(D::AttachedUnitId))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .foreign_key(&mut fk(
                        D::Table,
                        D::NominationId,
                        Nomination::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        D::Table,
                        D::FileId,
                        F::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                D::Table,
                "nomination",
                vec![D::NominationId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DossierItem::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StoredFile::Table).to_owned())
            .await?;
        Ok(())
    }
}
