//! Bringing units and reference codes in line with LGSP's catalogues: a plan (the diff, which a
//! dry run prints) and its application in one transaction, audited. Units are matched by
//! electronic identifier and keep our ids, history and successions; a code that leaves the
//! catalogue closes its unit, never deletes it; a unit closed here stays closed even if the
//! catalogue still lists it (our succession history is the better record). Reference codes are
//! upserted by catalogue and code and deactivated, never deleted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use entity::enums::UnitKind;
use entity::{reference_code, unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::{AgencyRow, ReferenceRow, Snapshot};
use crate::access::{Action, Actor, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::error::{DomainError, DomainResult};
use crate::kernel::mutation::{self, Change};
use crate::kernel::text::{clean, clean_opt};
use crate::kernel::time::DayMonthYear;
use crate::org::unit::edit::unit_search_text;
use crate::org::unit::identifier::AgencyId;

/// A sync that would close more than this share of the governed open units (and more than
/// [`MASS_CLOSING_FLOOR`] of them) is refused unless allowed: a catalogue cut short by the
/// gateway looks exactly like a wave of dissolutions.
const MASS_CLOSING_SHARE: usize = 5;
const MASS_CLOSING_FLOOR: usize = 5;

/// Problems listed before a sync gives up (the rest are counted).
const MAX_PROBLEMS: usize = 20;
/// Longest reference code and catalogue name.
const MAX_CODE: usize = 64;
/// Longest name.
const MAX_NAME: usize = 500;

/// A change to one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitChange {
    Create {
        code: String,
        name: String,
        kind: UnitKind,
        parent_code: Option<String>,
    },
    Rename {
        id: Uuid,
        code: String,
        from: String,
        to: String,
    },
    Move {
        id: Uuid,
        code: String,
        from: Option<String>,
        to: Option<String>,
    },
    Close {
        id: Uuid,
        code: String,
        name: String,
        last_day: NaiveDate,
    },
}

/// A change to one reference code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceChange {
    Create {
        catalogue: String,
        row: ReferenceRow,
    },
    Update {
        id: Uuid,
        catalogue: String,
        row: ReferenceRow,
        /// What differs, for people (`name "A" → "B"`).
        what: Vec<String>,
    },
    Deactivate {
        id: Uuid,
        catalogue: String,
        code: String,
        name: String,
        valid_to: NaiveDate,
    },
}

/// What a sync changes (or, in a dry run, would change).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncPlan {
    pub units: Vec<UnitChange>,
    pub references: Vec<ReferenceChange>,
    /// Things a person should know that change nothing (a closed unit still listed…).
    pub notes: Vec<String>,
    /// Rows read, by catalogue kind (for the report).
    pub agencies_read: usize,
    pub references_read: usize,
}

impl SyncPlan {
    /// Whether the database already matches the catalogues.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty() && self.references.is_empty()
    }

    /// Counts by kind of change, as the audit event and the report give them.
    pub fn summary(&self) -> serde_json::Value {
        let count = |f: fn(&UnitChange) -> bool| self.units.iter().filter(|c| f(c)).count();
        let refs =
            |f: fn(&ReferenceChange) -> bool| self.references.iter().filter(|c| f(c)).count();
        json!({
            "agenciesRead": self.agencies_read,
            "referencesRead": self.references_read,
            "units": {
                "created": count(|c| matches!(c, UnitChange::Create { .. })),
                "renamed": count(|c| matches!(c, UnitChange::Rename { .. })),
                "moved": count(|c| matches!(c, UnitChange::Move { .. })),
                "closed": count(|c| matches!(c, UnitChange::Close { .. })),
            },
            "references": {
                "created": refs(|c| matches!(c, ReferenceChange::Create { .. })),
                "updated": refs(|c| matches!(c, ReferenceChange::Update { .. })),
                "deactivated": refs(|c| matches!(c, ReferenceChange::Deactivate { .. })),
            },
        })
    }
}

