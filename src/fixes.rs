//! Fixes: building the edits that move a file onto its canonical names (import
//! statements, string targets, call templates, inserted imports).

use crate::call_template::{self, Fit};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::{Binding, CallSite, ImportStmt, RefKind};
use crate::rules::{is_under, FileContext};
use crate::source::{indent_len, is_ident_continue, is_keyword, SourceText};
use std::ops::Range;

fn edit(range: Range<usize>, content: String) -> Edit {
    Edit {
        range,
        content,
        start: (0, 0),
        end: (0, 0),
    }
}

/// A fix that is shown but never applied.
pub fn display_only(message: String, replacement: String) -> Fix {
    Fix {
        applicability: Applicability::DisplayOnly,
        message,
        replacement,
        edits: Vec::new(),
    }
}

/// `a.b.C` -> (`a.b`, `C`); a name without dots has an empty module part.
pub fn split_last(dotted: &str) -> (&str, &str) {
    dotted.rsplit_once('.').unwrap_or(("", dotted))
}

fn alias(name: &str, local: &str) -> String {
    if name == local {
        name.to_string()
    } else {
        format!("{name} as {local}")
    }
}

/// The whitespace before `offset` on its line, or None when code precedes it there.
fn indentation(source: &SourceText, offset: usize) -> Option<&str> {
    let line_start = source.line_start(source.line_of(offset));
    let prefix = &source.text[line_start..offset];
    prefix
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(prefix)
}

/// The statement(s) that import `new` (a dotted name) under `local`.
fn canonical_import(new: &str, local: &str, star: bool) -> (String, String) {
    if star {
        return (new.to_string(), format!("from {new} import *"));
    }
    let (module, name) = split_last(new);
    if module.is_empty() {
        return (String::new(), format!("import {}", alias(name, local)));
    }
    (module.to_string(), alias(name, local))
}

/// The fix of one import statement whose `flagged` names map onto new dotted names.
pub fn import_fix(file: &FileContext, stmt_index: usize, flagged: &[(usize, String)]) -> Fix {
    let model = file.model;
    let source = file.source;
    let stmt = &model.imports[stmt_index];
    let inside =
        |range: &Range<usize>| stmt.range.start <= range.start && range.end <= stmt.range.end;
    let consistent = stmt.range.end <= source.text.len()
        && stmt
            .names
            .iter()
            .all(|&name| inside(&model.names[name].range));
    if !consistent {
        return display_only("rewrite the import by hand".to_string(), String::new());
    }
    if let Some(fix) = module_rename_fix(file, stmt, flagged) {
        return fix;
    }
    let mut applicability = Applicability::Safe;
    let mut extra_edits: Vec<Edit> = Vec::new();
    let mut statements: Vec<String> = Vec::new();
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (name_index, new) in flagged {
        let imported = &model.names[*name_index];
        let is_from = stmt.from_module.is_some();
        if is_from {
            let local = imported
                .asname
                .clone()
                .unwrap_or_else(|| imported.name.clone());
            if already_imported(file, *name_index, &local, new) {
                continue;
            }
            let (module, text) = canonical_import(new, &local, imported.name == "*");
            if module.is_empty() || imported.name == "*" {
                statements.push(text);
            } else {
                match groups.iter_mut().find(|(existing, _)| *existing == module) {
                    Some((_, names)) => names.push(text),
                    None => groups.push((module, vec![text])),
                }
            }
            continue;
        }
        match &imported.asname {
            Some(local) => {
                let old = imported.dotted.as_deref().unwrap_or(&imported.name);
                if needs_dropped_package(file, *name_index, old, new, false) {
                    applicability = Applicability::Unsafe;
                }
                let (module, last) = split_last(new);
                if !module.is_empty() && !is_module_path(module) {
                    // Below a class: neither `import` form can reach it.
                    applicability = Applicability::Unsafe;
                }
                if is_module_name(new) || module.is_empty() {
                    statements.push(format!("import {new} as {local}"));
                } else {
                    statements.push(format!("from {module} import {}", alias(last, local)));
                }
            }
            None => {
                let old = imported.dotted.as_deref().unwrap_or(&imported.name);
                let (rewrites, consistent) = attribute_rewrites(file, *name_index, old, new);
                if !consistent
                    || !is_module_path(new)
                    || needs_dropped_package(file, *name_index, old, new, true)
                    || chain_left_behind(file, &stmt.range, old, &rewrites)
                {
                    applicability = Applicability::Unsafe;
                }
                extra_edits.extend(rewrites);
                let duplicate = model.names.iter().enumerate().any(|(index, other)| {
                    index != *name_index
                        && other.asname.is_none()
                        && other.dotted.as_deref() == Some(new.as_str())
                        && binds_before(file, other.stmt, imported.stmt)
                });
                if duplicate {
                    continue;
                }
                statements.push(format!("import {new}"));
            }
        }
    }
    for (module, names) in groups {
        statements.insert(0, format!("from {module} import {}", names.join(", ")));
    }
    let flagged_names: Vec<usize> = flagged.iter().map(|(name, _)| *name).collect();
    let kept = stmt.names.iter().any(|name| !flagged_names.contains(name));
    let separator = match indentation(source, stmt.range.start) {
        Some(indent) => format!("{}{indent}", source.newline()),
        None => "; ".to_string(),
    };
    let mut parts = Vec::new();
    if kept {
        parts.push(without_names(file, stmt, &flagged_names));
    }
    parts.extend(statements.iter().cloned());
    // The statement's trailing comment stays after the last part; a pragma
    // (`# noqa`, `# type: ignore`) is meant for every part, so each one gets it.
    if let Some(pragma) = trailing_pragma(file, &stmt.range).filter(|_| parts.len() > 1) {
        let last = parts.len() - 1;
        for part in &mut parts[..last] {
            part.push_str("  ");
            part.push_str(pragma);
        }
    }
    let content = parts.join(&separator);
    let replacement = statements.join("\n");
    Fix {
        applicability,
        message: if statements.is_empty() {
            "Remove the deprecated import (the canonical one is already there)".to_string()
        } else {
            format!(
                "Import from the canonical path: `{}`",
                statements.join("; ")
            )
        },
        replacement: if replacement.is_empty() {
            content.clone()
        } else {
            replacement
        },
        edits: std::iter::once(statement_edit(file, &stmt.range, content))
            .chain(extra_edits)
            .collect(),
    }
}

