//! canon's library: every concept in its own module, used by the `canon` binary,
//! the benchmarks and the fuzz targets.
//!
//! - [`config`] and [`yaml`]: `.canon.yaml` discovery, schema and validation.
//! - [`gitsource`]: staged blobs, commits, the working tree and changed lines;
//!   [`index_diff`] and [`index_file`]: the staged changes read from the index file.
//! - [`source`] and [`python`]: decoded text, the scanner, and the Python model;
//!   [`byteclass`]: the byte masks the scanner steps through;
//!   [`import_syntax`]: the fast parser of import statements; [`lexical`]: references
//!   resolved without a parser for whole-tree scans.
//! - [`rules`]: the rule engine; [`fixes`] and [`writer`]: fixes and safe writes;
//!   [`udiff`]: the unified diffs `--diff` prints.
//! - [`output`]: every output format; [`explain`]: rule explanations and `init`;
//!   [`report`]: the compliance report; [`hook`]: `install-hook`.
//! - [`check`], [`project`], [`cli`]: the `check` command and the command line;
//!   [`console`]: writing to stdout and stderr without panicking.

// `print!`, `eprintln!` and their kin panic when the stream fails: see [`console`].
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod byteclass;
pub mod call_template;
pub mod check;
pub mod cli;
pub mod config;
pub mod console;
pub mod diagnostic;
pub mod explain;
pub mod fixes;
pub mod gitsource;
pub mod hook;
pub mod import_syntax;
pub mod index_diff;
pub mod index_file;
pub mod lexical;
pub mod output;
pub mod project;
pub mod python;
pub mod report;
pub mod rules;
pub mod source;
pub mod udiff;
pub mod writer;
pub mod yaml;
