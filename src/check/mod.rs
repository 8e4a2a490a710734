//! Type checking a spec against schema locks.

pub mod schema;
