//! `cutover generate`: a deterministic synthetic helpdesk, written as the file driver reads it.
//!
//! [`generate`] writes one NDJSON file per source object into a directory, plus the schema lock
//! that describes exactly what was written (`<platform>.lock.yaml`). The same platform, ticket
//! count and seed always give byte-identical files; a different seed gives different data.
//!
//! # Output format
//!
//! - `DIR/<object>.ndjson`: one JSON object per line, keys are the platform's field names, the
//!   first key is always `id`, lines are sorted by `id` ascending. Object names are the platform's:
//!   Odoo model names (`helpdesk.ticket.ndjson`), OTRS table names (`ticket.ndjson`), TOPdesk
//!   resource names (`incidents.ndjson`).
//! - Values: an empty value is `null`; a many2one / foreign key is the target's id (or `null`); a
//!   to-many field is an array of ids; a date is `"YYYY-MM-DD"`; a date-time is RFC 3339 in UTC
//!   (`"2026-03-29T01:30:00Z"`), except OTRS, whose database stores naive times: there it is
//!   `"YYYY-MM-DD HH:MM:SS"` in the system's `OTRSTimeZone`, which is UTC here; a selection or
//!   enum is its key; HTML is a string; file content is standard base64 (with padding).
//! - Ids: integers for Odoo and OTRS. TOPdesk ids are UUID-shaped strings (version-4 layout) whose
//!   first group counts up, so files can be written in id order while streaming; the other groups
//!   are random. TOPdesk's nested references are flattened: a reference to a person, operator,
//!   operator group, branch, incident or asset is that record's id; a search-list reference
//!   (category, priority, processing status, …) is the entry's name; the incident's optional
//!   fields are `optionalFields1_boolean1`, `optionalFields2_text1` and so on.
//! - OTRS link and preference tables have no key of their own in Znuny 7; their files carry the
//!   surrogate `id` the newest Znuny adds. `customer_company` is keyed by the text `customer_id`
//!   in the database; its file numbers the rows in `id` as well.
//! - `DIR/<platform>.lock.yaml` is a schema lock ([`crate::check::SchemaLock`]) with every object
//!   and field written, record counts, and the count of every enum value. The Odoo lock has the
//!   objects, fields, labels and notes of `specs/schemas/odoo-17.lock.yaml` (the lock the bundled
//!   spec is checked against) with the generated counts; text fields that list values there (stage,
//!   team, tag, type and SLA names) count tickets, as that lock's notes say.
//! - Attachments are small (a few KiB, never more than 64 KiB). The oversized case claims 30 MiB in
//!   its size field (`file_size`, `content_size`, `size`) and stores only a short text placeholder
//!   saying so as its content.
//!
//! All timestamps fall between 2023-01-01T00:00:00Z and 2026-11-01T00:00:00Z, so both Europe/Berlin
//! daylight-saving changes of 2026 (2026-03-29 01:00 UTC and 2026-10-25 01:00 UTC) are inside.
//! Tickets are spread evenly over the window in id order (older ids are older, except the DST
//! cases), with open tickets concentrated in the last weeks.
//!
//! # Ugly cases and their rates
//!
//! Cases are assigned by seed-stable slot schedules: a ticket's slot is
//! `(index + phase) % 100` and a customer's `(index + phase) % 60`, the phase coming from the seed.
//! Each case owns its slots, so rates are exact, cases never collide, and every case occurs in any
//! 100 consecutive tickets (60 customers). With 300 tickets each ticket case occurs 3 times.
//!
//! Per ticket (1 % each, one slot of 100):
//!
//! | case | what it looks like |
//! | --- | --- |
//! | deleted customer | the ticket references a customer id (partner, customer login, caller) that is not in the customer file |
//! | unknown sender | no customer record at all, only a sender e-mail address |
//! | inactive agent | the assignee is an inactive agent (`active = false`, `valid_id = 2`, archived operator) |
//! | `data:` image | the first body holds an inline image as a `data:image/png;base64,…` URI |
//! | `cid:` image | the first body references `cid:image001.png@…`, with the image attached (content id set) |
//! | URL image | the first body references the platform's image URL (Odoo `/web/image/<attachment id>`, TOPdesk image download URL; OTRS keeps `cid:`) |
//! | script | the first body holds a `<script>` element and an `onerror` handler |
//! | Greek, Cyrillic, Japanese, Arabic | subject and the whole thread in that script (4 cases) |
//! | zero-width characters | subject and first body contain U+200B/U+200C/U+200D/U+FEFF/U+200E/U+200F |
//! | control characters | the subject contains C0 controls (BEL, BS, VT, FF, ESC, US) or DEL |
//! | empty body | the first body is `null` |
//! | blank body | the first body is markup or whitespace that renders as nothing (`<p><br></p>`) |
//! | `.exe`, `.bat`, `.js` attachment | a blocked file type on the first message (3 cases) |
//! | oversized attachment | a file claiming 30 MiB (over Intercom's 25 MB limit), placeholder content |
//! | DST spring, DST autumn | the thread straddles 2026-03-29 01:00 UTC or 2026-10-25 01:00 UTC, messages 8–15 minutes apart (2 cases) |
//! | messy ticket e-mail | the ticket's own copy of the customer address is mixed-case with spaces (Odoo `partner_email`, OTRS `customer_user_id` in other letter case, TOPdesk caller e-mail) |
//! | long subject | a subject of several hundred characters |
//! | emoji | four-byte characters in subject and body (OTRS stores U+FFFD instead, as utf8mb3 MySQL does) |
//! | custom open state | in progress, in OTRS's custom open state `In Bearbeitung` (Odoo: In Progress) |
//! | custom pending state | on hold, in OTRS's `waiting for customer` or TOPdesk's `Parked – awaiting parts` (Odoo: On Hold) |
//!
//! Per customer (2 slots of 60 each, 3.3 %): missing e-mail, an e-mail that another customer also
//! has, an e-mail in mixed case with surrounding spaces, a name in Greek, Cyrillic, Japanese or
//! Arabic (4 cases), zero-width or control characters in the name, deleted (absent from the file
//! although tickets reference it), archived (`active = false`, `valid_id = 2`, `archived`).
//!
//! Per agent (one slot of 7, 14.3 % each): inactive (still assigned to tickets), no e-mail (OTRS: no
//! `UserEmail` preference), mixed-case e-mail.
//!
//! Other cases:
//!
//! - Long threads: when there are at least 100 tickets, `min(3, tickets / 100)` tickets (chosen by
//!   the seed) have 501–560 messages.
//! - Empty message bodies: 3 % of later messages are empty (`null` or blank markup).
//! - Custom fields of every type on every ticket, each empty at some rate: Odoo `x_studio_*`
//!   (text, date, bool, float, selection, html); OTRS dynamic fields (Text, TextArea, Checkbox,
//!   Dropdown, Multiselect as several value rows, Date, DateTime); TOPdesk optional fields
//!   (boolean, number, date, text, memo, search list).
//! - Closed states: Odoo stages carry `fold` as in 16+ (Solved and Cancelled folded, so closed;
//!   stage names are exactly the lock's); OTRS adds custom states with standard state types
//!   (`waiting for customer` is `pending reminder`, `In Bearbeitung` is `open`, `resolved – confirmed
//!   by customer` is `closed`) used for 30–50 % of the tickets in those types; TOPdesk has a custom
//!   processing status (`Parked – awaiting parts`).
//! - Time zones: customers' `tz` (Odoo), `UserTimeZone` preferences (OTRS) and branch `timeZone`
//!   (TOPdesk) spread over Europe/Berlin, Europe/London, Europe/Paris, America/New_York and UTC
//!   (10 % unset); TOPdesk branches also use Europe/Amsterdam, Asia/Tokyo and Australia/Sydney.
//! - OTRS beyond tickets: merged tickets (a `merged` state, their articles moved to the ticket they
//!   went into, a merge note, a ParentChild link and a `Merged` history entry), SLAs only with a
//!   service that offers them, roles granting queue groups (one grant explicitly withheld, one
//!   role invalid), a system address per queue, a process definition whose internal dynamic fields
//!   are set on technical tickets, two stats definitions in `xml_storage`, a CMDB with versioned
//!   configuration items (archived attributes, some owned by a customer company, some linked to
//!   tickets), customer-user dynamic fields, an article dynamic field and time accounting.
//!
//! # Objects per platform
//!
//! Sizes follow the ticket count: `max(40, 0.4 × tickets)` customers (every tenth a company),
//! `12 + tickets / 5000` agents (at most 200) in three teams, about 8 messages per ticket, files on
//! about 10 % of customer and agent messages.
//!
//! - Odoo: `helpdesk.ticket`, `helpdesk.stage`, `helpdesk.team`, `helpdesk.tag`,
//!   `helpdesk.ticket.type`, `helpdesk.sla`, `helpdesk.sla.status`, `res.partner`, `res.users`,
//!   `mail.message`, `mail.message.subtype`, `ir.attachment`, `rating.rating`.
//! - OTRS (Znuny 7): `ticket`, `article`, `article_data_mime`, `article_data_mime_attachment`,
//!   `article_sender_type`, `communication_channel`, `customer_user`, `customer_company`,
//!   `customer_preferences`, `users`, `user_preferences`, `permission_groups`, `queue`,
//!   `ticket_state`, `ticket_state_type`, `ticket_priority`, `ticket_type`, `ticket_lock_type`,
//!   `ticket_history`, `ticket_history_type`, `dynamic_field`, `dynamic_field_value`,
//!   `dynamic_field_obj_id_name`, `service`, `sla`, `service_sla`, `valid`, `time_accounting`,
//!   `system_address`, `roles`, `role_user`, `group_role`, `group_user`, `customer_user_customer`,
//!   `link_object`, `link_type`, `link_state`, `link_relation`, `pm_process`, `pm_activity`,
//!   `pm_activity_dialog`, `pm_transition`, `pm_transition_action`, `xml_storage`,
//!   `general_catalog`, `configitem`, `configitem_version`, `configitem_definition`. [`otrs_sql`] turns these files into a SQL file for MySQL/MariaDB or
//!   PostgreSQL (`--sql`), with database or file-system article storage and any `OTRSTimeZone`.
//! - TOPdesk: `incidents`, `progresstrail`, `attachments`, `persons`, `branches`, `operators`,
//!   `operatorgroups`, `locations`, `changes`, `changeActivities`, `assets`, `assetLinks`,
//!   `knowledgeItems`, `knowledgeTranslations`, `knowledgeFolders`, `operationalActivities`,
//!   `reservations`.
//!
//! # Memory and speed
//!
//! Records are written one at a time through buffered writers. Every record draws from its own
//! random stream derived from `(seed, object, index)`, so a ticket recomputes the customer and
//! agent it references instead of keeping them: memory is the small tables (agents, teams,
//! stages) plus one ticket's thread at a time, whatever the ticket count.

