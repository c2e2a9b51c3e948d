//! Building and running the server: database, migrations, demo data, schema, HTTP.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use sea_orm::DatabaseConnection;

use crate::auth::Authenticator;
use crate::config::Settings;
use crate::db::{self, StatementCounter};
use crate::graphql;
use crate::routes::{self, AppState};

/// A built server, bound to its port, not yet running.
pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
    statements: StatementCounter,
}

impl Application {
    /// Connects and migrates the database, loads the demo data when asked (or on an empty
    /// embedded database), and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let authenticator = Authenticator::new(&settings.auth_config()?).await?;
        if settings.auth.production && !authenticator.is_configured() {
            anyhow::bail!(
                "production mode needs a token verifier: set APP_JWT_SECRET, APP_JWKS or APP_GATEWAY_JWKS"
            );
        }
        if settings.auth.jwt_secret.is_none() && !settings.auth.production {
            tracing::info!(
                path = %crate::ops::absolute(&crate::auth::token::dev_secret_path(&settings.data_dir)),
                "development token secret (`api token` reads it from the same --data-dir)"
            );
        }
        let rate_limits = routes::rate_limit::RateLimits::new(&settings.limits)?;
        let files = settings.file_store()?;
        // Bound before anything is written: a taken port fails here, the database untouched.
        let listener = TcpListener::bind(settings.listen)
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let (db, statements) = db::connect(&settings).await?;
        let demo = settings.demo || settings.is_embedded();
        if db::prepare(&db, demo).await? {
            tracing::info!("demo data loaded from the seed plans");
        } else if demo {
            tracing::info!("the database already has data; demo data not loaded");
        }
        if let Some(dir) = &settings.limits.operations_dir {
            let count = routes::persisted::PersistedQueries::register_dir(&db, dir).await?;
            tracing::info!(count, folder = %dir.display(), "operations registered");
        }
        if let Some(every) = &settings.lgsp.sync_every {
            let seconds = crate::auth::token::parse_ttl(every).with_context(|| {
                format!("APP_LGSP_SYNC_EVERY {every:?} is not a period (e.g. 24h, 30m, 3600)")
            })?;
            crate::lgsp::schedule(
                db.clone(),
                settings.lgsp.clone(),
                std::time::Duration::from_secs(seconds.unsigned_abs()),
            )?;
            tracing::info!(every = %every, "catalogue sync scheduled");
        }
        let writes = crate::writes::Writes::start(&settings, &statements)
            .await
            .context("cannot open the mutations' pool")?;
        let bus = crate::events::EventBus::start(&db, settings.database_url.as_deref())
            .await
            .context("cannot listen for live updates")?;
        let schemas = graphql::Schemas::build(&db, &bus);
        let query_lane = crate::reads::QueryLane::new(
            settings.query_connections(),
            settings.pool_size.max(1),
            settings.limits.db_acquire_timeout(),
        );
        // Only mutations on a pool of their own are marked in flight (`routes::graphql`).
        let query_lane = match &writes {
            Some(_) => query_lane.yielding_to_writes(settings.query_connections_during_writes()),
            None => query_lane,
        };
        let schema_info = graphql::limits::SchemaInfo::from_sdl(&schemas.checked().sdl())?;
        let state = web::Data::new(AppState {
            db: db.clone(),
            statements: statements.clone(),
            authenticator,
            production: settings.auth.production,
            documents: Default::default(),
            schemas,
            schema_info,
            limits: settings.limits.document(),
            rate_limits,
            persisted: routes::persisted::PersistedQueries::new(settings.limits.allow_list),
            request_timeout: settings.limits.request_timeout(),
            max_response_bytes: settings.limits.max_response_bytes,
            heavy_cost: settings.limits.heavy_cost,
            heavy_lane: std::sync::Arc::new(tokio::sync::Semaphore::new(
                settings.limits.heavy_concurrency.max(1),
            )),
            query_lane,
            writes,
            live_connections: std::sync::Arc::new(tokio::sync::Semaphore::new(
                settings.limits.max_live_connections,
            )),
            allowed_origins: settings.limits.allowed_origins.clone(),
            files,
            max_file_bytes: settings.max_file_bytes,
            metrics: Default::default(),
            pool_max: settings.pool_size.max(1),
            max_live_connections: settings.limits.max_live_connections,
        });
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(Compress::default())
                .wrap(from_fn(routes::request_id::middleware))
                .configure(routes::configure)
        })
        .shutdown_timeout(settings.shutdown_timeout)
        .listen(listener)?;
        if let Some(workers) = settings.workers {
            server = server.workers(workers.max(1));
        }
        tracing::info!(address = %settings.listen, port, "listening; GraphiQL at /graphql");
        Ok(Self {
            port,
            server: server.run(),
            db,
            statements,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database connection (tests use it to inspect or sabotage the database).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// A handle that stops the server (tests stop theirs when they finish).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The SQL statement counter.
    pub fn statements(&self) -> StatementCounter {
        self.statements.clone()
    }

    /// Serves until SIGTERM / Ctrl-C; in-flight requests get the shutdown timeout to finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
