//! pest pairs to the [`Expr`] tree, and the only place where text offsets become file spans.
//!
//! Every range taken from a pair is a byte range of the scalar's text; [`Lowerer::span`] maps it
//! with [`ScalarText::map`], so plain, quoted and block scalars are handled in one spot and
//! nothing downstream ever sees a local offset.
//!
//! Lowering also makes the checks the grammar leaves open, and keeps going after each one so a
//! user sees every problem of an expression at once: string escapes, integer range, chained
//! comparisons, reserved words after `.`, what may be indexed or called, and the tree's depth.

use std::ops::Range;

use super::MAX_DEPTH;
use super::ast::{BinaryOp, Expr, ExprKind, Literal, MatchArm, Pattern, UnaryOp, is_reserved};
use super::diagnostics;
use super::grammar::{self, Pair, Rule, SyntaxError, Unexpected};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::scalar::ScalarText;
use crate::span::{Span, Spanned};

/// Parse and lower `source`'s text.
pub(super) fn lower(source: &ScalarText) -> Result<Expr, Diagnostics> {
    let root = grammar::parse_tree(&source.text).map_err(|error| Diagnostics::from(syntax_error(source, error)))?;
    let mut lowerer = Lowerer { source, diagnostics: Diagnostics::new(), reported_depth: false };
    let Some(first) = root.into_inner().find(|p| p.as_rule() != Rule::EOI) else {
        return Err(diagnostics::empty(source.span).into());
    };
    let node = lowerer.expr(first);
    if lowerer.diagnostics.is_empty() { Ok(node.expr) } else { Err(lowerer.diagnostics) }
}

/// A [`SyntaxError`] from the grammar, with its offsets mapped into the file.
fn syntax_error(source: &ScalarText, error: SyntaxError) -> Diagnostic {
    let span = |range: Range<usize>| source.map(range.start, range.end);
    match error {
        SyntaxError::Empty => diagnostics::empty(source.span),
        SyntaxError::UnterminatedString { open, end } => diagnostics::unterminated_string(span(open), span(end..end)),
        SyntaxError::UnterminatedName { open, end } => diagnostics::unterminated_name(span(open), span(end..end)),
        SyntaxError::TooDeep { at } => diagnostics::too_deep(span(at)),
        SyntaxError::Unexpected(unexpected) => {
            let Unexpected { at, expected, found, open, help } = *unexpected;
            diagnostics::unexpected(
                span(at),
                &expected,
                found.as_deref(),
                open.map(|(range, label)| (span(range), label)),
                help,
            )
        }
    }
}

/// The text a pair covers, without the whitespace pest may leave at its ends.
fn range(pair: &Pair<'_>) -> Range<usize> {
    let span = pair.as_span();
    let text = span.as_str();
    let blank = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let start = span.start() + (text.len() - text.trim_start_matches(blank).len());
    let end = span.end() - (text.len() - text.trim_end_matches(blank).len());
    start..end.max(start)
}

/// A lowered expression with what its parent needs to know.
struct Node {
    expr: Expr,
    /// Nesting: 0 for a leaf, one more than the deepest child otherwise.
    depth: usize,
    /// The text it was written as, parentheses included (`expr.span` excludes them).
    range: Range<usize>,
}

/// A postfix chain being built: a path can still grow, be indexed or be called.
enum Head {
    Path {
        segments: Vec<Spanned<String>>,
        /// The path is one unquoted identifier, so it may be called.
        bare: bool,
        range: Range<usize>,
    },
    Done(Node),
}

struct Lowerer<'s> {
    source: &'s ScalarText,
    diagnostics: Diagnostics,
    /// Report "nested too deeply" once, not for every level above the limit.
    reported_depth: bool,
}