/// Replaces a statement; an empty replacement removes its whole line(s) (with a
/// trailing comment) when nothing else is on them, and becomes `pass` after a colon
/// or when the statement is the only one of its block.
fn statement_edit(file: &FileContext, range: &Range<usize>, content: String) -> Edit {
    if !content.is_empty() {
        return edit(range.clone(), content);
    }
    let source = file.source;
    let last_line = source.line_of(range.end.saturating_sub(1).max(range.start));
    let line_end = source.line_range(last_line).end;
    let rest = source.text[range.end..line_end].trim();
    let alone_after = rest.is_empty() || rest.starts_with('#');
    match indentation(source, range.start) {
        Some(_) if alone_after && !sole_statement_of_block(file, range) => {
            let start = source.line_start(source.line_of(range.start));
            let end = source.line_start(last_line + 1).min(source.text.len());
            edit(start..end, String::new())
        }
        _ => edit(range.clone(), "pass".to_string()),
    }
}

/// The comment after the statement at `range` on its last line when it is a pragma
/// that tools read per line: `# noqa`, `# type:`, `# pyright:`, `# pylint:`,
/// `# mypy:`, `# canon:`.
fn trailing_pragma<'t>(file: &FileContext<'t>, range: &Range<usize>) -> Option<&'t str> {
    let text: &'t str = &file.source.text;
    let line_end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |at| range.end + at);
    let rest = text[range.end..line_end].trim();
    let comment = file
        .layout
        .comment_at(range.end + text[range.end..].find('#')?)?;
    if !rest.starts_with('#') || comment.end > line_end {
        return None;
    }
    let comment = &text[comment.clone()];
    let body = comment.trim_start_matches('#').trim_start();
    ["noqa", "type:", "pyright:", "pylint:", "mypy:", "canon:"]
        .iter()
        .any(|pragma| body.starts_with(pragma))
        .then_some(comment)
}

/// Whether the statement at `range` is indented and the only statement of its block:
/// the code before it is its block's header (indented less) and the code after it,
/// if any, is indented less too. Removing it would leave the block empty.
fn sole_statement_of_block(file: &FileContext, range: &Range<usize>) -> bool {
    let own_indent = range.start - file.source.line_start(file.source.line_of(range.start));
    if own_indent == 0 {
        return false;
    }
    let lines = &file.layout.logical_lines;
    let indent_of =
        |line: &Range<usize>| statement_code(file, line).map(|code| code.start - line.start);
    let before = lines[..lines.partition_point(|line| line.end <= range.start)]
        .iter()
        .rev()
        .find_map(indent_of);
    let after = lines[lines.partition_point(|line| line.start < range.end)..]
        .iter()
        .find_map(indent_of);
    before.is_some_and(|indent| indent < own_indent)
        && after.map_or(true, |indent| indent < own_indent)
}

/// The range of the module name (with its leading dots) in a `from` import.
fn from_module_range(source: &SourceText, stmt: &ImportStmt) -> Option<Range<usize>> {
    let text = &source.text[stmt.range.clone()];
    let rest = text.strip_prefix("from")?;
    let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\\', '\n', '\r']).len();
    let start = stmt.range.start + 4 + skipped;
    let module_len = source.text[start..stmt.range.end]
        .find(|c: char| !(c == '.' || c == '_' || c.is_alphanumeric()))
        .unwrap_or(stmt.range.end - start);
    (module_len > 0).then(|| start..start + module_len)
}

/// When every name of a `from` import is flagged and each maps onto the same name in
/// one new module, only the module is rewritten: names, comments and layout stay.
fn module_rename_fix(
    file: &FileContext,
    stmt: &ImportStmt,
    flagged: &[(usize, String)],
) -> Option<Fix> {
    stmt.from_module.as_ref()?;
    if flagged.len() != stmt.names.len() {
        return None;
    }
    let mut new_module: Option<&str> = None;
    for (name_index, new) in flagged {
        let imported = &file.model.names[*name_index];
        let local = imported.asname.as_deref().unwrap_or(&imported.name);
        if already_imported(file, *name_index, local, new) {
            return None;
        }
        let module = if imported.name == "*" {
            new.as_str()
        } else {
            let (module, name) = split_last(new);
            if name != imported.name || module.is_empty() {
                return None;
            }
            module
        };
        if new_module.is_some_and(|seen| seen != module) {
            return None;
        }
        new_module = Some(module);
    }
    let module = new_module?.to_string();
    let range = from_module_range(file.source, stmt)?;
    let text = &file.source.text;
    let statement = format!(
        "{}{module}{}",
        &text[stmt.range.start..range.start],
        &text[range.end..stmt.range.end]
    );
    // A one-line statement is replaced whole, so the edit is the canonical import
    // itself; a multi-line one only gets its module rewritten, keeping its comments.
    let one_line = !text[stmt.range.clone()].contains('\n');
    let edit = if one_line {
        edit(stmt.range.clone(), statement.clone())
    } else {
        edit(range, module.clone())
    };
    Some(Fix {
        applicability: Applicability::Safe,
        message: format!("Import from the canonical module `{module}`"),
        replacement: statement,
        edits: vec![edit],
    })
}

