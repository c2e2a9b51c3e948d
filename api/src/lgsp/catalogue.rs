//! The catalogue service's payloads, mapped to the domain's rows. LGSP deployments differ in
//! field names (`MaDinhDanhCap1`, `Ma`, `ma`…) and date forms (`dd/MM/yyyy`, ISO): each field is
//! looked for under the names seen in the wild, and a row missing its code or name makes the
//! whole payload malformed (the sync then writes nothing).

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::client::LgspClient;
use super::error::LgspError;
use super::settings::LgspSettings;
use crate::domain::integration::catalogue::{AgencyRow, ReferenceRow, Snapshot};

/// A field of a catalogue's metadata (`GET /dmdc/Metadata/{catalogue}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub code: String,
    pub name: String,
    pub kind: String,
}

/// The rows of an answer: the answer itself when it is a list, else the list under a usual key.
fn rows<'a>(url: &str, json: &'a Value) -> Result<&'a Vec<Value>, LgspError> {
    if let Some(rows) = json.as_array() {
        return Ok(rows);
    }
    [
        "Data", "data", "Result", "result", "Items", "items", "Value", "value",
    ]
    .iter()
    .find_map(|key| json.get(key).and_then(Value::as_array))
    .ok_or_else(|| LgspError::Malformed {
        url: url.to_owned(),
        what: "no list of rows (expected a JSON array, or one under `Data`)".into(),
    })
}

/// A field's text under the first of `keys` present (numbers read as text).
fn text(row: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match row.get(*key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn date(
    url: &str,
    row: &Map<String, Value>,
    keys: &[&str],
) -> Result<Option<NaiveDate>, LgspError> {
    let Some(text) = text(row, keys) else {
        return Ok(None);
    };
    let day = text.get(..10).unwrap_or(&text);
    NaiveDate::parse_from_str(day, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(day, "%Y-%m-%d"))
        .map(Some)
        .map_err(|_| LgspError::Malformed {
            url: url.to_owned(),
            what: format!("{text:?} is not a date (dd/MM/yyyy or yyyy-MM-dd)"),
        })
}

/// Trạng thái: in use unless it says otherwise.
fn active(row: &Map<String, Value>) -> bool {
    let value = ["TrangThai", "trangThai", "trang_thai", "Status", "status"]
        .iter()
        .find_map(|key| row.get(*key));
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() != Some(0),
        Some(Value::String(s)) => {
            let s = crate::domain::kernel::text::fold(s);
            !matches!(
                s.as_str(),
                "0" | "false" | "inactive" | "ngung hoat dong" | "het hieu luc"
            )
        }
        Some(_) => true,
    }
}

fn object<'a>(
    url: &str,
    index: usize,
    row: &'a Value,
) -> Result<&'a Map<String, Value>, LgspError> {
    row.as_object().ok_or_else(|| LgspError::Malformed {
        url: url.to_owned(),
        what: format!("row {} is not an object", index + 1),
    })
}

fn missing(url: &str, index: usize, what: &str) -> LgspError {
    LgspError::Malformed {
        url: url.to_owned(),
        what: format!("row {} has no {what}", index + 1),
    }
}

/// The agencies of identifier catalogue `level` (1–4).
pub fn agencies(url: &str, json: &Value, level: usize) -> Result<Vec<AgencyRow>, LgspError> {
    let own = format!("MaDinhDanhCap{level}");
    let above = format!("MaDinhDanhCap{}", level.saturating_sub(1));
    rows(url, json)?
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let row = object(url, i, row)?;
            let code = text(
                row,
                &[
                    &own,
                    "MaDinhDanh",
                    "maDinhDanh",
                    "Ma",
                    "ma",
                    "MaDonVi",
                    "maDonVi",
                    "orgCode",
                    "code",
                ],
            )
            .ok_or_else(|| missing(url, i, "agency code (MaDinhDanh)"))?;
            let name = text(
                row,
                &["TenDonVi", "tenDonVi", "Ten", "ten", "orgName", "name"],
            )
            .ok_or_else(|| missing(url, i, "name (TenDonVi)"))?;
            let mut parent_keys = vec!["MaDinhDanhCha", "MaCha", "maCha", "ma_cha", "parentCode"];
            if level > 1 {
                parent_keys.push(&above);
            }
            Ok(AgencyRow {
                code,
                name,
                parent_code: text(row, &parent_keys),
                decision: text(row, &["QdBanHanhQdSuaDoi", "QuyetDinh", "quyetDinh"]),
                decided_on: date(url, row, &["NgayBanHanhQd", "NgayBanHanh", "ngayBanHanh"])?,
                active: active(row),
            })
        })
        .collect()
}

