//! [`OdooSource`]: reading an Odoo Help Desk over XML-RPC through the synchronous
//! [`Source`] trait.
//!
//! - **Paging.** Keyset, as the digest's section 9 recommends: `search_read([["id", ">", last]],
//!   fields, order="id asc", limit)` with `context.active_test = false`, so archived records
//!   are read too and pages never shift when rows are added or archived. The cursor is the last id
//!   as text. The first page asks for `id > 0` rather than an empty domain: Odoo hides
//!   field-backing attachments from an `ir.attachment` search unless the domain names `id`, and
//!   every page must select the same records.
//! - **Slow pages.** A page that outruns the server's time limit (a client timeout, a 502/504 from
//!   the proxy, a connection reset: [`OdooError::is_timeout`]) is asked for again from the same
//!   cursor with half as many records, down to [`PAGE_FLOOR`]; the smaller size is kept for the
//!   object's later pages. Below the floor the read fails with what to do, and the runner
//!   resumes from the cursor it stored, never from the start.
//! - **Values.** Each field's Odoo type comes from `fields_get` (once per model, cached) and
//!   decodes Odoo's conventions ([`odoo_to_json`]: False for empty, many2one pairs, naive-UTC
//!   date-times); the schema lock then types the value ([`value_from_json`]), falling back to the
//!   type `fields_get` implies for fields the lock does not list. Fields the model does not have
//!   (a version difference) are not requested and read as Null.
//! - **Calls.** The async [`OdooClient`](super::OdooClient) runs on a thread of its own
//!   ([`Worker`]), so the trait's blocking methods work from a plain thread and from inside
//!   `block_in_place` alike.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::client::{ApiKey, OdooClientConfig};
use super::convert::odoo_to_json;
use super::error::{FaultKind, OdooError};
use super::schema::{FIELD_ATTRIBUTES, OdooField, lock_field, parse_fields_get};
use super::server_version::ServerVersion;
use super::value::XmlRpcValue;
use super::worker::Worker;
use crate::check::schema::{LOCK_VERSION, ObjectSchema, SchemaLock};
use crate::drivers::{Batch, Cursor, DriverError, Record, Source, value_from_json};
use crate::plan::{Condition, ConditionOp};
use crate::run::value::Value;

/// The models the bundled Odoo spec family reads, in the order `describe` asks for them.
pub const MODELS: [&str; 14] = [
    "helpdesk.ticket",
    "helpdesk.stage",
    "helpdesk.team",
    "helpdesk.tag",
    "helpdesk.sla",
    "helpdesk.ticket.type",
    "res.partner",
    "res.users",
    "mail.message",
    "mail.message.subtype",
    "ir.attachment",
    "rating.rating",
    "base.automation",
    "mail.alias",
];

/// The smallest page a timed-out read is retried with.
pub const PAGE_FLOOR: usize = 10;

/// Ids per `read` call of [`Source::read_by_ids`] (the digest suggests chunks of about 200).
const ID_CHUNK: usize = 200;

/// Reads an Odoo database over XML-RPC.
#[derive(Debug)]
pub struct OdooSource {
    worker: Worker,
    database: String,
    version: ServerVersion,
    lock: SchemaLock,
    fields: HashMap<String, Arc<BTreeMap<String, OdooField>>>,
    page_sizes: HashMap<String, usize>,
    /// Objects whose pushed-down conditions Odoo refused once.
    unpushable: HashSet<String>,
    notes: Vec<String>,
}

impl OdooSource {
    /// Connect to the Odoo at `url` and sign in to `database` as `login` with `api_key`; values
    /// are typed with `lock` (the spec's source lock; an empty lock types by `fields_get`).
    /// Checks, in order, that the server answers, that the credentials are right and that the
    /// Helpdesk app is installed, each failure saying what to do.
    pub fn connect(
        url: &str,
        database: &str,
        login: &str,
        api_key: &str,
        lock: SchemaLock,
    ) -> Result<OdooSource, DriverError> {
        OdooSource::connect_with(OdooClientConfig::new(url), database, login, api_key, lock)
    }

