//! The rule engine: runs every configured rule over one file's model and text, keeps
//! only what the changed lines, suppression comments, `allow-in` and the selection
//! let through, and attaches each diagnostic's fix.

use crate::byteclass::{is_word_byte, ByteSet, BLOCK};
use crate::config::{Config, Rule, RuleKind, Scope, Severity};
use crate::diagnostic::{Diagnostic, Fix, PARSE_CODE, PARSE_RULE};
use crate::fixes;
use crate::gitsource::LineSet;
use crate::lexical;
use crate::python::{self, ModulePath, PyModel, RefKind, Reference};
use crate::source::{self, Layout, SourceText};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ops::Range;

/// Files larger than this are reported with CAN000 and not checked.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// Which rules the command line selected.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    fn enabled(&self, rule_id: &str, code: &str) -> bool {
        let named = |list: &Vec<String>| {
            list.iter()
                .any(|item| item == rule_id || item.eq_ignore_ascii_case(code))
        };
        (self.select.is_empty() || named(&self.select)) && !named(&self.ignore)
    }
}

/// A rule occurrence counted for the compliance report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub canonical: usize,
    pub deprecated: usize,
}

/// Everything one file produced.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub diagnostics: Vec<Diagnostic>,
    /// Per rule (same order as the config), canonical and deprecated references
    /// (for other kinds, violations), suppressed by a comment or not.
    pub counts: Vec<Counts>,
    /// The deprecated dotted names referenced (one entry per reference).
    pub deprecated_paths: Vec<String>,
    /// The decoded text and its model, kept when fixes may be applied.
    pub source: Option<SourceText>,
    pub model: Option<PyModel>,
}

/// Runs the configured rules; shared by every file of a run.
pub struct Checker<'c> {
    pub config: &'c Config,
    /// The rules the config turns on and the selection keeps (config indexes), and
    /// whether the selection keeps CAN000: the same for every file.
    selected: Vec<usize>,
    parse_enabled: bool,
    /// The last parts of the names rules govern (None: no rule names one).
    needles: Option<Words>,
    /// Each canonical and deprecated name of an import rule, and the rules that name
    /// it (bit `i` for the config's rule `i`; only the first 64 rules are told apart).
    import_names: FxHashMap<String, u64>,
    /// The lengths of those names (see [`length_bit`]): a prefix of another length
    /// is not looked up.
    import_name_lengths: u64,
    /// Each proper dot-prefix of those names (`a` and `a.b` of `a.b.c`), and the
    /// rules whose names it leads to.
    import_name_prefixes: FxHashMap<String, u64>,
    base: ConfigBase,
    /// Whether findings carry the fix of import, attribute and string findings (off
    /// when nothing will show or apply them; a call's fix is its message, always kept).
    pub describe_fixes: bool,
    /// Whether findings carry the source line they flag (only the human format quotes
    /// it).
    pub quote_source_lines: bool,
}

/// How a project-root-relative path becomes relative to the config's directory.
#[derive(Debug, Clone)]
pub enum ConfigBase {
    /// The config directory is this subdirectory of the root ("" for the root itself):
    /// paths under it lose the prefix; other paths are not governed by the config.
    Inside(String),
    /// The root is this subdirectory of the config directory ("" when the config
    /// lies outside the project altogether: paths are taken as they are).
    Above(String),
}

