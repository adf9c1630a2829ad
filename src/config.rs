//! The `.canon.yaml` configuration: discovery, the typed rule model, and validation.
//!
//! Every problem found here becomes a [`ConfigError`] naming the file, the line and
//! column, and what was expected; the caller turns it into exit status 2.

use crate::call_template::{self, Fit};
use crate::source::is_keyword;
use crate::yaml;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use regex::Regex;
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Names of the config files looked for, in order, in each directory.
pub const CONFIG_NAMES: [&str; 2] = [".canon.yaml", "canon.yaml"];

/// Largest config file read, and deepest flow nesting (`[`/`{`) accepted, so that a
/// hostile file cannot make the YAML parser spin.
const MAX_CONFIG_BYTES: usize = 1 << 20;
const MAX_CONFIG_NESTING: usize = 64;

/// Largest compiled size allowed for a pattern rule's regex.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A config problem at a place in a file.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a pattern rule's regex is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The contents of string literals.
    String,
    /// Source text outside strings and comments.
    Code,
    /// The whole physical line.
    Line,
}

#[derive(Debug)]
pub enum RuleKind {
    Import {
        canonical: String,
        deprecated: Vec<String>,
    },
    Call {
        target: String,
        replace_with: Option<String>,
        requires_import: Option<String>,
    },
    Define {
        name: String,
        /// Relative to the project root (as diagnostics' paths are), `.` and `..`
        /// folded.
        canonical_file: String,
    },
    Pattern {
        regex: Regex,
        scope: Scope,
    },
}

impl RuleKind {
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Import { .. } => "import",
            RuleKind::Call { .. } => "call",
            RuleKind::Define { .. } => "define",
            RuleKind::Pattern { .. } => "pattern",
        }
    }

    /// The diagnostic code of the rule kind.
    pub fn code(&self) -> &'static str {
        match self {
            RuleKind::Import { .. } => "CAN001",
            RuleKind::Call { .. } => "CAN002",
            RuleKind::Define { .. } => "CAN003",
            RuleKind::Pattern { .. } => "CAN004",
        }
    }
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub kind: RuleKind,
    /// `None` when the rule is `severity: off`.
    pub severity: Option<Severity>,
    pub message: Option<String>,
    allow_in: Option<Gitignore>,
    pub allow_in_globs: Vec<String>,
}

impl Rule {
    /// True when `rel_path` (relative to the config directory) is exempt from the rule.
    pub fn allowed_in(&self, rel_path: &str) -> bool {
        match &self.allow_in {
            Some(matcher) => matcher
                .matched_path_or_any_parents(rel_path, false)
                .is_ignore(),
            None => false,
        }
    }
}

#[derive(Debug)]
pub struct Config {
    /// The config file itself.
    pub path: PathBuf,
    /// The directory config paths and globs are relative to.
    pub dir: PathBuf,
    /// Module roots relative to `dir`, normalised without `./` or trailing `/` ("" is the dir itself).
    pub src: Vec<String>,
    exclude: Gitignore,
    pub rules: Vec<Rule>,
}

impl Config {
    /// True when `rel_path` (relative to the config directory) is excluded.
    pub fn excluded(&self, rel_path: &str) -> bool {
        self.exclude
            .matched_path_or_any_parents(rel_path, false)
            .is_ignore()
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }
}

/// A key that takes one string or a list of them (`src`, `exclude`, `allow-in`,
/// `deprecated`).
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    // Written out rather than derived (`untagged`): serde's untagged enums buffer the
    // value, which loses the position of a wrong one and says "did not match any
    // variant of untagged enum OneOrMany" instead of what was expected.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

struct OneOrManyVisitor;

impl<'de> serde::de::Visitor<'de> for OneOrManyVisitor {
    type Value = OneOrMany;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a string or a list of strings")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(value.to_string()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element::<String>()? {
            values.push(value);
        }
        Ok(OneOrMany::Many(values))
    }
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(value) => vec![value],
            OneOrMany::Many(values) => values,
        }
    }
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `version: 1` and `rules:`"
)]
struct RawConfig {
    version: Option<u32>,
    src: Option<OneOrMany>,
    exclude: Option<OneOrMany>,
    rules: Option<Vec<RawRule>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a rule: a mapping with `id`, `kind` and the kind's keys"
)]
struct RawRule {
    id: String,
    kind: String,
    severity: Option<String>,
    message: Option<String>,
    allow_in: Option<OneOrMany>,
    canonical: Option<String>,
    deprecated: Option<OneOrMany>,
    target: Option<String>,
    replace_with: Option<String>,
    requires_import: Option<String>,
    name: Option<String>,
    canonical_file: Option<String>,
    regex: Option<String>,
    scope: Option<String>,
}

