//! `cutover generate --platform otrs --sql ENGINE`: the generated helpdesk in real MariaDB and
//! PostgreSQL databases: the SQL loads (foreign keys included, so they hold), the rows match the
//! NDJSON, text and attachment bytes survive, FS and mixed article storage put files on disk, and
//! another OTRSTimeZone shifts the naive times.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Instant;

use base64::Engine as _;
use cutover::generate::otrs_sql::{ArticleStorage, Engine, SqlOptions};
use cutover::generate::{Platform, generate};
use serde_json::Value;
use sqlx::{Connection, Row};

use crate::support::otrs::{OtrsDatabase, database, load_generated};

const ENGINES: [Engine; 2] = [Engine::MySql, Engine::Postgres];

fn records(dir: &Path, table: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join(format!("{table}.ndjson"))).unwrap_or_else(|e| panic!("{table}: {e}"));
    text.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect()
}

fn decode(text: &str) -> Vec<u8> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).expect("base64")
}

/// Rows of a query whose columns are all text; `{text}` in the query is the engine's text type
/// for CAST (CHAR on MySQL, TEXT on PostgreSQL).
async fn texts(db: &OtrsDatabase, query: &str) -> Vec<Vec<Option<String>>> {
    let query = query.replace("{text}", if db.engine == Engine::MySql { "CHAR" } else { "TEXT" });
    let read = |row: &dyn Fn(usize) -> Option<String>, width: usize| (0..width).map(row).collect::<Vec<_>>();
    match db.engine {
        Engine::MySql => {
            let mut conn = sqlx::MySqlConnection::connect(&db.url).await.expect("connect");
            let rows = sqlx::query(&query).fetch_all(&mut conn).await.unwrap_or_else(|e| panic!("{query}: {e}"));
            rows.iter()
                .map(|r| {
                    read(&|k| r.try_get::<Option<String>, _>(k).unwrap_or_else(|e| panic!("{query}: {e}")), r.len())
                })
                .collect()
        }
        Engine::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            let rows = sqlx::query(&query).fetch_all(&mut conn).await.unwrap_or_else(|e| panic!("{query}: {e}"));
            rows.iter()
                .map(|r| {
                    read(&|k| r.try_get::<Option<String>, _>(k).unwrap_or_else(|e| panic!("{query}: {e}")), r.len())
                })
                .collect()
        }
    }
}

async fn count(db: &OtrsDatabase, table: &str) -> u64 {
    let rows = texts(db, &format!("SELECT CAST(COUNT(*) AS {{text}}) FROM {table}")).await;
    rows[0][0].as_deref().expect("a count").parse().expect("a number")
}

/// Attachment contents by id: MySQL's raw bytes, PostgreSQL's stored text as bytes.
async fn attachment_contents(db: &OtrsDatabase) -> BTreeMap<i64, Vec<u8>> {
    let query = "SELECT id, content FROM article_data_mime_attachment ORDER BY id";
    match db.engine {
        Engine::MySql => {
            let mut conn = sqlx::MySqlConnection::connect(&db.url).await.expect("connect");
            let rows = sqlx::query(query).fetch_all(&mut conn).await.expect("attachments");
            rows.iter().map(|r| (r.get::<i64, _>(0), r.get::<Vec<u8>, _>(1))).collect()
        }
        Engine::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            let rows = sqlx::query(query).fetch_all(&mut conn).await.expect("attachments");
            rows.iter().map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1).into_bytes())).collect()
        }
    }
}

/// The setting's effective value: the administrator's (sysconfig_modified) over the default.
async fn setting(db: &OtrsDatabase, name: &str) -> String {
    let rows = texts(
        db,
        &format!(
            "SELECT CAST(COALESCE(m.effective_value, d.effective_value) AS {{text}}) FROM sysconfig_default d \
             LEFT JOIN sysconfig_modified m ON m.sysconfig_default_id = d.id AND m.user_id IS NULL \
             WHERE d.name = '{name}'"
        ),
    )
    .await;
    rows[0][0].clone().expect("a value")
}