impl std::fmt::Display for SyncPlan {
    /// The diff a dry run prints: one line a change, `+` new, `~` changed, `>` moved, `-` closed
    /// or deactivated, `!` a note.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |parent: &Option<String>| parent.clone().unwrap_or_else(|| "(top)".into());
        for change in &self.units {
            match change {
                UnitChange::Create {
                    code,
                    name: unit,
                    kind,
                    parent_code,
                } => writeln!(
                    f,
                    "+ unit {code} {unit:?} ({}) under {}",
                    sea_orm::ActiveEnum::to_value(kind),
                    name(parent_code)
                )?,
                UnitChange::Rename { code, from, to, .. } => {
                    writeln!(f, "~ unit {code} name {from:?} → {to:?}")?
                }
                UnitChange::Move { code, from, to, .. } => {
                    writeln!(f, "> unit {code} moved {} → {}", name(from), name(to))?
                }
                UnitChange::Close {
                    code,
                    name: unit,
                    last_day,
                    ..
                } => writeln!(
                    f,
                    "- unit {code} {unit:?} closed, last day {} (no longer in the catalogue)",
                    DayMonthYear(*last_day)
                )?,
            }
        }
        for change in &self.references {
            match change {
                ReferenceChange::Create { catalogue, row } => {
                    writeln!(f, "+ {catalogue} {} {:?}", row.code, row.name)?
                }
                ReferenceChange::Update {
                    catalogue,
                    row,
                    what,
                    ..
                } => writeln!(f, "~ {catalogue} {} {}", row.code, what.join(", "))?,
                ReferenceChange::Deactivate {
                    catalogue,
                    code,
                    name,
                    valid_to,
                    ..
                } => writeln!(
                    f,
                    "- {catalogue} {code} {name:?} inactive from {} (no longer in the catalogue)",
                    DayMonthYear(*valid_to)
                )?,
            }
        }
        for note in &self.notes {
            writeln!(f, "! {note}")?;
        }
        let summary = self.summary();
        write!(
            f,
            "{} agencies and {} reference codes read; units: {} new, {} renamed, {} moved, {} closed; reference codes: {} new, {} updated, {} deactivated",
            self.agencies_read,
            self.references_read,
            summary["units"]["created"],
            summary["units"]["renamed"],
            summary["units"]["moved"],
            summary["units"]["closed"],
            summary["references"]["created"],
            summary["references"]["updated"],
            summary["references"]["deactivated"],
        )
    }
}

/// The kind of a unit the catalogue introduces, from its level-1 letter or its name's first
/// words (an administrator may correct it; the catalogue has no kind).
pub fn kind_of(id: &AgencyId, name: &str) -> UnitKind {
    let folded = crate::kernel::text::fold(name);
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| folded.starts_with(p));
    if starts(&["uy ban nhan dan", "ubnd"]) {
        UnitKind::PeoplesCommittee
    } else if starts(&["so "]) {
        UnitKind::Department
    } else if starts(&["thanh tra"]) {
        UnitKind::Inspectorate
    } else if starts(&["chi cuc"]) {
        UnitKind::SubDepartment
    } else if starts(&["benh vien"]) {
        UnitKind::Hospital
    } else if starts(&["trung tam y te"]) {
        UnitKind::HealthCentre
    } else if starts(&["tram y te"]) {
        UnitKind::CommuneHealthStation
    } else if starts(&["phong kham"]) {
        UnitKind::Clinic
    } else if starts(&["van phong", "phong "]) {
        UnitKind::DepartmentOffice
    } else if starts(&["hoi dong"]) {
        UnitKind::Council
    } else if starts(&["bo "]) || (id.level() == 1 && id.level1().starts_with('G')) {
        UnitKind::Ministry
    } else if id.level() == 1 && id.level1().starts_with('H') {
        UnitKind::PeoplesCommittee
    } else {
        UnitKind::Other
    }
}