    /// [`connect`](Self::connect) with a client configuration (timeouts, retries).
    pub fn connect_with(
        config: OdooClientConfig,
        database: &str,
        login: &str,
        api_key: &str,
        lock: SchemaLock,
    ) -> Result<OdooSource, DriverError> {
        let worker = Worker::start(config).map_err(remote)?;
        let version = worker.version().map_err(remote)?;
        worker.authenticate(database, login, ApiKey::new(api_key)).map_err(|error| match error {
            // API keys came with 14: on 13 the secret is the password.
            OdooError::WrongCredentials { .. } if version.major.is_some_and(|major| major <= 13) => {
                DriverError::Remote {
                    system: "odoo".to_owned(),
                    message: format!(
                        "{error}. Odoo {} has no API keys (they came with 14): `api_key:` must hold the user's                          password",
                        version.server_version
                    ),
                }
            }
            other => remote(other),
        })?;
        let mut source = OdooSource {
            worker,
            database: database.to_owned(),
            version,
            lock,
            fields: HashMap::new(),
            page_sizes: HashMap::new(),
            unpushable: HashSet::new(),
            notes: Vec::new(),
        };
        // Without helpdesk.ticket there is nothing to migrate: say so now, with the fix.
        source.fields_of("helpdesk.ticket").map_err(|error| match error.fault_kind() {
            Some(FaultKind::MissingModel) => DriverError::Remote {
                system: "odoo".to_owned(),
                message: format!(
                    "the Helpdesk app is not installed on database `{database}` ({error}); install Helpdesk, or \
                     check that the source settings name the right database"
                ),
            },
            _ => remote(error),
        })?;
        Ok(source)
    }

    /// The server's version, from `common.version()`.
    pub fn version(&self) -> &ServerVersion {
        &self.version
    }

    /// The database signed in to.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// What [`Source::describe`] left out and why (models that do not exist on this database).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The lock values are typed with.
    pub fn lock(&self) -> &SchemaLock {
        &self.lock
    }

    /// Record a note for [`OdooSource::notes`].
    pub(super) fn add_note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// One `execute_kw` call.
    pub(super) fn call(
        &self,
        model: &str,
        method: &str,
        args: Vec<XmlRpcValue>,
        kwargs: Vec<(String, XmlRpcValue)>,
    ) -> Result<XmlRpcValue, OdooError> {
        self.worker.execute_kw(model, method, args, kwargs)
    }

    /// `fields_get` of `model`, asked once and kept.
    pub(super) fn fields_of(&mut self, model: &str) -> Result<Arc<BTreeMap<String, OdooField>>, OdooError> {
        if let Some(fields) = self.fields.get(model) {
            return Ok(Arc::clone(fields));
        }
        let attributes = FIELD_ATTRIBUTES.iter().map(|name| XmlRpcValue::String((*name).to_owned())).collect();
        let answer = self.worker.execute_kw(
            model,
            "fields_get",
            Vec::new(),
            vec![("attributes".to_owned(), XmlRpcValue::Array(attributes))],
        )?;
        let fields = Arc::new(parse_fields_get(&answer));
        self.fields.insert(model.to_owned(), Arc::clone(&fields));
        Ok(fields)
    }

    /// The request's field list: the asked-for fields the model has, in order, without repeats.
    fn requested(known: &BTreeMap<String, OdooField>, fields: &[String]) -> XmlRpcValue {
        let mut seen = HashSet::new();
        XmlRpcValue::Array(
            fields
                .iter()
                .filter(|field| known.contains_key(*field) && seen.insert(field.as_str()))
                .map(|field| XmlRpcValue::String(field.clone()))
                .collect(),
        )
    }

