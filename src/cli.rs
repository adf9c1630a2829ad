//! Command-line arguments (clap derive).

use crate::output::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "canon",
    version,
    about = "Keeps a Python codebase on its single sources of truth",
    long_about = "canon checks the lines a change touches against the canonical rules in .canon.yaml \
                  (deprecated imports, banned calls, duplicate definitions, hard-coded values), prints \
                  the exact fix, applies it safely when asked, and reports compliance for a whole tree."
)]
pub struct Cli {
    /// Config file to use instead of the nearest .canon.yaml / canon.yaml
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check staged changes (default), changed lines, a commit range, or whole files
    Check(CheckArgs),
    /// Report SSOT compliance (canonical vs deprecated uses) for a whole tree
    Report(ReportArgs),
    /// List the configured rules
    Rules,
    /// Explain one rule: what it forbids, what to do instead, an example
    Rule {
        /// Rule id (or code)
        id: String,
    },
    /// Write a commented starter .canon.yaml (never overwrites)
    Init,
    /// Install the git pre-commit hook that runs `canon check --staged`
    InstallHook {
        /// Replace an existing hook that canon did not write (a backup is kept)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories (with --staged and the diff modes: restrict to these)
    pub paths: Vec<PathBuf>,

    /// Check the staged content of changed files, lines changed versus HEAD (the default)
    #[arg(long, conflicts_with_all = ["changed", "diff_base", "from_ref", "stdin_filename"])]
    pub staged: bool,

    /// Check the working tree, lines changed versus HEAD
    #[arg(long, conflicts_with_all = ["diff_base", "from_ref"])]
    pub changed: bool,

    /// Check the working tree, lines changed since the merge base of REV and HEAD
    #[arg(long, value_name = "REV", conflicts_with_all = ["from_ref", "stdin_filename"])]
    pub diff_base: Option<String>,

    /// With --to-ref: check commit B, lines changed between A and B
    #[arg(
        long,
        value_name = "A",
        requires = "to_ref",
        conflicts_with = "stdin_filename"
    )]
    pub from_ref: Option<String>,

    /// With --from-ref: the commit whose content is checked
    #[arg(long, value_name = "B", requires = "from_ref")]
    pub to_ref: Option<String>,

    /// Read the source from stdin as if it were PATH
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Apply safe fixes
    #[arg(long)]
    pub fix: bool,

    /// Also apply unsafe fixes (with --fix or --diff)
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff and change nothing (with --fix too, as ruff)
    #[arg(long)]
    pub diff: bool,

    /// Output format
    #[arg(long, alias = "format", value_enum, default_value = "human")]
    pub output_format: Format,

    /// Only these rule ids or codes (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub select: Vec<String>,

    /// Skip these rule ids or codes (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub ignore: Vec<String>,

    /// When to colour the output
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Exit 0 even when violations remain
    #[arg(long)]
    pub exit_zero: bool,

    /// Print a count per rule instead of each diagnostic
    #[arg(long)]
    pub statistics: bool,

    /// Print only the diagnostics (no summary)
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Files or directories (default: the project root)
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, alias = "format", value_enum, default_value = "human")]
    pub output_format: ReportFormat,

    /// Exit 1 when overall compliance is below PCT (0 to 100, a trailing % allowed)
    #[arg(long, value_name = "PCT", value_parser = percentage)]
    pub fail_under: Option<f64>,

    /// How many files and modules to list
    #[arg(long, default_value = "10")]
    pub top: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
    Markdown,
}

/// A percentage from 0 to 100, written with or without a trailing `%`.
fn percentage(value: &str) -> Result<f64, String> {
    let number = value.trim().strip_suffix('%').unwrap_or(value.trim());
    match number.parse::<f64>() {
        Ok(pct) if (0.0..=100.0).contains(&pct) => Ok(pct),
        _ => Err("expected a percentage from 0 to 100".to_string()),
    }
}
