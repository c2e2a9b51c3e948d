//! The award catalogue (danh mục danh hiệu thi đua, hình thức khen thưởng), versioned by law:
//! each award type is a code with versions that each take effect on a day and are never
//! changed afterwards, and the base salary (lương cơ sở) its rewards are multiples of, with
//! its own history.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AwardType {
    Table,
    Id,
    Code,
    Version,
    NationalCode,
    Name,
    Category,
    Subjects,
    Rank,
    DecidingAuthority,
    ProposingRoute,
    RewardHundredths,
    EligibilityRule,
    RuleParameters,
    LawVersion,
    LegalBasis,
    ValidFrom,
    ValidTo,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum BaseSalary {
    Table,
    Id,
    Amount,
    ValidFrom,
    LegalBasis,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AwardType as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(uuid(A::Id).primary_key())
                    .col(string_len(A::Code, 40))
                    .col(integer(A::Version))
                    .col(string_len_null(A::NationalCode, 40))
                    .col(text(A::Name))
                    .col(string_len(A::Category, 32))
                    .col(string_len(A::Subjects, 100))
                    .col(integer(A::Rank))
                    .col(string_len(A::DecidingAuthority, 32))
                    .col(string_len(A::ProposingRoute, 300))
                    .col(integer_null(A::RewardHundredths))
                    .col(string_len(A::EligibilityRule, 40))
                    .col(json(A::RuleParameters))
                    .col(string_len(A::LawVersion, 40))
                    .col(text(A::LegalBasis))
                    .col(date(A::ValidFrom))
                    .col(date_null(A::ValidTo))
                    .col(text_null(A::Note))
                    .col(text_null(A::CreatedBy))
                    .col(timestamp_with_time_zone(A::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // A code's versions are numbered once and start on distinct days: two versions added
        // at once cannot both be "the next".
        for (name, second) in [
            ("ux_award_type_code_version", A::Version),
            ("ux_award_type_code_valid_from", A::ValidFrom),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(A::Table)
                        .col(A::Code)
                        .col(second)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        use BaseSalary as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(uuid(B::Id).primary_key())
                    .col(big_integer(B::Amount))
                    .col(date(B::ValidFrom).unique_key())
                    .col(text(B::LegalBasis))
                    .col(text_null(B::CreatedBy))
                    .col(timestamp_with_time_zone(B::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BaseSalary::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AwardType::Table).to_owned())
            .await
    }
}
