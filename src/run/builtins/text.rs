//! Text built-ins, e-mail addresses and regular expressions.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use regex::Regex;

use super::{argument, int_argument, is_zero_width, list_argument, text_argument, trim_text, wrong_kind};
use crate::run::value::Value;

/// `lower(text)`: lower-case (Unicode).
pub fn lower(args: &[Value]) -> Result<Value, String> {
    Ok(Value::text(text_argument(args, 0, "text")?.to_lowercase()))
}

/// `upper(text)`: upper-case (Unicode).
pub fn upper(args: &[Value]) -> Result<Value, String> {
    Ok(Value::text(text_argument(args, 0, "text")?.to_uppercase()))
}

/// `trim(text)`: without white space, control and zero-width characters at both ends.
pub fn trim(args: &[Value]) -> Result<Value, String> {
    Ok(Value::text(trim_text(text_argument(args, 0, "text")?)))
}

/// `concat(value, …)`: the text forms joined, nulls as empty text.
pub fn concat(args: &[Value]) -> Result<Value, String> {
    let mut joined = String::new();
    for value in args {
        // Writing to a String cannot fail.
        let _ = write!(joined, "{value}");
    }
    Ok(Value::text(joined))
}

/// `replace(text, search, replacement)`: every occurrence replaced; an empty search changes nothing.
pub fn replace(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    let search = text_argument(args, 1, "text to replace")?;
    let replacement = text_argument(args, 2, "replacement")?;
    if search.is_empty() {
        return Ok(args[0].clone());
    }
    Ok(Value::text(text.replace(search, replacement)))
}

/// `substring(text, start, length)`: characters from `start` (0-based), at most `length` of them.
pub fn substring(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    let start = non_negative(int_argument(args, 1, "start")?);
    let length = non_negative(int_argument(args, 2, "length")?);
    Ok(Value::text(text.chars().skip(start).take(length).collect::<String>()))
}

/// `truncate(text, n)`: at most `n` characters, the last one `…` when the text was cut.
pub fn truncate(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    let limit = non_negative(int_argument(args, 1, "length")?);
    if text.chars().nth(limit).is_none() {
        return Ok(args[0].clone());
    }
    let Some(kept) = limit.checked_sub(1) else {
        return Ok(Value::text(""));
    };
    let mut cut: String = text.chars().take(kept).collect();
    cut.push('…');
    Ok(Value::text(cut))
}

/// `length(text or list)`: characters of text, items of a list.
pub fn length(args: &[Value]) -> Result<Value, String> {
    let count = match argument(args, 0)? {
        Value::Text(text) => text.chars().count(),
        Value::List(items) => items.len(),
        other => return Err(wrong_kind("value", "text or a list", other)),
    };
    Ok(Value::Int(count_to_int(count)))
}

/// `split(text, separator)`: the parts between separators; empty text gives the empty list and
/// an empty separator splits into characters.
pub fn split(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    let separator = text_argument(args, 1, "separator")?;
    let parts: Vec<Value> = if text.is_empty() {
        Vec::new()
    } else if separator.is_empty() {
        text.chars().map(|c| Value::text(c.to_string())).collect()
    } else {
        text.split(separator).map(Value::text).collect()
    };
    Ok(Value::list(parts))
}

/// `join(list, separator)`: the items' text forms with the separator between; nulls skipped.
pub fn join(args: &[Value]) -> Result<Value, String> {
    let items = list_argument(args, 0, "list")?;
    let separator = text_argument(args, 1, "separator")?;
    let mut joined = String::new();
    for (i, item) in items.iter().filter(|item| !item.is_null()).enumerate() {
        if i > 0 {
            joined.push_str(separator);
        }
        let _ = write!(joined, "{item}");
    }
    Ok(Value::text(joined))
}

/// `starts_with(text, prefix)`.
pub fn starts_with(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    Ok(Value::Bool(text.starts_with(text_argument(args, 1, "prefix")?)))
}

