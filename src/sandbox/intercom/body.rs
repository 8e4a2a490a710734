//! Typed access to a JSON request body, with Intercom's validation errors.

use serde_json::{Map, Value};

use super::error::ApiError;

/// A request body seen as a JSON object. Getters return `Ok(None)` for an absent or `null` field
/// and a 400 `parameter_invalid` naming the field when it has the wrong type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Body<'a> {
    fields: Option<&'a Map<String, Value>>,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Body<'a> {
    /// The body of a request: an object, or nothing. Any other JSON value is a 400.
    pub(crate) fn new(value: Option<&'a Value>) -> Result<Body<'a>, ApiError> {
        match value {
            None | Some(Value::Null) => Ok(Body { fields: None }),
            Some(Value::Object(fields)) => Ok(Body { fields: Some(fields) }),
            Some(_) => Err(ApiError::invalid("The request body must be a JSON object")),
        }
    }

    /// A nested object as a body (`from`, `assignment`, …); `null` or absent is an empty body.
    pub(crate) fn object(&self, key: &str) -> Result<Body<'a>, ApiError> {
        match self.get(key) {
            None => Ok(Body { fields: None }),
            Some(Value::Object(fields)) => Ok(Body { fields: Some(fields) }),
            Some(_) => Err(type_error(key, "an object")),
        }
    }

    /// Whether the field is present (even as `null`).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.fields.is_some_and(|fields| fields.contains_key(key))
    }

    /// The raw value, `None` for absent or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.fields.and_then(|fields| fields.get(key)).filter(|value| !value.is_null())
    }

    /// All fields (empty when there is no body).
    pub(crate) fn fields(&self) -> &'a Map<String, Value> {
        self.fields.unwrap_or(&EMPTY)
    }

    /// A string field.
    pub(crate) fn str(&self, key: &str) -> Result<Option<&'a str>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(type_error(key, "a string")),
        }
    }

    /// A string field that must be present and not empty; `missing` is the error otherwise.
    pub(crate) fn required_str(&self, key: &str, missing: ApiError) -> Result<&'a str, ApiError> {
        match self.str(key)? {
            Some(text) if !text.trim().is_empty() => Ok(text),
            _ => Err(missing),
        }
    }

    /// An integer field (Unix timestamps, sizes).
    pub(crate) fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(number)) if number.as_i64().is_some() => Ok(number.as_i64()),
            Some(_) => Err(type_error(key, "an integer")),
        }
    }

    /// A boolean field.
    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(type_error(key, "a boolean")),
        }
    }

    /// An id field the spec types as a string; integers are accepted too, as Intercom does.
    pub(crate) fn id(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) if number.as_u64().is_some() => Ok(Some(number.to_string())),
            Some(_) => Err(type_error(key, "a string")),
        }
    }

    /// An id field that must be a JSON string, as the spec says (`POST /conversations/{id}/parts`).
    pub(crate) fn string_id(&self, key: &str) -> Result<Option<String>, ApiError> {
        Ok(self.str(key)?.map(str::to_string))
    }

    /// An array field.
    pub(crate) fn array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(type_error(key, "an array")),
        }
    }

    /// An object field, as a map.
    pub(crate) fn map(&self, key: &str) -> Result<Option<&'a Map<String, Value>>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(type_error(key, "an object")),
        }
    }
}

/// 400 `parameter_invalid`: `key` is not of the expected type.
fn type_error(key: &str, expected: &str) -> ApiError {
    ApiError::invalid(format!("{key} must be {expected}")).with_field(key)
}

/// Parses a numeric id from a path or body (`"123"`); anything else is `None`.
pub(crate) fn numeric_id(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
