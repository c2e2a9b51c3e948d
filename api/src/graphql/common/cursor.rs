//! Opaque cursors (Relay): a row's [`Position`] in its list as base64 of
//! `<ordering>:<offset>`, followed in lists that page by keyset by the row's sort keys
//! (`<US><keys>`). Clients must not decode them; the domain never sees them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::domain::kernel::error::{DomainError, DomainResult};
use crate::domain::kernel::page::{PageArgs, Position};

/// Separates a cursor's position from its key (the ASCII unit separator: no ordering name holds
/// it, and the key's JSON escapes it).
const KEY_SEPARATOR: char = '\u{1f}';

/// The longest cursor accepted: a key holds at most a few sort values (a title of 2 000
/// characters among them).
const MAX_CURSOR_LEN: usize = 16 * 1024;

/// The cursor of the row at `offset` in `ordering`, with its sort keys when the list pages by
/// keyset.
pub fn encode(ordering: &str, offset: u64, key: Option<&str>) -> String {
    match key {
        Some(key) => URL_SAFE_NO_PAD.encode(format!("{ordering}:{offset}{KEY_SEPARATOR}{key}")),
        None => URL_SAFE_NO_PAD.encode(format!("{ordering}:{offset}")),
    }
}

/// The position a cursor stands for; which list it belongs to is checked by the list.
pub fn decode(cursor: &str) -> DomainResult<Position> {
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
    let (ordering, offset) = position.rsplit_once(':').ok_or_else(malformed)?;
    Ok(Position {
        ordering: ordering.to_owned(),
        offset: offset.parse().map_err(|_| malformed())?,
        key,
    })
}

/// A connection's arguments, its cursors decoded.
pub fn page_args(
    first: Option<i32>,
    after: Option<&str>,
    last: Option<i32>,
    before: Option<&str>,
) -> DomainResult<PageArgs> {
    Ok(PageArgs {
        first,
        after: after.map(decode).transpose()?,
        last,
        before: before.map(decode).transpose()?,
        cursors_unread: false,
    })
}

/// A forward-only (nested) connection's arguments, its cursor decoded.
pub fn forward(first: Option<i32>, after: Option<&str>) -> DomainResult<PageArgs> {
    page_args(first, after, None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_with_and_without_keys() {
        let key = r#"["u6f1c","i3"]"#;
        let keyed = decode(&encode("x:y", 9, Some(key))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            keyed,
            Position {
                ordering: "x:y".into(),
                offset: 9,
                key: Some(key.into())
            }
        );
        let plain = decode(&encode("x:y", 9, None)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((plain.offset, plain.key), (9, None));
    }

    #[test]
    fn malformed_cursors_are_refused() {
        for junk in ["%%%", "bm90IGEgY3Vyc29y", &"A".repeat(MAX_CURSOR_LEN + 1)] {
            assert!(decode(junk).is_err(), "{junk:.20}");
        }
        let other = page_args(None, Some(&encode("y", 1, None)), None, None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(other.window("x").is_err(), "a cursor of another list");
    }
}