impl RawRule {
    /// The kind-specific keys that are present, by their YAML names.
    fn present_kind_keys(&self) -> Vec<&'static str> {
        let mut keys = Vec::new();
        let flags = [
            ("canonical", self.canonical.is_some()),
            ("deprecated", self.deprecated.is_some()),
            ("target", self.target.is_some()),
            ("replace-with", self.replace_with.is_some()),
            ("requires-import", self.requires_import.is_some()),
            ("name", self.name.is_some()),
            ("canonical-file", self.canonical_file.is_some()),
            ("regex", self.regex.is_some()),
            ("scope", self.scope.is_some()),
        ];
        for (key, present) in flags {
            if present {
                keys.push(key);
            }
        }
        keys
    }
}

/// Finds the config: `explicit` if given, else the nearest config file from `start`
/// upward, stopping at `stop` (the repository root) when there is one.
pub fn discover(
    explicit: Option<&Path>,
    start: &Path,
    stop: Option<&Path>,
) -> Result<PathBuf, String> {
    if let Some(path) = explicit {
        return match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_file() => Ok(path.to_path_buf()),
            Ok(metadata) if metadata.is_dir() => Err(format!(
                "{}: is a directory, not a config file",
                path.display()
            )),
            Ok(_) => Err(format!(
                "{}: not a regular file, so not a config file",
                path.display()
            )),
            Err(_) => Err(format!("{}: config file not found", path.display())),
        };
    }
    let mut dir = Some(start);
    while let Some(current) = dir {
        for name in CONFIG_NAMES {
            let candidate = current.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
        if stop.is_some_and(|stop| current == stop) {
            break;
        }
        dir = current.parent();
    }
    Err(format!(
        "no .canon.yaml found in {}; run `canon init` to create one",
        searched(start, stop)
    ))
}

/// Where [`discover`] looked: `start` and its parents, up to `stop` (the repository
/// root) when `start` lies in it.
fn searched(start: &Path, stop: Option<&Path>) -> String {
    match stop.filter(|stop| start.starts_with(stop)) {
        Some(stop) if stop == start => format!("{} (the repository root)", start.display()),
        Some(stop) => format!(
            "{} or its parents up to the repository root {}",
            start.display(),
            stop.display()
        ),
        None => format!("{} or its parents", start.display()),
    }
}

/// Reads and validates the config file at `path`, for the project (the repository's
/// work tree) at `root`.
pub fn load(path: &Path, root: &Path) -> Result<Config, ConfigError> {
    let at = |line: usize, column: usize, message: String| ConfigError {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let bytes = std::fs::read(path).map_err(|error| at(1, 1, format!("cannot read: {error}")))?;
    let text = String::from_utf8(bytes).map_err(|_| at(1, 1, "not valid UTF-8".to_string()))?;
    parse_in(&text, path, root)
}

/// Validates config `text` as if read from `path`, in a project whose root is the
/// config's directory.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    parse_in(text, path, &config_dir(path))
}

