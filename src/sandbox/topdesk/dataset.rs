//! [`Dataset`]: the flat NDJSON tables of a generated TOPdesk, loaded once and indexed by id.
//!
//! `cutover generate --platform topdesk` writes one `<table>.ndjson` per resource with nested
//! references flattened to ids or names; re-nesting them into TOPdesk's shapes is `render.rs`'s
//! job. A table the directory lacks (data generated before it existed) is served empty, but the
//! directory must hold `topdesk.lock.yaml` and `incidents.ndjson`, so a wrong `--data` is caught.
//! The lock's enumerations give the reference lists (`/incidents/categories`, …) every value,
//! used or not.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

use crate::check::schema::SchemaLock;
use crate::source::SourceMap;
use crate::span::Span;

/// One record: the flat JSON object of its NDJSON line.
pub type Row = Map<String, Value>;

/// The tables the emulator reads.
pub const TABLES: [&str; 17] = [
    "branches",
    "locations",
    "persons",
    "operatorgroups",
    "operators",
    "incidents",
    "progresstrail",
    "attachments",
    "changes",
    "changeActivities",
    "assets",
    "assetLinks",
    "knowledgeFolders",
    "knowledgeItems",
    "knowledgeTranslations",
    "operationalActivities",
    "reservations",
];

/// One table: its rows in file order and an index by `id`.
#[derive(Debug, Default)]
pub struct Table {
    /// The rows, in the order the generator wrote them.
    pub rows: Vec<Row>,
    by_id: HashMap<String, usize>,
}

impl Table {
    /// The row whose `id` is `id`.
    pub fn get(&self, id: &str) -> Option<&Row> {
        self.by_id.get(id).map(|&index| &self.rows[index])
    }
}

/// Every table of one generated TOPdesk.
#[derive(Debug, Default)]
pub struct Dataset {
    tables: HashMap<&'static str, Table>,
    empty: Table,
    enums: HashMap<(String, String), Vec<String>>,
}

impl Dataset {
    /// Read `directory`.
    pub fn load(directory: &Path) -> Result<Dataset, String> {
        for required in ["topdesk.lock.yaml", "incidents.ndjson"] {
            if !directory.join(required).is_file() {
                return Err(format!(
                    "{}: no {required}; generate the data with `cutover generate --platform topdesk --out DIR`",
                    directory.display()
                ));
            }
        }
        let mut dataset = Dataset::default();
        let lock_path = directory.join("topdesk.lock.yaml");
        let mut sources = SourceMap::new();
        let lock: SchemaLock = crate::spec::load_file(&mut sources, &lock_path, Span::detached()).map_err(|found| {
            let messages: Vec<String> = found.iter().map(ToString::to_string).collect();
            format!("{}: {}", lock_path.display(), messages.join("; "))
        })?;
        for (object, schema) in &lock.objects {
            for (field, declared) in &schema.fields {
                if !declared.values.is_empty() {
                    let values = declared.values.iter().map(|value| value.value.clone()).collect();
                    dataset.enums.insert((object.clone(), field.clone()), values);
                }
            }
        }
        for name in TABLES {
            let path = directory.join(format!("{name}.ndjson"));
            if path.is_file() {
                dataset.tables.insert(name, read_table(&path)?);
            }
        }
        Ok(dataset)
    }

    /// The table `name` (empty when the directory has none).
    pub fn table(&self, name: &str) -> &Table {
        self.tables.get(name).unwrap_or(&self.empty)
    }

    /// The values the lock lists for the enumeration `table.field`, in the lock's order.
    pub fn values(&self, table: &str, field: &str) -> &[String] {
        self.enums.get(&(table.to_owned(), field.to_owned())).map_or(&[], Vec::as_slice)
    }

    /// The row `id` of table `name`.
    pub fn get(&self, name: &str, id: &str) -> Option<&Row> {
        self.table(name).get(id)
    }
}

fn read_table(path: &Path) -> Result<Table, String> {
    let text = fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let mut table = Table::default();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(line)
            .map_err(|error| format!("{}:{}: not a JSON object: {error}", path.display(), number + 1))?;
        let Some(id) = row.get("id").and_then(Value::as_str) else {
            return Err(format!("{}:{}: the record has no text `id`", path.display(), number + 1));
        };
        table.by_id.insert(id.to_owned(), table.rows.len());
        table.rows.push(row);
    }
    Ok(table)
}
