//! `canon check`: choose the files and lines from the source mode, check them in
//! parallel, apply or show fixes, print, and decide the exit status.

use crate::cli::{CheckArgs, ColorChoice};
use crate::config::Severity;
use crate::console;
use crate::diagnostic::Diagnostic;
use crate::fixes;
use crate::gitsource::{self, Content, FileInput, LineSet};
use crate::output::{Format, Printer, Summary, Totals};
use crate::project::Project;
use crate::python;
use crate::rules::{Checker, FileOutcome, Selection};
use crate::source;
use rayon::prelude::*;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// What `--fix`/`--diff` do with a file's fixes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FixMode {
    None,
    Write,
    Diff,
}

/// The source a run reads.
enum Mode {
    Staged,
    Worktree,
    Changed,
    DiffBase(String),
    Refs(String, String),
    Stdin(PathBuf),
}

fn mode(args: &CheckArgs) -> Mode {
    if let Some(path) = &args.stdin_filename {
        return Mode::Stdin(path.clone());
    }
    if let (Some(from), Some(to)) = (&args.from_ref, &args.to_ref) {
        return Mode::Refs(from.clone(), to.clone());
    }
    if let Some(rev) = &args.diff_base {
        return Mode::DiffBase(rev.clone());
    }
    if args.changed {
        return Mode::Changed;
    }
    // pre-commit sets both only when asked to check a range (`pre-commit run
    // --from-ref A --to-ref B`, a push): then the range is what its hooks check, also
    // the `canon` hook, whose entry says `--staged`.
    if let Some((from, to)) = pre_commit_range() {
        return Mode::Refs(from, to);
    }
    if args.staged {
        return Mode::Staged;
    }
    if args.paths.is_empty() {
        Mode::Staged
    } else {
        Mode::Worktree
    }
}

/// The range pre-commit passes in `PRE_COMMIT_FROM_REF` and `PRE_COMMIT_TO_REF`,
/// when both are set and not empty.
fn pre_commit_range() -> Option<(String, String)> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    Some((var("PRE_COMMIT_FROM_REF")?, var("PRE_COMMIT_TO_REF")?))
}

pub fn use_color(choice: ColorChoice, format: Format) -> bool {
    if format != Format::Human {
        return false;
    }
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") {
                true
            } else {
                std::io::stdout().is_terminal()
            }
        }
    }
}

/// A file checked, with the bytes it was checked on.
struct Checked {
    input: FileInput,
    bytes: Vec<u8>,
    outcome: FileOutcome,
    /// The findings already printed, when the format prints them file by file (the
    /// outcome then holds none), and what they count.
    printed: Vec<u8>,
    totals: Totals,
}

/// What a worker does with a file once it is checked.
#[derive(Clone, Copy)]
struct Handling<'a> {
    /// Keep the file's bytes and text: fixes will be applied.
    keep_source: bool,
    /// Print the findings into the file's own buffer on the worker (a format that
    /// prints finding by finding, without fixes): the run then only writes the buffers
    /// out in order.
    print_early: Option<&'a Printer<'a>>,
}

