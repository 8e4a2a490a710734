//! Signatures of the built-in functions, as the checker sees them.
//!
//! Each function is declared once: name, parameters, how its result type follows from its
//! arguments, how nulls flow through it, a one-line summary and examples. `cutover functions`
//! prints this table; the interpreter's implementations are looked up by the same names.

use crate::check::types::{Kind, Type};

/// What a parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Any value.
    Any,
    /// Text (including enumerations).
    Text,
    /// HTML or text.
    Html,
    /// int or float.
    Number,
    /// A whole number.
    Int,
    /// date or datetime.
    Temporal,
    /// A list.
    List,
    /// Text or a list.
    TextOrList,
    /// The name of an object of the spec, written bare: `ref(contact, partner_id)`.
    Object,
}

impl Param {
    /// Whether a value of `kind` fits.
    pub fn accepts(self, kind: &Kind) -> bool {
        match self {
            Param::Any => true,
            Param::Text => kind.is_textual(),
            Param::Html => kind.is_textual() || matches!(kind, Kind::Html),
            Param::Number => kind.is_numeric(),
            Param::Int => matches!(kind, Kind::Int | Kind::Any),
            Param::Temporal => kind.is_temporal(),
            Param::List => matches!(kind, Kind::List(_) | Kind::Any),
            Param::TextOrList => kind.is_textual() || matches!(kind, Kind::List(_)),
            Param::Object => true,
        }
    }

    /// How the parameter is described in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Param::Any => "any value",
            Param::Text => "text",
            Param::Html => "html or text",
            Param::Number => "a number",
            Param::Int => "an int",
            Param::Temporal => "a date or datetime",
            Param::List => "a list",
            Param::TextOrList => "text or a list",
            Param::Object => "an object name",
        }
    }
}

/// How nulls in the arguments affect the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nulls {
    /// Null if any argument is null.
    Propagate,
    /// Null if the first argument is null (other arguments are settings).
    First,
    /// Never null.
    Never,
    /// May be null whatever the arguments (parsing that can fail, first of an empty list).
    Always,
    /// Null only if every argument is null.
    AllNull,
}

/// One built-in function.
pub struct Function {
    /// Its name.
    pub name: &'static str,
    /// Fixed parameters.
    pub params: &'static [Param],
    /// Further arguments of this kind may follow.
    pub variadic: Option<Param>,
    /// Result kind from the argument types.
    pub returns: fn(&[Type]) -> Kind,
    /// How nulls flow.
    pub nulls: Nulls,
    /// One line for `cutover functions`.
    pub summary: &'static str,
    /// `(call, result)` examples.
    pub examples: &'static [(&'static str, &'static str)],
}

impl Function {
    /// The signature as shown in help lines: `lower(text) -> text`.
    pub fn signature(&self) -> String {
        let mut params: Vec<&str> = self.params.iter().map(|p| p.describe()).collect();
        if let Some(p) = self.variadic {
            params.push(match p {
                Param::Text => "text…",
                _ => "…",
            });
        }
        format!("{}({})", self.name, params.join(", "))
    }

    /// The type of a call with these argument types.
    pub fn result(&self, arguments: &[Type]) -> Type {
        let kind = (self.returns)(arguments);
        let nullable = match self.nulls {
            Nulls::Propagate => arguments.iter().any(|a| a.nullable),
            Nulls::First => arguments.first().is_some_and(|a| a.nullable),
            Nulls::Never => false,
            Nulls::Always => true,
            Nulls::AllNull => arguments.iter().all(|a| a.nullable),
        };
        Type::of(kind).nullable(nullable)
    }
}

fn text(_: &[Type]) -> Kind {
    Kind::Text
}
fn html(_: &[Type]) -> Kind {
    Kind::Html
}
fn int(_: &[Type]) -> Kind {
    Kind::Int
}
fn float(_: &[Type]) -> Kind {
    Kind::Float
}
fn boolean(_: &[Type]) -> Kind {
    Kind::Bool
}
fn date(_: &[Type]) -> Kind {
    Kind::Date
}
fn datetime(_: &[Type]) -> Kind {
    Kind::DateTime
}
fn text_list(_: &[Type]) -> Kind {
    Kind::List(Box::new(Type::of(Kind::Text)))
}
fn same_as_first(args: &[Type]) -> Kind {
    args.first().map_or(Kind::Any, |t| t.kind.clone())
}
fn item_of_first(args: &[Type]) -> Kind {
    match args.first().map(|t| &t.kind) {
        Some(Kind::List(item)) => item.kind.clone(),
        _ => Kind::Any,
    }
}
fn join_all(args: &[Type]) -> Kind {
    let mut all = args.iter();
    let first = all.next().cloned().unwrap_or_else(Type::any);
    all.try_fold(first, |acc, t| acc.join(t)).map_or(Kind::Any, |t| t.kind)
}
fn number_like_first(args: &[Type]) -> Kind {
    match args.first().map(|t| &t.kind) {
        Some(Kind::Int) => Kind::Int,
        _ => Kind::Float,
    }
}
fn unresolved_ref(_: &[Type]) -> Kind {
    // The checker fills in the object and kind from the first argument.
    Kind::Any
}