mod odoo;
mod otrs;
pub mod otrs_sql;
pub mod rng;
mod text;
mod topdesk;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::check::schema::{EnumValue, FieldSchema, FieldType, LOCK_VERSION, ObjectSchema, SchemaLock};
use rng::{Rng, Slots, combine, tag};
use text::{Body, Empty, Extras, FileKind, Lang, Role, Topic};

/// The helpdesk whose data is generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Platform {
    /// Odoo 17 Help Desk (Enterprise).
    Odoo,
    /// OTRS 6 / Znuny 7 database tables.
    Otrs,
    /// TOPdesk REST resources.
    Topdesk,
}

impl Platform {
    /// Every platform.
    pub const ALL: [Platform; 3] = [Platform::Odoo, Platform::Otrs, Platform::Topdesk];

    /// The name used on the command line and in the lock file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Odoo => "odoo",
            Platform::Otrs => "otrs",
            Platform::Topdesk => "topdesk",
        }
    }

    /// The object that holds tickets (one record per generated ticket).
    pub fn ticket_object(self) -> &'static str {
        match self {
            Platform::Odoo => "helpdesk.ticket",
            Platform::Otrs => "ticket",
            Platform::Topdesk => "incidents",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
            .ok_or_else(|| format!("unknown platform `{text}` (expected odoo, otrs or topdesk)"))
    }
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The platform.
    pub platform: Platform,
    /// Tickets asked for (and written).
    pub tickets: u64,
    /// The seed.
    pub seed: u64,
    /// Records per object, by object name.
    pub objects: BTreeMap<String, u64>,
    /// Bytes written over all NDJSON files.
    pub bytes: u64,
    /// The schema lock written beside the data.
    pub lock: PathBuf,
}

impl Summary {
    /// Records written for `object` (0 when it has no file).
    pub fn count(&self, object: &str) -> u64 {
        self.objects.get(object).copied().unwrap_or(0)
    }
}

/// Generate `tickets` tickets of `platform` with `seed` into `out` (created if missing; files of
/// the same name are overwritten).
pub fn generate(platform: Platform, tickets: u64, seed: u64, out: &Path) -> io::Result<Summary> {
    std::fs::create_dir_all(out)?;
    let world = World::new(seed, tickets);
    let (version, tables) = match platform {
        Platform::Odoo => odoo::generate(&world, out)?,
        Platform::Otrs => otrs::generate(&world, out)?,
        Platform::Topdesk => topdesk::generate(&world, out)?,
    };
    let mut lock = SchemaLock {
        lock: LOCK_VERSION,
        system: platform.as_str().to_owned(),
        version: Some(version.to_owned()),
        objects: BTreeMap::new(),
    };
    let mut objects = BTreeMap::new();
    let mut bytes = 0;
    for table in tables {
        let (name, schema, written) = table.finish()?;
        objects.insert(name.clone(), schema.count.unwrap_or(0));
        bytes += written;
        lock.objects.insert(name, schema);
    }
    let lock_path = out.join(format!("{platform}.lock.yaml"));
    let header = format!(
        "Generated by `cutover generate --platform {platform} --tickets {tickets} --seed {seed}`: \
         the schema of the NDJSON files beside it, with their record and value counts."
    );
    std::fs::write(&lock_path, lock_yaml(&header, &lock))?;
    Ok(Summary { platform, tickets, seed, objects, bytes, lock: lock_path })
}

// ---------------------------------------------------------------------------------------------
// Time

/// Days since 1970-01-01 of a proleptic Gregorian date.
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: `(year, month, day)`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const MINUTE: i64 = 60;

/// Start of the time window: 2023-01-01T00:00:00Z.
pub(crate) const WINDOW_START: i64 = days_from_civil(2023, 1, 1) * DAY;
/// End of the time window (exclusive): 2026-11-01T00:00:00Z.
pub(crate) const WINDOW_END: i64 = days_from_civil(2026, 11, 1) * DAY;
/// Europe/Berlin springs forward (02:00 CET → 03:00 CEST): 2026-03-29T01:00:00Z.
pub(crate) const DST_SPRING: i64 = days_from_civil(2026, 3, 29) * DAY + HOUR;
/// Europe/Berlin falls back (03:00 CEST → 02:00 CET): 2026-10-25T01:00:00Z.
pub(crate) const DST_AUTUMN: i64 = days_from_civil(2026, 10, 25) * DAY + HOUR;

/// `YYYY-MM-DD` of a Unix time.
pub(crate) fn fmt_date(out: &mut String, secs: i64) {
    use fmt::Write as _;
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
}

/// `YYYY-MM-DDTHH:MM:SSZ` (`sep = 'T'`, `zulu`) or `YYYY-MM-DD HH:MM:SS` of a Unix time.
fn fmt_datetime(out: &mut String, secs: i64, sep: char, zulu: bool) {
    use fmt::Write as _;
    fmt_date(out, secs);
    let s = secs.rem_euclid(DAY);
    let _ = write!(out, "{sep}{:02}:{:02}:{:02}", s / HOUR, s % HOUR / MINUTE, s % MINUTE);
    if zulu {
        out.push('Z');
    }
}

/// RFC 3339 in UTC.
pub(crate) fn rfc3339(secs: i64) -> String {
    let mut out = String::with_capacity(20);
    fmt_datetime(&mut out, secs, 'T', true);
    out
}

/// `(year, month, day)` of a Unix time.
pub(crate) fn ymd(secs: i64) -> (i64, i64, i64) {
    civil_from_days(secs.div_euclid(DAY))
}

// ---------------------------------------------------------------------------------------------
// Encodings

/// Standard base64 with padding.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// SHA-1 of `bytes` as 40 lowercase hex digits (Odoo's attachment checksum).
pub(crate) fn sha1_hex(bytes: &[u8]) -> String {
    let mut h: [u32; 5] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0];
    let mut message = bytes.to_vec();
    let bit_len = (bytes.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, &word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5a82_7999),
                20..=39 => (b ^ c ^ d, 0x6ed9_eba1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8f1b_bcdc),
                _ => (b ^ c ^ d, 0xca62_c1d6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    h.iter().map(|word| format!("{word:08x}")).collect()
}

