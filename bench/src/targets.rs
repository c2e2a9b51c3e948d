//! The bench province's targets (chỉ tiêu, a quarter of them with a per-facility breakdown) and
//! its audit log, for Q13 (a unit's targets with their breakdown rows) and Q14 (a plan's audit
//! log page). Generated after the rest, with their own ids and generator, so the other queries
//! measure the same rows as before.

use chrono::{Duration, Utc};
use entity::enums::*;
use entity::{assignment, audit_event, target, target_breakdown_group, target_breakdown_row};
use serde_json::json;
use uuid::Uuid;

use crate::{Dataset, Rng};

/// Targets per plan.
const PER_PLAN: usize = 8;

/// Updates logged for the plan Q14 reads (the others get a few).
const AUDITED_PLAN_EVENTS: usize = 120;

/// Q13: a unit's first 20 targets (directly or through its department's group), with plan,
/// lead and breakdown rows.
pub const TARGETS_QUERY: &str = "query($u: ID) { targets(first: 20, filter: { unitId: $u }) { totalCount nodes { code statement measureUnit targetValue targetYear plan { documentNumber } lead { name } breakdown { groups { code label rows { code label baseline target unit { name } } subtotal { baseline target } } total { baseline target } } } } }";

/// Q14: the newest 20 events of a plan's audit log, as a province administrator reads them.
pub const AUDIT_QUERY: &str = "query($o: ID) { auditEvents(first: 20, filter: { objectId: $o }) { totalCount nodes { occurredAt actor actorUnit { name } action objectType before after } pageInfo { hasNextPage } } }";

/// What this module adds to the dataset.
pub struct Extra {
    pub targets: Vec<target::Model>,
    pub groups: Vec<target_breakdown_group::Model>,
    pub rows: Vec<target_breakdown_row::Model>,
    pub assignments: Vec<assignment::Model>,
    pub events: Vec<audit_event::Model>,
}

