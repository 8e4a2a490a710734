//! Benchmark: reading a generated Znuny helpdesk out of MariaDB and PostgreSQL through the `otrs`
//! source driver, the way `run` reads it.
//!
//! `cargo bench --bench otrs_extract` generates `CUTOVER_BENCH_TICKETS` tickets (default 2,000),
//! writes the SQL for both engines (attachments in the database), loads each into a fresh
//! database `cutover_bench_<pid>_<engine>` (through the `mariadb`/`mysql` and `psql` clients when
//! they are on the PATH, else through sqlx in chunks of a few MiB), gathers the planner statistics
//! (`ANALYZE`, as after restoring a copy; `CUTOVER_BENCH_ANALYZE=0` skips it) and then, per
//! engine, measures through `OtrsSource`:
//!
//! - `ticket`: keyset pages of 500 with every field the lock lists (dynamic fields included);
//! - `article`: `read_children` per batch of 50 ticket ids (`PARENTS_PER_READ`) with the fields
//!   the bundled spec `specs/otrs-to-intercom.yaml` reads;
//! - `attachment`: `read_by_ids` of one file at a time for every file the articles list (name,
//!   type, size, content), as `run` fetches them; files/s and MB/s of decoded content.
//!
//! Each measurement prints records, seconds, records/s and the per-call times (median, 95th
//! percentile, slowest, and the first and last call, to show whether pages slow down with the
//! offset). Before them come the load time (tables and data, then the foreign keys) and the
//! database size; at the end the bench process's peak RSS (`VmHWM`). The databases are dropped at
//! the end, and those of bench processes that are gone at the start. `CUTOVER_TEST_MYSQL` and
//! `CUTOVER_TEST_POSTGRES` override the server URLs, as in the tests. Without `--bench` (under
//! `cargo test --all-targets`) it runs 20 tickets once per engine as a smoke run.
//!
//! Measured 2026-12-05 on the 2-core, 24 GiB development machine (other builds running beside
//! it), MariaDB 10.11.19 and PostgreSQL 15.20 on 127.0.0.1 with the machine's settings (InnoDB
//! buffer pool 128 MiB, PostgreSQL autovacuum off), release build,
//! `CUTOVER_BENCH_TICKETS=50000`: 50,000 tickets, 268,425 articles, 201,059 attachment rows of
//! which 33,586 are files the articles list (32.2 MB; the rest are HTML bodies), 634 MB of NDJSON
//! generated in 2.0 s.
//!
//! ```text
//!             SQL     load (data + FKs)        size    ticket          article          file (1 per call)
//! MariaDB     409 MB   39 s (21 + 17)          631 MB  44,700/s 1.1 s  44,800/s  6.0 s  5,090/s 6.6 s 4.9 MB/s
//! PostgreSQL  373 MB   32 s (30 + 2)           522 MB  50,400/s 1.0 s  66,300/s  4.1 s  6,360/s 5.3 s 6.1 MB/s
//! ```
//!
//! Per call (median / p95 ms): ticket page of 500 with 37 fields 11.0 / 12.5 (MariaDB), 9.8 /
//! 11.3 (PostgreSQL); articles of 50 tickets 5.8 / 7.0 and 3.9 / 4.8; one file 0.18 / 0.31 and
//! 0.14 / 0.25. Pages do not slow down with the offset. Peak RSS 14 MB (MariaDB) and 18 MB
//! (PostgreSQL) while extracting, 18 MB for the whole process. Before the foreign keys were added
//! one ALTER per table, MariaDB spent 136 s on them (a table copy per key); before dynamic field
//! values were read by object only, a MariaDB ticket page took 15.8 ms. Without planner
//! statistics (`CUTOVER_BENCH_ANALYZE=0`; PostgreSQL with autovacuum off never gathers them)
//! PostgreSQL reads articles at 2,570/s (104 ms per batch: a hash join with a sequential scan of
//! `article_data_mime`), which is why `discover` names tables that were never analyzed.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cutover::drivers::Source;
use cutover::drivers::otrs::{OtrsConfig, OtrsSource};
use cutover::generate::otrs_sql::{self, Engine, SqlOptions};
use cutover::generate::{Platform, generate};
use cutover::run::runner::PARENTS_PER_READ;
use cutover::run::value::Value;
use sqlx::Connection;

