//! What the plan-based commands share: a spec loaded, checked and compiled, and its source opened.

use std::path::Path;

use crate::check::{Schemas, check, load_schemas};
use crate::diagnostic::Diagnostics;
use crate::drivers::{FileSource, Source};
use crate::plan::{Plan, compile};
use crate::report::{RenderStyle, render_human};
use crate::source::SourceMap;
use crate::spec::Spec;

/// A spec ready to execute.
pub(crate) struct Prepared {
    /// Every text read, for rendering spans.
    pub sources: SourceMap,
    /// The spec.
    pub spec: Spec,
    /// Its schemas.
    pub schemas: Schemas,
    /// The compiled plan.
    pub plan: Plan,
}

/// Load, check and compile a spec; on errors, print them and return the exit code.
pub(crate) fn prepare(path: &Path, style: RenderStyle) -> Result<Prepared, std::process::ExitCode> {
    let mut sources = SourceMap::new();
    let failed = |sources: &SourceMap, found: &Diagnostics| {
        eprint!("{}", render_human(found, sources, style));
        std::process::ExitCode::from(super::FOUND_ERRORS)
    };
    let spec = match crate::spec::load(&mut sources, path) {
        Ok(spec) => spec,
        Err(found) => return Err(failed(&sources, &found)),
    };
    let (schemas, mut found) = load_schemas(&spec, &mut sources);
    let (checked, diagnostics) = check(&spec, &schemas);
    found.append(diagnostics);
    match checked {
        Some(checked) if !found.has_errors() => {
            let plan = compile(&spec, &checked, &schemas);
            Ok(Prepared { sources, spec, schemas, plan })
        }
        _ => Err(failed(&sources, &found)),
    }
}

impl Prepared {
    /// Open the spec's source for reading. Only the file driver reads in this build; the others
    /// are described by their locks (validate, plan) but cannot be read from yet.
    pub(crate) fn open_source(&self) -> Result<Box<dyn Source + Send>, String> {
        let endpoint = &self.spec.source;
        match endpoint.driver.value.as_str() {
            "file" => {
                let Some(path) = &endpoint.path else {
                    return Err("the file source needs `path:`".to_owned());
                };
                let written = path.resolve(|name| std::env::var(name).ok()).map_err(|unset| unset.to_string())?;
                let written = crate::span::Spanned::new(written, path.span);
                let dir = crate::check::locks::resolve_path(&self.sources, &written);
                let lock = self.schemas.source.clone().unwrap_or_default();
                Ok(Box::new(FileSource::with_lock(&dir, lock).map_err(|e| e.to_string())?))
            }
            other => Err(format!(
                "the {other} driver cannot read records in this build yet; export the data with \
                 `cutover generate` or another tool into a directory and use `driver: file` (see README, Status)"
            )),
        }
    }
}
