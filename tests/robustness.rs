//! Parse + check must never panic, whatever the spec says.
//!
//! A property test mutates the bundled Odoo spec (deleting, duplicating and inserting text,
//! including expression fragments and YAML punctuation), validates the result against the
//! bundled locks and renders the diagnostics. The default case count keeps the suite fast; set
//! `CUTOVER_FUZZ_CASES` to run longer (the figure in the issue note came from such a run).

use std::path::PathBuf;

use proptest::prelude::*;

use cutover::report::{RenderStyle, render_human};
use cutover::source::SourceMap;

const SPEC: &str = include_str!("../specs/odoo-helpdesk-to-intercom.yaml");

const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    "\n",
    "  ",
    "\"",
    "'",
    "|",
    ">",
    "#",
    "&a",
    "*a",
    "!tag",
    "${",
    "${X}",
    "??",
    "==",
    " and ",
    " or ",
    "not ",
    " in ",
    "if x then ",
    " else ",
    "match priority { ",
    "_ => 1",
    "=>",
    "tables.priority[",
    "ref(",
    "lower(",
    "stage_id.",
    ".name",
    "null",
    "true",
    "1e999",
    "99999999999999999999",
    "\\u{",
    "é",
    "\u{200b}",
    "-",
    "- ",
    "objects:",
    "fields:",
    "each:",
    "extends: base.yaml",
    "custom_attributes.",
    "x_studio_*",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    DuplicateLine(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<usize>(), any::<usize>()).prop_map(|(at, fragment)| Mutation::Insert(at, fragment)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut text = text.to_owned();
    for mutation in mutations {
        let boundary = |text: &str, at: usize| {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        match *mutation {
            Mutation::Delete(at, len) => {
                let start = boundary(&text, at);
                let end = boundary(&text, (start + len).min(text.len()));
                text.replace_range(start..end.max(start), "");
            }
            Mutation::Insert(at, fragment) => {
                let at = boundary(&text, at);
                text.insert_str(at, FRAGMENTS[fragment % FRAGMENTS.len()]);
            }
            Mutation::DuplicateLine(line) => {
                let lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let line = line % lines.len();
                    let mut out: Vec<&str> = lines.clone();
                    out.insert(line, lines[line]);
                    text = out.join("\n");
                }
            }
            Mutation::Truncate(at) => {
                let at = boundary(&text, at);
                text.truncate(at);
            }
        }
    }
    text
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let schemas = dir.path().join("schemas");
    std::fs::create_dir_all(&schemas).expect("schemas dir");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/schemas");
    for name in ["odoo-17.lock.yaml", "intercom-workspace.lock.yaml"] {
        std::fs::copy(root.join(name), schemas.join(name)).expect("copy lock");
    }
    std::fs::write(dir.path().join("base.yaml"), SPEC).expect("base spec");
    let spec = dir.path().join("spec.yaml");
    (dir, spec)
}

fn cases() -> u32 {
    std::env::var("CUTOVER_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(128)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn validating_a_mutated_spec_never_panics(mutations in proptest::collection::vec(mutation(), 1..8)) {
        let (_dir, path) = workspace();
        let text = apply(SPEC, &mutations);
        std::fs::write(&path, &text).expect("write spec");
        let mut sources = SourceMap::new();
        let found = cutover::check::validate(&mut sources, &path);
        let rendered = render_human(&found, &sources, RenderStyle { color: false, width: 100 });
        prop_assert!(found.is_empty() || !rendered.is_empty());
        for diagnostic in found.iter() {
            for label in &diagnostic.labels {
                prop_assert!(label.span.start <= label.span.end, "inverted span in {:?}", diagnostic);
                if let Some(file) = sources.get(label.span.source) {
                    prop_assert!(label.span.end as usize <= file.text.len(), "span past the end in {:?}", diagnostic);
                }
            }
        }
    }
}

#[test]
fn the_unmutated_spec_is_clean() {
    let (_dir, path) = workspace();
    std::fs::write(&path, SPEC).expect("write spec");
    let mut sources = SourceMap::new();
    let found = cutover::check::validate(&mut sources, &path);
    assert!(!found.has_errors(), "{}", render_human(&found, &sources, RenderStyle { color: false, width: 100 }));
}