impl Lowerer<'_> {
    fn span(&self, range: Range<usize>) -> Span {
        self.source.map(range.start, range.end)
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// A node of `kind`, or a `null` placeholder when it is deeper than [`MAX_DEPTH`]; `anchor`
    /// is the operator or keyword the depth diagnostic points at.
    fn node(&mut self, kind: ExprKind, range: Range<usize>, depth: usize, anchor: Range<usize>) -> Node {
        if depth > MAX_DEPTH {
            if !self.reported_depth {
                self.reported_depth = true;
                self.error(diagnostics::too_deep(self.span(anchor)));
            }
            return self.leaf(ExprKind::Literal(Literal::Null), range);
        }
        Node { expr: Expr::new(kind, self.span(range.clone())), depth, range }
    }

    /// Stands in for children the grammar guarantees, so a grammar change cannot make lowering
    /// panic; the parse still fails.
    fn missing(&mut self, range: Range<usize>) -> Node {
        self.error(diagnostics::unexpected(self.span(range.clone()), "an expression", None, None, None));
        self.leaf(ExprKind::Literal(Literal::Null), range)
    }

    fn leaf(&self, kind: ExprKind, range: Range<usize>) -> Node {
        Node { expr: Expr::new(kind, self.span(range.clone())), depth: 0, range }
    }

    fn expr(&mut self, pair: Pair<'_>) -> Node {
        let pair = skip_layers(pair);
        match pair.as_rule() {
            Rule::if_expr => self.if_expr(pair),
            Rule::match_expr => self.match_expr(pair),
            Rule::or_expr | Rule::and_expr | Rule::additive | Rule::multiplicative => self.left_chain(pair),
            Rule::coalesce => self.right_chain(pair),
            Rule::comparison => self.comparison(pair),
            Rule::not_expr => self.prefixed(pair, UnaryOp::Not),
            Rule::unary => self.prefixed(pair, UnaryOp::Negate),
            Rule::postfix => self.postfix(pair),
            Rule::paren => {
                let outer = range(&pair);
                match pair.into_inner().find(|p| !matches!(p.as_rule(), Rule::lparen | Rule::rparen)) {
                    Some(inner) => Node { range: outer, ..self.expr(inner) },
                    None => self.missing(outer),
                }
            }
            Rule::list => {
                let outer = range(&pair);
                let items = self.items(pair);
                let depth = 1 + items.iter().map(|n| n.depth).max().unwrap_or(0);
                let kind = ExprKind::List(items.into_iter().map(|n| n.expr).collect());
                self.node(kind, outer.clone(), depth, outer.start..outer.start + 1)
            }
            Rule::number => {
                let (literal, range) = self.number(&pair, None);
                self.leaf(ExprKind::Literal(literal), range)
            }
            Rule::string => {
                let literal = Literal::String(self.string(&pair));
                self.leaf(ExprKind::Literal(literal), range(&pair))
            }
            Rule::kw_true => self.leaf(ExprKind::Literal(Literal::Bool(true)), range(&pair)),
            Rule::kw_false => self.leaf(ExprKind::Literal(Literal::Bool(false)), range(&pair)),
            Rule::kw_null => self.leaf(ExprKind::Literal(Literal::Null), range(&pair)),
            // The grammar gives nothing else here; a path never comes without `postfix`.
            _ => {
                let segment = self.segment(&pair);
                self.leaf(ExprKind::Path(vec![segment]), range(&pair))
            }
        }
    }

    /// The expressions among `pair`'s children (list items, call arguments).
    fn items(&mut self, pair: Pair<'_>) -> Vec<Node> {
        pair.into_inner()
            .filter(|p| {
                !matches!(p.as_rule(), Rule::lparen | Rule::rparen | Rule::lbracket | Rule::rbracket | Rule::comma)
            })
            .map(|p| self.expr(p))
            .collect()
    }

    fn binary(&mut self, lhs: Node, op: &Pair<'_>, rhs: Node) -> Node {
        let op_range = range(op);
        let op = Spanned::new(binary_op(op.as_str()), self.span(op_range.clone()));
        let range = lhs.range.start..rhs.range.end;
        let depth = 1 + lhs.depth.max(rhs.depth);
        let kind = ExprKind::Binary { op, lhs: Box::new(lhs.expr), rhs: Box::new(rhs.expr) };
        self.node(kind, range, depth, op_range)
    }

    /// `a + b - c` is `(a + b) - c`.
    fn left_chain(&mut self, pair: Pair<'_>) -> Node {
        let outer = range(&pair);
        let mut inner = pair.into_inner();
        let Some(first) = inner.next() else {
            return self.missing(outer);
        };
        let mut acc = self.expr(first);
        while let (Some(op), Some(rhs)) = (inner.next(), inner.next()) {
            let rhs = self.expr(rhs);
            acc = self.binary(acc, &op, rhs);
        }
        acc
    }

    /// `a ?? b ?? c` is `a ?? (b ?? c)`.
    fn right_chain(&mut self, pair: Pair<'_>) -> Node {
        let outer = range(&pair);
        let mut operands = Vec::new();
        let mut ops = Vec::new();
        for child in pair.into_inner() {
            if child.as_rule() == Rule::coalesce_op {
                ops.push(child);
            } else {
                operands.push(self.expr(child));
            }
        }
        let Some(mut acc) = operands.pop() else {
            return self.missing(outer);
        };
        while let (Some(op), Some(lhs)) = (ops.pop(), operands.pop()) {
            acc = self.binary(lhs, &op, acc);
        }
        acc
    }

    /// Comparisons do not associate: `a == b == c` is an error.
    fn comparison(&mut self, pair: Pair<'_>) -> Node {
        let ops: Vec<Pair<'_>> = pair.clone().into_inner().filter(|p| p.as_rule() == Rule::cmp_op).collect();
        if let [first, second, ..] = ops.as_slice() {
            let diagnostic = diagnostics::chained_comparison(
                self.span(range(second)),
                self.span(range(first)),
                binary_op(first.as_str()).symbol(),
                binary_op(second.as_str()).symbol(),
            );
            self.error(diagnostic);
        }
        self.left_chain(pair)
    }

    /// `not not x`, `--x`; a `-` right before a number is part of the literal.
    fn prefixed(&mut self, pair: Pair<'_>, op: UnaryOp) -> Node {
        let outer = range(&pair);
        let mut ops: Vec<Range<usize>> = Vec::new();
        let mut operand = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::not_op | Rule::neg_op => ops.push(range(&child)),
                _ => operand = Some(child),
            }
        }
        let Some(operand) = operand else {
            return self.missing(outer);
        };
        let mut acc = match (op, bare_number(&operand)) {
            (UnaryOp::Negate, Some(number)) if !ops.is_empty() => {
                let neg = ops.pop();
                let (literal, range) = self.number(&number, neg);
                self.leaf(ExprKind::Literal(literal), range)
            }
            _ => self.expr(operand),
        };
        while let Some(op_range) = ops.pop() {
            let range = op_range.start..acc.range.end;
            let depth = acc.depth + 1;
            let op = Spanned::new(op, self.span(op_range.clone()));
            let kind = ExprKind::Unary { op, operand: Box::new(acc.expr) };
            acc = self.node(kind, range, depth, op_range);
        }
        acc
    }

    fn postfix(&mut self, pair: Pair<'_>) -> Node {
        let outer = range(&pair);
        let mut inner = pair.into_inner();
        let Some(first) = inner.next() else {
            return self.missing(outer);
        };
        let mut head = match first.as_rule() {
            Rule::ident | Rule::quoted_name => Head::Path {
                segments: vec![self.segment(&first)],
                bare: first.as_rule() == Rule::ident,
                range: range(&first),
            },
            _ => Head::Done(self.expr(first)),
        };
        for op in inner {
            head = match op.as_rule() {
                Rule::field => self.field(head, op),
                Rule::index => self.index(head, op),
                _ => self.call(head, op),
            };
        }
        match head {
            Head::Path { segments, range, .. } => self.leaf(ExprKind::Path(segments), range),
            Head::Done(node) => node,
        }
    }

    /// A path segment: an identifier, a word after `.`, or a backtick name (backticks in its span).
    fn segment(&self, pair: &Pair<'_>) -> Spanned<String> {
        let text = pair.as_str();
        let name = match pair.as_rule() {
            Rule::quoted_name => text.get(1..text.len().saturating_sub(1)).unwrap_or_default(),
            _ => text,
        };
        Spanned::new(name.to_owned(), self.span(range(pair)))
    }

    fn field(&mut self, head: Head, op: Pair<'_>) -> Head {
        let op_range = range(&op);
        let Some(name) = op.into_inner().find(|p| p.as_rule() != Rule::dot) else {
            return head;
        };
        match head {
            Head::Path { mut segments, range: path, .. } => {
                if name.as_rule() == Rule::word && is_reserved(name.as_str()) {
                    let diagnostic = diagnostics::reserved_word(self.span(range(&name)), name.as_str());
                    self.error(diagnostic);
                }
                segments.push(self.segment(&name));
                Head::Path { segments, bare: false, range: path.start..op_range.end }
            }
            Head::Done(node) => {
                let diagnostic = diagnostics::field_of_non_path(self.span(op_range), self.span(node.range.clone()));
                self.error(diagnostic);
                Head::Done(node)
            }
        }
    }

    fn index(&mut self, head: Head, op: Pair<'_>) -> Head {
        let op_range = range(&op);
        let key = op.into_inner().find(|p| !matches!(p.as_rule(), Rule::lbracket | Rule::rbracket));
        let key = key.map(|k| self.expr(k));
        let help = match &head {
            Head::Path { segments, range: path, .. } if segments[0].value == "tables" => match (segments.len(), key) {
                (2, Some(key)) => {
                    let range = path.start..op_range.end;
                    let depth = key.depth + 1;
                    let kind = ExprKind::TableLookup { table: segments[1].clone(), key: Box::new(key.expr) };
                    return Head::Done(self.node(kind, range, depth, op_range));
                }
                (1, _) => "name the table: `tables.NAME[key]`",
                _ => "a table lookup is `tables.NAME[key]`; table names have no dots",
            },
            _ => "use a function such as `first(list)`, or a table lookup `tables.NAME[key]`",
        };
        let target = match &head {
            Head::Path { range, .. } => range.clone(),
            Head::Done(node) => node.range.clone(),
        };
        let diagnostic = diagnostics::index_not_table(self.span(op_range), self.span(target), help);
        self.error(diagnostic);
        head
    }

    fn call(&mut self, head: Head, op: Pair<'_>) -> Head {
        let op_range = range(&op);
        match head {
            Head::Path { mut segments, bare: true, range: path } if segments.len() == 1 => {
                let arguments = self.items(op);
                let depth = 1 + arguments.iter().map(|n| n.depth).max().unwrap_or(0);
                let function = segments.remove(0);
                let kind = ExprKind::Call { function, arguments: arguments.into_iter().map(|n| n.expr).collect() };
                Head::Done(self.node(kind, path.start..op_range.end, depth, path))
            }
            head => {
                let target = match &head {
                    Head::Path { range, .. } => range.clone(),
                    Head::Done(node) => node.range.clone(),
                };
                // Lower the arguments anyway, for their own diagnostics.
                self.items(op);
                let diagnostic = diagnostics::not_callable(self.span(op_range), self.span(target));
                self.error(diagnostic);
                head
            }
        }
    }

    fn if_expr(&mut self, pair: Pair<'_>) -> Node {
        let outer = range(&pair);
        let mut keyword = outer.start..outer.start;
        let mut parts = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::kw_if => keyword = range(&child),
                Rule::kw_then | Rule::kw_else => {}
                _ => parts.push(self.expr(child)),
            }
        }
        let Ok([condition, then, otherwise]) = <[Node; 3]>::try_from(parts) else {
            return self.missing(outer);
        };
        let range = keyword.start..otherwise.range.end;
        let depth = 1 + condition.depth.max(then.depth).max(otherwise.depth);
        let kind = ExprKind::If {
            condition: Box::new(condition.expr),
            then: Box::new(then.expr),
            otherwise: Box::new(otherwise.expr),
        };
        self.node(kind, range, depth, keyword)
    }

    fn match_expr(&mut self, pair: Pair<'_>) -> Node {
        let outer = range(&pair);
        let mut keyword = outer.start..outer.start;
        let mut subject = None;
        let mut arms = Vec::new();
        let mut depth = 0;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::kw_match => keyword = range(&child),
                Rule::lbrace | Rule::rbrace | Rule::comma => {}
                Rule::arm => {
                    let arm = self.arm(child);
                    depth = depth.max(arm.1);
                    arms.push(arm.0);
                }
                _ => {
                    let node = self.expr(child);
                    depth = depth.max(node.depth);
                    subject = Some(node.expr);
                }
            }
        }
        let Some(subject) = subject else {
            return self.missing(outer);
        };
        let kind = ExprKind::Match { subject: Box::new(subject), arms };
        self.node(kind, outer, depth + 1, keyword)
    }

    /// An arm and its body's depth.
    fn arm(&mut self, pair: Pair<'_>) -> (MatchArm, usize) {
        let outer = range(&pair);
        let mut pattern = Pattern::Wildcard(self.span(outer.start..outer.start));
        let mut body = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::pattern => pattern = self.pattern(child),
                Rule::fat_arrow => {}
                _ => body = Some(self.expr(child)),
            }
        }
        let body = match body {
            Some(body) => body,
            None => self.missing(outer.clone()),
        };
        let span = self.span(outer.start..body.range.end);
        (MatchArm { pattern, body: body.expr, span }, body.depth)
    }

    fn pattern(&mut self, pair: Pair<'_>) -> Pattern {
        let mut literals = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::wildcard => return Pattern::Wildcard(self.span(range(&child))),
                Rule::pattern_literal => literals.push(self.pattern_literal(child)),
                _ => {}
            }
        }
        Pattern::Literals(literals)
    }

    fn pattern_literal(&mut self, pair: Pair<'_>) -> Spanned<Literal> {
        let outer = range(&pair);
        let mut neg = None;
        for child in pair.into_inner() {
            let (literal, range) = match child.as_rule() {
                Rule::neg_op => {
                    neg = Some(range(&child));
                    continue;
                }
                Rule::number => self.number(&child, neg.take()),
                Rule::string => (Literal::String(self.string(&child)), range(&child)),
                Rule::kw_true => (Literal::Bool(true), range(&child)),
                Rule::kw_false => (Literal::Bool(false), range(&child)),
                _ => (Literal::Null, range(&child)),
            };
            return Spanned::new(literal, self.span(range));
        }
        Spanned::new(Literal::Null, self.span(outer))
    }

    /// A number literal, negated when `neg` (the range of a `-` right before it) is given.
    fn number(&mut self, pair: &Pair<'_>, neg: Option<Range<usize>>) -> (Literal, Range<usize>) {
        let digits = pair.as_str();
        let end = range(pair).end;
        let start = neg.as_ref().map_or(range(pair).start, |n| n.start);
        let sign = if neg.is_some() { "-" } else { "" };
        let literal = if digits.contains(['.', 'e', 'E']) {
            match format!("{sign}{digits}").parse::<f64>() {
                Ok(value) if value.is_finite() => Literal::Float(value),
                _ => {
                    self.error(diagnostics::float_too_large(self.span(start..end)));
                    Literal::Float(0.0)
                }
            }
        } else {
            match format!("{sign}{digits}").parse::<i64>() {
                Ok(value) => Literal::Int(value),
                Err(_) => {
                    self.error(diagnostics::int_too_large(self.span(start..end)));
                    Literal::Int(0)
                }
            }
        };
        (literal, start..end)
    }

    /// A string literal's value, escapes decoded; bad escapes are reported and skipped.
    fn string(&mut self, pair: &Pair<'_>) -> String {
        let text = pair.as_str();
        let base = range(pair).start;
        let body = text.get(1..text.len().saturating_sub(1)).unwrap_or_default();
        let mut value = String::with_capacity(body.len());
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            let start = base + 1 + i;
            let Some((j, e)) = chars.next() else {
                break;
            };
            let mut end = base + 1 + j + e.len_utf8();
            let decoded = match e {
                '\\' => Ok('\\'),
                '"' => Ok('"'),
                '\'' => Ok('\''),
                'n' => Ok('\n'),
                't' => Ok('\t'),
                'r' => Ok('\r'),
                'u' => {
                    let rest = &body[j + 1..];
                    match unicode_escape(rest) {
                        Ok((c, len)) => {
                            end += len;
                            for _ in 0..rest[..len].chars().count() {
                                chars.next();
                            }
                            Ok(c)
                        }
                        Err((len, why)) => {
                            end += len;
                            for _ in 0..rest[..len].chars().count() {
                                chars.next();
                            }
                            Err(why)
                        }
                    }
                }
                _ => Err("unknown escape"),
            };
            match decoded {
                Ok(c) => value.push(c),
                Err(why) => {
                    let escape = &text[start - base..end - base];
                    self.error(diagnostics::bad_escape(self.span(start..end), escape, why));
                }
            }
        }
        value
    }
}