/// Validates config `text` as if read from `path`, for the project at `root`: the
/// files a define rule's `canonical-file` names must lie in it.
pub fn parse_in(text: &str, path: &Path, root: &Path) -> Result<Config, ConfigError> {
    let at = |(line, column): (usize, usize), message: String| ConfigError {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    // A byte order mark is allowed at the start of a YAML stream.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_CONFIG_BYTES {
        return Err(at(
            (1, 1),
            format!("config is larger than {} KiB", MAX_CONFIG_BYTES / 1024),
        ));
    }
    if let Some(position) = too_deep(text) {
        return Err(at(
            position,
            format!("nested more than {MAX_CONFIG_NESTING} levels deep"),
        ));
    }
    if yaml::is_blank_document(text) {
        return Err(at(
            (1, 1),
            "empty config: expected `version: 1` and `rules:`".into(),
        ));
    }
    let raw: RawConfig = yaml::from_str(text).map_err(|error| {
        at(
            (error.line, error.column),
            format!("invalid config: {}", error.message),
        )
    })?;
    if let Some(version) = raw.version {
        if version != 1 {
            return Err(at(
                yaml::locate_top_value(text, "version"),
                format!("unsupported version {version}: expected 1"),
            ));
        }
    }
    let dir = config_dir(path);
    let base = PathBase {
        config_dir: &dir,
        root,
    };
    let src = raw
        .src
        .map(OneOrMany::into_vec)
        .unwrap_or_else(|| vec![".".to_string()])
        .iter()
        .map(|root| normalize_rel_dir(root))
        .collect();
    let exclude_globs = raw.exclude.map(OneOrMany::into_vec).unwrap_or_default();
    let exclude = build_globs(&dir, &exclude_globs)
        .map_err(|message| at(yaml::locate_top_key(text, "exclude"), message))?;
    let mut rules = Vec::new();
    let mut seen = HashSet::new();
    for (index, raw_rule) in raw.rules.unwrap_or_default().into_iter().enumerate() {
        let rule =
            build_rule(raw_rule, index, text, &base).map_err(|(pos, message)| at(pos, message))?;
        if !seen.insert(rule.id.clone()) {
            return Err(at(
                yaml::locate_rule_key(text, index, "id"),
                format!("duplicate rule id `{}`: rule ids must be unique", rule.id),
            ));
        }
        rules.push(rule);
    }
    Ok(Config {
        path: path.to_path_buf(),
        dir,
        src,
        exclude,
        rules,
    })
}

/// The directory of the config file at `path`.
fn config_dir(path: &Path) -> PathBuf {
    path.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where the paths a config writes are resolved: against the config's directory,
/// within the project root.
struct PathBase<'a> {
    config_dir: &'a Path,
    root: &'a Path,
}

impl PathBase<'_> {
    /// The directory relative paths start from: the config's, or the root when the
    /// config lies outside the project altogether (its paths are then relative to
    /// the root, as the files it governs are).
    fn anchor(&self) -> &Path {
        let related =
            self.config_dir.starts_with(self.root) || self.root.starts_with(self.config_dir);
        if related {
            self.config_dir
        } else {
            self.root
        }
    }

    /// `written` (relative to [`PathBase::anchor`], or absolute) as a path relative to
    /// the root, with `.` and `..` folded lexically; None when it lies outside the
    /// root. An absolute path outside it is also tried through the symbolic links
    /// of its directories, when the file exists.
    fn resolve(&self, written: &str) -> Option<String> {
        let root = fold_dots(self.root)?;
        let path = fold_dots(&self.anchor().join(written.replace('\\', "/")))?;
        let inside = |path: &Path| {
            path.strip_prefix(&root)
                .ok()
                .map(crate::gitsource::slash_path)
        };
        inside(&path).or_else(|| inside(&std::fs::canonicalize(&path).ok()?))
    }
}

/// `path` with `.` and `..` folded lexically; None when a `..` climbs above its start.
fn fold_dots(path: &Path) -> Option<PathBuf> {
    let mut folded = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let Some(Component::Normal(_)) = folded.components().next_back() else {
                    return None;
                };
                folded.pop();
            }
            other => folded.push(other.as_os_str()),
        }
    }
    Some(folded)
}

type Located = ((usize, usize), String);

