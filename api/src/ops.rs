//! The operator's subcommands: `migrate`, `healthcheck` and `--check-config`. Each says in a
//! sentence what is wrong and where, instead of a bare OS or driver error.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseBackend;

use crate::config::Settings;
use crate::diagnostic::message;

/// `api migrate`: applies pending migrations (and the reference data an empty database needs)
/// and says what it did. On PostgreSQL several instances may run it at once: they take turns
/// under an advisory lock.
pub async fn migrate(settings: &Settings) -> anyhow::Result<String> {
    let (db, _) = crate::db::connect(settings).await?;
    let pending = crate::db::migrate(&db).await?;
    let applied = Migrator::get_applied_migrations(&db)
        .await
        .context("cannot read which migrations the database has")?;
    let last = applied
        .last()
        .map(|m| m.name().to_owned())
        .unwrap_or_default();
    Ok(format!(
        "{}: applied {pending} migration(s); the schema is at {last} ({} in all)",
        describe_database(settings),
        applied.len()
    ))
}

/// `api healthcheck`: asks the running server's `/readyz`.
pub async fn healthcheck(url: &str) -> anyhow::Result<String> {
    // reqwest's TLS needs a process-wide crypto provider (an https URL); ring is in the build.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()?;
    let response = client
        .get(url)
        .send()
        .await
        .with_context(|| format!("no answer from {url}"))?;
    let status = response.status();
    anyhow::ensure!(status.is_success(), "{url} answered {status}: not ready");
    Ok(format!("{url}: ready"))
}

/// The `/readyz` URL of a server listening on `listen` (a wildcard address is asked on the
/// loopback).
pub fn readyz_url(listen: SocketAddr) -> String {
    let host = match listen.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}/readyz", listen.port())
}

/// The database the settings name, for people (no password).
pub fn describe_database(settings: &Settings) -> String {
    match &settings.database_url {
        None => format!(
            "embedded SQLite at {}",
            settings.data_dir.join("plans.db").display()
        ),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            match url.parse::<sea_orm::sqlx::postgres::PgConnectOptions>() {
                Ok(options) => crate::db::postgres_target(&options),
                Err(_) => "PostgreSQL (malformed URL)".into(),
            }
        }
        Some(_) => "SQLite (DATABASE_URL)".into(),
    }
}

/// The HS256 secret `api token` signs with, and where it came from. A development secret is
/// read, never made here: one made in another folder than the server's would sign tokens the
/// server refuses.
pub fn token_secret(settings: &Settings) -> anyhow::Result<(String, String)> {
    if let Some(secret) = &settings.auth.jwt_secret {
        return Ok((secret.clone(), "APP_JWT_SECRET".into()));
    }
    let path = absolute(&crate::auth::token::dev_secret_path(&settings.data_dir));
    match crate::auth::token::read_dev_secret(&settings.data_dir) {
        Some(secret) => Ok((secret, format!("the development secret in {path}"))),
        None => anyhow::bail!(
            "no development secret at {path}: start the server once (it makes one in its --data-dir), run this from the server's folder or give the same --data-dir, or set APP_JWT_SECRET"
        ),
    }
}

/// One finding of `--check-config`.
pub struct Finding {
    pub ok: bool,
    pub subject: &'static str,
    pub text: String,
}

/// `--check-config`: checks every part of the configuration the server needs, without serving,
/// and reports each (all of them, not only the first problem).
pub async fn check_config(settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut note = |subject, result: anyhow::Result<String>| {
        findings.push(match result {
            Ok(text) => Finding {
                ok: true,
                subject,
                text,
            },
            Err(error) => Finding {
                ok: false,
                subject,
                text: message(&error),
            },
        });
    };
    note("tokens", check_auth(settings).await);
    note(
        "rate limits",
        crate::routes::rate_limit::RateLimits::new(&settings.limits).map(|_| {
            format!(
                "{} points/s anonymous, {} points/s signed in; {} trusted prox(ies)",
                settings.limits.rate_anonymous,
                settings.limits.rate_principal,
                settings.limits.trusted_proxies.len()
            )
        }),
    );
    note("limits", check_limits(settings));
    note("files", check_files(settings));
    note("database", check_database(settings).await);
    note(
        "listen",
        Ok(format!(
            "{} (GraphiQL at /graphql{})",
            settings.listen,
            if settings.auth.production {
                ", off in production"
            } else {
                ""
            }
        )),
    );
    findings
}