/// Tickets per keyset page.
const PAGE: usize = 500;
/// The article fields the bundled OTRS spec reads.
const ARTICLE_FIELDS: [&str; 13] = [
    "id",
    "ticket_id",
    "article_sender_type_id",
    "communication_channel_id",
    "is_visible_for_customer",
    "create_time",
    "create_by",
    "a_from",
    "a_subject",
    "a_body",
    "body_html",
    "attachment_ids",
    "text_issues",
];
const ATTACHMENT_FIELDS: [&str; 4] = ["filename", "content_type", "content_size", "content"];
const PREFIX: &str = "cutover_bench_";

fn main() {
    let bench = std::env::args().skip(1).any(|arg| arg == "--bench");
    let tickets = if bench {
        std::env::var("CUTOVER_BENCH_TICKETS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
    } else {
        20
    };
    let analyze = std::env::var("CUTOVER_BENCH_ANALYZE").map_or(true, |v| v != "0");
    if !bench {
        println!("otrs_extract: smoke run (use `cargo bench --bench otrs_extract` for the measurement)");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let summary = generate(Platform::Otrs, tickets, 7, dir.path()).expect("generate");
    println!(
        "{tickets} tickets generated in {:.1} s: {} articles, {} attachment rows (HTML bodies included), {:.0} MB of NDJSON",
        started.elapsed().as_secs_f64(),
        summary.count("article"),
        summary.count("article_data_mime_attachment"),
        summary.bytes as f64 / 1e6
    );
    let mut overall = peak_rss();
    for engine in [Engine::MySql, Engine::Postgres] {
        let server = Server::of(engine);
        runtime.block_on(server.sweep());
        let started = Instant::now();
        let written = otrs_sql::write_sql(dir.path(), &SqlOptions::new(engine)).expect("write the SQL");
        let sql_bytes = std::fs::metadata(&written.path).expect("SQL file").len();
        println!(
            "\n{engine}: SQL written in {:.1} s ({:.0} MB)",
            started.elapsed().as_secs_f64(),
            sql_bytes as f64 / 1e6
        );
        let database = Database::create(&runtime, server);
        let (how, data, keys) = database.load(&runtime, &written.path);
        let analyzed = if analyze {
            format!("analyzed in {:.1} s", runtime.block_on(database.analyze()).as_secs_f64())
        } else {
            "not analyzed (CUTOVER_BENCH_ANALYZE=0)".to_owned()
        };
        println!(
            "{engine}: loaded with {how} in {:.1} s (tables and data {:.1} s, foreign keys {:.1} s), {analyzed}; \
             database size {:.0} MB",
            (data + keys).as_secs_f64(),
            data.as_secs_f64(),
            keys.as_secs_f64(),
            runtime.block_on(database.size()) as f64 / 1e6
        );
        std::fs::remove_file(&written.path).expect("remove the SQL file");
        let before = peak_rss();
        overall = overall.max(before);
        let reset = reset_peak_rss();
        extract(engine, &database.url());
        let during = peak_rss();
        overall = overall.max(during);
        if reset {
            println!("{engine}: peak RSS while extracting {}", megabytes(during));
        }
    }
    println!("\npeak RSS of the bench process (VmHWM): {}", megabytes(overall.max(peak_rss())));
}

/// Per-call times of one measurement.
#[derive(Default)]
struct Calls(Vec<Duration>);

impl Calls {
    fn time<T>(&mut self, call: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = call();
        self.0.push(started.elapsed());
        out
    }

    fn total(&self) -> f64 {
        self.0.iter().map(Duration::as_secs_f64).sum()
    }

    /// `N calls; median, p95, max, first, last in ms`.
    fn summary(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mut sorted = self.0.clone();
        sorted.sort();
        let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or_default();
        format!(
            "{} calls, ms per call: median {:.2}, p95 {:.2}, max {:.2}, first {:.2}, last {:.2}",
            self.0.len(),
            ms(at(0.5)),
            ms(at(0.95)),
            ms(at(1.0)),
            ms(self.0.first().copied().unwrap_or_default()),
            ms(self.0.last().copied().unwrap_or_default())
        )
    }
}

fn line(engine: Engine, what: &str, records: usize, calls: &Calls, extra: &str) {
    let seconds = calls.total();
    println!(
        "{:10} {what:10} {records:>9} {seconds:>8.2} s {:>9.0}/s{extra}\n{:22}{}",
        engine.to_string(),
        records as f64 / seconds.max(1e-9),
        "",
        calls.summary()
    );
}

/// Connect, then read tickets, articles and attachment content as `run` does.
fn extract(engine: Engine, url: &str) {
    let started = Instant::now();
    let mut source = OtrsSource::connect(OtrsConfig::new(url)).expect("connect");
    let connected = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let lock = source.describe().expect("describe");
    println!(
        "{engine}: connected in {connected:.2} s ({}); describe (counts and value counts) {:.2} s",
        source.found().server,
        started.elapsed().as_secs_f64()
    );
    println!("{:10} {:10} {:>9} {:>10} {:>11}", "engine", "object", "records", "seconds", "records/s");

    let ticket_fields: Vec<String> = lock.objects["ticket"].fields.keys().cloned().collect();
    let mut calls = Calls::default();
    let mut ticket_ids = Vec::new();
    let mut after = None;
    loop {
        let batch = calls.time(|| source.read("ticket", &ticket_fields, after.as_ref(), PAGE).expect("read tickets"));
        ticket_ids.extend(batch.records.iter().map(|r| r.id.clone()));
        match batch.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let extra = format!(" ({} fields, pages of {PAGE})", ticket_fields.len());
    line(engine, "ticket", ticket_ids.len(), &calls, &extra);
    assert_eq!(Some(ticket_ids.len() as u64), lock.objects["ticket"].count, "{engine}: tickets read");

    let article_fields: Vec<String> = ARTICLE_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    let files_at = article_fields.iter().position(|f| f == "attachment_ids").expect("attachment_ids");
    let mut calls = Calls::default();
    let mut articles = 0;
    let mut files = Vec::new();
    for parents in ticket_ids.chunks(PARENTS_PER_READ) {
        let records = calls.time(|| {
            source
                .read_children("article", &article_fields, "ticket_id", parents, &[])
                .expect("read articles")
                .expect("the otrs driver reads articles by ticket")
        });
        articles += records.len();
        for record in records {
            if let Value::List(ids) = &record.values[files_at] {
                files.extend(ids.iter().cloned());
            }
        }
    }
    let extra = format!(" ({} fields, the articles of {PARENTS_PER_READ} tickets per call)", article_fields.len());
    line(engine, "article", articles, &calls, &extra);
    assert_eq!(Some(articles as u64), lock.objects["article"].count, "{engine}: articles read");

    let attachment_fields: Vec<String> = ATTACHMENT_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    let mut calls = Calls::default();
    let mut bytes = 0u64;
    for id in &files {
        let records = calls.time(|| {
            source
                .read_by_ids("article_data_mime_attachment", &attachment_fields, std::slice::from_ref(id))
                .expect("read a file")
        });
        assert_eq!(records.len(), 1, "{engine}: file {id:?} not found");
        bytes += records[0].values[3].as_str().map_or(0, |b64| b64.bytes().filter(|b| !b.is_ascii_whitespace()).count())
            as u64
            * 3
            / 4;
    }
    let seconds = calls.total();
    let extra = format!(
        " ({:.1} MB, {:.1} MB/s, one file per call)",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / seconds.max(1e-9)
    );
    line(engine, "attachment", files.len(), &calls, &extra);
    assert!(!files.is_empty(), "{engine}: no files listed");
}

/// The bench process's peak resident set size so far (`VmHWM`), in kB.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line["VmHWM:".len()..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// Start the peak resident set size afresh (`5` into `/proc/self/clear_refs`); whether it could.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn megabytes(kb: Option<u64>) -> String {
    kb.map_or_else(|| "unknown".to_owned(), |kb| format!("{:.0} MB", kb as f64 / 1024.0))
}

/// A database server: its URL (without a database) and the parts a command-line client needs.
#[derive(Clone)]
struct Server {
    engine: Engine,
    url: String,
    user: String,
    password: Option<String>,
    host: String,
    port: String,
}

impl Server {
    fn of(engine: Engine) -> Server {
        let (variable, default) = match engine {
            Engine::MySql => ("CUTOVER_TEST_MYSQL", "mysql://root@127.0.0.1:3306"),
            Engine::Postgres => ("CUTOVER_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        };
        let url = std::env::var(variable).unwrap_or_else(|_| default.to_owned()).trim_end_matches('/').to_owned();
        let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        let (credentials, address) = rest.rsplit_once('@').unwrap_or(("", rest));
        let (user, password) = match credentials.split_once(':') {
            Some((user, password)) => (user.to_owned(), Some(password.to_owned())),
            None => (credentials.to_owned(), None),
        };
        let address = address.split('/').next().unwrap_or(address);
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), port.to_owned()),
            None => (address.to_owned(), if engine == Engine::MySql { "3306" } else { "5432" }.to_owned()),
        };
        Server { engine, url, user, password, host, port }
    }

    fn need(&self, error: impl std::fmt::Display) -> ! {
        panic!("otrs_extract needs {} at {} (CI starts it): {error}", self.engine, redacted(&self.url))
    }

    /// Run `sql` on the server's administrative database.
    async fn admin(&self, sql: &str) {
        match self.engine {
            Engine::MySql => {
                let mut conn = sqlx::MySqlConnection::connect(&format!("{}/mysql", self.url))
                    .await
                    .unwrap_or_else(|e| self.need(e));
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&format!("{}/postgres", self.url))
                    .await
                    .unwrap_or_else(|e| self.need(e));
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    /// Drop the bench databases of processes that are gone.
    async fn sweep(&self) {
        let names: Vec<String> = match self.engine {
            Engine::MySql => {
                let mut conn = sqlx::MySqlConnection::connect(&format!("{}/mysql", self.url))
                    .await
                    .unwrap_or_else(|e| self.need(e));
                sqlx::query_scalar(r"SHOW DATABASES LIKE 'cutover\_bench\_%'").fetch_all(&mut conn).await
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&format!("{}/postgres", self.url))
                    .await
                    .unwrap_or_else(|e| self.need(e));
                sqlx::query_scalar(r"SELECT datname FROM pg_database WHERE datname LIKE 'cutover\_bench\_%'")
                    .fetch_all(&mut conn)
                    .await
            }
        }
        .unwrap_or_default();
        for name in names {
            let pid = name.trim_start_matches(PREFIX).split('_').next().unwrap_or_default();
            if pid.parse::<u32>().is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
                self.admin(&drop_sql(self.engine, &name)).await;
            }
        }
    }
}

fn drop_sql(engine: Engine, name: &str) -> String {
    match engine {
        Engine::MySql => format!("DROP DATABASE IF EXISTS `{name}`"),
        Engine::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    }
}

fn redacted(url: &str) -> String {
    match (url.split_once("://"), url.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, address))) => format!("{scheme}://…@{address}"),
        _ => url.to_owned(),
    }
}