fn build_rule(raw: RawRule, index: usize, text: &str, base: &PathBase) -> Result<Rule, Located> {
    let key = |name: &str| yaml::locate_rule_key(text, index, name);
    let value = |name: &str, value: &str| yaml::locate_rule_value(text, index, name, value);
    if !is_kebab_case(&raw.id) {
        return Err((
            key("id"),
            format!(
                "invalid rule id `{}`: expected kebab-case (lowercase letters, digits and '-')",
                raw.id
            ),
        ));
    }
    let severity = match raw.severity.as_deref() {
        None | Some("error") => Some(Severity::Error),
        Some("warning") => Some(Severity::Warning),
        Some("off") => None,
        Some(other) => {
            return Err((
                key("severity"),
                format!("invalid severity `{other}`: expected error, warning or off"),
            ))
        }
    };
    let allowed_keys: &[&str] = match raw.kind.as_str() {
        "import" => &["canonical", "deprecated"],
        "call" => &["target", "replace-with", "requires-import"],
        "define" => &["name", "canonical-file"],
        "pattern" => &["regex", "scope"],
        other => {
            return Err((
                key("kind"),
                format!("unknown rule kind `{other}`: expected import, call, define or pattern"),
            ))
        }
    };
    for present in raw.present_kind_keys() {
        if !allowed_keys.contains(&present) {
            return Err((
                key(present),
                format!(
                    "key `{present}` does not apply to a `{}` rule: expected one of {}",
                    raw.kind,
                    allowed_keys.join(", ")
                ),
            ));
        }
    }
    let require = |field: &Option<String>, name: &str| -> Result<String, Located> {
        field
            .clone()
            .ok_or_else(|| (key("kind"), format!("a `{}` rule needs `{name}`", raw.kind)))
    };
    let dotted = |field: String, name: &str| -> Result<String, Located> {
        if let Some(keyword) = field.split('.').find(|part| is_keyword(part)) {
            return Err((
                value(name, &field),
                format!(
                    "invalid dotted name `{field}` in `{name}`: `{keyword}` is a Python keyword, not a name"
                ),
            ));
        }
        if is_dotted_name(&field) {
            Ok(field)
        } else {
            Err((
                value(name, &field),
                format!(
                    "invalid dotted name `{field}` in `{name}`: expected identifiers joined by '.'"
                ),
            ))
        }
    };
    let kind = match raw.kind.as_str() {
        "import" => {
            let canonical = dotted(require(&raw.canonical, "canonical")?, "canonical")?;
            let deprecated = raw
                .deprecated
                .map(OneOrMany::into_vec)
                .filter(|list| !list.is_empty())
                .ok_or_else(|| {
                    (
                        key("kind"),
                        "an `import` rule needs a non-empty `deprecated` list".to_string(),
                    )
                })?;
            let mut checked = Vec::new();
            for name in deprecated {
                let name = dotted(name, "deprecated")?;
                if name == canonical {
                    return Err((
                        value("deprecated", &name),
                        format!("`{name}` is both canonical and deprecated"),
                    ));
                }
                checked.push(name);
            }
            RuleKind::Import {
                canonical,
                deprecated: checked,
            }
        }
        "call" => {
            let target = dotted(require(&raw.target, "target")?, "target")?;
            if let Some(template) = &raw.replace_with {
                check_template(template).map_err(|message| (key("replace-with"), message))?;
                check_template_is_expression(template)
                    .map_err(|message| (value("replace-with", template), message))?;
            }
            let requires_import = match raw.requires_import.clone() {
                Some(name) => Some(dotted(name, "requires-import")?),
                None => None,
            };
            RuleKind::Call {
                target,
                replace_with: raw.replace_with.clone(),
                requires_import,
            }
        }
        "define" => {
            let name = require(&raw.name, "name")?;
            if !is_identifier(&name) || is_keyword(&name) {
                return Err((
                    value("name", &name),
                    format!("invalid name `{name}`: expected a Python identifier (not a keyword)"),
                ));
            }
            let written = require(&raw.canonical_file, "canonical-file")?;
            let canonical_file = base.resolve(&written).ok_or_else(|| {
                (
                    value("canonical-file", &written),
                    format!(
                        "canonical-file `{written}` lies outside the repository {}: expected a file in it, relative to the directory of the config",
                        base.root.display()
                    ),
                )
            })?;
            RuleKind::Define {
                name,
                canonical_file,
            }
        }
        _ => {
            let pattern = require(&raw.regex, "regex")?;
            let regex = regex::RegexBuilder::new(&pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|error| {
                    let detail = error.to_string().replace('\n', " ");
                    (key("regex"), format!("invalid regex: {}", squeeze(&detail)))
                })?;
            let scope = match raw.scope.as_deref() {
                None | Some("line") => Scope::Line,
                Some("string") => Scope::String,
                Some("code") => Scope::Code,
                Some(other) => {
                    return Err((
                        key("scope"),
                        format!("invalid scope `{other}`: expected string, code or line"),
                    ))
                }
            };
            RuleKind::Pattern { regex, scope }
        }
    };
    let allow_in_globs = raw.allow_in.map(OneOrMany::into_vec).unwrap_or_default();
    let allow_in = if allow_in_globs.is_empty() {
        None
    } else {
        Some(
            build_globs(base.config_dir, &allow_in_globs)
                .map_err(|message| (key("allow-in"), message))?,
        )
    };
    Ok(Rule {
        id: raw.id,
        kind,
        severity,
        message: raw.message,
        allow_in,
        allow_in_globs,
    })
}

