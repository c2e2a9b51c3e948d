//! The progress annex laid out as an Excel workbook: sheet 1 the tasks, sheet 2 the targets'
//! attainment (breakdown rows and their subtotals), sheet 3 the reports by unit. Vietnamese
//! text as stored, dates as real dates shown dd/mm/yyyy, columns wide enough to read.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::domain::kernel::time::DayMonthYear;
use crate::domain::reporting::attainment::TargetAttainment;
use crate::domain::reporting::export::{ProgressAnnex, report_label, timeliness_label};
use entity::enums::{ChangeDirection, Comparator};

/// The path a plan's progress annex for a period is downloaded from (the route is
/// `routes::export`; `Plan.progressExportUrl` gives it).
pub fn path(plan_global_id: &str, period: crate::domain::kernel::period::PeriodCode) -> String {
    format!("/exports/plans/{plan_global_id}/progress.xlsx?period={period}")
}

/// The row of each sheet's column headings (0-based); data starts on the next row.
pub const HEADER_ROW: u32 = 3;

pub(crate) struct Formats {
    pub(crate) title: Format,
    pub(crate) header: Format,
    pub(crate) text: Format,
    pub(crate) date: Format,
    pub(crate) number: Format,
    pub(crate) group: Format,
}

impl Formats {
    pub(crate) fn new() -> Self {
        Self {
            title: Format::new().set_bold().set_font_size(13),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color("#DDEBF7")
                .set_border(rust_xlsxwriter::FormatBorder::Thin),
            text: Format::new().set_text_wrap(),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            number: Format::new().set_num_format("#,##0.##"),
            group: Format::new().set_bold(),
        }
    }
}

pub(crate) fn date(day: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(day.year()).unwrap_or(1900),
        day.month() as u8,
        day.day() as u8,
    )
}

pub(crate) fn heading(
    sheet: &mut Worksheet,
    formats: &Formats,
    title: &str,
    subtitle: &str,
    columns: &[(&str, f64)],
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, title, &formats.title)?;
    sheet.write_string(1, 0, subtitle)?;
    for (col, (name, width)) in columns.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(HEADER_ROW, col, *name, &formats.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

/// "≥", "giảm ≥", … as the annex states a requirement.
fn requirement(target: &TargetAttainment) -> String {
    let comparator = match target.target.comparator.unwrap_or(Comparator::AtLeast) {
        Comparator::GreaterThan => ">",
        Comparator::AtLeast | Comparator::AchieveOrExceed => "≥",
        Comparator::Exactly => "=",
        Comparator::AtMost => "≤",
        Comparator::LessThan => "<",
    };
    match target.target.change_direction {
        Some(ChangeDirection::Decrease) => format!("giảm {comparator}"),
        Some(ChangeDirection::Increase) => format!("tăng {comparator}"),
        None => comparator.to_owned(),
    }
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "Đạt",
        Some(false) => "Chưa đạt",
        None => "Chưa có số liệu",
    }
}

