//! Runtime values.
//!
//! The checker has already proved what kind of value every expression gives, so values carry no
//! type tags beyond what evaluation needs: text and HTML are both `Text`, an enumeration value is
//! its text, a relation is the related record's id.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// One value.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// No value (Odoo's `False` for an empty field, SQL NULL, a missing JSON key).
    #[default]
    Null,
    /// true/false.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// Text or HTML.
    Text(Arc<str>),
    /// A calendar date.
    Date(jiff::civil::Date),
    /// A point in time (UTC).
    DateTime(jiff::Timestamp),
    /// A list.
    List(Arc<[Value]>),
    /// Structured data of no fixed shape.
    Json(Arc<serde_json::Value>),
    /// `ref(object, key)`: the destination record an object migrated for a source key. The
    /// interpreter stays pure by leaving it unresolved; the runner looks it up in the ledger.
    Ref(Arc<Reference>),
}

/// An unresolved reference to a migrated record.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The spec object that migrates the referenced record.
    pub object: Arc<str>,
    /// The referenced record's source id.
    pub key: Value,
}

impl Value {
    /// Text from anything string-like.
    pub fn text(text: impl Into<Arc<str>>) -> Self {
        Value::Text(text.into())
    }

    /// A list from values.
    pub fn list(items: impl Into<Arc<[Value]>>) -> Self {
        Value::List(items.into())
    }

    /// Whether this is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The text, if this is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The number as a float, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Truth in a condition: only `true` is true; null and everything else is false.
    pub fn is_true(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    /// What kind of value this is, for runtime error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Text(_) => "text",
            Value::Date(_) => "date",
            Value::DateTime(_) => "datetime",
            Value::List(_) => "list",
            Value::Json(_) => "json",
            Value::Ref(_) => "ref",
        }
    }

    /// Order two values of comparable kinds (numbers with numbers, text with text, dates with
    /// dates, a date with a datetime at midnight UTC); `None` for anything else, including null.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Text(a), Value::Text(b)) => Some(a.cmp(b)),
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::DateTime(a), Value::DateTime(b)) => Some(a.cmp(b)),
            (Value::Date(a), Value::DateTime(b)) => Some(midnight(*a)?.cmp(b)),
            (Value::DateTime(a), Value::Date(b)) => Some(a.cmp(&midnight(*b)?)),
            (a, b) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        }
    }

    /// Equality as `==` sees it: numbers by value (1 == 1.0), text by text, lists item by item,
    /// null only equal to null.
    pub fn equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Null, _) | (_, Value::Null) => false,
            (Value::List(a), Value::List(b)) => a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.equals(y)),
            (Value::Json(a), Value::Json(b)) => a == b,
            (Value::Ref(a), Value::Ref(b)) => a.object == b.object && a.key.equals(&b.key),
            (a, b) => a.compare(b) == Some(Ordering::Equal),
        }
    }
}

fn midnight(date: jiff::civil::Date) -> Option<jiff::Timestamp> {
    date.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp())
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.equals(other) || (self.is_null() && other.is_null())
    }
}

impl fmt::Display for Value {
    /// The text form used by `to_text`, `concat` and table keys: numbers plainly, dates in ISO 8601.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => write!(f, "{x:.1}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Text(text) => f.write_str(text),
            Value::Date(date) => write!(f, "{date}"),
            Value::DateTime(time) => write!(f, "{time}"),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Json(json) => write!(f, "{json}"),
            Value::Ref(reference) => write!(f, "ref({}, {})", reference.object, reference.key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_follow_the_documented_rules() {
        assert!(Value::Int(1).equals(&Value::Float(1.0)));
        assert!(!Value::Null.equals(&Value::Int(0)));
        assert!(Value::Null.equals(&Value::Null));
        assert_eq!(Value::text("a").compare(&Value::text("b")), Some(Ordering::Less));
        assert_eq!(Value::text("a").compare(&Value::Int(1)), None);
        let date = jiff::civil::date(2026, 11, 21);
        let time: jiff::Timestamp = "2026-11-21T10:00:00Z".parse().unwrap();
        assert_eq!(Value::Date(date).compare(&Value::DateTime(time)), Some(Ordering::Less));
        assert_eq!(Value::Float(2.0).to_string(), "2.0");
        assert_eq!(Value::DateTime(time).to_string(), "2026-11-21T10:00:00Z");
    }
}
