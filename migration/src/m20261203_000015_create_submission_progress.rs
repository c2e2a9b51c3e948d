//! Progress updates sent inside a report submission (báo cáo kèm tiến độ): a link from an update
//! to the report that carries it. An update belongs to one report at most.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SubmissionProgress {
    Table,
    ProgressUpdateId,
    SubmissionId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgressUpdate {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportSubmission {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SubmissionProgress as L;
        manager
            .create_table(
                Table::create()
                    .table(L::Table)
                    .col(uuid(L::ProgressUpdateId).primary_key())
                    .col(uuid(L::SubmissionId))
                    .foreign_key(&mut fk(
                        L::Table,
                        L::ProgressUpdateId,
                        ProgressUpdate::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        L::Table,
                        L::SubmissionId,
                        ReportSubmission::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_submission_progress_submission")
                    .table(L::Table)
                    .col(L::SubmissionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SubmissionProgress::Table).to_owned())
            .await
    }
}
