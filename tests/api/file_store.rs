//! Dossier files in an S3-compatible store: a local stand-in for the store (a real HTTP server
//! that keeps objects and checks each request's Signature Version 4 against the key it was
//! given) receives the upload, and the download comes back from it; on PostgreSQL a second
//! instance of the API (as behind a load balancer, with no shared disk) serves the download.
//! A store that refuses the signature leaves the upload unrecorded, with a clear 503.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use api::auth::Role;
use api::files::s3::{Credentials, Request, authorization};
use chrono::{NaiveDateTime, TimeZone, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::{Backend, spawn_app_with, spawn_twin_with, token};
use crate::nominations::{award_type_id, person, round};

const BUCKET: &str = "ho-so-khen-thuong";
const ACCESS_KEY: &str = "plans-api-test";
const SECRET_KEY: &str = "s3-test-secret-0123456789";
const OFFICE: &str = "H19.20.1";

/// The objects the stand-in keeps, and the requests it refused.
#[derive(Default)]
struct Store {
    objects: Mutex<HashMap<String, Vec<u8>>>,
    refused: Mutex<Vec<String>>,
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One request to the stand-in: checked like S3 checks it, then served.
async fn serve(req: HttpRequest, body: web::Bytes, store: web::Data<Store>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (date, payload) = (header("x-amz-date"), header("x-amz-content-sha256"));
    let refuse = |why: String| {
        store.refused.lock().map(|mut r| r.push(why)).ok();
        HttpResponse::Forbidden().body("<Error><Code>SignatureDoesNotMatch</Code></Error>")
    };
    let Ok(at) = NaiveDateTime::parse_from_str(&date, "%Y%m%dT%H%M%SZ") else {
        return refuse(format!("x-amz-date {date:?}"));
    };
    if req.method() == actix_web::http::Method::PUT && payload != hex_sha256(&body) {
        return refuse("the payload's hash".into());
    }
    let path = req.path().to_owned();
    let expected = authorization(
        &Request {
            method: req.method().as_str(),
            path: &path,
            query: "",
            headers: vec![
                ("host", header("host")),
                ("x-amz-content-sha256", payload.clone()),
                ("x-amz-date", date.clone()),
            ],
            payload_sha256: &payload,
        },
        &Credentials {
            access_key: ACCESS_KEY,
            secret_key: SECRET_KEY,
            region: "us-east-1",
            service: "s3",
        },
        Utc.from_utc_datetime(&at),
    );
    if header("authorization") != expected {
        return refuse(format!("the signature of {path}"));
    }
    let Some(key) = path.strip_prefix(&format!("/{BUCKET}/")) else {
        return HttpResponse::NotFound().body("<Error><Code>NoSuchBucket</Code></Error>");
    };
    let Ok(mut objects) = store.objects.lock() else {
        return HttpResponse::InternalServerError().finish();
    };
    if req.method() == actix_web::http::Method::PUT {
        objects.insert(key.to_owned(), body.to_vec());
        return HttpResponse::Ok().finish();
    }
    match objects.get(key) {
        Some(bytes) => HttpResponse::Ok().body(bytes.clone()),
        None => HttpResponse::NotFound().body("<Error><Code>NoSuchKey</Code></Error>"),
    }
}

/// The stand-in, on a free port of 127.0.0.1: its endpoint and what it keeps.
fn stand_in() -> (String, Arc<Store>, actix_web::dev::ServerHandle) {
    let store = web::Data::new(Store::default());
    let shared = store.clone().into_inner();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(store.clone())
            .app_data(web::PayloadConfig::new(20 * 1024 * 1024))
            .default_service(web::to(serve))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind the stand-in");
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}"), shared, handle)
}

async fn dossier_files_live_in_the_s3_store(backend: Backend) {
    let (endpoint, store, handle) = stand_in();
    let configure = |secret: &'static str, endpoint: String| {
        move |s: &mut api::config::Settings| {
            s.files_s3.endpoint = Some(endpoint);
            s.files_s3.bucket = BUCKET.into();
            s.files_s3.access_key = Some(ACCESS_KEY.into());
            s.files_s3.secret_key = Some(secret.into());
        }
    };
    let app = spawn_app_with(backend, configure(SECRET_KEY, endpoint.clone())).await;
    let office = token(Role::EmulationOfficer, Some(OFFICE));
    let content = format!(
        "%PDF-1.7\n% Biên bản họp Hội đồng – {}\n%%EOF\n",
        uuid::Uuid::new_v4()
    )
    .into_bytes();
    let sha = hex_sha256(&content);
    let uploaded = app
        .request(reqwest::Method::POST, "/files")
        .query(&[("name", "Biên bản họp Hội đồng.pdf")])
        .header("content-type", "application/pdf")
        .bearer_auth(&office)
        .body(content.clone())
        .send()
        .await
        .expect("send");
    assert_eq!(uploaded.status().as_u16(), 201);
    let file: serde_json::Value = uploaded.json().await.expect("JSON");
    assert_eq!(
        store
            .objects
            .lock()
            .ok()
            .and_then(|o| o.get(&format!("{}/{sha}", &sha[..2])).cloned()),
        Some(content.clone()),
        "the store keeps the bytes under their SHA-256"
    );
    assert_eq!(store.refused.lock().map(|r| r.len()).ok(), Some(0));

    // Attached to a nomination, downloaded (on PostgreSQL, from another instance).
    let round = round(&app, &["GIAY_KHEN_GIAM_DOC_SO"], json!([])).await;
    let nominee = person(&app, "Bùi Thị Thu Trang", OFFICE).await;
    let n = app
        .graphql_as(
            &office,
            "mutation($input: CreateNominationInput!) { createNomination(input: $input) { nomination { id version } } }",
            json!({ "input": { "roundId": round, "nomineeId": nominee,
                "awardTypeId": award_type_id(&app, "GIAY_KHEN_GIAM_DOC_SO").await,
                "achievementFrom": "2025-01-01", "achievementTo": "2025-12-31", "achievementKind": "REGULAR",
                "summary": "Thành tích năm 2025" } }),
        )
        .await
        .ok()["createNomination"]["nomination"]
        .clone();
    let attached = app
        .graphql_as(
            &office,
            "mutation($input: AttachDossierItemInput!) { attachDossierItem(input: $input) { nomination { dossier { downloadUrl } } } }",
            json!({ "input": { "nominationId": n["id"], "version": n["version"], "kind": "COUNCIL_MINUTES", "fileId": file["id"] } }),
        )
        .await
        .ok();
    let url = attached["attachDossierItem"]["nomination"]["dossier"][0]["downloadUrl"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let twin = match backend {
        Backend::Postgres => {
            Some(spawn_twin_with(&app, configure(SECRET_KEY, endpoint.clone())).await)
        }
        Backend::Sqlite => None,
    };
    let reader = twin.as_ref().unwrap_or(&app);
    let got = reader
        .request(reqwest::Method::GET, &url)
        .bearer_auth(&office)
        .send()
        .await
        .expect("send");
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.expect("body").to_vec(), content);

    // A store that refuses the signature: the upload is not recorded, and says so.
    let wrong = spawn_app_with(backend, configure("not-the-secret", endpoint)).await;
    let refused = wrong
        .request(reqwest::Method::POST, "/files")
        .query(&[("name", "Tờ trình.pdf")])
        .header("content-type", "application/pdf")
        .bearer_auth(&office)
        .body(b"%PDF-1.7\n% To trinh\n%%EOF\n".to_vec())
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status().as_u16(), 503);
    let body: serde_json::Value = refused.json().await.unwrap_or_default();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE",
        "{body}"
    );
    assert_eq!(store.refused.lock().map(|r| r.len()).ok(), Some(1));

    wrong.stop().await;
    if let Some(twin) = twin {
        twin.stop().await;
    }
    app.stop().await;
    handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dossier_files_live_in_the_s3_store_sqlite() {
    dossier_files_live_in_the_s3_store(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn dossier_files_live_in_the_s3_store_postgres() {
    dossier_files_live_in_the_s3_store(Backend::Postgres).await;
}
