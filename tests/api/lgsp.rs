//! The LGSP catalogue client and the catalogue sync, against a real local HTTP server standing in
//! for LGSP: tokens cached until near their end, refreshed once for many waiting callers, a 401
//! retried once with a fresh token, the three sign-in variants, the catalogue error codes, time
//! limits; and the sync: units matched by electronic identifier (renamed, moved, created,
//! closed — never deleted), reference codes upserted and deactivated, a dry run that writes
//! nothing, every sync one audited transaction, and a malformed payload that changes nothing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use api::lgsp::error::LgspError;
use api::lgsp::settings::LgspAuth;
use api::lgsp::{LgspClient, LgspSettings};
use base64::Engine as _;
use entity::{audit_event, reference_code, unit};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};

const KEY: &str = "plans-api-consumer";
const SECRET: &str = "lgsp-consumer-secret-0123";

/// What the stand-in knows and counts.
#[derive(Default)]
struct Lgsp {
    token_calls: AtomicUsize,
    api_calls: AtomicUsize,
    /// Lifetime of the tokens it gives, in milliseconds.
    lifetime_ms: AtomicU64,
    /// How long the token endpoint takes, in milliseconds.
    token_delay_ms: AtomicU64,
    /// Tokens it accepts, with when they end.
    issued: Mutex<HashMap<String, Instant>>,
    /// Refuse every token (as after a restart of the gateway's key store).
    refuse_all: AtomicBool,
    /// The body of every catalogue answer instead of the catalogue (an error code).
    error_body: Mutex<Option<Value>>,
    /// `lgspaccesstoken` headers received (token call and API calls).
    access_headers: Mutex<Vec<String>>,
    /// Login bodies received.
    logins: Mutex<Vec<Value>>,
    catalogues: Mutex<HashMap<String, Value>>,
}

impl Lgsp {
    fn issue(&self) -> (String, f64) {
        let n = self.token_calls.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("token-{n}-{}", uuid::Uuid::new_v4().simple());
        let lifetime = Duration::from_millis(self.lifetime_ms.load(Ordering::SeqCst));
        if let Ok(mut issued) = self.issued.lock() {
            issued.insert(token.clone(), Instant::now() + lifetime);
        }
        (token, lifetime.as_secs_f64())
    }

    fn set(&self, catalogue: &str, rows: Value) {
        if let Ok(mut catalogues) = self.catalogues.lock() {
            catalogues.insert(catalogue.to_owned(), json!({ "Data": rows, "Count": 0 }));
        }
    }
}

async fn serve(req: HttpRequest, body: web::Bytes, lgsp: web::Data<Lgsp>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    if let Some(access) = req
        .headers()
        .get("lgspaccesstoken")
        .and_then(|v| v.to_str().ok())
        && let Ok(mut seen) = lgsp.access_headers.lock()
    {
        seen.push(access.to_owned());
    }
    let path = req.path().to_owned();
    if path == "/token" {
        tokio::time::sleep(Duration::from_millis(
            lgsp.token_delay_ms.load(Ordering::SeqCst),
        ))
        .await;
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:{SECRET}"))
        );
        if header("authorization") != basic || &body[..] != b"grant_type=client_credentials" {
            return HttpResponse::Unauthorized().json(json!({ "error": "invalid_client" }));
        }
        let (token, seconds) = lgsp.issue();
        return HttpResponse::Ok()
            .json(json!({ "access_token": token, "token_type": "Bearer", "expires_in": seconds }));
    }
    if path == "/api/login" {
        let login: Value = serde_json::from_slice(&body).unwrap_or_default();
        if let Ok(mut logins) = lgsp.logins.lock() {
            logins.push(login.clone());
        }
        if login["password"] != "mat-khau" {
            return HttpResponse::Ok().json(json!({ "ErrorCode": 100, "Message": "AUTHEN_ERROR" }));
        }
        let (token, seconds) = lgsp.issue();
        return HttpResponse::Ok()
            .json(json!({ "data": { "token": token, "expiresIn": seconds } }));
    }
    lgsp.api_calls.fetch_add(1, Ordering::SeqCst);
    let token = header("authorization")
        .strip_prefix("Bearer ")
        .unwrap_or_default()
        .to_owned();
    let valid = lgsp
        .issued
        .lock()
        .ok()
        .and_then(|issued| issued.get(&token).copied())
        .is_some_and(|until| Instant::now() < until);
    if !valid || lgsp.refuse_all.load(Ordering::SeqCst) {
        return HttpResponse::Unauthorized().json(json!({ "message": "invalid token" }));
    }
    if let Some(error) = lgsp.error_body.lock().ok().and_then(|e| e.clone()) {
        return HttpResponse::Ok().json(error);
    }
    if let Some(name) = path.strip_prefix("/dmdc/Metadata/") {
        return HttpResponse::Ok().json(json!([
            { "PropertyCode": "Ma", "PropertyName": format!("Mã {name}"), "PropertyType": "string" },
            { "PropertyCode": "Ten", "PropertyName": "Tên", "PropertyType": "string" },
        ]));
    }
    match path
        .strip_prefix("/dmdc/Category/")
        .and_then(|name| lgsp.catalogues.lock().ok()?.get(name).cloned())
    {
        Some(catalogue) => HttpResponse::Ok().json(catalogue),
        None => HttpResponse::NotFound().json(json!({ "message": "no such catalogue" })),
    }
}

