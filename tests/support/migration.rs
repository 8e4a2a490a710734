//! Rehearsals for runner tests: a generated Odoo helpdesk read through the file driver, the
//! Intercom sandbox in this process, the real `cutover` binary in a child process, and the
//! sandbox's state normalised so runs with different ids can be compared.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use cutover::sandbox::intercom::{FaultConfig, Sandbox, SandboxConfig};
use serde_json::{Map, Value, json};

/// The sandbox's token.
pub const TOKEN: &str = "sandbox-token";

/// Generate an Odoo helpdesk into `out` with the real binary.
pub fn generate(tickets: u32, seed: u64, out: &Path) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["generate", "--platform", "odoo", "--tickets", &tickets.to_string(), "--seed", &seed.to_string()])
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("generate runs");
    assert!(status.success(), "generate failed");
}

/// NDJSON lines of one generated object.
pub fn records(data: &Path, object: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(data.join(format!("{object}.ndjson"))).expect("generated file");
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("json line")).collect()
}

/// Replace the NDJSON file of one object.
pub fn write_records(data: &Path, object: &str, records: &[Value]) {
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(data.join(format!("{object}.ndjson")), text).expect("write records");
}

/// A sandbox whose teammates are the generated helpdesk's active users and whose teams are its
/// teams (inactive users are not teammates: their tickets wait in the reconciliation queue).
pub fn sandbox_config(data: &Path) -> SandboxConfig {
    let mut admins = vec![("operator@example.com".to_owned(), "Migration Operator".to_owned())];
    for user in records(data, "res.users") {
        if user["active"] == json!(true)
            && let (Some(email), Some(name)) = (user["email"].as_str(), user["name"].as_str())
        {
            admins.push((email.to_owned(), name.to_owned()));
        }
    }
    let teams = records(data, "helpdesk.team").iter().filter_map(|t| t["name"].as_str().map(str::to_owned)).collect();
    SandboxConfig { admins, teams, rate_limit: 100_000, window: Duration::from_secs(1), ..SandboxConfig::default() }
}

/// The same, with faults on a share of writes; held responses last `hold`.
pub fn with_faults(mut config: SandboxConfig, rate: f64, hold: Duration) -> SandboxConfig {
    config.faults = FaultConfig { rate, hold, ..FaultConfig::default() };
    config
}

/// A directory with generated data and a spec over it.
pub struct Rehearsal {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
    /// The generated data.
    pub data: PathBuf,
    /// The spec.
    pub spec: PathBuf,
}

impl Rehearsal {
    /// Generate `tickets` tickets and write a spec extending the bundled Odoo spec: the file
    /// source over the data, the sandbox at `url` as sink, state at `state` (`None`: SQLite beside
    /// the spec).
    pub fn new(tickets: u32, seed: u64) -> Rehearsal {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        generate(tickets, seed, &data);
        let spec = dir.path().join("customer.yaml");
        Rehearsal { dir, data, spec }
    }

    /// (Re)write the spec for a sandbox at `url` and a state database.
    pub fn write_spec(&self, url: &str, state: Option<&str>) {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/odoo-helpdesk-to-intercom.yaml");
        let state = state.map(str::to_owned).unwrap_or_else(|| "sqlite:state.db".to_owned());
        let text = format!(
            "cutover: 1\nextends: {}\nsource:\n  driver: file\n  path: {}\n  url: null\n  database: null\n  login: null\n  \
             api_key: null\nsink:\n  driver: intercom\n  token: \"${{INTERCOM_TOKEN}}\"\n  url: {url}\nstate: \"{state}\"\n",
            base.display(),
            self.data.display(),
        );
        std::fs::write(&self.spec, text).expect("write spec");
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_cutover"));
        command
            .args(args)
            .arg(&self.spec)
            .current_dir(self.dir.path())
            .env("INTERCOM_TOKEN", TOKEN)
            .env("NO_COLOR", "1")
            .env("CUTOVER_INTERCOM_TIMEOUT", "1")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// Run `cutover ARGS SPEC` to the end.
    pub async fn cutover(&self, args: &[&str]) -> Output {
        self.command(args).output().await.expect("the binary runs")
    }

    /// Run `cutover ARGS SPEC` to the end with more environment variables (`ODOO_API_KEY`).
    pub async fn cutover_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = self.command(args);
        command.envs(env.iter().copied());
        command.output().await.expect("the binary runs")
    }

    /// Start `cutover ARGS SPEC` without waiting, keeping its output.
    pub fn spawn_capturing(&self, args: &[&str]) -> tokio::process::Child {
        self.command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts")
    }

