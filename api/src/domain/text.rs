//! Vietnamese text: NFC normalisation on write, and the diacritic-free folding that search uses.
//!
//! Folding happens here, in Rust, not in the database, so SQLite and PostgreSQL match the same
//! rows: "cai cach" finds "cải cách", and "đ" matches "d" (which Unicode decomposition alone misses).

use unicode_normalization::UnicodeNormalization;

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

/// The folded words of a search query; each must occur in the row's `search_text`.
pub fn search_terms(query: &str) -> Vec<String> {
    fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
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
    fn search_terms_split_on_spaces() {
        assert_eq!(search_terms("  Cải  cách "), vec!["cai", "cach"]);
        assert!(search_terms("   ").is_empty());
    }
}
