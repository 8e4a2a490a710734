//! `cutover sandbox intercom|odoo|topdesk`: local emulators for rehearsals and demos.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::cli::{COULD_NOT_RUN, Stream, emit};
use crate::sandbox::intercom::{FaultConfig, Sandbox, SandboxConfig};
use crate::sandbox::odoo::{EmulatorConfig, OdooEmulator, OdooServer, OdooVersion, Slowness};
use crate::sandbox::topdesk::{
    self, Access, HiddenRecord, Module, SlowAnswer, TopdeskConfig, TopdeskEmulator, TopdeskServer, UnlicensedAnswer,
};

/// Run a local emulator of a destination API until Ctrl-C, printing its base URL on stdout.
/// Point the sink at that URL instead of the real API to rehearse a migration without touching a
/// workspace.
#[derive(Debug, Args)]
pub struct SandboxCommand {
    /// Which API to emulate.
    #[command(subcommand)]
    emulator: Emulator,
}

/// The emulators.
#[derive(Debug, Subcommand)]
enum Emulator {
    /// The Intercom REST API 2.16: the endpoints the Intercom sink uses, with Intercom's errors,
    /// rate limits and search delay, in memory.
    Intercom(IntercomSandbox),
    /// Odoo's XML-RPC External API (`/xmlrpc/2/common`, `/xmlrpc/2/object`) over a helpdesk
    /// written by `cutover generate --platform odoo`, read-only, as Odoo 16, 17 or 18 answers.
    Odoo(OdooSandbox),
    /// TOPdesk's REST APIs (`/tas/api/…`, `/services/knowledge-base-v1/…`) over a TOPdesk
    /// written by `cutover generate --platform topdesk`, read-only, with HTTP Basic auth.
    Topdesk(TopdeskSandbox),
}

/// Options of the TOPdesk emulator.
#[derive(Debug, Args)]
struct TopdeskSandbox {
    /// The generated TOPdesk to serve (`cutover generate --platform topdesk --out DIR`).
    #[arg(long, value_name = "DIR")]
    data: std::path::PathBuf,
    /// Port to listen on, on 127.0.0.1; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The operator's login name (the Basic-auth user).
    #[arg(long, default_value = "api")]
    login: String,
    /// The operator's application password.
    #[arg(long, env = "TOPDESK_PASSWORD", default_value = "topdesk-password", hide_env_values = true)]
    password: String,
    /// Delay added to every request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    delay_ms: u64,
    /// A module the operator has no permission for: every endpoint answers 403 (repeatable;
    /// incidents, persons, operators, branches, changes, assets, knowledge, operations,
    /// reservations).
    #[arg(long = "forbid", value_name = "MODULE", value_parser = Module::parse)]
    forbid: Vec<Module>,
    /// A module that is not licensed: every endpoint answers 404 (repeatable).
    #[arg(long = "unlicensed", value_name = "MODULE", value_parser = Module::parse)]
    unlicensed: Vec<Module>,
    /// A module whose records record-level filters hide: lists come back empty, single records
    /// 404 (repeatable).
    #[arg(long = "filtered", value_name = "MODULE", value_parser = Module::parse)]
    filtered: Vec<Module>,
    /// Requests asking for more than this many records are held, then answered 504.
    #[arg(long, value_name = "N")]
    slow_records: Option<u64>,
}

/// Options of the Odoo emulator.
#[derive(Debug, Args)]
struct OdooSandbox {
    /// The generated helpdesk to serve (`cutover generate --platform odoo --out DIR`).
    #[arg(long, value_name = "DIR")]
    data: std::path::PathBuf,
    /// Port to listen on, on 127.0.0.1; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The Odoo major version to answer as (13 to 18).
    #[arg(long = "odoo-version", default_value_t = 17)]
    odoo_version: u32,
    /// The database name.
    #[arg(long, default_value = "odoo")]
    database: String,
    /// The integration user's login.
    #[arg(long, default_value = "admin")]
    login: String,
    /// The user's API key (on 13, which has none, the user's password).
    #[arg(long, env = "ODOO_API_KEY", default_value = "odoo-key", hide_env_values = true)]
    api_key: String,
    /// Delay added to every call, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    delay_ms: u64,
    /// Reads answering more than this many cells (records × fields) are held, then answered 504,
    /// like a worker killed at its time limit behind a proxy.
    #[arg(long, value_name = "CELLS")]
    slow_cells: Option<u64>,
    /// Reads of MODEL answering a record with this id or a higher one are held, then answered
    /// 504, whatever their size (`helpdesk.ticket:5000`): to rehearse a run stopped by timeouts
    /// and its resume.
    #[arg(long, value_name = "MODEL:ID", value_parser = parse_slow_from)]
    slow_from: Option<(String, i64)>,
}

