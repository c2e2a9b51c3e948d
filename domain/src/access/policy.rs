//! The one authorization policy: who may do what, where. Every check in the codebase asks
//! [`authorize`] (a change or a read on a resource) or [`reach`] (a read scope that becomes a
//! SQL condition, such as which drafts a caller sees); the role × action matrix below is the
//! only place where a role's rights are written, and `tests/api/policy.rs` walks every cell of
//! it through HTTP.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::principal::{Principal, Role};
use crate::kernel::error::{DomainError, DomainResult};

/// What a caller may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create, change, issue, supersede, complete, delete and link plans, and change their
    /// tasks, targets and assignments. The resource is the plan's issuing unit.
    ManagePlans,
    /// Create units under a unit, change, move, close and merge units. The resource is the unit
    /// (for a creation or a move: the parent).
    ManageUnits,
    /// Create a unit at the top of the tree (no parent). The resource is the province.
    CreateTopLevelUnits,
    /// Read drafts: plans not yet issued, with their work. The resource is the issuing unit.
    ReadDrafts,
    /// Read the audit log. The resource is the unit an event belongs to.
    ReadAuditLog,
    /// Register persisted operations, and run unregistered ones where only registered ones
    /// run. The resource is the province.
    RegisterOperations,
    /// Learn that an object does not exist, where others are only told `FORBIDDEN`. The
    /// resource is the province.
    SeeMissingObjects,
    /// Declare and remove days of the working-day calendar (holidays, compensatory days,
    /// working weekends). The resource is the province.
    ManageCalendar,
    /// Draft and submit reports of a unit (báo cáo). The resource is the reporting unit.
    SubmitReports,
    /// Accept or return submitted reports. The resource is the receiving unit.
    ReviewReports,
    /// Add versions of award types and record the base salary (the award catalogue, danh mục
    /// khen thưởng). The resource is the province.
    ManageAwardCatalogue,
    /// Record people, their employments and their emulation records (ratings, awards,
    /// disciplines, initiatives). The resource is the person's unit (for an employment: both
    /// the unit left and the unit joined).
    ManageEmulationRecords,
    /// Read a person's personal data (birth date, gender, staff category, employments,
    /// ratings, disciplines). The resource is the person's unit.
    ReadPersonalData,
    /// Launch emulation movements and open their rounds (phát động phong trào thi đua). The
    /// resource is the launching unit.
    ManageMovements,
    /// Take a nomination's steps that belong to a unit: the nominating unit drafts, registers,
    /// submits, records its own council's ballot, answers supplement requests and withdraws;
    /// the unit holding it appraises, consults, records its council's ballot, forwards,
    /// decides, rejects and returns. The resource is that unit: only its own officers act for
    /// it (an upper level does not vote in a lower level's council).
    HandleNominations,
    /// Read nominations (with their nominees, dossiers and ballots). The resource is the
    /// nominating unit or the unit holding the nomination.
    ReadNominations,
}

impl Action {
    /// Every action, in the matrix's order.
    pub const ALL: [Action; 16] = [
        Action::ManagePlans,
        Action::ManageUnits,
        Action::CreateTopLevelUnits,
        Action::ReadDrafts,
        Action::ReadAuditLog,
        Action::RegisterOperations,
        Action::SeeMissingObjects,
        Action::ManageCalendar,
        Action::SubmitReports,
        Action::ReviewReports,
        Action::ManageAwardCatalogue,
        Action::ManageEmulationRecords,
        Action::ReadPersonalData,
        Action::ManageMovements,
        Action::HandleNominations,
        Action::ReadNominations,
    ];
}

/// What an action is done on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// Something belonging to a unit (a plan belongs to its issuer).
    Unit(Uuid),
    /// The province as a whole.
    Province,
}

/// How far a role's grant of an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Not at all.
    Nothing,
    /// The caller's own unit only.
    OwnUnit,
    /// The caller's unit and every unit below it, at the time of the request.
    Subtree,
    /// Everywhere, when the token's scopes include this one (LGSP clients).
    WithScope(&'static str),
    /// Everywhere.
    Province,
}

