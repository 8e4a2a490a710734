//! Converting between JSON, as sources deliver and sinks accept it, and runtime [`Value`]s.
//!
//! A source's JSON says little about types: a date is a string, a relation a number. The schema
//! lock says the rest, so [`value_from_json`] reads a value with its field's lock type when one is
//! known and by the JSON shape otherwise. A value that does not fit its lock type (a `date` field
//! holding `"soon"`) is kept by its shape rather than dropped: the interpreter then reports a
//! runtime error on that record, naming the field and the value.
//!
//! Date-times without an offset (`2026-03-29 01:30:00`, as Odoo stores them) are read as UTC. A
//! source whose naive times are local (OTRS) converts them afterwards with its time-zone setting;
//! this module never guesses a zone.

use std::sync::Arc;

use jiff::tz::TimeZone;
use serde_json::Value as Json;

use crate::check::schema::{FieldSchema, FieldType};
use crate::run::value::Value;

/// Convert a JSON value into a [`Value`], using the field's lock type when known.
///
/// With a type: `date` strings become [`Value::Date`], `datetime` strings (RFC 3339, or naive
/// `YYYY-MM-DD HH:MM:SS` read as UTC) become [`Value::DateTime`], `int` numbers stay whole (`3.0`
/// reads as `3`), `float` numbers become floats, numbers and booleans in text-like fields (`text`,
/// `html`, `enum`, `binary`) become their text, `json` fields keep any JSON as [`Value::Json`], and
/// relation ids stay `Int` or `Text`. Arrays become lists of items converted the same way, objects
/// become [`Value::Json`]. Without a type, or when a value does not fit its type, the JSON shape
/// decides: numbers are `Int` when whole and in range, `Float` otherwise, strings are `Text`.
pub fn value_from_json(json: &Json, field: Option<&FieldSchema>) -> Value {
    match field {
        Some(field) => typed(json, field.field_type),
        None => by_shape(json),
    }
}

/// Convert a [`Value`] into JSON: dates as `YYYY-MM-DD`, date-times as RFC 3339 in UTC
/// (`2026-03-29T01:30:00Z`), lists as arrays; a float that is not finite becomes null. A reference
/// the runner has not resolved yet (as `preview` shows it) becomes `{"ref": OBJECT, "key": KEY}`.
pub fn value_to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(n) => Json::from(*n),
        Value::Float(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
        Value::Text(text) => Json::String(text.to_string()),
        Value::Date(date) => Json::String(date.to_string()),
        Value::DateTime(time) => Json::String(time.to_string()),
        Value::List(items) => Json::Array(items.iter().map(value_to_json).collect()),
        Value::Json(json) => Json::clone(json),
        Value::Ref(reference) => {
            serde_json::json!({ "ref": reference.object.as_ref(), "key": value_to_json(&reference.key) })
        }
    }
}

/// A calendar date written exactly `YYYY-MM-DD`.
pub fn date_from_text(text: &str) -> Option<jiff::civil::Date> {
    if text.len() != 10 || !starts_with_date(text.as_bytes()) {
        return None;
    }
    text.parse().ok()
}

/// A point in time written in RFC 3339 (`2026-03-29T01:30:00Z`, `2026-03-29 03:30:00+02:00`) or
/// as a naive `YYYY-MM-DD HH:MM:SS` (also with `T`, without seconds or with fractions), which is
/// read as UTC.
pub fn timestamp_from_text(text: &str) -> Option<jiff::Timestamp> {
    let bytes = text.as_bytes();
    let time_follows = bytes.len() >= 16 && matches!(bytes[10], b'T' | b't' | b' ') && bytes[11].is_ascii_digit();
    if !time_follows || !starts_with_date(bytes) {
        return None;
    }
    if let Ok(time) = text.parse::<jiff::Timestamp>() {
        return Some(time);
    }
    let naive: jiff::civil::DateTime = text.parse().ok()?;
    TimeZone::UTC.to_timestamp(naive).ok()
}