/// Problems found in what LGSP sent; past [`MAX_PROBLEMS`] they are counted.
#[derive(Default)]
struct Problems {
    listed: Vec<String>,
    more: usize,
}

impl Problems {
    fn add(&mut self, problem: String) {
        if self.listed.len() < MAX_PROBLEMS {
            self.listed.push(problem);
        } else {
            self.more += 1;
        }
    }

    fn finish(self) -> DomainResult<()> {
        if self.listed.is_empty() {
            return Ok(());
        }
        let mut message = format!(
            "the catalogues are not usable; nothing was changed:\n  {}",
            self.listed.join("\n  ")
        );
        if self.more > 0 {
            message.push_str(&format!("\n  … and {} more", self.more));
        }
        Err(DomainError::Invalid(message))
    }
}

/// An agency row, checked.
struct Agency {
    id: AgencyId,
    name: String,
    parent: Option<String>,
}

fn check_agencies(rows: &[AgencyRow], scope: &[String], problems: &mut Problems) -> Vec<Agency> {
    let mut seen = BTreeSet::new();
    let mut agencies = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let code = row.code.trim();
        let id = match AgencyId::parse(code) {
            Ok(id) => id,
            Err(error) => {
                problems.add(format!("agency {} ({:?}): {error}", i + 1, row.name));
                continue;
            }
        };
        let name = clean(&row.name);
        if name.is_empty() || name.chars().count() > MAX_NAME {
            problems.add(format!(
                "agency {code}: the name is empty or longer than {MAX_NAME} characters"
            ));
            continue;
        }
        if !seen.insert(code.to_owned()) {
            problems.add(format!("agency {code} is listed twice"));
            continue;
        }
        if !row.active || !(scope.is_empty() || scope.iter().any(|s| s == id.level1())) {
            continue;
        }
        let parent = match clean_opt(row.parent_code.as_deref()) {
            Some(parent) => match AgencyId::parse(&parent) {
                Ok(parent) => Some(parent.as_str().to_owned()),
                Err(error) => {
                    problems.add(format!("agency {code}: its parent: {error}"));
                    continue;
                }
            },
            None => id.parent().map(str::to_owned),
        };
        if parent.as_deref() == Some(code) {
            problems.add(format!("agency {code} names itself as its parent"));
            continue;
        }
        agencies.push(Agency { id, name, parent });
    }
    agencies
}

