//! The document after fragment expansion, measured without expanding it.
//!
//! **Cost** is the worst-case number of objects a response can hold: each object field costs 1
//! plus what its selection costs; a list multiplies by its length — a connection by its page
//! size (`first`/`last`, 20 when absent), `nodes(ids:)` by the ids given, other lists by
//! [`Limits::list_estimate`]; a connection itself costs 1 (its statement) and its `nodes` /
//! `edges` carry the multiplier. Scalars cost nothing; each mutation field adds
//! [`MUTATION_COST`]. Introspection is served from memory and costs nothing, but may expand a
//! type's fields only once per path (the circular-introspection attack nests them).

use crate::domain::kernel::maps::FastMap;

use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationType, Selection, SelectionSet,
};
use async_graphql::{Positioned, Variables};
use async_graphql_value::{ConstValue, Name, Value};

use super::schema_info::SchemaInfo;
use super::{LimitError, Limits};
use crate::domain::kernel::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// What one mutation field costs on top of its payload.
pub const MUTATION_COST: u64 = 10;

/// The measures of the operation that will run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Analysis {
    pub operation: Option<OperationType>,
    pub fields: u64,
    pub aliases: u64,
    pub cost: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    fields: u64,
    aliases: u64,
    cost: u64,
}

impl Totals {
    fn add(&mut self, other: Totals) {
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.cost = self.cost.saturating_add(other.cost);
    }
}

/// Where a selection sits: the page size of the connection it belongs to, and, inside
/// introspection, how many type expansions enclose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Context {
    items: u64,
    introspection: Option<u8>,
}

const PLAIN: Context = Context {
    items: 1,
    introspection: None,
};

