//! `plan`, `preview` and record `explain` over a small file-driver helpdesk
//! (tests/fixtures/run/): the rendered output a consultant reviews, snapshotted.

const SPEC: &str = "tests/fixtures/run/spec.yaml";

fn cutover(args: &[&str]) -> (i32, String, String) {
    crate::support::cutover_at_root(args, &[])
}

#[track_caller]
fn stdout_of(args: &[&str]) -> String {
    let (status, stdout, stderr) = cutover(args);
    assert_eq!(status, 0, "cutover {args:?} failed:\n{stderr}");
    stdout
}

#[test]
fn plan_text_markdown_and_mermaid() {
    let settings = crate::support::settings("plan");
    settings.bind(|| {
        insta::assert_snapshot!("plan_text", stdout_of(&["plan", SPEC]));
        insta::assert_snapshot!("plan_markdown", stdout_of(&["plan", SPEC, "--format", "markdown"]));
        insta::assert_snapshot!("plan_mermaid", stdout_of(&["plan", SPEC, "--format", "mermaid"]));
    });
}

#[test]
fn plan_json_is_pinned_to_the_files_it_was_made_from() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("plan.json");
    let stdout = stdout_of(&["plan", SPEC, "--out", out.to_str().expect("utf-8 path")]);
    assert!(stdout.starts_with("Plan: Run fixture"));
    let artifact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("json");
    let pins = artifact["pins"].as_array().expect("pins");
    let paths: Vec<&str> = pins.iter().map(|p| p["path"].as_str().expect("path")).collect();
    assert!(paths.iter().any(|p| p.ends_with("spec.yaml")), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("helpdesk.lock.yaml")), "{paths:?}");
    assert!(pins.iter().all(|p| p["sha256"].as_str().is_some_and(|h| h.len() == 64)));
    let phases: Vec<&str> =
        artifact["plan"]["phases"].as_array().expect("phases").iter().map(|p| p["object"].as_str().unwrap()).collect();
    assert_eq!(phases, ["contact", "conversation", "part"], "dependencies come first");
}

#[test]
fn preview_renders_mapped_flagged_and_null_cases() {
    let settings = crate::support::settings("preview");
    settings.bind(|| {
        insta::assert_snapshot!("preview_conversation", stdout_of(&["preview", SPEC, "--object", "conversation"]));
        insta::assert_snapshot!("preview_contact", stdout_of(&["preview", SPEC, "--object", "contact"]));
        insta::assert_snapshot!("preview_part", stdout_of(&["preview", SPEC, "--object", "part", "--limit", "10"]));
    });
}

#[test]
fn preview_by_id_and_its_errors() {
    let by_id = stdout_of(&["preview", SPEC, "--object", "conversation", "--id", "4"]);
    assert!(by_id.starts_with("# conversation · helpdesk.ticket 4\n"), "{by_id}");
    assert!(
        by_id.contains("from: {ref: contact, key: 99}"),
        "a deleted customer still gives a reference the runner resolves"
    );
    let (status, _, stderr) = cutover(&["preview", SPEC, "--object", "conversation", "--id", "77"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("`helpdesk.ticket` has no record with id 77"), "{stderr}");
    let (status, _, stderr) = cutover(&["preview", SPEC, "--object", "conversaton"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("did you mean `conversation`?"), "{stderr}");
}

#[test]
fn explain_shows_expression_reads_and_result_per_field() {
    let settings = crate::support::settings("preview");
    settings.bind(|| {
        insta::assert_snapshot!(
            "explain_conversation_4",
            stdout_of(&["explain", SPEC, "--object", "conversation", "--id", "4"])
        );
    });
}

#[test]
fn a_spec_with_errors_is_not_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = std::fs::read_to_string(SPEC).expect("spec").replace("title: trim(name)", "title: trim(nmae)");
    let broken = dir.path().join("broken.yaml");
    std::fs::write(
        &broken,
        spec.replace(
            "path: helpdesk, schema: helpdesk.lock.yaml",
            &format!(
                "path: {0}/tests/fixtures/run/helpdesk, schema: {0}/tests/fixtures/run/helpdesk.lock.yaml",
                env!("CARGO_MANIFEST_DIR")
            ),
        ),
    )
    .expect("write");
    let (status, stdout, stderr) = cutover(&["preview", broken.to_str().unwrap(), "--object", "conversation"]);
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("has no field `nmae`"), "{stderr}");
}

#[test]
fn discover_writes_a_lock_the_spec_validates_against() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lock = dir.path().join("discovered.lock.yaml");
    let root = env!("CARGO_MANIFEST_DIR");
    let spec = std::fs::read_to_string(SPEC).expect("spec").replace(
        "path: helpdesk, schema: helpdesk.lock.yaml",
        &format!("path: {root}/tests/fixtures/run/helpdesk, schema: {}", lock.display()),
    );
    let spec_path = dir.path().join("spec.yaml");
    std::fs::write(&spec_path, spec).expect("write spec");
    let stdout = stdout_of(&["discover", spec_path.to_str().unwrap()]);
    assert!(stdout.contains("(5 objects, 17 records)"), "{stdout}");
    let written = std::fs::read_to_string(&lock).expect("lock written");
    assert!(written.contains("stage_id: { type: relation, target: helpdesk.stage }"), "{written}");
    assert!(!written.contains("creatable"), "source locks do not speak of creating: {written}");
    let (status, _, stderr) = cutover(&["validate", spec_path.to_str().unwrap()]);
    assert_eq!(status, 0, "{stderr}");
    let again = stdout_of(&["discover", spec_path.to_str().unwrap()]);
    assert_eq!(again, stdout);
    assert_eq!(std::fs::read_to_string(&lock).expect("lock"), written, "rediscovering unchanged data changes nothing");
}

/// The example spec (the bundled Odoo pair over a generated helpdesk through the file driver):
/// what `plan`, `preview` and `explain` show a consultant.
#[test]
fn the_example_spec_over_generated_data() {
    let data = tempfile::tempdir().expect("temp dir");
    let dir = data.path().to_str().expect("utf-8");
    stdout_of(&["generate", "--platform", "odoo", "--tickets", "200", "--seed", "7", "--out", dir]);
    let run = |args: &[&str]| {
        let (status, stdout, stderr) = crate::support::cutover_at_root(args, &[("CUTOVER_SAMPLE_ODOO", dir)]);
        assert_eq!(status, 0, "{args:?}: {stderr}");
        stdout
    };
    let spec = "specs/examples/odoo-generated.yaml";
    let settings = crate::support::settings("preview");
    settings.bind(|| {
        insta::assert_snapshot!("example_plan", run(&["plan", spec]));
        insta::assert_snapshot!(
            "example_preview_conversation",
            run(&["preview", spec, "--object", "conversation", "--limit", "3"])
        );
        insta::assert_snapshot!("example_preview_part", run(&["preview", spec, "--object", "part", "--limit", "4"]));
        insta::assert_snapshot!(
            "example_explain_conversation",
            run(&["explain", spec, "--object", "conversation", "--id", "3"])
        );
    });
}