/// A dotted name whose last part looks like a module (lowercase), not a class.
fn is_module_name(dotted: &str) -> bool {
    split_last(dotted)
        .1
        .starts_with(|c: char| c.is_lowercase() || c == '_')
}

/// A dotted name each of whose parts looks like a module (`import` can name it).
fn is_module_path(dotted: &str) -> bool {
    dotted
        .split('.')
        .all(|part| part.starts_with(|c: char| c.is_lowercase() || c == '_'))
}

/// The first part of a dotted name (`a` of `a.b.c`).
fn root_of(dotted: &str) -> &str {
    dotted.split('.').next().unwrap_or(dotted)
}

/// Whether import name `index` is a plain `import a.b.c` (no `as`, no `from`) that
/// binds `root`: an attribute chain written through `root` may have been bound by it.
fn binds_root_plainly(file: &FileContext, index: usize, root: &str) -> bool {
    let imported = &file.model.names[index];
    imported.asname.is_none()
        && file.model.imports[imported.stmt].from_module.is_none()
        && imported.bound_name() == Some(root)
}

/// Edits that rewrite attribute chains reached through `import old` (by import name
/// `via`) onto `new`, and whether every chain through it stays correct afterwards.
/// A chain through `old` written via another plain import of the same root (the one
/// that bound the root last) is rewritten too.
fn attribute_rewrites(
    file: &FileContext,
    via_name: usize,
    old: &str,
    new: &str,
) -> (Vec<Edit>, bool) {
    let text = &file.source.text;
    let same_root = root_of(old) == root_of(new);
    let mut edits = Vec::new();
    let mut consistent = true;
    for reference in &file.model.references {
        let RefKind::Attribute { via, .. } = &reference.kind else {
            continue;
        };
        let own = *via == via_name;
        if !own && !binds_root_plainly(file, *via, root_of(old)) {
            continue;
        }
        match reference.sub_chains().find(|(dotted, _)| *dotted == old) {
            Some((_, end)) => {
                let range = reference.range.start..end;
                if text[range.clone()] == *old {
                    edits.push(edit(range, new.to_string()));
                } else {
                    consistent = false;
                }
            }
            None if own => consistent &= same_root,
            None => {}
        }
    }
    (edits, consistent)
}

/// Whether the code outside the import statement at `stmt` spells the chain `old`
/// (`pkg.old_utils.run()`) somewhere no rewrite in `rewrites` starts: a use the model
/// could not tie to the import (its root is bound another way too, `pkg = None`),
/// which would break once the import no longer loads `old`.
fn chain_left_behind(
    file: &FileContext,
    stmt: &Range<usize>,
    old: &str,
    rewrites: &[Edit],
) -> bool {
    let text = &file.source.text;
    let bytes = text.as_bytes();
    let continues_name = |byte: Option<&u8>| byte.is_some_and(|&b| is_ident_continue(b));
    memchr::memmem::find_iter(bytes, old.as_bytes()).any(|at| {
        let before = at.checked_sub(1).map(|index| &bytes[index]);
        let part_of_longer_name = continues_name(before)
            || before == Some(&b'.')
            || continues_name(bytes.get(at + old.len()));
        !stmt.contains(&at)
            && !part_of_longer_name
            && !through_another_import(file, stmt, old, &text[at..])
            && file.layout.string_at(at).is_none()
            && file.layout.comment_at(at).is_none()
            && !rewrites.iter().any(|rewrite| rewrite.range.start == at)
    })
}

/// Whether the chain `code` starts with (`lib.old.sub.x`) goes through a module
/// below `old` that a plain import other than the one at `stmt` loads
/// (`import lib.old.sub`): that import keeps it loaded, or its own fix rewrites it.
fn through_another_import(file: &FileContext, stmt: &Range<usize>, old: &str, code: &str) -> bool {
    file.model.names.iter().any(|other| {
        let Some(dotted) = other.dotted.as_deref() else {
            return false;
        };
        file.model.imports[other.stmt].range != *stmt
            && other.asname.is_none()
            && is_under(dotted, old)
            && dotted.len() > old.len()
            && code.starts_with(dotted)
            && !code[dotted.len()..].starts_with(|c: char| c == '_' || c.is_alphanumeric())
    })
}

/// Whether a use in the file needs a package that import name `name_index` loads
/// (`old` or one above it, below the root) and that its fix, importing `new`
/// instead, no longer loads (`lib.old.foo` after `import lib.old.sub` becomes
/// `import lib.new.sub`): an attribute chain through a plain import of the same root
/// that reaches such a package, is not rewritten by the fix (chains through `old`
/// are when `rewritten`) and goes through no other plain import's module.
fn needs_dropped_package(
    file: &FileContext,
    name_index: usize,
    old: &str,
    new: &str,
    rewritten: bool,
) -> bool {
    let root = root_of(old);
    file.model.references.iter().any(|reference| {
        let RefKind::Attribute { via, .. } = &reference.kind else {
            return false;
        };
        if !binds_root_plainly(file, *via, root) {
            return false;
        }
        let chains: smallvec::SmallVec<[&str; 4]> =
            reference.sub_chains().map(|(dotted, _)| dotted).collect();
        if rewritten && chains.contains(&old) {
            return false;
        }
        if chains
            .iter()
            .any(|dotted| imported_elsewhere(file, name_index, root, dotted))
        {
            return false;
        }
        chains
            .iter()
            .any(|dotted| dotted.contains('.') && is_under(old, dotted) && !is_under(new, dotted))
    })
}

