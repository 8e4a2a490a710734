//! Stored OTRS values into field values: date-times in OTRS's time zone, epoch seconds, 1/0 flags,
//! attachment bytes as base64, damaged text detected and twice-encoded text repaired, and the
//! YAML bits (`effective_value`, a dynamic field's `PossibleValues`) the driver reads.

use base64::Engine as _;
use jiff::tz::TimeZone;

use crate::run::value::Value;

use super::db::Cell;
use super::model::Conv;

/// The character OTRS (utf8mb3 MySQL) wrote in place of a 4-byte character.
const REPLACEMENT: char = '\u{FFFD}';

/// Windows-1252's characters for bytes 0x80–0x9F (None where the byte is undefined).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The byte a character stands for when UTF-8 was read as Windows-1252 or Latin-1.
fn as_single_byte(c: char) -> Option<u8> {
    let code = c as u32;
    if code < 0x80 || (0xA0..=0xFF).contains(&code) {
        return Some(code as u8);
    }
    if (0x80..0xA0).contains(&code) {
        return Some(code as u8);
    }
    CP1252_HIGH.iter().position(|&m| m == Some(c)).map(|i| 0x80 + i as u8)
}

/// Text that is UTF-8 stored through a latin1 connection (`Ã¤` for `ä`), repaired; `None` when
/// the text is not such text (plain ASCII, genuine Latin-1 words like `café`, real UTF-8).
pub fn repair_double_encoding(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        bytes.push(as_single_byte(c)?);
    }
    let repaired = String::from_utf8(bytes).ok()?;
    (repaired != text).then_some(repaired)
}

/// What is wrong with a text value, and the text to use.
pub fn clean_text(field: &str, text: String, issues: &mut Vec<String>) -> String {
    let text = match repair_double_encoding(&text) {
        Some(repaired) => {
            issues.push(format!("{field}: UTF-8 stored twice encoded (latin1), repaired"));
            repaired
        }
        None => text,
    };
    if text.contains(REPLACEMENT) {
        issues.push(format!(
            "{field}: characters OTRS could not store (emoji, some CJK) were replaced by U+FFFD; the original is \
             only in the raw e-mail"
        ));
    }
    text
}

/// A naive `YYYY-MM-DD HH:MM:SS` in `zone` as a point in time; MySQL's zero date and text that is
/// not a date-time read as `None`.
pub fn naive_in_zone(text: &str, zone: &TimeZone) -> Option<jiff::Timestamp> {
    if text.starts_with("0000-00-00") {
        return None;
    }
    let naive: jiff::civil::DateTime = text.trim().parse().ok()?;
    naive.to_zoned(zone.clone()).ok().map(|zoned| zoned.timestamp())
}

/// Attachment content as standard base64 (what the runner sends): MySQL's raw bytes encoded,
/// PostgreSQL's base64 text with its line breaks removed. A PostgreSQL value with a space in it is
/// stored unencoded (old rows), as OTRS itself decides, and is encoded here.
pub fn content_base64(cell: &Cell) -> Option<String> {
    let engine = base64::engine::general_purpose::STANDARD;
    match cell {
        Cell::Null => None,
        Cell::Bytes(bytes) => Some(engine.encode(bytes)),
        Cell::Text(text) if text.contains(' ') => Some(engine.encode(text.as_bytes())),
        Cell::Text(text) => Some(text.chars().filter(|c| !c.is_ascii_whitespace()).collect()),
        Cell::Int(n) => Some(engine.encode(n.to_string())),
        Cell::Float(x) => Some(engine.encode(x.to_string())),
    }
}

/// The bytes of a content cell (for the HTML body).
pub fn content_bytes(cell: &Cell) -> Option<Vec<u8>> {
    let encoded = content_base64(cell)?;
    base64::engine::general_purpose::STANDARD.decode(encoded.as_bytes()).ok()
}

/// Bytes as text in the charset a content type names (UTF-8 unless it names Latin-1 or
/// Windows-1252).
pub fn decode_charset(bytes: &[u8], content_type: &str) -> String {
    let lower = content_type.to_ascii_lowercase();
    let single_byte = ["iso-8859-1", "latin1", "windows-1252", "cp1252", "iso-8859-15"]
        .iter()
        .any(|name| lower.contains(&format!("charset={name}")) || lower.contains(&format!("charset=\"{name}\"")));
    if single_byte && std::str::from_utf8(bytes).is_err() {
        return bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize].unwrap_or(char::from(b)),
                _ => char::from(b),
            })
            .collect();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// One stored cell as a field value. Text is cleaned and its issues recorded under `field`.
