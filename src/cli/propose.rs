//! `cutover propose`: a draft spec from a source lock and a workspace lock, every guess gated.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::check::schema::SchemaLock;
use crate::cli::{COULD_NOT_RUN, FOUND_ERRORS, RenderColor, Stream, emit};
use crate::codes::Code;
use crate::propose::{Base, Inputs, propose, repair};
use crate::report::render_human;
use crate::source::SourceMap;
use crate::span::Span;

/// Propose a draft spec: for every source object and field the likeliest destination, with its
/// score and reasons, under `proposed:`, and the fields without a good candidate under `decide:`.
/// Nothing migrates until a person confirms each entry (`validate` lists them, `run` refuses).
#[derive(Debug, Args)]
pub struct ProposeCommand {
    /// The source's schema lock (`cutover discover`, `cutover generate`).
    #[arg(long)]
    source: PathBuf,
    /// The Intercom workspace's lock (its custom attributes, teammates and teams).
    #[arg(long)]
    sink: PathBuf,
    /// Propose only what this base spec does not already cover (custom fields, new values).
    #[arg(long, value_name = "BASE", conflicts_with = "update")]
    extends: Option<PathBuf>,
    /// The spec was written against an older lock: propose only what `--source` adds, and list
    /// what it no longer has.
    #[arg(long, value_name = "SPEC")]
    update: Option<PathBuf>,
    /// Write the draft here (default: stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
    #[command(flatten)]
    color: RenderColor,
}

impl ProposeCommand {
    /// Propose, repair until only the confirm gate remains, write.
    pub fn execute(self) -> ExitCode {
        let mut sources = SourceMap::new();
        let style = self.color.style();
        let failed = |sources: &SourceMap, found: &crate::diagnostic::Diagnostics| {
            eprint!("{}", render_human(found, sources, style));
            ExitCode::from(FOUND_ERRORS)
        };
        let source: SchemaLock = match crate::spec::load_file(&mut sources, &self.source, Span::detached()) {
            Ok(lock) => lock,
            Err(found) => return failed(&sources, &found),
        };
        let workspace: SchemaLock = match crate::spec::load_file(&mut sources, &self.sink, Span::detached()) {
            Ok(lock) => lock,
            Err(found) => return failed(&sources, &found),
        };
        let mut sink = crate::check::locks::intercom_model(&mut sources);
        crate::check::locks::merge_workspace(&mut sink, workspace);
        let out = match &self.out {
            Some(out) => absolute(out),
            None => absolute(Path::new("proposed.yaml")),
        };
        let dir = out.parent().unwrap_or(Path::new("/")).to_path_buf();
        let base_path = self.update.as_ref().or(self.extends.as_ref());
        let base_spec = match base_path.map(|p| crate::spec::load(&mut sources, p)) {
            Some(Ok(spec)) => Some(spec),
            Some(Err(found)) => return failed(&sources, &found),
            None => None,
        };
        let previous = match (&self.update, &base_spec) {
            (Some(_), Some(spec)) => {
                let (schemas, found) = crate::check::load_schemas(spec, &mut sources);
                if found.has_errors() || schemas.source.is_none() {
                    eprintln!(
                        "error: `--update` needs the spec's own `source.schema` lock, the one it was written against"
                    );
                    return failed(&sources, &found);
                }
                schemas.source
            }
            _ => None,
        };
        let inputs = Inputs {
            source: &source,
            source_path: relative(&dir, &absolute(&self.source)),
            sink: &sink,
            sink_path: relative(&dir, &absolute(&self.sink)),
            base: base_spec.as_ref().zip(base_path).map(|(spec, path)| Base {
                path: relative(&dir, &absolute(path)),
                spec,
                previous: previous.as_ref(),
            }),
        };
        let draft = propose(&inputs);
        let (rendered, found) = repair(draft, &source, &out);
        let written = match &self.out {
            Some(path) => {
                std::fs::write(path, &rendered.text).map_err(|e| format!("cannot write {}: {e}", path.display()))
            }
            None => emit(Stream::Stdout, &rendered.text).map_err(|_| "cannot write the draft".to_owned()),
        };
        if let Err(message) = written {
            eprintln!("error: {message}");
            return ExitCode::from(COULD_NOT_RUN);
        }
        let gate = found.iter().filter(|d| d.code == Code::UnconfirmedProposal).count();
        let other = found.iter().filter(|d| d.is_error() && d.code != Code::UnconfirmedProposal).count();
        eprintln!("{gate} entries to confirm (proposals and decisions); `cutover validate` lists them");
        if other > 0 {
            eprintln!("{other} other errors remain in the draft; `cutover validate` shows them");
            return ExitCode::from(FOUND_ERRORS);
        }
        ExitCode::SUCCESS
    }
}

fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    crate::spec::load::normalize(&joined)
}

/// `target` written relative to `dir` (both absolute and normalised).
fn relative(dir: &Path, target: &Path) -> String {
    let from: Vec<Component> = dir.components().collect();
    let to: Vec<Component> = target.components().collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in shared..from.len() {
        out.push("..");
    }
    for part in &to[shared..] {
        out.push(part);
    }
    out.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_paths_are_written_relative_to_the_draft() {
        assert_eq!(relative(Path::new("/w/specs"), Path::new("/w/specs/schemas/a.lock.yaml")), "schemas/a.lock.yaml");
        assert_eq!(relative(Path::new("/w/drafts"), Path::new("/w/specs/a.lock.yaml")), "../specs/a.lock.yaml");
    }
}
