//! Whether a request's variables are plainly valid for a document that validated before (see
//! [`super::Schemas`]).
//!
//! async-graphql checks each argument with the request's variables put in it (its rule
//! `ArgumentsOfCorrectType`); that is the only part of its validation a document's variables
//! change. This check answers `true` only when every variable's value is valid for the type the
//! document declares for it, judged as that rule judges (the registry's scalar checks, enum
//! values, input objects' fields). Where it is unsure (a null, an unknown type, a value of the
//! wrong shape for an input object) it answers `false`, and the request runs through the full
//! validation as before: it may be stricter than async-graphql, never laxer.

use async_graphql::Variables;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{OutputType, SubscriptionType, Value as ConstValue};

/// The schema's types, for checking variables.
pub struct VariableCheck {
    registry: Registry,
}

/// The deepest value checked (lists in input objects in lists …); deeper ones go to the full
/// validation.
const MAX_NESTING: usize = 32;

impl VariableCheck {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        <super::query::Query as OutputType>::create_type_info(&mut registry);
        <super::mutation::Mutation as OutputType>::create_type_info(&mut registry);
        <super::Subscription as SubscriptionType>::create_type_info(&mut registry);
        Self { registry }
    }

    /// Whether every variable that `document` declares and `variables` gives is valid for its
    /// declared type (in every operation that declares it).
    pub fn vouches(&self, document: &ExecutableDocument, variables: &Variables) -> bool {
        document.operations.iter().all(|(_, operation)| {
            operation
                .node
                .variable_definitions
                .iter()
                .all(|definition| {
                    let definition = &definition.node;
                    match variables.get(&definition.name.node) {
                        // Not given: the rule does not check it either (its default, a constant of
                        // the document, was checked when the document validated).
                        None => true,
                        // A nullable variable without a default stands only where a null may
                        // (async-graphql's `VariableInAllowedPosition`); with a default it may stand
                        // for a non-null argument, where a null is invalid.
                        Some(ConstValue::Null) => {
                            definition.var_type.node.nullable && definition.default_value.is_none()
                        }
                        // The declared type written as the registry writes types (`[ID!]!`).
                        Some(value) => {
                            self.valid_type_name(&definition.var_type.node.to_string(), value, 0)
                        }
                    }
                })
        })
    }

    /// `value` (not null) against the named type `name`.
    fn valid_named(&self, name: &str, value: &ConstValue, depth: usize) -> bool {
        match self.registry.types.get(name) {
            Some(MetaType::Scalar { is_valid, .. }) => is_valid.as_ref().is_none_or(|f| f(value)),
            Some(MetaType::Enum { enum_values, .. }) => match value {
                ConstValue::Enum(v) => enum_values.contains_key(v.as_str()),
                ConstValue::String(v) => enum_values.contains_key(v.as_str()),
                _ => false,
            },
            Some(MetaType::InputObject {
                input_fields,
                oneof,
                ..
            }) => {
                let ConstValue::Object(fields) = value else {
                    return false;
                };
                if *oneof {
                    return false;
                }
                fields
                    .keys()
                    .all(|key| input_fields.contains_key(key.as_str()))
                    && input_fields
                        .values()
                        .all(|field| match fields.get(field.name.as_str()) {
                            Some(v) => self.valid_type_name(&field.ty, v, depth + 1),
                            None => {
                                !MetaTypeName::create(&field.ty).is_non_null()
                                    || field.default_value.is_some()
                            }
                        })
            }
            _ => false,
        }
    }

    /// `value` against a type written as the registry writes it (`[ID!]!`).
    fn valid_type_name(&self, ty: &str, value: &ConstValue, depth: usize) -> bool {
        if depth > MAX_NESTING {
            return false;
        }
        match MetaTypeName::create(ty) {
            MetaTypeName::NonNull(inner) => {
                !matches!(value, ConstValue::Null) && self.valid_type_name(inner, value, depth)
            }
            MetaTypeName::List(inner) => match value {
                ConstValue::Null => true,
                ConstValue::List(items) => items
                    .iter()
                    .all(|item| self.valid_type_name(inner, item, depth + 1)),
                single => self.valid_type_name(inner, single, depth + 1),
            },
            MetaTypeName::Named(name) => {
                matches!(value, ConstValue::Null) || self.valid_named(name, value, depth)
            }
        }
    }
}

impl Default for VariableCheck {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use serde_json::json;

    fn vouches(query: &str, variables: serde_json::Value) -> bool {
        let check = VariableCheck::new();
        let document = parse_query(query).expect("parses");
        check.vouches(&document, &Variables::from_json(variables))
    }

    #[test]
    fn plain_values_of_the_declared_types_are_vouched_for() {
        let q = "query($a: String, $f: Int!, $o: ID) { tasks(first: $f, after: $a) { totalCount } auditEvents(filter: { objectId: $o }) { totalCount } }";
        assert!(vouches(q, json!({ "a": "x", "f": 20, "o": "UGxhbjox" })));
        assert!(
            vouches(q, json!({ "f": 20 })),
            "absent variables are not checked"
        );
    }

    #[test]
    fn doubtful_or_wrong_values_go_to_the_full_validation() {
        let q = "query($a: String, $f: Int!) { tasks(first: $f, after: $a) { totalCount } }";
        assert!(!vouches(q, json!({ "f": "twenty" })), "a string for an Int");
        assert!(!vouches(q, json!({ "f": 1.5 })), "a float for an Int");
        assert!(
            !vouches(q, json!({ "f": 20, "a": 3 })),
            "a number for a String"
        );
        assert!(
            !vouches(q, json!({ "f": null })),
            "a null for a non-null one"
        );
        let with_default = "query($f: Int = 5) { tasks(first: $f) { totalCount } }";
        assert!(
            !vouches(with_default, json!({ "f": null })),
            "a null where a default was"
        );
        let filter = "query($s: [PlanStatus!]) { plans(filter: { status: $s }) { totalCount } }";
        assert!(vouches(filter, json!({ "s": ["ISSUED", "DRAFT"] })));
        assert!(
            vouches(filter, json!({ "s": "ISSUED" })),
            "one value for a list"
        );
        assert!(
            !vouches(filter, json!({ "s": ["BOGUS"] })),
            "an unknown enum value"
        );
        assert!(
            !vouches(filter, json!({ "s": [null] })),
            "a null item of a non-null list"
        );
        let object = "query($f: PlanFilter) { plans(filter: $f) { totalCount } }";
        assert!(vouches(object, json!({ "f": { "status": "ISSUED" } })));
        assert!(
            !vouches(object, json!({ "f": { "nope": 1 } })),
            "an unknown field"
        );
        assert!(!vouches(object, json!({ "f": "ISSUED" })), "not an object");
        assert!(
            !vouches("query($x: Nope) { __typename }", json!({ "x": 1 })),
            "an unknown type"
        );
    }
}
