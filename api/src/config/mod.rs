//! Command line and environment configuration. Every flag has an environment variable; `--help`
//! documents both.

pub mod file;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Provincial plans & emulation API: a GraphQL server for plans, targets, tasks and progress.
#[derive(Debug, Parser)]
#[command(name = "api", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A TOML file of settings, keyed by the long flags (`listen = "0.0.0.0:8080"`); flags and
    /// environment variables override it.
    #[arg(long, env = "APP_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: Settings,
}

/// What to do (default: `serve`).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(Settings),
    /// Print the GraphQL schema (SDL); `schema.graphql` is this output.
    Schema,
    /// Print a development token (HS256, for the configured or development secret).
    Token(TokenArgs),
    /// Apply pending database migrations and exit (for deployments that migrate as a step;
    /// instances starting at once on PostgreSQL take turns).
    Migrate(Settings),
    /// Ask a running server whether it is ready (exit 0) or not (exit 1): a container's health
    /// check.
    Healthcheck(HealthcheckArgs),
    /// The shared catalogues of LGSP (danh mục dùng chung).
    #[command(subcommand)]
    Catalogues(CataloguesCommand),
}

/// `api catalogues …`.
#[derive(Debug, Subcommand)]
pub enum CataloguesCommand {
    /// Read the agency and reference catalogues and bring units and reference codes in line, in
    /// one audited transaction (nothing is written if anything is wrong).
    Sync {
        /// Print what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Let this sync close more than a fifth of the province's units (a catalogue cut short
        /// looks like a wave of dissolutions, so that is refused by default).
        #[arg(long)]
        allow_mass_closing: bool,
        #[command(flatten)]
        settings: Box<Settings>,
    },
    /// Print a catalogue's fields (`/dmdc/Metadata/{catalogue}`).
    Metadata {
        /// The catalogue (e.g. `mathiduakhenthuong`).
        catalogue: String,
        #[command(flatten)]
        settings: Box<Settings>,
    },
}

/// `api healthcheck`.
#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// The URL to ask (default: `/readyz` of the address the server listens on).
    #[arg(long)]
    pub url: Option<String>,
    /// The server's listen address (as `serve` reads it).
    #[arg(long, env = "APP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

impl Cli {
    /// The command line, with the configuration file's settings as defaults when one is named.
    pub fn load() -> anyhow::Result<Self> {
        use clap::{CommandFactory as _, FromArgMatches as _};
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let mut command = Self::command();
        if let Some(file) = file::path(&args) {
            command = file::apply(command, &file)?;
        }
        let matches = command
            .try_get_matches_from(args)
            .unwrap_or_else(|e| e.exit());
        Ok(Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit()))
    }
}

/// `api token`.
#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// Role: PROVINCE_ADMIN, UNIT_ADMIN, UNIT_OFFICER, EMULATION_OFFICER, VIEWER or INTEGRATION.
    #[arg(long)]
    pub role: String,
    /// The caller's unit, by electronic agency code (e.g. H34.20).
    #[arg(long)]
    pub unit: Option<String>,
    /// Lifetime: seconds, or with a suffix s, m, h, d (e.g. 1h).
    #[arg(long, default_value = "1h")]
    pub ttl: String,
    /// Subject (user name).
    #[arg(long, default_value = "dev-user")]
    pub subject: String,
    #[command(flatten)]
    pub settings: Settings,
}

pub use crate::telemetry::LogFormat;

/// Shortest HS256 secret production accepts (RFC 7518 §3.2: a key as long as the hash).
pub const MIN_SECRET_BYTES: usize = 32;

