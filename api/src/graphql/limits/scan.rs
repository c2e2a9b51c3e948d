//! A look at the query text before the parser sees it: the number of tokens and how deeply
//! brackets nest. The parser recurses per nesting level, so a deep enough document would
//! overflow its stack; this scan is linear and allocates nothing.

use super::{LimitError, Limits};

/// What the scan measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextShape {
    pub tokens: usize,
    pub max_nesting: usize,
}

/// Counts tokens (names, numbers, strings, punctuators) and bracket nesting, skipping strings,
/// block strings and comments. Stops as soon as a limit is exceeded.
pub fn check(query: &str, limits: &Limits) -> Result<TextShape, LimitError> {
    let bytes = query.as_bytes();
    let mut shape = TextShape::default();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                shape.max_nesting = shape.max_nesting.max(depth);
                if depth > limits.max_nesting {
                    return Err(LimitError::document(
                        "maxNesting",
                        limits.max_nesting as u64,
                        depth as u64,
                        "brackets in the query nest too deeply",
                    ));
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'+' | b'-')
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        shape.tokens += 1;
        if shape.tokens > limits.max_tokens {
            return Err(LimitError::document(
                "maxTokens",
                limits.max_tokens as u64,
                shape.tokens as u64,
                "the query has too many tokens",
            ));
        }
    }
    Ok(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(query: &str) -> TextShape {
        check(query, &Limits::default()).unwrap_or_else(|e| panic!("{}", e.message))
    }

    #[test]
    fn counts_tokens_and_nesting_but_not_strings_or_comments() {
        let s = shape("{ plans(first: 2) { nodes { title } } }");
        assert_eq!(s.max_nesting, 3);
        // { plans ( first : 2 ) { nodes { title } } }
        assert_eq!(s.tokens, 14);
        let s = shape("# a { comment ( \n{ a(s: \"{{{ \\\" [[[\") }");
        assert_eq!(s.max_nesting, 2);
        let s = shape("{ a(s: \"\"\" {{{ \\\"\"\" ((( \"\"\") }");
        assert_eq!(s.max_nesting, 2);
        assert_eq!(s.tokens, 8);
    }

    #[test]
    fn deep_or_long_documents_are_refused() {
        let deep = "{a".repeat(100_000);
        let error = check(&deep, &Limits::default()).err().map(|e| e.limit);
        assert_eq!(error, Some("maxNesting"));
        let long = format!("{{ {} }}", "a ".repeat(100_000));
        let error = check(&long, &Limits::default()).err().map(|e| e.limit);
        assert_eq!(error, Some("maxTokens"));
    }
}
