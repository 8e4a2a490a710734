//! [`Db`]: a read-only sqlx pool on MySQL/MariaDB or PostgreSQL behind a blocking call interface.
//!
//! The pool lives on a thread of its own with a current-thread runtime, for the same reason as
//! the Odoo client's worker: the synchronous `Source` trait is called from plain threads and from
//! inside `block_in_place`, where a `block_on` of the caller's own runtime is not allowed. A query
//! is a message with a reply channel. Every session is read-only (PostgreSQL:
//! `default_transaction_read_only`; MySQL: `SET SESSION TRANSACTION READ ONLY`), the pool holds
//! at most [`MAX_CONNECTIONS`] connections, and values only ever travel as bound parameters.
//!
//! SQL is written once with `?` placeholders and numbered for PostgreSQL (`$1`, `$2`, …) here, so
//! the driver's queries never contain a `?` of their own. Rows come back as [`Cell`]s decoded by
//! the column's type: integers of every width as `i64`, text as text, and MySQL's binary columns
//! (LONGBLOB) as bytes. Date-times are formatted by the database (`DATE_FORMAT`, `to_char`) into
//! naive text the driver reads in OTRS's time zone, so no date-time type crosses the wire.

use std::str::FromStr;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use sqlx::{Column, Executor, Row, TypeInfo};

/// The most connections the driver opens.
pub const MAX_CONNECTIONS: u32 = 4;

/// Which database server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// MySQL or MariaDB.
    MySql,
    /// PostgreSQL.
    Postgres,
}

impl Engine {
    /// The engine a URL names (`mysql://`, `mariadb://`, `postgres://`, `postgresql://`).
    pub fn of_url(url: &str) -> Option<Engine> {
        let scheme = url.split("://").next()?.to_ascii_lowercase();
        match scheme.as_str() {
            "mysql" | "mariadb" => Some(Engine::MySql),
            "postgres" | "postgresql" => Some(Engine::Postgres),
            _ => None,
        }
    }

    /// SQL that renders a date-time column as `YYYY-MM-DD HH:MM:SS`.
    pub fn datetime_text(self, column: &str) -> String {
        match self {
            Engine::MySql => format!("DATE_FORMAT({column}, '%Y-%m-%d %H:%i:%s')"),
            Engine::Postgres => format!("to_char({column}, 'YYYY-MM-DD HH24:MI:SS')"),
        }
    }

    /// SQL comparing a text column with a bound value without regard to case (MySQL's usual
    /// collations already do; PostgreSQL compares exactly).
    pub fn lower(self, column: &str) -> String {
        match self {
            Engine::MySql => column.to_owned(),
            Engine::Postgres => format!("lower({column})"),
        }
    }

    /// SQL that compares and sorts a text expression by its bytes (UTF-8 order), not by the
    /// column's collation.
    pub fn bytewise(self, expression: &str) -> String {
        match self {
            Engine::MySql => format!("CAST({expression} AS BINARY)"),
            Engine::Postgres => format!("({expression}) COLLATE \"C\""),
        }
    }

    /// The name people know the engine by.
    pub fn name(self) -> &'static str {
        match self {
            Engine::MySql => "MySQL/MariaDB",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// One value of a result row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// Any integer column.
    Int(i64),
    /// A floating-point or decimal column.
    Float(f64),
    /// Text.
    Text(String),
    /// A binary column (MySQL LONGBLOB, PostgreSQL bytea).
    Bytes(Vec<u8>),
}

impl Cell {
    /// The integer, or an integer written as text (`content_size` is a varchar).
    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(n) => Some(*n),
            Cell::Text(text) => text.trim().parse().ok(),
            Cell::Float(x) if x.fract() == 0.0 => Some(*x as i64),
            _ => None,
        }
    }

    /// The text, with bytes read as UTF-8 (invalid sequences replaced).
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Text(text) => Some(text.clone()),
            Cell::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            Cell::Int(n) => Some(n.to_string()),
            Cell::Float(x) => Some(x.to_string()),
            Cell::Null => None,
        }
    }

    /// Whether the cell is NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }
}

/// A bound parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
}

