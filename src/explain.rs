//! Human explanations of configured rules (`canon rules`, `canon rule ID`) and the
//! starter config written by `canon init`.

use crate::call_template;
use crate::config::{Rule, RuleKind, Scope};
use crate::fixes::split_last;

/// One line saying what a rule forbids.
pub fn summary(rule: &Rule) -> String {
    match &rule.kind {
        RuleKind::Import {
            canonical,
            deprecated,
        } => {
            format!(
                "imports of {} must use `{canonical}`",
                quoted_list(deprecated)
            )
        }
        RuleKind::Call {
            target,
            replace_with,
            ..
        } => match replace_with {
            Some(template) => format!("calls to `{target}` must be written `{template}`"),
            None => format!("calls to `{target}` are not allowed"),
        },
        RuleKind::Define {
            name,
            canonical_file,
        } => {
            format!("`{name}` may only be defined in `{canonical_file}`")
        }
        RuleKind::Pattern { regex, scope } => {
            format!(
                "`{}` must not appear in {}",
                regex.as_str(),
                scope_name(*scope)
            )
        }
    }
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::String => "string literals",
        Scope::Code => "code",
        Scope::Line => "any line",
    }
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn severity(rule: &Rule) -> &'static str {
    rule.severity
        .map(|severity| severity.as_str())
        .unwrap_or("off")
}

/// The table printed by `canon rules`.
pub fn list(rules: &[Rule]) -> String {
    let width = rules
        .iter()
        .map(|rule| rule.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    let mut text = format!(
        "{:<6}  {:<width$}  {:<7}  {:<8}  what it enforces\n",
        "code", "id", "kind", "severity"
    );
    for rule in rules {
        text.push_str(&format!(
            "{:<6}  {:<width$}  {:<7}  {:<8}  {}\n",
            rule.kind.code(),
            rule.id,
            rule.kind.name(),
            severity(rule),
            summary(rule)
        ));
    }
    if rules.is_empty() {
        text.push_str("(no rules configured)\n");
    }
    text
}

/// The page printed by `canon rule ID`.
pub fn explain(rule: &Rule) -> String {
    let mut text = format!(
        "{} [{}]  kind: {}  severity: {}\n\n{}.\n",
        rule.kind.code(),
        rule.id,
        rule.kind.name(),
        severity(rule),
        capitalize(&summary(rule))
    );
    if let Some(message) = &rule.message {
        text.push_str(&format!("\n{message}\n"));
    }
    let (forbids, instead, before, after) = match &rule.kind {
        RuleKind::Import { canonical, deprecated } => {
            let old = &deprecated[0];
            let (old_module, old_name) = split_last(old);
            let (new_module, new_name) = split_last(canonical);
            let alias = if old_name == new_name { String::new() } else { format!(" as {old_name}") };
            (
                format!(
                    "Any reference to {} or to a name under it: imports (absolute, relative, aliased, star), attribute chains through imported modules, and importlib / __import__ / mock.patch strings.",
                    quoted_list(deprecated)
                ),
                format!("Import `{canonical}` (names under a deprecated path map onto the same names under it)."),
                format!("from {old_module} import {old_name}"),
                format!("from {new_module} import {new_name}{alias}"),
            )
        }
        RuleKind::Call {
            target,
            replace_with,
            requires_import,
        } => {
            let (_, name) = split_last(target);
            let before = format!("{name}(user_context)");
            let after = match replace_with {
                Some(template) => call_template::fill(template, name, "user_context"),
                None => "(no automatic replacement; see the message)".to_string(),
            };
            let mut instead = match replace_with {
                Some(template) => format!("Write the call as `{template}` ({{callee}} is the callee as written, {{args}} the original arguments)."),
                None => "Follow the rule's message.".to_string(),
            };
            if let Some(required) = requires_import {
                instead.push_str(&format!(" `{required}` is imported when the file does not bind it yet."));
            }
            (
                format!("Calls whose callee resolves to `{target}`, through imports, aliases and attribute chains."),
                instead,
                before,
                after,
            )
        }
        RuleKind::Define { name, canonical_file } => (
            format!("A module-level `class {name}` or `def {name}` in any file other than `{canonical_file}` (or its `.pyi` stub)."),
            format!("Import `{name}` from the module of `{canonical_file}` instead of defining it again."),
            format!("class {name}:\n    ..."),
            format!("from <module of {canonical_file}> import {name}"),
        ),
        RuleKind::Pattern { regex, scope } => (
            format!("Text matching `{}` in {} of a checked line.", regex.as_str(), scope_name(*scope)),
            rule.message.clone().unwrap_or_else(|| "Read the value from its single source of truth.".to_string()),
            "url = \"localhost:8000\"".to_string(),
            "url = settings.api_url".to_string(),
        ),
    };
    text.push_str(&format!(
        "\nForbids: {forbids}\nInstead: {instead}\n\nExample:\n  before:\n{}\n  after:\n{}\n",
        indent(&before),
        indent(&after)
    ));
    if !rule.allow_in_globs.is_empty() {
        text.push_str(&format!(
            "\nNot applied in: {}\n",
            rule.allow_in_globs.join(", ")
        ));
    }
    text
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The commented starter config written by `canon init`.
pub const STARTER_CONFIG: &str = r#"# canon configuration: the canonical sources of truth of this codebase.
# Reference: https://github.com/canon-lint/canon#configuration
version: 1

# Roots that module names are computed from: file a/b/c.py under root "." is module a.b.c.
src: ["."]

# gitignore-style globs (relative to this file) of files canon never reads.
exclude: ["**/migrations/**"]

rules:
  # kind: import - every import of a deprecated path (or anything under it) is flagged
  # and rewritten onto the canonical path, keeping the local name.
  - id: websocket-manager
    kind: import
    canonical: myapp.websocket_core.ssot_manager.SSOTWebSocketManager
    deprecated:
      - myapp.websocket_core.manager.WebSocketManager
      - myapp.websocket_core.unified_manager.WebSocketManager
    allow-in: ["myapp/websocket_core/ssot_manager.py"]
    message: "WebSocket managers come from the SSOT module"

  # kind: call - calls of a banned function or constructor; replace-with is a
  # template ({callee} = the callee as written, {args} = the original arguments).
  # - id: no-singleton-manager
  #   kind: call
  #   target: myapp.websocket_core.get_websocket_manager
  #   replace-with: "WebSocketManagerFactory.create_isolated_manager({args})"
  #   requires-import: myapp.websocket_core.factory.WebSocketManagerFactory

  # kind: define - one implementation: the class may only be defined in canonical-file.
  # - id: one-notifier
  #   kind: define
  #   name: WebSocketNotifier
  #   canonical-file: myapp/services/notifier.py

  # kind: pattern - a regex matched in string literals (scope: string), code, or whole lines.
  # - id: no-hardcoded-hosts
  #   kind: pattern
  #   regex: '^(localhost|127\.0\.0\.1)(:\d+)?$'
  #   scope: string
  #   message: "read hosts from the configuration"
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn starter_config_is_valid() {
        let config = crate::config::parse(STARTER_CONFIG, Path::new("/r/.canon.yaml")).unwrap();
        assert_eq!(config.rules.len(), 1);
        let page = explain(&config.rules[0]);
        assert!(page.contains("from myapp.websocket_core.ssot_manager import SSOTWebSocketManager as WebSocketManager"));
        assert!(list(&config.rules).contains("websocket-manager"));
    }
}
