//! The expression syntax tree.
//!
//! Every node carries a [`Span`] into the spec file (never into the scalar alone: `lower` shifts
//! all offsets once). Names are still strings here; `check` resolves them and `plan` turns them
//! into slots.

use crate::span::{Span, Spanned};

/// One expression node.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// The text it was parsed from.
    pub span: Span,
}

impl Expr {
    /// A node of `kind` at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Self { kind, span }
    }
}

/// The kinds of expression node.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `null`, `true`, `42`, `1.5`, `"text"`.
    Literal(Literal),
    /// `["email", "comment"]`.
    List(Vec<Expr>),
    /// `email`, `stage_id.is_close`, `` `odd-name`.x ``: a field, then relations followed.
    Path(Vec<Spanned<String>>),
    /// `tables.priority[priority]`.
    TableLookup {
        /// The table's name (`priority`).
        table: Spanned<String>,
        /// The key expression.
        key: Box<Expr>,
    },
    /// `not x`, `-x`.
    Unary {
        /// The operator.
        op: Spanned<UnaryOp>,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// `a == b`, `a ?? b`, `a in [..]`.
    Binary {
        /// The operator.
        op: Spanned<BinaryOp>,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `if c then a else b`.
    If {
        /// The condition.
        condition: Box<Expr>,
        /// Value when the condition is true.
        then: Box<Expr>,
        /// Value otherwise (including when the condition is null).
        otherwise: Box<Expr>,
    },
    /// `match priority { "0" => "low", "1" | "2" => "normal", _ => "high" }`.
    Match {
        /// The value matched on.
        subject: Box<Expr>,
        /// The arms, in order; the first that matches wins.
        arms: Vec<MatchArm>,
    },
    /// `lower(email)`, `ref(contact, partner_id)`.
    Call {
        /// The function's name.
        function: Spanned<String>,
        /// The arguments.
        arguments: Vec<Expr>,
    },
}

/// One arm of a `match`.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchArm {
    /// What the arm matches.
    pub pattern: Pattern,
    /// The arm's value.
    pub body: Expr,
    /// The whole arm, pattern to body.
    pub span: Span,
}

/// What a match arm matches.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// `_`: anything.
    Wildcard(Span),
    /// `"1" | "2"`, `null`, `true`: any of these literals.
    Literals(Vec<Spanned<Literal>>),
}

impl Pattern {
    /// The span of the whole pattern.
    pub fn span(&self) -> Span {
        match self {
            Pattern::Wildcard(span) => *span,
            Pattern::Literals(list) => match (list.first(), list.last()) {
                (Some(first), Some(last)) => first.span.join(last.span),
                _ => Span::detached(),
            },
        }
    }
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// `42`, `-7`.
    Int(i64),
    /// `1.5`, `2e3`.
    Float(f64),
    /// `"text"` or `'text'`.
    String(String),
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `not`.
    Not,
    /// `-`.
    Negate,
}

/// Infix operators, see the precedence table in grammar/README.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `==`.
    Eq,
    /// `!=`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtEq,
    /// `>`.
    Gt,
    /// `>=`.
    GtEq,
    /// `in`.
    In,
    /// `not in`.
    NotIn,
    /// `??`.
    Coalesce,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Coalesce => "??",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

impl UnaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Not => "not",
            UnaryOp::Negate => "-",
        }
    }
}

/// Words that cannot be bare identifiers; write them in backticks to use them as names.
pub const RESERVED_WORDS: &[&str] = &["if", "then", "else", "match", "and", "or", "not", "in", "true", "false", "null"];

/// Whether `word` is a reserved word.
pub fn is_reserved(word: &str) -> bool {
    RESERVED_WORDS.contains(&word)
}

/// Whether `name` can be written without backticks: `[A-Za-z_][A-Za-z0-9_]*` and not reserved.
pub fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_reserved(name)
}

impl BinaryOp {
    /// Every operator, lowest precedence first.
    pub const ALL: &'static [BinaryOp] = &[
        BinaryOp::Or,
        BinaryOp::And,
        BinaryOp::Eq,
        BinaryOp::NotEq,
        BinaryOp::Lt,
        BinaryOp::LtEq,
        BinaryOp::Gt,
        BinaryOp::GtEq,
        BinaryOp::In,
        BinaryOp::NotIn,
        BinaryOp::Coalesce,
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
    ];

    /// Whether this is one of the non-associative comparisons (`==`, `<`, `in`, `not in`, ...).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Lt
                | BinaryOp::LtEq
                | BinaryOp::Gt
                | BinaryOp::GtEq
                | BinaryOp::In
                | BinaryOp::NotIn
        )
    }
}