/// Server settings.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "APP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Database URL (`postgres://…` or `sqlite://…`). Without it the server uses an embedded
    /// SQLite file under `--data-dir` and loads the demo data into it when it is empty.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder of the embedded SQLite database.
    #[arg(long, env = "APP_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Folder of dossier files (default: `files/` in `--data-dir`). Instances behind a load
    /// balancer share it (a network volume).
    #[arg(long, env = "APP_FILES_DIR")]
    pub files_dir: Option<PathBuf>,
    #[command(flatten)]
    pub files_s3: S3Settings,
    /// The largest dossier file, in bytes.
    #[arg(long, env = "APP_MAX_FILE_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_file_bytes: usize,
    /// Load the demo data (from the seed plans) when the database is empty.
    #[arg(long, env = "APP_DEMO")]
    pub demo: bool,
    /// Database connection pool size.
    #[arg(long, env = "APP_POOL_SIZE", default_value_t = 10)]
    pub pool_size: u32,
    /// PostgreSQL: the most pool connections queries hold at once (a query keeps one for its
    /// reads until it is answered). The rest stay free for mutations, subscriptions and
    /// sign-in lookups, so that writes never queue behind reads. Default: three quarters of
    /// the pool, rounded down, and at least one.
    #[arg(long, env = "APP_QUERY_CONNECTIONS")]
    pub query_connections: Option<u32>,
    /// PostgreSQL, with `--write-connections`: the most connections queries that start while a
    /// mutation is in flight hold together. Fewer busy read backends let a write's statements
    /// through sooner where the database shares the cores; queries already reading keep theirs.
    /// Default: half the queries' connections, rounded up.
    #[arg(long, env = "APP_QUERY_CONNECTIONS_DURING_WRITES")]
    pub query_connections_during_writes: Option<u32>,
    /// PostgreSQL: connections of the mutations' own pool, beside `--pool-size`. Mutations run
    /// on a thread of their own with these connections, so that a write's statements never
    /// wait for the HTTP workers to get through the reads in hand. 0: mutations share the
    /// workers and the pool.
    #[arg(long, env = "APP_WRITE_CONNECTIONS", default_value_t = 4)]
    pub write_connections: u32,
    /// Log format.
    #[arg(long, env = "APP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,
    /// OpenTelemetry collector (OTLP over HTTP, e.g. `http://otel-collector:4318`): traces of
    /// every request (HTTP → GraphQL operation → SQL statements). Unset: no traces.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// The `service.name` traces carry.
    #[arg(long, env = "OTEL_SERVICE_NAME", default_value = "plans-api")]
    pub service_name: String,
    /// Seconds in-flight requests get to finish after SIGTERM / Ctrl-C.
    #[arg(long, env = "APP_SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "APP_WORKERS")]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub auth: AuthSettings,
    #[command(flatten)]
    pub limits: LimitSettings,
    #[command(flatten)]
    pub lgsp: crate::lgsp::LgspSettings,
    /// Check the configuration (tokens, limits, files, database) and exit: 0 when every part is
    /// sound, 1 with a sentence for each problem otherwise.
    #[arg(long)]
    pub check_config: bool,
}

const DEFAULT_LIMITS: crate::graphql::limits::Limits = crate::graphql::limits::Limits::DEFAULT;

/// An S3-compatible store of dossier files (instead of `--files-dir`): what instances behind a
/// load balancer share without a network volume.
#[derive(Clone, Args)]
pub struct S3Settings {
    /// The store's endpoint, `http(s)://host[:port]` (MinIO, Ceph, AWS, a data centre's object
    /// storage). Unset: files are kept on local disk.
    #[arg(long = "files-s3-endpoint", env = "APP_FILES_S3_ENDPOINT")]
    pub endpoint: Option<String>,
    /// The bucket (it must exist).
    #[arg(
        long = "files-s3-bucket",
        env = "APP_FILES_S3_BUCKET",
        default_value = "plans-api-files"
    )]
    pub bucket: String,
    /// The region the signature names (MinIO and most compatible stores take `us-east-1`).
    #[arg(
        long = "files-s3-region",
        env = "APP_FILES_S3_REGION",
        default_value = "us-east-1"
    )]
    pub region: String,
    #[arg(long = "files-s3-access-key", env = "APP_FILES_S3_ACCESS_KEY")]
    pub access_key: Option<String>,
    #[arg(
        long = "files-s3-secret-key",
        env = "APP_FILES_S3_SECRET_KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            endpoint: None,
            bucket: "plans-api-files".into(),
            region: "us-east-1".into(),
            access_key: None,
            secret_key: None,
        }
    }
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

