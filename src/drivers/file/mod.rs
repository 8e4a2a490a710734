//! The `file` driver: NDJSON files in, NDJSON files out. The reference driver the tests,
//! `preview` and `snapshot` use.
//!
//! A source directory holds one `<object>.ndjson` per source object (`helpdesk.ticket.ndjson`,
//! `res.partner.ndjson`), one JSON object per line whose keys are field names. Every record has an
//! `id` (a whole number or a string) and the lines are sorted by it, strictly: whole numbers by
//! value, strings by their bytes, whole numbers before strings. Blank lines are skipped. The
//! driver checks the order as it reads, so unsorted or duplicated ids are reported with their line
//! instead of silently breaking paging.
//!
//! [`FileSource`] streams. [`Source::read`] seeks to its cursor and reads `limit` lines, so memory
//! stays flat however large a file is. A cursor is the byte offset just after the last record read
//! plus that record's id (`10482:500`, or `10482:"T-9"` for text ids). On resume the driver checks
//! that the line ending at that offset still holds that id, and refuses the cursor otherwise: a
//! regenerated file makes the run restart the object instead of skipping or repeating records.
//! [`Source::read_by_ids`] builds, on its first use per object, an index from id to byte offset in
//! one pass (16 bytes per record with whole-number ids) and seeks to each record asked for.
//!
//! Values are typed with a schema lock: the one given to [`FileSource::with_lock`] or, failing
//! that, the one [`Source::describe`] inferred (see [`discover`]). Before either, values are read
//! by their JSON shape, so dates stay text.
//!
//! [`FileSink`] appends one line per written record to `<kind>.ndjson`: `_object` (the source
//! object), `_source_id`, then the mapped fields in sorted key order (nested objects too), so the
//! output is stable and diffs well. [`FileDestination`] (`destination.rs`) writes through it for
//! `run --dry-run`.

pub mod destination;
pub mod discover;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value as Json;

use crate::check::schema::{FieldSchema, SchemaLock};
use crate::drivers::{Batch, Cursor, DriverError, Record, Sink, Source, value_from_json, value_to_json};
use crate::run::value::Value;

pub use destination::FileDestination;
pub use discover::discover;

/// The extension of data files.
const EXTENSION: &str = ".ndjson";

/// Reads records from a directory of `<object>.ndjson` files.
#[derive(Debug)]
pub struct FileSource {
    dir: PathBuf,
    objects: BTreeMap<String, PathBuf>,
    lock: Option<SchemaLock>,
    indexes: HashMap<String, IdIndex>,
    counts: HashMap<String, u64>,
}

impl FileSource {
    /// A source over the `*.ndjson` files in `dir` (the list of objects is taken now). Values are
    /// read by their JSON shape until [`Source::describe`] infers a lock.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, DriverError> {
        let dir = dir.into();
        let objects = list_objects(&dir)?;
        Ok(FileSource { dir, objects, lock: None, indexes: HashMap::new(), counts: HashMap::new() })
    }

    /// A source over `dir` whose values are typed with `lock` (the lock a spec was checked against).
    pub fn with_lock(dir: impl Into<PathBuf>, lock: SchemaLock) -> Result<Self, DriverError> {
        let mut source = FileSource::open(dir)?;
        source.lock = Some(lock);
        Ok(source)
    }

    /// The directory read.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The lock used for typing values, if any.
    pub fn lock(&self) -> Option<&SchemaLock> {
        self.lock.as_ref()
    }

    /// The objects there are, sorted.
    pub fn objects(&self) -> impl Iterator<Item = &str> {
        self.objects.keys().map(String::as_str)
    }

    fn path(&self, object: &str) -> Result<&Path, DriverError> {
        self.objects.get(object).map(PathBuf::as_path).ok_or_else(|| DriverError::UnknownObject {
            object: object.to_owned(),
            known: self.objects.keys().cloned().collect(),
        })
    }

    fn field_schemas(&self, object: &str, fields: &[String]) -> Vec<Option<&FieldSchema>> {
        let schema = self.lock.as_ref().and_then(|lock| lock.object(object));
        fields.iter().map(|field| schema.and_then(|schema| schema.field(field))).collect()
    }

    fn index(&mut self, object: &str) -> Result<&IdIndex, DriverError> {
        if !self.indexes.contains_key(object) {
            let index = IdIndex::build(self.path(object)?)?;
            self.counts.insert(object.to_owned(), index.len());
            self.indexes.insert(object.to_owned(), index);
        }
        Ok(&self.indexes[object])
    }
}

