//! The inventory document (`cutover inventory`): what has no home in Intercom, written down so it
//! can be rebuilt there by hand.
//!
//! One table per `inventory:` section of the spec (its `columns:` evaluated on the records its
//! `where:` keeps), and for Odoo a "rebuild by hand" part read from the database's configuration:
//! automated actions and mail aliases. [`Inventory`] is plain data; [`to_markdown`] and
//! [`to_json`] render it. Nothing in it is secret: columns that name a token, password, key or
//! secret are blanked ([`SECRET_SHOWN_AS`]), and the Odoo part never reads such fields.

use std::fmt::Write as _;

use serde::Serialize;

/// The JSON document's format version.
pub const INVENTORY_FORMAT: u32 = 1;

/// What a secret column shows instead of its value.
pub const SECRET_SHOWN_AS: &str = "(secret, not shown)";

/// The whole document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inventory {
    /// `1`.
    pub inventory: u32,
    /// The spec's name (or its file name).
    pub title: String,
    /// Where the records were read: `odoo (Odoo 17.0+e, database odoo)`, `file`.
    pub source: String,
    /// One per `inventory:` section, in spec order.
    pub sections: Vec<Section>,
    /// Odoo only: configuration to rebuild by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuild: Option<RebuildByHand>,
    /// Documents the source driver writes from the system's own configuration (OTRS: processes,
    /// statistics, configuration items, queue access by role).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
}

/// A table the source driver reads from the system's configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Document {
    /// A stable key (`processes`).
    pub key: String,
    /// The heading.
    pub title: String,
    /// What the table is and what to do with it.
    pub intro: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// One text per column.
    pub rows: Vec<Vec<String>>,
    /// What could not be read or is worth knowing.
    pub notes: Vec<String>,
}

/// One `inventory:` section, evaluated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    /// The section's key in the spec (`sla_policies`).
    pub key: String,
    /// Its `title:` (the key when there is none).
    pub title: String,
    /// The source object (`helpdesk.sla`).
    pub object: String,
    /// Records read from the source.
    pub read: u64,
    /// The column expressions, as written.
    pub columns: Vec<String>,
    /// The rows `where:` kept, one text per column.
    pub rows: Vec<Vec<String>>,
    /// Records whose columns could not be evaluated, with the reason (`#12: …`).
    pub failed: Vec<String>,
}

/// What an Odoo database does that no migrated record carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RebuildByHand {
    /// `base.automation` rules, archived ones included.
    pub automations: Vec<Automation>,
    /// `mail.alias` records with an alias name.
    pub aliases: Vec<Alias>,
    /// What could not be read, and why.
    pub notes: Vec<String>,
}

/// One automated action.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Automation {
    /// Its name.
    pub name: String,
    /// The model it watches (`Helpdesk Ticket (helpdesk.ticket)`).
    pub model: String,
    /// When it runs (the trigger's label).
    pub trigger: String,
    /// Whether it is active.
    pub active: bool,
    /// What it does: `Type: action name` per server action.
    pub actions: Vec<String>,
    /// The records it applies to (its domain), when narrowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<String>,
}

/// One mail alias.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alias {
    /// The address (`support@help.example.com`; the name alone when the domain is unknown).
    pub address: String,
    /// The model new mail creates records of.
    pub creates: String,
    /// The values given to those records (Odoo's Python dict text).
    pub defaults: String,
    /// Who may write to it (the alias contact setting's label).
    pub accepts_from: String,
    /// The record that owns it (`Helpdesk Team: Customer Care`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl Inventory {
    /// Rows over every section.
    pub fn rows(&self) -> usize {
        self.sections.iter().map(|section| section.rows.len()).sum()
    }
}

/// Whether a column expression names a secret field (`access_token`, `password`, `api_key`, …).
pub fn is_secret_column(expression: &str) -> bool {
    expression
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_ascii_lowercase)
        .any(|word| ["token", "password", "secret", "api_key", "apikey"].iter().any(|secret| word.contains(secret)))
}

