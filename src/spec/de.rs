//! A serde deserializer over the spanned YAML tree.
//!
//! The typed model keeps using `#[derive(Deserialize)]`; this deserializer adds what serde lacks:
//! - [`Spanned<T>`] and [`ScalarText`] receive the span (and offset map) of the node they come
//!   from, through two private struct names only this deserializer answers to;
//! - unknown keys are found by comparing a mapping's keys with the field list serde passes to
//!   `deserialize_struct`, so every unknown key is reported (with "did you mean"), not only the
//!   first;
//! - a scalar of the wrong type (`batch: many`) is recorded and replaced by a neutral value so the
//!   rest of the file is still read; only structural errors stop deserialization;
//! - every error carries the span of the innermost node it arose in.

use std::cell::RefCell;
use std::fmt;

use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::scalar::ScalarText;
use crate::span::{Span, Spanned};
use crate::spec::diagnostics;
use crate::spec::yaml::{Node, NodeKind};

/// The struct name [`Spanned`] asks for.
pub(crate) const SPANNED: &str = "$cutover::Spanned";
const SPANNED_FIELDS: &[&str] = &["$span", "$value"];
/// The struct name [`ScalarText`] asks for.
pub(crate) const SCALAR_TEXT: &str = "$cutover::ScalarText";

thread_local! {
    /// Hands a scalar's text and offset map to `ScalarText::deserialize`, which cannot receive a
    /// non-serde value through the visitor interface.
    static SCALAR_STASH: RefCell<Option<ScalarText>> = const { RefCell::new(None) };
}

/// Deserialize a typed value from a tree, collecting every diagnostic found.
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, Diagnostics> {
    let context = Context::default();
    let result = T::deserialize(NodeDeserializer { node, context: &context });
    let mut found = Diagnostics::from(context.recovered.into_inner());
    match result {
        Ok(value) if !found.has_errors() => Ok(value),
        Ok(_) => Err(found),
        Err(error) => {
            found.extend(error.into_diagnostic());
            Err(found)
        }
    }
}

#[derive(Default)]
struct Context {
    /// Problems recorded while reading went on.
    recovered: RefCell<Vec<Diagnostic>>,
}

impl Context {
    fn record(&self, diagnostic: Diagnostic) {
        self.recovered.borrow_mut().push(diagnostic);
    }
}

/// A deserialization error, turned into a [`Diagnostic`] at the end.
#[derive(Debug)]
pub struct DeError {
    kind: DeErrorKind,
    span: Option<Span>,
}

#[derive(Debug)]
enum DeErrorKind {
    Custom(String),
    InvalidType {
        expected: String,
        found: String,
    },
    UnknownField {
        field: String,
        expected: &'static [&'static str],
    },
    UnknownVariant {
        variant: String,
        expected: &'static [&'static str],
    },
    MissingField(&'static str),
    /// A follow-on error of a problem already recorded (a key missing because it was misspelt).
    AlreadyReported,
}

impl DeError {
    fn at(mut self, span: Span) -> Self {
        self.span.get_or_insert(span);
        self
    }

    fn into_diagnostic(self) -> Option<Diagnostic> {
        let at = self.span.unwrap_or_else(Span::detached);
        Some(match self.kind {
            DeErrorKind::Custom(message) => diagnostics::invalid_value(&message, at),
            DeErrorKind::InvalidType { expected, found } => diagnostics::wrong_shape(&expected, &found, at),
            DeErrorKind::UnknownField { field, expected } => diagnostics::unknown_key(&field, at, expected),
            DeErrorKind::UnknownVariant { variant, expected } => diagnostics::unknown_value(&variant, at, expected),
            DeErrorKind::MissingField(field) => diagnostics::missing_key(field, at),
            DeErrorKind::AlreadyReported => return None,
        })
    }