pub fn run(config: Option<&Path>, args: &CheckArgs) -> Result<i32, String> {
    let project = Project::open(config)?;
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut checker = project.checker(selection)?;
    let fix_mode = if args.diff {
        FixMode::Diff
    } else if args.fix {
        FixMode::Write
    } else {
        FixMode::None
    };
    // Concise and GitHub lines show no fix; only their statistics count fixable ones.
    checker.describe_fixes = fix_mode != FixMode::None
        || args.statistics
        || !matches!(args.output_format, Format::Concise | Format::Github);
    checker.quote_source_lines = matches!(args.output_format, Format::Human) && !args.statistics;
    let mode = mode(args);
    if fix_mode == FixMode::Write && !matches!(mode, Mode::Stdin(_)) && project.ws.is_bare() {
        return Err(format!(
            "{}: bare repository has no work tree (needed for --fix)",
            project.ws.root.display()
        ));
    }
    let printer = Printer {
        format: args.output_format,
        color: use_color(args.color, args.output_format),
        quiet: args.quiet,
        statistics: args.statistics,
        unsafe_fixes: args.unsafe_fixes,
        config: &project.config,
    };
    let handling = Handling {
        keep_source: fix_mode != FixMode::None,
        print_early: (fix_mode == FixMode::None && printer.prints_file_by_file())
            .then_some(&printer),
    };
    let (checked, notes) = check_inputs(&project, &checker, &mode, args, handling)?;
    // Notes name files (and may quote them): escaped like every other message.
    for note in &notes {
        console::eprint_line(&format!("canon: {}", crate::output::escape(note)));
    }
    // Block-buffered: a big scan prints thousands of lines.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    if handling.print_early.is_some() {
        let totals = print_checked(&printer, &checked, &mut stdout)?;
        return Ok(exit_status(totals.errors, args));
    }
    let is_stdin = matches!(mode, Mode::Stdin(_));
    // Content read from git (the index or a commit) is fixed in the working tree only
    // where the working tree holds the same bytes.
    let staged = matches!(mode, Mode::Staged | Mode::Refs(..));
    let (diagnostics, summary, diff_shown) = match fix_mode {
        FixMode::None => (gather(checked), Summary::default(), false),
        _ => {
            let run = FixRun {
                project: &project,
                checker: &checker,
                mode: fix_mode,
                allow_unsafe: args.unsafe_fixes,
                from_git: staged,
                to_stdout: is_stdin && fix_mode == FixMode::Write,
            };
            apply_fixes(&run, checked, &mut stdout)?
        }
    };
    let printed = if is_stdin && fix_mode == FixMode::Write {
        // The fixed source went to stdout; diagnostics go to stderr, where a failure to
        // write is ignored as for every message there.
        let _ = printer.print(&mut std::io::stderr().lock(), &diagnostics, &summary);
        Ok(())
    } else if fix_mode == FixMode::Diff {
        Ok(())
    } else {
        printer.print(&mut stdout, &diagnostics, &summary)
    };
    console::written(printed.and_then(|_| stdout.flush()))?;
    if fix_mode == FixMode::Diff {
        return Ok(exit_status(diff_shown, args));
    }
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Ok(exit_status(errors, args))
}

/// 1 when the run failed (an error-severity violation remains, or `--diff` showed a
/// change), unless `--exit-zero` was given; else 0.
fn exit_status(failed: bool, args: &CheckArgs) -> i32 {
    if failed && !args.exit_zero {
        1
    } else {
        0
    }
}

/// Writes out the findings the workers printed, in path order, and what ends them.
fn print_checked(
    printer: &Printer,
    checked: &[Checked],
    out: &mut dyn Write,
) -> Result<Totals, String> {
    let mut totals = Totals::default();
    let printed = checked
        .iter()
        .try_for_each(|file| {
            totals.add(file.totals);
            out.write_all(&file.printed)
        })
        .and_then(|_| printer.print_end(out, &totals, &[], &Summary::default()))
        .and_then(|_| out.flush());
    console::written(printed)?;
    Ok(totals)
}

/// The checked files of a run, in path order, and notes to print.
type CheckedRun = (Vec<Checked>, Vec<String>);

/// Reads the inputs `mode` names and checks them. A staged check is streamed: each
/// file is checked on the thread pool as soon as its blobs are read, while the next
/// ones are read.
fn check_inputs(
    project: &Project,
    checker: &Checker,
    mode: &Mode,
    args: &CheckArgs,
    handling: Handling,
) -> Result<CheckedRun, String> {
    let ws = &project.ws;
    let config = &project.config;
    let keep = |path: &str| match checker.config_path(path) {
        Some(config_path) => !config.excluded(&config_path),
        None => false,
    };
    let named: &[PathBuf] = match mode {
        Mode::Stdin(path) => std::slice::from_ref(path),
        _ => &args.paths,
    };
    let mut notes = project.ungoverned_notes(checker, named);
    let (inputs, unmerged) = match mode {
        Mode::Staged => {
            let (checked, unmerged) = check_staged(ws, checker, args, &keep, handling)?;
            notes.extend(unmerged);
            return Ok((checked, notes));
        }
        // Already filtered by `keep`, in the walk's threads.
        Mode::Worktree => {
            let inputs = gitsource::worktree_files(ws, &args.paths, &keep)?;
            notes.extend(gitsource::walk_roots_outside(ws, &args.paths));
            notes.extend(gitsource::named_files_not_checked(ws, &args.paths));
            return Ok((check_all(checker, inputs, handling)?, notes));
        }
        Mode::Changed => gitsource::worktree_changes(ws, None, &args.paths)?,
        Mode::DiffBase(rev) => gitsource::worktree_changes(ws, Some(rev), &args.paths)?,
        Mode::Refs(from, to) => (
            gitsource::between_refs(ws, from, to, &args.paths)?,
            Vec::new(),
        ),
        Mode::Stdin(path) => (vec![stdin_input(project, path, args.changed)?], Vec::new()),
    };
    let inputs = inputs
        .into_iter()
        .filter(|input| keep(&input.path))
        .collect();
    notes.extend(unmerged_notes(unmerged, "resolved"));
    if let Mode::Stdin(path) = mode {
        if args.changed && ws.repo.is_none() {
            // Editors run this on every save: a note, not an error.
            notes.push(format!(
                "{}: every line checked; --changed needs a git repository to compare with, and there is none",
                path.display()
            ));
        }
        notes.extend(args.paths.iter().map(|path| {
            format!(
                "{}: not checked; with --stdin-filename only standard input is checked",
                path.display()
            )
        }));
    }
    Ok((check_all(checker, inputs, handling)?, notes))
}

