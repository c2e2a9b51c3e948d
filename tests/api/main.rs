//! Integration tests: each drives the real server over HTTP, on SQLite and (when
//! `TEST_POSTGRES_URL` is set) on PostgreSQL.

mod helpers;

mod lgsp;
mod limits;
mod live;
mod metrics;
mod migrations;

mod mutations;

mod attainment;
mod auth;

mod batches;
mod batching;
mod catalogue;
mod dossier;
mod eligibility;

mod columns;

mod export;
mod extensions;
mod file_store;
mod filters;
mod graphiql;
mod imports;
mod indicators;
mod nomination_evidence;
mod nomination_inputs;
mod nomination_table;
mod nominations;
mod operations;
mod pagination;
mod people;
mod periods;
mod plain_fields;
mod plans;
mod policy;
mod progress;
mod provenance;
mod reads;
mod records;
mod regimes;
mod reminders;
mod requests;
mod resilience;
mod schema;
mod scorecard;
mod sql_statements;
mod submissions;
mod transport;
mod units;
mod work_mutations;
