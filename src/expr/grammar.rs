//! The pest parser, a light pre-scan of the text, and the translation of pest's errors into words.
//!
//! Everything here works in byte offsets of the expression text. Turning those offsets into file
//! spans is `lower`'s job, so this module returns a [`SyntaxError`] rather than a diagnostic.
//!
//! The pre-scan runs before pest. It splits the text into rough tokens, which pest never sees,
//! for three reasons: unterminated strings and backtick names get a message of their own instead
//! of "expected an expression" at the opening quote; input nested deeper than
//! [`MAX_DEPTH`](super::MAX_DEPTH) is rejected before the recursive parser can run out of stack;
//! and an error can name the token found and the bracket or `if` that is still open.

use std::ops::Range;

use pest::Parser as _;
use pest::error::{Error, ErrorVariant, InputLocation};
use pest_derive::Parser;

use super::MAX_DEPTH;

/// The parser generated from `grammar/expr.pest`.
#[derive(Parser)]
#[grammar = "grammar/expr.pest"]
pub(super) struct ExprParser;

/// A pest pair of this grammar.
pub(super) type Pair<'i> = pest::iterators::Pair<'i, Rule>;

/// Why a text does not parse, in offsets of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum SyntaxError {
    /// Nothing but whitespace.
    Empty,
    /// A string whose closing quote is missing on its line.
    UnterminatedString {
        /// The opening quote.
        open: Range<usize>,
        /// Where the line (or the text) ends.
        end: usize,
    },
    /// A backtick name whose closing backtick is missing on its line.
    UnterminatedName {
        /// The opening backtick.
        open: Range<usize>,
        /// Where the line (or the text) ends.
        end: usize,
    },
    /// Brackets and `if`/`match` nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    TooDeep {
        /// The token that went one level too deep.
        at: Range<usize>,
    },
    /// pest stopped: something else was expected.
    Unexpected(Box<Unexpected>),
}

/// What pest expected where it stopped, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Unexpected {
    /// A zero-width range right after the last token at the end of the text, or the first
    /// character found.
    pub at: Range<usize>,
    /// What was expected, in words: "an expression", "`)` or `,`".
    pub expected: String,
    /// What was found, for the label: "`b`"; `None` at the end of the text.
    pub found: Option<String>,
    /// The bracket or keyword still open (or the operator missing its operand), with a label.
    pub open: Option<(Range<usize>, String)>,
    /// The help line, when something better than the generic one is known.
    pub help: Option<String>,
}

/// Parse `text` to the `expression` pair.
pub(super) fn parse_tree(text: &str) -> Result<Pair<'_>, SyntaxError> {
    if text.trim().is_empty() {
        return Err(SyntaxError::Empty);
    }
    let tokens = lex(text)?;
    check_depth(text, &tokens)?;
    match ExprParser::parse(Rule::expression, text) {
        Ok(mut pairs) => pairs.next().ok_or(SyntaxError::Empty),
        Err(error) => Err(explain(text, &tokens, &error)),
    }
}

// ---------------------------------------------------------------------------------------------
// Pre-scan.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    Word,
    Number,
    Text,
    Name,
    Punct,
}

#[derive(Clone, Debug)]
struct Token {
    kind: TokenKind,
    range: Range<usize>,
}

/// Operators of two characters, so a found `&&` is named whole.
const TWO_CHAR_PUNCT: &[&str] = &["==", "!=", "<=", ">=", "??", "=>", "&&", "||"];

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Split `text` into rough tokens, the way the grammar sees strings and names.
fn lex(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let start = i;
        let kind = match c {
            ' ' | '\t' | '\r' | '\n' => {
                i += 1;
                continue;
            }
            '"' | '\'' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => {
                            return Err(SyntaxError::UnterminatedString { open: start..start + 1, end: i });
                        }
                        Some(b'\\') if bytes.get(i + 1).is_some_and(|b| *b != b'\n') => i += 2,
                        Some(b) if *b == c as u8 => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                TokenKind::Text
            }
            '`' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => {
                            return Err(SyntaxError::UnterminatedName { open: start..start + 1, end: i });
                        }
                        Some(b'`') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                TokenKind::Name
            }
            c if c.is_ascii_digit() => {
                i += text[i..].find(|c: char| !is_word_char(c) && c != '.').unwrap_or(text.len() - i);
                TokenKind::Number
            }
            c if is_word_char(c) => {
                i += text[i..].find(|c: char| !is_word_char(c)).unwrap_or(text.len() - i);
                TokenKind::Word
            }
            c => {
                let two = TWO_CHAR_PUNCT.iter().any(|p| text[i..].starts_with(p));
                i += if two { 2 } else { c.len_utf8() };
                TokenKind::Punct
            }
        };
        // The byte loops above stop only after ASCII bytes, so `i` is always a char boundary.
        tokens.push(Token { kind, range: start..i });
    }
    Ok(tokens)
}