    /// Start `cutover ARGS SPEC` without waiting.
    pub fn spawn(&self, args: &[&str]) -> tokio::process::Child {
        self.command(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary starts")
    }
}

/// Text of an output, for assertion messages.
pub fn show(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The sandbox's state with its ids taken out: contacts are named by email, tags by name, parts
/// and conversations by content. Two migrations of the same data compare equal exactly when they
/// left the same records, the same number of times, with the same replies and notes in the same
/// order and the same final state, assignees and tags. Timeline events the import itself adds
/// (assignment, close) are left out: a retried assignment may add one more such event, which is
/// not a record.
pub fn normalize(sandbox: &Sandbox) -> Value {
    let dump = sandbox.dump();
    let mut names: HashMap<String, String> = HashMap::new();
    for contact in dump["contacts"].as_array().into_iter().flatten() {
        let id = contact["id"].as_str().unwrap_or_default().to_owned();
        let name = contact["email"].as_str().or(contact["name"].as_str()).unwrap_or("?");
        names.insert(id, format!("contact:{name}"));
    }
    // Companies by their own id: the sandbox hands out ids in the order writes finish.
    for company in dump["companies"].as_array().into_iter().flatten() {
        let id = company["id"].as_str().unwrap_or_default().to_owned();
        let name = company["company_id"].as_str().or(company["name"].as_str()).unwrap_or("?");
        names.insert(id, format!("company:{name}"));
    }
    let tags: HashMap<String, String> = dump["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| (t["id"].as_str().unwrap_or_default().to_owned(), t["name"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let mut out = Map::new();
    let mut dump = dump;
    for conversation in dump["conversations"].as_array_mut().into_iter().flatten() {
        if let Some(parts) = conversation["parts"].as_array_mut() {
            parts.retain(|part| part["part_type"] == "comment" || part["part_type"] == "note");
        }
    }
    for key in ["contacts", "conversations", "notes", "companies"] {
        let mut items: Vec<Value> =
            dump[key].as_array().into_iter().flatten().map(|item| strip(item, &names, &tags, "")).collect();
        items.sort_by_key(|item| item.to_string());
        out.insert(key.to_owned(), Value::Array(items));
    }
    let attributes: Vec<Value> = dump["conversation_attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| json!({ "name": a["name"], "data_type": a["data_type"], "archived": a["archived"] }))
        .collect();
    out.insert("conversation_attributes".to_owned(), Value::Array(attributes));
    Value::Object(out)
}

/// `value` without the ids the sandbox hands out in request order; the ids of authors and
/// assignees (contacts by email, teammates by their configured, stable ids) are kept.
fn strip(value: &Value, names: &HashMap<String, String>, tags: &HashMap<String, String>, under: &str) -> Value {
    let keeps_id = matches!(under, "author" | "assigned_to");
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| key.as_str() != "id" || keeps_id)
                .map(|(key, value)| (key.clone(), strip(value, names, tags, key)))
                .collect(),
        ),
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(|item| strip(item, names, tags, under)).collect();
            if under == "tags" {
                items.sort_by_key(|item| item.to_string());
            }
            Value::Array(items)
        }
        Value::String(text) if under == "tags" => {
            Value::String(tags.get(text).cloned().unwrap_or_else(|| text.clone()))
        }
        Value::String(text) => Value::String(names.get(text).cloned().unwrap_or_else(|| text.clone())),
        other => other.clone(),
    }
}

/// How many conversations carry each original ticket id, and how many contacts each email:
/// every count must be one.
pub fn duplicates(sandbox: &Sandbox) -> Vec<String> {
    duplicates_by(sandbox, "original_ticket_id__c")
}

/// The same, with the conversation attribute that holds the source ticket's id.
pub fn duplicates_by(sandbox: &Sandbox, ticket_attribute: &str) -> Vec<String> {
    let dump = sandbox.dump();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for conversation in dump["conversations"].as_array().into_iter().flatten() {
        let id = &conversation["custom_attributes"][ticket_attribute];
        *seen.entry(format!("conversation for ticket {id}")).or_default() += 1;
    }
    for contact in dump["contacts"].as_array().into_iter().flatten() {
        if let Some(email) = contact["email"].as_str() {
            *seen.entry(format!("contact {email}")).or_default() += 1;
        }
    }
    seen.into_iter().filter(|(_, n)| *n > 1).map(|(what, n)| format!("{what}: {n} times")).collect()
}

/// Conversations and parts in the sandbox: (original ticket id → part bodies in order).
pub fn threads(sandbox: &Sandbox) -> BTreeMap<i64, Vec<String>> {
    let dump = sandbox.dump();
    dump["conversations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let ticket = c["custom_attributes"]["original_ticket_id__c"].as_i64()?;
            let parts = c["parts"].as_array().into_iter().flatten().map(|p| p["body"].to_string()).collect();
            Some((ticket, parts))
        })
        .collect()
}

