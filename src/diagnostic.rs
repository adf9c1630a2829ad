//! The diagnostic and fix data that rules produce and every output format prints.

use crate::config::Severity;
use std::ops::Range;

/// How safe a fix is to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    Safe,
    Unsafe,
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace `range` (byte offsets in the decoded text) with `content`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
    /// 1-based (line, column) of the range ends, filled in for output.
    pub start: (usize, usize),
    pub end: (usize, usize),
}

#[derive(Debug, Clone)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in a sentence.
    pub message: String,
    /// The replacement text to show the user (`fix: ...`).
    pub replacement: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub code: &'static str,
    /// The rule id (`parse-error` for CAN000).
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub start: (usize, usize),
    pub end: (usize, usize),
    /// The flagged source line, for human output.
    pub source_line: String,
    pub fix: Option<Fix>,
    /// Byte range of the flagged span.
    pub range: Range<usize>,
}

impl Diagnostic {
    /// Whether `--fix` applies this finding's fix: a safe fix, or an unsafe one when
    /// `unsafe_fixes` (`--unsafe-fixes`) is given.
    pub fn fixable(&self, unsafe_fixes: bool) -> bool {
        match self.fix.as_ref().map(|fix| fix.applicability) {
            Some(Applicability::Safe) => true,
            Some(Applicability::Unsafe) => unsafe_fixes,
            _ => false,
        }
    }

    /// Whether this finding's fix is unsafe: `--fix` applies it only with
    /// `--unsafe-fixes`.
    pub fn has_unsafe_fix(&self) -> bool {
        self.fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
    }
}

/// The code and rule id used for files that could not be fully parsed or read.
pub const PARSE_CODE: &str = "CAN000";
pub const PARSE_RULE: &str = "parse-error";

/// Documentation link of a code.
pub fn url(code: &str) -> String {
    format!(
        "https://github.com/canon-lint/canon#{}",
        code.to_ascii_lowercase()
    )
}
