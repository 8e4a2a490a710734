//! `cutover discover`: describe the spec's source as a schema lock.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::check::schema::SchemaLock;
use crate::cli::{COULD_NOT_RUN, FOUND_ERRORS, RenderColor, Stream, emit};
use crate::drivers::Source;
use crate::report::lock::lock_to_yaml;
use crate::report::render_human;
use crate::source::SourceMap;

/// Describe the spec's source as a schema lock and write it where `source.schema` points (or to
/// `--out`), so `validate` can check the spec offline.
#[derive(Debug, Args)]
pub struct Discover {
    /// The spec file.
    spec: PathBuf,
    /// Write the lock here instead of the spec's `source.schema`.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Also write the scope document for the customer here (Markdown), and beside it the same
    /// as JSON (`.json`).
    #[arg(long, value_name = "FILE.md")]
    report: Option<PathBuf>,
    #[command(flatten)]
    color: RenderColor,
}

impl Discover {
    /// Discover and write the lock.
    pub fn execute(self) -> ExitCode {
        let mut sources = SourceMap::new();
        let spec = match crate::spec::load(&mut sources, &self.spec) {
            Ok(spec) => spec,
            Err(found) => {
                eprint!("{}", render_human(&found, &sources, self.color.style()));
                return ExitCode::from(FOUND_ERRORS);
            }
        };
        let endpoint = &spec.source;
        let out = match (&self.out, &endpoint.schema) {
            (Some(out), _) => out.clone(),
            (None, Some(schema)) => {
                // A path written in a base spec (a bundled one, say) is not this customer's to
                // overwrite: the discovered lock would replace the base's for every spec using it.
                let written_in = sources.get(schema.span.source).and_then(|file| file.path.as_deref());
                let own = sources.find(&self.spec).is_none_or(|id| id == schema.span.source);
                if !own {
                    let base = written_in.map_or_else(|| "a base spec".to_owned(), |p| p.display().to_string());
                    return fail(&format!(
                        "`source.schema` comes from {base}; writing the discovered lock there would change the \
                         base for every spec that extends it. Set `source.schema` in {} (e.g. \
                         `schemas/customer.lock.yaml`) or give `--out PATH`",
                        self.spec.display()
                    ));
                }
                crate::check::locks::resolve_path(&sources, schema)
            }
            (None, None) => return fail("the spec's source has no `schema:`; give `--out PATH`"),
        };
        let (lock, header, notes) = match endpoint.driver.value.as_str() {
            "file" => {
                let Some(path) = &endpoint.path else { return fail("the file source needs `path:`") };
                let dir = match path.resolve(|name| std::env::var(name).ok()) {
                    Ok(dir) => crate::check::locks::resolve_path(&sources, &crate::span::Spanned::new(dir, path.span)),
                    Err(unset) => return fail(&unset.to_string()),
                };
                match crate::drivers::file::discover::discover(&dir) {
                    Ok(lock) => (lock, format!("Discovered by `cutover discover` from {}.", dir.display()), Vec::new()),
                    Err(error) => return fail(&error.to_string()),
                }
            }
            "odoo" => {
                let mut source = match crate::cli::prepared::connect_odoo(endpoint, SchemaLock::default()) {
                    Ok(source) => source,
                    Err(message) => return fail(&message),
                };
                match source.describe() {
                    Ok(lock) => {
                        let header = format!(
                            "Discovered by `cutover discover` from Odoo {} (archived records included).",
                            source.version().server_version
                        );
                        (lock, header, source.notes().to_vec())
                    }
                    Err(error) => return fail(&error.to_string()),
                }
            }
            "otrs" => {
                let mut source = match crate::cli::prepared::connect_otrs(endpoint, &sources) {
                    Ok(source) => source,
                    Err(message) => return fail(&message),
                };
                match source.describe() {
                    Ok(lock) => {
                        let header = format!(
                            "Discovered by `cutover discover` from an OTRS database ({}).",
                            source.found().flavour
                        );
                        (lock, header, source.notes().to_vec())
                    }
                    Err(error) => return fail(&error.to_string()),
                }
            }
            "topdesk" => {
                let mut source = match crate::cli::prepared::connect_topdesk(endpoint, SchemaLock::default()) {
                    Ok(source) => source,
                    Err(message) => return fail(&message),
                };
                match source.describe() {
                    Ok(lock) => {
                        let header = format!(
                            "Discovered by `cutover discover` from TOPdesk (REST API {}); the notes say per object what \
                             the operator may read.",
                            source.version()
                        );
                        (lock, header, source.notes().to_vec())
                    }
                    Err(error) => return fail(&error.to_string()),
                }
            }
            other => {
                return fail(&format!(
                    "discovering a {other} source is not available in this build; the file, odoo, otrs and topdesk \
                     drivers discover"
                ));
            }
        };
        for note in &notes {
            if let Err(code) = emit(Stream::Stderr, &format!("note: {note}\n")) {
                return code;
            }
        }
        // The notes go into the lock too, where a reviewer reads the schema.
        let header = notes.iter().fold(header, |header, note| format!("{header}\nnote: {note}"));
        if let Err(error) = std::fs::write(&out, lock_to_yaml(&lock, &header)) {
            return fail(&format!("cannot write `{}`: {error}", out.display()));
        }
        if let Some(report) = &self.report
            && let Err(message) = crate::scope::write(&self.spec, report, lock.clone(), &notes)
        {
            return fail(&message);
        }
        let records: u64 = lock.objects.values().filter_map(|o| o.count).sum();
        let message = format!("wrote {} ({} objects, {records} records)\n", out.display(), lock.objects.len());
        emit(Stream::Stdout, &message).err().unwrap_or(ExitCode::SUCCESS)
    }
}

fn fail(message: &str) -> ExitCode {
    let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
    ExitCode::from(COULD_NOT_RUN)
}
