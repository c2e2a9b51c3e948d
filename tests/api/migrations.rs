//! Rolling back: every migration's `down` undoes exactly what its `up` did, so that an operator
//! who steps a release back (`cargo run -p migration --features cli -- down`) gets the schema
//! the earlier release ran on, and can step forward again. Walked one migration at a time on
//! SQLite (with the server's own connection settings: foreign keys enforced) and PostgreSQL.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::helpers::{Backend, operator_dir, operator_settings};

/// What the schema holds besides the migrations' own bookkeeping table: every column with its
/// type, nullability and default, every index with its columns, every foreign key and (on
/// PostgreSQL) every constraint and trigger, one line each, sorted. Extensions are left out: a
/// rollback leaves `pg_trgm` installed (dropping it could break whatever else uses it).
async fn schema(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            r#"
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' '
                   || is_nullable || ' ' || coalesce(column_default, '-')
              FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name <> 'seaql_migrations'
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes
             WHERE schemaname = current_schema() AND tablename <> 'seaql_migrations'
            UNION ALL
            SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' '
                   || pg_get_constraintdef(oid)
              FROM pg_constraint
             WHERE connamespace = current_schema()::regnamespace
               AND conrelid::regclass::text <> 'seaql_migrations'
            UNION ALL
            SELECT 'trigger ' || tgrelid::regclass::text || ' ' || tgname FROM pg_trigger
             WHERE NOT tgisinternal
            UNION ALL
            SELECT 'type ' || typname FROM pg_type
             WHERE typnamespace = current_schema()::regnamespace AND typtype = 'e'
            ORDER BY 1
            "#
        }
        _ => {
            r#"
            SELECT 'column ' || m.name || '.' || c.name || ' ' || c.type || ' notnull='
                   || c."notnull" || ' pk=' || c.pk || ' ' || coalesce(c.dflt_value, '-')
              FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
               AND m.name <> 'seaql_migrations'
            UNION ALL
            SELECT 'index ' || m.tbl_name || ' ' || m.name || ' '
                   || (SELECT group_concat(coalesce(i.name, '<expr>'), ',')
                         FROM pragma_index_info(m.name) i)
                   || ' unique=' || coalesce((SELECT l."unique" FROM pragma_index_list(m.tbl_name) l
                                              WHERE l.name = m.name), '?')
              FROM sqlite_master m
             WHERE m.type = 'index' AND m.tbl_name <> 'seaql_migrations'
            UNION ALL
            SELECT 'foreign key ' || m.name || '.' || f."from" || ' -> ' || f."table" || '.'
                   || coalesce(f."to", '-') || ' on delete ' || f.on_delete
              FROM sqlite_master m, pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table'
            UNION ALL
            SELECT 'trigger ' || name FROM sqlite_master WHERE type = 'trigger'
            ORDER BY 1
            "#
        }
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("read the schema")
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("a schema line"))
        .collect()
}

/// Applies the migrations one at a time, noting the schema after each, then rolls them back
/// one at a time and expects, after each `down`, the schema noted before its `up`; then applies
/// them all again and expects the full schema back.
async fn every_migration_rolls_back(db: &DatabaseConnection) {
    let count = Migrator::migrations().len();
    let mut noted = vec![schema(db).await];
    assert!(noted[0].is_empty(), "a new database: {:?}", noted[0]);
    for step in 0..count {
        Migrator::up(db, Some(1))
            .await
            .unwrap_or_else(|error| panic!("migration {} up: {error}", step + 1));
        noted.push(schema(db).await);
    }
    let applied = Migrator::get_applied_migrations(db)
        .await
        .expect("applied migrations");
    let names: Vec<String> = applied.iter().map(|m| m.name().to_owned()).collect();
    assert_eq!(names.len(), count, "every migration applied");
    for step in (0..count).rev() {
        Migrator::down(db, Some(1))
            .await
            .unwrap_or_else(|error| panic!("{} down: {error}", names[step]));
        let now = schema(db).await;
        let before = &noted[step];
        let left: Vec<&String> = now.iter().filter(|line| !before.contains(line)).collect();
        let missing: Vec<&String> = before.iter().filter(|line| !now.contains(line)).collect();
        assert!(
            left.is_empty() && missing.is_empty(),
            "{} down did not undo its up: left behind {left:#?}, not restored {missing:#?}",
            names[step]
        );
    }
    assert!(
        Migrator::get_applied_migrations(db)
            .await
            .expect("applied migrations")
            .is_empty()
    );
    Migrator::up(db, None)
        .await
        .expect("every migration up again");
    assert_eq!(schema(db).await, noted[count], "the schema applied again");
}

async fn rolls_back_on(backend: Backend) {
    let dir = operator_dir();
    let postgres = match backend {
        Backend::Postgres => Some(crate::helpers::empty_postgres_database().await),
        Backend::Sqlite => None,
    };
    let settings = operator_settings(postgres.as_ref().map(|(url, _)| url.clone()), &dir);
    let (db, _) = api::db::connect(&settings).await.expect("connect");
    every_migration_rolls_back(&db).await;
    db.close().await.expect("close");
    if let Some((_, name)) = postgres {
        crate::helpers::drop_postgres_database(&name).await;
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_migration_rolls_back_to_the_schema_before_it_sqlite() {
    rolls_back_on(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn every_migration_rolls_back_to_the_schema_before_it_postgres() {
    rolls_back_on(Backend::Postgres).await;
}
