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
//! - 15 and before: `helpdesk.stage.is_close` marks the closing stages (Solved and Cancelled
//!   here) and `fold` is only the kanban column's look: of the closing stages only the last one
//!   is folded (UPG-HD 16.0.1.4 set `fold` on every `is_close` stage when it dropped `is_close`).
//!   The ticket has no `ticket_ref`, `properties` or `sla_reached`, the team no
//!   `ticket_properties` (all 16+); an SLA policy names one `ticket_type_id` (16 made it
//!   `ticket_type_ids`).
//! - 14 and before: ticket, team and SLA `description` and partner `comment` are `text`, served
//!   as the plain text of the generated html (UPG-HD saas~14.4); SLA policies give
//!   `time_days`/`time_hours` in working days of 8 hours and hours (14 adds `time_minutes`)
//!   instead of `time` (UPG-HD saas~13.1); `rating_text` keys are
//!   `satisfied`/`not_satisfied`/`highly_dissatisfied`/`no_rating` (OU-RAT).
//! - 13: ratings are out of 10 (5 → 10, 3 → 5, 1 stays 1; OU-RAT), and `mail.message` and
//!   `rating.rating` have no `is_internal` (OU-MAIL 14). Signing in takes the password (API keys
//!   came with 14; see `emulator.rs`).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead};
use std::path::Path;