impl<'c> Checker<'c> {
    pub fn new(config: &'c Config, selection: Selection, base: ConfigBase) -> Self {
        let words: Vec<String> = config
            .rules
            .iter()
            .flat_map(|rule| match &rule.kind {
                RuleKind::Import {
                    canonical,
                    deprecated,
                } => std::iter::once(canonical)
                    .chain(deprecated.iter())
                    .map(|name| fixes::split_last(name).1.to_string())
                    .collect(),
                RuleKind::Call { target, .. } => vec![fixes::split_last(target).1.to_string()],
                RuleKind::Define { name, .. } => vec![name.clone()],
                RuleKind::Pattern { .. } => vec![],
            })
            .collect();
        let needles = (!words.is_empty()).then(|| Words::new(&words));
        let mut import_names: FxHashMap<String, u64> = FxHashMap::default();
        let mut import_name_prefixes: FxHashMap<String, u64> = FxHashMap::default();
        for (index, rule) in config.rules.iter().enumerate().take(64) {
            if let RuleKind::Import {
                canonical,
                deprecated,
            } = &rule.kind
            {
                for name in std::iter::once(canonical).chain(deprecated) {
                    *import_names.entry(name.clone()).or_default() |= 1 << index;
                    for (end, _) in name.match_indices('.') {
                        *import_name_prefixes
                            .entry(name[..end].to_string())
                            .or_default() |= 1 << index;
                    }
                }
            }
        }
        let selected = config
            .rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.severity.is_some())
            .filter(|(_, rule)| selection.enabled(&rule.id, rule.kind.code()))
            .map(|(index, _)| index)
            .collect();
        let parse_enabled = selection.enabled(PARSE_RULE, PARSE_CODE);
        Checker {
            config,
            selected,
            parse_enabled,
            needles,
            import_name_lengths: import_names
                .keys()
                .fold(0, |lengths, name| lengths | length_bit(name.len())),
            import_names,
            import_name_prefixes,
            base,
            describe_fixes: true,
            quote_source_lines: true,
        }
    }

    /// The path relative to the config directory, or None when the config does not
    /// govern it.
    pub fn config_path(&self, path: &str) -> Option<String> {
        match &self.base {
            ConfigBase::Inside(prefix) if prefix.is_empty() => Some(path.to_string()),
            ConfigBase::Inside(prefix) => path
                .strip_prefix(prefix.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .map(str::to_string),
            ConfigBase::Above(prefix) if prefix.is_empty() => Some(path.to_string()),
            ConfigBase::Above(prefix) => Some(format!("{prefix}/{path}")),
        }
    }

    /// The module a config-relative path is, under the longest matching `src` root.
    pub fn module_path(&self, config_path: &str) -> ModulePath {
        let root = self
            .config
            .src
            .iter()
            .filter(|root| root.is_empty() || config_path.starts_with(&format!("{root}/")))
            .max_by_key(|root| root.len());
        let Some(root) = root else {
            return ModulePath::default();
        };
        let inner = if root.is_empty() {
            config_path
        } else {
            &config_path[root.len() + 1..]
        };
        let stem = inner
            .strip_suffix(".pyi")
            .or_else(|| inner.strip_suffix(".py"))
            .unwrap_or(inner);
        let mut parts: Vec<&str> = stem.split('/').collect();
        let is_package = parts.last() == Some(&"__init__");
        if is_package {
            parts.pop();
        }
        if parts.is_empty() || !parts.iter().all(|part| crate::config::is_identifier(part)) {
            return ModulePath::default();
        }
        ModulePath {
            name: Some(parts.join(".")),
            is_package,
        }
    }

    /// The references of a file whose imports are `light`, found without parsing it:
    /// the attribute chains through names its imports bind to a prefix of a governed
    /// name (or, in an import statement the change does not touch, to a deprecated
    /// name: see [`import_rule`]), and the string targets holding a governed path.
    /// None when the file needs the parser: a call rule's target or a define rule's
    /// name may be there, or the lexical resolver cannot be sure (see [`lexical`]).
    fn lexical_references(
        &self,
        light: &PyModel,
        layout: &Layout,
        source: &SourceText,
        module: &ModulePath,
        rules: &[(usize, &Rule)],
        changed: &LineSet,
    ) -> Option<Vec<Reference>> {
        let text = source.text.as_str();
        let mut governed: Vec<&str> = Vec::new();
        let mut deprecated_names: Vec<&str> = Vec::new();
        for (_, rule) in rules {
            match &rule.kind {
                RuleKind::Import {
                    canonical,
                    deprecated,
                } => {
                    governed.push(canonical);
                    governed.extend(deprecated.iter().map(String::as_str));
                    deprecated_names.extend(deprecated.iter().map(String::as_str));
                }
                RuleKind::Call { target, .. } => {
                    let bound = light.names.iter().any(|imported| {
                        let star_of_its_module = imported.name == "*"
                            && imported.dotted.as_deref().is_some_and(|module| {
                                target
                                    .strip_prefix(module)
                                    .is_some_and(|rest| rest.starts_with('.'))
                            });
                        star_of_its_module
                            || imported
                                .binding_target()
                                .is_some_and(|dotted| is_under(target, dotted))
                    });
                    let own = module
                        .name
                        .as_deref()
                        .is_some_and(|name| is_under(target, name));
                    if bound || own || target.starts_with("builtins.") {
                        return None;
                    }
                }
                RuleKind::Define { name, .. } => {
                    if text.contains(&format!("class {name}"))
                        || text.contains(&format!("def {name}"))
                    {
                        return None;
                    }
                }
                RuleKind::Pattern { .. } => {}
            }
        }
        // The file's import rules among the first 64 are told by their bits; past
        // them, by comparing names.
        let mut active_bits = 0u64;
        let mut past_64 = false;
        for &(index, rule) in rules {
            if matches!(rule.kind, RuleKind::Import { .. }) {
                if index < 64 {
                    active_bits |= 1 << index;
                } else {
                    past_64 = true;
                }
            }
        }
        let leads_to_governed = |dotted: &str| {
            let bits = self.import_name_prefixes.get(dotted).copied();
            bits.is_some_and(|bits| bits & active_bits != 0)
                || past_64
                    && governed.iter().any(|name| {
                        name.strip_prefix(dotted)
                            .is_some_and(|rest| rest.starts_with('.'))
                    })
        };
        // Only an attribute chain through such a name is a reference (a bare use is
        // the import's), so a name never followed by `.` needs no resolving.
        let deprecated_untouched = |imported: &python::ImportedName, target: &str| {
            !import_touched(source, light, imported.stmt, changed)
                && deprecated_names.iter().any(|name| is_under(target, name))
                && imported
                    .bound_name()
                    .is_some_and(|bound| has_attribute_after(text, bound))
        };
        let mut roots: Vec<&str> = Vec::new();
        for imported in &light.names {
            let Some(target) = imported.binding_target() else {
                continue;
            };
            if !leads_to_governed(target) && !deprecated_untouched(imported, target) {
                continue;
            }
            let root = imported.bound_name().unwrap_or_default();
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        if layout.malformed || layout.newer_strings {
            // Not Python rustpython-parser accepts: only the parser's recovery knows
            // what it still holds, and it gives the file its CAN000.
            return None;
        }
        let resolver = lexical::Resolver::new(text, layout, light);
        if resolver.has_unmodelled_imports() {
            return None;
        }
        let mut references = Vec::new();
        for root in roots {
            references.extend(resolver.chains(root).ok()?);
        }
        let mut first_bytes = [false; 256];
        for name in &governed {
            if let Some(&first) = name.as_bytes().first() {
                first_bytes[usize::from(first)] = true;
            }
        }
        for literal in &layout.strings {
            let [part] = literal.parts.as_slice() else {
                continue;
            };
            let content = &text[part.clone()];
            let governed_path = content
                .as_bytes()
                .first()
                .is_some_and(|&first| first_bytes[usize::from(first)])
                && governed.iter().any(|name| is_under(content, name));
            if governed_path {
                references.extend(resolver.string_target(literal).ok()?);
            }
        }
        Some(references)
    }

    /// For each reference of the model, the import rules among the first 64 (as bits
    /// by config index) that can judge it: those one of whose names is a prefix of it
    /// (the name itself, or a name under it). Every other rule finds the reference
    /// neither canonical nor deprecated. Rules past the 64th judge every reference.
    fn import_rules_per_reference(&self, model: &PyModel) -> Vec<u64> {
        let rules_named = |prefix: &str| {
            if self.import_name_lengths & length_bit(prefix.len()) == 0 {
                return 0;
            }
            self.import_names.get(prefix).copied().unwrap_or(0)
        };
        let rules_of = |reference: &Reference| {
            let dotted = reference.dotted.as_str();
            let mut rules = 0;
            for (end, &byte) in dotted.as_bytes().iter().enumerate() {
                if byte == b'.' {
                    rules |= rules_named(&dotted[..end]);
                }
            }
            rules | rules_named(dotted)
        };
        model.references.iter().map(rules_of).collect()
    }

    fn active_rules(&self, config_path: &str) -> Vec<(usize, &'c Rule)> {
        self.selected
            .iter()
            .map(|&index| (index, &self.config.rules[index]))
            .filter(|(_, rule)| !rule.allowed_in(config_path))
            .collect()
    }

    /// Checks one file's bytes (given owned, they become the decoded text without a
    /// copy). `changed` limits which lines are judged; with `prefilter`, a file is
    /// parsed only when it contains a name a rule could match.
    pub fn check<'b>(
        &self,
        path: &str,
        bytes: impl Into<Cow<'b, [u8]>>,
        changed: &LineSet,
        keep_source: bool,
        prefilter: bool,
    ) -> FileOutcome {
        let bytes: Cow<[u8]> = bytes.into();
        let mut outcome = FileOutcome {
            counts: vec![Counts::default(); self.config.rules.len()],
            ..FileOutcome::default()
        };
        let parse_enabled = self.parse_enabled;
        let Some(config_path) = self.config_path(path) else {
            return outcome;
        };
        if bytes.len() > MAX_FILE_BYTES {
            if parse_enabled {
                outcome.diagnostics.push(file_warning(
                    path,
                    format!(
                        "file is larger than {} MiB; not checked",
                        MAX_FILE_BYTES >> 20
                    ),
                ));
            }
            return outcome;
        }
        if memchr::memchr(0, &bytes).is_some() {
            if parse_enabled {
                outcome.diagnostics.push(file_warning(
                    path,
                    "file contains NUL bytes (binary); not checked".into(),
                ));
            }
            return outcome;
        }
        let rules = self.active_rules(&config_path);
        if rules.is_empty() && !parse_enabled {
            return outcome;
        }
        let has_ast_rules = rules
            .iter()
            .any(|(_, rule)| !matches!(rule.kind, RuleKind::Pattern { .. }));
        let has_patterns = rules
            .iter()
            .any(|(_, rule)| matches!(rule.kind, RuleKind::Pattern { .. }));
        let mentions_a_name = || {
            let names = self.needles.as_ref();
            names.is_some_and(|names| names.occur_in(&bytes))
        };
        let needs_model = (has_ast_rules || parse_enabled) && (!prefilter || mentions_a_name());
        // Most walked files stop here, before their text is even decoded.
        if !needs_model && !has_patterns && source::is_utf8(&bytes) {
            return outcome;
        }
        let source = match bytes {
            Cow::Owned(bytes) => SourceText::decode_owned(bytes),
            Cow::Borrowed(bytes) => SourceText::decode(bytes),
        };
        let layout = source::scan(&source.text);
        if has_ignore_file(&source, &layout) {
            return outcome;
        }
        let module = self.module_path(&config_path);
        let diffed = matches!(changed, LineSet::Some(_));
        // A file the scanner found malformed gets its CAN000 however it was found.
        let malformed = parse_enabled && (layout.malformed || layout.newer_strings);
        let model = if !needs_model && !malformed {
            PyModel::default()
        } else if !needs_model {
            python::model(&source, &layout, &module)
        } else if (prefilter || diffed) && !keep_source {
            // A walked or diffed file: resolve its imports lexically, and parse it
            // whole only when something beyond its import statements could refer to
            // a rule's name, or when a statement the change touches does not parse on
            // its own (asked last: a file its references send to the parser is parsed
            // whole anyway).
            let mut light = python::imports_only(&source, &layout, &module);
            let references =
                self.lexical_references(&light, &layout, &source, &module, &rules, changed);
            let touched_parse = || {
                !diffed
                    || python::touched_statements_parse(&source, &layout, |first, last| {
                        changed.touches(first, last)
                    })
            };
            match references {
                Some(references) if touched_parse() => {
                    light.references.extend(references);
                    light
                }
                _ => python::model(&source, &layout, &module),
            }
        } else {
            python::model(&source, &layout, &module)
        };
        let file = FileContext {
            path,
            changed,
            config_path: &config_path,
            source: &source,
            layout: &layout,
            model: &model,
            describe_fixes: self.describe_fixes,
            quote_source_lines: self.quote_source_lines,
        };
        let import_rules = self.import_rules_per_reference(&model);
        let mut found = Vec::new();
        for &(index, rule) in &rules {
            let severity = rule.severity.unwrap_or(Severity::Error);
            let mut raw = Vec::new();
            match &rule.kind {
                RuleKind::Import {
                    canonical,
                    deprecated,
                } => {
                    let judged = |at: usize| index >= 64 || import_rules[at] & (1 << index) != 0;
                    outcome.counts[index] = import_rule(
                        &file,
                        judged,
                        canonical,
                        deprecated,
                        &mut raw,
                        &mut outcome.deprecated_paths,
                    );
                }
                RuleKind::Call {
                    target,
                    replace_with,
                    requires_import,
                } => call_rule(
                    &file,
                    target,
                    replace_with.as_deref(),
                    requires_import.as_deref(),
                    &mut raw,
                ),
                RuleKind::Define {
                    name,
                    canonical_file,
                } => define_rule(&file, name, canonical_file, &mut raw),
                RuleKind::Pattern { regex, scope } => pattern_rule(&file, regex, *scope, &mut raw),
            }
            for finding in raw {
                found.push((index, rule, severity, finding));
            }
        }
        let mut diagnostics = Vec::new();
        for (index, rule, severity, finding) in found {
            let (first, last) = source.lines_of(&finding.stmt);
            if !changed.touches(first, last) {
                continue;
            }
            // Counted for the report as an import rule counts its uses: a comment
            // that silences the diagnostic does not change the code.
            if !matches!(rule.kind, RuleKind::Import { .. }) {
                outcome.counts[index].deprecated += 1;
            }
            let (first, last) = logical_lines_of(&file, &finding.stmt, first, last);
            if suppressed(&file, first, last, &rule.id, rule.kind.code()) {
                continue;
            }
            let message = match &rule.message {
                Some(extra) => format!("{}. {extra}", finding.message),
                None => finding.message,
            };
            diagnostics.push(make_diagnostic(
                &file,
                rule.kind.code(),
                &rule.id,
                severity,
                message,
                finding.range,
                finding.fix,
            ));
        }
        let problem = model.problem.as_ref().map(|problem| {
            let (line, _) = source.position(problem.offset);
            (problem.offset, format!("could not fully parse: {} at line {line}; import statements were recovered and checked", problem.message))
        });
        let decode = source.decode_problem.clone().map(|message| (0, message));
        if parse_enabled {
            for (offset, message) in decode.into_iter().chain(problem) {
                diagnostics.push(make_diagnostic(
                    &file,
                    PARSE_CODE,
                    PARSE_RULE,
                    Severity::Warning,
                    message,
                    offset..offset,
                    None,
                ));
            }
        }
        diagnostics.sort_by(|a, b| (a.start, a.code).cmp(&(b.start, b.code)));
        outcome.diagnostics = diagnostics;
        if keep_source {
            outcome.source = Some(source);
            outcome.model = Some(model);
        }
        outcome
    }
}

