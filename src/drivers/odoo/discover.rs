//! What `describe` adds to `fields_get` and the counts, so `validate` can check coverage offline:
//!
//! - **Custom fields.** One `search_read` of `ir.model.fields` over the described models, for the
//!   fields stored as `manual` or named `x_…`/`x_studio_…`: their `field_description` becomes the
//!   lock label and the field is marked `custom`.
//! - **Small tables.** The names of stages, teams, tags, SLA policies, ticket types and message
//!   subtypes become the `values:` of their `name` field, in id order, each with the number of
//!   tickets (messages for subtypes) that point to it: one `search_count` per record, done only
//!   when the table has at most [`COUNTED_ROWS`] records and the counted model at most
//!   [`COUNTED_RECORDS`]. Tables above [`SMALL_TABLE`] records list no values.
//! - **Selections.** Keys and labels come from `fields_get`; each key gets its record count when
//!   the field has at most [`COUNTED_KEYS`] keys and the model at most [`COUNTED_RECORDS`]
//!   records (a `search_count` per key; a field that cannot be searched keeps no counts).
//! - **Closing stages.** The version's close flag (`is_close` up to 15, `fold` from 16) gets a
//!   note naming the closing stages; on 13–15 the `fold` note says it only folds the column.
//! - **Version notes** ([`OdooSource::notes`]): what reads differently on this version (no
//!   `mail.message.is_internal` on 13, ratings out of 10 on 13, text descriptions up to 14).
//!
//! Values keep the database's id order and counts are exact, so describing unchanged data twice
//! gives the same lock.

use super::error::{FaultKind, OdooError};
use super::source::OdooSource;
use super::value::XmlRpcValue;
use crate::check::schema::{EnumValue, SchemaLock};

/// Tables with more records than this list no values.
pub const SMALL_TABLE: u64 = 500;

/// Tables with more records than this list their names without counts.
pub const COUNTED_ROWS: usize = 60;

/// Selection fields with more keys than this list them without counts (`tz`, `lang`).
pub const COUNTED_KEYS: usize = 12;

/// Models with more records than this are not counted per value (selection keys, small-table
/// names).
pub const COUNTED_RECORDS: u64 = 2_000_000;

/// A small table: its model, and the model and field whose records point to it (the counts).
struct SmallTable {
    model: &'static str,
    counted: &'static str,
    by: &'static str,
    what: &'static str,
}

const SMALL_TABLES: [SmallTable; 6] = [
    SmallTable { model: "helpdesk.stage", counted: "helpdesk.ticket", by: "stage_id", what: "tickets in each stage" },
    SmallTable { model: "helpdesk.team", counted: "helpdesk.ticket", by: "team_id", what: "tickets per team" },
    SmallTable {
        model: "helpdesk.tag",
        counted: "helpdesk.ticket",
        by: "tag_ids",
        what: "tickets carrying the tag (a ticket can have several)",
    },
    SmallTable {
        model: "helpdesk.sla",
        counted: "helpdesk.ticket",
        by: "sla_ids",
        what: "tickets the policy applies to",
    },
    SmallTable {
        model: "helpdesk.ticket.type",
        counted: "helpdesk.ticket",
        by: "ticket_type_id",
        what: "tickets of each type",
    },
    SmallTable {
        model: "mail.message.subtype",
        counted: "mail.message",
        by: "subtype_id",
        what: "messages of each subtype (every model's messages)",
    },
];