/// The `{1F600}` after `\u`: the character and the bytes used, or the bytes to blame and why.
fn unicode_escape(rest: &str) -> Result<(char, usize), (usize, &'static str)> {
    const NEEDS_BRACES: &str = "`\\u` needs 1 to 6 hex digits in braces, like `\\u{1F600}`";
    if !rest.starts_with('{') {
        return Err((0, NEEDS_BRACES));
    }
    let digits = rest[1..].find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(rest.len() - 1);
    let hex = &rest[1..1 + digits];
    if !rest[1 + digits..].starts_with('}') {
        return Err((1 + digits, NEEDS_BRACES));
    }
    let len = digits + 2;
    if hex.is_empty() || hex.len() > 6 {
        return Err((len, NEEDS_BRACES));
    }
    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
        Some(c) => Ok((c, len)),
        None => Err((len, "not a Unicode scalar value")),
    }
}

/// The innermost of a run of precedence levels that each hold a single child.
///
/// `x` alone is `or_expr > and_expr > ... > postfix > ident`; descending here, in a loop, keeps
/// lowering to a few stack frames per bracket level instead of one per precedence level.
fn skip_layers(mut pair: Pair<'_>) -> Pair<'_> {
    while matches!(
        pair.as_rule(),
        Rule::or_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::comparison
            | Rule::coalesce
            | Rule::additive
            | Rule::multiplicative
            | Rule::unary
            | Rule::postfix
    ) {
        let mut inner = pair.clone().into_inner();
        match (inner.next(), inner.next()) {
            (Some(only), None) => pair = only,
            _ => break,
        }
    }
    pair
}

/// The number a `postfix` pair is, when it is nothing but a number (no parentheses, no suffix).
fn bare_number<'i>(postfix: &Pair<'i>) -> Option<Pair<'i>> {
    if postfix.as_rule() != Rule::postfix {
        return None;
    }
    let mut inner = postfix.clone().into_inner();
    match (inner.next(), inner.next()) {
        (Some(number), None) if number.as_rule() == Rule::number => Some(number),
        _ => None,
    }
}