/// Whether a plain import of `root` other than import name `name_index` imports
/// exactly `dotted` (the chains through it are that import's to keep or rewrite).
fn imported_elsewhere(file: &FileContext, name_index: usize, root: &str, dotted: &str) -> bool {
    file.model.names.iter().enumerate().any(|(index, other)| {
        index != name_index
            && other.dotted.as_deref() == Some(dotted)
            && binds_root_plainly(file, index, root)
    })
}

/// True when another, unflagged import already binds `local` to `new` wherever the
/// flagged one did: a module-level statement of its own, outside any block, before it.
/// (One under `if TYPE_CHECKING:`, in `try:`, or further down binds nothing there.)
fn already_imported(file: &FileContext, flagged: usize, local: &str, new: &str) -> bool {
    file.model.names.iter().enumerate().any(|(index, other)| {
        index != flagged
            && other.dotted.as_deref() == Some(new)
            && other.bound_name() == Some(local)
            && binds_before(file, other.stmt, file.model.names[flagged].stmt)
    })
}

/// Whether import statement `earlier` binds its names for everything after it that
/// statement `later` could reach: it comes first and stands at column 0 on its own
/// line (module level, in no block).
fn binds_before(file: &FileContext, earlier: usize, later: usize) -> bool {
    let imports = &file.model.imports;
    let (earlier, later) = (&imports[earlier].range, &imports[later].range);
    earlier.start < later.start && indentation(file.source, earlier.start) == Some("")
}

/// The statement's text with the `flagged` aliases (and their commas) removed.
fn without_names(file: &FileContext, stmt: &ImportStmt, flagged: &[usize]) -> String {
    let text = &file.source.text;
    let base = stmt.range.start;
    let mut result = text[stmt.range.clone()].to_string();
    let mut ranges: Vec<Range<usize>> = flagged
        .iter()
        .map(|&index| file.model.names[index].range.clone())
        .collect();
    ranges.sort_by_key(|range| std::cmp::Reverse(range.start));
    for range in ranges {
        let local = range.start - base..range.end - base;
        let after = &result[local.end..];
        let trimmed = after.trim_start_matches([' ', '\t']);
        let removal = if let Some(rest) = trimmed.strip_prefix(',') {
            let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            local.start..local.end + (after.len() - trimmed.len()) + 1 + spaces
        } else {
            let before = &result[..local.start];
            let trimmed_before = before.trim_end_matches([' ', '\t', '\n', '\r', '\\']);
            if trimmed_before.ends_with(',') {
                trimmed_before.len() - 1..local.end
            } else {
                local.clone()
            }
        };
        result.replace_range(removal, "");
    }
    let lines: Vec<&str> = result.split('\n').collect();
    let kept: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(index, line)| *index == 0 || !line.trim().is_empty())
        .map(|(_, line)| *line)
        .collect();
    kept.join("\n")
}

/// Replaces the dotted path inside a string literal.
pub fn string_fix(file: &FileContext, range: &Range<usize>, old: &str, new: &str) -> Fix {
    let literal = &file.source.text[range.clone()];
    if literal.matches(old).count() != 1 {
        return display_only(format!("use `{new}`"), new.to_string());
    }
    let content = literal.replacen(old, new, 1);
    let mut fix = Fix {
        applicability: Applicability::Safe,
        message: format!("Replace with `{new}`"),
        replacement: content.clone(),
        edits: vec![edit(range.clone(), content)],
    };
    if (old.contains('.') || new.contains('.')) && is_dunder_import_argument(file, range.start) {
        fix.applicability = Applicability::Unsafe;
        fix.message.push_str(
            " (`__import__` returns the top-level package, which the uses of its result may rely on)",
        );
    }
    fix
}

/// Whether the string literal holding `at` is the first argument of `__import__`
/// (`__import__("a.b")`, `builtins.__import__(...)`), which returns package `a`.
fn is_dunder_import_argument(file: &FileContext, at: usize) -> bool {
    let Some(literal) = file.layout.string_at(at) else {
        return false;
    };
    let before = file.source.text[..literal.range.start].trim_end();
    before
        .strip_suffix('(')
        .is_some_and(|callee| callee.trim_end().ends_with("__import__"))
}

/// Code for a one-line message: a replacement over several lines shows its first and
/// last lines around an ellipsis (`Factory.create(…)`); the arguments between stay in
/// the fix itself.
pub fn one_line(code: &str) -> String {
    let mut lines = code.lines();
    let first = lines.next().unwrap_or_default();
    match lines.last() {
        Some(last) => format!("{}…{}", first.trim_end(), last.trim_start()),
        None => first.to_string(),
    }
}