    fn new(kind: DeErrorKind) -> Self {
        Self { kind, span: None }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DeErrorKind::Custom(message) => f.write_str(message),
            DeErrorKind::InvalidType { expected, found } => write!(f, "expected {expected}, found {found}"),
            DeErrorKind::UnknownField { field, .. } => write!(f, "unknown key `{field}`"),
            DeErrorKind::UnknownVariant { variant, .. } => write!(f, "unknown value `{variant}`"),
            DeErrorKind::MissingField(field) => write!(f, "missing key `{field}`"),
            DeErrorKind::AlreadyReported => f.write_str("reported already"),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(DeErrorKind::Custom(message.to_string()))
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::new(DeErrorKind::InvalidType { expected: expected.to_string(), found: describe_unexpected(&unexpected) })
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::new(DeErrorKind::InvalidType { expected: expected.to_string(), found: describe_unexpected(&unexpected) })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::new(DeErrorKind::UnknownField { field: field.to_owned(), expected })
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::new(DeErrorKind::UnknownVariant { variant: variant.to_owned(), expected })
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(DeErrorKind::MissingField(field))
    }
}

fn describe_unexpected(unexpected: &de::Unexpected<'_>) -> String {
    match unexpected {
        de::Unexpected::Bool(b) => format!("`{b}`"),
        de::Unexpected::Unsigned(n) => format!("the number {n}"),
        de::Unexpected::Signed(n) => format!("the number {n}"),
        de::Unexpected::Float(n) => format!("the number {n}"),
        de::Unexpected::Str(s) => format!("the text `{s}`"),
        de::Unexpected::Unit => "null".to_owned(),
        de::Unexpected::Seq => "a list".to_owned(),
        de::Unexpected::Map => "a mapping".to_owned(),
        other => other.to_string(),
    }
}

#[derive(Clone, Copy)]
struct NodeDeserializer<'a> {
    node: &'a Node,
    context: &'a Context,
}

impl<'a> NodeDeserializer<'a> {
    fn span(&self) -> Span {
        self.node.span
    }

    fn wrong(&self, expected: &str) -> DeError {
        DeError::new(DeErrorKind::InvalidType { expected: expected.to_owned(), found: self.node.describe().to_owned() })
            .at(self.span())
    }

    /// Record a wrong scalar and go on with a neutral value.
    fn recover(&self, expected: &str) {
        self.context.record(diagnostics::wrong_shape(expected, &self.found(), self.span()));
    }

    fn found(&self) -> String {
        match self.node.as_scalar() {
            Some(s) if !s.is_null() && self.node.describe() == "text" => format!("the text `{}`", s.text),
            _ => self.node.describe().to_owned(),
        }
    }

    fn integer<V: Visitor<'a>>(self, visitor: V, expected: &str, min: i128, max: i128) -> Result<V::Value, DeError> {
        match self.node.as_scalar().and_then(|s| s.as_i64()) {
            Some(n) if i128::from(n) >= min && i128::from(n) <= max => {
                if n >= 0 {
                    visitor.visit_u64(n as u64)
                } else {
                    visitor.visit_i64(n)
                }
            }
            _ => {
                self.recover(expected);
                visitor.visit_u64(0)
            }
        }
        .map_err(|e: DeError| e.at(self.span()))
    }
}

