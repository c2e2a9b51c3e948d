//! Search at scale: every search is "each folded word occurs in `search_text`"
//! (`LIKE '%word%'`), which no B-tree serves, so at 300 000 tasks each search read the whole
//! table. On PostgreSQL a trigram GIN index (`pg_trgm`) on each searched `search_text` answers
//! those `LIKE`s for words of three letters or more. SQLite, the embedded default, has no such
//! index and keeps scanning (its datasets are small).
//!
//! `pg_trgm` ships with PostgreSQL's contrib modules and is a trusted extension (a database
//! owner may create it). Where it is not installed the migration logs that and adds nothing:
//! search stays correct, only slower; run it again by hand once the module is there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose `search_text` a list searches.
const SEARCHED: [&str; 7] = [
    "task",
    "plan",
    "unit",
    "target",
    "person",
    "nomination",
    "emulation_movement",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let available = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'",
            ))
            .await?
            .is_some();
        if !available {
            tracing::warn!(
                "pg_trgm is not installed on this PostgreSQL server: searches will scan their \
                 tables (install PostgreSQL's contrib modules for the trigram indexes)"
            );
            return Ok(());
        }
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .await?;
        for table in SEARCHED {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS \"idx_{table}_search_trgm\" ON \"{table}\" \
                 USING gin (\"search_text\" gin_trgm_ops)"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for table in SEARCHED {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS \"idx_{table}_search_trgm\""))
                .await?;
        }
        Ok(())
    }
}
