//! What the nomination exports hold: a round's nomination list and a decision's recipient list
//! (the annex of the decision: STT, họ tên / tập thể, chức vụ, đơn vị, hình thức, thành tích),
//! within what the caller may read, in a fixed number of statements. The HTTP layer lays them
//! out as workbooks.

use chrono::NaiveDate;
use entity::enums::{AwardSubject, NominationState};
use entity::{award_decision, emulation_round, nomination};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::read::readable;
use crate::access::Principal;
use crate::emulation::{catalogue, person};
use crate::kernel::error::DomainResult;
use crate::kernel::time::DayMonthYear;

/// The most lines one export holds.
pub const MAX_LINES: usize = 10_000;

/// One nomination as an export lists it.
#[derive(Debug, Clone)]
pub struct NominationLine {
    /// Họ và tên, or the collective's name.
    pub nominee: String,
    pub collective: bool,
    /// Chức vụ (a person's position).
    pub position: Option<String>,
    /// The nominee's unit (a person's), or the collective itself.
    pub unit: String,
    /// The award proposed.
    pub proposed: String,
    /// The award given, once decided.
    pub awarded: Option<String>,
    pub achievement_from: NaiveDate,
    pub achievement_to: NaiveDate,
    /// Tóm tắt thành tích.
    pub summary: String,
    pub nominating_unit: String,
    pub state: NominationState,
    pub decision: Option<String>,
}

/// A state as the exports write it, in Vietnamese.
pub fn state_label(state: NominationState) -> &'static str {
    match state {
        NominationState::Draft => "Dự thảo",
        NominationState::UnitReview => "Chờ Hội đồng cơ sở xét",
        NominationState::Returned => "Trả lại đơn vị",
        NominationState::Forwarded => "Đã trình cấp trên",
        NominationState::Appraisal => "Đang thẩm định",
        NominationState::SupplementRequested => "Chờ bổ sung hồ sơ",
        NominationState::PublicConsultation => "Đang lấy ý kiến công khai",
        NominationState::PendingDecision => "Chờ quyết định",
        NominationState::Awarded => "Đã khen thưởng",
        NominationState::Downgraded => "Khen thưởng hình thức thấp hơn",
        NominationState::Rejected => "Không khen thưởng",
        NominationState::Withdrawn => "Đã rút",
    }
}

/// The lines of these nominations, in their order (five statements whatever their number).
async fn lines(
    db: &impl ConnectionTrait,
    nominations: Vec<nomination::Model>,
) -> DomainResult<Vec<NominationLine>> {
    let people: Vec<Uuid> = nominations
        .iter()
        .filter(|n| n.nominee_kind != AwardSubject::Collective)
        .map(|n| n.nominee_id)
        .collect();
    let people = person::by_ids(db, &people).await?;
    let mut unit_ids: Vec<Uuid> = nominations
        .iter()
        .flat_map(|n| [n.nominating_unit_id, n.nominee_id])
        .chain(people.values().map(|p| p.unit_id))
        .collect();
    unit_ids.sort();
    unit_ids.dedup();
    let units = crate::org::unit::by_ids(db, &unit_ids).await?;
    let mut type_ids: Vec<Uuid> = nominations
        .iter()
        .flat_map(|n| [Some(n.award_type_id), n.awarded_type_id])
        .flatten()
        .collect();
    type_ids.sort();
    type_ids.dedup();
    let types = catalogue::by_ids(db, &type_ids).await?;
    let decision_ids: Vec<Uuid> = nominations.iter().filter_map(|n| n.decision_id).collect();
    let decisions: crate::kernel::maps::FastMap<Uuid, award_decision::Model> =
        if decision_ids.is_empty() {
            Default::default()
        } else {
            super::decision::by_ids(db, &decision_ids).await?
        };
    let unit_name = |id: Uuid| units.get(&id).map(|u| u.name.clone()).unwrap_or_default();
    let type_name = |id: Uuid| {
        types
            .get(&id)
            .map(|t| t.model.name.clone())
            .unwrap_or_default()
    };
    Ok(nominations
        .into_iter()
        .map(|n| {
            let collective = n.nominee_kind == AwardSubject::Collective;
            let (nominee, position, unit) = if collective {
                (unit_name(n.nominee_id), None, unit_name(n.nominee_id))
            } else {
                let p = people.get(&n.nominee_id);
                (
                    p.map(|p| p.full_name.clone()).unwrap_or_default(),
                    p.and_then(|p| p.position.clone()),
                    p.map(|p| unit_name(p.unit_id)).unwrap_or_default(),
                )
            };
            NominationLine {
                nominee,
                collective,
                position,
                unit,
                proposed: type_name(n.award_type_id),
                awarded: n.awarded_type_id.map(type_name),
                achievement_from: n.achievement_from,
                achievement_to: n.achievement_to,
                summary: n.summary.clone(),
                nominating_unit: unit_name(n.nominating_unit_id),
                state: n.state,
                decision: n.decision_id.and_then(|d| {
                    decisions
                        .get(&d)
                        .map(|d| format!("{} ngày {}", d.number, DayMonthYear(d.decided_on)))
                }),
            }
        })
        .collect())
}

/// A round's nominations the caller may read, by nominating unit then nominee (`None`: no such
/// round).
pub async fn round_list(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    round: Uuid,
) -> DomainResult<Option<(emulation_round::Model, Vec<NominationLine>)>> {
    let Some(round) = emulation_round::Entity::find_by_id(round).one(db).await? else {
        return Ok(None);
    };
    let mut select = nomination::Entity::find().filter(nomination::Column::RoundId.eq(round.id));
    if let Some(scope) = readable(db, principal).await? {
        select = select.filter(scope);
    }
    let nominations = select
        .order_by_asc(nomination::Column::NominatingUnitId)
        .order_by_asc(nomination::Column::CreatedAt)
        .order_by_asc(nomination::Column::Id)
        .all(db)
        .await?;
    let mut lines = lines(db, nominations.into_iter().take(MAX_LINES).collect()).await?;
    lines.sort_by(|a, b| a.nominating_unit.cmp(&b.nominating_unit));
    Ok(Some((round, lines)))
}

/// A decision's recipients the caller may read, collectives first (`None`: no such decision,
/// or none of its recipients is readable).
pub async fn decision_list(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    decision: Uuid,
) -> DomainResult<Option<(award_decision::Model, Vec<NominationLine>)>> {
    let Some(decision) = award_decision::Entity::find_by_id(decision).one(db).await? else {
        return Ok(None);
    };
    let mut select =
        nomination::Entity::find().filter(nomination::Column::DecisionId.eq(decision.id));
    if let Some(scope) = readable(db, principal).await? {
        select = select.filter(scope);
    }
    let nominations = select
        .order_by_asc(nomination::Column::UpdatedAt)
        .order_by_asc(nomination::Column::Id)
        .all(db)
        .await?;
    if nominations.is_empty() {
        return Ok(None);
    }
    let mut lines = lines(db, nominations.into_iter().take(MAX_LINES).collect()).await?;
    lines.sort_by_key(|l| !l.collective);
    Ok(Some((decision, lines)))
}
