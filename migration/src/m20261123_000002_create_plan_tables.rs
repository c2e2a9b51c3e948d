//! Plans (văn bản kế hoạch), the documents they implement, their areas and reporting deadlines.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_unit_tables::{Unit, UnitGroup};
use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Plan {
    Table,
    Id,
    DocumentNumber,
    Kind,
    Title,
    IssuerId,
    IssuedOn,
    IssueYear,
    Status,
    PeriodStart,
    PeriodEnd,
    SignerName,
    SignerTitle,
    Summary,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PlanReference {
    Table,
    Id,
    PlanId,
    ParentPlanId,
    ExternalNumber,
    ExternalIssuer,
    ExternalIssuedOn,
    ExternalTitle,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PlanArea {
    Table,
    Id,
    PlanId,
    Code,
    Title,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportingDeadline {
    Table,
    Id,
    PlanId,
    Period,
    Text,
    ReporterUnitId,
    ReporterGroupId,
    RecipientUnitId,
    ViaUnitId,
    Rule,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Plan::Table)
                    .col(uuid(Plan::Id).primary_key())
                    .col(string_len_null(Plan::DocumentNumber, 64))
                    .col(string_len(Plan::Kind, 32))
                    .col(text(Plan::Title))
                    .col(uuid(Plan::IssuerId))
                    .col(date_null(Plan::IssuedOn))
                    // Year of `issued_on`, kept so the database can enforce one number per issuer and year.
                    .col(integer_null(Plan::IssueYear))
                    .col(string_len(Plan::Status, 16))
                    .col(integer_null(Plan::PeriodStart))
                    .col(integer_null(Plan::PeriodEnd))
                    .col(text_null(Plan::SignerName))
                    .col(text_null(Plan::SignerTitle))
                    .col(text_null(Plan::Summary))
                    .col(text(Plan::SearchText))
                    .col(integer(Plan::Version).default(1))
                    .col(timestamp_with_time_zone(Plan::CreatedAt))
                    .col(timestamp_with_time_zone(Plan::UpdatedAt))
                    .foreign_key(&mut fk(
                        Plan::Table,
                        Plan::IssuerId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // Số ký hiệu is unique per issuer and year (drafts without a number are exempt: NULLs differ).
        manager
            .create_index(
                Index::create()
                    .name("uq_plan_issuer_number_year")
                    .table(Plan::Table)
                    .col(Plan::IssuerId)
                    .col(Plan::DocumentNumber)
                    .col(Plan::IssueYear)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // plans(orderBy: ISSUED_ON): the dashboard's plan list
        manager
            .create_index(index(
                Plan::Table,
                "issued_on",
                vec![Plan::IssuedOn.into_iden(), Plan::Id.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PlanReference::Table)
                    .col(uuid(PlanReference::Id).primary_key())
                    .col(uuid(PlanReference::PlanId))
                    .col(uuid_null(PlanReference::ParentPlanId))
                    .col(text_null(PlanReference::ExternalNumber))
                    .col(text_null(PlanReference::ExternalIssuer))
                    .col(date_null(PlanReference::ExternalIssuedOn))
                    .col(text_null(PlanReference::ExternalTitle))
                    .col(integer(PlanReference::Position))
                    .foreign_key(&mut fk(
                        PlanReference::Table,
                        PlanReference::PlanId,
                        Plan::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        PlanReference::Table,
                        PlanReference::ParentPlanId,
                        Plan::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(Expr::cust(
                        "(parent_plan_id IS NOT NULL) OR (external_number IS NOT NULL) OR (external_title IS NOT NULL)",
                    ))
                    .to_owned(),
            )
            .await?;
        // Plan.implements
        manager
            .create_index(index(
                PlanReference::Table,
                "plan",
                vec![PlanReference::PlanId.into_iden()],
            ))
            .await?;
        // Plan.implementedBy
        manager
            .create_index(index(
                PlanReference::Table,
                "parent",
                vec![PlanReference::ParentPlanId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PlanArea::Table)
                    .col(uuid(PlanArea::Id).primary_key())
                    .col(uuid(PlanArea::PlanId))
                    .col(string_len(PlanArea::Code, 32))
                    .col(text(PlanArea::Title))
                    .col(integer(PlanArea::Position))
                    .foreign_key(&mut fk(
                        PlanArea::Table,
                        PlanArea::PlanId,
                        Plan::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Plan.areas
        manager
            .create_index(index(
                PlanArea::Table,
                "plan",
                vec![PlanArea::PlanId.into_iden(), PlanArea::Position.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReportingDeadline::Table)
                    .col(uuid(ReportingDeadline::Id).primary_key())
                    .col(uuid(ReportingDeadline::PlanId))
                    .col(string_len(ReportingDeadline::Period, 16))
                    .col(text(ReportingDeadline::Text))
                    .col(uuid_null(ReportingDeadline::ReporterUnitId))
                    .col(uuid_null(ReportingDeadline::ReporterGroupId))
                    .col(uuid_null(ReportingDeadline::RecipientUnitId))
                    .col(uuid_null(ReportingDeadline::ViaUnitId))
                    // The structured rule (kind + parameters) as JSON; the progress issue turns it
                    // into a period engine.
                    .col(json(ReportingDeadline::Rule))
                    .col(integer(ReportingDeadline::Position))
                    .foreign_key(&mut fk(
                        ReportingDeadline::Table,
                        ReportingDeadline::PlanId,
                        Plan::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ReportingDeadline::Table,
                        ReportingDeadline::ReporterUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ReportingDeadline::Table,
                        ReportingDeadline::ReporterGroupId,
                        UnitGroup::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ReportingDeadline::Table,
                        ReportingDeadline::RecipientUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ReportingDeadline::Table,
                        ReportingDeadline::ViaUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // Plan.reportingDeadlines
        manager
            .create_index(index(
                ReportingDeadline::Table,
                "plan",
                vec![ReportingDeadline::PlanId.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReportingDeadline::Table.into_iden(),
            PlanArea::Table.into_iden(),
            PlanReference::Table.into_iden(),
            Plan::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
