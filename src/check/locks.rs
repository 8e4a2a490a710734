//! Loading the schema locks a spec names, and the built-in Intercom model.

use std::path::{Path, PathBuf};

use crate::check::diagnostics;
use crate::check::schema::{LOCK_VERSION, SchemaLock};
use crate::codes::Code;
use crate::diagnostic::Diagnostics;
use crate::source::SourceMap;
use crate::span::Spanned;
use crate::spec::{self, Spec};

/// The built-in Intercom destination model (API 2.16), as a lock.
pub const INTERCOM_MODEL: &str = include_str!("intercom.lock.yaml");

/// The two sides a spec is checked against.
#[derive(Clone, Debug, Default)]
pub struct Schemas {
    /// The source's lock; `None` when it is not given or did not load (source checks are skipped).
    pub source: Option<SchemaLock>,
    /// The destination: the built-in model with the workspace's lock merged in.
    pub sink: SchemaLock,
}

/// Read the built-in Intercom model.
pub fn intercom_model(sources: &mut SourceMap) -> SchemaLock {
    let id = sources.add("<built-in Intercom model>", None, INTERCOM_MODEL);
    spec::load_source(sources, id).expect("the built-in Intercom model is a valid lock")
}

/// Load the locks named by a spec's `source.schema` and `sink.schema`.
pub fn load_schemas(spec: &Spec, sources: &mut SourceMap) -> (Schemas, Diagnostics) {
    let mut found = Diagnostics::new();
    let source = spec.source.schema.as_ref().and_then(|path| load_lock(path, sources, &mut found));
    let mut sink = intercom_model(sources);
    if let Some(workspace) = spec.sink.schema.as_ref().and_then(|path| load_lock(path, sources, &mut found)) {
        merge_workspace(&mut sink, workspace);
    }
    (Schemas { source, sink }, found)
}

/// Resolve a path written in a spec file relative to the directory of that file.
pub fn resolve_path(sources: &SourceMap, written: &Spanned<String>) -> PathBuf {
    let base = sources
        .get(written.span.source)
        .and_then(|file| file.path.as_deref())
        .and_then(Path::parent)
        .unwrap_or(Path::new(""));
    crate::spec::load::normalize(&base.join(&written.value))
}

fn load_lock(path: &Spanned<String>, sources: &mut SourceMap, found: &mut Diagnostics) -> Option<SchemaLock> {
    let full = resolve_path(sources, path);
    match spec::load_file::<SchemaLock>(sources, &full, path.span) {
        Ok(lock) if lock.lock != LOCK_VERSION => {
            found.push(diagnostics::invalid_lock(
                format!("`{}` is lock format {}, this build reads {LOCK_VERSION}", path.value, lock.lock),
                path.span,
            ));
            None
        }
        Ok(lock) => {
            for (object_name, object) in &lock.objects {
                for (field_name, field) in &object.fields {
                    let needs_target = matches!(
                        field.field_type,
                        crate::check::schema::FieldType::Relation | crate::check::schema::FieldType::Ref
                    );
                    if needs_target && field.target.is_none() {
                        found.push(diagnostics::invalid_lock(
                            format!(
                                "`{object_name}.{field_name}` in `{}` is a relation without a `target`",
                                path.value
                            ),
                            path.span,
                        ));
                    }
                }
            }
            Some(lock)
        }
        Err(errors) => {
            // Shape problems inside a lock are lock problems; unreadable files and YAML syntax keep their codes.
            for mut diagnostic in errors {
                if matches!(
                    diagnostic.code,
                    Code::WrongShape | Code::UnknownKey | Code::MissingKey | Code::DuplicateKey
                ) {
                    diagnostic.code = Code::InvalidLock;
                    diagnostic.help = Some(
                        format!(
                            "{}; regenerate the lock with `cutover discover` or fix it following README's lock format",
                            diagnostic.help.unwrap_or_default().trim_end_matches('.')
                        )
                        .trim_start_matches("; ")
                        .to_owned(),
                    );
                }
                found.push(diagnostic);
            }
            None
        }
    }
}

/// Merge a discovered workspace lock into the built-in model: new fields (custom attributes) are
/// added, known fields gain the workspace's values (existing admins, teams), unknown objects
/// (custom object types) are added.
pub fn merge_workspace(model: &mut SchemaLock, workspace: SchemaLock) {
    for (name, object) in workspace.objects {
        match model.objects.get_mut(&name) {
            Some(existing) => {
                existing.count = object.count.or(existing.count);
                for (field_name, field) in object.fields {
                    match existing.fields.get_mut(&field_name) {
                        Some(known) if !field.values.is_empty() => known.values = field.values,
                        Some(_) => {}
                        None => {
                            existing.fields.insert(field_name, field);
                        }
                    }
                }
            }
            None => {
                model.objects.insert(name, object);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_model_loads_and_has_the_kinds_specs_use() {
        let mut sources = SourceMap::new();
        let model = intercom_model(&mut sources);
        for kind in ["contact", "company", "admin", "team", "conversation", "conversation_part", "ticket", "article"] {
            assert!(model.object(kind).is_some(), "{kind} missing");
        }
        assert!(!model.object("admin").unwrap().creatable);
        assert!(model.object("conversation").unwrap().field("from").unwrap().required);
    }
}
