//! [`OrmCall`]: one ORM method on one model — `search`, `search_read`, `read`, `search_count`,
//! `fields_get`, `name_get` — with Odoo's argument handling, `context`, and value conventions.

use super::arguments::{Arguments, Signature};
use super::config::{EmulatorConfig, ModelAccess};
use super::dataset::Dataset;
use super::domain::Domain;
use super::emulator::{Answer, python_type};
use super::faults;
use super::field::{Field, FieldKind};
use super::model::Model;
use super::order::SortOrder;
use super::record::{Record, Stored};
use crate::drivers::odoo::{Fault, XmlRpcValue};

/// One call of an ORM method on a held model.
pub struct OrmCall<'a> {
    /// The emulator's configuration.
    pub config: &'a EmulatorConfig,
    /// Every model.
    pub dataset: &'a Dataset,
    /// The model called.
    pub model: &'a Model,
}

/// The `context` keys the emulator honours.
#[derive(Clone, Copy, Debug)]
struct Context {
    /// `active_test` (default true): hide archived records from searches and to-many values.
    active_test: bool,
}

const SEARCH: Signature = Signature {
    name: "search",
    parameters: &["domain", "offset", "limit", "order"],
    required: 1,
    keyword_only: &[],
    bound: true,
};
const SEARCH_WITH_COUNT: Signature = Signature {
    name: "search",
    parameters: &["domain", "offset", "limit", "order", "count"],
    required: 1,
    keyword_only: &[],
    bound: true,
};
const SEARCH_READ: Signature = Signature {
    name: "search_read",
    parameters: &["domain", "fields", "offset", "limit", "order"],
    required: 0,
    keyword_only: &["load"],
    bound: true,
};
const SEARCH_COUNT: Signature =
    Signature { name: "search_count", parameters: &["domain"], required: 1, keyword_only: &[], bound: true };
const READ: Signature =
    Signature { name: "read", parameters: &["fields", "load"], required: 0, keyword_only: &[], bound: true };
const FIELDS_GET: Signature = Signature {
    name: "fields_get",
    parameters: &["allfields", "attributes"],
    required: 0,
    keyword_only: &[],
    bound: true,
};
const NAME_GET: Signature =
    Signature { name: "name_get", parameters: &[], required: 0, keyword_only: &[], bound: true };

/// Methods a model has that the read-only emulator does not run.
const NOT_EMULATED: [&str; 7] =
    ["create", "write", "unlink", "copy", "name_search", "read_group", "check_access_rights"];

