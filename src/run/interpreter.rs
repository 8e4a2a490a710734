//! Evaluating compiled expressions over records.
//!
//! # Null semantics
//!
//! - A field that is empty in the source (Odoo `False`, SQL NULL, a missing key) is `null`.
//! - Following a relation from `null`, or to a record that does not exist (a deleted partner),
//!   gives `null`. Following a to-many relation gives a list of the related values.
//! - Arithmetic, text concatenation and ordering comparisons with a `null` operand give `null`.
//! - `==` and `!=` compare nulls like any value: `x == null` is true exactly when `x` is null.
//! - `and`/`or` are three-valued (`false and null` is false, `true or null` is true, otherwise
//!   null); `not null` is null. A condition (`where`, `flag`, `if`) is met only by `true`.
//! - `a ?? b` is `a` unless `a` is null; `b` is evaluated only then.
//! - A `match` with no matching arm gives null (the checker insists on coverage first).
//! - A table lookup of a key the table lacks gives null.
//! - Functions follow their declared null rule (`cutover functions`).
//!
//! The interpreter is pure: no clock, no randomness, no I/O. `ref(object, key)` is left as an
//! unresolved [`Reference`]: the runner resolves it against the ledger.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use crate::expr::ast::{BinaryOp, UnaryOp};
use crate::plan::{Op, Plan, PlanObject};
use crate::run::value::{Reference, Value};
use crate::span::Span;

/// A failure while evaluating one expression for one record.
#[derive(Clone, Debug, PartialEq)]
pub struct RuntimeError {
    /// What went wrong (no position: the span says where).
    pub message: String,
    /// The part of the expression that failed.
    pub span: Span,
}

/// An id usable as a hash key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKey {
    /// Integer ids (Odoo, OTRS).
    Int(i64),
    /// Text ids (TOPdesk).
    Text(Arc<str>),
}

impl IdKey {
    /// The key for a value, if it can be an id.
    pub fn of(value: &Value) -> Option<IdKey> {
        match value {
            Value::Int(n) => Some(IdKey::Int(*n)),
            Value::Float(f) if f.fract() == 0.0 => Some(IdKey::Int(*f as i64)),
            Value::Text(t) => Some(IdKey::Text(t.clone())),
            _ => None,
        }
    }
}

/// Prefetched related records, per lookup of the plan: id → values in the lookup's slot order.
#[derive(Clone, Debug, Default)]
pub struct LookupCache {
    /// One map per lookup.
    pub records: Vec<HashMap<IdKey, Arc<[Value]>>>,
}

impl LookupCache {
    /// An empty cache for a plan.
    pub fn new(plan: &Plan) -> Self {
        Self { records: vec![HashMap::new(); plan.lookups.len()] }
    }
}

/// What mapping one record gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Mapped {
    /// `where:` excluded it.
    Skipped,
    /// A `flag:` rule held it back, with the reason.
    Flagged(String),
    /// The destination fields, in plan output order.
    Record(Vec<(String, Value)>),
    /// An expression failed: the destination field (or rule) and the error.
    Failed {
        /// `where`, `flag`, or the destination field.
        field: String,
        /// The error.
        error: RuntimeError,
    },
}

/// Everything evaluation reads besides the record.
pub struct Context<'a> {
    /// The plan (tables).
    pub plan: &'a Plan,
    /// Prefetched relations.
    pub cache: &'a LookupCache,
}

/// Map one record of `object`: filter, flags, then every output.
pub fn map_record(object: &PlanObject, record: &[Value], context: &Context<'_>) -> Mapped {
    if let Some(filter) = &object.filter {
        match eval(filter, record, context) {
            Ok(value) if value.is_true() => {}
            Ok(_) => return Mapped::Skipped,
            Err(error) => return Mapped::Failed { field: "where".to_owned(), error },
        }
    }
    for (when, reason) in &object.flags {
        match eval(when, record, context) {
            Ok(value) if value.is_true() => return Mapped::Flagged(reason.clone()),
            Ok(_) => {}
            Err(error) => return Mapped::Failed { field: "flag".to_owned(), error },
        }
    }
    let mut out = Vec::with_capacity(object.outputs.len());
    for output in &object.outputs {
        match eval(&output.op, record, context) {
            Ok(value) => out.push((output.field.clone(), value)),
            Err(error) => return Mapped::Failed { field: output.field.clone(), error },
        }
    }
    Mapped::Record(out)
}