/// The plan for the units: what the agency catalogue says against what the database holds.
async fn plan_units(
    db: &impl ConnectionTrait,
    snapshot: (&[AgencyRow], &[String], bool),
    today: NaiveDate,
    plan: &mut SyncPlan,
    problems: &mut Problems,
) -> DomainResult<()> {
    let (rows, scope, allow_mass_closing) = snapshot;
    let agencies = check_agencies(rows, scope, problems);
    let existing: HashMap<String, unit::Model> = unit::Entity::find()
        .filter(unit::Column::Code.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| u.code.clone().map(|c| (c, u)))
        .collect();
    let by_id: HashMap<Uuid, &unit::Model> = existing.values().map(|u| (u.id, u)).collect();
    let listed: BTreeMap<&str, &Agency> = agencies.iter().map(|a| (a.id.as_str(), a)).collect();
    // Every parent must be in the catalogue or here, and the chain must not loop.
    for agency in &agencies {
        let mut steps = 0;
        let mut at = agency;
        while let Some(parent) = &at.parent {
            match listed.get(parent.as_str()) {
                Some(next) => at = next,
                None if existing.contains_key(parent) => break,
                None => {
                    problems.add(format!(
                        "agency {} names parent {parent}, which is neither in the catalogue nor a unit here",
                        agency.id.as_str()
                    ));
                    break;
                }
            }
            steps += 1;
            if steps > listed.len() {
                problems.add(format!(
                    "agency {}: its parents form a loop",
                    agency.id.as_str()
                ));
                break;
            }
        }
    }
    if !problems.listed.is_empty() {
        return Ok(());
    }
    // Parents first, so that a new unit's parent exists when it is made.
    let mut ordered: Vec<&Agency> = agencies.iter().collect();
    let depth = |agency: &Agency| {
        let mut depth = 0;
        let mut at = agency;
        while let Some(next) = at.parent.as_deref().and_then(|p| listed.get(p)) {
            depth += 1;
            at = next;
        }
        depth
    };
    ordered.sort_by_cached_key(|a| (depth(a), a.id.as_str().to_owned()));
    for agency in ordered {
        let code = agency.id.as_str().to_owned();
        match existing.get(&code) {
            None => plan.units.push(UnitChange::Create {
                kind: kind_of(&agency.id, &agency.name),
                code,
                name: agency.name.clone(),
                parent_code: agency.parent.clone(),
            }),
            Some(unit) if unit.active_to.is_some() => plan.notes.push(format!(
                "unit {code} {:?} is listed in the catalogue but was closed here on {}: left closed",
                unit.name,
                unit.active_to.map(|d| DayMonthYear(d).to_string()).unwrap_or_default()
            )),
            Some(unit) => {
                if unit.name != agency.name {
                    plan.units.push(UnitChange::Rename {
                        id: unit.id,
                        code: code.clone(),
                        from: unit.name.clone(),
                        to: agency.name.clone(),
                    });
                }
                let current = unit
                    .parent_id
                    .and_then(|p| by_id.get(&p))
                    .and_then(|p| p.code.clone());
                // A parent without a code here is kept: the catalogue cannot name it.
                let parent_has_code = unit.parent_id.is_none_or(|p| by_id.contains_key(&p));
                if parent_has_code && current != agency.parent {
                    plan.units.push(UnitChange::Move {
                        id: unit.id,
                        code,
                        from: current,
                        to: agency.parent.clone(),
                    });
                }
            }
        }
    }
    // Open units of the governed trees that the catalogue no longer lists close, children first.
    let governed: BTreeSet<String> = if scope.is_empty() {
        agencies.iter().map(|a| a.id.level1().to_owned()).collect()
    } else {
        scope.iter().cloned().collect()
    };
    let governed_open: Vec<&unit::Model> = existing
        .values()
        .filter(|u| u.active_to.is_none())
        .filter(|u| {
            u.code
                .as_deref()
                .and_then(|c| AgencyId::parse(c).ok())
                .is_some_and(|id| governed.contains(id.level1()))
        })
        .collect();
    let mut closing: Vec<&unit::Model> = governed_open
        .iter()
        .copied()
        .filter(|u| !listed.contains_key(u.code.as_deref().unwrap_or("")))
        .collect();
    if !allow_mass_closing
        && closing.len() > MASS_CLOSING_FLOOR
        && closing.len() * MASS_CLOSING_SHARE > governed_open.len()
    {
        problems.add(format!(
            "the catalogue would close {} of the {} open units it governs: if it was cut short, run the sync again later; if the units really were dissolved, allow it (--allow-mass-closing)",
            closing.len(),
            governed_open.len()
        ));
        return Ok(());
    }
    closing.sort_by(|a, b| b.code.cmp(&a.code));
    for unit in closing {
        plan.units.push(UnitChange::Close {
            id: unit.id,
            code: unit.code.clone().unwrap_or_default(),
            name: unit.name.clone(),
            last_day: today,
        });
    }
    Ok(())
}

fn check_reference(catalogue: &str, row: &ReferenceRow, problems: &mut Problems) -> bool {
    let code = row.code.trim();
    let fine =
        !code.is_empty() && code.len() <= MAX_CODE && code.chars().all(|c| c.is_ascii_graphic());
    if !fine {
        problems.add(format!(
            "{catalogue}: code {code:?} is empty, longer than {MAX_CODE} characters or has spaces"
        ));
        return false;
    }
    let name = clean(&row.name);
    if name.is_empty() || name.chars().count() > MAX_NAME {
        problems.add(format!(
            "{catalogue} {code}: the name is empty or longer than {MAX_NAME} characters"
        ));
        return false;
    }
    if let (Some(from), Some(to)) = (row.valid_from, row.valid_to)
        && to < from
    {
        problems.add(format!(
            "{catalogue} {code}: it ends ({to}) before it begins ({from})"
        ));
        return false;
    }
    true
}

