//! Who is calling: bearer tokens (HS256, RS256 against a JWKS), the LGSP gateway's backend JWT,
//! every way a token can be wrong, and what each caller may read.

use std::path::PathBuf;

use api::auth::Role;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Backend, TEST_SECRET, TestApp, spawn_app, spawn_app_with, token};

const ME: &str = "{ me { subject displayName unit { name } unitCode roles scopes clientId } }";

fn sign(claims: Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(overrides: Value) -> Value {
    let mut claims = json!({
        "sub": "tran.thi.b", "roles": ["VIEWER"], "unit": "H34.20",
        "iss": "plans-api", "aud": "plans-api", "iat": now(), "exp": now() + 600,
    });
    if let (Some(base), Some(extra)) = (claims.as_object_mut(), overrides.as_object()) {
        for (key, value) in extra {
            base.insert(key.clone(), value.clone());
        }
    }
    claims
}

async fn me_reflects_the_token(app: &TestApp) {
    let anonymous = app.graphql(ME, json!({})).await.ok();
    assert_eq!(anonymous["me"], Value::Null);
    let data = app
        .graphql_as(&token(Role::UnitAdmin, Some("H34.20")), ME, json!({}))
        .await
        .ok();
    assert_eq!(
        data["me"],
        json!({ "subject": "nguyen.van.a", "displayName": "Nguyễn Văn A", "unit": { "name": "Sở Y tế tỉnh Kon Tum" },
                "unitCode": "H34.20", "roles": ["UNIT_ADMIN"], "scopes": [], "clientId": null })
    );
}

async fn bad_tokens_are_unauthenticated(app: &TestApp) {
    let none_alg = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(json!({})).to_string())
    );
    let rs256_without_jwks = jsonwebtoken::encode(
        &Header {
            kid: Some("k9".into()),
            ..Header::new(Algorithm::HS384)
        },
        &claims(json!({})),
        &EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("sign");
    let cases = [
        (
            sign(claims(json!({ "exp": now() - 3600 })), TEST_SECRET),
            "expired",
        ),
        (
            sign(claims(json!({ "nbf": now() + 3600 })), TEST_SECRET),
            "not yet valid",
        ),
        (
            sign(claims(json!({ "aud": "another-system" })), TEST_SECRET),
            "wrong audience",
        ),
        (
            sign(claims(json!({ "iss": "someone-else" })), TEST_SECRET),
            "wrong issuer",
        ),
        (
            sign(claims(json!({})), "another-secret-another-secret-xx"),
            "bad signature",
        ),
        (none_alg, "alg none"),
        (
            rs256_without_jwks,
            "an algorithm this verifier does not take",
        ),
        ("not.a.token".to_owned(), "garbage"),
    ];
    for (token, why) in cases {
        let response = app.graphql_as(&token, ME, json!({})).await;
        assert_eq!(response.codes(), ["UNAUTHENTICATED"], "{why}");
        assert_eq!(response.data, Value::Null, "{why}: nothing is served");
    }
    let basic = app
        .request(reqwest::Method::POST, "/graphql")
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("send")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(basic["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    // Within the clock leeway a just-expired token still passes.
    let leeway = sign(claims(json!({ "exp": now() - 5 })), TEST_SECRET);
    assert!(app.graphql_as(&leeway, ME, json!({})).await.ok()["me"].is_object());
}

/// The server keeps the tokens it verified (`auth::verified`): a kept token is still held to its
/// `exp` on every request, and a token it never verified is still verified in full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_token_is_still_held_to_its_expiry() {
    let app = spawn_app(Backend::Sqlite).await;
    // Expired 28 s ago: within the 30 s leeway for about two seconds more.
    let expires = now() - 28;
    let expiring = sign(claims(json!({ "exp": expires })), TEST_SECRET);
    let first = app.graphql_as(&expiring, ME, json!({})).await.ok();
    assert_eq!(first["me"]["subject"], "tran.thi.b");
    // Again at once: the kept token answers the same caller.
    let again = app.graphql_as(&expiring, ME, json!({})).await.ok();
    assert_eq!(again["me"], first["me"]);
    while now() <= expires + 30 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let late = app.graphql_as(&expiring, ME, json!({})).await;
    assert_eq!(late.codes(), ["UNAUTHENTICATED"]);
    assert_eq!(late.data, Value::Null, "nothing is served");
    assert!(
        late.errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired")),
        "{:?}",
        late.errors
    );
    // The same claims signed with another secret were never verified: refused, though their
    // caller is the kept token's.
    let forged = sign(claims(json!({})), "another-secret-another-secret-xx");
    let fresh = sign(claims(json!({})), TEST_SECRET);
    assert_eq!(
        app.graphql_as(&forged, ME, json!({})).await.codes(),
        ["UNAUTHENTICATED"]
    );
    assert!(app.graphql_as(&fresh, ME, json!({})).await.ok()["me"].is_object());
    assert_eq!(
        app.graphql_as(&forged, ME, json!({})).await.codes(),
        ["UNAUTHENTICATED"],
        "a bad signature after a good token with the same claims"
    );
    app.stop().await;
}

fn draft_plan_model(issuer: uuid::Uuid) -> entity::plan::Model {
    let now = chrono::Utc::now();
    entity::plan::Model {
        id: uuid::Uuid::new_v4(),
        document_number: None,
        kind: entity::enums::PlanKind::Plan,
        title: "Dự thảo kế hoạch chuyển đổi số năm 2027".into(),
        issuer_id: issuer,
        issued_on: None,
        issue_year: None,
        status: entity::enums::PlanStatus::Draft,
        period_start: Some(2027),
        period_end: Some(2027),
        signer_name: None,
        signer_title: None,
        summary: None,
        search_text: "du thao ke hoach chuyen doi so nam 2027".into(),
        version: 1,
        created_at: now,
        updated_at: now,
        confidential: false,
    }
}

async fn drafts_are_visible_only_to_their_subtree(app: &TestApp) {
    let issuer = app.unit_id("H34.20").await;
    let issuer_uuid = {
        let decoded =
            String::from_utf8(URL_SAFE_NO_PAD.decode(&issuer).expect("b64")).expect("utf8");
        uuid::Uuid::parse_str(decoded.trim_start_matches("Unit:")).expect("uuid")
    };
    let draft = draft_plan_model(issuer_uuid);
    draft
        .clone()
        .into_active_model()
        .reset_all()
        .insert(&app.db)
        .await
        .expect("insert draft");
    // A task of the draft, led by the issuer: its task list shows it only to those who see the
    // draft (that list checks visibility against the list of hidden plans).
    let now = chrono::Utc::now();
    let task = entity::task::Model {
        id: uuid::Uuid::new_v4(),
        plan_id: draft.id,
        area_id: None,
        code: Some("1".into()),
        title: "Nhiệm vụ dự thảo về chuyển đổi số".into(),
        description: None,
        kind: entity::enums::TaskKind::OneOff,
        condition_text: None,
        due_on: None,
        due_within_days: None,
        due_text: None,
        status: entity::enums::TaskStatus::Assigned,
        completed_on: None,
        position: 1,
        search_text: "nhiem vu du thao ve chuyen doi so".into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    task.clone()
        .into_active_model()
        .reset_all()
        .insert(&app.db)
        .await
        .expect("insert draft task");
    entity::assignment::Model {
        id: uuid::Uuid::new_v4(),
        task_id: Some(task.id),
        target_id: None,
        role: entity::enums::AssignmentRole::Lead,
        unit_id: Some(issuer_uuid),
        group_id: None,
        position: 0,
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .expect("insert assignment");
    let id = URL_SAFE_NO_PAD.encode(format!("Plan:{}", draft.id));
    let query = r#"query($id: ID!, $unit: ID) { plan(id: $id) { title } node(id: $id) { id }
        plans(first: 10, filter: { search: "chuyen doi so 2027" }) { totalCount }
        unit(id: $unit) { tasks(first: 100) { nodes { title } } } }"#;
    let sees = |data: &Value| data["plan"]["title"] == "Dự thảo kế hoạch chuyển đổi số năm 2027";
    let lists_task = |data: &Value| {
        let nodes = data["unit"]["tasks"]["nodes"]
            .as_array()
            .expect("unit tasks");
        nodes.iter().any(|t| t["title"] == task.title.as_str())
    };
    let cases = [
        (None, false, "anonymous"),
        (
            Some(token(Role::Viewer, Some("H34.20"))),
            true,
            "a viewer of the issuing department",
        ),
        (
            Some(token(Role::UnitAdmin, Some("H34"))),
            true,
            "an admin of the province above it",
        ),
        (
            Some(token(Role::UnitOfficer, Some("H34.20.1"))),
            false,
            "an office below the issuer",
        ),
        (
            Some(token(Role::Viewer, Some("H23.20"))),
            false,
            "another province's department",
        ),
        (
            Some(token(Role::Integration, None)),
            false,
            "an integration client",
        ),
        (
            Some(token(Role::ProvinceAdmin, None)),
            true,
            "the province administrator",
        ),
    ];
    for (token, visible, who) in cases {
        let response = match &token {
            Some(token) => {
                app.graphql_as(token, query, json!({ "id": id, "unit": issuer }))
                    .await
            }
            None => {
                app.graphql(query, json!({ "id": id, "unit": issuer }))
                    .await
            }
        };
        let data = response.ok();
        assert_eq!(sees(&data), visible, "{who}: plan(id)");
        assert_eq!(lists_task(&data), visible, "{who}: Unit.tasks");
        assert_eq!(data["node"].is_object(), visible, "{who}: node(id)");
        assert_eq!(
            data["plans"]["totalCount"],
            json!(i32::from(visible)),
            "{who}: plans"
        );
    }
}

db_tests!(
    me_reflects_the_token,
    bad_tokens_are_unauthenticated,
    drafts_are_visible_only_to_their_subtree
);

/// A JWKS file with fresh RSA keys, written to a temporary folder.
struct Jwks {
    path: PathBuf,
    keys: Vec<(String, rsa::RsaPrivateKey)>,
}

impl Jwks {
    fn new() -> Self {
        let path =
            std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4().simple()));
        let mut jwks = Self {
            path,
            keys: Vec::new(),
        };
        jwks.add("k1");
        jwks
    }

    fn add(&mut self, kid: &str) {
        let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).expect("RSA key");
        self.keys.push((kid.to_owned(), key));
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|(kid, key)| {
                json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                        "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
                        "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()) })
            })
            .collect();
        std::fs::write(&self.path, json!({ "keys": keys }).to_string()).expect("write JWKS");
    }

    fn sign(&self, kid: &str, claims: &Value) -> String {
        let (_, key) = self.keys.iter().find(|(k, _)| k == kid).expect("key");
        let pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem");
        let header = Header {
            kid: Some(kid.to_owned()),
            ..Header::new(Algorithm::RS256)
        };
        jsonwebtoken::encode(
            &header,
            claims,
            &EncodingKey::from_rsa_pem(pem.as_bytes()).expect("key"),
        )
        .expect("sign")
    }
}

