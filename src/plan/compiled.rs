//! Compiled expressions: names resolved to slots and ids.
//!
//! `check` leaves expressions as syntax trees with names; `compile` turns each into an [`Op`]
//! tree in which a field is a slot in the record's projection, a relation step is a lookup id
//! plus a slot in that lookup's projection, a table is an index, and a function is a pointer to
//! its declaration. Evaluating an `Op` never looks a name up.

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::functions::Function;
use crate::expr::ast::{BinaryOp, UnaryOp};
use crate::run::value::Value;
use crate::span::Span;

/// A compiled expression.
#[derive(Clone, Debug)]
pub enum Op {
    /// A literal.
    Const(Value),
    /// A field of the record being mapped.
    Field(u32),
    /// A field of the record, then relations followed through prefetched lookups.
    Path {
        /// The first field's slot.
        slot: u32,
        /// Each relation followed.
        steps: Box<[Step]>,
    },
    /// `[a, b]`.
    List(Box<[Op]>),
    /// `tables.NAME[key]`.
    Table {
        /// Index into [`Plan::tables`](crate::plan::Plan::tables).
        table: u32,
        /// The key.
        key: Box<Op>,
    },
    /// `not x`, `-x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Op>,
    },
    /// `a + b`, `a == b`, `a ?? b`, …
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Op>,
        /// Right operand.
        rhs: Box<Op>,
        /// Where the operator is written (for runtime errors such as division by zero).
        span: Span,
    },
    /// `if c then a else b`.
    If {
        /// Condition.
        condition: Box<Op>,
        /// When true.
        then: Box<Op>,
        /// Otherwise (null included).
        otherwise: Box<Op>,
    },
    /// `match s { … }`.
    Match {
        /// The subject.
        subject: Box<Op>,
        /// Arms in order.
        arms: Box<[Arm]>,
    },
    /// A built-in function call.
    Call {
        /// The declaration, with its implementation.
        function: FunctionRef,
        /// Arguments.
        arguments: Box<[Op]>,
        /// The call, for runtime errors.
        span: Span,
    },
    /// `ref(object, key)`.
    Ref {
        /// The referenced object's name.
        object: Arc<str>,
        /// The source key.
        key: Box<Op>,
    },
}

/// A built-in function's declaration, shown by name.
#[derive(Clone, Copy)]
pub struct FunctionRef(pub &'static Function);

impl Op {
    /// The record slots this expression reads (directly or as the start of a relation path).
    pub fn slots(&self, into: &mut std::collections::BTreeSet<u32>) {
        match self {
            Op::Field(slot) | Op::Path { slot, .. } => {
                into.insert(*slot);
            }
            Op::Const(_) => {}
            Op::List(items) => items.iter().for_each(|item| item.slots(into)),
            Op::Table { key, .. } | Op::Ref { key, .. } => key.slots(into),
            Op::Unary { operand, .. } => operand.slots(into),
            Op::Binary { lhs, rhs, .. } => {
                lhs.slots(into);
                rhs.slots(into);
            }
            Op::If { condition, then, otherwise } => {
                condition.slots(into);
                then.slots(into);
                otherwise.slots(into);
            }
            Op::Match { subject, arms } => {
                subject.slots(into);
                arms.iter().for_each(|(_, body)| body.slots(into));
            }
            Op::Call { arguments, .. } => arguments.iter().for_each(|argument| argument.slots(into)),
        }
    }
}

impl std::fmt::Debug for FunctionRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

/// A match arm: the values it matches (`None` for `_`) and its body.
pub type Arm = (Option<Box<[Value]>>, Op);

/// One relation followed: look the current value up as an id in a lookup, read a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Index into [`Plan::lookups`](crate::plan::Plan::lookups).
    pub lookup: u32,
    /// Slot in that lookup's projection.
    pub slot: u32,
}

/// A table with its keys in the text form lookups compare by.
#[derive(Clone, Debug, Default)]
pub struct CompiledTable {
    /// The table's name.
    pub name: String,
    /// Key text → value.
    pub entries: HashMap<String, Value>,
}

/// The records of one source object that expressions reach through relations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The source object.
    pub object: String,
    /// The fields read from it (slots in this order).
    pub fields: Vec<String>,
}
