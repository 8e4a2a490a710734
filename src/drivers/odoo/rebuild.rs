//! What an Odoo database does that no migrated record carries, read for `cutover inventory`:
//! automated actions (`base.automation`, archived ones included, with what their server actions
//! do) and mail aliases (`mail.alias` with a name: the address, the model new mail creates, the
//! default values, who may write and the record owning the alias).
//!
//! Only the fields named here are read (the ones the model has on this version), so no token or
//! other secret is ever fetched. A model that is missing (its module is not installed) or that
//! the user may not read gives a note instead of a failure.

use std::collections::{BTreeMap, HashMap};

use super::discover::{leaf, row_text};
use super::error::{FaultKind, OdooError};
use super::schema::OdooField;
use super::source::OdooSource;
use super::value::XmlRpcValue;
use crate::drivers::DriverError;
use crate::report::inventory::{Alias, Automation, RebuildByHand};

const AUTOMATION_FIELDS: [&str; 9] = [
    "name",
    "model_id",
    "model_name",
    "trigger",
    "active",
    "action_server_ids",
    "filter_domain",
    // Up to 16 a rule is itself a server action: its type.
    "state",
    "id",
];

const ALIAS_FIELDS: [&str; 9] = [
    "alias_name",
    "alias_domain",
    "alias_full_name",
    "alias_model_id",
    "alias_defaults",
    "alias_contact",
    "alias_parent_model_id",
    "alias_parent_thread_id",
    "id",
];

impl OdooSource {
    /// Automated actions and mail aliases to rebuild by hand.
    pub fn rebuild_by_hand(&mut self) -> Result<RebuildByHand, DriverError> {
        let mut rebuild = RebuildByHand::default();
        match self.automations() {
            Ok(automations) => rebuild.automations = automations,
            Err(error) => rebuild.notes.push(unreadable("base.automation", "automated actions", &error)?),
        }
        match self.aliases() {
            Ok(aliases) => rebuild.aliases = aliases,
            Err(error) => rebuild.notes.push(unreadable("mail.alias", "mail aliases", &error)?),
        }
        Ok(rebuild)
    }

    fn automations(&mut self) -> Result<Vec<Automation>, OdooError> {
        let known = self.fields_of("base.automation")?;
        let wanted = present(&known, &AUTOMATION_FIELDS);
        let rows = self.search_rows("base.automation", every_record(), &wanted)?;
        let action_ids: Vec<i64> = rows.iter().flat_map(|row| ids(row.member("action_server_ids"))).collect();
        let actions = self.server_actions(&action_ids);
        let mut automations = Vec::with_capacity(rows.len());
        for row in &rows {
            let name = row_text(row, "name").unwrap_or_else(|| format!("base.automation #{}", id_of(row)));
            let model = match (many2one_name(row.member("model_id")), row_text(row, "model_name")) {
                (Some(label), Some(technical)) if label != technical => format!("{label} ({technical})"),
                (Some(label), _) => label,
                (None, Some(technical)) => technical,
                (None, None) => String::new(),
            };
            let trigger = selection_label(&known, "trigger", row_text(row, "trigger"));
            let mut summary: Vec<String> = ids(row.member("action_server_ids"))
                .map(|id| actions.get(&id).cloned().unwrap_or_else(|| format!("server action #{id}")))
                .collect();
            if summary.is_empty()
                && let Some(state) = row_text(row, "state")
            {
                summary.push(selection_label(&known, "state", Some(state)));
            }
            let applies_to = row_text(row, "filter_domain").filter(|domain| domain.trim() != "[]");
            automations.push(Automation {
                name,
                model,
                trigger,
                active: !matches!(row.member("active"), Some(XmlRpcValue::Bool(false))),
                actions: summary,
                applies_to,
            });
        }
        Ok(automations)
    }

    /// `Type: name` of each server action, by id; empty when they cannot be read.
    fn server_actions(&mut self, ids: &[i64]) -> HashMap<i64, String> {
        if ids.is_empty() {
            return HashMap::new();
        }
        let Ok(known) = self.fields_of("ir.actions.server") else { return HashMap::new() };
        let domain = XmlRpcValue::Array(vec![leaf(
            "id",
            "in",
            XmlRpcValue::Array(ids.iter().map(|id| XmlRpcValue::Int(*id)).collect()),
        )]);
        let Ok(rows) = self.search_rows("ir.actions.server", domain, &present(&known, &["name", "state"])) else {
            return HashMap::new();
        };
        rows.iter()
            .map(|row| {
                let name = row_text(row, "name").unwrap_or_default();
                let kind = selection_label(&known, "state", row_text(row, "state"));
                let summary = if kind.is_empty() { name } else { format!("{kind}: {name}") };
                (id_of(row), summary)
            })
            .collect()
    }

    fn aliases(&mut self) -> Result<Vec<Alias>, OdooError> {
        let known = self.fields_of("mail.alias")?;
        let wanted = present(&known, &ALIAS_FIELDS);
        let domain = XmlRpcValue::Array(vec![leaf("alias_name", "!=", XmlRpcValue::Bool(false))]);
        let rows = self.search_rows("mail.alias", domain, &wanted)?;
        let mut owners = Owners::default();
        let mut aliases = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(name) = row_text(row, "alias_name") else { continue };
            let address = row_text(row, "alias_full_name")
                .or_else(|| row_text(row, "alias_domain").map(|domain| format!("{name}@{domain}")))
                .unwrap_or(name);
            let owner = match (row.member("alias_parent_model_id"), row.member("alias_parent_thread_id")) {
                (Some(model), Some(XmlRpcValue::Int(thread))) if *thread > 0 => owners.name(self, model, *thread),
                _ => None,
            };
            aliases.push(Alias {
                address,
                creates: many2one_name(row.member("alias_model_id")).unwrap_or_default(),
                defaults: row_text(row, "alias_defaults").unwrap_or_else(|| "{}".to_owned()),
                accepts_from: selection_label(&known, "alias_contact", row_text(row, "alias_contact")),
                owner,
            });
        }
        Ok(aliases)
    }
}