/// A UUID-shaped id whose first group is `n` (so ids sort in generation order) and whose other
/// groups are random under `(seed, stream, n)`, with the version-4 and variant bits set.
pub(crate) fn uuid(seed: u64, stream: u64, n: u64) -> String {
    assert!(n <= u64::from(u32::MAX), "more than 2^32 records of one kind");
    let mut rng = Rng::derive(seed, stream, n);
    let (a, b, c) = (rng.next_u64(), rng.next_u64(), rng.next_u64());
    format!(
        "{n:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a & 0xffff,
        (a >> 16) & 0xfff,
        0x8000 | (b & 0x3fff),
        c & 0xffff_ffff_ffff
    )
}

/// Mixed letter case with spaces around: `"  Anna.SCHMIDT@Example.COM "`.
pub(crate) fn messy_email(email: &str, rng: &mut Rng) -> String {
    let mut out = String::from(*rng.pick(&["  ", " ", "\t", "   "]));
    let mut upper_run = false;
    for (k, c) in email.chars().enumerate() {
        if k % 5 == 0 {
            upper_run = rng.percent(50);
        }
        out.push(if upper_run || k == 0 { c.to_ascii_uppercase() } else { c });
    }
    out.push_str(rng.pick::<&str>(&[" ", "  ", ""]));
    out
}

/// `text` in other letter case (for login names that differ from their reference only by case).
pub(crate) fn other_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        out.push(if start { c.to_ascii_uppercase() } else { c });
        start = !c.is_ascii_alphanumeric();
    }
    if out == text { text.to_ascii_uppercase() } else { out }
}

// ---------------------------------------------------------------------------------------------
// The shared story: customers, agents, tickets and their threads

/// Team names in the order the shared model numbers teams (Odoo's lock names).
pub(crate) const TEAMS: [&str; 3] = ["Customer Care", "Billing", "Technical Support"];

/// Ticket types (Odoo's lock names); `None` on a ticket is "no type".
pub(crate) const TICKET_TYPES: [&str; 4] = ["Question", "Incident", "Service Request", "Problem"];

/// Contract types (Odoo's `x_studio_contract_type` keys and labels).
pub(crate) const CONTRACTS: [(&str, &str); 3] =
    [("basic", "Basic"), ("premium", "Premium"), ("enterprise", "Enterprise")];

/// Products for the multi-select custom field.
pub(crate) const PRODUCTS: [&str; 5] = ["Webshop", "ERP", "Mobile App", "Payroll", "Printer Fleet"];

/// Time zones used by customers and agents (all listed in the Odoo lock).
pub(crate) const ZONES: [&str; 5] = ["Europe/Berlin", "Europe/London", "Europe/Paris", "America/New_York", "UTC"];

/// The case of a customer (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CustomerCase {
    Plain,
    MissingEmail,
    DuplicateEmail,
    MessyEmail,
    NonLatin(Lang),
    InvisibleName,
    Deleted,
    Archived,
}

const CUSTOMER_PERIOD: u64 = 60;
const CUSTOMER_DELETED_SLOT: u64 = 16;

fn customer_case(slot: u64) -> CustomerCase {
    match slot / 2 {
        0 => CustomerCase::MissingEmail,
        1 => CustomerCase::DuplicateEmail,
        2 => CustomerCase::MessyEmail,
        3 => CustomerCase::NonLatin(Lang::Greek),
        4 => CustomerCase::NonLatin(Lang::Russian),
        5 => CustomerCase::NonLatin(Lang::Japanese),
        6 => CustomerCase::NonLatin(Lang::Arabic),
        7 => CustomerCase::InvisibleName,
        8 => CustomerCase::Deleted,
        9 => CustomerCase::Archived,
        _ => CustomerCase::Plain,
    }
}

/// The case of a ticket (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    Plain,
    DeletedCustomer,
    UnknownSender,
    InactiveAgent,
    DataImage,
    CidImage,
    UrlImage,
    Script,
    NonLatin(Lang),
    ZeroWidth,
    Controls,
    EmptyBody,
    BlankBody,
    Blocked(FileKind),
    Oversized,
    DstSpring,
    DstAutumn,
    MessyEmail,
    LongSubject,
    Emoji,
    /// In progress, in the platform's custom open state (OTRS `In Bearbeitung`).
    CustomOpen,
    /// On hold, in the platform's custom pending state (OTRS `waiting for customer`, TOPdesk
    /// `Parked – awaiting parts`).
    CustomPending,
}

const TICKET_PERIOD: u64 = 100;
const AGENT_PERIOD: u64 = 7;

fn ticket_case(slot: u64) -> Case {
    match slot {
        0 => Case::DeletedCustomer,
        1 => Case::UnknownSender,
        2 => Case::InactiveAgent,
        3 => Case::DataImage,
        4 => Case::CidImage,
        5 => Case::UrlImage,
        6 => Case::Script,
        7 => Case::NonLatin(Lang::Greek),
        8 => Case::NonLatin(Lang::Russian),
        9 => Case::NonLatin(Lang::Japanese),
        10 => Case::NonLatin(Lang::Arabic),
        11 => Case::ZeroWidth,
        12 => Case::Controls,
        13 => Case::EmptyBody,
        14 => Case::BlankBody,
        15 => Case::Blocked(FileKind::Exe),
        16 => Case::Blocked(FileKind::Bat),
        17 => Case::Blocked(FileKind::Js),
        18 => Case::Oversized,
        19 => Case::DstSpring,
        20 => Case::DstAutumn,
        21 => Case::MessyEmail,
        22 => Case::LongSubject,
        23 => Case::Emoji,
        24 => Case::CustomOpen,
        25 => Case::CustomPending,
        _ => Case::Plain,
    }
}

/// A customer: a company (every tenth index) or a person of the company before it.
#[derive(Clone, Debug)]
pub(crate) struct Customer {
    /// Index among customers (`0..World::customers`).
    pub j: u64,
    /// A company rather than a person.
    pub company: bool,
    /// The index of the person's company (its own index for a company).
    pub company_j: u64,
    pub case: CustomerCase,
    pub first: String,
    pub last: String,
    /// Display name: "First Last" or the company name.
    pub name: String,
    /// The address as stored (`None` when missing, messy for the messy case).
    pub email: Option<String>,
    /// The clean address this customer would have (unique per customer).
    pub clean_email: String,
    /// A unique ASCII login.
    pub login: String,
    pub lang: Lang,
    pub tz: Option<&'static str>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub street: String,
    pub city: usize,
    pub job: Option<&'static str>,
    /// A person linked to their company (else a private customer).
    pub with_company: bool,
    pub created: i64,
    pub updated: i64,
    /// The company's name (for persons: their company's).
    pub company_name: String,
    /// The company's mail domain.
    pub domain: String,
}

impl Customer {
    pub fn deleted(&self) -> bool {
        self.case == CustomerCase::Deleted
    }

    pub fn archived(&self) -> bool {
        self.case == CustomerCase::Archived
    }
}

/// What [`World::identity`] computes.
struct Identity {
    company_j: u64,
    company: bool,
    case: CustomerCase,
    company_name: String,
    domain: String,
    city: usize,
    lang: Lang,
    first: String,
    last: String,
    local: String,
    rng: Rng,
}

/// An agent (Odoo internal user, OTRS agent, TOPdesk operator).
#[derive(Clone, Debug)]
pub(crate) struct Agent {
    pub i: u64,
    pub first: &'static str,
    pub last: &'static str,
    pub name: String,
    pub email: Option<String>,
    pub login: String,
    pub active: bool,
    pub team: usize,
    pub tz: &'static str,
    pub lang: Lang,
    pub created: i64,
}

/// Where a ticket's thread stands at the end of the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    New,
    InProgress,
    OnHold,
    Solved,
    Cancelled,
}

impl Status {
    pub fn closed(self) -> bool {
        matches!(self, Status::Solved | Status::Cancelled)
    }
}

/// How the first message came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Channel {
    Email,
    Web,
    Phone,
}

/// What one message of a thread is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The customer's first message (the ticket's description).
    Request,
    /// The automatic acknowledgement.
    AutoAck,
    CustomerReply,
    AgentReply,
    Note,
    /// The ticket moved to this status (a system event; no text).
    Stage(Status),
}

/// One message of a thread.
#[derive(Clone, Debug)]
pub(crate) struct Message {
    pub ordinal: usize,
    pub kind: Kind,
    pub at: i64,
    /// The agent writing (agent replies and notes).
    pub agent: Option<u64>,
    pub empty: Empty,
    pub files: Vec<FileKind>,
}