/// The fix of a call matched by a `call` rule with a template.
pub fn call_fix(
    file: &FileContext,
    call: &CallSite,
    template: &str,
    requires_import: Option<&str>,
    local_import: Option<usize>,
) -> Fix {
    let text = &file.source.text;
    let callee = &text[call.callee_range.clone()];
    // A callee written over several lines was inside parentheses (its own, which the
    // call's range holds): it keeps them, or its line break ends the statement.
    let callee = if callee.contains('\n') {
        std::borrow::Cow::Owned(format!("({callee})"))
    } else {
        std::borrow::Cow::Borrowed(callee)
    };
    let filled = call_template::fill(template, &callee, &text[call.args_range.clone()]);
    let (fit, awaits) = call_template::judge(&filled);
    let replacement = match fit {
        Fit::Parenthesized => format!("({filled})"),
        Fit::WhereDelimited if !call_template::delimited(text, &call.call_range) => {
            format!("({filled})")
        }
        _ => filled,
    };
    let message = format!("Replace with `{}`", one_line(&replacement));
    if fit == Fit::Invalid {
        return display_only(
            format!("{message} (the filled template is not a Python expression)"),
            replacement,
        );
    }
    if replacement == text[call.call_range.clone()] {
        return display_only(
            format!("{message} (the template writes the same call again)"),
            replacement,
        );
    }
    if awaits && !in_async_function(file, call) {
        return display_only(
            format!(
                "{message} (`await` only works in an `async def`, and this call is not in one)"
            ),
            replacement,
        );
    }
    let mut edits = vec![edit(call.call_range.clone(), replacement.clone())];
    let mut applicability = Applicability::Safe;
    let mut message = message;
    let mut shown = replacement.clone();
    if let Some(required) = requires_import {
        let (module, name) = split_last(required);
        match required_binding(file, name, required, call) {
            Required::Bound => {}
            Required::Missing => {
                let statement = if module.is_empty() {
                    format!("import {name}")
                } else {
                    format!("from {module} import {name}")
                };
                let (at, indent) =
                    match local_import.and_then(|stmt| after_local_import(file, stmt)) {
                        Some(place) => place,
                        None => (import_insertion_point(file), String::new()),
                    };
                let statement = format!("{indent}{statement}");
                let newline = file.source.newline();
                let content = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
                    format!("{newline}{statement}{newline}")
                } else {
                    format!("{statement}{newline}")
                };
                edits.push(edit(at..at, content));
                message.push_str(&format!(" and add `{statement}`"));
                shown = format!("{replacement}\n{statement}");
            }
            Required::Other => {
                applicability = Applicability::Unsafe;
                message.push_str(&format!(" (`{name}` is bound to something else in this file: import `{required}` yourself)"));
            }
            Required::Conditional => {
                applicability = Applicability::Unsafe;
                message.push_str(&format!(" (`{name}` is imported only under a condition in this file: import `{required}` yourself)"));
            }
        }
    }
    if let Some(name) = shadowed_template_name(file, call, template, requires_import) {
        applicability = Applicability::Unsafe;
        message.push_str(&format!(
            " (`{name}` is bound in the scope around the call, not only by the module)"
        ));
    } else if let Some(name) = unbound_template_name(file, call, template, requires_import) {
        applicability = Applicability::Unsafe;
        message.push_str(&format!(
            " (`{name}` is not bound in this file: import it yourself)"
        ));
    }
    Fix {
        applicability,
        message,
        replacement: shown,
        edits,
    }
}

/// Whether the innermost function around `call` is an `async def` (where `await` may
/// be written; not in a lambda or a class body).
fn in_async_function(file: &FileContext, call: &CallSite) -> bool {
    call.scope
        .is_some_and(|scope| file.model.scopes[scope].is_async)
}

/// Whether a file binds the name a call template needs when its module runs.
enum Required {
    /// Bound to the required name at module level, unconditionally.
    Bound,
    /// Not bound (or imported only for type checkers, under `if TYPE_CHECKING:`): the
    /// import is added.
    Missing,
    /// Bound to something else.
    Other,
    /// Imported inside another compound statement (`try:`, `if ...:`), which may not
    /// run it.
    Conditional,
}

fn required_binding(file: &FileContext, name: &str, required: &str, call: &CallSite) -> Required {
    if file.model.rebound_globals.contains(name) {
        return Required::Other;
    }
    match file.model.module_bindings.get(name) {
        None => Required::Missing,
        Some(Binding::Defined(dotted)) if dotted == required => Required::Bound,
        Some(Binding::Import { dotted, name }) if dotted == required => {
            let start = file.model.imports[file.model.names[*name].stmt].range.start;
            // A module-level call runs before an import further down binds the name.
            if call.scope.is_none() && start > call.call_range.start {
                return Required::Missing;
            }
            if indentation(file.source, start) == Some("") {
                return Required::Bound;
            }
            match enclosing_header(file, start) {
                Some(header) if is_type_checking_header(header) => Required::Missing,
                _ => Required::Conditional,
            }
        }
        Some(_) => Required::Other,
    }
}

/// The first name the filled template reads (its root names, and the name
/// `requires-import` binds) that a function around `call` (or the class body it is
/// directly in) binds other than by importing the required name: there the template
/// would not mean the module's name.
fn shadowed_template_name<'t>(
    file: &FileContext,
    call: &CallSite,
    template: &'t str,
    requires_import: Option<&'t str>,
) -> Option<&'t str> {
    let mut names = template_names(template);
    names.extend(requires_import.map(|required| split_last(required).1));
    names
        .into_iter()
        .find(|name| bound_around_call(file, call, name, requires_import))
}

