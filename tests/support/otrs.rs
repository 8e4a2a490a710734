//! Generated OTRS helpdesks in real databases: `cutover generate --platform otrs --sql ENGINE`
//! loaded into a fresh database on the MariaDB (127.0.0.1:3306, root without a password) or
//! PostgreSQL (127.0.0.1:5432, postgres, trust auth) server CI starts. `CUTOVER_TEST_MYSQL` and
//! `CUTOVER_TEST_POSTGRES` override the server URLs.
//!
//! Databases are named `cutover_otrs_<pid>_<n>`; those of test processes that are gone are dropped
//! once per process, on both servers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use cutover::generate::otrs_sql::{self, ArticleStorage, Engine, SqlOptions};
use cutover::generate::{Platform, generate};
use sqlx::Connection;
use tempfile::TempDir;

/// A generated helpdesk loaded into its own database.
pub struct OtrsDatabase {
    /// `mysql://root@127.0.0.1:3306/NAME` or `postgres://postgres@127.0.0.1:5432/NAME`.
    pub url: String,
    /// The generated NDJSON files, the lock, the SQL file and (FS or mixed storage) `article/`.
    pub dir: PathBuf,
    /// The database name.
    pub name: String,
    /// The engine.
    pub engine: Engine,
    _temp: TempDir,
}

/// The MariaDB/MySQL server the tests use (a URL without a database name).
pub fn mysql_server() -> String {
    std::env::var("CUTOVER_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_owned())
}

/// The server URL of an engine.
pub fn server(engine: Engine) -> String {
    match engine {
        Engine::MySql => mysql_server(),
        Engine::Postgres => super::state::postgres_server(),
    }
}

const PREFIX: &str = "cutover_otrs_";

/// Whether a database of ours belongs to a test process that no longer runs.
fn stale(name: &str) -> bool {
    let pid = name.trim_start_matches(PREFIX).split('_').next().unwrap_or_default();
    pid.parse::<u32>().map_or(true, |pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
}

/// A new, empty database on `engine`'s server; returns its name and URL.
pub async fn fresh_database(engine: Engine) -> (String, String) {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    static SWEPT_MYSQL: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    static SWEPT_POSTGRES: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let server = server(engine);
    let name = format!("{PREFIX}{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let need = |error: sqlx::Error| -> ! {
        panic!("the OTRS database tests need {engine} at {server} (CI starts it): {error}")
    };
    match engine {
        Engine::MySql => {
            let mut admin =
                sqlx::MySqlConnection::connect(&format!("{server}/mysql")).await.unwrap_or_else(|e| need(e));
            SWEPT_MYSQL
                .get_or_init(|| async {
                    let names: Vec<(String,)> = sqlx::query_as(r"SHOW DATABASES LIKE 'cutover\_otrs\_%'")
                        .fetch_all(&mut admin)
                        .await
                        .unwrap_or_default();
                    for (stale_name,) in names.into_iter().filter(|(n,)| stale(n)) {
                        let _ =
                            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS `{stale_name}`")).execute(&mut admin).await;
                    }
                })
                .await;
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS `{name}`")).execute(&mut admin).await.expect("drop");
            sqlx::raw_sql(&format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb3"))
                .execute(&mut admin)
                .await
                .expect("create database");
        }
        Engine::Postgres => {
            let mut admin =
                sqlx::PgConnection::connect(&format!("{server}/postgres")).await.unwrap_or_else(|e| need(e));
            SWEPT_POSTGRES
                .get_or_init(|| async {
                    let names: Vec<(String,)> =
                        sqlx::query_as(r"SELECT datname FROM pg_database WHERE datname LIKE 'cutover\_otrs\_%'")
                            .fetch_all(&mut admin)
                            .await
                            .unwrap_or_default();
                    for (stale_name,) in names.into_iter().filter(|(n,)| stale(n)) {
                        let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {stale_name} WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                    }
                })
                .await;
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await.expect("drop");
            sqlx::raw_sql(&format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"))
                .execute(&mut admin)
                .await
                .expect("create database");
        }
    }
    let url = format!("{server}/{name}");
    (name, url)
}

/// Load a SQL file written by `otrs_sql::write_sql` into the database at `url`, a few MiB of
/// statements per round trip. Panics with the failing statement's start on an error.
pub async fn load(engine: Engine, url: &str, sql: &str) {
    const CHUNK: usize = 4 << 20;
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    for statement in otrs_sql::statements(sql) {
        if !current.is_empty() && current.len() + statement.len() > CHUNK {
            chunks.push(std::mem::take(&mut current));
        }
        current.push_str(statement);
        current.push_str(";\n");
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    let fail = |chunk: &str, error: sqlx::Error| -> ! {
        let start: String = chunk.chars().take(300).collect();
        panic!("loading the {engine} SQL failed: {error}\nin the chunk starting:\n{start}")
    };
    match engine {
        Engine::MySql => {
            let mut conn = sqlx::MySqlConnection::connect(url).await.expect("connect to MySQL");
            for chunk in &chunks {
                if let Err(error) = sqlx::raw_sql(chunk).execute(&mut conn).await {
                    fail(chunk, error);
                }
            }
        }
        Engine::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect to PostgreSQL");
            for chunk in &chunks {
                if let Err(error) = sqlx::raw_sql(chunk).execute(&mut conn).await {
                    fail(chunk, error);
                }
            }
        }
    }
}

/// Generate `tickets` OTRS tickets with `seed` into a temporary directory, write the SQL for
/// `engine` with `storage` and OTRSTimeZone `zone`, and load it into a fresh database.
pub async fn database(engine: Engine, tickets: u64, seed: u64, storage: ArticleStorage, zone: &str) -> OtrsDatabase {
    let temp = tempfile::tempdir().expect("create a temporary directory");
    generate(Platform::Otrs, tickets, seed, temp.path()).expect("generate the OTRS helpdesk");
    load_generated(temp, &SqlOptions { engine, storage, time_zone: zone.to_owned() }).await
}

/// Write the SQL for the OTRS NDJSON files in `temp` and load it into a fresh database (for
/// tests that change the files first).
pub async fn load_generated(temp: TempDir, options: &SqlOptions) -> OtrsDatabase {
    let dir = temp.path().to_path_buf();
    let written = otrs_sql::write_sql(&dir, options).expect("write the SQL file");
    let sql = std::fs::read_to_string(&written.path).expect("read the SQL file");
    let (name, url) = fresh_database(options.engine).await;
    load(options.engine, &url, &sql).await;
    OtrsDatabase { url, dir, name, engine: options.engine, _temp: temp }
}