impl Source for FileSource {
    /// Infer a lock from the data ([`discover`]); it types later reads unless a lock was given.
    fn describe(&mut self) -> Result<SchemaLock, DriverError> {
        let lock = discover::discover_objects(&self.objects)?;
        if self.lock.is_none() {
            self.lock = Some(lock.clone());
        }
        Ok(lock)
    }

    /// Records in id order; a `limit` of 0 reads as 1.
    fn read(
        &mut self,
        object: &str,
        fields: &[String],
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Batch, DriverError> {
        let path = self.path(object)?;
        let (offset, mut previous) = match after {
            None => (0, None),
            Some(cursor) => {
                let (offset, id) = decode_cursor(object, cursor)?;
                check_cursor(path, object, cursor, offset, &id)?;
                (offset, Some(id))
            }
        };
        let schemas = self.field_schemas(object, fields);
        let mut reader = LineReader::open(path, offset)?;
        let mut records = Vec::with_capacity(limit.clamp(1, 4096));
        let mut end = offset;
        while records.len() < limit.max(1) {
            let Some(line) = reader.next_line()? else {
                return Ok(Batch { records, next: None });
            };
            let (id, map) = reader.parse_record(&line)?;
            reader.check_order(&line, previous.as_ref(), &id)?;
            let values = fields
                .iter()
                .zip(&schemas)
                .map(|(field, schema)| map.get(field).map_or(Value::Null, |json| value_from_json(json, *schema)))
                .collect();
            records.push(Record { id: id.to_value(), values });
            previous = Some(id);
            end = line.end;
        }
        let next = match (reader.next_line()?, previous) {
            (Some(_), Some(last)) => Some(encode_cursor(end, &last)),
            _ => None,
        };
        Ok(Batch { records, next })
    }

    fn read_by_ids(&mut self, object: &str, fields: &[String], ids: &[Value]) -> Result<Vec<Record>, DriverError> {
        let index = self.index(object)?;
        let mut wanted: Vec<(u64, RecordId)> =
            ids.iter().filter_map(RecordId::from_value).filter_map(|id| Some((index.find(&id)?, id))).collect();
        // File order: each seek moves forward, and duplicates become neighbours.
        wanted.sort_unstable_by_key(|(offset, _)| *offset);
        wanted.dedup_by_key(|(offset, _)| *offset);
        let schemas = self.field_schemas(object, fields);
        let path = self.path(object)?;
        let mut reader = LineReader::open(path, 0)?;
        let mut records = Vec::with_capacity(wanted.len());
        for (offset, expected) in wanted {
            reader.seek(offset)?;
            let Some(line) = reader.next_line()? else {
                return Err(reader.malformed_at_end(format!("record {expected} is missing: the file changed")));
            };
            let (id, map) = reader.parse_record(&line)?;
            if id != expected {
                return Err(reader.malformed(&line, format!("expected record {expected} here: the file changed")));
            }
            let values = fields
                .iter()
                .zip(&schemas)
                .map(|(field, schema)| map.get(field).map_or(Value::Null, |json| value_from_json(json, *schema)))
                .collect();
            records.push(Record { id: id.to_value(), values });
        }
        Ok(records)
    }

    /// Counted once per object by scanning for lines (without parsing them), then remembered.
    fn count(&mut self, object: &str) -> Result<Option<u64>, DriverError> {
        if let Some(count) = self.counts.get(object) {
            return Ok(Some(*count));
        }
        let mut reader = LineReader::open(self.path(object)?, 0)?;
        let mut count = 0;
        while reader.next_line()?.is_some() {
            count += 1;
        }
        self.counts.insert(object.to_owned(), count);
        Ok(Some(count))
    }
}

/// Writes mapped records to `<kind>.ndjson` files in a directory.
#[derive(Debug)]
pub struct FileSink {
    dir: PathBuf,
    outputs: BTreeMap<String, Output>,
}

/// One open `<kind>.ndjson` and the number of lines it has.
#[derive(Debug)]
struct Output {
    path: PathBuf,
    writer: BufWriter<File>,
    lines: u64,
}

impl FileSink {
    /// A sink writing into `dir`, created if missing. Existing files are appended to.
    pub fn create(dir: impl Into<PathBuf>) -> Result<Self, DriverError> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|error| DriverError::io(&dir, error))?;
        Ok(FileSink { dir, outputs: BTreeMap::new() })
    }

    /// The directory written.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Append one line to `<kind>.ndjson`: a JSON object of `entries` in the given order, nested
    /// objects with sorted keys. Returns the line's number in the file (from 1). The line is
    /// buffered until [`Sink::finish`].
    pub fn append(&mut self, kind: &str, entries: &[(&str, &Json)]) -> Result<u64, DriverError> {
        let bad_name = kind.is_empty()
            || kind.starts_with('.')
            || kind.chars().any(|c| matches!(c, '/' | '\\' | ':') || c.is_control());
        if bad_name {
            let message = "a kind must be usable as a file name (no `/`, `\\`, `:` or leading `.`)".to_owned();
            return Err(DriverError::Rejected { kind: kind.to_owned(), message });
        }
        let mut line = String::from("{");
        for (index, (key, value)) in entries.iter().enumerate() {
            if index > 0 {
                line.push(',');
            }
            write_sorted(&Json::from(*key), &mut line);
            line.push(':');
            write_sorted(value, &mut line);
        }
        line.push_str("}\n");
        let output = self.output(kind)?;
        output.writer.write_all(line.as_bytes()).map_err(|error| DriverError::io(&output.path, error))?;
        output.lines += 1;
        Ok(output.lines)
    }

    fn output(&mut self, kind: &str) -> Result<&mut Output, DriverError> {
        if !self.outputs.contains_key(kind) {
            let path = self.dir.join(format!("{kind}{EXTENSION}"));
            let output = Output::open(path)?;
            self.outputs.insert(kind.to_owned(), output);
        }
        Ok(self.outputs.get_mut(kind).expect("inserted above"))
    }
}