/// The stand-in on a free port: its base URL, its state, its handle.
fn stand_in() -> (String, Arc<Lgsp>, actix_web::dev::ServerHandle) {
    let lgsp = web::Data::new(Lgsp::default());
    lgsp.lifetime_ms.store(30 * 60 * 1000, Ordering::SeqCst);
    let shared = lgsp.clone().into_inner();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(lgsp.clone())
            .default_service(web::to(serve))
    })
    .workers(2)
    .bind(("127.0.0.1", 0))
    .expect("bind the stand-in");
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}"), shared, handle)
}

fn settings(base: &str) -> LgspSettings {
    LgspSettings {
        base_url: Some(base.to_owned()),
        consumer_key: Some(KEY.into()),
        consumer_secret: Some(SECRET.into()),
        timeout: 5.0,
        ..LgspSettings::default()
    }
}

const PATH: &str = "dmdc/Category/mathiduakhenthuong";
const DRY: api::lgsp::SyncRun = api::lgsp::SyncRun {
    dry_run: true,
    allow_mass_closing: false,
};
const APPLY: api::lgsp::SyncRun = api::lgsp::SyncRun {
    dry_run: false,
    allow_mass_closing: false,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_cached_renewed_near_their_end_and_refreshed_once_after_a_401() {
    let (base, lgsp, handle) = stand_in();
    lgsp.set(
        "mathiduakhenthuong",
        json!([{ "Ma": "BK_CT_UBND", "Ten": "Bằng khen của Chủ tịch UBND tỉnh" }]),
    );
    lgsp.lifetime_ms.store(1_500, Ordering::SeqCst);
    let client = LgspClient::new(&settings(&base)).expect("client");
    for _ in 0..3 {
        let answer = client.get_json(PATH).await.expect("answer");
        assert_eq!(answer["Data"][0]["Ma"], "BK_CT_UBND");
    }
    assert_eq!(
        lgsp.token_calls.load(Ordering::SeqCst),
        1,
        "one token for three calls"
    );
    // Past its end (less a tenth of its life), a new one.
    tokio::time::sleep(Duration::from_millis(1_400)).await;
    client.get_json(PATH).await.expect("answer");
    assert_eq!(lgsp.token_calls.load(Ordering::SeqCst), 2);

    // LGSP forgets its tokens: the 401 is retried once with a fresh token.
    lgsp.lifetime_ms.store(30 * 60 * 1000, Ordering::SeqCst);
    lgsp.issued.lock().expect("lock").clear();
    let calls = lgsp.api_calls.load(Ordering::SeqCst);
    client.get_json(PATH).await.expect("answer after the retry");
    assert_eq!(lgsp.token_calls.load(Ordering::SeqCst), 3);
    assert_eq!(lgsp.api_calls.load(Ordering::SeqCst), calls + 2);

    // A fresh token refused too: one retry, then a clear error.
    lgsp.refuse_all.store(true, Ordering::SeqCst);
    let calls = lgsp.api_calls.load(Ordering::SeqCst);
    let error = client.get_json(PATH).await.expect_err("refused");
    assert!(matches!(error, LgspError::Unauthorized(_)), "{error}");
    assert!(error.to_string().contains("fresh token"), "{error}");
    assert_eq!(lgsp.api_calls.load(Ordering::SeqCst), calls + 2);
    lgsp.refuse_all.store(false, Ordering::SeqCst);

    // Many callers find no token at once: one sign-in, all served.
    lgsp.token_delay_ms.store(300, Ordering::SeqCst);
    let fresh = Arc::new(LgspClient::new(&settings(&base)).expect("client"));
    let before = lgsp.token_calls.load(Ordering::SeqCst);
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let client = fresh.clone();
            tokio::spawn(async move { client.get_json(PATH).await })
        })
        .collect();
    for call in calls {
        call.await.expect("join").expect("answer");
    }
    assert_eq!(
        lgsp.token_calls.load(Ordering::SeqCst),
        before + 1,
        "single flight"
    );
    handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_variants_error_codes_and_time_limits() {
    let (base, lgsp, handle) = stand_in();
    lgsp.set(
        "donvihanhchinhcap1",
        json!([{ "Ma": "75", "Ten": "Tỉnh Đồng Nai" }]),
    );
    let path = "dmdc/Category/donvihanhchinhcap1";

    // VNPT: the extra header on the token call and on the request.
    let vnpt = LgspSettings {
        auth: LgspAuth::Vnpt,
        access_key: Some("ak".into()),
        secret_key: Some("sk".into()),
        app_name: Some("KeHoachThiDua".into()),
        partner_code: Some("000.00.00.H19".into()),
        partner_code_cus: Some("H19.20".into()),
        ..settings(&base)
    };
    LgspClient::new(&vnpt)
        .expect("client")
        .get_json(path)
        .await
        .expect("answer");
    let headers = lgsp.access_headers.lock().expect("lock").clone();
    assert_eq!(headers.len(), 2, "token call and request: {headers:?}");
    let decoded: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(&headers[0])
            .expect("base64"),
    )
    .expect("JSON");
    assert_eq!(
        decoded,
        json!({ "AccessKey": "ak", "SecretKey": "sk", "AppName": "KeHoachThiDua",
                "PartnerCode": "000.00.00.H19", "PartnerCodeCus": "H19.20" })
    );
    // Incomplete VNPT settings are refused before any call, naming what is missing.
    let incomplete = LgspSettings {
        partner_code_cus: None,
        ..vnpt.clone()
    };
    let error = LgspClient::new(&incomplete).err().expect("refused");
    assert!(
        error.to_string().contains("APP_LGSP_PARTNER_CODE_CUS"),
        "{error}"
    );

    // Login: user name, password and application code posted as JSON.
    let login = LgspSettings {
        auth: LgspAuth::Login,
        username: Some("kehoach".into()),
        password: Some("mat-khau".into()),
        application_code: Some("KHTD".into()),
        ..settings(&base)
    };
    LgspClient::new(&login)
        .expect("client")
        .get_json(path)
        .await
        .expect("answer");
    assert_eq!(
        lgsp.logins.lock().expect("lock")[0],
        json!({ "username": "kehoach", "password": "mat-khau", "applicationCode": "KHTD" })
    );
    let wrong = LgspSettings {
        password: Some("sai".into()),
        ..login
    };
    let error = LgspClient::new(&wrong)
        .expect("client")
        .get_json(path)
        .await
        .expect_err("refused");
    assert!(
        matches!(error, LgspError::Refused { code: 100, .. }),
        "{error}"
    );
    assert!(!error.to_string().contains("sai"), "no secret in {error}");

    // A wrong consumer secret: refused, and the secret is not in the message.
    let bad = LgspSettings {
        consumer_secret: Some("not-the-secret".into()),
        ..settings(&base)
    };
    let error = LgspClient::new(&bad)
        .expect("client")
        .get_json(path)
        .await
        .expect_err("refused");
    assert!(matches!(error, LgspError::Unauthorized(_)), "{error}");
    assert!(!format!("{error} {error:?}").contains("not-the-secret"));
    assert!(
        !format!("{bad:?}").contains("not-the-secret"),
        "Debug hides secrets"
    );

    // The catalogue service's error codes, named.
    let client = LgspClient::new(&settings(&base)).expect("client");
    for (code, name, word) in [
        (101, "IP_DISALLOWED", "IP address"),
        (106, "AGENCY_ID_INCORRECT", "agency code"),
        (100, "AUTHEN_ERROR", "authentication"),
    ] {
        *lgsp.error_body.lock().expect("lock") =
            Some(json!({ "ErrorCode": code.to_string(), "Message": name }));
        let error = client.get_json(path).await.expect_err("refused");
        let text = error.to_string();
        assert!(
            matches!(error, LgspError::Refused { code: c, .. } if c == code),
            "{text}"
        );
        assert!(text.contains(name) && text.contains(word), "{text}");
    }
    *lgsp.error_body.lock().expect("lock") = None;

    // Metadata: the catalogue's fields.
    let fields = api::lgsp::catalogue::metadata(&client, "mathiduakhenthuong")
        .await
        .expect("fields");
    assert_eq!(fields[0].code, "Ma");
    assert_eq!(fields[1].name, "Tên");

    // Time limits: a token endpoint slower than the limit, and nothing listening.
    lgsp.token_delay_ms.store(2_000, Ordering::SeqCst);
    let slow = LgspSettings {
        timeout: 0.5,
        ..settings(&base)
    };
    let error = LgspClient::new(&slow)
        .expect("client")
        .get_json(path)
        .await
        .expect_err("too slow");
    assert!(matches!(error, LgspError::Timeout { .. }), "{error}");
    handle.stop(false).await;
    let error = LgspClient::new(&settings(&base))
        .expect("client")
        .get_json(path)
        .await
        .expect_err("nothing there");
    assert!(matches!(error, LgspError::Unreachable { .. }), "{error}");
    assert!(error.to_string().contains(&base), "{error}");
}

