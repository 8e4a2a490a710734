//! The expression parser: golden fixtures, print/parse round trips, and "never panics".
//!
//! Each `tests/fixtures/expr/*.expr` file is one case: a `# comment` line saying what it tests,
//! then the expression. Its snapshot in `snapshots/expr/` is the s-expression of the tree, or the
//! diagnostics rendered as plain text with a caret line under each label.

use std::fmt::Write as _;

use cutover::codes::Code;
use cutover::diagnostic::Diagnostics;
use cutover::expr::ast::RESERVED_WORDS;
use cutover::expr::{self, BinaryOp, Expr, ExprKind, Literal, MatchArm, Pattern, UnaryOp};
use cutover::scalar::ScalarText;
use cutover::source::SourceId;
use cutover::span::{Span, Spanned};
use proptest::prelude::*;
use proptest::sample::select;

use crate::support;

/// The fixture's expression: everything after the comment line, at its real offsets in the file.
fn scalar(file: &str) -> ScalarText {
    let start = if file.starts_with('#') { file.find('\n').map_or(file.len(), |i| i + 1) } else { 0 };
    ScalarText::exact(&file[start..], Span::new(SourceId(0), start as u32, file.len() as u32))
}

/// Parse `text` as a scalar of its own, at a non-zero offset so spans are exercised.
fn parse_text(text: &str) -> Result<Expr, Diagnostics> {
    let start = 10;
    expr::parse(&ScalarText::exact(text, Span::new(SourceId(0), start, start + text.len() as u32)))
}

/// A tiny plain-text renderer: the message, each label's line with a marker under its columns,
/// then the help line. `^` marks the primary label, `-` a context label.
fn render(file: &str, diagnostics: &Diagnostics) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
        for label in &diagnostic.labels {
            let start = (label.span.start as usize).min(file.len());
            let end = (label.span.end as usize).clamp(start, file.len());
            let line_start = file[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = file[start..].find('\n').map_or(file.len(), |i| start + i);
            let line_number = file[..start].matches('\n').count() + 1;
            let column = file[line_start..start].chars().count();
            let width = file[start..end.min(line_end)].chars().count().max(1);
            let marker = if label.primary { "^" } else { "-" };
            let _ = writeln!(out, "{line_number:>3} | {}", &file[line_start..line_end]);
            let _ = writeln!(out, "    | {}{} {}", " ".repeat(column), marker.repeat(width), label.message);
        }
        if let Some(help) = &diagnostic.help {
            let _ = writeln!(out, "help: {help}");
        }
    }
    out
}