impl Output {
    /// Open for appending, counting the lines already there so destination ids keep counting.
    fn open(path: PathBuf) -> Result<Output, DriverError> {
        let io_error = |error| DriverError::io(&path, error);
        let mut file = OpenOptions::new().create(true).read(true).append(true).open(&path).map_err(io_error)?;
        let (mut lines, mut last) = (0, b'\n');
        let mut reader = BufReader::new(&mut file);
        loop {
            let chunk = reader.fill_buf().map_err(io_error)?;
            let Some(&end) = chunk.last() else { break };
            lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
            last = end;
            let size = chunk.len();
            reader.consume(size);
        }
        let mut writer = BufWriter::new(file);
        // A last line cut short (a crash mid-write) keeps its number; the next record starts a new line.
        if last != b'\n' {
            lines += 1;
            writer.write_all(b"\n").map_err(io_error)?;
        }
        Ok(Output { path, writer, lines })
    }
}

impl Sink for FileSink {
    /// Returns `file-<kind>-<n>`, where `n` is the record's line number in `<kind>.ndjson`, so ids
    /// stay unique when a later run appends to the same directory.
    fn write(
        &mut self,
        object: &str,
        kind: &str,
        id: &Value,
        record: &serde_json::Map<String, Json>,
    ) -> Result<String, DriverError> {
        if let Some(reserved) = ["_object", "_source_id"].into_iter().find(|key| record.contains_key(*key)) {
            let message = format!("`{reserved}` is reserved for the record's provenance");
            return Err(DriverError::Rejected { kind: kind.to_owned(), message });
        }
        let (object, source_id) = (Json::from(object), value_to_json(id));
        let mut entries: Vec<(&str, &Json)> = vec![("_object", &object), ("_source_id", &source_id)];
        let mut fields: Vec<_> = record.iter().map(|(key, value)| (key.as_str(), value)).collect();
        fields.sort_unstable_by_key(|(key, _)| *key);
        entries.extend(fields);
        let line = self.append(kind, &entries)?;
        Ok(format!("file-{kind}-{line}"))
    }

    fn finish(&mut self) -> Result<(), DriverError> {
        for output in self.outputs.values_mut() {
            output.writer.flush().map_err(|error| DriverError::io(&output.path, error))?;
        }
        Ok(())
    }
}

