//! Source and sink settings: known drivers, the settings each needs, and none it ignores.

use crate::check::diagnostics;
use crate::diagnostic::Diagnostics;
use crate::span::Span;
use crate::spec::model::{Endpoint, Spec};

/// Source drivers.
pub const SOURCE_DRIVERS: &[&str] = &["odoo", "otrs", "topdesk", "file"];
/// Sink drivers.
pub const SINK_DRIVERS: &[&str] = &["intercom", "file"];

/// `(setting, needed by, used by)` for every setting but `driver`.
fn settings(endpoint: &Endpoint) -> Vec<(&'static str, Option<Span>)> {
    let span = |s: Option<Span>| s;
    vec![
        ("schema", span(endpoint.schema.as_ref().map(|s| s.span))),
        ("url", span(endpoint.url.as_ref().map(|t| t.span))),
        ("database", span(endpoint.database.as_ref().map(|t| t.span))),
        ("login", span(endpoint.login.as_ref().map(|t| t.span))),
        ("api_key", span(endpoint.api_key.as_ref().map(|t| t.span))),
        ("password", span(endpoint.password.as_ref().map(|t| t.span))),
        ("token", span(endpoint.token.as_ref().map(|t| t.span))),
        ("region", span(endpoint.region.as_ref().map(|s| s.span))),
        ("version", span(endpoint.version.as_ref().map(|s| s.span))),
        ("rate", span(endpoint.rate.as_ref().map(|s| s.span))),
        ("share", span(endpoint.share.as_ref().map(|s| s.span))),
        ("batch", span(endpoint.batch.as_ref().map(|s| s.span))),
        ("time_zone", span(endpoint.time_zone.as_ref().map(|s| s.span))),
        ("article_dir", span(endpoint.article_dir.as_ref().map(|t| t.span))),
        ("window_days", span(endpoint.window_days.as_ref().map(|s| s.span))),
        ("path", span(endpoint.path.as_ref().map(|t| t.span))),
        ("target", span(endpoint.target.as_ref().map(|s| s.span))),
        ("attachment_max_mb", span(endpoint.attachment_max_mb.as_ref().map(|s| s.span))),
        ("attachment_max_files", span(endpoint.attachment_max_files.as_ref().map(|s| s.span))),
        (
            "attachment_blocked_types",
            span(endpoint.attachment_blocked_types.as_ref().and_then(|list| list.first()).map(|s| s.span)),
        ),
    ]
}

/// `(required, optional)` settings of a driver on a side.
fn driver_settings(side: &str, driver: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match (side, driver) {
        ("source", "odoo") => (&["url", "database", "login", "api_key", "schema"], &["batch"]),
        ("source", "otrs") => (&["url", "schema"], &["batch", "time_zone", "article_dir"]),
        ("source", "topdesk") => (&["url", "login", "password", "schema"], &["batch", "window_days"]),
        ("source", "file") => (&["path", "schema"], &["batch"]),
        ("sink", "intercom") => (
            &["token"],
            &[
                "schema",
                "url",
                "region",
                "version",
                "rate",
                "share",
                "target",
                "attachment_max_mb",
                "attachment_max_files",
                "attachment_blocked_types",
            ],
        ),
        ("sink", "file") => {
            (&["path"], &["schema", "target", "attachment_max_mb", "attachment_max_files", "attachment_blocked_types"])
        }
        _ => (&[], &[]),
    }
}

fn why(setting: &str) -> &'static str {
    match setting {
        "schema" => "`validate` checks the spec offline against this lock; write it with `cutover discover`",
        "api_key" | "password" | "token" => "write it as `${VARIABLE}` so the secret stays in the environment",
        _ => "add it, usually as `${VARIABLE}`",
    }
}

/// Report attachment limits no file could pass.
fn check_attachment_limits(endpoint: &Endpoint, found: &mut Diagnostics) {
    let driver = &endpoint.driver.value;
    if let Some(mb) = &endpoint.attachment_max_mb
        && !(mb.value.is_finite() && mb.value > 0.0)
    {
        found.push(diagnostics::invalid_setting(
            driver,
            "attachment_max_mb",
            "must be a size above 0",
            mb.span,
            "give the largest file to send in MiB, e.g. `25` (the default)",
        ));
    }
    if let Some(files) = &endpoint.attachment_max_files
        && files.value == 0
    {
        found.push(diagnostics::invalid_setting(
            driver,
            "attachment_max_files",
            "must be at least 1",
            files.span,
            "give the most files one reply carries, e.g. `10` (the default, Intercom's cap)",
        ));
    }
    for blocked in endpoint.attachment_blocked_types.iter().flatten() {
        let extension = blocked.value.trim();
        if extension.is_empty() || extension.contains(['/', '\\', ' ']) {
            found.push(diagnostics::invalid_setting(
                driver,
                "attachment_blocked_types",
                &format!("lists `{}`, which is not a file name extension", blocked.value),
                blocked.span,
                "list extensions such as `exe` or `.exe`",
            ));
        }
    }
}

/// Report unknown drivers, missing settings and settings a driver does not use.
pub fn check_endpoints(spec: &Spec, found: &mut Diagnostics) {
    for (side, endpoint, known) in [("source", &spec.source, SOURCE_DRIVERS), ("sink", &spec.sink, SINK_DRIVERS)] {
        let driver = &endpoint.driver;
        if !known.contains(&driver.value.as_str()) {
            found.push(diagnostics::unknown_driver(side, &driver.value, driver.span, known));
            continue;
        }
        let (required, optional) = driver_settings(side, &driver.value);
        if side == "sink" {
            check_attachment_limits(endpoint, found);
        }
        for (setting, span) in settings(endpoint) {
            match span {
                None if required.contains(&setting) => {
                    found.push(diagnostics::missing_setting(&driver.value, setting, driver.span, why(setting)));
                }
                Some(span) if !required.contains(&setting) && !optional.contains(&setting) => {
                    found.push(diagnostics::setting_not_for_driver(&driver.value, setting, span));
                }
                _ => {}
            }
        }
    }
}
