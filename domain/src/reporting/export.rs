//! What the progress annex (phụ lục) of a plan holds for a period, as of a day: its tasks with
//! who leads and who cooperates, deadline, timeliness, percent and newest narrative; its
//! targets' attainment; and each reporting unit's report (on time, late, missing, pending).
//! The same figures as `plan_progress`; the HTTP layer lays them out as a workbook.

use std::collections::HashSet;

use chrono::NaiveDate;
use entity::enums::AssignmentRole;
use entity::{plan, reporting_regime, unit, unit_group};
use uuid::Uuid;

use super::attainment::TargetAttainment;
use super::progress::{plan_progress, task_percent, tasks_with_newest_updates};
use crate::kernel::error::DomainResult;
use crate::kernel::period::PeriodCode;
use crate::planning::task::{Timeliness, assignments, timeliness};

/// The most tasks one annex lists (a plan has a few hundred at most).
pub const MAX_TASKS: usize = 5_000;

/// One task of the annex.
#[derive(Debug, Clone)]
pub struct TaskLine {
    pub code: Option<String>,
    pub title: String,
    /// The lead unit or group, by name.
    pub lead: Option<String>,
    /// Cooperating and implementing units or groups, by name.
    pub cooperating: Vec<String>,
    pub due_on: Option<NaiveDate>,
    /// The deadline as printed, when it is no date ("Thường xuyên").
    pub due_text: Option<String>,
    pub timeliness: Timeliness,
    /// None for a cancelled task.
    pub percent: Option<f64>,
    pub narrative: Option<String>,
}

/// Where one unit's report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportState {
    OnTime,
    Late,
    /// Not in, and the due day has passed.
    Missing,
    /// Not in, before the due day.
    Pending,
}

/// One unit's report under one deadline of a regime.
#[derive(Debug, Clone)]
pub struct ReportLine {
    pub regime: String,
    pub level: i32,
    pub unit: String,
    pub due_on: Option<NaiveDate>,
    pub state: ReportState,
}

/// The annex of a plan for a period.
#[derive(Debug, Clone)]
pub struct ProgressAnnex {
    pub plan: plan::Model,
    pub period: PeriodCode,
    pub as_of: NaiveDate,
    pub tasks: Vec<TaskLine>,
    pub targets: Vec<TargetAttainment>,
    pub reports: Vec<ReportLine>,
}

/// Gathers the annex of `plan` for `period` as of `as_of` (default as `plan_progress`).
pub async fn progress_annex(
    db: &impl sea_orm::ConnectionTrait,
    plan: &plan::Model,
    period: PeriodCode,
    as_of: Option<NaiveDate>,
) -> DomainResult<ProgressAnnex> {
    let figures = plan_progress(db, plan, period, as_of).await?;
    let targets = super::attainment::of_plan(db, plan.id, period, as_of, true).await?;
    let as_of = figures.as_of;
    let (mut tasks, newest) = tasks_with_newest_updates(db, &[plan.id], as_of).await?;
    tasks.truncate(MAX_TASKS);
    let ids: Vec<Uuid> = tasks.iter().map(|t| t.id).collect();
    let rows = assignments(db, &ids).await?;
    // Every unit and group named anywhere in the annex, read once.
    let mut unit_ids: HashSet<Uuid> = HashSet::new();
    let mut group_ids: HashSet<Uuid> = HashSet::new();
    for row in rows.values().flatten() {
        unit_ids.extend(row.unit_id);
        group_ids.extend(row.group_id);
    }
    for report in &figures.reports {
        for list in [
            &report.on_time,
            &report.late,
            &report.missing,
            &report.pending,
        ] {
            unit_ids.extend(list.iter().copied());
        }
    }
    let units = crate::org::unit::by_ids(db, &unit_ids.into_iter().collect::<Vec<_>>()).await?;
    let groups = crate::org::group::by_ids(db, &group_ids.into_iter().collect::<Vec<_>>()).await?;
    let name_of = |unit: Option<Uuid>, group: Option<Uuid>| -> Option<String> {
        unit.and_then(|id| units.get(&id).map(|u: &unit::Model| u.name.clone()))
            .or_else(|| {
                group.and_then(|id| groups.get(&id).map(|g: &unit_group::Model| g.label.clone()))
            })
    };
    let lines = tasks
        .iter()
        .map(|task| {
            let assigned = rows.get(&task.id).cloned().unwrap_or_default();
            let lead = assigned
                .iter()
                .find(|a| a.role == AssignmentRole::Lead)
                .and_then(|a| name_of(a.unit_id, a.group_id));
            let cooperating = assigned
                .iter()
                .filter(|a| {
                    matches!(
                        a.role,
                        AssignmentRole::Cooperating | AssignmentRole::Implementing
                    )
                })
                .filter_map(|a| name_of(a.unit_id, a.group_id))
                .collect();
            let class = timeliness(task, as_of);
            let update = newest.get(&task.id);
            TaskLine {
                code: task.code.clone(),
                title: task.title.clone(),
                lead,
                cooperating,
                due_on: task.due_on,
                due_text: task.due_text.clone(),
                timeliness: class,
                percent: task_percent(class, update.map(|u| u.percent)),
                narrative: update.and_then(|u| u.narrative.clone()),
            }
        })
        .collect();
    let regime_ids: Vec<Uuid> = figures.reports.iter().map(|r| r.regime_id).collect();
    let regimes = super::regime::by_ids(db, &regime_ids).await?;
    let mut reports = Vec::new();
    for due in &figures.reports {
        let regime = regimes
            .get(&due.regime_id)
            .map(|r: &reporting_regime::Model| r.name.clone())
            .unwrap_or_default();
        for (list, state) in [
            (&due.on_time, ReportState::OnTime),
            (&due.late, ReportState::Late),
            (&due.missing, ReportState::Missing),
            (&due.pending, ReportState::Pending),
        ] {
            for unit in list {
                reports.push(ReportLine {
                    regime: regime.clone(),
                    level: due.level,
                    unit: name_of(Some(*unit), None).unwrap_or_default(),
                    due_on: due.due_on,
                    state,
                });
            }
        }
    }
    reports.sort_by(|a, b| {
        (a.regime.as_str(), a.level, a.unit.as_str()).cmp(&(
            b.regime.as_str(),
            b.level,
            b.unit.as_str(),
        ))
    });
    Ok(ProgressAnnex {
        plan: plan.clone(),
        period,
        as_of,
        tasks: lines,
        targets,
        reports,
    })
}

/// How a timeliness class reads in the annex.
pub fn timeliness_label(class: Timeliness) -> &'static str {
    match class {
        Timeliness::CompletedOnTime => "Hoàn thành đúng hạn",
        Timeliness::CompletedLate => "Hoàn thành quá hạn",
        Timeliness::OpenWithinDeadline => "Chưa hoàn thành – trong hạn",
        Timeliness::OpenOverdue => "Chưa hoàn thành – quá hạn",
        Timeliness::NoDeadline => "Không có thời hạn",
        Timeliness::AwaitingTrigger => "Chưa phát sinh",
        Timeliness::Cancelled => "Đã hủy",
    }
}

/// How a report's state reads in the annex.
pub fn report_label(state: ReportState) -> &'static str {
    match state {
        ReportState::OnTime => "Đúng hạn",
        ReportState::Late => "Trễ hạn",
        ReportState::Missing => "Chưa nộp (quá hạn)",
        ReportState::Pending => "Chưa đến hạn",
    }
}