/// What rules see of one file.
pub struct FileContext<'a> {
    pub path: &'a str,
    /// The lines judged: a finding counts when its statement touches one.
    pub changed: &'a LineSet,
    pub config_path: &'a str,
    pub source: &'a SourceText,
    pub layout: &'a Layout,
    pub model: &'a PyModel,
    /// Whether findings should carry their fixes (see [`Checker::describe_fixes`]).
    pub describe_fixes: bool,
    /// See [`Checker::quote_source_lines`].
    pub quote_source_lines: bool,
}

/// A rule's raw finding before filtering.
pub struct Finding {
    pub range: Range<usize>,
    /// The statement whose lines decide whether it is checked and suppressed.
    pub stmt: Range<usize>,
    pub message: String,
    pub fix: Option<Fix>,
}

fn file_warning(path: &str, message: String) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        code: PARSE_CODE,
        rule: PARSE_RULE.to_string(),
        severity: Severity::Warning,
        message,
        start: (1, 1),
        end: (1, 1),
        source_line: String::new(),
        fix: None,
        range: 0..0,
    }
}

fn make_diagnostic(
    file: &FileContext,
    code: &'static str,
    rule: &str,
    severity: Severity,
    message: String,
    range: Range<usize>,
    fix: Option<Fix>,
) -> Diagnostic {
    let start = file.source.position(range.start);
    let end = file.source.position(range.end);
    let fix = fix.map(|mut fix| {
        for edit in &mut fix.edits {
            edit.start = file.source.position(edit.range.start);
            edit.end = file.source.position(edit.range.end);
        }
        fix
    });
    Diagnostic {
        path: file.path.to_string(),
        code,
        rule: rule.to_string(),
        severity,
        message,
        start,
        end,
        source_line: if file.quote_source_lines {
            file.source.line_text(start.0).to_string()
        } else {
            String::new()
        },
        fix,
        range,
    }
}

