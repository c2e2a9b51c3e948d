//! Errors said to an operator: the command line, the logs.

/// An error and its causes in one line, each said once (drivers often repeat their cause in
/// their own message).
pub fn message(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = without_line_number(&cause.to_string());
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// `text` without a trailing "at line N" (PostgreSQL's source line, which sqlx appends: noise
/// to an operator).
fn without_line_number(text: &str) -> String {
    match text.rsplit_once(" at line ") {
        Some((head, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => {
            head.to_owned()
        }
        _ => text.to_owned(),
    }
}
