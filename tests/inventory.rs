//! `cutover inventory` against the Odoo emulator over XML-RPC: the Markdown document for the
//! generated helpdesk (a reviewed snapshot), the JSON form checked against the generated data,
//! secret columns blanked, and the error when the source cannot be read.

use std::path::{Path, PathBuf};

use cutover::sandbox::odoo::{EmulatorConfig, ModelAccess};
use serde_json::Value;

use crate::support;
use crate::support::odoo::Served;

const KEY: &str = "inventory-test-key";

/// One generated Odoo dataset (30 tickets, seed 9).
fn data() -> &'static Path {
    support::odoo::dataset("inventory", 30, 9)
}

fn generated(object: &str) -> Vec<Value> {
    support::migration::records(data(), object)
}

/// The emulator over the dataset.
fn serve() -> Served {
    Served::serve(EmulatorConfig::new(data(), KEY))
}

/// A spec extending the bundled one, reading the Odoo at `url`, with `extra` appended.
fn spec(dir: &Path, url: &str, extra: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/odoo-helpdesk-to-intercom.yaml");
    let text = format!(
        "cutover: 1\nextends: {}\nsource:\n  driver: odoo\n  url: {url}\n  database: odoo\n  login: admin\n  \
         api_key: \"${{ODOO_API_KEY}}\"\n{extra}",
        base.display()
    );
    let path = dir.join("spec.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Run `cutover inventory SPEC ARGS` with the emulator's key; exit code, stdout, stderr.
fn inventory(spec: &Path, args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .arg("inventory")
        .arg(spec)
        .args(args)
        .env("NO_COLOR", "1")
        .env("ODOO_API_KEY", KEY)
        .env("INTERCOM_TOKEN", "unused")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn markdown_lists_sla_policies_team_settings_and_what_to_rebuild_by_hand() {
    let served = serve();
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(dir.path(), &served.url(), "");
    let out = dir.path().join("inventory.md");
    let (code, stdout, stderr) = inventory(&spec, &["-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("2 sections, 7 rows, 3 automated actions and 3 mail aliases"), "{stderr}");
    let markdown = std::fs::read_to_string(&out).unwrap();
    support::settings("inventory").bind(|| insta::assert_snapshot!("odoo_generated", markdown));
}

#[test]
fn json_form_carries_every_row_and_no_secret() {
    let served = serve();
    let dir = tempfile::tempdir().unwrap();
    // An extra section that asks for a secret column: it is listed blank.
    let extra = "inventory:\n  ratings:\n    from: rating.rating\n    where: consumed\n    columns: [res_id, rating, access_token]\n";
    let spec = spec(dir.path(), &served.url(), extra);
    let (code, stdout, stderr) = inventory(&spec, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let document: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["inventory"], 1);
    assert_eq!(document["title"], "Odoo Help Desk to Intercom");
    let sections = document["sections"].as_array().unwrap();
    let keys: Vec<&str> = sections.iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["sla_policies", "teams", "ratings"]);

    let teams = generated("helpdesk.team");
    let team_rows = sections[1]["rows"].as_array().unwrap();
    assert_eq!(team_rows.len(), teams.len());
    for (row, team) in team_rows.iter().zip(&teams) {
        assert_eq!(row[0], team["name"]);
        let alias = &row[10];
        assert_eq!(alias.as_str(), team["alias_name"].as_str());
    }
    let slas = sections[0]["rows"].as_array().unwrap();
    assert_eq!(slas.len(), generated("helpdesk.sla").len());
    // team_id.name is resolved through the relation.
    let team_of_first = generated("helpdesk.sla")[0]["team_id"].as_i64().unwrap();
    let team_name = teams.iter().find(|t| t["id"].as_i64() == Some(team_of_first)).unwrap()["name"].clone();
    assert_eq!(slas[0][2], team_name);

    let consumed = generated("rating.rating").iter().filter(|r| r["consumed"] == Value::Bool(true)).count();
    let ratings = sections[2]["rows"].as_array().unwrap();
    assert_eq!(
        (sections[2]["read"].as_u64(), ratings.len()),
        (Some(generated("rating.rating").len() as u64), consumed)
    );
    assert!(ratings.iter().all(|row| row[2] == "(secret, not shown)"));
    for rating in generated("rating.rating") {
        if let Some(token) = rating["access_token"].as_str() {
            assert!(!stdout.contains(token), "a rating's access token leaked");
        }
    }

    let rebuild = &document["rebuild"];
    let automations = rebuild["automations"].as_array().unwrap();
    assert_eq!(automations.len(), generated("base.automation").len());
    assert_eq!(automations.iter().filter(|a| a["active"] == false).count(), 1);
    assert!(automations[1]["actions"].as_array().unwrap().len() == 2);
    let aliases = rebuild["aliases"].as_array().unwrap();
    let named = generated("mail.alias").iter().filter(|a| a["alias_name"].is_string()).count();
    assert_eq!(aliases.len(), named);
    assert_eq!(aliases[0]["address"], "support@help.example.com");
    assert_eq!(aliases[0]["owner"], "Helpdesk Team: Customer Care");
    assert_eq!(aliases[1]["accepts_from"], "Authenticated Partners");
}

#[test]
fn an_unreachable_source_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let spec = spec(dir.path(), &format!("http://127.0.0.1:{port}"), "");
    let out = dir.path().join("inventory.md");
    let (code, stdout, stderr) = inventory(&spec, &["-o", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.starts_with("error: cannot read the Odoo source:"), "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
    assert!(!stderr.contains(KEY), "the key is never printed");
    assert!(!out.exists(), "no document is written");
}

#[test]
fn the_file_source_gives_the_sections_without_the_odoo_part() {
    let dir = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/odoo-helpdesk-to-intercom.yaml");
    let text = format!(
        "cutover: 1\nextends: {}\nsource:\n  driver: file\n  path: {}\n  schema: {}\n  url: null\n  database: null\n  \
         login: null\n  api_key: null\n",
        base.display(),
        data().display(),
        data().join("odoo.lock.yaml").display()
    );
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, text).unwrap();
    let (code, stdout, stderr) = inventory(&spec, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let document: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["source"], "the file source");
    assert!(document.get("rebuild").is_none(), "only Odoo has a rebuild-by-hand part");
    let sections = document["sections"].as_array().unwrap();
    assert_eq!(sections[0]["rows"].as_array().unwrap().len(), generated("helpdesk.sla").len());
    assert_eq!(sections[1]["rows"].as_array().unwrap().len(), generated("helpdesk.team").len());
    let (code, markdown, _) = inventory(&spec, &[]);
    assert_eq!(code, 0);
    assert!(markdown.starts_with("# Inventory: Odoo Help Desk to Intercom\n"));
    assert!(!markdown.contains("## Rebuild by hand"));
}

#[test]
fn models_the_database_lacks_or_hides_are_notes_not_failures() {
    let mut config = EmulatorConfig::new(data(), KEY);
    config.access.insert("base.automation".to_owned(), ModelAccess::Missing);
    config.access.insert("mail.alias".to_owned(), ModelAccess::Denied { groups: vec!["Settings".to_owned()] });
    let served = Served::serve(config);
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(dir.path(), &served.url(), "");
    let (code, markdown, stderr) = inventory(&spec, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(markdown.contains("Note: `base.automation` does not exist on this database: no automated actions to list"));
    assert!(markdown.contains("Note: the Odoo user may not read `mail.alias`, so its mail aliases are not listed"));
    assert!(markdown.contains("- Automated actions to rebuild by hand: 0\n"), "{markdown}");
}
