//! The query language of `POST /contacts/search` and `POST /conversations/search`.
//!
//! A query is a filter `{field, operator, value}` or a group `{operator: AND|OR, value: [..]}`;
//! at most two levels of groups and fifteen filters per group. Dates (Unix seconds) match by
//! calendar day in the workspace time zone, which is UTC here: `=` is the same day, `>` starts at
//! the next day, `<` ends before the day. Contacts search refuses `!=`, `<=`, `>=`, `IN` and `NIN`
//! on dates, as Intercom documents; conversations search accepts `<=` and `>=` as whole days.

use serde_json::Value;

use super::error::ApiError;

/// Most filters in one AND/OR group.
const MAX_GROUP: usize = 15;
/// Deepest nesting of groups.
const MAX_DEPTH: usize = 2;
const DAY: i64 = 86_400;

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Query {
    /// One comparison.
    Filter { field: String, operator: String, value: Value },
    /// All (`AND`) or any (`OR`) of the members.
    Group { all: bool, members: Vec<Query> },
}

/// The type of a searchable field, which decides how values compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldType {
    /// Compared as text; `exact_case` false compares case-insensitively (emails).
    Text {
        exact_case: bool,
    },
    /// Free text matched word by word (`source.body`).
    Words,
    Integer,
    Float,
    Boolean,
    /// Unix seconds, compared by UTC day.
    Date,
}

/// The values of a field on one object (several for `contact_ids`, `tag_ids`; none when unset).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldValues {
    pub field_type: FieldType,
    pub values: Vec<Value>,
}

/// The search endpoint's rules for date operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateRules {
    /// Only `=`, `<`, `>` on dates (contacts).
    Strict,
    /// `<=` and `>=` too (conversations).
    Lenient,
}

impl Query {
    /// Parses the `query` of a search body.
    pub(crate) fn parse(value: Option<&Value>) -> Result<Query, ApiError> {
        match value {
            Some(value) => Query::parse_at(value, 0),
            None => Err(ApiError::missing("query is a required parameter").with_field("query")),
        }
    }

    fn parse_at(value: &Value, depth: usize) -> Result<Query, ApiError> {
        let Value::Object(fields) = value else {
            return Err(ApiError::invalid("query must be an object").with_field("query"));
        };
        let operator = match fields.get("operator") {
            Some(Value::String(operator)) => operator.as_str(),
            _ => return Err(ApiError::invalid("operator is required in every query").with_field("operator")),
        };
        if let Some(Value::String(field)) = fields.get("field") {
            const OPERATORS: [&str; 12] = ["=", "!=", "IN", "NIN", "<", ">", "<=", ">=", "~", "!~", "^", "$"];
            if !OPERATORS.contains(&operator) {
                return Err(ApiError::invalid(format!("operator '{operator}' is not valid")).with_field("operator"));
            }
            let value = fields.get("value").cloned().unwrap_or(Value::Null);
            return Ok(Query::Filter { field: field.clone(), operator: operator.to_string(), value });
        }
        let all = match operator {
            "AND" => true,
            "OR" => false,
            _ => {
                return Err(ApiError::invalid(format!(
                    "operator '{operator}' needs a field, or use AND/OR with a list"
                ))
                .with_field("operator"));
            }
        };
        if depth >= MAX_DEPTH {
            return Err(ApiError::invalid(format!("a query can nest AND/OR groups at most {MAX_DEPTH} levels deep")));
        }
        let Some(Value::Array(members)) = fields.get("value") else {
            return Err(ApiError::invalid("the value of an AND/OR query must be a list").with_field("value"));
        };
        if members.len() > MAX_GROUP {
            return Err(ApiError::invalid(format!("an AND/OR group can hold at most {MAX_GROUP} filters")));
        }
        let members = members.iter().map(|member| Query::parse_at(member, depth + 1)).collect::<Result<_, _>>()?;
        Ok(Query::Group { all, members })
    }

    /// Whether an object matches; `lookup` gives a field's values, or an error for an unknown
    /// field.
    pub(crate) fn matches(
        &self,
        lookup: &dyn Fn(&str) -> Result<FieldValues, ApiError>,
        rules: DateRules,
    ) -> Result<bool, ApiError> {
        match self {
            Query::Group { all, members } => {
                let mut result = *all;
                for member in members {
                    // Evaluate every member so that errors do not depend on short-circuiting.
                    let matched = member.matches(lookup, rules)?;
                    result = if *all { result && matched } else { result || matched };
                }
                Ok(result)
            }
            Query::Filter { field, operator, value } => compare(field, &lookup(field)?, operator, value, rules),
        }
    }

    /// Checks every filter against the field types once, so that an invalid query fails even
    /// when nothing is searched.
    pub(crate) fn validate(
        &self,
        lookup: &dyn Fn(&str) -> Result<FieldValues, ApiError>,
        rules: DateRules,
    ) -> Result<(), ApiError> {
        self.matches(lookup, rules).map(|_| ())
    }
}

