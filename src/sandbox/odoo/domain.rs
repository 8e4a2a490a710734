//! [`Domain`]: an Odoo search domain, parsed from prefix notation, checked against a model's
//! fields and evaluated on records.
//!
//! A domain is an array of leaves `[field_path, operator, value]` and the connectors `"&"`,
//! `"|"` (two operands) and `"!"` (one), in Polish notation; what is left on the stack is
//! AND-ed. Values follow PostgreSQL: an empty field is NULL, `= False` means `IS NULL` (for a
//! boolean: false or NULL), a NULL never satisfies `>`/`<`/`like`, and the negative operators
//! (`!=`, `not in`, `not like`, `not ilike`) are the complement of the positive ones, so they
//! include NULL as Odoo's SQL does. Paths with dots traverse relations (any related record
//! matches). `child_of`/`parent_of` follow `parent_id`; `any`/`not any` (17+) match a
//! sub-domain on the related records.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::dataset::Dataset;
use super::faults;
use super::field::FieldKind;
use super::model::Model;
use super::pattern::LikePattern;
use super::record::{Record, Stored};
use super::version::OdooVersion;
use crate::drivers::odoo::{Fault, XmlRpcValue};

/// Computed fields that are not stored but have a search method (a related field, a helpdesk
/// filter; `display_name` on every model); searching any other non-stored field faults, as
/// from Odoo 17 on.
const SEARCHABLE_COMPUTED: [(&str, &str); 2] = [("res.users", "email"), ("helpdesk.ticket", "sla_fail")];

/// A parsed domain.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// Everything (the empty domain, `(1, '=', 1)`).
    All,
    /// Nothing (`(0, '=', 1)`).
    Nothing,
    /// One leaf.
    Leaf(Leaf),
    /// `"!"`.
    Not(Box<Domain>),
    /// `"&"`.
    And(Box<Domain>, Box<Domain>),
    /// `"|"`.
    Or(Box<Domain>, Box<Domain>),
}

/// One `[field_path, operator, value]` leaf.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// The field path, split on dots.
    pub path: Vec<String>,
    /// The operator.
    pub operator: Operator,
    /// The value as sent.
    pub value: XmlRpcValue,
    /// `any`/`not any`: the sub-domain, parsed against the comodel.
    pub subdomain: Option<Box<Domain>>,
}

/// Domain operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `=`.
    Equal,
    /// `!=` (also `<>`).
    NotEqual,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
    /// `=?`: true when the value is False/None, else `=`.
    EqualUnlessUnset,
    /// `like` (value wrapped in `%…%`).
    Like,
    /// `not like`.
    NotLike,
    /// `ilike`.
    Ilike,
    /// `not ilike`.
    NotIlike,
    /// `=like` (raw pattern).
    RawLike,
    /// `=ilike` (raw pattern, case-insensitive).
    RawIlike,
    /// `in`.
    In,
    /// `not in`.
    NotIn,
    /// `child_of`.
    ChildOf,
    /// `parent_of`.
    ParentOf,
    /// `any` (17+).
    Any,
    /// `not any` (17+).
    NotAny,
}

impl Operator {
    /// The operator named `text` on this version, if Odoo knows it.
    pub fn parse(text: &str, version: OdooVersion) -> Option<Operator> {
        Some(match text.to_lowercase().as_str() {
            "=" | "==" => Operator::Equal,
            "!=" | "<>" => Operator::NotEqual,
            ">" => Operator::Greater,
            ">=" => Operator::GreaterOrEqual,
            "<" => Operator::Less,
            "<=" => Operator::LessOrEqual,
            "=?" => Operator::EqualUnlessUnset,
            "like" => Operator::Like,
            "not like" => Operator::NotLike,
            "ilike" => Operator::Ilike,
            "not ilike" => Operator::NotIlike,
            "=like" => Operator::RawLike,
            "=ilike" => Operator::RawIlike,
            "in" => Operator::In,
            "not in" => Operator::NotIn,
            "child_of" => Operator::ChildOf,
            "parent_of" => Operator::ParentOf,
            "any" if version.major() >= 17 => Operator::Any,
            "not any" if version.major() >= 17 => Operator::NotAny,
            _ => return None,
        })
    }

    /// The positive operator this one negates, if it is negative.
    fn negated(self) -> Option<Operator> {
        match self {
            Operator::NotEqual => Some(Operator::Equal),
            Operator::NotLike => Some(Operator::Like),
            Operator::NotIlike => Some(Operator::Ilike),
            Operator::NotIn => Some(Operator::In),
            Operator::NotAny => Some(Operator::Any),
            _ => None,
        }
    }
}