#[tokio::test]
async fn the_sql_loads_on_both_engines_with_the_ndjson_row_counts() {
    for engine in ENGINES {
        let started = Instant::now();
        let db = database(engine, 500, 11, ArticleStorage::Db, "UTC").await;
        let took = started.elapsed();
        assert!(db.name.starts_with("cutover_otrs_") && db.url.ends_with(&format!("/{}", db.name)), "{}", db.url);
        assert!(took.as_secs() < 60, "{engine}: generating and loading 500 tickets took {took:?}");
        let mut tables = Vec::new();
        for entry in std::fs::read_dir(&db.dir).expect("the output directory") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "ndjson") {
                tables.push(path.file_stem().unwrap().to_string_lossy().into_owned());
            }
        }
        assert!(tables.len() >= 25, "{tables:?}");
        for table in &tables {
            let lines = std::fs::read_to_string(db.dir.join(format!("{table}.ndjson"))).unwrap().lines().count() as u64;
            assert_eq!(count(&db, table).await, lines, "{engine}: rows of {table}");
        }
        // The foreign keys of Znuny's schema-post were added after the data, so every row fits them.
        let query = if engine == Engine::MySql {
            "SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.table_constraints \
             WHERE constraint_type = 'FOREIGN KEY' AND table_schema = DATABASE()"
        } else {
            "SELECT CAST(COUNT(*) AS TEXT) FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'"
        };
        let fks: u64 = texts(&db, query).await[0][0].as_deref().unwrap().parse().unwrap();
        assert!(fks > 150, "{engine}: {fks} foreign keys");
        assert_eq!(setting(&db, "OTRSTimeZone").await, "--- UTC\n");
        assert!(setting(&db, "Ticket::Article::Backend::MIMEBase::ArticleStorage").await.ends_with("StorageDB\n"));
        // A new ticket gets the next id (PostgreSQL's sequences were moved past the data).
        if engine == Engine::Postgres {
            let seq = texts(&db, "SELECT CAST(nextval(pg_get_serial_sequence('ticket', 'id')) AS TEXT)").await;
            assert_eq!(seq[0][0].as_deref(), Some("501"));
        }
    }
}

#[tokio::test]
async fn text_with_quotes_backslashes_newlines_and_rtl_round_trips() {
    let nasty_title =
        "O'Brien's \\ \"quoted\" \\n back\\\\slash; -- not a comment \u{fffd} مرحبا بالعالم \u{202e}tfel\u{202c} end";
    let nasty_body = "Line one');\nDROP TABLE ticket; -- '\n\\x00 \\' ''\r\n\tשלום עולם \u{fffd}\nX'41' $$ E'\\n' done";
    for engine in ENGINES {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().to_path_buf();
        generate(Platform::Otrs, 30, 5, &dir).unwrap();
        // Put the nasty texts into ticket 1 and the first article's body, as the generator writes
        // JSON.
        let patch = |table: &str, key: &str, value: &str| {
            let path = dir.join(format!("{table}.ndjson"));
            let text = std::fs::read_to_string(&path).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let mut first: serde_json::Map<String, Value> = serde_json::from_str(&lines[0]).unwrap();
            first.insert(key.to_owned(), Value::String(value.to_owned()));
            lines[0] = serde_json::to_string(&first).unwrap();
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        };
        patch("ticket", "title", nasty_title);
        patch("article_data_mime", "a_body", nasty_body);
        let db = load_generated(temp, &SqlOptions::new(engine)).await;
        let dir = db.dir.as_path();
        let title = texts(&db, "SELECT title FROM ticket WHERE id = 1").await;
        assert_eq!(title[0][0].as_deref(), Some(nasty_title), "{engine}");
        let body = texts(&db, "SELECT a_body FROM article_data_mime ORDER BY id LIMIT 1").await;
        assert_eq!(body[0][0].as_deref(), Some(nasty_body), "{engine}");
        // Every generated title arrives unchanged too (Greek, Cyrillic, Japanese, Arabic,
        // zero-width and control characters, U+FFFD).
        let tickets = records(dir, "ticket");
        let stored = texts(&db, "SELECT title FROM ticket ORDER BY id").await;
        for (record, row) in tickets.iter().zip(&stored) {
            assert_eq!(record["title"].as_str(), row[0].as_deref(), "{engine}: ticket {}", record["id"]);
        }
    }
}