    /// One page, by keyset, of the records that also satisfy `terms` (Odoo domain terms, and-ed).
    fn search_page(
        &self,
        object: &str,
        requested: &XmlRpcValue,
        terms: &[XmlRpcValue],
        after: i64,
        limit: usize,
    ) -> Result<Vec<XmlRpcValue>, OdooError> {
        let mut domain = terms.to_vec();
        domain.push(term("id", ">", XmlRpcValue::Int(after)));
        let domain = XmlRpcValue::Array(domain);
        let kwargs = vec![
            ("fields".to_owned(), requested.clone()),
            ("order".to_owned(), XmlRpcValue::String("id asc".to_owned())),
            ("limit".to_owned(), XmlRpcValue::Int(i64::try_from(limit).unwrap_or(i64::MAX))),
            ("context".to_owned(), all_records()),
        ];
        rows(self.worker.execute_kw(object, "search_read", vec![domain], kwargs)?)
    }

    /// One keyset page after id `last`, asked again with half as many records after a timeout
    /// (down to [`PAGE_FLOOR`]); returns the rows and the page size that worked, which is kept
    /// for the object's later pages.
    fn timed_page(
        &mut self,
        object: &str,
        requested: &XmlRpcValue,
        terms: &[XmlRpcValue],
        last: i64,
        limit: usize,
    ) -> Result<(Vec<XmlRpcValue>, usize), ReadFailure> {
        let limit = limit.max(1);
        let floor = PAGE_FLOOR.min(limit);
        let mut page = self.page_sizes.get(object).map_or(limit, |size| (*size).min(limit));
        let rows = loop {
            match self.search_page(object, requested, terms, last, page) {
                Ok(rows) => break rows,
                Err(error) if error.is_timeout() && page > floor => page = (page / 2).max(floor),
                Err(error) if error.is_timeout() => {
                    return Err(ReadFailure::TimedOut(DriverError::Remote {
                        system: "odoo".to_owned(),
                        message: format!(
                            "reading `{object}` after id {last} timed out even with pages of {page} records ({error}); \
                             raise the server's time limit (limit_time_real, or the proxy's timeout), leave large \
                             fields such as html or binary out of `{object}`'s mapping, or try again when the server \
                             is less busy: a new run resumes from id {last}, not from the start"
                        ),
                    }));
                }
                Err(error) => return Err(ReadFailure::Odoo(error)),
            }
        };
        self.page_sizes.insert(object.to_owned(), page);
        Ok((rows, page))
    }

    /// Every record matching `terms`, page by page in id order.
    fn search_all(
        &mut self,
        object: &str,
        requested: &XmlRpcValue,
        terms: &[XmlRpcValue],
    ) -> Result<Vec<XmlRpcValue>, ReadFailure> {
        let mut all = Vec::new();
        let mut last = 0;
        loop {
            let (rows, page) = self.timed_page(object, requested, terms, last, CHILD_PAGE)?;
            let full = rows.len() >= page;
            match rows.last().and_then(|row| row.member("id")) {
                Some(XmlRpcValue::Int(id)) => last = *id,
                _ => {
                    all.extend(rows);
                    return Ok(all);
                }
            }
            all.extend(rows);
            if !full {
                return Ok(all);
            }
        }
    }

    /// `conditions` as Odoo domain terms, for the fields the model has. A condition on null or
    /// `false` is left to the caller: Odoo stores an empty value as false, so `= False` would
    /// also select empty fields.
    fn pushed_terms(known: &BTreeMap<String, OdooField>, conditions: &[Condition]) -> Vec<XmlRpcValue> {
        conditions
            .iter()
            .filter(|condition| known.contains_key(&condition.field))
            .filter_map(|condition| {
                let values: Option<Vec<XmlRpcValue>> = condition.values.iter().map(domain_value).collect();
                let values = values?;
                let (operator, operand) = match condition.op {
                    ConditionOp::In => ("in", XmlRpcValue::Array(values)),
                    op => {
                        let [value] = <[XmlRpcValue; 1]>::try_from(values).ok()?;
                        let operator = match op {
                            ConditionOp::Eq => "=",
                            ConditionOp::NotEq => "!=",
                            ConditionOp::Lt => "<",
                            ConditionOp::LtEq => "<=",
                            ConditionOp::Gt => ">",
                            ConditionOp::GtEq => ">=",
                            ConditionOp::In => unreachable!("handled above"),
                        };
                        (operator, value)
                    }
                };
                Some(term(&condition.field, operator, operand))
            })
            .collect()
    }

