//! Bulk import of historic award records (nhập thành tích từ sổ sách, tệp Excel): a CSV or .xlsx
//! file in the documented template, read by `csv` and `calamine`, validated whole — every row's
//! every error reported as (row, column, code, message) — and stored all or nothing. Re-importing
//! the same file changes nothing: a row whose award is already recorded for that achievement is
//! counted as unchanged.
//!
//! The template (first sheet, or the CSV's first line, holds these headers, in any order):
//!
//! | Header | Meaning |
//! |---|---|
//! | `Mã đối tượng` | the person's or the unit's id in this API |
//! | `Họ và tên` | the person's name or the unit's, as a check against a wrong id |
//! | `Mã khen thưởng` | the award type's code (`CSTD_CO_SO`) |
//! | `Từ ngày`, `Đến ngày` | the achievement window (dd/mm/yyyy) |
//! | `Loại thành tích` | Thường xuyên, Chuyên đề, Đột xuất, Cống hiến or Đối ngoại |
//! | `Số quyết định`, `Ngày quyết định` | the decision |
//! | `Người ký` | the issuer, as named then |

use crate::kernel::maps::FastMap;
use crate::kernel::time::DayMonthYear;
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::AchievementKind;
use entity::{award_record, person, unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::catalogue;
use super::record::{AwardContext, NewAward, Subject, check_award_in};
use crate::access::Actor;
use crate::access::policy::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::ids::Id;
use crate::kernel::mutation::Change;
use crate::kernel::text::fold;

/// The most rows one file holds.
pub const MAX_ROWS: usize = 5_000;
/// The largest file accepted.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

/// The template's headers, in the template's order.
pub const HEADERS: [&str; 9] = [
    "Mã đối tượng",
    "Họ và tên",
    "Mã khen thưởng",
    "Từ ngày",
    "Đến ngày",
    "Loại thành tích",
    "Số quyết định",
    "Ngày quyết định",
    "Người ký",
];

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// A cell as read: text, or a date when the spreadsheet stored one.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Date(NaiveDate),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Date(d) => DayMonthYear(*d).to_string(),
        }
    }
}

/// A problem of one row (row 1 is the header line).
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub code: Code,
    pub message: String,
}

impl RowError {
    /// As a `userError`: the path `content / row / column`.
    pub fn into_field_error(self) -> FieldError {
        let mut error = FieldError::new("content", self.code, self.message);
        error.field.push(self.row.to_string());
        error.field.push(self.column);
        error
    }
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub rows: usize,
    pub imported: usize,
    pub unchanged: usize,
}

fn whole(code: Code, message: impl Into<String>) -> DomainError {
    DomainError::Rejected(vec![FieldError::new("content", code, message)])
}

/// The file's rows: the header line mapped to the template's columns, each data row as cells
/// by header.
fn read(format: Format, bytes: &[u8]) -> DomainResult<Vec<Vec<Cell>>> {
    if bytes.len() > MAX_BYTES {
        return Err(whole(
            Code::TooLong,
            format!("a file is at most {} MB", MAX_BYTES / 1024 / 1024),
        ));
    }
    let rows: Vec<Vec<Cell>> = match format {
        Format::Csv => {
            let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
                .map_err(|_| whole(Code::Invalid, "a CSV file is UTF-8 text"))?;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut rows = Vec::new();
            for (n, record) in reader.records().enumerate() {
                let record = record
                    .map_err(|e| whole(Code::Invalid, format!("line {}: not CSV ({e})", n + 1)))?;
                rows.push(record.iter().map(|c| Cell::Text(c.to_owned())).collect());
                if rows.len() > MAX_ROWS + 1 {
                    break;
                }
            }
            rows
        }
        Format::Xlsx => {
            use calamine::{DataType, Reader};
            let mut workbook: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
                    .map_err(|e| whole(Code::Invalid, format!("not an .xlsx workbook ({e})")))?;
            let range = workbook
                .worksheet_range_at(0)
                .ok_or_else(|| whole(Code::Invalid, "the workbook has no sheet"))?
                .map_err(|e| {
                    whole(
                        Code::Invalid,
                        format!("the first sheet cannot be read ({e})"),
                    )
                })?;
            range
                .rows()
                .take(MAX_ROWS + 2)
                .map(|row| {
                    row.iter()
                        .map(|cell| {
                            if cell.is_datetime() {
                                cell.as_date()
                                    .map_or_else(|| Cell::Text(String::new()), Cell::Date)
                            } else {
                                Cell::Text(cell.as_string().unwrap_or_default())
                            }
                        })
                        .collect()
                })
                .collect()
        }
    };
    if rows.len() > MAX_ROWS + 1 {
        return Err(whole(
            Code::OutOfRange,
            format!("a file holds at most {MAX_ROWS} rows: split it"),
        ));
    }
    Ok(rows)
}