/// Writes the annex; the bytes of an `.xlsx` file.
pub fn workbook(annex: &ProgressAnnex) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let subtitle = format!(
        "Kỳ báo cáo: {} — số liệu đến ngày {}",
        annex.period,
        DayMonthYear(annex.as_of)
    );
    let title = format!("Tiến độ thực hiện: {}", annex.plan.title);

    let tasks = book.add_worksheet();
    tasks.set_name("Nhiệm vụ")?;
    heading(
        tasks,
        &formats,
        &title,
        &subtitle,
        &[
            ("STT", 8.0),
            ("Nhiệm vụ", 60.0),
            ("Đơn vị chủ trì", 28.0),
            ("Đơn vị phối hợp", 32.0),
            ("Thời hạn", 12.0),
            ("Tình trạng", 24.0),
            ("Tiến độ (%)", 10.0),
            ("Kết quả mới nhất", 50.0),
        ],
    )?;
    for (i, task) in annex.tasks.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        tasks.write_string(row, 0, task.code.clone().unwrap_or_default())?;
        tasks.write_string_with_format(row, 1, &task.title, &formats.text)?;
        tasks.write_string_with_format(
            row,
            2,
            task.lead.clone().unwrap_or_default(),
            &formats.text,
        )?;
        tasks.write_string_with_format(row, 3, task.cooperating.join("; "), &formats.text)?;
        match (task.due_on, &task.due_text) {
            (Some(day), _) => {
                tasks.write_datetime_with_format(row, 4, date(day)?, &formats.date)?;
            }
            (None, Some(text)) => {
                tasks.write_string(row, 4, text)?;
            }
            (None, None) => {}
        }
        tasks.write_string(row, 5, timeliness_label(task.timeliness))?;
        if let Some(percent) = task.percent {
            tasks.write_number_with_format(row, 6, percent, &formats.number)?;
        }
        tasks.write_string_with_format(
            row,
            7,
            task.narrative.clone().unwrap_or_default(),
            &formats.text,
        )?;
    }

    let targets = book.add_worksheet();
    targets.set_name("Chỉ tiêu")?;
    heading(
        targets,
        &formats,
        &title,
        &subtitle,
        &[
            ("STT", 10.0),
            ("Chỉ tiêu", 60.0),
            ("Đơn vị tính", 14.0),
            ("Yêu cầu", 10.0),
            ("Mục tiêu", 12.0),
            ("Thực hiện", 12.0),
            ("Ước thực hiện", 10.0),
            ("Đánh giá", 16.0),
        ],
    )?;
    let mut row = HEADER_ROW + 1;
    for target in &annex.targets {
        targets.write_string(row, 0, &target.target.code)?;
        targets.write_string_with_format(row, 1, &target.target.statement, &formats.text)?;
        targets.write_string(row, 2, target.target.unit_text.clone().unwrap_or_default())?;
        targets.write_string(row, 3, requirement(target))?;
        if let Some(goal) = target.goal {
            targets.write_number_with_format(row, 4, goal, &formats.number)?;
        }
        if let Some(actual) = target.actual {
            targets.write_number_with_format(row, 5, actual, &formats.number)?;
        }
        if target.estimate {
            targets.write_string(row, 6, "x")?;
        }
        targets.write_string(row, 7, verdict(target.met))?;
        row += 1;
        for group in &target.groups {
            targets.write_string_with_format(row, 0, &group.group.code, &formats.group)?;
            targets.write_string_with_format(row, 1, &group.group.label, &formats.group)?;
            targets.write_number_with_format(row, 4, group.target, &formats.number)?;
            if let Some(actual) = group.actual {
                targets.write_number_with_format(row, 5, actual, &formats.number)?;
            }
            row += 1;
            for line in &group.rows {
                targets.write_string(row, 0, &line.row.code)?;
                targets.write_string_with_format(row, 1, &line.row.label, &formats.text)?;
                targets.write_number_with_format(row, 4, line.row.target_value, &formats.number)?;
                if let Some(reported) = &line.reported {
                    targets.write_number_with_format(row, 5, reported.value, &formats.number)?;
                    if reported.estimate {
                        targets.write_string(row, 6, "x")?;
                    }
                }
                targets.write_string(row, 7, verdict(line.met))?;
                row += 1;
            }
        }
    }

    let reports = book.add_worksheet();
    reports.set_name("Báo cáo")?;
    heading(
        reports,
        &formats,
        &title,
        &subtitle,
        &[
            ("Chế độ báo cáo", 40.0),
            ("Cấp", 6.0),
            ("Đơn vị báo cáo", 40.0),
            ("Hạn nộp", 12.0),
            ("Tình trạng", 20.0),
        ],
    )?;
    for (i, report) in annex.reports.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        reports.write_string_with_format(row, 0, &report.regime, &formats.text)?;
        reports.write_number(row, 1, f64::from(report.level))?;
        reports.write_string_with_format(row, 2, &report.unit, &formats.text)?;
        if let Some(day) = report.due_on {
            reports.write_datetime_with_format(row, 3, date(day)?, &formats.date)?;
        }
        reports.write_string(row, 4, report_label(report.state))?;
    }
    book.save_to_buffer()
}
