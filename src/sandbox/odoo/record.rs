//! [`Record`]: one stored row of an emulated model, with its values as [`Stored`].

use std::collections::HashMap;

use super::field::FieldKind;

/// A value as the emulator stores it (PostgreSQL's view: `Null` is SQL NULL).
#[derive(Clone, Debug, PartialEq)]
pub enum Stored {
    /// SQL NULL: read as False (0 for integers, 0.0 for floats, `[]` for to-many fields).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer or a many2one id.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text: char, text, html, selection key, date, naive-UTC datetime, base64 binary.
    Text(String),
    /// The ids of a to-many field, in the comodel's order.
    Ids(Vec<i64>),
    /// A properties value (JSON).
    Json(serde_json::Value),
}

impl Stored {
    /// The stored form of a generated NDJSON value for a field of `kind`.
    pub fn from_json(kind: FieldKind, value: serde_json::Value) -> Stored {
        use serde_json::Value;
        match (kind, value) {
            (_, Value::Null) => Stored::Null,
            (FieldKind::Properties | FieldKind::PropertiesDefinition, value) => Stored::Json(value),
            (_, Value::Bool(flag)) => Stored::Bool(flag),
            (FieldKind::Float, Value::Number(number)) => Stored::Float(number.as_f64().unwrap_or_default()),
            (_, Value::Number(number)) => match number.as_i64() {
                Some(int) => Stored::Int(int),
                None => Stored::Float(number.as_f64().unwrap_or_default()),
            },
            (FieldKind::Datetime, Value::String(text)) => Stored::Text(naive_utc(&text)),
            (_, Value::String(text)) => Stored::Text(text),
            (_, Value::Array(items)) => Stored::Ids(items.iter().filter_map(Value::as_i64).collect()),
            (_, value @ Value::Object(_)) => Stored::Json(value),
        }
    }

    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Stored::Null)
    }

    /// The id of a many2one (or an integer).
    pub fn as_id(&self) -> Option<i64> {
        match self {
            Stored::Int(id) => Some(*id),
            _ => None,
        }
    }

    /// The text, when the value is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Stored::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// `2024-03-05T14:22:09Z` (RFC 3339 UTC, as the generator writes) → `2024-03-05 14:22:09`
/// (Odoo's naive UTC, seconds precision).
pub fn naive_utc(text: &str) -> String {
    let mut naive: String = text.chars().take(19).collect();
    if naive.len() == 19 && naive.as_bytes()[10] == b'T' {
        naive.replace_range(10..11, " ");
    }
    naive
}

/// One row: its id and its stored values by field name.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// `id`.
    pub id: i64,
    /// Values by field name; a field not present reads as NULL.
    pub values: HashMap<String, Stored>,
}

impl Record {
    /// The stored value of `field` (`id` included); NULL when absent.
    pub fn get(&self, field: &str) -> Stored {
        if field == "id" {
            return Stored::Int(self.id);
        }
        self.values.get(field).cloned().unwrap_or(Stored::Null)
    }

    /// A reference to the stored value of `field` (`None` for NULL or absent; not for `id`).
    pub fn value(&self, field: &str) -> Option<&Stored> {
        self.values.get(field).filter(|value| !value.is_null())
    }

    /// Whether the record is archived (`active` false; records without `active` never are).
    pub fn is_archived(&self) -> bool {
        matches!(self.values.get("active"), Some(Stored::Bool(false)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_become_naive_utc_with_seconds() {
        assert_eq!(naive_utc("2024-03-05T14:22:09Z"), "2024-03-05 14:22:09");
        assert_eq!(naive_utc("2024-03-05T14:22:09.123Z"), "2024-03-05 14:22:09");
        assert_eq!(
            Stored::from_json(FieldKind::Datetime, serde_json::json!("2024-03-05T14:22:09Z")),
            Stored::Text("2024-03-05 14:22:09".to_owned())
        );
        assert_eq!(Stored::from_json(FieldKind::Many2many, serde_json::json!([3, 7])), Stored::Ids(vec![3, 7]));
        assert_eq!(Stored::from_json(FieldKind::Float, serde_json::json!(2)), Stored::Float(2.0));
    }
}
