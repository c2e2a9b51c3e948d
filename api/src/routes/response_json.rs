//! A GraphQL response written as JSON: exactly the bytes `serde_json::to_vec` writes, straight
//! from async-graphql's values.
//!
//! serde_json's writer checks a string one byte at a time for what JSON must escape (a quote, a
//! backslash, a control character). A page's Vietnamese titles are long runs that need none;
//! this writer checks eight bytes at a time, as serde_json's own reader does, and copies each
//! run whole. Errors and the values async-graphql keeps outside plain JSON (bytes, raw JSON) are
//! still written by serde_json.

use async_graphql::{Response, Value};
use async_graphql_value::RAW_VALUE_TOKEN;

/// The JSON of `response` (`data`, then `extensions` and `errors` when there are any: the
/// fields and order of async-graphql's own serialisation).
pub fn to_vec(response: &Response) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"{\"data\":");
    write_value(&mut out, &response.data)?;
    if !response.extensions.is_empty() {
        out.extend_from_slice(b",\"extensions\":");
        write_object(
            &mut out,
            response.extensions.iter().map(|(k, v)| (k.as_str(), v)),
        )?;
    }
    if !response.errors.is_empty() {
        out.extend_from_slice(b",\"errors\":");
        serde_json::to_writer(&mut out, &response.errors)?;
    }
    out.push(b'}');
    Ok(out)
}

fn write_value(out: &mut Vec<u8>, value: &Value) -> serde_json::Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Boolean(true) => out.extend_from_slice(b"true"),
        Value::Boolean(false) => out.extend_from_slice(b"false"),
        Value::Number(number) => serde_json::to_writer(&mut *out, number)?,
        Value::String(text) => write_str(out, text),
        Value::Enum(name) => write_str(out, name),
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item)?;
            }
            out.push(b']');
        }
        // Raw JSON (one text under async-graphql's token, as an audit snapshot is answered):
        // written as it is once checked to be JSON, as async-graphql's serialisation does.
        Value::Object(fields) if fields.len() == 1 && fields.contains_key(RAW_VALUE_TOKEN) => {
            let raw = match fields.get(RAW_VALUE_TOKEN) {
                Some(Value::String(text)) => {
                    serde_json::from_str::<&serde_json::value::RawValue>(text).ok()
                }
                _ => None,
            };
            match raw {
                Some(raw) => out.extend_from_slice(raw.get().as_bytes()),
                // Not JSON: an ordinary object, as serde_json writes it.
                None => serde_json::to_writer(&mut *out, value)?,
            }
        }
        Value::Object(fields) => {
            write_object(out, fields.iter().map(|(k, v)| (k.as_str(), v)))?;
        }
        Value::Binary(_) => serde_json::to_writer(&mut *out, value)?,
    }
    Ok(())
}

fn write_object<'a>(
    out: &mut Vec<u8>,
    fields: impl Iterator<Item = (&'a str, &'a Value)>,
) -> serde_json::Result<()> {
    out.push(b'{');
    for (i, (key, value)) in fields.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, key);
        out.push(b':');
        write_value(out, value)?;
    }
    out.push(b'}');
    Ok(())
}

const ONES: u64 = u64::MAX / 255;

/// Whether any of the eight bytes of `chunk` is a control character, a quote or a backslash
/// (Mycroft's zero-byte test, as in serde_json's reader: exact for "any", which is all this asks).
fn needs_escape(chunk: u64) -> bool {
    let control = chunk.wrapping_sub(ONES * 0x20) & !chunk;
    let quotes = chunk ^ (ONES * u64::from(b'"'));
    let quote = quotes.wrapping_sub(ONES) & !quotes;
    let backslashes = chunk ^ (ONES * u64::from(b'\\'));
    let backslash = backslashes.wrapping_sub(ONES) & !backslashes;
    (control | quote | backslash) & (ONES << 7) != 0
}

/// What JSON writes for a byte: 0 for the byte itself, `u` for `\u00XX`, else the letter after
/// a backslash (serde_json's table).
const ESCAPES: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x0C] = b'f';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Whether `bytes` need no escape at all (nearly every text: checked eight bytes at a time).
fn plain(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        if needs_escape(u64::from_le_bytes(word)) {
            return false;
        }
    }
    chunks
        .remainder()
        .iter()
        .all(|&b| ESCAPES[usize::from(b)] == 0)
}

