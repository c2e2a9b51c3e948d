//! Emulation records (thành tích): awards and titles received, yearly duty ratings, disciplines
//! and initiatives — what eligibility is judged from. A recipient or rated subject is a person
//! or a unit (`*_kind` + `*_id`: the one key its uniqueness needs).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AwardRecord {
    Table,
    Id,
    RecipientKind,
    RecipientId,
    AwardTypeId,
    AwardCode,
    AchievementFrom,
    AchievementTo,
    Kind,
    DecisionNumber,
    DecidedOn,
    IssuerName,
    Status,
    RevokedOn,
    RevocationReason,
    RevocationDecision,
    ReviewNote,
    Source,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DutyRating {
    Table,
    Id,
    SubjectKind,
    SubjectId,
    Year,
    Rating,
    DecisionRef,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Discipline {
    Table,
    Id,
    PersonId,
    Form,
    DecisionRef,
    DecidedOn,
    EffectiveFrom,
    EffectiveTo,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Initiative {
    Table,
    Id,
    Title,
    Kind,
    UnitId,
    Scope,
    RecognitionDecision,
    RecognisedOn,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InitiativeAuthor {
    Table,
    InitiativeId,
    PersonId,
    SharePercent,
}

#[derive(DeriveIden, Clone, Copy)]
enum AwardType {
    Table,
}
#[derive(DeriveIden, Clone, Copy)]
enum Person {
    Table,
}
#[derive(DeriveIden, Clone, Copy)]
enum Unit {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AwardRecord as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(uuid(A::Id).primary_key())
                    .col(string_len(A::RecipientKind, 32))
                    .col(uuid(A::RecipientId))
                    .col(uuid(A::AwardTypeId))
                    .col(string_len(A::AwardCode, 40))
                    .col(date(A::AchievementFrom))
                    .col(date(A::AchievementTo))
                    .col(string_len(A::Kind, 32))
                    .col(string_len(A::DecisionNumber, 100))
                    .col(date(A::DecidedOn))
                    .col(text(A::IssuerName))
                    .col(string_len(A::Status, 32))
                    .col(date_null(A::RevokedOn))
                    .col(text_null(A::RevocationReason))
                    .col(string_len_null(A::RevocationDecision, 100))
                    .col(text_null(A::ReviewNote))
                    .col(string_len_null(A::Source, 64))
                    .col(integer(A::Version))
                    .col(text_null(A::CreatedBy))
                    .col(timestamp_with_time_zone(A::CreatedAt))
                    .col(timestamp_with_time_zone(A::UpdatedAt))
                    .foreign_key(&mut fk(
                        A::Table,
                        A::AwardTypeId,
                        AwardType::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // The same award for the same achievement once: a retried import changes nothing.
        manager
            .create_index(
                Index::create()
                    .name("ux_award_record_achievement")
                    .table(A::Table)
                    .col(A::RecipientId)
                    .col(A::AwardCode)
                    .col(A::AchievementFrom)
                    .col(A::AchievementTo)
                    .col(A::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use DutyRating as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(uuid(D::Id).primary_key())
                    .col(string_len(D::SubjectKind, 32))
                    .col(uuid(D::SubjectId))
                    .col(integer(D::Year))
                    .col(string_len(D::Rating, 32))
                    .col(string_len_null(D::DecisionRef, 100))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_duty_rating_subject_year")
                    .table(D::Table)
                    .col(D::SubjectId)
                    .col(D::Year)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use Discipline as X;
        manager
            .create_table(
                Table::create()
                    .table(X::Table)
                    .col(uuid(X::Id).primary_key())
                    .col(uuid(X::PersonId))
                    .col(string_len(X::Form, 32))
                    .col(string_len(X::DecisionRef, 100))
                    .col(date(X::DecidedOn))
                    .col(date(X::EffectiveFrom))
                    .col(date(X::EffectiveTo))
                    .col(timestamp_with_time_zone(X::CreatedAt))
                    .foreign_key(&mut fk(
                        X::Table,
                        X::PersonId,
                        Person::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                X::Table,
                "person",
                vec![X::PersonId.into_iden()],
            ))
            .await?;
        use Initiative as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(uuid(I::Id).primary_key())
                    .col(text(I::Title))
                    .col(string_len(I::Kind, 32))
                    .col(uuid(I::UnitId))
                    .col(string_len(I::Scope, 32))
                    .col(string_len(I::RecognitionDecision, 100))
                    .col(date(I::RecognisedOn))
                    .col(timestamp_with_time_zone(I::CreatedAt))
                    .foreign_key(&mut fk(
                        I::Table,
                        I::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        use InitiativeAuthor as W;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .col(uuid(W::InitiativeId))
                    .col(uuid(W::PersonId))
                    .col(integer_null(W::SharePercent))
                    .primary_key(Index::create().col(W::InitiativeId).col(W::PersonId))
                    .foreign_key(&mut fk(
                        W::Table,
                        W::InitiativeId,
                        I::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        W::Table,
                        W::PersonId,
                        Person::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                W::Table,
                "person",
                vec![W::PersonId.into_iden()],
            ))
            .await?;
        manager
            .create_index(crate::index(
                A::Table,
                "award_type",
                vec![A::AwardTypeId.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            InitiativeAuthor::Table.into_iden(),
            Initiative::Table.into_iden(),
            Discipline::Table.into_iden(),
            DutyRating::Table.into_iden(),
            AwardRecord::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
