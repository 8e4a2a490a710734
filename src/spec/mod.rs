//! Loading specs.

// model: being written
