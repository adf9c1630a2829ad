//! `canon report`: SSOT compliance of a whole tree — per rule canonical and
//! deprecated uses, overall compliance of the import rules, the files and deprecated
//! paths with the most uses — as a table, JSON, or Markdown for a pull request.

use crate::cli::{ReportArgs, ReportFormat};
use crate::console;
use crate::gitsource::{self, Content};
use crate::project::Project;
use crate::rules::{Checker, Selection};
use rayon::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Scans of at least this many files show progress on a terminal.
const PROGRESS_FROM_FILES: usize = 500;

#[derive(Debug, Default, Clone)]
pub struct RuleStats {
    pub id: String,
    pub kind: &'static str,
    pub canonical: usize,
    /// Deprecated references (import rules) or violations (other kinds).
    pub deprecated: usize,
}

impl RuleStats {
    /// Compliance in percent; None when the rule has no canonical side or no uses.
    pub fn compliance(&self) -> Option<f64> {
        (self.kind == "import").then(|| percent(self.canonical, self.deprecated))
    }
}

/// Compliance shown with `decimals` decimals, rounded down (so that anything below
/// 100% never reads `100.0%`), computed on the counts rather than on a float.
fn percent_text(canonical: usize, deprecated: usize, decimals: u32) -> String {
    let total = canonical as u128 + deprecated as u128;
    let scale = 10u128.pow(decimals);
    let scaled = match total {
        0 => 100 * scale,
        _ => canonical as u128 * 100 * scale / total,
    };
    let width = decimals as usize;
    match width {
        0 => format!("{scaled}%"),
        _ => format!("{}.{:0width$}%", scaled / scale, scaled % scale),
    }
}

fn percent(canonical: usize, deprecated: usize) -> f64 {
    let total = canonical + deprecated;
    if total == 0 {
        100.0
    } else {
        canonical as f64 * 100.0 / total as f64
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub rules: Vec<RuleStats>,
    pub top_files: Vec<(String, usize)>,
    pub top_modules: Vec<(String, usize)>,
}

impl Report {
    /// Canonical / (canonical + deprecated) over all import rules, in percent.
    pub fn overall(&self) -> f64 {
        let (canonical, deprecated) = self.overall_counts();
        percent(canonical, deprecated)
    }

    /// Canonical and deprecated uses summed over all import rules.
    fn overall_counts(&self) -> (usize, usize) {
        let imports = self.rules.iter().filter(|rule| rule.kind == "import");
        imports.fold((0, 0), |(c, d), rule| {
            (c + rule.canonical, d + rule.deprecated)
        })
    }

    /// The overall compliance as the report shows it (one decimal, rounded down).
    fn overall_text(&self) -> String {
        let (canonical, deprecated) = self.overall_counts();
        percent_text(canonical, deprecated, 1)
    }
}

pub fn run(config: Option<&std::path::Path>, args: &ReportArgs) -> Result<i32, String> {
    let project = Project::open(config)?;
    let checker = project.checker(Selection::default())?;
    let paths = if args.paths.is_empty() {
        vec![project.default_report_dir()]
    } else {
        args.paths.clone()
    };
    let keep = |path: &str| {
        checker
            .config_path(path)
            .is_some_and(|config_path| !project.config.excluded(&config_path))
    };
    let inputs = gitsource::worktree_files(&project.ws, &paths, &keep)?;
    let notes = gitsource::walk_roots_outside(&project.ws, &args.paths)
        .into_iter()
        .chain(project.ungoverned_notes(&checker, &args.paths));
    for note in notes {
        console::eprint_line(&format!("canon: {}", crate::output::escape(&note)));
    }
    let report = build(&checker, inputs, args.top)?;
    let text = match args.output_format {
        ReportFormat::Human => human(&report),
        ReportFormat::Markdown => markdown(&report),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&json_report(&report)).unwrap_or_default() + "\n"
        }
    };
    console::print(&text)?;
    match args.fail_under {
        Some(threshold) if report.overall() < threshold => {
            console::eprint_line(&format!("canon: {}", below_threshold(&report, threshold)));
            Ok(1)
        }
        _ => Ok(0),
    }
}