async fn plan_references(
    db: &impl ConnectionTrait,
    catalogue: &str,
    rows: &[ReferenceRow],
    today: NaiveDate,
    plan: &mut SyncPlan,
    problems: &mut Problems,
) -> DomainResult<()> {
    if catalogue.is_empty()
        || catalogue.len() > MAX_CODE
        || !catalogue
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        problems.add(format!("{catalogue:?} is not a catalogue name"));
        return Ok(());
    }
    let existing: HashMap<String, reference_code::Model> = reference_code::Entity::find()
        .filter(reference_code::Column::Catalogue.eq(catalogue))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let mut seen = BTreeSet::new();
    for row in rows {
        if !check_reference(catalogue, row, problems) {
            continue;
        }
        let row = ReferenceRow {
            code: row.code.trim().to_owned(),
            name: clean(&row.name),
            parent_code: clean_opt(row.parent_code.as_deref()),
            ..row.clone()
        };
        if !seen.insert(row.code.clone()) {
            problems.add(format!("{catalogue} {} is listed twice", row.code));
            continue;
        }
        match existing.get(&row.code) {
            None if row.active => plan.references.push(ReferenceChange::Create {
                catalogue: catalogue.to_owned(),
                row,
            }),
            None => {}
            Some(stored) if !row.active && stored.active => {
                plan.references.push(ReferenceChange::Deactivate {
                    id: stored.id,
                    catalogue: catalogue.to_owned(),
                    code: row.code.clone(),
                    name: stored.name.clone(),
                    valid_to: row.valid_to.unwrap_or(today),
                });
            }
            Some(_) if !row.active => {}
            Some(stored) => {
                let mut what = Vec::new();
                if stored.name != row.name {
                    what.push(format!("name {:?} → {:?}", stored.name, row.name));
                }
                if stored.parent_code != row.parent_code {
                    what.push(format!(
                        "parent {:?} → {:?}",
                        stored.parent_code, row.parent_code
                    ));
                }
                if stored.sort_order != row.sort_order {
                    what.push(format!(
                        "order {:?} → {:?}",
                        stored.sort_order, row.sort_order
                    ));
                }
                if stored.valid_from != row.valid_from || stored.valid_to != row.valid_to {
                    what.push(format!(
                        "validity {:?}–{:?} → {:?}–{:?}",
                        stored.valid_from, stored.valid_to, row.valid_from, row.valid_to
                    ));
                }
                if !stored.active {
                    what.push("in use again".into());
                }
                if !what.is_empty() {
                    plan.references.push(ReferenceChange::Update {
                        id: stored.id,
                        catalogue: catalogue.to_owned(),
                        row,
                        what,
                    });
                }
            }
        }
    }
    for stored in existing.values() {
        if stored.active && !seen.contains(&stored.code) {
            plan.references.push(ReferenceChange::Deactivate {
                id: stored.id,
                catalogue: catalogue.to_owned(),
                code: stored.code.clone(),
                name: stored.name.clone(),
                valid_to: today,
            });
        }
    }
    Ok(())
}