/// The 1-based position where flow brackets first nest too deep, if they do.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (index, line) in text.lines().enumerate() {
        for (column, c) in line.chars().enumerate() {
            match c {
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_CONFIG_NESTING {
                        return Some((index + 1, column + 1));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!(
                "unclosed `{{` in replace-with template `{template}`"
            ));
        };
        let placeholder = &after[..close];
        if placeholder != "callee" && placeholder != "args" {
            return Err(format!(
                "unknown placeholder `{{{placeholder}}}` in replace-with: expected {{callee}} or {{args}}"
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Whether `template`, filled as a fix fills it (here with callee `f` and arguments
/// `x`), is a Python expression: a template that is not could never be applied.
fn check_template_is_expression(template: &str) -> Result<(), String> {
    let filled = call_template::fill(template, "f", "x");
    match call_template::judge(&filled).0 {
        Fit::Invalid => Err(format!(
            "replace-with template `{template}` is not a Python expression: expected one once `{{callee}}` and `{{args}}` are filled (`f` and `x` give `{filled}`)"
        )),
        _ => Ok(()),
    }
}

fn build_globs(dir: &Path, globs: &[String]) -> Result<Gitignore, String> {
    let mut builder = GitignoreBuilder::new(dir);
    for glob in globs {
        builder
            .add_line(None, glob)
            .map_err(|error| format!("invalid glob `{glob}`: {error}"))?;
    }
    builder
        .build()
        .map_err(|error| format!("invalid glob: {error}"))
}

/// "./a/b/" -> "a/b"; "." -> "".
pub fn normalize_rel_dir(path: &str) -> String {
    let mut parts = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Whether `name` is a Python identifier (PEP 3131): `_` or an XID_Start character,
/// then XID_Continue characters. Keywords pass; callers that must refuse them check
/// [`is_keyword`] too. Names are taken as written: Python's NFKC normalisation of
/// identifiers is not applied.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first == '_' || unicode_ident::is_xid_start(first))
        && chars.all(unicode_ident::is_xid_continue)
}

/// Whether `name` is identifiers joined by `.` (see [`is_identifier`]).
pub fn is_dotted_name(name: &str) -> bool {
    !name.is_empty() && name.split('.').all(is_identifier)
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("/repo/.canon.yaml"))
    }

    #[test]
    fn parses_every_kind() {
        let config = parse_text(
            "version: 1\nrules:\n  - id: a\n    kind: import\n    canonical: x.New\n    deprecated: [x.Old]\n  - id: b\n    kind: call\n    target: x.get\n    replace-with: \"F.make({args})\"\n  - id: c\n    kind: define\n    name: C\n    canonical-file: ./x/c.py\n  - id: d\n    kind: pattern\n    regex: 'localhost'\n    scope: string\n    severity: warning\n",
        )
        .unwrap();
        assert_eq!(config.rules.len(), 4);
        assert_eq!(config.rules[3].severity, Some(Severity::Warning));
        assert!(
            matches!(&config.rules[2].kind, RuleKind::Define { canonical_file, .. } if canonical_file == "x/c.py")
        );
    }

    #[test]
    fn errors_point_at_the_line() {
        let cases = [
            ("rules:\n  - id: a\n    kind: import\n    canonical: x.New\n    deprecated: [x..Old]\n", 5, "invalid dotted name"),
            ("rules:\n  - id: a\n    kind: import\n    canonical: x.class\n    deprecated: [x.Old]\n", 4, "`class` is a Python keyword"),
            ("rules:\n  - id: a\n    kind: call\n    target: pkg.old.get\n    requires-import: pkg.None\n", 5, "`None` is a Python keyword"),
            ("rules:\n  - id: a\n    kind: define\n    name: def\n    canonical-file: a.py\n", 4, "invalid name `def`"),
            ("rules:\n  - id: a\n    kind: pattern\n    regex: '(unclosed'\n", 4, "invalid regex"),
            ("rules:\n  - id: a\n    kind: pattern\n    regex: 'x'\n  - id: a\n    kind: pattern\n    regex: 'y'\n", 5, "duplicate rule id"),
            ("rules:\n  - id: a\n    kind: bogus\n", 3, "unknown rule kind"),
            ("rules:\n  - id: a\n    kind: import\n    canonical: x.New\n    deprecated: [x.Old]\n    colour: red\n", 6, "unknown field"),
            ("rules:\n  - id: a\n    kind: import\n    canonical: x.New\n    deprecated: [x.Old]\n    regex: y\n", 6, "does not apply"),
            ("rules:\n  - id: Bad_Id\n    kind: import\n", 2, "kebab-case"),
            ("rules:\n  - id: a\n    kind: call\n    target: x.y\n    replace-with: '{func}()'\n", 5, "placeholder"),
            ("rules:\n  - id: a\n    kind: call\n    target: x.y\n    replace-with: 'F({args}'\n", 5, "is not a Python expression"),
            ("version: 1\nsrc: 5\nrules: []\n", 2, "src: invalid type: integer `5`, expected a string or a list of strings"),
            ("rules:\n  - id: a\n    kind: import\n    canonical: x.New\n    deprecated: {x: 1}\n", 5, "expected a string or a list of strings"),
            ("rules: [~]\n", 1, "expected a rule: a mapping with `id`, `kind`"),
            ("version: 1.0\nrules: []\n", 1, "expected a whole number"),
        ];
        for (text, line, needle) in cases {
            let error = parse_text(text).unwrap_err();
            assert_eq!(error.line, line, "{text}: {error}");
            assert!(error.message.contains(needle), "{text}: {error}");
        }
    }

    #[test]
    fn identifiers_follow_pep_3131() {
        for name in ["a", "_x", "℘", "x·", "été", "a1", "if"] {
            assert!(is_identifier(name), "{name}");
        }
        for name in ["x²", "x½", "1a", "", "a-b", "·x", "a.b"] {
            assert!(!is_identifier(name), "{name}");
        }
    }

    #[test]
    fn canonical_file_is_resolved_to_a_root_relative_path() {
        let define = |file: &str| {
            format!(
                "rules:\n  - id: d\n    kind: define\n    name: N\n    canonical-file: '{file}'\n"
            )
        };
        let resolved = |file: &str, config: &str, root: &str| -> Result<String, ConfigError> {
            let config = parse_in(&define(file), Path::new(config), Path::new(root))?;
            match &config.rules[0].kind {
                RuleKind::Define { canonical_file, .. } => Ok(canonical_file.clone()),
                _ => unreachable!(),
            }
        };
        let cases = [
            ("a/b.py", "/repo/sub/.canon.yaml", "/repo", "sub/a/b.py"),
            ("./a/./b.py", "/repo/sub/.canon.yaml", "/repo", "sub/a/b.py"),
            (
                "../sub/a/../b.py",
                "/repo/sub/.canon.yaml",
                "/repo",
                "sub/b.py",
            ),
            ("../top.py", "/repo/sub/.canon.yaml", "/repo", "top.py"),
            ("/repo/x/y.py", "/repo/sub/.canon.yaml", "/repo", "x/y.py"),
            ("repo/x.py", "/up/.canon.yaml", "/up/repo", "x.py"),
            ("x.py", "/elsewhere/c.yaml", "/repo", "x.py"),
        ];
        for (file, config, root, expected) in cases {
            assert_eq!(resolved(file, config, root).unwrap(), expected, "{file}");
        }
        for (file, config, root) in [
            ("../x.py", "/repo/.canon.yaml", "/repo"),
            ("/other/x.py", "/repo/.canon.yaml", "/repo"),
            ("../../x.py", "/repo/sub/.canon.yaml", "/repo"),
            ("x.py", "/up/.canon.yaml", "/up/repo"),
        ] {
            let error = resolved(file, config, root).unwrap_err();
            assert_eq!((error.line, error.column), (5, 22), "{file}: {error}");
            assert!(error.message.contains("outside the repository"), "{error}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_allowed() {
        let config = parse_text("\u{feff}version: 1\nrules: []\n").unwrap();
        assert!(config.rules.is_empty());
    }

    #[test]
    fn globs_are_relative_to_the_config() {
        let config = parse_text(
            "exclude: ['**/migrations/**']\nrules:\n  - id: a\n    kind: import\n    canonical: x.New\n    deprecated: x.Old\n    allow-in: ['x/new.py']\n",
        )
        .unwrap();
        assert!(config.excluded("app/migrations/0001.py"));
        assert!(!config.excluded("app/models.py"));
        assert!(config.rules[0].allowed_in("x/new.py"));
        assert!(!config.rules[0].allowed_in("y/new.py"));
    }
}
