//! Vietnamese text: NFC normalisation on write, and the diacritic-free folding that search uses.
//!
//! Folding happens here, in Rust, not in the database, so SQLite and PostgreSQL match the same
//! rows: "cai cach" finds "cải cách", and "đ" matches "d" (which Unicode decomposition alone misses).

use unicode_normalization::UnicodeNormalization;

use crate::kernel::error::{DomainError, DomainResult};

/// NFC-normalises and trims a text, collapsing runs of whitespace to one space.
pub fn clean(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// NFC-normalises an optional text; blank becomes `None`.
pub fn clean_opt(text: Option<&str>) -> Option<String> {
    text.map(clean).filter(|t| !t.is_empty())
}

/// Lower-case ASCII form with diacritics removed ("Đồng Tháp" → "dong thap").
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for ch in text.nfc() {
        if ch.is_ascii() {
            folded.push(ch.to_ascii_lowercase());
        } else if ch.is_whitespace() {
            folded.push(' ');
        } else {
            folded.push_str(
                &deunicode::deunicode_char(ch)
                    .unwrap_or("")
                    .to_ascii_lowercase(),
            );
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The folded text stored in `search_text` columns: all parts, folded and joined.
pub fn search_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(fold)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Most words in one search.
pub const MAX_SEARCH_WORDS: usize = 12;

/// A search: its folded words, each of which must occur in a row's `search_text`. Bounded, so
/// that the condition it becomes stays small on both databases (thousands of words once
/// overflowed the SQL builder's stack; one huge word is a pattern SQLite refuses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchQuery(Vec<String>);

impl SearchQuery {
    /// Folds and splits `text`; refuses text longer than [`MAX_SEARCH_CHARS`] or with more than
    /// [`MAX_SEARCH_WORDS`] words.
    pub fn parse(text: &str) -> DomainResult<Self> {
        let length = text.chars().count();
        if length > MAX_SEARCH_CHARS {
            return Err(DomainError::invalid(format!(
                "`search` is at most {MAX_SEARCH_CHARS} characters (got {length})"
            )));
        }
        let terms: Vec<String> = fold(text)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        if terms.len() > MAX_SEARCH_WORDS {
            return Err(DomainError::invalid(format!(
                "`search` takes at most {MAX_SEARCH_WORDS} words (got {})",
                terms.len()
            )));
        }
        Ok(Self(terms))
    }

    /// The folded words.
    pub fn terms(&self) -> &[String] {
        &self.0
    }
}

/// Parses an optional search.
pub fn search(text: Option<&str>) -> DomainResult<Option<SearchQuery>> {
    text.map(SearchQuery::parse).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_every_vietnamese_mark_and_maps_d_bar() {
        assert_eq!(fold("Cải cách hành chính"), "cai cach hanh chinh");
        assert_eq!(fold("ĐỒNG THÁP  tiếp nhận"), "dong thap tiep nhan");
        assert_eq!(fold("Đăk Rơ Ông"), "dak ro ong");
    }

    #[test]
    fn clean_normalises_to_nfc_and_trims() {
        // "ế" written as e + circumflex + acute (NFD) becomes one code point.
        let nfd = "Ti\u{0065}\u{0302}\u{0301}t  kiệm ";
        assert_eq!(clean(nfd), "Tiết kiệm");
    }

    #[test]
    fn searches_split_on_spaces_and_are_bounded() {
        let parse = |t: &str| SearchQuery::parse(t).map(|q| q.terms().to_vec()).ok();
        assert_eq!(
            parse("  Cải  cách "),
            Some(vec!["cai".to_owned(), "cach".to_owned()])
        );
        assert_eq!(parse("   "), Some(vec![]));
        assert_eq!(parse(&"a ".repeat(12)).map(|t| t.len()), Some(12));
        assert_eq!(parse(&"a ".repeat(13)), None);
        assert_eq!(parse(&"x".repeat(201)), None);
    }
}
