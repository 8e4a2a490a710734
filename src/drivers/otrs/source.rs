//! [`OtrsSource`]: the [`Source`] over an OTRS 6 / Znuny / OTOBO database.
//!
//! At connect the driver reads `information_schema` to learn which tables and columns exist,
//! names the flavour it found (and refuses OTRS 5's article layout), reads the dynamic field
//! definitions and the settings that change how data reads (`OTRSTimeZone`, the article storage
//! backend and directory), and builds its objects ([`model`](super::model)). Reads are keyset
//! pages on the object's key; an article's headers come with it by a join, and the computed fields
//! (e-mail, dynamic fields, HTML body, files) are filled by one query per page, never per record.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::tz::TimeZone;

use crate::check::schema::{EnumValue, ObjectSchema, SchemaLock};
use crate::drivers::{Batch, Cursor, DriverError, Record, Source};
use crate::plan::Condition;
use crate::run::value::Value;

use super::convert::{
    cell_value, clean_text, content_base64, content_bytes, decode_charset, naive_in_zone, possible_values, yaml_scalar,
};
use super::db::{Cell, Db, Engine, Param, redact};
use super::model::{self, Columns, Conv, DynamicField, Object, Origin, Virtual};

/// Ids per `IN (…)` list.
const IN_CHUNK: usize = 500;
/// Rows per page of the narrow scan that finds children of no parent.
const SCAN_PAGE: usize = 10_000;

/// How to reach an OTRS database.
#[derive(Clone, Debug)]
pub struct OtrsConfig {
    /// `mysql://…` or `postgres://…`; may hold a password (never printed).
    pub url: String,
    /// The zone naive timestamps are in, overriding the database's `OTRSTimeZone`.
    pub time_zone: Option<String>,
    /// A copy of `ArticleDataDir` (file-system article storage).
    pub article_dir: Option<PathBuf>,
    /// How long to wait for a connection.
    pub timeout: Duration,
}

impl OtrsConfig {
    /// A configuration with the defaults: the database's time zone, no article directory, 30 s.
    pub fn new(url: impl Into<String>) -> Self {
        OtrsConfig { url: url.into(), time_zone: None, article_dir: None, timeout: Duration::from_secs(30) }
    }
}

/// What the driver found at connect.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The product family the schema belongs to (`Znuny 7.x`, `OTRS 6 / Znuny LTS 6.0`, `OTOBO`).
    pub flavour: String,
    /// Engine and server version.
    pub server: String,
    /// The time zone timestamps are read in, and where it came from.
    pub zone: String,
    /// The article storage backend setting.
    pub storage: String,
    /// Optional modules that hold data: (module, records).
    pub modules: Vec<(String, u64)>,
}

/// The OTRS database source.
#[derive(Debug)]
pub struct OtrsSource {
    db: Db,
    /// The tables and columns found at connect.
    pub(super) columns: Columns,
    /// The CMDB's items, read once for the companies' `config_items`.
    cmdb: std::sync::OnceLock<Vec<super::rebuild::ConfigItem>>,
    objects: BTreeMap<String, Object>,
    dynamic: Vec<DynamicField>,
    zone: TimeZone,
    article_dir: Option<PathBuf>,
    found: Found,
    notes: Vec<String>,
}

fn remote(message: impl Into<String>) -> DriverError {
    DriverError::Remote { system: "otrs".to_owned(), message: message.into() }
}

/// A key value as the text maps are keyed by.
fn key_text(value: &Value) -> String {
    match value {
        Value::Int(n) => n.to_string(),
        Value::Text(t) => t.to_string(),
        other => format!("{other:?}"),
    }
}

fn param_of(value: &Value) -> Param {
    match value {
        Value::Int(n) => Param::Int(*n),
        other => Param::Text(key_text(other)),
    }
}