/// Evaluate one compiled expression over a record (values in the object's slot order).
pub fn eval(op: &Op, record: &[Value], context: &Context<'_>) -> Result<Value, RuntimeError> {
    Ok(match op {
        Op::Const(value) => value.clone(),
        Op::Field(slot) => record.get(*slot as usize).cloned().unwrap_or_default(),
        Op::Path { slot, steps } => {
            let mut value = record.get(*slot as usize).cloned().unwrap_or_default();
            for step in steps.iter() {
                value = follow(&value, step.lookup as usize, step.slot as usize, context);
            }
            value
        }
        Op::List(items) => {
            Value::list(items.iter().map(|item| eval(item, record, context)).collect::<Result<Vec<_>, _>>()?)
        }
        Op::Table { table, key } => {
            let key = eval(key, record, context)?;
            if key.is_null() {
                Value::Null
            } else {
                let table = &context.plan.tables[*table as usize];
                table.entries.get(key.to_string().as_str()).cloned().unwrap_or_default()
            }
        }
        Op::Unary { op, operand } => {
            let value = eval(operand, record, context)?;
            match (op, value) {
                (_, Value::Null) => Value::Null,
                (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                (UnaryOp::Negate, Value::Int(n)) => {
                    Value::Int(n.checked_neg().ok_or_else(|| overflow(Span::detached()))?)
                }
                (UnaryOp::Negate, Value::Float(f)) => Value::Float(-f),
                (op, value) => {
                    return Err(RuntimeError {
                        message: format!("`{}` cannot apply to {}", op.symbol(), value.kind()),
                        span: Span::detached(),
                    });
                }
            }
        }
        Op::Binary { op, lhs, rhs, span } => binary(*op, lhs, rhs, *span, record, context)?,
        Op::If { condition, then, otherwise } => {
            if eval(condition, record, context)?.is_true() {
                eval(then, record, context)?
            } else {
                eval(otherwise, record, context)?
            }
        }
        Op::Match { subject, arms } => {
            let subject = eval(subject, record, context)?;
            for (pattern, body) in arms.iter() {
                let matches = match pattern {
                    None => true,
                    Some(values) => values.iter().any(|p| pattern_matches(p, &subject)),
                };
                if matches {
                    return eval(body, record, context);
                }
            }
            Value::Null
        }
        Op::Call { function, arguments, span } => {
            let values = arguments.iter().map(|a| eval(a, record, context)).collect::<Result<Vec<_>, _>>()?;
            crate::run::builtins::call(function.0, &values)
                .map_err(|message| RuntimeError { message: format!("{}: {message}", function.0.name), span: *span })?
        }
        Op::Ref { object, key } => {
            let key = eval(key, record, context)?;
            if key.is_null() { Value::Null } else { Value::Ref(Arc::new(Reference { object: object.clone(), key })) }
        }
    })
}

/// A pattern matches a value of the same kind by equality, and a text pattern also matches a
/// number or boolean with the same text (enumeration keys such as Odoo's `"1"` priority).
fn pattern_matches(pattern: &Value, subject: &Value) -> bool {
    if pattern.equals(subject) {
        return true;
    }
    match (pattern, subject) {
        (Value::Text(p), Value::Int(_) | Value::Bool(_)) | (Value::Int(_) | Value::Bool(_), Value::Text(p)) => {
            let other = if matches!(pattern, Value::Text(_)) { subject } else { pattern };
            **p == *other.to_string()
        }
        _ => false,
    }
}

fn follow(value: &Value, lookup: usize, slot: usize, context: &Context<'_>) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::List(items) => {
            let related: Vec<Value> =
                items.iter().map(|item| follow(item, lookup, slot, context)).filter(|v| !v.is_null()).collect();
            Value::list(related)
        }
        id => IdKey::of(id)
            .and_then(|key| context.cache.records.get(lookup)?.get(&key))
            .and_then(|values| values.get(slot).cloned())
            .unwrap_or_default(),
    }
}

