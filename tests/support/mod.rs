//! Helpers shared by the integration tests.

/// insta settings that store snapshots under the top-level `snapshots/KIND/`, named after the
/// fixture alone.
pub fn settings(kind: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("../snapshots/{kind}"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// The first line of a fixture if it is a `#` comment: what the fixture tests.
pub fn description(text: &str) -> Option<String> {
    text.lines().next().and_then(|line| line.strip_prefix('#')).map(|line| line.trim().to_owned())
}

pub mod test;

/// Run the built binary from the crate root (so paths in its output are relative and stable),
/// with `env` set and colour off; returns the exit code, stdout and stderr.
#[track_caller]
pub fn cutover_at_root(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).expect("utf-8 stdout"),
        String::from_utf8(output.stderr).expect("utf-8 stderr"),
    )
}
pub mod migration;
pub mod odoo;
pub mod otrs;
pub mod state;
pub mod topdesk;