impl Domain {
    /// Parse `value` (an array, or False/None for everything) against `model`.
    pub fn parse(dataset: &Dataset, model: &Model, value: &XmlRpcValue, version: OdooVersion) -> Result<Domain, Fault> {
        let items = match value {
            XmlRpcValue::Array(items) => items,
            XmlRpcValue::Bool(false) | XmlRpcValue::Nil => return Ok(Domain::All),
            other => return Err(faults::invalid_domain(other)),
        };
        let mut stack: Vec<Domain> = Vec::new();
        for item in items.iter().rev() {
            let domain = match item {
                XmlRpcValue::String(connector) if connector == "!" => {
                    let operand = stack.pop().ok_or_else(|| faults::invalid_domain(value))?;
                    Domain::Not(Box::new(operand))
                }
                XmlRpcValue::String(connector) if connector == "&" || connector == "|" => {
                    let (Some(left), Some(right)) = (stack.pop(), stack.pop()) else {
                        return Err(faults::invalid_domain(value));
                    };
                    if connector == "&" {
                        Domain::And(Box::new(left), Box::new(right))
                    } else {
                        Domain::Or(Box::new(left), Box::new(right))
                    }
                }
                XmlRpcValue::Array(leaf) => parse_leaf(dataset, model, item, leaf, version)?,
                _ => return Err(faults::invalid_domain(value)),
            };
            stack.push(domain);
        }
        let mut domain = match stack.pop() {
            Some(last) => last,
            None => return Ok(Domain::All),
        };
        while let Some(before) = stack.pop() {
            domain = Domain::And(Box::new(domain), Box::new(before));
        }
        Ok(domain)
    }

    /// Whether any leaf's path starts with `field` (Odoo skips its implicit `active` filter,
    /// and `ir.attachment` its `res_field` filter, when the domain mentions the field).
    pub fn mentions(&self, field: &str) -> bool {
        match self {
            Domain::All | Domain::Nothing => false,
            Domain::Leaf(leaf) => leaf.path.first().is_some_and(|first| first == field),
            Domain::Not(inner) => inner.mentions(field),
            Domain::And(left, right) | Domain::Or(left, right) => left.mentions(field) || right.mentions(field),
        }
    }

    /// Whether `record` of `model` satisfies the domain.
    pub fn matches(&self, dataset: &Dataset, model: &Model, record: &Record) -> bool {
        match self {
            Domain::All => true,
            Domain::Nothing => false,
            Domain::Leaf(leaf) => leaf.matches(dataset, model, record, &leaf.path),
            Domain::Not(inner) => !inner.matches(dataset, model, record),
            Domain::And(left, right) => left.matches(dataset, model, record) && right.matches(dataset, model, record),
            Domain::Or(left, right) => left.matches(dataset, model, record) || right.matches(dataset, model, record),
        }
    }
}

fn parse_leaf(
    dataset: &Dataset,
    model: &Model,
    raw: &XmlRpcValue,
    leaf: &[XmlRpcValue],
    version: OdooVersion,
) -> Result<Domain, Fault> {
    let [left, operator, value] = leaf else { return Err(faults::invalid_domain(raw)) };
    if let (XmlRpcValue::Int(left), XmlRpcValue::String(operator), XmlRpcValue::Int(1)) = (left, operator, value)
        && operator == "="
    {
        return Ok(if *left == 1 { Domain::All } else { Domain::Nothing });
    }
    let XmlRpcValue::String(path) = left else { return Err(faults::invalid_domain(raw)) };
    let XmlRpcValue::String(operator_text) = operator else { return Err(faults::invalid_domain(raw)) };
    let operator =
        Operator::parse(operator_text, version).ok_or_else(|| faults::invalid_operator(operator_text, raw))?;
    let path: Vec<String> = path.split('.').map(str::to_owned).collect();
    // Check each step of the path against the models the emulator holds.
    let mut current = Some(model);
    let mut last_relation = None;
    for (step, name) in path.iter().enumerate() {
        let Some(held) = current else { break };
        let Some(field) = held.field(name) else {
            return Err(faults::invalid_leaf_field(&held.name, name, raw));
        };
        if !field.stored
            && name != "display_name"
            && !SEARCHABLE_COMPUTED.contains(&(held.name.as_str(), name.as_str()))
        {
            return Err(faults::unsearchable_field(&held.name, name));
        }
        if step + 1 < path.len() && !field.kind.is_relational() {
            return Err(faults::invalid_leaf_field(&held.name, &path[step + 1], raw));
        }
        last_relation = field.relation.clone();
        current = field.relation.as_deref().and_then(|relation| dataset.model(relation));
    }
    let subdomain = match operator {
        Operator::Any | Operator::NotAny => {
            let comodel = last_relation.as_deref().and_then(|relation| dataset.model(relation));
            match comodel {
                Some(comodel) => Some(Box::new(Domain::parse(dataset, comodel, value, version)?)),
                None => Some(Box::new(Domain::Nothing)),
            }
        }
        _ => None,
    };
    Ok(Domain::Leaf(Leaf { path, operator, value: value.clone(), subdomain }))
}

