//! The discovery scope document (`cutover discover --report`): what a consultant sends the
//! customer before a migration, as Markdown for people and JSON for tools.
//!
//! It is read from the spec, its locks and the checker: the systems and versions found (with what
//! discovery noted about modules and access), record counts per object, the customer's own fields
//! with labels and types, the decisions still open (every `proposed:` and `decide:` entry and any
//! other problem `validate` reports), what will not migrate (source objects no mapping reads, and
//! the inventory documents), and the request and time estimate with the preflight checklist of
//! `plan`. While decisions are open the estimate is made as if every proposal were confirmed as
//! written, and says so.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::check::schema::SchemaLock;
use crate::check::{check, load_schemas};
use crate::codes::Code;
use crate::diagnostic::Diagnostics;
use crate::report::plan::{PlanReport, plan_report};
use crate::source::SourceMap;

/// The scope document.
#[derive(Clone, Debug, Serialize)]
pub struct Scope {
    /// The spec's name.
    pub name: String,
    /// The source system, its version and what discovery noted.
    pub source: System,
    /// The destination.
    pub destination: System,
    /// Source objects with their record counts.
    pub objects: Vec<ObjectCount>,
    /// The customer's own fields.
    pub custom_fields: Vec<CustomField>,
    /// Decisions still open, with where (`file:line:column`).
    pub open_decisions: Vec<String>,
    /// Source objects no mapping reads, with their record counts.
    pub not_migrated: Vec<ObjectCount>,
    /// Documents written instead of migrating (`inventory:`): title and source object.
    pub inventory: Vec<String>,
    /// The plan's estimate and checklist; `None` when the spec does not check even with every
    /// proposal confirmed.
    pub plan: Option<PlanReport>,
    /// Whether the estimate assumes the open proposals confirmed as written.
    pub estimate_assumes_proposals: bool,
}

/// A system.
#[derive(Clone, Debug, Serialize)]
pub struct System {
    /// `odoo`, `otrs`, `topdesk`, `file`, `intercom`.
    pub system: String,
    /// Its version, when known.
    pub version: Option<String>,
    /// What discovery noted (modules, access, version differences).
    pub notes: Vec<String>,
}

/// An object and its records.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectCount {
    /// Technical name.
    pub object: String,
    /// Records, when known.
    pub records: Option<u64>,
}

/// A customer-made field.
#[derive(Clone, Debug, Serialize)]
pub struct CustomField {
    /// `object.field`.
    pub field: String,
    /// Its label.
    pub label: Option<String>,
    /// Its type as the lock names it.
    pub field_type: String,
}

/// Build the scope document for a spec; `discovered` replaces the spec's source lock (the lock
/// `discover` just read), `notes` are what discovery noted.
pub fn scope(
    sources: &mut SourceMap,
    path: &Path,
    discovered: Option<SchemaLock>,
    notes: &[String],
) -> Result<Scope, Diagnostics> {
    let spec = crate::spec::load(sources, path)?;
    let (mut schemas, mut found) = load_schemas(&spec, sources);
    if discovered.is_some() {
        schemas.source = discovered;
    }
    let (checked, diagnostics) = check(&spec, &schemas);
    found.append(diagnostics);
    let open_decisions: Vec<String> = found
        .iter()
        .filter(|d| d.is_error())
        .map(|d| match d.primary_span() {
            Some(span) => format!("{}: {}", sources.locate(span), d.message),
            None => d.message.clone(),
        })
        .collect();
    let pending = found.iter().any(|d| d.code == Code::UnconfirmedProposal);
    let plan = match checked {
        Some(checked) if !found.has_errors() => {
            Some(plan_report(&spec, &schemas, &crate::plan::compile(&spec, &checked, &schemas)))
        }
        _ => {
            // As if every proposal were confirmed as written and every open decision dropped.
            let mut confirmed = spec.clone();
            for (_, object) in confirmed.objects.0.iter_mut() {
                object.fields.0.append(&mut object.proposed.0);
                object.decide.0.clear();
            }
            let (checked, again) = check(&confirmed, &schemas);
            checked
                .filter(|_| !again.has_errors())
                .map(|checked| plan_report(&confirmed, &schemas, &crate::plan::compile(&confirmed, &checked, &schemas)))
        }
    };
    let lock = schemas.source.clone().unwrap_or_default();
    let count = |(name, object): (&String, &crate::check::schema::ObjectSchema)| ObjectCount {
        object: name.clone(),
        records: object.count,
    };
    let read: Vec<&str> = spec
        .objects
        .iter()
        .map(|(_, o)| o.from.value.as_str())
        .chain(spec.inventory.iter().map(|(_, i)| i.from.value.as_str()))
        .collect();
    Ok(Scope {
        name: spec.name.as_ref().map_or_else(|| path.display().to_string(), |n| n.value.clone()),
        source: System { system: lock.system.clone(), version: lock.version.clone(), notes: notes.to_vec() },
        destination: System {
            system: schemas.sink.system.clone(),
            version: schemas.sink.version.clone(),
            notes: Vec::new(),
        },
        objects: lock.objects.iter().map(count).collect(),
        custom_fields: lock
            .objects
            .iter()
            .flat_map(|(object, schema)| {
                schema.fields.iter().filter(|(_, f)| f.custom).map(move |(name, f)| CustomField {
                    field: format!("{object}.{name}"),
                    label: f.label.clone(),
                    field_type: f.field_type.as_str().to_owned(),
                })
            })
            .collect(),
        open_decisions,
        not_migrated: lock.objects.iter().filter(|(name, _)| !read.contains(&name.as_str())).map(count).collect(),
        inventory: spec
            .inventory
            .iter()
            .map(|(name, i)| {
                format!("{} (`{}`)", i.title.as_ref().map_or(name.value.as_str(), |t| t.value.as_str()), i.from.value)
            })
            .collect(),
        estimate_assumes_proposals: pending && plan.is_some(),
        plan,
    })
}