    /// The records of `object` matching `parent_terms` and, where Odoo accepts them, the
    /// pushed-down `conditions`; if Odoo refuses the conditions (a computed field it cannot
    /// search), they are dropped for this object and the records read again without them.
    fn children_matching(
        &mut self,
        object: &str,
        fields: &[String],
        parent_terms: Vec<XmlRpcValue>,
        conditions: &[Condition],
    ) -> Result<Vec<Record>, DriverError> {
        let known = self.fields_of(object).map_err(remote)?;
        let requested = OdooSource::requested(&known, fields);
        let pushed =
            if self.unpushable.contains(object) { Vec::new() } else { OdooSource::pushed_terms(&known, conditions) };
        let mut terms = parent_terms.clone();
        terms.extend(pushed.iter().cloned());
        let rows = match self.search_all(object, &requested, &terms) {
            Err(ReadFailure::Odoo(error))
                if !pushed.is_empty()
                    && matches!(error.fault_kind(), Some(FaultKind::Server | FaultKind::Validation)) =>
            {
                tracing::info!(object, "Odoo refused the pushed-down conditions ({error}); filtering locally");
                self.unpushable.insert(object.to_owned());
                self.search_all(object, &requested, &parent_terms)?
            }
            other => other?,
        };
        Ok(rows.iter().map(|row| self.record(object, &known, fields, row)).collect())
    }

    /// A row as a [`Record`] with `fields` in order.
    fn record(
        &self,
        object: &str,
        known: &BTreeMap<String, OdooField>,
        fields: &[String],
        row: &XmlRpcValue,
    ) -> Record {
        let schema = self.lock.object(object);
        let id = match row.member("id") {
            Some(XmlRpcValue::Int(id)) => Value::Int(*id),
            _ => Value::Null,
        };
        let values = fields
            .iter()
            .map(|field| {
                let (Some(odoo), Some(value)) = (known.get(field), row.member(field)) else { return Value::Null };
                let json = odoo_to_json(value, Some(&odoo.odoo_type));
                match schema.and_then(|schema| schema.field(field)) {
                    Some(locked) => value_from_json(&json, Some(locked)),
                    None => value_from_json(&json, Some(&lock_field(field, odoo))),
                }
            })
            .collect();
        Record { id, values }
    }

    /// `search_count` of every record (archived included).
    fn count_all(&self, object: &str) -> Result<u64, OdooError> {
        let answer = self.worker.execute_kw(
            object,
            "search_count",
            vec![every_id()],
            vec![("context".to_owned(), all_records())],
        )?;
        match answer {
            XmlRpcValue::Int(count) => Ok(u64::try_from(count).unwrap_or(0)),
            other => Err(OdooError::UnexpectedAnswer {
                method: "search_count".to_owned(),
                found: format!("{other:?}").chars().take(60).collect(),
            }),
        }
    }
}

impl Source for OdooSource {
    /// A lock from `fields_get` and `search_count` of [`MODELS`], with custom field labels from
    /// `ir.model.fields`, the small tables' names and the selection keys with their counts, and
    /// notes on the closing stages and the version (see `discover.rs`). A model that does not
    /// exist (fault 2: its module is not installed, or `helpdesk.ticket.type` on 18) is left out
    /// with a note ([`OdooSource::notes`]); models the user may not read are reported together,
    /// with the fix. The lock also types later reads when none was given.
    fn describe(&mut self) -> Result<SchemaLock, DriverError> {
        let mut lock = SchemaLock {
            lock: LOCK_VERSION,
            system: "odoo".to_owned(),
            version: Some(self.version.server_serie.clone()),
            objects: BTreeMap::new(),
        };
        let mut denied = Vec::new();
        self.notes.clear();
        for model in MODELS {
            let described = self.fields_of(model).and_then(|fields| Ok((fields, self.count_all(model)?)));
            match described {
                Ok((fields, count)) => {
                    let fields = fields.iter().map(|(name, field)| (name.clone(), lock_field(name, field))).collect();
                    lock.objects.insert(
                        model.to_owned(),
                        ObjectSchema { count: Some(count), fields, ..ObjectSchema::default() },
                    );
                }
                Err(error) => match error.fault_kind() {
                    Some(FaultKind::MissingModel) => {
                        self.notes.push(format!("`{model}` does not exist on database `{}`; left out", self.database));
                    }
                    Some(FaultKind::AccessError) => denied.push(model),
                    _ => return Err(remote(error)),
                },
            }
        }
        if !denied.is_empty() {
            return Err(DriverError::Remote {
                system: "odoo".to_owned(),
                message: format!(
                    "the Odoo user may not read {}: give the migration user read access to them (for helpdesk \
                     models, the Helpdesk administrator group), then discover again",
                    denied.iter().map(|model| format!("`{model}`")).collect::<Vec<_>>().join(", ")
                ),
            });
        }
        self.describe_custom_fields(&mut lock).map_err(remote)?;
        self.describe_small_tables(&mut lock).map_err(remote)?;
        self.describe_selection_counts(&mut lock).map_err(remote)?;
        self.describe_version_notes(&mut lock);
        if self.lock.objects.is_empty() {
            self.lock = lock.clone();
        }
        Ok(lock)
    }