impl OrmCall<'_> {
    /// Run `method` with `execute_kw`'s `args` and `kwargs`.
    pub fn call(
        &self,
        method: &str,
        args: Vec<XmlRpcValue>,
        kwargs: Vec<(String, XmlRpcValue)>,
    ) -> Result<Answer, Fault> {
        let model = &self.model.name;
        if method.starts_with('_') {
            return Err(faults::private_method(method));
        }
        let version = self.config.version;
        let record_method = matches!(method, "read" | "name_get");
        let known = matches!(method, "search" | "search_read" | "search_count" | "read" | "fields_get")
            || (method == "name_get" && version.has_name_get());
        if !known {
            if NOT_EMULATED.contains(&method) {
                return Err(faults::not_emulated(model, method));
            }
            return Err(faults::unknown_method(model, method));
        }
        let mut context = Context { active_test: true };
        let mut keywords = Vec::new();
        for (key, value) in kwargs {
            if key == "context" {
                if let XmlRpcValue::Struct(members) = &value {
                    for (name, setting) in members {
                        if name == "active_test" {
                            context.active_test = truthy(setting);
                        }
                    }
                }
            } else {
                keywords.push((key, value));
            }
        }
        // Record methods take the ids first: `args[0]` (Odoo's `call_kw_multi`).
        let mut args = args;
        let ids = if record_method {
            if args.is_empty() {
                return Err(faults::python_error("IndexError", "list index out of range"));
            }
            Some(ids_of(&args.remove(0))?)
        } else {
            None
        };
        let signature = match method {
            "search" if version.search_takes_count() => &SEARCH_WITH_COUNT,
            "search" => &SEARCH,
            "search_read" => &SEARCH_READ,
            "search_count" => &SEARCH_COUNT,
            "read" => &READ,
            "name_get" => &NAME_GET,
            _ => &FIELDS_GET,
        };
        let arguments = Arguments::bind(signature, args, keywords)?;
        if method == "fields_get" {
            return self.fields_get(&arguments).map(|value| Answer { value, cells: None });
        }
        if let ModelAccess::Denied { groups } = self.config.access_to(model) {
            return Err(faults::access_error(&self.model.label, model, groups));
        }
        match method {
            "search" => {
                let found = self.search(&arguments, context)?;
                if arguments.given("count").is_some_and(truthy) {
                    return Ok(plain(XmlRpcValue::Int(found.len() as i64)));
                }
                Ok(plain(XmlRpcValue::Array(found.iter().map(|record| XmlRpcValue::Int(record.id)).collect())))
            }
            "search_count" => Ok(plain(XmlRpcValue::Int(self.search(&arguments, context)?.len() as i64))),
            "search_read" => {
                let found = self.search(&arguments, context)?;
                self.read_records(&found, &arguments, context)
            }
            "read" => {
                let ids = ids.unwrap_or_default();
                let missing: Vec<i64> = ids.iter().copied().filter(|id| self.model.record(*id).is_none()).collect();
                if !missing.is_empty() {
                    return Err(faults::missing_record(model, &missing, self.config.uid));
                }
                let records: Vec<&Record> = ids.iter().filter_map(|id| self.model.record(*id)).collect();
                self.read_records(&records, &arguments, context)
            }
            _ => {
                let ids = ids.unwrap_or_default();
                let missing: Vec<i64> = ids.iter().copied().filter(|id| self.model.record(*id).is_none()).collect();
                if !missing.is_empty() {
                    return Err(faults::missing_record(model, &missing, self.config.uid));
                }
                let pairs = ids
                    .iter()
                    .map(|id| {
                        XmlRpcValue::Array(vec![
                            XmlRpcValue::Int(*id),
                            XmlRpcValue::String(self.model.display_name(*id)),
                        ])
                    })
                    .collect();
                Ok(plain(XmlRpcValue::Array(pairs)))
            }
        }
    }

    /// The records a search finds, after `active_test`, `order`, `offset` and `limit`.
    fn search(&self, arguments: &Arguments, context: Context) -> Result<Vec<&Record>, Fault> {
        let model = self.model;
        let domain_value = arguments.get("domain").cloned().unwrap_or(XmlRpcValue::Array(Vec::new()));
        let domain = Domain::parse(self.dataset, model, &domain_value, self.config.version)?;
        let hide_archived = context.active_test && model.has_active() && !domain.mentions("active");
        // ir.attachment hides field-backing attachments unless the domain names id or res_field.
        let hide_field_attachments =
            model.name == "ir.attachment" && !domain.mentions("id") && !domain.mentions("res_field");
        let order = match arguments.given("order") {
            Some(XmlRpcValue::String(order)) if !order.trim().is_empty() => SortOrder::parse(model, order)?,
            Some(XmlRpcValue::String(_)) | None => SortOrder::parse(model, &model.default_order)?,
            Some(other) => {
                return Err(faults::type_error(&format!("order must be a string, not {}", python_type(other))));
            }
        };
        let offset = count_argument(arguments, "offset")?.unwrap_or(0);
        // `limit` absent, False or 0: no limit.
        let limit = count_argument(arguments, "limit")?.filter(|limit| *limit > 0);
        let mut found: Vec<&Record> = model
            .records
            .iter()
            .filter(|record| !(hide_archived && record.is_archived()))
            .filter(|record| !(hide_field_attachments && record.value("res_field").is_some()))
            .filter(|record| domain.matches(self.dataset, model, record))
            .collect();
        found.sort_by(|left, right| order.compare(left, right));
        Ok(found.into_iter().skip(offset).take(limit.unwrap_or(usize::MAX)).collect())
    }

    /// `read`'s rows: `id` first, then the fields asked for, in the order asked.
    fn read_records(&self, records: &[&Record], arguments: &Arguments, context: Context) -> Result<Answer, Fault> {
        let model = self.model;
        let requested: Vec<String> = match arguments.given("fields") {
            Some(XmlRpcValue::Array(names)) => names
                .iter()
                .map(|name| match name {
                    XmlRpcValue::String(name) => Ok(name.clone()),
                    other => Err(faults::invalid_field(&model.name, &faults::python_repr(other))),
                })
                .collect::<Result<_, _>>()?,
            Some(XmlRpcValue::String(name)) => vec![name.clone()],
            _ => Vec::new(),
        };
        let mut fields: Vec<&Field> = Vec::new();
        if requested.is_empty() {
            fields.extend(model.fields.iter().filter(|field| field.name != "id"));
        } else {
            for name in &requested {
                let field = model.field(name).ok_or_else(|| faults::invalid_field(&model.name, name))?;
                if field.name != "id" && !fields.iter().any(|known| known.name == field.name) {
                    fields.push(field);
                }
            }
        }
        // `load` "_classic_read" (the default): many2one as [id, name]; anything else: the id.
        let classic = match arguments.get("load") {
            None => true,
            Some(XmlRpcValue::String(load)) => load == "_classic_read",
            Some(_) => false,
        };
        let rows: Vec<XmlRpcValue> = records
            .iter()
            .map(|record| {
                let mut members = vec![("id".to_owned(), XmlRpcValue::Int(record.id))];
                for field in &fields {
                    members.push((field.name.clone(), self.render(field, &record.get(&field.name), classic, context)));
                }
                XmlRpcValue::Struct(members)
            })
            .collect();
        let cells = (records.len() as u64) * (fields.len() as u64 + 1);
        Ok(Answer { value: XmlRpcValue::Array(rows), cells: Some(cells) })
    }

    /// A stored value as Odoo sends it for a field of this type (digest section 3.1).
    fn render(&self, field: &Field, stored: &Stored, classic: bool, context: Context) -> XmlRpcValue {
        match (field.kind, stored) {
            (FieldKind::Boolean, value) => XmlRpcValue::Bool(matches!(value, Stored::Bool(true))),
            (FieldKind::Integer, Stored::Int(int)) => integer(*int),
            (FieldKind::Integer, Stored::Float(float)) => XmlRpcValue::Double(*float),
            (FieldKind::Integer, _) => XmlRpcValue::Int(0),
            (FieldKind::Float, Stored::Float(float)) => XmlRpcValue::Double(*float),
            (FieldKind::Float, Stored::Int(int)) => XmlRpcValue::Double(*int as f64),
            (FieldKind::Float, _) => XmlRpcValue::Double(0.0),
            (FieldKind::Many2one, Stored::Int(id)) => {
                let relation = field.relation.as_deref().unwrap_or_default();
                if classic {
                    XmlRpcValue::Array(vec![
                        XmlRpcValue::Int(*id),
                        XmlRpcValue::String(self.dataset.display_name(relation, *id)),
                    ])
                } else {
                    XmlRpcValue::Int(*id)
                }
            }
            (FieldKind::One2many | FieldKind::Many2many, stored) => {
                let ids = match stored {
                    Stored::Ids(ids) => ids.clone(),
                    _ => Vec::new(),
                };
                let comodel = field.relation.as_deref().and_then(|relation| self.dataset.model(relation));
                let visible = |id: &i64| match comodel {
                    Some(comodel) if context.active_test && comodel.has_active() => {
                        comodel.record(*id).is_none_or(|related| !related.is_archived())
                    }
                    _ => true,
                };
                XmlRpcValue::Array(ids.iter().filter(|id| visible(id)).map(|id| XmlRpcValue::Int(*id)).collect())
            }
            (FieldKind::Properties | FieldKind::PropertiesDefinition, Stored::Json(json)) => from_json(json),
            (_, Stored::Text(text)) => XmlRpcValue::String(text.clone()),
            (_, Stored::Int(int)) => integer(*int),
            (_, Stored::Float(float)) => XmlRpcValue::Double(*float),
            (_, Stored::Json(json)) => from_json(json),
            // Empty char, text, html, selection, date, datetime, many2one, binary: False.
            _ => XmlRpcValue::Bool(false),
        }
    }

    /// `fields_get(allfields, attributes)`: `{name: {attribute: value}}`, `type` first and the
    /// other attributes alphabetically (as 13–15 and the digest's 17 example show).
    fn fields_get(&self, arguments: &Arguments) -> Result<XmlRpcValue, Fault> {
        let names = |parameter| -> Option<Vec<String>> {
            match arguments.given(parameter) {
                Some(XmlRpcValue::Array(items)) => Some(
                    items
                        .iter()
                        .filter_map(|item| match item {
                            XmlRpcValue::String(name) => Some(name.clone()),
                            _ => None,
                        })
                        .collect(),
                ),
                Some(XmlRpcValue::String(name)) => Some(vec![name.clone()]),
                _ => None,
            }
        };
        let allfields = names("allfields").filter(|list| !list.is_empty());
        let attributes = names("attributes").filter(|list| !list.is_empty());
        // Without write or create access every field is readonly; Denied means no access at all.
        let no_write = matches!(self.config.access_to(&self.model.name), ModelAccess::Denied { .. });
        let mut described = Vec::new();
        for field in &self.model.fields {
            if allfields.as_ref().is_some_and(|wanted| !wanted.contains(&field.name)) {
                continue;
            }
            let mut members = self.describe(field, no_write);
            if let Some(wanted) = &attributes {
                members.retain(|(key, _)| wanted.contains(key));
            }
            described.push((field.name.clone(), XmlRpcValue::Struct(members)));
        }
        Ok(XmlRpcValue::Struct(described))
    }

    /// Every attribute the emulator knows for a field, `type` first, then alphabetically.
    fn describe(&self, field: &Field, no_write: bool) -> Vec<(String, XmlRpcValue)> {
        let computed = !field.stored;
        let mut members: Vec<(String, XmlRpcValue)> = vec![
            ("exportable".to_owned(), XmlRpcValue::Bool(true)),
            ("manual".to_owned(), XmlRpcValue::Bool(field.manual)),
            ("name".to_owned(), XmlRpcValue::String(field.name.clone())),
            ("readonly".to_owned(), XmlRpcValue::Bool(no_write || computed || field.name == "id")),
            ("required".to_owned(), XmlRpcValue::Bool(field.required)),
            ("searchable".to_owned(), XmlRpcValue::Bool(true)),
            ("sortable".to_owned(), XmlRpcValue::Bool(field.stored && !field.kind.is_to_many())),
            ("store".to_owned(), XmlRpcValue::Bool(field.stored)),
            ("string".to_owned(), XmlRpcValue::String(field.label.clone())),
        ];
        if self.config.version.has_groupable_attribute() {
            let groupable = field.stored
                && !matches!(field.kind, FieldKind::One2many | FieldKind::Text | FieldKind::Html | FieldKind::Binary);
            members.push(("groupable".to_owned(), XmlRpcValue::Bool(groupable)));
        }
        if let Some(relation) = &field.relation {
            members.push(("relation".to_owned(), XmlRpcValue::String(relation.clone())));
        }
        if let Some(inverse) = &field.relation_field {
            members.push(("relation_field".to_owned(), XmlRpcValue::String(inverse.clone())));
        }
        if field.kind == FieldKind::Selection {
            let pairs = field
                .selection
                .iter()
                .map(|(key, label)| {
                    XmlRpcValue::Array(vec![XmlRpcValue::String(key.clone()), XmlRpcValue::String(label.clone())])
                })
                .collect();
            members.push(("selection".to_owned(), XmlRpcValue::Array(pairs)));
        }
        members.sort_by(|left, right| left.0.cmp(&right.0));
        members.insert(0, ("type".to_owned(), XmlRpcValue::String(field.kind.as_str().to_owned())));
        members
    }
}