/// What one request may cost, how fast a caller may spend, and how long anything may take.
/// README, Security, lists each with what the caller sees.
#[derive(Debug, Clone, Args)]
pub struct LimitSettings {
    /// Tokens in a query text.
    #[arg(long, env = "APP_MAX_TOKENS", default_value_t = DEFAULT_LIMITS.max_tokens)]
    pub max_tokens: usize,
    /// Nesting of `{`, `(` and `[` in a query text, and of fragments in each other.
    #[arg(long, env = "APP_MAX_NESTING", default_value_t = DEFAULT_LIMITS.max_nesting)]
    pub max_nesting: usize,
    /// Fields of one operation once its fragments are expanded.
    #[arg(long, env = "APP_MAX_FIELDS", default_value_t = DEFAULT_LIMITS.max_fields)]
    pub max_fields: u64,
    /// Aliases in one operation once its fragments are expanded.
    #[arg(long, env = "APP_MAX_ALIASES", default_value_t = DEFAULT_LIMITS.max_aliases)]
    pub max_aliases: u64,
    /// Directives on one field, fragment or operation.
    #[arg(long, env = "APP_MAX_DIRECTIVES", default_value_t = DEFAULT_LIMITS.max_directives)]
    pub max_directives: usize,
    /// Items in one input list (ids, enum values, assignments).
    #[arg(long, env = "APP_MAX_LIST_ITEMS", default_value_t = DEFAULT_LIMITS.max_list_items)]
    pub max_list_items: usize,
    /// Static cost of one operation: the most objects its response can hold.
    #[arg(long, env = "APP_MAX_COST", default_value_t = DEFAULT_LIMITS.max_cost)]
    pub max_cost: u64,
    /// Requests of at least this cost are "heavy": they take turns (see `--heavy-concurrency`).
    #[arg(long, env = "APP_HEAVY_COST", default_value_t = 5_000)]
    pub heavy_cost: u64,
    /// Heavy requests run at once per instance; the others wait their turn (until their time
    /// limit, then `SERVICE_UNAVAILABLE`).
    #[arg(long, env = "APP_HEAVY_CONCURRENCY", default_value_t = 1)]
    pub heavy_concurrency: usize,
    /// Cost points an anonymous client address may spend per second (0: no rate limit).
    #[arg(long, env = "APP_RATE_ANONYMOUS", default_value_t = 5_000)]
    pub rate_anonymous: u32,
    /// Cost points an anonymous client address may spend at once (the bucket's size).
    #[arg(long, env = "APP_RATE_ANONYMOUS_BURST", default_value_t = 100_000)]
    pub rate_anonymous_burst: u32,
    /// Cost points a signed-in principal may spend per second (0: no rate limit).
    #[arg(long, env = "APP_RATE_PRINCIPAL", default_value_t = 20_000)]
    pub rate_principal: u32,
    /// Cost points a signed-in principal may spend at once.
    #[arg(long, env = "APP_RATE_PRINCIPAL_BURST", default_value_t = 200_000)]
    pub rate_principal_burst: u32,
    /// Proxies whose `X-Forwarded-For` names the client (IP addresses or CIDR blocks,
    /// comma-separated); from anyone else the header is ignored.
    #[arg(long, env = "APP_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Seconds a request may run; its database work is cancelled after that.
    #[arg(long, env = "APP_REQUEST_TIMEOUT", default_value_t = 10.0)]
    pub request_timeout: f64,
    /// Largest response body, in bytes.
    #[arg(long, env = "APP_MAX_RESPONSE_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Seconds a request waits for a database connection before `SERVICE_UNAVAILABLE`.
    #[arg(long, env = "APP_DB_ACQUIRE_TIMEOUT", default_value_t = 2.0)]
    pub db_acquire_timeout: f64,
    /// PostgreSQL: seconds after which the database ends an idle session (see `db.rs`); the
    /// pool retires idle connections before that. Needs PostgreSQL 14 or newer.
    #[arg(long, env = "APP_DB_IDLE_SESSION_TIMEOUT", default_value_t = 300.0)]
    pub db_idle_session_timeout: f64,
    /// Only registered operations run (persisted queries from `--operations-dir` or
    /// `registerOperation`); PROVINCE_ADMIN callers may still send any query.
    #[arg(long, env = "APP_ALLOW_LIST")]
    pub allow_list: bool,
    /// Folder of `.graphql` files registered as operations at start-up.
    #[arg(long, env = "APP_OPERATIONS_DIR")]
    pub operations_dir: Option<PathBuf>,
    /// Live (WebSocket) connections one instance holds at once.
    #[arg(long, env = "APP_MAX_LIVE_CONNECTIONS", default_value_t = 1_000)]
    pub max_live_connections: usize,
    /// Origins whose pages may open live connections (comma-separated, e.g.
    /// `https://congthongtin.example.gov.vn`); none: pages of the API's own host only.
    #[arg(long, env = "APP_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            max_tokens: DEFAULT_LIMITS.max_tokens,
            max_nesting: DEFAULT_LIMITS.max_nesting,
            max_fields: DEFAULT_LIMITS.max_fields,
            max_aliases: DEFAULT_LIMITS.max_aliases,
            max_directives: DEFAULT_LIMITS.max_directives,
            max_list_items: DEFAULT_LIMITS.max_list_items,
            max_cost: DEFAULT_LIMITS.max_cost,
            heavy_cost: 5_000,
            heavy_concurrency: 1,
            rate_anonymous: 5_000,
            rate_anonymous_burst: 100_000,
            rate_principal: 20_000,
            rate_principal_burst: 200_000,
            trusted_proxies: Vec::new(),
            request_timeout: 10.0,
            max_response_bytes: 8 * 1024 * 1024,
            db_acquire_timeout: 2.0,
            db_idle_session_timeout: 300.0,
            allow_list: false,
            operations_dir: None,
            max_live_connections: 1_000,
            allowed_origins: Vec::new(),
        }
    }
}