use super::config::EmulatorConfig;
use super::field::{Field, FieldKind};
use super::model::{Model, fallback_name};
use super::record::{Record, Stored};
use super::version::OdooVersion;
use crate::check::schema::SchemaLock;
use crate::run::value::Value;
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
        dataset.add_model_fields();
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
        if version.closes_with_is_close() {
            self.shape_before_16(version);
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

    /// 13–15: the schema before the 16.0 helpdesk upgrade (see the module documentation).
    fn shape_before_16(&mut self, version: OdooVersion) {
        if let Some(stage) = self.models.get_mut("helpdesk.stage") {
            stage.add_field(Field::new("is_close", FieldKind::Boolean, "Closing Stage"), |record| {
                Stored::Bool(matches!(record.get("fold"), Stored::Bool(true)))
            });
            let last_closing = stage
                .records
                .iter()
                .filter(|record| matches!(record.get("is_close"), Stored::Bool(true)))
                .map(|record| record.id)
                .max();
            for record in &mut stage.records {
                record.values.insert("fold".to_owned(), Stored::Bool(Some(record.id) == last_closing));
            }
        }
        if let Some(ticket) = self.models.get_mut("helpdesk.ticket") {
            for name in ["ticket_ref", "properties", "sla_reached"] {
                ticket.remove_field(name);
            }
        }
        if let Some(team) = self.models.get_mut("helpdesk.team") {
            team.remove_field("ticket_properties");
        }
        if let Some(sla) = self.models.get_mut("helpdesk.sla") {
            if let Some(field) = sla.field_mut("ticket_type_ids") {
                field.name = "ticket_type_id".to_owned();
                field.kind = FieldKind::Many2one;
                field.label = "Ticket Type".to_owned();
            }
            for record in &mut sla.records {
                let first = match record.values.remove("ticket_type_ids") {
                    Some(Stored::Ids(ids)) => ids.first().map_or(Stored::Null, |id| Stored::Int(*id)),
                    _ => Stored::Null,
                };
                record.values.insert("ticket_type_id".to_owned(), first);
            }
        }
        if !version.has_html_descriptions() {
            for (model, field) in [
                ("helpdesk.ticket", "description"),
                ("helpdesk.team", "description"),
                ("helpdesk.sla", "description"),
                ("res.partner", "comment"),
            ] {
                if let Some(held) = self.models.get_mut(model) {
                    plain_text_field(held, field);
                }
            }
        }
        if !version.has_sla_time_in_hours()
            && let Some(sla) = self.models.get_mut("helpdesk.sla")
        {
            let hours_of = |record: &Record| match record.get("time") {
                Stored::Float(hours) => hours,
                Stored::Int(hours) => hours as f64,
                _ => 0.0,
            };
            let minutes_of = |record: &Record| (hours_of(record) * 60.0).round() as i64;
            sla.add_field(Field::new("time_days", FieldKind::Integer, "Days"), |record| {
                Stored::Int(minutes_of(record) / (WORKING_DAY_HOURS * 60))
            });
            sla.add_field(Field::new("time_hours", FieldKind::Integer, "Hours"), |record| {
                Stored::Int(minutes_of(record) % (WORKING_DAY_HOURS * 60) / 60)
            });
            if version.has_sla_time_minutes() {
                sla.add_field(Field::new("time_minutes", FieldKind::Integer, "Minutes"), |record| {
                    Stored::Int(minutes_of(record) % 60)
                });
            }
            sla.remove_field("time");
        }
        if !version.has_new_rating_keys()
            && let Some(rating) = self.models.get_mut("rating.rating")
        {
            if let Some(field) = rating.field_mut("rating_text") {
                field.selection =
                    OLD_RATING_TEXT.iter().map(|(_, key, label)| ((*key).to_owned(), (*label).to_owned())).collect();
            }
            for record in &mut rating.records {
                if let Some(Stored::Text(key)) = record.values.get_mut("rating_text")
                    && let Some((_, old, _)) = OLD_RATING_TEXT.iter().find(|(new, _, _)| new == key)
                {
                    *key = (*old).to_owned();
                }
            }
        }
        if version.rates_out_of_ten() {
            for (model, field) in [
                ("rating.rating", "rating"),
                ("helpdesk.ticket", "rating_last_value"),
                ("helpdesk.ticket", "rating_avg"),
            ] {
                let Some(held) = self.models.get_mut(model) else { continue };
                for record in &mut held.records {
                    let value = match record.get(field) {
                        Stored::Float(value) => value,
                        Stored::Int(value) => value as f64,
                        _ => continue,
                    };
                    record.values.insert(field.to_owned(), Stored::Float(out_of_ten(value)));
                }
            }
        }
        if !version.has_is_internal() {
            for model in ["mail.message", "rating.rating"] {
                if let Some(held) = self.models.get_mut(model) {
                    held.remove_field("is_internal");
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

    /// `ir.model.fields`: one record per field of every held model, as the version shapes them
    /// (`state` is `manual` for custom fields, `base` otherwise).
    fn add_model_fields(&mut self) {
        let mut fields = vec![Field::new("id", FieldKind::Integer, "ID")];
        for (name, kind, label) in [
            ("model", FieldKind::Char, "Model Name"),
            ("name", FieldKind::Char, "Field Name"),
            ("field_description", FieldKind::Char, "Field Label"),
            ("ttype", FieldKind::Char, "Field Type"),
            ("relation", FieldKind::Char, "Related Model"),
            ("required", FieldKind::Boolean, "Required"),
            ("store", FieldKind::Boolean, "Stored"),
        ] {
            fields.push(Field::new(name, kind, label));
        }
        let mut state = Field::new("state", FieldKind::Selection, "Type");
        state.selection =
            vec![("manual".to_owned(), "Custom Field".to_owned()), ("base".to_owned(), "Base Field".to_owned())];
        fields.push(state);
        let mut records = Vec::new();
        for (model_name, model) in &self.models {
            for field in &model.fields {
                let text = |value: &str| Stored::Text(value.to_owned());
                let mut values = std::collections::HashMap::new();
                values.insert("model".to_owned(), text(model_name));
                values.insert("name".to_owned(), text(&field.name));
                values.insert("field_description".to_owned(), text(&field.label));
                values.insert("ttype".to_owned(), text(field.kind.as_str()));
                values.insert("relation".to_owned(), field.relation.as_deref().map_or(Stored::Null, text));
                values.insert("required".to_owned(), Stored::Bool(field.required));
                values.insert("store".to_owned(), Stored::Bool(field.stored));
                values.insert("state".to_owned(), text(if field.manual { "manual" } else { "base" }));
                records.push(Record { id: records.len() as i64 + 1, values });
            }
        }
        self.models.insert("ir.model.fields".to_owned(), Model::new("ir.model.fields", "Fields", fields, records));
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

/// Hours in the working day the 13–14 `time_days` count (the generated calendar's 8 hours).
const WORKING_DAY_HOURS: i64 = 8;

/// `rating_text` keys: the 15+ key, the key up to 14 and its label [OU-RAT].
const OLD_RATING_TEXT: [(&str, &str, &str); 4] = [
    ("top", "satisfied", "Satisfied"),
    ("ok", "not_satisfied", "Not satisfied"),
    ("ko", "highly_dissatisfied", "Highly dissatisfied"),
    ("none", "no_rating", "No Rating yet"),
];

/// A 0–5 rating on 13's 0–10 scale: 5 → 10, 3 → 5, 1 → 1, 0 stays 0; averages in between are
/// stretched to the same scale.
fn out_of_ten(value: f64) -> f64 {
    match value {
        v if v <= 1.0 => v,
        v if v <= 3.0 => 1.0 + (v - 1.0) * 2.0,
        v => 5.0 + (v - 3.0) * 2.5,
    }
}

/// An html field served as `text`: its values become their plain text.
fn plain_text_field(model: &mut Model, name: &str) {
    let Some(field) = model.field_mut(name) else { return };
    if field.kind != FieldKind::Html {
        return;
    }
    field.kind = FieldKind::Text;
    for record in &mut model.records {
        if let Some(Stored::Text(html)) = record.values.get(name) {
            let text = match crate::run::builtins::html::html_to_text(&[Value::text(html.as_str())]) {
                Ok(Value::Text(text)) => text.to_string(),
                _ => String::new(),
            };
            let stored = if text.is_empty() { Stored::Null } else { Stored::Text(text) };
            record.values.insert(name.to_owned(), stored);
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
