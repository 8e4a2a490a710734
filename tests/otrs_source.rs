//! The OTRS database driver against real databases: a generated Znuny helpdesk loaded into
//! MariaDB and PostgreSQL (`tests/support/otrs.rs`), read through `OtrsSource` and compared with
//! the generated rows and across the two engines: articles with their headers, HTML bodies and
//! files (from the database and from the article directory), agents' e-mails, dynamic fields,
//! time zones; read-only sessions, refused layouts and errors without passwords.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::Value as Json;

use cutover::drivers::otrs::db::Db;
use cutover::drivers::otrs::{OtrsConfig, OtrsSource};
use cutover::drivers::{Record, Source};
use cutover::generate::otrs_sql::{ArticleStorage, Engine};
use cutover::run::value::Value;

use crate::support::migration::records;
use crate::support::otrs::{OtrsDatabase, database, fresh_database};

fn connect(db: &OtrsDatabase, article_dir: bool) -> OtrsSource {
    let mut config = OtrsConfig::new(db.url.clone());
    if article_dir {
        config.article_dir = Some(db.dir.join("article"));
    }
    tokio::task::block_in_place(|| OtrsSource::connect(config)).unwrap_or_else(|e| panic!("connect to {}: {e}", db.url))
}

/// Every record of `object` with every field the driver offers, by id.
fn read_all(source: &mut OtrsSource, object: &str) -> (Vec<String>, BTreeMap<String, Record>) {
    tokio::task::block_in_place(|| {
        let lock = source.describe().expect("describe");
        let fields: Vec<String> = lock.objects[object].fields.keys().cloned().collect();
        let mut all = BTreeMap::new();
        let mut after = None;
        loop {
            let batch = source.read(object, &fields, after.as_ref(), 7).expect("read");
            for record in batch.records {
                let id = match &record.id {
                    Value::Int(n) => format!("{n:08}"),
                    other => other.to_string(),
                };
                assert!(all.insert(id, record).is_none(), "a record read twice");
            }
            match batch.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        (fields, all)
    })
}

fn field<'a>(fields: &[String], record: &'a Record, name: &str) -> &'a Value {
    let position = fields.iter().position(|f| f == name).unwrap_or_else(|| panic!("no field {name}"));
    &record.values[position]
}

fn decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(text.split_whitespace().collect::<String>()).expect("base64")
}

/// Generated rows of a table, by id.
fn generated(db: &OtrsDatabase, table: &str) -> BTreeMap<i64, Json> {
    records(&db.dir, table).into_iter().map(|r| (r["id"].as_i64().expect("id"), r)).collect()
}

/// A short fingerprint of file content, for readable assertion messages.
fn digest(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(bytes);
    format!("{} bytes, sha256 {:x}", bytes.len(), hash)
}

