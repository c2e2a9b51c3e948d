//! Mutations on a thread and a pool of their own (PostgreSQL).
//!
//! An HTTP worker is one thread taking turns between every request it holds. Under a full read
//! load a mutation's each statement waited for its worker to get through the reads in hand
//! before it could send the next (and the worker notices a socket's readiness only between
//! turns), so a write of ten statements took 35 ms at the median and 129 ms at p99 while reads
//! answered in 23 ms. Here the mutation's execution runs on a thread of its own, with a pool
//! whose connections were opened there: its statements follow one another as soon as
//! PostgreSQL answers. The worker keeps the transport, authentication and the response.

use std::future::Future;

use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::db::StatementCounter;

/// The mutations' thread and pool.
pub struct Writes {
    db: DatabaseConnection,
    /// The pool's size limit.
    max: u32,
    runtime: Runtime,
}

/// Stopped without waiting when the server drops it (possibly inside another runtime, where
/// waiting is not allowed).
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Writes {
    /// The mutations' thread and pool; none on SQLite (one writer at a time there anyway) or
    /// with `--write-connections 0`.
    pub async fn start(
        settings: &Settings,
        statements: &StatementCounter,
    ) -> anyhow::Result<Option<Self>> {
        let Some(url) = settings
            .database_url
            .clone()
            .filter(|url| crate::db::is_postgres_url(url))
        else {
            return Ok(None);
        };
        if settings.write_connections == 0 {
            return Ok(None);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("plans-writes")
            .enable_all()
            .build()?;
        let connect = {
            let settings = settings.clone();
            let statements = statements.clone();
            async move { crate::db::connect_writes(&settings, &url, &statements).await }
        };
        let runtime = Runtime(Some(runtime));
        // The pool is made on the writes' runtime so that its connections are too.
        let db = match &runtime.0 {
            Some(runtime) => runtime.spawn(connect).await??,
            None => return Ok(None),
        };
        Ok(Some(Self {
            db,
            max: settings.write_connections.max(1),
            runtime,
        }))
    }

    /// The mutations' pool.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The pool's open, idle and most connections (for `/metrics`).
    pub fn pool_state(&self) -> (u32, usize, u32) {
        let pool = self.db.get_postgres_connection_pool();
        (pool.size(), pool.num_idle(), self.max)
    }

    /// Whether the pool reaches the database, asked on the mutations' thread (a connection it
    /// opens belongs there), within `within`.
    pub async fn is_ready(&self, within: std::time::Duration) -> bool {
        let db = self.db.clone();
        let ping = self.run(async move { db.ping().await.is_ok() });
        matches!(tokio::time::timeout(within, ping).await, Ok(Some(true)))
    }

    /// Runs `work` on the mutations' thread; `None` when it panicked or the server is stopping.
    pub fn run<F>(&self, work: F) -> impl Future<Output = Option<F::Output>> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handle = self.runtime.0.as_ref().map(|runtime| runtime.spawn(work));
        async move {
            match handle?.await {
                Ok(output) => Some(output),
                Err(error) => {
                    tracing::error!(error = %error, "a mutation's execution did not finish");
                    None
                }
            }
        }
    }
}