use Reach::{Nothing, OwnUnit, Province, Subtree, WithScope};

/// The roles in the matrix's column order.
pub const ROLES: [Role; 6] = [
    Role::ProvinceAdmin,
    Role::UnitAdmin,
    Role::UnitOfficer,
    Role::EmulationOfficer,
    Role::Viewer,
    Role::Integration,
];

/// Role × action: how far each role may do each action.
#[rustfmt::skip]
const MATRIX: [(Action, [Reach; 6]); 16] = [
    //                                PROVINCE_ADMIN UNIT_ADMIN UNIT_OFFICER EMULATION_OFFICER VIEWER   INTEGRATION
    (Action::ManagePlans,         [Province, Subtree, Nothing, Nothing, Nothing, WithScope("plans:write")]),
    (Action::ManageUnits,         [Province, Subtree, Nothing, Nothing, Nothing, WithScope("units:write")]),
    (Action::CreateTopLevelUnits, [Province, Nothing, Nothing, Nothing, Nothing, Nothing]),
    (Action::ReadDrafts,          [Province, Subtree, Subtree, Subtree, Subtree, Nothing]),
    (Action::ReadAuditLog,        [Province, Subtree, Nothing, Nothing, Nothing, Nothing]),
    (Action::RegisterOperations,  [Province, Nothing, Nothing, Nothing, Nothing, Nothing]),
    (Action::SeeMissingObjects,   [Province, Nothing, Nothing, Nothing, Nothing, Nothing]),
    (Action::ManageCalendar,      [Province, Nothing, Nothing, Nothing, Nothing, Nothing]),
    (Action::SubmitReports,       [Province, Subtree, Subtree, Nothing, Nothing, WithScope("reports:write")]),
    (Action::ReviewReports,       [Province, Subtree, Subtree, Nothing, Nothing, Nothing]),
    (Action::ManageAwardCatalogue, [Province, Nothing, Nothing, Nothing, Nothing, Nothing]),
    (Action::ManageEmulationRecords, [Province, Nothing, Nothing, Subtree, Nothing, WithScope("emulation:write")]),
    (Action::ReadPersonalData,    [Province, Subtree, Nothing, Subtree, Nothing, Nothing]),
    (Action::ManageMovements,     [Province, Subtree, Nothing, Subtree, Nothing, Nothing]),
    (Action::HandleNominations,   [Province, OwnUnit, Nothing, OwnUnit, Nothing, WithScope("nominations:write")]),
    (Action::ReadNominations,     [Province, Subtree, Nothing, Subtree, Subtree, WithScope("nominations:read")]),
];

/// How far `role` may do `action`.
pub fn grant(role: Role, action: Action) -> Reach {
    let column = ROLES.iter().position(|r| *r == role).unwrap_or(0);
    MATRIX
        .iter()
        .find(|(a, _)| *a == action)
        .map_or(Nothing, |(_, reaches)| reaches[column])
}

/// How far the principal may do `action`, over all its roles: the widest grant (a scope
/// counts as the province when the token carries it).
pub fn reach(principal: &Principal, action: Action) -> Reach {
    let mut widest = Nothing;
    for role in &principal.roles {
        match grant(*role, action) {
            Province => return Province,
            WithScope(scope) if principal.scopes.iter().any(|s| s == scope) => return Province,
            Subtree => widest = Subtree,
            OwnUnit if widest == Nothing => widest = OwnUnit,
            _ => {}
        }
    }
    widest
}

/// Whether the principal may do `action` anywhere (for province-wide actions).
pub fn allows(principal: &Principal, action: Action) -> bool {
    reach(principal, action) == Province
}

/// Allows `action` on `resource`, or refuses it with `FORBIDDEN` (which says nothing of whether
/// the resource exists).
pub async fn authorize(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
    resource: Resource,
) -> DomainResult<()> {
    let allowed = match (reach(principal, action), resource) {
        (Province, _) => true,
        (Subtree, Resource::Unit(unit)) => in_own_subtree(db, principal, unit).await?,
        (OwnUnit, Resource::Unit(unit)) => principal.unit_id == Some(unit),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(DomainError::Forbidden(refusal(action).into()))
    }
}