/// `ends_with(text, suffix)`.
pub fn ends_with(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    Ok(Value::Bool(text.ends_with(text_argument(args, 1, "suffix")?)))
}

/// `contains(text, part)` or `contains(list, item)`: text in text (a non-text part by its text
/// form), or an item equal by `==`.
pub fn contains(args: &[Value]) -> Result<Value, String> {
    let needle = argument(args, 1)?;
    let found = match argument(args, 0)? {
        Value::Text(text) => match needle {
            Value::Text(part) => text.contains(&**part),
            other => text.contains(&other.to_string()),
        },
        Value::List(items) => items.iter().any(|item| item.equals(needle)),
        other => return Err(wrong_kind("value searched", "text or a list", other)),
    };
    Ok(Value::Bool(found))
}

/// `to_text(value)`: the value's text form.
pub fn to_text(args: &[Value]) -> Result<Value, String> {
    Ok(match argument(args, 0)? {
        text @ Value::Text(_) => text.clone(),
        other => Value::text(other.to_string()),
    })
}

/// `is_email(text)`: whether text is a plausible e-mail address; null is not.
pub fn is_email(args: &[Value]) -> Result<Value, String> {
    match argument(args, 0)? {
        Value::Null => Ok(Value::Bool(false)),
        Value::Text(text) => Ok(Value::Bool(email_parts(text).is_some())),
        other => Err(wrong_kind("text", "text", other)),
    }
}

/// `normalize_email(text)`: trimmed and lower-cased; null when that is not an e-mail address.
pub fn normalize_email(args: &[Value]) -> Result<Value, String> {
    Ok(normalized_email(args)?.map_or(Value::Null, Value::text))
}

/// `email_domain(text)`: the lower-case domain of an e-mail address; null when it is not one.
pub fn email_domain(args: &[Value]) -> Result<Value, String> {
    let domain = normalized_email(args)?.and_then(|email| email_parts(&email).map(|(_, domain)| Value::text(domain)));
    Ok(domain.unwrap_or(Value::Null))
}

fn normalized_email(args: &[Value]) -> Result<Option<String>, String> {
    let text = match argument(args, 0)? {
        Value::Null => return Ok(None),
        Value::Text(text) => text,
        other => return Err(wrong_kind("text", "text", other)),
    };
    let email = trim_text(text).to_lowercase();
    Ok(email_parts(&email).is_some().then_some(email))
}

/// The local part and domain of a plausible e-mail address (see the module doc of `builtins`).
fn email_parts(text: &str) -> Option<(&str, &str)> {
    let (local, domain) = text.split_once('@')?;
    let forbidden = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || is_zero_width(c)
            || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"' | '\\')
    };
    let plausible = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !text.contains(forbidden);
    plausible.then_some((local, domain))
}

/// `regex_match(text, pattern)`: whether the pattern matches anywhere in the text.
pub fn regex_match(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    let pattern = compiled(text_argument(args, 1, "pattern")?)?;
    Ok(Value::Bool(pattern.is_match(text)))
}

/// `regex_replace(text, pattern, replacement)`: every match replaced, `$1`/`${name}` for groups.
pub fn regex_replace(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    let pattern = compiled(text_argument(args, 1, "pattern")?)?;
    let replacement = text_argument(args, 2, "replacement")?;
    Ok(Value::text(pattern.replace_all(text, replacement)))
}

/// `regex_extract(text, pattern)`: the first match, or its first group when the pattern has groups.
pub fn regex_extract(args: &[Value]) -> Result<Value, String> {
    let pattern = match argument(args, 1)? {
        Value::Null => return Ok(Value::Null),
        _ => compiled(text_argument(args, 1, "pattern")?)?,
    };
    let text = match argument(args, 0)? {
        Value::Null => return Ok(Value::Null),
        _ => text_argument(args, 0, "text")?,
    };
    let Some(captures) = pattern.captures(text) else {
        return Ok(Value::Null);
    };
    let group = if pattern.captures_len() > 1 { 1 } else { 0 };
    Ok(captures.get(group).map_or(Value::Null, |m| Value::text(m.as_str())))
}

