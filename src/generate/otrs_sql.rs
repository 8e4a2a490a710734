//! The generated OTRS helpdesk as a real database: one SQL file (schema, data, foreign keys) for
//! MySQL/MariaDB or PostgreSQL, written from the NDJSON files [`super::generate`] put in a
//! directory.
//!
//! The tables and columns come from the Znuny 7.0 DDL in `otrs_sql/schema.<engine>.sql` (the
//! PostgreSQL file is also the column list this module reads). Each `<table>.ndjson` is streamed
//! line by line into multi-row `INSERT`s of at most [`ROWS_PER_INSERT`] rows; NDJSON keys that are
//! not columns (the surrogate `id` of link and preference tables, `customer_company`'s row
//! number) are left out, and NOT NULL columns the generator leaves empty get what Znuny stores
//! there (an empty string, a password hash, a channel's YAML). Tables of a fresh install that the
//! generator does not write (salutation, signature, system address, follow-up options, link types
//! and states) get their seed rows, and the four settings a migration reads get `sysconfig_default`
//! rows, with `sysconfig_modified` rows where the chosen options differ from the defaults.
//!
//! Values:
//! - Text is quoted with `''` doubling: PostgreSQL runs with `standard_conforming_strings`, and the
//!   MySQL file sets `NO_BACKSLASH_ESCAPES`, so backslashes are literal on both.
//! - Naive times are `'YYYY-MM-DD HH:MM:SS'` in `OTRSTimeZone`: the generator writes UTC; with
//!   another zone every time column is shifted to that zone's wall-clock time, except the values
//!   of Date dynamic fields (a date has no time of day). Epoch-second integers stay as they are.
//! - Attachment content (`article_data_mime_attachment.content`, `article_data_mime_plain.body`):
//!   PostgreSQL gets base64 text in lines of 76 characters, each ended by `\n` (Perl's
//!   `encode_base64`, as Znuny writes it); MySQL gets the raw bytes as a hex literal `X'…'`.
//!
//! Article storage ([`ArticleStorage`]): with the file-system backend the attachments are not
//! rows but files under `DIR/article/<content_path>/<article_id>/<filename>` with the sidecar
//! files `<filename>.content_type`, `<filename>.disposition` and, when set, `<filename>.content_id`
//! (file names cleaned and de-duplicated the way Znuny's ArticleStorageFS does); the setting
//! `Ticket::Article::Backend::MIMEBase::ArticleDataDir` then points at `DIR/article`.
//!
//! The data comes before the foreign keys (as Znuny's installer runs schema, inserts, then
//! schema-post), so adding them checks every row; on PostgreSQL the sequences are set past the
//! highest id at the end.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use base64::Engine as _;
use serde_json::{Map, Value as Json};

use super::{DAY, HOUR, MINUTE, days_from_civil, fmt_datetime};

const POSTGRES_SCHEMA: &str = include_str!("otrs_sql/schema.postgresql.sql");
const MYSQL_SCHEMA: &str = include_str!("otrs_sql/schema.mysql.sql");
/// The line that starts the foreign keys in both schema files.
const POST_MARKER: &str = "-- @schema-post";

/// Rows per `INSERT` statement at most.
pub const ROWS_PER_INSERT: usize = 500;
/// An `INSERT` is also ended once its text passes this many bytes (MySQL's packet limit).
const BYTES_PER_INSERT: usize = 1 << 20;

/// Columns whose content is file bytes (base64 in the NDJSON).
const BLOB_COLUMNS: [(&str, &str); 2] =
    [("article_data_mime_attachment", "content"), ("article_data_mime_plain", "body")];

/// The database engine the SQL is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// MySQL or MariaDB (utf8mb3 tables, LONGBLOB bytes).
    MySql,
    /// PostgreSQL (base64 text for attachments).
    Postgres,
}

impl Engine {
    /// The name used in file names: `mysql` or `postgresql`.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::MySql => "mysql",
            Engine::Postgres => "postgresql",
        }
    }

    /// The name of the SQL file written into the output directory.
    pub fn file_name(self) -> String {
        format!("otrs.{}.sql", self.as_str())
    }

    /// The Znuny DDL for this engine (tables and indexes, then the foreign keys).
    pub fn schema(self) -> &'static str {
        match self {
            Engine::MySql => MYSQL_SCHEMA,
            Engine::Postgres => POSTGRES_SCHEMA,
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::MySql => "MySQL",
            Engine::Postgres => "PostgreSQL",
        })
    }
}

/// Where attachment bytes are kept (Znuny's `Ticket::Article::Backend::MIMEBase::ArticleStorage`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArticleStorage {
    /// In `article_data_mime_attachment` (ArticleStorageDB, the default).
    Db,
    /// As files under `DIR/article` (ArticleStorageFS); no attachment rows.
    Fs,
    /// A system that switched from DB to FS: attachments of odd ticket ids are rows, those of even
    /// ticket ids are files; the setting says FS with `CheckAllStorageBackends` on.
    Mixed,
}

