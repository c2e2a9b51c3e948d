//! The proposing route (tuyến trình, domain.md rule 46): which authority each unit stands for,
//! and where a nomination may go next.

use entity::enums::{AwardAuthority, UnitKind};
use entity::unit;

/// The authority a unit's head stands for when it decides or forwards awards.
pub fn authority_of(unit: &unit::Model) -> AwardAuthority {
    match unit.kind {
        UnitKind::PeoplesCommittee if unit.parent_id.is_none() => AwardAuthority::ProvinceChair,
        UnitKind::PeoplesCommittee => AwardAuthority::CommuneChair,
        UnitKind::Department => AwardAuthority::DepartmentHead,
        _ => AwardAuthority::UnitHead,
    }
}

/// Whether an authority stands outside the province's unit tree (its steps are recorded by
/// the last unit of the province that held the nomination).
pub fn is_external(authority: AwardAuthority) -> bool {
    matches!(
        authority,
        AwardAuthority::President | AwardAuthority::PrimeMinister | AwardAuthority::Minister
    )
}

/// The route's position of a unit's authority (a district chairman's place is taken by the
/// commune chairman since the district level ended).
pub fn position(route: &[AwardAuthority], authority: AwardAuthority) -> Option<usize> {
    route.iter().position(|a| {
        *a == authority
            || (authority == AwardAuthority::CommuneChair && *a == AwardAuthority::DistrictChair)
    })
}

/// How messages name an authority.
pub fn label(authority: AwardAuthority) -> &'static str {
    match authority {
        AwardAuthority::President => "the President (Chủ tịch nước)",
        AwardAuthority::PrimeMinister => "the Prime Minister (Thủ tướng Chính phủ)",
        AwardAuthority::Minister => "a minister (Bộ trưởng)",
        AwardAuthority::ProvinceChair => "the provincial chairman (Chủ tịch UBND tỉnh)",
        AwardAuthority::DistrictChair => "the district chairman (Chủ tịch UBND huyện)",
        AwardAuthority::CommuneChair => "the commune chairman (Chủ tịch UBND xã)",
        AwardAuthority::DepartmentHead => "a department director (Giám đốc Sở)",
        AwardAuthority::UnitHead => "a unit head (Thủ trưởng đơn vị)",
    }
}
