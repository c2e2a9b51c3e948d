//! Bulk import of historic award records through HTTP: a CSV and an .xlsx file in the template
//! are stored whole; a file with bad rows is refused whole with every row's every error (row,
//! column, code, message) and stores nothing; the same file again changes nothing; a dry run
//! only counts; an officer imports only the records it keeps.

use api::auth::Role;
use base64::Engine as _;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{TestApp, token};

const IMPORT: &str = "mutation($input: ImportAwardRecordsInput!) { importAwardRecords(input: $input) {
    rows imported unchanged dryRun rowErrors { row column code message } userErrors { field code message } } }";

const HEADER: &str = "Mã đối tượng,Họ và tên,Mã khen thưởng,Từ ngày,Đến ngày,Loại thành tích,Số quyết định,Ngày quyết định,Người ký";

fn admin() -> String {
    token(Role::ProvinceAdmin, None)
}

async fn new_person(app: &TestApp, name: &str, unit: &str) -> String {
    let created = app
        .graphql_as(
            &admin(),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } userErrors { message } } }",
            json!({ "input": { "fullName": name, "unitId": app.unit_id(unit).await, "startedOn": "2015-01-01" } }),
        )
        .await
        .ok();
    created["createPerson"]["person"]["id"]
        .as_str()
        .expect("person")
        .to_owned()
}

async fn count(app: &TestApp) -> i64 {
    app.graphql_as(
        &admin(),
        "{ awardRecords(first: 1, filter: { awardCode: \"LAO_DONG_TIEN_TIEN\" }) { totalCount } }",
        json!({}),
    )
    .await
    .ok()["awardRecords"]["totalCount"]
        .as_i64()
        .unwrap_or(-1)
}

