//! The types of expression values.
//!
//! Nullability is kept apart from the kind of value (`Type { kind, nullable }`) because most of
//! what the checker says about nulls ("this may be empty and the destination requires it") is
//! independent of the kind. Enumerations carry the values a schema lock lists, with labels and
//! record counts, so coverage diagnostics can name what is missing and how much data it holds.

use std::fmt;
use std::sync::Arc;

use crate::check::schema::{EnumValue, FieldSchema, FieldType};
use crate::span::{Span, Spanned};

/// A value's type.
#[derive(Clone, Debug, PartialEq)]
pub struct Type {
    /// What kind of value.
    pub kind: Kind,
    /// Whether it may be null.
    pub nullable: bool,
    /// When the value is one of a few text constants (`if … then "closed" else "open"`), those
    /// constants, so they can be checked against a destination's enumeration.
    pub constants: Option<Vec<Spanned<String>>>,
}

/// The kinds of value.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Only ever null.
    Null,
    /// true/false.
    Bool,
    /// Whole number.
    Int,
    /// Decimal number.
    Float,
    /// Plain text.
    Text,
    /// HTML text.
    Html,
    /// Calendar date.
    Date,
    /// Point in time.
    DateTime,
    /// Text restricted to known values (Odoo selections, OTRS states, lock `values`).
    Enum(Arc<Enumeration>),
    /// A list.
    List(Box<Type>),
    /// A link to a record of a source object (Odoo many2one): its id, and the way to its fields.
    Record(String),
    /// The destination id of a record migrated by a spec object: `ref(object, key)`.
    Ref {
        /// The spec object.
        object: String,
        /// The destination kind that object maps to (`contact`, `admin`).
        kind: String,
    },
    /// File content.
    Binary,
    /// Structured data of no fixed shape.
    Json,
    /// Unknown because of an earlier error: accepted everywhere, so one mistake is reported once.
    Any,
}

/// Known values of an enumeration and where they were declared.
#[derive(Clone, Debug, PartialEq)]
pub struct Enumeration {
    /// `object.field` the values belong to, for messages.
    pub field: String,
    /// The values, in lock order.
    pub values: Vec<EnumValue>,
}

impl Type {
    /// A non-null value of `kind`.
    pub fn of(kind: Kind) -> Self {
        Self { kind, nullable: false, constants: None }
    }

    /// The type of anything, after an error.
    pub fn any() -> Self {
        Self::of(Kind::Any)
    }

    /// The type of `null`.
    pub fn null() -> Self {
        Self { kind: Kind::Null, nullable: true, constants: None }
    }

    /// Text known to be one of `constants`.
    pub fn text_constant(value: &str, span: Span) -> Self {
        Self { kind: Kind::Text, nullable: false, constants: Some(vec![Spanned::new(value.to_owned(), span)]) }
    }

    /// The same type, possibly null.
    pub fn nullable(mut self, nullable: bool) -> Self {
        self.nullable = nullable;
        self
    }

    /// Whether the kind is unknown after an error.
    pub fn is_any(&self) -> bool {
        matches!(self.kind, Kind::Any)
    }

    /// The type a schema field has when read.
    pub fn of_field(owner: &str, name: &str, field: &FieldSchema) -> Type {
        let kind = match field.field_type {
            FieldType::Text if !field.values.is_empty() => enumeration(owner, name, field),
            FieldType::Enum => enumeration(owner, name, field),
            FieldType::Text => Kind::Text,
            FieldType::Html => Kind::Html,
            FieldType::Int => Kind::Int,
            FieldType::Float => Kind::Float,
            FieldType::Bool => Kind::Bool,
            FieldType::Date => Kind::Date,
            FieldType::Datetime => Kind::DateTime,
            FieldType::Relation => Kind::Record(field.target.clone().unwrap_or_default()),
            FieldType::Ref => Kind::Ref { object: String::new(), kind: field.target.clone().unwrap_or_default() },
            FieldType::Binary => Kind::Binary,
            FieldType::Json => Kind::Json,
        };
        let kind = if field.many { Kind::List(Box::new(Type::of(kind))) } else { kind };
        // A list is never null: an empty list stands for "none".
        let nullable = !field.required && !field.many && field.field_type != FieldType::Bool;
        Type { kind, nullable, constants: None }
    }