impl ArticleStorage {
    /// The name used on the command line: `db`, `fs` or `mixed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStorage::Db => "db",
            ArticleStorage::Fs => "fs",
            ArticleStorage::Mixed => "mixed",
        }
    }

    /// Whether the attachments of ticket `ticket_id` are written as files.
    pub fn on_disk(self, ticket_id: i64) -> bool {
        match self {
            ArticleStorage::Db => false,
            ArticleStorage::Fs => true,
            ArticleStorage::Mixed => ticket_id % 2 == 0,
        }
    }
}

impl FromStr for ArticleStorage {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [ArticleStorage::Db, ArticleStorage::Fs, ArticleStorage::Mixed]
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| format!("unknown article storage `{text}` (expected db, fs or mixed)"))
    }
}

/// What to write.
#[derive(Clone, Debug)]
pub struct SqlOptions {
    /// The engine.
    pub engine: Engine,
    /// Where attachments go.
    pub storage: ArticleStorage,
    /// The `OTRSTimeZone` the naive times are written in (an IANA name, `UTC` by default).
    pub time_zone: String,
}

impl SqlOptions {
    /// UTC and DB storage for `engine`.
    pub fn new(engine: Engine) -> SqlOptions {
        SqlOptions { engine, storage: ArticleStorage::Db, time_zone: "UTC".to_owned() }
    }
}

/// What [`write_sql`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlSummary {
    /// The SQL file.
    pub path: PathBuf,
    /// Rows inserted, per table.
    pub rows: BTreeMap<String, u64>,
    /// Attachments written as files (with FS or mixed storage).
    pub files: u64,
    /// The article directory, when files were written there.
    pub article_dir: Option<PathBuf>,
}

/// Write `DIR/otrs.<engine>.sql` (and, for FS or mixed storage, `DIR/article/…`) from the OTRS
/// NDJSON files in `dir`. A value that does not fit its column (too long, a NUL character, a
/// four-byte character in a utf8mb3 column, NULL in a NOT NULL number) is an error naming the
/// file, line and column.
pub fn write_sql(dir: &Path, options: &SqlOptions) -> io::Result<SqlSummary> {
    let zone = jiff::tz::TimeZone::get(&options.time_zone)
        .map_err(|e| invalid(format!("unknown time zone `{}`: {e}", options.time_zone)))?;
    let tables = parse_schema(POSTGRES_SCHEMA);
    let path = dir.join(options.engine.file_name());
    let file = File::create(&path)?;
    let article_dir = dir.join("article");
    let mut out = Out {
        w: BufWriter::with_capacity(1 << 20, file),
        engine: options.engine,
        zone: if options.time_zone == "UTC" { None } else { Some(zone) },
        rows: BTreeMap::new(),
    };
    let (schema, post) = split_schema(options.engine.schema());
    writeln!(
        out.w,
        "-- Generated by `cutover generate --platform otrs --sql {}`: Znuny 7.0 tables for {}, \
         the generated helpdesk, then the foreign keys.\n-- Article storage: {}; OTRSTimeZone: {}.",
        match options.engine {
            Engine::MySql => "mysql",
            Engine::Postgres => "postgres",
        },
        options.engine,
        options.storage.as_str(),
        options.time_zone
    )?;
    match options.engine {
        Engine::MySql => out.w.write_all(
            b"SET NAMES utf8mb4;\nSET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES,\
              NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO';\n\n",
        )?,
        Engine::Postgres => out.w.write_all(b"SET client_encoding = 'UTF8';\n\n")?,
    }
    out.w.write_all(schema.as_bytes())?;
    out.w.write_all(b"\n-- Data\n")?;

    let date_fields = date_fields(dir)?;
    let articles = if options.storage == ArticleStorage::Db { HashMap::new() } else { article_places(dir)? };
    let mut disk = Disk { root: article_dir.clone(), files: 0, article: None, used: HashSet::new() };
    let context = Context { storage: options.storage, date_fields, articles };
    for table in &tables {
        let source = dir.join(format!("{}.ndjson", table.name));
        if source.exists() {
            copy_table(&mut out, table, &source, &context, &mut disk)?;
        } else if let Some(rows) = seed_rows(&table.name) {
            let mut batch = Batch::new(&table.name, rows.0);
            for row in rows.1 {
                batch.push(&mut out, &row)?;
            }
            batch.finish(&mut out)?;
        }
    }
    write_settings(&mut out, options, &article_dir)?;

    out.w.write_all(b"\n")?;
    out.w.write_all(post.as_bytes())?;
    if options.engine == Engine::Postgres {
        out.w.write_all(b"\n-- Sequences continue after the generated ids.\n")?;
        for table in &tables {
            if let Some(column) = &table.serial {
                writeln!(
                    out.w,
                    "SELECT setval(pg_get_serial_sequence('{t}', '{column}'), \
                     COALESCE((SELECT MAX({column}) FROM {t}), 0) + 1, false);",
                    t = table.name
                )?;
            }
        }
    }
    out.w.flush()?;
    Ok(SqlSummary { path, rows: out.rows, files: disk.files, article_dir: (disk.files > 0).then_some(article_dir) })
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The schema text before the foreign-key marker, and from it on.
fn split_schema(text: &str) -> (&str, &str) {
    match text.find(POST_MARKER) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    }
}

