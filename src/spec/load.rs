//! Reading spec files: YAML, `extends:` overlays, the typed model.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostics;
use crate::source::{SourceId, SourceMap};
use crate::span::Span;
use crate::spec::diagnostics;
use crate::spec::model::Spec;
use crate::spec::yaml::{self, Node, NodeKind};
use crate::spec::{SPEC_VERSION, de};

/// Where a loaded spec came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origin {
    /// The spec file named on the command line.
    pub path: PathBuf,
    /// Its text in the source map.
    pub source: SourceId,
    /// Base specs it extends, nearest first.
    pub bases: Vec<PathBuf>,
}

/// Load a spec file and the base specs it extends into the typed model.
pub fn load(sources: &mut SourceMap, path: &Path) -> Result<Spec, Diagnostics> {
    let mut origin = Origin { path: path.to_path_buf(), ..Origin::default() };
    let mut chain = Vec::new();
    let tree = load_tree(sources, path, Span::detached(), &mut chain, &mut origin)?;
    let mut spec: Spec = de::from_node(&tree)?;
    let mut found = Diagnostics::new();
    if spec.cutover.value != SPEC_VERSION {
        found.push(diagnostics::unsupported_version(spec.cutover.value, spec.cutover.span));
    }
    for template in spec.templates() {
        found.extend(template.errors.iter().cloned());
    }
    if found.has_errors() {
        return Err(found);
    }
    spec.origin = origin;
    Ok(spec)
}

/// Read any YAML file with the spanned loader into `T` (schema locks use this).
pub fn load_file<T: DeserializeOwned>(sources: &mut SourceMap, path: &Path, named_at: Span) -> Result<T, Diagnostics> {
    let id = read(sources, path, named_at)?;
    load_source(sources, id)
}

/// Read a text already in the source map into `T`.
pub fn load_source<T: DeserializeOwned>(sources: &SourceMap, id: SourceId) -> Result<T, Diagnostics> {
    let text = sources.get(id).map(|f| f.text.clone()).unwrap_or_default();
    let tree = yaml::parse(id, &text)?;
    de::from_node(&tree)
}

fn read(sources: &mut SourceMap, path: &Path, named_at: Span) -> Result<SourceId, Diagnostics> {
    sources.load(path).map_err(|error| diagnostics::read_failed(&path.display().to_string(), &error, named_at).into())
}

fn load_tree(
    sources: &mut SourceMap,
    path: &Path,
    named_at: Span,
    chain: &mut Vec<PathBuf>,
    origin: &mut Origin,
) -> Result<Node, Diagnostics> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if chain.contains(&canonical) {
        let names: Vec<String> = chain.iter().chain([&canonical]).map(|p| display_name(p)).collect();
        return Err(diagnostics::extends_cycle(&path.display().to_string(), named_at, &names).into());
    }
    let id = read(sources, path, named_at)?;
    if chain.is_empty() {
        origin.source = id;
    } else {
        origin.bases.push(path.to_path_buf());
    }
    let text = sources.get(id).map(|f| f.text.clone()).unwrap_or_default();
    let tree = yaml::parse(id, &text)?;
    let Some(extends) = tree.get("extends") else {
        return Ok(tree);
    };
    let Some(base) = extends.as_str().filter(|_| !extends.is_null()) else {
        // A wrong shape here is reported by the model's deserializer.
        return Ok(tree);
    };
    let base_path = normalize(&path.parent().unwrap_or(Path::new("")).join(base));
    chain.push(canonical);
    let base_tree = load_tree(sources, &base_path, extends.span, chain, origin)?;
    chain.pop();
    Ok(merge(base_tree, tree))
}

/// `a/b/../c` as `a/c`, without touching the file system (so diagnostics name files the way
/// people write them, and a path through a symlink is not resolved).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            // Above the root is the root.
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::RootDir)) => {}
            other => out.push(other),
        }
    }
    out
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Overlay `over` on `base`: mappings merge key by key, anything else replaces, and a `null` in
/// the overlay deletes the key. Nodes keep their own spans, so diagnostics point into the file
/// that set each value.
pub fn merge(base: Node, over: Node) -> Node {
    match (base.kind, over.kind) {
        (NodeKind::Map(mut entries), NodeKind::Map(overlay)) => {
            for (key, value) in overlay {
                let name = key.as_str().unwrap_or_default().to_owned();
                let existing = entries.iter().position(|(k, _)| k.as_str() == Some(name.as_str()));
                match existing {
                    Some(i) if value.is_null() => {
                        entries.remove(i);
                    }
                    Some(i) => {
                        let (_, old) = entries.remove(i);
                        entries.insert(i, (key, merge(old, value)));
                    }
                    None if value.is_null() => {}
                    None => entries.push((key, value)),
                }
            }
            Node { kind: NodeKind::Map(entries), span: over.span }
        }
        (_, kind) => Node { kind, span: over.span },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(source: u32, text: &str) -> Node {
        yaml::parse(SourceId(source), text).unwrap()
    }

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(normalize(Path::new("specs/examples/../base.yaml")), PathBuf::from("specs/base.yaml"));
        assert_eq!(normalize(Path::new("../x/./y.yaml")), PathBuf::from("../x/y.yaml"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }

    #[test]
    fn maps_merge_scalars_and_lists_replace_null_deletes() {
        let base = tree(0, "a: 1\nm:\n  x: 1\n  y: 2\nl: [1, 2]\n");
        let over = tree(1, "m:\n  y: 3\n  x: null\n  z: 4\nl: [9]\nb: 2\n");
        let merged = merge(base, over);
        let m = merged.get("m").unwrap();
        assert!(m.get("x").is_none());
        assert_eq!(m.get("y").unwrap().as_str(), Some("3"));
        assert_eq!(m.get("y").unwrap().span.source, SourceId(1), "the overlay's value keeps its file");
        assert_eq!(merged.get("a").unwrap().span.source, SourceId(0), "the base's value keeps its file");
        match &merged.get("l").unwrap().kind {
            NodeKind::Seq(items) => assert_eq!(items.len(), 1),
            _ => panic!("list expected"),
        }
        assert_eq!(merged.get("b").unwrap().as_str(), Some("2"));
    }
}