/// How many compiled patterns the cache holds before it starts over.
const CACHE_LIMIT: usize = 256;

thread_local! {
    /// Patterns compiled so far on this thread, by their text.
    static PATTERNS: RefCell<HashMap<Box<str>, Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// The compiled `pattern`, compiled once per thread: the interpreter calls regex built-ins for
/// every record with the same few patterns.
fn compiled(pattern: &str) -> Result<Rc<Regex>, String> {
    if let Some(regex) = PATTERNS.with_borrow(|patterns| patterns.get(pattern).cloned()) {
        return Ok(regex);
    }
    let regex = Rc::new(Regex::new(pattern).map_err(|error| invalid_pattern(pattern, &error))?);
    PATTERNS.with_borrow_mut(|patterns| {
        // A spec has a handful of patterns; a full cache means patterns come from data, so start over.
        if patterns.len() >= CACHE_LIMIT {
            patterns.clear();
        }
        patterns.insert(pattern.into(), Rc::clone(&regex));
    });
    Ok(regex)
}

/// One line: the regex crate's syntax errors span several lines with a caret diagram.
fn invalid_pattern(pattern: &str, error: &regex::Error) -> String {
    let full = error.to_string();
    let why = full
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("error: "))
        .map_or_else(|| full.split_whitespace().collect::<Vec<_>>().join(" "), str::to_owned);
    format!("invalid regular expression `{pattern}`: {why}")
}

fn non_negative(n: i64) -> usize {
    usize::try_from(n.max(0)).unwrap_or(usize::MAX)
}

