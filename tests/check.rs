//! The spec loader and type checker: golden fixtures, code coverage, and the bundled specs.
//!
//! Each `tests/fixtures/check/*.yaml` file is one case: a minimal spec whose first line is a
//! `# comment` saying what it tests. It is validated as `cutover validate` would, and the
//! diagnostics are rendered for people (no colour, 100 columns) into `snapshots/check/`. The
//! other tests hold the fixtures to their names: every code has a fixture named after it that
//! produces it, `ok_*` fixtures have no errors, and every other fixture reports something.

use std::path::{Path, PathBuf};

use cutover::check;
use cutover::codes::Code;
use cutover::diagnostic::Diagnostics;
use cutover::report::{RenderStyle, render_human};
use cutover::source::SourceMap;

use crate::support;

/// The fixture directory, relative to the crate root.
const FIXTURES: &str = "tests/fixtures/check";

/// How snapshots are drawn.
const STYLE: RenderStyle = RenderStyle { color: false, width: 100 };

/// Codes that `validate` cannot produce: `unset_variable` is reported by the CLI, which is the
/// only part that looks at the environment.
const NOT_FROM_VALIDATE: &[Code] = &[Code::UnsetVariable];

/// The path of a file under the crate root as cargo's working directory for tests sees it, so
/// rendered output names `tests/fixtures/check/x.yaml` on every machine.
fn relative(path: &Path) -> PathBuf {
    let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).to_path_buf();
    assert!(relative.is_relative(), "{} is outside the crate", path.display());
    assert!(
        relative.exists(),
        "{} is not found from the working directory; run the tests with cargo",
        relative.display()
    );
    relative
}

/// Validate one spec and render what was found.
fn validate(path: &Path) -> (Diagnostics, String) {
    let mut sources = SourceMap::new();
    let diagnostics = check::validate(&mut sources, path);
    let rendered = render_human(&diagnostics, &sources, STYLE);
    (diagnostics, rendered)
}

/// Every `*.yaml` in a directory (not its subdirectories), relative to the crate root, sorted.
fn yaml_files(directory: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .unwrap_or_else(|error| panic!("cannot list {directory}: {error}"))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {directory}");
    files
}

fn stem(path: &Path) -> &str {
    path.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name")
}

/// Whether a fixture is named after `code`: its name is the code's short name, or starts with it
/// and `_`.
fn named_after(path: &Path, code: Code) -> bool {
    let name = stem(path);
    let short = code.short_name();
    name == short || name.strip_prefix(short).is_some_and(|rest| rest.starts_with('_'))
}

fn description(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    support::description(&text).unwrap_or_else(|| panic!("{} must start with a `# what it tests` line", path.display()))
}

fn codes(diagnostics: &Diagnostics) -> Vec<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/check/*.yaml", |path| {
        let path = relative(path);
        let mut settings = support::settings("check");
        settings.set_description(description(&path));
        let (_, rendered) = validate(&path);
        settings.bind(|| insta::assert_snapshot!(rendered));
    });
}

#[test]
fn every_code_has_a_fixture_named_after_it_that_produces_it() {
    let fixtures = yaml_files(FIXTURES);
    let mut problems = Vec::new();
    for &code in Code::ALL {
        if NOT_FROM_VALIDATE.contains(&code) {
            continue;
        }
        let named: Vec<&PathBuf> = fixtures.iter().filter(|path| named_after(path, code)).collect();
        if named.is_empty() {
            problems.push(format!("{}: no fixture named `{}*.yaml`", code.name(), code.short_name()));
        }
        for path in named {
            let (diagnostics, rendered) = validate(path);
            if !codes(&diagnostics).contains(&code) {
                problems.push(format!(
                    "{} is named after {} but does not produce it:\n{rendered}",
                    path.display(),
                    code.name()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ok_fixtures_have_no_errors() {
    let mut problems = Vec::new();
    for path in yaml_files(FIXTURES).iter().filter(|path| stem(path).starts_with("ok_")) {
        let (diagnostics, rendered) = validate(path);
        // A clean fixture may only warn when its description says so.
        let warnings_allowed = description(path).contains("warning");
        if diagnostics.has_errors() || (!warnings_allowed && !diagnostics.is_empty()) {
            problems.push(format!("{}:\n{rendered}", path.display()));
        }
    }
    assert!(problems.is_empty(), "clean fixtures that are not clean:\n{}", problems.join("\n"));
}

#[test]
fn every_other_fixture_reports_something() {
    let quiet: Vec<String> = yaml_files(FIXTURES)
        .iter()
        .filter(|path| !stem(path).starts_with("ok_"))
        .filter(|path| validate(path).0.is_empty())
        .map(|path| path.display().to_string())
        .collect();
    assert!(quiet.is_empty(), "fixtures that report nothing (name clean ones `ok_*`): {quiet:?}");
}

#[test]
fn every_diagnostic_points_into_a_file() {
    let mut problems = Vec::new();
    for path in yaml_files(FIXTURES) {
        let (diagnostics, _) = validate(&path);
        for diagnostic in &diagnostics {
            if diagnostic.primary_span().is_none_or(|span| span.is_detached()) {
                problems.push(format!(
                    "{}: {} ({}) has no place in a file",
                    path.display(),
                    diagnostic.message,
                    diagnostic.code.name()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn bundled_specs_validate_without_errors() {
    for path in yaml_files("specs") {
        let (diagnostics, rendered) = validate(&path);
        assert!(!diagnostics.has_errors(), "{} does not validate:\n{rendered}", path.display());
    }
}
