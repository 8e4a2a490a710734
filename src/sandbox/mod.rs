//! Emulators of destination APIs, for tests, rehearsals and demos.
//!
//! A migration cannot be rehearsed against a customer's live workspace, and tests cannot depend on
//! a network service. An emulator here is a small HTTP server that keeps state in memory and
//! answers the subset of a vendor API that our sink calls, with the vendor's request and response
//! shapes, status codes and error bodies, rate limits, and eventual-consistency delays. On top of
//! that it injects failures on demand (429s, 5xx, timeouts, reset connections, lost responses), so
//! the runner's retry, pacing and resume logic can be exercised deterministically.
//!
//! An emulator is not a mock: it does not replay canned answers. Requests change its state, later
//! requests see the change, and [`intercom::Sandbox::dump`] returns the whole state for tests to
//! compare with what the migration should have produced. Every request is recorded as well, so a
//! conformance check can validate what the sink sent against the vendor's API description.
//!
//! Everything is deterministic for a given seed and request order: ids, injected faults and the
//! dump, so two identical runs produce identical results.
//!
//! - [`intercom`]: the Intercom REST API, version 2.16.
//! - [`odoo`]: Odoo's XML-RPC `common` and `object` services over a generated Help Desk, served
//!   over real XML-RPC by [`odoo::OdooServer`].
//! - [`topdesk`]: TOPdesk's REST APIs over a generated TOPdesk, served over HTTP by
//!   [`topdesk::TopdeskServer`].

pub mod intercom;
pub mod odoo;
pub mod topdesk;
