//! Reading an [`Outgoing`](crate::drivers::Outgoing) record's fields in the shapes the Intercom
//! operations take: text, whole numbers, Unix seconds from RFC 3339 text, refs, lists.
//!
//! Every accessor checks the JSON shape and says what is wrong with which field of which kind,
//! so a mapping that produces the wrong type fails its record with a message naming the field
//! ([`WriteError::Rejected`]) before any request is sent.

use serde_json::{Map, Value as Json};

use crate::drivers::WriteError;
use crate::drivers::records::{date_from_text, timestamp_from_text};

/// The prefix of custom attribute fields (`custom_attributes.priority`).
pub const CUSTOM_PREFIX: &str = "custom_attributes.";

/// A reference to another destination record: `{"kind": "contact", "id": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The referenced kind (`contact`, `admin`, `team`, `company`).
    pub kind: String,
    /// Its destination id.
    pub id: String,
}

/// The fields of one outgoing record of `kind`, with typed accessors.
#[derive(Clone, Copy, Debug)]
pub struct RecordFields<'a> {
    kind: &'a str,
    fields: &'a Map<String, Json>,
}

impl<'a> RecordFields<'a> {
    /// The fields of a record of `kind`.
    pub fn new(kind: &'a str, fields: &'a Map<String, Json>) -> Self {
        Self { kind, fields }
    }

    /// Whether the mapping produced a (non-null) value for `name`.
    pub fn has(&self, name: &str) -> bool {
        self.fields.get(name).is_some_and(|value| !value.is_null())
    }

    /// The raw value of `name`, `None` when absent or null.
    pub fn get(&self, name: &str) -> Option<&'a Json> {
        self.fields.get(name).filter(|value| !value.is_null())
    }

    /// A `Rejected` error about field `name`.
    pub fn invalid(&self, name: &str, expected: &str, found: &Json) -> WriteError {
        WriteError::Rejected(format!(
            "{} field `{name}`: expected {expected}, found {}; fix the mapping of this field",
            self.kind,
            shorten(found)
        ))
    }

    /// A `Rejected` error for a missing required field.
    pub fn missing(&self, name: &str, why: &str) -> WriteError {
        WriteError::Rejected(format!(
            "{} field `{name}` is empty, but {why}; map a value to it or filter such records out",
            self.kind
        ))
    }

    /// Text (numbers and booleans are written as text).
    pub fn text(&self, name: &str) -> Result<Option<String>, WriteError> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::String(text)) => Ok(Some(text.clone())),
            Some(value @ (Json::Number(_) | Json::Bool(_))) => Ok(Some(value.to_string())),
            Some(other) => Err(self.invalid(name, "text", other)),
        }
    }

    /// Text that must be there.
    pub fn required_text(&self, name: &str, why: &str) -> Result<String, WriteError> {
        self.text(name)?.filter(|text| !text.trim().is_empty()).ok_or_else(|| self.missing(name, why))
    }

    /// A whole number (a decimal is truncated, as Intercom does with `monthly_spend`).
    pub fn int(&self, name: &str) -> Result<Option<i64>, WriteError> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::Number(number)) => match number.as_i64() {
                Some(whole) => Ok(Some(whole)),
                None => number
                    .as_f64()
                    .filter(|value| value.is_finite() && value.abs() < 9.0e15)
                    .map(|value| Some(value.trunc() as i64))
                    .ok_or_else(|| self.invalid(name, "a whole number", &Json::Number(number.clone()))),
            },
            Some(other) => Err(self.invalid(name, "a whole number", other)),
        }
    }

    /// true/false.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, WriteError> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(self.invalid(name, "true or false", other)),
        }
    }

    /// A point in time as Unix seconds: RFC 3339 text (`2024-05-01T12:00:00Z`), a date
    /// (`2024-05-01`, midnight UTC) or a number of seconds.
    pub fn time(&self, name: &str) -> Result<Option<i64>, WriteError> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => unix_seconds(value)
                .map(Some)
                .ok_or_else(|| self.invalid(name, "an RFC 3339 date-time such as 2024-05-01T12:00:00Z", value)),
        }
    }

    /// A reference `{"kind": KIND, "id": ID}`.
    pub fn reference(&self, name: &str) -> Result<Option<Reference>, WriteError> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => reference(value)
                .map(Some)
                .ok_or_else(|| self.invalid(name, "a resolved reference {\"kind\": …, \"id\": …}", value)),
        }
    }

    /// A reference to a record of `kind`.
    pub fn reference_to(&self, name: &str, kind: &str) -> Result<Option<Reference>, WriteError> {
        match self.reference(name)? {
            Some(found) if found.kind != kind => Err(WriteError::Rejected(format!(
                "{} field `{name}` refers to a `{}` record, but it must refer to a `{kind}`; fix the ref() target of this field",
                self.kind, found.kind
            ))),
            other => Ok(other),
        }
    }

    /// A list of references (a single one counts as a list of one).
    pub fn references(&self, name: &str) -> Result<Vec<Reference>, WriteError> {
        self.list(name)
            .into_iter()
            .map(|value| {
                reference(value)
                    .ok_or_else(|| self.invalid(name, "a list of resolved references {\"kind\": …, \"id\": …}", value))
            })
            .collect()
    }

    /// A list of texts (a single text counts as a list of one; empty texts are skipped).
    pub fn texts(&self, name: &str) -> Result<Vec<String>, WriteError> {
        let mut texts = Vec::new();
        for value in self.list(name) {
            match value {
                Json::String(text) if text.trim().is_empty() => {}
                Json::String(text) => texts.push(text.clone()),
                other => return Err(self.invalid(name, "a list of texts", other)),
            }
        }
        Ok(texts)
    }

    /// The items of a list field (a single value counts as a list of one; nulls are skipped).
    pub fn list(&self, name: &str) -> Vec<&'a Json> {
        match self.get(name) {
            None => Vec::new(),
            Some(Json::Array(items)) => items.iter().filter(|item| !item.is_null()).collect(),
            Some(single) => vec![single],
        }
    }

    /// The custom attributes: `(NAME, value)` for every field `custom_attributes.NAME`.
    pub fn custom_attributes(&self) -> Vec<(&'a str, &'a Json)> {
        self.fields
            .iter()
            .filter(|(_, value)| !value.is_null())
            .filter_map(|(key, value)| Some((key.strip_prefix(CUSTOM_PREFIX)?, value)))
            .collect()
    }
}

