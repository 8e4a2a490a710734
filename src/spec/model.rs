//! The typed spec model.
//!
//! Every user-written leaf is [`Spanned`] (or a [`ScalarText`] for expressions), so later stages
//! can point at the exact text. The model is deserialized with serde from the YAML tree built by
//! `spec::yaml`, whose deserializer fills in the spans.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scalar::ScalarText;
use crate::span::Spanned;
use crate::spec::entries::Entries;
use crate::spec::load::Origin;
use crate::spec::template::Template;

/// A whole spec, after `extends:` has been merged.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cutover mapping spec")]
pub struct Spec {
    /// Spec format version; this build reads `1`.
    pub cutover: Spanned<u32>,
    /// Path of a base spec this one overlays (maps merge, scalars and lists replace, `null` deletes).
    #[serde(default)]
    pub extends: Option<Spanned<String>>,
    /// Human name of the migration (customer and platform pair).
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    /// Free text for reviewers.
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// Where records come from.
    pub source: Endpoint,
    /// Where records go.
    pub sink: Endpoint,
    /// State database: `sqlite:PATH` (default `sqlite:cutover.db` beside the spec) or a postgres URL.
    #[serde(default)]
    pub state: Option<Template>,
    /// Lookup tables used as `tables.NAME[key]`.
    #[serde(default)]
    pub tables: Entries<Spanned<String>, Entries<Spanned<String>, Spanned<Scalar>>>,
    /// What to migrate, by object name.
    #[serde(default)]
    pub objects: Entries<Spanned<String>, ObjectSpec>,
    /// Written documents for what has no home in Intercom.
    #[serde(default)]
    pub inventory: Entries<Spanned<String>, InventorySpec>,
    /// Review snapshots (`cutover snapshot`): records always included besides the automatic picks.
    #[serde(default)]
    pub snapshot: Option<SnapshotSpec>,
    /// The files this spec was loaded from (not written by users).
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

impl Spec {
    /// Every `${VAR}` template in the spec, in file order.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        self.source.templates().chain(self.sink.templates()).chain(self.state.iter())
    }
}

impl Endpoint {
    /// The endpoint's templated settings.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        [
            &self.url,
            &self.database,
            &self.login,
            &self.api_key,
            &self.password,
            &self.token,
            &self.article_dir,
            &self.path,
        ]
        .into_iter()
        .flatten()
    }
}

/// A source or sink: the driver and its settings. Which settings a driver needs is checked by
/// `check`, so one misspelt key gets a "did you mean" whatever the driver.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// `odoo`, `otrs`, `topdesk`, `file` (sources); `intercom`, `file` (sinks).
    pub driver: Spanned<String>,
    /// Schema lock describing this side (path relative to the spec file).
    #[serde(default)]
    pub schema: Option<Spanned<String>>,
    /// Base URL (Odoo, TOPdesk, Intercom) or database URL (OTRS: `mysql://…`, `postgres://…`).
    #[serde(default)]
    pub url: Option<Template>,
    /// Odoo database name.
    #[serde(default)]
    pub database: Option<Template>,
    /// Odoo or TOPdesk login.
    #[serde(default)]
    pub login: Option<Template>,
    /// Odoo API key.
    #[serde(default)]
    pub api_key: Option<Template>,
    /// TOPdesk application password.
    #[serde(default)]
    pub password: Option<Template>,
    /// Intercom access token.
    #[serde(default)]
    pub token: Option<Template>,
    /// Intercom region: `us`, `eu` or `au` (detected with `GET /me` when absent).
    #[serde(default)]
    pub region: Option<Spanned<String>>,
    /// Intercom API version (`"2.16"`).
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    /// Request budget, e.g. `10000/min`.
    #[serde(default)]
    pub rate: Option<Spanned<String>>,
    /// Share of the budget this migration may use, e.g. `0.8`.
    #[serde(default)]
    pub share: Option<Spanned<f64>>,
    /// Records per source page.
    #[serde(default)]
    pub batch: Option<Spanned<u32>>,
    /// OTRS time zone of stored timestamps (`Europe/Berlin`).
    #[serde(default)]
    pub time_zone: Option<Spanned<String>>,
    /// OTRS article directory when attachments are stored on disk.
    #[serde(default)]
    pub article_dir: Option<Template>,
    /// TOPdesk date window in days (default 90).
    #[serde(default)]
    pub window_days: Option<Spanned<u32>>,
    /// File driver directory.
    #[serde(default)]
    pub path: Option<Template>,
    /// Intercom: import tickets as `conversation` (default) or `ticket`.
    #[serde(default)]
    pub target: Option<Spanned<String>>,
    /// Largest attachment file sent, in MiB (default 25); larger files are flagged, not sent.
    #[serde(default)]
    pub attachment_max_mb: Option<Spanned<f64>>,
    /// Most attachment files on one reply (default 10, Intercom's cap); the rest are flagged.
    #[serde(default)]
    pub attachment_max_files: Option<Spanned<u32>>,
    /// File name extensions never sent (flagged instead), without the dot. Default: executable
    /// and script types (`exe`, `bat`, `cmd`, `com`, `msi`, `scr`, `js`, `vbs`, `ps1`, `jar`, …).
    #[serde(default)]
    pub attachment_blocked_types: Option<Vec<Spanned<String>>>,
}

/// A scalar value in a table.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    /// `null` or `~`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// `3`.
    Int(i64),
    /// `1.5`.
    Float(f64),
    /// Text.
    Text(String),
}