/// The custom fields of a ticket, shared by the platforms' custom-field mechanisms.
#[derive(Clone, Debug)]
pub(crate) struct Custom {
    pub customer_ref: Option<String>,
    /// Start of the due day.
    pub due: Option<i64>,
    pub escalated: bool,
    pub hours: Option<f64>,
    pub contract: Option<usize>,
    pub notes: Option<String>,
    pub products: Vec<usize>,
    pub follow_up: Option<i64>,
    pub count: Option<i64>,
}

/// One ticket and its whole thread.
#[derive(Clone, Debug)]
pub(crate) struct Ticket {
    pub index: u64,
    pub case: Case,
    pub created: i64,
    /// The customer index; `None` for an unknown sender. May be deleted (absent from the file).
    pub customer: Option<u64>,
    /// The sender address for an unknown sender.
    pub sender_email: Option<String>,
    pub agent: Option<u64>,
    pub team: usize,
    /// 0 low, 1 medium, 2 high, 3 urgent.
    pub priority: u8,
    pub status: Status,
    pub channel: Channel,
    pub topic: Topic,
    /// Tag indexes into Odoo's tags (0..7).
    pub tags: Vec<usize>,
    pub ticket_type: Option<usize>,
    pub lang: Lang,
    pub subject: String,
    pub messages: Vec<Message>,
    pub assigned_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub last_stage_change: i64,
    pub updated: i64,
    /// 0 = asked but not answered; 1, 3 or 5 = answered.
    pub rating: Option<u8>,
    pub rated_at: Option<i64>,
    pub kanban: usize,
    pub archived: bool,
    pub closed_by_customer: bool,
    pub custom: Custom,
}

/// The shared state of one generation: sizes, schedules and the small tables.
pub(crate) struct World {
    pub seed: u64,
    pub tickets: u64,
    pub agents: u64,
    pub customers: u64,
    customer_slots: Slots,
    ticket_slots: Slots,
    agent_slots: Slots,
    pub long_threads: Vec<u64>,
    agent_list: Vec<Agent>,
}

const STREAM_CUSTOMER: u64 = tag(b"customer");
const STREAM_COMPANY: u64 = tag(b"company");
const STREAM_AGENT: u64 = tag(b"agent");
const STREAM_TICKET: u64 = tag(b"ticket");
const STREAM_MESSAGE: u64 = tag(b"message");
const STREAM_FILE: u64 = tag(b"file");

impl World {
    pub fn new(seed: u64, tickets: u64) -> World {
        let agents = (12 + tickets / 5000).min(200);
        let customers = (tickets * 2 / 5).max(40);
        let mut long_threads = Vec::new();
        if tickets >= 100 {
            let wanted = (tickets / 100).min(3) as usize;
            let mut rng = Rng::derive(seed, tag(b"long threads"), 0);
            while long_threads.len() < wanted {
                let index = rng.below(tickets);
                if !long_threads.contains(&index) {
                    long_threads.push(index);
                }
            }
            long_threads.sort_unstable();
        }
        let mut world = World {
            seed,
            tickets,
            agents,
            customers,
            customer_slots: Slots::new(seed, STREAM_CUSTOMER, CUSTOMER_PERIOD),
            ticket_slots: Slots::new(seed, STREAM_TICKET, TICKET_PERIOD),
            agent_slots: Slots::new(seed, STREAM_AGENT, AGENT_PERIOD),
            long_threads,
            agent_list: Vec::new(),
        };
        world.agent_list = (0..agents).map(|i| world.make_agent(i)).collect();
        world
    }

    /// A per-record random stream.
    pub fn rng(&self, stream: u64, index: u64) -> Rng {
        Rng::derive(self.seed, stream, index)
    }

    pub fn agent(&self, i: u64) -> &Agent {
        &self.agent_list[i as usize]
    }

    pub fn agents(&self) -> &[Agent] {
        &self.agent_list
    }

    fn make_agent(&self, i: u64) -> Agent {
        let mut base = self.rng(STREAM_AGENT, u64::MAX);
        let (f0, l0) = (base.index(text::FIRST_NAMES.len()), base.index(text::LAST_NAMES.len()));
        let mut rng = self.rng(STREAM_AGENT, i);
        let first = text::FIRST_NAMES[(f0 + i as usize * 7) % text::FIRST_NAMES.len()];
        let last = text::LAST_NAMES[(l0 + i as usize * 5) % text::LAST_NAMES.len()];
        let login = format!("{}.{}", text::slug(first), text::slug(last));
        let clean = format!("{login}@yourcompany.example");
        let slot = self.agent_slots.slot(i);
        let email = match slot {
            3 => None,
            4 => Some(messy_email(&clean, &mut rng).trim().to_owned()),
            _ => Some(clean),
        };
        let tz = *rng.weighted(&[("Europe/Berlin", 60), ("Europe/London", 20), ("UTC", 20)]);
        let lang = if rng.percent(70) { Lang::English } else { Lang::German };
        let created = WINDOW_START - rng.range(30, 900) * DAY;
        Agent {
            i,
            first,
            last,
            name: format!("{first} {last}"),
            email,
            login,
            active: slot != 0,
            team: (i % 3) as usize,
            tz,
            lang,
            created,
        }
    }

    /// The parts of customer `j` that do not depend on its e-mail case: company, names, address.
    fn identity(&self, j: u64) -> Identity {
        let company_j = j / 10 * 10;
        let company = j == company_j;
        let case = customer_case(self.customer_slots.slot(j));
        let mut crng = self.rng(STREAM_COMPANY, company_j);
        let (mut company_name, company_slug) = text::company(&mut crng);
        let domain = format!("{company_slug}-{}.{}", company_j / 10 + 1, crng.pick(text::DOMAINS));
        let city = crng.index(text::CITIES.len());
        if let CustomerCase::NonLatin(lang) = customer_case(self.customer_slots.slot(company_j)) {
            company_name = text::non_latin_company(lang, &mut crng).unwrap_or_default().to_owned();
        }
        let (f0, l0) = (crng.index(text::FIRST_NAMES.len()), crng.index(text::LAST_NAMES.len()));
        let mut rng = self.rng(STREAM_CUSTOMER, j);
        let k = (j - company_j) as usize;
        let mut lang = match text::CITIES[city].2 {
            "DE" | "AT" | "CH" if rng.percent(75) => Lang::German,
            "FR" if rng.percent(80) => Lang::French,
            _ => Lang::English,
        };
        let (first, last, local) = if company {
            (String::new(), company_name.clone(), (*rng.pick(&["info", "contact", "support", "office"])).to_owned())
        } else if let CustomerCase::NonLatin(script) = case {
            lang = script;
            let (first, last, local) = *rng.pick(text::non_latin_names(script));
            (first.to_owned(), last.to_owned(), format!("{local}{k}"))
        } else {
            let first = text::FIRST_NAMES[(f0 + k * 7) % text::FIRST_NAMES.len()];
            let last = text::LAST_NAMES[(l0 + k * 11) % text::LAST_NAMES.len()];
            (first.to_owned(), last.to_owned(), format!("{}.{}", text::slug(first), text::slug(last)))
        };
        Identity { company_j, company, case, company_name, domain, city, lang, first, last, local, rng }
    }

    /// The customer at index `j` (computed, never stored).
    pub fn customer(&self, j: u64) -> Customer {
        let Identity { company_j, company, case, company_name, domain, city, lang, first, last, local, mut rng } =
            self.identity(j);
        let mut first = first;
        let mut name = if company { company_name.clone() } else { format!("{first} {last}") };
        if case == CustomerCase::InvisibleName {
            let garble = |text: &str, rng: &mut Rng| {
                if rng.percent(50) { text::insert_invisible(text, rng) } else { text::insert_controls(text, rng) }
            };
            if company {
                name = garble(&name, &mut rng);
            } else {
                first = garble(&first, &mut rng);
                name = format!("{first} {last}");
            }
        }
        let clean_email = format!("{local}@{domain}");
        let email = match case {
            CustomerCase::MissingEmail => None,
            CustomerCase::DuplicateEmail => {
                // The customer 30 places away, whose slot is a plain one: its stored address is
                // its clean one, so the two records carry the same address exactly.
                let other = if j >= CUSTOMER_PERIOD / 2 { j - CUSTOMER_PERIOD / 2 } else { j + CUSTOMER_PERIOD / 2 };
                let twin = self.identity(other);
                Some(format!("{}@{}", twin.local, twin.domain))
            }
            CustomerCase::MessyEmail => Some(messy_email(&clean_email, &mut rng)),
            _ => Some(clean_email.clone()),
        };
        let tz = *rng.weighted(&[
            (Some(ZONES[0]), 35),
            (Some(ZONES[1]), 15),
            (Some(ZONES[2]), 12),
            (Some(ZONES[3]), 12),
            (Some(ZONES[4]), 16),
            (None, 10),
        ]);
        let span = (WINDOW_END - WINDOW_START - 120 * DAY).max(DAY);
        let created = WINDOW_START + (i128::from(j) * i128::from(span) / i128::from(self.customers.max(1))) as i64
            - 30 * DAY
            + rng.range(0, DAY);
        let created = created.max(WINDOW_START);
        let updated = created + rng.range(0, 400 * DAY).min(WINDOW_END - 1 - created).max(0);
        let login = if company {
            format!("{}-{j}", text::slug(&company_name).chars().take(16).collect::<String>().trim_end_matches('-'))
        } else {
            format!("{local}{j}")
        };
        Customer {
            j,
            company,
            company_j,
            case,
            login,
            first,
            last,
            name,
            email,
            clean_email,
            lang,
            tz,
            phone: rng.percent(70).then(|| text::phone(&mut rng)),
            mobile: rng.percent(35).then(|| text::phone(&mut rng)),
            street: format!("{} {}", rng.pick(text::STREETS), rng.range(1, 180)),
            city,
            job: (!company && rng.percent(50)).then(|| *rng.pick(text::JOBS)),
            with_company: !company && rng.percent(70),
            created,
            updated,
            company_name,
            domain,
        }
    }

