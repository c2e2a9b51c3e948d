//! Plain fields answered in place.
//!
//! async-graphql resolves every selected field of an object through a boxed future of its own,
//! with a context, a path node and a hashed map insertion: about 2 000 instructions for a task's
//! `title` (callgrind of Q11, twentieth session), more than its column took to decode. Most
//! fields of a listed row are *plain*: a function of the row alone, with no argument, no context
//! and no error (`code`, `title`, `status`). [`Plain`] answers those in place and leaves every
//! other field to async-graphql, joined as it joins them; the response is the same value in the
//! same order (`plain_fields_answer_as_async_graphql_does` compares both paths field by field).
//!
//! A selection it does not walk the way async-graphql does (a fragment, a directive, a response
//! key given twice, whose objects async-graphql would merge) goes to async-graphql whole. The
//! server registers no async-graphql extension: their per-field hooks would be skipped for the
//! plain fields.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};

/// An object's plain fields: each a function of the object alone, with no argument, that
/// cannot fail, written as its GraphQL method writes it (async-graphql's `#[Object]` turns the
/// methods into resolvers that cannot be called outside it). `tests/api/plain_fields.rs`
/// answers every field an implementation names both ways and compares.
pub trait PlainFields {
    /// The value of the field named `name`, when it is plain (by default no field is).
    fn plain_field(&self, _name: &str) -> Option<Value> {
        None
    }
}

impl<T: PlainFields + ?Sized> PlainFields for &T {
    fn plain_field(&self, name: &str) -> Option<Value> {
        T::plain_field(self, name)
    }
}

/// `T` in the schema (the same type, by name), its plain fields answered in place.
pub struct Plain<T>(pub T);

impl<T: OutputType + ContainerType + PlainFields> OutputType for Plain<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let Some(slots) = plan(ctx, &self.0) else {
            return self.0.resolve(ctx, field).await;
        };
        // The other fields, as async-graphql's container resolves them: all at once, the first
        // error failing the object. Boxed as there: an object's field may be of its own type
        // (`Unit.parent`), whose future would otherwise contain itself.
        let object = &self.0;
        let others = slots.iter().filter_map(|slot| match slot {
            Slot::Other(field) => Some(Box::pin(async move {
                let ctx_field = ctx.with_field(field);
                Ok::<_, async_graphql::ServerError>(
                    object.resolve_field(&ctx_field).await?.unwrap_or_default(),
                )
            }) as OtherField<'_>),
            Slot::Ready(..) => None,
        });
        let mut others = futures_util::future::try_join_all(others)
            .await?
            .into_iter();
        let mut map = IndexMap::with_capacity(slots.len());
        for slot in slots {
            let (key, value) = match slot {
                Slot::Ready(key, value) => (key, value),
                Slot::Other(field) => (
                    field.node.response_key().node.clone(),
                    others.next().unwrap_or_default(),
                ),
            };
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// A field left to async-graphql, being resolved.
type OtherField<'a> = Pin<Box<dyn Future<Output = ServerResult<Value>> + Send + 'a>>;

/// One selected field: its value already, or left to async-graphql.
enum Slot<'a> {
    Ready(Name, Value),
    Other(&'a Positioned<Field>),
}

/// The selection's fields in order, the plain ones answered; `None` when the selection is not
/// one this walks as async-graphql does.
fn plan<'a, T: OutputType + PlainFields>(
    ctx: &ContextSelectionSet<'a>,
    object: &T,
) -> Option<Vec<Slot<'a>>> {
    let items = &ctx.item.node.items;
    // Checked before any value is computed: a fragment or a directive anywhere sends the
    // object to async-graphql whole.
    let walkable = items.iter().all(|selection| {
        matches!(&selection.node, Selection::Field(field) if field.node.directives.is_empty())
    });
    if !walkable {
        return None;
    }
    let mut slots: Vec<Slot<'a>> = Vec::with_capacity(items.len());
    for selection in items {
        let Selection::Field(field) = &selection.node else {
            return None;
        };
        let node = &field.node;
        let key = &node.response_key().node;
        let repeated = slots.iter().any(|slot| match slot {
            Slot::Ready(other, _) => other == key,
            Slot::Other(other) => other.node.response_key().node == *key,
        });
        if repeated {
            return None;
        }
        let name = node.name.node.as_str();
        let value = if !node.arguments.is_empty() {
            None
        } else if name == "__typename" {
            Some(Value::String(object.introspection_type_name().into_owned()))
        } else {
            object.plain_field(name)
        };
        slots.push(match value {
            Some(value) => Slot::Ready(key.clone(), value),
            None => Slot::Other(field),
        });
    }
    Some(slots)
}

/// A plain field's value, as async-graphql writes a value of its type.
pub fn value<T: async_graphql::InputType>(value: T) -> Value {
    value.to_value()
}

/// A plain text field's value (copied once, where `value` of a `String` would copy twice).
pub fn text(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// A plain nullable text field's value.
pub fn maybe_text(text: Option<&str>) -> Value {
    text.map_or(Value::Null, self::text)
}

/// A plain `JSON` field's value (null when absent), as async-graphql's `Json` writes it.
pub fn json<T: serde::Serialize>(json: Option<&T>) -> Value {
    json.map_or(Value::Null, |json| {
        async_graphql::to_value(json).unwrap_or_default()
    })
}
