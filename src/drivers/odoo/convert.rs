//! Odoo's value conventions decoded into JSON, given the field's type from `fields_get`.
//!
//! Odoo sends `False` for an empty field of any type, a many2one as `[id, display_name]`,
//! date-times as naive-UTC text, large integers as doubles and binary content as base64 text (see
//! the digest's section 3.1). [`odoo_to_json`] turns that into what the rest of the pipeline
//! expects: null, a bare id, RFC 3339 with `Z`, integers, and base64 text kept as it is.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Number, Value};

use super::value::XmlRpcValue;

/// The JSON value of an Odoo field value. `field_type` is the field's `type` from `fields_get`
/// (`char`, `many2one`, `datetime`, …); `None`, or a type not listed here, converts by XML-RPC type
/// alone (`False` then stays `false`).
pub fn odoo_to_json(value: &XmlRpcValue, field_type: Option<&str>) -> Value {
    let Some(field_type) = field_type else {
        return plain_json(value);
    };
    if field_type == "boolean" {
        return match value {
            XmlRpcValue::Bool(flag) => Value::Bool(*flag),
            XmlRpcValue::Int(number) => Value::Bool(*number != 0),
            XmlRpcValue::Nil => Value::Null,
            other => plain_json(other),
        };
    }
    // Every other type sends False (and, rarely, nil) for "empty".
    if matches!(value, XmlRpcValue::Bool(false) | XmlRpcValue::Nil) {
        return Value::Null;
    }
    match field_type {
        "char" | "text" | "html" | "selection" | "reference" | "date" => match value {
            // Odoo stores some empty texts as "" and others as NULL; both mean "no value".
            XmlRpcValue::String(text) if text.is_empty() => Value::Null,
            // Selections on integer keys send the key as an int; keys are text.
            XmlRpcValue::Int(number) => Value::String(number.to_string()),
            other => plain_json(other),
        },
        "datetime" => match value {
            XmlRpcValue::String(text) if text.is_empty() => Value::Null,
            XmlRpcValue::String(text) | XmlRpcValue::DateTime(text) => {
                Value::String(naive_utc_to_rfc3339(text).unwrap_or_else(|| text.clone()))
            }
            other => plain_json(other),
        },
        "integer" | "many2one_reference" => match value {
            XmlRpcValue::Double(number) => whole_number(*number),
            other => plain_json(other),
        },
        "float" | "monetary" => match value {
            #[allow(clippy::cast_precision_loss)] // a float field's value is a double in Odoo
            XmlRpcValue::Int(number) => double(*number as f64),
            other => plain_json(other),
        },
        "many2one" => match value {
            XmlRpcValue::Array(pair) => pair.first().map_or(Value::Null, id_json),
            other => id_json(other),
        },
        "one2many" | "many2many" => match value {
            XmlRpcValue::Array(ids) => Value::Array(ids.iter().map(id_json).collect()),
            other => plain_json(other),
        },
        "binary" => match value {
            XmlRpcValue::String(text) if text.is_empty() => Value::Null,
            other => plain_json(other),
        },
        _ => plain_json(value),
    }
}

/// A value by its XML-RPC type alone: base64 as text, non-finite doubles as null.
fn plain_json(value: &XmlRpcValue) -> Value {
    match value {
        XmlRpcValue::Int(number) => Value::from(*number),
        XmlRpcValue::Bool(flag) => Value::Bool(*flag),
        XmlRpcValue::String(text) | XmlRpcValue::DateTime(text) => Value::String(text.clone()),
        XmlRpcValue::Double(number) => double(*number),
        XmlRpcValue::Base64(bytes) => Value::String(STANDARD.encode(bytes)),
        XmlRpcValue::Struct(members) => {
            Value::Object(members.iter().map(|(name, value)| (name.clone(), plain_json(value))).collect::<Map<_, _>>())
        }
        XmlRpcValue::Array(values) => Value::Array(values.iter().map(plain_json).collect()),
        XmlRpcValue::Nil => Value::Null,
    }
}

/// A double as a JSON number; JSON has no infinity or NaN, so those become null.
fn double(number: f64) -> Value {
    Number::from_f64(number).map_or(Value::Null, Value::Number)
}

/// A double that holds a whole number (Odoo sends integers beyond 32 bits this way) as an integer.
fn whole_number(number: f64) -> Value {
    // 2^63 as a double: below it every whole double converts to i64 exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if number.fract() == 0.0 && number.abs() < LIMIT {
        #[allow(clippy::cast_possible_truncation)] // whole and in range, checked above
        return Value::from(number as i64);
    }
    double(number)
}

/// A record id: an int, or a double holding one.
fn id_json(value: &XmlRpcValue) -> Value {
    match value {
        XmlRpcValue::Double(number) => whole_number(*number),
        other => plain_json(other),
    }
}