/// True when `dotted` is `prefix` or lies under it.
pub fn is_under(dotted: &str, prefix: &str) -> bool {
    dotted == prefix
        || dotted
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// `dotted` (under `deprecated`) mapped onto `canonical`.
pub fn map_onto(dotted: &str, deprecated: &str, canonical: &str) -> String {
    format!("{canonical}{}", &dotted[deprecated.len()..])
}

fn matching_deprecated<'d>(dotted: &str, deprecated: &'d [String]) -> Option<&'d String> {
    deprecated.iter().find(|name| is_under(dotted, name))
}

/// Judges the model's references that `judged` lets through (by index, see
/// [`Checker::import_rules_per_reference`]) against one import rule.
fn import_rule(
    file: &FileContext,
    judged: impl Fn(usize) -> bool,
    canonical: &str,
    deprecated: &[String],
    out: &mut Vec<Finding>,
    paths: &mut Vec<String>,
) -> Counts {
    let mut counts = Counts::default();
    let model = file.model;
    // A use through an import this run flags is that import's violation, not a new
    // one; through a deprecated import the change does not touch, it is new.
    let flagged_import = |name: usize| {
        let imported = &model.names[name];
        imported
            .dotted
            .as_deref()
            .is_some_and(|dotted| matching_deprecated(dotted, deprecated).is_some())
            && import_touched(file.source, model, imported.stmt, file.changed)
    };
    let mut import_findings: Vec<(usize, String)> = Vec::new();
    let references = model.references.iter().enumerate();
    for reference in references.filter_map(|(at, reference)| judged(at).then_some(reference)) {
        if is_under(&reference.dotted, canonical) {
            if !through_import_under(model, &reference.kind, canonical) {
                counts.canonical += 1;
            }
            continue;
        }
        match &reference.kind {
            RefKind::Import(name) => {
                let Some(old) = matching_deprecated(&reference.dotted, deprecated) else {
                    continue;
                };
                counts.deprecated += 1;
                paths.push(old.clone());
                import_findings.push((*name, map_onto(&reference.dotted, old, canonical)));
            }
            RefKind::Attribute { via, .. } => {
                if flagged_import(*via) {
                    continue;
                }
                let Some((old, end)) = reference.sub_chains().find_map(|(prefix, end)| {
                    matching_deprecated(prefix, deprecated).map(|old| (old, end))
                }) else {
                    continue;
                };
                if rewritten_with_flagged_import(model, reference, *via, flagged_import) {
                    continue;
                }
                counts.deprecated += 1;
                paths.push(old.clone());
                let new = map_onto(&reference.dotted, old, canonical);
                out.push(Finding {
                    range: reference.range.start..end,
                    stmt: reference.stmt.clone(),
                    message: format!("deprecated reference `{}`: use `{new}`", reference.dotted),
                    fix: file.describe_fixes.then(|| {
                        fixes::display_only(
                            format!("refer to `{new}` through a canonical import"),
                            new,
                        )
                    }),
                });
            }
            RefKind::StringTarget => {
                let Some(old) = matching_deprecated(&reference.dotted, deprecated) else {
                    continue;
                };
                counts.deprecated += 1;
                paths.push(old.clone());
                out.push(string_finding(file, reference, old, canonical));
            }
        }
    }
    let mut by_stmt: Vec<(usize, Vec<(usize, String)>)> = Vec::new();
    for (name, new) in import_findings {
        let stmt = model.names[name].stmt;
        match by_stmt.iter_mut().find(|(index, _)| *index == stmt) {
            Some((_, names)) => names.push((name, new)),
            None => by_stmt.push((stmt, vec![(name, new)])),
        }
    }
    for (stmt_index, names) in by_stmt {
        let stmt = &model.imports[stmt_index];
        let fix = match (file.describe_fixes, stmt.unclosed) {
            (false, _) => None,
            (true, true) => Some(fixes::display_only(
                "finish the statement, then fix it".to_string(),
                names
                    .iter()
                    .map(|(_, new)| new.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            (true, false) => Some(fixes::import_fix(file, stmt_index, &names)),
        };
        for (name, new) in &names {
            let imported = &model.names[*name];
            let name_range = imported.range.start..imported.range.start + imported.name.len();
            out.push(Finding {
                range: name_range,
                stmt: stmt.range.clone(),
                message: format!(
                    "deprecated import `{}`: use `{new}`",
                    imported.dotted.as_deref().unwrap_or(&imported.name)
                ),
                fix: fix.clone(),
            });
        }
    }
    counts
}

/// Whether the chain `reference`, written through plain import `via` of a root
/// (`lib.legacy.x` after `import lib.legacy` and then `import lib.other`, which binds
/// `lib` again), goes through the module of another plain import of that root which
/// this run flags: that import's fix rewrites the chain, so it is the import's
/// violation, not a new one.
fn rewritten_with_flagged_import(
    model: &PyModel,
    reference: &Reference,
    via: usize,
    flagged_import: impl Fn(usize) -> bool,
) -> bool {
    let Some(root) = plain_import_root(model, via) else {
        return false;
    };
    model.names.iter().enumerate().any(|(index, imported)| {
        plain_import_root(model, index) == Some(root)
            && imported
                .dotted
                .as_deref()
                .is_some_and(|dotted| reference.sub_chains().any(|(chain, _)| chain == dotted))
            && flagged_import(index)
    })
}

/// The root a plain `import a.b.c` (no `as`, not `from`) binds, for import name
/// `index`: `a`.
fn plain_import_root(model: &PyModel, index: usize) -> Option<&str> {
    let imported = &model.names[index];
    let plain = imported.asname.is_none() && model.imports[imported.stmt].from_module.is_none();
    plain.then(|| imported.bound_name()).flatten()
}

/// Whether `name` occurs in `text` as a whole word followed by a `.` (past blanks,
/// line breaks and backslashes): where an attribute chain through it can start.
fn has_attribute_after(text: &str, name: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, name.as_bytes()).any(|at| {
        let end = at + name.len();
        // Not itself an attribute (`forms.Name`), nor the end of a longer word.
        let starts_word =
            at == 0 || !source::is_ident_continue(bytes[at - 1]) && bytes[at - 1] != b'.';
        let next = bytes[end..]
            .iter()
            .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'\x0c'));
        starts_word && next == Some(&b'.')
    })
}