macro_rules! integer_methods {
    ($($method:ident: $ty:ty, $expected:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            self.integer(visitor, $expected, i128::from(<$ty>::MIN), i128::from(<$ty>::MAX))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Scalar(s) if s.is_null() => visitor.visit_unit(),
            NodeKind::Scalar(s) => {
                if let Some(b) = s.as_bool() {
                    visitor.visit_bool(b)
                } else if let Some(n) = s.as_i64() {
                    visitor.visit_i64(n)
                } else if let Some(f) = s.as_f64() {
                    visitor.visit_f64(f)
                } else {
                    visitor.visit_str(&s.text)
                }
            }
            NodeKind::Seq(items) => visitor.visit_seq(SeqAccess { items: items.iter(), context: self.context }),
            NodeKind::Map(entries) => visitor.visit_map(MapAccess::new(entries.iter().collect(), self.context)),
        };
        result.map_err(|e: DeError| e.at(self.span()))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.as_scalar().and_then(|s| s.as_bool()) {
            Some(b) => visitor.visit_bool(b),
            None => {
                self.recover("`true` or `false`");
                visitor.visit_bool(false)
            }
        }
        .map_err(|e: DeError| e.at(self.span()))
    }

    integer_methods! {
        deserialize_i8: i8, "a whole number";
        deserialize_i16: i16, "a whole number";
        deserialize_i32: i32, "a whole number";
        deserialize_i64: i64, "a whole number";
        deserialize_u8: u8, "a whole number from 0 to 255";
        deserialize_u16: u16, "a whole number from 0 to 65535";
        deserialize_u32: u32, "a whole number from 0 to 4294967295";
        deserialize_u64: u64, "a whole number of at least 0";
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.as_scalar().and_then(|s| s.as_f64()) {
            Some(f) => visitor.visit_f64(f),
            None => {
                self.recover("a number");
                visitor.visit_f64(0.0)
            }
        }
        .map_err(|e: DeError| e.at(self.span()))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.as_scalar() {
            Some(s) if !s.is_null() => visitor.visit_str(&s.text),
            _ => {
                self.recover("text");
                visitor.visit_str("")
            }
        }
        .map_err(|e: DeError| e.at(self.span()))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.node.is_null() { visitor.visit_none() } else { visitor.visit_some(self) }
            .map_err(|e: DeError| e.at(self.span()))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.node.is_null() { visitor.visit_unit() } else { Err(self.wrong("null")) }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Seq(items) => visitor.visit_seq(SeqAccess { items: items.iter(), context: self.context }),
            _ => {
                self.recover("a list");
                visitor.visit_seq(SeqAccess { items: [].iter(), context: self.context })
            }
        }
        .map_err(|e: DeError| e.at(self.span()))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Map(entries) => visitor.visit_map(MapAccess::new(entries.iter().collect(), self.context)),
            NodeKind::Scalar(s) if s.is_null() => visitor.visit_map(MapAccess::new(Vec::new(), self.context)),
            _ => Err(self.wrong("a mapping")),
        }
        .map_err(|e: DeError| e.at(self.span()))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if name == SPANNED {
            return visitor.visit_map(SpannedAccess { node: self, step: 0 }).map_err(|e: DeError| e.at(self.span()));
        }
        if name == SCALAR_TEXT {
            let Some(text) = self.node.scalar_text() else {
                return Err(self.wrong("an expression (text)"));
            };
            SCALAR_STASH.with(|stash| *stash.borrow_mut() = Some(text));
            return visitor.visit_unit().map_err(|e: DeError| e.at(self.span()));
        }
        let entries = match &self.node.kind {
            NodeKind::Map(entries) => entries,
            _ => return Err(self.wrong("a mapping")),
        };
        let mut known = Vec::with_capacity(entries.len());
        let mut misspelt = Vec::new();
        for entry in entries {
            let key = entry.0.as_str().unwrap_or_default();
            if fields.contains(&key) {
                known.push(entry);
            } else {
                self.context.record(diagnostics::unknown_key(key, entry.0.span, fields));
                misspelt.extend(crate::suggest::suggest(key, fields.iter().copied()));
            }
        }
        visitor.visit_map(MapAccess::new(known, self.context)).map_err(|e: DeError| match e.kind {
            // `form:` was reported with "did you mean `from`?": a missing `from` says nothing new.
            DeErrorKind::MissingField(field) if misspelt.contains(&field) => DeError::new(DeErrorKind::AlreadyReported),
            _ => e.at(self.span()),
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.node.as_scalar() {
            Some(s) if !s.is_null() => {
                let access: StrDeserializer<'_, DeError> = s.text.as_str().into_deserializer();
                visitor.visit_enum(access).map_err(|e: DeError| e.at(self.span()))
            }
            _ => Err(self.wrong("one of the listed values")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

struct SeqAccess<'a> {
    items: std::slice::Iter<'a, Node>,
    context: &'a Context,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(node) => seed.deserialize(NodeDeserializer { node, context: self.context }).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'a> {
    entries: std::vec::IntoIter<&'a (Node, Node)>,
    value: Option<&'a Node>,
    context: &'a Context,
}

impl<'a> MapAccess<'a> {
    fn new(entries: Vec<&'a (Node, Node)>, context: &'a Context) -> Self {
        Self { entries: entries.into_iter(), value: None, context }
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(NodeDeserializer { node: key, context: self.context })
                    .map(Some)
                    .map_err(|e: DeError| e.at(key.span))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let node = self.value.take().expect("serde asks for a value after its key");
        seed.deserialize(NodeDeserializer { node, context: self.context })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Presents a node as `{ "$span": (source, start, end), "$value": node }`.
struct SpannedAccess<'a> {
    node: NodeDeserializer<'a>,
    step: u8,
}

impl<'de> de::MapAccess<'de> for SpannedAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        let Some(key) = SPANNED_FIELDS.get(usize::from(self.step)) else {
            return Ok(None);
        };
        let key: StrDeserializer<'_, DeError> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        self.step += 1;
        if self.step == 1 {
            let span = self.node.span();
            let parts = SeqDeserializer::<_, DeError>::new([span.source.0, span.start, span.end].into_iter());
            seed.deserialize(parts)
        } else {
            seed.deserialize(self.node)
        }
    }
}

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Spanned<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpannedVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: de::Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
            type Value = Spanned<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Spanned<T>, A::Error> {
                let _: Option<String> = map.next_key()?;
                let (source, start, end): (u32, u32, u32) = map.next_value()?;
                let _: Option<String> = map.next_key()?;
                let value = map.next_value()?;
                Ok(Spanned::new(value, Span::new(crate::source::SourceId(source), start, end)))
            }
        }

        deserializer.deserialize_struct(SPANNED, SPANNED_FIELDS, SpannedVisitor(std::marker::PhantomData))
    }
}