    /// Join the types of two branches (`if`, `match`, `??`): `None` when they do not agree.
    pub fn join(&self, other: &Type) -> Option<Type> {
        let nullable = self.nullable || other.nullable;
        let constants = match (&self.constants, &other.constants) {
            (Some(a), Some(b)) => Some(a.iter().chain(b).fold(Vec::new(), |mut all, c| {
                if !all.contains(c) {
                    all.push(c.clone());
                }
                all
            })),
            _ => None,
        };
        let kind = match (&self.kind, &other.kind) {
            (Kind::Any, _) | (_, Kind::Any) => Kind::Any,
            (Kind::Null, kind) | (kind, Kind::Null) => kind.clone(),
            (a, b) if a == b => a.clone(),
            (Kind::Int, Kind::Float) | (Kind::Float, Kind::Int) => Kind::Float,
            (Kind::Enum(_), Kind::Text) | (Kind::Text, Kind::Enum(_)) | (Kind::Enum(_), Kind::Enum(_)) => Kind::Text,
            (Kind::Html, Kind::Text) | (Kind::Text, Kind::Html) => Kind::Html,
            (Kind::Date, Kind::DateTime) | (Kind::DateTime, Kind::Date) => Kind::DateTime,
            (Kind::Ref { object: a, kind: ka }, Kind::Ref { object: b, kind: kb }) => Kind::Ref {
                object: if a == b { a.clone() } else { format!("{a}|{b}") },
                kind: if ka == kb { ka.clone() } else { format!("{ka}|{kb}") },
            },
            (Kind::List(a), Kind::List(b)) => Kind::List(Box::new(a.join(b)?)),
            _ => return None,
        };
        let constants = if matches!(kind, Kind::Text) { constants } else { None };
        Some(Type { kind, nullable, constants })
    }
}

fn enumeration(owner: &str, name: &str, field: &FieldSchema) -> Kind {
    Kind::Enum(Arc::new(Enumeration { field: format!("{owner}.{name}"), values: field.values.clone() }))
}

impl Kind {
    /// Whether values of this kind are text of some sort.
    pub fn is_textual(&self) -> bool {
        matches!(self, Kind::Text | Kind::Enum(_) | Kind::Any)
    }

    /// Whether values of this kind are numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Kind::Int | Kind::Float | Kind::Any)
    }

    /// Whether values of this kind are dates or times.
    pub fn is_temporal(&self) -> bool {
        matches!(self, Kind::Date | Kind::DateTime | Kind::Any)
    }

    /// The kind a destination field of `field_type` accepts, ignoring `many`.
    pub fn of_destination(field_type: FieldType) -> Kind {
        Type::of_field("", "", &FieldSchema { field_type, ..FieldSchema::default() }).kind
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nullable && !matches!(self.kind, Kind::Null | Kind::Any) {
            write!(f, "optional<{}>", self.kind)
        } else {
            write!(f, "{}", self.kind)
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Null => f.write_str("null"),
            Kind::Bool => f.write_str("bool"),
            Kind::Int => f.write_str("int"),
            Kind::Float => f.write_str("float"),
            Kind::Text => f.write_str("text"),
            Kind::Html => f.write_str("html"),
            Kind::Date => f.write_str("date"),
            Kind::DateTime => f.write_str("datetime"),
            Kind::Enum(e) => write!(f, "enum<{}>", e.field),
            Kind::List(item) => write!(f, "list<{item}>"),
            Kind::Record(target) => write!(f, "record<{target}>"),
            Kind::Ref { kind, .. } => write!(f, "ref<{kind}>"),
            Kind::Binary => f.write_str("binary"),
            Kind::Json => f.write_str("json"),
            Kind::Any => f.write_str("any"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_widen_and_keep_nullability() {
        let text = Type::text_constant("open", Span::detached());
        let closed = Type::text_constant("closed", Span::detached());
        let joined = text.join(&closed).unwrap();
        let constants: Vec<String> = joined.constants.unwrap().into_iter().map(|c| c.value).collect();
        assert_eq!(constants, ["open", "closed"]);
        assert_eq!(Type::of(Kind::Int).join(&Type::of(Kind::Float)).unwrap().kind, Kind::Float);
        assert!(Type::of(Kind::Int).join(&Type::null()).unwrap().nullable);
        assert!(Type::of(Kind::Bool).join(&Type::of(Kind::Text)).is_none());
        assert_eq!(Type::of(Kind::Int).nullable(true).to_string(), "optional<int>");
    }
}