/// The notes that say which unmerged paths were not checked, and until when.
fn unmerged_notes(unmerged: Vec<String>, until: &str) -> Vec<String> {
    unmerged
        .into_iter()
        .map(|path| format!("{path}: unmerged (merge conflict); not checked until it is {until}"))
        .collect()
}

/// `--staged`: the blobs are read on this thread (the repository handle stays here)
/// and each file is finished and checked on the pool meanwhile.
fn check_staged(
    ws: &gitsource::Workspace,
    checker: &Checker,
    args: &CheckArgs,
    keep: &(dyn Fn(&str) -> bool + Sync),
    handling: Handling,
) -> Result<CheckedRun, String> {
    let results = std::sync::Mutex::new(Vec::new());
    let unmerged = rayon::in_place_scope(|scope| {
        gitsource::staged(ws, &args.paths, &mut |deferred| {
            let results = &results;
            scope.spawn(move |_| {
                let input = deferred();
                if keep(&input.path) {
                    let checked = check_one(checker, input, handling);
                    if let Ok(mut results) = results.lock() {
                        results.push(checked);
                    }
                }
            });
        })
    })?;
    let mut checked = results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .collect::<Result<Vec<Checked>, String>>()?;
    checked.sort_unstable_by(|a, b| {
        (&a.input.path, &a.input.disk_path).cmp(&(&b.input.path, &b.input.disk_path))
    });
    Ok((checked, unmerged_notes(unmerged, "resolved and staged")))
}

fn stdin_input(project: &Project, path: &Path, changed: bool) -> Result<FileInput, String> {
    let disk_path = project.ws.relative_path(path)?;
    let relative = gitsource::slash_path(&disk_path);
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read stdin: {error}"))?;
    let lines = if changed {
        gitsource::buffer_changes(&project.ws, &disk_path, &bytes)?
    } else {
        LineSet::All
    };
    Ok(FileInput {
        path: relative,
        disk_path,
        content: Content::Bytes(bytes),
        changed: lines,
        prefilter: false,
    })
}

fn read_input(input: &mut FileInput) -> Result<Vec<u8>, String> {
    match &mut input.content {
        Content::Bytes(bytes) => Ok(std::mem::take(bytes)),
        Content::Disk(path) => gitsource::read_file(&*path).map_err(|error| {
            format!(
                "{}: cannot read: {}",
                input.path,
                gitsource::io_reason(&error)
            )
        }),
    }
}

fn check_all(
    checker: &Checker,
    mut inputs: Vec<FileInput>,
    handling: Handling,
) -> Result<Vec<Checked>, String> {
    // The results keep this order: sorting the inputs is cheaper than the results.
    inputs.sort_unstable_by(|a, b| (&a.path, &a.disk_path).cmp(&(&b.path, &b.disk_path)));
    inputs
        .into_par_iter()
        .map(|input| check_one(checker, input, handling))
        .collect()
}