    /// A customer index that is not deleted and not a company.
    fn person_for(&self, rng: &mut Rng) -> u64 {
        for _ in 0..16 {
            let mut j = rng.below(self.customers);
            if j.is_multiple_of(10) {
                j = if j + 1 < self.customers { j + 1 } else { j - 1 };
            }
            if customer_case(self.customer_slots.slot(j)) != CustomerCase::Deleted {
                return j;
            }
        }
        1
    }

    /// A deleted customer index (a person; possibly beyond the last customer, still absent).
    fn deleted_person(&self, rng: &mut Rng) -> u64 {
        let from = rng.below(self.customers);
        let first = self.customer_slots.next_in(CUSTOMER_DELETED_SLOT, from);
        if first.is_multiple_of(10) { first + 1 } else { first }
    }

    /// Agents that are inactive.
    fn inactive_agents(&self) -> Vec<u64> {
        self.agent_list.iter().filter(|a| !a.active).map(|a| a.i).collect()
    }

    /// The case of ticket `index`.
    pub fn ticket_case(&self, index: u64) -> Case {
        ticket_case(self.ticket_slots.slot(index))
    }

    /// Ticket `index` with its thread.
    pub fn ticket(&self, index: u64) -> Ticket {
        let mut rng = self.rng(STREAM_TICKET, index);
        let case = self.ticket_case(index);
        let long = self.long_threads.binary_search(&index).is_ok();
        // When the ticket was opened.
        let span = WINDOW_END - WINDOW_START - 45 * DAY;
        let step = (span / self.tickets.max(1) as i64).max(1);
        let mut created = WINDOW_START
            + (i128::from(index) * i128::from(span) / i128::from(self.tickets.max(1))) as i64
            + rng.range(0, step - 1);
        let dst = match case {
            Case::DstSpring => Some(DST_SPRING),
            Case::DstAutumn => Some(DST_AUTUMN),
            _ => None,
        };
        if let Some(change) = dst {
            created = change - 50 * MINUTE + rng.range(0, 20 * MINUTE);
        }
        let age = WINDOW_END - created;
        let mut status = if age > 45 * DAY {
            *rng.weighted(&[
                (Status::New, 1),
                (Status::InProgress, 2),
                (Status::OnHold, 2),
                (Status::Solved, 88),
                (Status::Cancelled, 7),
            ])
        } else {
            *rng.weighted(&[
                (Status::New, 25),
                (Status::InProgress, 35),
                (Status::OnHold, 12),
                (Status::Solved, 24),
                (Status::Cancelled, 4),
            ])
        };
        if (dst.is_some() || long) && status == Status::New {
            status = Status::InProgress;
        }
        match case {
            Case::CustomOpen => status = Status::InProgress,
            Case::CustomPending => status = Status::OnHold,
            _ => {}
        }
        // Who.
        let (customer, sender_email) = match case {
            Case::UnknownSender => {
                let local = rng.pick(&["noreply", "j.smith1987", "max_mustermann", "facturation", "it-helpdesk"]);
                (None, Some(format!("{local}@{}", rng.pick(&["gmail.example", "web.example", "mail.example.org"]))))
            }
            Case::DeletedCustomer => (Some(self.deleted_person(&mut rng)), None),
            _ => (Some(self.person_for(&mut rng)), None),
        };
        let mut team = *rng.weighted(&[(0usize, 60), (1, 22), (2, 18)]);
        let agent = if case == Case::InactiveAgent {
            let inactive = self.inactive_agents();
            let a = if inactive.is_empty() { 0 } else { inactive[rng.index(inactive.len())] };
            team = self.agent(a).team;
            Some(a)
        } else if status == Status::New && rng.percent(60) {
            None
        } else {
            let members: Vec<u64> = self.agent_list.iter().filter(|a| a.team == team).map(|a| a.i).collect();
            Some(members[rng.index(members.len())])
        };
        let priority = *rng.weighted(&[(0u8, 60), (1, 25), (2, 12), (3, 3)]);
        let topic = *rng.weighted(&[
            (Topic::Bug, 25),
            (Topic::Billing, 25),
            (Topic::Hardware, 12),
            (Topic::Login, 20),
            (Topic::Feature, 8),
            (Topic::Refund, 10),
        ]);
        let mut tags = Vec::new();
        if rng.percent(70) {
            tags.push(topic.tag_index());
        }
        if rng.percent(15) {
            let extra = rng.index(6);
            if !tags.contains(&extra) {
                tags.push(extra);
            }
        }
        if rng.percent(5) {
            tags.push(6);
        }
        tags.sort_unstable();
        let ticket_type = *rng.weighted(&[(Some(0usize), 38), (Some(1), 30), (Some(2), 20), (Some(3), 4), (None, 8)]);
        let customer_record = customer.map(|j| self.customer(j));
        let lang = match case {
            Case::NonLatin(lang) => lang,
            _ => customer_record.as_ref().map_or(Lang::English, |c| c.lang),
        };
        let channel = *rng.weighted(&[(Channel::Email, 70), (Channel::Web, 20), (Channel::Phone, 10)]);
        let mut subject = text::subject(topic, lang, &mut rng);
        match case {
            Case::ZeroWidth => subject = text::insert_invisible(&subject, &mut rng),
            Case::Controls => subject = text::insert_controls(&subject, &mut rng),
            Case::Emoji => subject.push_str(" 😡🔥"),
            Case::LongSubject => {
                let base = subject.clone();
                while subject.chars().count() < 300 {
                    subject.push_str(" / ");
                    subject.push_str(&base);
                }
            }
            _ => {}
        }
        // The thread: `texts` messages with text (the request included), plus the acknowledgement
        // and the stage changes.
        let texts: usize = if long {
            rng.range(501, 560) as usize
        } else if status == Status::New {
            rng.range(1, 2) as usize
        } else {
            *rng.weighted(&[(2, 15), (3, 20), (4, 18), (5, 14), (6, 10), (7, 8), (8, 6), (9, 4), (10, 3), (12, 2)])
        };
        let texts = if dst.is_some() { texts.max(6) } else { texts };
        let gap = |rng: &mut Rng| -> i64 {
            if dst.is_some() {
                rng.range(8 * MINUTE, 15 * MINUTE)
            } else if long {
                rng.range(MINUTE, 40 * MINUTE)
            } else {
                match rng.below(10) {
                    0..=2 => rng.range(2 * MINUTE, 30 * MINUTE),
                    3..=6 => rng.range(30 * MINUTE, 8 * HOUR),
                    _ => rng.range(8 * HOUR, 3 * DAY),
                }
            }
        };
        let clamp = |t: i64| t.min(WINDOW_END - 1);
        let mut kinds: Vec<Kind> = vec![Kind::Request];
        if channel != Channel::Phone && rng.percent(50) {
            kinds.push(Kind::AutoAck);
        }
        if status != Status::New {
            kinds.push(Kind::Stage(Status::InProgress));
        }
        let first_reply = kinds.len();
        for _ in 1..texts {
            kinds.push(if status == Status::New {
                Kind::CustomerReply
            } else {
                *rng.weighted(&[(Kind::AgentReply, 40), (Kind::CustomerReply, 35), (Kind::Note, 25)])
            });
        }
        if status != Status::New && texts > 1 && !kinds.contains(&Kind::AgentReply) {
            kinds[first_reply] = Kind::AgentReply;
        }
        if matches!(status, Status::OnHold | Status::Solved | Status::Cancelled) {
            kinds.push(Kind::Stage(status));
        }
        let members: Vec<u64> = self.agent_list.iter().filter(|a| a.team == team && a.active).map(|a| a.i).collect();
        let mut messages = Vec::with_capacity(kinds.len());
        let mut at = created;
        for (ordinal, kind) in kinds.into_iter().enumerate() {
            if ordinal > 0 {
                at = clamp(at + if kind == Kind::AutoAck { rng.range(5, 60) } else { gap(&mut rng) });
            }
            let writer = match kind {
                Kind::AgentReply | Kind::Note | Kind::Stage(_) => match agent {
                    Some(a) if rng.percent(85) || members.is_empty() => Some(a),
                    _ if !members.is_empty() => Some(members[rng.index(members.len())]),
                    _ => agent,
                },
                _ => None,
            };
            let mut files = Vec::new();
            let mut empty = Empty::No;
            if ordinal == 0 {
                match case {
                    Case::CidImage => files.push(FileKind::InlineImage),
                    Case::Blocked(kind) => files.push(kind),
                    Case::Oversized => files.push(FileKind::Oversized),
                    Case::EmptyBody => empty = Empty::Null,
                    Case::BlankBody => empty = Empty::Blank,
                    _ => {}
                }
            }
            if matches!(kind, Kind::CustomerReply | Kind::AgentReply | Kind::Note) && rng.percent(3) {
                empty = if rng.percent(50) { Empty::Null } else { Empty::Blank };
            }
            if matches!(kind, Kind::Request | Kind::CustomerReply | Kind::AgentReply) && rng.percent(10) {
                for _ in 0..rng.range(1, 2) {
                    files.push(*rng.weighted(&[
                        (FileKind::Pdf, 35),
                        (FileKind::Png, 30),
                        (FileKind::Log, 15),
                        (FileKind::Csv, 20),
                    ]));
                }
            }
            messages.push(Message { ordinal, kind, at, agent: writer, empty, files });
        }
        let assigned_at = agent.map(|_| {
            messages
                .iter()
                .find(|m| m.kind == Kind::Stage(Status::InProgress))
                .map_or(created + rng.range(5 * MINUTE, HOUR), |m| m.at)
        });
        let last_at = messages.last().map_or(created, |m| m.at);
        let closed_at = status.closed().then_some(last_at);
        let last_stage_change =
            messages.iter().rev().find(|m| matches!(m.kind, Kind::Stage(_))).map_or(created, |m| m.at);
        let (rating, rated_at) = if status == Status::Solved && rng.percent(40) {
            let value = if rng.percent(70) { *rng.weighted(&[(5u8, 65), (3, 22), (1, 13)]) } else { 0 };
            (Some(value), Some(clamp(last_at + rng.range(HOUR, 3 * DAY))))
        } else {
            (None, None)
        };
        let updated = clamp(rated_at.unwrap_or(last_at).max(last_at) + rng.range(0, 120));
        let custom = Custom {
            customer_ref: rng.percent(55).then(|| {
                let n = rng.range(10_000, 99_999);
                if rng.percent(8) { format!(" po {n} ") } else { format!("PO-{n}") }
            }),
            due: rng.percent(40).then(|| (created / DAY + rng.range(3, 30)) * DAY),
            escalated: rng.percent(12),
            hours: rng.percent(75).then(|| rng.range(1, 160) as f64 * 0.25),
            contract: rng.percent(95).then(|| *rng.weighted(&[(0usize, 50), (1, 37), (2, 13)])),
            notes: rng.percent(25).then(|| {
                (*rng.pick(&[
                    "<p>Key account: call before closing.</p>",
                    "<p>Customer prefers <b>phone</b> contact.</p>",
                    "<ul><li>Check licence count</li><li>Invoice manually</li></ul>",
                ]))
                .to_owned()
            }),
            products: (0..PRODUCTS.len()).filter(|_| rng.percent(20)).collect(),
            follow_up: rng.percent(20).then(|| clamp(created + rng.range(DAY, 20 * DAY))),
            count: rng.percent(50).then(|| rng.range(1, 250)),
        };
        Ticket {
            index,
            case,
            created,
            customer,
            sender_email,
            agent,
            team,
            priority,
            status,
            channel,
            topic,
            tags,
            ticket_type,
            lang,
            subject,
            messages,
            assigned_at,
            closed_at,
            last_stage_change,
            updated,
            rating,
            rated_at,
            kanban: *rng.weighted(&[(0usize, 90), (1, 7), (2, 3)]),
            archived: rng.per_mille(15),
            closed_by_customer: status.closed() && rng.percent(5),
            custom,
        }
    }