/// Eight targets per plan, led by a department or health centre (cooperating: another, or a
/// department's group of its units); one in four a table of facilities in two groups. The audit
/// log: each plan's creation, updates and issue (the measured plan updated many times), and one
/// event per progress update.
pub fn generate(data: &Dataset, audited_plan: Uuid) -> Extra {
    let mut rng = Rng(0x5eed_1234_abcd_0003);
    let counter = std::cell::Cell::new(0u128);
    let next_id = || {
        counter.set(counter.get() + 1);
        Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000_u128 | counter.get())
    };
    let now = Utc::now();
    let leads: Vec<Uuid> = data
        .units
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::Department | UnitKind::HealthCentre))
        .map(|u| u.id)
        .collect();
    let hospitals: Vec<&entity::unit::Model> = data
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Hospital)
        .collect();
    let mut extra = Extra {
        targets: Vec::new(),
        groups: Vec::new(),
        rows: Vec::new(),
        assignments: Vec::new(),
        events: Vec::new(),
    };
    for plan in &data.plans {
        let year = plan.issue_year.unwrap_or(2022);
        for k in 0..PER_PLAN {
            let with_breakdown = k % 4 == 3;
            let statement = if with_breakdown {
                format!("Số giường bệnh kế hoạch đến năm {} đạt theo bảng", year + 3)
            } else {
                format!(
                    "Tỷ lệ {} đạt từ {}% trở lên",
                    crate::TOPICS[rng.below(crate::TOPICS.len())].to_lowercase(),
                    60 + rng.below(40)
                )
            };
            let code = format!("I.{}", k + 1);
            let id = next_id();
            let mut total = 0.0;
            if with_breakdown {
                for (g, (group_code, label)) in [("I", "Công lập"), ("II", "Ngoài công lập")]
                    .into_iter()
                    .enumerate()
                {
                    let group_id = next_id();
                    extra.groups.push(target_breakdown_group::Model {
                        id: group_id,
                        target_id: id,
                        code: group_code.into(),
                        label: label.into(),
                        position: g as i32,
                    });
                    for r in 0..5 {
                        let hospital = (g == 0).then(|| *rng.pick(&hospitals));
                        let baseline = (50 + rng.below(200)) as f64;
                        let target_value = baseline + (rng.below(80)) as f64;
                        total += target_value;
                        extra.rows.push(target_breakdown_row::Model {
                            id: next_id(),
                            target_id: id,
                            group_id,
                            code: format!("{}", r + 1),
                            label: hospital.map_or_else(
                                || format!("Bệnh viện tư nhân số {}", r + 1),
                                |h| h.name.clone(),
                            ),
                            unit_id: hospital.map(|h| h.id),
                            baseline_value: baseline,
                            target_value,
                            position: r,
                        });
                    }
                }
            }
            extra.targets.push(target::Model {
                id,
                plan_id: plan.id,
                area_id: None,
                search_text: api::domain::kernel::text::search_text([
                    Some(code.as_str()),
                    Some(statement.as_str()),
                ]),
                code,
                statement,
                measure: if with_breakdown {
                    TargetMeasure::Count
                } else {
                    TargetMeasure::Percent
                },
                unit_text: Some(if with_breakdown { "giường" } else { "%" }.into()),
                comparator: Some(Comparator::AtLeast),
                target_value: Some(if with_breakdown {
                    total
                } else {
                    (60 + rng.below(40)) as f64
                }),
                target_year: Some(year + 3),
                baseline_value: None,
                baseline_year: Some(year),
                change_direction: None,
                aspirational: false,
                condition_text: None,
                total_label: with_breakdown.then(|| "Tổng số giường bệnh (I+II)".into()),
                ratio_label: None,
                ratio_per: None,
                ratio_decimals: None,
                population_baseline: None,
                population_target: None,
                position: k as i32,
                version: 1,
                created_at: now,
                updated_at: now,
            });
            let lead = *rng.pick(&leads);
            extra.assignments.push(assignment::Model {
                id: next_id(),
                task_id: None,
                target_id: Some(id),
                role: AssignmentRole::Lead,
                unit_id: Some(lead),
                group_id: None,
                position: 0,
            });
            let (unit_id, group_id) = if rng.below(3) == 0 {
                (None, Some(rng.pick(&data.groups).id))
            } else {
                (Some(*rng.pick(&leads)), None)
            };
            if unit_id != Some(lead) {
                extra.assignments.push(assignment::Model {
                    id: next_id(),
                    task_id: None,
                    target_id: Some(id),
                    role: AssignmentRole::Cooperating,
                    unit_id,
                    group_id,
                    position: 1,
                });
            }
        }
        let updates = if plan.id == audited_plan {
            AUDITED_PLAN_EVENTS
        } else {
            3
        };
        let created = now - Duration::days(400);
        let event = |n: usize, action: &str, before, after| audit_event::Model {
            id: next_id(),
            occurred_at: created + Duration::hours(n as i64 * 7),
            subject: format!("officer-{}", n % 5),
            unit_id: Some(plan.issuer_id),
            client_id: None,
            action: action.into(),
            object_type: "plan".into(),
            object_id: plan.id,
            scope_unit_id: Some(plan.issuer_id),
            before,
            after,
            request_id: Some(format!("req-{n:06}")),
        };
        extra.events.push(event(
            0,
            "plan.create",
            None,
            Some(json!({ "title": plan.title, "document_number": plan.document_number, "status": "DRAFT", "version": 1 })),
        ));
        for n in 1..=updates {
            extra.events.push(event(
                n,
                "plan.update",
                Some(json!({ "summary": format!("Bản dự thảo lần {n}"), "version": n })),
                Some(json!({ "summary": format!("Bản dự thảo lần {}", n + 1), "version": n + 1 })),
            ));
        }
        extra.events.push(event(
            updates + 1,
            "plan.issue",
            Some(json!({ "status": "DRAFT" })),
            Some(json!({ "status": plan.status, "issued_on": plan.issued_on })),
        ));
    }
    let plan_of: std::collections::HashMap<Uuid, Uuid> =
        data.tasks.iter().map(|t| (t.id, t.plan_id)).collect();
    let issuer_of: std::collections::HashMap<Uuid, Uuid> =
        data.plans.iter().map(|p| (p.id, p.issuer_id)).collect();
    for update in &data.progress {
        let scope = plan_of
            .get(&update.task_id)
            .and_then(|plan| issuer_of.get(plan))
            .copied();
        extra.events.push(audit_event::Model {
            id: next_id(),
            occurred_at: update.reported_at,
            subject: format!("unit-{}", update.unit_id.simple()),
            unit_id: Some(update.unit_id),
            client_id: None,
            action: "progress.submit".into(),
            object_type: "progress_update".into(),
            object_id: update.id,
            scope_unit_id: scope,
            before: None,
            after: Some(json!({
                "task_id": update.task_id, "unit_id": update.unit_id, "period_code": update.period_code,
                "percent": update.percent, "status": update.status, "narrative": update.narrative,
                "difficulties": null, "proposals": null,
            })),
            request_id: None,
        });
    }
    extra
}

