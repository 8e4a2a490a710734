//! `cutover demo`: the whole migration on embedded defaults, end to end.
//!
//! A generated Odoo helpdesk is served over real XML-RPC by the Odoo emulator, the Intercom sandbox
//! serves in this process too (both on free loopback ports; the generated active agents are the
//! teammates, the generated teams the teams), and the bundled Odoo spec (written beside the data
//! with its locks) runs on SQLite state: discover, validate, plan, run, verify, report, inventory,
//! rollback.
//! Each step is this same binary in a child process, exactly as a consultant would type it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Args;

use crate::cli::{COULD_NOT_RUN, Stream, emit};
use crate::generate::{self, Platform};
use crate::sandbox::intercom::{Sandbox, SandboxConfig};
use crate::sandbox::odoo::{EmulatorConfig, OdooEmulator, OdooServer};

/// The bundled spec and its locks, written beside the demo's data.
const BUNDLED: [(&str, &str); 3] = [
    ("odoo-helpdesk-to-intercom.yaml", include_str!("../../specs/odoo-helpdesk-to-intercom.yaml")),
    ("schemas/odoo-17.lock.yaml", include_str!("../../specs/schemas/odoo-17.lock.yaml")),
    ("schemas/intercom-workspace.lock.yaml", include_str!("../../specs/schemas/intercom-workspace.lock.yaml")),
];

/// The sandbox's token in the demo.
const TOKEN: &str = "demo-token";

/// The emulated Odoo user's API key in the demo.
const ODOO_KEY: &str = "demo-odoo-key";

/// Rehearse a whole migration on embedded defaults: a generated Odoo helpdesk served by the Odoo
/// emulator, the Intercom sandbox, SQLite state; discover, validate, plan, run, verify, report,
/// inventory and rollback.
#[derive(Debug, Args)]
pub struct DemoCommand {
    /// Tickets to generate.
    #[arg(long, default_value_t = 200)]
    tickets: u64,
    /// Seed of the generated helpdesk.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Keep everything (data, spec, state database, logs, reports) in DIR instead of a temporary
    /// directory that is removed at the end.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

impl DemoCommand {
    /// Run every step; exit 0 when the run accounted for every record, verify found no
    /// mismatch and rollback left nothing behind.
    pub fn execute(self) -> ExitCode {
        let temporary = match &self.dir {
            Some(_) => None,
            None => match tempfile::Builder::new().prefix("cutover-demo-").tempdir() {
                Ok(dir) => Some(dir),
                Err(error) => return fail(&format!("cannot make a temporary directory: {error}")),
            },
        };
        let dir =
            self.dir.clone().unwrap_or_else(|| temporary.as_ref().map(|t| t.path().to_path_buf()).unwrap_or_default());
        match self.rehearse(&dir) {
            Ok(code) => code,
            Err(message) => fail(&message),
        }
    }