// ---------------------------------------------------------------------------------------------
// The table definitions, read from the PostgreSQL DDL

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Decimal,
    Time,
    Text,
}

#[derive(Clone, Debug)]
struct Column {
    name: String,
    kind: Kind,
    not_null: bool,
    /// Serial or with a DEFAULT: may be left out of an INSERT.
    defaulted: bool,
    /// VARCHAR(n): at most n characters (and a utf8mb3 column on MySQL).
    max_chars: Option<usize>,
    /// A VARCHAR on PostgreSQL (TEXT there is LONGBLOB on MySQL, which takes any bytes).
    varchar: bool,
}

#[derive(Clone, Debug)]
struct TableDef {
    name: String,
    columns: Vec<Column>,
    serial: Option<String>,
}

fn parse_schema(text: &str) -> Vec<TableDef> {
    let mut tables = Vec::new();
    let mut current: Option<TableDef> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
            let name = rest.trim_end_matches(" (").trim().to_owned();
            current = Some(TableDef { name, columns: Vec::new(), serial: None });
            continue;
        }
        let Some(table) = current.as_mut() else { continue };
        if line.starts_with(')') {
            tables.push(current.take().expect("a table is open"));
            continue;
        }
        let Some(body) = line.strip_prefix("    ") else { continue };
        let mut words = body.split_whitespace();
        let (Some(name), Some(kind)) = (words.next(), words.next()) else { continue };
        if matches!(name, "PRIMARY" | "CONSTRAINT") {
            continue;
        }
        let serial = matches!(kind, "serial" | "bigserial");
        let (kind, max_chars, varchar) = match kind {
            "serial" | "bigserial" | "SMALLINT" | "INTEGER" | "BIGINT" => (Kind::Int, None, false),
            "DECIMAL" => (Kind::Decimal, None, false),
            "timestamp(0)" => (Kind::Time, None, false),
            "VARCHAR" => {
                let size = body.split_once('(').and_then(|(_, r)| r.split_once(')')).and_then(|(n, _)| n.parse().ok());
                (Kind::Text, size, true)
            }
            "TEXT" => (Kind::Text, None, false),
            other => panic!("schema.postgresql.sql: unknown type {other} of {}.{name}", table.name),
        };
        if serial {
            table.serial = Some(name.to_owned());
        }
        table.columns.push(Column {
            name: name.to_owned(),
            kind,
            not_null: body.contains("NOT NULL"),
            defaulted: serial || body.contains(" DEFAULT "),
            max_chars,
            varchar,
        });
    }
    tables
}

// ---------------------------------------------------------------------------------------------
// Values and INSERT statements

/// One value to insert.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Int(i64),
    /// A decimal literal, as written.
    Number(String),
    Text(String),
    /// A UTC time (Unix seconds), written naive in the zone.
    Time(i64),
    /// A naive time written as is (a date).
    Naive(i64),
    Bytes(Vec<u8>),
}

struct Out {
    w: BufWriter<File>,
    engine: Engine,
    /// `None` for UTC.
    zone: Option<jiff::tz::TimeZone>,
    rows: BTreeMap<String, u64>,
}

impl Out {
    fn literal(&self, into: &mut String, value: &Value) {
        match value {
            Value::Null => into.push_str("NULL"),
            Value::Int(n) => {
                let _ = write!(into, "{n}");
            }
            Value::Number(text) => into.push_str(text),
            Value::Text(text) => quote(into, text),
            Value::Time(secs) => {
                let offset = match &self.zone {
                    Some(zone) => jiff::Timestamp::from_second(*secs)
                        .map(|at| i64::from(zone.to_offset(at).seconds()))
                        .unwrap_or(0),
                    None => 0,
                };
                into.push('\'');
                fmt_datetime(into, secs + offset, ' ', false);
                into.push('\'');
            }
            Value::Naive(secs) => {
                into.push('\'');
                fmt_datetime(into, *secs, ' ', false);
                into.push('\'');
            }
            Value::Bytes(bytes) => match self.engine {
                Engine::MySql => {
                    into.push_str("X'");
                    for b in bytes {
                        let _ = write!(into, "{b:02X}");
                    }
                    into.push('\'');
                }
                Engine::Postgres => {
                    into.push('\'');
                    into.push_str(&perl_base64(bytes));
                    into.push('\'');
                }
            },
        }
    }
}