/// Why `--fail-under threshold` fails: the compliance with two decimals (rounded
/// down, so it never reads as the threshold itself) and the threshold.
fn below_threshold(report: &Report, threshold: f64) -> String {
    let (canonical, deprecated) = report.overall_counts();
    format!(
        "compliance {} is below --fail-under {threshold}%",
        percent_text(canonical, deprecated, 2)
    )
}

fn build(
    checker: &Checker,
    inputs: Vec<gitsource::FileInput>,
    top: usize,
) -> Result<Report, String> {
    let total = inputs.len();
    let show_progress = total >= PROGRESS_FROM_FILES && std::io::stderr().is_terminal();
    let done = AtomicUsize::new(0);
    let outcomes: Vec<(String, crate::rules::FileOutcome)> = inputs
        .into_par_iter()
        .map(|input| {
            let bytes = match &input.content {
                Content::Disk(path) => gitsource::read_file(path).map_err(|error| {
                    format!(
                        "{}: cannot read: {}",
                        input.path,
                        gitsource::io_reason(&error)
                    )
                })?,
                Content::Bytes(bytes) => bytes.clone(),
            };
            let outcome = checker.check(&input.path, bytes, &input.changed, false, input.prefilter);
            let count = done.fetch_add(1, Ordering::Relaxed) + 1;
            if show_progress && count % 100 == 0 {
                console::eprint(&format!("\rscanning: {count}/{total} files"));
            }
            Ok((input.path, outcome))
        })
        .collect::<Result<_, String>>()?;
    if show_progress {
        console::eprint(&format!("\r{}\r", " ".repeat(40)));
    }
    let config = checker.config;
    let mut rules: Vec<RuleStats> = config
        .rules
        .iter()
        .map(|rule| RuleStats {
            id: rule.id.clone(),
            kind: rule.kind.name(),
            ..RuleStats::default()
        })
        .collect();
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_module: BTreeMap<String, usize> = BTreeMap::new();
    for (path, outcome) in &outcomes {
        let mut file_uses = 0;
        for (stats, counts) in rules.iter_mut().zip(&outcome.counts) {
            stats.canonical += counts.canonical;
            stats.deprecated += counts.deprecated;
            file_uses += counts.deprecated;
        }
        if file_uses > 0 {
            per_file.insert(path.clone(), file_uses);
        }
        for name in &outcome.deprecated_paths {
            *per_module.entry(name.clone()).or_default() += 1;
        }
    }
    // A rule that is off is not run: it has nothing to show.
    let rules = rules
        .into_iter()
        .zip(&config.rules)
        .filter(|(_, rule)| rule.severity.is_some())
        .map(|(stats, _)| stats)
        .collect();
    Ok(Report {
        files: outcomes.len(),
        rules,
        top_files: top_n(per_file, top),
        top_modules: top_n(per_module, top),
    })
}

fn top_n(counts: BTreeMap<String, usize>, n: usize) -> Vec<(String, usize)> {
    let mut rows: Vec<(String, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.truncate(n);
    rows
}

fn compliance_text(rule: &RuleStats) -> String {
    match rule.kind {
        "import" => percent_text(rule.canonical, rule.deprecated, 1),
        _ => "-".to_string(),
    }
}

/// A rule's row: id, kind, canonical uses, deprecated uses, compliance.
fn rule_cells(rule: &RuleStats) -> [String; 5] {
    let canonical = if rule.kind == "import" {
        rule.canonical.to_string()
    } else {
        "-".to_string()
    };
    [
        rule.id.clone(),
        rule.kind.to_string(),
        canonical,
        rule.deprecated.to_string(),
        compliance_text(rule),
    ]
}

/// One of the top lists, with its headings.
struct TopList<'a> {
    human_heading: &'static str,
    markdown_heading: &'static str,
    column: &'static str,
    items: &'a [(String, usize)],
}

fn top_lists(report: &Report) -> [TopList<'_>; 2] {
    [
        TopList {
            human_heading: "Top files (deprecated uses)",
            markdown_heading: "Top files",
            column: "file",
            items: &report.top_files,
        },
        TopList {
            human_heading: "Top deprecated modules (uses)",
            markdown_heading: "Top deprecated modules",
            column: "module",
            items: &report.top_modules,
        },
    ]
}

