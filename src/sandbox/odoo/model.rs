//! [`Model`]: one emulated Odoo model: its fields and its records in id order.

use std::collections::HashMap;

use super::field::Field;
use super::record::{Record, Stored};

/// One model (`helpdesk.ticket`).
#[derive(Clone, Debug)]
pub struct Model {
    /// Technical name.
    pub name: String,
    /// Description (`'Helpdesk Ticket'` in access errors).
    pub label: String,
    /// Fields, `id` first, in the lock's order otherwise.
    pub fields: Vec<Field>,
    /// Records by ascending id.
    pub records: Vec<Record>,
    /// The default order (`_order`), as an `order` string.
    pub default_order: String,
    /// Record position by id.
    positions: HashMap<i64, usize>,
}

impl Model {
    /// A model with these fields and records (records are sorted by id).
    pub fn new(name: &str, label: &str, fields: Vec<Field>, mut records: Vec<Record>) -> Model {
        records.sort_by_key(|record| record.id);
        // mail.message is `id desc` (digest section 2); the emulator orders the rest by id.
        let default_order = if name == "mail.message" { "id desc" } else { "id" };
        let mut model = Model {
            name: name.to_owned(),
            label: label.to_owned(),
            fields,
            records,
            default_order: default_order.to_owned(),
            positions: HashMap::new(),
        };
        model.reindex();
        model
    }

    /// Rebuild the id index after records were added or removed.
    pub fn reindex(&mut self) {
        self.records.sort_by_key(|record| record.id);
        self.positions = self.records.iter().enumerate().map(|(position, record)| (record.id, position)).collect();
    }

    /// A field by name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// A mutable field by name.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|field| field.name == name)
    }

    /// Drop a field and its values.
    pub fn remove_field(&mut self, name: &str) {
        self.fields.retain(|field| field.name != name);
        for record in &mut self.records {
            record.values.remove(name);
        }
    }

    /// Add a field whose value is computed from each record.
    pub fn add_field(&mut self, field: Field, value: impl Fn(&Record) -> Stored) {
        for record in &mut self.records {
            let stored = value(record);
            record.values.insert(field.name.clone(), stored);
        }
        self.fields.push(field);
    }

    /// A record by id.
    pub fn record(&self, id: i64) -> Option<&Record> {
        self.positions.get(&id).map(|position| &self.records[*position])
    }

    /// The name Odoo shows for a record: its `display_name`, else its `name`.
    pub fn display_name(&self, id: i64) -> String {
        let record = self.record(id);
        let text = |field: &'static str| record.and_then(|record| record.value(field)).and_then(Stored::as_text);
        match text("display_name").or_else(|| text("name")) {
            Some(name) => name.to_owned(),
            None => fallback_name(&self.name, id),
        }
    }

    /// Whether the model has an `active` field (archived records are hidden from searches).
    pub fn has_active(&self) -> bool {
        self.field("active").is_some()
    }
}

/// The display name of a record the dataset does not hold (`res.company,1`).
pub fn fallback_name(model: &str, id: i64) -> String {
    format!("{model},{id}")
}