async fn jwks_tokens(backend: Backend) {
    let mut jwks = Jwks::new();
    let path = jwks.path.clone();
    let app = spawn_app_with(backend, |s| s.auth.jwks = Some(path.display().to_string())).await;
    let signed = jwks.sign("k1", &claims(json!({ "roles": ["UNIT_OFFICER"] })));
    let data = app.graphql_as(&signed, ME, json!({})).await.ok();
    assert_eq!(data["me"]["roles"], json!(["UNIT_OFFICER"]));
    assert_eq!(data["me"]["unit"]["name"], "Sở Y tế tỉnh Kon Tum");

    // A key the server has not seen yet: the JWKS is read again (rotation).
    jwks.add("k2");
    let rotated = jwks.sign("k2", &claims(json!({})));
    assert!(app.graphql_as(&rotated, ME, json!({})).await.ok()["me"].is_object());

    let unknown = Header {
        kid: Some("k404".into()),
        ..Header::new(Algorithm::RS256)
    };
    let pem = jwks.keys[0]
        .1
        .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
        .expect("pem");
    let token = jsonwebtoken::encode(
        &unknown,
        &claims(json!({})),
        &EncodingKey::from_rsa_pem(pem.as_bytes()).expect("key"),
    )
    .expect("sign");
    assert_eq!(
        app.graphql_as(&token, ME, json!({})).await.codes(),
        ["UNAUTHENTICATED"],
        "unknown kid"
    );

    // HS/RS confusion: the public key's bytes used as an HMAC secret are refused.
    let public_pem = rsa::pkcs1::EncodeRsaPublicKey::to_pkcs1_pem(
        &jwks.keys[0].1.to_public_key(),
        rsa::pkcs1::LineEnding::LF,
    )
    .expect("public pem");
    let confused = jsonwebtoken::encode(
        &Header {
            kid: Some("k1".into()),
            ..Header::new(Algorithm::HS256)
        },
        &claims(json!({})),
        &EncodingKey::from_secret(public_pem.as_bytes()),
    )
    .expect("sign");
    assert_eq!(
        app.graphql_as(&confused, ME, json!({})).await.codes(),
        ["UNAUTHENTICATED"]
    );

    // The LGSP gateway's backend JWT, in the WSO2 claim dialect.
    let path = jwks.path.clone();
    let gateway = spawn_app_with(backend, |s| {
        s.auth.gateway_jwks = Some(path.display().to_string())
    })
    .await;
    let assertion = jwks.sign(
        "k1",
        &json!({ "iss": "wso2.org/products/am", "exp": now() + 600,
                 "http://wso2.org/claims/enduser": "le.van.c@carbon.super",
                 "http://wso2.org/claims/applicationid": "app-42",
                 "http://wso2.org/claims/role": "Internal/subscriber,INTEGRATION",
                 "http://wso2.org/claims/organization": "H34.20" }),
    );
    let response = gateway
        .request(reqwest::Method::POST, "/graphql")
        .header("X-JWT-Assertion", assertion)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("send")
        .json::<Value>()
        .await
        .expect("json");
    let me = &response["data"]["me"];
    assert_eq!(me["subject"], "le.van.c@carbon.super");
    assert_eq!(me["clientId"], "app-42");
    assert_eq!(me["roles"], json!(["INTEGRATION"]));
    let forged = jsonwebtoken::encode(
        &Header {
            kid: Some("k1".into()),
            ..Header::new(Algorithm::HS256)
        },
        &json!({ "iss": "wso2.org/products/am", "exp": now() + 600, "sub": "x" }),
        &EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("sign");
    let refused = gateway
        .request(reqwest::Method::POST, "/graphql")
        .header("X-JWT-Assertion", forged)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("send")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    // With an audience configured, the gateway's JWT must name it.
    let path = jwks.path.clone();
    let strict = spawn_app_with(backend, |s| {
        s.auth.gateway_jwks = Some(path.display().to_string());
        s.auth.gateway_audience = Some("plans-api".into());
    })
    .await;
    for (audience, expected) in [
        (None, Some("UNAUTHENTICATED")),
        (Some("other-api"), Some("UNAUTHENTICATED")),
        (Some("plans-api"), None),
    ] {
        let mut claims = json!({ "iss": "wso2.org/products/am", "exp": now() + 600,
                 "http://wso2.org/claims/enduser": "le.van.c@carbon.super",
                 "http://wso2.org/claims/role": "INTEGRATION" });
        if let Some(audience) = audience {
            claims["aud"] = json!(audience);
        }
        let response = strict
            .request(reqwest::Method::POST, "/graphql")
            .header("X-JWT-Assertion", jwks.sign("k1", &claims))
            .json(&json!({ "query": ME }))
            .send()
            .await
            .expect("send")
            .json::<Value>()
            .await
            .expect("json");
        match expected {
            Some(code) => assert_eq!(
                response["errors"][0]["extensions"]["code"], code,
                "{audience:?}"
            ),
            None => assert_eq!(response["data"]["me"]["subject"], "le.van.c@carbon.super"),
        }
    }
    strict.stop().await;
    // The same keys served over HTTP, as the provincial SSO publishes them.
    let served = jwks.path.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = actix_web::HttpServer::new(move || {
        let served = served.clone();
        actix_web::App::new().route(
            "/jwks.json",
            actix_web::web::get().to(move || {
                let served = served.clone();
                async move { std::fs::read_to_string(served).unwrap_or_default() }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    let url = format!("http://127.0.0.1:{port}/jwks.json");
    let remote = spawn_app_with(backend, |s| s.auth.jwks = Some(url)).await;
    assert!(
        remote.graphql_as(&signed, ME, json!({})).await.ok()["me"].is_object(),
        "keys fetched over HTTP"
    );
    jwks.add("k3");
    let newest = jwks.sign("k3", &claims(json!({})));
    assert!(
        remote.graphql_as(&newest, ME, json!({})).await.ok()["me"].is_object(),
        "refetched on an unknown kid"
    );

    let _ = std::fs::remove_file(&jwks.path);
    app.stop().await;
    gateway.stop().await;
    remote.stop().await;
    handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwks_and_gateway_tokens_sqlite() {
    jwks_tokens(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn jwks_and_gateway_tokens_postgres() {
    jwks_tokens(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_mode_hides_graphiql_and_introspection_from_anonymous_callers() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.auth.production = true).await;
    let page = app
        .request(reqwest::Method::GET, "/graphql")
        .send()
        .await
        .expect("send");
    assert_eq!(page.status().as_u16(), 404, "no GraphiQL in production");
    let introspection = "{ __schema { queryType { name } } }";
    let anonymous = app.graphql(introspection, json!({})).await;
    assert!(
        anonymous.data["__schema"].is_null(),
        "anonymous introspection is off: {:?}",
        anonymous.data
    );
    let signed_in = app
        .graphql_as(
            &token(Role::Viewer, Some("H34.20")),
            introspection,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(signed_in["__schema"]["queryType"]["name"], "Query");
    let data = app
        .graphql(r#"{ unit(code: "H34.20") { name } }"#, json!({}))
        .await
        .ok();
    assert_eq!(
        data["unit"]["name"], "Sở Y tế tỉnh Kon Tum",
        "anonymous reading still works"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_mode_refuses_to_start_without_a_verifier() {
    let dir = std::env::temp_dir().join(format!("prod-{}", uuid::Uuid::new_v4().simple()));
    let mut settings =
        api::config::Settings::new(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), None);
    settings.data_dir = dir.clone();
    settings.auth.production = true;
    let error = api::startup::Application::build(settings)
        .await
        .err()
        .expect("refused");
    assert!(
        error
            .to_string()
            .contains("production mode needs a token verifier"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(dir);
    let _ = spawn_app;
}