/// Options of the Intercom sandbox.
#[derive(Debug, Args)]
struct IntercomSandbox {
    /// Port to listen on, on 127.0.0.1; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The bearer token the sandbox accepts; other tokens get 401.
    #[arg(long, env = "INTERCOM_TOKEN", default_value = "sandbox-token", hide_env_values = true)]
    token: String,
    /// Requests allowed per window (Intercom's default is 1666 per 10 s, i.e. 10,000 a minute).
    #[arg(long, default_value_t = 1666)]
    rate: u32,
    /// The rate-limit window in seconds (Intercom's is 10).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    window: u64,
    /// Delay added before every response, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Share of write requests that fail, from 0 to 1, with every kind of fault: 429, 500,
    /// a response held for 30 s, a reset connection, a lost response after the write.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    faults: f64,
    /// A teammate who exists in the workspace, as `EMAIL` or `EMAIL=NAME` (repeatable). The
    /// token's owner, operator@example.com, always exists.
    #[arg(long = "teammate", value_name = "EMAIL[=NAME]")]
    teammates: Vec<String>,
    /// A team that exists in the workspace (repeatable; default: one team, `Support`).
    #[arg(long = "team", value_name = "NAME")]
    teams: Vec<String>,
    /// A custom object type defined in the workspace, by its identifier (repeatable; default:
    /// one type, `Order`). Instances of any other type are refused with a 404, as Intercom does.
    #[arg(long = "custom-object", value_name = "TYPE")]
    custom_objects: Vec<String>,
}

impl SandboxCommand {
    /// Run the emulator until Ctrl-C.
    pub fn execute(self) -> ExitCode {
        match self.emulator {
            Emulator::Intercom(options) => options.run(),
            Emulator::Odoo(options) => options.run(),
            Emulator::Topdesk(options) => options.run(),
        }
    }
}

impl IntercomSandbox {
    fn run(self) -> ExitCode {
        let mut config = SandboxConfig {
            token: self.token,
            rate_limit: self.rate,
            window: Duration::from_secs(self.window.max(1)),
            latency: Duration::from_millis(self.latency_ms),
            faults: FaultConfig { rate: self.faults, ..FaultConfig::default() },
            ..SandboxConfig::default()
        };
        for teammate in &self.teammates {
            let (email, name) = teammate.split_once('=').unwrap_or((teammate, teammate));
            config.admins.push((email.trim().to_owned(), name.trim().to_owned()));
        }
        if !self.teams.is_empty() {
            config.teams = self.teams.clone();
        }
        if !self.custom_objects.is_empty() {
            config.custom_object_types = self.custom_objects.clone();
        }
        serve("Intercom sandbox (API 2.16)", self.port, || Sandbox::start_on(config, self.port))
    }
}

/// What `serve` needs of a running emulator.
trait Running {
    fn base_url(&self) -> String;
    /// Requests answered so far, where the emulator counts them.
    fn handled(&self) -> Option<usize>;
    fn stop(self) -> impl std::future::Future<Output = ()>;
}

impl Running for Sandbox {
    fn base_url(&self) -> String {
        Sandbox::base_url(self)
    }
    fn handled(&self) -> Option<usize> {
        Some(self.requests().len())
    }
    async fn stop(self) {
        self.shutdown().await;
    }
}

impl Running for OdooServer {
    fn base_url(&self) -> String {
        OdooServer::base_url(self)
    }
    fn handled(&self) -> Option<usize> {
        None
    }
    async fn stop(self) {
        self.shutdown().await;
    }
}

impl Running for TopdeskServer {
    fn base_url(&self) -> String {
        TopdeskServer::base_url(self)
    }
    fn handled(&self) -> Option<usize> {
        Some(self.requests().len())
    }
    async fn stop(self) {
        self.shutdown().await;
    }
}

