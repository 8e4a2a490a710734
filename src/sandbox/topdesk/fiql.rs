//! FIQL, the `query=` language of TOPdesk's REST APIs (digest section 4): `==`, `!=`, `=gt=`,
//! `=ge=`, `=lt=`, `=le=`, `=in=`, `=out=`, `=sw=`, `==null`/`!=null`, `;` (and, binding
//! tighter) and `,` (or), parentheses, quoted values with backslash escapes, dotted paths
//! (`caller.id`), and date literals with `Z`, `±hhmm` or `±hh:mm`, with or without milliseconds.
//!
//! A query is evaluated on the record as the API renders it (before `fields` trims it), with
//! dates in the generator's canonical `…Z` form. Strings compare without regard to case, as
//! TOPdesk's database collation does; a date field against a date literal compares instants.

use std::cmp::Ordering;

use serde_json::Value;

use super::dates;

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// Every part holds (`;`).
    And(Vec<Query>),
    /// Some part holds (`,`).
    Or(Vec<Query>),
    /// One comparison.
    Compare {
        /// The dotted field path.
        path: Vec<String>,
        /// The operator.
        operator: Operator,
        /// The value or values.
        values: Vec<Literal>,
    },
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `=gt=`
    Greater,
    /// `=ge=`
    GreaterOrEqual,
    /// `=lt=`
    Less,
    /// `=le=`
    LessOrEqual,
    /// `=in=`
    In,
    /// `=out=`
    Out,
    /// `=sw=`
    StartsWith,
}

/// A value as written: its text, and whether it was quoted (a quoted `'null'` is text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// The text, escapes resolved.
    pub text: String,
    /// Whether it was in quotes.
    pub quoted: bool,
}

impl Literal {
    fn is_null(&self) -> bool {
        !self.quoted && self.text == "null"
    }
}

