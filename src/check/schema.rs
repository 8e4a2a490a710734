//! Schema locks: what a source system or an Intercom workspace contains.
//!
//! A lock is a YAML file (`*.lock.yaml`) written by `cutover discover` or by hand. The same format
//! describes both sides: source objects (Odoo models, OTRS tables, TOPdesk resources) and
//! destination objects (the built-in Intercom model, merged with a workspace's existing data
//! attributes). `validate` reads locks instead of connecting, so it runs offline.
//!
//! ```yaml
//! lock: 1
//! system: odoo
//! version: "17.0"
//! objects:
//!   helpdesk.ticket:
//!     label: Helpdesk Ticket
//!     count: 1200
//!     fields:
//!       name: { type: text, label: Subject, required: true }
//!       stage_id: { type: relation, target: helpdesk.stage, label: Stage }
//!       priority:
//!         type: enum
//!         values:
//!           - { value: "0", label: Low, count: 800 }
//!           - { value: "1", label: High, count: 400 }
//!       x_studio_due_date: { type: date, label: Due date, custom: true }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The lock format version this build writes and reads.
pub const LOCK_VERSION: u32 = 1;

/// One system's schema.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaLock {
    /// Lock format version (`1`).
    pub lock: u32,
    /// `odoo`, `otrs`, `topdesk`, `file` or `intercom`.
    pub system: String,
    /// The system's version when known (`"17.0"`, `"Znuny 7.0.12"`, `"2.16"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Objects by technical name (`helpdesk.ticket`, `contact`).
    #[serde(default)]
    pub objects: BTreeMap<String, ObjectSchema>,
}

/// One object (model, table, resource, destination kind).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectSchema {
    /// Human label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Number of records, when discovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Destination only: `false` for kinds the API cannot create (admins, teams): they are matched.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub creatable: bool,
    /// Destination only: the attribute types `custom_attributes.NAME` accepts; absent when the
    /// kind has no custom attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<Vec<FieldType>>,
    /// Fields by name. Destination custom attributes are listed as `custom_attributes.NAME`.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldSchema>,
}

impl Default for ObjectSchema {
    /// An empty object that, on the destination side, can be created (as a lock without
    /// `creatable:` reads).
    fn default() -> Self {
        Self { label: None, count: None, creatable: true, custom_attributes: None, fields: BTreeMap::new() }
    }
}

/// One field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSchema {
    /// The field's type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Human label (Odoo's field string, a dynamic field's label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Source: never empty. Destination: must be given a non-null value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// A list of values of `type` (many2many, multiselect, tags).
    #[serde(default, skip_serializing_if = "is_false")]
    pub many: bool,
    /// `relation`: the object it points to. `ref`: the destination kinds it accepts, `|`-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Known values with labels and counts (enum/selection values, small tables' names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<EnumValue>,
    /// A customer-made field (x_studio_, dynamic field, custom attribute).
    #[serde(default, skip_serializing_if = "is_false")]
    pub custom: bool,
    /// Longest accepted text, in characters (destination limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Most accepted list items (destination limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    /// Free-form note shown in `plan` (limits, API quirks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One known value of a field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The stored value, as text (Odoo selection keys, state names).
    pub value: String,
    /// What users see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How many records carry it, when discovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

/// Field types as a lock names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Plain text.
    #[default]
    Text,
    /// HTML text.
    Html,
    /// Whole number.
    Int,
    /// Decimal number.
    Float,
    /// true/false.
    Bool,
    /// Calendar date.
    Date,
    /// Point in time.
    Datetime,
    /// One of `values`.
    Enum,
    /// Link to a record of `target` (many2one; with `many`, many2many/one2many).
    Relation,
    /// Destination: the id of a migrated record of kind `target`.
    Ref,
    /// File content.
    Binary,
    /// Structured value with no fixed shape.
    Json,
}

impl FieldType {
    /// The name as written in a lock.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Html => "html",
            FieldType::Int => "int",
            FieldType::Float => "float",
            FieldType::Bool => "bool",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Enum => "enum",
            FieldType::Relation => "relation",
            FieldType::Ref => "ref",
            FieldType::Binary => "binary",
            FieldType::Json => "json",
        }
    }
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl SchemaLock {
    /// An object by technical name.
    pub fn object(&self, name: &str) -> Option<&ObjectSchema> {
        self.objects.get(name)
    }
}

impl ObjectSchema {
    /// A field by name.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.get(name)
    }
}

impl FieldSchema {
    /// The destination kinds a `ref` field accepts.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.target.as_deref().unwrap_or("").split('|').map(str::trim).filter(|s| !s.is_empty())
    }
}