fn records(records: Option<u64>) -> String {
    records.map_or_else(|| "?".to_owned(), |n| n.to_string())
}

/// The document as Markdown.
pub fn render_markdown(scope: &Scope) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Migration scope: {}\n", scope.name);
    let _ = writeln!(out, "## Systems\n");
    for (role, system) in [("Source", &scope.source), ("Destination", &scope.destination)] {
        let version = system.version.as_deref().unwrap_or("version unknown");
        let _ = writeln!(out, "- {role}: {} ({version})", system.system);
        for note in &system.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    let _ = writeln!(out, "\n## Records\n\n| object | records |\n| --- | --- |");
    for object in &scope.objects {
        let _ = writeln!(out, "| `{}` | {} |", object.object, records(object.records));
    }
    let _ = writeln!(out, "\n## Custom fields\n");
    if scope.custom_fields.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        let _ = writeln!(out, "| field | label | type |\n| --- | --- | --- |");
        for field in &scope.custom_fields {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                field.field,
                field.label.as_deref().unwrap_or(""),
                field.field_type
            );
        }
    }
    let _ = writeln!(out, "\n## Open decisions\n");
    if scope.open_decisions.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for decision in &scope.open_decisions {
        let _ = writeln!(out, "- {decision}");
    }
    let _ = writeln!(out, "\n## Not migrated\n");
    for object in &scope.not_migrated {
        let _ = writeln!(
            out,
            "- `{}` ({} records): no object mapping of its own (read through relations, if at all)",
            object.object,
            records(object.records)
        );
    }
    for document in &scope.inventory {
        let _ = writeln!(out, "- to the inventory document: {document}");
    }
    let _ = writeln!(out, "\n## Estimate\n");
    match &scope.plan {
        Some(plan) => {
            let _ = writeln!(
                out,
                "About {:.0} requests at {:.0} per minute: about {:.0} min.{}",
                plan.requests,
                plan.budget_per_minute,
                (plan.seconds / 60.0).ceil(),
                if scope.estimate_assumes_proposals {
                    " (As if every open proposal were confirmed as written.)"
                } else {
                    ""
                }
            );
            let _ = writeln!(out, "\n## Preflight checklist\n");
            for item in &plan.preflight {
                let _ = writeln!(out, "- [ ] {item}");
            }
        }
        None => {
            let _ = writeln!(out, "Not available until the spec checks (see the open decisions).");
        }
    }
    out
}

/// Write the document for a spec as Markdown at `path` and as JSON beside it (`.json`).
pub fn write(spec: &Path, path: &Path, discovered: SchemaLock, notes: &[String]) -> Result<(), String> {
    let mut sources = SourceMap::new();
    let scope = scope(&mut sources, spec, Some(discovered), notes)
        .map_err(|found| crate::report::render_human(&found, &sources, crate::report::RenderStyle::PLAIN))?;
    std::fs::write(path, render_markdown(&scope)).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    let json = path.with_extension("json");
    let text = serde_json::to_string_pretty(&scope).map_err(|e| e.to_string())?;
    std::fs::write(&json, text + "\n").map_err(|e| format!("cannot write `{}`: {e}", json.display()))
}