fn compare(
    field: &str,
    actual: &FieldValues,
    operator: &str,
    expected: &Value,
    rules: DateRules,
) -> Result<bool, ApiError> {
    let field_type = actual.field_type;
    if field_type == FieldType::Date {
        let refused = match rules {
            DateRules::Strict => ["!=", "<=", ">=", "IN", "NIN"].contains(&operator),
            DateRules::Lenient => ["IN", "NIN"].contains(&operator),
        };
        if refused || ["~", "!~", "^", "$"].contains(&operator) {
            return Err(ApiError::invalid(format!("operator '{operator}' is not supported on date field {field}")));
        }
    }
    if matches!(operator, "IN" | "NIN") {
        let Value::Array(options) = expected else {
            return Err(ApiError::invalid(format!("the value of {operator} on {field} must be a list")));
        };
        let mut found = false;
        for option in options {
            check_type(field, field_type, option)?;
            found |= actual.values.iter().any(|value| equal(field_type, value, option));
        }
        return Ok(found == (operator == "IN"));
    }
    if !expected.is_null() {
        check_type(field, field_type, expected)?;
    }
    let any = |test: &dyn Fn(&Value) -> bool| actual.values.iter().any(test);
    Ok(match operator {
        "=" if expected.is_null() => actual.values.is_empty(),
        "!=" if expected.is_null() => !actual.values.is_empty(),
        "=" => any(&|value| equal(field_type, value, expected)),
        "!=" => !any(&|value| equal(field_type, value, expected)),
        "<" | ">" | "<=" | ">=" => {
            if !matches!(field_type, FieldType::Integer | FieldType::Float | FieldType::Date) {
                return Err(ApiError::invalid(format!(
                    "operator '{operator}' needs a number or date field, not {field}"
                )));
            }
            let Some(limit) = expected.as_f64() else {
                return Err(ApiError::invalid(format!("the value of {operator} on {field} must be a number")));
            };
            any(&|value| value.as_f64().is_some_and(|number| order(field_type, number, limit, operator)))
        }
        _ => {
            let Some(needle) = expected.as_str() else {
                return Err(ApiError::invalid(format!("the value of {operator} on {field} must be a string")));
            };
            let needle = needle.to_lowercase();
            let test = |value: &Value| {
                let text = value.as_str().map(str::to_lowercase).unwrap_or_default();
                match operator {
                    "~" | "!~" => text.contains(&needle),
                    "^" => text.starts_with(&needle),
                    _ => text.ends_with(&needle),
                }
            };
            if operator == "!~" { !any(&test) } else { any(&test) }
        }
    })
}

/// The value must suit the field's type ("the value cannot be a string such as foobar" for dates).
fn check_type(field: &str, field_type: FieldType, value: &Value) -> Result<(), ApiError> {
    let fits = match field_type {
        FieldType::Text { .. } | FieldType::Words => value.is_string() || value.is_number(),
        FieldType::Integer | FieldType::Date => value.is_i64() || value.is_u64(),
        FieldType::Float => value.is_number(),
        FieldType::Boolean => value.is_boolean(),
    };
    if fits { Ok(()) } else { Err(ApiError::invalid(format!("the value for {field} has the wrong type"))) }
}

