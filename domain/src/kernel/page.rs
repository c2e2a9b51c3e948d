//! Pagination shared by every list: validated page arguments, positions, and pages.
//!
//! A client continues a list from a [`Position`]: a row's place in a named ordering (its
//! offset), and in lists that page by keyset also the values of the row's sort keys: the next
//! page then starts after those values through an index instead of skipping `offset` rows, so
//! page 1 000 costs what page 1 does; the offset still numbers the rows. How a position travels
//! (Relay's opaque cursors) is the API's business, not the domain's. A position from another list
//! or ordering, or a page size outside 1..=100, is rejected with a clear message, never clamped.

use crate::kernel::error::{DomainError, DomainResult};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;
/// Page size when the client gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// A validated window into an ordered list: `offset` rows skipped, at most `limit` returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub offset: u64,
    pub limit: u64,
    /// Backward pagination with `last` and no `before` needs the total to find its start.
    pub from_end: bool,
}

/// A row's place in an ordered list, as a client hands it back to page on from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The list and ordering the row was read in (a list's ordering names are its own).
    pub ordering: String,
    /// The row's number in that ordering, from 0.
    pub offset: u64,
    /// The row's sort-key values (see [`crate::kernel::query::SortKeys`]), in a list that pages
    /// by keyset.
    pub key: Option<String>,
}

impl Position {
    /// The row's offset, once the position is known to belong to `ordering`.
    fn offset_in(&self, ordering: &str) -> DomainResult<u64> {
        if self.ordering != ordering {
            return Err(DomainError::invalid(
                "cursor belongs to another list or ordering",
            ));
        }
        if self.offset > MAX_OFFSET {
            return Err(DomainError::invalid("cursor points past any list"));
        }
        Ok(self.offset)
    }
}

/// The arguments of one page as the client sent them: a size counted forward (`first`) or
/// backward (`last`), bounded by the positions it reads after or before.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<Position>,
    pub last: Option<i32>,
    pub before: Option<Position>,
    /// Nobody reads this page's cursors (no edge's `cursor`, no `startCursor` or `endCursor`):
    /// a keyed list leaves its rows' sort keys out of their places.
    pub cursors_unread: bool,
}

impl PageArgs {
    /// Forward-only arguments (nested connections).
    pub fn forward(first: Option<i32>, after: Option<Position>) -> Self {
        Self {
            first,
            after,
            ..Self::default()
        }
    }

    /// Validates the arguments for a list ordered by `ordering` and returns its window.
    pub fn window(&self, ordering: &str) -> DomainResult<Window> {
        let first = page_size("first", self.first)?;
        let last = page_size("last", self.last)?;
        if first.is_some() && last.is_some() {
            return Err(DomainError::invalid(
                "pass either `first` or `last`, not both",
            ));
        }
        let after = self
            .after
            .as_ref()
            .map(|p| p.offset_in(ordering))
            .transpose()?;
        let before = self
            .before
            .as_ref()
            .map(|p| p.offset_in(ordering))
            .transpose()?;
        if let Some(last) = last {
            return Ok(match before {
                Some(before) => {
                    let start = after.map_or(0, |a| a + 1).max(before.saturating_sub(last));
                    Window {
                        offset: start,
                        limit: before.saturating_sub(start),
                        from_end: false,
                    }
                }
                None => Window {
                    offset: after.map_or(0, |a| a + 1),
                    limit: last,
                    from_end: true,
                },
            });
        }
        let offset = after.map_or(0, |a| a + 1);
        let mut limit = first.unwrap_or(DEFAULT_PAGE_SIZE);
        if let Some(before) = before {
            limit = limit.min(before.saturating_sub(offset));
        }
        Ok(Window {
            offset,
            limit,
            from_end: false,
        })
    }
}

impl PageArgs {
    /// The sort-key values the `after` position carries, when the page reads forward from it
    /// (`last:` pages count from their end and keep to offsets).
    pub fn after_key(&self, ordering: &str) -> DomainResult<Option<String>> {
        if self.last.is_some() {
            return Ok(None);
        }
        match &self.after {
            Some(position) => {
                position.offset_in(ordering)?;
                Ok(position.key.clone())
            }
            None => Ok(None),
        }
    }
}

fn page_size(name: &str, value: Option<i32>) -> DomainResult<Option<u64>> {
    match value {
        None => Ok(None),
        Some(v) if v < 0 => Err(DomainError::invalid(format!(
            "`{name}` must not be negative (got {v})"
        ))),
        Some(v) if v as u64 > MAX_PAGE_SIZE => Err(DomainError::invalid(format!(
            "`{name}` must be at most {MAX_PAGE_SIZE} (got {v}); page through larger lists"
        ))),
        Some(v) => Ok(Some(v as u64)),
    }
}