/// Reads and checks one file.
fn check_one(
    checker: &Checker,
    mut input: FileInput,
    handling: Handling,
) -> Result<Checked, String> {
    let keep_source = handling.keep_source;
    let bytes = read_input(&mut input)?;
    // The bytes are needed again only to apply fixes; else the check takes them.
    let (mut outcome, bytes) = if input.changed.is_empty() {
        let kept = if keep_source { bytes } else { Vec::new() };
        (FileOutcome::default(), kept)
    } else if keep_source {
        let outcome = checker.check(
            &input.path,
            &bytes[..],
            &input.changed,
            true,
            input.prefilter,
        );
        (outcome, bytes)
    } else {
        let outcome = checker.check(&input.path, bytes, &input.changed, false, input.prefilter);
        (outcome, Vec::new())
    };
    let mut printed = Vec::new();
    let mut totals = Totals::default();
    if let Some(printer) = handling.print_early {
        let diagnostics = std::mem::take(&mut outcome.diagnostics);
        // A concise line takes about 150 bytes; the buffer grows past that if need be.
        printed.reserve(diagnostics.len() * 160);
        // Writing to a vector cannot fail.
        let _ = printer.print_findings(&mut printed, &diagnostics);
        totals = Totals::of_file(&diagnostics, printer.unsafe_fixes);
    }
    Ok(Checked {
        input,
        bytes,
        outcome,
        printed,
        totals,
    })
}

fn gather(checked: Vec<Checked>) -> Vec<Diagnostic> {
    let count = checked
        .iter()
        .map(|file| file.outcome.diagnostics.len())
        .sum();
    let mut diagnostics = Vec::with_capacity(count);
    for file in checked {
        diagnostics.extend(file.outcome.diagnostics);
    }
    diagnostics
}

/// How many times fixes are re-applied to the text the previous round produced (a
/// call nested in the arguments of another fixed call is fixed in the next round).
const MAX_FIX_ROUNDS: usize = 10;

/// What fixing was asked for, shared by every file of a run.
struct FixRun<'a> {
    project: &'a Project,
    checker: &'a Checker<'a>,
    mode: FixMode,
    allow_unsafe: bool,
    /// The checked content came from git (index or commit), not the working tree.
    from_git: bool,
    /// `--stdin-filename --fix`: the fixed source goes to stdout.
    to_stdout: bool,
}

/// One file after fixing.
struct FileFix {
    text: String,
    fixed: usize,
    /// What remains to report.
    remaining: Vec<Diagnostic>,
}

