//! The runtime of the built-in functions, one file per family.
//!
//! Each built-in is declared once, in [`FUNCTIONS`](crate::check::functions::FUNCTIONS): its
//! signature, null rule, summary, examples and the [`Eval`] implemented here, a plain `pub fn`
//! with the function's own name (`text::lower` is `lower(…)`). The interpreter calls [`call`],
//! which applies the declared null rule and then the implementation.
//!
//! # Rules every built-in follows
//!
//! - **Pure and deterministic.** No clock, no randomness, no environment, no I/O: the same
//!   arguments always give the same result, so `preview`, a rehearsal and the real run agree.
//! - **Nulls follow the declaration.** `Propagate`: any null argument gives null. `First`: a null
//!   first argument gives null; the other arguments are settings (a separator, a format, a time
//!   zone), and a null setting is an error, because the declared result type promises a value.
//!   `Never`, `Always` and `AllNull` functions see their null arguments and handle them as their
//!   summary says (`concat` reads null as empty text, `is_email(null)` is false, `coalesce` skips
//!   nulls; `parse_date`, `parse_datetime` and `regex_extract` are null when any argument is).
//!   [`call`] applies the rule, so the implementations never repeat it.
//! - **Errors are plain messages** without a position (``invalid regular expression `[`: …``);
//!   the interpreter adds the record, the field and the call's span (STYLE.md G16). A failed
//!   conversion that the summary calls "null when …" (`to_int("abc")`, `parse_date` of text that
//!   does not match) is null, not an error; an error means the spec is wrong for this record: an
//!   invalid pattern or format, an unknown time zone, a null setting.
//! - **Characters, not bytes.** Lengths and indexes count Unicode scalar values.
//! - **Text forms** are [`Value`]'s `Display`: numbers plainly (`42`, `1.5`, `2.0`), dates and
//!   datetimes in ISO 8601 (`2026-11-21`, `2026-11-21T10:00:00Z`), lists as their items joined
//!   with `, `, null as empty text.
//!
//! # Per family
//!
//! - [`text`]: `trim` removes white space, control characters and the zero-width characters
//!   U+200B–U+200D and U+FEFF at both ends (mail clients and copy-paste leave them in e-mail
//!   addresses). `substring(text, start, length)` and `truncate(text, n)` count characters and
//!   clamp: a start past the end gives empty text, a negative start or length counts as 0.
//!   `truncate` ends cut text with `…`, the `…` included in the n characters. `replace` with an
//!   empty search text changes nothing. `split` of empty text
//!   is the empty list, and an empty separator splits into characters; items are not trimmed.
//!   `join` skips null items. `contains` looks for text in text (a non-text needle by its text
//!   form) or for an item in a list by `==`. `is_email` is a pragmatic check, not RFC 5322: exactly
//!   one `@`, a non-empty local part, a domain with a dot that neither starts nor ends it and no
//!   empty label, and no white space, control characters or `< > ( ) [ ] , ; : " \`.
//!   `normalize_email` trims (as `trim`), lower-cases, and is null when the result is not an
//!   e-mail address by `is_email`; `email_domain` is the domain of the normalized address.
//! - regular expressions (in [`text`]): the syntax of the `regex` crate. `regex_match` searches
//!   (anchor with `^…$` to match the whole text); `regex_replace` replaces every match, `$1` or
//!   `${name}` for groups (`${1}x` when a letter follows); `regex_extract` gives the first match,
//!   or its first group when the pattern has groups (null when there is no match or the group did
//!   not take part). Each distinct pattern is compiled once per thread and cached.
//! - [`numbers`]: `to_int` and `to_float` accept numbers and numeric text (`" 42 "`, `"-1.5"`,
//!   `"1e3"`; surrounding white space ignored; no decimal comma, no `inf`/`nan`) and are null
//!   for anything else; `to_int` rounds toward zero and is null out of the int range. `round`
//!   rounds the number as it is written (2.345 is "2.345", so `round(2.345, 2)` is 2.35, not the
//!   2.34 the binary value would give), half away from zero; negative digits round to tens,
//!   hundreds, … The result is a float. `abs` keeps ints ints.
//! - [`dates`]: formats are jiff's strftime (`%Y-%m-%d %H:%M:%S`, `%d.%m.%Y`, `%z`, `%s`, …).
//!   Surrounding white space of the parsed text is ignored (as by `trim`). Text that does not match the format is
//!   null; a format with an unknown directive is an error. `parse_datetime` reads a naive local
//!   time in the named IANA time zone: a time in a DST gap (2026-03-29 02:30 in Europe/Berlin) is
//!   moved forward by the gap (03:30 CEST), a time that happens twice (2026-10-25 02:30) is the
//!   earlier instant (the summer-time one). When the format reads an offset (`%z`, `%:z`) or Unix
//!   seconds (`%s`), those win over the zone. `local_datetime` reads a datetime that was stored as
//!   naive local time (OTRS) as local time in the zone, by the same rules; a date is its local
//!   midnight. An unknown time zone is an error naming it. Everything else works in UTC: `to_date`
//!   of a datetime is its UTC date, `to_datetime` of a date is midnight UTC, `format_date` formats
//!   datetimes in UTC, `unix_seconds` of a date is that of its midnight UTC.
//! - [`html`]: `html_to_text` renders readable plain text with html2text: scripts, styles and
//!   the head dropped, paragraphs separated by a blank line, list items as `* item` or `1. item`,
//!   headings as `# Heading`, tables without borders, link targets listed as numbered footnotes
//!   after the text (`[the article][1]` … `[1]: https://…`), no emphasis markers, lines never
//!   wrapped, no white space at line ends and no blank lines at either end.
//!   `text_to_html` escapes `& < > " '`, turns each line break (`\n`, `\r\n`, `\r`) into `<br>`
//!   and wraps the result in one `<p>`. `sanitize_html` is ammonia's default cleaning.
//! - [`lists`]: `first`/`last` are null for an empty list; `unique` keeps the first of items
//!   equal by `==`; `is_empty` is true for null, text that is empty after `trim`, an empty list and
//!   empty JSON (null, `""`, `[]`, `{}`). A null list counts as empty for `count` and `unique`.
//!
//! # Examples are tests
//!
//! Every example in the declaration table is evaluated by this module's tests: the call is
//! evaluated (literals, lists and nested calls only, no fields) and must give the result, itself
//! an expression literal (`"ann@example.com"`, `42`, `2.35`, `true`, `null`, `["a", "b"]`),
//! equal by `==` and of the same kind. A date or datetime result has no literal, so it is
//! written as the text of its ISO 8601 form (`"2026-11-21"`, `"2026-03-29T01:30:00Z"`) and
//! compared with the text form of the value.

