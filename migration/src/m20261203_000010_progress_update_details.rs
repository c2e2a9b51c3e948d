//! Progress updates gain what a unit reports beside its percent: difficulties (khó khăn, vướng
//! mắc), proposals (kiến nghị) and who reported it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ProgressUpdate {
    Table,
    Difficulties,
    Proposals,
    ReportedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in [
            ProgressUpdate::Difficulties,
            ProgressUpdate::Proposals,
            ProgressUpdate::ReportedBy,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ProgressUpdate::Table)
                        .add_column(text_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ProgressUpdate::ReportedBy,
            ProgressUpdate::Proposals,
            ProgressUpdate::Difficulties,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ProgressUpdate::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