/// Unix seconds of RFC 3339 text, a `YYYY-MM-DD` date (midnight UTC) or a number.
pub fn unix_seconds(value: &Json) -> Option<i64> {
    match value {
        Json::Number(number) => number.as_i64(),
        Json::String(text) => {
            if let Some(time) = timestamp_from_text(text) {
                return Some(time.as_second());
            }
            let date = date_from_text(text)?;
            jiff::tz::TimeZone::UTC
                .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
                .ok()
                .map(|t| t.as_second())
        }
        _ => None,
    }
}

/// `{"kind": KIND, "id": ID}` (the id text or a number).
fn reference(value: &Json) -> Option<Reference> {
    let object = value.as_object()?;
    let kind = object.get("kind")?.as_str()?.to_owned();
    let id = match object.get("id")? {
        Json::String(id) if !id.is_empty() => id.clone(),
        Json::Number(id) => id.to_string(),
        _ => return None,
    };
    Some(Reference { kind, id })
}

/// A value for a message: at most 80 characters of its JSON.
fn shorten(value: &Json) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(value: Json) -> Map<String, Json> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn times_refs_and_lists_are_read_in_the_shapes_operations_take() {
        let map = fields(json!({
            "created_at": "2020-09-13T12:26:40Z",
            "day": "2020-09-13",
            "from": {"kind": "contact", "id": "c1"},
            "tags": ["vip", "", "billing"],
            "one": "solo",
            "custom_attributes.priority": "high",
            "custom_attributes.gone": null,
        }));
        let record = RecordFields::new("conversation", &map);
        assert_eq!(record.time("created_at").unwrap(), Some(1_600_000_000));
        assert_eq!(record.time("day").unwrap(), Some(1_599_955_200));
        assert_eq!(record.reference_to("from", "contact").unwrap().unwrap().id, "c1");
        assert_eq!(record.texts("tags").unwrap(), ["vip", "billing"]);
        assert_eq!(record.texts("one").unwrap(), ["solo"]);
        assert_eq!(record.custom_attributes(), [("priority", &json!("high"))]);
    }

    #[test]
    fn wrong_shapes_name_the_kind_and_the_field() {
        let map = fields(json!({"created_at": "yesterday", "from": {"kind": "admin", "id": "7"}, "size": "big"}));
        let record = RecordFields::new("conversation", &map);
        let error = record.time("created_at").unwrap_err();
        assert_eq!(
            error.to_string(),
            "rejected: conversation field `created_at`: expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z, \
             found \"yesterday\"; fix the mapping of this field"
        );
        let error = record.reference_to("from", "contact").unwrap_err();
        assert!(error.to_string().contains("refers to a `admin` record, but it must refer to a `contact`"), "{error}");
        assert!(record.int("size").unwrap_err().to_string().contains("expected a whole number"));
        assert!(record.required_text("body", "a conversation needs a first message").is_err());
    }
}
