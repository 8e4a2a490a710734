//! The integration test suite: one binary, one module per area (see tests/README.md).

mod check;
mod cli;
mod conformance;
mod destination;
mod expr;
mod file_driver;
mod generate;
mod intercom_sink;
mod inventory;
mod odoo_attachments;
mod odoo_pair;
mod odoo_source;
mod odoo_versions;
mod otrs_pair;
mod otrs_source;
mod otrs_sql;
mod reliability;
mod robustness;
mod run;
mod runner;
mod sandbox_intercom;
mod sandbox_odoo;
mod snapshot;
mod state;
mod support;
mod xmlrpc;
