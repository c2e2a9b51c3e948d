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
        }
    }

    /// Whether the embedded SQLite default is in use.
    pub fn is_embedded(&self) -> bool {
        self.database_url.is_none()
    }
}
