//! The command line, run as a real binary: subcommands, output formats, exit codes.
//!
//! Specs here are tiny and inline, and only exercise loading (YAML errors, unknown keys,
//! `${VAR}`s); the checker's diagnostics are covered by the fixture tests.

use crate::support::test::Test;

/// The smallest spec that passes `validate`, with [`LOCK`] as `source.lock.yaml` beside it.
const MINIMAL: &str = "\
cutover: 1
source: { driver: file, path: data, schema: source.lock.yaml }
sink: { driver: file, path: out }
";

/// An empty schema lock for the file source.
const LOCK: &str = "\
lock: 1
system: file
objects: {}
";

/// A spec with an unknown key (`form:` for `from:`) in an object.
const UNKNOWN_KEY: &str = "\
cutover: 1
source: { driver: file, path: data, schema: source.lock.yaml }
sink: { driver: file, path: out }
objects:
  contact:
    form: res.partner
    to: contact
";

/// A spec whose YAML does not parse.
const YAML_SYNTAX: &str = "\
cutover: 1
source: { driver: file, path: [data }
sink: { driver: file, path: out }
";

/// A spec that reads two variables from the environment.
const VARIABLES: &str = "\
cutover: 1
source: { driver: file, path: \"${CUTOVER_TEST_SOURCE_DIR}\", schema: source.lock.yaml }
sink: { driver: file, path: \"${CUTOVER_TEST_SINK_DIR}\" }
";

const SECRET: &str = "s3cr3t-value-123";

const ESCAPE: &str = "\u{1b}[";

#[test]
fn validate_accepts_a_minimal_spec() {
    Test::new()
        .file("spec.yaml", MINIMAL)
        .file("source.lock.yaml", LOCK)
        .args(["validate", "spec.yaml"])
        .stderr_snapshot()
        .run();
}

#[test]
fn validate_reports_an_unknown_key() {
    Test::new().file("spec.yaml", UNKNOWN_KEY).args(["validate", "spec.yaml"]).stderr_snapshot().status(1).run();
}

#[test]
fn validate_reports_a_yaml_syntax_error() {
    Test::new().file("spec.yaml", YAML_SYNTAX).args(["validate", "spec.yaml"]).stderr_snapshot().status(1).run();
}

#[test]
fn validate_reports_an_unreadable_spec_as_an_error() {
    Test::new().args(["validate", "missing.yaml"]).stderr_snapshot().status(1).run();
}

#[test]
fn validate_checks_every_spec_given() {
    Test::new()
        .file("good.yaml", MINIMAL)
        .file("source.lock.yaml", LOCK)
        .file("specs/bad.yaml", UNKNOWN_KEY)
        .args(["validate", "good.yaml", "specs/bad.yaml"])
        .stderr_contains("specs/bad.yaml:6:5")
        .stderr_contains("\n1 error\n")
        .status(1)
        .run();
}

#[test]
fn usage_errors_exit_2() {
    Test::new().args(["validate"]).stderr_contains("<SPEC>").status(2).run();
    Test::new()
        .file("spec.yaml", MINIMAL)
        .file("source.lock.yaml", LOCK)
        .args(["validate", "spec.yaml", "--format", "xml"])
        .stderr_contains("--format")
        .status(2)
        .run();
    Test::new().args(["migrate-everything"]).status(2).run();
    Test::new().status(2).run();
}

#[test]
fn help_exits_0() {
    Test::new().args(["--help"]).stdout_contains("validate").stdout_contains("explain").run();
}

#[test]
fn no_color_turns_colour_off() {
    Test::new()
        .file("spec.yaml", YAML_SYNTAX)
        .env("NO_COLOR", "1")
        .args(["validate", "spec.yaml"])
        .stderr_contains("cutover::spec::yaml_syntax")
        .output_lacks("\u{1b}")
        .status(1)
        .run();
    Test::new()
        .file("spec.yaml", YAML_SYNTAX)
        .args(["validate", "spec.yaml", "--color", "never"])
        .output_lacks("\u{1b}")
        .status(1)
        .run();
}

#[test]
fn color_always_overrides_no_color() {
    Test::new()
        .file("spec.yaml", YAML_SYNTAX)
        .env("NO_COLOR", "1")
        .args(["validate", "spec.yaml", "--color", "always"])
        .stderr_contains(ESCAPE)
        .status(1)
        .run();
}

#[test]
fn json_output_follows_the_documented_schema() {
    let output =
        Test::new().file("spec.yaml", UNKNOWN_KEY).args(["validate", "--format", "json", "spec.yaml"]).status(1).run();
    assert_eq!(output.stderr, "", "json goes to stdout only");
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("stdout is JSON");
    assert_eq!(json["version"], 1);
    assert!(json["errors"].as_u64() >= Some(1));
    assert_eq!(json["warnings"], 0);
    let diagnostic = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "cutover::spec::unknown_key")
        .expect("the unknown key is reported");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["message"], "unknown key `form`");
    assert_eq!(diagnostic["help"], "did you mean `from`?");
    let label = &diagnostic["labels"][0];
    for field in ["file", "line", "column", "end_line", "end_column", "start", "end", "message", "primary"] {
        assert!(label.get(field).is_some(), "label lacks `{field}`: {label}");
    }
    assert_eq!(label["file"], "spec.yaml");
    assert_eq!((label["line"].as_u64(), label["column"].as_u64()), (Some(6), Some(5)));
    assert_eq!((label["end_line"].as_u64(), label["end_column"].as_u64()), (Some(6), Some(9)));
    let (start, end) = (label["start"].as_u64().unwrap() as usize, label["end"].as_u64().unwrap() as usize);
    assert_eq!(&UNKNOWN_KEY[start..end], "form");
    assert_eq!(label["primary"], true);
}

#[test]
fn json_output_of_a_clean_spec() {
    let output = Test::new()
        .file("spec.yaml", MINIMAL)
        .file("source.lock.yaml", LOCK)
        .args(["validate", "spec.yaml", "--format=json"])
        .run();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("stdout is JSON");
    assert_eq!(json["errors"], 0);
    assert_eq!(json["diagnostics"], serde_json::json!([]));
}

#[test]
fn github_output_is_workflow_commands() {
    let output = Test::new()
        .file("spec.yaml", UNKNOWN_KEY)
        .args(["validate", "spec.yaml", "--format", "github"])
        .stdout_contains(
            "::error file=spec.yaml,line=6,col=5,endLine=6,endColumn=9,\
             title=cutover%3A%3Aspec%3A%3Aunknown_key::unknown key `form` (did you mean `from`?)\n",
        )
        .status(1)
        .run();
    assert!(output.stdout.lines().all(|line| line.starts_with("::error ") || line.starts_with("::warning ")));
}

#[test]
fn unset_variables_are_warned_about_by_name_and_values_never_printed() {
    for format in ["human", "json", "github"] {
        let test = Test::new()
            .file("spec.yaml", VARIABLES)
            .file("source.lock.yaml", LOCK)
            .env_remove("CUTOVER_TEST_SOURCE_DIR")
            .env("CUTOVER_TEST_SINK_DIR", SECRET)
            .args(["validate", "spec.yaml", "--format", format]);
        let test = if format == "human" {
            test.stderr_contains("environment variable `CUTOVER_TEST_SOURCE_DIR` is not set")
        } else {
            test.stdout_contains("environment variable `CUTOVER_TEST_SOURCE_DIR` is not set")
        };
        test.output_lacks("CUTOVER_TEST_SINK_DIR` is not set").output_lacks(SECRET).run();
    }
}

#[test]
fn validate_warns_about_an_unset_variable() {
    Test::new()
        .file("spec.yaml", VARIABLES)
        .file("source.lock.yaml", LOCK)
        .env_remove("CUTOVER_TEST_SOURCE_DIR")
        .env("CUTOVER_TEST_SINK_DIR", SECRET)
        .args(["validate", "spec.yaml"])
        .stderr_snapshot()
        .output_lacks(SECRET)
        .run();
}

#[test]
fn explain_prints_the_registry_entry() {
    Test::new().args(["explain", "cutover::check::unknown_field"]).stdout_snapshot().run();
    Test::new()
        .args(["explain", "unknown_key"])
        .stdout_contains("cutover::spec::unknown_key\n")
        .stdout_contains("form: res.partner")
        .run();
}

#[test]
fn explain_suggests_a_code_for_an_unknown_one() {
    Test::new().args(["explain", "unknown_feild"]).stderr_snapshot().status(2).run();
}

#[test]
fn explain_lists_every_code() {
    Test::new()
        .args(["explain", "--list"])
        .stdout_contains("cutover::spec::yaml_syntax ")
        .stdout_contains("cutover::check::unknown_field ")
        .run();
}

#[test]
fn schema_is_json_describing_objects() {
    let output = Test::new().args(["schema"]).run();
    let schema: serde_json::Value = serde_json::from_str(&output.stdout).expect("stdout is JSON");
    assert!(schema["properties"].get("objects").is_some(), "no `objects` property: {schema}");
    assert!(schema["properties"].get("source").is_some());
}

/// `discover` never overwrites a base spec's lock: a customer spec that inherits `source.schema`
/// must name its own lock or `--out`, and the bundled lock stays as it is.
#[test]
fn discover_refuses_to_overwrite_a_base_specs_lock() {
    let lock = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/schemas/odoo-17.lock.yaml");
    let before = std::fs::read(&lock).unwrap();
    let (status, _, stderr) = crate::support::cutover_at_root(
        &["discover", "specs/examples/odoo-generated.yaml"],
        &[("CUTOVER_SAMPLE_ODOO", "/nonexistent")],
    );
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("`source.schema` comes from specs/odoo-helpdesk-to-intercom.yaml"), "{stderr}");
    assert!(stderr.contains("--out PATH"), "{stderr}");
    assert_eq!(std::fs::read(&lock).unwrap(), before);
}