/// A date as officials write it (dd/mm/yyyy) or ISO.
fn date(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => Some(*d),
        Cell::Text(t) => {
            let t = t.trim();
            NaiveDate::parse_from_str(t, "%d/%m/%Y")
                .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
                .ok()
        }
    }
}

fn kind(text: &str) -> Option<AchievementKind> {
    match fold(text).as_str() {
        "thuong xuyen" | "regular" => Some(AchievementKind::Regular),
        "chuyen de" | "theo dot" | "thematic" => Some(AchievementKind::Thematic),
        "dot xuat" | "ad_hoc" | "ad hoc" => Some(AchievementKind::AdHoc),
        "cong hien" | "nien han" | "long_service" | "long service" => {
            Some(AchievementKind::LongService)
        }
        "doi ngoai" | "foreign" => Some(AchievementKind::Foreign),
        _ => None,
    }
}

/// A subject's id in the file: the API's global id (`base64("Person:<uuid>")`) or a bare UUID
/// of a person.
fn subject(text: &str, decode: &(dyn Fn(&str) -> Option<Subject> + Sync)) -> Option<Subject> {
    decode(text).or_else(|| Uuid::parse_str(text).ok().map(Subject::Person))
}

/// Validates the whole file and, unless `dry_run`, stores its new records; returns the counts.
/// Any row's error refuses the whole file (every error of every row is reported).
pub async fn import(
    db: &impl ConnectionTrait,
    actor: &Actor,
    format: Format,
    bytes: &[u8],
    decode: &(dyn Fn(&str) -> Option<Subject> + Sync),
    dry_run: bool,
) -> DomainResult<(ImportCounts, Change)> {
    let rows = read(format, bytes)?;
    let Some((header, data)) = rows.split_first() else {
        return Err(whole(
            Code::Required,
            "the file is empty: its first line holds the headers",
        ));
    };
    let folded: Vec<String> = header.iter().map(|c| fold(&c.text())).collect();
    let mut columns = HashMap::new();
    let mut missing = Vec::new();
    for name in HEADERS {
        match folded.iter().position(|h| *h == fold(name)) {
            Some(i) => {
                columns.insert(name, i);
            }
            None => missing.push(name),
        }
    }
    if !missing.is_empty() {
        return Err(whole(
            Code::Required,
            format!(
                "the header line lacks {}: the template's columns are {}",
                missing.join(", "),
                HEADERS.join(", ")
            ),
        ));
    }
    let hash = format!("{:x}", Sha256::digest(bytes));
    let mut errors: Vec<RowError> = Vec::new();
    let mut counts = ImportCounts::default();
    let mut to_store: Vec<award_record::Model> = Vec::new();
    // The subjects and award types named, read once for the whole file.
    let cell = |row: &[Cell], name: &str| -> Cell {
        row.get(columns[name])
            .cloned()
            .unwrap_or(Cell::Text(String::new()))
    };
    let subjects: Vec<Option<Subject>> = data
        .iter()
        .map(|row| subject(&cell(row, "Mã đối tượng").text(), decode))
        .collect();
    let person_ids: Vec<Uuid> = subjects
        .iter()
        .flatten()
        .filter_map(|s| matches!(s, Subject::Person(_)).then_some(s.id()))
        .collect();
    let unit_ids: Vec<Uuid> = subjects
        .iter()
        .flatten()
        .filter_map(|s| matches!(s, Subject::Unit(_)).then_some(s.id()))
        .collect();
    let people: FastMap<Uuid, person::Model> = super::person::by_ids(db, &person_ids).await?;
    let units: FastMap<Uuid, unit::Model> = crate::org::unit::by_ids(db, &unit_ids).await?;
    let codes: Vec<String> = data
        .iter()
        .map(|row| cell(row, "Mã khen thưởng").text().to_uppercase())
        .filter(|c| catalogue::valid_code(c))
        .collect();
    let versions = catalogue::versions_of(db, &codes).await?;
    // What is recorded already, for every subject of the file (one statement).
    let recorded: std::collections::HashSet<(Uuid, String, NaiveDate, NaiveDate, AchievementKind)> =
        award_record::Entity::find()
            .filter(
                award_record::Column::RecipientId
                    .is_in(person_ids.iter().chain(&unit_ids).copied()),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.recipient_id,
                    r.award_code,
                    r.achievement_from,
                    r.achievement_to,
                    r.kind,
                )
            })
            .collect();
    // What checking the awards reads, for the whole file at once.
    let type_ids: Vec<Uuid> = versions
        .values()
        .filter_map(|v| v.last().map(|v| v.model.id))
        .collect();
    let recipient_ids: Vec<Uuid> = person_ids.iter().chain(&unit_ids).copied().collect();
    let mut context = AwardContext::load(db, &type_ids, &recipient_ids).await?;
    // Whether the caller keeps a unit's records, asked once per unit.
    let mut keeps: HashMap<Uuid, bool> = HashMap::new();
    let mut seen: HashMap<(Uuid, String, NaiveDate, NaiveDate), usize> = HashMap::new();
    for (index, row) in data.iter().enumerate() {
        let line = index + 2;
        if row.iter().all(|c| c.text().is_empty()) {
            continue;
        }
        counts.rows += 1;
        let mut fail = |column: &str, code: Code, message: String| {
            errors.push(RowError {
                row: line,
                column: column.to_owned(),
                code,
                message,
            })
        };
        // Who.
        let name = cell(row, "Họ và tên").text();
        let recipient = match subjects[index] {
            None => {
                fail(
                    "Mã đối tượng",
                    Code::Invalid,
                    "not the id of a person or a unit of this API".into(),
                );
                None
            }
            Some(s) => {
                let (found, keeper) = match s {
                    Subject::Person(id) => (
                        people.get(&id).map(|p| p.full_name.clone()),
                        people.get(&id).map(|p| p.unit_id),
                    ),
                    Subject::Unit(id) => (units.get(&id).map(|u| u.name.clone()), Some(id)),
                };
                match (found, keeper) {
                    (Some(found), Some(keeper)) => {
                        if fold(&found) != fold(&name) {
                            fail(
                                "Họ và tên",
                                Code::Invalid,
                                format!("the id names {found}, not {name}"),
                            );
                        }
                        let kept = match keeps.get(&keeper) {
                            Some(kept) => *kept,
                            None => {
                                let kept = actor
                                    .authorize(
                                        db,
                                        Action::ManageEmulationRecords,
                                        Resource::Unit(keeper),
                                    )
                                    .await
                                    .is_ok();
                                keeps.insert(keeper, kept);
                                kept
                            }
                        };
                        if !kept {
                            fail(
                                "Mã đối tượng",
                                Code::Invalid,
                                format!("you do not keep the records of {found}"),
                            );
                        }
                        Some(s)
                    }
                    _ => {
                        fail(
                            "Mã đối tượng",
                            Code::NotFound,
                            "no such person or unit".into(),
                        );
                        None
                    }
                }
            }
        };
        // What.
        let code = cell(row, "Mã khen thưởng").text().to_uppercase();
        let award_type = versions
            .get(&code)
            .and_then(|v| v.last())
            .map(|v| v.model.id);
        if award_type.is_none() {
            fail(
                "Mã khen thưởng",
                Code::NotFound,
                format!("{code:?} is not an award type code of the catalogue"),
            );
        }
        let mut dates = HashMap::new();
        for column in ["Từ ngày", "Đến ngày", "Ngày quyết định"] {
            match date(&cell(row, column)) {
                Some(d) => {
                    dates.insert(column, d);
                }
                None => fail(column, Code::Invalid, "a date as dd/mm/yyyy".into()),
            }
        }
        let achievement = kind(&cell(row, "Loại thành tích").text());
        if achievement.is_none() {
            fail(
                "Loại thành tích",
                Code::Invalid,
                "Thường xuyên, Chuyên đề, Đột xuất, Cống hiến or Đối ngoại".into(),
            );
        }
        let (Some(recipient), Some(award_type), Some(kind), Some(from), Some(to), Some(decided)) = (
            recipient,
            award_type,
            achievement,
            dates.get("Từ ngày").copied(),
            dates.get("Đến ngày").copied(),
            dates.get("Ngày quyết định").copied(),
        ) else {
            continue;
        };
        // The same achievement twice in one file.
        let key = (recipient.id(), code.clone(), from, to);
        if let Some(first) = seen.insert(key, line) {
            fail(
                "Mã khen thưởng",
                Code::Duplicate,
                format!("the same award for the same achievement as row {first}"),
            );
            continue;
        }
        // Already recorded (a file imported again): unchanged.
        if recorded.contains(&(recipient.id(), code.clone(), from, to, kind)) {
            counts.unchanged += 1;
            continue;
        }
        let award = NewAward {
            recipient,
            award_type_id: Id::new(award_type),
            achievement_from: from,
            achievement_to: to,
            kind,
            decision_number: cell(row, "Số quyết định").text(),
            decided_on: decided,
            issuer_name: cell(row, "Người ký").text(),
            source: Some(format!("import:{}", &hash[..16])),
        };
        let mut checks = Checks(Vec::new());
        let checked = check_award_in(&context, &award, &mut checks);
        let checks_passed = checks.0.is_empty();
        for error in checks.0 {
            errors.push(RowError {
                row: line,
                column: column_of(error.field.last().map(String::as_str).unwrap_or_default()),
                code: error.code,
                message: error.message,
            });
        }
        if let Some(mut record) = checked
            && checks_passed
        {
            record.created_by = Some(actor.principal.subject.clone());
            // Later rows are checked against it (two award forms for one achievement).
            context.add(record.clone());
            to_store.push(record);
        }
    }
    if counts.rows == 0 {
        return Err(whole(
            Code::Required,
            "the file has no rows under its headers",
        ));
    }
    if !errors.is_empty() {
        return Err(DomainError::Rejected(
            errors.into_iter().map(RowError::into_field_error).collect(),
        ));
    }
    counts.imported = to_store.len();
    if !dry_run {
        // A statement per 500 rows, not per row.
        for chunk in to_store.chunks(500) {
            award_record::Entity::insert_many(
                chunk
                    .iter()
                    .map(|r| r.clone().into_active_model().reset_all()),
            )
            .exec_without_returning(db)
            .await?;
        }
    }
    let change = Change {
        action: AuditAction::AwardImport,
        object_type: ObjectType::AwardImport,
        object_id: Uuid::new_v5(&Uuid::NAMESPACE_OID, hash.as_bytes()),
        scope_unit_id: actor.principal.unit_id,
        before: None,
        after: Some(serde_json::json!({ "sha256": hash, "counts": counts })),
    };
    Ok((counts, change))
}

/// The template column a record check's field names.
fn column_of(field: &str) -> String {
    match field {
        "achievementFrom" => "Từ ngày",
        "achievementTo" => "Đến ngày",
        "decidedOn" => "Ngày quyết định",
        "decisionNumber" => "Số quyết định",
        "issuerName" => "Người ký",
        "awardTypeId" => "Mã khen thưởng",
        _ => "Mã đối tượng",
    }
    .to_owned()
}