/// The largest offset a position may hold: SQL offsets are signed 64-bit, and a window adds
/// its page to it.
const MAX_OFFSET: u64 = (i64::MAX as u64) / 2;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// Rows with their positions in the ordering.
    pub items: Vec<(u64, T)>,
    pub has_next: bool,
    pub has_previous: bool,
    /// Number of rows in the whole list, when it was asked for or had to be computed.
    pub total: Option<u64>,
    /// The ordering the rows' positions belong to.
    pub ordering: String,
    /// Each row's sort-key values, in the order of `items`, when the list pages by keyset
    /// (empty otherwise).
    pub keys: Vec<RowKey>,
}

/// A row's sort-key values in a list that pages by keyset. They become a cursor's text only
/// when a client asks for the cursor: most pages are read without one, and writing every
/// row's keys out was a twentieth of a short list's server time.
#[derive(Debug, Clone, PartialEq)]
pub struct RowKey(pub(crate) Vec<sea_orm::Value>);

impl RowKey {
    /// The values as a cursor carries them: a JSON list of tagged strings.
    pub fn text(&self) -> String {
        crate::kernel::query::key_list_text(&self.0)
    }
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with `limit + 1` (the extra row only says "there is more").
    pub fn from_rows(mut rows: Vec<T>, window: Window, total: Option<u64>, ordering: &str) -> Self {
        let has_next = rows.len() as u64 > window.limit;
        rows.truncate(window.limit as usize);
        let items = rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| (window.offset + i as u64, row))
            .collect();
        Self {
            items,
            has_next,
            has_previous: window.offset > 0,
            total,
            ordering: ordering.to_owned(),
            keys: Vec::new(),
        }
    }

    /// The rows, in order.
    pub fn rows(&self) -> impl Iterator<Item = &T> {
        self.items.iter().map(|(_, row)| row)
    }

    /// Maps the rows, keeping positions and flags.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        let mut f = f;
        Page {
            items: self.items.into_iter().map(|(i, t)| (i, f(t))).collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
            total: self.total,
            ordering: self.ordering,
            keys: self.keys,
        }
    }
}

/// Resolves a window that counts from the end once the total is known.
pub fn anchor(window: Window, total: u64) -> Window {
    if !window.from_end {
        return window;
    }
    let start = window.offset.max(total.saturating_sub(window.limit));
    Window {
        offset: start,
        limit: total.saturating_sub(start).min(window.limit),
        from_end: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ordering: &str, offset: u64) -> Position {
        Position {
            ordering: ordering.into(),
            offset,
            key: None,
        }
    }

    fn args(
        first: Option<i32>,
        after: Option<u64>,
        last: Option<i32>,
        before: Option<u64>,
    ) -> PageArgs {
        PageArgs {
            first,
            after: after.map(|o| at("x", o)),
            last,
            before: before.map(|o| at("x", o)),
            cursors_unread: false,
        }
    }

    #[test]
    fn forward_window_starts_after_the_position() {
        let w = args(Some(5), Some(9), None, None)
            .window("x")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((w.offset, w.limit), (10, 5));
    }

    #[test]
    fn backward_window_ends_before_the_position() {
        let w = args(None, None, Some(3), Some(10))
            .window("x")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((w.offset, w.limit), (7, 3));
        let w = args(None, None, Some(30), Some(10))
            .window("x")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((w.offset, w.limit), (0, 10));
    }

    #[test]
    fn keyed_positions_carry_their_key_forward_only() {
        let key = r#"["u6f1c","i3"]"#;
        let keyed = Position {
            key: Some(key.into()),
            ..at("x:y", 9)
        };
        let args = PageArgs::forward(Some(5), Some(keyed.clone()));
        let w = args.window("x:y").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((w.offset, w.limit), (10, 5));
        assert_eq!(args.after_key("x:y").ok().flatten().as_deref(), Some(key));
        let plain = PageArgs::forward(Some(5), Some(at("x:y", 9)));
        assert_eq!(plain.after_key("x:y").ok().flatten(), None);
        let backward = PageArgs {
            last: Some(5),
            after: Some(keyed),
            ..PageArgs::default()
        };
        assert_eq!(backward.after_key("x:y").ok().flatten(), None);
        assert!(args.after_key("x").is_err(), "a key of another ordering");
    }

    #[test]
    fn bad_arguments_are_rejected() {
        assert!(args(Some(101), None, None, None).window("x").is_err());
        assert!(args(Some(-1), None, None, None).window("x").is_err());
        assert!(args(Some(1), None, Some(1), None).window("x").is_err());
        let other = PageArgs::forward(None, Some(at("y", 1)));
        assert!(other.window("x").is_err());
        for huge in [u64::MAX, i64::MAX as u64, i64::MAX as u64 - 1] {
            let past = PageArgs::forward(None, Some(at("x", huge)));
            assert!(past.window("x").is_err(), "offset {huge}");
        }
    }
}