impl LimitSettings {
    /// The document limits.
    pub fn document(&self) -> crate::graphql::limits::Limits {
        crate::graphql::limits::Limits {
            max_tokens: self.max_tokens,
            max_nesting: self.max_nesting,
            max_fields: self.max_fields,
            max_aliases: self.max_aliases,
            max_directives: self.max_directives,
            max_list_items: self.max_list_items,
            max_cost: self.max_cost,
            ..DEFAULT_LIMITS
        }
    }

    /// The request time limit.
    pub fn request_timeout(&self) -> std::time::Duration {
        seconds(self.request_timeout)
    }

    /// After how long PostgreSQL ends an idle session.
    pub fn db_idle_session_timeout(&self) -> std::time::Duration {
        seconds(self.db_idle_session_timeout).max(std::time::Duration::from_secs(1))
    }

    /// How long a request waits for a database connection.
    pub fn db_acquire_timeout(&self) -> std::time::Duration {
        seconds(self.db_acquire_timeout)
    }
}

/// A duration from seconds, with nonsense (negative, NaN) read as zero.
fn seconds(value: f64) -> std::time::Duration {
    std::time::Duration::try_from_secs_f64(value).unwrap_or_default()
}

/// Who may call, and how tokens are verified.
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// Production mode: requires a configured verifier, hides internal error details, and turns
    /// GraphiQL and introspection off for anonymous callers.
    #[arg(long, env = "APP_PRODUCTION")]
    pub production: bool,
    /// HS256 shared secret. In development without one, a secret is generated once and kept in
    /// `<data-dir>/dev-jwt-secret`, where `api token` finds it too.
    #[arg(long, env = "APP_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// JWKS (a file path or an http(s) URL) with the RS256/ES256 keys of the provincial single
    /// sign-on; cached, and read again when a token names an unknown key.
    #[arg(long, env = "APP_JWKS")]
    pub jwks: Option<String>,
    /// Expected `iss` of bearer tokens.
    #[arg(long, env = "APP_JWT_ISSUER", default_value = "plans-api")]
    pub jwt_issuer: String,
    /// Expected `aud` of bearer tokens.
    #[arg(long, env = "APP_JWT_AUDIENCE", default_value = "plans-api")]
    pub jwt_audience: String,
    /// JWKS (file path or URL) of the LGSP gateway's backend JWT (WSO2 `X-JWT-Assertion`).
    #[arg(long, env = "APP_GATEWAY_JWKS")]
    pub gateway_jwks: Option<String>,
    /// Header carrying the gateway's backend JWT.
    #[arg(long, env = "APP_GATEWAY_HEADER", default_value = "X-JWT-Assertion")]
    pub gateway_header: String,
    /// Expected `iss` of the gateway's backend JWT.
    #[arg(
        long,
        env = "APP_GATEWAY_ISSUER",
        default_value = "wso2.org/products/am"
    )]
    pub gateway_issuer: String,
    /// Expected `aud` of the gateway's backend JWT (unset: not checked, as WSO2 sets none by
    /// default).
    #[arg(long, env = "APP_GATEWAY_AUDIENCE")]
    pub gateway_audience: Option<String>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            production: false,
            jwt_secret: None,
            jwks: None,
            jwt_issuer: "plans-api".into(),
            jwt_audience: "plans-api".into(),
            gateway_jwks: None,
            gateway_header: "X-JWT-Assertion".into(),
            gateway_issuer: "wso2.org/products/am".into(),
            gateway_audience: None,
        }
    }
}

impl Settings {
    /// The most pool connections queries hold at once (see `--query-connections`).
    pub fn query_connections(&self) -> u32 {
        let pool = self.pool_size.max(1);
        self.query_connections
            .unwrap_or(pool * 3 / 4)
            .clamp(1, pool)
    }

    /// The most connections queries starting during a mutation hold together (see
    /// `--query-connections-during-writes`).
    pub fn query_connections_during_writes(&self) -> u32 {
        let lane = self.query_connections();
        self.query_connections_during_writes
            .unwrap_or(lane.div_ceil(2))
            .clamp(1, lane)
    }

