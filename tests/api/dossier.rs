//! Dossier files through HTTP: uploads refused for their size, type or content, attached by the
//! units that own the nomination's steps, and downloaded intact (Vietnamese file name included)
//! only by those who may read the nomination.

use api::auth::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::db_tests;
use crate::helpers::{TestApp, token, token_as};
use crate::nominations::{award_type_id, person, round};

const OFFICE: &str = "H19.20.1";

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    media: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = app
        .request(reqwest::Method::POST, "/files")
        .query(&[("name", name)])
        .header("content-type", media)
        .body(body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {text}\n%%EOF\n").into_bytes()
}

async fn a_dossier_is_uploaded_attached_and_read_back(app: &TestApp) {
    let office = token(Role::EmulationOfficer, Some(OFFICE));
    let department = token_as("tran.thi.binh", Role::EmulationOfficer, Some("H19.20"));
    let round = round(app, &["GIAY_KHEN_GIAM_DOC_SO"], json!([])).await;
    let nominee = person(app, "Võ Thị Ánh Tuyết", OFFICE).await;
    let created = app
        .graphql_as(
            &office,
            "mutation($input: CreateNominationInput!) { createNomination(input: $input) { nomination { id version } } }",
            json!({ "input": { "roundId": round, "nomineeId": nominee,
                "awardTypeId": award_type_id(app, "GIAY_KHEN_GIAM_DOC_SO").await,
                "achievementFrom": "2025-01-01", "achievementTo": "2025-12-31", "achievementKind": "REGULAR",
                "summary": "Thành tích năm 2025" } }),
        )
        .await
        .ok();
    let n = created["createNomination"]["nomination"].clone();

    // Refused uploads: too large, a type not on the list, bytes that are not the type, empty,
    // anonymous, and a role that takes no nomination step.
    let name = "Báo cáo thành tích – Võ Thị Ánh Tuyết.pdf";
    let mut big = pdf("x");
    big.resize(10 * 1024 * 1024 + 1, b' ');
    assert_eq!(
        upload(app, Some(&office), name, "application/pdf", big)
            .await
            .0,
        413
    );
    assert_eq!(
        upload(app, Some(&office), "a.txt", "text/plain", b"hello".to_vec())
            .await
            .0,
        415
    );
    let (status, body) = upload(
        app,
        Some(&office),
        name,
        "application/pdf",
        b"\x89PNG\r\n\x1a\n....".to_vec(),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["code"].as_str()),
        (415, Some("UNSUPPORTED_MEDIA_TYPE")),
        "{body}"
    );
    assert_eq!(
        upload(app, Some(&office), name, "application/pdf", Vec::new())
            .await
            .0,
        400
    );
    assert_eq!(
        upload(app, None, name, "application/pdf", pdf("a")).await.0,
        401
    );
    let viewer = token(Role::Viewer, Some(OFFICE));
    assert_eq!(
        upload(app, Some(&viewer), name, "application/pdf", pdf("a"))
            .await
            .0,
        403
    );

    let content = pdf("báo cáo thành tích năm 2025");
    let (status, file) = upload(app, Some(&office), name, "application/pdf", content.clone()).await;
    assert_eq!(status, 201, "{file}");
    let sha: String = Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(file["sha256"], sha);
    assert_eq!(file["fileName"], name);

    const ATTACH: &str = "mutation($input: AttachDossierItemInput!) { attachDossierItem(input: $input) {
        nomination { version dossier { kind fileName mediaType size sha256 downloadUrl } history { action } }
        userErrors { field code } } }";
    let attach = |by: &str, file: &Value, version: &Value| {
        let input = json!({ "input": { "nominationId": n["id"], "version": version, "kind": "ACHIEVEMENT_REPORT", "fileId": file["id"] } });
        let by = by.to_owned();
        async move { app.graphql_as(&by, ATTACH, input).await }
    };
    // The department neither proposed nor holds it.
    assert_eq!(
        attach(&department, &file, &n["version"]).await.codes(),
        ["FORBIDDEN"]
    );
    // A file someone else uploaded is not the caller's to attach.
    let (_, others) = upload(
        app,
        Some(&department),
        "Biên bản.pdf",
        "application/pdf",
        pdf("biên bản"),
    )
    .await;
    let refused = attach(&office, &others, &n["version"]).await.ok();
    assert_eq!(
        refused["attachDossierItem"]["userErrors"],
        json!([{ "field": ["input", "fileId"], "code": "NOT_FOUND" }])
    );
    let attached = attach(&office, &file, &n["version"]).await.ok();
    let after = &attached["attachDossierItem"]["nomination"];
    assert_eq!(
        after["version"],
        n["version"].as_i64().unwrap_or(0) + 1,
        "{attached}"
    );
    assert_eq!(after["dossier"][0]["fileName"], name);
    assert_eq!(after["dossier"][0]["size"], content.len());
    assert_eq!(after["history"][1]["action"], "attach");
    // The same version again is stale.
    let stale = attach(&office, &file, &n["version"]).await.ok();
    assert_eq!(
        stale["attachDossierItem"]["userErrors"][0]["code"],
        "STALE_VERSION"
    );

    // Downloads: the nominating unit gets the bytes and the name; another province, nothing.
    let url = after["dossier"][0]["downloadUrl"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let got = app
        .request(reqwest::Method::GET, &url)
        .bearer_auth(&office)
        .send()
        .await
        .expect("send");
    assert_eq!(got.status().as_u16(), 200);
    let disposition = got
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o"),
        "{disposition}"
    );
    assert_eq!(got.bytes().await.expect("body").to_vec(), content);
    let stranger = token(Role::EmulationOfficer, Some("H48.20"));
    let denied = app
        .request(reqwest::Method::GET, &url)
        .bearer_auth(&stranger)
        .send()
        .await
        .expect("send");
    assert_eq!(denied.status().as_u16(), 404);
    let anonymous = app
        .request(reqwest::Method::GET, &url)
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status().as_u16(), 401);
}

db_tests!(a_dossier_is_uploaded_attached_and_read_back);
