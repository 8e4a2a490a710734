//! The integration test suite: one binary, one module per area (see tests/README.md).

mod check;
mod cli;
mod expr;
mod file_driver;
mod generate;
mod robustness;
mod run;
mod snapshot;
mod support;