/// `text` as a SQL string literal (`'` doubled; backslashes are literal on both engines here).
fn quote(into: &mut String, text: &str) {
    into.push('\'');
    for c in text.chars() {
        if c == '\'' {
            into.push('\'');
        }
        into.push(c);
    }
    into.push('\'');
}

/// Base64 the way Perl's `MIME::Base64::encode_base64` writes it: lines of 76 characters, each
/// ended by `\n`; nothing for no bytes.
pub fn perl_base64(bytes: &[u8]) -> String {
    let plain = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(plain.len() + plain.len() / 76 + 1);
    for line in plain.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

/// One table's multi-row INSERT being built.
struct Batch {
    table: String,
    head: String,
    text: String,
    rows: usize,
}

impl Batch {
    fn new(table: &str, columns: Vec<String>) -> Batch {
        Batch {
            table: table.to_owned(),
            head: format!("INSERT INTO {table} ({}) VALUES\n", columns.join(", ")),
            text: String::new(),
            rows: 0,
        }
    }

    fn push(&mut self, out: &mut Out, values: &[Value]) -> io::Result<()> {
        if self.rows == 0 {
            self.text.push_str(&self.head);
        } else {
            self.text.push_str(",\n");
        }
        self.text.push('(');
        for (k, value) in values.iter().enumerate() {
            if k > 0 {
                self.text.push_str(", ");
            }
            out.literal(&mut self.text, value);
        }
        self.text.push(')');
        self.rows += 1;
        *out.rows.entry(self.table.clone()).or_default() += 1;
        if self.rows >= ROWS_PER_INSERT || self.text.len() >= BYTES_PER_INSERT {
            self.flush(out)?;
        }
        Ok(())
    }

    fn flush(&mut self, out: &mut Out) -> io::Result<()> {
        if self.rows > 0 {
            self.text.push_str(";\n");
            out.w.write_all(self.text.as_bytes())?;
            self.text.clear();
            self.rows = 0;
        }
        Ok(())
    }

    fn finish(mut self, out: &mut Out) -> io::Result<()> {
        self.flush(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Copying NDJSON tables

struct Context {
    storage: ArticleStorage,
    /// Ids of dynamic fields of type Date (their values are dates, not instants).
    date_fields: HashSet<i64>,
    /// Article id → (ticket id, content path); filled when attachments may go to disk.
    articles: HashMap<i64, (i64, String)>,
}

/// Files written for the FS backend.
struct Disk {
    root: PathBuf,
    files: u64,
    /// The article whose names are in `used`.
    article: Option<i64>,
    used: HashSet<String>,
}

fn lines(path: &Path) -> io::Result<impl Iterator<Item = io::Result<(usize, Map<String, Json>)>>> {
    let name = path.display().to_string();
    let reader = BufReader::with_capacity(1 << 20, File::open(path)?);
    Ok(reader.lines().enumerate().map(move |(k, line)| {
        let line = line?;
        match serde_json::from_str::<Json>(&line) {
            Ok(Json::Object(map)) => Ok((k + 1, map)),
            Ok(_) => Err(invalid(format!("{name}:{}: not a JSON object", k + 1))),
            Err(e) => Err(invalid(format!("{name}:{}: {e}", k + 1))),
        }
    }))
}

fn date_fields(dir: &Path) -> io::Result<HashSet<i64>> {
    let path = dir.join("dynamic_field.ndjson");
    let mut ids = HashSet::new();
    if path.exists() {
        for row in lines(&path)? {
            let (_, row) = row?;
            if row.get("field_type").and_then(Json::as_str) == Some("Date")
                && let Some(id) = row.get("id").and_then(Json::as_i64)
            {
                ids.insert(id);
            }
        }
    }
    Ok(ids)
}

fn article_places(dir: &Path) -> io::Result<HashMap<i64, (i64, String)>> {
    let mut places = HashMap::new();
    for row in lines(&dir.join("article.ndjson"))? {
        let (_, row) = row?;
        if let (Some(id), Some(ticket)) =
            (row.get("id").and_then(Json::as_i64), row.get("ticket_id").and_then(Json::as_i64))
        {
            places.insert(id, (ticket, String::new()));
        }
    }
    for row in lines(&dir.join("article_data_mime.ndjson"))? {
        let (_, row) = row?;
        if let (Some(article), Some(path)) =
            (row.get("article_id").and_then(Json::as_i64), row.get("content_path").and_then(Json::as_str))
            && let Some(place) = places.get_mut(&article)
        {
            place.1 = path.to_owned();
        }
    }
    Ok(places)
}

/// How one column of a table is filled from the NDJSON.
enum Source {
    Key,
    /// NOT NULL but not written by the generator: the value Znuny would have there.
    Filler,
}

fn copy_table(out: &mut Out, table: &TableDef, path: &Path, context: &Context, disk: &mut Disk) -> io::Result<()> {
    let name = path.display().to_string();
    let mut plan: Option<Vec<(&Column, Source)>> = None;
    let mut batch: Option<Batch> = None;
    let attachments = table.name == "article_data_mime_attachment";
    for row in lines(path)? {
        let (line, row) = row?;
        let plan = match &plan {
            Some(plan) => plan,
            None => {
                for key in row.keys() {
                    if key != "id" && !table.columns.iter().any(|c| &c.name == key) {
                        return Err(invalid(format!("{name}:{line}: `{key}` is not a column of {}", table.name)));
                    }
                }
                let mut columns = Vec::new();
                for column in &table.columns {
                    if row.contains_key(&column.name) {
                        columns.push((column, Source::Key));
                    } else if filler(&table.name, &column.name, &row).is_some() {
                        columns.push((column, Source::Filler));
                    } else if column.not_null && !column.defaulted {
                        return Err(invalid(format!(
                            "{name}:{line}: {}.{} is NOT NULL in the schema but not in the file",
                            table.name, column.name
                        )));
                    }
                }
                batch = Some(Batch::new(&table.name, columns.iter().map(|(c, _)| c.name.clone()).collect()));
                plan.insert(columns)
            }
        };
        let mut values = Vec::with_capacity(plan.len());
        for (column, source) in plan {
            let value = match source {
                Source::Filler => filler(&table.name, &column.name, &row).unwrap_or(Value::Null),
                Source::Key => {
                    let json = row.get(&column.name).ok_or_else(|| {
                        invalid(format!("{name}:{line}: `{}` is missing (the first line has it)", column.name))
                    })?;
                    value_of(out.engine, &table.name, column, json, &row, context)
                        .map_err(|why| invalid(format!("{name}:{line}: {}.{}: {why}", table.name, column.name)))?
                }
            };
            values.push(value);
        }
        if attachments {
            let article = row.get("article_id").and_then(Json::as_i64).unwrap_or_default();
            let ticket = context.articles.get(&article).map_or(0, |(ticket, _)| *ticket);
            if context.storage.on_disk(ticket) {
                write_file(disk, context, article, &row).map_err(|e| invalid(format!("{name}:{line}: {e}")))?;
                continue;
            }
        }
        batch.as_mut().expect("planned with the first line").push(out, &values)?;
    }
    if let Some(batch) = batch {
        batch.finish(out)?;
    }
    Ok(())
}

fn value_of(
    engine: Engine,
    table: &str,
    column: &Column,
    json: &Json,
    row: &Map<String, Json>,
    context: &Context,
) -> Result<Value, String> {
    if json.is_null() {
        return match (column.not_null, column.kind) {
            (false, _) => Ok(Value::Null),
            (true, Kind::Text) => Ok(Value::Text(String::new())),
            (true, _) => Err("null in a NOT NULL column".to_owned()),
        };
    }
    match column.kind {
        Kind::Int => json.as_i64().map(Value::Int).ok_or_else(|| format!("{json} is not an integer")),
        Kind::Decimal => match json {
            Json::Number(n) => Ok(Value::Number(n.to_string())),
            _ => Err(format!("{json} is not a number")),
        },
        Kind::Time => {
            let text = json.as_str().ok_or_else(|| format!("{json} is not a time"))?;
            let secs = parse_naive(text).ok_or_else(|| format!("`{text}` is not YYYY-MM-DD HH:MM:SS"))?;
            let date = table == "dynamic_field_value"
                && row.get("field_id").and_then(Json::as_i64).is_some_and(|f| context.date_fields.contains(&f));
            Ok(if date { Value::Naive(secs) } else { Value::Time(secs) })
        }
        Kind::Text => {
            let text = match json {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            if BLOB_COLUMNS.contains(&(table, column.name.as_str())) {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text.as_bytes())
                    .map_err(|e| format!("not base64: {e}"))?;
                return Ok(Value::Bytes(bytes));
            }
            if text.contains('\0') {
                return Err("a NUL character (neither engine stores it in text)".to_owned());
            }
            if let Some(max) = column.max_chars {
                let chars = text.chars().count();
                if chars > max {
                    return Err(format!("{chars} characters, the column holds {max}"));
                }
            }
            if engine == Engine::MySql && column.varchar && text.chars().any(|c| c as u32 > 0xFFFF) {
                return Err("a four-byte character, which a utf8mb3 column cannot store".to_owned());
            }
            Ok(Value::Text(text))
        }
    }
}

/// Unix seconds of a naive `YYYY-MM-DD HH:MM:SS` read as UTC.
fn parse_naive(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| text.get(from..to)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, s) = (num(0, 4)?, num(5, 7)?, num(8, 10)?, num(11, 13)?, num(14, 16)?, num(17, 19)?);
    Some(days_from_civil(y, mo, d) * DAY + h * HOUR + mi * MINUTE + s)
}

/// What Znuny has in a NOT NULL column the generator does not write.
fn filler(table: &str, column: &str, row: &Map<String, Json>) -> Option<Value> {
    match (table, column) {
        ("users", "pw") => {
            let login = row.get("login").and_then(Json::as_str).unwrap_or_default();
            Some(Value::Text(super::sha1_hex(format!("{login}:not-a-real-password").as_bytes())))
        }
        ("communication_channel", "channel_data") => {
            let tables = if row.get("name").and_then(Json::as_str) == Some("Chat") {
                "- article_data_otrs_chat\n"
            } else {
                "- article_data_mime\n- article_data_mime_plain\n- article_data_mime_attachment\n"
            };
            Some(Value::Text(format!("---\nArticleDataArticleIDField: article_id\nArticleDataTables:\n{tables}")))
        }
        _ => None,
    }
}

/// The file name Znuny's ArticleStorageFS stores: characters a file system may refuse become `_`.
fn clean_file_name(name: &str) -> String {
    let cleaned: String =
        name.chars()
            .map(|c| {
                if matches!(c, '<' | '>' | '?' | '"' | ':' | '\\' | '*' | '|' | '/' | ';' | '[' | ']') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "file".to_owned() } else { cleaned }
}

fn write_file(disk: &mut Disk, context: &Context, article: i64, row: &Map<String, Json>) -> io::Result<()> {
    let text = |key: &str| row.get(key).and_then(Json::as_str).filter(|s| !s.is_empty());
    let content_path = context
        .articles
        .get(&article)
        .map(|(_, path)| path.as_str())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| invalid(format!("article {article} has no content_path")))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text("content").unwrap_or_default())
        .map_err(|e| invalid(format!("content is not base64: {e}")))?;
    if disk.article != Some(article) {
        disk.article = Some(article);
        disk.used.clear();
    }
    let wanted = clean_file_name(text("filename").unwrap_or("file"));
    let mut name = wanted.clone();
    let mut k = 1;
    while disk.used.contains(&name) {
        name = match wanted.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => format!("{stem}-{k}.{ext}"),
            _ => format!("{wanted}-{k}"),
        };
        k += 1;
    }
    disk.used.insert(name.clone());
    let folder = disk.root.join(content_path).join(article.to_string());
    std::fs::create_dir_all(&folder)?;
    std::fs::write(folder.join(&name), &bytes)?;
    std::fs::write(folder.join(format!("{name}.content_type")), text("content_type").unwrap_or_default())?;
    std::fs::write(folder.join(format!("{name}.disposition")), text("disposition").unwrap_or_default())?;
    for key in ["content_id", "content_alternative"] {
        if let Some(value) = text(key) {
            std::fs::write(folder.join(format!("{name}.{key}")), value)?;
        }
    }
    disk.files += 1;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Seed rows and settings

type Rows = (Vec<String>, Vec<Vec<Value>>);

fn audit(mut values: Vec<Value>) -> Vec<Value> {
    let at = super::otrs::SET_UP;
    values.extend([Value::Time(at), Value::Int(1), Value::Time(at), Value::Int(1)]);
    values
}

fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| (*c).to_owned()).collect()
}

