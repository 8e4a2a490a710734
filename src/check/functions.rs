//! Signatures of the built-in functions, as the checker sees them.
//!
//! Each function is declared once: name, parameters, how its result type follows from its
//! arguments, how nulls flow through it, a one-line summary, examples and its implementation in
//! `run/builtins`. `cutover functions` prints this table, the checker reads the signatures, the
//! interpreter calls the implementations through [`builtins::call`], and the tests run every
//! example.

use crate::check::types::{Kind, Type};
use crate::run::builtins::{self, Eval};

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
    /// `(call, result)` examples, evaluated by the tests (see [`FUNCTIONS`]).
    pub examples: &'static [(&'static str, &'static str)],
    /// The implementation; [`builtins::call`] applies `nulls` before calling it. `None` only for
    /// `ref`, which the interpreter evaluates against the ledger of migrated records.
    pub eval: Option<Eval>,
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
fn flat_items(args: &[Type]) -> Kind {
    let items: Vec<Type> = args
        .iter()
        .filter(|t| t.kind != Kind::Null)
        .map(|t| match &t.kind {
            Kind::List(item) => Type::clone(item),
            _ => t.clone().nullable(false),
        })
        .collect();
    let mut all = items.into_iter();
    let item = match all.next() {
        Some(first) => all.try_fold(first, |acc, t| acc.join(&t)).unwrap_or_else(Type::any),
        None => Type::any(),
    };
    Kind::List(Box::new(item))
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
///
/// Examples are `(call, result)`: the call uses literals and nested calls only, and the result is
/// an expression literal, or for a date or datetime the text of its ISO 8601 form. The tests in
/// `run/builtins` evaluate every example (see the module doc there).
pub static FUNCTIONS: &[Function] = &[
    // text
    Function {
        name: "lower",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Lower-case text.",
        examples: &[("lower(\"Ann@Example.COM\")", "\"ann@example.com\""), ("lower(\"ÄRGER\")", "\"ärger\"")],
        eval: Some(builtins::text::lower),
    },
    Function {
        name: "upper",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Upper-case text.",
        examples: &[("upper(\"abc\")", "\"ABC\"")],
        eval: Some(builtins::text::upper),
    },
    Function {
        name: "trim",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Remove white space (and zero-width characters) at both ends.",
        examples: &[("trim(\"  a b \")", "\"a b\""), ("trim(\"\\u{200B}ann@example.com\\n\")", "\"ann@example.com\"")],
        eval: Some(builtins::text::trim),
    },
    Function {
        name: "concat",
        params: &[Any],
        variadic: Some(Any),
        returns: text,
        nulls: Nulls::Never,
        summary: "Join values as text; nulls count as empty.",
        examples: &[("concat(\"#\", 42)", "\"#42\""), ("concat(\"Ticket \", null, 7)", "\"Ticket 7\"")],
        eval: Some(builtins::text::concat),
    },
    Function {
        name: "replace",
        params: &[Text, Text, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Replace every occurrence of a text.",
        examples: &[("replace(\"a-b-c\", \"-\", \"/\")", "\"a/b/c\"")],
        eval: Some(builtins::text::replace),
    },
    Function {
        name: "substring",
        params: &[Text, Int, Int],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Characters from a start index (0-based), at most a length.",
        examples: &[("substring(\"abcdef\", 1, 3)", "\"bcd\""), ("substring(\"abc\", 2, 10)", "\"c\"")],
        eval: Some(builtins::text::substring),
    },
    Function {
        name: "truncate",
        params: &[Text, Int],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Cut text to at most N characters, ending with … when cut.",
        examples: &[("truncate(\"abcdef\", 4)", "\"abc…\""), ("truncate(\"abc\", 4)", "\"abc\"")],
        eval: Some(builtins::text::truncate),
    },
    Function {
        name: "length",
        params: &[TextOrList],
        variadic: None,
        returns: int,
        nulls: Nulls::Propagate,
        summary: "Number of characters of text, or items of a list.",
        examples: &[("length(\"abc\")", "3"), ("length([\"a\", \"b\"])", "2")],
        eval: Some(builtins::text::length),
    },
    Function {
        name: "split",
        params: &[Text, Text],
        variadic: None,
        returns: text_list,
        nulls: Nulls::First,
        summary: "Split text at a separator.",
        examples: &[("split(\"a,b\", \",\")", "[\"a\", \"b\"]"), ("split(\"\", \",\")", "[]")],
        eval: Some(builtins::text::split),
    },
    Function {
        name: "join",
        params: &[List, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Join a list's items with a separator.",
        examples: &[("join([\"a\", \"b\"], \", \")", "\"a, b\""), ("join([\"a\", null, \"c\"], \"/\")", "\"a/c\"")],
        eval: Some(builtins::text::join),
    },
    Function {
        name: "starts_with",
        params: &[Text, Text],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Propagate,
        summary: "Whether text starts with a prefix.",
        examples: &[("starts_with(\"x_studio_a\", \"x_\")", "true")],
        eval: Some(builtins::text::starts_with),
    },
    Function {
        name: "ends_with",
        params: &[Text, Text],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Propagate,
        summary: "Whether text ends with a suffix.",
        examples: &[("ends_with(\"a.pdf\", \".pdf\")", "true")],
        eval: Some(builtins::text::ends_with),
    },
    Function {
        name: "contains",
        params: &[TextOrList, Any],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Propagate,
        summary: "Whether text contains a text, or a list an item.",
        examples: &[("contains(\"hello\", \"ell\")", "true"), ("contains([\"vip\", \"b2b\"], \"vip\")", "true")],
        eval: Some(builtins::text::contains),
    },
    Function {
        name: "to_text",
        params: &[Any],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Any value as text (numbers plainly, dates as ISO 8601).",
        examples: &[
            ("to_text(42)", "\"42\""),
            ("to_text(1.0)", "\"1.0\""),
            ("to_text(parse_date(\"21.11.2026\", \"%d.%m.%Y\"))", "\"2026-11-21\""),
        ],
        eval: Some(builtins::text::to_text),
    },
    Function {
        name: "is_email",
        params: &[Text],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Never,
        summary: "Whether text is a plausible e-mail address; null is not.",
        examples: &[("is_email(\"a@b.example\")", "true"), ("is_email(\"n/a\")", "false")],
        eval: Some(builtins::text::is_email),
    },
    Function {
        name: "normalize_email",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Always,
        summary: "Trim and lower-case an e-mail address; null when it is not one.",
        examples: &[
            ("normalize_email(\" Ann@Example.com \")", "\"ann@example.com\""),
            ("normalize_email(\"n/a\")", "null"),
        ],
        eval: Some(builtins::text::normalize_email),
    },
    Function {
        name: "email_domain",
        params: &[Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Always,
        summary: "The lower-case domain of an e-mail address (e.g. to find a company); null when it is not one.",
        examples: &[("email_domain(\"Ann@Example.COM\")", "\"example.com\""), ("email_domain(\"n/a\")", "null")],
        eval: Some(builtins::text::email_domain),
    },
    // regex
    Function {
        name: "regex_match",
        params: &[Text, Text],
        variadic: None,
        returns: boolean,
        nulls: Nulls::First,
        summary: "Whether a regular expression matches anywhere in text (anchor with ^…$).",
        examples: &[("regex_match(\"T-123\", \"^T-[0-9]+$\")", "true"), ("regex_match(\"see T-1\", \"^T-\")", "false")],
        eval: Some(builtins::text::regex_match),
    },
    Function {
        name: "regex_replace",
        params: &[Text, Text, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Replace every match of a regular expression ($1 for groups).",
        examples: &[
            ("regex_replace(\"a1b22\", \"[0-9]+\", \"#\")", "\"a#b#\""),
            ("regex_replace(\"Smith, Ann\", \"([A-Za-z]+), ([A-Za-z]+)\", \"$2 $1\")", "\"Ann Smith\""),
        ],
        eval: Some(builtins::text::regex_replace),
    },
    Function {
        name: "regex_extract",
        params: &[Text, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::Always,
        summary: "The first match (or first group) of a regular expression; null when none.",
        examples: &[
            ("regex_extract(\"ref T-12\", \"T-([0-9]+)\")", "\"12\""),
            ("regex_extract(\"ref T-12\", \"T-[0-9]+\")", "\"T-12\""),
            ("regex_extract(\"no ref\", \"T-[0-9]+\")", "null"),
        ],
        eval: Some(builtins::text::regex_extract),
    },
    // numbers
    Function {
        name: "to_int",
        params: &[Any],
        variadic: None,
        returns: int,
        nulls: Nulls::Always,
        summary: "A number or numeric text as a whole number (rounded toward zero); null when not numeric.",
        examples: &[("to_int(\"42\")", "42"), ("to_int(\" -2.7 \")", "-2"), ("to_int(\"n/a\")", "null")],
        eval: Some(builtins::numbers::to_int),
    },
    Function {
        name: "to_float",
        params: &[Any],
        variadic: None,
        returns: float,
        nulls: Nulls::Always,
        summary: "A number or numeric text as a decimal number; null when not numeric.",
        examples: &[("to_float(\"1.5\")", "1.5"), ("to_float(2)", "2.0")],
        eval: Some(builtins::numbers::to_float),
    },
    Function {
        name: "round",
        params: &[Number, Int],
        variadic: None,
        returns: float,
        nulls: Nulls::First,
        summary: "Round to N decimal places (half away from zero).",
        examples: &[("round(2.345, 2)", "2.35"), ("round(-2.5, 0)", "-3.0"), ("round(1234, -2)", "1200.0")],
        eval: Some(builtins::numbers::round),
    },
    Function {
        name: "abs",
        params: &[Number],
        variadic: None,
        returns: number_like_first,
        nulls: Nulls::Propagate,
        summary: "Absolute value.",
        examples: &[("abs(-3)", "3"), ("abs(-1.5)", "1.5")],
        eval: Some(builtins::numbers::abs),
    },
    // dates
    Function {
        name: "parse_date",
        params: &[Text, Text],
        variadic: None,
        returns: date,
        nulls: Nulls::Always,
        summary: "Parse text as a date with a strftime format; null when it does not parse.",
        examples: &[
            ("parse_date(\"21.11.2026\", \"%d.%m.%Y\")", "\"2026-11-21\""),
            ("parse_date(\"31.02.2026\", \"%d.%m.%Y\")", "null"),
        ],
        eval: Some(builtins::dates::parse_date),
    },
    Function {
        name: "parse_datetime",
        params: &[Text, Text, Text],
        variadic: None,
        returns: datetime,
        nulls: Nulls::Always,
        summary: "Parse local time text with a format in a time zone (DST-aware); null when it does not parse.",
        examples: &[
            ("parse_datetime(\"2026-11-21 10:00\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\")", "\"2026-11-21T09:00:00Z\""),
            ("parse_datetime(\"2026-03-29 02:30\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\")", "\"2026-03-29T01:30:00Z\""),
            ("parse_datetime(\"2026-10-25 02:30\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\")", "\"2026-10-25T00:30:00Z\""),
        ],
        eval: Some(builtins::dates::parse_datetime),
    },
    Function {
        name: "local_datetime",
        params: &[Temporal, Text],
        variadic: None,
        returns: datetime,
        nulls: Nulls::First,
        summary: "Read a naive timestamp as local time in a time zone.",
        examples: &[(
            "local_datetime(parse_datetime(\"2026-01-01 12:00\", \"%Y-%m-%d %H:%M\", \"UTC\"), \"Europe/Berlin\")",
            "\"2026-01-01T11:00:00Z\"",
        )],
        eval: Some(builtins::dates::local_datetime),
    },
    Function {
        name: "to_date",
        params: &[Temporal],
        variadic: None,
        returns: date,
        nulls: Nulls::Propagate,
        summary: "The UTC calendar date of a datetime.",
        examples: &[(
            "to_date(parse_datetime(\"2026-11-22 00:30\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\"))",
            "\"2026-11-21\"",
        )],
        eval: Some(builtins::dates::to_date),
    },
    Function {
        name: "to_datetime",
        params: &[Temporal],
        variadic: None,
        returns: datetime,
        nulls: Nulls::Propagate,
        summary: "A date as midnight UTC.",
        examples: &[("to_datetime(parse_date(\"21.11.2026\", \"%d.%m.%Y\"))", "\"2026-11-21T00:00:00Z\"")],
        eval: Some(builtins::dates::to_datetime),
    },
    Function {
        name: "format_date",
        params: &[Temporal, Text],
        variadic: None,
        returns: text,
        nulls: Nulls::First,
        summary: "Format a date or datetime with a strftime format (UTC).",
        examples: &[
            ("format_date(parse_date(\"2026-11-21\", \"%Y-%m-%d\"), \"%d.%m.%Y\")", "\"21.11.2026\""),
            (
                "format_date(parse_datetime(\"2026-11-21 10:00\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\"), \"%H:%M %Z\")",
                "\"09:00 UTC\"",
            ),
        ],
        eval: Some(builtins::dates::format_date),
    },
    Function {
        name: "unix_seconds",
        params: &[Temporal],
        variadic: None,
        returns: int,
        nulls: Nulls::Propagate,
        summary: "Seconds since 1970-01-01T00:00:00Z.",
        examples: &[
            ("unix_seconds(parse_datetime(\"2026-11-21 09:00\", \"%Y-%m-%d %H:%M\", \"UTC\"))", "1795251600"),
            ("unix_seconds(parse_date(\"1970-01-02\", \"%Y-%m-%d\"))", "86400"),
        ],
        eval: Some(builtins::dates::unix_seconds),
    },
    Function {
        name: "from_unix_seconds",
        params: &[Int],
        variadic: None,
        returns: datetime,
        nulls: Nulls::Propagate,
        summary: "The datetime a number of seconds after 1970-01-01T00:00:00Z (OTRS article times).",
        examples: &[("from_unix_seconds(1795251600)", "\"2026-11-21T09:00:00Z\"")],
        eval: Some(builtins::dates::from_unix_seconds),
    },
    // html
    Function {
        name: "html_to_text",
        params: &[Html],
        variadic: None,
        returns: text,
        nulls: Nulls::Propagate,
        summary: "Readable plain text from HTML (scripts and styles dropped, links kept).",
        examples: &[
            ("html_to_text(\"<p>Hi<br>there</p>\")", "\"Hi\\nthere\""),
            ("html_to_text(\"<p>Hi</p><script>track()</script>\")", "\"Hi\""),
        ],
        eval: Some(builtins::html::html_to_text),
    },
    Function {
        name: "text_to_html",
        params: &[Text],
        variadic: None,
        returns: html,
        nulls: Nulls::Propagate,
        summary: "Escape text as HTML, keeping line breaks.",
        examples: &[
            ("text_to_html(\"a < b\")", "\"<p>a &lt; b</p>\""),
            ("text_to_html(\"Hi\\nthere\")", "\"<p>Hi<br>there</p>\""),
        ],
        eval: Some(builtins::html::text_to_html),
    },
    Function {
        name: "sanitize_html",
        params: &[Html],
        variadic: None,
        returns: html,
        nulls: Nulls::Propagate,
        summary: "Remove scripts, event handlers and unsafe URLs from HTML.",
        examples: &[
            ("sanitize_html(\"<p onclick=x>a</p>\")", "\"<p>a</p>\""),
            ("sanitize_html(\"<p>a<script>x()</script></p>\")", "\"<p>a</p>\""),
        ],
        eval: Some(builtins::html::sanitize_html),
    },
    // lists
    Function {
        name: "first",
        params: &[List],
        variadic: None,
        returns: item_of_first,
        nulls: Nulls::Always,
        summary: "The first item of a list; null when empty.",
        examples: &[("first([\"a\", \"b\"])", "\"a\""), ("first([])", "null")],
        eval: Some(builtins::lists::first),
    },
    Function {
        name: "last",
        params: &[List],
        variadic: None,
        returns: item_of_first,
        nulls: Nulls::Always,
        summary: "The last item of a list; null when empty.",
        examples: &[("last([\"a\", \"b\"])", "\"b\"")],
        eval: Some(builtins::lists::last),
    },
    Function {
        name: "count",
        params: &[List],
        variadic: None,
        returns: int,
        nulls: Nulls::Never,
        summary: "Number of items of a list.",
        examples: &[("count([1, 2])", "2")],
        eval: Some(builtins::lists::count),
    },
    Function {
        name: "unique",
        params: &[List],
        variadic: None,
        returns: same_as_first,
        nulls: Nulls::Never,
        summary: "A list without repeated items, in first-seen order.",
        examples: &[("unique([\"a\", \"b\", \"a\"])", "[\"a\", \"b\"]")],
        eval: Some(builtins::lists::unique),
    },
    Function {
        name: "flatten",
        params: &[Any],
        variadic: Some(Any),
        returns: flat_items,
        nulls: Nulls::Never,
        summary: "One list of every argument's items: lists are spread, single values kept, nulls left out.",
        examples: &[("flatten([\"a\"], null, \"b\", [\"c\", null])", "[\"a\", \"b\", \"c\"]")],
        eval: Some(builtins::lists::flatten),
    },
    Function {
        name: "prefix_each",
        params: &[List, Text],
        variadic: None,
        returns: text_list,
        nulls: Nulls::Never,
        summary: "Each item as text after a prefix (tags namespaced by field); nulls left out, a null list is empty.",
        examples: &[("prefix_each([\"VPN\", \"Mail\"], \"Product: \")", "[\"Product: VPN\", \"Product: Mail\"]")],
        eval: Some(builtins::lists::prefix_each),
    },
    Function {
        name: "is_empty",
        params: &[Any],
        variadic: None,
        returns: boolean,
        nulls: Nulls::Never,
        summary: "Whether a value is null, empty text (after trimming) or an empty list.",
        examples: &[("is_empty(\" \")", "true"), ("is_empty([])", "true"), ("is_empty(\"a\")", "false")],
        eval: Some(builtins::lists::is_empty),
    },
    Function {
        name: "nonempty",
        params: &[Any],
        variadic: None,
        returns: same_as_first,
        nulls: Nulls::Always,
        summary: "The value, or null when it is empty (blank text, empty list): `nonempty(x) ?? fallback`.",
        examples: &[("nonempty(\" \")", "null"), ("nonempty(\"a\")", "\"a\"")],
        eval: Some(builtins::lists::nonempty),
    },
    Function {
        name: "coalesce",
        params: &[Any],
        variadic: Some(Any),
        returns: join_all,
        nulls: Nulls::AllNull,
        summary: "The first argument that is not null.",
        examples: &[("coalesce(null, \"b\", \"c\")", "\"b\"")],
        eval: Some(builtins::lists::coalesce),
    },
    // references
    Function {
        name: "ref",
        params: &[Object, Any],
        variadic: None,
        returns: unresolved_ref,
        nulls: Nulls::First,
        summary: "The destination id of the record an object migrated for a source key; the record waits in the reconciliation queue until it exists.",
        examples: &[("ref(contact, partner_id)", "\"6650f1a2b3c4d5e6f7a8b9c0\"")],
        eval: None,
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
    fn every_example_parses_and_type_checks_as_a_call_of_its_function_with_a_literal_result() {
        use crate::check::expr::{ExprChecker, ObjectInfo, Scope};
        use crate::diagnostic::Diagnostics;
        use crate::expr::ast::ExprKind;
        use crate::scalar::ScalarText;
        use crate::source::SourceId;
        use crate::span::Span;

        let objects = [ObjectInfo { name: "contact".into(), kind: "contact".into(), to_span: Span::detached() }];
        let tables = crate::spec::Entries::default();
        let non_null = std::collections::HashSet::new();
        let scope =
            Scope { source: None, object: None, objects: &objects, tables: &tables, non_null: &non_null, facts: &[] };
        for function in FUNCTIONS {
            for (call, result) in function.examples {
                let text = ScalarText::exact(*result, Span::new(SourceId(0), 0, result.len() as u32));
                let result = crate::expr::parse(&text).unwrap_or_else(|e| panic!("result {result}: {e:?}"));
                assert!(
                    matches!(result.kind, ExprKind::Literal(_) | ExprKind::List(_) | ExprKind::Unary { .. }),
                    "{call}: the result is not a literal: {result:?}"
                );
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
