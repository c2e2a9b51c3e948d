//! The authenticated caller.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a caller may do (the token's roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Everything, province-wide.
    ProvinceAdmin,
    /// Manages plans, tasks and units in its unit's subtree.
    UnitAdmin,
    /// Writes progress for its unit's tasks; reads its subtree's drafts.
    UnitOfficer,
    /// Award nominations (a later issue).
    EmulationOfficer,
    /// Reads non-public data in its subtree.
    Viewer,
    /// An LGSP client: reads everything issued, writes only what its scopes list.
    Integration,
}

impl Role {
    /// Parses a role name as tokens carry it (`UNIT_ADMIN`, `unit_admin`, `unit-admin`).
    pub fn parse(name: &str) -> Option<Self> {
        let normal = name.trim().to_ascii_uppercase().replace('-', "_");
        serde_json::from_value(serde_json::Value::String(normal)).ok()
    }

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ProvinceAdmin => "PROVINCE_ADMIN",
            Role::UnitAdmin => "UNIT_ADMIN",
            Role::UnitOfficer => "UNIT_OFFICER",
            Role::EmulationOfficer => "EMULATION_OFFICER",
            Role::Viewer => "VIEWER",
            Role::Integration => "INTEGRATION",
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// `sub` (or the gateway's end user).
    pub subject: String,
    pub display_name: Option<String>,
    /// The caller's unit, by electronic agency code, as the token states it.
    pub unit_code: Option<String>,
    /// That unit's id, when the code names a unit here.
    pub unit_id: Option<Uuid>,
    pub roles: Vec<Role>,
    /// OAuth scopes (what an INTEGRATION client may write).
    pub scopes: Vec<String>,
    /// The LGSP gateway's application id, when the call came through it.
    pub client_id: Option<String>,
    /// Set when the caller's unit was closed (merged, dissolved) before the request: such a
    /// caller still reads, but writes nothing.
    pub closed_unit: Option<ClosedUnit>,
    /// The caller's unit and every unit below it, read with the unit when the request began
    /// (`None`: not read; the policy reads it when it needs it). It allows at no cost; the
    /// policy reads the tree again before it refuses (see `policy::authorize`).
    pub subtree: Option<Arc<[Uuid]>>,
}

/// The caller's unit, closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedUnit {
    pub name: String,
    /// Its last day.
    pub last_day: chrono::NaiveDate,
    /// The unit that took it over (name and agency code), when one did.
    pub successor: Option<(String, Option<String>)>,
}

impl Principal {
    /// Whether the caller holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}