/// Rows a fresh Znuny install has in tables the generator does not write.
fn seed_rows(table: &str) -> Option<Rows> {
    let text = |s: &str| Value::Text(s.to_owned());
    let audited = ["create_time", "create_by", "change_time", "change_by"];
    let with_audit = |columns: &[&str]| {
        let mut all = names(columns);
        all.extend(names(&audited));
        all
    };
    let lookup = |values: &[&str]| -> Rows {
        (
            with_audit(&["id", "name", "valid_id"]),
            values
                .iter()
                .enumerate()
                .map(|(k, v)| audit(vec![Value::Int(k as i64 + 1), text(v), Value::Int(1)]))
                .collect(),
        )
    };
    match table {
        "salutation" | "signature" => {
            let (name, body) = if table == "salutation" {
                ("system standard salutation (en)", "Dear <OTRS_CUSTOMER_REALNAME>,\n\nthank you for your message.\n")
            } else {
                (
                    "system standard signature (en)",
                    "\nKind regards\n\n<OTRS_Agent_UserFirstname> <OTRS_Agent_UserLastname>\nHelpdesk\n",
                )
            };
            Some((
                with_audit(&["id", "name", "text", "content_type", "comments", "valid_id"]),
                vec![audit(vec![
                    Value::Int(1),
                    text(name),
                    text(body),
                    text("text/plain; charset=utf-8"),
                    text(if table == "salutation" { "Standard Salutation." } else { "Standard Signature." }),
                    Value::Int(1),
                ])],
            ))
        }
        "system_address" => Some((
            with_audit(&["id", "value0", "value1", "queue_id", "comments", "valid_id"]),
            vec![audit(vec![
                Value::Int(1),
                text(super::otrs::SYSTEM_ADDRESS),
                text("Helpdesk"),
                Value::Int(1),
                text("Standard Address."),
                Value::Int(1),
            ])],
        )),
        "follow_up_possible" => Some(lookup(&["possible", "reject", "new ticket"])),
        "link_type" => Some(lookup(&["Normal", "ParentChild"])),
        "link_state" => Some(lookup(&["Valid", "Temporary"])),
        _ => None,
    }
}

