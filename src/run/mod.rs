//! Running a plan: the interpreter and its built-in functions, and the runner that drives a
//! source and a destination from a plan with the ledger.

pub mod attachments;
pub mod batch;
pub mod builtins;
pub mod interpreter;
pub mod outgoing;
pub mod progress;
pub mod rollback;
pub mod runner;
pub mod sample;
pub mod scope;
pub mod value;
pub mod verify;