async fn a_csv_file_is_stored_whole_and_again_changes_nothing(app: &TestApp) {
    let an = new_person(app, "Phùng Văn An", "H19.20.1").await;
    let binh = new_person(app, "Phùng Thị Bình", "H19.20.1").await;
    let unit = app.unit_id("H19.20.2").await;
    let unit_name = app
        .graphql(
            "query($c: String) { unit(code: $c) { name } }",
            json!({ "c": "H19.20.2" }),
        )
        .await
        .ok()["unit"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    // A BOM, Vietnamese headers in any case, dates as officials write them.
    let csv = format!(
        "\u{feff}{HEADER}\n\
         {an},Phùng Văn An,LAO_DONG_TIEN_TIEN,01/01/2022,31/12/2022,Thường xuyên,12/QĐ-BV,15/01/2023,Giám đốc Bệnh viện\n\
         {binh},phung thi binh,lao_dong_tien_tien,01/01/2022,31/12/2022,thuong xuyen,12/QĐ-BV,15/01/2023,Giám đốc Bệnh viện\n\
         \n\
         {unit},\"{unit_name}\",TAP_THE_LAO_DONG_TIEN_TIEN,2022-01-01,2022-12-31,Thường xuyên,\"5/QĐ-SYT, ngày 20/01/2023\",20/01/2023,Giám đốc Sở Y tế\n"
    );
    let before = count(app).await;
    // A dry run counts and stores nothing.
    let dry = app
        .graphql_as(
            &admin(),
            IMPORT,
            json!({ "input": { "format": "CSV", "content": csv, "dryRun": true } }),
        )
        .await
        .ok();
    assert_eq!(dry["importAwardRecords"]["imported"], 3, "{dry}");
    assert_eq!(count(app).await, before);
    let imported = app
        .graphql_as(
            &admin(),
            IMPORT,
            json!({ "input": { "format": "CSV", "content": csv } }),
        )
        .await
        .ok();
    let payload = &imported["importAwardRecords"];
    assert_eq!(payload["userErrors"], json!([]), "{imported}");
    assert_eq!(
        (
            payload["rows"].clone(),
            payload["imported"].clone(),
            payload["unchanged"].clone()
        ),
        (json!(3), json!(3), json!(0))
    );
    assert_eq!(count(app).await, before + 2);
    // The same file again: nothing changes.
    let again = app
        .graphql_as(
            &admin(),
            IMPORT,
            json!({ "input": { "format": "CSV", "content": csv } }),
        )
        .await
        .ok();
    assert_eq!(again["importAwardRecords"]["imported"], 0);
    assert_eq!(again["importAwardRecords"]["unchanged"], 3);
    assert_eq!(count(app).await, before + 2);
    // Imported records read like entered ones, under the version in force at the window's end.
    let records = app
        .graphql_as(
            &admin(),
            "query($p: ID) { awardRecords(first: 5, filter: { recipientId: $p }) { nodes { awardType { code lawVersion } decisionNumber decidedOn person { fullName } } } }",
            json!({ "p": an }),
        )
        .await
        .ok();
    assert_eq!(
        records["awardRecords"]["nodes"][0],
        json!({ "awardType": { "code": "LAO_DONG_TIEN_TIEN", "lawVersion": "2013-ND91" }, "decisionNumber": "12/QĐ-BV",
            "decidedOn": "2023-01-15", "person": { "fullName": "Phùng Văn An" } })
    );
    let audit = app
        .graphql_as(
            &admin(),
            "{ auditEvents(first: 5, filter: { action: \"award.import\" }) { nodes { action } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        audit["auditEvents"]["nodes"].as_array().map(Vec::len),
        Some(2)
    );
}

async fn a_file_with_bad_rows_is_refused_whole_with_every_error(app: &TestApp) {
    let an = new_person(app, "Quách Văn An", "H19.20.1").await;
    let csv = format!(
        "{HEADER}\n\
         {an},Quách Văn An,LAO_DONG_TIEN_TIEN,01/01/2023,31/12/2023,Thường xuyên,1/QĐ,15/01/2024,Giám đốc\n\
         {an},Quách Văn Bình,KHONG_CO,32/01/2023,31/12/2023,Bất kỳ,1/QĐ,15/01/2024,Giám đốc\n\
         not-an-id,Ai đó,CSTD_CO_SO,01/01/2023,31/12/2023,Thường xuyên,2/QĐ,15/01/2024,Giám đốc\n\
         {an},Quách Văn An,LAO_DONG_TIEN_TIEN,01/01/2023,31/12/2023,Thường xuyên,1/QĐ,15/01/2024,Giám đốc\n\
         {an},Quách Văn An,CSTD_CO_SO,01/01/2024,31/12/2024,Thường xuyên,3/QĐ,15/12/2024,\n"
    );
    let before = count(app).await;
    let refused = app
        .graphql_as(
            &admin(),
            IMPORT,
            json!({ "input": { "format": "CSV", "content": csv } }),
        )
        .await
        .ok();
    let payload = &refused["importAwardRecords"];
    assert_eq!(payload["imported"], Value::Null);
    let errors: Vec<(i64, String, String)> = payload["rowErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        (3, "Họ và tên", "INVALID"),
        (3, "Mã khen thưởng", "NOT_FOUND"),
        (3, "Từ ngày", "INVALID"),
        (3, "Loại thành tích", "INVALID"),
        (4, "Mã đối tượng", "INVALID"),
        (5, "Mã khen thưởng", "DUPLICATE"),
        (6, "Ngày quyết định", "DATE_ORDER"),
        (6, "Người ký", "REQUIRED"),
    ];
    for (row, column, code) in expected {
        assert!(
            errors.contains(&(row, column.to_owned(), code.to_owned())),
            "{row} {column} {code} in {errors:?}"
        );
    }
    assert_eq!(errors.len(), expected.len(), "{errors:?}");
    // The good row was not stored either.
    assert_eq!(count(app).await, before);

    // A file without the template's headers, not base64, empty: refused as a whole.
    for (format, content, code) in [
        ("CSV", "Tên,Năm\nA,2020\n".to_owned(), "REQUIRED"),
        ("CSV", format!("{HEADER}\n"), "REQUIRED"),
        ("XLSX", "không phải base64!".to_owned(), "INVALID"),
        (
            "XLSX",
            base64::engine::general_purpose::STANDARD.encode(b"not a workbook"),
            "INVALID",
        ),
    ] {
        let response = app
            .graphql_as(
                &admin(),
                IMPORT,
                json!({ "input": { "format": format, "content": content } }),
            )
            .await
            .ok();
        assert_eq!(
            response["importAwardRecords"]["userErrors"][0]["code"], code,
            "{response}"
        );
    }
    // An officer imports only the records it keeps; anonymous callers nothing.
    let outside = format!(
        "{HEADER}\n{an},Quách Văn An,LAO_DONG_TIEN_TIEN,01/01/2021,31/12/2021,Thường xuyên,1/QĐ,15/01/2022,Giám đốc\n"
    );
    let officer = app
        .graphql_as(
            &token(Role::EmulationOfficer, Some("H19.20.2")),
            IMPORT,
            json!({ "input": { "format": "CSV", "content": outside } }),
        )
        .await
        .ok();
    assert_eq!(
        officer["importAwardRecords"]["rowErrors"][0]["column"],
        "Mã đối tượng"
    );
    let anonymous = app
        .graphql(
            IMPORT,
            json!({ "input": { "format": "CSV", "content": outside } }),
        )
        .await;
    assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);
    assert_eq!(count(app).await, before);
}

