//! [`Dataset`]: every emulated model, loaded from a generated directory and shaped for one Odoo
//! version.
//!
//! `cutover generate --platform odoo` writes Odoo 17 data: `<model>.ndjson` per model and
//! `odoo.lock.yaml` with the fields. Field types come from the lock, mapped back to Odoo types
//! ([`Field::from_lock`]). The data is then reshaped for the configured version, following the
//! digest's version table (section 5):
//!
//! - 16: `helpdesk.ticket.email` exists (a copy of `partner_email`; removed in 17,
//!   UPG-HD saas~16.1); every model has the `__last_update` pseudo-field (removed in 17,
//!   PR#105739); `mail.message.message_type` has no `auto_comment`/`email_outgoing` (17+,
//!   OU-MAIL 17) — the emulator serves those messages as `notification`/`email`, its own choice.
//! - 18: `helpdesk.ticket.type` is gone and each type is a tag of the same name carried by its
//!   tickets and SLA policies (UPG-HD saas~17.1); `ticket_type_id`/`ticket_type_ids` go with it;
//!   `helpdesk.team.portal_show_rating` is removed; `assign_hours`/`close_hours` are floats
//!   (UPG-HD saas~17.2); `kanban_state` stays unless configured away (UNCERTAIN).
//!
//! 16 and 17 both close tickets with `helpdesk.stage.fold`: `is_close` was dropped in 16.0
//! (UPG-HD 16.0.1.4), so no supported version has it.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead};
use std::path::Path;

use super::config::EmulatorConfig;
use super::field::{Field, FieldKind};
use super::model::{Model, fallback_name};
use super::record::{Record, Stored};
use crate::check::schema::SchemaLock;
use crate::source::SourceMap;
use crate::span::Span;

/// Every model the emulator serves.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    models: BTreeMap<String, Model>,
}

impl Dataset {
    /// Load `odoo.lock.yaml` and the NDJSON files of `config.data_directory`, shaped for
    /// `config.version`.
    pub fn load(config: &EmulatorConfig) -> Result<Dataset, String> {
        let directory = &config.data_directory;
        let lock_path = directory.join("odoo.lock.yaml");
        let mut sources = SourceMap::new();
        let lock: SchemaLock = crate::spec::load_file(&mut sources, &lock_path, Span::detached()).map_err(|found| {
            let messages: Vec<String> = found.iter().map(ToString::to_string).collect();
            format!("{}: {}", lock_path.display(), messages.join("; "))
        })?;
        let mut dataset = Dataset::default();
        for (name, object) in &lock.objects {
            let mut fields: Vec<Field> =
                object.fields.iter().map(|(field, schema)| Field::from_lock(name, field, schema)).collect();
            if let Some(position) = fields.iter().position(|field| field.name == "id") {
                let id = fields.remove(position);
                fields.insert(0, id);
            }
            let records = read_records(&directory.join(format!("{name}.ndjson")), &fields)
                .map_err(|error| format!("{}/{name}.ndjson: {error}", directory.display()))?;
            let label = object.label.clone().unwrap_or_else(|| name.clone());
            // Generated labels carry notes in parentheses ("Helpdesk Stage (a folded stage …)").
            let label = label.split(" (").next().unwrap_or(&label).to_owned();
            dataset.models.insert(name.clone(), Model::new(name, &label, fields, records));
        }
        dataset.shape_for(config);
        dataset.add_display_names();
        Ok(dataset)
    }

