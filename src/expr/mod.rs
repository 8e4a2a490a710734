//! The expression language: parsing with pest into a spanned syntax tree.
//!
//! Mapping specs write values as small expressions inside YAML scalars:
//! `phone ?? mobile`, `tables.priority[priority]`, `if stage_id.is_close then "closed" else "open"`.
//! grammar/README.md describes the syntax for spec authors; this module turns the text of one
//! scalar into an [`Expr`] tree whose every node, operator, name and pattern literal carries a
//! [`Span`](crate::span::Span) into the spec file.
//!
//! The pipeline, one file per step:
//!
//! ```text
//! ScalarText --grammar::parse_tree--> pest pairs      (grammar/expr.pest, pre-scan, pest errors in words)
//!            --lower::lower---------> Expr            (spans mapped into the file, remaining checks)
//! Expr       --sexpr::to_sexpr------> "(?? (path phone) (path mobile))"
//!            --print::print---------> "phone ?? mobile"
//! ```
//!
//! Design choices:
//!
//! - The grammar has one rule per precedence level, so the precedence table in grammar/README.md
//!   can be read straight off `grammar/expr.pest`. Chains (`a + b + c`, `not not x`) are pest
//!   repetitions, folded in `lower`, so only brackets and `if`/`match` make the parser recurse.
//! - The grammar accepts a little more than the language (any postfix chain, any word after `.`,
//!   any character after `\`, chained comparisons) and `lower` rejects the rest with a
//!   diagnostic made for the case: `name[0]` is [`Code::IndexNotTable`](crate::codes::Code),
//!   `a == b == c` asks for parentheses, `\q` points at the escape.
//! - Offsets become spans only in `lower`, through [`ScalarText::map`]: exact for plain scalars,
//!   line by line for literal block scalars, the whole scalar otherwise.
//! - pest's errors name grammar rules; `grammar` turns them into words ("expected `)` or `,`"),
//!   names the token found, and points a context label at the bracket or `if` still open.
//! - Parsing never panics and never recurses without bound: a pre-scan rejects input nested more
//!   than [`MAX_DEPTH`] brackets or `if`/`match` forms deep, and `lower` stops trees taller than
//!   that (long operator chains) before building them.
//! - Lowering reports every problem it finds, not only the first; a syntax error from pest stops
//!   at the first.

pub mod ast;
mod diagnostics;
mod grammar;
mod lower;
mod print;
mod sexpr;

pub use ast::{BinaryOp, Expr, ExprKind, Literal, MatchArm, Pattern, UnaryOp};
pub use print::print;
pub use sexpr::to_sexpr;

use crate::diagnostic::Diagnostics;
use crate::scalar::ScalarText;

/// How deep expressions may nest: brackets plus open `if`/`match` forms, and the height of the
/// tree. Deeper input is rejected with a [`Code::ExprSyntax`](crate::codes::Code) diagnostic.
pub const MAX_DEPTH: usize = 128;

/// Parse the expression in `source`; every span in the result points into `source`'s file.
///
/// On failure the diagnostics all have [`Code::ExprSyntax`](crate::codes::Code) or
/// [`Code::IndexNotTable`](crate::codes::Code). Never panics.
pub fn parse(source: &ScalarText) -> Result<Expr, Diagnostics> {
    lower::lower(source)
}