/// The demo's open units of two provinces (H19 and H48), as the agency catalogues would list them: by
/// level, each with its own code, its parent's and its name.
async fn province_units(app: &TestApp) -> Vec<unit::Model> {
    let units = unit::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(unit::Column::Code.starts_with("H19"))
                .add(unit::Column::Code.starts_with("H48")),
        )
        .filter(unit::Column::ActiveTo.is_null())
        .all(&app.db)
        .await
        .expect("units");
    assert!(units.len() > 5, "the demo has the province's units");
    units
}

fn agency_catalogues(lgsp: &Lgsp, units: &[AgencyEntry]) {
    for level in 1..=4 {
        let rows: Vec<Value> = units
            .iter()
            .filter(|u| u.code.split('.').count() == level)
            .map(|u| {
                let mut row = json!({
                    format!("MaDinhDanhCap{level}"): u.code,
                    "TenDonVi": u.name,
                    "QdBanHanhQdSuaDoi": "20/2020/QĐ-TTg",
                    "NgayBanHanhQd": "22/07/2020",
                    "TrangThai": 1,
                });
                if let Some(parent) = &u.parent {
                    row["MaDinhDanhCha"] = json!(parent);
                }
                row
            })
            .collect();
        lgsp.set(&format!("qlvanbandieuhanhcap{level}"), json!(rows));
    }
}