    /// The body of a message: `cid` and `image_url` are the platform's references for the
    /// inline-image cases. Stage changes have no body.
    pub fn body(
        &self,
        ticket: &Ticket,
        message: &Message,
        customer: Option<&Customer>,
        cid: Option<&str>,
        image_url: Option<&str>,
    ) -> Body {
        let mut rng = self.rng(STREAM_MESSAGE, combine(ticket.index, message.ordinal as u64));
        if message.empty != Empty::No {
            return text::empty_body(message.empty, &mut rng);
        }
        let role = match message.kind {
            Kind::Request => Role::Request,
            Kind::AutoAck => Role::AutoAck,
            Kind::CustomerReply => Role::CustomerReply,
            Kind::AgentReply => Role::AgentReply,
            Kind::Note => Role::Note,
            Kind::Stage(_) => return Body::default(),
        };
        let first = message.ordinal == 0;
        let extras = Extras {
            data_image: first && ticket.case == Case::DataImage,
            cid: if first && ticket.case == Case::CidImage { cid } else { None },
            image_url: if first && ticket.case == Case::UrlImage { image_url } else { None },
            script: first && ticket.case == Case::Script,
            invisible: first && ticket.case == Case::ZeroWidth,
            emoji: first && ticket.case == Case::Emoji,
        };
        let customer_name = customer.map_or("customer", |c| c.name.as_str());
        let agent_name = message.agent.map_or("The support team", |a| self.agent(a).name.as_str());
        let (to, from) = match role {
            Role::Request | Role::CustomerReply => ("Support", customer_name),
            _ => (customer_name, agent_name),
        };
        text::body(&mut rng, ticket.lang, ticket.topic, role, to, from, &extras)
    }

    /// The files of a message, in order.
    pub fn files(&self, ticket: &Ticket, message: &Message) -> Vec<text::File> {
        let mut rng = self.rng(STREAM_FILE, combine(ticket.index, message.ordinal as u64));
        message.files.iter().enumerate().map(|(seq, &kind)| text::file(kind, &mut rng, seq)).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Writing records

/// What a writer call produces, for the debug-build check against the declared schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Int,
    Float,
    Bool,
    Text,
    Html,
    Date,
    Datetime,
    Enum,
    Relation,
    Many,
    TextMany,
    Binary,
    Json,
    Null,
}

impl Shape {
    fn fits(self, field: &FieldSchema) -> bool {
        match self {
            Shape::Null => true,
            Shape::Int => field.field_type == FieldType::Int && !field.many,
            Shape::Float => field.field_type == FieldType::Float,
            Shape::Bool => field.field_type == FieldType::Bool,
            Shape::Text => field.field_type == FieldType::Text && !field.many,
            Shape::Html => field.field_type == FieldType::Html,
            Shape::Date => field.field_type == FieldType::Date,
            Shape::Datetime => field.field_type == FieldType::Datetime,
            Shape::Enum => field.field_type == FieldType::Enum,
            Shape::Relation => field.field_type == FieldType::Relation && !field.many,
            Shape::Many => field.field_type == FieldType::Relation && field.many,
            Shape::TextMany => field.field_type == FieldType::Text && field.many,
            Shape::Binary => field.field_type == FieldType::Binary,
            Shape::Json => field.field_type == FieldType::Json,
        }
    }
}

/// One object's NDJSON file, its declared schema and its counters.
pub(crate) struct Table {
    name: String,
    out: BufWriter<File>,
    line: String,
    count: u64,
    bytes: u64,
    schema: ObjectSchema,
    /// Enum fields: value → records.
    enums: BTreeMap<String, BTreeMap<String, u64>>,
    /// Text fields with listed values: value → count (per the lock's note).
    tallies: BTreeMap<String, BTreeMap<String, u64>>,
    last_int: Option<i64>,
    last_text: Option<String>,
    /// Fields written at least once (checked in debug builds).
    seen: BTreeSet<String>,
}

impl Table {
    /// Create `DIR/<name>.ndjson` for an object with this schema.
    pub fn create(dir: &Path, name: &str, schema: ObjectSchema) -> io::Result<Table> {
        let file = File::create(dir.join(format!("{name}.ndjson")))?;
        Ok(Table {
            name: name.to_owned(),
            out: BufWriter::with_capacity(256 * 1024, file),
            line: String::with_capacity(4096),
            count: 0,
            bytes: 0,
            schema,
            enums: BTreeMap::new(),
            tallies: BTreeMap::new(),
            last_int: None,
            last_text: None,
            seen: BTreeSet::new(),
        })
    }

