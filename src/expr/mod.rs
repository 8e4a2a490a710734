//! The expression language: parsing with pest into a spanned syntax tree.

pub mod ast;
