//! SeaORM entities: one module per table, plus the stored enumerations.

pub mod assignment;
pub mod audit_event;
pub mod calendar_day;
pub mod deadline_extension;
pub mod enums;
pub mod idempotency_key;
pub mod plan;
pub mod plan_area;
pub mod plan_reference;
pub mod prelude;
pub mod progress_update;
pub mod provenance;
pub mod registered_operation;
pub mod report_submission;
pub mod reporting_deadline;
pub mod reporting_regime;
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
