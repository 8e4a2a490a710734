//! Type checking a spec against schema locks.
//!
//! `check` reads a loaded spec, the source's schema lock and the destination model (the built-in
//! Intercom model merged with the workspace's lock) and reports every problem at once. Each
//! expression is parsed and typed in the scope of its object; an expression that fails is typed
//! `any`, which every later check accepts, so one mistake gives one diagnostic. The result keeps
//! the parsed, typed expressions and the dependency order for `plan`.

pub mod diagnostics;
pub mod endpoint;
pub mod expr;
pub mod functions;
pub mod graph;
pub mod locks;
pub mod object;
pub mod schema;
pub mod types;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::diagnostic::Diagnostics;
use crate::source::SourceMap;
use crate::spec::Spec;

pub use expr::ObjectInfo;
pub use locks::{Schemas, load_schemas};
pub use object::{ATTACHMENT_KINDS, CheckedAttachments, CheckedField, CheckedObject, NewAttribute, attributes_home};
pub use schema::SchemaLock;
pub use types::{Kind, Type};

/// A spec that passed `check`: objects with typed expressions, in dependency order.
#[derive(Clone, Debug)]
pub struct CheckedSpec {
    /// Objects in spec order.
    pub objects: Vec<CheckedObject>,
    /// Indexes into `objects`, dependencies first.
    pub order: Vec<usize>,
    /// Custom attributes to create before writing records.
    pub attributes: Vec<NewAttribute>,
}

/// Intercom keeps one namespace for contact and company attributes: a new attribute cannot take a
/// name the other model has, or is given in this spec.
fn check_attribute_models(attributes: &[NewAttribute], schemas: &Schemas, found: &mut Diagnostics) {
    const SHARED: [&str; 2] = ["contact", "company"];
    let mut first: HashMap<&str, &NewAttribute> = HashMap::new();
    for attribute in attributes.iter().filter(|a| SHARED.contains(&a.kind.as_str())) {
        let other = SHARED.iter().find(|kind| **kind != attribute.kind).copied().unwrap_or_default();
        let in_workspace = schemas
            .sink
            .objects
            .get(other)
            .is_some_and(|schema| schema.field(&format!("custom_attributes.{}", attribute.name)).is_some());
        let earlier = first.get(attribute.name.as_str()).filter(|earlier| earlier.kind != attribute.kind);
        if in_workspace || earlier.is_some() {
            found.push(diagnostics::attribute_name_taken(
                &attribute.name,
                &attribute.kind,
                other,
                attribute.span,
                earlier.map(|earlier| earlier.span),
            ));
        }
        first.entry(attribute.name.as_str()).or_insert(attribute);
    }
}

/// Check a loaded spec against its schemas. Returns the checked spec when there are no errors.
pub fn check(spec: &Spec, schemas: &Schemas) -> (Option<CheckedSpec>, Diagnostics) {
    let mut found = Diagnostics::new();
    endpoint::check_endpoints(spec, &mut found);
    let infos: Vec<ObjectInfo> = spec
        .objects
        .iter()
        .map(|(name, object)| ObjectInfo {
            name: name.value.clone(),
            kind: if schemas.sink.object(&object.to.value).is_some() { object.to.value.clone() } else { String::new() },
            to_span: object.to.span,
        })
        .collect();
    let results = object::check_objects(spec, schemas, &infos, &mut found);
    check_attribute_models(&results.attributes, schemas, &mut found);
    let mut used_tables: HashSet<String> = results.used_tables;
    check_inventory(spec, schemas, &infos, &mut found, &mut used_tables);
    for (name, _) in spec.tables.iter() {
        if !used_tables.contains(&name.value) {
            found.push(diagnostics::unused_table(&name.value, name.span));
        }
    }
    if let Some(snapshot) = &spec.snapshot {
        let names: Vec<&str> = infos.iter().map(|o| o.name.as_str()).collect();
        for (object, _) in snapshot.ids.iter() {
            if !names.contains(&object.value.as_str()) {
                found.push(diagnostics::unknown_object(&object.value, object.span, &names));
            }
        }
    }
    let names: Vec<String> = infos.iter().map(|o| o.name.clone()).collect();
    let order = graph::order(&names, &results.edges, &mut found);
    found.sort_by_position();
    if found.has_errors() {
        return (None, found);
    }
    let objects: Option<Vec<CheckedObject>> = results.objects.into_iter().collect();
    let checked = match (objects, order) {
        (Some(objects), Some(order)) => Some(CheckedSpec { objects, order, attributes: results.attributes }),
        _ => None,
    };
    (checked, found)
}

fn check_inventory(
    spec: &Spec,
    schemas: &Schemas,
    infos: &[ObjectInfo],
    found: &mut Diagnostics,
    used_tables: &mut HashSet<String>,
) {
    let empty = HashSet::new();
    for (_, inventory) in spec.inventory.iter() {
        let object = schemas.source.as_ref().and_then(|lock| match lock.objects.get_key_value(&inventory.from.value) {
            Some((name, schema)) => Some((name.as_str(), schema)),
            None => {
                let names: Vec<&str> = lock.objects.keys().map(String::as_str).collect();
                found.push(diagnostics::unknown_source_object(&inventory.from.value, inventory.from.span, &names));
                None
            }
        });
        let scope = expr::Scope {
            source: schemas.source.as_ref(),
            object,
            objects: infos,
            tables: &spec.tables,
            non_null: &empty,
            facts: &[],
        };
        let texts = inventory.filter.iter().chain(&inventory.columns);
        let parsed: Vec<_> = texts
            .filter_map(|text| match crate::expr::parse(text) {
                Ok(expr) => Some(expr),
                Err(errors) => {
                    found.append(errors);
                    None
                }
            })
            .collect();
        let mut checker = expr::ExprChecker::new(&scope, found);
        for expr in &parsed {
            checker.check(expr);
        }
        used_tables.extend(checker.used_tables.iter().cloned());
    }
}

/// Load a spec and everything it names, check it, and return every diagnostic found.
pub fn validate(sources: &mut SourceMap, path: &Path) -> Diagnostics {
    let spec = match crate::spec::load(sources, path) {
        Ok(spec) => spec,
        Err(found) => return found,
    };
    let (schemas, mut found) = load_schemas(&spec, sources);
    let (_, checked) = check(&spec, &schemas);
    found.append(checked);
    found
}
