//! Odoo's `fields_get` answers turned into schema-lock fields.
//!
//! Odoo types map to lock types as the digest's section 6.1 describes them: `char`/`text` →
//! `text`, `html`, `integer` (and `many2one_reference`, such as `res_id`) → `int`,
//! `float`/`monetary` → `float`, `boolean` → `bool`, `date`, `datetime`, `selection` → `enum` with
//! its keys and labels, `many2one`/`one2many`/`many2many` → `relation` with `target` (and
//! `many` for the to-many ones), `binary`, and `json`/`properties`/`properties_definition` →
//! `json`. `reference` fields (`model,id` text) stay `text`. Fields named `x_…` (hand-made) or
//! `x_studio_…` (Studio), or reported `manual`, are marked `custom`.

use std::collections::BTreeMap;

use super::value::XmlRpcValue;
use crate::check::schema::{EnumValue, FieldSchema, FieldType};

/// The `fields_get` attributes discovery and reading need.
pub const FIELD_ATTRIBUTES: [&str; 6] = ["type", "string", "required", "relation", "selection", "manual"];

/// One field as `fields_get` describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct OdooField {
    /// Odoo's type name (`char`, `many2one`, …).
    pub odoo_type: String,
    /// `string`: the label.
    pub label: Option<String>,
    /// `required`.
    pub required: bool,
    /// `relation`: the comodel of a relational field.
    pub relation: Option<String>,
    /// `selection`: `[key, label]` pairs.
    pub selection: Vec<(String, String)>,
    /// `manual`: a custom (Studio) field.
    pub manual: bool,
}

/// The fields of one `fields_get` answer, by name; members that are not field descriptions
/// are skipped.
pub fn parse_fields_get(answer: &XmlRpcValue) -> BTreeMap<String, OdooField> {
    let XmlRpcValue::Struct(members) = answer else { return BTreeMap::new() };
    members
        .iter()
        .filter_map(|(name, description)| {
            let Some(XmlRpcValue::String(odoo_type)) = description.member("type") else { return None };
            let text = |key: &str| match description.member(key) {
                Some(XmlRpcValue::String(text)) if !text.is_empty() => Some(text.clone()),
                _ => None,
            };
            let flag = |key: &str| matches!(description.member(key), Some(XmlRpcValue::Bool(true)));
            let selection = match description.member("selection") {
                Some(XmlRpcValue::Array(pairs)) => pairs.iter().filter_map(selection_pair).collect(),
                _ => Vec::new(),
            };
            let field = OdooField {
                odoo_type: odoo_type.clone(),
                label: text("string"),
                required: flag("required"),
                relation: text("relation"),
                selection,
                manual: flag("manual"),
            };
            Some((name.clone(), field))
        })
        .collect()
}

/// A `[key, label]` pair; integer keys (selections on integers) read as text.
fn selection_pair(pair: &XmlRpcValue) -> Option<(String, String)> {
    let XmlRpcValue::Array(items) = pair else { return None };
    let key = match items.first()? {
        XmlRpcValue::String(key) => key.clone(),
        XmlRpcValue::Int(key) => key.to_string(),
        _ => return None,
    };
    let label = match items.get(1) {
        Some(XmlRpcValue::String(label)) => label.clone(),
        _ => key.clone(),
    };
    Some((key, label))
}

/// The lock field for an Odoo field named `name`.
pub fn lock_field(name: &str, field: &OdooField) -> FieldSchema {
    let (field_type, many) = match field.odoo_type.as_str() {
        "html" => (FieldType::Html, false),
        "integer" | "many2one_reference" => (FieldType::Int, false),
        "float" | "monetary" => (FieldType::Float, false),
        "boolean" => (FieldType::Bool, false),
        "date" => (FieldType::Date, false),
        "datetime" => (FieldType::Datetime, false),
        "selection" => (FieldType::Enum, false),
        "many2one" => (FieldType::Relation, false),
        "one2many" | "many2many" => (FieldType::Relation, true),
        "binary" => (FieldType::Binary, false),
        "json" | "properties" | "properties_definition" => (FieldType::Json, false),
        // char, text, reference and types this build does not know.
        _ => (FieldType::Text, false),
    };
    let known = matches!(
        field.odoo_type.as_str(),
        "char"
            | "text"
            | "reference"
            | "html"
            | "integer"
            | "many2one_reference"
            | "float"
            | "monetary"
            | "boolean"
            | "date"
            | "datetime"
            | "selection"
            | "many2one"
            | "one2many"
            | "many2many"
            | "binary"
            | "json"
            | "properties"
            | "properties_definition"
    );
    let values = if field_type == FieldType::Enum {
        field
            .selection
            .iter()
            .map(|(key, label)| EnumValue { value: key.clone(), label: Some(label.clone()), count: None })
            .collect()
    } else {
        Vec::new()
    };
    FieldSchema {
        field_type,
        label: field.label.clone(),
        required: field.required,
        many,
        target: if field_type == FieldType::Relation { field.relation.clone() } else { None },
        values,
        custom: field.manual || name.starts_with("x_"),
        note: (!known).then(|| format!("Odoo type `{}`, read as text", field.odoo_type)),
        ..FieldSchema::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn description(members: &[(&str, XmlRpcValue)]) -> XmlRpcValue {
        XmlRpcValue::Struct(members.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
    }

    fn s(text: &str) -> XmlRpcValue {
        XmlRpcValue::String(text.to_owned())
    }

    #[test]
    fn odoo_types_become_lock_types() {
        let answer = XmlRpcValue::Struct(vec![
            (
                "tag_ids".into(),
                description(&[("type", s("many2many")), ("string", s("Tags")), ("relation", s("helpdesk.tag"))]),
            ),
            (
                "priority".into(),
                description(&[
                    ("type", s("selection")),
                    ("string", s("Priority")),
                    ("selection", XmlRpcValue::Array(vec![XmlRpcValue::Array(vec![s("0"), s("Low")])])),
                ]),
            ),
            (
                "x_studio_due".into(),
                description(&[("type", s("date")), ("string", s("Due")), ("manual", XmlRpcValue::Bool(true))]),
            ),
            ("res_id".into(), description(&[("type", s("many2one_reference"))])),
            ("odd".into(), description(&[("type", s("image"))])),
        ]);
        let fields = parse_fields_get(&answer);
        let tags = lock_field("tag_ids", &fields["tag_ids"]);
        assert_eq!(
            (tags.field_type, tags.many, tags.target.as_deref()),
            (FieldType::Relation, true, Some("helpdesk.tag"))
        );
        let priority = lock_field("priority", &fields["priority"]);
        assert_eq!(priority.field_type, FieldType::Enum);
        assert_eq!(priority.values[0].label.as_deref(), Some("Low"));
        let due = lock_field("x_studio_due", &fields["x_studio_due"]);
        assert!(due.custom && due.field_type == FieldType::Date);
        assert_eq!(lock_field("res_id", &fields["res_id"]).field_type, FieldType::Int);
        let odd = lock_field("odd", &fields["odd"]);
        assert_eq!(odd.field_type, FieldType::Text);
        assert!(odd.note.unwrap().contains("image"));
    }
}
