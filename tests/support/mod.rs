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