pub fn cell_value(cell: &Cell, conv: Conv, zone: &TimeZone, field: &str, issues: &mut Vec<String>) -> Value {
    if cell.is_null() {
        return Value::Null;
    }
    match conv {
        Conv::Int => cell.int().map_or(Value::Null, Value::Int),
        Conv::Float => match cell {
            Cell::Float(x) => Value::Float(*x),
            Cell::Int(n) => Value::Float(*n as f64),
            other => other.text().and_then(|t| t.trim().parse().ok()).map_or(Value::Null, Value::Float),
        },
        Conv::Bool => cell.int().map_or(Value::Null, |n| Value::Bool(n != 0)),
        Conv::Epoch => match cell.int() {
            Some(0) | None => Value::Null,
            Some(seconds) => jiff::Timestamp::from_second(seconds).map_or(Value::Null, Value::DateTime),
        },
        Conv::Datetime => cell.text().and_then(|text| naive_in_zone(&text, zone)).map_or(Value::Null, Value::DateTime),
        Conv::Binary => content_base64(cell).map_or(Value::Null, Value::text),
        Conv::Text => match cell {
            Cell::Int(n) => Value::Int(*n),
            other => other.text().map_or(Value::Null, |text| Value::text(clean_text(field, text, issues))),
        },
    }
}

/// The scalar of a one-value YAML document (`--- UTC`, `--- 'Europe/Berlin'`, `--- '1'`).
pub fn yaml_scalar(text: &str) -> Option<String> {
    let body = text.trim().strip_prefix("---").unwrap_or(text).trim();
    if body.is_empty() || body.contains('\n') {
        return None;
    }
    let unquoted = if (body.starts_with('\'') && body.ends_with('\'') && body.len() >= 2)
        || (body.starts_with('"') && body.ends_with('"') && body.len() >= 2)
    {
        body[1..body.len() - 1].replace("''", "'")
    } else {
        body.to_owned()
    };
    Some(unquoted)
}

/// A dynamic field configuration's `PossibleValues`: stored key → display value, in order.
pub fn possible_values(config: &str) -> Vec<(String, String)> {
    let Ok(root) = crate::spec::yaml::parse(crate::source::SourceId::DETACHED, config) else {
        return Vec::new();
    };
    let crate::spec::yaml::NodeKind::Map(entries) = &root.kind else { return Vec::new() };
    let scalar = |node: &crate::spec::yaml::Node| node.as_str().map(str::to_owned);
    let Some((_, values)) = entries.iter().find(|(key, _)| scalar(key).as_deref() == Some("PossibleValues")) else {
        return Vec::new();
    };
    let crate::spec::yaml::NodeKind::Map(pairs) = &values.kind else { return Vec::new() };
    pairs.iter().filter_map(|(k, v)| Some((scalar(k)?, scalar(v).unwrap_or_default()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_stored_twice_encoded_is_repaired_and_real_text_is_left_alone() {
        assert_eq!(repair_double_encoding("GrÃ¼ÃŸe aus MÃ¼nchen").as_deref(), Some("Grüße aus München"));
        assert_eq!(repair_double_encoding("â€žQuoteâ€œ").as_deref(), Some("„Quote“"));
        assert_eq!(repair_double_encoding("café"), None);
        assert_eq!(repair_double_encoding("Grüße"), None);
        assert_eq!(repair_double_encoding("مؤسسة"), None);
        assert_eq!(repair_double_encoding("plain"), None);
        let mut issues = Vec::new();
        assert_eq!(clean_text("title", "Thanks \u{FFFD}".to_owned(), &mut issues), "Thanks \u{FFFD}");
        assert_eq!(issues.len(), 1);
        assert!(issues[0].starts_with("title: characters OTRS could not store"), "{issues:?}");
    }

    #[test]
    fn naive_times_are_read_in_the_otrs_time_zone() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let t = naive_in_zone("2024-02-15 11:00:00", &berlin).unwrap();
        assert_eq!(t.to_string(), "2024-02-15T10:00:00Z");
        assert_eq!(naive_in_zone("0000-00-00 00:00:00", &TimeZone::UTC), None);
    }

    #[test]
    fn content_is_base64_whatever_the_engine_stored() {
        assert_eq!(content_base64(&Cell::Bytes(b"%PDF-".to_vec())).as_deref(), Some("JVBERi0="));
        assert_eq!(content_base64(&Cell::Text("JVBE\nRi0=\n".to_owned())).as_deref(), Some("JVBERi0="));
        assert_eq!(content_bytes(&Cell::Text("raw mail body".to_owned())).unwrap(), b"raw mail body");
    }

    #[test]
    fn yaml_bits_are_read() {
        assert_eq!(yaml_scalar("--- UTC\n").as_deref(), Some("UTC"));
        assert_eq!(yaml_scalar("--- 'Europe/Berlin'\n").as_deref(), Some("Europe/Berlin"));
        let config = "---\nPossibleNone: '1'\nPossibleValues:\n  basic: Basic\n  premium: Premium plan\n";
        assert_eq!(
            possible_values(config),
            vec![("basic".to_owned(), "Basic".to_owned()), ("premium".to_owned(), "Premium plan".to_owned())]
        );
    }
}