    /// A model by name.
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.get(name)
    }

    /// The `[id, display_name]` name of a record of `model`, whether or not the model is held.
    pub fn display_name(&self, model: &str, id: i64) -> String {
        match self.models.get(model) {
            Some(held) => held.display_name(id),
            None => fallback_name(model, id),
        }
    }

    fn shape_for(&mut self, config: &EmulatorConfig) {
        let version = config.version;
        if version.major() <= 16 {
            if let Some(ticket) = self.models.get_mut("helpdesk.ticket") {
                ticket.add_field(Field::new("email", FieldKind::Char, "Email on Customer"), |record| {
                    record.get("partner_email")
                });
            }
            for model in self.models.values_mut() {
                let mut field = Field::new("__last_update", FieldKind::Datetime, "Last Modified on");
                field.stored = false;
                model.add_field(field, |record| match record.value("write_date") {
                    Some(written) => written.clone(),
                    None => record.get("create_date"),
                });
            }
        }
        if !version.has_new_message_types()
            && let Some(message) = self.models.get_mut("mail.message")
        {
            if let Some(field) = message.field_mut("message_type") {
                field.selection.retain(|(key, _)| key != "auto_comment" && key != "email_outgoing");
            }
            for record in &mut message.records {
                if let Some(Stored::Text(key)) = record.values.get_mut("message_type") {
                    match key.as_str() {
                        "auto_comment" => *key = "notification".to_owned(),
                        "email_outgoing" => *key = "email".to_owned(),
                        _ => {}
                    }
                }
            }
        }
        if version.major() >= 18 {
            self.fold_types_into_tags();
            if let Some(team) = self.models.get_mut("helpdesk.team") {
                team.remove_field("portal_show_rating");
            }
            if let Some(ticket) = self.models.get_mut("helpdesk.ticket") {
                for name in ["assign_hours", "close_hours"] {
                    if let Some(field) = ticket.field_mut(name) {
                        field.kind = FieldKind::Float;
                    }
                    for record in &mut ticket.records {
                        if let Some(Stored::Int(hours)) = record.values.get(name) {
                            let hours = *hours as f64;
                            record.values.insert(name.to_owned(), Stored::Float(hours));
                        }
                    }
                }
                if !config.kanban_state_on_18 {
                    ticket.remove_field("kanban_state");
                }
            }
        }
    }

    /// 18: every ticket type becomes a tag of the same name; tickets and SLA policies get it.
    fn fold_types_into_tags(&mut self) {
        let Some(types) = self.models.remove("helpdesk.ticket.type") else { return };
        let mut tag_of_type = BTreeMap::new();
        if let Some(tags) = self.models.get_mut("helpdesk.tag") {
            let mut next = tags.records.iter().map(|tag| tag.id).max().unwrap_or(0) + 1;
            for kind in &types.records {
                let name = kind.get("name");
                let existing = tags.records.iter().find(|tag| tag.get("name") == name).map(|tag| tag.id);
                let id = existing.unwrap_or_else(|| {
                    let mut values = std::collections::HashMap::new();
                    values.insert("name".to_owned(), name.clone());
                    for copied in ["create_date", "write_date"] {
                        values.insert(copied.to_owned(), kind.get(copied));
                    }
                    tags.records.push(Record { id: next, values });
                    next += 1;
                    next - 1
                });
                tag_of_type.insert(kind.id, id);
            }
            tags.reindex();
        }
        let mut add_tags = |model: &str, field: &str| {
            let Some(held) = self.models.get_mut(model) else { return };
            for record in &mut held.records {
                let types = match record.get(field) {
                    Stored::Int(id) => vec![id],
                    Stored::Ids(ids) => ids,
                    _ => Vec::new(),
                };
                let mut tags = match record.get("tag_ids") {
                    Stored::Ids(ids) => ids,
                    _ => Vec::new(),
                };
                for kind in types {
                    if let Some(tag) = tag_of_type.get(&kind)
                        && !tags.contains(tag)
                    {
                        tags.push(*tag);
                    }
                }
                record.values.insert("tag_ids".to_owned(), Stored::Ids(tags));
            }
            held.remove_field(field);
        };
        add_tags("helpdesk.ticket", "ticket_type_id");
        add_tags("helpdesk.sla", "ticket_type_ids");
    }

    /// Every model gets `display_name` (computed: the stored one, else `name`).
    fn add_display_names(&mut self) {
        for model in self.models.values_mut() {
            if model.field("display_name").is_some() {
                continue;
            }
            let names: Vec<Stored> =
                model.records.iter().map(|record| Stored::Text(model.display_name(record.id))).collect();
            let mut field = Field::new("display_name", FieldKind::Char, "Display Name");
            field.stored = false;
            model.fields.push(field);
            for (record, name) in model.records.iter_mut().zip(names) {
                record.values.insert("display_name".to_owned(), name);
            }
        }
    }
}

/// Read one NDJSON file (absent: no records).
fn read_records(path: &Path, fields: &[Field]) -> io::Result<Vec<Record>> {
    let file = match fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let kinds: BTreeMap<&str, FieldKind> = fields.iter().map(|field| (field.name.as_str(), field.kind)).collect();
    let mut records = Vec::new();
    for line in io::BufReader::new(file).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let serde_json::Value::Object(object) = serde_json::from_str(&line).map_err(io::Error::other)? else {
            return Err(io::Error::other("a line is not a JSON object"));
        };
        let mut id = None;
        let mut values = std::collections::HashMap::new();
        for (name, value) in object {
            if name == "id" {
                id = value.as_i64();
                continue;
            }
            let kind = kinds.get(name.as_str()).copied().unwrap_or(FieldKind::Char);
            values.insert(name, Stored::from_json(kind, value));
        }
        let id = id.ok_or_else(|| io::Error::other("a record has no integer id"))?;
        records.push(Record { id, values });
    }
    Ok(records)
}