#[derive(Clone, Debug)]
struct AgencyEntry {
    code: String,
    name: String,
    parent: Option<String>,
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    let db = &app.db;
    (
        unit::Entity::find().count(db).await.expect("units"),
        reference_code::Entity::find()
            .count(db)
            .await
            .expect("codes"),
        audit_event::Entity::find().count(db).await.expect("events"),
    )
}

async fn the_sync_brings_units_and_codes_in_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let (base, lgsp, handle) = stand_in();
    let settings = LgspSettings {
        agency_scope: vec!["H19".into(), "H48".into()],
        ..settings(&base)
    };
    let client = LgspClient::new(&settings).expect("client");
    let units = province_units(&app).await;
    let code_of: HashMap<uuid::Uuid, String> = unit::Entity::find()
        .all(&app.db)
        .await
        .expect("all units")
        .into_iter()
        .filter_map(|u| Some((u.id, u.code?)))
        .collect();
    let mut entries: Vec<AgencyEntry> = units
        .iter()
        .map(|u| AgencyEntry {
            code: u.code.clone().expect("code"),
            name: u.name.clone(),
            parent: u.parent_id.and_then(|p| code_of.get(&p).cloned()),
        })
        .collect();
    entries.sort_by(|a, b| a.code.cmp(&b.code));
    agency_catalogues(&lgsp, &entries);
    lgsp.set(
        "donvihanhchinhcap1",
        json!([{ "Ma": "75", "Ten": "Tỉnh Đồng Nai", "ThuTu": 1, "NgayHieuLuc": "2025-07-01" },
               { "Ma": "79", "Ten": "Thành phố Hồ Chí Minh", "ThuTu": 2 }]),
    );
    lgsp.set(
        "donvihanhchinhcap2",
        json!([{ "Ma": "26068", "Ten": "Phường Trấn Biên", "MaCha": "75" }]),
    );
    lgsp.set("donvihanhchinhcap3", json!([]));
    lgsp.set(
        "mathiduakhenthuong",
        json!([{ "Ma": "BK_CT_UBND", "Ten": "Bằng khen của Chủ tịch UBND tỉnh", "TrangThai": "1" },
               { "Ma": "GK_GD_SO", "Ten": "Giấy khen của Giám đốc Sở" }]),
    );

    // The catalogue as the database has it: a dry run finds the units in line, would add the
    // reference codes, and writes nothing.
    let before = counts(&app).await;
    let dry = api::lgsp::run_sync(&app.db, &client, &settings, DRY)
        .await
        .expect("dry run");
    assert!(dry.plan.units.is_empty(), "{}", dry.plan);
    assert_eq!(dry.plan.references.len(), 5, "{}", dry.plan);
    assert!(
        dry.plan
            .to_string()
            .contains("+ donvihanhchinhcap1 75 \"Tỉnh Đồng Nai\""),
        "{}",
        dry.plan
    );
    assert_eq!(dry.sync_id, None);
    assert_eq!(counts(&app).await, before, "a dry run writes nothing");

    // Now the catalogue moves on: one unit renamed (sent decomposed, stored NFC), one new, one
    // moved, one gone.
    let leaves: Vec<AgencyEntry> = entries
        .iter()
        .filter(|e| e.code != "H19.20.1" && e.code.split('.').count() >= 3)
        .filter(|e| !entries.iter().any(|c| c.parent.as_deref() == Some(&e.code)))
        .cloned()
        .collect();
    assert!(
        leaves.len() >= 2,
        "two leaves to move and close: {leaves:?}"
    );
    let (moved, gone) = (leaves[0].code.clone(), leaves[1].code.clone());
    let renamed = "Văn phòng Sở Y tế tỉnh Đồng Nai";
    let decomposed: String = unicode_decomposed(renamed);
    assert_ne!(decomposed, renamed);
    let mut next: Vec<AgencyEntry> = entries
        .iter()
        .filter(|e| e.code != gone)
        .cloned()
        .map(|mut e| {
            if e.code == "H19.20.1" {
                e.name = decomposed.clone();
            }
            if e.code == moved {
                e.parent = Some("H19.20.1".into());
            }
            e
        })
        .collect();
    next.push(AgencyEntry {
        code: "H19.20.99".into(),
        name: "Bệnh viện Đa khoa khu vực Long Khánh".into(),
        parent: Some("H19.20".into()),
    });
    agency_catalogues(&lgsp, &next);
    let report = api::lgsp::run_sync(&app.db, &client, &settings, APPLY)
        .await
        .expect("sync");
    let summary = report.plan.summary();
    assert_eq!(
        summary["units"],
        json!({ "created": 1, "renamed": 1, "moved": 1, "closed": 1 }),
        "{}",
        report.plan
    );
    assert_eq!(summary["references"]["created"], 5);
    let sync_id = report.sync_id.expect("audited");

    let office = unit_by_code(&app, "H19.20.1").await;
    assert_eq!(office.name, renamed, "stored NFC");
    let department = unit_by_code(&app, "H19.20").await;
    let hospital = unit_by_code(&app, "H19.20.99").await;
    assert_eq!(hospital.parent_id, Some(department.id));
    assert_eq!(hospital.kind, entity::enums::UnitKind::Hospital);
    let moved_unit = unit_by_code(&app, &moved).await;
    assert_eq!(moved_unit.parent_id, Some(office.id));
    // A closed unit is kept.
    let gone_unit = unit_by_code(&app, &gone).await;
    assert_eq!(
        gone_unit.active_to,
        Some(api::domain::kernel::time::today())
    );
    // The search finds the renamed office without diacritics.
    let found = app
        .graphql(
            "{ units(first: 5, filter: { search: \"van phong so y te tinh dong nai\" }) { nodes { code } } }",
            json!({}),
        )
        .await
        .ok();
    assert!(
        found["units"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n["code"] == "H19.20.1"),
        "{found}"
    );
    // Audited: the sync's counts, and each unit's change by the sync.
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::ObjectId.eq(sync_id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the sync's event");
    assert_eq!(event.action, "catalogue.sync");
    assert_eq!(event.subject, "lgsp-sync");
    assert_eq!(
        event.after.as_ref().map(|a| a["units"].clone()),
        Some(summary["units"].clone())
    );
    let unit_events = audit_event::Entity::find()
        .filter(audit_event::Column::Subject.eq("lgsp-sync"))
        .filter(audit_event::Column::ObjectType.eq("Unit"))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(unit_events, 4);

    // Run again: nothing to do.
    let again = api::lgsp::run_sync(&app.db, &client, &settings, APPLY)
        .await
        .expect("sync again");
    assert!(again.plan.is_empty(), "{}", again.plan);

    // A code leaves the area catalogue, an award's name changes: deactivated (kept), updated.
    lgsp.set(
        "donvihanhchinhcap1",
        json!([{ "Ma": "75", "Ten": "Tỉnh Đồng Nai", "ThuTu": 1, "NgayHieuLuc": "2025-07-01" }]),
    );
    lgsp.set(
        "mathiduakhenthuong",
        json!([{ "Ma": "BK_CT_UBND", "Ten": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" },
               { "Ma": "GK_GD_SO", "Ten": "Giấy khen của Giám đốc Sở" }]),
    );
    let report = api::lgsp::run_sync(&app.db, &client, &settings, APPLY)
        .await
        .expect("sync");
    assert_eq!(
        report.plan.summary()["references"],
        json!({ "created": 0, "updated": 1, "deactivated": 1 }),
        "{}",
        report.plan
    );
    let hcm = reference_code::Entity::find()
        .filter(reference_code::Column::Code.eq("79"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("kept");
    assert!(!hcm.active);
    assert_eq!(hcm.valid_to, Some(api::domain::kernel::time::today()));

    // Unusable catalogues change nothing: a malformed identifier, a parent nowhere, a row
    // without a name, an error code from the second catalogue.
    let before = counts(&app).await;
    let mut bad = next.clone();
    bad.push(AgencyEntry {
        code: "H19.20.x1".into(),
        name: "Đơn vị sai mã".into(),
        parent: Some("H19.20".into()),
    });
    bad.push(AgencyEntry {
        code: "H19.77.1".into(),
        name: "Đơn vị không có cấp trên".into(),
        parent: Some("H19.77".into()),
    });
    bad.retain(|e| e.code != "H19.20.99");
    agency_catalogues(&lgsp, &bad);
    let error = api::lgsp::run_sync(&app.db, &client, &settings, APPLY)
        .await
        .expect_err("refused");
    let text = api::diagnostic::message(&error);
    assert!(
        text.contains("H19.20.x1") && text.contains("H19.77"),
        "{text}"
    );
    assert!(text.contains("nothing was changed"), "{text}");
    assert_eq!(counts(&app).await, before);

    agency_catalogues(&lgsp, &next);
    lgsp.set(
        "donvihanhchinhcap2",
        json!([{ "Ma": "26068", "MaCha": "75" }]),
    );
    let error = api::lgsp::run_sync(&app.db, &client, &settings, APPLY)
        .await
        .expect_err("malformed");
    assert!(
        api::diagnostic::message(&error).contains("row 1 has no name"),
        "{error}"
    );
    assert_eq!(counts(&app).await, before);

    lgsp.set(
        "donvihanhchinhcap2",
        json!([{ "Ma": "26068", "Ten": "Phường Trấn Biên", "MaCha": "75" }]),
    );
    *lgsp.error_body.lock().expect("lock") =
        Some(json!({ "ErrorCode": 108, "Message": "PROVINCE_ID_INCORRECT" }));
    let error = api::lgsp::run_sync(&app.db, &client, &settings, APPLY)
        .await
        .expect_err("refused by LGSP");
    assert!(api::diagnostic::message(&error).contains("108"), "{error}");
    assert_eq!(counts(&app).await, before);
    *lgsp.error_body.lock().expect("lock") = None;

    // A catalogue cut short would close most of a province's units: refused unless allowed.
    let kon_tum = LgspSettings {
        agency_scope: vec!["H34".into()],
        ..settings.clone()
    };
    let office = unit_by_code(&app, "H34.20.1").await;
    agency_catalogues(
        &lgsp,
        &[AgencyEntry {
            code: "H34.20.1".into(),
            name: office.name,
            parent: Some("H34.20".into()),
        }],
    );
    let error = api::lgsp::run_sync(&app.db, &client, &kon_tum, APPLY)
        .await
        .expect_err("refused");
    let text = api::diagnostic::message(&error);
    assert!(
        text.contains("would close 15 of the 16 open units"),
        "{text}"
    );
    assert_eq!(counts(&app).await, before);
    let allowed = api::lgsp::run_sync(
        &app.db,
        &client,
        &kon_tum,
        api::lgsp::SyncRun {
            dry_run: true,
            allow_mass_closing: true,
        },
    )
    .await
    .expect("allowed");
    assert_eq!(allowed.plan.summary()["units"]["closed"], 15);

    handle.stop(false).await;
    app.stop().await;
}

async fn unit_by_code(app: &TestApp, code: &str) -> unit::Model {
    unit::Entity::find()
        .filter(unit::Column::Code.eq(code))
        .one(&app.db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("unit {code}"))
}

/// `text` in Unicode's decomposed form (NFD), as some systems send Vietnamese.
fn unicode_decomposed(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    text.nfd().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_brings_units_and_codes_in_line_sqlite() {
    the_sync_brings_units_and_codes_in_line(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn the_sync_brings_units_and_codes_in_line_postgres() {
    the_sync_brings_units_and_codes_in_line(Backend::Postgres).await;
}

/// `APP_LGSP_SYNC_EVERY`: the server runs the sync by itself, a period after it starts and every
/// period after that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_runs_the_sync_on_its_schedule() {
    let (base, lgsp, handle) = stand_in();
    lgsp.set(
        "mathiduakhenthuong",
        json!([{ "Ma": "CSTD_CO_SO", "Ten": "Chiến sĩ thi đua cơ sở" }]),
    );
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, |s| {
        s.lgsp = LgspSettings {
            agency_catalogues: Vec::new(),
            reference_catalogues: vec!["mathiduakhenthuong".into()],
            sync_every: Some("1s".into()),
            ..settings(&base)
        };
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let synced = reference_code::Entity::find()
            .filter(reference_code::Column::Code.eq("CSTD_CO_SO"))
            .count(&app.db)
            .await
            .expect("count");
        if synced == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the scheduled sync did not run");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("catalogue.sync"))
        .filter(audit_event::Column::Subject.eq("lgsp-sync"))
        .count(&app.db)
        .await
        .expect("count");
    assert!(audited >= 1);
    assert!(lgsp.token_calls.load(Ordering::SeqCst) >= 1);
    app.stop().await;
    handle.stop(false).await;
}
