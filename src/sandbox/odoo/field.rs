//! [`Field`]: one field of an emulated model, with its Odoo type ([`FieldKind`]).

use crate::check::schema::{FieldSchema, FieldType};

/// Odoo field types, as `fields_get` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// `char`: one-line text.
    Char,
    /// `text`: multi-line text.
    Text,
    /// `html`.
    Html,
    /// `integer` (also `many2one_reference` such as `res_id`).
    Integer,
    /// `float`.
    Float,
    /// `boolean`.
    Boolean,
    /// `date` (`YYYY-MM-DD`).
    Date,
    /// `datetime` (naive UTC `YYYY-MM-DD HH:MM:SS`).
    Datetime,
    /// `selection`: one key of the field's list.
    Selection,
    /// `many2one`: `[id, display_name]`.
    Many2one,
    /// `one2many`: ids of records pointing back.
    One2many,
    /// `many2many`: ids.
    Many2many,
    /// `binary`: base64 text.
    Binary,
    /// `properties` (16+).
    Properties,
    /// `properties_definition` (the team's `ticket_properties`).
    PropertiesDefinition,
}

impl FieldKind {
    /// The name `fields_get` reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Char => "char",
            FieldKind::Text => "text",
            FieldKind::Html => "html",
            FieldKind::Integer => "integer",
            FieldKind::Float => "float",
            FieldKind::Boolean => "boolean",
            FieldKind::Date => "date",
            FieldKind::Datetime => "datetime",
            FieldKind::Selection => "selection",
            FieldKind::Many2one => "many2one",
            FieldKind::One2many => "one2many",
            FieldKind::Many2many => "many2many",
            FieldKind::Binary => "binary",
            FieldKind::Properties => "properties",
            FieldKind::PropertiesDefinition => "properties_definition",
        }
    }

    /// one2many or many2many.
    pub fn is_to_many(self) -> bool {
        matches!(self, FieldKind::One2many | FieldKind::Many2many)
    }

    /// many2one, one2many or many2many.
    pub fn is_relational(self) -> bool {
        self == FieldKind::Many2one || self.is_to_many()
    }
}

/// Multi-line `text` fields (a lock says `text` for both char and text; these are Odoo `text`).
const TEXT_FIELDS: [(&str, &str); 6] = [
    ("helpdesk.stage", "description"),
    ("helpdesk.ticket", "rating_last_feedback"),
    ("rating.rating", "feedback"),
    ("ir.attachment", "description"),
    ("mail.message.subtype", "description"),
    ("res.partner", "comment"),
];

/// one2many fields and their inverse (`relation_field`); every other to-many field is many2many.
const ONE2MANY_FIELDS: [(&str, &str, &str); 4] = [
    ("helpdesk.ticket", "sla_status_ids", "ticket_id"),
    ("helpdesk.ticket", "rating_ids", "res_id"),
    ("helpdesk.ticket", "message_ids", "res_id"),
    ("res.partner", "user_ids", "partner_id"),
];

/// Computed, non-stored fields (`store: false` in `fields_get`, not sortable).
const COMPUTED_FIELDS: [(&str, &str); 5] = [
    ("helpdesk.ticket", "sla_fail"),
    ("res.partner", "company_type"),
    ("ir.attachment", "datas"),
    ("ir.attachment", "res_name"),
    ("res.users", "email"),
];

/// One field of a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Technical name.
    pub name: String,
    /// Odoo type.
    pub kind: FieldKind,
    /// Label (`string`).
    pub label: String,
    /// `required`.
    pub required: bool,
    /// Comodel of a relational field.
    pub relation: Option<String>,
    /// The inverse many2one (or `res_id`) of a one2many.
    pub relation_field: Option<String>,
    /// `[key, label]` pairs of a selection.
    pub selection: Vec<(String, String)>,
    /// A Studio/custom field (`manual: true`).
    pub manual: bool,
    /// Stored in the database (`store`, `sortable`).
    pub stored: bool,
}

impl Field {
    /// The Odoo field a lock's field stands for, on `model`.
    pub fn from_lock(model: &str, name: &str, schema: &FieldSchema) -> Field {
        let one2many = ONE2MANY_FIELDS.iter().find(|(m, f, _)| *m == model && *f == name);
        let kind = match schema.field_type {
            FieldType::Text if TEXT_FIELDS.contains(&(model, name)) => FieldKind::Text,
            FieldType::Text | FieldType::Ref => FieldKind::Char,
            FieldType::Html => FieldKind::Html,
            FieldType::Int => FieldKind::Integer,
            FieldType::Float => FieldKind::Float,
            FieldType::Bool => FieldKind::Boolean,
            FieldType::Date => FieldKind::Date,
            FieldType::Datetime => FieldKind::Datetime,
            FieldType::Enum => FieldKind::Selection,
            FieldType::Relation if !schema.many => FieldKind::Many2one,
            FieldType::Relation if one2many.is_some() => FieldKind::One2many,
            FieldType::Relation => FieldKind::Many2many,
            FieldType::Binary => FieldKind::Binary,
            FieldType::Json if name.ends_with("_properties") => FieldKind::PropertiesDefinition,
            FieldType::Json => FieldKind::Properties,
        };
        let selection = schema
            .values
            .iter()
            .map(|value| (value.value.clone(), value.label.clone().unwrap_or_else(|| value.value.clone())))
            .collect();
        Field {
            name: name.to_owned(),
            kind,
            label: schema.label.clone().unwrap_or_else(|| name.to_owned()),
            required: schema.required,
            relation: if kind.is_relational() { schema.target.clone() } else { None },
            relation_field: one2many.map(|(_, _, inverse)| (*inverse).to_owned()),
            selection: if kind == FieldKind::Selection { selection } else { Vec::new() },
            manual: schema.custom,
            stored: !COMPUTED_FIELDS.contains(&(model, name)),
        }
    }

    /// A plain field (used for the fields versions add).
    pub fn new(name: &str, kind: FieldKind, label: &str) -> Field {
        Field {
            name: name.to_owned(),
            kind,
            label: label.to_owned(),
            required: false,
            relation: None,
            relation_field: None,
            selection: Vec::new(),
            manual: false,
            stored: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(field_type: FieldType, many: bool) -> FieldSchema {
        FieldSchema { field_type, many, target: Some("x.y".to_owned()), ..FieldSchema::default() }
    }

    #[test]
    fn lock_types_map_back_to_odoo_types() {
        let kind =
            |model: &str, name: &str, field_type, many| Field::from_lock(model, name, &schema(field_type, many)).kind;
        assert_eq!(kind("helpdesk.ticket", "stage_id", FieldType::Relation, false), FieldKind::Many2one);
        assert_eq!(kind("helpdesk.ticket", "tag_ids", FieldType::Relation, true), FieldKind::Many2many);
        assert_eq!(kind("helpdesk.ticket", "sla_status_ids", FieldType::Relation, true), FieldKind::One2many);
        assert_eq!(kind("helpdesk.ticket", "name", FieldType::Text, false), FieldKind::Char);
        assert_eq!(kind("rating.rating", "feedback", FieldType::Text, false), FieldKind::Text);
        assert_eq!(kind("helpdesk.team", "ticket_properties", FieldType::Json, false), FieldKind::PropertiesDefinition);
        let plain = Field::from_lock("helpdesk.ticket", "name", &schema(FieldType::Text, false));
        assert_eq!(plain.relation, None);
    }
}