async fn check_auth(settings: &Settings) -> anyhow::Result<String> {
    let config = settings.auth_config()?;
    let authenticator = crate::auth::Authenticator::new(&config).await?;
    if settings.auth.production && !authenticator.is_configured() {
        anyhow::bail!(
            "production mode needs a token verifier: set APP_JWT_SECRET, APP_JWKS or APP_GATEWAY_JWKS"
        );
    }
    let mut verifiers = Vec::new();
    match (&settings.auth.jwt_secret, config.secret.is_some()) {
        (Some(_), _) => verifiers.push("HS256 secret from APP_JWT_SECRET".to_owned()),
        (None, true) => verifiers.push(format!(
            "HS256 development secret in {}",
            absolute(&crate::auth::token::dev_secret_path(&settings.data_dir))
        )),
        (None, false) => {}
    }
    if let Some(jwks) = &settings.auth.jwks {
        verifiers.push(format!("JWKS {jwks}"));
    }
    if let Some(jwks) = &settings.auth.gateway_jwks {
        verifiers.push(format!(
            "gateway JWT in {} by JWKS {jwks}",
            settings.auth.gateway_header
        ));
    }
    Ok(if verifiers.is_empty() {
        "no verifier: every caller is anonymous".into()
    } else {
        verifiers.join("; ")
    })
}

fn check_limits(settings: &Settings) -> anyhow::Result<String> {
    let limits = &settings.limits;
    anyhow::ensure!(
        limits.request_timeout > 0.0 && limits.request_timeout.is_finite(),
        "APP_REQUEST_TIMEOUT must be a positive number of seconds (it is {})",
        limits.request_timeout
    );
    anyhow::ensure!(
        limits.db_acquire_timeout > 0.0 && limits.db_acquire_timeout.is_finite(),
        "APP_DB_ACQUIRE_TIMEOUT must be a positive number of seconds (it is {})",
        limits.db_acquire_timeout
    );
    anyhow::ensure!(settings.pool_size >= 1, "APP_POOL_SIZE must be at least 1");
    anyhow::ensure!(limits.max_cost >= 1, "APP_MAX_COST must be at least 1");
    Ok(format!(
        "cost ≤ {} per request, {} s per request, pool of {}",
        limits.max_cost, limits.request_timeout, settings.pool_size
    ))
}

fn check_files(settings: &Settings) -> anyhow::Result<String> {
    let store = settings.file_store()?;
    match store {
        crate::files::FileStore::S3(_) => {
            let s3 = &settings.files_s3;
            anyhow::ensure!(
                s3.access_key.is_some() && s3.secret_key.is_some(),
                "the S3 store needs APP_FILES_S3_ACCESS_KEY and APP_FILES_S3_SECRET_KEY"
            );
            Ok(format!(
                "S3-compatible store {} bucket {}",
                s3.endpoint.as_deref().unwrap_or_default(),
                s3.bucket
            ))
        }
        crate::files::FileStore::Local { root } => {
            crate::db::writable(&root).with_context(|| {
                format!(
                    "dossier files are kept in {}, which is not writable: set --files-dir (APP_FILES_DIR) or an S3 store",
                    absolute(&root)
                )
            })?;
            Ok(format!("local folder {}", absolute(&root)))
        }
    }
}

async fn check_database(settings: &Settings) -> anyhow::Result<String> {
    let (db, _) = crate::db::connect(settings).await?;
    // A check writes nothing: the migrations' bookkeeping table is not made where it is missing.
    let installed = migration::SchemaManager::new(&db)
        .has_table("seaql_migrations")
        .await
        .context("cannot read the database's tables")?;
    let (applied, pending) = if installed {
        (
            Migrator::get_applied_migrations(&db)
                .await
                .map(|m| m.len())
                .unwrap_or(0),
            Migrator::get_pending_migrations(&db)
                .await
                .context("cannot read which migrations the database has")?
                .len(),
        )
    } else {
        (0, Migrator::migrations().len())
    };
    let kind = match db.get_database_backend() {
        DatabaseBackend::Postgres => "reachable",
        _ => "opened",
    };
    let _ = db.close().await;
    Ok(format!(
        "{} {kind}; {applied} migration(s) applied, {pending} pending{}",
        describe_database(settings),
        if pending > 0 {
            " (applied at start, or by `api migrate`)"
        } else {
            ""
        }
    ))
}

/// `path` as an absolute path, for messages (a relative one depends on where the command ran).
pub fn absolute(path: &std::path::Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string()
}
