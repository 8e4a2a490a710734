//! `cutover inventory`: the spec's `inventory:` sections read from the source, plus for Odoo the
//! automated actions and mail aliases to rebuild by hand, as one Markdown (or JSON) document.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::check::schema::{FieldType, SchemaLock};
use crate::cli::prepared::{connect_odoo, prepare};
use crate::cli::{COULD_NOT_RUN, RenderColor, Stream, emit};
use crate::drivers::{Cursor, Source};
use crate::expr::ast::ExprKind;
use crate::plan::{Plan, compile_inventory};
use crate::report::inventory::{
    Inventory, RebuildByHand, SECRET_SHOWN_AS, Section, is_secret_column, to_json, to_markdown,
};
use crate::run::batch::prefetch;
use crate::run::interpreter::{Context, LookupCache, Mapped, map_record};
use crate::run::value::Value;

/// Records read per page when the spec's source sets no `batch:`.
const DEFAULT_PAGE: usize = 500;

/// The document's formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    /// Markdown for people: a table per section.
    Markdown,
    /// JSON for tools.
    Json,
}

/// Write the spec's `inventory:` sections, read from the source, as a document; for Odoo also the
/// automated actions and mail aliases to rebuild by hand.
#[derive(Debug, Args)]
pub struct InventoryCommand {
    /// The spec file.
    spec: PathBuf,
    /// Write the document here instead of printing it.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// The document's format.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Markdown)]
    format: InventoryFormat,
    #[command(flatten)]
    color: RenderColor,
}

impl InventoryCommand {
    /// Read, render, write.
    pub fn execute(self) -> ExitCode {
        let prepared = match prepare(&self.spec, self.color.style()) {
            Ok(prepared) => prepared,
            Err(code) => return code,
        };
        let plan = compile_inventory(&prepared.spec, &prepared.schemas);
        let lock = prepared.schemas.source.clone().unwrap_or_default();
        let endpoint = &prepared.spec.source;
        let page = endpoint.batch.as_ref().map_or(DEFAULT_PAGE, |batch| batch.value.max(1) as usize);
        let mut documents = Vec::new();
        let (mut source, description, rebuild): (Box<dyn Source + Send>, String, Option<RebuildByHand>) =
            match endpoint.driver.value.as_str() {
                "odoo" => {
                    let mut odoo = match connect_odoo(endpoint, lock.clone()) {
                        Ok(odoo) => odoo,
                        Err(message) => return fail(&format!("cannot read the Odoo source: {message}")),
                    };
                    let rebuild = match odoo.rebuild_by_hand() {
                        Ok(rebuild) => rebuild,
                        Err(error) => return fail(&format!("cannot read what to rebuild by hand: {error}")),
                    };
                    let description =
                        format!("Odoo {} (database `{}`)", odoo.version().server_version, odoo.database());
                    (Box::new(odoo), description, Some(rebuild))
                }
                "otrs" => {
                    let otrs = match crate::cli::prepared::connect_otrs(endpoint, &prepared.sources) {
                        Ok(otrs) => otrs,
                        Err(message) => return fail(&format!("cannot read the OTRS source: {message}")),
                    };
                    documents = match otrs.documents() {
                        Ok(documents) => documents,
                        Err(error) => return fail(&format!("cannot read what to rebuild by hand: {error}")),
                    };
                    let description = format!("an OTRS database ({}, {})", otrs.found().flavour, otrs.found().server);
                    (Box::new(otrs), description, None)
                }
                "topdesk" => {
                    let mut topdesk = match crate::cli::prepared::connect_topdesk(endpoint, lock.clone()) {
                        Ok(topdesk) => topdesk,
                        Err(message) => return fail(&format!("cannot read the TOPdesk source: {message}")),
                    };
                    documents = match topdesk.documents() {
                        Ok(documents) => documents,
                        Err(error) => return fail(&format!("cannot check what the operator may read: {error}")),
                    };
                    let description = format!("TOPdesk (REST API {})", topdesk.version());
                    (Box::new(topdesk), description, None)
                }
                driver => match prepared.open_source() {
                    Ok(source) => (source, format!("the {driver} source"), None),
                    Err(message) => return fail(&format!("cannot read the source: {message}")),
                },
            };
        let mut sections = Vec::new();
        for ((key, spec_section), object) in prepared.spec.inventory.iter().zip(&plan.objects) {
            let labels: Vec<Option<HashMap<String, String>>> =
                object.outputs.iter().map(|output| enum_labels(&lock, &object.source, &output.field)).collect();
            let mut section = Section {
                key: key.value.clone(),
                title: spec_section.title.as_ref().map_or_else(|| key.value.clone(), |title| title.value.clone()),
                object: object.source.clone(),
                read: 0,
                columns: object.outputs.iter().map(|output| output.field.clone()).collect(),
                rows: Vec::new(),
                failed: Vec::new(),
            };
            if let Err(message) = read_section(
                &plan,
                object_index(&plan, key.value.as_str()),
                source.as_mut(),
                page,
                &labels,
                &mut section,
            ) {
                return fail(&format!(
                    "cannot read `{}` for the inventory section `{}`: {message}",
                    object.source, key.value
                ));
            }
            sections.push(section);
        }
        let title = prepared.spec.name.as_ref().map_or_else(
            || self.spec.file_stem().map_or_else(|| "migration".to_owned(), |stem| stem.to_string_lossy().into_owned()),
            |name| name.value.clone(),
        );
        let inventory = Inventory {
            inventory: crate::report::inventory::INVENTORY_FORMAT,
            title,
            source: description,
            sections,
            rebuild,
            documents,
        };
        let text = match self.format {
            InventoryFormat::Markdown => to_markdown(&inventory),
            InventoryFormat::Json => to_json(&inventory),
        };
        match &self.out {
            Some(path) => {
                if let Err(error) = std::fs::write(path, &text) {
                    return fail(&format!("cannot write `{}`: {error}", path.display()));
                }
                let rebuild = inventory.rebuild.as_ref().map_or_else(String::new, |rebuild| {
                    format!(
                        ", {} automated actions and {} mail aliases to rebuild by hand",
                        rebuild.automations.len(),
                        rebuild.aliases.len()
                    )
                });
                let message = format!(
                    "wrote {} ({} sections, {} rows{rebuild})\n",
                    path.display(),
                    inventory.sections.len(),
                    inventory.rows()
                );
                emit(Stream::Stderr, &message).err().unwrap_or(ExitCode::SUCCESS)
            }
            None => emit(Stream::Stdout, &text).err().unwrap_or(ExitCode::SUCCESS),
        }
    }
}