/// A failed query: what the server or the connection said.
#[derive(Debug, Clone)]
pub struct DbError(pub String);

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type Rows = Vec<Vec<Cell>>;
type Request = (String, Vec<Param>, mpsc::Sender<Result<Rows, DbError>>);

enum Pool {
    MySql(sqlx::MySqlPool),
    Postgres(sqlx::PgPool),
}

/// A read-only connection pool on its own thread.
#[derive(Debug)]
pub struct Db {
    engine: Engine,
    requests: mpsc::Sender<Request>,
}

impl Db {
    /// Connect to `url` (the password, if any, is part of the URL and never printed: errors name
    /// the host and database only). `timeout` bounds connecting and each query's wait for a
    /// connection.
    pub fn connect(url: &str, timeout: Duration) -> Result<Db, DbError> {
        let engine = Engine::of_url(url).ok_or_else(|| {
            DbError(format!(
                "`{}` is not a database URL this driver reads: write mysql://USER:PASSWORD@HOST:3306/DATABASE \
                 or postgres://USER:PASSWORD@HOST:5432/DATABASE",
                redact(url)
            ))
        })?;
        // The pool is opened on the thread that owns it, so connecting works from any caller,
        // an async one included.
        let (requests, incoming) = mpsc::channel::<Request>();
        let (ready, opened) = mpsc::channel::<Result<(), DbError>>();
        let url = url.to_owned();
        thread::Builder::new()
            .name("otrs-db".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ =
                            ready.send(Err(DbError(format!("cannot start the database client's runtime: {error}"))));
                        return;
                    }
                };
                let pool = match runtime.block_on(open(engine, &url, timeout)) {
                    Ok(pool) => pool,
                    Err(error) => {
                        let _ = ready.send(Err(error));
                        return;
                    }
                };
                let _ = ready.send(Ok(()));
                while let Ok((sql, params, reply)) = incoming.recv() {
                    let rows = runtime.block_on(run(&pool, &sql, params));
                    let _ = reply.send(rows);
                }
                runtime.block_on(async {
                    match pool {
                        Pool::MySql(pool) => pool.close().await,
                        Pool::Postgres(pool) => pool.close().await,
                    }
                });
            })
            .map_err(|error| DbError(format!("cannot start the database client's thread: {error}")))?;
        opened.recv().map_err(|_| DbError("the database client's thread has stopped".to_owned()))??;
        Ok(Db { engine, requests })
    }

    /// The server's engine.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Run a query written with `?` placeholders and return its rows.
    pub fn query(&self, sql: &str, params: Vec<Param>) -> Result<Rows, DbError> {
        let sql = match self.engine {
            Engine::MySql => sql.to_owned(),
            Engine::Postgres => number_placeholders(sql),
        };
        let (reply, answer) = mpsc::channel();
        self.requests
            .send((sql, params, reply))
            .map_err(|_| DbError("the database client's thread has stopped".to_owned()))?;
        answer.recv().map_err(|_| DbError("the database client's thread has stopped".to_owned()))?
    }
}

/// `?` → `$1`, `$2`, … (the driver's SQL has no `?` in literals).
fn number_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// A URL with its password blanked, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return "(not a URL)".to_owned() };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let user = authority.rsplit_once('@').map(|(credentials, _)| credentials.split(':').next().unwrap_or(""));
    let database = path.split('?').next().unwrap_or("");
    match user {
        Some(user) if !user.is_empty() => format!("{scheme}://{user}@{host}/{database}"),
        _ => format!("{scheme}://{host}/{database}"),
    }
}