impl<'de> de::Deserialize<'de> for ScalarText {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl Visitor<'_> for TextVisitor {
            type Value = ScalarText;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an expression (text)")
            }

            fn visit_unit<E: de::Error>(self) -> Result<ScalarText, E> {
                SCALAR_STASH
                    .with(|stash| stash.borrow_mut().take())
                    .ok_or_else(|| E::custom("expressions can only be read from a spec file"))
            }
        }

        deserializer.deserialize_struct(SCALAR_TEXT, &[], TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::codes::Code;
    use crate::source::SourceId;
    use crate::spec::yaml;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        name: Spanned<String>,
        #[serde(default)]
        batch: Option<Spanned<u32>>,
        expression: Option<ScalarText>,
    }

    fn read(text: &str) -> Result<Sample, Diagnostics> {
        from_node(&yaml::parse(SourceId(0), text).unwrap())
    }

    #[test]
    fn spans_reach_the_model() {
        let text = "name: acme\nbatch: 500\nexpression: lower(email)\n";
        let sample = read(text).unwrap();
        assert_eq!(sample.name.value, "acme");
        assert_eq!(&text[sample.name.span.start as usize..sample.name.span.end as usize], "acme");
        let batch = sample.batch.unwrap();
        assert_eq!(batch.value, 500);
        assert_eq!(&text[batch.span.start as usize..batch.span.end as usize], "500");
        assert_eq!(sample.expression.unwrap().text, "lower(email)");
    }

    #[test]
    fn every_unknown_key_and_wrong_scalar_is_reported() {
        let errors = read("name: acme\nbacth: 5\nexpresion: x\n").unwrap_err();
        let codes: Vec<_> = errors.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::UnknownKey, Code::UnknownKey]);
        assert_eq!(errors.iter().next().unwrap().help.as_deref(), Some("did you mean `batch`?"));
        let errors = read("name: acme\nbatch: many\n").unwrap_err();
        assert_eq!(errors.iter().next().unwrap().code, Code::WrongShape);
        assert_eq!(
            errors.iter().next().unwrap().message,
            "expected a whole number from 0 to 4294967295, found the text `many`"
        );
    }

    #[test]
    fn missing_keys_point_at_the_mapping() {
        let errors = read("batch: 5\n").unwrap_err();
        let first = errors.iter().next().unwrap();
        assert_eq!(first.code, Code::MissingKey);
        assert!(!first.primary_span().unwrap().is_detached());
    }
}
