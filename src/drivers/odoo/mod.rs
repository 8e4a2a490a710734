//! Odoo Help Desk over XML-RPC: the wire values, the codec and client, and (in later steps) the
//! source driver.
//!
//! [`XmlRpcValue`] is what travels: XML-RPC's types, with Odoo's conventions (False for empty
//! values, many2one as `[id, name]`, naive-UTC date-time strings) decoded later, where the field's
//! type from `fields_get` is known.

pub mod value;

pub use value::{Fault, XmlRpcValue};
