//! The migration command line (sea-orm-migration's): `cargo run -p migration --features cli --
//! status | up | down | fresh | …` against `DATABASE_URL`. The server also migrates at start-up.

#[tokio::main]
async fn main() {
    sea_orm_migration::cli::run_cli(migration::Migrator).await;
}
