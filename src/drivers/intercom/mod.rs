//! The Intercom sink: writes migrated records to a workspace through the REST API 2.16.
//!
//! Layers, bottom up:
//!
//! - [`Pacer`] (`pacer.rs`): one rate limiter shared by every request in flight. It spreads
//!   requests evenly over Intercom's 10-second windows at `limit × share` and never lets more
//!   start than the window's `X-RateLimit-Remaining` allows, holding everything until the reset
//!   after a 429.
//! - [`RetryPolicy`] (`retry.rs`): capped exponential backoff with full jitter from a seeded
//!   generator.
//! - [`Client`] (`client.rs`): HTTPS with rustls, the regional host (or an explicit URL such as
//!   the sandbox's), the bearer token in a [`Token`] that never prints, `Intercom-Version: 2.16`,
//!   per-operation request counts. It applies the retry rule: 429s, 5xx, timeouts and broken
//!   connections are retried for operations that are safe to repeat, while a create whose outcome
//!   is unknown comes back as [`SinkError::Ambiguous`] *without* being sent again, so the runner
//!   settles it by a lookup and nothing is created twice. The rule, operation by operation, is
//!   documented on [`Operation`].
//! - Typed operations (`operations.rs`): one `Client` method per API call, typed input, the
//!   destination id out; `skip_notifications: true` wherever the API has it.
//! - [`IntercomSink`] (here): a connected workspace: who the token is, teammates by email, teams
//!   by name, and tags by name, resolved once so that per-record work is only the record's own
//!   calls ([`TicketTarget::requests_per_ticket`] gives that minimum, and
//!   [`Client::request_counts`] what was actually sent).
//! - [`IntercomDestination`] (`destination.rs`): the runner's
//!   [`Destination`](crate::drivers::Destination) over the sink — records in the spec's
//!   destination fields ([`record_fields`]) turned into operations, unclear creates settled by
//!   lookups, follow-ups finished, records read back and compared ([`comparison`]).
//!
//! Everything here is `async` (tokio): the pacer needs many requests in flight to reach its
//! budget. The synchronous [`Sink`](super::Sink) trait is bridged by the runner, which owns the
//! ledger that records an intent before each non-idempotent call.

pub mod client;
pub mod comparison;
pub mod destination;
pub mod error;
pub mod operations;
pub mod pacer;
pub mod record_fields;
pub mod retry;

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

pub use client::{API_VERSION, Client, ClientConfig, Endpoint, Region, RequestCounts, Token};
pub use destination::IntercomDestination;
pub use error::{ApiError, Call, SinkError, Transient};
pub use operations::{Admin, Me, Operation, Tag, Team, TicketTarget};
pub use pacer::{Pacer, PacerConfig, PacerStatus, RateLimit};
pub use retry::RetryPolicy;

/// A connected workspace: the client plus what every record needs resolved — the token's admin,
/// teammates by lower-cased email, teams by name and tags by lower-cased name.
#[derive(Debug)]
pub struct IntercomSink {
    client: Client,
    me: Me,
    admins: HashMap<String, Admin>,
    teams: HashMap<String, Team>,
    tags: Mutex<HashMap<String, Tag>>,
}

impl IntercomSink {
    /// Connect: `GET /me`, `/admins`, `/teams` and `/tags`, once.
    pub async fn connect(client: Client) -> Result<Self, SinkError> {
        let me = client.me().await?;
        let admins = client
            .list_admins()
            .await?
            .into_iter()
            .filter_map(|admin| Some((admin.email.as_deref()?.trim().to_lowercase(), admin)))
            .collect();
        let teams = client.list_teams().await?.into_iter().map(|team| (team.name.clone(), team)).collect();
        let tags = client.list_tags().await?.into_iter().map(|tag| (tag.name.to_lowercase(), tag)).collect();
        Ok(Self { client, me, admins, teams, tags: Mutex::new(tags) })
    }

    /// The client, for the typed operations.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The token's admin and workspace.
    pub fn me(&self) -> &Me {
        &self.me
    }

    /// The teammate with this email, compared case-insensitively (Intercom has no find-by-email).
    pub fn admin_by_email(&self, email: &str) -> Option<&Admin> {
        self.admins.get(&email.trim().to_lowercase())
    }

    /// The team with exactly this name.
    pub fn team_by_name(&self, name: &str) -> Option<&Team> {
        self.teams.get(name)
    }

    /// The tag with this name (case-insensitive), created on first use; one request per missing
    /// name over the whole run.
    pub async fn tag(&self, name: &str) -> Result<Tag, SinkError> {
        let key = name.to_lowercase();
        if let Some(tag) = self.tags.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Ok(tag.clone());
        }
        let tag = self.client.find_or_create_tag(name).await?;
        self.tags.lock().unwrap_or_else(PoisonError::into_inner).insert(key, tag.clone());
        Ok(tag)
    }
}