    /// Records in id order, archived ones included; pages shrink after a timeout (see the module
    /// documentation).
    fn read(
        &mut self,
        object: &str,
        fields: &[String],
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Batch, DriverError> {
        let last = match after {
            None => 0,
            Some(cursor) => cursor.0.parse::<i64>().map_err(|_| DriverError::StaleCursor {
                object: object.to_owned(),
                cursor: cursor.0.clone(),
                reason: "an Odoo cursor is the last id read, a whole number".to_owned(),
            })?,
        };
        let known = self.fields_of(object).map_err(remote)?;
        let requested = OdooSource::requested(&known, fields);
        let (rows, page) = self.timed_page(object, &requested, &[], last, limit).map_err(DriverError::from)?;
        let records: Vec<Record> = rows.iter().map(|row| self.record(object, &known, fields, row)).collect();
        let next = match records.last() {
            Some(Record { id: Value::Int(id), .. }) if rows.len() >= page => Some(Cursor(id.to_string())),
            _ => None,
        };
        Ok(Batch { records, next })
    }

    /// `read(ids, fields)` in chunks of 200; a chunk naming a record that no longer exists
    /// (fault 2, `MissingError`) is read again with `search_read` on `id in chunk`, which leaves
    /// missing ids out.
    fn read_by_ids(&mut self, object: &str, fields: &[String], ids: &[Value]) -> Result<Vec<Record>, DriverError> {
        let mut seen = HashSet::new();
        let ids: Vec<i64> = ids
            .iter()
            .filter_map(|id| match id {
                Value::Int(id) => Some(*id),
                Value::Text(text) => text.parse().ok(),
                _ => None,
            })
            .filter(|id| *id > 0 && seen.insert(*id))
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let known = self.fields_of(object).map_err(remote)?;
        let requested = OdooSource::requested(&known, fields);
        let mut records = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ID_CHUNK) {
            let chunk_ids = XmlRpcValue::Array(chunk.iter().map(|id| XmlRpcValue::Int(*id)).collect());
            let kwargs = vec![("fields".to_owned(), requested.clone()), ("context".to_owned(), all_records())];
            let answer = match self.worker.execute_kw(object, "read", vec![chunk_ids.clone()], kwargs.clone()) {
                Err(error) if error.fault_kind() == Some(FaultKind::Validation) => {
                    let domain = XmlRpcValue::Array(vec![XmlRpcValue::Array(vec![
                        XmlRpcValue::String("id".to_owned()),
                        XmlRpcValue::String("in".to_owned()),
                        chunk_ids,
                    ])]);
                    self.worker.execute_kw(object, "search_read", vec![domain], kwargs)
                }
                other => other,
            };
            let rows = answer.and_then(rows).map_err(remote)?;
            records.extend(rows.iter().map(|row| self.record(object, &known, fields, row)));
        }
        Ok(records)
    }

    /// `search_count` with archived records included.
    fn count(&mut self, object: &str) -> Result<Option<u64>, DriverError> {
        self.count_all(object).map(Some).map_err(remote)
    }

