//! The working-day calendar: public holidays, compensatory days off and working weekends, as
//! data an administrator keeps (deadlines roll forward over days off).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CalendarDay {
    Table,
    Day,
    Kind,
    Name,
    Note,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CalendarDay::Table)
                    .col(date(CalendarDay::Day).primary_key())
                    .col(string_len(CalendarDay::Kind, 32))
                    .col(string_len(CalendarDay::Name, 200))
                    .col(text_null(CalendarDay::Note))
                    .col(timestamp_with_time_zone(CalendarDay::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CalendarDay::Table).to_owned())
            .await
    }
}
