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
/// The generated helpdesk `name` of `platform` (`tickets` tickets, `seed`), generated on first use
/// in a directory of this process and shared by every test that asks for the same name.
pub fn generated(
    platform: cutover::generate::Platform,
    name: &str,
    tickets: u64,
    seed: u64,
) -> &'static std::path::Path {
    use std::collections::HashMap;
    use std::path::Path;
    use std::sync::Mutex;
    static MADE: Mutex<Option<HashMap<String, &'static Path>>> = Mutex::new(None);
    let mut made = MADE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let made = made.get_or_insert_with(HashMap::new);
    if let Some(dir) = made.get(name) {
        return dir;
    }
    let dir = std::env::temp_dir().join(format!("cutover-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the data directory");
    cutover::generate::generate(platform, tickets, seed, &dir).expect("generate the helpdesk");
    let dir: &'static Path = Box::leak(dir.into_boxed_path());
    made.insert(name.to_owned(), dir);
    dir
}

pub mod migration;
pub mod odoo;
pub mod otrs;
pub mod state;
pub mod topdesk;