#[tokio::test]
async fn attachment_bytes_are_raw_on_mysql_and_wrapped_base64_on_postgres() {
    for engine in ENGINES {
        let db = database(engine, 120, 3, ArticleStorage::Db, "UTC").await;
        let expected: BTreeMap<i64, Vec<u8>> = records(&db.dir, "article_data_mime_attachment")
            .iter()
            .map(|r| (r["id"].as_i64().unwrap(), decode(r["content"].as_str().unwrap_or(""))))
            .collect();
        assert!(expected.len() > 20, "{} attachments", expected.len());
        let stored = attachment_contents(&db).await;
        assert_eq!(stored.len(), expected.len(), "{engine}");
        for (id, bytes) in &expected {
            let got = &stored[id];
            match engine {
                Engine::MySql => assert_eq!(got, bytes, "MySQL attachment {id}"),
                Engine::Postgres => {
                    let text = std::str::from_utf8(got).expect("base64 text");
                    assert!(text.split_terminator('\n').all(|line| line.len() <= 76), "attachment {id}: {text:.200}");
                    assert!(bytes.len() <= 57 || text.contains('\n'), "attachment {id} is not wrapped");
                    assert!(bytes.is_empty() || text.ends_with('\n'), "attachment {id}");
                    assert_eq!(&decode(text), bytes, "PostgreSQL attachment {id}");
                }
            }
        }
    }
}

/// The file names the FS backend gives an article's attachments, in row order.
fn fs_names(rows: &[&Value]) -> Vec<String> {
    let mut used = HashSet::new();
    rows.iter()
        .map(|r| {
            let wanted = r["filename"].as_str().unwrap().to_owned();
            let mut name = wanted.clone();
            let mut k = 1;
            while used.contains(&name) {
                name = match wanted.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem}-{k}.{ext}"),
                    None => format!("{wanted}-{k}"),
                };
                k += 1;
            }
            used.insert(name.clone());
            name
        })
        .collect()
}

/// Checks the attachments of `on_disk` tickets are files with sidecars and those of the others
/// are rows; returns (files, rows).
async fn check_storage(db: &OtrsDatabase, on_disk: impl Fn(i64) -> bool) -> (usize, usize) {
    let tickets: BTreeMap<i64, i64> = records(&db.dir, "article")
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["ticket_id"].as_i64().unwrap()))
        .collect();
    let paths: BTreeMap<i64, String> = records(&db.dir, "article_data_mime")
        .iter()
        .map(|r| (r["article_id"].as_i64().unwrap(), r["content_path"].as_str().unwrap().to_owned()))
        .collect();
    let attachments = records(&db.dir, "article_data_mime_attachment");
    let mut by_article: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
    for row in &attachments {
        by_article.entry(row["article_id"].as_i64().unwrap()).or_default().push(row);
    }
    let stored = attachment_contents(db).await;
    let (mut files, mut rows) = (0, 0);
    for (article, list) in &by_article {
        let folder = db.dir.join("article").join(&paths[article]).join(article.to_string());
        if on_disk(tickets[article]) {
            for (row, name) in list.iter().zip(fs_names(list)) {
                let file = folder.join(&name);
                let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                assert_eq!(bytes, decode(row["content"].as_str().unwrap_or("")), "{}", file.display());
                let sidecar = |suffix: &str| std::fs::read_to_string(folder.join(format!("{name}.{suffix}"))).ok();
                assert_eq!(sidecar("content_type").as_deref(), row["content_type"].as_str(), "{}", file.display());
                assert_eq!(sidecar("disposition").as_deref(), row["disposition"].as_str(), "{}", file.display());
                assert_eq!(sidecar("content_id").as_deref(), row["content_id"].as_str(), "{}", file.display());
                assert!(!stored.contains_key(&row["id"].as_i64().unwrap()), "attachment {} is also a row", row["id"]);
                files += 1;
            }
        } else {
            assert!(!folder.exists(), "{} should not exist", folder.display());
            for row in list {
                assert!(stored.contains_key(&row["id"].as_i64().unwrap()), "attachment {} is not a row", row["id"]);
                rows += 1;
            }
        }
    }
    assert_eq!(stored.len(), rows);
    (files, rows)
}

#[tokio::test]
async fn fs_storage_writes_files_with_sidecars_and_no_rows() {
    for engine in ENGINES {
        let db = database(engine, 120, 4, ArticleStorage::Fs, "UTC").await;
        assert_eq!(count(&db, "article_data_mime_attachment").await, 0, "{engine}");
        let (files, rows) = check_storage(&db, |_| true).await;
        assert!(files > 20 && rows == 0, "{engine}: {files} files, {rows} rows");
        assert!(setting(&db, "Ticket::Article::Backend::MIMEBase::ArticleStorage").await.ends_with("StorageFS\n"));
        let data_dir = setting(&db, "Ticket::Article::Backend::MIMEBase::ArticleDataDir").await;
        let expected = std::path::absolute(db.dir.join("article")).unwrap();
        assert_eq!(data_dir.trim_start_matches("--- ").trim_end().trim_matches('\''), expected.display().to_string());
        assert_eq!(setting(&db, "Ticket::Article::Backend::MIMEBase::CheckAllStorageBackends").await, "--- '0'\n");
    }
}

