//! The integration test suite: one binary, one module per area (see tests/README.md).

mod check;
mod cli;
mod conformance;
mod destination;
mod expr;
mod file_driver;
mod generate;
mod intercom_sink;
mod robustness;
mod run;
mod sandbox_intercom;
mod snapshot;
mod state;
mod support;