/// Whether `name`, read where `call` is, is bound by a scope around it other than by
/// importing `required`: any function or lambda body around it, up to the
/// module, and the class body the call is directly in (class bodies further out are
/// not seen from functions inside them, as in Python). A comprehension's target
/// counts for the function around it, or, at module level, for every module-level call.
fn bound_around_call(
    file: &FileContext,
    call: &CallSite,
    name: &str,
    required: Option<&str>,
) -> bool {
    let scopes = &file.model.scopes;
    let mut current = call.scope;
    let mut innermost = true;
    while let Some(index) = current {
        let scope = &scopes[index];
        if innermost || !scope.is_class {
            match scope.bindings.get(name) {
                Some(Binding::Import { dotted, .. }) if Some(dotted.as_str()) == required => {
                    return false;
                }
                Some(_) => return true,
                None => {}
            }
        }
        innermost = false;
        current = scope.parent;
    }
    call.scope.is_none() && file.model.module_comprehension_names.contains(name)
}

/// The first name the template reads at its root that nothing binds where it runs:
/// not `requires-import` (which the fix adds), not the module (nor a star import,
/// which may bind anything), not a builtin. The filled template would raise
/// `NameError` (`pkg.factory.create()` with `requires-import: pkg.factory`, which
/// binds `factory`, not `pkg`).
fn unbound_template_name<'t>(
    file: &FileContext,
    call: &CallSite,
    template: &'t str,
    requires_import: Option<&str>,
) -> Option<&'t str> {
    let required = requires_import.map(|required| split_last(required).1);
    let star_import = file.model.names.iter().any(|name| name.name == "*");
    template_names(template).into_iter().find(|&name| {
        Some(name) != required
            && !star_import
            && !bound_for_call(file, call, name)
            && !PYTHON_BUILTINS.contains(&name)
    })
}

/// Whether the module binds `name` for `call`: anywhere for a call in a function
/// (which runs once the module has), but by an import only before a module-level call.
fn bound_for_call(file: &FileContext, call: &CallSite, name: &str) -> bool {
    match file.model.module_bindings.get(name) {
        None => false,
        Some(Binding::Import { name: index, .. }) if call.scope.is_none() => {
            let stmt = file.model.names[*index].stmt;
            file.model.imports[stmt].range.start < call.call_range.start
        }
        Some(_) => true,
    }
}

/// The names Python's `builtins` module binds (3.8 to 3.13), which a template may read.
const PYTHON_BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "__debug__",
    "__doc__",
    "__file__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

/// The names a template reads at its root (`Factory` in `Factory.create({args})`):
/// identifiers outside its `{callee}`/`{args}` placeholders and string literals that
/// follow no `.`, are no keyword and name no keyword argument (`x=`).
fn template_names(template: &str) -> Vec<&str> {
    let bytes = template.as_bytes();
    let mut names = Vec::new();
    let mut at = 0;
    let mut after_dot = false;
    while at < bytes.len() {
        let rest = &template[at..];
        let byte = bytes[at];
        if let Some(placeholder) = ["{callee}", "{args}"]
            .iter()
            .find(|placeholder| rest.starts_with(**placeholder))
        {
            at += placeholder.len();
            after_dot = false;
        } else if byte == b'"' || byte == b'\'' {
            at += string_len(rest);
            after_dot = false;
        } else if byte == b'_' || byte.is_ascii_alphabetic() || !byte.is_ascii() {
            let len = rest
                .find(|c: char| !(c == '_' || c.is_alphanumeric()))
                .unwrap_or(rest.len());
            let word = &rest[..len];
            let next = rest[len..].trim_start();
            let string_prefix = next.starts_with(['"', '\'']);
            let keyword_argument = next.starts_with('=') && !next.starts_with("==");
            if !after_dot && !string_prefix && !keyword_argument && !is_keyword(word) {
                names.push(word);
            }
            at += len;
            after_dot = false;
        } else if byte.is_ascii_digit() {
            let len = rest
                .find(|c: char| !(c == '_' || c == '.' || c.is_alphanumeric()))
                .unwrap_or(rest.len());
            at += len;
            after_dot = false;
        } else {
            if !byte.is_ascii_whitespace() {
                after_dot = byte == b'.';
            }
            at += 1;
        }
    }
    names
}

/// The length of the string literal `text` starts with (its quote to the matching
/// one, backslash escapes skipped), or all of `text` when it is not closed.
pub(crate) fn string_len(text: &str) -> usize {
    let quote = text.as_bytes()[0];
    let mut at = 1;
    while at < text.len() {
        match text.as_bytes()[at] {
            b'\\' => at += 2,
            byte if byte == quote => return at + 1,
            _ => at += 1,
        }
    }
    text.len()
}

/// The header (`if ...:`, `try:`) of the block whose statement starts at `at`: the
/// code before it on its line (`if X: import y`), else the code of the nearest
/// logical line before it that is indented less.
fn enclosing_header<'t>(file: &FileContext<'t>, at: usize) -> Option<&'t str> {
    let text: &'t str = &file.source.text;
    let lines = &file.layout.logical_lines;
    let own = lines.partition_point(|line| line.end <= at);
    let own_line = lines.get(own)?;
    let own_code = statement_code(file, own_line)?;
    if own_code.start < at {
        return Some(text[own_code.start..at].trim_end());
    }
    let own_indent = at - own_line.start;
    lines[..own].iter().rev().find_map(|line| {
        let code = statement_code(file, line)?;
        (code.start - line.start < own_indent).then(|| &text[code])
    })
}

