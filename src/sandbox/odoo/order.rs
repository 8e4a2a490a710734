//! [`SortOrder`]: an `order` string (`"write_date asc, id asc"`) checked against a model and
//! applied to records.
//!
//! Empty values sort as PostgreSQL sorts NULL: last ascending, first descending. A many2one
//! sorts by id (Odoo would use the comodel's `_order`; the emulator keeps it simple). Ties end
//! in id order, so the emulator's answers are deterministic where PostgreSQL's are not.

use std::cmp::Ordering;

use super::faults;
use super::model::Model;
use super::record::{Record, Stored};
use crate::drivers::odoo::Fault;

/// A parsed `order`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortOrder {
    /// `(field, descending)` in priority order.
    keys: Vec<(String, bool)>,
}

impl SortOrder {
    /// Parse `text` against `model`'s fields (unknown field or direction: fault 1).
    pub fn parse(model: &Model, text: &str) -> Result<SortOrder, Fault> {
        let mut keys = Vec::new();
        for part in text.split(',') {
            let words: Vec<&str> = part.split_whitespace().collect();
            let (name, descending) = match words.as_slice() {
                [name] => (*name, false),
                [name, direction] if direction.eq_ignore_ascii_case("asc") => (*name, false),
                [name, direction] if direction.eq_ignore_ascii_case("desc") => (*name, true),
                _ => return Err(faults::invalid_order(text)),
            };
            match model.field(name) {
                Some(field) if field.stored || name == "id" => keys.push((name.to_owned(), descending)),
                _ => return Err(faults::invalid_order(text)),
            }
        }
        Ok(SortOrder { keys })
    }

    /// Compare two records.
    pub fn compare(&self, left: &Record, right: &Record) -> Ordering {
        for (name, descending) in &self.keys {
            let ordering = match (left.get(name), right.get(name)) {
                (Stored::Null, Stored::Null) => Ordering::Equal,
                // NULL is the largest value: last ascending, first descending.
                (Stored::Null, _) => Ordering::Greater,
                (_, Stored::Null) => Ordering::Less,
                (a, b) => compare_stored(&a, &b),
            };
            let ordering = if *descending { ordering.reverse() } else { ordering };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        left.id.cmp(&right.id)
    }
}

fn compare_stored(left: &Stored, right: &Stored) -> Ordering {
    match (left, right) {
        (Stored::Int(a), Stored::Int(b)) => a.cmp(b),
        (Stored::Float(a), Stored::Float(b)) => a.total_cmp(b),
        (Stored::Int(a), Stored::Float(b)) => (*a as f64).total_cmp(b),
        (Stored::Float(a), Stored::Int(b)) => a.total_cmp(&(*b as f64)),
        (Stored::Bool(a), Stored::Bool(b)) => a.cmp(b),
        (Stored::Text(a), Stored::Text(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}