/// Compact JSON with object keys sorted at every depth.
fn write_sorted(json: &Json, out: &mut String) {
    match json {
        Json::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by_key(|(key, _)| key.as_str());
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(&Json::from(key.as_str()), out);
                out.push(':');
                write_sorted(value, out);
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The `*.ndjson` files of a directory, by object name.
fn list_objects(dir: &Path) -> Result<BTreeMap<String, PathBuf>, DriverError> {
    let io_error = |error| DriverError::io(dir, error);
    let mut objects = BTreeMap::new();
    for entry in fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        let name = path.file_name().and_then(|name| name.to_str()).and_then(|name| name.strip_suffix(EXTENSION));
        if let Some(name) = name
            && !name.is_empty()
            && path.is_file()
        {
            objects.insert(name.to_owned(), path.clone());
        }
    }
    Ok(objects)
}

/// A record's id: a whole number or a string. Ordered as the files are sorted (numbers by value,
/// strings by bytes, numbers first).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum RecordId {
    Int(i64),
    Text(Box<str>),
}

impl RecordId {
    fn from_json(json: Option<&Json>) -> Result<RecordId, String> {
        match json {
            Some(Json::Number(number)) if number.is_i64() => Ok(RecordId::Int(number.as_i64().unwrap_or_default())),
            Some(Json::String(text)) => Ok(RecordId::Text(text.as_str().into())),
            Some(other) => Err(format!("`id` must be a whole number or a string, not `{other}`")),
            None => Err("the record has no `id`".to_owned()),
        }
    }

    fn from_value(value: &Value) -> Option<RecordId> {
        match value {
            Value::Int(n) => Some(RecordId::Int(*n)),
            Value::Text(text) => Some(RecordId::Text(text.as_ref().into())),
            _ => None,
        }
    }

    fn to_value(&self) -> Value {
        match self {
            RecordId::Int(n) => Value::Int(*n),
            RecordId::Text(text) => Value::text(text.as_ref()),
        }
    }
}

impl fmt::Display for RecordId {
    /// Numbers plainly, strings JSON-quoted (`42`, `"T-9"`), as in cursors and messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordId::Int(n) => write!(f, "{n}"),
            RecordId::Text(text) => write!(f, "{}", Json::from(text.as_ref())),
        }
    }
}

/// `OFFSET:ID`: the byte offset just after the last record read, and that record's id.
fn encode_cursor(offset: u64, last: &RecordId) -> Cursor {
    Cursor(format!("{offset}:{last}"))
}

fn decode_cursor(object: &str, cursor: &Cursor) -> Result<(u64, RecordId), DriverError> {
    let stale = |reason: &str| DriverError::StaleCursor {
        object: object.to_owned(),
        cursor: cursor.0.clone(),
        reason: reason.to_owned(),
    };
    let (offset, id) = cursor.0.split_once(':').ok_or_else(|| stale("it is not a file-driver cursor"))?;
    let offset = offset.parse().map_err(|_| stale("it is not a file-driver cursor"))?;
    let id: Json = serde_json::from_str(id).map_err(|_| stale("it is not a file-driver cursor"))?;
    let id = RecordId::from_json(Some(&id)).map_err(|_| stale("it is not a file-driver cursor"))?;
    Ok((offset, id))
}

/// Check that the line ending just before `offset` is still the record `id`.
fn check_cursor(path: &Path, object: &str, cursor: &Cursor, offset: u64, id: &RecordId) -> Result<(), DriverError> {
    let stale =
        |reason: String| DriverError::StaleCursor { object: object.to_owned(), cursor: cursor.0.clone(), reason };
    let io_error = |error| DriverError::io(path, error);
    let mut file = File::open(path).map_err(io_error)?;
    let length = file.metadata().map_err(io_error)?.len();
    if offset == 0 || offset > length {
        return Err(stale(format!("`{}` has {length} bytes, the cursor points at byte {offset}", path.display())));
    }
    let mut byte = [0];
    file.seek(SeekFrom::Start(offset - 1)).map_err(io_error)?;
    file.read_exact(&mut byte).map_err(io_error)?;
    if byte[0] != b'\n' {
        return Err(stale("the cursor does not point at the start of a line".to_owned()));
    }
    // Walk back from that newline, a chunk at a time, to the start of its line.
    let end = offset - 1;
    let mut start = 0;
    let mut chunk = [0; 8192];
    let mut to = end;
    while to > 0 {
        let from = to.saturating_sub(chunk.len() as u64);
        let size = (to - from) as usize;
        file.seek(SeekFrom::Start(from)).map_err(io_error)?;
        file.read_exact(&mut chunk[..size]).map_err(io_error)?;
        if let Some(at) = chunk[..size].iter().rposition(|b| *b == b'\n') {
            start = from + at as u64 + 1;
            break;
        }
        to = from;
    }
    let mut line = vec![0; (end - start) as usize];
    file.seek(SeekFrom::Start(start)).map_err(io_error)?;
    file.read_exact(&mut line).map_err(io_error)?;
    match serde_json::from_slice::<IdOnly>(&line).map(|only| RecordId::from_json(only.0.as_ref())) {
        Ok(Ok(found)) if found == *id => Ok(()),
        Ok(Ok(found)) => Err(stale(format!("the record before it is now {found}, not {id}"))),
        _ => Err(stale(format!("the line before it is no longer record {id}"))),
    }
}