/// A bench database, dropped when this goes out of scope (also when a measurement panics).
struct Database {
    server: Server,
    name: String,
}

impl Database {
    fn create(runtime: &tokio::runtime::Runtime, server: Server) -> Database {
        let name = format!("{PREFIX}{}_{}", std::process::id(), server.engine.as_str());
        let create = match server.engine {
            Engine::MySql => format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb3"),
            Engine::Postgres => format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"),
        };
        runtime.block_on(async {
            server.admin(&drop_sql(server.engine, &name)).await;
            server.admin(&create).await;
        });
        Database { server, name }
    }

    fn url(&self) -> String {
        format!("{}/{}", self.server.url, self.name)
    }

    /// Load the SQL file: tables and data, then (timed apart) the foreign keys and sequences.
    /// Returns what loaded it and the two times. The clients read the file as a stream; the sqlx
    /// fallback holds each half in memory.
    fn load(&self, runtime: &tokio::runtime::Runtime, path: &Path) -> (&'static str, Duration, Duration) {
        let open = || std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        // The session settings at the top (`SET NAMES …`, `SET SESSION sql_mode …`) apply to both
        // halves; the foreign keys start at the `-- @schema-post` line.
        let mut settings = String::new();
        let mut split = 0u64;
        for line in BufReader::new(open()).split(b'\n') {
            let line = line.expect("read the SQL file");
            if line.starts_with(b"-- @schema-post") {
                break;
            }
            if split < 4096 && line.starts_with(b"SET ") {
                settings.push_str(&String::from_utf8_lossy(&line));
                settings.push('\n');
            }
            split += line.len() as u64 + 1;
        }
        let data = || open().take(split);
        let keys = || {
            let mut file = open();
            file.seek(SeekFrom::Start(split)).expect("seek in the SQL file");
            settings.as_bytes().chain(file)
        };
        if let Some(client) = self.client() {
            let first = self.pipe(&client, data());
            let second = self.pipe(&client, keys());
            return (if self.server.engine == Engine::MySql { "the mariadb client" } else { "psql" }, first, second);
        }
        let text = |mut reader: Box<dyn Read + '_>| {
            let mut text = String::new();
            reader.read_to_string(&mut text).expect("the SQL file is UTF-8");
            text
        };
        let first = runtime.block_on(self.load_sqlx(&text(Box::new(data()))));
        let second = runtime.block_on(self.load_sqlx(&text(Box::new(keys()))));
        ("sqlx", first, second)
    }

    /// The command-line client for this engine, when one is installed.
    fn client(&self) -> Option<Command> {
        let names: &[&str] = match self.server.engine {
            Engine::MySql => &["mariadb", "mysql"],
            Engine::Postgres => &["psql"],
        };
        let program = names.iter().find(|name| {
            Command::new(name).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
        })?;
        let server = &self.server;
        let mut command = Command::new(program);
        match server.engine {
            Engine::MySql => {
                command.args(["--host", &server.host, "--port", &server.port, "--user", &server.user, &self.name]);
                if let Some(password) = &server.password {
                    command.env("MYSQL_PWD", password);
                }
            }
            Engine::Postgres => {
                command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", &server.host, "-p", &server.port]);
                command.args(["-U", &server.user, "-d", &self.name]);
                if let Some(password) = &server.password {
                    command.env("PGPASSWORD", password);
                }
            }
        }
        Some(command)
    }

    /// Pipe `sql` into a client; panics with what it said on an error.
    fn pipe(&self, client: &Command, mut sql: impl Read) -> Duration {
        let mut command = Command::new(client.get_program());
        command.args(client.get_args());
        for (key, value) in client.get_envs() {
            if let Some(value) = value {
                command.env(key, value);
            }
        }
        let started = Instant::now();
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {:?}: {e}", client.get_program()));
        let mut stderr = child.stderr.take().expect("stderr");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let written = io::copy(&mut sql, &mut child.stdin.take().expect("stdin"));
        let status = child.wait().expect("wait for the client");
        let said = reader.join().unwrap_or_default();
        assert!(
            status.success() && written.is_ok(),
            "loading into {} with {:?} failed ({status}): {said}",
            self.name,
            client.get_program()
        );
        started.elapsed()
    }

    /// Load `sql` through sqlx, a few MiB of statements per round trip.
    async fn load_sqlx(&self, text: &str) -> Duration {
        const CHUNK: usize = 4 << 20;
        let mut chunks: Vec<String> = Vec::new();
        let mut current = String::new();
        for statement in otrs_sql::statements(text) {
            if !current.is_empty() && current.len() + statement.len() > CHUNK {
                chunks.push(std::mem::take(&mut current));
            }
            current.push_str(statement);
            current.push_str(";\n");
        }
        chunks.push(current);
        let started = Instant::now();
        let fail = |chunk: &str, error: sqlx::Error| -> ! {
            let start: String = chunk.chars().take(300).collect();
            panic!("loading into {} failed: {error}\nin the chunk starting:\n{start}", self.name)
        };
        match self.server.engine {
            Engine::MySql => {
                let mut conn =
                    sqlx::MySqlConnection::connect(&self.url()).await.unwrap_or_else(|e| self.server.need(e));
                for chunk in chunks.iter().filter(|c| !c.is_empty()) {
                    if let Err(error) = sqlx::raw_sql(chunk).execute(&mut conn).await {
                        fail(chunk, error);
                    }
                }
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url()).await.unwrap_or_else(|e| self.server.need(e));
                for chunk in chunks.iter().filter(|c| !c.is_empty()) {
                    if let Err(error) = sqlx::raw_sql(chunk).execute(&mut conn).await {
                        fail(chunk, error);
                    }
                }
            }
        }
        started.elapsed()
    }

    /// Gather the planner statistics of every table (`ANALYZE TABLE …` on MySQL, `ANALYZE` on
    /// PostgreSQL), as a DBA does after restoring a copy; returns how long it took.
    async fn analyze(&self) -> Duration {
        let started = Instant::now();
        match self.server.engine {
            Engine::MySql => {
                let mut conn =
                    sqlx::MySqlConnection::connect(&self.url()).await.unwrap_or_else(|e| self.server.need(e));
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE()",
                )
                .fetch_all(&mut conn)
                .await
                .expect("list tables");
                let list = tables.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
                sqlx::raw_sql(&format!("ANALYZE TABLE {list}")).execute(&mut conn).await.expect("analyze");
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url()).await.unwrap_or_else(|e| self.server.need(e));
                sqlx::raw_sql("ANALYZE").execute(&mut conn).await.expect("analyze");
            }
        }
        started.elapsed()
    }

    /// Bytes the database takes (MySQL: data and indexes per `information_schema`, estimates
    /// until the tables are analyzed; PostgreSQL: `pg_database_size`).
    async fn size(&self) -> u64 {
        match self.server.engine {
            Engine::MySql => {
                let mut conn =
                    sqlx::MySqlConnection::connect(&self.url()).await.unwrap_or_else(|e| self.server.need(e));
                sqlx::query_scalar::<_, i64>(
                    "SELECT CAST(COALESCE(SUM(data_length + index_length), 0) AS SIGNED) FROM information_schema.tables \
                     WHERE table_schema = DATABASE()",
                )
                .fetch_one(&mut conn)
                .await
                .expect("database size") as u64
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url()).await.unwrap_or_else(|e| self.server.need(e));
                sqlx::query_scalar::<_, i64>("SELECT pg_database_size(current_database())")
                    .fetch_one(&mut conn)
                    .await
                    .expect("database size") as u64
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let sql = drop_sql(self.server.engine, &self.name);
        let dropped = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    runtime.block_on(self.server.admin(&sql));
                    Some(())
                })
                .join()
        });
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop the bench database {}", self.name);
        }
    }
}
