//! Running a plan: the interpreter and its built-in functions.

pub mod batch;
pub mod builtins;
pub mod interpreter;
pub mod sample;
pub mod value;
