//! Reports: diagnostics (and later plans, reconciliation counts) turned into text at the edge.
//!
//! Every stage returns [`Diagnostics`](crate::diagnostic::Diagnostics) as plain data with spans.
//! This module is the only place that turns them into something a person or a tool reads, in
//! three formats chosen by `cutover validate --format`:
//!
//! - `render` draws them with miette for people (`human`, on stderr). miette gives a diagnostic
//!   only one source text, so a label that points into another file (a base spec, a schema lock)
//!   becomes a related diagnostic with its own source; nothing written by a stage is dropped.
//! - `json` prints a stable, versioned document for tools (`json`, on stdout).
//! - `github` prints GitHub Actions workflow commands, so errors show up as annotations on the
//!   lines of a pull request (`github`, on stdout).
//!
//! Rendering never reads the environment or the terminal: the caller decides colour and width
//! through [`RenderStyle`], which keeps snapshots stable.

mod github;
pub mod inventory;
mod json;
pub mod lock;
pub mod plan;
pub mod reconcile;
mod render;
pub mod yaml;

pub use github::render_github;
pub use json::render_json;
pub use render::{RenderStyle, render_human};