fn count_to_int(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value {
        Value::text(value)
    }

    fn int(n: i64) -> Value {
        Value::Int(n)
    }

    #[test]
    fn trim_removes_zero_width_characters_at_both_ends_only() {
        let trimmed = trim(&[text("\u{200B}\u{FEFF} ann@example.com\u{200C}\r\n")]).unwrap();
        assert_eq!(trimmed, text("ann@example.com"));
        assert_eq!(trim(&[text("a\u{200B}b")]).unwrap(), text("a\u{200B}b"));
        assert_eq!(trim(&[text("\u{200D}")]).unwrap(), text(""));
    }

    #[test]
    fn truncate_counts_the_ellipsis_in_the_length() {
        assert_eq!(truncate(&[text("abcdef"), int(4)]).unwrap(), text("abc…"));
        assert_eq!(truncate(&[text("abcd"), int(4)]).unwrap(), text("abcd"));
        assert_eq!(truncate(&[text("äöüß"), int(3)]).unwrap(), text("äö…"));
        assert_eq!(truncate(&[text("abc"), int(1)]).unwrap(), text("…"));
        assert_eq!(truncate(&[text("abc"), int(0)]).unwrap(), text(""));
        assert_eq!(truncate(&[text("abc"), int(-2)]).unwrap(), text(""));
    }

    #[test]
    fn substring_counts_characters_and_clamps() {
        assert_eq!(substring(&[text("häuser"), int(1), int(3)]).unwrap(), text("äus"));
        assert_eq!(substring(&[text("abc"), int(2), int(10)]).unwrap(), text("c"));
        assert_eq!(substring(&[text("abc"), int(7), int(1)]).unwrap(), text(""));
        assert_eq!(substring(&[text("abc"), int(-1), int(2)]).unwrap(), text("ab"));
        assert_eq!(substring(&[text("abc"), int(0), int(-1)]).unwrap(), text(""));
    }

    #[test]
    fn split_and_join_edge_cases() {
        assert_eq!(split(&[text(""), text(",")]).unwrap(), Value::list(vec![]));
        assert_eq!(split(&[text("ab"), text("")]).unwrap(), Value::list(vec![text("a"), text("b")]));
        assert_eq!(split(&[text("a,,b"), text(",")]).unwrap(), Value::list(vec![text("a"), text(""), text("b")]));
        let items = Value::list(vec![text("a"), Value::Null, int(3)]);
        assert_eq!(join(&[items, text("; ")]).unwrap(), text("a; 3"));
    }

    #[test]
    fn replace_with_an_empty_search_changes_nothing() {
        assert_eq!(replace(&[text("abc"), text(""), text("x")]).unwrap(), text("abc"));
    }

    #[test]
    fn contains_in_text_and_lists() {
        assert_eq!(contains(&[text("T-42"), int(42)]).unwrap(), Value::Bool(true));
        let list = Value::list(vec![int(1), text("b")]);
        assert_eq!(contains(&[list.clone(), Value::Float(1.0)]).unwrap(), Value::Bool(true));
        assert_eq!(contains(&[list, text("1")]).unwrap(), Value::Bool(false));
    }

    #[test]
    fn email_checks_are_pragmatic() {
        let email = |s: &str| is_email(&[text(s)]).unwrap().is_true();
        assert!(email("ann@example.com"));
        assert!(email("ann.o'neil+tag@mail.example.co.uk"));
        assert!(!email("ann@example"));
        assert!(!email("@example.com"));
        assert!(!email("ann@@example.com"));
        assert!(!email("a@b@example.com"));
        assert!(!email("ann@.example.com"));
        assert!(!email("ann@example.com."));
        assert!(!email("ann@example..com"));
        assert!(!email("ann smith@example.com"));
        assert!(!email(" ann@example.com"));
        assert!(!email("Ann <ann@example.com>"));
        assert!(!email("ann@example.com; bob@example.com"));
        assert!(!email("ann@exa\u{200B}mple.com"));
        let normalized = normalize_email(&[text("\u{FEFF} Ann@Example.COM\u{200B}")]).unwrap();
        assert_eq!(normalized, text("ann@example.com"));
        assert!(normalize_email(&[text("n/a")]).unwrap().is_null());
        assert!(normalize_email(&[Value::Null]).unwrap().is_null());
        assert_eq!(email_domain(&[text(" Ann@Example.COM")]).unwrap(), text("example.com"));
        assert!(email_domain(&[text("ann")]).unwrap().is_null());
    }

    #[test]
    fn regex_patterns_are_compiled_once_and_reused() {
        let pattern = "^cache-test-[0-9]+$";
        let first = compiled(pattern).unwrap();
        let again = compiled(pattern).unwrap();
        assert!(Rc::ptr_eq(&first, &again), "the second lookup compiled the pattern again");
        assert!(!Rc::ptr_eq(&first, &compiled("^cache-test-[a-z]+$").unwrap()));
        assert_eq!(regex_match(&[text("cache-test-12"), text(pattern)]).unwrap(), Value::Bool(true));
        assert!(Rc::ptr_eq(&first, &compiled(pattern).unwrap()));
    }

    #[test]
    fn invalid_patterns_are_one_line_errors() {
        let error = regex_match(&[text("a"), text("[")]).unwrap_err();
        assert_eq!(error, "invalid regular expression `[`: unclosed character class");
        // Also when the text is null: the mistake is in the spec, not in this record.
        assert!(regex_extract(&[Value::Null, text("(")]).is_err());
    }

    #[test]
    fn regex_extract_prefers_the_first_group() {
        assert_eq!(regex_extract(&[text("ref T-12"), text("T-[0-9]+")]).unwrap(), text("T-12"));
        assert_eq!(regex_extract(&[text("ref T-12"), text("T-([0-9]+)")]).unwrap(), text("12"));
        assert!(regex_extract(&[text("b"), text("(a)|b")]).unwrap().is_null());
        assert!(regex_extract(&[text("none"), text("[0-9]")]).unwrap().is_null());
        assert!(regex_extract(&[text("1"), Value::Null]).unwrap().is_null());
        let replaced = regex_replace(&[text("Smith, Ann"), text("(\\w+), (\\w+)"), text("$2 $1")]).unwrap();
        assert_eq!(replaced, text("Ann Smith"));
    }
}