fn equal(field_type: FieldType, actual: &Value, expected: &Value) -> bool {
    match field_type {
        FieldType::Text { exact_case } => {
            let (Some(actual), Some(expected)) = (text(actual), text(expected)) else { return false };
            if exact_case { actual == expected } else { actual.to_lowercase() == expected.to_lowercase() }
        }
        FieldType::Words => {
            let (Some(actual), Some(expected)) = (text(actual), text(expected)) else { return false };
            let expected = expected.to_lowercase();
            actual.split(|c: char| !c.is_alphanumeric()).any(|word| word.to_lowercase() == expected)
        }
        FieldType::Date => match (actual.as_i64(), expected.as_i64()) {
            (Some(actual), Some(expected)) => actual.div_euclid(DAY) == expected.div_euclid(DAY),
            _ => false,
        },
        FieldType::Integer | FieldType::Float => {
            matches!((actual.as_f64(), expected.as_f64()), (Some(a), Some(b)) if a == b)
        }
        FieldType::Boolean => actual == expected,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn order(field_type: FieldType, actual: f64, limit: f64, operator: &str) -> bool {
    let (actual, limit) = if field_type == FieldType::Date {
        ((actual as i64).div_euclid(DAY) as f64, (limit as i64).div_euclid(DAY) as f64)
    } else {
        (actual, limit)
    };
    match operator {
        "<" => actual < limit,
        ">" => actual > limit,
        "<=" => actual <= limit,
        _ => actual >= limit,
    }
}

/// One page of search results and the `pages` object that goes with it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Page {
    /// The items on this page.
    pub items: Vec<Value>,
    /// `{type: "pages", page, per_page, total_pages, next?: {page, starting_after}}`.
    pub pages: Value,
    /// How many items matched in all.
    pub total_count: usize,
}

/// Cuts `items` into the page that `pagination` (`{per_page, starting_after}`) asks for.
/// `starting_after` is an opaque cursor from an earlier page's `pages.next`; a cursor this sandbox
/// did not issue is a 400 `client_error`.
pub(crate) fn paginate(
    items: Vec<Value>,
    pagination: Option<&Value>,
    default_per_page: usize,
    max_per_page: usize,
) -> Result<Page, ApiError> {
    let pagination = pagination.filter(|value| !value.is_null());
    let per_page = match pagination.and_then(|p| p.get("per_page")).filter(|value| !value.is_null()) {
        None => default_per_page,
        Some(value) => match value.as_u64() {
            Some(n) if (1..=max_per_page as u64).contains(&n) => n as usize,
            _ => {
                return Err(ApiError::invalid(format!("per_page must be an integer between 1 and {max_per_page}"))
                    .with_field("per_page"));
            }
        },
    };
    let start = match pagination.and_then(|p| p.get("starting_after")).filter(|value| !value.is_null()) {
        None => 0,
        Some(cursor) => cursor
            .as_str()
            .and_then(parse_cursor)
            .filter(|&offset| offset <= items.len())
            .ok_or_else(|| ApiError::new(400, "client_error", "The starting_after cursor is invalid"))?,
    };
    let total_count = items.len();
    let end = (start + per_page).min(total_count);
    let total_pages = total_count.div_ceil(per_page);
    let mut pages = serde_json::json!({
        "type": "pages",
        "page": start / per_page + 1,
        "per_page": per_page,
        "total_pages": total_pages,
    });
    if end < total_count {
        pages["next"] = serde_json::json!({ "page": end / per_page + 1, "starting_after": cursor(end) });
    }
    let items = items.into_iter().skip(start).take(per_page).collect();
    Ok(Page { items, pages, total_count })
}

/// The cursor for "after the first `offset` items".
fn cursor(offset: usize) -> String {
    format!("WzE{offset:x}XQ")
}

fn parse_cursor(text: &str) -> Option<usize> {
    let digits = text.strip_prefix("WzE")?.strip_suffix("XQ")?;
    usize::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn lookup(field: &str) -> Result<FieldValues, ApiError> {
        match field {
            "email" => {
                Ok(FieldValues { field_type: FieldType::Text { exact_case: false }, values: vec![json!("Ann@X.io")] })
            }
            "created_at" => Ok(FieldValues { field_type: FieldType::Date, values: vec![json!(1_577_869_200)] }),
            _ => Err(ApiError::invalid(format!("unknown field {field}"))),
        }
    }

    fn run(query: Value) -> Result<bool, ApiError> {
        Query::parse(Some(&query))?.matches(&lookup, DateRules::Strict)
    }

    #[test]
    fn pages_follow_cursors() {
        let items: Vec<Value> = (0..5).map(|n| json!(n)).collect();
        let first = paginate(items.clone(), Some(&json!({"per_page": 2})), 50, 150).unwrap();
        assert_eq!(first.items, vec![json!(0), json!(1)]);
        assert_eq!(first.total_count, 5);
        let next = first.pages["next"]["starting_after"].clone();
        let second = paginate(items.clone(), Some(&json!({"per_page": 2, "starting_after": next})), 50, 150).unwrap();
        assert_eq!(second.items, vec![json!(2), json!(3)]);
        assert_eq!(second.pages["page"], 2);
        let bad = paginate(items, Some(&json!({"starting_after": "nope"})), 50, 150).unwrap_err();
        assert_eq!((bad.status, bad.code), (400, "client_error"));
    }

    #[test]
    fn dates_match_by_day_and_text_by_value() {
        // 2020-01-01 09:00 UTC is on the day of 1577836800 (midnight).
        assert_eq!(run(json!({"field": "created_at", "operator": "=", "value": 1_577_836_800})), Ok(true));
        assert_eq!(run(json!({"field": "created_at", "operator": ">", "value": 1_577_836_800})), Ok(false));
        assert_eq!(run(json!({"field": "created_at", "operator": "<", "value": 1_577_923_200})), Ok(true));
        assert!(run(json!({"field": "created_at", "operator": ">=", "value": 1})).is_err());
        assert!(run(json!({"field": "created_at", "operator": "=", "value": "yesterday"})).is_err());
        assert_eq!(run(json!({"field": "email", "operator": "=", "value": "ann@x.io"})), Ok(true));
        let both = json!({"operator": "AND", "value": [
            {"field": "email", "operator": "^", "value": "ann"},
            {"field": "created_at", "operator": "=", "value": 1_577_836_800},
        ]});
        assert_eq!(run(both), Ok(true));
        let too_deep = json!({"operator": "OR", "value": [{"operator": "AND", "value": [
            {"operator": "AND", "value": [{"field": "email", "operator": "=", "value": "x"}]}]}]});
        assert!(run(too_deep).is_err());
    }
}
