//! The shape of the schema that the cost analysis needs, read once from the schema's own SDL:
//! for each field, the type it returns, whether that is a list, and whether it pages
//! (`first`/`last`). New fields are covered without touching this file.

use crate::domain::kernel::maps::FastMap;

use async_graphql::parser::types::{BaseType, TypeKind, TypeSystemDefinition};

/// A field as the cost analysis sees it.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    /// The named type it returns (list wrappers removed).
    pub type_name: String,
    /// It returns a list.
    pub list: bool,
    /// It takes `first`/`last`: a connection sized by its page.
    pub paged: bool,
}

#[derive(Debug, Clone, Default)]
struct TypeInfo {
    composite: bool,
    fields: FastMap<String, FieldInfo>,
}

/// Types and fields of the schema.
#[derive(Debug, Clone, Default)]
pub struct SchemaInfo {
    types: FastMap<String, TypeInfo>,
    query: String,
    mutation: String,
    subscription: String,
}

impl SchemaInfo {
    /// Reads the SDL of the schema (`Schema::sdl()`).
    pub fn from_sdl(sdl: &str) -> anyhow::Result<Self> {
        let document = async_graphql::parser::parse_schema(sdl)?;
        let mut info = SchemaInfo {
            query: "Query".into(),
            mutation: "Mutation".into(),
            subscription: "Subscription".into(),
            ..Self::default()
        };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                if let TypeSystemDefinition::Schema(schema) = definition {
                    if let Some(query) = &schema.node.query {
                        info.query = query.node.to_string();
                    }
                    if let Some(mutation) = &schema.node.mutation {
                        info.mutation = mutation.node.to_string();
                    }
                    if let Some(subscription) = &schema.node.subscription {
                        info.subscription = subscription.node.to_string();
                    }
                }
                continue;
            };
            let ty = ty.node;
            let (composite, fields) = match ty.kind {
                TypeKind::Object(object) => (true, object.fields),
                TypeKind::Interface(interface) => (true, interface.fields),
                TypeKind::Union(_) => (true, Vec::new()),
                _ => (false, Vec::new()),
            };
            let fields = fields
                .into_iter()
                .map(|field| {
                    let field = field.node;
                    let mut base = &field.ty.node.base;
                    let mut list = false;
                    while let BaseType::List(inner) = base {
                        list = true;
                        base = &inner.base;
                    }
                    let type_name = match base {
                        BaseType::Named(name) => name.to_string(),
                        BaseType::List(_) => String::new(),
                    };
                    let paged = field
                        .arguments
                        .iter()
                        .any(|a| a.node.name.node == "first" || a.node.name.node == "last");
                    (
                        field.name.node.to_string(),
                        FieldInfo {
                            type_name,
                            list,
                            paged,
                        },
                    )
                })
                .collect();
            info.types
                .insert(ty.name.node.to_string(), TypeInfo { composite, fields });
        }
        Ok(info)
    }

    /// The root type of queries.
    pub fn query_type(&self) -> &str {
        &self.query
    }

    /// The root type of mutations.
    pub fn mutation_type(&self) -> &str {
        &self.mutation
    }

    /// The subscription root's name.
    pub fn subscription_type(&self) -> &str {
        &self.subscription
    }

    /// A field of a type, when both exist.
    pub fn field(&self, type_name: &str, field: &str) -> Option<&FieldInfo> {
        self.types.get(type_name)?.fields.get(field)
    }

    /// The names of a type's fields (none when there is no such type).
    pub fn field_names(&self, type_name: &str) -> Vec<&str> {
        self.types
            .get(type_name)
            .map(|t| t.fields.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Whether values of the type have fields of their own (objects, interfaces, unions).
    pub fn is_composite(&self, type_name: &str) -> bool {
        self.types.get(type_name).is_some_and(|t| t.composite)
    }
}