impl Leaf {
    fn matches(&self, dataset: &Dataset, model: &Model, record: &Record, path: &[String]) -> bool {
        let Some(field) = model.field(&path[0]) else { return false };
        if path.len() > 1 {
            let Some(comodel) = field.relation.as_deref().and_then(|relation| dataset.model(relation)) else {
                return false;
            };
            return related_ids(&record.get(&field.name))
                .into_iter()
                .filter_map(|id| comodel.record(id))
                .any(|related| self.matches(dataset, comodel, related, &path[1..]));
        }
        if let Some(positive) = self.operator.negated() {
            return !self.test(dataset, model, record, field.kind, positive);
        }
        self.test(dataset, model, record, field.kind, self.operator)
    }

    /// A positive operator on the last field of the path.
    fn test(&self, dataset: &Dataset, model: &Model, record: &Record, kind: FieldKind, operator: Operator) -> bool {
        let name = &self.value;
        let field = model.field(self.path.last().map(String::as_str).unwrap_or_default());
        let relation = field.and_then(|field| field.relation.as_deref());
        let stored = if self.path.last().is_some_and(|last| last == "id") {
            Stored::Int(record.id)
        } else {
            record.get(self.path.last().map(String::as_str).unwrap_or_default())
        };
        match operator {
            Operator::EqualUnlessUnset => is_unset(name) || self.test(dataset, model, record, kind, Operator::Equal),
            Operator::Equal => equals(dataset, relation, kind, &stored, name),
            Operator::In => in_list(name).iter().any(|item| equals(dataset, relation, kind, &stored, item)),
            Operator::Greater | Operator::GreaterOrEqual | Operator::Less | Operator::LessOrEqual => {
                let ordering = match (&stored, name) {
                    (Stored::Ids(_), _) | (Stored::Null, _) => None,
                    (stored, value) => compare(stored, value),
                };
                ordering.is_some_and(|ordering| match operator {
                    Operator::Greater => ordering == Ordering::Greater,
                    Operator::GreaterOrEqual => ordering != Ordering::Less,
                    Operator::Less => ordering == Ordering::Less,
                    _ => ordering != Ordering::Greater,
                })
            }
            Operator::Like | Operator::Ilike | Operator::RawLike | Operator::RawIlike => {
                let Some(text) = like_text(name) else { return is_unset(name) && stored.is_null() };
                let pattern = match operator {
                    Operator::Like | Operator::Ilike => format!("%{text}%"),
                    _ => text,
                };
                let pattern = LikePattern::new(&pattern, matches!(operator, Operator::Ilike | Operator::RawIlike));
                texts(dataset, relation, &stored).iter().any(|text| pattern.matches(text))
            }
            Operator::ChildOf | Operator::ParentOf => {
                let hierarchy = if self.path.last().is_some_and(|last| last == "id") {
                    Some(model)
                } else {
                    relation.and_then(|relation| dataset.model(relation))
                };
                let roots: Vec<i64> = in_list(name).iter().filter_map(as_int).collect();
                let family = match hierarchy {
                    Some(hierarchy) => relatives(hierarchy, &roots, operator == Operator::ChildOf),
                    None => roots.into_iter().collect(),
                };
                related_ids(&stored).iter().any(|id| family.contains(id))
            }
            Operator::Any => {
                let comodel = relation.and_then(|relation| dataset.model(relation));
                let (Some(comodel), Some(subdomain)) = (comodel, &self.subdomain) else { return false };
                related_ids(&stored)
                    .into_iter()
                    .filter_map(|id| comodel.record(id))
                    .any(|related| subdomain.matches(dataset, comodel, related))
            }
            // Negative operators are handled by the caller.
            Operator::NotEqual | Operator::NotLike | Operator::NotIlike | Operator::NotIn | Operator::NotAny => false,
        }
    }
}

