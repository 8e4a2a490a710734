//! One constructor per expression diagnostic, named after the problem.
//!
//! Every constructor takes file spans (already mapped by `lower`) and returns the finished
//! [`Diagnostic`]; call sites read `self.error(diagnostics::int_too_large(span))`.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// The help line when nothing more specific is known.
pub(super) const SEE_GRAMMAR: &str = "see grammar/README.md for the expression syntax";

fn syntax(message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::ExprSyntax, message)
}

/// The scalar holds no expression at all.
pub(super) fn empty(scalar: Span) -> Diagnostic {
    syntax("empty expression")
        .primary(scalar, "an expression is expected here")
        .help("write a value such as `null`, `\"\"` or a field name")
}

/// pest stopped at `at`; `expected` is already in words.
pub(super) fn unexpected(
    at: Span,
    expected: &str,
    found: Option<&str>,
    open: Option<(Span, String)>,
    help: Option<String>,
) -> Diagnostic {
    let label = match found {
        Some(found) => format!("unexpected {found}"),
        None => "the expression ends here".to_owned(),
    };
    let mut diagnostic = syntax(format!("expected {expected}")).primary(at, label);
    if let Some((span, label)) = open {
        diagnostic = diagnostic.context(span, label);
    }
    diagnostic.help(help.unwrap_or_else(|| SEE_GRAMMAR.to_owned()))
}

/// A quoted string without its closing quote on the same line.
pub(super) fn unterminated_string(open: Span, end: Span) -> Diagnostic {
    syntax("unterminated string")
        .primary(open, "this string is never closed")
        .context(end, "the line ends here")
        .help("close the string with the quote it starts with; write `\\n` for a line break inside it")
}

/// A backtick name without its closing backtick on the same line.
pub(super) fn unterminated_name(open: Span, end: Span) -> Diagnostic {
    syntax("unterminated backtick name")
        .primary(open, "this name is never closed")
        .context(end, "the line ends here")
        .help("close the name with a second backtick: `` `odd-name` ``")
}

/// `\q` or `\u{110000}` in a string.
pub(super) fn bad_escape(span: Span, escape: &str, why: &str) -> Diagnostic {
    syntax(format!("invalid escape `{escape}` in string"))
        .primary(span, why)
        .help("valid escapes are \\\\ \\\" \\' \\n \\t \\r and \\u{1F600}")
}

/// An integer literal outside `i64`.
pub(super) fn int_too_large(span: Span) -> Diagnostic {
    syntax("integer literal out of range").primary(span, "does not fit in a 64-bit integer").help(format!(
        "integers go from {} to {}; write a float (`1e20`) or a string for larger numbers",
        i64::MIN,
        i64::MAX
    ))
}

/// A float literal too large to be finite.
pub(super) fn float_too_large(span: Span) -> Diagnostic {
    syntax("float literal out of range")
        .primary(span, "too large for a 64-bit float")
        .help(format!("floats go up to about {:e}", f64::MAX))
}

/// `a == b == c`.
pub(super) fn chained_comparison(second: Span, first: Span, first_symbol: &str, second_symbol: &str) -> Diagnostic {
    syntax("comparison operators cannot be chained")
        .primary(second, format!("`{second_symbol}` compares the result of an earlier comparison"))
        .context(first, "the earlier comparison")
        .help(format!("add parentheses: `(a {first_symbol} b) {second_symbol} c`, or join two comparisons with `and`"))
}

/// `name[0]`, `tables[x]`, `tables.a.b[x]`.
pub(super) fn index_not_table(index: Span, target: Span, help: &str) -> Diagnostic {
    Diagnostic::error(Code::IndexNotTable, "only tables can be indexed")
        .primary(index, "indexing here")
        .context(target, "this is not `tables.NAME`")
        .help(help)
}

/// `contact.if`: a reserved word as a field name.
pub(super) fn reserved_word(span: Span, word: &str) -> Diagnostic {
    syntax(format!("`{word}` is a reserved word"))
        .primary(span, "reserved words cannot be field names")
        .help(format!("quote the name in backticks: `` `{word}` ``"))
}

/// `a.b(x)`, `` `f`(x) ``, `f(x)(y)`.
pub(super) fn not_callable(arguments: Span, target: Span) -> Diagnostic {
    syntax("only a function name can be called")
        .primary(arguments, "arguments here")
        .context(target, "this is not a bare function name")
        .help("call a built-in function by its name: `lower(email)`; `cutover functions` lists them")
}

/// `lower(email).x`, `1.x`.
pub(super) fn field_of_non_path(field: Span, target: Span) -> Diagnostic {
    syntax("only a field path can be followed by `.name`")
        .primary(field, "field access here")
        .context(target, "this is not a field path")
        .help("follow relations from a field: `partner_id.email`")
}

/// Nesting deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
pub(super) fn too_deep(span: Span) -> Diagnostic {
    syntax("expression is nested too deeply")
        .primary(span, format!("more than {} levels deep here", super::MAX_DEPTH))
        .help("split the expression, or move a long `if` chain into a `match` or a table")
}