/// `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`): a block only type checkers run.
fn is_type_checking_header(header: &str) -> bool {
    let Some(condition) = header
        .strip_prefix("if")
        .and_then(|rest| rest.strip_suffix(':'))
    else {
        return false;
    };
    matches!(
        condition.trim(),
        "TYPE_CHECKING" | "typing.TYPE_CHECKING" | "t.TYPE_CHECKING"
    )
}

/// The import statement inside a function that binds the callee of every call in
/// `calls`, when there is one: a required import then goes right after it, at its
/// indentation, instead of at module level (the file keeps that import local, often to
/// avoid an import cycle, and the calls are only there).
pub fn shared_local_import(file: &FileContext, calls: &[&CallSite]) -> Option<usize> {
    let mut shared = None;
    for call in calls {
        let stmt = file.model.names[call.via?].stmt;
        if !file.model.imports[stmt].nested || shared.is_some_and(|seen| seen != stmt) {
            return None;
        }
        shared = Some(stmt);
    }
    shared
}

/// The start of the line after import statement `stmt`, and that statement's
/// indentation; None when more code follows it on its line (`import m; m.f()`), which
/// would run before an import placed below.
fn after_local_import(file: &FileContext, stmt: usize) -> Option<(usize, String)> {
    let stmt = &file.model.imports[stmt];
    let text = &file.source.text;
    let rest_of_line = text[stmt.range.end..]
        .split('\n')
        .next()
        .unwrap_or_default();
    let rest = rest_of_line.trim();
    if !rest.is_empty() && !rest.starts_with('#') {
        return None;
    }
    let indent = indentation(file.source, stmt.range.start)?.to_string();
    let line = file.source.line_of(stmt.range.end.saturating_sub(1));
    Some((
        file.source.line_start(line + 1).min(file.source.text.len()),
        indent,
    ))
}

/// Where a new module-level import goes: after the last import of the file's leading
/// imports (those before its first other statement, so that no code runs before the
/// new binding), else after the module docstring and leading comments.
pub fn import_insertion_point(file: &FileContext) -> usize {
    let source = file.source;
    let code_start = first_statement_after_imports(file);
    let last_import = file
        .model
        .imports
        .iter()
        .filter(|stmt| !stmt.nested && indentation(source, stmt.range.start) == Some(""))
        .map(|stmt| stmt.range.end)
        .filter(|&end| end <= code_start)
        .max();
    let after = match last_import {
        Some(end) => end,
        None => {
            let docstring = file
                .layout
                .strings
                .first()
                .filter(|literal| {
                    source.text[..literal.range.start]
                        .trim()
                        .lines()
                        .all(|line| line.trim_start().starts_with('#') || line.trim().is_empty())
                })
                .map(|literal| literal.range.end);
            match docstring {
                Some(end) => end,
                None => return leading_comments_end(source),
            }
        }
    };
    let line = source.line_of(after.saturating_sub(1));
    source.line_start(line + 1).min(source.text.len())
}

/// The start of the first top-level statement that is neither an import statement
/// alone on its line(s) nor the module docstring (the text's end if there is none).
fn first_statement_after_imports(file: &FileContext) -> usize {
    let text = &file.source.text;
    let top_level_imports: Vec<&Range<usize>> = file
        .model
        .imports
        .iter()
        .filter(|stmt| !stmt.nested)
        .map(|stmt| &stmt.range)
        .collect();
    let mut first = true;
    for line in &file.layout.logical_lines {
        let Some(code) = statement_code(file, line) else {
            continue;
        };
        let is_docstring = first
            && file
                .layout
                .strings
                .iter()
                .any(|literal| literal.range == code);
        first = false;
        // The line's code is one import statement: nothing else (`; x = f()`) with it.
        let is_import = top_level_imports.iter().any(|range| **range == code);
        if !is_docstring && !is_import {
            return code.start;
        }
    }
    text.len()
}

/// The code of a logical line: from its first character that is neither blank nor a
/// comment to the end of its last such character; None for a blank or comment line.
fn statement_code(file: &FileContext, line: &Range<usize>) -> Option<Range<usize>> {
    let text = &file.source.text;
    let start = line.start + indent_len(&text[line.clone()]);
    if start >= line.end || text.as_bytes()[start] == b'#' {
        return None;
    }
    // Only the last comment can end the line's code (one before it, inside brackets,
    // has code after it).
    let comments = &file.layout.comments;
    let comment = comments[..comments.partition_point(|comment| comment.start < line.end)]
        .last()
        .filter(|comment| comment.start >= start);
    let end = comment.map_or(line.end, |comment| comment.start);
    let end = start + text[start..end].trim_end().len();
    Some(start..end)
}

fn leading_comments_end(source: &SourceText) -> usize {
    let mut line = 1;
    while line <= source.line_count() && source.line_text(line).trim_start().starts_with('#') {
        line += 1;
    }
    source.line_start(line)
}

/// The result of applying fixes to one file's text.
pub struct Applied {
    pub text: String,
    /// The ranges of the new text that the edits wrote.
    pub edited: Vec<Range<usize>>,
    /// The ranges of the old text those edits replaced, in the same order.
    pub replaced: Vec<Range<usize>>,
    /// Indexes (into the diagnostics given) of the fixes applied.
    pub fixed: Vec<usize>,
    /// Indexes of the fixes that could be applied but clashed with one taken first:
    /// the next round may take them.
    pub held_back: Vec<usize>,
}