pub mod dates;
pub mod html;
pub mod lists;
pub mod numbers;
pub mod text;

use crate::check::functions::{Function, Nulls};
use crate::run::value::Value;

/// The implementation of a built-in: arguments in, value or plain error message out.
pub type Eval = fn(&[Value]) -> Result<Value, String>;

/// Call `function` with `args`: check the arity, apply the declared null rule, then the
/// implementation. This is how the interpreter calls every built-in except `ref`.
pub fn call(function: &Function, args: &[Value]) -> Result<Value, String> {
    let Some(eval) = function.eval else {
        return Err(format!("`{}` is evaluated by the interpreter, not as a built-in", function.name));
    };
    let arity_ok = if function.variadic.is_some() {
        args.len() >= function.params.len()
    } else {
        args.len() == function.params.len()
    };
    if !arity_ok {
        let at_least = if function.variadic.is_some() { "at least " } else { "" };
        let count = function.params.len();
        let plural = if count == 1 { "" } else { "s" };
        return Err(format!("`{}` takes {at_least}{count} argument{plural}, not {}", function.name, args.len()));
    }
    let null = match function.nulls {
        Nulls::Propagate => args.iter().any(Value::is_null),
        Nulls::First => args.first().is_some_and(Value::is_null),
        Nulls::Never | Nulls::Always | Nulls::AllNull => false,
    };
    if null { Ok(Value::Null) } else { eval(args) }
}