async fn open(engine: Engine, url: &str, timeout: Duration) -> Result<Pool, DbError> {
    let unreachable = |error: sqlx::Error| DbError(format!("cannot connect to {}: {error}", redact(url)));
    match engine {
        Engine::MySql => {
            let options = sqlx::mysql::MySqlConnectOptions::from_str(url).map_err(unreachable)?;
            let pool = sqlx::mysql::MySqlPoolOptions::new()
                .max_connections(MAX_CONNECTIONS)
                .acquire_timeout(timeout)
                .after_connect(|connection, _| {
                    Box::pin(async move {
                        connection.execute("SET SESSION TRANSACTION READ ONLY").await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            Ok(Pool::MySql(pool))
        }
        Engine::Postgres => {
            let options = sqlx::postgres::PgConnectOptions::from_str(url)
                .map_err(unreachable)?
                .options([("default_transaction_read_only", "on")]);
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(MAX_CONNECTIONS)
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            Ok(Pool::Postgres(pool))
        }
    }
}

/// The parameters bound to a query, on either engine.
fn bind_all<'q, DB>(
    mut query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    params: Vec<Param>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for param in params {
        query = match param {
            Param::Int(n) => query.bind(n),
            Param::Text(text) => query.bind(text),
        };
    }
    query
}

async fn run(pool: &Pool, sql: &str, params: Vec<Param>) -> Result<Rows, DbError> {
    let failed = |error: sqlx::Error| DbError(error.to_string());
    match pool {
        Pool::MySql(pool) => {
            let rows = bind_all(sqlx::query(sql), params).fetch_all(pool).await.map_err(failed)?;
            rows.iter().map(|row| decode_mysql(row).map_err(failed)).collect()
        }
        Pool::Postgres(pool) => {
            let rows = bind_all(sqlx::query(sql), params).fetch_all(pool).await.map_err(failed)?;
            rows.iter().map(|row| decode_postgres(row).map_err(failed)).collect()
        }
    }
}

fn decode_mysql(row: &sqlx::mysql::MySqlRow) -> Result<Vec<Cell>, sqlx::Error> {
    let mut cells = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let name = column.type_info().name().to_ascii_uppercase();
        let cell = if name.contains("INT") {
            if name.contains("UNSIGNED") {
                row.try_get::<Option<u64>, _>(i)?.map_or(Cell::Null, |n| Cell::Int(n as i64))
            } else {
                row.try_get::<Option<i64>, _>(i)?.map_or(Cell::Null, Cell::Int)
            }
        } else if name.contains("FLOAT") || name.contains("DOUBLE") {
            row.try_get::<Option<f64>, _>(i)?.map_or(Cell::Null, Cell::Float)
        } else if name.contains("BLOB") || name.contains("BINARY") {
            row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Cell::Null, Cell::Bytes)
        } else {
            match row.try_get::<Option<String>, _>(i) {
                Ok(text) => text.map_or(Cell::Null, Cell::Text),
                // Text the server could not hand over as UTF-8: keep the bytes.
                Err(_) => row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Cell::Null, Cell::Bytes),
            }
        };
        cells.push(cell);
    }
    Ok(cells)
}

fn decode_postgres(row: &sqlx::postgres::PgRow) -> Result<Vec<Cell>, sqlx::Error> {
    let mut cells = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let cell = match column.type_info().name() {
            "INT2" => row.try_get::<Option<i16>, _>(i)?.map_or(Cell::Null, |n| Cell::Int(n.into())),
            "INT4" => row.try_get::<Option<i32>, _>(i)?.map_or(Cell::Null, |n| Cell::Int(n.into())),
            "INT8" => row.try_get::<Option<i64>, _>(i)?.map_or(Cell::Null, Cell::Int),
            "FLOAT4" => row.try_get::<Option<f32>, _>(i)?.map_or(Cell::Null, |x| Cell::Float(x.into())),
            "FLOAT8" => row.try_get::<Option<f64>, _>(i)?.map_or(Cell::Null, Cell::Float),
            "BYTEA" => row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Cell::Null, Cell::Bytes),
            _ => row.try_get::<Option<String>, _>(i)?.map_or(Cell::Null, Cell::Text),
        };
        cells.push(cell);
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(number_placeholders("a = ? AND b IN (?, ?)"), "a = $1 AND b IN ($2, $3)");
    }

    #[test]
    fn urls_lose_their_password_in_messages() {
        assert_eq!(
            redact("mysql://otrs:s3cret@db.example:3306/otrs?ssl-mode=required"),
            "mysql://otrs@db.example:3306/otrs"
        );
        assert_eq!(redact("postgres://127.0.0.1/znuny"), "postgres://127.0.0.1/znuny");
        assert_eq!(Engine::of_url("postgresql://x/y"), Some(Engine::Postgres));
        assert_eq!(Engine::of_url("mariadb://x/y"), Some(Engine::MySql));
        assert_eq!(Engine::of_url("sqlite:x"), None);
    }
}