/// False or None.
fn is_unset(value: &XmlRpcValue) -> bool {
    matches!(value, XmlRpcValue::Bool(false) | XmlRpcValue::Nil)
}

/// The items of an `in` value (a lone value counts as a list of one).
fn in_list(value: &XmlRpcValue) -> Vec<XmlRpcValue> {
    match value {
        XmlRpcValue::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

fn as_int(value: &XmlRpcValue) -> Option<i64> {
    match value {
        XmlRpcValue::Int(int) => Some(*int),
        XmlRpcValue::Double(double) if double.fract() == 0.0 => Some(*double as i64),
        _ => None,
    }
}

/// The ids a relational value holds.
fn related_ids(stored: &Stored) -> Vec<i64> {
    match stored {
        Stored::Int(id) => vec![*id],
        Stored::Ids(ids) => ids.clone(),
        _ => Vec::new(),
    }
}

/// `=` between a stored value and a domain value.
fn equals(dataset: &Dataset, relation: Option<&str>, kind: FieldKind, stored: &Stored, value: &XmlRpcValue) -> bool {
    if is_unset(value) {
        return match stored {
            Stored::Null => true,
            Stored::Bool(flag) => !flag,
            Stored::Ids(ids) => ids.is_empty(),
            _ => false,
        };
    }
    if kind.is_relational() {
        return match value {
            XmlRpcValue::String(name) => texts(dataset, relation, stored).iter().any(|display| display == name),
            other => as_int(other).is_some_and(|id| related_ids(stored).contains(&id)),
        };
    }
    compare(stored, value) == Some(Ordering::Equal)
}

/// Order a stored value against a domain value of a comparable type.
fn compare(stored: &Stored, value: &XmlRpcValue) -> Option<Ordering> {
    match (stored, value) {
        (Stored::Int(left), XmlRpcValue::Int(right)) => Some(left.cmp(right)),
        (Stored::Int(left), XmlRpcValue::Double(right)) => (*left as f64).partial_cmp(right),
        (Stored::Float(left), XmlRpcValue::Int(right)) => left.partial_cmp(&(*right as f64)),
        (Stored::Float(left), XmlRpcValue::Double(right)) => left.partial_cmp(right),
        (Stored::Text(left), XmlRpcValue::String(right)) => Some(left.as_str().cmp(right.as_str())),
        (Stored::Text(left), XmlRpcValue::Int(right)) => Some(left.cmp(&right.to_string())),
        (Stored::Int(left), XmlRpcValue::String(right)) => right.parse::<i64>().ok().map(|right| left.cmp(&right)),
        (Stored::Bool(left), XmlRpcValue::Bool(right)) => Some(left.cmp(right)),
        _ => None,
    }
}

/// The text a `like` pattern is taken from (`None` for False).
fn like_text(value: &XmlRpcValue) -> Option<String> {
    match value {
        XmlRpcValue::String(text) => Some(text.clone()),
        XmlRpcValue::Int(int) => Some(int.to_string()),
        XmlRpcValue::Double(double) => Some(double.to_string()),
        _ => None,
    }
}

/// The texts a `like` is tried on: the value as text, or the related records' display names.
fn texts(dataset: &Dataset, relation: Option<&str>, stored: &Stored) -> Vec<String> {
    if let Some(relation) = relation {
        return related_ids(stored).into_iter().map(|id| dataset.display_name(relation, id)).collect();
    }
    match stored {
        Stored::Null | Stored::Ids(_) | Stored::Json(_) => Vec::new(),
        Stored::Bool(flag) => vec![flag.to_string()],
        Stored::Int(int) => vec![int.to_string()],
        Stored::Float(float) => vec![float.to_string()],
        Stored::Text(text) => vec![text.clone()],
    }
}

/// `roots` with their descendants (`down`) or ancestors, following `parent_id`.
fn relatives(model: &Model, roots: &[i64], down: bool) -> BTreeSet<i64> {
    let parent = |record: &Record| record.value("parent_id").and_then(Stored::as_id);
    let mut family: BTreeSet<i64> = roots.iter().copied().collect();
    if model.field("parent_id").is_none() {
        return family;
    }
    loop {
        let before = family.len();
        for record in &model.records {
            if down {
                if parent(record).is_some_and(|parent| family.contains(&parent)) {
                    family.insert(record.id);
                }
            } else if family.contains(&record.id)
                && let Some(parent) = parent(record)
            {
                family.insert(parent);
            }
        }
        if family.len() == before {
            return family;
        }
    }
}