/// The argument at `index`, or an error when the call has fewer.
fn argument(args: &[Value], index: usize) -> Result<&Value, String> {
    args.get(index).ok_or_else(|| format!("argument {} is missing", index + 1))
}

/// The text argument at `index`; `role` names it in errors ("separator", "time zone").
fn text_argument<'a>(args: &'a [Value], index: usize, role: &str) -> Result<&'a str, String> {
    match argument(args, index)? {
        Value::Text(text) => Ok(text),
        other => Err(wrong_kind(role, "text", other)),
    }
}

/// The int argument at `index`; `role` names it in errors.
fn int_argument(args: &[Value], index: usize, role: &str) -> Result<i64, String> {
    match argument(args, index)? {
        Value::Int(n) => Ok(*n),
        other => Err(wrong_kind(role, "an int", other)),
    }
}

/// The list argument at `index`; `role` names it in errors.
fn list_argument<'a>(args: &'a [Value], index: usize, role: &str) -> Result<&'a [Value], String> {
    match argument(args, index)? {
        Value::List(items) => Ok(items),
        other => Err(wrong_kind(role, "a list", other)),
    }
}

/// "the separator is null" or "the separator must be text, not int".
fn wrong_kind(role: &str, expected: &str, found: &Value) -> String {
    if found.is_null() {
        format!("the {role} is null")
    } else {
        format!("the {role} must be {expected}, not {}", found.kind())
    }
}

/// Text without white space, control characters and zero-width characters at both ends.
fn trim_text(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c.is_control() || is_zero_width(c))
}