/// `print` gives text that parses back to the same tree.
fn assert_round_trip(expr: &Expr) {
    let printed = expr::print(expr);
    match parse_text(&printed) {
        Ok(again) => assert_eq!(expr::to_sexpr(&again), expr::to_sexpr(expr), "printed as {printed}"),
        Err(diagnostics) => panic!("printed as {printed:?}, which does not parse: {diagnostics:?}"),
    }
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/expr/*.expr", |path| {
        let file = std::fs::read_to_string(path).unwrap();
        let mut settings = support::settings("expr");
        settings.set_description(support::description(&file).expect("a fixture starts with a # comment"));
        let output = match expr::parse(&scalar(&file)) {
            Ok(expr) => {
                assert_round_trip(&expr);
                expr::to_sexpr(&expr)
            }
            Err(diagnostics) => {
                assert!(!diagnostics.is_empty());
                render(&file, &diagnostics)
            }
        };
        settings.bind(|| insta::assert_snapshot!(output));
    });
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 100_000;
    let inputs = [
        "(".repeat(n),
        format!("{}x{}", "(".repeat(n), ")".repeat(n)),
        format!("{}x{}", "[".repeat(n), "]".repeat(n)),
        format!("{}x{}", "f(".repeat(n), ")".repeat(n)),
        format!("{}1", "if a then 1 else ".repeat(n)),
        format!("{}1", "-".repeat(n)),
        format!("{}a", "not ".repeat(n)),
        format!("a{}", " ?? a".repeat(n)),
        format!("a{}", " + a".repeat(n)),
        format!("{}x", "match x { _ => ".repeat(n)),
    ];
    for input in &inputs {
        let diagnostics = parse_text(input).expect_err("too deep");
        let first = diagnostics.iter().next().unwrap();
        assert_eq!(first.code, Code::ExprSyntax);
        assert_eq!(first.message, "expression is nested too deeply", "{}", &input[..40]);
        assert_eq!(diagnostics.len(), 1);
    }
}

#[test]
fn nesting_up_to_the_limit_parses() {
    // A main thread's stack: a debug build of the pest parser needs about 1.8 MiB for 128 levels
    // of `tables.t[...]`, close to the 2 MiB of a test thread (release builds need a quarter).
    let thread = std::thread::Builder::new().stack_size(8 << 20).spawn(|| {
        let n = expr::MAX_DEPTH;
        let cases = [
            (format!("{}x{}", "(".repeat(n), ")".repeat(n)), "({})"),
            (format!("{}x{}", "[".repeat(n), "]".repeat(n)), "[{}]"),
            (format!("{}x{}", "f(".repeat(n), ")".repeat(n)), "f({})"),
            (format!("{}x{}", "tables.t[".repeat(n), "]".repeat(n)), "tables.t[{}]"),
            (format!("{}1", "if a then 1 else ".repeat(n)), "if a then 1 else {}"),
            (format!("{}x{}", "match x { _ => ".repeat(n), " }".repeat(n)), "match x { _ => {} }"),
            // The last `-` belongs to the literal `-1`.
            (format!("{}1", "-".repeat(n + 1)), "-{}"),
            (format!("a{}", " ?? a".repeat(n)), "a ?? {}"),
            (format!("a{}", " + a".repeat(n)), "{} + a"),
        ];
        for (input, wrap) in &cases {
            let expr = parse_text(input).unwrap_or_else(|d| panic!("{}...: {d:?}", &input[..30]));
            assert_round_trip(&expr);
            let deeper = wrap.replace("{}", input);
            let diagnostics = parse_text(&deeper).expect_err("one level too deep");
            assert_eq!(diagnostics.iter().next().unwrap().message, "expression is nested too deeply");
        }
    });
    thread.unwrap().join().unwrap();
}

// ---------------------------------------------------------------------------------------------
// Printing: every operator next to every other, then random trees.

fn detached(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::detached())
}

fn path(name: &str) -> Expr {
    detached(ExprKind::Path(vec![Spanned::detached(name.to_owned())]))
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    detached(ExprKind::Binary { op: Spanned::detached(op), lhs: Box::new(lhs), rhs: Box::new(rhs) })
}

fn unary(op: UnaryOp, operand: Expr) -> Expr {
    detached(ExprKind::Unary { op: Spanned::detached(op), operand: Box::new(operand) })
}

fn if_expr(condition: Expr, then: Expr, otherwise: Expr) -> Expr {
    detached(ExprKind::If { condition: Box::new(condition), then: Box::new(then), otherwise: Box::new(otherwise) })
}

fn match_expr(subject: Expr, body: Expr) -> Expr {
    let arm = MatchArm { pattern: Pattern::Wildcard(Span::detached()), body, span: Span::detached() };
    detached(ExprKind::Match { subject: Box::new(subject), arms: vec![arm] })
}

#[test]
fn every_operator_in_every_position_round_trips() {
    let mut inner: Vec<Expr> = BinaryOp::ALL.iter().map(|op| binary(*op, path("a"), path("b"))).collect();
    inner.extend([
        unary(UnaryOp::Not, path("a")),
        unary(UnaryOp::Negate, path("a")),
        unary(UnaryOp::Negate, detached(ExprKind::Literal(Literal::Int(1)))),
        unary(UnaryOp::Negate, detached(ExprKind::Literal(Literal::Int(-1)))),
        detached(ExprKind::Literal(Literal::Int(-1))),
        detached(ExprKind::Literal(Literal::Float(-0.0))),
        if_expr(path("a"), path("b"), path("c")),
        match_expr(path("a"), path("b")),
    ]);
    let x = || path("x");
    let mut outer: Vec<Box<dyn Fn(Expr) -> Expr>> = Vec::new();
    for op in BinaryOp::ALL {
        outer.push(Box::new(move |e| binary(*op, e, x())));
        outer.push(Box::new(move |e| binary(*op, x(), e)));
    }
    outer.push(Box::new(|e| unary(UnaryOp::Not, e)));
    outer.push(Box::new(|e| unary(UnaryOp::Negate, e)));
    outer.push(Box::new(move |e| if_expr(e, x(), x())));
    outer.push(Box::new(move |e| if_expr(x(), e, x())));
    outer.push(Box::new(move |e| if_expr(x(), x(), e)));
    outer.push(Box::new(move |e| match_expr(e, x())));
    outer.push(Box::new(move |e| match_expr(x(), e)));
    outer.push(Box::new(|e| detached(ExprKind::List(vec![e]))));
    outer
        .push(Box::new(|e| detached(ExprKind::TableLookup { table: Spanned::detached("t".into()), key: Box::new(e) })));
    for wrap in &outer {
        for expr in &inner {
            assert_round_trip(&wrap(expr.clone()));
        }
    }
}

fn literal() -> impl Strategy<Value = Literal> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Bool),
        any::<i64>().prop_map(Literal::Int),
        (-1000i64..1000).prop_map(Literal::Int),
        (POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO).prop_map(Literal::Float),
        any::<String>().prop_map(Literal::String),
        "[a-z \"'\\\\\n\t\r{}]{0,8}".prop_map(Literal::String),
    ]
}

/// A path segment or table name: plain, reserved, or odd (backticks needed).
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z_][a-z0-9_]{0,5}",
        1 => select(RESERVED_WORDS).prop_map(str::to_owned),
        1 => "[^`\n]{1,6}",
    ]
}

fn function_name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,5}".prop_filter("a reserved word is no function name", |n| !RESERVED_WORDS.contains(&n.as_str()))
}

fn pattern() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        1 => Just(Pattern::Wildcard(Span::detached())),
        3 => prop::collection::vec(literal().prop_map(Spanned::detached), 1..4).prop_map(Pattern::Literals),
    ]
}

fn tree() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        literal().prop_map(|l| detached(ExprKind::Literal(l))),
        prop::collection::vec(name().prop_map(Spanned::detached), 1..4).prop_map(|s| detached(ExprKind::Path(s))),
    ];
    leaf.prop_recursive(6, 48, 4, |inner| {
        let boxed = || inner.clone().prop_map(Box::new);
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..4).prop_map(|items| detached(ExprKind::List(items))),
            1 => (name(), boxed()).prop_map(|(table, key)| detached(ExprKind::TableLookup {
                table: Spanned::detached(table),
                key
            })),
            2 => (select(&[UnaryOp::Not, UnaryOp::Negate][..]), boxed()).prop_map(|(op, operand)| detached(
                ExprKind::Unary { op: Spanned::detached(op), operand }
            )),
            6 => (select(BinaryOp::ALL), boxed(), boxed()).prop_map(|(op, lhs, rhs)| detached(ExprKind::Binary {
                op: Spanned::detached(op),
                lhs,
                rhs
            })),
            1 => (boxed(), boxed(), boxed()).prop_map(|(condition, then, otherwise)| detached(ExprKind::If {
                condition,
                then,
                otherwise
            })),
            1 => (boxed(), prop::collection::vec((pattern(), inner.clone()), 1..4)).prop_map(|(subject, arms)| {
                let arms = arms.into_iter().map(|(pattern, body)| MatchArm { pattern, body, span: Span::detached() });
                detached(ExprKind::Match { subject, arms: arms.collect() })
            }),
            1 => (function_name(), prop::collection::vec(inner.clone(), 0..4)).prop_map(|(function, arguments)| detached(
                ExprKind::Call { function: Spanned::detached(function), arguments }
            )),
        ]
    })
}

/// Grammar-ish fragments, so random input gets past the first token.
fn fragments() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        select(
            &[
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                ",",
                ".",
                "|",
                "=>",
                "==",
                "!=",
                "<",
                "<=",
                ">",
                ">=",
                "??",
                "+",
                "-",
                "*",
                "/",
                "_",
                "`",
                "\"",
                "'",
                "\\",
                "if",
                "then",
                "else",
                "match",
                "and",
                "or",
                "not",
                "in",
                "true",
                "false",
                "null",
                "tables",
                "tables.t[",
                "lower(",
                "\n",
                "=",
                "&&",
                "!",
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z]{1,4}",
        "[0-9]{1,21}(\\.[0-9]{1,3})?(e[+-]?[0-9]{1,4})?",
        "\"[^\"\n]{0,4}\"",
        "'(\\\\[nqu'{}0-9a-fA-F]|[a-z]){0,5}'",
        "`[^`\n]{0,4}`",
    ];
    (prop::collection::vec(piece, 0..24), any::<bool>())
        .prop_map(|(pieces, spaced)| pieces.join(if spaced { " " } else { "" }))
}

proptest! {
    // 256 cases by default; `PROPTEST_CASES=100000` for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn print_then_parse_gives_the_same_tree(tree in tree()) {
        assert_round_trip(&tree);
    }

    #[test]
    fn parse_never_panics(text in prop_oneof![any::<String>(), fragments()]) {
        let source = ScalarText::exact(text.as_str(), Span::new(SourceId(0), 10, 10 + text.len() as u32));
        match expr::parse(&source) {
            Ok(expr) => assert_round_trip(&expr),
            Err(diagnostics) => {
                prop_assert!(!diagnostics.is_empty());
                for diagnostic in &diagnostics {
                    prop_assert!(matches!(diagnostic.code, Code::ExprSyntax | Code::IndexNotTable));
                    prop_assert!(diagnostic.primary_span().is_some(), "{diagnostic:?}");
                    prop_assert!(diagnostic.help.is_some(), "{diagnostic:?}");
                    for label in &diagnostic.labels {
                        prop_assert!(source.span.start <= label.span.start && label.span.end <= source.span.end);
                        prop_assert!(label.span.start <= label.span.end);
                    }
                }
            }
        }
    }
}
