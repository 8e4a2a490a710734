//! [`TopdeskSource`]: reading a TOPdesk over its REST API through the synchronous [`Source`]
//! trait.
//!
//! - **Connect.** `/tas/api/version` says the API answers and which version it is;
//!   `/tas/api/operators/current` says who we are (and that the credentials work).
//! - **Lists.** Each object's endpoint, envelope and paging come from [`model`](super::model);
//!   [`Page`] reads every envelope. Incidents and changes are read in FIQL windows on their
//!   creation date ([`window`](super::window) says why), each window counted before it is read
//!   and every page checked against that count: a page shorter or longer than the count allows
//!   makes the driver count the window again and read the page again, every window is counted
//!   again before the next one is opened, and a window that changed under a cursor is an error
//!   asking to restart, never a silent skip (only the open last window may grow: records
//!   created during the run are read too). A server that refuses
//!   or ignores the window filter (the change API's FIQL support depends on its version) is
//!   noticed before the first record is returned, and the object is then read as one list.
//! - **Cursors** ([`Position`]) hold the window plan, the window, the offset and the count, or an
//!   offset, a next link or a seek date, so a killed run resumes where it stopped.
//! - **Children.** A progress trail or an incident's attachments are read per incident
//!   ([`Source::read_children`]), every page of each; an attachment's bytes are downloaded
//!   (streamed into memory) when the spec reads `content` and offered as base64, like the other
//!   drivers' file contents.
//! - **Values** are flattened as [`model`](super::model) describes and typed by the spec's lock,
//!   falling back to the driver's own types; every date spelling TOPdesk uses is read
//!   ([`parse_datetime`]). A column a list row lacks is read from the record's detail endpoint
//!   once; when the detail lacks it too, it reads as null from then on without asking again.

use std::collections::HashSet;
use std::sync::Arc;

use base64::Engine as _;
use jiff::Timestamp;
use serde_json::Value as Json;

use super::client::{Reply, TopdeskConfig, strip_query};
use super::cursor::Position;
use super::dates::parse_datetime;
use super::error::TopdeskError;
use super::model::{Column, Endpoint, Paging, endpoint, object_names};
use super::paging::{Envelope, Page, encode, relative_link};
use super::window::WindowPlan;
use super::worker::Worker;
use crate::check::schema::{FieldSchema, FieldType, SchemaLock};
use crate::drivers::records::date_from_text;
use crate::drivers::{Batch, Cursor, DriverError, Record, Source, value_from_json};
use crate::plan::Condition;
use crate::run::value::Value;

/// Parents per batch when a child object is read as a list of its own.
const PARENTS_PER_BATCH: usize = 20;

/// The smallest page a slow list is asked for after timeouts and gateway errors.
pub const PAGE_FLOOR: usize = 10;

/// The progress-trail column listing an entry's own file (its row in `attachments`).
pub const ATTACHMENT_IDS: &str = "attachment_ids";

/// The person column that flags a person without a usable e-mail address.
pub const NO_EMAIL: &str = "noEmail";

/// Reads a TOPdesk over REST.
#[derive(Debug)]
pub struct TopdeskSource {
    pub(super) worker: Worker,
    base_url: String,
    window_days: u32,
    lock: SchemaLock,
    version: String,
    operator: Json,
    /// Objects read through their older media type after a 406.
    legacy: HashSet<&'static str>,
    /// Windowed objects whose server refused or ignored the window filter.
    unwindowed: HashSet<&'static str>,
    /// Columns a detail request did not have either: (object, column).
    detail_lacks: HashSet<(&'static str, &'static str)>,
    /// Page sizes lowered after slow answers, by object.
    page_caps: std::collections::HashMap<&'static str, usize>,
    /// The incident of every file entry the progress trail listed: an attachment is listed and
    /// downloaded under its incident only, so it is found by id through its entry.
    file_entries: std::collections::HashMap<String, Value>,
    /// The assets' links, resolved once when a spec reads `parents` or `ancestors`.
    hierarchy: Option<std::sync::Arc<super::hierarchy::AssetHierarchy>>,
    pub(super) notes: Vec<String>,
}

/// The largest page an endpoint accepts.
fn largest_page(endpoint: &Endpoint) -> usize {
    match endpoint.paging {
        Paging::Offset { max, .. } | Paging::Seek { max, .. } => max,
        Paging::Whole => usize::MAX,
    }
}

pub(super) fn remote(error: TopdeskError) -> DriverError {
    DriverError::Remote { system: "topdesk".to_owned(), message: error.to_string() }
}

fn unknown(object: &str) -> DriverError {
    DriverError::UnknownObject { object: object.to_owned(), known: object_names() }
}

fn stale(object: &str, cursor: &Cursor, reason: impl Into<String>) -> DriverError {
    DriverError::StaleCursor { object: object.to_owned(), cursor: cursor.0.clone(), reason: reason.into() }
}

impl TopdeskSource {
    /// Connect to the TOPdesk at `config.url` as `config.login`: checks that the API answers
    /// (`/tas/api/version`) and who the credentials belong to (`/tas/api/operators/current`).
    pub fn connect(config: TopdeskConfig) -> Result<TopdeskSource, DriverError> {
        let worker = Worker::start(&config).map_err(remote)?;
        let base_url = config.url.trim().trim_end_matches('/').to_owned();
        let version = worker.get("/tas/api/version", None).map_err(|error| match error {
            TopdeskError::NotFound { .. } => DriverError::Remote {
                system: "topdesk".to_owned(),
                message: format!(
                    "{error}; `url` does not point at a TOPdesk with the REST API (give the address without a path, \
                     like https://acme.topdesk.net)"
                ),
            },
            other => remote(other),
        })?;
        let version = version
            .json("/tas/api/version")
            .map_err(remote)?
            .get("version")
            .and_then(Json::as_str)
            .unwrap_or("unknown")
            .to_owned();
        let operator = worker
            .get("/tas/api/operators/current", None)
            .and_then(|reply| reply.json("/tas/api/operators/current"))
            .map_err(remote)?;
        let name = ["dynamicName", "name", "loginName"]
            .iter()
            .find_map(|key| operator.get(key).and_then(Json::as_str))
            .unwrap_or(&config.login)
            .to_owned();
        let notes = vec![format!("TOPdesk REST API {version}, read as operator {name} (login `{}`)", config.login)];
        Ok(TopdeskSource {
            worker,
            base_url,
            window_days: config.window_days.max(1),
            lock: config.lock,
            version,
            operator,
            legacy: HashSet::new(),
            unwindowed: HashSet::new(),
            detail_lacks: HashSet::new(),
            page_caps: std::collections::HashMap::new(),
            file_entries: std::collections::HashMap::new(),
            hierarchy: None,
            notes,
        })
    }

