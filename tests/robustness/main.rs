//! Robustness: canon never breaks and never loses data, whatever it is given.
//!
//! - `fuzz_regressions`: inputs found by the fuzz targets in `fuzz/`, replayed through
//!   the library API, plus the properties those targets check.
//! - `git_edges`: repository states (merges, submodules, symlinks, worktrees, bare,
//!   sparse, shallow, autocrlf, odd file names, huge files, ...) run through the binary.
//! - `python_edges`: Python that the parser rejects or that stresses it.
//! - `output_security`: hostile file names and source in every output format, and
//!   `--fix` never writing outside the repository.
//! - `write_failures`: a full stdout, a reader that goes away, an unwritable stderr.

mod common;
mod fuzz_regressions;
mod git_edges;
mod output_security;
mod python_edges;
mod write_failures;
