//! Printing diagnostics in every output format (human, concise, json, github, sarif),
//! with control characters escaped and colour only where asked for.

use crate::config::{Config, Severity};
use crate::diagnostic::{url, Diagnostic, Edit, Fix, PARSE_CODE, PARSE_RULE};
use owo_colors::OwoColorize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    Github,
    Sarif,
}

/// Makes text safe for a terminal or a one-line format: control characters and
/// bidirectional overrides become visible escapes. Text with nothing to escape is
/// borrowed as it is.
pub fn escape(text: &str) -> Cow<'_, str> {
    if is_printable_ascii(text) {
        return Cow::Borrowed(text);
    }
    let mut result = String::with_capacity(text.len());
    for c in text.chars() {
        // Zero-width and direction marks, line and paragraph separators, and the
        // zero-width no-break space: invisible, or breaking a line where none shows.
        let invisible = matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
        if c.is_control() || invisible {
            match c {
                '\t' => result.push_str("\\t"),
                '\n' => result.push_str("\\n"),
                '\r' => result.push_str("\\r"),
                c if (c as u32) < 0x80 => result.push_str(&format!("\\x{:02x}", c as u32)),
                c => result.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            result.push(c);
        }
    }
    Cow::Owned(result)
}

/// `text` with each line escaped as [`escape`] does, its line breaks kept: for pages
/// of several lines that quote the config (`canon rules`, `canon rule ID`).
pub fn escape_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(body) => format!("{}\n", escape(body)),
            None => escape(line).into_owned(),
        })
        .collect()
}

/// How many terminal cells `text` takes: two for a wide character (CJK, most emoji),
/// none for a combining mark, as terminals and ruff count them. `text` holds no
/// control characters (they are escaped before).
fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Whether every byte of `text` is printable ASCII (nothing to escape), tested 16
/// bytes at a time without an early exit so that the test compiles to vector code.
fn is_printable_ascii(text: &str) -> bool {
    let printable = |byte: &u8| byte.wrapping_sub(0x20) < 0x5f;
    let chunks = text.as_bytes().chunks_exact(16);
    let rest = chunks.remainder();
    chunks
        .into_iter()
        .all(|chunk| chunk.iter().fold(true, |all, byte| all & printable(byte)))
        && rest.iter().all(printable)
}

/// What a `--fix` run did, for the summary.
#[derive(Debug, Default)]
pub struct Summary {
    /// True when fixes were requested (`--fix`).
    pub fixing: bool,
    /// True when fixes went to the working tree while the index keeps the violations.
    pub staged: bool,
    /// `--unsafe-fixes` was given.
    pub allow_unsafe: bool,
    pub fixed: usize,
    /// Files left untouched because their working tree differs from the index.
    pub held_back: Vec<String>,
    /// Files whose fixes were refused because the result would be unsafe to write.
    pub refused: Vec<String>,
    /// Files written with their fixes so far (named if a later write fails).
    pub written: Vec<String>,
}

/// What the closing summary line counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub findings: usize,
    /// Findings whose fix `--fix` applies with the flags given.
    pub fixable: usize,
    /// Findings with an unsafe fix that `--unsafe-fixes` was not given for.
    pub hidden: usize,
    /// Files with at least one finding.
    pub files: usize,
    /// Whether any finding is an error (not a warning).
    pub errors: bool,
}

impl Totals {
    /// The totals of one file's findings; `unsafe_fixes` when `--unsafe-fixes` is given.
    pub fn of_file(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Totals {
        let hidden = if unsafe_fixes {
            0
        } else {
            diagnostics.iter().filter(|d| d.has_unsafe_fix()).count()
        };
        Totals {
            findings: diagnostics.len(),
            fixable: diagnostics
                .iter()
                .filter(|d| d.fixable(unsafe_fixes))
                .count(),
            hidden,
            files: usize::from(!diagnostics.is_empty()),
            errors: diagnostics.iter().any(|d| d.severity == Severity::Error),
        }
    }

    /// The totals of findings from any number of files.
    pub fn of_all(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Totals {
        let files: std::collections::BTreeSet<&str> =
            diagnostics.iter().map(|d| d.path.as_str()).collect();
        Totals {
            files: files.len(),
            ..Totals::of_file(diagnostics, unsafe_fixes)
        }
    }

    pub fn add(&mut self, other: Totals) {
        self.findings += other.findings;
        self.fixable += other.fixable;
        self.hidden += other.hidden;
        self.files += other.files;
        self.errors |= other.errors;
    }
}

pub struct Printer<'a> {
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
    pub statistics: bool,
    /// `--unsafe-fixes` was given: unsafe fixes count as fixable.
    pub unsafe_fixes: bool,
    pub config: &'a Config,
}

/// One rule's line of `--statistics`.
struct StatisticsRow<'d> {
    code: &'d str,
    rule: &'d str,
    count: usize,
    /// How many of the findings `--fix` would fix with the flags given.
    fixable: usize,
}

