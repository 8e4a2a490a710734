//! OTRS 6 / Znuny / OTOBO, read from the helpdesk's own database (MySQL/MariaDB or PostgreSQL),
//! read-only.
//!
//! [`db`] holds the read-only sqlx pool on a thread of its own and decodes rows of either engine
//! into one cell type; [`model`] turns the tables `information_schema` lists into the objects a
//! spec reads (an article with its headers, HTML body and files; agents with their e-mail;
//! dynamic fields as typed fields); [`convert`] reads stored values (time zone, epoch seconds,
//! base64 or raw attachment bytes, damaged text); [`OtrsSource`] is the [`Source`](crate::drivers::Source).

pub mod convert;
pub mod db;
pub mod model;
pub mod rebuild;
pub mod source;

pub use db::Engine;
pub use source::{Found, OtrsConfig, OtrsSource};