/// Whether `unit` is the caller's unit or below it, at the time of the request. The subtree
/// read when the request began allows at no cost; a unit not in it is looked for again in the
/// tree as it is now, since an earlier mutation of the same request may have created it.
async fn in_own_subtree(
    db: &impl ConnectionTrait,
    principal: &Principal,
    unit: Uuid,
) -> DomainResult<bool> {
    let Some(own) = principal.unit_id else {
        return Ok(false);
    };
    if principal
        .subtree
        .as_deref()
        .is_some_and(|units| units.contains(&unit))
    {
        return Ok(true);
    }
    Ok(crate::org::unit::subtree_ids(db, own)
        .await?
        .contains(&unit))
}

/// Whether some grant of the principal reaches a subtree: then a request reads its caller's
/// subtree once, with its unit, and the policy and the read scopes take it from there.
pub fn needs_subtree(principal: &Principal) -> bool {
    Action::ALL
        .iter()
        .any(|action| reach(principal, *action) == Subtree)
}

/// What a refused caller is told.
fn refusal(action: Action) -> &'static str {
    match action {
        Action::ManagePlans | Action::ManageUnits => "you may not change data of this unit",
        Action::CreateTopLevelUnits => "only a province administrator creates top-level units",
        Action::ReadDrafts => "you may not read drafts of this unit",
        Action::ReadAuditLog => "only administrators read the audit log",
        Action::RegisterOperations => "only a province administrator registers operations",
        Action::SeeMissingObjects => "you may not change data of this unit",
        Action::ManageCalendar => "only a province administrator keeps the working-day calendar",
        Action::SubmitReports => "you may not report for this unit",
        Action::ReviewReports => "only the receiving unit accepts or returns this report",
        Action::ManageAwardCatalogue => "only a province administrator keeps the award catalogue",
        Action::ManageEmulationRecords => {
            "only the emulation officers of this person's unit and above keep their records"
        }
        Action::ReadPersonalData => {
            "personal data is read only by the emulation officers and administrators of the person's unit and above"
        }
        Action::ManageMovements => {
            "only the emulation officers and administrators of the launching unit and above run its movements"
        }
        Action::HandleNominations => {
            "this step of the nomination belongs to another unit: only its emulation officers and administrators take it"
        }
        Action::ReadNominations => {
            "nominations are read by the emulation officers, administrators and viewers of the units they pass through"
        }
    }
}

/// The units whose objects the principal may `action` (a read scope): `None` for all of them,
/// `Some(units)` for these only (empty: none).
pub async fn scope(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
) -> DomainResult<Option<Vec<Uuid>>> {
    match (reach(principal, action), principal.unit_id) {
        (Province, _) => Ok(None),
        (Subtree, Some(own)) => Ok(Some(match &principal.subtree {
            Some(units) => units.to_vec(),
            None => crate::org::unit::subtree_ids(db, own).await?,
        })),
        (OwnUnit, Some(own)) => Ok(Some(vec![own])),
        _ => Ok(Some(Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_row_and_every_role_a_column() {
        for action in Action::ALL {
            assert!(MATRIX.iter().any(|(a, _)| *a == action), "{action:?}");
        }
        assert_eq!(MATRIX.len(), Action::ALL.len());
        assert_eq!(
            grant(Role::Integration, Action::ManageUnits),
            WithScope("units:write")
        );
        assert_eq!(grant(Role::Viewer, Action::ManagePlans), Nothing);
    }

    #[test]
    fn a_scope_counts_only_when_the_token_carries_it() {
        let mut principal = Principal {
            subject: "lgsp".into(),
            display_name: None,
            unit_code: None,
            unit_id: None,
            roles: vec![Role::Integration],
            scopes: vec![],
            client_id: None,
            closed_unit: None,
            subtree: None,
        };
        assert_eq!(reach(&principal, Action::ManagePlans), Nothing);
        principal.scopes.push("plans:write".into());
        assert_eq!(reach(&principal, Action::ManagePlans), Province);
        assert_eq!(reach(&principal, Action::ManageUnits), Nothing);
    }
}