#[tokio::test]
async fn mixed_storage_keeps_odd_tickets_in_the_database_and_even_ones_on_disk() {
    for engine in ENGINES {
        let db = database(engine, 120, 4, ArticleStorage::Mixed, "UTC").await;
        let (files, rows) = check_storage(&db, |ticket| ticket % 2 == 0).await;
        assert!(files > 5 && rows > 5, "{engine}: {files} files, {rows} rows");
        assert!(setting(&db, "Ticket::Article::Backend::MIMEBase::ArticleStorage").await.ends_with("StorageFS\n"));
        assert_eq!(setting(&db, "Ticket::Article::Backend::MIMEBase::CheckAllStorageBackends").await, "--- '1'\n");
    }
}

#[tokio::test]
async fn another_otrs_time_zone_shifts_naive_times_but_not_dates_or_epochs() {
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    for engine in ENGINES {
        let db = database(engine, 150, 8, ArticleStorage::Db, "Europe/Berlin").await;
        assert_eq!(setting(&db, "OTRSTimeZone").await, "--- Europe/Berlin\n");
        let stored =
            texts(&db, "SELECT CAST(create_time AS {text}), CAST(until_time AS {text}) FROM ticket ORDER BY id").await;
        let tickets = records(&db.dir, "ticket");
        assert_eq!(stored.len(), tickets.len());
        let mut offsets = HashSet::new();
        for (record, row) in tickets.iter().zip(&stored) {
            let utc: jiff::civil::DateTime = record["create_time"].as_str().unwrap().parse().unwrap();
            let zoned = utc.to_zoned(jiff::tz::TimeZone::UTC).unwrap().with_time_zone(berlin.clone());
            offsets.insert(zoned.offset().seconds());
            let expected = zoned.datetime().strftime("%Y-%m-%d %H:%M:%S").to_string();
            assert_eq!(row[0].as_deref(), Some(expected.as_str()), "{engine}: ticket {}", record["id"]);
            assert_eq!(row[1].as_deref(), Some(record["until_time"].to_string().as_str()), "epoch seconds stay");
        }
        assert_eq!(offsets.len(), 2, "{engine}: winter and summer time both occur: {offsets:?}");
        // Date dynamic-field values stay at midnight; DateTime ones move.
        let dates = texts(
            &db,
            "SELECT CAST(v.value_date AS {text}), f.field_type FROM dynamic_field_value v \
             JOIN dynamic_field f ON f.id = v.field_id WHERE v.value_date IS NOT NULL",
        )
        .await;
        assert!(dates.iter().any(|r| r[1].as_deref() == Some("Date")));
        for row in &dates {
            let midnight = row[0].as_deref().unwrap().ends_with("00:00:00");
            if row[1].as_deref() == Some("Date") {
                assert!(midnight, "{engine}: {row:?}");
            }
        }
    }
}

#[test]
fn the_command_writes_the_sql_beside_unchanged_ndjson() {
    let plain = tempfile::tempdir().unwrap();
    let with_sql = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cutover")).args(args).output().expect("runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let base = ["generate", "--platform", "otrs", "--tickets", "20", "--seed", "9", "--out"];
    run(&[&base[..], &[plain.path().to_str().unwrap()]].concat());
    let sql_args = ["--sql", "mysql", "--article-storage", "fs", "--otrs-time-zone", "Europe/Berlin"];
    let stdout = run(&[&base[..], &[with_sql.path().to_str().unwrap()], &sql_args[..]].concat());
    let sql = with_sql.path().join("otrs.mysql.sql");
    assert!(stdout.contains(&format!("MySQL SQL: {}", sql.display())), "{stdout}");
    assert!(stdout.contains("article storage fs; OTRSTimeZone Europe/Berlin"), "{stdout}");
    assert!(stdout.contains("attachments on disk:"), "{stdout}");
    let text = std::fs::read_to_string(&sql).unwrap();
    assert!(text.contains("CREATE TABLE ticket (") && text.contains("INSERT INTO ticket ("));
    assert!(text.contains("FOREIGN KEY") && text.contains("NO_BACKSLASH_ESCAPES"));
    assert!(!text.contains("INSERT INTO article_data_mime_attachment"), "FS storage has no attachment rows");
    for entry in std::fs::read_dir(plain.path()).unwrap() {
        let path = entry.unwrap().path();
        let other = with_sql.path().join(path.file_name().unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&other).unwrap(), "{}", path.display());
    }
}

