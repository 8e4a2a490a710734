//! List built-ins, and the two that look at any value: `is_empty` and `coalesce`.

use super::{argument, list_argument, trim_text, wrong_kind};
use crate::run::value::Value;

/// `first(list)`: the first item; null when the list is empty or null.
pub fn first(args: &[Value]) -> Result<Value, String> {
    Ok(items_or_none(args)?.and_then(<[Value]>::first).cloned().unwrap_or_default())
}

/// `last(list)`: the last item; null when the list is empty or null.
pub fn last(args: &[Value]) -> Result<Value, String> {
    Ok(items_or_none(args)?.and_then(<[Value]>::last).cloned().unwrap_or_default())
}

/// `count(list)`: the number of items; a null list has none.
pub fn count(args: &[Value]) -> Result<Value, String> {
    let count = items_or_none(args)?.map_or(0, <[Value]>::len);
    Ok(Value::Int(i64::try_from(count).unwrap_or(i64::MAX)))
}

/// `unique(list)`: the items without repeats (by `==`), in first-seen order; a null list is empty.
pub fn unique(args: &[Value]) -> Result<Value, String> {
    let Some(items) = items_or_none(args)? else {
        return Ok(Value::list(Vec::new()));
    };
    let mut kept: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !kept.iter().any(|seen| seen.equals(item)) {
            kept.push(item.clone());
        }
    }
    if kept.len() == items.len() {
        // Nothing repeated: share the list instead of copying it.
        return Ok(args[0].clone());
    }
    Ok(Value::list(kept))
}

/// `flatten(value, …)`: the items of list arguments and the other arguments, in order, without
/// nulls.
pub fn flatten(args: &[Value]) -> Result<Value, String> {
    let mut items = Vec::new();
    for arg in args {
        match arg {
            Value::Null => {}
            Value::List(list) => items.extend(list.iter().filter(|item| !item.is_null()).cloned()),
            other => items.push(other.clone()),
        }
    }
    Ok(Value::list(items))
}

/// `prefix_each(list, prefix)`: each item as text after the prefix; nulls left out.
pub fn prefix_each(args: &[Value]) -> Result<Value, String> {
    let prefix = match argument(args, 1)? {
        Value::Text(text) => text.clone(),
        Value::Null => "".into(),
        other => return Err(wrong_kind("prefix", "text", other)),
    };
    let items = items_or_none(args)?.unwrap_or_default();
    Ok(Value::list(
        items
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| Value::text(format!("{prefix}{item}")))
            .collect::<Vec<_>>(),
    ))
}

/// `nonempty(value)`: the value, or null when `is_empty` says it is empty.
pub fn nonempty(args: &[Value]) -> Result<Value, String> {
    if is_empty(args)?.is_true() { Ok(Value::Null) } else { argument(args, 0).cloned() }
}

/// `is_empty(value)`: null, text that is empty after `trim`, an empty list, or empty JSON.
pub fn is_empty(args: &[Value]) -> Result<Value, String> {
    let empty = match argument(args, 0)? {
        Value::Null => true,
        Value::Text(text) => trim_text(text).is_empty(),
        Value::List(items) => items.is_empty(),
        Value::Json(json) => match &**json {
            serde_json::Value::Null => true,
            serde_json::Value::String(text) => trim_text(text).is_empty(),
            serde_json::Value::Array(items) => items.is_empty(),
            serde_json::Value::Object(entries) => entries.is_empty(),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => false,
        },
        _ => false,
    };
    Ok(Value::Bool(empty))
}

/// `coalesce(value, …)`: the first argument that is not null; null when all are.
pub fn coalesce(args: &[Value]) -> Result<Value, String> {
    Ok(args.iter().find(|value| !value.is_null()).cloned().unwrap_or_default())
}

/// The items of the list argument, `None` when it is null.
fn items_or_none(args: &[Value]) -> Result<Option<&[Value]>, String> {
    match argument(args, 0)? {
        Value::Null => Ok(None),
        Value::List(_) => list_argument(args, 0, "list").map(Some),
        other => Err(wrong_kind("list", "a list", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value {
        Value::text(value)
    }

    #[test]
    fn first_and_last_of_empty_and_null_lists_are_null() {
        let empty = Value::list(Vec::new());
        assert!(first(std::slice::from_ref(&empty)).unwrap().is_null());
        assert!(last(&[empty]).unwrap().is_null());
        assert!(first(&[Value::Null]).unwrap().is_null());
        let list = Value::list(vec![Value::Int(1), Value::Int(2)]);
        assert_eq!(last(&[list]).unwrap(), Value::Int(2));
    }

    #[test]
    fn unique_keeps_the_first_of_equal_items() {
        let list = Value::list(vec![Value::Int(1), text("a"), Value::Float(1.0), Value::Null, text("a"), Value::Null]);
        let result = unique(&[list]).unwrap();
        assert_eq!(result, Value::list(vec![Value::Int(1), text("a"), Value::Null]));
        assert!(matches!(&result, Value::List(items) if matches!(items[0], Value::Int(1))));
        assert_eq!(unique(&[Value::Null]).unwrap(), Value::list(Vec::new()));
    }

    #[test]
    fn is_empty_covers_blank_text_lists_and_json() {
        let empty = |value: Value| is_empty(&[value]).unwrap().is_true();
        assert!(empty(Value::Null));
        assert!(empty(text(" \u{200B}\n")));
        assert!(!empty(text(" a ")));
        assert!(empty(Value::list(Vec::new())));
        assert!(!empty(Value::list(vec![Value::Null])));
        assert!(empty(Value::Json(serde_json::json!({}).into())));
        assert!(!empty(Value::Json(serde_json::json!([0]).into())));
        assert!(!empty(Value::Int(0)));
        assert!(!empty(Value::Bool(false)));
    }

    #[test]
    fn coalesce_skips_nulls_only() {
        assert_eq!(coalesce(&[Value::Null, text(""), text("b")]).unwrap(), text(""));
        assert!(coalesce(&[Value::Null]).unwrap().is_null());
    }
}
