//! What `run`, `report`, `verify` and `rollback` share: the state database, the destination,
//! the spec's hash and pins, logging, and Ctrl-C.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::cli::prepared::{Prepared, prepare};
use crate::cli::{COULD_NOT_RUN, Stream, emit};
use crate::drivers::file::FileDestination;
use crate::drivers::intercom::{ClientConfig, Endpoint, IntercomDestination, PacerConfig, Region, Token};
use crate::report::RenderStyle;
use crate::state::Ledger;

/// The default state database, beside the spec.
pub(crate) const DEFAULT_STATE: &str = "sqlite:cutover.db";

/// Each file the spec was made from, as `(path, sha256)`: the spec, its base specs, its locks.
pub(crate) fn pins(prepared: &Prepared) -> Vec<(String, String)> {
    prepared
        .sources
        .iter()
        .filter_map(|(_, file)| {
            let path = file.path.as_ref()?;
            let digest = Sha256::digest(file.text.as_bytes());
            Some((path.display().to_string(), digest.iter().map(|b| format!("{b:02x}")).collect()))
        })
        .collect()
}

/// One hash over every pinned file.
pub(crate) fn spec_hash(prepared: &Prepared) -> String {
    let mut hasher = Sha256::new();
    for (path, sum) in pins(prepared) {
        hasher.update(path.as_bytes());
        hasher.update(sum.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `run --plan FILE`: refuse when the spec, a base spec or a lock changed since the plan was
/// written (or the plan was made from other files).
pub(crate) fn check_plan(prepared: &Prepared, plan: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(plan).map_err(|e| format!("cannot read the plan {}: {e}", plan.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a plan written by `cutover plan --out`: {e}", plan.display()))?;
    let Some(pinned) = json.get("pins").and_then(|p| p.as_array()) else {
        return Err(format!("{} has no `pins`: write it with `cutover plan SPEC --out FILE`", plan.display()));
    };
    let pinned: Vec<(String, String)> = pinned
        .iter()
        .filter_map(|pin| Some((pin.get("path")?.as_str()?.to_owned(), pin.get("sha256")?.as_str()?.to_owned())))
        .collect();
    let now = pins(prepared);
    let mut changes = Vec::new();
    for (path, sum) in &now {
        match pinned.iter().find(|(p, _)| p == path) {
            Some((_, old)) if old == sum => {}
            Some(_) => changes.push(format!("{path} changed")),
            None => changes.push(format!("{path} is not in the plan")),
        }
    }
    for (path, _) in &pinned {
        if !now.iter().any(|(p, _)| p == path) {
            changes.push(format!("{path} is in the plan but no longer used by the spec"));
        }
    }
    if changes.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the plan {} no longer matches the spec ({}); review the change and write the plan again with \
             `cutover plan SPEC --out {}`",
            plan.display(),
            changes.join("; "),
            plan.display()
        ))
    }
}

/// The spec's directory (relative paths in settings are relative to it).
pub(crate) fn spec_dir(spec: &Path) -> PathBuf {
    spec.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Open the state database the spec names (`state:`, default `sqlite:cutover.db` beside it).
pub(crate) async fn open_ledger(prepared: &Prepared, spec: &Path) -> Result<Ledger, String> {
    let url = match &prepared.spec.state {
        Some(template) => {
            template.resolve(|name| std::env::var(name).ok()).map_err(|unset| format!("state: {unset}"))?
        }
        None => DEFAULT_STATE.to_owned(),
    };
    Ledger::open(&url, &spec_dir(spec)).await.map_err(|e| e.message)
}

/// Seconds to wait for one Intercom response (`CUTOVER_INTERCOM_TIMEOUT`, default 30).
fn timeout() -> Duration {
    let seconds = std::env::var("CUTOVER_INTERCOM_TIMEOUT").ok().and_then(|s| s.parse::<f64>().ok()).unwrap_or(30.0);
    Duration::from_secs_f64(seconds.max(0.1))
}

/// Connect to the Intercom workspace of the spec's sink: the token from the environment, the
/// region or explicit `url:`, the rate budget and share.
pub(crate) async fn connect_intercom(prepared: &Prepared) -> Result<IntercomDestination, String> {
    let sink = &prepared.spec.sink;
    if sink.driver.value != "intercom" {
        return Err(format!(
            "the sink driver is `{}`; `run` writes to `intercom` (or use --dry-run)",
            sink.driver.value
        ));
    }
    let token = match &sink.token {
        Some(template) => {
            template.resolve(|name| std::env::var(name).ok()).map_err(|unset| format!("sink token: {unset}"))?
        }
        None => {
            return Err("the sink has no `token:`; write `token: \"${INTERCOM_TOKEN}\"` and set the variable".into());
        }
    };
    let endpoint = match (&sink.url, &sink.region) {
        (Some(url), _) => {
            Endpoint::Url(url.resolve(|name| std::env::var(name).ok()).map_err(|unset| format!("sink url: {unset}"))?)
        }
        (None, Some(region)) => Endpoint::Region(
            Region::from_app_region(&region.value)
                .ok_or_else(|| format!("sink region `{}`: use us, eu or au", region.value))?,
        ),
        (None, None) => {
            Endpoint::Region(Region::from_app_region("us").unwrap_or_else(|| unreachable!("us is a region")))
        }
    };
    let share = sink.share.as_ref().map_or(1.0, |s| s.value);
    let mut config = ClientConfig::new(endpoint, Token::new(token));
    config.pacer = PacerConfig { share, ..PacerConfig::default() };
    config.timeout = timeout();
    IntercomDestination::connect(config).await.map_err(|e| format!("cannot connect to the Intercom workspace: {e}"))
}

/// The dry-run destination: NDJSON files under `dir`. When the workspace lock lists the
/// teammates' emails and the teams, admins and teams are matched against those lists as a real
/// run would match them against the workspace.
pub(crate) fn file_destination(prepared: &Prepared, dir: &Path) -> Result<FileDestination, String> {
    let destination =
        FileDestination::create(dir).map_err(|e| format!("cannot write the dry run into {}: {e}", dir.display()))?;
    let known = |kind: &str, field: &str| -> Vec<String> {
        let values = prepared.schemas.sink.objects.get(kind).and_then(|o| o.fields.get(field)).map(|f| &f.values);
        values.into_iter().flatten().map(|v| v.value.clone()).collect()
    };
    let (admins, teams) = (known("admin", "email"), known("team", "name"));
    Ok(if admins.is_empty() && teams.is_empty() { destination } else { destination.with_known(&admins, &teams) })
}

/// A multi-threaded runtime (source reads block a worker while writes go on).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Structured logs (tracing) appended to `path`; `RUST_LOG` filters them (default `info`).
pub(crate) fn init_logging(path: &Path) -> Result<(), String> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open the log {}: {e}", path.display()))?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "cutover=info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
    Ok(())
}

/// Ctrl-C once: stop starting new writes (in-flight ones finish and are recorded). Twice: quit
/// now (the next run settles whatever was in flight).
pub(crate) fn stop_on_ctrl_c(stop: Arc<AtomicBool>) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "\nstopping: letting the writes in flight finish (Ctrl-C again to quit now; the next run settles them)"
            );
            stop.store(true, Ordering::SeqCst);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}

/// Load the spec, open its state database and run `work` with both on a fresh runtime; the
/// database is closed afterwards. Errors are printed: a spec with errors gives its exit code, any
/// other failure exit 2.
pub(crate) fn with_ledger<T>(
    spec: &Path,
    style: RenderStyle,
    work: impl AsyncFnOnce(&Prepared, &Ledger) -> Result<T, String>,
) -> Result<T, std::process::ExitCode> {
    let prepared = prepare(spec, style)?;
    let outcome = runtime().and_then(|runtime| {
        runtime.block_on(async {
            let ledger = open_ledger(&prepared, spec).await?;
            let outcome = work(&prepared, &ledger).await;
            ledger.close().await;
            outcome
        })
    });
    outcome.map_err(|message| {
        let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
        std::process::ExitCode::from(COULD_NOT_RUN)
    })
}