#[test]
fn sql_flags_are_refused_where_they_do_not_apply() {
    use crate::support::test::Test;
    Test::new()
        .args(["generate", "--platform", "odoo", "--tickets", "1", "--out", "data", "--sql", "postgres"])
        .stderr_contains("--sql writes an OTRS database; the odoo platform has none")
        .status(2)
        .run();
    Test::new()
        .args(["generate", "--platform", "otrs", "--tickets", "1", "--out", "data", "--article-storage", "fs"])
        .stderr_contains("--article-storage and --otrs-time-zone go with --sql")
        .status(2)
        .run();
    Test::new()
        .args(["generate", "--platform", "otrs", "--tickets", "1", "--out", "data", "--sql", "mysql"])
        .args(["--otrs-time-zone", "Mars/Olympus"])
        .stderr_contains("--otrs-time-zone `Mars/Olympus` is not a known time zone")
        .status(2)
        .run();
}

#[tokio::test]
async fn roles_merges_processes_and_the_cmdb_read_back_with_the_digest_queries() {
    for engine in ENGINES {
        let db = database(engine, 300, 22, ArticleStorage::Db, "UTC").await;
        // Queue access via roles (digest §12).
        let access = texts(
            &db,
            "SELECT q.name, r.name, gr.permission_key FROM queue q \
             JOIN group_role gr ON gr.group_id = q.group_id AND gr.permission_value = 1 \
             JOIN roles r ON r.id = gr.role_id WHERE q.valid_id = 1 AND r.valid_id = 1 ORDER BY q.id, r.id",
        )
        .await;
        assert!(
            access
                .iter()
                .any(|r| r[0].as_deref() == Some("Support::Billing") && r[1].as_deref() == Some("Billing Agents"))
        );
        assert!(
            access.iter().all(|r| r[1].as_deref() != Some("Former Staff")),
            "{engine}: an invalid role has no access"
        );
        // Merged tickets: the main ticket through link_relation, the state by its type.
        let merged = texts(
            &db,
            "SELECT CAST(t.id AS {text}), l.source_key FROM ticket t \
             JOIN ticket_state s ON s.id = t.ticket_state_id JOIN ticket_state_type st ON st.id = s.type_id \
             JOIN link_relation l ON l.target_key = CAST(t.id AS {text}) \
             JOIN link_type lt ON lt.id = l.type_id AND lt.name = 'ParentChild' \
             WHERE st.name = 'merged'",
        )
        .await;
        let expected: Vec<(String, String)> = records(&db.dir, "link_relation")
            .iter()
            .filter(|l| l["type_id"] == 2)
            .map(|l| (l["target_key"].as_str().unwrap().to_owned(), l["source_key"].as_str().unwrap().to_owned()))
            .collect();
        let got: Vec<(String, String)> =
            merged.into_iter().map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap())).collect();
        assert!(!got.is_empty(), "{engine}: merged tickets");
        assert_eq!(got.len(), expected.len(), "{engine}");
        // YAML configuration (LONGBLOB on MySQL) reads back as the generator wrote it.
        let config = texts(&db, "SELECT CAST(config AS {text}) FROM pm_process").await;
        assert_eq!(config[0][0].as_deref(), records(&db.dir, "pm_process")[0]["config"].as_str(), "{engine}");
        // The current attributes of each configuration item (digest §9).
        let current = texts(
            &db,
            "SELECT CAST(c.id AS {text}), x.xml_content_value FROM configitem c \
             JOIN xml_storage x ON x.xml_key = CAST(c.last_version_id AS {text}) \
             AND x.xml_type = CONCAT('ITSM::ConfigItem::', CAST(c.class_id AS {text})) \
             WHERE x.xml_content_key = '[1]{''Version''}[1]{''SerialNumber''}[1]{''Content''}'",
        )
        .await;
        assert_eq!(current.len(), records(&db.dir, "configitem").len(), "{engine}: one serial number per item");
    }
}