/// What differs between two normalised states, one line per record, for assertion messages.
pub fn differences(want: &Value, got: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for key in ["contacts", "conversations", "notes", "companies", "conversation_attributes"] {
        let label = |item: &Value| -> String {
            match key {
                "contacts" => item["email"].as_str().or(item["name"].as_str()).unwrap_or("?").to_owned(),
                "conversations" => format!("ticket {}", item["custom_attributes"]["original_ticket_id__c"]),
                _ => item.to_string().chars().take(80).collect(),
            }
        };
        let empty = Vec::new();
        let wanted = want[key].as_array().unwrap_or(&empty);
        let found = got[key].as_array().unwrap_or(&empty);
        for item in wanted {
            if !found.contains(item) {
                let twin = found.iter().find(|other| label(other) == label(item));
                match twin {
                    Some(twin) => {
                        let fields: Vec<String> = item
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(field, value)| twin.get(*field) != Some(*value))
                            .map(|(field, value)| {
                                format!("{field}: want {value}, got {}", twin.get(field).unwrap_or(&Value::Null))
                            })
                            .collect();
                        lines.push(format!("{key} {} differs: {}", label(item), fields.join("; ")));
                    }
                    None => lines.push(format!("{key} {} is missing", label(item))),
                }
            }
        }
        for item in found {
            if !wanted.contains(item) && !wanted.iter().any(|other| label(other) == label(item)) {
                lines.push(format!("{key} {} is extra", label(item)));
            }
        }
        if found.len() != wanted.len() {
            lines.push(format!("{key}: want {}, got {}", wanted.len(), found.len()));
        }
    }
    lines
}

/// The workspace's teammates (lower-cased email → id) and teams (name → id), as `GET /admins`
/// and `GET /teams` list them.
pub async fn admin_and_team_ids(sandbox: &Sandbox) -> (HashMap<String, String>, HashMap<String, String>) {
    async fn get(sandbox: &Sandbox, path: &str) -> Value {
        let response = reqwest::Client::new()
            .get(format!("{}/{path}", sandbox.base_url()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("the sandbox answers");
        assert!(response.status().is_success(), "GET /{path}: {}", response.status());
        response.json().await.expect("JSON")
    }
    let ids = |list: &Value, key: &str, lower: bool| -> HashMap<String, String> {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|item| {
                let name = item[key].as_str().unwrap_or_default();
                let name = if lower { name.to_lowercase() } else { name.to_owned() };
                (name, item["id"].as_str().unwrap_or_default().to_owned())
            })
            .collect()
    };
    let admins = get(sandbox, "admins").await;
    let teams = get(sandbox, "teams").await;
    (ids(&admins["admins"], "email", true), ids(&teams["teams"], "name", false))
}

/// A customer spec that `extends:` a bundled one (`specs/BUNDLED`) with `overlay` (the source and
/// sink settings of a test), in a directory of its own with SQLite state, run by the real binary
/// with `env` (the source's secrets) besides the sandbox's token.
pub struct Customer {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
    /// The customer spec.
    pub spec: PathBuf,
    env: Vec<(String, String)>,
}

impl Customer {
    /// Write the spec.
    pub fn new(bundled: &str, overlay: &str, env: &[(&str, &str)]) -> Customer {
        let dir = tempfile::tempdir().unwrap();
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs").join(bundled);
        let spec = dir.path().join("customer.yaml");
        let text = format!("cutover: 1\nextends: {}\n{overlay}state: \"sqlite:state.db\"\n", base.display());
        std::fs::write(&spec, text).unwrap();
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Customer { dir, spec, env }
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"));
        command
            .args(args)
            .arg(&self.spec)
            .current_dir(self.dir.path())
            .env("INTERCOM_TOKEN", TOKEN)
            .env("NO_COLOR", "1")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null());
        command
    }

    /// Run `cutover ARGS SPEC` to the end.
    pub fn cutover(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    /// The same from async code, without holding a runtime thread.
    pub async fn cutover_async(&self, args: &[&str]) -> Output {
        tokio::process::Command::from(self.command(args)).output().await.expect("the binary runs")
    }

    /// `cutover report --format json`.
    pub fn report(&self) -> Value {
        report_json(&self.cutover(&["report", "--format", "json"]))
    }

    /// The same from async code.
    pub async fn report_async(&self) -> Value {
        report_json(&self.cutover_async(&["report", "--format", "json"]).await)
    }
}

fn report_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("report is JSON ({e}): {}", show(output)))
}

/// How many records of `object` a JSON report counts under `outcome` (`created`, `merged`, …).
pub fn outcome(report: &Value, object: &str, outcome: &str) -> i64 {
    report["objects"]
        .as_array()
        .and_then(|objects| objects.iter().find(|o| o["object"] == object))
        .map_or(0, |o| o["outcomes"][outcome].as_i64().unwrap_or(0))
}
