//! Demo data transcribed from the seed plans (`api/fixtures/demo/*.json`, compiled into the
//! binary). Loading validates every fixture first — references, one lead per task and target,
//! breakdown sums against the numbers the documents print — holds every plan, task and target row
//! to the domain's own rules for its kind (their `settle`: the checks a user's change runs, and
//! the same derived search text), and then inserts everything in one transaction, so a bad
//! fixture changes nothing. Ids are deterministic (the same on every machine), so the rows are
//! built here and inserted in bulk rather than created one by one through the services.

pub mod catalogue;
mod emulation;
mod fixture;
mod nominations;

use std::collections::{HashMap, HashSet};

use anyhow::{Context as _, anyhow, bail, ensure};
use chrono::{Datelike, Duration, Utc};
use entity::enums::{AssignmentRole, SuccessionEvent, TaskStatus};
use entity::*;
use fixture::*;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    TransactionTrait,
};
use uuid::Uuid;

use crate::domain::kernel::checks::Checks;
use crate::domain::kernel::period::PeriodCode;
use crate::domain::kernel::text::{clean, clean_opt};
use crate::domain::kernel::values::DocumentNumber;
use crate::domain::org::group::kinds_column;
use crate::domain::org::unit::edit::{unit_search_text, valid_agency_code};
use crate::domain::planning::assignment::{self as assignments, AssignmentSpec};
use crate::domain::planning::plan::edit as plans;
use crate::domain::planning::target::edit as targets;
use crate::domain::planning::target::round;
use crate::domain::planning::task::edit as tasks;
use crate::domain::reporting::deadline::DeadlineRule;
use crate::domain::reporting::regime;

/// The fixture files, in load order.
const FILES: &[(&str, &str)] = &[
    (
        "10_kontum.json",
        include_str!("../../fixtures/demo/10_kontum.json"),
    ),
    (
        "11_tumorong.json",
        include_str!("../../fixtures/demo/11_tumorong.json"),
    ),
    (
        "20_hanam.json",
        include_str!("../../fixtures/demo/20_hanam.json"),
    ),
    (
        "30_bacgiang.json",
        include_str!("../../fixtures/demo/30_bacgiang.json"),
    ),
    (
        "40_dongnai.json",
        include_str!("../../fixtures/demo/40_dongnai.json"),
    ),
    (
        "90_reorganisation_2025.json",
        include_str!("../../fixtures/demo/90_reorganisation_2025.json"),
    ),
];

/// Holds a row the demo built to the rules every write of it obeys (the domain's own `settle`
/// of its kind), so the demo's data is data a user could have entered.
fn obey(settle: impl FnOnce(&mut Checks)) -> anyhow::Result<()> {
    let mut checks = Checks(Vec::new());
    settle(&mut checks);
    checks
        .finish()
        .map_err(|error| anyhow!("{}", nominations::explain(&error)))
}

/// Namespace of the demo's deterministic ids (UUID v5 of each fixture key), so a demo object has
/// the same id on every machine.
const NAMESPACE: Uuid = Uuid::from_u128(0x5d1c_7a3e_2f4b_4c8e_9a61_0b7d_e2f3_c4a5);

fn id_of(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{kind}:{key}").as_bytes())
}

/// Whether the database holds no units yet.
pub async fn is_empty(db: &impl ConnectionTrait) -> anyhow::Result<bool> {
    Ok(unit::Entity::find().count(db).await? == 0)
}

/// Loads the demo data when the database is empty. Returns whether anything was loaded.
pub async fn load_if_empty<C>(db: &C) -> anyhow::Result<bool>
where
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    if !is_empty(db).await? {
        return Ok(false);
    }
    let data = build()?;
    let txn = db.begin().await?;
    data.insert(&txn).await?;
    // People are recorded through the domain, which checks their units: after the units above,
    // in the same transaction.
    let people = emulation::load(&txn).await?;
    let nominations = nominations::load(&txn).await?;
    txn.commit().await?;
    tracing::info!(
        units = data.units.len(),
        plans = data.plans.len(),
        tasks = data.tasks.len(),
        targets = data.targets.len(),
        people,
        nominations,
        "loaded the demo data"
    );
    Ok(true)
}

/// The official working-day calendar 2022–2026 (`api/fixtures/calendar/`), declared through
/// the domain as an administrator would, into a database whose calendar is empty (every
/// database, demo or not: deadlines need it). Returns how many days it declared.
pub async fn seed_calendar_if_empty(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    if entity::calendar_day::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    #[derive(serde::Deserialize)]
    struct Day {
        day: chrono::NaiveDate,
        kind: entity::enums::CalendarDayKind,
        name: String,
        note: Option<String>,
    }
    #[derive(serde::Deserialize)]
    #[allow(dead_code, reason = "`source` and `note` document the file")]
    struct Calendar {
        source: String,
        note: String,
        days: Vec<Day>,
    }
    let calendar: Calendar =
        serde_json::from_str(CALENDAR).context("fixtures/calendar/vn-2022-2026.json")?;
    let actor = crate::domain::access::Actor::system("demo");
    for day in &calendar.days {
        let declared = crate::domain::reporting::calendar::DeclaredDay {
            day: day.day,
            kind: day.kind,
            name: day.name.clone(),
            note: day.note.clone(),
        };
        crate::domain::reporting::calendar::declare_day(db, &actor, declared)
            .await
            .map_err(|e| anyhow::anyhow!("calendar day {}: {e}", day.day))?;
    }
    tracing::info!(
        days = calendar.days.len(),
        "loaded the official working-day calendar"
    );
    Ok(calendar.days.len())
}