/// One setting: name, navigation, XML value type, default value, the value set by the admin.
struct Setting {
    name: &'static str,
    navigation: &'static str,
    value_type: &'static str,
    description: &'static str,
    default: String,
    modified: Option<String>,
}

/// A YAML document holding one scalar, as Znuny's YAML dump writes it.
fn yaml_scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.' | ':'))
        && !value.ends_with(':')
        && !value.contains(": ")
        && value.parse::<f64>().is_err();
    if plain { format!("--- {value}\n") } else { format!("--- '{}'\n", value.replace('\'', "''")) }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn write_settings(out: &mut Out, options: &SqlOptions, article_dir: &Path) -> io::Result<()> {
    const STORAGE: &str = "Kernel::System::Ticket::Article::Backend::MIMEBase::ArticleStorage";
    let on_disk = options.storage != ArticleStorage::Db;
    let data_dir = std::path::absolute(article_dir).unwrap_or_else(|_| article_dir.to_path_buf());
    let settings = [
        Setting {
            name: "OTRSTimeZone",
            navigation: "Core::Time",
            value_type: "Timezone",
            description: "The time zone the system stores its times in (naive timestamps in the database).",
            default: "UTC".to_owned(),
            modified: (options.time_zone != "UTC").then(|| options.time_zone.clone()),
        },
        Setting {
            name: "Ticket::Article::Backend::MIMEBase::ArticleStorage",
            navigation: "Core::Ticket",
            value_type: "PerlModule",
            description: "Where article attachments and raw mails are stored: the database or the file system.",
            default: format!("{STORAGE}DB"),
            modified: on_disk.then(|| format!("{STORAGE}FS")),
        },
        Setting {
            name: "Ticket::Article::Backend::MIMEBase::ArticleDataDir",
            navigation: "Core::Ticket",
            value_type: "Path",
            description: "The directory the file-system article storage writes into.",
            default: "<OTRS_CONFIG_Home>/var/article".to_owned(),
            modified: on_disk.then(|| data_dir.display().to_string()),
        },
        Setting {
            name: "Ticket::Article::Backend::MIMEBase::CheckAllStorageBackends",
            navigation: "Core::Ticket",
            value_type: "Checkbox",
            description: "Also looks for attachments in the storage backend that is not configured (after a switch).",
            default: "0".to_owned(),
            modified: (options.storage == ArticleStorage::Mixed).then(|| "1".to_owned()),
        },
    ];
    let text = |s: &str| Value::Text(s.to_owned());
    let mut defaults = Batch::new(
        "sysconfig_default",
        names(&[
            "id",
            "name",
            "description",
            "navigation",
            "is_invisible",
            "is_readonly",
            "is_required",
            "is_valid",
            "has_configlevel",
            "user_modification_possible",
            "user_modification_active",
            "user_preferences_group",
            "xml_content_raw",
            "xml_content_parsed",
            "xml_filename",
            "effective_value",
            "is_dirty",
            "exclusive_lock_guid",
            "exclusive_lock_user_id",
            "exclusive_lock_expiry_time",
            "create_time",
            "create_by",
            "change_time",
            "change_by",
        ]),
    );
    for (k, s) in settings.iter().enumerate() {
        let raw = format!(
            "<Setting Name=\"{name}\" Required=\"1\" Valid=\"1\">\n    <Description Translatable=\"1\">{description}</Description>\n    \
             <Navigation>{navigation}</Navigation>\n    <Value>\n        <Item ValueType=\"{kind}\">{value}</Item>\n    </Value>\n</Setting>",
            name = s.name,
            description = xml_escape(s.description),
            navigation = s.navigation,
            kind = s.value_type,
            value = xml_escape(&s.default),
        );
        let parsed = format!(
            "---\nDescription:\n- Content: '{}'\n  Translatable: '1'\nName: {}\nNavigation:\n- Content: {}\nRequired: '1'\nValid: '1'\n\
             Value:\n- Item:\n  - Content: '{}'\n    ValueType: {}\n",
            s.description.replace('\'', "''"),
            s.name,
            s.navigation,
            s.default.replace('\'', "''"),
            s.value_type
        );
        defaults.push(
            out,
            &audit(vec![
                Value::Int(k as i64 + 1),
                text(s.name),
                text(s.description),
                text(s.navigation),
                Value::Int(0),
                Value::Int(0),
                Value::Int(1),
                Value::Int(1),
                Value::Int(0),
                Value::Int(0),
                Value::Int(0),
                Value::Null,
                Value::Text(raw),
                Value::Text(parsed),
                text("Framework.xml"),
                Value::Text(yaml_scalar(&s.default)),
                Value::Int(0),
                text("0"),
                Value::Null,
                Value::Null,
            ])[..],
        )?;
    }
    defaults.finish(out)?;
    let mut modified = Batch::new(
        "sysconfig_modified",
        names(&[
            "id",
            "sysconfig_default_id",
            "name",
            "user_id",
            "is_valid",
            "user_modification_active",
            "effective_value",
            "is_dirty",
            "reset_to_default",
            "create_time",
            "create_by",
            "change_time",
            "change_by",
        ]),
    );
    let mut id = 0;
    for (k, s) in settings.iter().enumerate() {
        if let Some(value) = &s.modified {
            id += 1;
            modified.push(
                out,
                &audit(vec![
                    Value::Int(id),
                    Value::Int(k as i64 + 1),
                    text(s.name),
                    Value::Null,
                    Value::Int(1),
                    Value::Int(0),
                    Value::Text(yaml_scalar(value)),
                    Value::Int(0),
                    Value::Int(0),
                ]),
            )?;
        }
    }
    modified.finish(out)
}

