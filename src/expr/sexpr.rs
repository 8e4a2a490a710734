//! Expressions as compact s-expressions, for snapshots and `--explain`.
//!
//! `phone ?? mobile` is `(?? (path phone) (path mobile))`. Every node is `(head children...)`
//! except literals, which print as written in the language (`"text"`, `42`, `1.5`, `null`).
//! Spans are not shown.

use super::ast::{BinaryOp, Expr, ExprKind, MatchArm, Pattern, UnaryOp};
use super::print::{write_literal, write_name};

/// The expression as an s-expression.
pub fn to_sexpr(expr: &Expr) -> String {
    let mut out = String::new();
    write(&mut out, expr);
    out
}

fn write(out: &mut String, expr: &Expr) {
    match &expr.kind {
        ExprKind::Literal(literal) => write_literal(out, literal),
        ExprKind::List(items) => node(out, "list", |out| items.iter().for_each(|item| child(out, item))),
        ExprKind::Path(segments) => node(out, "path", |out| {
            for segment in segments {
                out.push(' ');
                write_name(out, segment);
            }
        }),
        ExprKind::TableLookup { table, key } => node(out, "table", |out| {
            out.push(' ');
            write_name(out, table);
            child(out, key);
        }),
        ExprKind::Unary { op, operand } => {
            let head = match op.value {
                UnaryOp::Not => "not",
                UnaryOp::Negate => "neg",
            };
            node(out, head, |out| child(out, operand));
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let head = match op.value {
                BinaryOp::NotIn => "not-in",
                op => op.symbol(),
            };
            node(out, head, |out| {
                child(out, lhs);
                child(out, rhs);
            });
        }
        ExprKind::If { condition, then, otherwise } => node(out, "if", |out| {
            child(out, condition);
            child(out, then);
            child(out, otherwise);
        }),
        ExprKind::Match { subject, arms } => node(out, "match", |out| {
            child(out, subject);
            arms.iter().for_each(|arm| write_arm(out, arm));
        }),
        ExprKind::Call { function, arguments } => node(out, "call", |out| {
            out.push(' ');
            out.push_str(function);
            arguments.iter().for_each(|argument| child(out, argument));
        }),
    }
}

fn node(out: &mut String, head: &str, children: impl FnOnce(&mut String)) {
    out.push('(');
    out.push_str(head);
    children(out);
    out.push(')');
}

fn child(out: &mut String, expr: &Expr) {
    out.push(' ');
    write(out, expr);
}

fn write_arm(out: &mut String, arm: &MatchArm) {
    out.push_str(" (arm ");
    match &arm.pattern {
        Pattern::Wildcard(_) => out.push('_'),
        Pattern::Literals(literals) => {
            out.push('(');
            for (i, literal) in literals.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_literal(out, literal);
            }
            out.push(')');
        }
    }
    child(out, &arm.body);
    out.push(')');
}
