//! People (cán bộ, công chức, viên chức, người lao động) whose emulation records are kept, and
//! their employments in units over time: a record follows the person from unit to unit, and a
//! unit merged away stays the unit it was earned in.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Person {
    Table,
    Id,
    FullName,
    SearchText,
    BirthDate,
    Gender,
    StaffCategory,
    Position,
    UnitId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Employment {
    Table,
    Id,
    PersonId,
    UnitId,
    Position,
    StartedOn,
    EndedOn,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Unit {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Person as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(uuid(P::Id).primary_key())
                    .col(text(P::FullName))
                    .col(text(P::SearchText))
                    .col(date_null(P::BirthDate))
                    .col(string_len_null(P::Gender, 32))
                    .col(string_len_null(P::StaffCategory, 32))
                    .col(text_null(P::Position))
                    .col(uuid(P::UnitId))
                    .col(integer(P::Version))
                    .col(timestamp_with_time_zone(P::CreatedAt))
                    .col(timestamp_with_time_zone(P::UpdatedAt))
                    .foreign_key(&mut fk(
                        P::Table,
                        P::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                P::Table,
                "unit_name",
                vec![P::UnitId.into_iden(), P::SearchText.into_iden()],
            ))
            .await?;
        use Employment as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(uuid(E::Id).primary_key())
                    .col(uuid(E::PersonId))
                    .col(uuid(E::UnitId))
                    .col(text_null(E::Position))
                    .col(date(E::StartedOn))
                    .col(date_null(E::EndedOn))
                    .col(timestamp_with_time_zone(E::CreatedAt))
                    .foreign_key(&mut fk(
                        E::Table,
                        E::PersonId,
                        P::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        E::Table,
                        E::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One employment of a person starts on a given day: two recorded at once cannot both
        // be "the current one".
        manager
            .create_index(
                Index::create()
                    .name("ux_employment_person_started_on")
                    .table(E::Table)
                    .col(E::PersonId)
                    .col(E::StartedOn)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(E::Table, "unit", vec![E::UnitId.into_iden()]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Employment::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Person::Table).to_owned())
            .await
    }
}