/// Names of the records owning aliases, read once per model.
#[derive(Default)]
struct Owners {
    /// `ir.model` id → technical model name (None when it cannot be read).
    models: HashMap<i64, Option<String>>,
}

impl Owners {
    /// `Helpdesk Team: Customer Care`, or `Helpdesk Team #1` when the record cannot be read.
    fn name(&mut self, source: &OdooSource, model: &XmlRpcValue, thread: i64) -> Option<String> {
        let (model_id, label) = match model {
            XmlRpcValue::Array(pair) => match (pair.first(), pair.get(1)) {
                (Some(XmlRpcValue::Int(id)), Some(XmlRpcValue::String(label))) => (*id, label.clone()),
                _ => return None,
            },
            _ => return None,
        };
        let technical = self
            .models
            .entry(model_id)
            .or_insert_with(|| {
                let domain = XmlRpcValue::Array(vec![leaf("id", "=", XmlRpcValue::Int(model_id))]);
                let rows = source.search_rows("ir.model", domain, &["model"]).ok()?;
                rows.first().and_then(|row| row_text(row, "model"))
            })
            .clone();
        let record = technical.and_then(|technical| {
            let domain = XmlRpcValue::Array(vec![leaf("id", "=", XmlRpcValue::Int(thread))]);
            let rows = source.search_rows(&technical, domain, &["display_name"]).ok()?;
            rows.first().and_then(|row| row_text(row, "display_name"))
        });
        Some(match record {
            Some(name) => format!("{label}: {name}"),
            None => format!("{label} #{thread}"),
        })
    }
}

/// A note for a model that cannot be read, or the error when it is not about access or absence.
fn unreadable(model: &str, what: &str, error: &OdooError) -> Result<String, DriverError> {
    match error.fault_kind() {
        Some(FaultKind::MissingModel) => Ok(format!("`{model}` does not exist on this database: no {what} to list")),
        Some(FaultKind::AccessError) => Ok(format!(
            "the Odoo user may not read `{model}`, so its {what} are not listed: give the migration user read access \
             (Settings / Technical), then run inventory again"
        )),
        _ => Err(DriverError::Remote { system: "odoo".to_owned(), message: error.to_string() }),
    }
}

/// The names of `wanted` the model has, in order.
fn present<'a>(known: &BTreeMap<String, OdooField>, wanted: &[&'a str]) -> Vec<&'a str> {
    wanted.iter().copied().filter(|field| known.contains_key(*field)).collect()
}

/// The label of a selection key (the key when the field lists none).
fn selection_label(known: &BTreeMap<String, OdooField>, field: &str, key: Option<String>) -> String {
    let Some(key) = key else { return String::new() };
    known
        .get(field)
        .and_then(|field| field.selection.iter().find(|(value, _)| *value == key).map(|(_, label)| label.clone()))
        .unwrap_or(key)
}

/// The display name of a many2one value `[id, name]`.
fn many2one_name(value: Option<&XmlRpcValue>) -> Option<String> {
    match value {
        Some(XmlRpcValue::Array(pair)) => match pair.get(1) {
            Some(XmlRpcValue::String(name)) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The ids of a to-many value.
fn ids(value: Option<&XmlRpcValue>) -> impl Iterator<Item = i64> + '_ {
    let items: &[XmlRpcValue] = match value {
        Some(XmlRpcValue::Array(items)) => items,
        _ => &[],
    };
    items.iter().filter_map(|item| match item {
        XmlRpcValue::Int(id) => Some(*id),
        _ => None,
    })
}

/// A row's id (0 when absent).
fn id_of(row: &XmlRpcValue) -> i64 {
    match row.member("id") {
        Some(XmlRpcValue::Int(id)) => *id,
        _ => 0,
    }
}

/// `[["id", ">", 0]]`.
fn every_record() -> XmlRpcValue {
    XmlRpcValue::Array(vec![leaf("id", ">", XmlRpcValue::Int(0))])
}

#[cfg(test)]
mod tests {
    use super::super::discover::text;
    use super::*;

    #[test]
    fn selection_labels_fall_back_to_the_key() {
        let mut known = BTreeMap::new();
        known.insert(
            "trigger".to_owned(),
            OdooField {
                odoo_type: "selection".to_owned(),
                label: None,
                required: false,
                relation: None,
                selection: vec![("on_create".to_owned(), "On create".to_owned())],
                manual: false,
            },
        );
        assert_eq!(selection_label(&known, "trigger", Some("on_create".to_owned())), "On create");
        assert_eq!(selection_label(&known, "trigger", Some("on_time".to_owned())), "on_time");
        assert_eq!(selection_label(&known, "trigger", None), "");
        let pair = XmlRpcValue::Array(vec![XmlRpcValue::Int(412), text("Helpdesk Ticket")]);
        assert_eq!(many2one_name(Some(&pair)).as_deref(), Some("Helpdesk Ticket"));
    }
}