/// The document as Markdown.
pub fn to_markdown(inventory: &Inventory) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Inventory: {}\n", inline(&inventory.title));
    let _ = writeln!(
        out,
        "Read from {}. What the migration does not carry into Intercom, to set up there by hand.\n",
        inline(&inventory.source)
    );
    for section in &inventory.sections {
        let _ = writeln!(
            out,
            "- {}: {} of {} `{}` records",
            inline(&section.title),
            section.rows.len(),
            section.read,
            section.object
        );
    }
    if let Some(rebuild) = &inventory.rebuild {
        let archived = rebuild.automations.iter().filter(|automation| !automation.active).count();
        let _ = writeln!(
            out,
            "- Automated actions to rebuild by hand: {}{}",
            rebuild.automations.len(),
            if archived > 0 { format!(" ({archived} archived)") } else { String::new() }
        );
        let _ = writeln!(out, "- Mail aliases to rebuild by hand: {}", rebuild.aliases.len());
    }
    for document in &inventory.documents {
        let _ = writeln!(out, "- {}: {}", inline(&document.title), document.rows.len());
    }
    for section in &inventory.sections {
        let _ = writeln!(out, "\n## {}\n", inline(&section.title));
        let _ = writeln!(out, "From `{}` (section `{}`).\n", section.object, section.key);
        if section.rows.is_empty() {
            out.push_str("No records.\n");
        } else {
            let header: Vec<String> =
                section.columns.iter().map(|column| format!("`{}`", column.replace('`', "'"))).collect();
            table(&mut out, &header, &section.rows);
        }
        if !section.failed.is_empty() {
            let _ = writeln!(out, "\nNot listed, because a column could not be evaluated:\n");
            for failure in &section.failed {
                let _ = writeln!(out, "- {}", inline(failure));
            }
        }
    }
    if let Some(rebuild) = &inventory.rebuild {
        out.push_str("\n## Rebuild by hand\n\n");
        out.push_str(
            "Odoo configuration that no migrated record carries: rebuild the automated actions as Intercom \
             workflows and the mail aliases as inbox addresses (with their routing).\n",
        );
        out.push_str("\n### Automated actions (`base.automation`)\n\n");
        if rebuild.automations.is_empty() {
            out.push_str("None.\n");
        } else {
            let rows: Vec<Vec<String>> = rebuild
                .automations
                .iter()
                .map(|automation| {
                    vec![
                        automation.name.clone(),
                        automation.model.clone(),
                        automation.trigger.clone(),
                        if automation.active { "yes" } else { "no (archived)" }.to_owned(),
                        automation.actions.join("; "),
                        automation.applies_to.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let header = ["Name", "Model", "Trigger", "Active", "Actions", "Applies to"].map(str::to_owned);
            table(&mut out, &header, &rows);
        }
        out.push_str("\n### Mail aliases (`mail.alias`)\n\n");
        if rebuild.aliases.is_empty() {
            out.push_str("None.\n");
        } else {
            let rows: Vec<Vec<String>> = rebuild
                .aliases
                .iter()
                .map(|alias| {
                    vec![
                        alias.address.clone(),
                        alias.creates.clone(),
                        alias.defaults.clone(),
                        alias.accepts_from.clone(),
                        alias.owner.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let header = ["Address", "Creates", "Default values", "Who may write", "Owner"].map(str::to_owned);
            table(&mut out, &header, &rows);
        }
        if !rebuild.notes.is_empty() {
            out.push('\n');
            for note in &rebuild.notes {
                let _ = writeln!(out, "Note: {}", inline(note));
            }
        }
    }
    for document in &inventory.documents {
        let _ = writeln!(out, "\n## {}\n", inline(&document.title));
        let _ = writeln!(out, "{}\n", inline(&document.intro));
        if document.rows.is_empty() {
            out.push_str("None.\n");
        } else {
            table(&mut out, &document.columns, &document.rows);
        }
        if !document.notes.is_empty() {
            out.push('\n');
            for note in &document.notes {
                let _ = writeln!(out, "Note: {}", inline(note));
            }
        }
    }
    out
}

/// The document as pretty JSON.
pub fn to_json(inventory: &Inventory) -> String {
    let mut text = serde_json::to_string_pretty(inventory).expect("an inventory serializes");
    text.push('\n');
    text
}

/// A Markdown table.
fn table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.iter().map(|cell| cell.replace('|', "\\|")).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| cell_text(cell)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// A cell: pipes escaped, line breaks as `<br>`.
fn cell_text(text: &str) -> String {
    let text = text.trim().replace('|', "\\|");
    text.lines().map(str::trim_end).collect::<Vec<_>>().join("<br>")
}

/// Text on one line.
fn inline(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_columns_are_recognised_by_their_field_names() {
        assert!(is_secret_column("access_token"));
        assert!(is_secret_column("partner_id.signup_token ?? \"\""));
        assert!(is_secret_column("api_key"));
        assert!(!is_secret_column("team_id.name"));
        assert!(!is_secret_column("alias_name"));
    }

    #[test]
    fn cells_keep_the_table_shape() {
        assert_eq!(cell_text("a | b\nc"), "a \\| b<br>c");
        let mut out = String::new();
        table(&mut out, &["x".to_owned(), "y".to_owned()], &[vec!["1".to_owned(), "two\nlines".to_owned()]]);
        assert_eq!(out, "| x | y |\n| --- | --- |\n| 1 | two<br>lines |\n");
    }
}
