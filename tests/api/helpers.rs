//! Boots the real server (HTTP → GraphQL → SeaORM → database) for each test, on SQLite or on
//! PostgreSQL, with its own database holding the demo data.
//!
//! The demo database is built once per test process (migrations + demo data) and copied for
//! each test: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use api::auth::Role;
use api::auth::token::{DevToken, mint};
use api::config::Settings;
use api::db::StatementCounter;
use api::startup::Application;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use uuid::Uuid;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server with its own database.
pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub statements: StatementCounter,
    pub backend: Backend,
    client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
    database: String,
    /// Whether stopping this server drops its database (a twin shares its first's).
    owns_database: bool,
}

/// A GraphQL response.
#[derive(Debug)]
pub struct Gql {
    pub data: Value,
    pub errors: Vec<Value>,
}

impl Gql {
    /// `errors[].extensions.code`, in order.
    pub fn codes(&self) -> Vec<String> {
        self.errors
            .iter()
            .map(|e| {
                e["extensions"]["code"]
                    .as_str()
                    .unwrap_or("<none>")
                    .to_owned()
            })
            .collect()
    }

    /// Panics with the errors when there are any.
    pub fn ok(self) -> Value {
        assert!(
            self.errors.is_empty(),
            "unexpected errors: {:#?}",
            self.errors
        );
        self.data
    }
}

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var("TEST_LOG").is_ok() {
        api::telemetry::init(api::config::LogFormat::Pretty);
    }
});

static WORKDIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("plans-api-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
});

static SQLITE_TEMPLATE: OnceCell<PathBuf> = OnceCell::const_new();
static POSTGRES_TEMPLATE: OnceCell<String> = OnceCell::const_new();

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Migrates a fresh database and loads the demo data into it, then closes it.
async fn prepare(url: String) {
    let settings = Settings::new(SocketAddr::from(([127, 0, 0, 1], 0)), Some(url));
    let (db, _) = api::db::connect(&settings).await.expect("connect template");
    api::db::migrate(&db).await.expect("migrate template");
    api::demo::load_if_empty(&db).await.expect("demo data");
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint");
    }
    db.close().await.expect("close template");
}

async fn sqlite_database() -> (String, String) {
    let template = SQLITE_TEMPLATE
        .get_or_init(|| async {
            let path = WORKDIR.join("template.db");
            prepare(sqlite_url(&path)).await;
            path
        })
        .await;
    let path = WORKDIR.join(format!("{}.db", Uuid::new_v4().simple()));
    std::fs::copy(template, &path).expect("copy template");
    (sqlite_url(&path), path.display().to_string())
}

fn postgres_base() -> String {
    std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL")
}

/// The same server, another database name.
fn postgres_url(database: &str) -> String {
    let base = postgres_base();
    let (prefix, rest) = base
        .rsplit_once('/')
        .expect("a database in TEST_POSTGRES_URL");
    let query = rest
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{prefix}/{database}{query}")
}