/// Whether the change touches import statement `stmt` of `model` (always, when every
/// line is judged).
fn import_touched(source: &SourceText, model: &PyModel, stmt: usize, changed: &LineSet) -> bool {
    match changed {
        LineSet::All => true,
        LineSet::Some(_) => {
            let (first, last) = source.lines_of(&model.imports[stmt].range);
            changed.touches(first, last)
        }
    }
}

/// True for an attribute chain through an import that itself refers under `prefix`
/// (that import is the use already counted).
fn through_import_under(model: &PyModel, kind: &RefKind, prefix: &str) -> bool {
    match kind {
        RefKind::Attribute { via, .. } => model.names[*via]
            .dotted
            .as_deref()
            .is_some_and(|dotted| is_under(dotted, prefix)),
        _ => false,
    }
}

fn string_finding(
    file: &FileContext,
    reference: &Reference,
    old: &str,
    canonical: &str,
) -> Finding {
    let new = map_onto(&reference.dotted, old, canonical);
    Finding {
        range: reference.range.clone(),
        stmt: reference.stmt.clone(),
        message: format!(
            "deprecated path `{}` in a string: use `{new}`",
            reference.dotted
        ),
        fix: file
            .describe_fixes
            .then(|| fixes::string_fix(file, &reference.range, &reference.dotted, &new)),
    }
}