/// Whether the text starts with `DDDD-DD-DD` (digits and dashes only, so jiff's other accepted
/// forms such as `20260329` are not taken for dates).
fn starts_with_date(bytes: &[u8]) -> bool {
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

fn typed(json: &Json, field_type: FieldType) -> Value {
    match (field_type, json) {
        (_, Json::Null) => Value::Null,
        (FieldType::Json, other) => Value::Json(Arc::new(other.clone())),
        (_, Json::Object(_)) => by_shape(json),
        (_, Json::Array(items)) => Value::List(items.iter().map(|item| typed(item, field_type)).collect()),
        (FieldType::Date, Json::String(text)) => date_from_text(text).map_or_else(|| by_shape(json), Value::Date),
        (FieldType::Datetime, Json::String(text)) => {
            timestamp_from_text(text).map_or_else(|| by_shape(json), Value::DateTime)
        }
        (FieldType::Int, Json::Number(number)) => match number.as_f64() {
            Some(x) if number.as_i64().is_none() && x.fract() == 0.0 && x.abs() < 9.0e15 => Value::Int(x as i64),
            _ => by_shape(json),
        },
        (FieldType::Float, Json::Number(number)) => number.as_f64().map_or(Value::Null, Value::Float),
        (FieldType::Text | FieldType::Html | FieldType::Enum | FieldType::Binary, Json::Number(number)) => {
            Value::text(number.to_string())
        }
        (FieldType::Text | FieldType::Html | FieldType::Enum | FieldType::Binary, Json::Bool(b)) => {
            Value::text(b.to_string())
        }
        _ => by_shape(json),
    }
}

fn by_shape(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(number) => match number.as_i64() {
            Some(n) => Value::Int(n),
            None => number.as_f64().map_or(Value::Null, Value::Float),
        },
        Json::String(text) => Value::text(text.as_str()),
        Json::Array(items) => Value::List(items.iter().map(by_shape).collect()),
        Json::Object(_) => Value::Json(Arc::new(json.clone())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::run::value::Reference;

    fn field(field_type: FieldType) -> FieldSchema {
        FieldSchema { field_type, ..FieldSchema::default() }
    }

    fn read(json: Json, field_type: FieldType) -> String {
        let value = value_from_json(&json, Some(&field(field_type)));
        format!("{}: {value}", value.kind())
    }

    #[test]
    fn lock_types_decide_how_values_are_read() {
        assert_eq!(read(json!("2026-03-29"), FieldType::Date), "date: 2026-03-29");
        assert_eq!(read(json!("2026-03-29T01:30:00Z"), FieldType::Datetime), "datetime: 2026-03-29T01:30:00Z");
        assert_eq!(read(json!("2026-03-29 01:30:00"), FieldType::Datetime), "datetime: 2026-03-29T01:30:00Z");
        assert_eq!(read(json!("2026-03-29T03:30:00+02:00"), FieldType::Datetime), "datetime: 2026-03-29T01:30:00Z");
        assert_eq!(read(json!(3.0), FieldType::Int), "int: 3");
        assert_eq!(read(json!(3), FieldType::Float), "float: 3.0");
        assert_eq!(read(json!(2), FieldType::Enum), "text: 2");
        assert_eq!(read(json!(true), FieldType::Text), "text: true");
        assert_eq!(read(json!([1, 2]), FieldType::Relation), "list: 1, 2");
        assert_eq!(read(json!(["a", "b"]), FieldType::Relation), "list: a, b");
        assert_eq!(read(json!([1, 2]), FieldType::Json), "json: [1,2]");
        assert_eq!(read(json!("x"), FieldType::Json), "json: \"x\"");
        assert_eq!(read(json!({"a": 1}), FieldType::Text), "json: {\"a\":1}");
        assert_eq!(read(json!(null), FieldType::Date), "null: ");
        assert_eq!(read(json!(["2026-01-02", "2026-01-03"]), FieldType::Date), "list: 2026-01-02, 2026-01-03");
    }

    #[test]
    fn values_that_do_not_fit_their_type_keep_their_shape() {
        assert_eq!(read(json!("soon"), FieldType::Date), "text: soon");
        assert_eq!(read(json!("2026-03-29 01:30:00"), FieldType::Date), "text: 2026-03-29 01:30:00");
        assert_eq!(read(json!("2026-03-29"), FieldType::Datetime), "text: 2026-03-29");
        assert_eq!(read(json!("2026-02-30"), FieldType::Date), "text: 2026-02-30");
        assert_eq!(read(json!(1.5), FieldType::Int), "float: 1.5");
        assert_eq!(read(json!("7"), FieldType::Int), "text: 7");
    }

    #[test]
    fn without_a_type_the_shape_decides() {
        let shape = |json: Json| {
            let value = value_from_json(&json, None);
            format!("{}: {value}", value.kind())
        };
        assert_eq!(shape(json!("2026-03-29")), "text: 2026-03-29");
        assert_eq!(shape(json!(7)), "int: 7");
        assert_eq!(shape(json!(u64::MAX)), "float: 18446744073709552000");
        assert_eq!(shape(json!(0.5)), "float: 0.5");
        assert_eq!(shape(json!(false)), "bool: false");
        assert_eq!(shape(json!([1, "a", null])), "list: 1, a, ");
    }

    #[test]
    fn values_convert_back_to_json() {
        let values = Value::list(vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(-4),
            Value::Float(0.25),
            Value::Float(f64::NAN),
            Value::text("é"),
            Value::Date(jiff::civil::date(2026, 3, 29)),
            Value::DateTime("2026-03-29T01:30:00.5Z".parse().unwrap()),
            Value::Json(Arc::new(json!({"a": [1]}))),
            Value::Ref(Arc::new(Reference { object: "contact".into(), key: Value::Int(7) })),
        ]);
        assert_eq!(
            value_to_json(&values),
            json!([null, true, -4, 0.25, null, "é", "2026-03-29", "2026-03-29T01:30:00.5Z", {"a": [1]}, {"ref": "contact", "key": 7}])
        );
        let time = value_from_json(&json!("2026-03-29 01:30:00"), Some(&field(FieldType::Datetime)));
        assert_eq!(value_to_json(&time), json!("2026-03-29T01:30:00Z"));
    }

    #[test]
    fn dates_and_times_must_have_the_documented_shape() {
        assert!(date_from_text("2026-03-29").is_some());
        assert!(date_from_text("20260329").is_none());
        assert!(date_from_text("2026-3-29").is_none());
        assert!(timestamp_from_text("2026-03-29T01:30").is_some());
        assert!(timestamp_from_text("2026-03-29 01:30:00.123").is_some());
        assert!(timestamp_from_text("2026-03-29").is_none());
        assert!(timestamp_from_text("2026-03-29 soon").is_none());
    }
}
