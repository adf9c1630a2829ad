//! `canon check`: choose the files and lines from the source mode, check them in
//! parallel, apply or show fixes, print, and decide the exit status.

use crate::cli::{CheckArgs, ColorChoice};
use crate::config::Severity;
use crate::diagnostic::Diagnostic;
use crate::fixes;
use crate::gitsource::{self, Content, FileInput, LineSet};
use crate::output::{Format, Printer, Summary};
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
    if args.staged {
        return Mode::Staged;
    }
    let from = std::env::var("PRE_COMMIT_FROM_REF")
        .ok()
        .filter(|value| !value.is_empty());
    let to = std::env::var("PRE_COMMIT_TO_REF")
        .ok()
        .filter(|value| !value.is_empty());
    if let (Some(from), Some(to)) = (from, to) {
        return Mode::Refs(from, to);
    }
    if args.paths.is_empty() {
        Mode::Staged
    } else {
        Mode::Worktree
    }
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
}

pub fn run(config: Option<&Path>, args: &CheckArgs) -> Result<i32, String> {
    let project = Project::open(config)?;
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let checker = project.checker(selection)?;
    let fix_mode = if args.diff {
        FixMode::Diff
    } else if args.fix {
        FixMode::Write
    } else {
        FixMode::None
    };
    let mode = mode(args);
    let (inputs, notes) = collect(&project, &checker, &mode, args)?;
    for note in &notes {
        eprintln!("canon: {note}");
    }
    let keep_source = fix_mode != FixMode::None;
    let checked = check_all(&checker, inputs, keep_source)?;
    let mut stdout = std::io::stdout().lock();
    let is_stdin = matches!(mode, Mode::Stdin(_));
    // Content read from git (the index or a commit) is fixed in the working tree only
    // where the working tree holds the same bytes.
    let staged = matches!(mode, Mode::Staged | Mode::Refs(..));
    let (diagnostics, summary, diff_shown) = match fix_mode {
        FixMode::None => (gather(checked), Summary::default(), false),
        _ => apply_fixes(
            &project,
            &checker,
            checked,
            fix_mode,
            args.unsafe_fixes,
            staged,
            is_stdin,
            &mut stdout,
        )?,
    };
    let printer = Printer {
        format: args.output_format,
        color: use_color(args.color, args.output_format),
        quiet: args.quiet,
        statistics: args.statistics,
        config: &project.config,
    };
    let printed = if is_stdin && fix_mode == FixMode::Write {
        // The fixed source went to stdout; diagnostics go to stderr.
        printer.print(&mut std::io::stderr().lock(), &diagnostics, &summary)
    } else if fix_mode == FixMode::Diff {
        Ok(())
    } else {
        printer.print(&mut stdout, &diagnostics, &summary)
    };
    if let Err(error) = printed.and_then(|_| stdout.flush()) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write output: {error}"));
        }
    }
    if fix_mode == FixMode::Diff {
        return Ok(i32::from(diff_shown));
    }
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Ok(if errors && !args.exit_zero { 1 } else { 0 })
}

type Collected = (Vec<FileInput>, Vec<String>);

fn collect(
    project: &Project,
    checker: &Checker,
    mode: &Mode,
    args: &CheckArgs,
) -> Result<Collected, String> {
    let ws = &project.ws;
    let keep = |path: &str| match checker.config_path(path) {
        Some(config_path) => !project.config.excluded(&config_path),
        None => false,
    };
    let mut notes = Vec::new();
    let inputs = match mode {
        Mode::Staged => {
            let (inputs, unmerged) = gitsource::staged(ws, &args.paths)?;
            for path in unmerged {
                notes.push(format!("{path}: unmerged (merge conflict); not checked until it is resolved and staged"));
            }
            inputs
        }
        Mode::Worktree => gitsource::worktree_files(ws, &args.paths, &keep)?,
        Mode::Changed => gitsource::worktree_changes(ws, None, &args.paths)?,
        Mode::DiffBase(rev) => gitsource::worktree_changes(ws, Some(rev), &args.paths)?,
        Mode::Refs(from, to) => gitsource::between_refs(ws, from, to, &args.paths)?,
        Mode::Stdin(path) => vec![stdin_input(project, path, args.changed)?],
    };
    let inputs = inputs
        .into_iter()
        .filter(|input| keep(&input.path))
        .collect();
    Ok((inputs, notes))
}

fn stdin_input(project: &Project, path: &Path, changed: bool) -> Result<FileInput, String> {
    let relative = project.ws.relative(path)?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read stdin: {error}"))?;
    let lines = if changed {
        gitsource::buffer_changes(&project.ws, &relative, &bytes)?
    } else {
        LineSet::All
    };
    Ok(FileInput {
        path: relative,
        content: Content::Bytes(bytes),
        changed: lines,
    })
}