/// Whether `callee`, a name no binding of the file resolves (`builtins.f`), is
/// `target` as one of the modules the file star-imports would bind it
/// (`from app.core import *` then `f()` for `app.core.f`).
fn through_star_import(callee: &str, target: &str, star_modules: &[&str]) -> bool {
    let Some(name) = callee.strip_prefix("builtins.") else {
        return false;
    };
    star_modules.iter().any(|module| {
        target
            .strip_prefix(module)
            .and_then(|rest| rest.strip_prefix('.'))
            == Some(name)
    })
}

fn call_rule(
    file: &FileContext,
    target: &str,
    template: Option<&str>,
    requires_import: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let star_modules: Vec<&str> = file
        .model
        .names
        .iter()
        .filter(|name| name.name == "*")
        .filter_map(|name| name.dotted.as_deref())
        .collect();
    let matching: Vec<&python::CallSite> = file
        .model
        .calls
        .iter()
        .filter(|call| {
            call.callee.as_deref().is_some_and(|callee| {
                callee == target || through_star_import(callee, target, &star_modules)
            })
        })
        .collect();
    let local_import = fixes::shared_local_import(file, &matching);
    for call in matching {
        let fix = template
            .map(|template| fixes::call_fix(file, call, template, requires_import, local_import));
        // The fix's first edit replaces the call (a second one may add an import).
        let message = match fix.as_ref().and_then(|fix| fix.edits.first()) {
            Some(call_edit) => format!(
                "call to `{target}` is not allowed: use `{}`",
                fixes::one_line(&call_edit.content)
            ),
            None => format!("call to `{target}` is not allowed"),
        };
        out.push(Finding {
            range: call.callee_range.clone(),
            stmt: call.stmt.clone(),
            message,
            fix,
        });
    }
}

fn define_rule(file: &FileContext, name: &str, canonical_file: &str, out: &mut Vec<Finding>) {
    if is_canonical(file.path, canonical_file) {
        return;
    }
    for definition in &file.model.definitions {
        if definition.name != name {
            continue;
        }
        let kind = if definition.is_class {
            "class"
        } else {
            "function"
        };
        out.push(Finding {
            range: definition.name_range.clone(),
            stmt: definition.name_range.clone(),
            message: format!("duplicate definition of {kind} `{name}`: the one implementation is in `{canonical_file}`"),
            fix: None,
        });
    }
}

/// Whether `path` is the canonical file or its `.pyi` stub (the same path with
/// `.pyi` for `.py`), which describes the one implementation rather than repeating it.
fn is_canonical(path: &str, canonical_file: &str) -> bool {
    let stub_of = |stub: &str| {
        canonical_file
            .strip_suffix(".py")
            .is_some_and(|stem| stub.strip_suffix(".pyi") == Some(stem))
    };
    path == canonical_file || stub_of(path)
}

fn pattern_rule(file: &FileContext, regex: &regex::Regex, scope: Scope, out: &mut Vec<Finding>) {
    let text = file.source.text.as_str();
    let mut push = |range: Range<usize>, stmt: Range<usize>| {
        out.push(Finding {
            message: format!(
                "`{}` matches the pattern `{}`",
                text[range.clone()].trim(),
                regex.as_str()
            ),
            range,
            stmt,
            fix: None,
        });
    };
    match scope {
        Scope::String => {
            for literal in &file.layout.strings {
                for part in &literal.parts {
                    for found in regex.find_iter(&text[part.clone()]) {
                        let start = part.start + found.start();
                        let line = file.source.line_of(start);
                        push(
                            start..part.start + found.end(),
                            file.source.line_range(line),
                        );
                    }
                }
            }
        }
        Scope::Line | Scope::Code => {
            for line in 1..=file.source.line_count() {
                let range = file.source.line_range(line);
                for segment in line_segments(file, range, scope) {
                    for found in regex.find_iter(&text[segment.clone()]) {
                        push(
                            segment.start + found.start()..segment.start + found.end(),
                            file.source.line_range(line),
                        );
                    }
                }
            }
        }
    }
}

