//! Date-times as each TOPdesk API family writes them (digest section 14).
//!
//! The generator writes every date-time as `2024-01-03T10:00:00Z`; records are rendered and
//! filtered in that form, and [`restyle`] rewrites them on the way out:
//!
//! | [`DateStyle`] | example | where |
//! | --- | --- | --- |
//! | `Incident` | `2024-01-03T10:00:00.000+0000` | incident API default, supporting files |
//! | `Iso` | `2024-01-03T10:00:00Z` | `dateFormat=iso8601`, operations, knowledge base, reservations |
//! | `Change` | `2024-01-03T10:00:00+0000` | change API |
//! | `Etag` | `2024-01-03T10:00:00.000` | asset `@etag` and grid dates (no zone) |

use jiff::Timestamp;
use serde_json::Value;

/// How an API family writes date-times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// `…T10:00:00.000+0000`
    Incident,
    /// `…T10:00:00Z`
    Iso,
    /// `…T10:00:00+0000`
    Change,
    /// `…T10:00:00.000`
    Etag,
}

/// The instant of a canonical generated date-time (`2024-01-03T10:00:00Z`), else `None`.
pub fn canonical(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && bytes[19] == b'Z';
    if shaped { text.parse().ok() } else { None }
}

/// A FIQL or `$filter` date literal: ISO 8601 with `Z`, `±hhmm` or `±hh:mm`, with or without
/// fractions of a second; without a zone (the asset API's form), UTC.
pub fn parse_literal(text: &str) -> Option<Timestamp> {
    if let Ok(instant) = text.parse::<Timestamp>() {
        return Some(instant);
    }
    let civil: jiff::civil::DateTime = text.parse().ok()?;
    civil.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|zoned| zoned.timestamp())
}

/// Rewrite every canonical date-time in `value` in `style`.
pub fn restyle(value: &mut Value, style: DateStyle) {
    match value {
        Value::String(text) if canonical(text).is_some() => {
            let civil = &text[..19];
            *text = match style {
                DateStyle::Incident => format!("{civil}.000+0000"),
                DateStyle::Iso => return,
                DateStyle::Change => format!("{civil}+0000"),
                DateStyle::Etag => format!("{civil}.000"),
            };
        }
        Value::Array(items) => items.iter_mut().for_each(|item| restyle(item, style)),
        Value::Object(members) => members.values_mut().for_each(|member| restyle(member, style)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn styles_and_literals() {
        let mut value = json!({"a": "2024-01-03T10:00:00Z", "b": ["2024-01-03T10:00:00Z"], "c": "2024-01-03"});
        restyle(&mut value, DateStyle::Incident);
        assert_eq!(
            value,
            json!({"a": "2024-01-03T10:00:00.000+0000", "b": ["2024-01-03T10:00:00.000+0000"], "c": "2024-01-03"})
        );
        let instant = canonical("2024-01-03T10:00:00Z").unwrap();
        for literal in
            ["2024-01-03T10:00:00Z", "2024-01-03T11:00:00+0100", "2024-01-03T11:00:00.000+01:00", "2024-01-03T10:00:00"]
        {
            assert_eq!(parse_literal(literal), Some(instant), "{literal}");
        }
        assert_eq!(canonical("2024-01-03T10:00:00.000Z"), None);
    }
}
