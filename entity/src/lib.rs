//! SeaORM entities: one module per table, plus the stored enumerations.

/// Declares a table's entity, `Entity`, named by a `'static` identifier.
///
/// `DeriveEntityModel` declares the entity itself without passing the table's name to
/// `DeriveEntity`, and SeaORM 2.0 then writes the name through a new `String`, one character at
/// a time, wherever a statement names the table: some 140 times in a `planProgress` request,
/// 8 % of its server instructions. Declared here, the name is a borrowed `&'static str`
/// (`tests::every_table_is_named_without_copying` holds every entity to it).
macro_rules! table {
    ($name:tt) => {
        /// The table's entity.
        #[derive(Copy, Clone, Default, Debug, sea_orm::prelude::DeriveEntity)]
        #[sea_orm(table_name = $name)]
        pub struct Entity;
    };
}
pub(crate) use table;

pub mod assignment;
pub mod audit_event;
pub mod award_decision;
pub mod award_record;
pub mod award_type;
pub mod base_salary;
pub mod calendar_day;
pub mod council_ballot;
pub mod deadline_extension;
pub mod discipline;
pub mod dossier_item;
pub mod duty_rating;
pub mod employment;
pub mod emulation_movement;
pub mod emulation_registration;
pub mod emulation_round;
pub mod enums;
pub mod idempotency_key;
pub mod initiative;
pub mod initiative_author;
pub mod nomination;
pub mod nomination_batch;
pub mod nomination_batch_item;
pub mod nomination_event;
pub mod person;
pub mod plan;
pub mod plan_area;
pub mod plan_reference;
pub mod prelude;
pub mod progress_update;
pub mod provenance;
pub mod reference_code;
pub mod registered_operation;
pub mod report_request;
pub mod report_submission;
pub mod reporting_deadline;
pub mod reporting_regime;
pub mod stored_file;
pub mod submission_progress;
pub mod target;
pub mod target_breakdown_group;
pub mod target_breakdown_row;
pub mod target_value;
pub mod task;
pub mod task_contribution;
pub mod unit;
pub mod unit_group;
pub mod unit_group_member;
pub mod unit_succession;

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{Iden, IdenStatic};
    use std::borrow::Cow;

    /// Every table's name is written from a `&'static str`, never through a new `String`
    /// (see [`table!`]); a new entity declared by `DeriveEntityModel` alone fails here.
    #[test]
    fn every_table_is_named_without_copying() {
        let names = [
            assignment::Entity.quoted(),
            audit_event::Entity.quoted(),
            award_decision::Entity.quoted(),
            award_record::Entity.quoted(),
            award_type::Entity.quoted(),
            base_salary::Entity.quoted(),
            calendar_day::Entity.quoted(),
            council_ballot::Entity.quoted(),
            deadline_extension::Entity.quoted(),
            discipline::Entity.quoted(),
            dossier_item::Entity.quoted(),
            duty_rating::Entity.quoted(),
            employment::Entity.quoted(),
            emulation_movement::Entity.quoted(),
            emulation_registration::Entity.quoted(),
            emulation_round::Entity.quoted(),
            idempotency_key::Entity.quoted(),
            initiative::Entity.quoted(),
            initiative_author::Entity.quoted(),
            nomination::Entity.quoted(),
            nomination_batch::Entity.quoted(),
            nomination_batch_item::Entity.quoted(),
            nomination_event::Entity.quoted(),
            person::Entity.quoted(),
            plan::Entity.quoted(),
            plan_area::Entity.quoted(),
            plan_reference::Entity.quoted(),
            progress_update::Entity.quoted(),
            provenance::Entity.quoted(),
            reference_code::Entity.quoted(),
            registered_operation::Entity.quoted(),
            report_request::Entity.quoted(),
            report_submission::Entity.quoted(),
            reporting_deadline::Entity.quoted(),
            reporting_regime::Entity.quoted(),
            stored_file::Entity.quoted(),
            submission_progress::Entity.quoted(),
            target::Entity.quoted(),
            target_breakdown_group::Entity.quoted(),
            target_breakdown_row::Entity.quoted(),
            target_value::Entity.quoted(),
            task::Entity.quoted(),
            task_contribution::Entity.quoted(),
            unit::Entity.quoted(),
            unit_group::Entity.quoted(),
            unit_group_member::Entity.quoted(),
            unit_succession::Entity.quoted(),
        ];
        assert_eq!(names.len(), 47);
        for name in names {
            assert!(matches!(name, Cow::Borrowed(_)), "{name} is copied");
        }
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for file in std::fs::read_dir(source).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if text.contains("DeriveEntityModel,") {
                assert!(
                    text.contains("crate::table!("),
                    "{} declares its entity without `table!`",
                    path.display()
                );
            }
        }
        assert_eq!(task::Entity.as_str(), "task");
    }
}
