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
//! A field with a selection of its own that only reads what the list's prefetch already put in
//! the request's loader (a task's assignments and their units, its newest update, a plan's
//! issuer) is answered in place the same way when everything it selects is
//! ([`PlainFields::cached_field`]), and so is a list whose items all are ([`PlainList`]): a page
//! of 50 tasks with their assignments, units and updates is then one walk instead of about 750
//! futures. What is not cached is left to the resolver, which loads it.
//!
//! A selection it does not walk the way async-graphql does (a fragment, a directive, a response
//! key given twice, whose objects async-graphql would merge) goes to async-graphql whole. The
//! server registers no async-graphql extension: their per-field hooks would be skipped for the
//! plain fields.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_list};
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};

use crate::graphql::common::value_map::ValueMap;

/// An object's plain fields: each a function of the object alone, with no argument, that
/// cannot fail, written as its GraphQL method writes it (async-graphql's `#[Object]` turns the
/// methods into resolvers that cannot be called outside it). `tests/api/plain_fields.rs`
/// answers every field an implementation names both ways and compares.
pub trait PlainFields {
    /// The value of the field named `name`, when it is plain (by default no field is).
    fn plain_field(&self, _name: &str) -> Option<Value> {
        None
    }

    /// The value of `field`, a field with a selection of its own (a row's unit, its
    /// assignments, its newest update, a unit's page of children), when the request's loader
    /// already holds what it reads (the list's prefetch put it there) and every field it
    /// selects is answered in place: see [`nested`]. A field with arguments reads them itself,
    /// as its resolver would (a bad one: `None`, and the resolver reports it): a field that
    /// gains an argument must read it here too, or no longer be answered here. `None` leaves
    /// the field to async-graphql, whose resolver loads it; by default every such field is
    /// left. `ctx` is the selection `field` is in.
    fn cached_field(
        &self,
        _ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> Option<Value> {
        None
    }
}

impl<T: PlainFields + ?Sized> PlainFields for &T {
    fn plain_field(&self, name: &str) -> Option<Value> {
        T::plain_field(self, name)
    }

    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        T::cached_field(self, ctx, field)
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
        let mut map = ValueMap::with_capacity(slots.len());
        for slot in slots {
            let (key, value) = match slot {
                Slot::Ready(key, value) => (key, value),
                Slot::Other(field) => (
                    field.node.response_key().node.clone(),
                    others.next().unwrap_or_default(),
                ),
            };
            // `plan` refused a key given twice.
            map.insert_new(key, value);
        }
        Ok(map.into_value())
    }
}

/// A list of objects of `T`, each answered in place when every field its selection asks is
/// answered in place (a page's `nodes { code title status }`, a task's assignments with their
/// units): async-graphql would resolve each item through a future of its own, then each field
/// through another. The selection is the same for every item, so when the first cannot be
/// answered in place the list is resolved as async-graphql resolves a list of [`Plain`] items;
/// a later item that cannot (a value its fields read is not cached) is resolved that way alone.
pub struct PlainList<T>(pub Vec<T>);

impl<T: OutputType + ContainerType + PlainFields> OutputType for PlainList<T> {
    fn type_name() -> Cow<'static, str> {
        <Vec<T> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<T> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<T> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let Some(first) = self.0.first().map(|item| answer(ctx, item)) else {
            return Ok(Value::List(Vec::new()));
        };
        let Some(first) = first else {
            let items = self.0.iter().map(Plain);
            return resolve_list(ctx, field, items, Some(self.0.len())).await;
        };
        let mut values = Vec::with_capacity(self.0.len());
        values.push(first);
        let mut missed = Vec::new();
        for (index, item) in self.0.iter().enumerate().skip(1) {
            values.push(answer(ctx, item).unwrap_or_else(|| {
                missed.push(index);
                Value::Null
            }));
        }
        if !missed.is_empty() {
            let resolving = missed.iter().map(|&index| {
                let ctx_index = ctx.with_index(index);
                let item = Plain(&self.0[index]);
                async move {
                    item.resolve(&ctx_index, field)
                        .await
                        .map_err(|err| ctx_index.set_error_path(err))
                }
            });
            let resolved = futures_util::future::try_join_all(resolving).await?;
            for (index, value) in missed.into_iter().zip(resolved) {
                values[index] = value;
            }
        }
        Ok(Value::List(values))
    }
}

/// `object`'s value under `ctx`'s selection when every field it selects is answered in place
/// (what async-graphql's container would answer, without its futures); `None` otherwise.
fn answer<T: OutputType + PlainFields>(ctx: &ContextSelectionSet<'_>, object: &T) -> Option<Value> {
    answer_with(ctx, |field| in_place(ctx, object, field))
}

/// The value of the selection in `ctx` when `value_of` answers each of its fields (`None` for a
/// field it leaves to async-graphql), walked as async-graphql walks it; `None` otherwise.
pub fn answer_with(
    ctx: &ContextSelectionSet<'_>,
    mut value_of: impl FnMut(&Positioned<Field>) -> Option<Value>,
) -> Option<Value> {
    // What `plan` checks, in one pass: the first field that is not answered in place, a
    // fragment, a directive or a key given twice ends it.
    let items = &ctx.item.node.items;
    let mut map = ValueMap::with_capacity(items.len());
    for selection in items {
        let Selection::Field(field) = &selection.node else {
            return None;
        };
        if !field.node.directives.is_empty() {
            return None;
        }
        let value = value_of(field)?;
        if !map.insert_new(field.node.response_key().node.clone(), value) {
            return None;
        }
    }
    Some(map.into_value())
}