/// Start an emulator on 127.0.0.1:`port` on a runtime of its own, print its URL on stdout (and
/// `what` is listening on stderr), and serve until Ctrl-C.
fn serve<R: Running, F: std::future::Future<Output = std::io::Result<R>>>(
    what: &str,
    port: u16,
    start: impl FnOnce() -> F,
) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = emit(Stream::Stderr, &format!("error: cannot start the async runtime: {error}\n"));
            return ExitCode::from(COULD_NOT_RUN);
        }
    };
    runtime.block_on(async move {
        let running = match start().await {
            Ok(running) => running,
            Err(error) => {
                let _ = emit(Stream::Stderr, &format!("error: cannot listen on 127.0.0.1:{port}: {error}\n"));
                return ExitCode::from(COULD_NOT_RUN);
            }
        };
        let url = running.base_url();
        let note = format!("{what} listening on {url}; Ctrl-C stops it.\n");
        if let Err(code) = emit(Stream::Stdout, &format!("{url}\n")).and_then(|()| emit(Stream::Stderr, &note)) {
            running.stop().await;
            return code;
        }
        let stopped = tokio::signal::ctrl_c().await;
        let handled = running.handled();
        running.stop().await;
        match (stopped, handled) {
            (Ok(()), Some(handled)) => {
                let _ = emit(Stream::Stderr, &format!("Stopped after {handled} requests.\n"));
                ExitCode::SUCCESS
            }
            (Ok(()), None) => ExitCode::SUCCESS,
            (Err(error), _) => {
                let _ = emit(Stream::Stderr, &format!("error: cannot wait for Ctrl-C: {error}\n"));
                ExitCode::from(COULD_NOT_RUN)
            }
        }
    })
}

impl OdooSandbox {
    fn run(self) -> ExitCode {
        let Some(version) = OdooVersion::new(self.odoo_version) else {
            let _ = emit(
                Stream::Stderr,
                &format!("error: Odoo {} is not emulated; use 13, 14, 15, 16, 17 or 18\n", self.odoo_version),
            );
            return ExitCode::from(COULD_NOT_RUN);
        };
        let mut config = EmulatorConfig::new(&self.data, self.api_key);
        if !version.has_api_keys() {
            // 13 has no API keys: the key given is the user's password.
            config.password = Some(config.api_key.clone());
        }
        config.database = self.database;
        config.login = self.login;
        config.version = version;
        config.slowness = Slowness {
            delay: Duration::from_millis(self.delay_ms),
            large_read_cells: self.slow_cells,
            slow_from_id: self.slow_from,
        };
        let emulator = match OdooEmulator::new(config) {
            Ok(emulator) => emulator,
            Err(message) => {
                let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
                return ExitCode::from(COULD_NOT_RUN);
            }
        };
        let what = format!("Odoo {} emulator (XML-RPC)", self.odoo_version);
        serve(&what, self.port, || OdooServer::start(emulator, self.port))
    }
}

impl TopdeskSandbox {
    fn run(self) -> ExitCode {
        let mut config = TopdeskConfig::new(&self.data, self.login, self.password);
        for (modules, access) in [
            (&self.forbid, Access::Forbidden),
            (&self.unlicensed, Access::Unlicensed(UnlicensedAnswer::NotFound)),
            (&self.filtered, Access::Filtered(HiddenRecord::NotFound)),
        ] {
            for module in modules {
                config.access.insert(*module, access);
            }
        }
        config.slowness = topdesk::Slowness {
            delay: Duration::from_millis(self.delay_ms),
            large_page_over: self.slow_records,
            large_page: SlowAnswer::Timeout(topdesk::HOLD),
        };
        let emulator = match TopdeskEmulator::new(config) {
            Ok(emulator) => emulator,
            Err(message) => {
                let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
                return ExitCode::from(COULD_NOT_RUN);
            }
        };
        serve("TOPdesk emulator (REST)", self.port, || TopdeskServer::start(emulator, self.port))
    }
}

/// A fault rate: a number from 0 to 1.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{text}` is not a number from 0 to 1")),
    }
}

/// `MODEL:ID` for `--slow-from`.
fn parse_slow_from(text: &str) -> Result<(String, i64), String> {
    let (model, id) = text.rsplit_once(':').ok_or("expected MODEL:ID, e.g. helpdesk.ticket:5000")?;
    let id = id.parse::<i64>().map_err(|_| format!("`{id}` is not a record id"))?;
    if model.is_empty() {
        return Err("expected MODEL:ID, e.g. helpdesk.ticket:5000".to_owned());
    }
    Ok((model.to_owned(), id))
}
