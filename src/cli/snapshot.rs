//! `cutover snapshot`: render a sample of mapped records into files reviewed in pull requests.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::cli::prepared::prepare;
use crate::cli::preview::render_mapped;
use crate::cli::{COULD_NOT_RUN, FOUND_ERRORS, RenderColor, Stream, emit};
use crate::run::sample::pick;
use crate::run::value::Value;
use crate::spec::model::Scalar;

/// Render sample records (ids named in the spec's `snapshot:` or with `--id`, plus automatic
/// picks: first record, each enumeration value, most nulls, longest lists, most child records,
/// non-ASCII text, flagged, skipped and failed records) into DIR/<object>/<id>.yaml.
#[derive(Debug, Args)]
pub struct Snapshot {
    /// The spec file.
    spec: PathBuf,
    /// Where the files go; default `snapshots/<spec file name without extension>`.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Compare instead of writing: print a diff and exit 1 when the output changed.
    #[arg(long)]
    check: bool,
    /// Also include this record: `OBJECT=ID` (repeatable).
    #[arg(long = "id", value_name = "OBJECT=ID")]
    ids: Vec<String>,
    #[command(flatten)]
    color: RenderColor,
}

impl Snapshot {
    /// Write or check the snapshot files.
    pub fn execute(self) -> ExitCode {
        let prepared = match prepare(&self.spec, self.color.style()) {
            Ok(prepared) => prepared,
            Err(code) => return code,
        };
        let dir = self.dir.clone().unwrap_or_else(|| {
            let stem = self.spec.file_stem().map_or_else(|| "spec".into(), |s| s.to_string_lossy().into_owned());
            Path::new("snapshots").join(stem)
        });
        let mut explicit: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        if let Some(snapshot) = &prepared.spec.snapshot {
            for (object, ids) in snapshot.ids.iter() {
                explicit.entry(object.value.clone()).or_default().extend(ids.iter().map(|id| scalar_id(&id.value)));
            }
        }
        for item in &self.ids {
            let Some((object, id)) = item.split_once('=') else {
                return fail(&format!("`--id {item}` is not of the form OBJECT=ID"));
            };
            let id = id.parse().map_or_else(|_| Value::text(id), Value::Int);
            explicit.entry(object.to_owned()).or_default().push(id);
        }
        let mut source = match prepared.open_source() {
            Ok(source) => source,
            Err(message) => return fail(&message),
        };
        let lock = prepared.schemas.source.clone().unwrap_or_default();
        let mut files: BTreeMap<PathBuf, String> = BTreeMap::new();
        for &index in &prepared.plan.order {
            let object = &prepared.plan.objects[index];
            if !object.creatable {
                continue;
            }
            let named = explicit.get(&*object.name).map(Vec::as_slice).unwrap_or_default();
            let samples = match pick(&prepared.plan, index, source.as_mut(), &lock, named) {
                Ok(samples) => samples,
                Err(error) => return fail(&error.to_string()),
            };
            for sample in samples {
                let mut text = String::new();
                for reason in &sample.reasons {
                    let _ = writeln!(text, "# picked: {reason}");
                }
                text.push_str(&render_mapped(&prepared, object, &sample.record, &sample.mapped, &sample.attachments));
                let name = format!("{}.yaml", file_name(&sample.record.id.to_string()));
                files.insert(Path::new(&*object.name).join(name), text);
            }
        }
        if self.check { check(&dir, &files) } else { write(&dir, &files) }
    }
}

fn scalar_id(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Int(n) => Value::Int(*n),
        Scalar::Text(t) => Value::text(t.as_str()),
        Scalar::Float(f) => Value::Float(*f),
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Null => Value::Null,
    }
}

/// A record id as a file name: characters outside `[A-Za-z0-9._-]` become `_`.
fn file_name(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect()
}

fn fail(message: &str) -> ExitCode {
    let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
    ExitCode::from(COULD_NOT_RUN)
}

/// The snapshot files already in `dir` (only `<object>/<id>.yaml`).
fn existing(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut found = BTreeMap::new();
    let Ok(objects) = std::fs::read_dir(dir) else { return found };
    for object in objects.flatten().filter(|e| e.path().is_dir()) {
        let Ok(entries) = std::fs::read_dir(object.path()) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "yaml")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                found.insert(Path::new(&object.file_name()).join(entry.file_name()), text);
            }
        }
    }
    found
}

fn write(dir: &Path, files: &BTreeMap<PathBuf, String>) -> ExitCode {
    for stale in existing(dir).keys().filter(|path| !files.contains_key(*path)) {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    for (path, text) in files {
        let full = dir.join(path);
        let written = full.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&full, text));
        if let Err(error) = written {
            return fail(&format!("cannot write `{}`: {error}", full.display()));
        }
    }
    let _ = emit(Stream::Stdout, &format!("wrote {} snapshot file(s) to {}\n", files.len(), dir.display()));
    ExitCode::SUCCESS
}

fn check(dir: &Path, files: &BTreeMap<PathBuf, String>) -> ExitCode {
    let old = existing(dir);
    let mut out = String::new();
    let mut changed = 0;
    for (path, new) in files {
        let shown = dir.join(path).display().to_string();
        match old.get(path) {
            Some(previous) if previous == new => {}
            Some(previous) => {
                changed += 1;
                let diff = similar::TextDiff::from_lines(previous.as_str(), new.as_str());
                let _ = write!(out, "{}", diff.unified_diff().context_radius(3).header(&shown, &shown));
            }
            None => {
                changed += 1;
                let diff = similar::TextDiff::from_lines("", new.as_str());
                let _ = write!(out, "{}", diff.unified_diff().header("/dev/null", &shown));
            }
        }
    }
    for (path, previous) in old.iter().filter(|(path, _)| !files.contains_key(*path)) {
        changed += 1;
        let shown = dir.join(path).display().to_string();
        let diff = similar::TextDiff::from_lines(previous.as_str(), "");
        let _ = write!(out, "{}", diff.unified_diff().header(&shown, "/dev/null"));
    }
    if changed == 0 {
        let _ =
            emit(Stream::Stdout, &format!("{} snapshot file(s) in {} are up to date\n", files.len(), dir.display()));
        return ExitCode::SUCCESS;
    }
    let _ =
        writeln!(out, "\n{changed} snapshot file(s) changed; run `cutover snapshot` without --check to update them");
    let _ = emit(Stream::Stdout, &out);
    ExitCode::from(FOUND_ERRORS)
}
