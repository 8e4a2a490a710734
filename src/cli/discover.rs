//! `cutover discover`: describe the spec's source as a schema lock.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::cli::{COULD_NOT_RUN, FOUND_ERRORS, RenderColor, Stream, emit};
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
        if endpoint.driver.value != "file" {
            return fail(&format!(
                "discovering a {} source is not available in this build yet; only the file driver discovers",
                endpoint.driver.value
            ));
        }
        let Some(path) = &endpoint.path else { return fail("the file source needs `path:`") };
        let dir = match path.resolve(|name| std::env::var(name).ok()) {
            Ok(dir) => crate::check::locks::resolve_path(&sources, &crate::span::Spanned::new(dir, path.span)),
            Err(unset) => return fail(&unset.to_string()),
        };
        let out = match (&self.out, &endpoint.schema) {
            (Some(out), _) => out.clone(),
            (None, Some(schema)) => crate::check::locks::resolve_path(&sources, schema),
            (None, None) => return fail("the spec's source has no `schema:`; give `--out PATH`"),
        };
        let lock = match crate::drivers::file::discover::discover(&dir) {
            Ok(lock) => lock,
            Err(error) => return fail(&error.to_string()),
        };
        let header = format!("Discovered by `cutover discover` from {}.", dir.display());
        if let Err(error) = std::fs::write(&out, lock_to_yaml(&lock, &header)) {
            return fail(&format!("cannot write `{}`: {error}", out.display()));
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