/// `text` as a JSON string, escaped as serde_json escapes it.
fn write_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.push(b'"');
    if plain(bytes) {
        out.extend_from_slice(bytes);
    } else {
        // `copied`: the bytes before it are written.
        let mut copied = 0;
        for (at, &byte) in bytes.iter().enumerate() {
            let escape = ESCAPES[usize::from(byte)];
            if escape == 0 {
                continue;
            }
            out.extend_from_slice(&bytes[copied..at]);
            if escape == b'u' {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xF)]);
            } else {
                out.extend_from_slice(&[b'\\', escape]);
            }
            copied = at + 1;
        }
        out.extend_from_slice(&bytes[copied..]);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{Name, ServerError, indexmap::IndexMap};

    fn same_as_serde(response: &Response) {
        assert_eq!(
            String::from_utf8(to_vec(response).expect("writes")).expect("UTF-8"),
            String::from_utf8(serde_json::to_vec(response).expect("serde writes")).expect("UTF-8"),
        );
    }

    fn strings() -> Vec<String> {
        // Every byte class at every place of a chunk, in runs around eight bytes long.
        let pieces = [
            "a",
            "ả",
            "ệ",
            "\"",
            "\\",
            "\n",
            "\t",
            "\r",
            "\u{8}",
            "\u{c}",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            " ",
            "/",
            "😀",
            "Kế hoạch",
        ];
        let mut strings = vec![String::new()];
        for (i, piece) in pieces.iter().enumerate() {
            for before in 0..=17 {
                for after in [0, 1, 7, 8, 9] {
                    let filler = pieces[(i + before) % 2];
                    strings.push(format!(
                        "{}{piece}{}",
                        filler.repeat(before),
                        "x".repeat(after)
                    ));
                }
            }
        }
        strings.push(pieces.concat().repeat(5));
        strings
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for text in strings() {
            same_as_serde(&Response::new(Value::String(text.clone())));
            let mut fields = IndexMap::new();
            fields.insert(Name::new(&text), Value::String(text));
            same_as_serde(&Response::new(Value::Object(fields)));
        }
    }

    #[test]
    fn every_kind_of_value_and_the_envelope_are_written_as_serde_json_writes_them() {
        let mut inner = IndexMap::new();
        inner.insert(
            Name::new("title"),
            Value::String("Cải cách hành chính".into()),
        );
        inner.insert(Name::new("count"), Value::from(-12));
        inner.insert(Name::new("big"), Value::from(u64::MAX));
        inner.insert(Name::new("share"), Value::from(0.1 + 0.2));
        inner.insert(Name::new("whole"), Value::from(3.0));
        inner.insert(Name::new("done"), Value::Boolean(true));
        inner.insert(Name::new("late"), Value::Boolean(false));
        inner.insert(Name::new("status"), Value::Enum(Name::new("IN_PROGRESS")));
        inner.insert(Name::new("none"), Value::Null);
        inner.insert(Name::new("empty"), Value::List(vec![]));
        inner.insert(Name::new("emptyObject"), Value::Object(IndexMap::new()));
        inner.insert(Name::new("bytes"), Value::Binary(vec![1, 2, 255].into()));
        let mut data = IndexMap::new();
        data.insert(
            Name::new("tasks"),
            Value::List(vec![Value::Object(inner.clone()), Value::Object(inner)]),
        );
        let mut response = Response::new(Value::Object(data));
        same_as_serde(&response);

        response.extensions.insert("cost".into(), Value::from(42));
        same_as_serde(&response);

        let mut error = ServerError::new("không được \"phép\"", None);
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", "FORBIDDEN");
        response.errors.push(error);
        same_as_serde(&response);
        same_as_serde(&Response::default());
    }

    #[test]
    fn raw_json_is_written_as_serde_json_writes_it() {
        for text in [
            r#"{"title":"Cải cách","percent":40.5,"tags":["a",null,true]}"#,
            "  [1, 2 ,3]  ",
            "\"một\"",
            "not json",
            "{\"open\":",
            "",
        ] {
            let mut raw = IndexMap::new();
            raw.insert(Name::new(RAW_VALUE_TOKEN), Value::String(text.into()));
            let mut data = IndexMap::new();
            data.insert(Name::new("after"), Value::Object(raw));
            same_as_serde(&Response::new(Value::Object(data)));
        }
        // The token's field holding something other than text is an ordinary object.
        let mut raw = IndexMap::new();
        raw.insert(Name::new(RAW_VALUE_TOKEN), Value::from(1));
        same_as_serde(&Response::new(Value::Object(raw)));
    }
}
