//! What one request may ask for, checked before anything runs: the query text (tokens,
//! bracket nesting), the parsed document after fragment expansion (fields, aliases, directives,
//! fragment cycles), the inputs (control characters, list lengths) and the static cost.
//!
//! Everything here is linear in the size of the document: each fragment is measured once per
//! context and its totals reused wherever it is spread, so a document whose fragments spread
//! each other twice over (1 KB that expands to millions of fields) is refused in microseconds.

mod analysis;
mod scan;
mod schema_info;

pub use analysis::{Analysis, analyse};
pub use scan::{TextShape, check as check_text};
pub use schema_info::SchemaInfo;

/// The limits (all configurable, see `config::LimitSettings`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Tokens in the query text.
    pub max_tokens: usize,
    /// Nesting of `{`, `(` and `[` in the query text.
    pub max_nesting: usize,
    /// Fields of one operation (or fragment) after fragment expansion.
    pub max_fields: u64,
    /// Aliased fields of one operation after fragment expansion.
    pub max_aliases: u64,
    /// Directives on one field, fragment or operation.
    pub max_directives: usize,
    /// Items in one input list (ids, enum values, assignments…).
    pub max_list_items: usize,
    /// Static cost of one operation (see [`analysis`]).
    pub max_cost: u64,
    /// Items assumed for a list field without a page size (assignments, members…).
    pub list_estimate: u64,
}

impl Limits {
    /// The defaults (also the configuration's).
    pub const DEFAULT: Limits = Limits {
        max_tokens: 3_000,
        max_nesting: 40,
        max_fields: 400,
        max_aliases: 30,
        max_directives: 3,
        max_list_items: 100,
        max_cost: 50_000,
        list_estimate: 10,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Parses a document that did not come through a request (a registered operation), after the
/// same text checks with the default limits: the parser must never see a text deep enough to
/// overflow its stack.
pub fn parse(text: &str) -> Result<async_graphql::parser::types::ExecutableDocument, String> {
    check_text(text, &Limits::default()).map_err(|e| e.message)?;
    async_graphql::parser::parse_query(text).map_err(|e| e.to_string())
}

/// A request refused by a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitError {
    /// `GRAPHQL_VALIDATION_FAILED` (the document), `BAD_USER_INPUT` (an input value) or
    /// `MAX_COST_EXCEEDED`.
    pub code: &'static str,
    /// The limit's name as the README and `extensions.limit` give it.
    pub limit: &'static str,
    pub max: u64,
    pub actual: u64,
    pub message: String,
}

impl LimitError {
    fn document(limit: &'static str, max: u64, actual: u64, what: &str) -> Self {
        Self {
            code: "GRAPHQL_VALIDATION_FAILED",
            limit,
            max,
            actual,
            message: format!("{what}: at most {max} allowed ({limit})"),
        }
    }

    fn input(limit: &'static str, max: u64, actual: u64, message: String) -> Self {
        Self {
            code: "BAD_USER_INPUT",
            limit,
            max,
            actual,
            message,
        }
    }
}
