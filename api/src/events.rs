//! The live-update bus: committed changes become notices (`domain::reporting::events`) that
//! every instance's subscribers hear.
//!
//! On PostgreSQL a notice goes out with `pg_notify` and each instance LISTENs on one channel,
//! so a change made through one instance reaches subscribers of all of them (no other broker);
//! the publishing instance hears its own notice the same way, so nothing is delivered twice.
//! On SQLite (one process) notices go straight to the local subscribers. Notices are hints, not
//! a log: one raised while an instance's listening connection is being re-established is
//! missed, so a client re-reads what it shows when its socket reconnects.

use std::sync::Arc;

use sea_orm::{DatabaseBackend, DatabaseConnection};
use tokio::sync::{broadcast, oneshot};

use crate::domain::kernel::mutation::Notices;
use crate::domain::reporting::events::Event;

/// The PostgreSQL channel.
pub const CHANNEL: &str = "plans_api_events";
/// Notices a slow subscriber may fall behind by before it skips ahead.
const BUFFER: usize = 1024;
/// PostgreSQL refuses a NOTIFY payload of 8 000 bytes or more.
const MAX_PAYLOAD: usize = 7_900;

/// Publishes and delivers notices; cheap to clone. The PostgreSQL listener stops when the last
/// clone is dropped.
#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    sender: broadcast::Sender<Arc<Event>>,
    /// Whether notices go out as PostgreSQL `NOTIFY`s (with each change's audit event) rather
    /// than straight to the local subscribers (SQLite).
    postgres: bool,
    stop: std::sync::Mutex<Option<oneshot::Sender<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(mut stop) = self.stop.lock()
            && let Some(stop) = stop.take()
        {
            let _ = stop.send(());
        }
    }
}

impl EventBus {
    /// A bus delivering in this process only (SQLite, and the schema printer).
    pub fn local() -> Self {
        Self {
            inner: Arc::new(Inner {
                sender: broadcast::channel(BUFFER).0,
                postgres: false,
                stop: std::sync::Mutex::new(None),
            }),
        }
    }

    /// The bus for `db`: on PostgreSQL, listening on [`CHANNEL`] through a connection of its own
    /// to `url` (the pool's connections end when idle; this one waits for notices).
    pub async fn start(db: &DatabaseConnection, url: Option<&str>) -> anyhow::Result<Self> {
        let (DatabaseBackend::Postgres, Some(url)) = (db.get_database_backend(), url) else {
            return Ok(Self::local());
        };
        use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
        let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let (stop_tx, mut stop_rx) = oneshot::channel();
        let bus = Self {
            inner: Arc::new(Inner {
                sender: broadcast::channel(BUFFER).0,
                postgres: true,
                stop: std::sync::Mutex::new(Some(stop_tx)),
            }),
        };
        let sender = bus.inner.sender.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stop_rx => break,
                    received = listener.recv() => match received {
                        Ok(notice) => match serde_json::from_str::<Event>(notice.payload()) {
                            Ok(event) => {
                                let _ = sender.send(Arc::new(event));
                            }
                            Err(error) => tracing::warn!(%error, "unreadable live-update notice"),
                        },
                        Err(error) => {
                            if pool.is_closed() {
                                break;
                            }
                            tracing::warn!(%error, "live updates: listening connection lost; reconnecting");
                            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        }
                    },
                }
            }
            pool.close().await;
        });
        Ok(bus)
    }

    /// Hears every notice from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.inner.sender.subscribe()
    }

    /// The notices of a change, as its transaction sends them: on PostgreSQL the `NOTIFY`
    /// payloads (sent with the change's audit event, delivered when it commits: see
    /// `kernel::mutation::Notices`), and the events to
    /// [`deliver_locally`](Self::deliver_locally) once it has committed (all of them on SQLite;
    /// on PostgreSQL those too large for a `NOTIFY`).
    pub fn notices(&self, events: Vec<Event>) -> (Notices, Vec<Event>) {
        let mut notices = Notices {
            channel: CHANNEL,
            payloads: Vec::new(),
        };
        if !self.inner.postgres {
            return (notices, events);
        }
        let mut local = Vec::new();
        for event in events {
            match serde_json::to_string(&event) {
                Ok(payload) if payload.len() < MAX_PAYLOAD => notices.payloads.push(payload),
                Ok(_) | Err(_) => {
                    tracing::warn!("live-update notice too large for NOTIFY; delivered locally");
                    local.push(event);
                }
            }
        }
        (notices, local)
    }

    /// Hands notices of a committed change to this instance's subscribers.
    pub fn deliver_locally(&self, events: Vec<Event>) {
        for event in events {
            let _ = self.inner.sender.send(Arc::new(event));
        }
    }
}