// ---------------------------------------------------------------------------------------------
// Splitting a SQL file into statements

/// The statements of a SQL text as this module writes it: split at `;` outside string literals
/// (`'…'` with `''` inside, backslashes literal) and `--` comments; statements that hold only
/// comments and blanks are left out.
pub fn statements(sql: &str) -> Vec<&str> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    let mut code = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                code = true;
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b';' => {
                if code {
                    out.push(sql[start..i].trim());
                }
                start = i + 1;
                code = false;
            }
            c if !c.is_ascii_whitespace() => code = true,
            _ => {}
        }
        i += 1;
    }
    if code {
        out.push(sql[start..].trim());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_parses_with_the_tables_and_types() {
        let tables = parse_schema(POSTGRES_SCHEMA);
        let table = |name: &str| tables.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("{name}"));
        assert!(tables.len() >= 50, "{} tables", tables.len());
        let ticket = table("ticket");
        assert_eq!(ticket.serial.as_deref(), Some("id"));
        let title = ticket.columns.iter().find(|c| c.name == "title").unwrap();
        assert_eq!((title.kind, title.max_chars, title.not_null), (Kind::Text, Some(255), false));
        let archive = ticket.columns.iter().find(|c| c.name == "archive_flag").unwrap();
        assert!(archive.defaulted && archive.not_null);
        let created = ticket.columns.iter().find(|c| c.name == "create_time").unwrap();
        assert_eq!(created.kind, Kind::Time);
        let content = table("article_data_mime_attachment").columns.iter().find(|c| c.name == "content").unwrap();
        assert!(!content.varchar && content.kind == Kind::Text);
        assert_eq!(table("dynamic_field_obj_id_name").serial.as_deref(), Some("object_id"));
        assert!(table("link_relation").serial.is_none());
        // Both engines define the same tables.
        let count = |text: &str| text.lines().filter(|l| l.starts_with("CREATE TABLE ")).count();
        assert_eq!(count(POSTGRES_SCHEMA), count(MYSQL_SCHEMA));
        assert!(split_schema(MYSQL_SCHEMA).1.contains("FOREIGN KEY"));
        assert!(!split_schema(POSTGRES_SCHEMA).0.contains("FOREIGN KEY"));
    }

    #[test]
    fn perl_base64_wraps_at_76_and_ends_lines() {
        assert_eq!(perl_base64(b""), "");
        assert_eq!(perl_base64(b"%PDF-"), "JVBERi0=\n");
        let long = perl_base64(&[7u8; 100]);
        let lines: Vec<&str> = long.split_terminator('\n').collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), 76);
        assert!(long.ends_with('\n'));
    }

    #[test]
    fn statements_split_outside_quotes_and_comments() {
        let sql = "-- a; comment\nINSERT INTO t VALUES ('a;b', 'it''s;'), (X'00');\n-- only a comment;\n\
                   SELECT 'back\\slash'; ";
        assert_eq!(
            statements(sql),
            vec![
                "-- a; comment\nINSERT INTO t VALUES ('a;b', 'it''s;'), (X'00')",
                "-- only a comment;\nSELECT 'back\\slash'"
            ]
        );
    }

    #[test]
    fn naive_times_parse_and_yaml_scalars_quote_when_needed() {
        assert_eq!(parse_naive("1970-01-02 00:00:01"), Some(DAY + 1));
        assert_eq!(parse_naive("2026-03-29T01:00:00"), None);
        assert_eq!(yaml_scalar("UTC"), "--- UTC\n");
        assert_eq!(yaml_scalar("Europe/Berlin"), "--- Europe/Berlin\n");
        assert_eq!(yaml_scalar("0"), "--- '0'\n");
        assert_eq!(yaml_scalar("/tmp/it's here"), "--- '/tmp/it''s here'\n");
        assert_eq!(clean_file_name("a:b?.pdf"), "a_b_.pdf");
        assert_eq!(clean_file_name("screenshot (1).png"), "screenshot (1).png");
    }
}
