//! Odoo Help Desk over XML-RPC: the wire values, the codec and client, and the source driver
//! ([`OdooSource`]).
//!
//! [`XmlRpcValue`] is what travels: XML-RPC's types, with Odoo's conventions (False for empty
//! values, many2one as `[id, name]`, naive-UTC date-time strings) decoded later, where the field's
//! type from `fields_get` is known ([`odoo_to_json`]). [`codec`] turns values into `methodCall` and
//! `methodResponse` documents and back; [`OdooClient`] sends them to `/xmlrpc/2/common` and
//! `/xmlrpc/2/object` and reports failures as [`OdooError`]s a consultant can act on.
//! [`OdooSource`] reads through it by keyset pages, typed by `fields_get` and the schema lock
//! ([`schema`] maps Odoo types to lock types), with the client on a thread of its own
//! ([`worker`]) so the synchronous `Source` trait can be called from any thread. Its `describe`
//! adds custom field labels, small tables' names and counts and version notes (`discover.rs`);
//! [`OdooSource::rebuild_by_hand`] reads the automated actions and mail aliases `cutover
//! inventory` lists (`rebuild.rs`).

pub mod client;
pub mod codec;
pub mod codec_error;
pub mod convert;
mod discover;
pub mod error;
mod rebuild;
pub mod schema;
pub mod server_version;
pub mod source;
pub mod value;
pub mod worker;

pub use client::{ApiKey, OdooClient, OdooClientConfig};
pub use codec::{decode_call, decode_response, encode_call, encode_response};
pub use codec_error::{CodecError, CodecErrorKind};
pub use convert::odoo_to_json;
pub use error::{FaultKind, OdooError};
pub use server_version::ServerVersion;
pub use source::OdooSource;
pub use value::{Fault, XmlRpcValue};