impl OdooSource {
    /// Labels and `custom` from `ir.model.fields` for the custom fields of the described models.
    pub(super) fn describe_custom_fields(&mut self, lock: &mut SchemaLock) -> Result<(), OdooError> {
        let models: Vec<XmlRpcValue> = lock.objects.keys().map(|name| text(name)).collect();
        let domain = XmlRpcValue::Array(vec![
            leaf("model", "in", XmlRpcValue::Array(models)),
            text("|"),
            leaf("state", "=", text("manual")),
            leaf("name", "=like", text("x\\_%")),
        ]);
        let fields = ["model", "name", "field_description", "state"];
        let rows = match self.search_rows("ir.model.fields", domain, &fields) {
            Ok(rows) => rows,
            Err(error) if matches!(error.fault_kind(), Some(FaultKind::AccessError | FaultKind::MissingModel)) => {
                self.add_note(format!(
                    "`ir.model.fields` cannot be read ({error}); custom field labels come from fields_get"
                ));
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        for row in rows {
            let (Some(model), Some(name)) = (row_text(&row, "model"), row_text(&row, "name")) else { continue };
            let Some(field) = lock.objects.get_mut(&model).and_then(|object| object.fields.get_mut(&name)) else {
                continue;
            };
            field.custom = true;
            if let Some(label) = row_text(&row, "field_description") {
                field.label = Some(label);
            }
        }
        Ok(())
    }

    /// The names of the small tables as `values:` with their counts, and the closing stages.
    pub(super) fn describe_small_tables(&mut self, lock: &mut SchemaLock) -> Result<(), OdooError> {
        for table in SMALL_TABLES {
            let Some(object) = lock.objects.get(table.model) else { continue };
            if object.count.is_none_or(|count| count > SMALL_TABLE) || object.field("name").is_none() {
                continue;
            }
            let close_flags: Vec<&str> =
                ["is_close", "fold"].into_iter().filter(|flag| object.field(flag).is_some()).collect();
            let mut wanted = vec!["name"];
            if table.model == "helpdesk.stage" {
                wanted.extend(&close_flags);
            }
            let rows = self.search_rows(table.model, every_record(), &wanted)?;
            let counted_model = lock.object(table.counted);
            let pointer = counted_model.and_then(|counted| counted.field(table.by)).map(|field| field.many);
            let counted = pointer.is_some()
                && rows.len() <= COUNTED_ROWS
                && counted_model.and_then(|counted| counted.count).is_some_and(|count| count <= COUNTED_RECORDS);
            let mut values: Vec<EnumValue> = Vec::new();
            let mut closing = Vec::new();
            for row in &rows {
                let Some(name) = row_text(row, "name") else { continue };
                let count = match (counted, row.member("id")) {
                    (true, Some(XmlRpcValue::Int(id))) => {
                        let value = if pointer == Some(true) {
                            XmlRpcValue::Array(vec![XmlRpcValue::Int(*id)])
                        } else {
                            XmlRpcValue::Int(*id)
                        };
                        let operator = if pointer == Some(true) { "in" } else { "=" };
                        Some(self.count_where(table.counted, vec![leaf(table.by, operator, value)])?)
                    }
                    _ => None,
                };
                let flag = close_flags.first().copied();
                if flag.is_some_and(|flag| matches!(row.member(flag), Some(XmlRpcValue::Bool(true)))) {
                    closing.push(name.clone());
                }
                // Two records of one name (a stage per team) are one value.
                match values.iter_mut().find(|value| value.value == name) {
                    Some(value) => value.count = value.count.zip(count).map(|(a, b)| a + b),
                    None => values.push(EnumValue { value: name, label: None, count }),
                }
            }
            let mut note = if counted { format!("Counts are {}", table.what) } else { String::new() };
            if counted && pointer == Some(false) {
                let none = self.count_where(table.counted, vec![leaf(table.by, "=", XmlRpcValue::Bool(false))])?;
                if none > 0 {
                    note.push_str(&format!("; {none} have none"));
                }
            }
            if table.model == "helpdesk.stage" {
                self.note_closing_stages(lock, &close_flags, &closing);
            }
            let Some(field) = lock.objects.get_mut(table.model).and_then(|object| object.fields.get_mut("name")) else {
                continue;
            };
            field.values = values;
            if !note.is_empty() {
                field.note = Some(note);
            }
        }
        Ok(())
    }

    /// Notes on `is_close` and `fold` saying which flag closes a ticket here and which stages
    /// carry it.
    fn note_closing_stages(&self, lock: &mut SchemaLock, flags: &[&str], closing: &[String]) {
        let Some(stage) = lock.objects.get_mut("helpdesk.stage") else { return };
        let here = if closing.is_empty() { "none here".to_owned() } else { format!("here {}", closing.join(", ")) };
        if flags.contains(&"is_close") {
            if let Some(field) = stage.fields.get_mut("is_close") {
                field.note =
                    Some(format!("Up to 15, is_close = true marks a closing stage ({here}); 16 dropped it for fold"));
            }
            if let Some(field) = stage.fields.get_mut("fold") {
                field.note = Some(
                    "Up to 15, fold only folds the kanban column; whether a stage closes tickets is is_close"
                        .to_owned(),
                );
            }
        } else if let Some(field) = stage.fields.get_mut("fold") {
            field.note =
                Some(format!("From 16 on, fold = true marks a closing stage ({here}); is_close existed only up to 15"));
        }
    }

    /// Per-key record counts of the selection fields with few keys.
    pub(super) fn describe_selection_counts(&mut self, lock: &mut SchemaLock) -> Result<(), OdooError> {
        let fields: Vec<(String, String, Vec<String>)> = lock
            .objects
            .iter()
            .filter(|(_, object)| object.count.is_some_and(|count| count <= COUNTED_RECORDS))
            .flat_map(|(model, object)| {
                object
                    .fields
                    .iter()
                    .filter(|(_, field)| !field.values.is_empty() && field.values.len() <= COUNTED_KEYS)
                    .filter(|(_, field)| field.field_type == crate::check::schema::FieldType::Enum)
                    .map(|(name, field)| {
                        (model.clone(), name.clone(), field.values.iter().map(|v| v.value.clone()).collect())
                    })
            })
            .collect();
        for (model, name, keys) in fields {
            let mut counts = Vec::with_capacity(keys.len());
            for key in &keys {
                match self.count_where(&model, vec![leaf(&name, "=", text(key))]) {
                    Ok(count) => counts.push(count),
                    // A computed field without a search method: no counts, not a failed discover.
                    Err(error) if error.fault_kind().is_some() => break,
                    Err(error) => return Err(error),
                }
            }
            if counts.len() != keys.len() {
                continue;
            }
            let Some(field) = lock.objects.get_mut(&model).and_then(|object| object.fields.get_mut(&name)) else {
                continue;
            };
            for (value, count) in field.values.iter_mut().zip(counts) {
                value.count = Some(count);
            }
        }
        Ok(())
    }

    /// Notes on what reads differently on this server's version (digest section 5).
    pub(super) fn describe_version_notes(&mut self, lock: &mut SchemaLock) {
        let Some(major) = self.version().major else { return };
        if let Some(rating) = lock.objects.get_mut("rating.rating").and_then(|o| o.fields.get_mut("rating")) {
            rating.note = Some(if major <= 13 {
                "0-10 up to 13: 10 satisfied, 5 not satisfied, 1 highly dissatisfied, 0 not rated".to_owned()
            } else {
                "0-5: 5, 3 and 1 are used, 0 means not rated".to_owned()
            });
        }
        let mut notes = Vec::new();
        if lock.object("mail.message").is_some_and(|message| message.field("is_internal").is_none()) {
            notes.push(format!(
                "Odoo {major}: `mail.message.is_internal` does not exist (it came with 14); a message is internal \
                 when its subtype is (`subtype_id.internal`)"
            ));
        }
        if lock
            .object("helpdesk.ticket")
            .and_then(|ticket| ticket.field("description"))
            .is_some_and(|description| description.field_type == crate::check::schema::FieldType::Text)
        {
            notes.push(format!(
                "Odoo {major}: ticket descriptions are plain text (html from 15); map them with `text_to_html` where \
                 html is wanted"
            ));
        }
        if lock.object("helpdesk.sla").is_some_and(|sla| sla.field("time_days").is_some()) {
            notes.push(format!(
                "Odoo {major}: SLA targets are `time_days` (working days) and `time_hours`, not one `time` in \
                 working hours (16+)"
            ));
        }
        if major <= 13 {
            notes.push(
                "Odoo 13: ratings are out of 10 and `rating_text` uses satisfied/not_satisfied/highly_dissatisfied"
                    .to_owned(),
            );
        }
        for note in notes {
            self.add_note(note);
        }
    }

    /// `search_count` of `domain`, archived records included.
    fn count_where(&self, model: &str, domain: Vec<XmlRpcValue>) -> Result<u64, OdooError> {
        let answer = self.call(
            model,
            "search_count",
            vec![XmlRpcValue::Array(domain)],
            vec![("context".to_owned(), all_records())],
        )?;
        match answer {
            XmlRpcValue::Int(count) => Ok(u64::try_from(count).unwrap_or(0)),
            XmlRpcValue::Double(count) if count >= 0.0 => Ok(count as u64),
            other => Err(OdooError::UnexpectedAnswer {
                method: "search_count".to_owned(),
                found: format!("{other:?}").chars().take(60).collect(),
            }),
        }
    }

    /// Every row of `domain` in id order (archived included), with `fields`.
    pub(super) fn search_rows(
        &self,
        model: &str,
        domain: XmlRpcValue,
        fields: &[&str],
    ) -> Result<Vec<XmlRpcValue>, OdooError> {
        let kwargs = vec![
            ("fields".to_owned(), XmlRpcValue::Array(fields.iter().map(|field| text(field)).collect())),
            ("order".to_owned(), text("id asc")),
            ("context".to_owned(), all_records()),
        ];
        match self.call(model, "search_read", vec![domain], kwargs)? {
            XmlRpcValue::Array(rows) => Ok(rows),
            other => Err(OdooError::UnexpectedAnswer {
                method: "search_read".to_owned(),
                found: format!("{other:?}").chars().take(60).collect(),
            }),
        }
    }
}

/// A string value.
pub(super) fn text(value: &str) -> XmlRpcValue {
    XmlRpcValue::String(value.to_owned())
}

/// A domain leaf `[field, operator, value]`.
pub(super) fn leaf(field: &str, operator: &str, value: XmlRpcValue) -> XmlRpcValue {
    XmlRpcValue::Array(vec![text(field), text(operator), value])
}

/// `[["id", ">", 0]]`.
fn every_record() -> XmlRpcValue {
    XmlRpcValue::Array(vec![leaf("id", ">", XmlRpcValue::Int(0))])
}

/// `{"active_test": false}`.
fn all_records() -> XmlRpcValue {
    XmlRpcValue::Struct(vec![("active_test".to_owned(), XmlRpcValue::Bool(false))])
}

/// A non-empty text member of a row (Odoo sends False for empty).
pub(super) fn row_text(row: &XmlRpcValue, name: &str) -> Option<String> {
    match row.member(name) {
        Some(XmlRpcValue::String(text)) if !text.trim().is_empty() => Some(text.clone()),
        _ => None,
    }
}
