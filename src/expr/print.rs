//! Canonical source text for an expression tree.
//!
//! [`print`] writes the fewest parentheses the precedence table allows, except around an `if`
//! or `match` used as a condition, a `then` branch or a `match` subject, where they are not
//! needed but make the text easier to read. Strings are written in double quotes, names in
//! backticks when they are not plain identifiers. Parsing the result gives the same tree (spans
//! aside) for every tree the parser can produce; `tests/expr.rs` checks this with random trees.
//! Trees the parser cannot produce have no exact text: a non-finite float prints as `1e999` or
//! `(0.0 / 0.0)`, which do not parse back to it.

use std::fmt::Write as _;

use super::ast::{BinaryOp, Expr, ExprKind, Literal, MatchArm, Pattern, UnaryOp, is_plain_name};

/// The expression as canonical source text.
pub fn print(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr, 0);
    out
}

/// Binding strength of each level of the precedence table in grammar/README.md.
mod level {
    pub const PREFIX_FORM: u8 = 1;
    pub const OR: u8 = 2;
    pub const AND: u8 = 3;
    pub const NOT: u8 = 4;
    pub const COMPARISON: u8 = 5;
    pub const COALESCE: u8 = 6;
    pub const ADDITIVE: u8 = 7;
    pub const MULTIPLICATIVE: u8 = 8;
    pub const NEGATE: u8 = 9;
    pub const POSTFIX: u8 = 10;
}

fn binary_level(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => level::OR,
        BinaryOp::And => level::AND,
        BinaryOp::Coalesce => level::COALESCE,
        BinaryOp::Add | BinaryOp::Sub => level::ADDITIVE,
        BinaryOp::Mul | BinaryOp::Div => level::MULTIPLICATIVE,
        _ => level::COMPARISON,
    }
}

/// A number literal that is written with a leading `-`.
fn is_negative_number(literal: &Literal) -> bool {
    match literal {
        Literal::Int(value) => *value < 0,
        Literal::Float(value) => value.is_sign_negative(),
        _ => false,
    }
}

fn expr_level(expr: &Expr) -> u8 {
    match &expr.kind {
        ExprKind::If { .. } | ExprKind::Match { .. } => level::PREFIX_FORM,
        ExprKind::Binary { op, .. } => binary_level(op.value),
        ExprKind::Unary { op, .. } => match op.value {
            UnaryOp::Not => level::NOT,
            UnaryOp::Negate => level::NEGATE,
        },
        ExprKind::Literal(literal) if is_negative_number(literal) => level::NEGATE,
        _ => level::POSTFIX,
    }
}

/// Write `expr`, in parentheses when it binds less tightly than `min`.
fn write_expr(out: &mut String, expr: &Expr, min: u8) {
    if expr_level(expr) < min {
        out.push('(');
        write_expr(out, expr, 0);
        out.push(')');
        return;
    }
    match &expr.kind {
        ExprKind::Literal(literal) => write_literal(out, literal),
        ExprKind::List(items) => {
            out.push('[');
            write_list(out, items);
            out.push(']');
        }
        ExprKind::Path(segments) => {
            for (i, segment) in segments.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                write_name(out, segment);
            }
        }
        ExprKind::TableLookup { table, key } => {
            out.push_str("tables.");
            write_name(out, table);
            out.push('[');
            write_expr(out, key, 0);
            out.push(']');
        }
        ExprKind::Unary { op, operand } => match op.value {
            UnaryOp::Not => {
                out.push_str("not ");
                write_expr(out, operand, level::NOT);
            }
            UnaryOp::Negate => {
                out.push('-');
                // `-1` would be read back as the literal -1, not as the negation of 1.
                let folds = matches!(&operand.kind, ExprKind::Literal(l @ (Literal::Int(_) | Literal::Float(_))) if !is_negative_number(l));
                write_expr(out, operand, if folds { u8::MAX } else { level::NEGATE });
            }
        },
        ExprKind::Binary { op, lhs, rhs } => {
            let level = binary_level(op.value);
            let (left, right) = match op.value {
                BinaryOp::Coalesce => (level + 1, level),
                _ if op.value.is_comparison() => (level + 1, level + 1),
                _ => (level, level + 1),
            };
            write_expr(out, lhs, left);
            let _ = write!(out, " {} ", op.value.symbol());
            write_expr(out, rhs, right);
        }
        ExprKind::If { condition, then, otherwise } => {
            out.push_str("if ");
            write_expr(out, condition, level::OR);
            out.push_str(" then ");
            write_expr(out, then, level::OR);
            out.push_str(" else ");
            write_expr(out, otherwise, 0);
        }
        ExprKind::Match { subject, arms } => {
            out.push_str("match ");
            write_expr(out, subject, level::OR);
            out.push_str(" {");
            for (i, arm) in arms.iter().enumerate() {
                out.push_str(if i == 0 { " " } else { ", " });
                write_arm(out, arm);
            }
            out.push_str(" }");
        }
        ExprKind::Call { function, arguments } => {
            out.push_str(function);
            out.push('(');
            write_list(out, arguments);
            out.push(')');
        }
    }
}

fn write_list(out: &mut String, items: &[Expr]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item, 0);
    }
}

fn write_arm(out: &mut String, arm: &MatchArm) {
    match &arm.pattern {
        Pattern::Wildcard(_) => out.push('_'),
        Pattern::Literals(literals) => {
            for (i, literal) in literals.iter().enumerate() {
                if i > 0 {
                    out.push_str(" | ");
                }
                write_literal(out, literal);
            }
        }
    }
    out.push_str(" => ");
    write_expr(out, &arm.body, 0);
}

/// A name as written: plain, or in backticks.
pub(crate) fn write_name(out: &mut String, name: &str) {
    if is_plain_name(name) {
        out.push_str(name);
    } else {
        out.push('`');
        out.push_str(name);
        out.push('`');
    }
}

/// A literal as written; also the s-expression form of a literal.
pub(crate) fn write_literal(out: &mut String, literal: &Literal) {
    match literal {
        Literal::Null => out.push_str("null"),
        Literal::Bool(value) => {
            let _ = write!(out, "{value}");
        }
        Literal::Int(value) => {
            let _ = write!(out, "{value}");
        }
        // `{:?}` gives the shortest text that reads back to the same float, always with a `.`
        // or an exponent, so it never reads back as an integer.
        Literal::Float(value) if value.is_finite() => {
            let _ = write!(out, "{value:?}");
        }
        Literal::Float(value) if value.is_nan() => out.push_str("(0.0 / 0.0)"),
        Literal::Float(value) => out.push_str(if *value > 0.0 { "1e999" } else { "-1e999" }),
        Literal::String(text) => write_string(out, text),
    }
}

/// A string in double quotes with `\\ \" \n \t \r` escaped and other control characters as `\u{..}`.
pub(crate) fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