/// The official calendar of `fixtures/calendar/`, in memory (for the demo's due days).
fn official_calendar() -> anyhow::Result<crate::domain::reporting::calendar::WorkCalendar> {
    #[derive(serde::Deserialize)]
    struct Day {
        day: chrono::NaiveDate,
        kind: entity::enums::CalendarDayKind,
        name: String,
    }
    #[derive(serde::Deserialize)]
    struct Calendar {
        days: Vec<Day>,
    }
    let calendar: Calendar = serde_json::from_str(CALENDAR)?;
    Ok(crate::domain::reporting::calendar::WorkCalendar::new(
        calendar
            .days
            .into_iter()
            .map(|d| entity::calendar_day::Model {
                day: d.day,
                kind: d.kind,
                name: d.name,
                note: None,
                updated_at: Utc::now(),
            }),
    ))
}

/// What the provenance of invented demo objects says when the fixture has no note of its own.
const INVENTED_STATUS: &str = "status and completion date invented for the demo";
const INVENTED_PROGRESS: &str = "progress update invented for the demo";
const INVENTED_REPORT: &str = "report invented for the demo: the document records none";
const INVENTED_REQUEST: &str =
    "ad-hoc request invented for the demo: the document only says reports come on request";

/// The official working-day calendar 2022–2026.
const CALENDAR: &str = include_str!("../../fixtures/calendar/vn-2022-2026.json");

/// Rows ready to insert.
#[derive(Default)]
struct DemoData {
    units: Vec<unit::Model>,
    groups: Vec<unit_group::Model>,
    members: Vec<unit_group_member::Model>,
    successions: Vec<unit_succession::Model>,
    plans: Vec<plan::Model>,
    references: Vec<plan_reference::Model>,
    areas: Vec<plan_area::Model>,
    regimes: Vec<reporting_regime::Model>,
    deadlines: Vec<reporting_deadline::Model>,
    requests: Vec<report_request::Model>,
    submissions: Vec<report_submission::Model>,
    targets: Vec<target::Model>,
    breakdown_groups: Vec<target_breakdown_group::Model>,
    breakdown_rows: Vec<target_breakdown_row::Model>,
    tasks: Vec<task::Model>,
    assignments: Vec<assignment::Model>,
    progress: Vec<progress_update::Model>,
    provenance: Vec<provenance::Model>,
}

impl DemoData {
    async fn insert(&self, db: &impl ConnectionTrait) -> anyhow::Result<()> {
        // Parents before children: units are ordered so that a parent precedes its children.
        for unit in &self.units {
            unit.clone()
                .into_active_model()
                .reset_all()
                .insert(db)
                .await
                .context("unit")?;
        }
        insert_all(db, &self.groups).await.context("unit groups")?;
        insert_all(db, &self.members)
            .await
            .context("unit group members")?;
        insert_all(db, &self.successions)
            .await
            .context("successions")?;
        insert_all(db, &self.plans).await.context("plans")?;
        insert_all(db, &self.references)
            .await
            .context("plan references")?;
        insert_all(db, &self.areas).await.context("plan areas")?;
        insert_all(db, &self.regimes)
            .await
            .context("reporting regimes")?;
        insert_all(db, &self.deadlines)
            .await
            .context("reporting deadlines")?;
        insert_all(db, &self.requests)
            .await
            .context("report requests")?;
        insert_all(db, &self.submissions)
            .await
            .context("report submissions")?;
        insert_all(db, &self.targets).await.context("targets")?;
        insert_all(db, &self.breakdown_groups)
            .await
            .context("breakdown groups")?;
        insert_all(db, &self.breakdown_rows)
            .await
            .context("breakdown rows")?;
        insert_all(db, &self.tasks).await.context("tasks")?;
        insert_all(db, &self.assignments)
            .await
            .context("assignments")?;
        insert_all(db, &self.progress)
            .await
            .context("progress updates")?;
        insert_all(db, &self.provenance)
            .await
            .context("provenance")?;
        Ok(())
    }
}

