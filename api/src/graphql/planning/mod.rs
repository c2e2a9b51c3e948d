//! GraphQL of planning: plans, tasks, targets, assignments, progress.

pub mod mutation;
pub mod plan;
pub mod prefetch;
pub mod query;
pub mod target;
pub mod task;
pub mod work_mutation;

use crate::graphql::loading::columns::Registry;

/// Every column registry: planning's types and units.
pub fn registries() -> [&'static dyn Registry; 4] {
    [
        &task::COLUMNS,
        &task::PROGRESS_COLUMNS,
        &plan::COLUMNS,
        &crate::graphql::org::unit::COLUMNS,
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::graphql::limits::SchemaInfo;

    #[test]
    fn every_field_is_registered() {
        let schema = SchemaInfo::from_sdl(&crate::graphql::sdl()).unwrap_or_else(|e| panic!("{e}"));
        for registry in super::registries() {
            let name = registry.type_name();
            let listed: Vec<&str> = registry.field_names();
            let registered: BTreeSet<&str> = listed.iter().copied().collect();
            assert_eq!(
                registered.len(),
                listed.len(),
                "{name}: a field listed twice"
            );
            let fields: BTreeSet<&str> = schema.field_names(name).into_iter().collect();
            assert!(!fields.is_empty(), "no type {name} in the schema");
            assert_eq!(
                registered.symmetric_difference(&fields).collect::<Vec<_>>(),
                Vec::<&&str>::new(),
                "{name}: each field of the type needs its entry (its columns, or none), and \
                 each entry its field"
            );
        }
    }
}