fn read_input(input: &mut FileInput) -> Result<Vec<u8>, String> {
    match &mut input.content {
        Content::Bytes(bytes) => Ok(std::mem::take(bytes)),
        Content::Disk(path) => std::fs::read(&*path).map_err(|error| {
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
    inputs: Vec<FileInput>,
    keep_source: bool,
) -> Result<Vec<Checked>, String> {
    let mut checked: Vec<Checked> = inputs
        .into_par_iter()
        .map(|mut input| {
            let bytes = read_input(&mut input)?;
            let outcome = if input.changed.is_empty() {
                FileOutcome::default()
            } else {
                checker.check(&input.path, &bytes, &input.changed, keep_source)
            };
            // The bytes are needed again only to apply fixes.
            let bytes = if keep_source { bytes } else { Vec::new() };
            Ok(Checked {
                input,
                bytes,
                outcome,
            })
        })
        .collect::<Result<_, String>>()?;
    checked.sort_by(|a, b| a.input.path.cmp(&b.input.path));
    Ok(checked)
}

fn gather(checked: Vec<Checked>) -> Vec<Diagnostic> {
    checked
        .into_iter()
        .flat_map(|file| file.outcome.diagnostics)
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn apply_fixes(
    project: &Project,
    checker: &Checker,
    checked: Vec<Checked>,
    fix_mode: FixMode,
    allow_unsafe: bool,
    staged: bool,
    is_stdin: bool,
    out: &mut dyn Write,
) -> Result<(Vec<Diagnostic>, Summary, bool), String> {
    let mut remaining = Vec::new();
    let mut summary = Summary {
        fixing: fix_mode == FixMode::Write,
        staged,
        ..Summary::default()
    };
    let mut diff_shown = false;
    for file in checked {
        let Checked {
            input,
            bytes,
            outcome,
        } = file;
        let Some(source) = outcome.source.as_ref() else {
            remaining.extend(outcome.diagnostics);
            if is_stdin && fix_mode == FixMode::Write {
                out.write_all(&bytes)
                    .map_err(|error| format!("cannot write output: {error}"))?;
            }
            continue;
        };
        let applied = fixes::apply(&source.text, &outcome.diagnostics, allow_unsafe);
        let verdict = if applied.fixed.is_empty() {
            None
        } else {
            Some(verify(checker, &input.path, source, &applied.text))
        };
        let new_bytes = match verdict {
            Some(Ok(new_bytes)) => Some(new_bytes),
            Some(Err(reason)) => {
                eprintln!("canon: {}: fixes not applied: {reason}", input.path);
                summary.refused.push(input.path.clone());
                None
            }
            None => None,
        };
        let fixed_indexes = if new_bytes.is_some() {
            applied.fixed.clone()
        } else {
            Vec::new()
        };
        match (fix_mode, new_bytes) {
            (FixMode::Diff, Some(new_bytes)) => {
                diff_shown = true;
                let new_text = String::from_utf8_lossy(&new_bytes).into_owned();
                let old_text = String::from_utf8_lossy(&bytes).into_owned();
                write_diff(out, &input.path, &old_text, &new_text)?;
            }
            (FixMode::Write, Some(new_bytes)) if is_stdin => {
                out.write_all(&new_bytes)
                    .map_err(|error| format!("cannot write output: {error}"))?;
                summary.fixed += fixed_indexes.len();
            }
            (FixMode::Write, Some(new_bytes)) => {
                let absolute = project.absolute(&input.path);
                if staged && std::fs::read(&absolute).ok().as_deref() != Some(bytes.as_slice()) {
                    summary.held_back.push(input.path.clone());
                    remaining.extend(outcome.diagnostics);
                    continue;
                }
                crate::writer::write_atomically(&project.ws.root, &absolute, &new_bytes)?;
                summary.fixed += fixed_indexes.len();
                if staged {
                    // The index still holds the violation until the user stages the fix.
                    remaining.extend(outcome.diagnostics);
                    continue;
                }
            }
            (_, None) => {
                if is_stdin && fix_mode == FixMode::Write {
                    out.write_all(&bytes)
                        .map_err(|error| format!("cannot write output: {error}"))?;
                }
            }
            _ => {}
        }
        remaining.extend(
            outcome
                .diagnostics
                .into_iter()
                .enumerate()
                .filter(|(index, _)| !fixed_indexes.contains(index))
                .map(|(_, diagnostic)| diagnostic),
        );
    }
    Ok((remaining, summary, diff_shown))
}

/// The bytes to write for fixed text, after checking the fixed file still parses and
/// binds every name it uses.
fn verify(
    checker: &Checker,
    path: &str,
    before: &source::SourceText,
    after: &str,
) -> Result<Vec<u8>, String> {
    let module = checker
        .config_path(path)
        .map(|config_path| checker.module_path(&config_path))
        .unwrap_or_default();
    let before_model = python::model(before, &source::scan(&before.text), &module);
    let after_source = source::SourceText::from_text(after.to_string(), before.has_bom, None);
    let after_model = python::model(&after_source, &source::scan(after), &module);
    if let Some(reason) = fixes::unsafe_result(&before_model, &after_model) {
        return Err(reason);
    }
    before
        .encode(after)
        .ok_or_else(|| "the file's encoding cannot be written back exactly".to_string())
}

fn write_diff(out: &mut dyn Write, path: &str, old: &str, new: &str) -> Result<(), String> {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    out.write_all(text.as_bytes())
        .map_err(|error| format!("cannot write output: {error}"))
}