fn plain(value: XmlRpcValue) -> Answer {
    Answer { value, cells: None }
}

/// Python truthiness of a context or argument value.
fn truthy(value: &XmlRpcValue) -> bool {
    match value {
        XmlRpcValue::Bool(flag) => *flag,
        XmlRpcValue::Int(int) => *int != 0,
        XmlRpcValue::Double(double) => *double != 0.0,
        XmlRpcValue::String(text) => !text.is_empty(),
        XmlRpcValue::Array(items) => !items.is_empty(),
        XmlRpcValue::Struct(members) => !members.is_empty(),
        XmlRpcValue::Nil => false,
        XmlRpcValue::DateTime(_) | XmlRpcValue::Base64(_) => true,
    }
}

/// The ids of a record method's first argument: a list of ids, or one id.
fn ids_of(value: &XmlRpcValue) -> Result<Vec<i64>, Fault> {
    let items = match value {
        XmlRpcValue::Array(items) => items.clone(),
        XmlRpcValue::Int(_) => vec![value.clone()],
        XmlRpcValue::Bool(false) | XmlRpcValue::Nil => Vec::new(),
        other => {
            return Err(faults::type_error(&format!("ids must be a list of integers, not {}", python_type(other))));
        }
    };
    let mut ids = Vec::new();
    for item in items {
        match item {
            XmlRpcValue::Int(id) if !ids.contains(&id) => ids.push(id),
            XmlRpcValue::Int(_) => {}
            other => {
                return Err(faults::type_error(&format!("ids must be integers, not {}", python_type(&other))));
            }
        }
    }
    Ok(ids)
}