/// `2026-03-29 01:30:00` (Odoo, naive UTC), `2026-03-29 01:30:00.123`, `2026-03-29T01:30:00` or
/// `20260329T01:30:00` (XML-RPC's dateTime) as `2026-03-29T01:30:00Z`; `None` when it is none of
/// these.
fn naive_utc_to_rfc3339(text: &str) -> Option<String> {
    let text = text.trim();
    let (date, time) = text.split_once([' ', 'T'])?;
    let date = match date.len() {
        10 => date.to_owned(),
        8 if date.bytes().all(|byte| byte.is_ascii_digit()) => {
            format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..])
        }
        _ => return None,
    };
    let date_ok = date
        .bytes()
        .enumerate()
        .all(|(index, byte)| if index == 4 || index == 7 { byte == b'-' } else { byte.is_ascii_digit() });
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (time, None),
    };
    let clock_ok = clock.len() == 8
        && clock
            .bytes()
            .enumerate()
            .all(|(index, byte)| if index == 2 || index == 5 { byte == b':' } else { byte.is_ascii_digit() });
    let fraction_ok =
        fraction.is_none_or(|digits| !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()));
    if !(date_ok && clock_ok && fraction_ok) {
        return None;
    }
    Some(match fraction {
        Some(digits) => format!("{date}T{clock}.{digits}Z"),
        None => format!("{date}T{clock}Z"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn text(value: &str) -> XmlRpcValue {
        XmlRpcValue::String(value.into())
    }

    #[test]
    fn false_is_null_for_every_type_but_boolean() {
        for field_type in [
            "char",
            "text",
            "html",
            "integer",
            "float",
            "monetary",
            "date",
            "datetime",
            "selection",
            "many2one",
            "one2many",
            "many2many",
            "binary",
            "json",
            "properties",
            "reference",
        ] {
            assert_eq!(odoo_to_json(&XmlRpcValue::Bool(false), Some(field_type)), Value::Null, "{field_type}");
            assert_eq!(odoo_to_json(&XmlRpcValue::Nil, Some(field_type)), Value::Null, "{field_type}");
        }
        assert_eq!(odoo_to_json(&XmlRpcValue::Bool(false), Some("boolean")), json!(false));
        assert_eq!(odoo_to_json(&XmlRpcValue::Bool(true), Some("boolean")), json!(true));
        assert_eq!(odoo_to_json(&XmlRpcValue::Bool(false), None), json!(false));
    }

    #[test]
    fn empty_text_is_null_like_false() {
        assert_eq!(odoo_to_json(&text(""), Some("char")), Value::Null);
        assert_eq!(odoo_to_json(&text(""), Some("binary")), Value::Null);
        assert_eq!(odoo_to_json(&text("<p>Hi &amp; bye</p>"), Some("html")), json!("<p>Hi &amp; bye</p>"));
    }

    #[test]
    fn many2one_pair_becomes_its_id() {
        let pair = XmlRpcValue::Array(vec![XmlRpcValue::Int(7), text("Zoë")]);
        assert_eq!(odoo_to_json(&pair, Some("many2one")), json!(7));
        assert_eq!(odoo_to_json(&XmlRpcValue::Int(7), Some("many2one")), json!(7), "load=''");
    }

    #[test]
    fn x2many_is_an_array_of_ids() {
        let ids = XmlRpcValue::Array(vec![XmlRpcValue::Int(1), XmlRpcValue::Int(5)]);
        assert_eq!(odoo_to_json(&ids, Some("many2many")), json!([1, 5]));
        assert_eq!(odoo_to_json(&XmlRpcValue::Array(vec![]), Some("one2many")), json!([]));
    }

    #[test]
    fn naive_utc_date_times_become_rfc_3339() {
        assert_eq!(odoo_to_json(&text("2026-03-29 01:30:00"), Some("datetime")), json!("2026-03-29T01:30:00Z"));
        assert_eq!(odoo_to_json(&text("2026-03-29 01:30:00.250"), Some("datetime")), json!("2026-03-29T01:30:00.250Z"));
        assert_eq!(
            odoo_to_json(&XmlRpcValue::DateTime("20260329T01:30:00".into()), Some("datetime")),
            json!("2026-03-29T01:30:00Z")
        );
        assert_eq!(odoo_to_json(&text("yesterday"), Some("datetime")), json!("yesterday"), "kept for a later check");
    }

    #[test]
    fn dates_are_kept() {
        assert_eq!(odoo_to_json(&text("2026-03-29"), Some("date")), json!("2026-03-29"));
    }

    #[test]
    fn whole_doubles_in_integer_fields_become_integers() {
        assert_eq!(odoo_to_json(&XmlRpcValue::Double(3_000_000_000.0), Some("integer")), json!(3_000_000_000_i64));
        assert_eq!(odoo_to_json(&XmlRpcValue::Double(2.5), Some("integer")), json!(2.5));
        assert_eq!(odoo_to_json(&XmlRpcValue::Int(0), Some("integer")), json!(0));
        assert_eq!(odoo_to_json(&XmlRpcValue::Double(1.0), Some("float")), json!(1.0));
        assert_eq!(odoo_to_json(&XmlRpcValue::Int(2), Some("monetary")), json!(2.0));
        assert_eq!(odoo_to_json(&XmlRpcValue::Double(f64::NAN), Some("float")), Value::Null);
    }

    #[test]
    fn binary_stays_base64_text() {
        assert_eq!(odoo_to_json(&text("aGVsbG8="), Some("binary")), json!("aGVsbG8="));
        assert_eq!(odoo_to_json(&XmlRpcValue::Base64(b"hello".to_vec()), Some("binary")), json!("aGVsbG8="));
    }

    #[test]
    fn selection_keys_are_text() {
        assert_eq!(odoo_to_json(&text("2"), Some("selection")), json!("2"));
        assert_eq!(odoo_to_json(&XmlRpcValue::Int(2), Some("selection")), json!("2"));
    }

    #[test]
    fn json_and_properties_convert_structurally() {
        let value = XmlRpcValue::Array(vec![XmlRpcValue::Struct(vec![
            ("name".into(), text("p1")),
            ("value".into(), XmlRpcValue::Bool(false)),
        ])]);
        assert_eq!(odoo_to_json(&value, Some("properties")), json!([{"name": "p1", "value": false}]));
    }
}