async fn an_xlsx_file_in_the_template_is_imported(app: &TestApp) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let person = new_person(app, "Tạ Thị Cúc", "H19.20.1").await;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in HEADER.split(',').enumerate() {
        sheet.write_string(0, col as u16, header).unwrap();
    }
    let day = Format::new().set_num_format("dd/mm/yyyy");
    for (row, year) in [(1u32, 2022u16), (2, 2023)] {
        sheet.write_string(row, 0, &person).unwrap();
        sheet.write_string(row, 1, "Tạ Thị Cúc").unwrap();
        sheet.write_string(row, 2, "LAO_DONG_TIEN_TIEN").unwrap();
        // Real date cells, as Excel stores them.
        sheet
            .write_datetime_with_format(row, 3, ExcelDateTime::from_ymd(year, 1, 1).unwrap(), &day)
            .unwrap();
        sheet
            .write_datetime_with_format(
                row,
                4,
                ExcelDateTime::from_ymd(year, 12, 31).unwrap(),
                &day,
            )
            .unwrap();
        sheet.write_string(row, 5, "Thường xuyên").unwrap();
        sheet.write_string(row, 6, format!("{year}/QĐ-BV")).unwrap();
        sheet
            .write_string(row, 7, format!("20/01/{}", year + 1))
            .unwrap();
        sheet.write_string(row, 8, "Giám đốc Bệnh viện").unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let content = base64::engine::general_purpose::STANDARD.encode(bytes);
    let imported = app
        .graphql_as(
            &admin(),
            IMPORT,
            json!({ "input": { "format": "XLSX", "content": content } }),
        )
        .await
        .ok();
    assert_eq!(
        imported["importAwardRecords"]["userErrors"],
        json!([]),
        "{imported}"
    );
    assert_eq!(imported["importAwardRecords"]["imported"], 2);
    let records = app
        .graphql_as(
            &admin(),
            "query($p: ID) { awardRecords(first: 5, filter: { recipientId: $p }) { nodes { achievementFrom achievementTo } } }",
            json!({ "p": person }),
        )
        .await
        .ok();
    assert_eq!(
        records["awardRecords"]["nodes"],
        json!([{ "achievementFrom": "2023-01-01", "achievementTo": "2023-12-31" },
               { "achievementFrom": "2022-01-01", "achievementTo": "2022-12-31" }])
    );
}

async fn a_large_file_costs_statements_by_file_not_by_row(app: &TestApp) {
    // People of two units, a Lao động tiên tiến each: the statements do not grow with rows.
    let statements_for = |rows: usize| async move {
        let mut csv = format!("{HEADER}\n");
        for n in 0..rows {
            let unit = if n % 2 == 0 { "H19.20.1" } else { "H19.20.2" };
            let name = format!("Nguyễn Văn Thử {rows}-{n}");
            let id = new_person(app, &name, unit).await;
            csv.push_str(&format!(
                "{id},{name},LAO_DONG_TIEN_TIEN,01/01/2022,31/12/2022,Thường xuyên,9/QĐ,15/01/2023,Giám đốc\n"
            ));
        }
        let before = app.statements.get();
        let imported = app
            .graphql_as(
                &admin(),
                IMPORT,
                json!({ "input": { "format": "CSV", "content": csv } }),
            )
            .await
            .ok();
        assert_eq!(
            imported["importAwardRecords"]["imported"], rows,
            "{imported}"
        );
        app.statements.get() - before
    };
    let small = statements_for(10).await;
    let large = statements_for(120).await;
    assert_eq!(
        small, large,
        "{small} statements for 10 rows, {large} for 120"
    );
    assert!(large <= 30, "{large}");

    // Two award forms for one achievement in the same file: the second row is refused.
    let person = new_person(app, "Trịnh Văn Hai", "H19.20.1").await;
    let csv = format!(
        "{HEADER}\n\
         {person},Trịnh Văn Hai,GIAY_KHEN_GIAM_DOC_SO,01/01/2022,31/12/2022,Đột xuất,1/QĐ,15/01/2023,Giám đốc Sở\n\
         {person},Trịnh Văn Hai,BANG_KHEN_TINH,01/01/2022,31/12/2022,Đột xuất,2/QĐ,15/02/2023,Chủ tịch UBND tỉnh\n"
    );
    let refused = app
        .graphql_as(
            &admin(),
            IMPORT,
            json!({ "input": { "format": "CSV", "content": csv } }),
        )
        .await
        .ok();
    let error = &refused["importAwardRecords"]["rowErrors"][0];
    assert_eq!(
        (error["row"].clone(), error["code"].clone()),
        (json!(3), json!("DUPLICATE")),
        "{refused}"
    );
}

db_tests!(
    a_large_file_costs_statements_by_file_not_by_row,
    a_csv_file_is_stored_whole_and_again_changes_nothing,
    a_file_with_bad_rows_is_refused_whole_with_every_error,
    an_xlsx_file_in_the_template_is_imported,
);
