//! `cutover snapshot`: review files are written, `--check` passes on unchanged output and fails
//! with a readable diff when a spec change alters mapped records.

use std::path::Path;

fn cutover(args: &[&str]) -> (i32, String, String) {
    crate::support::cutover_at_root(args, &[])
}

/// A copy of the run fixture's spec, next to it so its relative paths still resolve.
struct SpecCopy(std::path::PathBuf);

impl SpecCopy {
    fn new(name: &str, edit: impl Fn(String) -> String) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run");
        let text = std::fs::read_to_string(root.join("spec.yaml")).expect("spec");
        let path = root.join(format!("{name}.tmp.yaml"));
        std::fs::write(&path, edit(text)).expect("write spec copy");
        Self(path)
    }
}

impl Drop for SpecCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn check_passes_on_unchanged_output_and_diffs_a_changed_mapping() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("review");
    let out = out.to_str().expect("utf-8");
    let (status, stdout, stderr) = cutover(&["snapshot", "tests/fixtures/run/spec.yaml", "--dir", out]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.starts_with("wrote "), "{stdout}");
    let first =
        std::fs::read_to_string(dir.path().join("review/conversation/1.yaml")).expect("a file per sampled record");
    assert!(first.contains("# picked: first record"), "{first}");
    assert!(first.contains("# picked: most child records"), "ticket 1 has the most messages: {first}");
    assert!(dir.path().join("review/conversation/3.yaml").exists(), "the flagged ticket is sampled");
    assert!(dir.path().join("review/part/101.yaml").exists(), "the flagged message is sampled");

    let (status, stdout, _) = cutover(&["snapshot", "tests/fixtures/run/spec.yaml", "--dir", out, "--check"]);
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("up to date"));

    let changed =
        SpecCopy::new("snapshot_changed", |text| text.replace("title: trim(name)", "title: upper(trim(name))"));
    let (status, stdout, _) = cutover(&["snapshot", changed.0.to_str().unwrap(), "--dir", out, "--check"]);
    assert_eq!(status, 1, "{stdout}");
    assert!(stdout.contains("-title: Printer on fire\n+title: PRINTER ON FIRE\n"), "{stdout}");
    assert!(stdout.contains("snapshot file(s) changed"), "{stdout}");
}

#[test]
fn ids_from_the_command_line_and_the_spec_are_included() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("review");
    let with_ids = SpecCopy::new("snapshot_ids", |text| format!("{text}snapshot:\n  ids:\n    conversation: [4]\n"));
    let (status, _, stderr) =
        cutover(&["snapshot", with_ids.0.to_str().unwrap(), "--dir", out.to_str().unwrap(), "--id", "contact=11"]);
    assert_eq!(status, 0, "{stderr}");
    let four = std::fs::read_to_string(out.join("conversation/4.yaml")).expect("named in the spec");
    assert!(four.contains("# picked: named in the spec or on the command line (4)"), "{four}");
    assert!(out.join("contact/11.yaml").exists(), "named on the command line");
}

/// The bundled Odoo spec's review snapshots (snapshots/odoo-generated/) match what the spec
/// produces from the generated sample helpdesk: a spec change that alters mapped output fails
/// here with the diff, until `cutover snapshot` is rerun and the new files are reviewed.
#[test]
fn bundled_review_snapshots_are_up_to_date() {
    let data = tempfile::tempdir().expect("temp dir");
    let dir = data.path().to_str().expect("utf-8");
    let (status, _, stderr) =
        cutover(&["generate", "--platform", "odoo", "--tickets", "200", "--seed", "7", "--out", dir]);
    assert_eq!(status, 0, "{stderr}");
    let (status, stdout, stderr) = crate::support::cutover_at_root(
        &["snapshot", "specs/examples/odoo-generated.yaml", "--check"],
        &[("CUTOVER_SAMPLE_ODOO", dir)],
    );
    assert_eq!(status, 0, "review snapshots changed:\n{stdout}{stderr}");
    assert!(stdout.contains("up to date"), "{stdout}");
}