/// The rows of a reference catalogue.
pub fn references(url: &str, json: &Value) -> Result<Vec<ReferenceRow>, LgspError> {
    rows(url, json)?
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let row = object(url, i, row)?;
            let code = text(row, &["Ma", "ma", "Code", "code", "MaDinhDanh"])
                .ok_or_else(|| missing(url, i, "code (Ma)"))?;
            let name = text(row, &["Ten", "ten", "Name", "name", "TenDonVi"])
                .ok_or_else(|| missing(url, i, "name (Ten)"))?;
            let sort_order = match text(row, &["ThuTu", "thuTu", "thu_tu", "SortOrder"]) {
                None => None,
                Some(order) => Some(order.parse::<i32>().map_err(|_| LgspError::Malformed {
                    url: url.to_owned(),
                    what: format!("row {}: order {order:?} is not a whole number", i + 1),
                })?),
            };
            Ok(ReferenceRow {
                code,
                name,
                parent_code: text(
                    row,
                    &["MaCha", "maCha", "ma_cha", "ParentCode", "parentCode"],
                ),
                sort_order,
                valid_from: date(url, row, &["NgayHieuLuc", "ngayHieuLuc", "ngay_hieu_luc"])?,
                valid_to: date(
                    url,
                    row,
                    &["NgayHetHieuLuc", "ngayHetHieuLuc", "ngay_het_hieu_luc"],
                )?,
                active: active(row),
            })
        })
        .collect()
}

/// A catalogue's fields (`GET {base}/dmdc/Metadata/{catalogue}`).
pub async fn metadata(client: &LgspClient, catalogue: &str) -> Result<Vec<Field>, LgspError> {
    let path = format!("dmdc/Metadata/{catalogue}");
    let json = client.get_json(&path).await?;
    rows(&path, &json)?
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let row = object(&path, i, row)?;
            Ok(Field {
                code: text(row, &["PropertyCode", "propertyCode"])
                    .ok_or_else(|| missing(&path, i, "PropertyCode"))?,
                name: text(row, &["PropertyName", "propertyName"]).unwrap_or_default(),
                kind: text(row, &["PropertyType", "propertyType"]).unwrap_or_default(),
            })
        })
        .collect()
}

/// A catalogue name as LGSP spells them: letters, digits and underscores.
fn checked_name(name: &str) -> Result<&str, LgspError> {
    if !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(name)
    } else {
        Err(LgspError::Config(format!(
            "{name:?} is not a catalogue name"
        )))
    }
}

/// Reads every configured catalogue (`GET {base}/dmdc/Category/{catalogue}`).
pub async fn snapshot(client: &LgspClient, settings: &LgspSettings) -> Result<Snapshot, LgspError> {
    let mut snapshot = Snapshot {
        scope: settings
            .agency_scope
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        ..Snapshot::default()
    };
    for (index, catalogue) in settings.agency_catalogues.iter().enumerate() {
        let path = format!("dmdc/Category/{}", checked_name(catalogue)?);
        let json = client.get_json(&path).await?;
        snapshot
            .agencies
            .get_or_insert_with(Vec::new)
            .extend(agencies(&path, &json, index + 1)?);
    }
    for catalogue in &settings.reference_catalogues {
        let path = format!("dmdc/Category/{}", checked_name(catalogue)?);
        let json = client.get_json(&path).await?;
        snapshot
            .references
            .push((catalogue.clone(), references(&path, &json)?));
    }
    Ok(snapshot)
}
