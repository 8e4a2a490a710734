//! Running a plan: the interpreter and its built-in functions.

pub mod value;