    fn rehearse(&self, dir: &Path) -> Result<ExitCode, String> {
        let data = dir.join("data");
        say(&format!("generating {} Odoo tickets (seed {}) in {}", self.tickets, self.seed, data.display()));
        generate::generate(Platform::Odoo, self.tickets, self.seed, &data)
            .map_err(|e| format!("cannot write the generated helpdesk into {}: {e}", data.display()))?;
        for (name, text) in BUNDLED {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let config = workspace(&data)?;
        say(&format!(
            "starting the Intercom sandbox with {} teammates and {} teams",
            config.admins.len(),
            config.teams.len()
        ));
        let sandbox = runtime.block_on(Sandbox::start(config)).map_err(|e| format!("cannot start the sandbox: {e}"))?;
        let odoo_config = EmulatorConfig::new(&data, ODOO_KEY);
        let emulator =
            OdooEmulator::new(odoo_config.clone()).map_err(|e| format!("cannot load the Odoo emulator: {e}"))?;
        let odoo = runtime
            .block_on(OdooServer::start(emulator, 0))
            .map_err(|e| format!("cannot start the Odoo emulator: {e}"))?;
        say(&format!("serving the generated helpdesk as Odoo {} at {}", odoo_config.version.serie(), odoo.base_url()));
        let spec = dir.join("demo.yaml");
        let text = format!(
            "# The demo: the bundled Odoo spec, from the Odoo emulator into the local Intercom sandbox.\n\
             cutover: 1\nextends: odoo-helpdesk-to-intercom.yaml\nsource:\n  driver: odoo\n  url: {}\n  \
             database: {}\n  login: {}\n  api_key: \"${{ODOO_API_KEY}}\"\n  schema: schemas/odoo-discovered.lock.yaml\n\
             sink:\n  driver: intercom\n  token: \"${{INTERCOM_TOKEN}}\"\n  url: {}\nstate: sqlite:demo.db\n",
            odoo.base_url(),
            odoo_config.database,
            odoo_config.login,
            sandbox.base_url()
        );
        std::fs::write(&spec, text).map_err(|e| format!("cannot write {}: {e}", spec.display()))?;
        let plan = dir.join("plan.json");
        let inventory = dir.join("inventory.md");
        let steps: [(&str, Vec<String>); 8] = [
            ("discover", vec!["discover".into()]),
            ("validate", vec!["validate".into()]),
            ("plan", vec!["plan".into(), "--out".into(), plan.display().to_string()]),
            ("run", vec!["run".into(), "--plan".into(), plan.display().to_string()]),
            ("verify", vec!["verify".into(), "--sample".into(), "50".into()]),
            ("report", vec!["report".into()]),
            ("inventory", vec!["inventory".into(), "--out".into(), inventory.display().to_string()]),
            ("rollback", vec!["rollback".into()]),
        ];
        let mut outcomes = Vec::new();
        for (name, args) in steps {
            say(&format!("cutover {} {}", args.join(" "), spec.display()));
            let code = step(&args, &spec)?;
            outcomes.push((name, code));
            if name == "inventory" && code == 0 {
                say(&format!(
                    "the SLA policies, team settings, automated actions and mail aliases to rebuild by hand are in {}",
                    inventory.display()
                ));
            }
            // A spec that does not validate, or a run that could not start, ends the demo.
            if matches!(name, "discover" | "validate" | "plan" | "run") && !matches!(code, 0 | 1) {
                return Err(format!("`{name}` failed (exit {code}); the files are in {}", dir.display()));
            }
        }
        let left = sandbox.dump();
        let remaining =
            ["contacts", "conversations"].iter().map(|k| left[*k].as_array().map_or(0, Vec::len)).sum::<usize>();
        runtime.block_on(sandbox.shutdown());
        runtime.block_on(odoo.shutdown());
        let code = |wanted: &str| outcomes.iter().find(|(name, _)| *name == wanted).map_or(-1, |(_, code)| *code);
        let passed = code("verify") == 0
            && code("report") == 0
            && code("inventory") == 0
            && code("rollback") == 0
            && remaining == 0;
        say(&format!(
            "demo {}: run exit {} (1 means some records failed or wait in the queue, each with its reason above), \
             verify exit {}, report exit {}, inventory exit {}, rollback exit {}; {remaining} contacts and \
             conversations left in the sandbox",
            if passed { "finished" } else { "found problems" },
            code("run"),
            code("verify"),
            code("report"),
            code("inventory"),
            code("rollback"),
        ));
        Ok(if passed { ExitCode::SUCCESS } else { ExitCode::from(super::FOUND_ERRORS) })
    }
}

/// The workspace the demo migrates into: the generated helpdesk's active internal users are
/// teammates (inactive ones are not, so their tickets show the reconciliation queue; portal users
/// are customers), its teams exist.
fn workspace(data: &Path) -> Result<SandboxConfig, String> {
    let lines = |object: &str| -> Result<Vec<serde_json::Value>, String> {
        let path = data.join(format!("{object}.ndjson"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok(text.lines().filter_map(|line| serde_json::from_str(line).ok()).collect())
    };
    let mut config = SandboxConfig { token: TOKEN.to_owned(), ..SandboxConfig::default() };
    config.admins = vec![("operator@example.com".to_owned(), "Migration Operator".to_owned())];
    for user in lines("res.users")? {
        if user["active"] == serde_json::Value::Bool(true)
            && user["share"] == serde_json::Value::Bool(false)
            && let (Some(email), Some(name)) = (user["email"].as_str(), user["name"].as_str())
        {
            config.admins.push((email.to_owned(), name.to_owned()));
        }
    }
    config.teams = lines("helpdesk.team")?.iter().filter_map(|t| t["name"].as_str().map(str::to_owned)).collect();
    Ok(config)
}

/// Run `cutover ARGS SPEC` with this binary; its exit code.
fn step(args: &[String], spec: &Path) -> Result<i32, String> {
    let binary = std::env::current_exe().map_err(|e| format!("cannot find this program's path: {e}"))?;
    let status = Command::new(binary)
        .args(args)
        .arg(spec)
        .env("INTERCOM_TOKEN", TOKEN)
        .env("ODOO_API_KEY", ODOO_KEY)
        .status()
        .map_err(|e| format!("cannot run `cutover {}`: {e}", args.join(" ")))?;
    Ok(status.code().unwrap_or(-1))
}

fn say(line: &str) {
    let _ = emit(Stream::Stderr, &format!("\n==> {line}\n"));
}

fn fail(message: &str) -> ExitCode {
    let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
    ExitCode::from(COULD_NOT_RUN)
}