/// The unit Q13 reads: the one leading the most targets directly.
pub fn busiest_lead(extra: &Extra) -> Uuid {
    let mut counts: std::collections::HashMap<Uuid, usize> = Default::default();
    for a in &extra.assignments {
        if let (Some(unit), AssignmentRole::Lead) = (a.unit_id, a.role) {
            *counts.entry(unit).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(id, n)| (*n, *id))
        .map(|(id, _)| id)
        .unwrap_or_default()
}

/// The targets of unit `u` (directly, or through a group of its parent's units) in plans an
/// anonymous caller sees.
fn unit_targets(unit: Uuid) -> String {
    format!(
        "t.id IN (SELECT a.target_id FROM assignment a WHERE a.unit_id = '{unit}' \
         UNION ALL SELECT a.target_id FROM assignment a WHERE a.group_id IN \
         (SELECT g.id FROM unit_group g JOIN unit u ON u.parent_id = g.parent_unit_id WHERE u.id = '{unit}')) \
         AND {}",
        crate::VISIBLE_TASK
    )
}

/// Q13's statement: the page of 20 cut first; each target's plan, lead (at most one: a unique
/// index) and breakdown looked up by key; subtotals and the total summed from the rows. Rows are
/// found by their target's index and then by group: by group alone (no index) PostgreSQL scanned
/// every row of every table per group, 5.5 against 3.3 ms
/// (bench/ceilings/alternatives/Q13-rows-by-group.txt).
pub fn targets_ceiling_sql(unit: Uuid) -> String {
    let matches = unit_targets(unit);
    format!(
        "SELECT json_build_object('data', json_build_object('targets', json_build_object(\
         'totalCount', (SELECT count(*) FROM target t WHERE {matches}), \
         'nodes', COALESCE(json_agg(json_build_object('code', x.code, 'statement', x.statement, \
         'measureUnit', x.unit_text, 'targetValue', x.target_value, 'targetYear', x.target_year, \
         'plan', (SELECT json_build_object('documentNumber', p.document_number) FROM plan p WHERE p.id = x.plan_id), \
         'lead', (SELECT json_build_object('name', u.name) FROM unit u WHERE u.id = \
            (SELECT a.unit_id FROM assignment a WHERE a.target_id = x.id AND a.role = 'LEAD')), \
         'breakdown', (SELECT json_build_object('groups', json_agg(json_build_object('code', g.code, 'label', g.label, \
              'rows', r.rows, 'subtotal', json_build_object('baseline', r.baseline, 'target', r.target)) ORDER BY g.position, g.id), \
              'total', json_build_object('baseline', sum(r.baseline), 'target', sum(r.target))) \
            FROM target_breakdown_group g, LATERAL (SELECT COALESCE(json_agg(json_build_object('code', r.code, 'label', r.label, \
              'baseline', r.baseline_value, 'target', r.target_value, \
              'unit', (SELECT json_build_object('name', u.name) FROM unit u WHERE u.id = r.unit_id)) ORDER BY r.position, r.id), '[]'::json) AS rows, \
              COALESCE(sum(r.baseline_value), 0) AS baseline, COALESCE(sum(r.target_value), 0) AS target \
              FROM target_breakdown_row r WHERE r.target_id = x.id AND r.group_id = g.id) r \
            WHERE g.target_id = x.id HAVING count(*) > 0)) \
         ORDER BY x.plan_id, x.position, x.id), '[]'::json)))) \
         FROM (SELECT t.id, t.plan_id, t.position, t.code, t.statement, t.unit_text, t.target_value, t.target_year \
         FROM target t WHERE {matches} ORDER BY t.plan_id, t.position, t.id LIMIT 20) x;"
    )
}

/// Q14's statement: the plan's newest 20 events by the (object, time) index, each actor's unit
/// looked up by key; the count (which also says whether a next page exists) once. Numbering
/// 21 rows in a window to tell the next page instead was no faster
/// (bench/ceilings/alternatives/Q14-window.txt).
pub fn audit_ceiling_sql(plan: Uuid) -> String {
    format!(
        "SELECT json_build_object('data', json_build_object('auditEvents', json_build_object(\
         'totalCount', c.n, \
         'nodes', COALESCE((SELECT json_agg(json_build_object('occurredAt', x.occurred_at, 'actor', x.subject, \
           'actorUnit', (SELECT json_build_object('name', u.name) FROM unit u WHERE u.id = x.unit_id), \
           'action', x.action, 'objectType', x.object_type, 'before', x.before, 'after', x.after) \
           ORDER BY x.occurred_at DESC, x.id DESC) \
           FROM (SELECT e.id, e.occurred_at, e.subject, e.unit_id, e.action, e.object_type, e.before, e.after \
           FROM audit_event e WHERE e.object_id = '{plan}' ORDER BY e.occurred_at DESC, e.id DESC LIMIT 20) x), '[]'::json), \
         'pageInfo', json_build_object('hasNextPage', c.n > 20)))) \
         FROM (SELECT count(*) AS n FROM audit_event WHERE object_id = '{plan}') c;"
    )
}
