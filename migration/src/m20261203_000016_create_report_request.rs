//! Ad-hoc report requests (yêu cầu báo cáo đột xuất): an authority asks, by a letter, for a
//! report by a date. Each request of a regime is a period of its own, `YYYYDnn` (the n-th of
//! the year), which submissions name and whose deadline the request sets.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReportRequest {
    Table,
    Id,
    RegimeId,
    Year,
    Number,
    Subject,
    DocumentNumber,
    RequestedOn,
    DueOn,
    DataFrom,
    DataTo,
    UnitIds,
    RequestedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportingRegime {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ReportRequest as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(uuid(R::Id).primary_key())
                    .col(uuid(R::RegimeId))
                    .col(integer(R::Year))
                    .col(integer(R::Number))
                    .col(text(R::Subject))
                    .col(string_len_null(R::DocumentNumber, 100))
                    .col(date(R::RequestedOn))
                    .col(date(R::DueOn))
                    .col(date_null(R::DataFrom))
                    .col(date_null(R::DataTo))
                    .col(json_null(R::UnitIds))
                    .col(text_null(R::RequestedBy))
                    .col(timestamp_with_time_zone(R::CreatedAt))
                    .foreign_key(&mut fk(
                        R::Table,
                        R::RegimeId,
                        ReportingRegime::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // One number per regime and year: two requests made at once cannot share a period.
        manager
            .create_index(
                Index::create()
                    .name("ux_report_request_regime_year_number")
                    .table(R::Table)
                    .col(R::RegimeId)
                    .col(R::Year)
                    .col(R::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_request_due_on")
                    .table(R::Table)
                    .col(R::DueOn)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReportRequest::Table).to_owned())
            .await
    }
}