/// The parts of a line a scope looks at: the whole line, or the code between strings and comments.
fn line_segments(file: &FileContext, line: Range<usize>, scope: Scope) -> Vec<Range<usize>> {
    if scope == Scope::Line {
        return vec![line];
    }
    let mut holes: Vec<Range<usize>> = file
        .layout
        .strings
        .iter()
        .map(|literal| literal.range.clone())
        .chain(file.layout.comments.iter().cloned())
        .filter(|hole| hole.start < line.end && hole.end > line.start)
        .collect();
    holes.sort_by_key(|hole| hole.start);
    let mut segments = Vec::new();
    let mut cursor = line.start;
    for hole in holes {
        if hole.start > cursor {
            segments.push(cursor..hole.start);
        }
        cursor = cursor.max(hole.end);
    }
    if cursor < line.end {
        segments.push(cursor..line.end);
    }
    segments
}

/// A set of words, asked about each word of a file: most words are ruled out by their
/// first byte and length together before any comparison.
struct Words {
    /// Their first bytes, told a block at a time.
    first_bytes: ByteSet,
    /// The words, by their first byte.
    by_first_byte: Vec<Vec<Box<[u8]>>>,
    /// Per first byte: bit `n` (n < 64) set when some word is `n` bytes long; bit 63
    /// stands for longer.
    lengths: Vec<u64>,
}

impl Words {
    fn new(words: &[String]) -> Words {
        let mut by_first_byte = vec![Vec::new(); 256];
        let mut lengths = vec![0u64; 256];
        for word in words {
            let Some(&first) = word.as_bytes().first() else {
                continue;
            };
            let list: &mut Vec<Box<[u8]>> = &mut by_first_byte[usize::from(first)];
            if !list.iter().any(|known| known.as_ref() == word.as_bytes()) {
                list.push(word.as_bytes().into());
            }
            lengths[usize::from(first)] |= length_bit(word.len());
        }
        Words {
            first_bytes: ByteSet::new(words.iter().filter_map(|word| word.bytes().next())),
            by_first_byte,
            lengths,
        }
    }