/// The changes that would bring the database in line with `snapshot`; an unusable snapshot
/// (a malformed identifier, a duplicate, a parent nowhere) is refused with every problem listed.
pub async fn plan(
    db: &impl ConnectionTrait,
    snapshot: &Snapshot,
    today: NaiveDate,
) -> DomainResult<SyncPlan> {
    let mut plan = SyncPlan::default();
    let mut problems = Problems::default();
    if let Some(agencies) = &snapshot.agencies {
        plan.agencies_read = agencies.len();
        plan_units(
            db,
            (agencies, &snapshot.scope, snapshot.allow_mass_closing),
            today,
            &mut plan,
            &mut problems,
        )
        .await?;
    }
    for (catalogue, rows) in &snapshot.references {
        plan.references_read += rows.len();
        plan_references(db, catalogue, rows, today, &mut plan, &mut problems).await?;
    }
    plan.references.sort_by_key(|c| match c {
        ReferenceChange::Create { catalogue, row } => (catalogue.clone(), row.code.clone()),
        ReferenceChange::Update { catalogue, row, .. } => (catalogue.clone(), row.code.clone()),
        ReferenceChange::Deactivate {
            catalogue, code, ..
        } => (catalogue.clone(), code.clone()),
    });
    problems.finish()?;
    Ok(plan)
}

fn unit_change(action: AuditAction, unit: &unit::Model, before: Option<&unit::Model>) -> Change {
    crate::org::unit::edit::change(
        action,
        unit,
        before.map(crate::org::unit::edit::snapshot),
        Some(crate::org::unit::edit::snapshot(unit)),
    )
}