/// The zero-width space, non-joiner and joiner, and the byte order mark.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::functions::{FUNCTIONS, find};
    use crate::expr::ast::{Expr, ExprKind, Literal, UnaryOp};
    use crate::scalar::ScalarText;
    use crate::source::SourceId;
    use crate::span::Span;

    fn parse(text: &str) -> Expr {
        let scalar = ScalarText::exact(text, Span::new(SourceId(0), 0, text.len() as u32));
        crate::expr::parse(&scalar).unwrap_or_else(|e| panic!("{text} does not parse: {e:?}"))
    }

    /// A literal's value: `null`, `true`, `-3`, `1.5`, `"a"`, `["a", "b"]`.
    fn literal(expr: &Expr) -> Result<Value, String> {
        match &expr.kind {
            ExprKind::Literal(Literal::Null) => Ok(Value::Null),
            ExprKind::Literal(Literal::Bool(b)) => Ok(Value::Bool(*b)),
            ExprKind::Literal(Literal::Int(n)) => Ok(Value::Int(*n)),
            ExprKind::Literal(Literal::Float(x)) => Ok(Value::Float(*x)),
            ExprKind::Literal(Literal::String(s)) => Ok(Value::text(s.as_str())),
            ExprKind::Unary { op, operand } if op.value == UnaryOp::Negate => match literal(operand)? {
                Value::Int(n) => Ok(Value::Int(-n)),
                Value::Float(x) => Ok(Value::Float(-x)),
                other => Err(format!("cannot negate {}", other.kind())),
            },
            ExprKind::List(items) => Ok(Value::list(items.iter().map(literal).collect::<Result<Vec<_>, _>>()?)),
            other => Err(format!("not a literal: {other:?}")),
        }
    }

    /// A tiny evaluator for examples: literals, lists and nested calls of built-ins.
    fn evaluate(expr: &Expr) -> Result<Value, String> {
        match &expr.kind {
            ExprKind::List(items) => Ok(Value::list(items.iter().map(evaluate).collect::<Result<Vec<_>, _>>()?)),
            ExprKind::Call { function, arguments } => {
                let function = find(&function.value).ok_or_else(|| format!("no function {}", function.value))?;
                let args = arguments.iter().map(evaluate).collect::<Result<Vec<_>, _>>()?;
                call(function, &args)
            }
            _ => literal(expr),
        }
    }

    fn run(call_text: &str) -> Result<Value, String> {
        evaluate(&parse(call_text))
    }

    fn text(value: &str) -> Value {
        Value::text(value)
    }

    #[test]
    fn every_function_but_ref_has_an_implementation() {
        for function in FUNCTIONS {
            assert_eq!(function.eval.is_none(), function.name == "ref", "{}", function.name);
        }
    }

    #[test]
    fn every_example_evaluates_to_its_result() {
        let mut checked = 0;
        for function in FUNCTIONS.iter().filter(|f| f.eval.is_some()) {
            for (call_text, result_text) in function.examples {
                let expected = literal(&parse(result_text)).unwrap_or_else(|e| panic!("{result_text}: {e}"));
                let actual = run(call_text).unwrap_or_else(|e| panic!("{call_text} fails: {e}"));
                let same = match (&actual, &expected) {
                    (Value::Date(_) | Value::DateTime(_), Value::Text(iso)) => actual.to_string() == **iso,
                    _ => actual.kind() == expected.kind() && actual.equals(&expected),
                };
                assert!(same, "{call_text} gives {actual:?}, the example says {result_text}");
                checked += 1;
            }
        }
        assert!(checked >= FUNCTIONS.len() - 1, "only {checked} examples");
    }

    #[test]
    fn the_harness_notices_a_wrong_example() {
        // The comparison of the test above must be able to fail: kind and value both count.
        assert!(!run("abs(-3)").unwrap().equals(&Value::Int(4)));
        assert_ne!(run("round(2, 0)").unwrap().kind(), Value::Int(2).kind());
        assert!(literal(&parse("lower(\"A\")")).is_err(), "a result must be a literal");
    }

    #[test]
    fn call_applies_the_null_rule() {
        // Propagate: any null argument.
        assert!(run("starts_with(\"abc\", null)").unwrap().is_null());
        assert!(run("lower(null)").unwrap().is_null());
        // First: only the first argument; a null setting reaches the body and is an error.
        assert!(run("replace(null, \"a\", \"b\")").unwrap().is_null());
        assert_eq!(run("replace(\"abc\", null, \"b\")").unwrap_err(), "the text to replace is null");
        assert_eq!(run("split(\"a,b\", null)").unwrap_err(), "the separator is null");
        // Never: the body sees nulls.
        assert_eq!(run("concat(null, \"a\", null)").unwrap(), text("a"));
        assert_eq!(run("is_email(null)").unwrap(), Value::Bool(false));
        assert_eq!(run("is_empty(null)").unwrap(), Value::Bool(true));
        assert_eq!(run("count(null)").unwrap(), Value::Int(0));
        // AllNull and Always.
        assert!(run("coalesce(null, null)").unwrap().is_null());
        assert!(run("to_int(null)").unwrap().is_null());
    }

    #[test]
    fn call_checks_arity_and_refuses_ref() {
        let lower = find("lower").unwrap();
        assert_eq!(call(lower, &[]).unwrap_err(), "`lower` takes 1 argument, not 0");
        assert!(call(find("concat").unwrap(), &[text("a"), text("b"), text("c")]).is_ok());
        assert!(call(find("ref").unwrap(), &[Value::Null, Value::Int(1)]).unwrap_err().contains("interpreter"));
    }

    #[test]
    fn arguments_of_the_wrong_kind_are_errors_not_panics() {
        assert_eq!(text::lower(&[Value::Int(1)]).unwrap_err(), "the text must be text, not int");
        assert_eq!(text::lower(&[]).unwrap_err(), "argument 1 is missing");
        assert!(lists::first(&[text("a")]).is_err());
        assert!(dates::to_date(&[Value::Int(1)]).is_err());
    }

    #[test]
    fn trim_text_removes_zero_width_and_control_characters() {
        assert_eq!(trim_text("\u{FEFF}\u{200B} ann@example.com\u{200D}\t\u{0}"), "ann@example.com");
        assert_eq!(trim_text("a\u{200C}b"), "a\u{200C}b");
        assert_eq!(trim_text("\u{A0}x\u{A0}"), "x");
    }
}
