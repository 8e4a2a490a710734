//! What the plan-based commands share: a spec loaded, checked and compiled, and its source opened.

use std::path::Path;

use crate::check::{Schemas, check, load_schemas};
use crate::diagnostic::Diagnostics;
use crate::drivers::odoo::{OdooClientConfig, OdooSource};
use crate::drivers::{FileSource, Source};
use crate::plan::{Plan, compile};
use crate::report::{RenderStyle, render_human};
use crate::source::SourceMap;
use crate::spec::Spec;
use crate::spec::model::Endpoint;

/// A spec ready to execute.
pub(crate) struct Prepared {
    /// Every text read, for rendering spans.
    pub sources: SourceMap,
    /// The spec.
    pub spec: Spec,
    /// Its schemas.
    pub schemas: Schemas,
    /// The compiled plan.
    pub plan: Plan,
}

/// Load, check and compile a spec; on errors, print them and return the exit code.
pub(crate) fn prepare(path: &Path, style: RenderStyle) -> Result<Prepared, std::process::ExitCode> {
    let mut sources = SourceMap::new();
    let failed = |sources: &SourceMap, found: &Diagnostics| {
        eprint!("{}", render_human(found, sources, style));
        std::process::ExitCode::from(super::FOUND_ERRORS)
    };
    let spec = match crate::spec::load(&mut sources, path) {
        Ok(spec) => spec,
        Err(found) => return Err(failed(&sources, &found)),
    };
    let (schemas, mut found) = load_schemas(&spec, &mut sources);
    let (checked, diagnostics) = check(&spec, &schemas);
    found.append(diagnostics);
    match checked {
        Some(checked) if !found.has_errors() => {
            let plan = compile(&spec, &checked, &schemas);
            Ok(Prepared { sources, spec, schemas, plan })
        }
        _ => Err(failed(&sources, &found)),
    }
}

impl Prepared {
    /// Open the spec's source for reading: the file, Odoo, OTRS and TOPdesk drivers. Page sizes
    /// come from the runner (`batch:`), which passes them to every read.
    pub(crate) fn open_source(&self) -> Result<Box<dyn Source + Send>, String> {
        let endpoint = &self.spec.source;
        match endpoint.driver.value.as_str() {
            "file" => {
                let Some(path) = &endpoint.path else {
                    return Err("the file source needs `path:`".to_owned());
                };
                let written = path.resolve(|name| std::env::var(name).ok()).map_err(|unset| unset.to_string())?;
                let written = crate::span::Spanned::new(written, path.span);
                let dir = crate::check::locks::resolve_path(&self.sources, &written);
                let lock = self.schemas.source.clone().unwrap_or_default();
                Ok(Box::new(FileSource::with_lock(&dir, lock).map_err(|e| e.to_string())?))
            }
            "odoo" => {
                let lock = self.schemas.source.clone().unwrap_or_default();
                Ok(Box::new(connect_odoo(endpoint, lock)?))
            }
            "otrs" => Ok(Box::new(connect_otrs(endpoint, &self.sources)?)),
            "topdesk" => {
                let lock = self.schemas.source.clone().unwrap_or_default();
                Ok(Box::new(connect_topdesk(endpoint, lock)?))
            }
            other => Err(format!(
                "the {other} driver cannot read records in this build yet; export the data with \
                 `cutover generate` or another tool into a directory and use `driver: file` (see README, Status)"
            )),
        }
    }
}

/// A source setting's value from its `${VAR}` template: errors name the setting or the variable,
/// never a value.
fn endpoint_setting(
    driver: &str,
    name: &str,
    template: Option<&crate::spec::template::Template>,
) -> Result<String, String> {
    let template = template.ok_or_else(|| format!("the {driver} source needs `{name}:`"))?;
    let value = template.resolve(|variable| std::env::var(variable).ok()).map_err(|unset| unset.to_string())?;
    if value.trim().is_empty() {
        return Err(format!("the {driver} source's `{name}:` is empty"));
    }
    Ok(value)
}