impl FixRun<'_> {
    /// Applies fixes round after round; later rounds only fix what lies inside the
    /// text the previous round wrote, and the findings whose fixes it held back
    /// because they clashed with one it took (a call around a fixed call).
    fn fix_text(
        &self,
        path: &str,
        original: &str,
        diagnostics: &[Diagnostic],
        all_lines: bool,
    ) -> FileFix {
        let mut text = original.to_string();
        let mut current = diagnostics.to_vec();
        let mut regions: Option<Vec<std::ops::Range<usize>>> = None;
        // Fixes held back by a clash: (the finding's index in `diagnostics` when it is
        // one of them, its start in the current text, its rule).
        let mut held_back: Vec<(Option<usize>, usize, String)> = Vec::new();
        let mut fixed = 0;
        let mut fixed_originals = Vec::new();
        for round in 0..MAX_FIX_ROUNDS {
            let candidates: Vec<Diagnostic> = current
                .iter()
                .filter(|d| match &regions {
                    None => true,
                    Some(regions) => {
                        regions
                            .iter()
                            .any(|r| r.start <= d.range.start && d.range.end <= r.end)
                            || held_back
                                .iter()
                                .any(|(_, start, rule)| *start == d.range.start && *rule == d.rule)
                    }
                })
                .cloned()
                .collect();
            let applied = fixes::apply(&text, &candidates, self.allow_unsafe);
            if applied.fixed.is_empty() {
                break;
            }
            if round == 0 {
                // The first round's candidates are `diagnostics`, in their order.
                fixed_originals = applied.fixed.clone();
            }
            let mut still_held = Vec::new();
            for (original, start, rule) in held_back.drain(..) {
                let taken = applied.fixed.iter().any(|&index| {
                    candidates[index].range.start == start && candidates[index].rule == rule
                });
                match original {
                    Some(original) if taken => fixed_originals.push(original),
                    _ if taken => {}
                    _ => still_held.push((original, start, rule)),
                }
            }
            let newly_held = applied.held_back.iter().map(|&index| {
                let held = &candidates[index];
                let original = (round == 0).then_some(index);
                (original, held.range.start, held.rule.clone())
            });
            held_back = still_held
                .into_iter()
                .chain(newly_held)
                .filter_map(|(original, start, rule)| {
                    Some((original, applied.new_offset(start)?, rule))
                })
                .collect();
            fixed += applied.fixed.len();
            text = applied.text;
            regions = Some(applied.edited);
            current = self
                .checker
                .check(path, text.as_bytes(), &LineSet::All, false, false)
                .diagnostics;
        }
        let remaining = if fixed == 0 {
            diagnostics.to_vec()
        } else if all_lines {
            current
        } else {
            diagnostics
                .iter()
                .enumerate()
                .filter(|(index, _)| !fixed_originals.contains(index))
                .map(|(_, diagnostic)| diagnostic.clone())
                .collect()
        };
        FileFix {
            text,
            fixed,
            remaining,
        }
    }

    /// The fixed bytes of a file (after the checks of [`verify`]), or None when nothing
    /// was fixed or the result was refused.
    fn fixed_bytes(
        &self,
        path: &str,
        source: &source::SourceText,
        model: Option<&python::PyModel>,
        diagnostics: &[Diagnostic],
        all_lines: bool,
        summary: &mut Summary,
    ) -> Option<(Vec<u8>, FileFix)> {
        let result = self.fix_text(path, &source.text, diagnostics, all_lines);
        if result.fixed == 0 {
            return None;
        }
        match verify(self.checker, path, source, model, &result.text) {
            Ok(bytes) => Some((bytes, result)),
            Err(reason) => {
                // The reason may quote the source (a parser's message names the token).
                let note = format!("{path}: fixes not applied: {reason}");
                console::eprint_line(&format!("canon: {}", crate::output::escape(&note)));
                summary.refused.push(path.to_string());
                None
            }
        }
    }

    /// Fixes one checked file: shows, prints or writes the result, and returns what
    /// remains to report and whether a diff was shown.
    fn fix_file(
        &self,
        file: Checked,
        summary: &mut Summary,
        out: &mut dyn Write,
    ) -> Result<(Vec<Diagnostic>, bool), String> {
        let Checked {
            input,
            bytes,
            outcome,
            ..
        } = file;
        let write_out = |out: &mut dyn Write, data: &[u8]| {
            out.write_all(data)
                .map_err(|error| format!("cannot write output: {error}"))
        };
        let all_lines = input.changed == LineSet::All;
        let fixed = outcome.source.as_ref().and_then(|source| {
            self.fixed_bytes(
                &input.path,
                source,
                outcome.model.as_ref(),
                &outcome.diagnostics,
                all_lines,
                summary,
            )
        });
        let Some((new_bytes, result)) = fixed else {
            if self.to_stdout {
                write_out(out, &bytes)?;
            }
            return Ok((outcome.diagnostics, false));
        };
        if self.mode == FixMode::Diff {
            let old_text = String::from_utf8_lossy(&bytes);
            let new_text = String::from_utf8_lossy(&new_bytes);
            write_out(
                out,
                unified_diff(&input.path, &old_text, &new_text).as_bytes(),
            )?;
            return Ok((result.remaining, true));
        }
        if self.to_stdout {
            write_out(out, &new_bytes)?;
            summary.fixed += result.fixed;
            return Ok((result.remaining, false));
        }
        let absolute = self.project.absolute(&input.disk_path);
        let mut to_write = new_bytes;
        let mut count = result.fixed;
        if self.from_git {
            let current = std::fs::read(&absolute).ok();
            if current.as_deref() != Some(bytes.as_slice()) {
                // With core.autocrlf the work tree may differ from the blob only in line
                // endings: then the fixes are made again on the work tree's own text.
                let same = current
                    .as_deref()
                    .is_some_and(|current| same_but_line_endings(current, &bytes));
                let refixed = match current.filter(|_| same) {
                    Some(current) => self.refix_worktree(&input, &current, summary),
                    None => None,
                };
                let Some((bytes, fixed)) = refixed else {
                    summary.held_back.push(input.path.clone());
                    return Ok((outcome.diagnostics, false));
                };
                to_write = bytes;
                count = fixed;
            }
        }
        match crate::writer::write_atomically(&self.project.ws.root, &absolute, &to_write) {
            Ok(()) => {
                summary.fixed += count;
                summary.written.push(input.path.clone());
            }
            Err(crate::writer::WriteError::Refused(reason)) => {
                console::eprint_line(&format!("canon: {}", crate::output::escape(&reason)));
                summary.refused.push(input.path.clone());
                return Ok((outcome.diagnostics, false));
            }
            Err(crate::writer::WriteError::Failed(reason)) => {
                return Err(failed_write_message(&reason, &summary.written))
            }
        }
        if self.from_git {
            // The index (or commit) still holds the violations until the fix is staged.
            return Ok((outcome.diagnostics, false));
        }
        Ok((result.remaining, false))
    }

    /// Checks and fixes the work tree's copy of a file whose staged blob differs from
    /// it only in line endings.
    fn refix_worktree(
        &self,
        input: &FileInput,
        current: &[u8],
        summary: &mut Summary,
    ) -> Option<(Vec<u8>, usize)> {
        let outcome = self
            .checker
            .check(&input.path, current, &input.changed, true, false);
        let source = outcome.source.as_ref()?;
        let (bytes, result) = self.fixed_bytes(
            &input.path,
            source,
            outcome.model.as_ref(),
            &outcome.diagnostics,
            false,
            summary,
        )?;
        Some((bytes, result.fixed))
    }
}

