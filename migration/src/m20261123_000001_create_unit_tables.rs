//! Units (đơn vị), their succession history and unit groups.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Unit {
    Table,
    Id,
    Code,
    Name,
    ShortName,
    Kind,
    ParentId,
    ActiveFrom,
    ActiveTo,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UnitSuccession {
    Table,
    Id,
    PredecessorId,
    SuccessorId,
    Event,
    EffectiveOn,
    Decision,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum UnitGroup {
    Table,
    Id,
    Label,
    ParentUnitId,
    UnitKinds,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UnitGroupMember {
    Table,
    GroupId,
    UnitId,
    Included,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Unit::Table)
                    .col(uuid(Unit::Id).primary_key())
                    // Mã định danh điện tử (QĐ 20/2020/QĐ-TTg): unique when present, never reused.
                    .col(string_len_null(Unit::Code, 35).unique_key())
                    .col(text(Unit::Name))
                    .col(text_null(Unit::ShortName))
                    .col(string_len(Unit::Kind, 32))
                    .col(uuid_null(Unit::ParentId))
                    .col(date_null(Unit::ActiveFrom))
                    .col(date_null(Unit::ActiveTo))
                    .col(text(Unit::SearchText))
                    .col(integer(Unit::Version).default(1))
                    .col(timestamp_with_time_zone(Unit::CreatedAt))
                    .col(timestamp_with_time_zone(Unit::UpdatedAt))
                    .foreign_key(&mut fk(
                        Unit::Table,
                        Unit::ParentId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // units(filter: {parentId}) and Unit.children
        manager
            .create_index(index(
                Unit::Table,
                "parent",
                vec![Unit::ParentId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UnitSuccession::Table)
                    .col(uuid(UnitSuccession::Id).primary_key())
                    .col(uuid(UnitSuccession::PredecessorId))
                    .col(uuid(UnitSuccession::SuccessorId))
                    .col(string_len(UnitSuccession::Event, 16))
                    .col(date(UnitSuccession::EffectiveOn))
                    .col(text_null(UnitSuccession::Decision))
                    .col(timestamp_with_time_zone(UnitSuccession::CreatedAt))
                    .foreign_key(&mut fk(
                        UnitSuccession::Table,
                        UnitSuccession::PredecessorId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        UnitSuccession::Table,
                        UnitSuccession::SuccessorId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // Unit.successor
        manager
            .create_index(index(
                UnitSuccession::Table,
                "predecessor",
                vec![UnitSuccession::PredecessorId.into_iden()],
            ))
            .await?;
        // Unit.predecessors
        manager
            .create_index(index(
                UnitSuccession::Table,
                "successor",
                vec![UnitSuccession::SuccessorId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UnitGroup::Table)
                    .col(uuid(UnitGroup::Id).primary_key())
                    .col(text(UnitGroup::Label))
                    .col(uuid_null(UnitGroup::ParentUnitId))
                    // Comma-separated unit kinds; empty means "any kind".
                    .col(text(UnitGroup::UnitKinds).default(""))
                    .col(timestamp_with_time_zone(UnitGroup::CreatedAt))
                    .foreign_key(&mut fk(
                        UnitGroup::Table,
                        UnitGroup::ParentUnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // groups resolved for a unit: "groups whose parent is my parent"
        manager
            .create_index(index(
                UnitGroup::Table,
                "parent",
                vec![UnitGroup::ParentUnitId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UnitGroupMember::Table)
                    .col(uuid(UnitGroupMember::GroupId))
                    .col(uuid(UnitGroupMember::UnitId))
                    .col(boolean(UnitGroupMember::Included))
                    .primary_key(
                        Index::create()
                            .col(UnitGroupMember::GroupId)
                            .col(UnitGroupMember::UnitId),
                    )
                    .foreign_key(&mut fk(
                        UnitGroupMember::Table,
                        UnitGroupMember::GroupId,
                        UnitGroup::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        UnitGroupMember::Table,
                        UnitGroupMember::UnitId,
                        Unit::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // groups that name a unit explicitly
        manager
            .create_index(index(
                UnitGroupMember::Table,
                "unit",
                vec![UnitGroupMember::UnitId.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            UnitGroupMember::Table.into_iden(),
            UnitGroup::Table.into_iden(),
            UnitSuccession::Table.into_iden(),
            Unit::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
