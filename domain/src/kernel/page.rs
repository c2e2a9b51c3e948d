//! Pagination shared by every list: validated page arguments, opaque cursors, and pages.
//!
//! Cursors are positions in a given ordering (`base64("<ordering>:<offset>")`), and in lists that
//! page by keyset also the values of their row's sort keys (`…<US><key>`): the next page then
//! starts after those values through an index instead of skipping `offset` rows, so page 1 000
//! costs what page 1 does; the offset still numbers the rows. A cursor from another list or
//! ordering, a malformed cursor, or a page size outside 1..=100 is rejected with a clear message,
//! never clamped.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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

/// Raw Relay arguments as the client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    /// Forward-only arguments (nested connections).
    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
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
            .as_deref()
            .map(|c| decode_cursor(c, ordering).map(|(offset, _)| offset))
            .transpose()?;
        let before = self
            .before
            .as_deref()
            .map(|c| decode_cursor(c, ordering).map(|(offset, _)| offset))
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
    /// The sort-key values the `after` cursor carries, when the page reads forward from it
    /// (`last:` pages count from their end and keep to offsets).
    pub fn after_key(&self, ordering: &str) -> DomainResult<Option<String>> {
        if self.last.is_some() {
            return Ok(None);
        }
        match self.after.as_deref() {
            Some(cursor) => Ok(decode_cursor(cursor, ordering)?.1),
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

/// The opaque cursor of the row at `offset` in `ordering`.
pub fn encode_cursor(ordering: &str, offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{ordering}:{offset}"))
}

/// The opaque cursor of the row at `offset` in `ordering` whose sort keys are `key` (see
/// [`crate::kernel::query::SortKeys`]); without a key, [`encode_cursor`].
pub fn encode_keyed_cursor(ordering: &str, offset: u64, key: Option<&str>) -> String {
    match key {
        Some(key) => URL_SAFE_NO_PAD.encode(format!("{ordering}:{offset}{KEY_SEPARATOR}{key}")),
        None => encode_cursor(ordering, offset),
    }
}

/// Separates a cursor's position from its key (the ASCII unit separator: no ordering name holds
/// it, and the key's JSON escapes it).
const KEY_SEPARATOR: char = '\u{1f}';

/// The longest cursor accepted: a key holds at most a few sort values (a title of 2 000
/// characters among them).
const MAX_CURSOR_LEN: usize = 16 * 1024;

fn decode_cursor(cursor: &str, ordering: &str) -> DomainResult<(u64, Option<String>)> {
    let malformed = || DomainError::invalid(format!("malformed cursor {cursor:?}"));
    if cursor.len() > MAX_CURSOR_LEN {
        return Err(DomainError::invalid(format!(
            "cursor is longer than {MAX_CURSOR_LEN} characters"
        )));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (position, key) = match text.split_once(KEY_SEPARATOR) {
        Some((position, key)) => (position, Some(key.to_owned())),
        None => (text.as_str(), None),
    };
    let (name, offset) = position.rsplit_once(':').ok_or_else(malformed)?;
    if name != ordering {
        return Err(DomainError::invalid(format!(
            "cursor {cursor:?} belongs to another list or ordering"
        )));
    }
    let offset: u64 = offset.parse().map_err(|_| malformed())?;
    if offset > MAX_OFFSET {
        return Err(DomainError::invalid(format!(
            "cursor {cursor:?} points past any list"
        )));
    }
    Ok((offset, key))
}

/// The largest position a cursor may hold: SQL offsets are signed 64-bit, and a window adds
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
    /// The ordering name cursors are encoded with.
    pub ordering: String,
    /// Each row's sort-key values, in the order of `items`, when the list pages by keyset
    /// (empty otherwise).
    pub keys: Vec<String>,
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

    /// The cursor key of the row at `index` of `items`, if the list pages by keyset.
    pub fn key(&self, index: usize) -> Option<&str> {
        self.keys.get(index).map(String::as_str)
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

    fn args(
        first: Option<i32>,
        after: Option<u64>,
        last: Option<i32>,
        before: Option<u64>,
    ) -> PageArgs {
        PageArgs {
            first,
            after: after.map(|o| encode_cursor("x", o)),
            last,
            before: before.map(|o| encode_cursor("x", o)),
        }
    }

    #[test]
    fn forward_window_starts_after_the_cursor() {
        let w = args(Some(5), Some(9), None, None)
            .window("x")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((w.offset, w.limit), (10, 5));
    }

    #[test]
    fn backward_window_ends_before_the_cursor() {
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
    fn keyed_cursors_carry_their_position_and_key() {
        let key = r#"["u6f1c","i3"]"#;
        let args = PageArgs {
            first: Some(5),
            after: Some(encode_keyed_cursor("x:y", 9, Some(key))),
            ..PageArgs::default()
        };
        let w = args.window("x:y").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((w.offset, w.limit), (10, 5));
        assert_eq!(args.after_key("x:y").ok().flatten().as_deref(), Some(key));
        let plain = PageArgs::forward(Some(5), Some(encode_cursor("x:y", 9)));
        assert_eq!(plain.after_key("x:y").ok().flatten(), None);
        assert_eq!(encode_keyed_cursor("x:y", 9, None), encode_cursor("x:y", 9));
    }

    #[test]
    fn bad_arguments_are_rejected() {
        assert!(args(Some(101), None, None, None).window("x").is_err());
        assert!(args(Some(-1), None, None, None).window("x").is_err());
        assert!(args(Some(1), None, Some(1), None).window("x").is_err());
        let other = PageArgs {
            after: Some(encode_cursor("y", 1)),
            ..PageArgs::default()
        };
        assert!(other.window("x").is_err());
        let junk = PageArgs {
            after: Some("%%%".into()),
            ..PageArgs::default()
        };
        assert!(junk.window("x").is_err());
        for huge in [u64::MAX, i64::MAX as u64, i64::MAX as u64 - 1] {
            let past = PageArgs {
                after: Some(encode_cursor("x", huge)),
                ..PageArgs::default()
            };
            assert!(past.window("x").is_err(), "offset {huge}");
        }
    }
}