/// The files of each article as (name, digest), through `attachment_ids` and `read_by_ids`;
/// articles without files are left out.
fn files_by_article(source: &mut OtrsSource) -> BTreeMap<String, Vec<(String, String)>> {
    let (fields, articles) = read_all(source, "article");
    let mut out = BTreeMap::new();
    for (id, article) in &articles {
        let Value::List(ids) = field(&fields, article, "attachment_ids") else { panic!("attachment_ids is a list") };
        let wanted = vec!["filename".to_owned(), "content".to_owned(), "content_size".to_owned()];
        let files = tokio::task::block_in_place(|| source.read_by_ids("article_data_mime_attachment", &wanted, ids))
            .expect("read files");
        assert_eq!(files.len(), ids.len(), "every listed file of article {id} is readable");
        let mut named: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                let bytes = decode(f.values[1].as_str().expect("content"));
                assert_eq!(f.values[2], Value::Int(bytes.len() as i64), "content_size is the byte count");
                (f.values[0].as_str().expect("filename").to_owned(), digest(&bytes))
            })
            .collect();
        named.sort();
        if !named.is_empty() {
            out.insert(id.clone(), named);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_and_postgresql_give_the_same_records_and_the_generated_content() {
    let mysql = database(Engine::MySql, 30, 7, ArticleStorage::Db, "UTC").await;
    let postgres = database(Engine::Postgres, 30, 7, ArticleStorage::Db, "UTC").await;
    let mut on_mysql = connect(&mysql, false);
    let mut on_postgres = connect(&postgres, false);
    assert!(on_mysql.found().flavour.starts_with("Znuny 7.x"), "{:?}", on_mysql.found());
    assert!(on_mysql.found().server.starts_with("MariaDB"), "{:?}", on_mysql.found());
    assert!(on_postgres.found().server.starts_with("PostgreSQL"), "{:?}", on_postgres.found());

    for object in ["ticket", "article", "users", "customer_user", "customer_company", "queue", "ticket_state"] {
        let (fields, a) = read_all(&mut on_mysql, object);
        let (_, b) = read_all(&mut on_postgres, object);
        assert!(!a.is_empty(), "{object} has records");
        assert_eq!(a.len(), b.len(), "{object}: as many records on both engines");
        for (id, record) in &a {
            for (position, name) in fields.iter().enumerate() {
                assert_eq!(
                    record.values[position], b[id].values[position],
                    "{object} {id}.{name} differs between MariaDB and PostgreSQL"
                );
            }
        }
    }

    // Against the generated rows: headers and plain body, the HTML body from file-2, the files.
    let mime: BTreeMap<i64, Json> = records(&postgres.dir, "article_data_mime")
        .into_iter()
        .map(|m| (m["article_id"].as_i64().unwrap(), m))
        .collect();
    let attachments = generated(&postgres, "article_data_mime_attachment");
    let (fields, articles) = read_all(&mut on_postgres, "article");
    assert_eq!(articles.len(), generated(&postgres, "article").len());
    let mut html_bodies = 0;
    for (id, article) in &articles {
        let article_id: i64 = id.parse().unwrap();
        let m = &mime[&article_id];
        assert_eq!(field(&fields, article, "a_body").as_str(), m["a_body"].as_str(), "a_body of {id}");
        assert_eq!(field(&fields, article, "a_subject").as_str(), m["a_subject"].as_str(), "a_subject of {id}");
        let html = attachments.values().find(|a| {
            a["article_id"] == article_id && a["content_type"].as_str().is_some_and(|t| t.starts_with("text/html"))
        });
        match html {
            Some(row) => {
                html_bodies += 1;
                let want = String::from_utf8(decode(row["content"].as_str().unwrap())).unwrap();
                assert_eq!(field(&fields, article, "body_html").as_str(), Some(want.as_str()), "body_html of {id}");
            }
            None => assert_eq!(field(&fields, article, "body_html"), &Value::Null, "no HTML body for {id}"),
        }
    }
    assert!(html_bodies > 0, "some articles have an HTML body");
    let files = files_by_article(&mut on_mysql);
    let mut expected: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in attachments.values() {
        let name = row["filename"].as_str().unwrap().to_owned();
        let content_type = row["content_type"].as_str().unwrap_or_default();
        let body = matches!(name.as_str(), "file-1" | "file-2" | "file-1.html")
            && (content_type.starts_with("text/html") || (name == "file-1" && content_type.starts_with("text/plain")));
        if !body {
            let article = format!("{:08}", row["article_id"].as_i64().unwrap());
            expected.entry(article).or_default().push((name, digest(&decode(row["content"].as_str().unwrap()))));
        }
    }
    let got = files;
    for list in expected.values_mut() {
        list.sort();
    }
    assert!(!expected.is_empty(), "the generated helpdesk has files");
    assert_eq!(got, expected, "the files of every article, byte for byte");

    // Agents: the e-mail is the UserEmail preference; the system user has none.
    let (fields, users) = read_all(&mut on_mysql, "users");
    let preferences = records(&mysql.dir, "user_preferences");
    for (id, user) in &users {
        let user_id: i64 = id.parse().unwrap();
        let want = preferences
            .iter()
            .rfind(|p| p["user_id"] == user_id && p["preferences_key"] == "UserEmail")
            .and_then(|p| p["preferences_value"].as_str().map(str::to_owned));
        assert_eq!(field(&fields, user, "email").as_str(), want.as_deref(), "email of agent {id}");
    }

    // Dynamic fields: a multiselect is a list of its keys in row order, a checkbox a boolean.
    let (fields, tickets) = read_all(&mut on_postgres, "ticket");
    let values = records(&postgres.dir, "dynamic_field_value");
    let mut multiselects = 0;
    for (id, ticket) in &tickets {
        let ticket_id: i64 = id.parse().unwrap();
        let products: Vec<Value> = values
            .iter()
            .filter(|v| v["object_id"] == ticket_id && v["field_id"] == 5)
            .map(|v| Value::text(v["value_text"].as_str().unwrap()))
            .collect();
        multiselects += usize::from(!products.is_empty());
        assert_eq!(field(&fields, ticket, "DynamicField_AffectedProducts"), &Value::list(products), "products of {id}");
        let escalated = values.iter().find(|v| v["object_id"] == ticket_id && v["field_id"] == 3);
        let want = escalated.map_or(Value::Null, |v| Value::Bool(v["value_int"] == 1));
        assert_eq!(field(&fields, ticket, "DynamicField_Escalated"), &want, "escalated of {id}");
    }
    assert!(multiselects > 0, "some tickets have products");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_in_the_article_directory_read_like_files_in_the_database() {
    let in_db = database(Engine::Postgres, 24, 5, ArticleStorage::Db, "UTC").await;
    let mixed = database(Engine::MySql, 24, 5, ArticleStorage::Mixed, "UTC").await;
    let on_disk = database(Engine::Postgres, 24, 5, ArticleStorage::Fs, "UTC").await;
    // The file system keeps two files of one name as `name.csv` and `name-1.csv`, as OTRS
    // writes them; the content and the name they started from are the same.
    let unsuffixed = |files: BTreeMap<String, Vec<(String, String)>>| -> BTreeMap<String, Vec<(String, String)>> {
        files
            .into_iter()
            .map(|(article, list)| {
                let mut list: Vec<(String, String)> = list
                    .into_iter()
                    .map(|(name, digest)| {
                        let (base, extension) = name.rsplit_once('.').map_or((name.as_str(), ""), |(b, e)| (b, e));
                        let base = match base.rsplit_once('-') {
                            Some((stem, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => stem,
                            _ => base,
                        };
                        let name = if extension.is_empty() { base.to_owned() } else { format!("{base}.{extension}") };
                        (digest, name)
                    })
                    .collect();
                list.sort();
                (article, list)
            })
            .collect()
    };
    let want = files_by_article(&mut connect(&in_db, false));
    assert!(!want.is_empty(), "there are files");
    let mixed_files = files_by_article(&mut connect(&mixed, true));
    let disk_files = files_by_article(&mut connect(&on_disk, true));
    for (article, list) in &disk_files {
        let names: std::collections::BTreeSet<&String> = list.iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), list.len(), "file names of article {article} are unique on disk");
    }
    assert_eq!(unsuffixed(mixed_files), unsuffixed(want.clone()), "half in the database, half on disk");
    assert_eq!(unsuffixed(disk_files), unsuffixed(want), "all on disk");
    let (fields, a) = read_all(&mut connect(&in_db, false), "article");
    let (_, b) = read_all(&mut connect(&on_disk, true), "article");
    for (id, article) in &a {
        assert_eq!(field(&fields, article, "body_html"), field(&fields, &b[id], "body_html"), "body_html of {id}");
    }
    // Without the directory, the driver says where the files are.
    let source = connect(&on_disk, false);
    assert!(source.notes().iter().any(|n| n.contains("set the source's `article_dir:`")), "{:?}", source.notes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timestamps_are_read_in_the_otrs_time_zone() {
    let utc = database(Engine::MySql, 12, 9, ArticleStorage::Db, "UTC").await;
    let berlin = database(Engine::MySql, 12, 9, ArticleStorage::Db, "Europe/Berlin").await;
    let mut in_berlin = connect(&berlin, false);
    assert!(in_berlin.found().zone.starts_with("Europe/Berlin (OTRSTimeZone)"), "{:?}", in_berlin.found());
    for object in ["ticket", "article"] {
        let (fields, a) = read_all(&mut connect(&utc, false), object);
        let (_, b) = read_all(&mut in_berlin, object);
        for (id, record) in &a {
            for name in ["create_time", "change_time"] {
                let value = field(&fields, record, name);
                assert!(matches!(value, Value::DateTime(_)), "{object} {id}.{name} is a date-time");
                assert_eq!(value, field(&fields, &b[id], name), "{object} {id}.{name}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_read_only_and_errors_never_show_the_password() {
    let db = database(Engine::Postgres, 3, 1, ArticleStorage::Db, "UTC").await;
    let mysql = database(Engine::MySql, 3, 1, ArticleStorage::Db, "UTC").await;
    for url in [&db.url, &mysql.url] {
        let session = tokio::task::block_in_place(|| Db::connect(url, std::time::Duration::from_secs(10))).unwrap();
        let error = tokio::task::block_in_place(|| session.query("DELETE FROM ticket_history", vec![]))
            .expect_err("a write is refused");
        assert!(error.0.to_lowercase().contains("read"), "{url}: {error}");
    }
    let wrong = mysql.url.replace("root@", "root:hunter2-secret@");
    let error = tokio::task::block_in_place(|| OtrsSource::connect(OtrsConfig::new(wrong))).expect_err("refused");
    let message = error.to_string();
    assert!(!message.contains("hunter2"), "{message}");
    assert!(message.contains("root@127.0.0.1:3306"), "{message}");

    // A database that is not OTRS, and OTRS 5's article layout, are refused with what to do.
    let (_, empty) = fresh_database(Engine::Postgres).await;
    let error =
        tokio::task::block_in_place(|| OtrsSource::connect(OtrsConfig::new(empty.clone()))).expect_err("refused");
    assert!(error.to_string().contains("has no `ticket` table"), "{error}");
    let (_, old) = fresh_database(Engine::MySql).await;
    crate::support::otrs::load(
        Engine::MySql,
        &old,
        "CREATE TABLE ticket (id BIGINT PRIMARY KEY);\nCREATE TABLE article (id BIGINT PRIMARY KEY, a_body MEDIUMTEXT);\n",
    )
    .await;
    let error = tokio::task::block_in_place(|| OtrsSource::connect(OtrsConfig::new(old))).expect_err("refused");
    assert!(error.to_string().contains("OTRS 5 (or older) article layout"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_text_is_reported_per_record_and_twice_encoded_text_repaired() {
    let db = database(Engine::MySql, 3, 2, ArticleStorage::Db, "UTC").await;
    // What a latin1 connection makes of UTF-8, and what utf8mb3 MySQL makes of an emoji.
    crate::support::otrs::load(
        Engine::MySql,
        &db.url,
        "UPDATE ticket SET title = 'GrÃ¼ÃŸe aus MÃ¼nchen' WHERE id = 1;\n\
         UPDATE ticket SET title = 'Thanks \u{FFFD} for the quick fix' WHERE id = 2;\n",
    )
    .await;
    let mut source = connect(&db, false);
    let fields = vec!["title".to_owned(), "text_issues".to_owned()];
    let records = tokio::task::block_in_place(|| {
        source.read_by_ids("ticket", &fields, &[Value::Int(1), Value::Int(2), Value::Int(3)])
    })
    .unwrap();
    let by_id: BTreeMap<String, &Record> = records.iter().map(|r| (r.id.to_string(), r)).collect();
    assert_eq!(by_id["1"].values[0], Value::text("Grüße aus München"));
    assert_eq!(by_id["1"].values[1], Value::text("title: UTF-8 stored twice encoded (latin1), repaired"));
    assert_eq!(by_id["2"].values[0], Value::text("Thanks \u{FFFD} for the quick fix"));
    let issue = by_id["2"].values[1].as_str().unwrap();
    assert!(issue.starts_with("title: characters OTRS could not store"), "{issue}");
    assert_eq!(by_id["3"].values[1], Value::Null, "a clean record has no issues");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flavour_is_told_by_the_tables_and_columns_found() {
    let db = database(Engine::Postgres, 4, 3, ArticleStorage::Db, "UTC").await;
    let flavour = |db: &OtrsDatabase| connect(db, false).found().flavour.clone();
    assert_eq!(flavour(&db), "Znuny 7.x schema (permission_groups, ticket_state.color)");
    crate::support::otrs::load(Engine::Postgres, &db.url, "ALTER TABLE ticket_state DROP COLUMN color;\n").await;
    assert_eq!(flavour(&db), "Znuny 6.1–6.5 schema (permission_groups)");
    crate::support::otrs::load(Engine::Postgres, &db.url, "ALTER TABLE permission_groups RENAME TO groups;\n").await;
    assert_eq!(flavour(&db), "OTRS 6 / Znuny LTS 6.0 schema (groups)");
    // The group object reads whichever table there is.
    let mut source = connect(&db, false);
    let (fields, groups) = read_all(&mut source, "permission_groups");
    assert!(groups.values().any(|g| field(&fields, g, "name") == &Value::text("users")), "{groups:?}");
    crate::support::otrs::load(Engine::Postgres, &db.url, "ALTER TABLE groups RENAME TO groups_table;\n").await;
    assert_eq!(flavour(&db), "OTOBO 10/11 schema (groups_table)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_and_services_know_their_parent_by_name() {
    let db = database(Engine::MySql, 4, 3, ArticleStorage::Db, "UTC").await;
    let mut source = connect(&db, false);
    for object in ["queue", "service"] {
        let (fields, records) = read_all(&mut source, object);
        let name_of = |id: &Value| {
            records.values().find(|r| &r.id == id).map(|r| field(&fields, r, "name").as_str().unwrap().to_owned())
        };
        let mut nested = 0;
        for record in records.values() {
            let name = field(&fields, record, "name").as_str().unwrap().to_owned();
            let parent = name_of(field(&fields, record, "parent_id"));
            let top = name_of(field(&fields, record, "top_id"));
            assert_eq!(parent.as_deref(), name.rsplit_once("::").map(|(p, _)| p), "{object} {name}");
            assert_eq!(top.as_deref(), Some(name.split("::").next().unwrap()), "{object} {name}");
            nested += usize::from(parent.is_some());
        }
        assert!(nested > 0, "some {object} records are nested");
    }
    // A service's SLAs are the service_sla rows.
    let (fields, services) = read_all(&mut source, "service");
    let pairs = records(&db.dir, "service_sla");
    for service in services.values() {
        let want: Vec<Value> = pairs
            .iter()
            .filter(|p| Value::Int(p["service_id"].as_i64().unwrap()) == service.id)
            .map(|p| Value::Int(p["sla_id"].as_i64().unwrap()))
            .collect();
        assert_eq!(field(&fields, service, "sla_ids"), &Value::list(want), "SLAs of service {:?}", service.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_article_reads_as_its_transcript() {
    let db = database(Engine::MySql, 3, 2, ArticleStorage::Db, "UTC").await;
    crate::support::otrs::load(
        Engine::MySql,
        &db.url,
        "INSERT INTO article (id, ticket_id, article_sender_type_id, communication_channel_id, is_visible_for_customer, \
         search_index_needs_rebuild, create_time, create_by, change_time, change_by) VALUES (700, 1, 3, 4, 1, 0, \
         '2024-02-15 10:00:00', 1, '2024-02-15 10:00:00', 1);\n\
         INSERT INTO article_data_otrs_chat (article_id, chat_participant_id, chat_participant_name, \
         chat_participant_type, message_text, system_generated, create_time) VALUES \
         (700, 'Customer-1', 'Jane Doe', 'Customer', 'Hi, my VPN drops', 0, '2024-02-15 10:00:05'),\
         (700, 'User-2', 'Max Muster', 'User', 'Which client version?', 0, '2024-02-15 10:00:41'),\
         (700, 'System', 'System', 'System', 'Chat closed', 1, '2024-02-15 10:02:00');\n",
    )
    .await;
    let mut source = connect(&db, false);
    let fields = vec!["chat".to_owned(), "a_body".to_owned()];
    let records =
        tokio::task::block_in_place(|| source.read_by_ids("article", &fields, &[Value::Int(700), Value::Int(1)]))
            .unwrap();
    let chat = records.iter().find(|r| r.id == Value::Int(700)).unwrap();
    assert_eq!(
        chat.values[0],
        Value::text(
            "10:00:05 Jane Doe: Hi, my VPN drops\n10:00:41 Max Muster: Which client version?\n10:02:00 (system): Chat closed"
        )
    );
    assert_eq!(chat.values[1], Value::Null, "a chat article has no MIME body");
    let mail = records.iter().find(|r| r.id == Value::Int(1)).unwrap();
    assert_eq!(mail.values[0], Value::Null, "other articles have no transcript");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_postgresql_never_analyzed_are_named_with_what_to_do() {
    let db = database(Engine::Postgres, 3, 1, ArticleStorage::Db, "UTC").await;
    let warned =
        |db: &OtrsDatabase| connect(db, false).notes().iter().any(|n| n.contains("run ANALYZE on this database"));
    // Autovacuum may analyze a table on its own; only a table nobody analyzed is named.
    let analyzed: Vec<(String,)> = {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query_as(
            "SELECT relname::text FROM pg_stat_user_tables WHERE relname = 'article' AND last_autoanalyze IS NOT NULL",
        )
        .fetch_all(&mut admin)
        .await
        .unwrap()
    };
    if analyzed.is_empty() {
        assert!(warned(&db), "a restored database without statistics is named");
    }
    crate::support::otrs::load(Engine::Postgres, &db.url, "ANALYZE;\n").await;
    assert!(!warned(&db), "after ANALYZE there is nothing to say");
}