/// Parse `text`; the error says what and where, after TOPdesk's "Error parsing query".
pub fn parse(text: &str) -> Result<Query, String> {
    let mut parser = Parser { chars: text.chars().collect(), at: 0 };
    let query = parser.or()?;
    if parser.at < parser.chars.len() {
        return Err(parser.error("unexpected character"));
    }
    Ok(query)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

const RESERVED: &[char] = &['\'', '"', '(', ')', ';', ',', '=', '!', '~', '<', '>'];

impl Parser {
    fn error(&self, what: &str) -> String {
        match self.chars.get(self.at) {
            Some(found) => format!("Error parsing query: {what} `{found}` at position {}", self.at + 1),
            None => format!("Error parsing query: {what} at the end"),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, expected: char) -> bool {
        if self.peek() == Some(expected) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Query, String> {
        let mut parts = vec![self.and()?];
        while self.eat(',') {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Query::Or(parts) })
    }

    fn and(&mut self) -> Result<Query, String> {
        let mut parts = vec![self.term()?];
        while self.eat(';') {
            parts.push(self.term()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Query::And(parts) })
    }

    fn term(&mut self) -> Result<Query, String> {
        if self.eat('(') {
            let inner = self.or()?;
            if !self.eat(')') {
                return Err(self.error("expected `)`, found"));
            }
            return Ok(inner);
        }
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '@') {
            self.at += 1;
        }
        if start == self.at {
            return Err(self.error("expected a field name, found"));
        }
        let name: String = self.chars[start..self.at].iter().collect();
        if name.split('.').any(str::is_empty) {
            return Err(format!("Error parsing query: `{name}` is not a field path"));
        }
        let path = name.split('.').map(str::to_owned).collect();
        let operator = self.operator()?;
        let values = if self.peek() == Some('(') {
            self.at += 1;
            let mut values = vec![self.value()?];
            while self.eat(',') {
                values.push(self.value()?);
            }
            if !self.eat(')') {
                return Err(self.error("expected `)` after the list, found"));
            }
            values
        } else {
            vec![self.value()?]
        };
        let list = matches!(operator, Operator::In | Operator::Out);
        if !list && values.len() != 1 {
            return Err(format!("Error parsing query: only =in= and =out= take a list (field `{name}`)"));
        }
        Ok(Query::Compare { path, operator, values })
    }

    fn operator(&mut self) -> Result<Operator, String> {
        if self.eat('!') {
            return if self.eat('=') { Ok(Operator::NotEqual) } else { Err(self.error("expected `!=`, found")) };
        }
        if !self.eat('=') {
            return Err(self.error("expected an operator, found"));
        }
        if self.eat('=') {
            return Ok(Operator::Equal);
        }
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.at += 1;
        }
        let word: String = self.chars[start..self.at].iter().collect();
        if !self.eat('=') {
            return Err(self.error("expected `=` closing the operator, found"));
        }
        match word.as_str() {
            "gt" => Ok(Operator::Greater),
            "ge" => Ok(Operator::GreaterOrEqual),
            "lt" => Ok(Operator::Less),
            "le" => Ok(Operator::LessOrEqual),
            "in" => Ok(Operator::In),
            "out" => Ok(Operator::Out),
            "sw" => Ok(Operator::StartsWith),
            other => Err(format!("Error parsing query: unknown operator `={other}=`")),
        }
    }

    fn value(&mut self) -> Result<Literal, String> {
        if let Some(quote) = self.peek().filter(|c| *c == '\'' || *c == '"') {
            self.at += 1;
            let mut text = String::new();
            loop {
                match self.peek() {
                    None => return Err(self.error("unterminated quoted value")),
                    Some('\\') => {
                        self.at += 1;
                        let Some(escaped) = self.peek() else { return Err(self.error("dangling `\\`")) };
                        text.push(escaped);
                        self.at += 1;
                    }
                    Some(c) if c == quote => {
                        self.at += 1;
                        return Ok(Literal { text, quoted: true });
                    }
                    Some(c) => {
                        text.push(c);
                        self.at += 1;
                    }
                }
            }
        }
        let start = self.at;
        while self.peek().is_some_and(|c| !RESERVED.contains(&c) && !c.is_whitespace()) {
            self.at += 1;
        }
        if start == self.at {
            return Err(self.error("expected a value, found"));
        }
        Ok(Literal { text: self.chars[start..self.at].iter().collect(), quoted: false })
    }
}

/// The value at `path` in `record` (null when a step is missing or null).
pub fn lookup<'a>(record: &'a Value, path: &[String]) -> &'a Value {
    let mut current = record;
    for step in path {
        match current.get(step) {
            Some(next) => current = next,
            None => return &Value::Null,
        }
    }
    current
}