fn human(report: &Report) -> String {
    let width = report
        .rules
        .iter()
        .map(|rule| rule.id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let row = |cells: [&str; 5]| {
        format!(
            "{:<width$}  {:<7}  {:>9}  {:>10}  {:>10}\n",
            cells[0], cells[1], cells[2], cells[3], cells[4]
        )
    };
    let mut text = format!(
        "SSOT compliance: {} over {} files\n\n",
        report.overall_text(),
        report.files
    );
    text.push_str(&row([
        "rule",
        "kind",
        "canonical",
        "deprecated",
        "compliance",
    ]));
    for rule in &report.rules {
        let cells = rule_cells(rule);
        text.push_str(&row(cells.each_ref().map(String::as_str)));
    }
    for list in top_lists(report) {
        if !list.items.is_empty() {
            text.push_str(&format!("\n{}:\n", list.human_heading));
            for (name, count) in list.items {
                text.push_str(&format!("  {count:>6}  {}\n", crate::output::escape(name)));
            }
        }
    }
    text
}

fn markdown_cell(text: &str) -> String {
    crate::output::escape(text)
        .replace('|', "\\|")
        .replace('`', "'")
}

fn markdown(report: &Report) -> String {
    let mut text = format!(
        "### SSOT compliance: {}\n\n{} files scanned.\n\n| rule | kind | canonical | deprecated | compliance |\n|---|---|---:|---:|---:|\n",
        report.overall_text(),
        report.files
    );
    for rule in &report.rules {
        let [id, kind, canonical, deprecated, compliance] = rule_cells(rule);
        text.push_str(&format!(
            "| `{id}` | {kind} | {canonical} | {deprecated} | {compliance} |\n"
        ));
    }
    for list in top_lists(report) {
        if !list.items.is_empty() {
            text.push_str(&format!(
                "\n**{}**\n\n| {} | uses |\n|---|---:|\n",
                list.markdown_heading, list.column
            ));
            for (name, count) in list.items {
                text.push_str(&format!("| `{}` | {count} |\n", markdown_cell(name)));
            }
        }
    }
    text
}

fn json_report(report: &Report) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = report
        .rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "kind": rule.kind,
                "canonical": rule.canonical,
                "deprecated": rule.deprecated,
                "compliance": rule.compliance(),
            })
        })
        .collect();
    let rows = |items: &Vec<(String, usize)>, key: &str| -> Vec<serde_json::Value> {
        items
            .iter()
            .map(|(name, count)| json!({key: name, "count": count}))
            .collect()
    };
    json!({
        "files": report.files,
        "compliance": report.overall(),
        "rules": rules,
        "top_files": rows(&report.top_files, "path"),
        "top_modules": rows(&report.top_modules, "module"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compliance_is_canonical_over_all_uses() {
        let report = Report {
            files: 2,
            rules: vec![
                RuleStats {
                    id: "a".into(),
                    kind: "import",
                    canonical: 1,
                    deprecated: 3,
                },
                RuleStats {
                    id: "b".into(),
                    kind: "import",
                    canonical: 1,
                    deprecated: 0,
                },
                RuleStats {
                    id: "c".into(),
                    kind: "call",
                    canonical: 0,
                    deprecated: 9,
                },
            ],
            ..Report::default()
        };
        assert_eq!(report.rules[0].compliance(), Some(25.0));
        assert_eq!(report.rules[2].compliance(), None);
        assert!((report.overall() - 40.0).abs() < 1e-9);
        assert!(markdown(&report).contains("| `a` | import | 1 | 3 | 25.0% |"));
    }

    #[test]
    fn shown_compliance_is_rounded_down() {
        assert_eq!(percent_text(2999, 1, 1), "99.9%");
        assert_eq!(percent_text(2999, 1, 2), "99.96%");
        assert_eq!(percent_text(1, 0, 1), "100.0%");
        assert_eq!(percent_text(0, 0, 1), "100.0%");
        assert_eq!(percent_text(0, 5, 1), "0.0%");
        assert_eq!(percent_text(1, 2, 2), "33.33%");
        assert_eq!(percent_text(2, 1, 1), "66.6%");
        assert_eq!(percent_text(143, 357, 1), "28.6%");
        assert_eq!(percent_text(usize::MAX, 1, 2), "99.99%");
    }
}