impl Applied {
    /// Where offset `old` of the old text lies in the new text, unless an edit
    /// replaced the text around it.
    pub fn new_offset(&self, old: usize) -> Option<usize> {
        let mut shift = 0isize;
        for (replaced, edited) in self.replaced.iter().zip(&self.edited) {
            if replaced.end <= old {
                shift += edited.len() as isize - replaced.len() as isize;
            } else if replaced.start < old {
                return None;
            }
        }
        old.checked_add_signed(shift)
    }
}

/// Applies the fixes of `diagnostics` that `allow_unsafe` permits; identical edits
/// are applied once, and a fix overlapping one already taken waits for another run.
pub fn apply(text: &str, diagnostics: &[Diagnostic], allow_unsafe: bool) -> Applied {
    let mut taken: Vec<Edit> = Vec::new();
    let mut fixed = Vec::new();
    let mut candidates: Vec<(usize, &Fix)> = diagnostics
        .iter()
        .enumerate()
        .filter_map(|(index, diagnostic)| diagnostic.fix.as_ref().map(|fix| (index, fix)))
        .filter(|(_, fix)| !fix.edits.is_empty())
        .filter(|(_, fix)| match fix.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => allow_unsafe,
            Applicability::DisplayOnly => false,
        })
        .collect();
    candidates.sort_by_key(|(_, fix)| fix.edits.iter().map(|edit| edit.range.start).min());
    let mut held_back = Vec::new();
    for (index, fix) in candidates {
        let conflicts = fix.edits.iter().any(|edit| {
            taken
                .iter()
                .any(|other| other != edit && ranges_clash(&other.range, &edit.range))
        });
        if conflicts {
            held_back.push(index);
            continue;
        }
        for edit in &fix.edits {
            if !taken.contains(edit) {
                taken.push(edit.clone());
            }
        }
        fixed.push(index);
    }
    taken.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut result = String::with_capacity(text.len() + 64);
    let mut cursor = 0;
    let mut edited = Vec::new();
    for edit in &taken {
        result.push_str(&text[cursor..edit.range.start]);
        let start = result.len();
        result.push_str(&edit.content);
        edited.push(start..result.len());
        cursor = edit.range.end;
    }
    result.push_str(&text[cursor..]);
    Applied {
        text: result,
        edited,
        replaced: taken.into_iter().map(|edit| edit.range).collect(),
        fixed,
        held_back,
    }
}

/// Two edits clash when they overlap, or insert at the same point as another replaces.
fn ranges_clash(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() || b.is_empty() {
        return a.start > b.start && a.start < b.end || b.start > a.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

/// Why the fixed text of a file that parsed must not be written, if it must not: it no
/// longer parses, or it reads a name it no longer binds.
pub fn unsafe_result(
    before: &crate::python::PyModel,
    after: &crate::python::PyModel,
) -> Option<String> {
    if let Some(problem) = &after.problem {
        return Some(format!(
            "the fixed file would not parse ({})",
            problem.message
        ));
    }
    let mut lost: Vec<&String> = after
        .used_names
        .iter()
        .filter(|name| {
            before.module_bindings.contains_key(*name) && !after.module_bindings.contains_key(*name)
        })
        .collect();
    lost.sort();
    lost.first()
        .map(|name| format!("the fixed file would use `{name}` without binding it"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_over_several_lines_is_shown_on_one() {
        assert_eq!(one_line("F.create(a)"), "F.create(a)");
        assert_eq!(
            one_line("F.create(\n    a,  # why\n    b,\n)"),
            "F.create(…)"
        );
        assert_eq!(one_line("F.create(\n    a)"), "F.create(…a)");
    }

    #[test]
    fn template_names_are_the_names_read_at_the_root() {
        assert_eq!(template_names("Factory.create({args})"), ["Factory"]);
        assert_eq!(
            template_names("{callee}.create_for_user({args})"),
            Vec::<&str>::new()
        );
        assert_eq!(
            template_names("make(Factory, {args}, mode='a.b', strict=True, n=1.5e3)"),
            ["make", "Factory"]
        );
        assert_eq!(template_names("f\"{x}\" if ok else None"), ["ok"]);
    }
}

#[cfg(test)]
mod apply_tests {
    use super::*;
    use crate::config::Severity;

    fn diagnostic(edits: Vec<(Range<usize>, &str)>, applicability: Applicability) -> Diagnostic {
        Diagnostic {
            path: "a.py".into(),
            code: "CAN001",
            rule: "r".into(),
            severity: Severity::Error,
            message: String::new(),
            start: (1, 1),
            end: (1, 1),
            source_line: String::new(),
            range: 0..0,
            fix: Some(Fix {
                applicability,
                message: String::new(),
                replacement: String::new(),
                edits: edits
                    .into_iter()
                    .map(|(range, text)| edit(range, text.to_string()))
                    .collect(),
            }),
        }
    }

    #[test]
    fn identical_edits_apply_once_and_overlaps_wait() {
        let text = "abcdef";
        let diagnostics = vec![
            diagnostic(vec![(0..2, "X"), (6..6, "!")], Applicability::Safe),
            diagnostic(vec![(6..6, "!")], Applicability::Safe),
            diagnostic(vec![(1..3, "Y")], Applicability::Safe),
            diagnostic(vec![(4..5, "Z")], Applicability::Unsafe),
        ];
        let applied = apply(text, &diagnostics, false);
        assert_eq!(applied.text, "Xcdef!");
        assert_eq!(applied.fixed, vec![0, 1]);
        let applied = apply(text, &diagnostics, true);
        assert_eq!(applied.text, "XcdZf!");
    }
}