async fn apply_units(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    plan: &SyncPlan,
) -> DomainResult<()> {
    // The units with a code, read once: every change below is to one of them.
    let mut stored: HashMap<Uuid, unit::Model> = unit::Entity::find()
        .filter(unit::Column::Code.is_not_null())
        .all(txn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut ids: HashMap<String, Uuid> = stored
        .values()
        .filter_map(|u| u.code.clone().map(|c| (c, u.id)))
        .collect();
    let now = Utc::now();
    for change in &plan.units {
        match change {
            UnitChange::Create {
                code,
                name,
                kind,
                parent_code,
            } => {
                let mut model = unit::Model {
                    id: Uuid::now_v7(),
                    code: Some(code.clone()),
                    name: name.clone(),
                    short_name: None,
                    kind: *kind,
                    parent_id: parent_code.as_ref().and_then(|p| ids.get(p).copied()),
                    active_from: None,
                    active_to: None,
                    search_text: String::new(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                model.search_text = unit_search_text(&model);
                model
                    .clone()
                    .into_active_model()
                    .reset_all()
                    .insert(txn)
                    .await?;
                ids.insert(code.clone(), model.id);
                mutation::record(
                    txn,
                    actor,
                    &unit_change(AuditAction::UnitCreate, &model, None),
                )
                .await?;
            }
            UnitChange::Rename { id, .. }
            | UnitChange::Move { id, .. }
            | UnitChange::Close { id, .. } => {
                let Some(before) = stored.remove(id) else {
                    return Err(DomainError::Conflict(
                        "a unit changed while the catalogues were read: run the sync again".into(),
                    ));
                };
                let mut next = before.clone();
                let action = edit_unit(&mut next, change, &ids);
                next.version += 1;
                next.updated_at = now;
                next.clone()
                    .into_active_model()
                    .reset_all()
                    .update(txn)
                    .await?;
                mutation::record(txn, actor, &unit_change(action, &next, Some(&before))).await?;
                // A unit renamed and moved in one sync: the move starts from the rename.
                stored.insert(next.id, next);
            }
        }
    }
    Ok(())
}

/// Applies a rename, move or closing to `unit`; the audit action it is.
fn edit_unit(
    unit: &mut unit::Model,
    change: &UnitChange,
    ids: &HashMap<String, Uuid>,
) -> AuditAction {
    match change {
        UnitChange::Rename { to, .. } => {
            unit.name = to.clone();
            unit.search_text = unit_search_text(unit);
            AuditAction::UnitUpdate
        }
        UnitChange::Move { to, .. } => {
            unit.parent_id = to.as_ref().and_then(|p| ids.get(p).copied());
            AuditAction::UnitMove
        }
        UnitChange::Close { last_day, .. } => {
            unit.active_to = Some(*last_day);
            AuditAction::UnitClose
        }
        // Made by the caller, never edited.
        UnitChange::Create { .. } => AuditAction::UnitCreate,
    }
}

async fn apply_references(txn: &sea_orm::DatabaseTransaction, plan: &SyncPlan) -> DomainResult<()> {
    let now = Utc::now();
    for change in &plan.references {
        match change {
            ReferenceChange::Create { catalogue, row } => {
                reference_code::Model {
                    id: Uuid::now_v7(),
                    catalogue: catalogue.clone(),
                    code: row.code.clone(),
                    name: row.name.clone(),
                    parent_code: row.parent_code.clone(),
                    sort_order: row.sort_order,
                    valid_from: row.valid_from,
                    valid_to: row.valid_to,
                    active: true,
                    created_at: now,
                    updated_at: now,
                }
                .into_active_model()
                .reset_all()
                .insert(txn)
                .await?;
            }
            ReferenceChange::Update { id, row, .. } => {
                let mut active = reference_code::ActiveModel {
                    id: sea_orm::Set(*id),
                    ..Default::default()
                };
                active.name = sea_orm::Set(row.name.clone());
                active.parent_code = sea_orm::Set(row.parent_code.clone());
                active.sort_order = sea_orm::Set(row.sort_order);
                active.valid_from = sea_orm::Set(row.valid_from);
                active.valid_to = sea_orm::Set(row.valid_to);
                active.active = sea_orm::Set(true);
                active.updated_at = sea_orm::Set(now);
                active.update(txn).await?;
            }
            ReferenceChange::Deactivate { id, valid_to, .. } => {
                let mut active = reference_code::ActiveModel {
                    id: sea_orm::Set(*id),
                    ..Default::default()
                };
                active.active = sea_orm::Set(false);
                active.valid_to = sea_orm::Set(Some(*valid_to));
                active.updated_at = sea_orm::Set(now);
                active.update(txn).await?;
            }
        }
    }
    Ok(())
}

/// What a sync did (or a dry run would do).
#[derive(Debug, Clone)]
pub struct SyncReport {
    pub plan: SyncPlan,
    /// The audit event's object id (none for a dry run or when nothing changed).
    pub sync_id: Option<Uuid>,
}

/// Brings the database in line with `snapshot`: the plan is made and applied in one
/// transaction, with an audit event per unit changed and one for the sync (its counts). Syncs
/// on several instances take turns (an advisory lock on PostgreSQL, the writer queue on
/// SQLite). A dry run only reads. Nothing is written when the snapshot is refused or anything
/// fails.
pub async fn sync(
    db: &DatabaseConnection,
    actor: &Actor,
    snapshot: &Snapshot,
    dry_run: bool,
) -> DomainResult<SyncReport> {
    // Units at every level, the province's included: the policy's top-level right.
    actor
        .authorize(db, Action::CreateTopLevelUnits, Resource::Province)
        .await?;
    let today = crate::kernel::time::today();
    if dry_run {
        return Ok(SyncReport {
            plan: plan(db, snapshot, today).await?,
            sync_id: None,
        });
    }
    let mut made = None;
    let outcome = mutation::run(db, actor, "syncCatalogues", None, async |txn| {
        if txn.get_database_backend() == DbBackend::Postgres {
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(724190002)")
                .await?;
        }
        let plan = plan(txn, snapshot, today).await?;
        apply_units(txn, actor, &plan).await?;
        apply_references(txn, &plan).await?;
        let change = Change {
            action: AuditAction::CatalogueSync,
            object_type: ObjectType::CatalogueSync,
            object_id: Uuid::now_v7(),
            scope_unit_id: None,
            before: None,
            after: Some(plan.summary()),
        };
        made = Some(plan);
        Ok(change)
    })
    .await?;
    if let Some(error) = outcome.user_errors.first() {
        return Err(DomainError::Invalid(error.message.clone()));
    }
    Ok(SyncReport {
        plan: made.unwrap_or_default(),
        sync_id: outcome.object_id,
    })
}