    /// Whether one of the words is a whole word of `text` (no reference to a governed
    /// name can exist in a file that does not hold its last part as a word). Words
    /// are found by their starts in masks of 64 bytes; most are ruled out by their
    /// first byte before their length is even known.
    fn occur_in(&self, text: &[u8]) -> bool {
        let mut previous_is_word = false;
        for (index, block) in text.chunks(BLOCK).enumerate() {
            let base = index * BLOCK;
            let (words, firsts) = self.first_bytes.word_and_member_masks(block);
            let mut starts = words & !((words << 1) | u64::from(previous_is_word)) & firsts;
            previous_is_word = words >> (block.len() - 1) & 1 == 1;
            while starts != 0 {
                let start = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                if self.lengths[usize::from(block[start])] == 0 {
                    continue;
                }
                let ends = !words >> start;
                let length = if ends != 0 {
                    ends.trailing_zeros() as usize
                } else {
                    // The word runs on into the next block.
                    text[base + start..]
                        .iter()
                        .position(|&byte| !is_word_byte(byte))
                        .unwrap_or(text.len() - base - start)
                };
                if self.contains(&text[base + start..base + start + length]) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether `word` (not empty) is one of the words.
    fn contains(&self, word: &[u8]) -> bool {
        let first = usize::from(word[0]);
        self.lengths[first] & length_bit(word.len()) != 0
            && self.by_first_byte[first]
                .iter()
                .any(|known| known.as_ref() == word)
    }
}

fn length_bit(length: usize) -> u64 {
    1 << length.min(63)
}

fn has_ignore_file(source: &SourceText, layout: &Layout) -> bool {
    // Comments are a small part of a file: search only them, with one searcher, and
    // read the few that mention the directive.
    static DIRECTIVE: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let directive = DIRECTIVE.get_or_init(|| memchr::memmem::Finder::new("ignore-file"));
    let bytes = source.text.as_bytes();
    layout.comments.iter().any(|range| {
        directive.find(&bytes[range.clone()]).is_some()
            && directive_parts(&source.text[range.clone()])
                .any(|part| matches!(canon_directive(part), Some(CanonDirective::IgnoreFile)))
    })
}

/// A `canon:` suppression directive.
enum CanonDirective<'c> {
    /// `canon: ignore`, or `canon: ignore[ids]` with the text inside the brackets.
    Ignore(Option<&'c str>),
    /// `canon: ignore-file`.
    IgnoreFile,
}

/// The `#`-separated parts of a comment, trimmed: each may hold one directive
/// (`# type: ignore # canon: ignore`).
fn directive_parts(comment: &str) -> impl Iterator<Item = &str> {
    comment
        .split('#')
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

/// The directive a comment part holds. The keyword is a whole word, as ruff reads
/// `noqa`: what follows it is the end of the part, a blank, or (for `ignore`) `[`;
/// so `canon: ignored` and `canon: ignore-files` are no directives.
fn canon_directive(part: &str) -> Option<CanonDirective<'_>> {
    let rest = part.strip_prefix("canon:")?.trim_start();
    let rest = rest.strip_prefix("ignore")?;
    let ends_word = |after: &str| after.is_empty() || after.starts_with(char::is_whitespace);
    if let Some(after) = rest.strip_prefix("-file") {
        return ends_word(after).then_some(CanonDirective::IgnoreFile);
    }
    if !ends_word(rest) && !rest.starts_with('[') {
        return None;
    }
    Some(CanonDirective::Ignore(
        rest.trim_start()
            .strip_prefix('[')
            .map(|list| list.split(']').next().unwrap_or_default()),
    ))
}

/// The physical lines `first..=last` of `stmt`, widened to the whole logical lines
/// they are in: the header of a `def`, `class` or other compound statement written over
/// several lines (`def f(a=g(),\n      b=1):  # noqa`) is one statement for a
/// suppression comment.
fn logical_lines_of(
    file: &FileContext,
    stmt: &Range<usize>,
    first: usize,
    last: usize,
) -> (usize, usize) {
    let lines = &file.layout.logical_lines;
    let containing = |at: usize| {
        let index = lines.partition_point(|line| line.start <= at);
        index
            .checked_sub(1)
            .map(|index| &lines[index])
            .filter(|line| at < line.end)
    };
    let start = containing(stmt.start).map_or(first, |line| file.source.line_of(line.start));
    let end = containing(stmt.end.saturating_sub(1).max(stmt.start))
        .map_or(last, |line| file.source.lines_of(line).1);
    (start.min(first), end.max(last))
}

/// True when a comment on lines `first..=last` suppresses `rule_id`/`code`.
fn suppressed(file: &FileContext, first: usize, last: usize, rule_id: &str, code: &str) -> bool {
    file.layout
        .comments_on_lines(file.source, first, last)
        .any(|comment| comment_suppresses(comment, rule_id, code))
}

pub fn comment_suppresses(comment: &str, rule_id: &str, code: &str) -> bool {
    for directive in directive_parts(comment) {
        match canon_directive(directive) {
            Some(CanonDirective::Ignore(None)) => return true,
            Some(CanonDirective::Ignore(Some(list))) => {
                if list
                    .split(',')
                    .map(str::trim)
                    .any(|item| item == rule_id || item.eq_ignore_ascii_case(code))
                {
                    return true;
                }
            }
            Some(CanonDirective::IgnoreFile) | None => {}
        }
        let lower = directive.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("noqa") {
            let rest = rest.trim_start();
            match rest.strip_prefix(':') {
                Some(codes)
                    if codes
                        .split([',', ' '])
                        .map(str::trim)
                        .any(|item| item.eq_ignore_ascii_case(code) || item == rule_id) =>
                {
                    return true;
                }
                Some(_) => {}
                None if rest.is_empty() => return true,
                None => {}
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_semantics() {
        assert!(is_under("a.b.c.D", "a.b"));
        assert!(is_under("a.b", "a.b"));
        assert!(!is_under("a.bc", "a.b"));
        assert_eq!(map_onto("a.b.c.D", "a.b", "x.y"), "x.y.c.D");
    }

    #[test]
    fn words_are_found_only_whole() {
        let words = Words::new(&["S".into(), "Symbol".into(), "sqrt".into(), "é".into()]);
        let mentions = |text: &str| words.occur_in(text.as_bytes());
        for text in [
            "x = S.One",
            "Symbol('x')",
            "(sqrt)",
            "S",
            "a é b",
            "f(x)[S]",
        ] {
            assert!(mentions(text), "{text}");
        }
        for text in [
            "Sym", "Symbols", "isSymbol", "sqrt2", "_S", "Sé", "xé", "sq rt", "",
        ] {
            assert!(!mentions(text), "{text}");
        }
    }

    #[test]
    fn words_are_found_whole_across_the_blocks_they_are_searched_in() {
        let words = Words::new(&["S".into(), "Symbol".into()]);
        let mentions = |text: String| words.occur_in(text.as_bytes());
        for at in [0, 1, 57, 58, 59, 62, 63, 64, 65, 127, 128, 130] {
            let pad = ".".repeat(at);
            assert!(mentions(format!("{pad}Symbol")), "at {at}");
            assert!(mentions(format!("{pad}S(x)")), "at {at}");
            assert!(!mentions(format!("{pad}Symbols")), "at {at}");
            // The word began before the block the name lies in.
            let long = "a".repeat(at + 1);
            assert!(!mentions(format!("{long}Symbol")), "at {at}");
            assert!(!mentions(format!("{long}S")), "at {at}");
            assert!(mentions(format!("{long} S")), "at {at}");
        }
    }

    #[test]
    fn suppression_comments() {
        assert!(comment_suppresses("# canon: ignore", "r", "CAN001"));
        assert!(comment_suppresses(
            "# canon: ignore[r, other]",
            "r",
            "CAN001"
        ));
        assert!(!comment_suppresses("# canon: ignore[other]", "r", "CAN001"));
        assert!(comment_suppresses("# noqa", "r", "CAN001"));
        assert!(comment_suppresses("# noqa: E501, CAN001", "r", "CAN001"));
        assert!(!comment_suppresses("# noqa: E501", "r", "CAN001"));
        assert!(comment_suppresses(
            "# type: ignore # canon: ignore",
            "r",
            "CAN001"
        ));
        assert!(!comment_suppresses("# canon: ignore-file", "r", "CAN001"));
        assert!(comment_suppresses("# canon: ignore  reason", "r", "CAN001"));
        assert!(comment_suppresses("# canon: ignore [r]", "r", "CAN001"));
        assert!(comment_suppresses("#canon:ignore#x", "r", "CAN001"));
        for not_a_directive in [
            "# canon: ignored",
            "# canon: ignore_this",
            "# canon: ignore-files",
            "# canon: ignorer[r]",
            "# canon: ignore: r",
            "# noqa123",
        ] {
            assert!(
                !comment_suppresses(not_a_directive, "r", "CAN001"),
                "{not_a_directive}"
            );
        }
    }
}
