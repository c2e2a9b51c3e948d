//! A nomination with what its steps check — the award type version it proposes, the unit
//! that nominated it, its round and its movement — read in one statement (each round trip of a
//! step is a wait for a writer holding its transaction open).

use chrono::NaiveDate;
use entity::{award_type, emulation_movement, emulation_round, nomination, unit};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Query, QueryStatementBuilder, SimpleExpr,
};
use sea_orm::{ConnectionTrait, EntityTrait, Iterable, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::emulation::catalogue::AwardTypeVersion;
use crate::kernel::error::DomainResult;
use crate::kernel::rows::{ColumnSet, Columns, DecodeRow};

/// A nomination and what its steps check, as one statement read them.
#[derive(Debug, Clone)]
pub struct NominationFacts {
    pub nomination: nomination::Model,
    /// The award type version it proposes (its route, its council's rules).
    pub award: award_type::Model,
    /// The unit that nominated it (where a returned nomination goes back to).
    pub nominating_unit: unit::Model,
    pub round: emulation_round::Model,
    pub movement: emulation_movement::Model,
    /// The day the award type's next version takes effect (none: no later version), which
    /// tells how long the proposed version is in force.
    pub award_next_from: Option<NaiveDate>,
}

impl NominationFacts {
    /// The proposed version with its days in force (the eligibility checks judge with the
    /// version in force at the end of the achievement window: mostly this one, read already).
    pub fn award_version(&self) -> AwardTypeVersion {
        AwardTypeVersion::before_next(self.award.clone(), self.award_next_from)
    }
}

/// The nomination `id` with its award type version, nominating unit, round and movement;
/// `None` when there is no such nomination.
pub async fn read(db: &impl ConnectionTrait, id: Uuid) -> DomainResult<Option<NominationFacts>> {
    // Every join is on a primary key that a foreign key guarantees; the movement is the
    // round's.
    let query = nomination::Entity::find_by_id(id)
        .join(
            JoinType::InnerJoin,
            nomination::Entity::belongs_to(award_type::Entity)
                .from(nomination::Column::AwardTypeId)
                .to(award_type::Column::Id)
                .into(),
        )
        .columns(award_type::Column::iter())
        .join(
            JoinType::InnerJoin,
            nomination::Entity::belongs_to(unit::Entity)
                .from(nomination::Column::NominatingUnitId)
                .to(unit::Column::Id)
                .into(),
        )
        .columns(unit::Column::iter())
        .join(
            JoinType::InnerJoin,
            nomination::Entity::belongs_to(emulation_round::Entity)
                .from(nomination::Column::RoundId)
                .to(emulation_round::Column::Id)
                .into(),
        )
        .columns(emulation_round::Column::iter())
        .join(
            JoinType::InnerJoin,
            emulation_round::Entity::belongs_to(emulation_movement::Entity)
                .from(emulation_round::Column::MovementId)
                .to(emulation_movement::Column::Id)
                .into(),
        )
        .columns(emulation_movement::Column::iter())
        .expr(next_version_from())
        .into_query();
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    let mut columns = Columns::at(&row, 0);
    let nomination = nomination::Model::decode(&mut columns)?;
    columns.start_model(ColumnSet::ALL);
    let award = award_type::Model::decode(&mut columns)?;
    columns.start_model(ColumnSet::ALL);
    let nominating_unit = unit::Model::decode(&mut columns)?;
    columns.start_model(ColumnSet::ALL);
    let round = emulation_round::Model::decode(&mut columns)?;
    columns.start_model(ColumnSet::ALL);
    let movement = emulation_movement::Model::decode(&mut columns)?;
    columns.start_model(ColumnSet::ALL);
    let award_next_from = columns.nullable::<NaiveDate>()?;
    Ok(Some(NominationFacts {
        nomination,
        award,
        nominating_unit,
        round,
        movement,
        award_next_from,
    }))
}

/// When the joined award type's code has a later version: the first day of the next one.
fn next_version_from() -> SimpleExpr {
    let later = Alias::new("later_version");
    let next = Query::select()
        .expr(Func::min(Expr::col((
            later.clone(),
            award_type::Column::ValidFrom,
        ))))
        .from_as(award_type::Entity, later.clone())
        .and_where(
            Expr::col((later.clone(), award_type::Column::Code))
                .equals((award_type::Entity, award_type::Column::Code)),
        )
        .and_where(
            Expr::col((later, award_type::Column::ValidFrom)).gt(Expr::col((
                award_type::Entity,
                award_type::Column::ValidFrom,
            ))),
        )
        .to_owned();
    SimpleExpr::SubQuery(None, Box::new(next.into_sub_query_statement()))
}
