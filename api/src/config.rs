//! Command line and environment configuration. Every flag has an environment variable; `--help`
//! documents both.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Provincial plans & emulation API: a GraphQL server for plans, targets, tasks and progress.
#[derive(Debug, Parser)]
#[command(name = "api", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
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

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    /// Pretty when standard error is a terminal, JSON otherwise.
    #[default]
    Auto,
    Pretty,
    Json,
}

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
    /// Load the demo data (from the seed plans) when the database is empty.
    #[arg(long, env = "APP_DEMO")]
    pub demo: bool,
    /// Database connection pool size.
    #[arg(long, env = "APP_POOL_SIZE", default_value_t = 10)]
    pub pool_size: u32,
    /// Log format.
    #[arg(long, env = "APP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,
    /// Seconds in-flight requests get to finish after SIGTERM / Ctrl-C.
    #[arg(long, env = "APP_SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "APP_WORKERS")]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub auth: AuthSettings,
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
        }
    }
}

impl Settings {
    /// The verifiers' configuration; in development without a secret, the development secret.
    pub fn auth_config(&self) -> anyhow::Result<crate::auth::token::AuthConfig> {
        let auth = &self.auth;
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
            demo: false,
            pool_size: 10,
            log_format: LogFormat::Auto,
            shutdown_timeout: 30,
            workers: None,
            auth: AuthSettings::default(),
        }
    }

    /// Whether the embedded SQLite default is in use.
    pub fn is_embedded(&self) -> bool {
        self.database_url.is_none()
    }
}