/// For `read_by_ids`: every id of one object and the byte offset of its line, sorted by id.
#[derive(Debug)]
struct IdIndex {
    ints: Vec<(i64, u64)>,
    texts: Vec<(Box<str>, u64)>,
}

impl IdIndex {
    fn build(path: &Path) -> Result<IdIndex, DriverError> {
        let mut index = IdIndex { ints: Vec::new(), texts: Vec::new() };
        let mut reader = LineReader::open(path, 0)?;
        let mut previous = None;
        while let Some(line) = reader.next_line()? {
            let id = reader.parse_id(&line)?;
            reader.check_order(&line, previous.as_ref(), &id)?;
            match &id {
                RecordId::Int(n) => index.ints.push((*n, line.start)),
                RecordId::Text(text) => index.texts.push((text.clone(), line.start)),
            }
            previous = Some(id);
        }
        // The order check above means both lists are already sorted.
        Ok(index)
    }

    fn find(&self, id: &RecordId) -> Option<u64> {
        match id {
            RecordId::Int(n) => self.ints.binary_search_by_key(n, |(id, _)| *id).ok().map(|at| self.ints[at].1),
            RecordId::Text(text) => {
                self.texts.binary_search_by(|(id, _)| id.as_ref().cmp(text)).ok().map(|at| self.texts[at].1)
            }
        }
    }

    fn len(&self) -> u64 {
        (self.ints.len() + self.texts.len()) as u64
    }
}

/// Just the `id` of a JSON object, skipping the other values without building them.
struct IdOnly(Option<Json>);

impl<'de> de::Deserialize<'de> for IdOnly {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(IdOnlyVisitor)
    }
}

struct IdOnlyVisitor;