/// Checks the document and the variables against `limits` and measures the operation that
/// `operation_name` selects.
pub fn analyse(
    document: &ExecutableDocument,
    variables: &Variables,
    operation_name: Option<&str>,
    info: &SchemaInfo,
    limits: &Limits,
) -> Result<Analysis, LimitError> {
    let mut walk = Walk {
        document,
        info,
        limits,
        variables,
        defaults: FastMap::default(),
        memo: FastMap::default(),
        stack: Vec::new(),
    };
    for (name, value) in variables.iter() {
        walk.check_const(value, name.as_str())?;
    }
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                walk.check_const(&default.node, definition.node.name.node.as_str())?;
                walk.defaults
                    .entry(definition.node.name.node.clone())
                    .or_insert_with(|| default.node.clone());
            }
        }
    }
    // Every fragment, used or not: async-graphql's validation walks them all.
    for name in document.fragments.keys() {
        let totals = walk.fragment(name, PLAIN)?;
        walk.check_totals(&totals)?;
    }
    let mut chosen = None;
    for (name, operation) in document.operations.iter() {
        let operation = &operation.node;
        walk.check_directives(operation.directives.len())?;
        let (root, base) = match operation.ty {
            OperationType::Mutation => (info.mutation_type(), MUTATION_COST),
            OperationType::Subscription => (info.subscription_type(), 0),
            OperationType::Query => (info.query_type(), 0),
        };
        let mut totals = Totals::default();
        for selection in &operation.selection_set.node.items {
            let part = walk.selection(root, selection, PLAIN)?;
            totals.add(part);
            if matches!(selection.node, Selection::Field(_)) {
                totals.cost = totals.cost.saturating_add(base);
            }
        }
        walk.check_totals(&totals)?;
        let selected = match operation_name {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        };
        if selected {
            let analysis = Analysis {
                operation: Some(operation.ty),
                fields: totals.fields,
                aliases: totals.aliases,
                cost: totals.cost,
            };
            chosen = Some(match chosen {
                Some(other @ Analysis { cost, .. }) if cost >= analysis.cost => other,
                _ => analysis,
            });
        }
    }
    let analysis = chosen.unwrap_or_default();
    if analysis.cost > limits.max_cost {
        return Err(LimitError {
            code: "MAX_COST_EXCEEDED",
            limit: "maxCost",
            max: limits.max_cost,
            actual: analysis.cost,
            message: format!(
                "the query may return up to {} objects; at most {} are allowed per request (maxCost): ask for smaller pages or fewer nested lists",
                analysis.cost, limits.max_cost
            ),
        });
    }
    Ok(analysis)
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    info: &'a SchemaInfo,
    limits: &'a Limits,
    variables: &'a Variables,
    defaults: FastMap<Name, ConstValue>,
    memo: FastMap<(&'a str, Context), Totals>,
    stack: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    fn check_totals(&self, totals: &Totals) -> Result<(), LimitError> {
        if totals.fields > self.limits.max_fields {
            return Err(LimitError::document(
                "maxFields",
                self.limits.max_fields,
                totals.fields,
                &format!(
                    "the query selects {} fields once its fragments are expanded",
                    totals.fields
                ),
            ));
        }
        if totals.aliases > self.limits.max_aliases {
            return Err(LimitError::document(
                "maxAliases",
                self.limits.max_aliases,
                totals.aliases,
                &format!("the query uses {} aliases", totals.aliases),
            ));
        }
        Ok(())
    }

    fn check_directives(&self, count: usize) -> Result<(), LimitError> {
        if count > self.limits.max_directives {
            return Err(LimitError::document(
                "maxDirectives",
                self.limits.max_directives as u64,
                count as u64,
                &format!("{count} directives on one field, fragment or operation"),
            ));
        }
        Ok(())
    }

    fn check_text(&self, text: &str, at: &str) -> Result<(), LimitError> {
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && (*c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(LimitError::input(
                "controlCharacters",
                0,
                1,
                format!(
                    "`{at}` contains the control character U+{:04X}; text may hold tab and line breaks but no other control characters",
                    c as u32
                ),
            ));
        }
        Ok(())
    }

    fn check_length(&self, length: usize, at: &str) -> Result<(), LimitError> {
        if length > self.limits.max_list_items {
            return Err(LimitError::input(
                "maxListItems",
                self.limits.max_list_items as u64,
                length as u64,
                format!(
                    "`{at}` lists {length} items; at most {} are allowed (maxListItems)",
                    self.limits.max_list_items
                ),
            ));
        }
        Ok(())
    }

    fn check_const(&self, value: &ConstValue, at: &str) -> Result<(), LimitError> {
        match value {
            ConstValue::String(text) => self.check_text(text, at),
            ConstValue::List(items) => {
                self.check_length(items.len(), at)?;
                items.iter().try_for_each(|v| self.check_const(v, at))
            }
            ConstValue::Object(fields) => fields.iter().try_for_each(|(key, v)| {
                self.check_text(key, at)?;
                self.check_const(v, key)
            }),
            _ => Ok(()),
        }
    }

    fn check_value(&self, value: &Value, at: &str) -> Result<(), LimitError> {
        match value {
            Value::String(text) => self.check_text(text, at),
            Value::List(items) => {
                self.check_length(items.len(), at)?;
                items.iter().try_for_each(|v| self.check_value(v, at))
            }
            Value::Object(fields) => fields
                .iter()
                .try_for_each(|(key, v)| self.check_value(v, key)),
            // Variables were checked once, with the request.
            _ => Ok(()),
        }
    }

    /// An argument's value with variables substituted.
    fn argument(&self, field: &Field, name: &str) -> Option<ConstValue> {
        let value = &field.get_argument(name)?.node;
        match value {
            Value::Variable(variable) => self
                .variables
                .get(variable)
                .or_else(|| self.defaults.get(variable))
                .cloned(),
            other => other.clone().into_const(),
        }
    }

    fn page_size(&self, field: &Field) -> u64 {
        let size = |name| match self.argument(field, name) {
            Some(ConstValue::Number(n)) => Some(n.as_u64().unwrap_or(0).min(MAX_PAGE_SIZE)),
            _ => None,
        };
        match (size("first"), size("last")) {
            (None, None) => DEFAULT_PAGE_SIZE,
            (a, b) => a.unwrap_or(0).max(b.unwrap_or(0)),
        }
    }

    fn selection_set(
        &mut self,
        type_name: &str,
        set: &'a Positioned<SelectionSet>,
        context: Context,
    ) -> Result<Totals, LimitError> {
        let mut totals = Totals::default();
        for selection in &set.node.items {
            totals.add(self.selection(type_name, selection, context)?);
        }
        Ok(totals)
    }

    fn selection(
        &mut self,
        type_name: &str,
        selection: &'a Positioned<Selection>,
        context: Context,
    ) -> Result<Totals, LimitError> {
        self.check_directives(selection.node.directives().len())?;
        match &selection.node {
            Selection::Field(field) => self.field(type_name, &field.node, context),
            Selection::InlineFragment(fragment) => {
                let on = fragment
                    .node
                    .type_condition
                    .as_ref()
                    .map_or(type_name, |c| c.node.on.node.as_str());
                // Copied so that the borrow of `type_name` ends here.
                let on = on.to_owned();
                self.selection_set(&on, &fragment.node.selection_set, context)
            }
            Selection::FragmentSpread(spread) => {
                self.fragment(&spread.node.fragment_name.node, context)
            }
        }
    }

    fn fragment(&mut self, name: &'a Name, context: Context) -> Result<Totals, LimitError> {
        if let Some(totals) = self.memo.get(&(name.as_str(), context)) {
            return Ok(*totals);
        }
        if self.stack.contains(&name.as_str()) {
            return Err(LimitError::document(
                "fragmentCycles",
                0,
                1,
                &format!("fragment `{name}` spreads itself"),
            ));
        }
        if self.stack.len() >= self.limits.max_nesting {
            return Err(LimitError::document(
                "maxNesting",
                self.limits.max_nesting as u64,
                self.stack.len() as u64 + 1,
                "fragments spread inside each other too deeply",
            ));
        }
        let Some(definition) = self.document.fragments.get(name) else {
            // An unknown fragment: validation reports it.
            return Ok(Totals::default());
        };
        self.check_directives(definition.node.directives.len())?;
        self.stack.push(name.as_str());
        let on = definition.node.type_condition.node.on.node.as_str();
        let totals = self.selection_set(on, &definition.node.selection_set, context);
        self.stack.pop();
        let totals = totals?;
        self.memo.insert((name.as_str(), context), totals);
        Ok(totals)
    }

    fn field(
        &mut self,
        type_name: &str,
        field: &'a Field,
        context: Context,
    ) -> Result<Totals, LimitError> {
        for (name, value) in &field.arguments {
            self.check_value(&value.node, name.node.as_str())?;
        }
        let name = field.name.node.as_str();
        let mut totals = Totals {
            fields: 1,
            aliases: u64::from(field.alias.is_some()),
            cost: 0,
        };
        if name == "__typename" {
            return Ok(totals);
        }
        let introspection = match (name, context.introspection) {
            ("__schema" | "__type", _) => Some(0),
            (
                "fields" | "inputFields" | "interfaces" | "possibleTypes" | "enumValues",
                Some(level),
            ) => Some(level + 1),
            (_, level) => level,
        };
        if let Some(level) = introspection {
            if level > 1 {
                return Err(LimitError::document(
                    "introspectionDepth",
                    1,
                    u64::from(level),
                    "introspection may expand a type's fields, interfaces, possible types or values once per path",
                ));
            }
            let inner = Context {
                items: 1,
                introspection: Some(level),
            };
            let child = self.selection_set("", &field.selection_set, inner)?;
            totals.fields = totals.fields.saturating_add(child.fields);
            totals.aliases = totals.aliases.saturating_add(child.aliases);
            return Ok(totals);
        }
        let Some(info) = self.info.field(type_name, name) else {
            // Unknown here: validation reports it; its selection still counts.
            let child = self.selection_set("", &field.selection_set, PLAIN)?;
            totals.add(Totals { cost: 0, ..child });
            return Ok(totals);
        };
        if !self.info.is_composite(&info.type_name) {
            return Ok(totals);
        }
        let paged = info.paged;
        let list = info.list;
        let child_type = info.type_name.clone();
        let page = if paged { self.page_size(field) } else { 1 };
        let child = self.selection_set(
            &child_type,
            &field.selection_set,
            Context {
                items: page,
                introspection: None,
            },
        )?;
        let per_item = child.cost.saturating_add(1);
        let cost = if paged {
            per_item
        } else if list {
            let items = if type_name == self.info.query_type() && name == "nodes" {
                match self.argument(field, "ids") {
                    Some(ConstValue::List(ids)) => ids.len() as u64,
                    _ => self.limits.list_estimate,
                }
            } else if type_name.ends_with("Connection") && matches!(name, "nodes" | "edges") {
                context.items
            } else {
                self.limits.list_estimate
            };
            items.saturating_mul(per_item)
        } else {
            per_item
        };
        totals.fields = totals.fields.saturating_add(child.fields);
        totals.aliases = totals.aliases.saturating_add(child.aliases);
        totals.cost = cost;
        Ok(totals)
    }
}