use Param::{Any, Html, Int, List, Number, Object, Temporal, Text, TextOrList};

/// Every built-in function, sorted by family then name.
pub static FUNCTIONS: &[Function] = &[
    // text
    Function {
        name: "lower",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Lower-case text.",
        examples: &[("lower(\"Ann@Example.COM\")", "\"ann@example.com\"")],
    },
    Function {
        name: "upper",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Upper-case text.",
        examples: &[("upper(\"abc\")", "\"ABC\"")],
    },
    Function {
        name: "trim",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Remove white space (and zero-width characters) at both ends.",
        examples: &[("trim(\"  a b \")", "\"a b\"")],
    },
    Function {
        name: "concat",
        params: &[Any],
        variadic: Some(Any),
        returns: text,
        nulls: Nulls::Never,
        summary: "Join values as text; nulls count as empty.",
        examples: &[("concat(\"#\", 42)", "\"#42\"")],
    },
    Function {
        name: "replace",
        params: &[Text, Text, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Replace every occurrence of a text.",
        examples: &[("replace(\"a-b-c\", \"-\", \"/\")", "\"a/b/c\"")],
    },
    Function {
        name: "substring",
        params: &[Text, Int, Int],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Characters from a start index (0-based), at most a length.",
        examples: &[("substring(\"abcdef\", 1, 3)", "\"bcd\"")],
    },
    Function {
        name: "truncate",
        params: &[Text, Int],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Cut text to at most N characters, ending with … when cut.",
        examples: &[("truncate(\"abcdef\", 4)", "\"abc…\"")],
    },
    Function {
        name: "length",
        params: &[TextOrList],
        variadic: None,
        returns: int,
        nulls: Nulls::Propagate,
        summary: "Number of characters of text, or items of a list.",
        examples: &[("length(\"abc\")", "3")],
    },
    Function {
        name: "split",
        params: &[Text, Text],
        variadic: None,
        returns: text_list,
        nulls: Nulls::First,
        summary: "Split text at a separator.",
        examples: &[("split(\"a,b\", \",\")", "[\"a\", \"b\"]")],
    },
    Function {
        name: "join",
        params: &[List, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Join a list's items with a separator.",
        examples: &[("join([\"a\", \"b\"], \", \")", "\"a, b\"")],
    },
    Function {
        name: "starts_with",
        params: &[Text, Text],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Propagate,
        summary: "Whether text starts with a prefix.",
        examples: &[("starts_with(\"x_studio_a\", \"x_\")", "true")],
    },
    Function {
        name: "ends_with",
        params: &[Text, Text],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Propagate,
        summary: "Whether text ends with a suffix.",
        examples: &[("ends_with(\"a.pdf\", \".pdf\")", "true")],
    },
    Function {
        name: "contains",
        params: &[TextOrList, Any],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Propagate,
        summary: "Whether text contains a text, or a list an item.",
        examples: &[("contains(\"hello\", \"ell\")", "true")],
    },
    Function {
        name: "to_text",
        params: &[Any],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Any value as text (numbers plainly, dates as ISO 8601).",
        examples: &[("to_text(42)", "\"42\"")],
    },
    Function {
        name: "is_email",
        params: &[Text],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Never,
        summary: "Whether text is a plausible e-mail address; null is not.",
        examples: &[("is_email(\"a@b.example\")", "true")],
    },
    Function {
        name: "normalize_email",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Always,
        summary: "Trim and lower-case an e-mail address; null when it is not one.",
        examples: &[("normalize_email(\" Ann@Example.com \")", "\"ann@example.com\"")],
    },
    // regex
    Function {
        name: "regex_match",
        params: &[Text, Text],
        variadic: None,
        returns: boolean,
        nulls: Nulls::First,
        summary: "Whether text matches a regular expression.",
        examples: &[("regex_match(\"T-123\", \"^T-[0-9]+$\")", "true")],
    },
    Function {
        name: "regex_replace",
        params: &[Text, Text, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Replace every match of a regular expression ($1 for groups).",
        examples: &[("regex_replace(\"a1b22\", \"[0-9]+\", \"#\")", "\"a#b#\"")],
    },
    Function {
        name: "regex_extract",
        params: &[Text, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Always,
        summary: "The first match (or first group) of a regular expression; null when none.",
        examples: &[("regex_extract(\"ref T-12\", \"T-([0-9]+)\")", "\"12\"")],
    },
    // numbers
    Function {
        name: "to_int",
        params: &[Any],
        variadic: None,
        returns: int,
        nulls: Nulls::Always,
        summary: "A number or numeric text as a whole number (rounded toward zero); null when not numeric.",
        examples: &[("to_int(\"42\")", "42")],
    },
    Function {
        name: "to_float",
        params: &[Any],
        variadic: None,
        returns: float,
        nulls: Nulls::Always,
        summary: "A number or numeric text as a decimal number; null when not numeric.",
        examples: &[("to_float(\"1.5\")", "1.5")],
    },
    Function {
        name: "round",
        params: &[Number, Int],
        variadic: None,
        returns: float,
        nulls: Nulls::First,
        summary: "Round to N decimal places (half away from zero).",
        examples: &[("round(2.345, 2)", "2.35")],
    },
    Function {
        name: "abs",
        params: &[Number],
        variadic: None,
        returns: number_like_first,
        nulls: Nulls::Propagate,
        summary: "Absolute value.",
        examples: &[("abs(-3)", "3")],
    },
    // dates
    Function {
        name: "parse_date",
        params: &[Text, Text],
        variadic: None,
        returns: date,
        nulls: Nulls::Always,
        summary: "Parse text as a date with a strftime format; null when it does not parse.",
        examples: &[("parse_date(\"21.11.2026\", \"%d.%m.%Y\")", "2026-11-21")],
    },
    Function {
        name: "parse_datetime",
        params: &[Text, Text, Text],
        variadic: None,
        returns: datetime,
        nulls: Nulls::Always,
        summary: "Parse local time text with a format in a time zone (DST-aware).",
        examples: &[(
            "parse_datetime(\"2026-03-29 02:30\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\")",
            "2026-03-29T01:30:00Z",
        )],
    },
    Function {
        name: "local_datetime",
        params: &[Temporal, Text],
        variadic: None,
        returns: datetime,
        nulls: Nulls::First,
        summary: "Read a naive timestamp as local time in a time zone.",
        examples: &[("local_datetime(create_time, \"Europe/Berlin\")", "2026-01-01T11:00:00Z")],
    },
    Function {
        name: "to_date",
        params: &[Temporal],
        variadic: None,
        returns: date,
        nulls: Nulls::Propagate,
        summary: "The UTC calendar date of a datetime.",
        examples: &[("to_date(create_date)", "2026-11-21")],
    },
    Function {
        name: "to_datetime",
        params: &[Temporal],
        variadic: None,
        returns: datetime,
        nulls: Nulls::Propagate,
        summary: "A date as midnight UTC.",
        examples: &[("to_datetime(x_studio_due_date)", "2026-11-21T00:00:00Z")],
    },
    Function {
        name: "format_date",
        params: &[Temporal, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Format a date or datetime with a strftime format (UTC).",
        examples: &[("format_date(create_date, \"%Y-%m\")", "\"2026-11\"")],
    },
    Function {
        name: "unix_seconds",
        params: &[Temporal],
        variadic: None,
        returns: int,
        nulls: Nulls::Propagate,
        summary: "Seconds since 1970-01-01T00:00:00Z.",
        examples: &[("unix_seconds(create_date)", "1795263600")],
    },
    // html
    Function {
        name: "html_to_text",
        params: &[Html],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Readable plain text from HTML (scripts and styles dropped, links kept).",
        examples: &[("html_to_text(\"<p>Hi<br>there</p>\")", "\"Hi\\nthere\"")],
    },
    Function {
        name: "text_to_html",
        params: &[Text],
        variadic: None,
        returns: html,
        nulls: Nulls::Propagate,
        summary: "Escape text as HTML, keeping line breaks.",
        examples: &[("text_to_html(\"a < b\")", "\"<p>a &lt; b</p>\"")],
    },
    Function {
        name: "sanitize_html",
        params: &[Html],
        variadic: None,
        returns: html,
        nulls: Nulls::Propagate,
        summary: "Remove scripts, event handlers and unsafe URLs from HTML.",
        examples: &[("sanitize_html(\"<p onclick=x>a</p>\")", "\"<p>a</p>\"")],
    },
    // lists
    Function {
        name: "first",
        params: &[List],
        variadic: None,
        returns: item_of_first,
        nulls: Nulls::Always,
        summary: "The first item of a list; null when empty.",
        examples: &[("first([\"a\", \"b\"])", "\"a\"")],
    },
    Function {
        name: "last",
        params: &[List],
        variadic: None,
        returns: item_of_first,
        nulls: Nulls::Always,
        summary: "The last item of a list; null when empty.",
        examples: &[("last([\"a\", \"b\"])", "\"b\"")],
    },
    Function {
        name: "count",
        params: &[List],
        variadic: None,
        returns: int,
        nulls: Nulls::Never,
        summary: "Number of items of a list.",
        examples: &[("count([1, 2])", "2")],
    },
    Function {
        name: "unique",
        params: &[List],
        variadic: None,
        returns: same_as_first,
        nulls: Nulls::Never,
        summary: "A list without repeated items, in first-seen order.",
        examples: &[("unique([\"a\", \"b\", \"a\"])", "[\"a\", \"b\"]")],
    },
    Function {
        name: "is_empty",
        params: &[Any],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Never,
        summary: "Whether a value is null, empty text (after trimming) or an empty list.",
        examples: &[("is_empty(\" \")", "true")],
    },
    Function {
        name: "coalesce",
        params: &[Any],
        variadic: Some(Any),
        returns: join_all,
        nulls: Nulls::AllNull,
        summary: "The first argument that is not null.",
        examples: &[("coalesce(null, \"b\", \"c\")", "\"b\"")],
    },
    // references
    Function {
        name: "ref",
        params: &[Object, Any],
        variadic: None,
        returns: unresolved_ref,
        nulls: Nulls::First,
        summary: "The destination id of the record an object migrated for a source key; the record waits in the reconciliation queue until it exists.",
        examples: &[("ref(contact, partner_id)", "the contact's Intercom id")],
    },
];

/// The function called `name`.
pub fn find(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_documented() {
        let mut names = std::collections::BTreeSet::new();
        for function in FUNCTIONS {
            assert!(names.insert(function.name), "{} declared twice", function.name);
            assert!(function.summary.ends_with('.'), "{}", function.name);
            assert!(!function.examples.is_empty(), "{} has no example", function.name);
        }
    }

    #[test]
    fn every_example_parses_and_type_checks_as_a_call_of_its_function() {
        use crate::check::expr::{ExprChecker, ObjectInfo, Scope};
        use crate::diagnostic::Diagnostics;
        use crate::expr::ast::ExprKind;
        use crate::scalar::ScalarText;
        use crate::source::SourceId;
        use crate::span::Span;

        let objects = [ObjectInfo { name: "contact".into(), kind: "contact".into(), to_span: Span::detached() }];
        let tables = crate::spec::Entries::default();
        let non_null = std::collections::HashSet::new();
        let scope = Scope { source: None, object: None, objects: &objects, tables: &tables, non_null: &non_null };
        for function in FUNCTIONS {
            for (call, _) in function.examples {
                let text = ScalarText::exact(*call, Span::new(SourceId(0), 0, call.len() as u32));
                let expr = crate::expr::parse(&text).unwrap_or_else(|e| panic!("{call}: {e:?}"));
                match &expr.kind {
                    ExprKind::Call { function: name, .. } => assert_eq!(name.value, function.name, "{call}"),
                    other => panic!("{call} is not a call: {other:?}"),
                }
                let mut found = Diagnostics::new();
                ExprChecker::new(&scope, &mut found).check(&expr);
                assert!(found.is_empty(), "{call}: {:?}", found.iter().next());
            }
        }
    }

    #[test]
    fn nulls_flow_as_declared() {
        let nullable_text = Type::of(Kind::Text).nullable(true);
        assert!(find("lower").unwrap().result(std::slice::from_ref(&nullable_text)).nullable);
        assert!(!find("is_email").unwrap().result(std::slice::from_ref(&nullable_text)).nullable);
        let coalesce = find("coalesce").unwrap();
        assert!(!coalesce.result(&[nullable_text.clone(), Type::of(Kind::Text)]).nullable);
        assert!(coalesce.result(&[nullable_text.clone(), nullable_text]).nullable);
    }
}