impl Query {
    /// Whether `record` matches; an error when a field is unknown or a value cannot compare.
    pub fn matches(&self, record: &Value) -> Result<bool, String> {
        match self {
            Query::And(parts) => {
                for part in parts {
                    if !part.matches(record)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Query::Or(parts) => {
                for part in parts {
                    if part.matches(record)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Query::Compare { path, operator, values } => {
                if record.get(&path[0]).is_none() {
                    return Err(format!("Error parsing query: unknown field `{}`", path.join(".")));
                }
                compare(lookup(record, path), *operator, values, &path.join("."))
            }
        }
    }

    /// Whether the query names `field` anywhere (persons v2 keeps archived persons unless the
    /// query speaks of `archived`).
    pub fn mentions(&self, field: &str) -> bool {
        match self {
            Query::And(parts) | Query::Or(parts) => parts.iter().any(|part| part.mentions(field)),
            Query::Compare { path, .. } => path[0] == field,
        }
    }
}

fn compare(value: &Value, operator: Operator, literals: &[Literal], field: &str) -> Result<bool, String> {
    let first = &literals[0];
    match operator {
        Operator::Equal if first.is_null() => return Ok(value.is_null()),
        Operator::NotEqual if first.is_null() => return Ok(!value.is_null()),
        _ => {}
    }
    if value.is_null() {
        return Ok(matches!(operator, Operator::NotEqual | Operator::Out));
    }
    let order = |literal: &Literal| order(value, literal, field);
    Ok(match operator {
        Operator::Equal => order(first)? == Ordering::Equal,
        Operator::NotEqual => order(first)? != Ordering::Equal,
        Operator::Greater => order(first)? == Ordering::Greater,
        Operator::GreaterOrEqual => order(first)? != Ordering::Less,
        Operator::Less => order(first)? == Ordering::Less,
        Operator::LessOrEqual => order(first)? != Ordering::Greater,
        Operator::In | Operator::Out => {
            let mut found = false;
            for literal in literals {
                found |= order(literal)? == Ordering::Equal;
            }
            found == (operator == Operator::In)
        }
        Operator::StartsWith => match value {
            Value::String(text) => text.to_lowercase().starts_with(&first.text.to_lowercase()),
            _ => return Err(format!("Error parsing query: =sw= needs a text field, `{field}` is not one")),
        },
    })
}

/// How `value` orders against `literal`.
fn order(value: &Value, literal: &Literal, field: &str) -> Result<Ordering, String> {
    let mismatch = |kind: &str| format!("Error parsing query: `{}` is not a {kind} (field `{field}`)", literal.text);
    match value {
        Value::Bool(flag) => match literal.text.as_str() {
            "true" => Ok(flag.cmp(&true)),
            "false" => Ok(flag.cmp(&false)),
            _ => Err(mismatch("boolean")),
        },
        Value::Number(number) => {
            let wanted: f64 = literal.text.parse().map_err(|_| mismatch("number"))?;
            Ok(number.as_f64().unwrap_or(0.0).total_cmp(&wanted))
        }
        Value::String(text) => {
            if let Some(instant) = dates::canonical(text) {
                let wanted = dates::parse_literal(&literal.text).ok_or_else(|| mismatch("date"))?;
                return Ok(instant.cmp(&wanted));
            }
            Ok(text.to_lowercase().cmp(&literal.text.to_lowercase()))
        }
        Value::Object(_) | Value::Array(_) => Err(format!(
            "Error parsing query: `{field}` is an object; compare one of its fields (`{field}.id`, `{field}.name`)"
        )),
        Value::Null => Ok(Ordering::Less),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(query: &str, record: &Value) -> Result<bool, String> {
        parse(query)?.matches(record)
    }

    #[test]
    fn operators_paths_dates_and_grouping() {
        let record = json!({"id": "a", "number": 3, "closed": false, "caller": {"id": "p1", "name": "Jane O'Neil"},
            "modificationDate": "2024-01-10T12:00:00Z", "operator": null});
        assert_eq!(check("caller.id==P1", &record), Ok(true));
        assert_eq!(check("closed==false;number=ge=3", &record), Ok(true));
        assert_eq!(check("number=gt=3,caller.id==p1", &record), Ok(true));
        assert_eq!(check("(number=gt=3,closed==true);caller.id==p1", &record), Ok(false));
        assert_eq!(check("modificationDate=ge=2024-01-10T13:00:00+0100", &record), Ok(true));
        assert_eq!(check("modificationDate=lt=2024-01-10T12:00:00.000+01:00", &record), Ok(false));
        assert_eq!(check("modificationDate=gt=2024-01-10T11:59:59Z", &record), Ok(true));
        assert_eq!(check("operator==null;caller!=null", &record), Ok(true));
        assert_eq!(check("operator.id==null", &record), Ok(true));
        assert_eq!(check("caller.name=='Jane O\\'Neil'", &record), Ok(true));
        assert_eq!(check("caller.name=sw=\"jane o\"", &record), Ok(true));
        assert_eq!(check("id=in=(b,a)", &record), Ok(true));
        assert_eq!(check("id=out=(b,a)", &record), Ok(false));
        assert!(check("nosuch==1", &record).unwrap_err().starts_with("Error parsing query"));
        for bad in ["id", "id==", "id=xx=1", "(id==a", "id==a;", "number==three", "caller==x", "id==a b"] {
            assert!(check(bad, &record).unwrap_err().starts_with("Error parsing query"), "{bad}");
        }
    }
}