/// What an open `if` or `match` waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// After `if`, before `then`.
    IfCondition,
    /// After `then`, before `else`.
    IfThen,
    /// After `else`: open until the enclosing bracket, a `,`, or an outer `then`/`else`.
    IfElse,
    /// After `match`, before its `{`.
    Match,
}

/// One bracket level: its opener and the `if`/`match` forms open inside it.
#[derive(Debug)]
struct Level {
    opener: Option<(char, Range<usize>)>,
    forms: Vec<(Form, Range<usize>)>,
}

/// Brackets and prefix forms open at some point of the text.
#[derive(Debug)]
struct Nesting {
    levels: Vec<Level>,
}

impl Nesting {
    fn new() -> Self {
        Self { levels: vec![Level { opener: None, forms: Vec::new() }] }
    }

    fn depth(&self) -> usize {
        self.levels.len() - 1 + self.levels.iter().map(|l| l.forms.len()).sum::<usize>()
    }

    fn top(&mut self) -> &mut Level {
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    /// Close forms until the innermost `form` is on top, then replace it with `next`.
    fn advance(&mut self, form: Form, next: Form) {
        let forms = &mut self.top().forms;
        if let Some(index) = forms.iter().rposition(|(f, _)| *f == form) {
            forms.truncate(index + 1);
            forms[index].0 = next;
        }
    }

    fn step(&mut self, text: &str, token: &Token) {
        let slice = &text[token.range.clone()];
        match (token.kind, slice) {
            (TokenKind::Punct, "(" | "[" | "{") => {
                if slice == "{" {
                    // The arms' level stands for the `match`; forms in its subject end here.
                    let forms = &mut self.top().forms;
                    if let Some(index) = forms.iter().rposition(|(f, _)| *f == Form::Match) {
                        forms.truncate(index);
                    }
                }
                let opener = slice.chars().next().map(|c| (c, token.range.clone()));
                self.levels.push(Level { opener, forms: Vec::new() });
            }
            (TokenKind::Punct, ")" | "]" | "}") if self.levels.len() > 1 => {
                self.levels.pop();
            }
            (TokenKind::Punct, ",") => self.top().forms.clear(),
            (TokenKind::Word, "if") => self.top().forms.push((Form::IfCondition, token.range.clone())),
            (TokenKind::Word, "match") => self.top().forms.push((Form::Match, token.range.clone())),
            (TokenKind::Word, "then") => self.advance(Form::IfCondition, Form::IfThen),
            (TokenKind::Word, "else") => self.advance(Form::IfThen, Form::IfElse),
            _ => {}
        }
    }

    /// The innermost open bracket.
    fn innermost_opener(&self) -> Option<&(char, Range<usize>)> {
        self.levels.last().and_then(|l| l.opener.as_ref())
    }

    /// The innermost open `if` or `match` waiting for `form`'s next keyword, in the current level.
    fn innermost_form(&self, form: Form) -> Option<Range<usize>> {
        let forms = &self.levels.last()?.forms;
        forms.iter().rev().find(|(f, _)| *f == form).map(|(_, r)| r.clone())
    }
}

fn check_depth(text: &str, tokens: &[Token]) -> Result<(), SyntaxError> {
    let mut nesting = Nesting::new();
    for token in tokens {
        nesting.step(text, token);
        if nesting.depth() > MAX_DEPTH {
            return Err(SyntaxError::TooDeep { at: token.range.clone() });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// pest errors in words.

/// What pest tried at the failing position, grouped the way a reader thinks of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Expected {
    Expression,
    FieldName,
    Pattern,
    Operator,
    Token(&'static str),
    End,
}

impl Expected {
    fn of(rule: Rule) -> Expected {
        match rule {
            Rule::EOI => Expected::End,
            // Silent rules never show up in errors; they are listed to keep the match exhaustive.
            Rule::WHITESPACE | Rule::ident_char | Rule::expr | Rule::primary | Rule::name => Expected::Expression,
            Rule::expression
            | Rule::if_expr
            | Rule::match_expr
            | Rule::or_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::comparison
            | Rule::coalesce
            | Rule::additive
            | Rule::multiplicative
            | Rule::unary
            | Rule::postfix
            | Rule::list
            | Rule::paren
            | Rule::number
            | Rule::string
            | Rule::kw_true
            | Rule::kw_false
            | Rule::kw_null
            | Rule::kw_if
            | Rule::kw_match
            | Rule::ident
            | Rule::reserved
            | Rule::not_op
            | Rule::neg_op => Expected::Expression,
            Rule::word | Rule::quoted_name => Expected::FieldName,
            Rule::arm | Rule::pattern | Rule::pattern_literal | Rule::wildcard => Expected::Pattern,
            Rule::or_op
            | Rule::and_op
            | Rule::cmp_op
            | Rule::not_in
            | Rule::coalesce_op
            | Rule::add_op
            | Rule::mul_op
            | Rule::field
            | Rule::index
            | Rule::arguments
            | Rule::dot
            | Rule::lparen
            | Rule::lbracket => Expected::Operator,
            Rule::rparen => Expected::Token("`)`"),
            Rule::rbracket => Expected::Token("`]`"),
            Rule::lbrace => Expected::Token("`{`"),
            Rule::rbrace => Expected::Token("`}`"),
            Rule::comma => Expected::Token("`,`"),
            Rule::pipe => Expected::Token("`|`"),
            Rule::fat_arrow => Expected::Token("`=>`"),
            Rule::kw_then => Expected::Token("`then`"),
            Rule::kw_else => Expected::Token("`else`"),
        }
    }

    fn words(self) -> &'static str {
        match self {
            Expected::Expression => "an expression",
            Expected::FieldName => "a field name",
            Expected::Pattern => "a pattern (`_` or literals joined by `|`)",
            Expected::Token(token) => token,
            Expected::End => "the end of the expression",
            Expected::Operator => "an operator",
        }
    }
}

/// "a", "a or b", "a, b or c".
fn list_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The error position and what was expected there.
fn expected_at(error: &Error<Rule>) -> (usize, Vec<Expected>) {
    let pos = match error.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    let mut expected: Vec<Expected> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.iter().map(|r| Expected::of(*r)).collect(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort();
    expected.dedup();
    // After a complete operand an operator always fits; name it only when nothing else does.
    if expected.iter().any(|e| matches!(e, Expected::Token(_))) {
        expected.retain(|e| *e != Expected::Operator);
    }
    if expected.is_empty() {
        expected.push(Expected::Expression);
    }
    (pos, expected)
}

/// A help line for characters people bring from other languages.
fn help_for_found(found: &str) -> Option<&'static str> {
    match found {
        "=" => Some("compare with `==`"),
        "&&" | "&" => Some("write `and` instead"),
        "||" => Some("write `or` instead"),
        "!" => Some("write `not` instead"),
        "?" => Some("write `??` for a fallback value"),
        "|" => Some("`|` only joins the literals of a `match` pattern; write `or` for either condition"),
        _ => None,
    }
}

/// Whether the token before a missing expression is an operator or keyword that wants one.
fn takes_operand_after(token: &Token, text: &str) -> bool {
    match token.kind {
        TokenKind::Punct => !matches!(text, "(" | "[" | "{" | ","),
        TokenKind::Word => matches!(text, "and" | "or" | "not" | "in" | "if" | "then" | "else" | "match"),
        _ => false,
    }
}

fn explain(text: &str, tokens: &[Token], error: &Error<Rule>) -> SyntaxError {
    let (pos, expected) = expected_at(error);
    let pos = pos.min(text.len());
    if let ErrorVariant::CustomError { .. } = error.variant {
        // pest's own stack guard; the pre-scan normally stops such input first.
        return SyntaxError::TooDeep { at: pos..pos };
    }

    let mut nesting = Nesting::new();
    let mut previous: Option<&Token> = None;
    for token in tokens.iter().take_while(|t| t.range.start < pos) {
        nesting.step(text, token);
        previous = Some(token);
    }
    let found_token = tokens.iter().find(|t| t.range.start == pos);
    let found = found_token.map(|t| text[t.range.clone()].to_owned()).or_else(|| {
        let c = text[pos..].chars().next()?;
        Some(c.to_string())
    });
    let at = match (text[pos..].chars().next(), previous) {
        (Some(c), _) => pos..pos + c.len_utf8(),
        // At the end, point right after the last token rather than past trailing blank lines.
        (None, Some(token)) => token.range.end..token.range.end,
        (None, None) => pos..pos,
    };

    let mut help = found.as_deref().and_then(help_for_found).map(str::to_owned);
    let mut open = None;
    let wants = |e: Expected| expected.contains(&e);
    for (closer, opener) in [("`)`", '('), ("`]`", '['), ("`}`", '{')] {
        if wants(Expected::Token(closer))
            && let Some((c, range)) = nesting.innermost_opener()
            && *c == opener
        {
            open = Some((range.clone(), format!("this `{opener}` is not closed")));
            help.get_or_insert_with(|| format!("close it with {closer}"));
        }
    }
    if wants(Expected::Token("`else`"))
        && let Some(range) = nesting.innermost_form(Form::IfThen)
    {
        open = Some((range, "this `if` has no `else`".to_owned()));
        help = Some("an `if` always needs an `else`: `if C then A else B`".to_owned());
    } else if wants(Expected::Token("`then`"))
        && let Some(range) = nesting.innermost_form(Form::IfCondition)
    {
        open = Some((range, "this `if` has no `then`".to_owned()));
        help.get_or_insert_with(|| "write `if C then A else B`".to_owned());
    } else if wants(Expected::Expression)
        && open.is_none()
        && let Some(token) = previous
        && takes_operand_after(token, &text[token.range.clone()])
    {
        let before = &text[token.range.clone()];
        open = Some((token.range.clone(), format!("`{before}` needs an expression after it")));
        if let Some(word @ ("if" | "match" | "not")) = found.as_deref() {
            help = Some(format!("`{word}` binds more loosely than `{before}`: put its expression in parentheses"));
        }
    }

    let words: Vec<&str> = expected.iter().map(|e| e.words()).collect();
    SyntaxError::Unexpected(Box::new(Unexpected {
        at,
        expected: list_words(&words),
        found: found.map(|f| format!("`{f}`")),
        open,
        help,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(text: &str) -> String {
        match parse_tree(text) {
            Err(SyntaxError::Unexpected(unexpected)) => unexpected.expected,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn pest_errors_read_as_words() {
        assert_eq!(expected("lower(email"), "`)` or `,`");
        assert_eq!(expected("(a"), "`)`");
        assert_eq!(expected("a b"), "an operator or the end of the expression");
        assert_eq!(expected("1 +"), "an expression");
        assert_eq!(expected("if a then b"), "`else`");
        assert_eq!(expected("f("), "an expression or `)`");
    }

    #[test]
    fn pre_scan_finds_unterminated_text_and_depth() {
        assert!(matches!(parse_tree("'abc"), Err(SyntaxError::UnterminatedString { .. })));
        assert!(matches!(parse_tree("\"a\\\"\n\""), Err(SyntaxError::UnterminatedString { .. })));
        assert!(matches!(parse_tree("`abc"), Err(SyntaxError::UnterminatedName { .. })));
        let deep = format!("{}x{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        assert!(matches!(parse_tree(&deep), Err(SyntaxError::TooDeep { .. })));
        let deep = format!("{}x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse_tree(&deep).is_ok());
    }
}