impl<'de> Visitor<'de> for IdOnlyVisitor {
    type Value = IdOnly;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdOnly, A::Error> {
        let mut id = None;
        while let Some(IsId(is_id)) = map.next_key()? {
            if is_id {
                id = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(IdOnly(id))
    }
}

/// Whether a key is `id`, decided without allocating the key.
struct IsId(bool);

impl<'de> de::Deserialize<'de> for IsId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = IsId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<IsId, E> {
                Ok(IsId(key == "id"))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Where a line is: `start..end` in the file (`end` after its newline), and its number when known.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: u64,
    end: u64,
    number: Option<u64>,
}

/// Reads a data file line by line from any byte offset, keeping one line in memory.
struct LineReader<'a> {
    path: &'a Path,
    reader: BufReader<File>,
    buffer: Vec<u8>,
    offset: u64,
    /// The number of the next line; unknown after seeking into the middle of the file.
    number: Option<u64>,
}

impl<'a> LineReader<'a> {
    fn open(path: &'a Path, offset: u64) -> Result<LineReader<'a>, DriverError> {
        let file = File::open(path).map_err(|error| DriverError::io(path, error))?;
        let mut reader = LineReader {
            path,
            reader: BufReader::with_capacity(64 * 1024, file),
            buffer: Vec::new(),
            offset: 0,
            number: Some(1),
        };
        reader.seek(offset)?;
        Ok(reader)
    }

    fn seek(&mut self, offset: u64) -> Result<(), DriverError> {
        if offset != self.offset {
            self.reader.seek(SeekFrom::Start(offset)).map_err(|error| DriverError::io(self.path, error))?;
            self.offset = offset;
            self.number = (offset == 0).then_some(1);
        }
        Ok(())
    }

    /// The next line that is not blank, or `None` at the end of the file.
    fn next_line(&mut self) -> Result<Option<Line>, DriverError> {
        loop {
            self.buffer.clear();
            let start = self.offset;
            let read =
                self.reader.read_until(b'\n', &mut self.buffer).map_err(|error| DriverError::io(self.path, error))?;
            if read == 0 {
                return Ok(None);
            }
            self.offset += read as u64;
            let number = self.number;
            self.number = number.map(|n| n + 1);
            if !self.buffer.iter().all(u8::is_ascii_whitespace) {
                return Ok(Some(Line { start, end: self.offset, number }));
            }
        }
    }

    /// The id and fields of the line just read.
    fn parse_record(&self, line: &Line) -> Result<(RecordId, serde_json::Map<String, Json>), DriverError> {
        match serde_json::from_slice::<Json>(self.buffer.trim_ascii_end()) {
            Ok(Json::Object(map)) => match RecordId::from_json(map.get("id")) {
                Ok(id) => Ok((id, map)),
                Err(message) => Err(self.malformed(line, message)),
            },
            Ok(other) => Err(self.malformed(line, format!("expected a JSON object, found {}", json_kind(&other)))),
            Err(error) => Err(self.malformed(line, json_error(&error))),
        }
    }

    /// Just the id of the line just read.
    fn parse_id(&self, line: &Line) -> Result<RecordId, DriverError> {
        match serde_json::from_slice::<IdOnly>(self.buffer.trim_ascii_end()) {
            Ok(IdOnly(id)) => RecordId::from_json(id.as_ref()).map_err(|message| self.malformed(line, message)),
            Err(error) if error.is_data() => {
                Err(self.malformed(line, "expected a JSON object (one record per line)".to_owned()))
            }
            Err(error) => Err(self.malformed(line, json_error(&error))),
        }
    }

    /// Ids must increase strictly, so that cursors and `read_by_ids` can rely on the order.
    fn check_order(&self, line: &Line, previous: Option<&RecordId>, id: &RecordId) -> Result<(), DriverError> {
        match previous {
            Some(previous) if previous >= id => Err(self.malformed(
                line,
                format!("record {id} comes after record {previous}; records must be sorted by id, each id once"),
            )),
            _ => Ok(()),
        }
    }

    fn malformed(&self, line: &Line, message: String) -> DriverError {
        let number = line.number.unwrap_or_else(|| lines_before(self.path, line.start) + 1);
        DriverError::malformed(self.path, number, message)
    }

    fn malformed_at_end(&self, message: String) -> DriverError {
        DriverError::malformed(self.path, lines_before(self.path, self.offset) + 1, message)
    }
}

/// How many lines end before byte `offset` (to number a line read after a seek; only for errors).
fn lines_before(path: &Path, offset: u64) -> u64 {
    let Ok(file) = File::open(path) else { return 0 };
    let mut reader = BufReader::new(file.take(offset));
    let mut count = 0;
    while let Ok(chunk) = reader.fill_buf() {
        if chunk.is_empty() {
            break;
        }
        count += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        let size = chunk.len();
        reader.consume(size);
    }
    count
}

/// serde_json's message without its own position (a line holds one record, so only the column
/// adds anything).
fn json_error(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let message = text.rsplit_once(" at line ").map_or(text.as_str(), |(message, _)| message);
    format!("not valid JSON: {message} at column {}", error.column())
}

fn json_kind(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_other_text() {
        let cursor = encode_cursor(10482, &RecordId::Text("T:9".into()));
        assert_eq!(cursor.0, "10482:\"T:9\"");
        assert_eq!(decode_cursor("ticket", &cursor).unwrap(), (10482, RecordId::Text("T:9".into())));
        assert_eq!(decode_cursor("ticket", &Cursor("7:42".into())).unwrap(), (7, RecordId::Int(42)));
        for bad in ["", "42", "x:1", "3:1.5", "3:[1]"] {
            let error = decode_cursor("ticket", &Cursor(bad.into())).unwrap_err();
            assert!(error.to_string().contains("not a file-driver cursor"), "{error}");
        }
    }

    #[test]
    fn ids_sort_numbers_first_then_text_by_bytes() {
        let mut ids = [RecordId::Text("b".into()), RecordId::Int(10), RecordId::Text("a".into()), RecordId::Int(9)];
        ids.sort();
        let shown: Vec<String> = ids.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["9", "10", "\"a\"", "\"b\""]);
    }

    #[test]
    fn keys_are_sorted_at_every_depth() {
        let json = serde_json::json!({"b": {"z": 1, "a": [{"y": null, "x": "\""}]}, "a": true});
        let mut out = String::new();
        write_sorted(&json, &mut out);
        assert_eq!(out, r#"{"a":true,"b":{"a":[{"x":"\"","y":null}],"z":1}}"#);
    }
}