/// The value of `field` (of the object `ctx` selects from) when it is `object` and every field
/// `field` selects of it is answered in place: for [`PlainFields::cached_field`].
pub fn nested<T: OutputType + PlainFields>(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    object: &T,
) -> Option<Value> {
    let field_ctx = ctx.with_field(field);
    answer(
        &field_ctx.with_selection_set(&field.node.selection_set),
        object,
    )
}

/// [`nested`] for a nullable object: null when there is none.
pub fn nested_maybe<T: OutputType + PlainFields>(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    object: Option<&T>,
) -> Option<Value> {
    object.map_or(Some(Value::Null), |object| nested(ctx, field, object))
}

/// The value of `field` when it is the list `items` and every item is answered in place.
pub fn nested_list<T: OutputType + PlainFields>(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    items: &[T],
) -> Option<Value> {
    let field_ctx = ctx.with_field(field);
    let item_ctx = field_ctx.with_selection_set(&field.node.selection_set);
    let values = items
        .iter()
        .map(|item| answer(&item_ctx, item))
        .collect::<Option<Vec<_>>>()?;
    Some(Value::List(values))
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
        slots.push(match in_place(ctx, object, field) {
            Some(value) => Slot::Ready(key.clone(), value),
            None => Slot::Other(field),
        });
    }
    Some(slots)
}

/// The value of `field` of `object` when it is answered in place: plain, `__typename`, or
/// cached ([`PlainFields::cached_field`], the only way for a field with arguments).
fn in_place<T: OutputType + PlainFields>(
    ctx: &ContextSelectionSet<'_>,
    object: &T,
    field: &Positioned<Field>,
) -> Option<Value> {
    let node = &field.node;
    let name = node.name.node.as_str();
    if !node.arguments.is_empty() {
        object.cached_field(ctx, field)
    } else if name == "__typename" {
        Some(Value::String(object.introspection_type_name().into_owned()))
    } else {
        object
            .plain_field(name)
            .or_else(|| object.cached_field(ctx, field))
    }
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

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    use super::*;

    /// A number; its `other` (the number plus 100) is cached for even numbers only, and fails
    /// for 13 when left to its resolver.
    struct Item(u32);

    #[Object]
    impl Item {
        async fn n(&self) -> u32 {
            self.0
        }
        async fn label(&self) -> String {
            format!("số {}", self.0)
        }
        async fn other(&self) -> async_graphql::Result<Option<Item>> {
            if self.0 == 13 {
                return Err("thirteen".into());
            }
            Ok(Some(Item(self.0 + 100)))
        }
    }

    impl PlainFields for Item {
        fn plain_field(&self, name: &str) -> Option<Value> {
            match name {
                "n" => Some(value(self.0)),
                "label" => Some(text(&format!("số {}", self.0))),
                _ => None,
            }
        }

        fn cached_field(
            &self,
            ctx: &ContextSelectionSet<'_>,
            field: &Positioned<Field>,
        ) -> Option<Value> {
            match field.node.name.node.as_str() {
                "other" if self.0.is_multiple_of(2) => nested(ctx, field, &Item(self.0 + 100)),
                _ => None,
            }
        }
    }

    struct Query;

    #[Object]
    impl Query {
        /// Answered in place where it can be.
        async fn items(&self, from: u32, to: u32) -> PlainList<Item> {
            PlainList((from..to).map(Item).collect())
        }
        /// Answered by async-graphql alone.
        async fn whole(&self, from: u32, to: u32) -> Vec<Item> {
            (from..to).map(Item).collect()
        }
    }

    async fn both(selection: &str, from: u32, to: u32) -> (serde_json::Value, serde_json::Value) {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let mut answers = Vec::new();
        for field in ["items", "whole"] {
            let query = format!("{{ list: {field}(from: {from}, to: {to}) {selection} }}");
            let response = schema.execute(query.as_str()).await;
            answers.push(serde_json::to_value(&response).expect("JSON"));
        }
        let whole = answers.pop().expect("two");
        (answers.pop().expect("two"), whole)
    }

    #[tokio::test]
    async fn a_list_answers_as_async_graphql_does_in_place_or_not() {
        let selection = "{ n label other { label n other { n } } }";
        // Every item in place; the first in place and the odd ones left to their resolver; the
        // first left (the whole list resolved by async-graphql); the empty list.
        for (from, to) in [(0, 1), (0, 7), (1, 7), (0, 0)] {
            let (in_place, whole) = both(selection, from, to).await;
            assert_eq!(in_place, whole, "{from}..{to}");
            assert_eq!(
                in_place["data"]["list"].as_array().map(Vec::len),
                Some((to - from) as usize)
            );
        }
        // A field left to its resolver that fails (13's `other`) fails the list as it fails
        // async-graphql's, with the same error at the same item's path.
        let (in_place, whole) = both(selection, 10, 16).await;
        assert_eq!(in_place, whole);
        assert_eq!(in_place["errors"][0]["message"], "thirteen", "{in_place}");
        assert_eq!(
            in_place["errors"][0]["path"],
            serde_json::json!(["list", 3])
        );
        let (in_place, whole) = both(selection, 14, 18).await;
        assert_eq!(in_place, whole);
        assert_eq!(in_place["data"]["list"][0]["other"]["other"]["n"], 214);
        // Aliases, a repeated key and a fragment take the paths that keep the same answer.
        for selection in [
            "{ a: n b: label c: other { d: n } }",
            "{ n n other { n } }",
            "{ ... on Item { n } other { n } }",
            "{ __typename other { __typename n } }",
        ] {
            let (in_place, whole) = both(selection, 0, 5).await;
            assert_eq!(in_place, whole, "{selection}");
        }
    }
}
