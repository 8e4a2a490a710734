//! cutover: a declarative mapping-spec compiler and runner that moves a helpdesk into Intercom.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! spec.yaml --spec::load--> Spec (every key and value spanned)
//!           --expr::parse--> Expr trees (spans into the YAML file)
//! schema locks + built-in Intercom model
//!           --check::check--> typed objects, diagnostics
//!           --plan--> compiled plan --run--> drivers, ledger, reports
//! ```
//!
//! Stages before `run` are pure: they take data and return data and diagnostics, so they are
//! tested without a network. Only `drivers`, `state` and `cli` touch the outside world.

pub mod check;
pub mod cli;
pub mod codes;
pub mod diagnostic;
pub mod drivers;
pub mod expr;
pub mod generate;
pub mod plan;
pub mod propose;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod scalar;
pub mod scope;
pub mod source;
pub mod span;
pub mod spec;
pub mod state;
pub mod suggest;

pub use cli::run;