/// One object mapping: records of a source object become destination records of one kind.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectSpec {
    /// Source object (`res.partner`, `ticket`, `incidents`).
    pub from: Spanned<String>,
    /// Destination kind (`contact`, `conversation`, `conversation_part`, …).
    pub to: Spanned<String>,
    /// Expression: only records for which it is true are migrated; others count as skipped.
    #[serde(default, rename = "where")]
    pub filter: Option<ScalarText>,
    /// Only records that these `OBJECT.FIELD` relations point at (e.g. partners some ticket references);
    /// a path through relations works too (`part.author_id.user_ids`: the users of message authors).
    #[serde(default)]
    pub referenced_by: Vec<Spanned<String>>,
    /// Expression giving the destination identity; records with the same key become one record.
    #[serde(default)]
    pub key: Option<ScalarText>,
    /// Expression matched against the destination's key field; matched records are never created.
    #[serde(default, rename = "match")]
    pub match_key: Option<ScalarText>,
    /// What happens to records `match` does not find: `queue` (default) or `skip`.
    #[serde(default)]
    pub unmatched: Option<Spanned<Unmatched>>,
    /// `OBJECT via FIELD`: each record belongs to the parent record its FIELD points at.
    #[serde(default)]
    pub parent: Option<Spanned<String>>,
    /// Expression ordering records within their parent (e.g. `date`).
    #[serde(default)]
    pub order: Option<ScalarText>,
    /// Objects that must be migrated before this one (beside those implied by `ref`/`parent`).
    #[serde(default)]
    pub after: Vec<Spanned<String>>,
    /// Destination field → expression.
    #[serde(default)]
    pub fields: Entries<Spanned<String>, ScalarText>,
    /// Guesses written by `cutover propose`: destination field → expression, each with its score
    /// and reasons as a comment. They are checked like `fields:`, but `validate` reports every one
    /// and `run` refuses to start until a person confirms it by moving it to `fields:`.
    #[serde(default)]
    pub proposed: Entries<Spanned<String>, ScalarText>,
    /// Source fields `cutover propose` found no good destination for: field → what is known about
    /// it. Each is a decision to make (map it in `fields:`, drop it, or list it in `inventory:`);
    /// like `proposed:`, an entry left here blocks `run`.
    #[serde(default)]
    pub decide: Entries<Spanned<String>, Spanned<String>>,
    /// Rules that map many source fields at once (`x_studio_*`).
    #[serde(default)]
    pub each: Vec<EachRule>,
    /// Records to hold back for a person to decide, with the reason.
    #[serde(default)]
    pub flag: Vec<FlagRule>,
    /// Files attached to each record, sent with it (conversation parts).
    #[serde(default)]
    pub attachments: Option<AttachmentsSpec>,
}

impl ObjectSpec {
    /// Every destination field → expression, confirmed (`fields:`) then proposed (`proposed:`).
    pub fn mapped(&self) -> impl Iterator<Item = (&Spanned<String>, &ScalarText)> {
        self.fields.iter().chain(self.proposed.iter())
    }
}

/// The files of a record: the related attachment records, their metadata as expressions over
/// the attachment model, and the field holding their content.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentsSpec {
    /// A to-many relation of this object's source to the attachment model (`attachment_ids`).
    pub from: Spanned<String>,
    /// Expression over the attachment: only files for which it is true are sent; others are
    /// recorded as skipped.
    #[serde(default, rename = "where")]
    pub filter: Option<ScalarText>,
    /// Expression: the file name shown in the destination.
    pub name: ScalarText,
    /// Expression: the MIME type (`mimetype`).
    pub content_type: ScalarText,
    /// Expression: the size in bytes as the source reports it, so the size limit is enforced
    /// before any content is read (the real size is checked again after reading).
    #[serde(default)]
    pub size: Option<ScalarText>,
    /// The attachment field holding the base64 content (`datas`); read one file at a time while
    /// the record is written, never with the page.
    pub data: Spanned<String>,
}

/// What to do with a record that `match` finds no destination record for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unmatched {
    /// Put it in the reconciliation queue; records that `ref` it wait there too.
    Queue,
    /// Leave it out; `ref`s to it give null.
    Skip,
}

/// Map every source field matching a pattern.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EachRule {
    /// Glob over source field names (`x_studio_*`).
    pub fields: Spanned<String>,
    /// Destination field template; `{name}` is the source field's name.
    pub to: Spanned<String>,
    /// Fields the pattern matches that should be left out.
    #[serde(default)]
    pub except: Vec<Spanned<String>>,
}

/// Hold records back with a reason.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagRule {
    /// Expression; records for which it is true are flagged.
    pub when: ScalarText,
    /// Why, as shown in the reconciliation report.
    pub reason: Spanned<String>,
}

/// What `cutover snapshot` renders besides its automatic picks.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotSpec {
    /// Source ids to include, by object: `{ conversation: [1042, 1043] }`.
    #[serde(default)]
    pub ids: Entries<Spanned<String>, Vec<Spanned<Scalar>>>,
}

/// A written document listing records that have no home in Intercom.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventorySpec {
    /// Source object.
    pub from: Spanned<String>,
    /// Document title.
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// Which records (expression).
    #[serde(default, rename = "where")]
    pub filter: Option<ScalarText>,
    /// One expression per column.
    #[serde(default)]
    pub columns: Vec<ScalarText>,
}