/// Connect to the TOPdesk a source endpoint names: `url`, `login` and `password` (an application
/// password, from the environment), `window_days` for the incident and change windows.
/// `CUTOVER_TOPDESK_TIMEOUT` sets the seconds one request may take (default 120).
pub(crate) fn connect_topdesk(
    endpoint: &Endpoint,
    lock: crate::check::schema::SchemaLock,
) -> Result<crate::drivers::topdesk::TopdeskSource, String> {
    let setting = |name: &str, template| endpoint_setting("topdesk", name, template);
    let url = setting("url", endpoint.url.as_ref())?;
    let login = setting("login", endpoint.login.as_ref())?;
    let password = setting("password", endpoint.password.as_ref())?;
    let mut config = crate::drivers::topdesk::TopdeskConfig::new(url, login, password);
    if let Some(days) = &endpoint.window_days {
        config.window_days = days.value.max(1);
    }
    if let Some(seconds) = std::env::var("CUTOVER_TOPDESK_TIMEOUT").ok().and_then(|s| s.parse::<f64>().ok())
        && seconds > 0.0
    {
        config.timeout = std::time::Duration::from_secs_f64(seconds);
    }
    config.lock = lock;
    crate::drivers::topdesk::TopdeskSource::connect(config).map_err(|error| error.to_string())
}

/// Connect to the Odoo a source endpoint names: `url`, `database`, `login` and `api_key`, each
/// resolved from its `${VAR}` template (the key is never printed: errors name the variable).
/// `CUTOVER_ODOO_TIMEOUT` sets the seconds one call may take (default 120, Odoo's own limit).
pub(crate) fn connect_odoo(endpoint: &Endpoint, lock: crate::check::schema::SchemaLock) -> Result<OdooSource, String> {
    let setting = |name: &str, template| endpoint_setting("odoo", name, template);
    let url = setting("url", endpoint.url.as_ref())?;
    let database = setting("database", endpoint.database.as_ref())?;
    let login = setting("login", endpoint.login.as_ref())?;
    let api_key = setting("api_key", endpoint.api_key.as_ref())?;
    let mut config = OdooClientConfig::new(url);
    if let Some(seconds) = std::env::var("CUTOVER_ODOO_TIMEOUT").ok().and_then(|s| s.parse::<f64>().ok())
        && seconds > 0.0
    {
        config.timeout = std::time::Duration::from_secs_f64(seconds);
    }
    OdooSource::connect_with(config, &database, &login, &api_key, lock).map_err(|error| error.to_string())
}

/// Connect to the OTRS database a source endpoint names: `url` (`mysql://…` or `postgres://…`,
/// usually `${OTRS_DATABASE_URL}` so the password stays in the environment), `time_zone` to
/// override the database's OTRSTimeZone, `article_dir` for file-system article storage (relative
/// to the spec's directory). `CUTOVER_OTRS_TIMEOUT` sets the seconds to wait for a connection.
pub(crate) fn connect_otrs(
    endpoint: &Endpoint,
    sources: &SourceMap,
) -> Result<crate::drivers::otrs::OtrsSource, String> {
    let url = endpoint_setting("otrs", "url", endpoint.url.as_ref())?;
    let mut config = crate::drivers::otrs::OtrsConfig::new(url);
    config.time_zone = endpoint.time_zone.as_ref().map(|zone| zone.value.clone());
    if let Some(dir) = &endpoint.article_dir {
        let written = dir.resolve(|name| std::env::var(name).ok()).map_err(|unset| unset.to_string())?;
        let written = crate::span::Spanned::new(written, dir.span);
        config.article_dir = Some(crate::check::locks::resolve_path(sources, &written));
    }
    if let Some(seconds) = std::env::var("CUTOVER_OTRS_TIMEOUT").ok().and_then(|s| s.parse::<f64>().ok())
        && seconds > 0.0
    {
        config.timeout = std::time::Duration::from_secs_f64(seconds);
    }
    crate::drivers::otrs::OtrsSource::connect(config).map_err(|error| error.to_string())
}