pub(super) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl OtrsSource {
    /// Connect, detect the flavour and read the settings and dynamic fields.
    pub fn connect(config: OtrsConfig) -> Result<OtrsSource, DriverError> {
        let db = Db::connect(&config.url, config.timeout).map_err(|e| remote(e.0))?;
        let engine = db.engine();
        let q = |sql: &str, params: Vec<Param>| db.query(sql, params).map_err(|e| remote(e.0));
        let version_sql = match engine {
            Engine::MySql => "SELECT VERSION()",
            Engine::Postgres => "SHOW server_version",
        };
        let server = q(version_sql, vec![])?.first().and_then(|r| r.first()).and_then(Cell::text).unwrap_or_default();
        let schema_filter = match engine {
            Engine::MySql => "table_schema = DATABASE()",
            Engine::Postgres => "table_schema = current_schema()",
        };
        let mut columns: Columns = BTreeMap::new();
        let sql = format!(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE {schema_filter} \
             ORDER BY table_name, ordinal_position"
        );
        for row in q(&sql, vec![])? {
            let (Some(table), Some(column), Some(data_type)) = (row[0].text(), row[1].text(), row[2].text()) else {
                continue;
            };
            let nullable = row[3].text().is_none_or(|n| !n.eq_ignore_ascii_case("NO"));
            columns.entry(table.to_ascii_lowercase()).or_default().push(model::ColumnInfo {
                name: column.to_ascii_lowercase(),
                data_type,
                nullable,
            });
        }
        let database = redact(&config.url);
        let has = |table: &str, column: &str| columns.get(table).is_some_and(|c| c.iter().any(|i| i.name == column));
        if !columns.contains_key("ticket") {
            return Err(remote(format!(
                "{database} has no `ticket` table: is this the OTRS/Znuny database (and, on PostgreSQL, its schema on \
                 the search_path)?"
            )));
        }
        if has("article", "a_body")
            || (!columns.contains_key("article_data_mime") && columns.contains_key("article_plain"))
        {
            return Err(remote(format!(
                "{database} has the OTRS 5 (or older) article layout (`article.a_body`, `article_plain`), which this \
                 driver does not read: upgrade a copy of the database to OTRS 6 or Znuny first (its migration \
                 moves articles to `article_data_mime`), then migrate from the copy"
            )));
        }
        let flavour = flavour(&columns);
        let engine_name = match (engine, server.to_ascii_lowercase().contains("mariadb")) {
            (Engine::MySql, true) => "MariaDB",
            (Engine::MySql, false) => "MySQL",
            (Engine::Postgres, _) => "PostgreSQL",
        };
        let server_text = format!("{engine_name} {}", server.split(['-', ' ']).next().unwrap_or(&server).trim());
        let setting = |name: &str| -> Result<Option<String>, DriverError> {
            if columns.contains_key("sysconfig_modified") && has("sysconfig_modified", "effective_value") {
                let mut sql = "SELECT effective_value FROM sysconfig_modified WHERE name = ?".to_owned();
                if has("sysconfig_modified", "is_valid") {
                    sql.push_str(" AND is_valid = 1");
                }
                if has("sysconfig_modified", "user_id") {
                    sql.push_str(" AND user_id IS NULL");
                }
                sql.push_str(" ORDER BY id DESC");
                if let Some(value) = q(&sql, vec![Param::Text(name.to_owned())])?.first().and_then(|r| r[0].text()) {
                    return Ok(yaml_scalar(&value));
                }
            }
            if has("sysconfig_default", "effective_value") {
                let sql = "SELECT effective_value FROM sysconfig_default WHERE name = ?";
                if let Some(value) = q(sql, vec![Param::Text(name.to_owned())])?.first().and_then(|r| r[0].text()) {
                    return Ok(yaml_scalar(&value));
                }
            }
            Ok(None)
        };
        let (zone, zone_text) = match &config.time_zone {
            Some(name) => {
                let zone = TimeZone::get(name).map_err(|_| {
                    remote(format!("`time_zone: {name}` is not a time zone name (write one like Europe/Berlin or UTC)"))
                })?;
                (zone, format!("{name} (set in the spec)"))
            }
            None => match setting("OTRSTimeZone")? {
                Some(name) => {
                    let zone = TimeZone::get(&name).map_err(|_| {
                        remote(format!(
                            "the database's OTRSTimeZone `{name}` is not a time zone this build knows; set `time_zone:` \
                             in the spec's source"
                        ))
                    })?;
                    (zone, format!("{name} (OTRSTimeZone)"))
                }
                None => (
                    TimeZone::UTC,
                    "UTC (no OTRSTimeZone setting found; set `time_zone:` if this system wrote local time, as OTRS 5 did)"
                        .to_owned(),
                ),
            },
        };
        let storage_setting = setting("Ticket::Article::Backend::MIMEBase::ArticleStorage")?;
        let check_all = setting("Ticket::Article::Backend::MIMEBase::CheckAllStorageBackends")?.as_deref() == Some("1");
        let data_dir = setting("Ticket::Article::Backend::MIMEBase::ArticleDataDir")?;
        let fs = storage_setting.as_deref().is_some_and(|s| s.ends_with("StorageFS"));
        let storage = format!(
            "{}{}",
            if fs { "file system (ArticleStorageFS)" } else { "database (ArticleStorageDB)" },
            if check_all { ", both backends checked" } else { "" }
        );
        let mut notes = Vec::new();
        let article_dir = config.article_dir.clone();
        if (fs || check_all) && article_dir.is_none() {
            let dir = data_dir.unwrap_or_else(|| "<OTRS home>/var/article".to_owned());
            notes.push(format!(
                "article files are kept in the file system ({dir} on the OTRS server): set the source's `article_dir:` to \
                 a copy of that directory, or files stored there are reported missing"
            ));
        }
        if let Some(dir) = &article_dir
            && !dir.is_dir()
        {
            return Err(remote(format!("`article_dir: {}` is not a directory this machine can read", dir.display())));
        }
        let dynamic = load_dynamic(&db, &columns)?;
        let mut modules = Vec::new();
        let mut count_if = |label: &str, table: &str, sql: String| -> Result<(), DriverError> {
            if columns.contains_key(table) {
                let n = q(&sql, vec![])?.first().and_then(|r| r[0].int()).unwrap_or(0);
                if n > 0 {
                    modules.push((label.to_owned(), n as u64));
                }
            }
            Ok(())
        };
        count_if("ITSM CMDB configuration items", "configitem", "SELECT COUNT(*) FROM configitem".to_owned())?;
        count_if("process management processes", "pm_process", "SELECT COUNT(*) FROM pm_process".to_owned())?;
        count_if(
            "statistics definitions",
            "xml_storage",
            "SELECT COUNT(DISTINCT xml_key) FROM xml_storage WHERE xml_type = 'Stats'".to_owned(),
        )?;
        count_if("FAQ articles", "faq_item", "SELECT COUNT(*) FROM faq_item".to_owned())?;
        count_if(
            "calendar appointments",
            "calendar_appointment",
            "SELECT COUNT(*) FROM calendar_appointment".to_owned(),
        )?;
        count_if("time accounting rows", "time_accounting", "SELECT COUNT(*) FROM time_accounting".to_owned())?;
        if engine == Engine::Postgres {
            // A restored dump has no planner statistics until ANALYZE runs, and a read-only session
            // cannot run it; without them PostgreSQL scans whole tables for every batch.
            let unanalyzed: Vec<String> = q(
                "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname IN \
                 ('ticket', 'article', 'article_data_mime', 'article_data_mime_attachment', 'dynamic_field_value') \
                 AND last_analyze IS NULL AND last_autoanalyze IS NULL ORDER BY relname",
                vec![],
            )?
            .iter()
            .filter_map(|r| r[0].text())
            .collect();
            if !unanalyzed.is_empty() {
                notes.push(format!(
                    "PostgreSQL has no statistics for {} (never analyzed): reading articles can be 20 times slower; \
                     run ANALYZE on this database (a copy is fine) before the migration",
                    unanalyzed.join(", ")
                ));
            }
        }
        notes.insert(
            0,
            format!("read as {flavour} on {server_text}; timestamps in {zone_text}; article storage: {storage}"),
        );
        if modules.is_empty() {
            notes.push("no optional module (CMDB, processes, statistics, FAQ, calendars) holds data".to_owned());
        } else {
            let list: Vec<String> = modules.iter().map(|(m, n)| format!("{m} ({n})")).collect();
            notes.push(format!("optional modules holding data: {}", list.join(", ")));
        }
        notes.push(
            "customers are read from the customer_user and customer_company tables only; a ticket whose customer \
             login has no row there (LDAP, another backend) keeps the login and is for the spec to flag"
                .to_owned(),
        );
        let objects = model::build(&columns, &dynamic);
        let found = Found { flavour, server: server_text, zone: zone_text, storage, modules };
        Ok(OtrsSource {
            db,
            columns,
            cmdb: std::sync::OnceLock::new(),
            objects,
            dynamic,
            zone,
            article_dir,
            found,
            notes,
        })
    }

    /// What was found at connect.
    pub fn found(&self) -> &Found {
        &self.found
    }

    /// Notes for the lock header and the consultant (flavour, zone, storage, modules, limits).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The dynamic fields defined.
    pub fn dynamic_fields(&self) -> &[DynamicField] {
        &self.dynamic
    }

    pub(super) fn query(&self, sql: &str, params: Vec<Param>) -> Result<Vec<Vec<Cell>>, DriverError> {
        self.db.query(sql, params).map_err(|e| remote(format!("{e} (in: {})", first_words(sql))))
    }

    pub(super) fn object(&self, name: &str) -> Result<&Object, DriverError> {
        self.objects.get(name).ok_or_else(|| DriverError::UnknownObject {
            object: name.to_owned(),
            known: self.objects.keys().cloned().collect(),
        })
    }

    /// Read records of `object` matching `condition` (SQL over alias `t`) in `order`.
    fn select(
        &self,
        object: &Object,
        fields: &[String],
        condition: &str,
        params: Vec<Param>,
        order: &str,
        limit: Option<usize>,
    ) -> Result<Vec<Record>, DriverError> {
        let engine = self.db.engine();
        let mut exprs = vec![object.key_sql()];
        let mut slots: Vec<Slot> = Vec::with_capacity(fields.len());
        let mut mime = false;
        for name in fields {
            match object.fields.get(name).map(|f| &f.origin) {
                Some(Origin::Sql(expr, conv)) => {
                    mime |= expr.starts_with("m.");
                    let sql = if *conv == Conv::Datetime { engine.datetime_text(expr) } else { expr.clone() };
                    exprs.push(sql);
                    // A text key pointing nowhere ('' in OTRS) is no reference.
                    let reference = object.fields.get(name).is_some_and(|f| f.schema.target.is_some());
                    slots.push(Slot::Column { index: exprs.len() - 1, conv: *conv, field: name.clone(), reference });
                }
                Some(Origin::Virtual(what)) => slots.push(Slot::Virtual(what.clone())),
                None => slots.push(Slot::Missing),
            }
        }
        let join = if mime { " LEFT JOIN article_data_mime m ON m.article_id = t.id" } else { "" };
        let order_by = if mime { format!("{order}, m.id") } else { order.to_owned() };
        let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
        let sql = format!(
            "SELECT {} FROM {} t{join} WHERE {condition} ORDER BY {order_by}{limit}",
            exprs.join(", "),
            object.table
        );
        let rows = self.query(&sql, params)?;
        let mut seen = HashSet::new();
        let mut records = Vec::with_capacity(rows.len());
        let mut issues_by_record = Vec::with_capacity(rows.len());
        for row in rows {
            let id = key_value(object, &row[0]);
            if !seen.insert(key_text(&id)) {
                continue; // a second header row of the same article
            }
            let mut issues = Vec::new();
            let values = slots
                .iter()
                .map(|slot| match slot {
                    Slot::Column { index, conv, field, reference } => {
                        match cell_value(&row[*index], *conv, &self.zone, field, &mut issues) {
                            Value::Text(t) if *reference && t.trim().is_empty() => Value::Null,
                            value => value,
                        }
                    }
                    _ => Value::Null,
                })
                .collect();
            records.push(Record { id, values });
            issues_by_record.push(issues);
        }
        self.fill_virtual(object, &slots, &mut records, &mut issues_by_record)?;
        Ok(records)
    }

    fn fill_virtual(
        &self,
        object: &Object,
        slots: &[Slot],
        records: &mut [Record],
        issues: &mut [Vec<String>],
    ) -> Result<(), DriverError> {
        if records.is_empty() || !slots.iter().any(|s| matches!(s, Slot::Virtual(_))) {
            return Ok(());
        }
        let keys: Vec<Value> = records.iter().map(|r| r.id.clone()).collect();
        let wants = |f: &dyn Fn(&Virtual) -> bool| slots.iter().any(|s| matches!(s, Slot::Virtual(v) if f(v)));
        let preferences = if wants(&|v| matches!(v, Virtual::Email | Virtual::Language)) {
            self.preferences(&keys)?
        } else {
            HashMap::new()
        };
        let files = if wants(&|v| matches!(v, Virtual::BodyHtml | Virtual::AttachmentIds)) {
            self.article_files(&keys, wants(&|v| matches!(v, Virtual::BodyHtml)))?
        } else {
            HashMap::new()
        };
        let dynamic: Vec<&DynamicField> = slots
            .iter()
            .filter_map(|s| if let Slot::Virtual(Virtual::Dynamic(df)) = s { Some(df) } else { None })
            .collect();
        let dynamic_values =
            if dynamic.is_empty() { HashMap::new() } else { self.dynamic_values(object, &dynamic, &keys)? };
        // Hierarchy by name (`Support::Billing` is under `Support`): the whole (small) table.
        let mut by_name: HashMap<String, i64> = HashMap::new();
        let mut names: HashMap<i64, String> = HashMap::new();
        if wants(&|v| matches!(v, Virtual::Parent | Virtual::Top)) {
            for row in self.query(&format!("SELECT id, name FROM {}", object.table), vec![])? {
                if let (Some(id), Some(name)) = (row[0].int(), row[1].text()) {
                    by_name.insert(name.clone(), id);
                    names.insert(id, name);
                }
            }
        }
        let hierarchy = |key: &str, top: bool| -> Value {
            let Some(name) = key.parse::<i64>().ok().and_then(|id| names.get(&id)) else { return Value::Null };
            let cut = if top { name.find("::") } else { name.rfind("::") };
            match cut {
                Some(at) => by_name.get(&name[..at]).map_or(Value::Null, |id| Value::Int(*id)),
                None if top => key.parse().map_or(Value::Null, Value::Int),
                None => Value::Null,
            }
        };
        let mut chats: HashMap<String, String> = HashMap::new();
        if wants(&|v| matches!(v, Virtual::Chat)) {
            for chunk in keys.chunks(IN_CHUNK) {
                let sql = format!(
                    "SELECT article_id, chat_participant_name, message_text, system_generated, {} FROM \
                     article_data_otrs_chat WHERE article_id IN ({}) ORDER BY article_id, create_time, id",
                    self.db.engine().datetime_text("create_time"),
                    placeholders(chunk.len())
                );
                for row in self.query(&sql, chunk.iter().map(param_of).collect())? {
                    let Some(article) = row[0].int() else { continue };
                    let time = row[4].text().unwrap_or_default();
                    let clock = time.get(11..19).unwrap_or_default();
                    let who =
                        if row[3].int() == Some(1) { "(system)".to_owned() } else { row[1].text().unwrap_or_default() };
                    let line = format!("{clock} {who}: {}", row[2].text().unwrap_or_default());
                    let text = chats.entry(article.to_string()).or_default();
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&line);
                }
            }
        }
        let mut parents: HashMap<String, i64> = HashMap::new();
        if wants(&|v| matches!(v, Virtual::ParentTicket)) {
            let valid = if self.columns.contains_key("link_state") {
                " AND lr.state_id IN (SELECT id FROM link_state WHERE name = 'Valid')"
            } else {
                ""
            };
            for chunk in keys.chunks(IN_CHUNK) {
                let sql = format!(
                    "SELECT lr.target_key, lr.source_key FROM link_relation lr JOIN link_object so ON so.id = \
                     lr.source_object_id JOIN link_object tob ON tob.id = lr.target_object_id JOIN link_type lt ON \
                     lt.id = lr.type_id WHERE so.name = 'Ticket' AND tob.name = 'Ticket' AND lt.name = 'ParentChild'{valid} \
                     AND lr.target_key IN ({})",
                    placeholders(chunk.len())
                );
                let params = chunk.iter().map(|k| Param::Text(key_text(k))).collect();
                for row in self.query(&sql, params)? {
                    if let (Some(child), Some(parent)) = (row[0].text(), row[1].int()) {
                        let entry = parents.entry(child).or_insert(parent);
                        *entry = (*entry).min(parent);
                    }
                }
            }
        }
        let mut service_slas: HashMap<String, Vec<Value>> = HashMap::new();
        if wants(&|v| matches!(v, Virtual::ServiceSlas)) {
            for chunk in keys.chunks(IN_CHUNK) {
                let sql = format!(
                    "SELECT service_id, sla_id FROM service_sla WHERE service_id IN ({}) ORDER BY service_id, sla_id",
                    placeholders(chunk.len())
                );
                for row in self.query(&sql, chunk.iter().map(param_of).collect())? {
                    if let (Some(service), Some(sla)) = (row[0].int(), row[1].int()) {
                        service_slas.entry(service.to_string()).or_default().push(Value::Int(sla));
                    }
                }
            }
        }
        let mut config_items: HashMap<String, Vec<Value>> = HashMap::new();
        if wants(&|v| matches!(v, Virtual::ConfigItems)) {
            if self.cmdb.get().is_none() {
                let _ = self.cmdb.set(self.config_items()?);
            }
            for item in self.cmdb.get().into_iter().flatten() {
                for company in &item.companies {
                    config_items.entry(company.to_lowercase()).or_default().push(Value::text(item.label()));
                }
            }
        }
        for (index, record) in records.iter_mut().enumerate() {
            let key = key_text(&record.id);
            for (position, slot) in slots.iter().enumerate() {
                let Slot::Virtual(what) = slot else { continue };
                record.values[position] = match what {
                    Virtual::Email => preferences
                        .get(&(key.clone(), "UserEmail"))
                        .filter(|e| !e.trim().is_empty())
                        .cloned()
                        .map_or(Value::Null, Value::text),
                    Virtual::Language => {
                        preferences.get(&(key.clone(), "UserLanguage")).cloned().map_or(Value::Null, Value::text)
                    }
                    Virtual::BodyHtml => files
                        .get(&key)
                        .and_then(|f| f.html.clone())
                        .map_or(Value::Null, |html| Value::text(clean_text("body_html", html, &mut issues[index]))),
                    Virtual::AttachmentIds => Value::list(files.get(&key).map(|f| f.ids.clone()).unwrap_or_default()),
                    Virtual::Dynamic(df) => {
                        let values = dynamic_values.get(&(df.id, key.clone())).cloned().unwrap_or_default();
                        let mut cleaned = Vec::with_capacity(values.len());
                        for value in values {
                            cleaned.push(match value {
                                Value::Text(t) => {
                                    Value::text(clean_text(&df.field_name(), t.to_string(), &mut issues[index]))
                                }
                                other => other,
                            });
                        }
                        if df.many() { Value::list(cleaned) } else { cleaned.into_iter().next().unwrap_or(Value::Null) }
                    }
                    Virtual::ParentTicket => parents.get(&key).map_or(Value::Null, |p| Value::Int(*p)),
                    Virtual::Chat => chats
                        .get(&key)
                        .map_or(Value::Null, |text| Value::text(clean_text("chat", text.clone(), &mut issues[index]))),
                    Virtual::ServiceSlas => Value::list(service_slas.get(&key).cloned().unwrap_or_default()),
                    Virtual::Parent => hierarchy(&key, false),
                    Virtual::Top => hierarchy(&key, true),
                    Virtual::ConfigItems => {
                        Value::list(config_items.get(&key.to_lowercase()).cloned().unwrap_or_default())
                    }
                    Virtual::TextIssues => Value::Null,
                };
            }
        }
        for (index, record) in records.iter_mut().enumerate() {
            for (position, slot) in slots.iter().enumerate() {
                if matches!(slot, Slot::Virtual(Virtual::TextIssues)) {
                    record.values[position] =
                        if issues[index].is_empty() { Value::Null } else { Value::text(issues[index].join("; ")) };
                }
            }
        }
        Ok(())
    }

    /// Agents' `UserEmail` and `UserLanguage` (the last row wins); a login that is an address
    /// stands in for a missing `UserEmail`, as OTRS itself does.
    fn preferences(&self, keys: &[Value]) -> Result<HashMap<(String, &'static str), String>, DriverError> {
        let mut map = HashMap::new();
        for chunk in keys.chunks(IN_CHUNK) {
            let params: Vec<Param> = chunk.iter().map(param_of).collect();
            let sql = format!(
                "SELECT user_id, preferences_key, preferences_value FROM user_preferences WHERE preferences_key IN \
                 ('UserEmail', 'UserLanguage') AND user_id IN ({})",
                placeholders(chunk.len())
            );
            for row in self.query(&sql, params.clone())? {
                let (Some(user), Some(key), Some(value)) = (row[0].int(), row[1].text(), row[2].text()) else {
                    continue;
                };
                let key = if key == "UserEmail" { "UserEmail" } else { "UserLanguage" };
                map.insert((user.to_string(), key), value.trim().to_owned());
            }
            let sql = format!("SELECT id, login FROM users WHERE id IN ({})", placeholders(chunk.len()));
            for row in self.query(&sql, params)? {
                if let (Some(id), Some(login)) = (row[0].int(), row[1].text())
                    && login.contains('@')
                {
                    map.entry((id.to_string(), "UserEmail")).or_insert(login);
                }
            }
        }
        Ok(map)
    }

    /// Dynamic field values by (field id, record key), in row order.
    fn dynamic_values(
        &self,
        object: &Object,
        fields: &[&DynamicField],
        keys: &[Value],
    ) -> Result<HashMap<(i64, String), Vec<Value>>, DriverError> {
        let engine = self.db.engine();
        let mut out: HashMap<(i64, String), Vec<Value>> = HashMap::new();
        let by_id: HashMap<i64, &DynamicField> = fields.iter().map(|f| (f.id, *f)).collect();
        for chunk in keys.chunks(IN_CHUNK) {
            // Customer fields are stored under a number that stands for the login or customer id.
            let object_ids: HashMap<i64, String> = if object.text_key {
                let object_type = model::dynamic_object_type(&object.name).unwrap_or_default();
                let mut params = vec![Param::Text(object_type.to_owned())];
                params.extend(chunk.iter().map(param_of));
                let sql = format!(
                    "SELECT object_id, object_name FROM dynamic_field_obj_id_name WHERE object_type = ? AND \
                     object_name IN ({})",
                    placeholders(chunk.len())
                );
                self.query(&sql, params)?.into_iter().filter_map(|row| Some((row[0].int()?, row[1].text()?))).collect()
            } else {
                chunk
                    .iter()
                    .filter_map(|k| if let Value::Int(n) = k { Some((*n, n.to_string())) } else { None })
                    .collect()
            };
            if object_ids.is_empty() {
                continue;
            }
            // By object only: MySQL turns `field_id IN (…) AND object_id IN (…)` into one index
            // range per pair; the fields not asked for are dropped here.
            let ids: Vec<i64> = object_ids.keys().copied().collect();
            let params = ids.iter().map(|n| Param::Int(*n)).collect();
            let sql = format!(
                "SELECT object_id, field_id, value_text, {}, value_int FROM dynamic_field_value WHERE object_id IN ({}) \
                 ORDER BY object_id, field_id, id",
                engine.datetime_text("value_date"),
                placeholders(ids.len())
            );
            for row in self.query(&sql, params)? {
                let (Some(object_id), Some(field_id)) = (row[0].int(), row[1].int()) else { continue };
                let (Some(key), Some(df)) = (object_ids.get(&object_id), by_id.get(&field_id)) else { continue };
                let value = match df.field_type.as_str() {
                    "Checkbox" => row[4].int().map_or(Value::Null, |n| Value::Bool(n != 0)),
                    "Date" => row[3]
                        .text()
                        .and_then(|t| t.get(..10).and_then(|d| d.parse::<jiff::civil::Date>().ok()))
                        .map_or(Value::Null, Value::Date),
                    "DateTime" => {
                        row[3].text().and_then(|t| naive_in_zone(&t, &self.zone)).map_or(Value::Null, Value::DateTime)
                    }
                    _ => match (row[2].text(), row[3].text(), row[4].int()) {
                        (Some(text), _, _) => Value::text(text),
                        (None, Some(date), _) => Value::text(date),
                        (None, None, Some(n)) => Value::text(n.to_string()),
                        _ => Value::Null,
                    },
                };
                if !value.is_null() {
                    out.entry((field_id, key.clone())).or_default().push(value);
                }
            }
        }
        Ok(out)
    }

    /// The HTML body and the files of a batch of articles: rows of
    /// `article_data_mime_attachment` first, then the article directory for articles without any.
    fn article_files(&self, keys: &[Value], with_html: bool) -> Result<HashMap<String, Files>, DriverError> {
        let mut out: HashMap<String, Files> = HashMap::new();
        let articles: Vec<i64> =
            keys.iter().filter_map(|k| if let Value::Int(n) = k { Some(*n) } else { None }).collect();
        let mut html_rows: Vec<(i64, i64)> = Vec::new();
        let mut with_rows = HashSet::new();
        for chunk in articles.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT id, article_id, filename, content_type, disposition FROM article_data_mime_attachment WHERE \
                 article_id IN ({}) ORDER BY article_id, id",
                placeholders(chunk.len())
            );
            for row in self.query(&sql, chunk.iter().map(|n| Param::Int(*n)).collect())? {
                let (Some(id), Some(article)) = (row[0].int(), row[1].int()) else { continue };
                with_rows.insert(article);
                let name = row[2].text().unwrap_or_default();
                let content_type = row[3].text().unwrap_or_default();
                let disposition = row[4].text().unwrap_or_default();
                let files = out.entry(article.to_string()).or_default();
                match body_part(&name, &content_type, &disposition) {
                    Some(BodyPart::Html) => {
                        if files.html.is_none() {
                            html_rows.push((id, article));
                            files.html = Some(String::new());
                        }
                    }
                    Some(BodyPart::Plain) => {}
                    None => files.ids.push(Value::text(id.to_string())),
                }
            }
        }
        if with_html && !html_rows.is_empty() {
            for chunk in html_rows.chunks(IN_CHUNK) {
                let sql = format!(
                    "SELECT id, article_id, content, content_type FROM article_data_mime_attachment WHERE id IN ({})",
                    placeholders(chunk.len())
                );
                for row in self.query(&sql, chunk.iter().map(|(id, _)| Param::Int(*id)).collect())? {
                    let Some(article) = row[1].int() else { continue };
                    let bytes = content_bytes(&row[2]).unwrap_or_default();
                    let html = decode_charset(&bytes, &row[3].text().unwrap_or_default());
                    out.entry(article.to_string()).or_default().html = Some(html);
                }
            }
        }
        // Articles the database has no rows for: their files may be in the article directory.
        if let Some(dir) = &self.article_dir {
            let missing: Vec<i64> = articles.iter().copied().filter(|a| !with_rows.contains(a)).collect();
            for (article, path) in self.content_paths(&missing)? {
                for file in fs_list(dir, &path, article) {
                    let files = out.entry(article.to_string()).or_default();
                    match body_part(&file.name, &file.content_type, &file.disposition) {
                        Some(BodyPart::Html) => {
                            if files.html.is_none() && with_html {
                                let bytes = std::fs::read(&file.path).map_err(|e| DriverError::io(&file.path, e))?;
                                files.html = Some(decode_charset(&bytes, &file.content_type));
                            }
                        }
                        Some(BodyPart::Plain) => {}
                        None => files.ids.push(Value::text(format!("{article}/{}", file.name))),
                    }
                }
            }
        }
        for files in out.values_mut() {
            if files.html.as_deref() == Some("") {
                files.html = None;
            }
        }
        Ok(out)
    }

    /// `article_data_mime.content_path` of articles (`YYYY/MM/DD`).
    fn content_paths(&self, articles: &[i64]) -> Result<Vec<(i64, String)>, DriverError> {
        let mut out = Vec::new();
        for chunk in articles.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT article_id, content_path FROM article_data_mime WHERE article_id IN ({}) ORDER BY article_id, id",
                placeholders(chunk.len())
            );
            let mut seen = HashSet::new();
            for row in self.query(&sql, chunk.iter().map(|n| Param::Int(*n)).collect())? {
                if let (Some(article), Some(path)) = (row[0].int(), row[1].text())
                    && seen.insert(article)
                {
                    out.push((article, path));
                }
            }
        }
        Ok(out)
    }

    /// Attachments by id: row ids from the database, `ARTICLE/FILENAME` from the directory.
    fn attachments_by_ids(
        &self,
        object: &Object,
        fields: &[String],
        ids: &[Value],
    ) -> Result<Vec<Record>, DriverError> {
        let mut rows: Vec<i64> = Vec::new();
        let mut on_disk: Vec<(i64, String, Value)> = Vec::new();
        for id in ids {
            let text = key_text(id);
            if let Ok(n) = text.parse::<i64>() {
                rows.push(n);
            } else if let Some((article, name)) = text.split_once('/')
                && let Ok(article) = article.parse::<i64>()
                && !name.contains('/')
                && name != ".."
                && name != "."
            {
                on_disk.push((article, name.to_owned(), id.clone()));
            }
        }
        let mut records = Vec::new();
        for chunk in rows.chunks(IN_CHUNK) {
            let condition = format!("t.id IN ({})", placeholders(chunk.len()));
            records.extend(self.select(
                object,
                fields,
                &condition,
                chunk.iter().map(|n| Param::Int(*n)).collect(),
                "t.id",
                None,
            )?);
        }
        if on_disk.is_empty() {
            return Ok(records);
        }
        let Some(dir) = &self.article_dir else { return Ok(records) };
        let articles: Vec<i64> = on_disk.iter().map(|(a, _, _)| *a).collect::<HashSet<_>>().into_iter().collect();
        let paths: HashMap<i64, String> = self.content_paths(&articles)?.into_iter().collect();
        for (article, name, id) in on_disk {
            let Some(path) = paths.get(&article) else { continue };
            let Some(file) = fs_list(dir, path, article).into_iter().find(|f| f.name == name) else { continue };
            let values = fields
                .iter()
                .map(|field| -> Result<Value, DriverError> {
                    Ok(match field.as_str() {
                        "id" => id.clone(),
                        "article_id" => Value::Int(article),
                        "filename" => Value::text(file.name.clone()),
                        "content_type" => Value::text(file.content_type.clone()),
                        "content_size" => Value::Int(file.size as i64),
                        "content_id" => file.content_id.clone().map_or(Value::Null, Value::text),
                        "disposition" => Value::text(file.disposition.clone()),
                        "storage" => Value::text("file system"),
                        "content" => {
                            let bytes = std::fs::read(&file.path).map_err(|e| DriverError::io(&file.path, e))?;
                            Value::text(content_base64(&Cell::Bytes(bytes)).unwrap_or_default())
                        }
                        _ => Value::Null,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            records.push(Record { id, values });
        }
        Ok(records)
    }
}

/// A field's place in a query.
#[derive(Clone, Debug)]
enum Slot {
    /// A selected column: its position in the row, how it reads, the field, and whether it
    /// refers to another record.
    Column {
        index: usize,
        conv: Conv,
        field: String,
        reference: bool,
    },
    Virtual(Virtual),
    Missing,
}

#[derive(Clone, Debug, Default)]
struct Files {
    html: Option<String>,
    ids: Vec<Value>,
}

enum BodyPart {
    Html,
    Plain,
}

/// Whether an attachment is really the article's body: OTRS keeps an HTML original as
/// `file-1`/`file-2`/`file-1.html` with a text/html type, and a plain `file-1` inline part.
fn body_part(name: &str, content_type: &str, disposition: &str) -> Option<BodyPart> {
    let content_type = content_type.to_ascii_lowercase();
    let body_name = matches!(name, "file-1" | "file-2" | "file-1.html");
    if body_name && content_type.starts_with("text/html") && disposition != "attachment" {
        Some(BodyPart::Html)
    } else if name == "file-1" && content_type.starts_with("text/plain") && disposition != "attachment" {
        Some(BodyPart::Plain)
    } else {
        None
    }
}

/// A file in the article directory.
struct FsFile {
    name: String,
    path: PathBuf,
    content_type: String,
    disposition: String,
    content_id: Option<String>,
    size: u64,
}

const SIDECARS: [&str; 4] = [".content_type", ".content_id", ".content_alternative", ".disposition"];

/// The files of one article in `<dir>/<content_path>/<article>/`, by name; the raw mail
/// (`plain.txt`) and the sidecar files are not files of the article.
fn fs_list(dir: &Path, content_path: &str, article: i64) -> Vec<FsFile> {
    let folder = dir.join(content_path.trim_matches('/')).join(article.to_string());
    let Ok(entries) = std::fs::read_dir(&folder) else { return Vec::new() };
    let mut files: Vec<FsFile> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "plain.txt" || SIDECARS.iter().any(|s| name.ends_with(s)) {
                return None;
            }
            let meta = entry.metadata().ok().filter(|m| m.is_file())?;
            let sidecar = |suffix: &str| {
                std::fs::read_to_string(folder.join(format!("{name}{suffix}"))).ok().map(|s| s.trim().to_owned())
            };
            Some(FsFile {
                content_type: sidecar(".content_type").unwrap_or_else(|| "application/octet-stream".to_owned()),
                disposition: sidecar(".disposition").unwrap_or_default(),
                content_id: sidecar(".content_id").filter(|s| !s.is_empty()),
                size: meta.len(),
                path: entry.path(),
                name,
            })
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// The column of the object's own table a link field reads, when it is one.
fn link_column(object: &Object, link: &str) -> Option<String> {
    match object.fields.get(link).map(|f| &f.origin) {
        Some(Origin::Sql(column, _)) if column.starts_with("t.") => Some(column.clone()),
        _ => None,
    }
}

fn key_value(object: &Object, cell: &Cell) -> Value {
    if object.text_key {
        cell.text().map_or(Value::Null, Value::text)
    } else {
        cell.int().map_or(Value::Null, Value::Int)
    }
}

fn first_words(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().take(8).collect();
    format!("{} …", words.join(" "))
}

/// The product family a set of tables belongs to.
fn flavour(columns: &Columns) -> String {
    let has = |table: &str, column: &str| columns.get(table).is_some_and(|c| c.iter().any(|i| i.name == column));
    if columns.contains_key("groups_table") {
        return "OTOBO 10/11 schema (groups_table)".to_owned();
    }
    if columns.contains_key("permission_groups") {
        if has("user_preferences", "id") {
            return "Znuny 7.3+ schema (permission_groups, surrogate keys on preference tables)".to_owned();
        }
        if has("ticket_state", "color") {
            return "Znuny 7.x schema (permission_groups, ticket_state.color)".to_owned();
        }
        return "Znuny 6.1–6.5 schema (permission_groups)".to_owned();
    }
    "OTRS 6 / Znuny LTS 6.0 schema (groups)".to_owned()
}

/// The dynamic field definitions, with dropdown/multiselect options from their YAML.
fn load_dynamic(db: &Db, columns: &Columns) -> Result<Vec<DynamicField>, DriverError> {
    if !columns.contains_key("dynamic_field") {
        return Ok(Vec::new());
    }
    let sql = "SELECT id, name, label, field_type, object_type, config, valid_id, internal_field FROM dynamic_field \
               ORDER BY field_order, id";
    let rows = db.query(sql, vec![]).map_err(|e| remote(e.0))?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let config = row[5].text().unwrap_or_default();
            Some(DynamicField {
                id: row[0].int()?,
                name: row[1].text()?,
                label: row[2].text().unwrap_or_default(),
                field_type: row[3].text().unwrap_or_default(),
                object_type: row[4].text().unwrap_or_default(),
                options: possible_values(&config),
                valid: row[6].int() == Some(1),
                internal: row[7].int().unwrap_or(0) != 0,
            })
        })
        .collect())
}

/// Lookup objects whose names get ticket (or article) counts in the lock: object, SQL.
const NAME_COUNTS: [(&str, &str); 9] = [
    (
        "ticket_state",
        "SELECT s.name, COUNT(t.id) FROM ticket_state s LEFT JOIN ticket t ON t.ticket_state_id = s.id GROUP BY s.id, s.name ORDER BY s.id",
    ),
    (
        "ticket_state_type",
        "SELECT st.name, COUNT(t.id) FROM ticket_state_type st LEFT JOIN ticket_state s ON s.type_id = st.id LEFT JOIN ticket t ON t.ticket_state_id = s.id GROUP BY st.id, st.name ORDER BY st.id",
    ),
    (
        "queue",
        "SELECT q.name, COUNT(t.id) FROM queue q LEFT JOIN ticket t ON t.queue_id = q.id GROUP BY q.id, q.name ORDER BY q.id",
    ),
    (
        "ticket_priority",
        "SELECT p.name, COUNT(t.id) FROM ticket_priority p LEFT JOIN ticket t ON t.ticket_priority_id = p.id GROUP BY p.id, p.name ORDER BY p.id",
    ),
    (
        "ticket_type",
        "SELECT y.name, COUNT(t.id) FROM ticket_type y LEFT JOIN ticket t ON t.type_id = y.id GROUP BY y.id, y.name ORDER BY y.id",
    ),
    (
        "service",
        "SELECT v.name, COUNT(t.id) FROM service v LEFT JOIN ticket t ON t.service_id = v.id GROUP BY v.id, v.name ORDER BY v.id",
    ),
    (
        "sla",
        "SELECT a.name, COUNT(t.id) FROM sla a LEFT JOIN ticket t ON t.sla_id = a.id GROUP BY a.id, a.name ORDER BY a.id",
    ),
    (
        "article_sender_type",
        "SELECT s.name, COUNT(a.id) FROM article_sender_type s LEFT JOIN article a ON a.article_sender_type_id = s.id GROUP BY s.id, s.name ORDER BY s.id",
    ),
    (
        "communication_channel",
        "SELECT c.name, COUNT(a.id) FROM communication_channel c LEFT JOIN article a ON a.communication_channel_id = c.id GROUP BY c.id, c.name ORDER BY c.id",
    ),
];

impl Source for OtrsSource {
    fn describe(&mut self) -> Result<SchemaLock, DriverError> {
        let mut lock = SchemaLock {
            lock: 1,
            system: "otrs".to_owned(),
            version: Some(format!("{} on {}", self.found.flavour, self.found.server)),
            objects: BTreeMap::new(),
        };
        let objects: Vec<Object> = self.objects.values().cloned().collect();
        for object in &objects {
            let count = self.count(&object.name)?;
            let fields = object.fields.iter().map(|(name, field)| (name.clone(), field.schema.clone())).collect();
            lock.objects.insert(
                object.name.clone(),
                ObjectSchema { label: Some(object.label.clone()), count, fields, ..ObjectSchema::default() },
            );
        }
        for (object, sql) in NAME_COUNTS {
            let Some(schema) = lock.objects.get_mut(object) else { continue };
            let rows = match self.query(sql, vec![]) {
                Ok(rows) => rows,
                Err(_) => continue, // a lookup table without the columns this count needs
            };
            if let Some(name) = schema.fields.get_mut("name") {
                name.values = rows
                    .iter()
                    .filter_map(|row| {
                        Some(EnumValue { value: row[0].text()?, label: None, count: row[1].int().map(|n| n as u64) })
                    })
                    .collect();
                name.note = Some(if object.starts_with("article") || object == "communication_channel" {
                    "Counts are articles".to_owned()
                } else {
                    "Counts are tickets".to_owned()
                });
            }
        }
        // Dropdown and multiselect keys in use, with counts; keys not among the options too.
        for df in self.dynamic.iter().filter(|df| df.lock_type() == crate::check::schema::FieldType::Enum) {
            let Some(object) = model::dynamic_object_type_object(&df.object_type) else { continue };
            let rows = self.query(
                "SELECT value_text, COUNT(*) FROM dynamic_field_value WHERE field_id = ? GROUP BY value_text",
                vec![Param::Int(df.id)],
            )?;
            let Some(field) = lock.objects.get_mut(object).and_then(|o| o.fields.get_mut(&df.field_name())) else {
                continue;
            };
            for row in rows {
                let (Some(value), Some(count)) = (row[0].text(), row[1].int()) else { continue };
                match field.values.iter_mut().find(|v| v.value == value) {
                    Some(known) => known.count = Some(count as u64),
                    None => field.values.push(EnumValue {
                        value,
                        label: Some("(not among the field's options)".to_owned()),
                        count: Some(count as u64),
                    }),
                }
            }
            for value in &mut field.values {
                value.count.get_or_insert(0);
            }
        }
        if let Some(state) = lock.objects.get_mut("ticket").and_then(|o| o.fields.get_mut("ticket_state_id")) {
            state.note = Some(
                "Classify by ticket_state_id.type_id.name (new, open, closed, pending reminder, pending auto, removed, \
                 merged), not by the state's name"
                    .to_owned(),
            );
        }
        Ok(lock)
    }

    fn read(
        &mut self,
        object: &str,
        fields: &[String],
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Batch, DriverError> {
        let definition = self.object(object)?.clone();
        let text_key = definition.text_key && definition.name != "article_data_mime_attachment";
        // Text keys page in byte order on both engines, whatever the columns' collation, so the
        // same data is read (and written) in the same order from MySQL and PostgreSQL.
        let key = if text_key { self.db.engine().bytewise(&definition.key_sql()) } else { definition.key_sql() };
        let (condition, params) = match after {
            None => ("1 = 1".to_owned(), vec![]),
            Some(cursor) if text_key => {
                (format!("{key} > {}", self.db.engine().bytewise("?")), vec![Param::Text(cursor.0.clone())])
            }
            Some(cursor) => {
                let last: i64 = cursor.0.parse().map_err(|_| DriverError::StaleCursor {
                    object: object.to_owned(),
                    cursor: cursor.0.clone(),
                    reason: "an OTRS cursor of this object is a record id".to_owned(),
                })?;
                (format!("{key} > ?"), vec![Param::Int(last)])
            }
        };
        let limit = limit.max(1);
        let records = self.select(&definition, fields, &condition, params, &key, Some(limit))?;
        let next = (records.len() >= limit).then(|| records.last().map(|r| Cursor(key_text(&r.id)))).flatten();
        Ok(Batch { records, next })
    }

    fn read_by_ids(&mut self, object: &str, fields: &[String], ids: &[Value]) -> Result<Vec<Record>, DriverError> {
        let definition = self.object(object)?.clone();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if definition.name == "article_data_mime_attachment" {
            return self.attachments_by_ids(&definition, fields, ids);
        }
        let mut records = Vec::new();
        if definition.text_key {
            // Logins and customer ids compare without regard to case, as MySQL does and OTRS
            // expects; each record is returned under the spelling asked for.
            let engine = self.db.engine();
            let column = engine.lower(&definition.key_sql());
            let wanted: Vec<String> = ids.iter().map(key_text).collect();
            let mut asked: HashMap<String, Vec<String>> = HashMap::new();
            for id in &wanted {
                asked.entry(id.to_lowercase()).or_default().push(id.clone());
            }
            let distinct: Vec<String> = asked.keys().cloned().collect();
            for chunk in distinct.chunks(IN_CHUNK) {
                let condition = format!("{column} IN ({})", placeholders(chunk.len()));
                let params = chunk.iter().map(|s| Param::Text(s.clone())).collect();
                for record in self.select(&definition, fields, &condition, params, &definition.key_sql(), None)? {
                    let found = key_text(&record.id).to_lowercase();
                    for spelling in asked.remove(&found).unwrap_or_default() {
                        records.push(Record { id: Value::text(spelling), values: record.values.clone() });
                    }
                }
            }
            return Ok(records);
        }
        let numbers: Vec<i64> = ids.iter().filter_map(|v| key_text(v).parse().ok()).collect();
        for chunk in numbers.chunks(IN_CHUNK) {
            let condition = format!("{} IN ({})", definition.key_sql(), placeholders(chunk.len()));
            let params = chunk.iter().map(|n| Param::Int(*n)).collect();
            records.extend(self.select(&definition, fields, &condition, params, &definition.key_sql(), None)?);
        }
        Ok(records)
    }

    fn count(&mut self, object: &str) -> Result<Option<u64>, DriverError> {
        let definition = self.object(object)?;
        let sql = format!("SELECT COUNT(*) FROM {}", definition.table);
        Ok(self.query(&sql, vec![])?.first().and_then(|r| r[0].int()).map(|n| n as u64))
    }

    fn read_children(
        &mut self,
        object: &str,
        fields: &[String],
        link: &str,
        parents: &[Value],
        _conditions: &[Condition],
    ) -> Result<Option<Vec<Record>>, DriverError> {
        let definition = self.object(object)?.clone();
        let Some(column) = link_column(&definition, link) else { return Ok(None) };
        let order = if definition.fields.contains_key("create_time") {
            format!("{column}, t.create_time, {}", definition.key_sql())
        } else {
            format!("{column}, {}", definition.key_sql())
        };
        let mut records = Vec::new();
        for chunk in parents.chunks(IN_CHUNK) {
            let condition = format!("{column} IN ({})", placeholders(chunk.len()));
            records.extend(self.select(
                &definition,
                fields,
                &condition,
                chunk.iter().map(param_of).collect(),
                &order,
                None,
            )?);
        }
        Ok(Some(records))
    }

    fn read_children_outside(
        &mut self,
        object: &str,
        fields: &[String],
        link: &str,
        parents: &[Value],
        _conditions: &[Condition],
    ) -> Result<Option<Vec<Record>>, DriverError> {
        let definition = self.object(object)?.clone();
        let Some(column) = link_column(&definition, link).filter(|_| !definition.text_key) else { return Ok(None) };
        // One narrow pass over (key, link) finds the children of no parent read; only those are
        // then read whole.
        let parents: HashSet<String> = parents.iter().map(|p| key_text(p).to_lowercase()).collect();
        let key = definition.key_sql();
        let mut orphans = Vec::new();
        let mut last: Option<i64> = None;
        loop {
            let (condition, params) = match last {
                None => ("1 = 1".to_owned(), vec![]),
                Some(n) => (format!("{key} > ?"), vec![Param::Int(n)]),
            };
            let sql = format!(
                "SELECT {key}, {column} FROM {} t WHERE {condition} ORDER BY {key} LIMIT {SCAN_PAGE}",
                definition.table
            );
            let rows = self.query(&sql, params)?;
            for row in &rows {
                let parent = row[1].text().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
                if parent.is_none_or(|p| !parents.contains(&p))
                    && let Some(id) = row[0].int()
                {
                    orphans.push(Value::Int(id));
                }
            }
            last = rows.last().and_then(|r| r[0].int());
            if rows.len() < SCAN_PAGE {
                break;
            }
        }
        if orphans.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let mut records = self.read_by_ids(object, fields, &orphans)?;
        records.sort_by_key(|r| if let Value::Int(n) = r.id { n } else { 0 });
        Ok(Some(records))
    }
}