    /// The REST API version `/tas/api/version` reported.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The operator the credentials belong to, as `/tas/api/operators/current` answered.
    pub fn operator(&self) -> &Json {
        &self.operator
    }

    /// Notes for the consultant: version, who we are, fallbacks taken while reading.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    pub(super) fn get(&self, path: &str, accept: Option<&'static str>) -> Result<Reply, TopdeskError> {
        self.worker.get(path, accept)
    }

    /// The envelope, paging and media type `object` is read with now (its older form after a 406).
    fn shape(&self, endpoint: &'static Endpoint) -> (Envelope, Paging, Option<&'static str>) {
        match endpoint.legacy {
            Some((envelope, paging)) if self.legacy.contains(endpoint.name) => (envelope, paging, None),
            _ => (endpoint.envelope, endpoint.paging, endpoint.accept),
        }
    }

    /// GET one page of a list: `base` (the list path, a child's with its parent filled in), the
    /// FIQL `query` (joined with the archived filter), an offset and a size. A 406 to the
    /// endpoint's own media type switches the object to its older form once. A page that times
    /// out or meets a gateway error (502/504, after the client's retries) is asked for again with
    /// half as many records, down to [`PAGE_FLOOR`], and the object keeps the smaller size. A full
    /// page counts as "more may follow" even without a 206 or a next link.
    pub(super) fn page(
        &mut self,
        endpoint: &'static Endpoint,
        base: &str,
        query: Option<&str>,
        extra: &[(&str, String)],
        start: u64,
        size: usize,
    ) -> Result<(Page, String), TopdeskError> {
        loop {
            let (envelope, paging, accept) = self.shape(endpoint);
            let size = match (paging, self.page_caps.get(endpoint.name)) {
                (Paging::Offset { max, .. } | Paging::Seek { max, .. }, cap) => {
                    size.clamp(1, max.min(cap.copied().unwrap_or(max)))
                }
                (Paging::Whole, _) => 0,
            };
            let path = self.list_path(endpoint, base, query, extra, paging, start, size);
            match self.get(&path, accept) {
                Ok(reply) => {
                    let mut page = Page::decode(envelope, &path, &reply)?;
                    page.asked = size;
                    if size > 0 && page.items.len() >= size && page.next.is_none() {
                        page.more = true;
                    }
                    return Ok((page, path));
                }
                Err(TopdeskError::NotAcceptable { .. })
                    if endpoint.legacy.is_some() && !self.legacy.contains(endpoint.name) =>
                {
                    self.legacy.insert(endpoint.name);
                    self.note(format!(
                        "{}: this TOPdesk does not serve `{}` (406); read through the older list instead",
                        endpoint.name,
                        accept.unwrap_or_default()
                    ));
                }
                Err(error) if slow(&error) && size > PAGE_FLOOR => {
                    let smaller = (size / 2).max(PAGE_FLOOR);
                    self.page_caps.insert(endpoint.name, smaller);
                    self.note(format!(
                        "{}: pages of {size} were too slow ({error}); reading {smaller} at a time",
                        endpoint.name
                    ));
                }
                Err(error) => return Err(error),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn list_path(
        &self,
        endpoint: &Endpoint,
        base: &str,
        query: Option<&str>,
        extra: &[(&str, String)],
        paging: Paging,
        start: u64,
        size: usize,
    ) -> String {
        let mut params: Vec<String> = Vec::new();
        if !endpoint.extra.is_empty() {
            params.push(endpoint.extra.to_owned());
        }
        let filter: Vec<&str> = endpoint.archived.into_iter().chain(query).filter(|q| !q.is_empty()).collect();
        if !filter.is_empty() {
            // AND binds tighter than OR in FIQL, so an OR'ed archived filter needs parentheses.
            let joined = filter.iter().map(|q| if q.contains(',') { format!("({q})") } else { (*q).to_owned() });
            params.push(format!("query={}", encode(&joined.collect::<Vec<_>>().join(";"))));
        }
        for (key, value) in extra {
            params.push(format!("{key}={}", encode(value)));
        }
        match paging {
            Paging::Offset { start: start_name, size: size_name, .. } => {
                params.push(format!("{start_name}={start}&{size_name}={size}"));
            }
            Paging::Seek { .. } => params.push(format!("%24top={size}")),
            Paging::Whole => {}
        }
        let joint = if base.contains('?') { '&' } else { '?' };
        if params.is_empty() { base.to_owned() } else { format!("{base}{joint}{}", params.join("&")) }
    }

    /// The lock's field for a column, else the driver's own.
    fn field_schema(&self, object: &str, column: &Column) -> FieldSchema {
        self.lock.objects.get(object).and_then(|schema| schema.fields.get(column.name)).cloned().unwrap_or_else(|| {
            FieldSchema {
                field_type: column.field_type,
                many: column.many,
                target: column.target.map(str::to_owned),
                ..FieldSchema::default()
            }
        })
    }

    /// Turn list items into records with `fields`, asking details, sub-lists and downloads as
    /// the fields need them. `parent` is the parent's id for a child object.
    pub(super) fn records(
        &mut self,
        endpoint: &'static Endpoint,
        items: Vec<Json>,
        fields: &[String],
        parent: Option<&Value>,
    ) -> Result<Vec<Record>, DriverError> {
        let mut records = Vec::with_capacity(items.len());
        let kept = |item: &Json| {
            endpoint.keep.is_none_or(|(field, value)| lookup(item, field).and_then(Json::as_str) == Some(value))
        };
        for mut item in items.into_iter().filter(kept) {
            self.complete(endpoint, &mut item, fields)?;
            records.push(self.record(endpoint, &item, fields, parent)?);
        }
        Ok(records)
    }

    /// Fill in from the detail endpoint the columns `fields` names that the list row lacks.
    fn complete(&mut self, endpoint: &'static Endpoint, item: &mut Json, fields: &[String]) -> Result<(), DriverError> {
        let Some(detail) = endpoint.detail else { return Ok(()) };
        let lacking: Vec<&'static Column> = fields
            .iter()
            .filter_map(|field| endpoint.column(field))
            .filter(|column| !self.detail_lacks.contains(&(endpoint.name, column.name)))
            .filter(|column| {
                column.paths.iter().all(|path| path.starts_with(['/', '=']) || lookup(item, path).is_none())
            })
            .filter(|column| column.paths.iter().any(|path| !path.starts_with(['/', '='])))
            .collect();
        let Some(id) = item.get("id").and_then(Json::as_str).map(str::to_owned) else { return Ok(()) };
        if lacking.is_empty() {
            return Ok(());
        }
        let path = detail.replace("{id}", &encode(&id));
        let mut full = self.get(&path, None).and_then(|reply| reply.json(&path)).map_err(remote)?;
        if let Some(data) = full.get_mut("data").filter(|data| data.is_object()).map(Json::take) {
            full = data;
        }
        if let (Json::Object(row), Json::Object(full)) = (&mut *item, full) {
            for (key, value) in full {
                row.entry(key).or_insert(value);
            }
        }
        for column in lacking {
            if column.paths.iter().all(|path| path.starts_with(['/', '=']) || lookup(item, path).is_none()) {
                self.detail_lacks.insert((endpoint.name, column.name));
            }
        }
        Ok(())
    }

    fn record(
        &mut self,
        endpoint: &'static Endpoint,
        item: &Json,
        fields: &[String],
        parent: Option<&Value>,
    ) -> Result<Record, DriverError> {
        let id_paths = endpoint.column("id").map_or(&[][..], |column| column.paths.as_slice());
        let id = match id_paths.iter().find_map(|path| lookup(item, path)) {
            Some(Json::String(id)) => Value::text(id.as_str()),
            Some(Json::Number(n)) if n.is_i64() => Value::Int(n.as_i64().unwrap_or_default()),
            _ => {
                return Err(DriverError::Remote {
                    system: "topdesk".to_owned(),
                    message: format!("{}: a record without an `id`: {}", endpoint.path, clip(&item.to_string())),
                });
            }
        };
        let mut download: Option<(Vec<u8>, Option<String>)> = None;
        let mut values = Vec::with_capacity(fields.len());
        for field in fields {
            let value = match (endpoint.name, field.as_str()) {
                (_, link) if endpoint.parent.is_some_and(|(_, column)| column == link) && parent.is_some() => {
                    parent.cloned().unwrap_or_default()
                }
                ("attachments", "content" | "contentType") => {
                    if download.is_none() {
                        download = Some(self.download(item, parent, &id)?);
                    }
                    let (bytes, content_type) = download.as_ref().expect("downloaded above");
                    if field == "content" {
                        Value::text(base64::engine::general_purpose::STANDARD.encode(bytes))
                    } else {
                        content_type.as_deref().map_or(Value::Null, Value::text)
                    }
                }
                // A file entry is its own attachment (the same id): the relation the spec's
                // `attachments:` follows.
                ("progresstrail", ATTACHMENT_IDS) => {
                    let file = lookup(item, "fileName").and_then(Json::as_str).is_some_and(|name| !name.is_empty());
                    Value::List(if file { vec![id.clone()] } else { Vec::new() }.into())
                }
                // The links resolved: direct parents, and every ancestor nearest first (a cycle
                // stops the walk and is noted once).
                ("assets", "parents" | "ancestors") => {
                    let hierarchy = match &self.hierarchy {
                        Some(hierarchy) => hierarchy.clone(),
                        None => {
                            let hierarchy = std::sync::Arc::new(self.asset_hierarchy()?);
                            self.hierarchy = Some(hierarchy.clone());
                            hierarchy
                        }
                    };
                    let key = key_text(&id);
                    let ids: Vec<Value> = if field == "parents" {
                        hierarchy.parents.get(&key).into_iter().flatten().map(|p| Value::text(p.as_str())).collect()
                    } else {
                        hierarchy.ancestors(&key).into_iter().map(Value::text).collect()
                    };
                    Value::List(ids.into())
                }
                ("persons", NO_EMAIL) => {
                    let email = lookup(item, "email").and_then(Json::as_str).unwrap_or_default();
                    Value::Bool(!email.contains('@'))
                }
                _ => match endpoint.column(field) {
                    Some(column) => self.column_value(endpoint, column, item, &id)?,
                    None => lookup(item, field).map_or(Value::Null, |json| value_from_json(&flat(json, false), None)),
                },
            };
            values.push(value);
        }
        Ok(Record { id, values })
    }

    fn column_value(
        &mut self,
        endpoint: &'static Endpoint,
        column: &'static Column,
        item: &Json,
        id: &Value,
    ) -> Result<Value, DriverError> {
        let schema = self.field_schema(endpoint.name, column);
        let relation = schema.field_type == FieldType::Relation;
        for path in &column.paths {
            let json = if let Some(default) = path.strip_prefix('=') {
                serde_json::from_str(default).unwrap_or(Json::Null)
            } else if path.starts_with('/') {
                let path = path.replace("{id}", &encode(&key_text(id)));
                let reply = self.get(&path, None).map_err(remote)?;
                let page = Page::decode(Envelope::Array, &path, &reply)
                    .or_else(|_| Page::decode(Envelope::Results, &path, &reply))
                    .or_else(|_| Page::decode(Envelope::ItemNext, &path, &reply))
                    .map_err(remote)?;
                Json::Array(page.items)
            } else {
                match lookup(item, path) {
                    Some(json) => json.clone(),
                    None => continue,
                }
            };
            let json = flat(&json, relation);
            let unset = column.free && (json.as_str() == Some("") || json.as_f64() == Some(0.0));
            return Ok(if unset { Value::Null } else { typed(&json, &schema) });
        }
        Ok(Value::Null)
    }

    /// An attachment's bytes and content type, from its `downloadUrl` (else the documented path).
    fn download(
        &self,
        item: &Json,
        parent: Option<&Value>,
        id: &Value,
    ) -> Result<(Vec<u8>, Option<String>), DriverError> {
        let path = match item.get("downloadUrl").and_then(Json::as_str).filter(|url| !url.is_empty()) {
            Some(url) => relative_link(&self.base_url, "/tas/api/incidents", url).map_err(remote)?,
            None => {
                let parent = parent.map(key_text).unwrap_or_default();
                format!("/tas/api/incidents/id/{}/attachments/{}/download", encode(&parent), encode(&key_text(id)))
            }
        };
        let reply = self.get(&path, Some("*/*")).map_err(remote)?;
        let content_type = reply.content_type.as_deref().map(|t| t.split(';').next().unwrap_or(t).trim().to_owned());
        Ok((reply.body, content_type))
    }

    /// Read an object that pages by offset (or next link), or comes whole.
    fn read_plain(
        &mut self,
        endpoint: &'static Endpoint,
        fields: &[String],
        after: Option<&Cursor>,
        limit: usize,
        query: Option<&str>,
    ) -> Result<Batch, DriverError> {
        let position = after.map(|cursor| decode(endpoint.name, cursor)).transpose()?;
        let (_, paging, accept) = self.shape(endpoint);
        if let Paging::Seek { field, .. } = paging {
            return self.read_seek(endpoint, field, fields, position, after, limit);
        }
        let (page, path, offset) = match position {
            None | Some(Position::Offset { .. }) => {
                let offset = match position {
                    Some(Position::Offset { offset }) => offset,
                    _ => 0,
                };
                let (page, path) = self.page(endpoint, endpoint.path, query, &[], offset, limit).map_err(remote)?;
                (page, path, offset)
            }
            Some(Position::Link { path }) => {
                let (envelope, _, _) = self.shape(endpoint);
                let reply = self.get(&path, accept).map_err(remote)?;
                (Page::decode(envelope, &path, &reply).map_err(remote)?, path, 0)
            }
            Some(_) => {
                return Err(stale(endpoint.name, after.expect("decoded"), "this is not a cursor of a plain list"));
            }
        };
        if paging == Paging::Whole {
            let start = usize::try_from(offset).unwrap_or(usize::MAX);
            let end = start.saturating_add(limit).min(page.items.len());
            let more = end < page.items.len();
            let items = page.items.get(start..end).map(<[Json]>::to_vec).unwrap_or_default();
            let records = self.records(endpoint, items, fields, None)?;
            let next = more.then(|| Cursor(Position::Offset { offset: end as u64 }.encode()));
            return Ok(Batch { records, next });
        }
        let read = page.items.len() as u64;
        let next = match (&page.next, page.more) {
            (Some(link), true) => {
                Some(Position::Link { path: relative_link(&self.base_url, &path, link).map_err(remote)? })
            }
            (None, true) => Some(Position::Offset { offset: offset + read }),
            _ => None,
        };
        let records = self.records(endpoint, page.items, fields, None)?;
        Ok(Batch { records, next: next.map(|position| Cursor(position.encode())) })
    }

    /// Seek paging (reservations): `$top` records with the date at or after the last one read,
    /// skipping those at exactly that date already read.
    fn read_seek(
        &mut self,
        endpoint: &'static Endpoint,
        field: &'static str,
        fields: &[String],
        position: Option<Position>,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Batch, DriverError> {
        let (from, seen) = match position {
            None => (None, 0),
            Some(Position::Seek { after, seen }) => (Some(after), seen),
            Some(_) => {
                return Err(stale(endpoint.name, after.expect("decoded"), "this is not a cursor of a seek list"));
            }
        };
        let query = from.map(|from| format!("{field}=ge={}", super::dates::fiql_datetime(from)));
        let skip = usize::try_from(seen).unwrap_or(usize::MAX);
        let (page, path) =
            self.page(endpoint, endpoint.path, query.as_deref(), &[], 0, limit.saturating_add(skip)).map_err(remote)?;
        let mut items = page.items;
        let date_of = |item: &Json| lookup(item, field).and_then(Json::as_str).and_then(parse_datetime);
        let mut skipped = 0;
        items.retain(|item| {
            let at_start = from.is_some() && date_of(item) == from;
            let keep = !(at_start && skipped < skip);
            if at_start && !keep {
                skipped += 1;
            }
            keep
        });
        items.truncate(limit);
        let next = if page.more || items.len() == limit && !items.is_empty() {
            let last = items.last().and_then(date_of).ok_or_else(|| DriverError::Remote {
                system: "topdesk".to_owned(),
                message: format!("{}: a record without `{field}` in a list ordered by it", strip_query(&path)),
            })?;
            let same = items.iter().filter(|item| date_of(item) == Some(last)).count() as u64;
            let carried = if from == Some(last) { seen } else { 0 };
            Some(Position::Seek { after: last, seen: same + carried })
        } else {
            None
        };
        let records = self.records(endpoint, items, fields, None)?;
        Ok(Batch { records, next: next.map(|position| Cursor(position.encode())) })
    }

    /// The window plan of a windowed object: earliest and latest creation from a sorted probe
    /// (or from one page when the list cannot sort), or `None` when the list is empty.
    fn plan(&mut self, endpoint: &'static Endpoint, field: &'static str) -> Result<Option<WindowPlan>, TopdeskError> {
        let probe = |source: &mut Self, sort: Option<&str>, size: usize| -> Result<Vec<Timestamp>, TopdeskError> {
            let mut extra = vec![];
            if let Some(sort) = sort {
                extra.push(("sort", format!("{field}:{sort}")));
            }
            if let Some(param) = endpoint.fields_param {
                extra.push((param, format!("id,{field}")));
            }
            let (page, _) = source.page(endpoint, endpoint.path, None, &extra, 0, size)?;
            Ok(page.items.iter().filter_map(|item| lookup(item, field)?.as_str().and_then(parse_datetime)).collect())
        };
        let sortable = endpoint.fields_param.is_some();
        let dates = if sortable {
            let mut dates = probe(self, Some("asc"), 1)?;
            dates.extend(probe(self, Some("desc"), 1)?);
            dates
        } else {
            probe(self, None, usize::MAX)?
        };
        let (Some(earliest), Some(latest)) = (dates.iter().min(), dates.iter().max()) else { return Ok(None) };
        Ok(Some(WindowPlan::new(*earliest, *latest, self.window_days)))
    }

    /// Count window `k` by reading its ids (and dates, to see that the server applied the
    /// filter). `Ok(None)` when the server ignored the filter (a record outside the window).
    fn count_window(
        &mut self,
        endpoint: &'static Endpoint,
        field: &'static str,
        plan: &WindowPlan,
        k: u32,
    ) -> Result<Option<u64>, TopdeskError> {
        let query = plan.fiql(field, k);
        let extra: Vec<(&str, String)> =
            endpoint.fields_param.map(|param| (param, format!("id,{field}"))).into_iter().collect();
        let mut count = 0;
        loop {
            let (page, _) = self.page(endpoint, endpoint.path, Some(&query), &extra, count, usize::MAX)?;
            for item in &page.items {
                let date = lookup(item, field).and_then(Json::as_str).and_then(parse_datetime);
                if date.is_some_and(|date| !plan.contains(k, date)) {
                    return Ok(None);
                }
            }
            count += page.items.len() as u64;
            if !page.more {
                return Ok(Some(count));
            }
        }
    }

    /// Count window `k`, failing when the server stopped applying the filter.
    fn recount(
        &mut self,
        endpoint: &'static Endpoint,
        field: &'static str,
        plan: &WindowPlan,
        k: u32,
    ) -> Result<u64, DriverError> {
        self.count_window(endpoint, field, plan, k).map_err(remote)?.ok_or_else(|| DriverError::Remote {
            system: "topdesk".to_owned(),
            message: format!("{}: TOPdesk stopped applying the window filter on `{field}` mid-read", endpoint.path),
        })
    }

    /// Read a windowed object: pages of the current window, window after window, until `limit`
    /// records or the end.
    fn read_windowed(
        &mut self,
        endpoint: &'static Endpoint,
        field: &'static str,
        fields: &[String],
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Batch, DriverError> {
        let position = after.map(|cursor| decode(endpoint.name, cursor)).transpose()?;
        let (plan, mut window, mut offset, mut expected) = match position {
            Some(Position::Window { plan, window, offset, expected }) => (plan, window, offset, expected),
            Some(Position::Offset { .. } | Position::Link { .. }) if self.unwindowed.contains(endpoint.name) => {
                return self.read_plain(endpoint, fields, after, limit, None);
            }
            Some(Position::Offset { .. } | Position::Link { .. }) => {
                // A cursor of a run that read this object as one list: keep doing so.
                self.unwindowed.insert(endpoint.name);
                return self.read_plain(endpoint, fields, after, limit, None);
            }
            Some(_) => {
                return Err(stale(endpoint.name, after.expect("decoded"), "this is not a cursor of a windowed list"));
            }
            None => {
                let plan = match self.plan(endpoint, field) {
                    Ok(Some(plan)) => plan,
                    Ok(None) => return Ok(Batch { records: Vec::new(), next: None }),
                    Err(error @ TopdeskError::Status { status: 400, .. }) => {
                        return self.unwindow(endpoint, fields, limit, &error.to_string());
                    }
                    Err(error) => return Err(remote(error)),
                };
                match self.count_window(endpoint, field, &plan, 0) {
                    Ok(Some(expected)) => (plan, 0, 0, expected),
                    Ok(None) => {
                        return self.unwindow(endpoint, fields, limit, "it returned records outside the window");
                    }
                    Err(error @ TopdeskError::Status { status: 400, .. }) => {
                        return self.unwindow(endpoint, fields, limit, &error.to_string());
                    }
                    Err(error) => return Err(remote(error)),
                }
            }
        };
        let (envelope_max, sort) = match self.shape(endpoint).1 {
            Paging::Offset { max, .. } => (max, endpoint.fields_param.map(|_| format!("{field}:asc,id:asc"))),
            _ => (limit, None),
        };
        let mut records = Vec::new();
        loop {
            if offset >= expected {
                // Before leaving a window, count it again: a record added or removed in it since
                // it was counted shifted the offsets, so one was read twice or not at all. Only
                // the open last window may grow (records created during the run); read those.
                let last = window + 1 >= plan.windows;
                let recounted = self.recount(endpoint, field, &plan, window)?;
                if recounted != expected {
                    if last && recounted > expected {
                        expected = recounted;
                        continue;
                    }
                    let cursor = Cursor(Position::Window { plan, window, offset, expected }.encode());
                    return Err(stale(
                        endpoint.name,
                        &cursor,
                        format!(
                            "window {} of {} held {expected} records when counted and {recounted} after it was read",
                            window + 1,
                            plan.windows
                        ),
                    ));
                }
                if last {
                    return Ok(Batch { records, next: None });
                }
                window += 1;
                offset = 0;
                expected = self.recount(endpoint, field, &plan, window)?;
                continue;
            }
            if records.len() >= limit {
                let next = Position::Window { plan, window, offset, expected };
                return Ok(Batch { records, next: Some(Cursor(next.encode())) });
            }
            let size = (limit - records.len()).min(envelope_max);
            let query = plan.fiql(field, window);
            let mut extra: Vec<(&str, String)> = sort.iter().map(|sort| ("sort", sort.clone())).collect();
            if let Some(param) = endpoint.fields_param {
                extra.push((param, endpoint.api_fields(fields).join(",")));
            }
            let read = |source: &mut Self| {
                source.page(endpoint, endpoint.path, Some(&query), &extra, offset, size).map_err(remote)
            };
            let (mut page, _) = read(self)?;
            let fits = |page: &Page, expected: u64| {
                let want = (page.asked as u64).min(expected.saturating_sub(offset));
                page.items.len() as u64 == want
            };
            if !fits(&page, expected) {
                // The window changed since it was counted: count it again and read the page again.
                let recounted = self.count_window(endpoint, field, &plan, window).map_err(remote)?.unwrap_or(expected);
                let (again, _) = read(self)?;
                let last = window + 1 == plan.windows;
                let appended = last && recounted >= expected;
                if !fits(&again, recounted) || !(recounted == expected || appended || offset == 0) {
                    let cursor = Cursor(Position::Window { plan, window, offset, expected }.encode());
                    return Err(stale(
                        endpoint.name,
                        &cursor,
                        format!(
                            "window {} of {} held {expected} records when counted and {recounted} now, and page \
                             {offset}… returned {} records",
                            window + 1,
                            plan.windows,
                            again.items.len()
                        ),
                    ));
                }
                expected = recounted;
                page = again;
            }
            offset += page.items.len() as u64;
            records.extend(self.records(endpoint, page.items, fields, None)?);
        }
    }

    /// Read a windowed object as one list from now on, saying why.
    fn unwindow(
        &mut self,
        endpoint: &'static Endpoint,
        fields: &[String],
        limit: usize,
        why: &str,
    ) -> Result<Batch, DriverError> {
        self.unwindowed.insert(endpoint.name);
        self.note(format!(
            "{}: TOPdesk did not apply the FIQL time window ({why}); read as one list by offset instead",
            endpoint.name
        ));
        self.read_plain(endpoint, fields, None, limit, None)
    }

    /// Every child of one parent, all pages.
    pub(super) fn children_of(
        &mut self,
        endpoint: &'static Endpoint,
        fields: &[String],
        parent: &Value,
    ) -> Result<Vec<Record>, DriverError> {
        let base = endpoint.path.replace("{parent}", &encode(&key_text(parent)));
        if endpoint.name == "knowledgeTranslations" {
            let items = self.translations(&base, parent)?;
            return self.records(endpoint, items, fields, Some(parent));
        }
        let mut items = self.every_page(endpoint, &base, largest_page(endpoint))?;
        if let Some((also, max)) = endpoint.also {
            let base = also.replace("{parent}", &encode(&key_text(parent)));
            let known: HashSet<String> = items.iter().filter_map(|item| Some(item.get("id")?.to_string())).collect();
            let extra = self.every_page(endpoint, &base, max)?;
            items.extend(
                extra.into_iter().filter(|item| item.get("id").is_none_or(|id| !known.contains(&id.to_string()))),
            );
        }
        // Oldest first (TOPdesk lists the trail newest first), the server's order among equals.
        items.sort_by_cached_key(|item| item.get("entryDate").and_then(Json::as_str).and_then(parse_datetime));
        if endpoint.name == "progresstrail" {
            for item in &items {
                if let (Some(id), Some(_)) = (lookup(item, "id").and_then(Json::as_str), lookup(item, "fileName")) {
                    self.file_entries.insert(id.to_owned(), parent.clone());
                }
            }
        }
        self.records(endpoint, items, fields, Some(parent))
    }

    /// Attachments by id: each incident's list read once for the files of its trail entries
    /// asked for, and only those downloaded.
    fn attachments_by_ids(
        &mut self,
        endpoint: &'static Endpoint,
        fields: &[String],
        ids: &[Value],
    ) -> Result<Vec<Record>, DriverError> {
        let mut wanted: std::collections::BTreeMap<String, (Value, HashSet<String>)> = Default::default();
        for id in ids {
            let key = key_text(id);
            let incident = self.file_entries.get(&key).cloned().ok_or_else(|| DriverError::Remote {
                system: "topdesk".to_owned(),
                message: format!(
                    "attachment {key}: its incident is not known; an attachment is read through the progress-trail \
                     entry that lists it (`progresstrail.{ATTACHMENT_IDS}`)"
                ),
            })?;
            wanted.entry(key_text(&incident)).or_insert_with(|| (incident, HashSet::new())).1.insert(key);
        }
        let mut records = Vec::new();
        for (incident, (parent, keys)) in wanted {
            let base = endpoint.path.replace("{parent}", &encode(&incident));
            let items: Vec<Json> = self
                .every_page(endpoint, &base, largest_page(endpoint))?
                .into_iter()
                .filter(|item| lookup(item, "id").and_then(Json::as_str).is_some_and(|id| keys.contains(id)))
                .collect();
            records.extend(self.records(endpoint, items, fields, Some(&parent))?);
        }
        Ok(records)
    }

    /// An item's versions in its other languages (`availableTranslations` without its own), each
    /// asked with `language=`, with the id `ITEM/LANGUAGE`.
    pub(super) fn translations(&mut self, base: &str, parent: &Value) -> Result<Vec<Json>, DriverError> {
        let item = self.get(base, None).and_then(|reply| reply.json(base)).map_err(remote)?;
        let own = lookup(&item, "translation.language").and_then(Json::as_str).unwrap_or_default().to_owned();
        let languages: Vec<String> = lookup(&item, "availableTranslations")
            .and_then(Json::as_array)
            .map(|all| all.iter().filter_map(Json::as_str).filter(|l| *l != own).map(str::to_owned).collect())
            .unwrap_or_default();
        let mut versions = Vec::new();
        for language in languages {
            let fields = "title,description,content,commentsForOperators,keywords";
            let path = format!("{base}?language={}&fields={fields}", encode(&language));
            let mut version = match self.get(&path, Some("application/x.topdesk-kb-ki-v1+json")) {
                Ok(reply) => reply.json(&path).map_err(remote)?,
                Err(TopdeskError::NotFound { .. }) => continue,
                Err(error) => return Err(remote(error)),
            };
            version["id"] = Json::String(format!("{}/{language}", key_text(parent)));
            versions.push(version);
        }
        Ok(versions)
    }

    /// Every item of a child list, page after page.
    fn every_page(&mut self, endpoint: &'static Endpoint, base: &str, max: usize) -> Result<Vec<Json>, DriverError> {
        let mut items = Vec::new();
        loop {
            let (page, _) = self.page(endpoint, base, None, &[], items.len() as u64, max).map_err(remote)?;
            let more = page.more;
            items.extend(page.items);
            if !more {
                return Ok(items);
            }
        }
    }

    /// Read a child object as a list: its parents a batch at a time, every child of each.
    fn read_child_list(
        &mut self,
        endpoint: &'static Endpoint,
        parent_object: &str,
        fields: &[String],
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Batch, DriverError> {
        let (mut skip, mut parents) = match after.map(|cursor| decode(endpoint.name, cursor)).transpose()? {
            None => (0, None),
            Some(Position::Children { skip, parents }) => (skip, parents.map(|p| Cursor(p.encode()))),
            Some(_) => {
                return Err(stale(endpoint.name, after.expect("decoded"), "this is not a cursor of a child list"));
            }
        };
        let mut records = Vec::new();
        loop {
            let batch = self.read(parent_object, &["id".to_owned()], parents.as_ref(), PARENTS_PER_BATCH)?;
            let mut children = Vec::new();
            for parent in &batch.records {
                children.extend(self.children_of(endpoint, fields, &parent.id)?);
            }
            let available = children.len().saturating_sub(usize::try_from(skip).unwrap_or(usize::MAX));
            let take = available.min(limit - records.len());
            records.extend(children.into_iter().skip(usize::try_from(skip).unwrap_or(usize::MAX)).take(take));
            if take < available {
                let parents = parents.map(|c| Box::new(Position::decode(&c.0).expect("encoded by this driver")));
                let next = Position::Children { skip: skip + take as u64, parents };
                return Ok(Batch { records, next: Some(Cursor(next.encode())) });
            }
            let Some(next_parents) = batch.next else { return Ok(Batch { records, next: None }) };
            skip = 0;
            parents = Some(next_parents);
            if records.len() >= limit {
                let parents = parents.map(|c| Box::new(Position::decode(&c.0).expect("encoded by this driver")));
                return Ok(Batch { records, next: Some(Cursor(Position::Children { skip: 0, parents }.encode())) });
            }
        }
    }
}

/// A timeout or a gateway giving up: a smaller page may pass.
fn slow(error: &TopdeskError) -> bool {
    matches!(error, TopdeskError::Timeout { .. } | TopdeskError::Busy { status: 502 | 504, .. })
}

fn decode(object: &str, cursor: &Cursor) -> Result<Position, DriverError> {
    Position::decode(&cursor.0).map_err(|reason| stale(object, cursor, reason))
}

/// The value at a dotted path (a number picks an array item); `None` when a key on the way is
/// missing or null (a simple change's `simple` is null on an extensive one, whose values sit
/// elsewhere).
pub(super) fn lookup<'a>(item: &'a Json, path: &str) -> Option<&'a Json> {
    let mut current = item;
    for key in path.split('.') {
        current = match current {
            Json::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            other => other.as_object()?.get(key)?,
        };
    }
    Some(current)
}

/// Flatten a nested value: a relation keeps the object's `id`, anything else its name.
fn flat(json: &Json, relation: bool) -> Json {
    match json {
        Json::Object(map) => {
            let keys: &[&str] =
                if relation { &["id"] } else { &["name", "groupName", "dynamicName", "text", "value", "id"] };
            keys.iter()
                .find_map(|key| map.get(*key).filter(|v| !v.is_null() && !v.is_object()))
                .cloned()
                .unwrap_or(Json::Null)
        }
        Json::Array(items) => Json::Array(items.iter().map(|item| flat(item, relation)).collect()),
        other => other.clone(),
    }
}

/// A flattened value typed by its field: TOPdesk's date-times in every spelling, dates from a
/// date-time's day.
fn typed(json: &Json, schema: &FieldSchema) -> Value {
    match (schema.field_type, json) {
        (FieldType::Datetime, Json::String(text)) => {
            parse_datetime(text).map_or_else(|| value_from_json(json, Some(schema)), Value::DateTime)
        }
        (FieldType::Date, Json::String(text)) if text.len() > 10 => {
            date_from_text(&text[..10]).map_or_else(|| value_from_json(json, Some(schema)), Value::Date)
        }
        (FieldType::Datetime, Json::Array(items)) => {
            Value::List(items.iter().map(|item| typed(item, schema)).collect::<Arc<[Value]>>())
        }
        _ => value_from_json(json, Some(schema)),
    }
}

fn key_text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.to_string(),
        other => other.to_string(),
    }
}

fn clip(text: &str) -> String {
    text.chars().take(120).collect()
}

impl Source for TopdeskSource {
    fn describe(&mut self) -> Result<SchemaLock, DriverError> {
        self.discover()
    }

    fn read(
        &mut self,
        object: &str,
        fields: &[String],
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Batch, DriverError> {
        let endpoint = endpoint(object).ok_or_else(|| unknown(object))?;
        let limit = limit.max(1);
        if let Some((parent, _)) = endpoint.parent {
            return self.read_child_list(endpoint, parent, fields, after, limit);
        }
        match endpoint.window {
            Some(field) if !self.unwindowed.contains(endpoint.name) || after.is_some() => {
                self.read_windowed(endpoint, field, fields, after, limit)
            }
            _ => self.read_plain(endpoint, fields, after, limit, None),
        }
    }

    /// Child objects have no single-record endpoint (attachments are found through the trail
    /// entries read before them).
    fn reads_by_id(&self, object: &str) -> bool {
        endpoint(object).is_none_or(|e| e.detail.is_some() || e.parent.is_none() || e.name == "attachments")
    }

    fn read_by_ids(&mut self, object: &str, fields: &[String], ids: &[Value]) -> Result<Vec<Record>, DriverError> {
        let endpoint = endpoint(object).ok_or_else(|| unknown(object))?;
        if endpoint.name == "attachments" {
            return self.attachments_by_ids(endpoint, fields, ids);
        }
        if endpoint.detail.is_none() && endpoint.parent.is_none() {
            // A short list with no single-record endpoint (locations, knowledge folders): the
            // whole list, kept to the ids asked for.
            let keys: HashSet<String> = ids.iter().map(key_text).collect();
            let items: Vec<Json> = self
                .every_page(endpoint, endpoint.path, largest_page(endpoint))?
                .into_iter()
                .filter(|item| lookup(item, "id").and_then(Json::as_str).is_some_and(|id| keys.contains(id)))
                .collect();
            return self.records(endpoint, items, fields, None);
        }
        let Some(detail) = endpoint.detail else {
            return Err(DriverError::Remote {
                system: "topdesk".to_owned(),
                message: format!("`{object}` has no single-record endpoint; read it through its parent"),
            });
        };
        let mut seen = HashSet::new();
        let mut records = Vec::new();
        for id in ids {
            let key = key_text(id);
            if !seen.insert(key.clone()) {
                continue;
            }
            let path = detail.replace("{id}", &encode(&key));
            let mut item = match self.get(&path, None).and_then(|reply| reply.json(&path)) {
                Ok(item) => item,
                Err(TopdeskError::NotFound { .. }) => continue,
                Err(error) => return Err(remote(error)),
            };
            if let Some(data) = item.get_mut("data").filter(|data| data.is_object()).map(Json::take) {
                item = data;
            }
            if item.is_null() {
                continue;
            }
            records.extend(self.records(endpoint, vec![item], fields, None)?);
        }
        Ok(records)
    }

    fn count(&mut self, object: &str) -> Result<Option<u64>, DriverError> {
        let endpoint = endpoint(object).ok_or_else(|| unknown(object))?;
        self.count_records(endpoint).map_err(remote)
    }

    fn read_children(
        &mut self,
        object: &str,
        fields: &[String],
        link: &str,
        parents: &[Value],
        conditions: &[Condition],
    ) -> Result<Option<Vec<Record>>, DriverError> {
        let _ = conditions;
        let endpoint = endpoint(object).ok_or_else(|| unknown(object))?;
        match endpoint.parent {
            Some((_, column)) if column == link => {
                let mut records = Vec::new();
                for parent in parents {
                    records.extend(self.children_of(endpoint, fields, parent)?);
                }
                Ok(Some(records))
            }
            _ => Ok(None),
        }
    }
}

impl TopdeskSource {
    /// How many records `endpoint` holds: the count endpoint where there is one, the asset
    /// grid's `fetchCount`, else its ids read with the largest pages. `None` for child objects.
    pub(super) fn count_records(&mut self, endpoint: &'static Endpoint) -> Result<Option<u64>, TopdeskError> {
        if endpoint.parent.is_some() {
            return Ok(None);
        }
        if let Some((path, member)) = endpoint.count {
            match self.get(path, None).and_then(|reply| reply.json(path)) {
                Ok(json) => {
                    if let Some(count) = json.get(member).and_then(Json::as_u64) {
                        return Ok(Some(count));
                    }
                }
                Err(TopdeskError::NotFound { .. } | TopdeskError::Status { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        if let Paging::Seek { max, .. } = self.shape(endpoint).1 {
            // Offsets mean nothing to a seek list: count what reading it returns.
            let mut count = 0;
            let mut cursor: Option<Cursor> = None;
            loop {
                let batch = self.read(endpoint.name, &[], cursor.as_ref(), max).map_err(|error| {
                    TopdeskError::Unexpected { path: endpoint.path.to_owned(), message: error.to_string() }
                })?;
                count += batch.records.len() as u64;
                match batch.next {
                    Some(next) => cursor = Some(next),
                    None => return Ok(Some(count)),
                }
            }
        }
        let mut extra: Vec<(&str, String)> = Vec::new();
        if let Some(param) = endpoint.fields_param {
            extra.push((param, "id".to_owned()));
        }
        if endpoint.envelope == Envelope::Grid {
            extra.push(("fetchCount", "true".to_owned()));
        }
        let mut count = 0;
        let mut next: Option<String> = None;
        loop {
            let page = match next.take() {
                Some(path) => {
                    let (envelope, _, accept) = self.shape(endpoint);
                    Page::decode(envelope, &path, &self.get(&path, accept)?)?
                }
                None => self.page(endpoint, endpoint.path, None, &extra, count, usize::MAX)?.0,
            };
            if let Some(total) = page.count {
                return Ok(Some(total));
            }
            count += page.items.len() as u64;
            if self.shape(endpoint).1 == Paging::Whole || !page.more {
                return Ok(Some(count));
            }
            if let Some(link) = page.next {
                next = Some(relative_link(&self.base_url, endpoint.path, &link)?);
            }
        }
    }
}