fn overflow(span: Span) -> RuntimeError {
    RuntimeError { message: "number too large".to_owned(), span }
}

fn binary(
    op: BinaryOp,
    lhs: &Op,
    rhs: &Op,
    span: Span,
    record: &[Value],
    context: &Context<'_>,
) -> Result<Value, RuntimeError> {
    let left = eval(lhs, record, context)?;
    match op {
        BinaryOp::Coalesce => return if left.is_null() { eval(rhs, record, context) } else { Ok(left) },
        BinaryOp::And if matches!(left, Value::Bool(false)) => return Ok(Value::Bool(false)),
        BinaryOp::Or if matches!(left, Value::Bool(true)) => return Ok(Value::Bool(true)),
        _ => {}
    }
    let right = eval(rhs, record, context)?;
    Ok(match op {
        BinaryOp::And => match (&left, &right) {
            (_, Value::Bool(false)) => Value::Bool(false),
            (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
            _ => Value::Null,
        },
        BinaryOp::Or => match (&left, &right) {
            (_, Value::Bool(true)) => Value::Bool(true),
            (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
            _ => Value::Null,
        },
        BinaryOp::Eq => Value::Bool(left.equals(&right) || pattern_matches(&right, &left)),
        BinaryOp::NotEq => Value::Bool(!(left.equals(&right) || pattern_matches(&right, &left))),
        BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => match left.compare(&right) {
            None => Value::Null,
            Some(ordering) => Value::Bool(match op {
                BinaryOp::Lt => ordering == Ordering::Less,
                BinaryOp::LtEq => ordering != Ordering::Greater,
                BinaryOp::Gt => ordering == Ordering::Greater,
                _ => ordering != Ordering::Less,
            }),
        },
        BinaryOp::In | BinaryOp::NotIn => {
            let found = match &right {
                Value::List(items) => items.iter().any(|item| item.equals(&left) || pattern_matches(item, &left)),
                Value::Text(text) => left.as_str().is_some_and(|needle| text.contains(needle)),
                _ => false,
            };
            Value::Bool(found == (op == BinaryOp::In))
        }
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
            if left.is_null() || right.is_null() {
                return Ok(Value::Null);
            }
            arithmetic(op, &left, &right, span)?
        }
        BinaryOp::Coalesce => unreachable!("handled before evaluating the right side"),
    })
}

fn arithmetic(op: BinaryOp, left: &Value, right: &Value, span: Span) -> Result<Value, RuntimeError> {
    Ok(match (op, left, right) {
        (BinaryOp::Add, Value::Text(a), b) => Value::text(format!("{a}{b}")),
        (BinaryOp::Add, a, Value::Text(b)) => Value::text(format!("{a}{b}")),
        (BinaryOp::Add, Value::List(a), Value::List(b)) => {
            Value::list(a.iter().chain(b.iter()).cloned().collect::<Vec<_>>())
        }
        (BinaryOp::Add, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_add(*b).ok_or_else(|| overflow(span))?),
        (BinaryOp::Sub, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_sub(*b).ok_or_else(|| overflow(span))?),
        (BinaryOp::Mul, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_mul(*b).ok_or_else(|| overflow(span))?),
        (op, a, b) => {
            let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
                return Err(RuntimeError {
                    message: format!("cannot compute {} {} {}", a.kind(), op.symbol(), b.kind()),
                    span,
                });
            };
            match op {
                BinaryOp::Add => Value::Float(x + y),
                BinaryOp::Sub => Value::Float(x - y),
                BinaryOp::Mul => Value::Float(x * y),
                _ if y == 0.0 => return Err(RuntimeError { message: "division by zero".to_owned(), span }),
                _ => Value::Float(x / y),
            }
        }
    })
}
