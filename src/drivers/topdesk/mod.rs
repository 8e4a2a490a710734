//! TOPdesk over its REST API: the client, the paging envelopes, FIQL windows and the source
//! driver ([`TopdeskSource`]).
//!
//! [`TopdeskClient`] sends authenticated GETs with timeouts and bounded retries and words every
//! failure as a [`TopdeskError`] naming the request path (never the password); it runs on a
//! thread of its own ([`worker`]) so the synchronous `Source` trait can call it from anywhere.
//! [`paging`] reads TOPdesk's four list envelopes, [`window`] plans the FIQL time windows the big
//! lists are read in, [`cursor`] writes where a read stopped as resumable text, [`dates`] reads
//! every date spelling TOPdesk uses. [`model`] names the objects and their flat columns exactly as
//! `cutover generate --platform topdesk` writes them; [`TopdeskSource`] reads them, and its
//! [`access_report`](TopdeskSource::access_report) says per module what this operator may read
//! (`discover.rs` turns both into a schema lock), and [`hierarchy`] resolves the assets'
//! parent-child links with cycles reported.

pub mod access;
pub mod client;
pub mod cursor;
pub mod dates;
mod discover;
pub mod error;
pub mod hierarchy;
mod inventory;
pub mod model;
pub mod paging;
pub mod source;
pub mod window;
pub mod worker;

pub use access::{AccessStatus, ModuleAccess};
pub use client::{Password, TopdeskClient, TopdeskConfig};
pub use error::TopdeskError;
pub use hierarchy::AssetHierarchy;
pub use source::TopdeskSource;
