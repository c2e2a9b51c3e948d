//! The nomination exports laid out as workbooks: a decision's recipient list (the annex of a
//! quyết định khen thưởng: STT, họ tên / tập thể, chức vụ, đơn vị, hình thức, thành tích) and a
//! round's nomination list. Vietnamese text as stored, dates as real dates shown dd/mm/yyyy.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use crate::annex::{Formats, HEADER_ROW, date, heading};
use crate::domain::emulation::nomination::export::{NominationLine, state_label};
use crate::domain::kernel::time::DayMonthYear;

/// Where a round's nomination list is downloaded from (`Round.exportUrl`).
pub fn round_path(round_global_id: &str) -> String {
    format!("/exports/rounds/{round_global_id}/nominations.xlsx")
}

/// Where a decision's recipient list is downloaded from (`AwardDecision.recipientsExportUrl`).
pub fn decision_path(decision_global_id: &str) -> String {
    format!("/exports/decisions/{decision_global_id}/recipients.xlsx")
}

/// The decision's annex: one line per recipient.
pub fn decision_workbook(
    decision: &entity::award_decision::Model,
    lines: &[NominationLine],
) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Danh sách khen thưởng")?;
    heading(
        sheet,
        &formats,
        &format!(
            "Danh sách khen thưởng kèm theo Quyết định số {} ngày {}",
            decision.number,
            DayMonthYear(decision.decided_on)
        ),
        &decision.signer,
        &[
            ("STT", 6.0),
            ("Họ tên / Tập thể", 32.0),
            ("Chức vụ", 24.0),
            ("Đơn vị", 36.0),
            ("Hình thức", 32.0),
            ("Thành tích", 70.0),
        ],
    )?;
    for (i, line) in lines.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        nominee_columns(sheet, &formats, row, i, line)?;
        sheet.write_string_with_format(
            row,
            4,
            line.awarded.as_deref().unwrap_or(&line.proposed),
            &formats.text,
        )?;
        sheet.write_string_with_format(row, 5, &line.summary, &formats.text)?;
    }
    book.save_to_buffer()
}

/// A round's nominations, one line each.
pub fn round_workbook(
    round: &entity::emulation_round::Model,
    lines: &[NominationLine],
) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Danh sách đề nghị")?;
    heading(
        sheet,
        &formats,
        &format!("Danh sách đề nghị khen thưởng: {}", round.name),
        &format!(
            "Thành tích từ ngày {} đến ngày {}",
            DayMonthYear(round.achievement_from),
            DayMonthYear(round.achievement_to)
        ),
        &[
            ("STT", 6.0),
            ("Họ tên / Tập thể", 32.0),
            ("Chức vụ", 24.0),
            ("Đơn vị", 36.0),
            ("Hình thức đề nghị", 32.0),
            ("Từ ngày", 12.0),
            ("Đến ngày", 12.0),
            ("Đơn vị đề nghị", 36.0),
            ("Tình trạng", 26.0),
            ("Quyết định", 26.0),
            ("Thành tích", 70.0),
        ],
    )?;
    for (i, line) in lines.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        nominee_columns(sheet, &formats, row, i, line)?;
        sheet.write_string_with_format(row, 4, &line.proposed, &formats.text)?;
        sheet.write_datetime_with_format(row, 5, date(line.achievement_from)?, &formats.date)?;
        sheet.write_datetime_with_format(row, 6, date(line.achievement_to)?, &formats.date)?;
        sheet.write_string_with_format(row, 7, &line.nominating_unit, &formats.text)?;
        sheet.write_string(row, 8, state_label(line.state))?;
        sheet.write_string(row, 9, line.decision.as_deref().unwrap_or(""))?;
        sheet.write_string_with_format(row, 10, &line.summary, &formats.text)?;
    }
    book.save_to_buffer()
}

/// STT, họ tên / tập thể, chức vụ and đơn vị of the `i`-th line, on `row`.
fn nominee_columns(
    sheet: &mut Worksheet,
    formats: &Formats,
    row: u32,
    i: usize,
    line: &NominationLine,
) -> Result<(), XlsxError> {
    sheet.write_number(row, 0, (i + 1) as f64)?;
    sheet.write_string_with_format(row, 1, &line.nominee, &formats.text)?;
    sheet.write_string_with_format(
        row,
        2,
        line.position.as_deref().unwrap_or(""),
        &formats.text,
    )?;
    sheet.write_string_with_format(row, 3, &line.unit, &formats.text)?;
    Ok(())
}