fn binary_op(symbol: &str) -> BinaryOp {
    match symbol {
        "or" => BinaryOp::Or,
        "and" => BinaryOp::And,
        "==" => BinaryOp::Eq,
        "!=" => BinaryOp::NotEq,
        "<" => BinaryOp::Lt,
        "<=" => BinaryOp::LtEq,
        ">" => BinaryOp::Gt,
        ">=" => BinaryOp::GtEq,
        "in" => BinaryOp::In,
        "??" => BinaryOp::Coalesce,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        // `not in`, with any whitespace between the words.
        _ => BinaryOp::NotIn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    const BASE: u32 = 100;

    fn parse(text: &str) -> Expr {
        let source = ScalarText::exact(text, Span::new(SourceId(7), BASE, BASE + text.len() as u32));
        lower(&source).unwrap_or_else(|d| panic!("{text:?}: {d:?}"))
    }

    /// The file span of `part`'s first occurrence in `text`.
    fn at(text: &str, part: &str) -> Span {
        let start = text.find(part).expect("part of the text") as u32;
        Span::new(SourceId(7), BASE + start, BASE + start + part.len() as u32)
    }

    #[test]
    fn binary_spans_cover_operands_and_parentheses() {
        let text = " (a + b) * -c ";
        let expr = parse(text);
        assert_eq!(expr.span, at(text, "(a + b) * -c"));
        let ExprKind::Binary { op, lhs, rhs } = &expr.kind else { panic!("{expr:?}") };
        assert_eq!(op.span, at(text, "*"));
        assert_eq!(lhs.span, at(text, "a + b"));
        assert_eq!(rhs.span, at(text, "-c"));
        let ExprKind::Unary { op, operand } = &rhs.kind else { panic!("{rhs:?}") };
        assert_eq!(op.span, at(text, "-"));
        assert_eq!(operand.span, at(text, "c"));
    }

    #[test]
    fn path_segments_and_calls_have_their_own_spans() {
        let text = "lower(partner_id.`Odd-Name`)";
        let expr = parse(text);
        assert_eq!(expr.span, at(text, text));
        let ExprKind::Call { function, arguments } = &expr.kind else { panic!("{expr:?}") };
        assert_eq!(function.span, at(text, "lower"));
        assert_eq!(arguments[0].span, at(text, "partner_id.`Odd-Name`"));
        let ExprKind::Path(segments) = &arguments[0].kind else { panic!() };
        assert_eq!(segments[0].span, at(text, "partner_id"));
        assert_eq!(segments[1].value, "Odd-Name");
        assert_eq!(segments[1].span, at(text, "`Odd-Name`"));
    }

    #[test]
    fn literals_tables_and_match_arms_have_exact_spans() {
        let text = "match tables.p[ k ] {\n  -1 | \"x\" => - 2.5,\n  _ => null }";
        let expr = parse(text);
        assert_eq!(expr.span, at(text, text));
        let ExprKind::Match { subject, arms } = &expr.kind else { panic!() };
        assert_eq!(subject.span, at(text, "tables.p[ k ]"));
        let ExprKind::TableLookup { table, key } = &subject.kind else { panic!() };
        assert_eq!(table.span, at(text, "p"));
        assert_eq!(key.span, at(text, "k"));
        assert_eq!(arms[0].span, at(text, "-1 | \"x\" => - 2.5"));
        let Pattern::Literals(literals) = &arms[0].pattern else { panic!() };
        assert_eq!(literals[0].value, Literal::Int(-1));
        assert_eq!(literals[0].span, at(text, "-1"));
        assert_eq!(literals[1].span, at(text, "\"x\""));
        assert_eq!(arms[0].body.kind, ExprKind::Literal(Literal::Float(-2.5)));
        assert_eq!(arms[0].body.span, at(text, "- 2.5"));
        assert_eq!(arms[1].pattern, Pattern::Wildcard(at(text, "_")));
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = "name == \"a\\qb\"";
        let source = ScalarText::exact(text, Span::new(SourceId(7), BASE, BASE + text.len() as u32));
        let diagnostics = lower(&source).unwrap_err();
        let diagnostic = diagnostics.iter().next().unwrap();
        assert_eq!(diagnostic.primary_span(), Some(at(text, "\\q")));

        let text = "lower(email";
        let source = ScalarText::exact(text, Span::new(SourceId(7), BASE, BASE + text.len() as u32));
        let diagnostic = lower(&source).unwrap_err().into_vec().remove(0);
        let end = BASE + text.len() as u32;
        assert_eq!(diagnostic.primary_span(), Some(Span::new(SourceId(7), end, end)));
        assert_eq!(diagnostic.labels[1].span, at(text, "("));
    }

    #[test]
    fn block_scalar_lines_map_line_by_line() {
        use crate::scalar::TextAnchor;
        // `x: |\n    a ??\n    b\n` : the text "a ??\nb" starts at file offset 9, line two at 18.
        let source = ScalarText {
            text: "a ??\nb".into(),
            span: Span::new(SourceId(1), 3, 20),
            anchor: TextAnchor::Lines(vec![(0, 9), (5, 18)]),
        };
        let expr = lower(&source).unwrap();
        assert_eq!(expr.span, Span::new(SourceId(1), 9, 19));
        let ExprKind::Binary { op, rhs, .. } = &expr.kind else { panic!() };
        assert_eq!(op.span, Span::new(SourceId(1), 11, 13));
        assert_eq!(rhs.span, Span::new(SourceId(1), 18, 19));
    }
}