/// Inserts rows in chunks (SQLite caps bound parameters per statement: 500 rows of our widest
/// table stay far below its 32 766). Also the benchmark's loader.
pub async fn insert_all<M, A>(db: &impl ConnectionTrait, rows: &[M]) -> anyhow::Result<()>
where
    M: IntoActiveModel<A> + Clone,
    A: ActiveModelTrait + Send,
{
    for chunk in rows.chunks(500) {
        let models: Vec<A> = chunk
            .iter()
            .cloned()
            .map(|m| m.into_active_model().reset_all())
            .collect();
        <A::Entity as EntityTrait>::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Parses and validates every fixture into rows.
fn build() -> anyhow::Result<DemoData> {
    let mut builder = Builder::default();
    for (name, text) in FILES {
        let fixture: Fixture = serde_json::from_str(text)
            .with_context(|| format!("demo fixture {name} is not valid"))?;
        builder
            .add(&fixture)
            .with_context(|| format!("demo fixture {name}"))?;
    }
    Ok(builder.data)
}

#[derive(Default)]
struct Builder {
    data: DemoData,
    units: HashMap<String, Uuid>,
    unit_names: HashMap<Uuid, String>,
    groups: HashMap<String, Uuid>,
    plans: HashMap<String, plan::Model>,
    codes: HashSet<String>,
}

impl Builder {
    fn unit(&self, key: &str) -> anyhow::Result<Uuid> {
        self.units
            .get(key)
            .copied()
            .ok_or_else(|| anyhow!("unknown unit key {key:?}"))
    }

    fn group(&self, key: &str) -> anyhow::Result<Uuid> {
        self.groups
            .get(key)
            .copied()
            .ok_or_else(|| anyhow!("unknown unit group key {key:?}"))
    }

    fn unit_or_group(&self, key: &str) -> anyhow::Result<(Option<Uuid>, Option<Uuid>)> {
        match (self.units.get(key), self.groups.get(key)) {
            (Some(&unit), _) => Ok((Some(unit), None)),
            (None, Some(&group)) => Ok((None, Some(group))),
            (None, None) => bail!("unknown unit or group key {key:?}"),
        }
    }

    fn add(&mut self, fixture: &Fixture) -> anyhow::Result<()> {
        let now = Utc::now();
        for fx in &fixture.units {
            let id = id_of("unit", &fx.key);
            ensure!(
                self.units.insert(fx.key.clone(), id).is_none(),
                "duplicate unit key {:?}",
                fx.key
            );
            let parent_id = fx.parent.as_deref().map(|p| self.unit(p)).transpose()?;
            if let Some(code) = &fx.code {
                ensure!(
                    valid_agency_code(code),
                    "unit {:?}: invalid agency code {code:?}",
                    fx.key
                );
                ensure!(
                    self.codes.insert(code.clone()),
                    "duplicate agency code {code:?}"
                );
            }
            if let (Some(from), Some(to)) = (fx.active_from, fx.active_to) {
                ensure!(from <= to, "unit {:?}: activeFrom after activeTo", fx.key);
            }
            let name = clean(&fx.name);
            self.unit_names.insert(id, name.clone());
            let short_name = clean_opt(fx.short_name.as_deref());
            let mut unit = unit::Model {
                id,
                search_text: String::new(),
                code: fx.code.clone(),
                name,
                short_name,
                kind: fx.kind,
                parent_id,
                active_from: fx.active_from,
                active_to: fx.active_to,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            unit.search_text = unit_search_text(&unit);
            self.data.units.push(unit);
            // An agency code the fixture marks illustrative, or a unit no document names.
            let invented = fx
                .note
                .as_deref()
                .is_some_and(|n| n.contains("code illustrative") || n.contains("named in no seed"));
            self.mark("Unit", id, invented, fx.note.as_deref());
        }
        for fx in &fixture.unit_groups {
            let id = id_of("group", &fx.key);
            ensure!(
                self.groups.insert(fx.key.clone(), id).is_none(),
                "duplicate group key {:?}",
                fx.key
            );
            self.data.groups.push(unit_group::Model {
                id,
                label: clean(&fx.label),
                parent_unit_id: fx.parent.as_deref().map(|p| self.unit(p)).transpose()?,
                unit_kinds: kinds_column(&fx.kinds),
                created_at: now,
            });
            for (keys, included) in [(&fx.include, true), (&fx.exclude, false)] {
                for key in keys {
                    self.data.members.push(unit_group_member::Model {
                        group_id: id,
                        unit_id: self.unit(key)?,
                        included,
                    });
                }
            }
        }
        for fx in &fixture.successions {
            let predecessor = self.unit(&fx.predecessor)?;
            // Every event but a transfer of management ends the predecessor the day before.
            if fx.event != SuccessionEvent::Transfer {
                let closed_on = fx.effective_on - Duration::days(1);
                if let Some(unit) = self.data.units.iter_mut().find(|u| u.id == predecessor) {
                    unit.active_to.get_or_insert(closed_on);
                }
            }
            self.data.successions.push(unit_succession::Model {
                id: id_of(
                    "succession",
                    &format!("{}>{}", fx.predecessor, fx.successor),
                ),
                predecessor_id: self.unit(&fx.predecessor)?,
                successor_id: self.unit(&fx.successor)?,
                event: fx.event,
                effective_on: fx.effective_on,
                decision: clean_opt(fx.decision.as_deref()),
                created_at: now,
            });
        }
        for fx in &fixture.plans {
            self.add_plan(fx)
                .with_context(|| format!("plan {:?}", fx.key))?;
        }
        Ok(())
    }

    fn add_plan(&mut self, fx: &PlanFx) -> anyhow::Result<()> {
        let now = Utc::now();
        let id = id_of("plan", &fx.key);
        ensure!(!self.plans.contains_key(&fx.key), "duplicate plan key");
        let title = clean(&fx.title);
        let summary = clean_opt(fx.summary.as_deref());
        let mut model = plan::Model {
            id,
            search_text: String::new(),
            document_number: fx.document_number.clone(), // `settle` parses it
            kind: fx.kind,
            title,
            issuer_id: self.unit(&fx.issuer)?,
            issued_on: fx.issued_on,
            issue_year: None,
            status: fx.status,
            period_start: fx.period_start,
            period_end: fx.period_end,
            signer_name: clean_opt(fx.signer_name.as_deref()),
            signer_title: clean_opt(fx.signer_title.as_deref()),
            summary,
            version: 1,
            created_at: now,
            updated_at: now,
            confidential: false,
        };
        obey(|checks| plans::settle(checks, &mut model))?;
        for (position, reference) in fx.implements.iter().enumerate() {
            let parent_plan_id = match &reference.plan {
                Some(key) => Some(
                    self.plans
                        .get(key)
                        .map(|p| p.id)
                        .ok_or_else(|| anyhow!("unknown plan key {key:?}"))?,
                ),
                None => None,
            };
            ensure!(
                parent_plan_id.is_some()
                    || reference.document_number.is_some()
                    || reference.title.is_some(),
                "an `implements` entry needs a plan key, a documentNumber or a title"
            );
            self.data.references.push(plan_reference::Model {
                id: id_of("reference", &format!("{}#{position}", fx.key)),
                plan_id: id,
                parent_plan_id,
                external_number: clean_opt(reference.document_number.as_deref()),
                external_issuer: clean_opt(reference.issuer_name.as_deref()),
                external_issued_on: reference.issued_on,
                external_title: clean_opt(reference.title.as_deref()),
                position: position as i32,
            });
        }
        let mut areas = HashMap::new();
        for (position, area) in fx.areas.iter().enumerate() {
            let area_id = id_of("area", &format!("{}#{}", fx.key, area.code));
            ensure!(
                areas.insert(area.code.clone(), area_id).is_none(),
                "duplicate area {:?}",
                area.code
            );
            self.data.areas.push(plan_area::Model {
                id: area_id,
                plan_id: id,
                code: area.code.clone(),
                title: clean(&area.title),
                position: position as i32,
            });
        }
        let area_of = |code: &Option<String>| -> anyhow::Result<Option<Uuid>> {
            code.as_ref()
                .map(|c| {
                    areas
                        .get(c)
                        .copied()
                        .ok_or_else(|| anyhow!("unknown area {c:?}"))
                })
                .transpose()
        };
        let mut target_codes = HashSet::new();
        for (position, fx_target) in fx.targets.iter().enumerate() {
            ensure!(
                target_codes.insert(&fx_target.code),
                "duplicate target code {:?}",
                fx_target.code
            );
            let target_id = id_of("target", &format!("{}#{}", fx.key, fx_target.code));
            self.add_target(
                id,
                target_id,
                area_of(&fx_target.area)?,
                position as i32,
                fx_target,
            )
            .with_context(|| format!("target {:?}", fx_target.code))?;
        }
        let mut task_ids = HashMap::new();
        for (position, fx_task) in fx.tasks.iter().enumerate() {
            let task_id = id_of("task", &format!("{}#{}", fx.key, fx_task.code));
            ensure!(
                task_ids.insert(fx_task.code.clone(), task_id).is_none(),
                "duplicate task code {:?}",
                fx_task.code
            );
            self.add_task(
                &model,
                task_id,
                area_of(&fx_task.area)?,
                position as i32,
                fx_task,
            )
            .with_context(|| format!("task {:?}", fx_task.code))?;
        }
        for (position, fx_regime) in fx.reporting_regimes.iter().enumerate() {
            self.add_regime(fx, id, position, fx_regime)
                .with_context(|| format!("reporting regime {:?}", fx_regime.name))?;
        }
        for (n, progress) in fx.progress.iter().enumerate() {
            let task_id = *task_ids
                .get(&progress.task)
                .ok_or_else(|| anyhow!("progress for unknown task {:?}", progress.task))?;
            ensure!(
                (0..=100).contains(&progress.percent),
                "progress percent must be 0–100"
            );
            ensure!(
                progress.period.parse::<PeriodCode>().is_ok(),
                "invalid period code {:?}",
                progress.period
            );
            let reported_at = progress.reported_at.with_timezone(&Utc);
            let update_id = id_of("progress", &format!("{}#{n}", fx.key));
            self.mark(
                "ProgressUpdate",
                update_id,
                true,
                Some(progress.note.as_deref().unwrap_or(INVENTED_PROGRESS)),
            );
            self.data.progress.push(progress_update::Model {
                id: update_id,
                task_id,
                unit_id: self.unit(&progress.unit)?,
                period_code: progress.period.clone(),
                percent: progress.percent,
                status: progress.status,
                narrative: clean_opt(progress.narrative.as_deref()),
                reported_at,
                created_at: reported_at,
                difficulties: None,
                proposals: None,
                reported_by: None,
            });
        }
        self.mark("Plan", id, false, fx.note.as_deref());
        self.data.plans.push(model.clone());
        self.plans.insert(fx.key.clone(), model);
        Ok(())
    }

    /// A regime and its deadlines; every rule must read as a [`DeadlineRule`] and every period
    /// key must name a period of the year.
    fn add_regime(
        &mut self,
        fx: &PlanFx,
        plan_id: Uuid,
        position: usize,
        fx_regime: &RegimeFx,
    ) -> anyhow::Result<()> {
        let regime_id = id_of("regime", &format!("{}#{position}", fx.key));
        let check_keys = |keys: &Option<Vec<String>>| -> anyhow::Result<()> {
            for key in keys.iter().flatten() {
                ensure!(
                    regime::period_of(key, 2024).is_some(),
                    "{key:?} is not a period of the year"
                );
            }
            Ok(())
        };
        check_keys(&fx_regime.periods)?;
        let now = Utc::now();
        self.data.regimes.push(reporting_regime::Model {
            id: regime_id,
            plan_id: Some(plan_id),
            name: clean(&fx_regime.name),
            frequency: fx_regime.frequency,
            period_keys: fx_regime.periods.as_ref().map(|k| serde_json::json!(k)),
            cut_off: fx_regime
                .cut_off
                .unwrap_or(entity::enums::CutOffRule::Decree09),
            allows_nil: fx_regime.allows_nil,
            content_outline: clean_opt(fx_regime.outline.as_deref()),
            note: clean_opt(fx_regime.note.as_deref()),
            position: position as i32,
            version: 1,
            created_at: now,
            updated_at: now,
        });
        for (n, deadline) in fx_regime.deadlines.iter().enumerate() {
            check_keys(&deadline.periods)?;
            let (reporter_unit_id, reporter_group_id) = match &deadline.reporter {
                Some(key) => self.unit_or_group(key)?,
                None => (None, None),
            };
            // "theo quy định": the document names no date.
            let mut rule = deadline
                .rule
                .clone()
                .unwrap_or_else(|| serde_json::json!({ "kind": "UNSPECIFIED" }));
            if let (Some(inclusive), Some(object)) = (deadline.inclusive, rule.as_object_mut()) {
                object.insert("inclusive".into(), inclusive.into());
            }
            DeadlineRule::from_json(&rule).map_err(|e| anyhow!("deadline {n}: {e}"))?;
            // The kind of the periods it covers (its first period's), else the regime's.
            let period = deadline
                .periods
                .as_ref()
                .and_then(|keys| keys.first())
                .and_then(|key| regime::period_of(key, 2024))
                .map_or(fx_regime.frequency, |p| p.kind());
            // The plan's deadlines in document order (`Plan.reportingDeadlines`).
            let place = self
                .data
                .deadlines
                .iter()
                .filter(|d| d.plan_id == plan_id)
                .count();
            self.data.deadlines.push(reporting_deadline::Model {
                id: id_of("deadline", &format!("{}#{position}#{n}", fx.key)),
                plan_id,
                period,
                text: clean(&deadline.text),
                reporter_unit_id,
                reporter_group_id,
                recipient_unit_id: deadline
                    .recipient
                    .as_deref()
                    .map(|k| self.unit(k))
                    .transpose()?,
                via_unit_id: deadline.via.as_deref().map(|k| self.unit(k)).transpose()?,
                rule,
                position: place as i32,
                regime_id: Some(regime_id),
                level: deadline.level,
                period_keys: deadline.periods.as_ref().map(|k| serde_json::json!(k)),
            });
        }
        let regime_rows: Vec<reporting_deadline::Model> = self
            .data
            .deadlines
            .iter()
            .filter(|d| d.regime_id == Some(regime_id))
            .cloned()
            .collect();
        for (n, fx_request) in fx_regime.requests.iter().enumerate() {
            self.add_request(fx, regime_id, n, fx_request)
                .with_context(|| format!("request {n} ({})", fx_request.subject))?;
        }
        for (n, fx_sent) in fx_regime.submissions.iter().enumerate() {
            self.add_submissions(fx, regime_id, &regime_rows, n, fx_sent)
                .with_context(|| format!("submissions {n} ({})", fx_sent.period))?;
        }
        Ok(())
    }

    /// An illustrative ad-hoc request: the next number of its year under the regime.
    fn add_request(
        &mut self,
        fx: &PlanFx,
        regime_id: Uuid,
        n: usize,
        request: &RequestFx,
    ) -> anyhow::Result<()> {
        let year = request.requested_on.year();
        let number = self
            .data
            .requests
            .iter()
            .filter(|r| r.regime_id == regime_id && r.year == year)
            .count() as i32
            + 1;
        ensure!(
            request.requested_on <= request.due_on,
            "due before it was requested"
        );
        let unit_ids = match &request.units {
            Some(keys) => Some(
                keys.iter()
                    .map(|k| self.unit(k))
                    .collect::<anyhow::Result<Vec<_>>>()?,
            ),
            None => None,
        };
        let id = id_of("request", &format!("{}#{regime_id}#{n}", fx.key));
        self.mark(
            "ReportRequest",
            id,
            true,
            Some(request.note.as_deref().unwrap_or(INVENTED_REQUEST)),
        );
        self.data.requests.push(report_request::Model {
            id,
            regime_id,
            year,
            number,
            subject: clean(&request.subject),
            document_number: request
                .document_number
                .as_deref()
                .map(DocumentNumber::parse)
                .transpose()
                .context("documentNumber")?
                .map(DocumentNumber::into_string),
            requested_on: request.requested_on,
            due_on: request.due_on,
            data_from: None,
            data_to: None,
            unit_ids: unit_ids.map(|ids| serde_json::json!(ids)),
            requested_by: Some("demo".to_owned()),
            created_at: Utc::now(),
        });
        Ok(())
    }

    /// Illustrative reports: each unit must report under the regime's row of that level and
    /// period; the due day comes from the rule on the official calendar, and lateness from it.
    fn add_submissions(
        &mut self,
        fx: &PlanFx,
        regime_id: Uuid,
        rows: &[reporting_deadline::Model],
        n: usize,
        sent: &SubmissionFx,
    ) -> anyhow::Result<()> {
        let period: PeriodCode = sent.period.parse().map_err(|e| anyhow!("{e}"))?;
        let key = crate::domain::reporting::deadline::period_key(period);
        // An ad-hoc period is a request's: any row of the level, due when the request says.
        let request = match period {
            PeriodCode::AdHoc(year, number) => Some(
                self.data
                    .requests
                    .iter()
                    .find(|r| {
                        r.regime_id == regime_id && r.year == year && r.number == i32::from(number)
                    })
                    .cloned()
                    .ok_or_else(|| anyhow!("no request opened {period}"))?,
            ),
            _ => None,
        };
        let row = rows
            .iter()
            .find(|r| {
                r.level == sent.level && (request.is_some() || regime::row_keys(r).contains(&key))
            })
            .ok_or_else(|| anyhow!("no deadline of level {} covers {period}", sent.level))?;
        let due_on = match &request {
            Some(request) => Some(request.due_on),
            None => DeadlineRule::from_json(&row.rule)
                .map_err(|e| anyhow!("{e}"))?
                .due(Some(period), None, &official_calendar()?)
                .map_err(|e| anyhow!("{e}"))?
                .map(|d| d.due_on),
        };
        let at = sent.submitted_at.with_timezone(&Utc);
        let (is_late, days_late) = crate::domain::reporting::submission::lateness(at, due_on);
        for unit_key in &sent.units {
            let unit = self.unit(unit_key)?;
            let reports = match (row.reporter_unit_id, row.reporter_group_id) {
                (Some(reporter), _) => reporter == unit,
                // An explicit row decides; otherwise the group's rule.
                (None, Some(group)) => match self
                    .data
                    .members
                    .iter()
                    .find(|m| m.group_id == group && m.unit_id == unit)
                {
                    Some(row) => row.included,
                    None => self.in_group_by_rule(group, unit),
                },
                _ => false,
            };
            ensure!(reports, "{unit_key} does not report under this deadline");
            ensure!(
                request
                    .as_ref()
                    .is_none_or(|r| crate::domain::reporting::request::asks(r, unit)),
                "{unit_key} was not asked by the request"
            );
            let decided = matches!(
                sent.status,
                entity::enums::SubmissionStatus::Accepted
                    | entity::enums::SubmissionStatus::Returned
            );
            let submission_id = id_of(
                "submission",
                &format!("{}#{regime_id}#{n}#{unit_key}", fx.key),
            );
            self.mark(
                "ReportSubmission",
                submission_id,
                true,
                Some(sent.note.as_deref().unwrap_or(INVENTED_REPORT)),
            );
            self.data.submissions.push(report_submission::Model {
                id: submission_id,
                regime_id,
                period_code: period.to_string(),
                level: row.level,
                reporting_unit_id: unit,
                receiving_unit_id: row.recipient_unit_id,
                status: sent.status,
                is_nil: false,
                content: clean_opt(sent.content.as_deref()),
                due_on,
                first_submitted_at: Some(at),
                submitted_at: Some(at),
                is_late,
                days_late,
                return_reason: None,
                decided_at: decided.then_some(at),
                decided_by: decided.then(|| "demo".to_owned()),
                submitted_by: Some("demo".to_owned()),
                version: 1,
                created_at: at,
                updated_at: at,
            });
        }
        Ok(())
    }

    /// Whether a group's rule (its parent and kinds) takes in `unit`.
    fn in_group_by_rule(&self, group: Uuid, unit: Uuid) -> bool {
        let Some(g) = self.data.groups.iter().find(|g| g.id == group) else {
            return false;
        };
        let Some(u) = self.data.units.iter().find(|u| u.id == unit) else {
            return false;
        };
        let kinds = crate::domain::org::group::kinds(g);
        g.parent_unit_id.is_some()
            && u.parent_id == g.parent_unit_id
            && (kinds.is_empty() || kinds.contains(&u.kind))
    }

    fn assignments(
        &mut self,
        owner: &str,
        task_id: Option<Uuid>,
        target_id: Option<Uuid>,
        rows: &[AssignmentFx],
        owner_note: Option<&str>,
    ) -> anyhow::Result<()> {
        // The document names no lead: the one recorded is read from the responsibility line.
        let lead_inferred = owner_note.is_some_and(|note| {
            let note = note.to_lowercase();
            [
                "names no \"chủ trì\"",
                "no chủ trì",
                "lead not stated",
                "lead not named",
                "no lead is named",
            ]
            .iter()
            .any(|phrase| note.contains(phrase))
        });
        let mut specs = Vec::with_capacity(rows.len());
        for row in rows {
            specs.push(AssignmentSpec {
                role: row.role,
                unit_id: row.unit.as_deref().map(|u| self.unit(u)).transpose()?,
                group_id: row.group.as_deref().map(|g| self.group(g)).transpose()?,
            });
        }
        obey(|checks| assignments::check_shape(checks, &specs))?;
        for (position, (row, spec)) in rows.iter().zip(specs).enumerate() {
            let AssignmentSpec {
                unit_id, group_id, ..
            } = spec;
            let assignment_id = id_of("assignment", &format!("{owner}#{position}"));
            if row.role == AssignmentRole::Lead && lead_inferred {
                self.mark("Assignment", assignment_id, true, owner_note);
            } else {
                self.mark("Assignment", assignment_id, false, row.note.as_deref());
            }
            self.data.assignments.push(assignment::Model {
                id: assignment_id,
                task_id,
                target_id,
                role: row.role,
                unit_id,
                group_id,
                position: position as i32,
            });
        }
        Ok(())
    }

    fn add_target(
        &mut self,
        plan_id: Uuid,
        id: Uuid,
        area_id: Option<Uuid>,
        position: i32,
        fx: &TargetFx,
    ) -> anyhow::Result<()> {
        let now = Utc::now();
        let mut model = target::Model {
            id,
            plan_id,
            area_id,
            code: fx.code.clone(),
            search_text: String::new(),
            statement: clean(&fx.statement),
            measure: fx.measure,
            unit_text: clean_opt(fx.unit.as_deref()),
            comparator: fx.comparator,
            target_value: fx.target_value,
            target_year: fx.target_year,
            baseline_value: fx.baseline_value,
            baseline_year: fx.baseline_year,
            change_direction: fx.change_direction,
            aspirational: fx.aspirational,
            condition_text: clean_opt(fx.condition.as_deref()),
            total_label: None,
            ratio_label: None,
            ratio_per: None,
            ratio_decimals: None,
            population_baseline: None,
            population_target: None,
            position,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        if let Some(breakdown) = &fx.breakdown {
            self.add_breakdown(&mut model, breakdown)?;
        }
        obey(|checks| targets::settle(checks, &mut model))?;
        self.assignments(
            &format!("target:{id}"),
            None,
            Some(id),
            &fx.assignments,
            fx.note.as_deref(),
        )?;
        self.mark("Target", id, false, fx.note.as_deref());
        self.data.targets.push(model);
        Ok(())
    }

    /// Stores the per-facility rows and checks every printed subtotal, total and ratio against
    /// what the rows compute to.
    fn add_breakdown(
        &mut self,
        target: &mut target::Model,
        fx: &BreakdownFx,
    ) -> anyhow::Result<()> {
        target.baseline_year.get_or_insert(fx.baseline_year);
        target.target_year.get_or_insert(fx.target_year);
        target.total_label = Some(clean(&fx.total.label));
        let (mut total_baseline, mut total_target) = (0.0, 0.0);
        for (group_position, group) in fx.groups.iter().enumerate() {
            let group_id = id_of("breakdown-group", &format!("{}#{}", target.id, group.code));
            self.data
                .breakdown_groups
                .push(target_breakdown_group::Model {
                    id: group_id,
                    target_id: target.id,
                    code: group.code.clone(),
                    label: clean(&group.label),
                    position: group_position as i32,
                });
            let baseline: f64 = group.rows.iter().map(|r| r.baseline).sum();
            let target_sum: f64 = group.rows.iter().map(|r| r.target).sum();
            ensure!(
                baseline == group.stated_baseline && target_sum == group.stated_target,
                "group {} rows sum to {baseline} → {target_sum}, the document prints {} → {}",
                group.code,
                group.stated_baseline,
                group.stated_target
            );
            total_baseline += baseline;
            total_target += target_sum;
            for (position, row) in group.rows.iter().enumerate() {
                ensure!(
                    row.baseline >= 0.0 && row.target >= 0.0,
                    "row {} is negative",
                    row.code
                );
                self.data.breakdown_rows.push(target_breakdown_row::Model {
                    id: id_of(
                        "breakdown-row",
                        &format!("{}#{}#{}", target.id, group.code, row.code),
                    ),
                    target_id: target.id,
                    group_id,
                    code: row.code.clone(),
                    label: clean(&row.label),
                    unit_id: row.unit.as_deref().map(|k| self.unit(k)).transpose()?,
                    baseline_value: row.baseline,
                    target_value: row.target,
                    position: position as i32,
                });
            }
        }
        ensure!(
            total_baseline == fx.total.stated_baseline && total_target == fx.total.stated_target,
            "the rows total {total_baseline} → {total_target}, the document prints {} → {}",
            fx.total.stated_baseline,
            fx.total.stated_target
        );
        if let Some(ratio) = &fx.ratio {
            let baseline = round(
                total_baseline / ratio.population_baseline * ratio.per,
                ratio.decimals,
            );
            let target_ratio = round(
                total_target / ratio.population_target * ratio.per,
                ratio.decimals,
            );
            ensure!(
                baseline == ratio.stated_baseline && target_ratio == ratio.stated_target,
                "the ratio computes to {baseline} → {target_ratio}, the document prints {} → {}",
                ratio.stated_baseline,
                ratio.stated_target
            );
            target.ratio_label = Some(clean(&ratio.label));
            target.ratio_per = Some(ratio.per);
            target.ratio_decimals = Some(ratio.decimals);
            target.population_baseline = Some(ratio.population_baseline);
            target.population_target = Some(ratio.population_target);
        }
        Ok(())
    }

    fn add_task(
        &mut self,
        plan: &plan::Model,
        id: Uuid,
        area_id: Option<Uuid>,
        position: i32,
        fx: &TaskFx,
    ) -> anyhow::Result<()> {
        let now = Utc::now();
        let mut task = task::Model {
            id,
            plan_id: plan.id,
            area_id,
            code: Some(fx.code.clone()),
            search_text: String::new(),
            title: clean(&fx.title),
            description: clean_opt(fx.description.as_deref()),
            kind: fx.kind,
            condition_text: clean_opt(fx.condition.as_deref()),
            due_on: fx.due_on,
            due_within_days: fx.due_within_days_of_issue,
            due_text: clean_opt(fx.due_text.as_deref()),
            status: fx.status,
            completed_on: fx.completed_on,
            position,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        obey(|checks| tasks::settle(checks, &mut task, plan))?;
        self.data.tasks.push(task);
        // Statuses and completion dates are invented for the demo (the documents are plans).
        let invented = fx.status != TaskStatus::Assigned || fx.completed_on.is_some();
        let note = match (invented, fx.note.as_deref()) {
            (true, Some(note)) => Some(format!("{INVENTED_STATUS}; {note}")),
            (true, None) => Some(INVENTED_STATUS.to_owned()),
            (false, note) => note.map(str::to_owned),
        };
        self.mark("Task", id, invented, note.as_deref());
        self.assignments(
            &format!("task:{id}"),
            Some(id),
            None,
            &fx.assignments,
            fx.note.as_deref(),
        )
    }

    /// Records where an object comes from, when the demo invented it or has a note on it.
    fn mark(&mut self, object_type: &str, id: Uuid, illustrative: bool, note: Option<&str>) {
        let note = clean_opt(note);
        if illustrative || note.is_some() {
            self.data.provenance.push(provenance::Model {
                object_id: id,
                object_type: object_type.to_owned(),
                illustrative,
                note,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixture_builds() {
        let data = build().unwrap_or_else(|e| panic!("{e:#}"));
        assert!(data.units.len() > 50);
        assert!(data.tasks.len() > 100);
    }

    /// Builds the fixtures with `break_it` applied to the Kon Tum file, and returns the error.
    fn refusal(break_it: impl Fn(&mut serde_json::Value)) -> String {
        let mut builder = Builder::default();
        for (name, text) in FILES {
            let mut value: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            if *name == "10_kontum.json" {
                break_it(&mut value);
            }
            let fixture: Fixture =
                serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
            if let Err(error) = builder.add(&fixture) {
                return format!("{error:#}");
            }
        }
        panic!("the broken fixture was accepted")
    }

    /// The demo's rows obey the rules a user's change does: the domain's own checks refuse a
    /// fixture that breaks them, with the domain's message.
    #[test]
    fn fixtures_obey_the_domains_rules() {
        let plan = |v: &mut serde_json::Value| -> serde_json::Value { v["plans"][3].take() };
        let error = refusal(|v| {
            let mut p = plan(v);
            p["tasks"][0]["status"] = "COMPLETED".into();
            p["tasks"][0]["completedOn"] = serde_json::Value::Null;
            v["plans"][3] = p;
        });
        assert!(
            error.contains("a completed task needs its completion date"),
            "{error}"
        );
        let error = refusal(|v| {
            let mut p = plan(v);
            p["targets"][0]["measure"] = "PERCENT".into();
            p["targets"][0]["targetValue"] = 120.into();
            v["plans"][3] = p;
        });
        assert!(
            error.contains("a percentage is between 0 and 100"),
            "{error}"
        );
        let error = refusal(|v| {
            v["plans"][0]["periodStart"] = 2030.into();
            v["plans"][0]["periodEnd"] = 2021.into();
        });
        assert!(error.contains("before it starts"), "{error}");
        let error = refusal(|v| {
            let mut p = plan(v);
            let lead = p["tasks"][0]["assignments"][0].clone();
            if let Some(rows) = p["tasks"][0]["assignments"].as_array_mut() {
                rows.push(lead);
            }
            v["plans"][3] = p;
        });
        assert!(error.contains("exactly one LEAD"), "{error}");
        let error = refusal(|v| v["plans"][0]["documentNumber"] = "1".repeat(101).into());
        assert!(error.contains("at most 100 characters"), "{error}");
    }

    #[test]
    fn agency_codes_follow_the_decision_20_format() {
        assert!(valid_agency_code("H34.20.1"));
        assert!(!valid_agency_code("h34"));
        assert!(!valid_agency_code("H34..1"));
    }
}
