//! Integration tests of the `canon` command line, run against real git
//! repositories in temporary directories.

mod common;
mod config;
mod import_forms;
mod output;
mod parse_recovery;
mod sources;
mod staged;
mod suppression;