    /// Start a record with an integer id (ids must ascend).
    pub fn row(&mut self, id: i64) -> Row<'_> {
        assert!(self.last_int.is_none_or(|last| last < id), "{}: id {id} after {:?}", self.name, self.last_int);
        self.last_int = Some(id);
        self.line.clear();
        self.line.push_str("{\"id\":");
        push_int(&mut self.line, id);
        let mut row = Row { table: self };
        row.check("id", Shape::Int);
        row
    }

    /// Start a record with a text id (ids must ascend).
    pub fn row_text(&mut self, id: &str) -> Row<'_> {
        assert!(
            self.last_text.as_deref().is_none_or(|last| last < id),
            "{}: id {id} after {:?}",
            self.name,
            self.last_text
        );
        self.last_text = Some(id.to_owned());
        self.line.clear();
        self.line.push_str("{\"id\":");
        push_json_str(&mut self.line, id);
        let mut row = Row { table: self };
        row.check("id", Shape::Text);
        row
    }

    /// Count one occurrence of `value` for a text field that lists values in the lock.
    pub fn tally(&mut self, field: &str, value: &str) {
        let counts = self.tallies.entry(field.to_owned()).or_default();
        match counts.get_mut(value) {
            Some(n) => *n += 1,
            None => {
                counts.insert(value.to_owned(), 1);
            }
        }
    }

    /// Flush and return the object's name, its schema with counts, and the bytes written.
    fn finish(mut self) -> io::Result<(String, ObjectSchema, u64)> {
        self.out.flush()?;
        if cfg!(debug_assertions) && self.count > 0 {
            for name in self.schema.fields.keys() {
                assert!(self.seen.contains(name), "{}.{name} is declared but never written", self.name);
            }
        }
        let mut schema = self.schema;
        schema.count = Some(self.count);
        for (name, field) in &mut schema.fields {
            let counts =
                if field.field_type == FieldType::Enum { self.enums.get(name) } else { self.tallies.get(name) };
            let listed = !field.values.is_empty();
            if field.field_type != FieldType::Enum && !listed {
                continue;
            }
            for value in &mut field.values {
                value.count = Some(counts.and_then(|c| c.get(&value.value)).copied().unwrap_or(0));
            }
            for (value, count) in counts.into_iter().flatten() {
                if !field.values.iter().any(|v| &v.value == value) {
                    debug_assert!(!listed, "{}.{name}: value {value:?} is not declared", self.name);
                    field.values.push(EnumValue { value: value.clone(), label: None, count: Some(*count) });
                }
            }
        }
        Ok((self.name, schema, self.bytes))
    }
}

/// One record being written; fields are appended in call order.
pub(crate) struct Row<'a> {
    table: &'a mut Table,
}

impl Row<'_> {
    fn check(&mut self, key: &str, shape: Shape) {
        if cfg!(debug_assertions) {
            let table = &mut *self.table;
            match table.schema.fields.get(key) {
                Some(field) => assert!(shape.fits(field), "{}.{key}: {shape:?} does not fit {:?}", table.name, field),
                None => panic!("{}.{key} is not declared", table.name),
            }
            if !table.seen.contains(key) {
                table.seen.insert(key.to_owned());
            }
        }
    }

    fn key(&mut self, key: &str, shape: Shape) -> &mut String {
        self.check(key, shape);
        if cfg!(debug_assertions) {
            let written = format!(",\"{key}\":");
            assert!(!self.table.line.contains(&written), "{}.{key} written twice in one record", self.table.name);
        }
        let line = &mut self.table.line;
        line.push_str(",\"");
        line.push_str(key);
        line.push_str("\":");
        line
    }

    pub fn null(&mut self, key: &str) -> &mut Self {
        self.key(key, Shape::Null).push_str("null");
        self
    }

    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        push_int(self.key(key, Shape::Int), value);
        self
    }

    pub fn int_opt(&mut self, key: &str, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.int(key, v),
            None => self.null(key),
        }
    }

    pub fn float(&mut self, key: &str, value: f64) -> &mut Self {
        use fmt::Write as _;
        let line = self.key(key, Shape::Float);
        if value.fract() == 0.0 && value.abs() < 1e15 {
            let _ = write!(line, "{value:.1}");
        } else {
            let _ = write!(line, "{value}");
        }
        self
    }

    pub fn float_opt(&mut self, key: &str, value: Option<f64>) -> &mut Self {
        match value {
            Some(v) => self.float(key, v),
            None => self.null(key),
        }
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key, Shape::Bool).push_str(if value { "true" } else { "false" });
        self
    }

    fn string(&mut self, key: &str, shape: Shape, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) if !v.is_empty() => push_json_str(self.key(key, shape), v),
            _ => self.key(key, shape).push_str("null"),
        }
        self
    }

    /// Text; `None` and `""` are written as null.
    pub fn text(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        self.string(key, Shape::Text, value)
    }

    /// HTML; `None` and `""` are written as null.
    pub fn html(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        self.string(key, Shape::Html, value)
    }

    /// An enum key (counted for the lock); `None` is null.
    pub fn enumeration(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            let counts = self.table.enums.entry(key.to_owned()).or_default();
            match counts.get_mut(v) {
                Some(n) => *n += 1,
                None => {
                    counts.insert(v.to_owned(), 1);
                }
            }
        }
        self.string(key, Shape::Enum, value)
    }

    pub fn date(&mut self, key: &str, secs: Option<i64>) -> &mut Self {
        let line = self.key(key, Shape::Date);
        match secs {
            Some(s) => {
                line.push('"');
                fmt_date(line, s);
                line.push('"');
            }
            None => line.push_str("null"),
        }
        self
    }

    /// A date-time in RFC 3339 UTC.
    pub fn datetime(&mut self, key: &str, secs: Option<i64>) -> &mut Self {
        let line = self.key(key, Shape::Datetime);
        match secs {
            Some(s) => {
                line.push('"');
                fmt_datetime(line, s, 'T', true);
                line.push('"');
            }
            None => line.push_str("null"),
        }
        self
    }

    /// A naive date-time `YYYY-MM-DD HH:MM:SS` (OTRS).
    pub fn naive(&mut self, key: &str, secs: Option<i64>) -> &mut Self {
        let line = self.key(key, Shape::Datetime);
        match secs {
            Some(s) => {
                line.push('"');
                fmt_datetime(line, s, ' ', false);
                line.push('"');
            }
            None => line.push_str("null"),
        }
        self
    }

    /// A many2one / foreign key.
    pub fn rel(&mut self, key: &str, id: Option<i64>) -> &mut Self {
        let line = self.key(key, Shape::Relation);
        match id {
            Some(id) => push_int(line, id),
            None => line.push_str("null"),
        }
        self
    }

    /// A reference by text id (TOPdesk).
    pub fn rel_text(&mut self, key: &str, id: Option<&str>) -> &mut Self {
        self.string(key, Shape::Relation, id)
    }

    /// A to-many relation.
    pub fn many(&mut self, key: &str, ids: impl IntoIterator<Item = i64>) -> &mut Self {
        let line = self.key(key, Shape::Many);
        line.push('[');
        for (k, id) in ids.into_iter().enumerate() {
            if k > 0 {
                line.push(',');
            }
            push_int(line, id);
        }
        line.push(']');
        self
    }

    /// A to-many relation by text ids.
    pub fn many_text<S: AsRef<str>>(&mut self, key: &str, ids: &[S]) -> &mut Self {
        self.strings(key, Shape::Many, ids)
    }

    /// A list of texts.
    pub fn texts<S: AsRef<str>>(&mut self, key: &str, values: &[S]) -> &mut Self {
        self.strings(key, Shape::TextMany, values)
    }

    fn strings<S: AsRef<str>>(&mut self, key: &str, shape: Shape, values: &[S]) -> &mut Self {
        let line = self.key(key, shape);
        line.push('[');
        for (k, value) in values.iter().enumerate() {
            if k > 0 {
                line.push(',');
            }
            push_json_str(line, value.as_ref());
        }
        line.push(']');
        self
    }

    /// File content as base64.
    pub fn binary(&mut self, key: &str, bytes: Option<&[u8]>) -> &mut Self {
        match bytes {
            Some(b) => {
                let encoded = base64(b);
                self.string(key, Shape::Binary, Some(&encoded))
            }
            None => self.string(key, Shape::Binary, None),
        }
    }

    /// Raw JSON (already valid).
    pub fn json(&mut self, key: &str, raw: &str) -> &mut Self {
        self.key(key, Shape::Json).push_str(raw);
        self
    }

    /// End the record and write its line.
    pub fn finish(&mut self) -> io::Result<()> {
        let table = &mut *self.table;
        table.line.push_str("}\n");
        table.out.write_all(table.line.as_bytes())?;
        table.bytes += table.line.len() as u64;
        table.count += 1;
        Ok(())
    }
}

