//! Database migrations. Every migration runs on SQLite (the embedded default) and PostgreSQL.
//!
//! Enumerations are stored as short upper-case strings (checked in the domain layer), so a new
//! value never needs a type migration on PostgreSQL.

// `MigrationTrait` is declared with an elided `&SchemaManager`; naming the lifetime breaks the
// async-trait expansion, so the 2018-idioms lint is relaxed for this crate only.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_unit_tables;
mod m20261123_000002_create_plan_tables;
mod m20261123_000003_create_work_tables;
mod m20261123_000004_create_audit_tables;
mod m20261123_000005_assignment_lookup_indexes;
mod m20261202_000006_create_registered_operation;
mod m20261203_000007_create_calendar_day;
mod m20261203_000008_create_reporting_regime;
mod m20261203_000009_create_report_submission;
mod m20261203_000010_progress_update_details;
mod m20261203_000011_create_deadline_extension;
mod m20261203_000012_create_target_value;
mod m20261203_000013_create_provenance;
mod m20261203_000014_create_task_contribution;
mod m20261203_000015_create_submission_progress;
mod m20261203_000016_create_report_request;
mod m20261203_000017_create_award_catalogue;
mod m20261203_000018_create_people;
mod m20261203_000019_create_emulation_records;
mod m20261204_000020_create_nominations;
mod m20261204_000021_create_dossier;
mod m20261204_000022_nomination_list_index;
mod m20261205_000023_create_nomination_batches;
mod m20261206_000024_create_reference_codes;
mod m20261206_000025_plan_confidential;
mod m20261207_000026_search_trigram_indexes;
mod m20261208_000027_plan_number_length;
mod m20261209_000028_audit_object_order_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_unit_tables::Migration),
            Box::new(m20261123_000002_create_plan_tables::Migration),
            Box::new(m20261123_000003_create_work_tables::Migration),
            Box::new(m20261123_000004_create_audit_tables::Migration),
            Box::new(m20261123_000005_assignment_lookup_indexes::Migration),
            Box::new(m20261202_000006_create_registered_operation::Migration),
            Box::new(m20261203_000007_create_calendar_day::Migration),
            Box::new(m20261203_000008_create_reporting_regime::Migration),
            Box::new(m20261203_000009_create_report_submission::Migration),
            Box::new(m20261203_000010_progress_update_details::Migration),
            Box::new(m20261203_000011_create_deadline_extension::Migration),
            Box::new(m20261203_000012_create_target_value::Migration),
            Box::new(m20261203_000013_create_provenance::Migration),
            Box::new(m20261203_000014_create_task_contribution::Migration),
            Box::new(m20261203_000015_create_submission_progress::Migration),
            Box::new(m20261203_000016_create_report_request::Migration),
            Box::new(m20261203_000017_create_award_catalogue::Migration),
            Box::new(m20261203_000018_create_people::Migration),
            Box::new(m20261203_000019_create_emulation_records::Migration),
            Box::new(m20261204_000020_create_nominations::Migration),
            Box::new(m20261204_000021_create_dossier::Migration),
            Box::new(m20261204_000022_nomination_list_index::Migration),
            Box::new(m20261205_000023_create_nomination_batches::Migration),
            Box::new(m20261206_000024_create_reference_codes::Migration),
            Box::new(m20261206_000025_plan_confidential::Migration),
            Box::new(m20261207_000026_search_trigram_indexes::Migration),
            Box::new(m20261208_000027_plan_number_length::Migration),
            Box::new(m20261209_000028_audit_object_order_index::Migration),
        ]
    }
}

/// A foreign key from `table.column` to `target.id`.
pub(crate) fn fk(
    table: impl IntoIden + Clone + 'static,
    column: impl IntoIden + 'static,
    target: impl IntoIden + 'static,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(target, Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// A plain (non-unique) index named `idx_<table>_<suffix>`.
pub(crate) fn index(
    table: impl IntoIden + Clone + 'static,
    suffix: &str,
    columns: Vec<DynIden>,
) -> IndexCreateStatement {
    let name = format!("idx_{}_{suffix}", table.clone().into_iden());
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(column);
    }
    statement.to_owned()
}