/// The one line for a write that failed during `--fix`, naming the files already
/// written (their fixes stay: each was written whole, atomically).
fn failed_write_message(reason: &str, written: &[String]) -> String {
    if written.is_empty() {
        return format!("{reason}; no file was changed");
    }
    let names: Vec<String> = written
        .iter()
        .map(|path| crate::output::escape(path).into_owned())
        .collect();
    format!(
        "{reason}; fixed before it and written: {}",
        names.join(", ")
    )
}

/// True when two texts are equal once CRLF line endings are read as LF.
fn same_but_line_endings(a: &[u8], b: &[u8]) -> bool {
    let normal = |bytes: &[u8]| -> Vec<u8> {
        let mut result = Vec::with_capacity(bytes.len());
        for (index, &byte) in bytes.iter().enumerate() {
            if byte == b'\r' && bytes.get(index + 1) == Some(&b'\n') {
                continue;
            }
            result.push(byte);
        }
        result
    };
    normal(a) == normal(b)
}

fn apply_fixes(
    run: &FixRun,
    checked: Vec<Checked>,
    out: &mut dyn Write,
) -> Result<(Vec<Diagnostic>, Summary, bool), String> {
    let mut summary = Summary {
        fixing: run.mode == FixMode::Write,
        staged: run.from_git,
        allow_unsafe: run.allow_unsafe,
        ..Summary::default()
    };
    let mut remaining = Vec::new();
    let mut diff_shown = false;
    for file in checked {
        let (left, shown) = run.fix_file(file, &mut summary, out)?;
        remaining.extend(left);
        diff_shown |= shown;
    }
    Ok((remaining, summary, diff_shown))
}

/// The bytes to write for fixed text, after checking the fixed file still parses and
/// binds every name it uses.
fn verify(
    checker: &Checker,
    path: &str,
    before: &source::SourceText,
    before_model: Option<&python::PyModel>,
    after: &str,
) -> Result<Vec<u8>, String> {
    let module = checker
        .config_path(path)
        .map(|config_path| checker.module_path(&config_path))
        .unwrap_or_default();
    let parsed;
    let before_model = match before_model {
        Some(model) => model,
        None => {
            parsed = python::model(before, &source::scan(&before.text), &module);
            &parsed
        }
    };
    // A file that does not parse does not parse once fixed either: no need to parse
    // the fixed text to refuse it.
    if let Some(problem) = &before_model.problem {
        return Err(format!(
            "the file does not parse ({}); fix the syntax first",
            problem.message
        ));
    }
    let after_source = source::SourceText::from_text(after.to_string(), before.has_bom, None);
    let after_model = python::model(&after_source, &source::scan(after), &module);
    if let Some(reason) = fixes::unsafe_result(before_model, &after_model) {
        return Err(reason);
    }
    before
        .encode(after)
        .ok_or_else(|| "the file's encoding cannot be written back exactly".to_string())
}

fn unified_diff(path: &str, old: &str, new: &str) -> String {
    crate::udiff::unified_diff(&crate::output::escape(path), old, new)
}