fn push_int(out: &mut String, value: i64) {
    use fmt::Write as _;
    let _ = write!(out, "{value}");
}

/// Append `text` as a JSON string literal.
pub(crate) fn push_json_str(out: &mut String, text: &str) {
    use fmt::Write as _;
    out.push('"');
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f | 0x7f => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// A JSON string literal.
pub(crate) fn json_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_json_str(&mut out, text);
    out
}

// ---------------------------------------------------------------------------------------------
// Declaring schemas and writing locks

/// A field declaration being built.
pub(crate) struct Decl(FieldSchema);

impl Decl {
    pub fn new(field_type: FieldType, label: &str) -> Decl {
        Decl(FieldSchema { field_type, label: Some(label.to_owned()), ..FieldSchema::default() })
    }

    pub fn required(mut self) -> Decl {
        self.0.required = true;
        self
    }

    pub fn many(mut self) -> Decl {
        self.0.many = true;
        self
    }

    pub fn custom(mut self) -> Decl {
        self.0.custom = true;
        self
    }

    pub fn note(mut self, note: &str) -> Decl {
        self.0.note = Some(note.to_owned());
        self
    }

    pub fn values(mut self, values: &[(&str, Option<&str>)]) -> Decl {
        self.0.values = values
            .iter()
            .map(|(value, label)| EnumValue {
                value: (*value).to_owned(),
                label: label.map(str::to_owned),
                count: None,
            })
            .collect();
        self
    }
}

/// Declaration shorthands.
pub(crate) mod decl {
    use super::Decl;
    use crate::check::schema::FieldType;

    pub fn int(label: &str) -> Decl {
        Decl::new(FieldType::Int, label)
    }
    pub fn float(label: &str) -> Decl {
        Decl::new(FieldType::Float, label)
    }
    pub fn boolean(label: &str) -> Decl {
        Decl::new(FieldType::Bool, label)
    }
    pub fn text(label: &str) -> Decl {
        Decl::new(FieldType::Text, label)
    }
    pub fn html(label: &str) -> Decl {
        Decl::new(FieldType::Html, label)
    }
    pub fn date(label: &str) -> Decl {
        Decl::new(FieldType::Date, label)
    }
    pub fn datetime(label: &str) -> Decl {
        Decl::new(FieldType::Datetime, label)
    }
    pub fn binary(label: &str) -> Decl {
        Decl::new(FieldType::Binary, label)
    }
    /// A reference to `target`.
    pub fn rel(target: &str, label: &str) -> Decl {
        let mut d = Decl::new(FieldType::Relation, label);
        d.0.target = Some(target.to_owned());
        d
    }
    /// A to-many reference to `target`.
    pub fn many(target: &str, label: &str) -> Decl {
        rel(target, label).many()
    }
    /// An enum with `(value, label)` pairs.
    pub fn enumeration(label: &str, values: &[(&str, &str)]) -> Decl {
        let pairs: Vec<(&str, Option<&str>)> = values.iter().map(|(v, l)| (*v, Some(*l))).collect();
        Decl::new(FieldType::Enum, label).values(&pairs)
    }
}

/// An object schema from a label and field declarations.
pub(crate) fn object(label: &str, fields: Vec<(&str, Decl)>) -> ObjectSchema {
    ObjectSchema {
        label: Some(label.to_owned()),
        creatable: true,
        fields: fields.into_iter().map(|(name, decl)| (name.to_owned(), decl.0)).collect(),
        ..ObjectSchema::default()
    }
}

/// A YAML key: plain when it is a simple name, quoted otherwise.
fn yaml_key(key: &str) -> String {
    let simple = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if simple { key.to_owned() } else { json_str(key) }
}

/// The lock as YAML in the layout of the hand-written locks: one line per plain field, a block
/// per field with values.
fn lock_yaml(header: &str, lock: &SchemaLock) -> String {
    use fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "# {header}");
    let _ = writeln!(out, "lock: {}", lock.lock);
    let _ = writeln!(out, "system: {}", json_str(&lock.system));
    if let Some(version) = &lock.version {
        let _ = writeln!(out, "version: {}", json_str(version));
    }
    out.push_str("objects:\n");
    for (name, object) in &lock.objects {
        let _ = writeln!(out, "\n  {}:", yaml_key(name));
        if let Some(label) = &object.label {
            let _ = writeln!(out, "    label: {}", json_str(label));
        }
        if let Some(count) = object.count {
            let _ = writeln!(out, "    count: {count}");
        }
        if !object.creatable {
            out.push_str("    creatable: false\n");
        }
        out.push_str("    fields:\n");
        for (field_name, field) in &object.fields {
            let mut attrs = vec![format!("type: {}", field.field_type.as_str())];
            if let Some(label) = &field.label {
                attrs.push(format!("label: {}", json_str(label)));
            }
            if field.required {
                attrs.push("required: true".to_owned());
            }
            if field.many {
                attrs.push("many: true".to_owned());
            }
            if let Some(target) = &field.target {
                attrs.push(format!("target: {}", json_str(target)));
            }
            if field.custom {
                attrs.push("custom: true".to_owned());
            }
            if let Some(max) = field.max_length {
                attrs.push(format!("max_length: {max}"));
            }
            if let Some(max) = field.max_items {
                attrs.push(format!("max_items: {max}"));
            }
            if let Some(note) = &field.note {
                attrs.push(format!("note: {}", json_str(note)));
            }
            if field.values.is_empty() {
                let _ = writeln!(out, "      {}: {{ {} }}", yaml_key(field_name), attrs.join(", "));
                continue;
            }
            let _ = writeln!(out, "      {}:", yaml_key(field_name));
            for attr in attrs {
                let _ = writeln!(out, "        {attr}");
            }
            out.push_str("        values:\n");
            for value in &field.values {
                let mut parts = vec![format!("value: {}", json_str(&value.value))];
                if let Some(label) = &value.label {
                    parts.push(format!("label: {}", json_str(label)));
                }
                if let Some(count) = value.count {
                    parts.push(format!("count: {count}"));
                }
                let _ = writeln!(out, "          - {{ {} }}", parts.join(", "));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(DST_SPRING), "2026-03-29T01:00:00Z");
        assert_eq!(rfc3339(DST_AUTUMN), "2026-10-25T01:00:00Z");
        assert_eq!(rfc3339(WINDOW_START), "2023-01-01T00:00:00Z");
        assert_eq!(rfc3339(WINDOW_END), "2026-11-01T00:00:00Z");
        for days in [-1000, 0, 59, 60, 365, 10_957, 20_000, 20_512] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn berlin_changes_offset_at_the_dst_constants() {
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        let offset = |secs: i64| berlin.to_offset(jiff::Timestamp::from_second(secs).unwrap()).seconds();
        assert_eq!(offset(DST_SPRING - 1), 3600);
        assert_eq!(offset(DST_SPRING), 7200);
        assert_eq!(offset(DST_AUTUMN - 1), 7200);
        assert_eq!(offset(DST_AUTUMN), 3600);
    }

    #[test]
    fn encodings_match_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"%PDF-"), "JVBERi0=");
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha1_hex(&[b'a'; 1000]), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
        assert_eq!(json_str("a\"b\\c\n\u{7}\u{7f}é"), "\"a\\\"b\\\\c\\n\\u0007\\u007fé\"");
    }

    #[test]
    fn uuids_sort_in_generation_order() {
        let ids: Vec<String> = (0..300).map(|n| uuid(5, tag(b"x"), n)).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ids[1].len(), 36);
        assert_eq!(&ids[1][14..15], "4");
    }

    #[test]
    fn messy_emails_differ_but_normalise_back() {
        let mut rng = Rng::new(7);
        for _ in 0..50 {
            let messy = messy_email("anna.schmidt@example.com", &mut rng);
            assert_ne!(messy, "anna.schmidt@example.com");
            assert_eq!(messy.trim().to_lowercase(), "anna.schmidt@example.com");
        }
    }
}