async fn postgres_admin() -> DatabaseConnection {
    sea_orm::Database::connect(postgres_base())
        .await
        .expect("connect to TEST_POSTGRES_URL")
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

async fn postgres_database() -> (String, String) {
    let template = POSTGRES_TEMPLATE
        .get_or_init(|| async {
            let admin = postgres_admin().await;
            // Databases left behind by runs that died more than an hour ago.
            let rows = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Postgres,
                    "SELECT datname FROM pg_database WHERE datname LIKE 'it\\_%'",
                ))
                .await
                .expect("list databases");
            for row in rows {
                let name: String = row.try_get("", "datname").expect("datname");
                let stamp: u64 = name
                    .split('_')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                if stamp + 3600 < now_secs() {
                    let _ = admin
                        .execute_unprepared(&format!(
                            r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                        ))
                        .await;
                }
            }
            let name = format!("it_{}_tpl_{}", now_secs(), Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
                .await
                .expect("create template");
            admin.close().await.expect("close admin");
            prepare(postgres_url(&name)).await;
            name
        })
        .await;
    let name = format!("it_{}_{}", now_secs(), Uuid::new_v4().simple());
    let admin = postgres_admin().await;
    let mut attempt = 0;
    loop {
        let created = admin
            .execute_unprepared(&format!(
                r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#
            ))
            .await;
        match created {
            Ok(_) => break,
            // Two copies of one template at the same instant: PostgreSQL refuses one; retry.
            Err(error)
                if attempt < 100 && error.to_string().contains("being accessed by other users") =>
            {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => panic!("create test database: {error}"),
        }
    }
    admin.close().await.expect("close admin");
    (postgres_url(&name), name)
}

/// A new, empty PostgreSQL database: its URL and name (drop it with [`drop_postgres_database`]).
pub async fn empty_postgres_database() -> (String, String) {
    let name = format!("it_{}_{}", now_secs(), Uuid::new_v4().simple());
    let admin = postgres_admin().await;
    admin
        .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
        .await
        .expect("create database");
    admin.close().await.expect("close admin");
    (postgres_url(&name), name)
}

/// Drops a database made by [`empty_postgres_database`].
pub async fn drop_postgres_database(name: &str) {
    let admin = postgres_admin().await;
    let _ = admin
        .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
        .await;
    let _ = admin.close().await;
}

/// Settings as an operator's command gets them (`api migrate`, `--check-config`): the database
/// at `database_url` (the embedded default when `None`), data under `data_dir`, the tests' secret.
pub fn operator_settings(database_url: Option<String>, data_dir: &std::path::Path) -> Settings {
    let mut settings = Settings::new(SocketAddr::from(([127, 0, 0, 1], 0)), database_url);
    settings.data_dir = data_dir.to_owned();
    settings.auth.jwt_secret = Some(TEST_SECRET.into());
    settings
}

/// A new, empty folder for an operator's command's data.
pub fn operator_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("plans-api-ops-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The HS256 secret test servers verify tokens with.
pub const TEST_SECRET: &str = "integration-tests-secret-0123456789abcdef";

/// Starts a server on a fresh copy of the demo database.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts a server with adjusted settings.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    LazyLock::force(&TRACING);
    let (url, database) = match backend {
        Backend::Sqlite => sqlite_database().await,
        Backend::Postgres => postgres_database().await,
    };
    start(backend, url, database, true, adjust).await
}

/// A second server on the database of a PostgreSQL test server (as several instances behind a
/// load balancer share one); stopping it leaves the database to the first.
pub async fn spawn_twin(first: &TestApp) -> TestApp {
    spawn_twin_with(first, |_| {}).await
}

/// The same, with adjusted settings.
pub async fn spawn_twin_with(first: &TestApp, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    assert!(
        matches!(first.backend, Backend::Postgres),
        "twins share PostgreSQL"
    );
    let url = postgres_url(&first.database);
    start(
        Backend::Postgres,
        url,
        first.database.clone(),
        false,
        adjust,
    )
    .await
}

async fn start(
    backend: Backend,
    url: String,
    database: String,
    owns_database: bool,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = Settings::new(SocketAddr::from(([127, 0, 0, 1], 0)), Some(url));
    settings.workers = Some(1);
    settings.pool_size = 4;
    settings.shutdown_timeout = 1;
    settings.auth.jwt_secret = Some(TEST_SECRET.to_owned());
    // Dossier files of each test server in a folder of its own.
    settings.files_dir =
        Some(std::env::temp_dir().join(format!("plans-api-test-files-{}", uuid::Uuid::new_v4())));
    // Every test client calls from 127.0.0.1; only the rate-limit tests turn the limit down.
    settings.limits.rate_anonymous = 1_000_000;
    settings.limits.rate_anonymous_burst = 10_000_000;
    settings.limits.rate_principal = 1_000_000;
    settings.limits.rate_principal_burst = 10_000_000;
    adjust(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let statements = app.statements();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db,
        statements,
        backend,
        client: reqwest::Client::new(),
        handle,
        database,
        owns_database,
    }
}

/// A token signed with [`TEST_SECRET`].
/// A mutation payload's first user error: its field path and code (`-` when there is none).
pub fn first_error(payload: &Value) -> (Value, String) {
    (
        payload["userErrors"][0]["field"].clone(),
        payload["userErrors"][0]["code"]
            .as_str()
            .unwrap_or("-")
            .to_owned(),
    )
}

pub fn token(role: Role, unit: Option<&str>) -> String {
    token_as("nguyen.van.a", role, unit)
}

/// A token signed with [`TEST_SECRET`] for `subject`.
pub fn token_as(subject: &str, role: Role, unit: Option<&str>) -> String {
    let token = DevToken {
        subject,
        name: Some("Nguyễn Văn A"),
        unit,
        roles: &[role],
        ttl_seconds: 600,
    };
    mint(TEST_SECRET, "plans-api", "plans-api", &token).expect("mint")
}

impl TestApp {
    /// POSTs a GraphQL request and returns its `data` and `errors` (asserting HTTP 200).
    pub async fn graphql(&self, query: &str, variables: Value) -> Gql {
        self.graphql_with(None, query, variables).await
    }

    /// The same, as the holder of `token`.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Gql {
        self.graphql_with(Some(token), query, variables).await
    }

    async fn graphql_with(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status().as_u16(), 200, "GraphQL answers 200");
        let body: Value = response.json().await.expect("JSON body");
        Gql {
            data: body["data"].clone(),
            errors: body["errors"].as_array().cloned().unwrap_or_default(),
        }
    }

    /// POSTs any JSON body to `/graphql` (as the holder of `token`, if any) and returns the
    /// status, the headers and the body (JSON, or a string when it is not JSON).
    pub async fn post_json(
        &self,
        token: Option<&str>,
        body: &Value,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.json(body).send().await.expect("send");
        Self::parts(response).await
    }

    /// The status, headers and body of a response.
    pub async fn parts(response: reqwest::Response) -> (u16, reqwest::header::HeaderMap, Value) {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, headers, body)
    }

    /// A connection of the test's own to the server's database (outside the server's pool).
    pub async fn separate_connection(&self) -> DatabaseConnection {
        let url = match self.backend {
            Backend::Sqlite => sqlite_url(std::path::Path::new(&self.database)),
            Backend::Postgres => postgres_url(&self.database),
        };
        sea_orm::Database::connect(url).await.expect("connect")
    }

    /// A request to any path.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }

    /// Stops the server and removes the test's database.
    pub async fn stop(self) {
        self.handle.stop(false).await;
        let _ = self.db.clone().close().await;
        if !self.owns_database {
            return;
        }
        match self.backend {
            Backend::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.database));
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin().await;
                let _ = admin
                    .execute_unprepared(&format!(
                        r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#,
                        self.database
                    ))
                    .await;
                let _ = admin.close().await;
            }
        }
    }

    /// Rows in a table (to assert that a rejected change wrote nothing).
    /// PostgreSQL: ends every connection the server holds, as a database restart does; returns
    /// how many were ended.
    pub async fn end_database_connections(&self) -> i64 {
        let admin = postgres_admin().await;
        let row = admin
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                format!(
                    "SELECT count(pg_terminate_backend(pid)) AS ended FROM pg_stat_activity \
                     WHERE datname = '{}'",
                    self.database
                ),
            ))
            .await
            .expect("terminate backends")
            .expect("a row");
        admin.close().await.expect("close admin");
        row.try_get("", "ended").expect("ended")
    }

    pub async fn count(&self, table: &str) -> i64 {
        let statement = sea_orm::Statement::from_string(
            self.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        );
        let row = self
            .db
            .query_one_raw(statement)
            .await
            .expect("count")
            .expect("row");
        row.try_get::<i64>("", "n").expect("n")
    }

    /// The global id of the plan with this document number.
    pub async fn plan_id(&self, number: &str) -> String {
        let data = self
            .graphql(
                "query($n: String!) { planByNumber(documentNumber: $n) { id } }",
                json!({ "n": number }),
            )
            .await
            .ok();
        data["planByNumber"]["id"]
            .as_str()
            .expect("plan exists")
            .to_owned()
    }

    /// The Bắc Giang bed-count target (II.2.1): its id and its plan's id.
    pub async fn bed_target(&self) -> (Value, Value) {
        let found = self
            .graphql(
                r#"{ targets(first: 5, filter: { search: "Tổng giường bệnh toàn tỉnh" }) { nodes { id code plan { id } } } }"#,
                json!({}),
            )
            .await
            .ok();
        let target = found["targets"]["nodes"]
            .as_array()
            .expect("targets")
            .iter()
            .find(|t| t["code"] == "II.2.1")
            .expect("the bed-count target")
            .clone();
        (target["id"].clone(), target["plan"]["id"].clone())
    }

    /// The agency code of a target's lead unit.
    pub async fn target_lead_code(&self, target: &Value) -> String {
        let data = self
            .graphql(
                "query($id: ID!) { target(id: $id) { assignments { role unit { code } } } }",
                json!({ "id": target }),
            )
            .await
            .ok();
        data["target"]["assignments"]
            .as_array()
            .expect("assignments")
            .iter()
            .find(|a| a["role"] == "LEAD")
            .and_then(|a| a["unit"]["code"].as_str())
            .expect("a lead unit")
            .to_owned()
    }

    /// The global id of the plan with this exact title.
    pub async fn plan_titled(&self, title: &str) -> String {
        // A search takes at most 12 words: the last ten words tell the demo's titles apart.
        let words: Vec<&str> = title.split_whitespace().collect();
        let search = words[words.len().saturating_sub(10)..].join(" ");
        let data = self
            .graphql(
                "query($q: String!) { plans(first: 20, filter: { search: $q }) { nodes { id title } } }",
                json!({ "q": search }),
            )
            .await
            .ok();
        data["plans"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no plan titled {title:?}"))["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// The global id of the first plan a search finds.
    pub async fn plan_id_by_search(&self, search: &str) -> String {
        let data = self
            .graphql(
                "query($s: String!) { plans(first: 1, filter: { search: $s }) { nodes { id } } }",
                json!({ "s": search }),
            )
            .await
            .ok();
        data["plans"]["nodes"][0]["id"]
            .as_str()
            .expect("a plan matches")
            .to_owned()
    }

    /// A new draft plan titled `title`, issued by the unit with agency code `issuer`, created
    /// as the holder of `token`: its `id` and `version`.
    pub async fn create_plan(&self, token: &str, title: &str, issuer: &str) -> Value {
        self.graphql_as(
            token,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id version } } }",
            json!({ "input": { "title": title, "kind": "PLAN", "issuerId": self.unit_id(issuer).await } }),
        )
        .await
        .ok()["createPlan"]["plan"]
            .clone()
    }

    /// The global id of the unit with this agency code.
    pub async fn unit_id(&self, code: &str) -> String {
        let data = self
            .graphql(
                "query($c: String) { unit(code: $c) { id } }",
                json!({ "c": code }),
            )
            .await
            .ok();
        data["unit"]["id"].as_str().expect("unit exists").to_owned()
    }
}

/// Declares each listed `async fn name(app: &TestApp)` as two tests, `name::sqlite` and
/// `name::postgres` (the latter ignored unless `TEST_POSTGRES_URL` is set).
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await;
                    super::$name(&app).await;
                    app.stop().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(postgres_tests),
                    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
                )]
                async fn postgres() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await;
                    super::$name(&app).await;
                    app.stop().await;
                }
            }
        )*
    };
}
