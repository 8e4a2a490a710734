//! [`TopdeskConfig`]: the credentials, per-module access, quirks and injected slowness of one
//! emulated TOPdesk.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// How one emulated TOPdesk is set up. `Debug` leaves the password out.
#[derive(Clone)]
pub struct TopdeskConfig {
    /// The directory `cutover generate --platform topdesk` wrote.
    pub data_directory: PathBuf,
    /// The operator's login name (the Basic-auth user name). It must be the `loginName` of an
    /// operator in the data for `/operators/current` to answer that operator; otherwise the
    /// first operator stands in.
    pub login: String,
    /// The operator's application password.
    pub password: String,
    /// Per-module access; modules not listed are readable.
    pub access: BTreeMap<Module, Access>,
    /// Injected slowness.
    pub slowness: Slowness,
    /// Choices where the digest is UNCERTAIN.
    pub quirks: Quirks,
}

/// A permission area of TOPdesk, as the operator's permission groups and the licence grant it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Module {
    /// Incident management (`/tas/api/incidents…`).
    Incidents,
    /// Persons and person groups (`/tas/api/persons…`).
    Persons,
    /// Operators and operator groups.
    Operators,
    /// Branches, locations, departments.
    Branches,
    /// Change management (`operatorChanges`, `operatorChangeActivities`).
    Changes,
    /// Asset management (`/tas/api/assetmgmt…`).
    Assets,
    /// The knowledge base (`/services/knowledge-base-v1…`).
    Knowledge,
    /// Operations management (`operationalActivities`).
    Operations,
    /// Reservations.
    Reservations,
}

impl Module {
    /// Every module.
    pub const ALL: [Module; 9] = [
        Module::Incidents,
        Module::Persons,
        Module::Operators,
        Module::Branches,
        Module::Changes,
        Module::Assets,
        Module::Knowledge,
        Module::Operations,
        Module::Reservations,
    ];

    /// The module's name on the command line (`incidents`, `knowledge`, …).
    pub fn name(self) -> &'static str {
        match self {
            Module::Incidents => "incidents",
            Module::Persons => "persons",
            Module::Operators => "operators",
            Module::Branches => "branches",
            Module::Changes => "changes",
            Module::Assets => "assets",
            Module::Knowledge => "knowledge",
            Module::Operations => "operations",
            Module::Reservations => "reservations",
        }
    }

    /// The module named `name`.
    pub fn parse(name: &str) -> Result<Module, String> {
        Module::ALL.into_iter().find(|module| module.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Module::ALL.iter().map(|module| module.name()).collect();
            format!("unknown module `{name}` (expected one of {})", names.join(", "))
        })
    }
}

/// What the operator may do with one module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Access {
    /// Read everything (the default).
    #[default]
    Readable,
    /// No read permission: every endpoint of the module answers 403 with the API family's
    /// error body (digest section 15).
    Forbidden,
    /// The module is not licensed. The digest found no documented behaviour, so the answer is
    /// chosen here.
    Unlicensed(UnlicensedAnswer),
    /// Record-level filters (category, branch, operator filters) hide every record: lists come
    /// back empty (204 for bare arrays) and a single record answers as given here.
    Filtered(HiddenRecord),
}

/// How an unlicensed module answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnlicensedAnswer {
    /// 404 on every endpoint (as the knowledge base does with its feature flag off).
    NotFound,
    /// 403, as a missing permission.
    Forbidden,
    /// Empty lists, as if filtered; single records 404.
    Empty,
}

/// How a record hidden by record-level filters answers a single GET.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HiddenRecord {
    /// 404, as if it did not exist.
    NotFound,
    /// 403 "No permission".
    Forbidden,
}

/// Injected slowness, for the driver's timeout and page-shrinking logic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slowness {
    /// Added before every answer.
    pub delay: Duration,
    /// Requests asking for more than this many records (`pageSize`, `page_size`, `$top`) are
    /// slow, as [`Slowness::large_page`] says.
    pub large_page_over: Option<u64>,
    /// What a slow request gets.
    pub large_page: SlowAnswer,
}

/// What a request for a page that is too large gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlowAnswer {
    /// Answered normally after this extra delay.
    Delayed(Duration),
    /// Held this long, then 504 Gateway Time-out, as a proxy in front of a busy TOPdesk does.
    Timeout(Duration),
}

impl Default for SlowAnswer {
    fn default() -> SlowAnswer {
        SlowAnswer::Timeout(HOLD)
    }
}

/// How long a slow request is held before its 504 by default.
pub const HOLD: Duration = Duration::from_secs(5);

/// Behaviour the digest marks UNCERTAIN, switchable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quirks {
    /// Bare-array lists answer 206 when the page is full, even when nothing follows (the next
    /// page is then 204); false: 206 only when more records remain.
    pub full_page_is_partial: bool,
    /// `operatorChanges` and `operatorChangeActivities` answer 206 while more records remain
    /// (false: always 200).
    pub changes_partial_status: bool,
    /// The largest `page_size` of an incident's attachment list (10 in API 3.8.5, 100 in 4.2.6).
    pub attachments_max_page: u64,
    /// Whether the progress trail lists the caller's request memos too (else only `/requests`).
    pub trail_includes_requests: bool,
    /// The answer of `/tas/api/version`.
    pub api_version: String,
    /// The answer of `/tas/api/productVersion` (major, minor, patch).
    pub product_version: (u32, u32, u32),
}

impl Default for Quirks {
    fn default() -> Quirks {
        Quirks {
            full_page_is_partial: true,
            changes_partial_status: true,
            attachments_max_page: 10,
            trail_includes_requests: true,
            api_version: "3.8.5".to_owned(),
            product_version: (2025, 3, 0),
        }
    }
}

impl std::fmt::Debug for TopdeskConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TopdeskConfig")
            .field("data_directory", &self.data_directory)
            .field("login", &self.login)
            .field("password", &"<redacted>")
            .field("access", &self.access)
            .field("slowness", &self.slowness)
            .field("quirks", &self.quirks)
            .finish()
    }
}

impl TopdeskConfig {
    /// Serve `data_directory` to the operator `login` with the application password
    /// `password`; every module readable, no slowness, default quirks.
    pub fn new(
        data_directory: impl Into<PathBuf>,
        login: impl Into<String>,
        password: impl Into<String>,
    ) -> TopdeskConfig {
        TopdeskConfig {
            data_directory: data_directory.into(),
            login: login.into(),
            password: password.into(),
            access: BTreeMap::new(),
            slowness: Slowness::default(),
            quirks: Quirks::default(),
        }
    }

    /// Set the access of `module`.
    pub fn with_access(mut self, module: Module, access: Access) -> TopdeskConfig {
        self.access.insert(module, access);
        self
    }

    /// The access of `module`.
    pub fn access_to(&self, module: Module) -> Access {
        self.access.get(&module).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password_and_modules_parse() {
        let config = TopdeskConfig::new("/data", "api", "s3cret-app-password");
        assert!(!format!("{config:?}").contains("s3cret"));
        assert_eq!(Module::parse("knowledge"), Ok(Module::Knowledge));
        assert!(Module::parse("problems").unwrap_err().contains("incidents, persons"));
    }
}
