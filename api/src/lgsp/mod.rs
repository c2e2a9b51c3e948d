//! LGSP, the province's data-integration gateway, as a client: the shared catalogues (danh mục
//! dùng chung) read through its catalogue service and synchronised into units and reference
//! codes, by `api catalogues sync` or on a schedule in the server.

pub mod catalogue;
pub mod client;
pub mod error;
pub mod settings;

use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::domain::access::Actor;
use crate::domain::integration::catalogue::sync::{SyncReport, sync};
pub use client::LgspClient;
pub use settings::LgspSettings;

/// Who the audit log names for a sync.
pub const SYNC_SUBJECT: &str = "lgsp-sync";

/// Reads the catalogues and brings the database in line (or, dry, says what would change).
/// Nothing is written when reading fails or any row is unusable.
pub async fn run_sync(
    db: &DatabaseConnection,
    client: &LgspClient,
    settings: &LgspSettings,
    run: SyncRun,
) -> anyhow::Result<SyncReport> {
    let mut snapshot = catalogue::snapshot(client, settings).await?;
    snapshot.allow_mass_closing = run.allow_mass_closing;
    let report = sync(db, &Actor::system(SYNC_SUBJECT), &snapshot, run.dry_run).await?;
    Ok(report)
}

/// How a sync runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SyncRun {
    /// Say what would change, change nothing.
    pub dry_run: bool,
    /// Let it close more than a fifth of the governed units.
    pub allow_mass_closing: bool,
}

/// Runs the sync every `every` in the background, logging each outcome (instances sharing a
/// database take turns: the sync holds a lock).
pub fn schedule(
    db: DatabaseConnection,
    settings: LgspSettings,
    every: Duration,
) -> anyhow::Result<()> {
    let client = LgspClient::new(&settings)?;
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate: wait a whole period first (start-up is busy enough).
        ticks.tick().await;
        loop {
            ticks.tick().await;
            match run_sync(&db, &client, &settings, SyncRun::default()).await {
                Ok(report) => tracing::info!(summary = %report.plan.summary(), "catalogue sync"),
                Err(error) => {
                    tracing::warn!(error = %crate::diagnostic::message(&error), "catalogue sync failed; nothing was changed")
                }
            }
        }
    });
    Ok(())
}