/// The index of the section `name` in the inventory plan.
fn object_index(plan: &Plan, name: &str) -> usize {
    plan.objects.iter().position(|object| &*object.name == name).unwrap_or_default()
}

/// Every record of the section's object, page by page, its relations prefetched, its columns
/// evaluated on the records `where:` keeps.
fn read_section(
    plan: &Plan,
    index: usize,
    source: &mut dyn Source,
    page: usize,
    labels: &[Option<HashMap<String, String>>],
    section: &mut Section,
) -> Result<(), String> {
    let object = &plan.objects[index];
    let mut after: Option<Cursor> = None;
    let mut cache = LookupCache::new(plan);
    loop {
        let batch = source.read(&object.source, &object.fields, after.as_ref(), page).map_err(|e| e.to_string())?;
        section.read += batch.records.len() as u64;
        prefetch(plan, object, &batch.records, source, &mut cache).map_err(|e| e.to_string())?;
        let context = Context { plan, cache: &cache };
        for record in &batch.records {
            match map_record(object, &record.values, &context) {
                Mapped::Record(values) => {
                    let row = values
                        .iter()
                        .zip(labels)
                        .map(|((column, value), labels)| {
                            if is_secret_column(column) {
                                SECRET_SHOWN_AS.to_owned()
                            } else {
                                cell(value, labels.as_ref())
                            }
                        })
                        .collect();
                    section.rows.push(row);
                }
                Mapped::Failed { field, error } => {
                    section.failed.push(format!("#{}: `{field}`: {}", record.id, error.message));
                }
                Mapped::Skipped | Mapped::Flagged(_) => {}
            }
        }
        match batch.next {
            Some(next) => after = Some(next),
            None => return Ok(()),
        }
    }
}

/// A value as a table cell: selection keys with their labels, booleans as yes/no.
fn cell(value: &Value, labels: Option<&HashMap<String, String>>) -> String {
    match value {
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::List(items) => items.iter().map(|item| cell(item, labels)).collect::<Vec<_>>().join(", "),
        other => {
            let text = other.to_string();
            match labels.and_then(|labels| labels.get(&text)) {
                Some(label) if *label != text => format!("{label} ({text})"),
                _ => text,
            }
        }
    }
}

/// The labels of the enum field a column reads directly (`priority`, `team_id.assign_method`).
fn enum_labels(lock: &SchemaLock, object: &str, column: &str) -> Option<HashMap<String, String>> {
    let expr = crate::expr::parse(&crate::scalar::ScalarText::exact(column, crate::span::Span::detached())).ok()?;
    let ExprKind::Path(segments) = &expr.kind else { return None };
    let mut owner = lock.object(object)?;
    let mut field = None;
    for segment in segments {
        if let Some(previous) = field {
            let previous: &crate::check::schema::FieldSchema = previous;
            owner = lock.object(previous.target.as_deref()?)?;
        }
        field = Some(owner.field(&segment.value)?);
    }
    let field = field?;
    (field.field_type == FieldType::Enum)
        .then(|| field.values.iter().filter_map(|v| Some((v.value.clone(), v.label.clone()?))).collect())
}

fn fail(message: &str) -> ExitCode {
    let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
    ExitCode::from(COULD_NOT_RUN)
}