    /// The verifiers' configuration; in development without a secret, the development secret.
    pub fn auth_config(&self) -> anyhow::Result<crate::auth::token::AuthConfig> {
        let auth = &self.auth;
        if auth.production
            && let Some(secret) = &auth.jwt_secret
            && secret.len() < MIN_SECRET_BYTES
        {
            anyhow::bail!(
                "APP_JWT_SECRET is {} bytes long; production needs at least {MIN_SECRET_BYTES} random bytes (e.g. `openssl rand -base64 48`)",
                secret.len()
            );
        }
        let secret = match (&auth.jwt_secret, auth.production) {
            (Some(secret), _) => Some(secret.clone()),
            (None, false) => Some(crate::auth::token::dev_secret(&self.data_dir)?),
            (None, true) => None,
        };
        Ok(crate::auth::token::AuthConfig {
            secret,
            jwks: auth
                .jwks
                .as_deref()
                .map(crate::auth::token::JwksSource::parse),
            issuer: auth.jwt_issuer.clone(),
            audience: auth.jwt_audience.clone(),
            gateway_jwks: auth
                .gateway_jwks
                .as_deref()
                .map(crate::auth::token::JwksSource::parse),
            gateway_header: auth.gateway_header.clone(),
            gateway_issuer: auth.gateway_issuer.clone(),
            gateway_audience: auth.gateway_audience.clone(),
        })
    }
}

impl Settings {
    /// Settings for an embedded or explicit database on `listen`, with every other value default.
    pub fn new(listen: SocketAddr, database_url: Option<String>) -> Self {
        Self {
            listen,
            database_url,
            data_dir: PathBuf::from("data"),
            files_dir: None,
            files_s3: S3Settings::default(),
            max_file_bytes: 10 * 1024 * 1024,
            demo: false,
            pool_size: 10,
            query_connections: None,
            query_connections_during_writes: None,
            write_connections: 4,
            log_format: LogFormat::Auto,
            otlp_endpoint: None,
            service_name: "plans-api".into(),
            shutdown_timeout: 30,
            workers: None,
            auth: AuthSettings::default(),
            limits: LimitSettings::default(),
            lgsp: crate::lgsp::LgspSettings::default(),
            check_config: false,
        }
    }

    /// Where dossier files are kept: the S3-compatible store when one is configured, else the
    /// files folder.
    pub fn file_store(&self) -> anyhow::Result<crate::files::FileStore> {
        let s3 = &self.files_s3;
        match &s3.endpoint {
            Some(endpoint) => Ok(crate::files::FileStore::S3(crate::files::s3::S3Store::new(
                endpoint,
                &s3.bucket,
                &s3.region,
                s3.access_key.as_deref().unwrap_or_default(),
                s3.secret_key.as_deref().unwrap_or_default(),
            )?)),
            None => Ok(crate::files::FileStore::Local {
                root: self
                    .files_dir
                    .clone()
                    .unwrap_or_else(|| self.data_dir.join("files")),
            }),
        }
    }

    /// Where traces go, when a collector is configured.
    pub fn traces(&self) -> Option<crate::telemetry::Traces> {
        let endpoint = self
            .otlp_endpoint
            .clone()
            .filter(|e| !e.trim().is_empty())?;
        let postgres = self
            .database_url
            .as_deref()
            .is_some_and(|u| u.starts_with("postgres"));
        Some(crate::telemetry::Traces {
            endpoint,
            service: self.service_name.clone(),
            database: if postgres { "postgresql" } else { "sqlite" },
        })
    }

    /// Whether the embedded SQLite default is in use.
    pub fn is_embedded(&self) -> bool {
        self.database_url.is_none()
    }
}

#[cfg(test)]
mod tests {
    /// clap checks the command line's definition only when it parses one (in debug builds): two
    /// settings groups using one field name made every start panic.
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory as _;
        super::Cli::command().debug_assert();
    }

    /// Queries get three quarters of the pool, and half of those while a mutation is in flight,
    /// rounded up; each at least one and at most what contains it.
    #[test]
    fn the_queries_connections_follow_the_pool() {
        let settings = |pool: u32, lane: Option<u32>, during: Option<u32>| {
            let mut settings =
                super::Settings::new(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), None);
            settings.pool_size = pool;
            settings.query_connections = lane;
            settings.query_connections_during_writes = during;
            settings
        };
        let of = |s: super::Settings| (s.query_connections(), s.query_connections_during_writes());
        assert_eq!(of(settings(16, None, None)), (12, 6));
        assert_eq!(of(settings(10, None, None)), (7, 4));
        assert_eq!(of(settings(1, None, None)), (1, 1));
        assert_eq!(of(settings(16, Some(9), None)), (9, 5));
        assert_eq!(of(settings(16, None, Some(0))), (12, 1));
        assert_eq!(of(settings(16, None, Some(40))), (12, 12));
    }
}
