//! Emulation II: movements (phong trào thi đua) with their rounds and registrations, award
//! nominations (đề nghị khen thưởng) with their workflow history, council ballots and award
//! decisions; and, on the award catalogue, how a council votes on each award type and how long
//! its public consultation runs.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum EmulationMovement {
    Table,
    Id,
    PlanId,
    LauncherUnitId,
    Level,
    Name,
    Kind,
    ParentMovementId,
    StartsOn,
    EndsOn,
    Subjects,
    CollectiveCriteria,
    IndividualCriteria,
    RegistrationRule,
    SearchText,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum EmulationRound {
    Table,
    Id,
    MovementId,
    Kind,
    Name,
    AchievementFrom,
    AchievementTo,
    OpensOn,
    ClosesOn,
    AwardCodes,
    Quotas,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum EmulationRegistration {
    Table,
    Id,
    MovementId,
    Year,
    SubjectKind,
    SubjectId,
    AwardCode,
    UnitId,
    RegisteredOn,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Nomination {
    Table,
    Id,
    RoundId,
    MovementId,
    NomineeKind,
    NomineeId,
    AwardTypeId,
    AwardCode,
    AchievementFrom,
    AchievementTo,
    AchievementKind,
    NominatingUnitId,
    HolderUnitId,
    RouteStep,
    State,
    Summary,
    InitiativeIds,
    SupplementRequest,
    ConsultationPostedOn,
    ConsultationClosesOn,
    ConsultationChannel,
    DecisionId,
    AwardedTypeId,
    Warnings,
    OpenMarker,
    SearchText,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum NominationEvent {
    Table,
    Id,
    NominationId,
    Action,
    FromState,
    ToState,
    Actor,
    ActorUnitId,
    HolderUnitId,
    Note,
    Warnings,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum CouncilBallot {
    Table,
    Id,
    NominationId,
    UnitId,
    Stage,
    MeetingOn,
    MembersTotal,
    YesVotes,
    NoVotes,
    Abstentions,
    Secret,
    ThresholdPercent,
    Passed,
    MinutesRef,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AwardDecision {
    Table,
    Id,
    UnitId,
    Number,
    DecidedOn,
    Signer,
    Authority,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AwardType {
    Table,
    CouncilPercent,
    SecretBallot,
    ConsultationWorkingDays,
}
#[derive(DeriveIden, Clone, Copy)]
enum Plan {
    Table,
}
#[derive(DeriveIden, Clone, Copy)]
enum Unit {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            integer(AwardType::CouncilPercent).default(50).to_owned(),
            boolean(AwardType::SecretBallot).default(false).to_owned(),
            integer_null(AwardType::ConsultationWorkingDays).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AwardType::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        use EmulationMovement as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(uuid(M::Id).primary_key())
                    .col(uuid_null(M::PlanId))
                    .col(uuid(M::LauncherUnitId))
                    .col(string_len(M::Level, 32))
                    .col(text(M::Name))
                    .col(string_len(M::Kind, 32))
                    .col(uuid_null(M::ParentMovementId))
                    .col(date(M::StartsOn))
                    .col(date(M::EndsOn))
                    .col(string_len(M::Subjects, 100))
                    .col(text_null(M::CollectiveCriteria))
                    .col(text_null(M::IndividualCriteria))
                    .col(string_len(M::RegistrationRule, 32))
                    .col(text(M::SearchText))
                    .col(integer(M::Version))
                    .col(text_null(M::CreatedBy))
                    .col(timestamp_with_time_zone(M::CreatedAt))
                    .col(timestamp_with_time_zone(M::UpdatedAt))
                    .foreign_key(&mut fk(
                        M::Table,
                        M::PlanId,
                        Plan::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        M::Table,
                        M::LauncherUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        M::Table,
                        M::ParentMovementId,
                        M::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                M::Table,
                "launcher",
                vec![M::LauncherUnitId.into_iden()],
            ))
            .await?;
        use EmulationRound as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(uuid(R::Id).primary_key())
                    .col(uuid(R::MovementId))
                    .col(string_len(R::Kind, 32))
                    .col(text(R::Name))
                    .col(date(R::AchievementFrom))
                    .col(date(R::AchievementTo))
                    .col(date(R::OpensOn))
                    .col(date(R::ClosesOn))
                    .col(text(R::AwardCodes))
                    .col(json(R::Quotas))
                    .col(integer(R::Version))
                    .col(text_null(R::CreatedBy))
                    .col(timestamp_with_time_zone(R::CreatedAt))
                    .col(timestamp_with_time_zone(R::UpdatedAt))
                    .foreign_key(&mut fk(
                        R::Table,
                        R::MovementId,
                        M::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                R::Table,
                "movement",
                vec![R::MovementId.into_iden()],
            ))
            .await?;
        use EmulationRegistration as G;
        manager
            .create_table(
                Table::create()
                    .table(G::Table)
                    .col(uuid(G::Id).primary_key())
                    .col(uuid(G::MovementId))
                    .col(integer(G::Year))
                    .col(string_len(G::SubjectKind, 32))
                    .col(uuid(G::SubjectId))
                    .col(string_len(G::AwardCode, 40))
                    .col(uuid(G::UnitId))
                    .col(date(G::RegisteredOn))
                    .col(text_null(G::CreatedBy))
                    .col(timestamp_with_time_zone(G::CreatedAt))
                    .foreign_key(&mut fk(
                        G::Table,
                        G::MovementId,
                        M::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One registration of a subject for a title per movement and year: registering again
        // changes nothing.
        manager
            .create_index(
                Index::create()
                    .name("ux_emulation_registration")
                    .table(G::Table)
                    .col(G::SubjectId)
                    .col(G::MovementId)
                    .col(G::Year)
                    .col(G::AwardCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use AwardDecision as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(uuid(D::Id).primary_key())
                    .col(uuid(D::UnitId))
                    .col(string_len(D::Number, 100))
                    .col(date(D::DecidedOn))
                    .col(text(D::Signer))
                    .col(string_len(D::Authority, 32))
                    .col(text_null(D::CreatedBy))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .foreign_key(&mut fk(
                        D::Table,
                        D::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // A decision's number is unique within its issuer and day: deciding more nominations
        // under it adds recipients to the same decision.
        manager
            .create_index(
                Index::create()
                    .name("ux_award_decision_number")
                    .table(D::Table)
                    .col(D::UnitId)
                    .col(D::Number)
                    .col(D::DecidedOn)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use Nomination as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .col(uuid(N::Id).primary_key())
                    .col(uuid(N::RoundId))
                    .col(uuid(N::MovementId))
                    .col(string_len(N::NomineeKind, 32))
                    .col(uuid(N::NomineeId))
                    .col(uuid(N::AwardTypeId))
                    .col(string_len(N::AwardCode, 40))
                    .col(date(N::AchievementFrom))
                    .col(date(N::AchievementTo))
                    .col(string_len(N::AchievementKind, 32))
                    .col(uuid(N::NominatingUnitId))
                    .col(uuid(N::HolderUnitId))
                    .col(integer(N::RouteStep))
                    .col(string_len(N::State, 32))
                    .col(text(N::Summary))
                    .col(text(N::InitiativeIds))
                    .col(json_null(N::SupplementRequest))
                    .col(date_null(N::ConsultationPostedOn))
                    .col(date_null(N::ConsultationClosesOn))
                    .col(text_null(N::ConsultationChannel))
                    .col(uuid_null(N::DecisionId))
                    .col(uuid_null(N::AwardedTypeId))
                    .col(json(N::Warnings))
                    .col(small_integer_null(N::OpenMarker))
                    .col(text(N::SearchText))
                    .col(integer(N::Version))
                    .col(text_null(N::CreatedBy))
                    .col(timestamp_with_time_zone(N::CreatedAt))
                    .col(timestamp_with_time_zone(N::UpdatedAt))
                    .foreign_key(&mut fk(
                        N::Table,
                        N::RoundId,
                        R::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        N::Table,
                        N::NominatingUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        N::Table,
                        N::DecisionId,
                        D::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // Rule 47: one open nomination of a nominee for an award type and window. `open_marker`
        // is 1 while the nomination is open and NULL once it is closed (NULLs never collide).
        manager
            .create_index(
                Index::create()
                    .name("ux_nomination_open")
                    .table(N::Table)
                    .col(N::NomineeId)
                    .col(N::AwardCode)
                    .col(N::AchievementFrom)
                    .col(N::AchievementTo)
                    .col(N::OpenMarker)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (suffix, columns) in [
            (
                "round_state",
                vec![N::RoundId.into_iden(), N::State.into_iden()],
            ),
            (
                "nominating",
                vec![N::NominatingUnitId.into_iden(), N::State.into_iden()],
            ),
            (
                "holder",
                vec![N::HolderUnitId.into_iden(), N::State.into_iden()],
            ),
            ("nominee", vec![N::NomineeId.into_iden()]),
        ] {
            manager
                .create_index(crate::index(N::Table, suffix, columns))
                .await?;
        }
        use NominationEvent as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(uuid(E::Id).primary_key())
                    .col(uuid(E::NominationId))
                    .col(string_len(E::Action, 40))
                    .col(string_len_null(E::FromState, 32))
                    .col(string_len(E::ToState, 32))
                    .col(text(E::Actor))
                    .col(uuid_null(E::ActorUnitId))
                    .col(uuid_null(E::HolderUnitId))
                    .col(text_null(E::Note))
                    .col(json(E::Warnings))
                    .col(timestamp_with_time_zone(E::At))
                    .foreign_key(&mut fk(
                        E::Table,
                        E::NominationId,
                        N::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                E::Table,
                "nomination",
                vec![E::NominationId.into_iden()],
            ))
            .await?;
        use CouncilBallot as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(uuid(B::Id).primary_key())
                    .col(uuid(B::NominationId))
                    .col(uuid(B::UnitId))
                    .col(string_len(B::Stage, 32))
                    .col(date(B::MeetingOn))
                    .col(integer(B::MembersTotal))
                    .col(integer(B::YesVotes))
                    .col(integer(B::NoVotes))
                    .col(integer(B::Abstentions))
                    .col(boolean(B::Secret))
                    .col(integer(B::ThresholdPercent))
                    .col(boolean(B::Passed))
                    .col(string_len_null(B::MinutesRef, 100))
                    .col(text_null(B::CreatedBy))
                    .col(timestamp_with_time_zone(B::CreatedAt))
                    .foreign_key(&mut fk(
                        B::Table,
                        B::NominationId,
                        N::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                B::Table,
                "nomination",
                vec![B::NominationId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CouncilBallot::Table.into_iden(),
            NominationEvent::Table.into_iden(),
            Nomination::Table.into_iden(),
            AwardDecision::Table.into_iden(),
            EmulationRegistration::Table.into_iden(),
            EmulationRound::Table.into_iden(),
            EmulationMovement::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            AwardType::CouncilPercent,
            AwardType::SecretBallot,
            AwardType::ConsultationWorkingDays,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AwardType::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