/// `offset`/`limit`: an integer, or absent/False/None.
fn count_argument(arguments: &Arguments, parameter: &str) -> Result<Option<usize>, Fault> {
    match arguments.given(parameter) {
        None => Ok(None),
        Some(XmlRpcValue::Int(count)) => Ok(Some((*count).max(0) as usize)),
        Some(other) => {
            Err(faults::type_error(&format!("'{parameter}' must be an integer, not {}", python_type(other))))
        }
    }
}

/// An integer value: `<int>` within 32 bits, `<double>` beyond (Odoo pre-converts those).
fn integer(int: i64) -> XmlRpcValue {
    if i32::try_from(int).is_ok() { XmlRpcValue::Int(int) } else { XmlRpcValue::Double(int as f64) }
}

/// A properties value: JSON as XML-RPC, with null as False (Odoo never sends nil).
fn from_json(json: &serde_json::Value) -> XmlRpcValue {
    match json {
        serde_json::Value::Null => XmlRpcValue::Bool(false),
        serde_json::Value::Bool(flag) => XmlRpcValue::Bool(*flag),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(int) => integer(int),
            None => XmlRpcValue::Double(number.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(text) => XmlRpcValue::String(text.clone()),
        serde_json::Value::Array(items) => XmlRpcValue::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(members) => {
            XmlRpcValue::Struct(members.iter().map(|(key, value)| (key.clone(), from_json(value))).collect())
        }
    }
}