    /// `search_read([[link, "in", parents], …conditions])` in id order, paged by id. The
    /// conditions are sent as domain terms where the model has the field; if Odoo refuses them
    /// (a computed field it cannot search), the batch is read again without them and they are
    /// no longer sent for this object.
    fn read_children(
        &mut self,
        object: &str,
        fields: &[String],
        link: &str,
        parents: &[Value],
        conditions: &[Condition],
    ) -> Result<Option<Vec<Record>>, DriverError> {
        let ids: Vec<XmlRpcValue> = parents.iter().filter_map(domain_value).collect();
        if ids.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let parent_terms = vec![term(link, "in", XmlRpcValue::Array(ids))];
        self.children_matching(object, fields, parent_terms, conditions).map(Some)
    }

    /// `search_read(["|", [link, "=", False], [link, "not in", parents], …conditions])`.
    fn read_children_outside(
        &mut self,
        object: &str,
        fields: &[String],
        link: &str,
        parents: &[Value],
        conditions: &[Condition],
    ) -> Result<Option<Vec<Record>>, DriverError> {
        let ids: Vec<XmlRpcValue> = parents.iter().filter_map(domain_value).collect();
        // Odoo's domains are prefix notation: `|` joins the next two terms.
        let outside = vec![
            XmlRpcValue::String("|".to_owned()),
            term(link, "=", XmlRpcValue::Bool(false)),
            term(link, "not in", XmlRpcValue::Array(ids)),
        ];
        self.children_matching(object, fields, outside, conditions).map(Some)
    }
}

/// Why a paged read failed.
#[derive(Debug)]
enum ReadFailure {
    /// Pages timed out down to the smallest size; the error says what to do.
    TimedOut(DriverError),
    /// Any other failure, with its fault kind.
    Odoo(OdooError),
}

impl From<ReadFailure> for DriverError {
    fn from(failure: ReadFailure) -> DriverError {
        match failure {
            ReadFailure::TimedOut(error) => error,
            ReadFailure::Odoo(error) => remote(error),
        }
    }
}

/// Rows of a child object read per `search_read` page when selecting by parent.
const CHILD_PAGE: usize = 500;

/// A domain term `[field, operator, value]`.
fn term(field: &str, operator: &str, value: XmlRpcValue) -> XmlRpcValue {
    XmlRpcValue::Array(vec![XmlRpcValue::String(field.to_owned()), XmlRpcValue::String(operator.to_owned()), value])
}

/// A literal as a domain value; `None` for values a domain cannot state exactly (null, false).
fn domain_value(value: &Value) -> Option<XmlRpcValue> {
    match value {
        Value::Int(n) => Some(XmlRpcValue::Int(*n)),
        Value::Float(f) => Some(XmlRpcValue::Double(*f)),
        Value::Bool(true) => Some(XmlRpcValue::Bool(true)),
        Value::Text(text) => Some(XmlRpcValue::String(text.to_string())),
        _ => None,
    }
}

/// `{"active_test": false}`: archived records too.
fn all_records() -> XmlRpcValue {
    XmlRpcValue::Struct(vec![("active_test".to_owned(), XmlRpcValue::Bool(false))])
}

/// `[["id", ">", 0]]`: every record, stated with `id` so `ir.attachment` hides nothing.
fn every_id() -> XmlRpcValue {
    XmlRpcValue::Array(vec![term("id", ">", XmlRpcValue::Int(0))])
}

/// The rows of a `search_read` or `read` answer.
fn rows(answer: XmlRpcValue) -> Result<Vec<XmlRpcValue>, OdooError> {
    match answer {
        XmlRpcValue::Array(rows) => Ok(rows),
        other => Err(OdooError::UnexpectedAnswer {
            method: "search_read".to_owned(),
            found: format!("{other:?}").chars().take(60).collect(),
        }),
    }
}

/// An Odoo failure as a driver error; its message already says what to do.
fn remote(error: OdooError) -> DriverError {
    DriverError::Remote { system: "odoo".to_owned(), message: error.to_string() }
}