impl Printer<'_> {
    pub fn print(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        summary: &Summary,
    ) -> std::io::Result<()> {
        match self.format {
            Format::Human | Format::Concise if self.statistics => {
                self.statistics(out, diagnostics, summary)
            }
            Format::Human | Format::Concise | Format::Github => {
                self.print_findings(out, diagnostics)?;
                let totals = Totals::of_all(diagnostics, self.unsafe_fixes);
                self.print_end(out, &totals, diagnostics, summary)
            }
            Format::Json if self.statistics => self.json_statistics(out, diagnostics),
            Format::Json => json_output(out, diagnostics),
            Format::Sarif => self.sarif(out, diagnostics),
        }
    }

    /// Whether each finding prints on its own, so that a file's findings can be
    /// printed (into a buffer) as soon as it is checked, and the run only ends them with
    /// [`Printer::print_end`]. JSON and SARIF are single documents and statistics count
    /// the whole run.
    pub fn prints_file_by_file(&self) -> bool {
        matches!(
            self.format,
            Format::Human | Format::Concise | Format::Github
        ) && !self.statistics
    }

    /// The findings' own lines, in a format that [`Printer::prints_file_by_file`].
    pub fn print_findings(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
    ) -> std::io::Result<()> {
        match self.format {
            Format::Human => self.human(out, diagnostics),
            Format::Github => github(out, diagnostics),
            _ => self.concise(out, diagnostics),
        }
    }

    /// What follows the findings' lines: for the human format the files held back and
    /// the summary line (`diagnostics` are the remaining findings when fixes were
    /// applied; the summary of fixes counts them).
    pub fn print_end(
        &self,
        out: &mut dyn Write,
        totals: &Totals,
        diagnostics: &[Diagnostic],
        summary: &Summary,
    ) -> std::io::Result<()> {
        if self.format != Format::Human {
            return Ok(());
        }
        for path in &summary.held_back {
            writeln!(
                out,
                "{}: not fixed: the file has unstaged changes; stage or stash them first",
                escape(path)
            )?;
        }
        if !self.quiet {
            writeln!(out, "{}", summary_line(totals, diagnostics, summary))?;
        }
        Ok(())
    }

    fn header(&self, diagnostic: &Diagnostic) -> String {
        let location = format!(
            "{}:{}:{}:",
            escape(&diagnostic.path),
            diagnostic.start.0,
            diagnostic.start.1
        );
        let code = diagnostic.code;
        let rule = format!("[{}]", escape(&diagnostic.rule));
        let message = escape(&diagnostic.message);
        if !self.color {
            return format!("{location} {code} {rule} {message}");
        }
        let code = match diagnostic.severity {
            Severity::Error => code.red().bold().to_string(),
            Severity::Warning => code.yellow().bold().to_string(),
        };
        format!("{} {code} {} {message}", location.bold(), rule.dimmed())
    }

    fn concise(&self, out: &mut dyn Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
        // Each line is put together in one buffer and written at once: one call
        // through `out` per finding instead of one per piece.
        let mut line = String::new();
        for diagnostic in diagnostics {
            line.clear();
            let (row, column) = diagnostic.start;
            line.push_str(&escape(&diagnostic.path));
            let _ = std::fmt::Write::write_fmt(&mut line, format_args!(":{row}:{column}: "));
            line.push_str(diagnostic.code);
            line.push_str(" [");
            line.push_str(&escape(&diagnostic.rule));
            line.push_str("] ");
            line.push_str(&escape(&diagnostic.message));
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    fn human(&self, out: &mut dyn Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
        for diagnostic in diagnostics {
            writeln!(out, "{}", self.header(diagnostic))?;
            if !diagnostic.source_line.is_empty() {
                self.snippet(out, diagnostic)?;
            }
            if let Some(fix) = &diagnostic.fix {
                let mut lines = fix.replacement.lines();
                let first = escape(lines.next().unwrap_or_default());
                let label = if self.color {
                    "fix:".green().bold().to_string()
                } else {
                    "fix:".to_string()
                };
                let note = match fix.applicability {
                    crate::diagnostic::Applicability::Safe => "",
                    crate::diagnostic::Applicability::Unsafe => {
                        "  (unsafe: applied with --unsafe-fixes)"
                    }
                    crate::diagnostic::Applicability::DisplayOnly => {
                        "  (not applied automatically)"
                    }
                };
                writeln!(out, "    {label} {first}{note}")?;
                for line in lines {
                    writeln!(out, "         {}", escape(line))?;
                }
            }
            writeln!(out)?;
        }
        Ok(())
    }

    fn snippet(&self, out: &mut dyn Write, diagnostic: &Diagnostic) -> std::io::Result<()> {
        let line_number = diagnostic.start.0.to_string();
        let gutter = " ".repeat(line_number.len());
        let chars: Vec<char> = diagnostic
            .source_line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let shown = escape(&chars.iter().collect::<String>()).into_owned();
        let start_column = diagnostic.start.1;
        let width = if diagnostic.end.0 == diagnostic.start.0 {
            diagnostic.end.1.saturating_sub(start_column).max(1)
        } else {
            chars.len().saturating_sub(start_column - 1).max(1)
        };
        // Columns count characters of the source; the line is shown escaped, so the
        // underline is measured on the escaped text before and under it, in terminal
        // cells (a tab is shown as one blank, so it takes one).
        let before = (start_column - 1).min(chars.len());
        let under = (before + width).min(chars.len());
        let shown_width = |part: &[char]| display_width(&escape(&part.iter().collect::<String>()));
        let indent = shown_width(&chars[..before]) + (start_column - 1 - before);
        let width = (shown_width(&chars[before..under]) + (before + width - under)).max(1);
        let underline = format!("{}{}", " ".repeat(indent), "^".repeat(width));
        let underline = if self.color {
            underline.red().to_string()
        } else {
            underline
        };
        writeln!(out, " {line_number} | {shown}")?;
        writeln!(out, " {gutter} | {underline}")
    }

    /// Per (code, rule id): how many findings, and how many of them are fixable; most
    /// findings first.
    fn statistics_rows<'d>(&self, diagnostics: &'d [Diagnostic]) -> Vec<StatisticsRow<'d>> {
        let mut counts: BTreeMap<(&str, &str), StatisticsRow> = BTreeMap::new();
        for diagnostic in diagnostics {
            let (code, rule) = (diagnostic.code, diagnostic.rule.as_str());
            let row = counts.entry((code, rule)).or_insert(StatisticsRow {
                code,
                rule,
                count: 0,
                fixable: 0,
            });
            row.count += 1;
            row.fixable += usize::from(diagnostic.fixable(self.unsafe_fixes));
        }
        // The map gives (code, rule) order; the most findings go first.
        let mut rows: Vec<StatisticsRow> = counts.into_values().collect();
        rows.sort_by_key(|row| std::cmp::Reverse(row.count));
        rows
    }

    fn statistics(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        summary: &Summary,
    ) -> std::io::Result<()> {
        for row in self.statistics_rows(diagnostics) {
            let marker = if row.fixable > 0 { "[*]" } else { "[ ]" };
            let (count, code) = (row.count, row.code);
            writeln!(out, "{count:>5}\t{code}\t{marker} {}", escape(row.rule))?;
        }
        if !self.quiet {
            let totals = Totals::of_all(diagnostics, self.unsafe_fixes);
            writeln!(out, "{}", summary_line(&totals, diagnostics, summary))?;
        }
        Ok(())
    }

    /// `--statistics` as JSON: ruff's fields (`code`, `name`, `count`, `fixable`,
    /// `fixable_count`; the name is the rule id) plus `rule`, as the findings carry it.
    fn json_statistics(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
    ) -> std::io::Result<()> {
        let rows: Vec<Value> = self
            .statistics_rows(diagnostics)
            .into_iter()
            .map(|row| {
                json!({
                    "code": row.code,
                    "name": row.rule,
                    "rule": row.rule,
                    "count": row.count,
                    "fixable": row.fixable > 0,
                    "fixable_count": row.fixable,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)
    }

    fn sarif(&self, out: &mut dyn Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
        let mut rules: Vec<Value> = self
            .config
            .rules
            .iter()
            .map(|rule| {
                let description = crate::explain::summary(rule);
                json!({
                    "id": rule.id,
                    "name": rule.id,
                    "shortDescription": {"text": description},
                    "fullDescription": {"text": rule.message.clone().unwrap_or_else(|| description.clone())},
                    "helpUri": url(rule.kind.code()),
                    "defaultConfiguration": match rule.severity {
                        Some(severity) => json!({"level": sarif_level(severity)}),
                        // `severity: off`: the rule reports nothing.
                        None => json!({"level": "none", "enabled": false}),
                    },
                    "properties": {"code": rule.kind.code(), "kind": rule.kind.name()},
                })
            })
            .collect();
        rules.push(json!({
            "id": PARSE_RULE,
            "name": PARSE_RULE,
            "shortDescription": {"text": "file could not be fully parsed; import rules still ran"},
            "helpUri": url(PARSE_CODE),
            "defaultConfiguration": {"level": "warning"},
            "properties": {"code": PARSE_CODE},
        }));
        let results: Vec<Value> = diagnostics.iter().map(sarif_result).collect();
        let document = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "canon",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/canon-lint/canon",
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}

/// `Found N violations (M fixable with --fix) in K files.` or `All checks passed!`,
/// followed by ruff's `(H hidden fixes can be enabled with the `--unsafe-fixes`
/// option)` when fixes were not asked for and H findings have an unsafe fix; and when
/// fixes were applied what became of them (`diagnostics` are then the findings that
/// remain, and the reasons say which need `--unsafe-fixes`).
pub fn summary_line(totals: &Totals, diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let mut line = if totals.findings == 0 {
        "All checks passed!".to_string()
    } else {
        format!(
            "Found {} violations ({} fixable with --fix) in {} files.",
            totals.findings, totals.fixable, totals.files
        )
    };
    if totals.hidden > 0 && !summary.fixing {
        line.push_str(&format!(
            " ({} hidden fixes can be enabled with the `--unsafe-fixes` option)",
            totals.hidden
        ));
    }
    if let Some(fixes) = fix_summary(diagnostics, summary) {
        line.push('\n');
        line.push_str(&fixes);
    }
    line
}

/// How many violations `--fix` fixed, how many remain and why; None when fixes were
/// not asked for, or nothing was fixed and nothing remains.
fn fix_summary(diagnostics: &[Diagnostic], summary: &Summary) -> Option<String> {
    if !summary.fixing || (summary.fixed == 0 && diagnostics.is_empty()) {
        return None;
    }
    if summary.staged && summary.fixed > 0 {
        return Some(format!(
            "Fixed {} violations in the working tree; review and stage them (git add) to commit the fixes.",
            summary.fixed
        ));
    }
    let reasons = unfixed_reasons(diagnostics, summary);
    let mut text = if summary.fixed == 0 {
        "No fixes applied".to_string()
    } else {
        format!(
            "Fixed {} violations; {} remain",
            summary.fixed,
            diagnostics.len()
        )
    };
    if !reasons.is_empty() {
        text.push_str(&format!(": {}", reasons.join(", ")));
    }
    text.push('.');
    Some(text)
}

/// Why the remaining `diagnostics` were not fixed, one phrase per reason.
fn unfixed_reasons(diagnostics: &[Diagnostic], summary: &Summary) -> Vec<String> {
    use crate::diagnostic::Applicability;
    let count = |wanted: Option<Applicability>| {
        diagnostics
            .iter()
            .filter(|d| {
                d.fix.as_ref().map(|fix| fix.applicability) == wanted
                    || (wanted == Some(Applicability::DisplayOnly) && d.fix.is_none())
            })
            .count()
    };
    let mut reasons = Vec::new();
    let unsafe_count = count(Some(Applicability::Unsafe));
    if unsafe_count > 0 && !summary.allow_unsafe {
        reasons.push(format!("{unsafe_count} need --unsafe-fixes"));
    }
    let manual = count(Some(Applicability::DisplayOnly));
    if manual > 0 {
        reasons.push(format!("{manual} have no automatic fix"));
    }
    let safe_left = count(Some(Applicability::Safe))
        + if summary.allow_unsafe {
            unsafe_count
        } else {
            0
        };
    if safe_left > 0 {
        let mut why = format!("{safe_left} could not be applied");
        if !summary.refused.is_empty() {
            why.push_str(&format!(
                " ({} files refused: the result would not be safe)",
                summary.refused.len()
            ));
        }
        if !summary.held_back.is_empty() {
            why.push_str(&format!(
                " ({} files have unstaged changes)",
                summary.held_back.len()
            ));
        }
        reasons.push(why);
    }
    reasons
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Percent-encodes a relative path for a SARIF URI.
fn uri(path: &str) -> String {
    let mut result = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            result.push(byte as char);
        } else {
            result.push_str(&format!("%{byte:02X}"));
        }
    }
    result
}

fn region(start: (usize, usize), end: (usize, usize)) -> Value {
    json!({"startLine": start.0, "startColumn": start.1, "endLine": end.0, "endColumn": end.1})
}

fn sarif_result(diagnostic: &Diagnostic) -> Value {
    let location = json!({"physicalLocation": {
        "artifactLocation": {"uri": uri(&diagnostic.path), "uriBaseId": "%SRCROOT%"},
        "region": region(diagnostic.start, diagnostic.end),
    }});
    let mut result = json!({
        "ruleId": diagnostic.rule,
        "level": sarif_level(diagnostic.severity),
        "message": {"text": format!("{} {}", diagnostic.code, diagnostic.message)},
        "locations": [location],
        "properties": {"code": diagnostic.code},
    });
    if let Some(fix) = diagnostic.fix.as_ref().filter(|fix| !fix.edits.is_empty()) {
        let replacements: Vec<Value> = edits_by_position(fix)
            .into_iter()
            .map(|edit| json!({"deletedRegion": region(edit.start, edit.end), "insertedContent": {"text": edit.content}}))
            .collect();
        result["fixes"] = json!([{
            "description": {"text": fix.message},
            "artifactChanges": [{"artifactLocation": {"uri": uri(&diagnostic.path), "uriBaseId": "%SRCROOT%"}, "replacements": replacements}],
        }]);
    }
    result
}

/// A fix's edits by position (start, then end), as ruff lists them: consumers apply
/// them in order. Rules build them in another order (a call's replacement before the
/// import it needs), which the messages rely on.
fn edits_by_position(fix: &Fix) -> Vec<&Edit> {
    let mut edits: Vec<&Edit> = fix.edits.iter().collect();
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    edits
}

fn position(point: (usize, usize)) -> Value {
    json!({"row": point.0, "column": point.1})
}

pub fn json_value(diagnostic: &Diagnostic) -> Value {
    let fix = diagnostic.fix.as_ref().map(|fix| {
        let edits: Vec<Value> = edits_by_position(fix)
            .into_iter()
            .map(|edit| json!({"content": edit.content, "location": position(edit.start), "end_location": position(edit.end)}))
            .collect();
        json!({"applicability": fix.applicability.as_str(), "message": fix.message, "edits": edits})
    });
    json!({
        "code": diagnostic.code,
        "message": diagnostic.message,
        "filename": diagnostic.path,
        "location": position(diagnostic.start),
        "end_location": position(diagnostic.end),
        "fix": fix,
        "noqa_row": diagnostic.start.0,
        "url": url(diagnostic.code),
        "rule": diagnostic.rule,
        "severity": diagnostic.severity.as_str(),
    })
}

fn json_output(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    let values: Vec<Value> = diagnostics.iter().map(json_value).collect();
    serde_json::to_writer_pretty(&mut *out, &values)?;
    writeln!(out)
}

/// Escapes a GitHub workflow command property value.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn github_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    escape(&escaped).into_owned()
}

fn github(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            github_property(&diagnostic.path),
            diagnostic.start.0,
            diagnostic.start.1,
            diagnostic.end.0,
            diagnostic.end.1,
            github_property(&format!("{} [{}]", diagnostic.code, diagnostic.rule)),
            github_data(&diagnostic.message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(escape("a\x1b[31mb\tc"), "a\\x1b[31mb\\tc");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape("a\u{2028}b\u{feff}"), "a\\u{2028}b\\u{feff}");
        assert_eq!(escape("plain é"), "plain é");
        // A byte to escape at any place of a text longer than the 16 tested at once.
        for at in 0..40 {
            let mut text = "x".repeat(40);
            text.replace_range(at..=at, "\x7f");
            assert!(!is_printable_ascii(&text), "at {at}");
            assert_eq!(escape(&text).matches("\\x7f").count(), 1, "at {at}");
        }
        assert!(is_printable_ascii(&" ~".repeat(20)));
    }

    #[test]
    fn github_values_are_escaped() {
        assert_eq!(github_property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(github_data("one\ntwo"), "one%0Atwo");
    }

    #[test]
    fn sarif_uris_are_percent_encoded() {
        assert_eq!(uri("pkg/my file.py"), "pkg/my%20file.py");
    }
}
