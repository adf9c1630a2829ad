//! `kind: call` (CAN002): callee resolution, shadowing, changed lines, templates.

use crate::common::{applicabilities, fixes, lines, Repo};

pub const CALL_CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: singleton
    kind: call
    target: app.ws.get_websocket_manager
    replace-with: "ManagerFactory.create_isolated_manager({args})"
    requires-import: app.ws.factory.ManagerFactory
  - id: notifier-factory
    kind: call
    target: app.services.bridge.Notifier
    replace-with: "{callee}.create_for_user({args})"
    allow-in: ["app/services/bridge.py"]
  - id: core-get
    kind: call
    target: app.ws.core.get_manager
  - id: widget
    kind: call
    target: app.models.Widget
"#;

fn repo() -> Repo {
    Repo::with_config(CALL_CONFIG)
}

#[test]
fn call_through_from_import_is_flagged_at_the_callee() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "",
            "",
            "def handler(ctx):",
            "    manager = get_websocket_manager(ctx)",
            "    return manager",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(
        out.lines(),
        vec![
            "svc.py:5:15: CAN002 [singleton] call to `app.ws.get_websocket_manager` is not allowed: use `ManagerFactory.create_isolated_manager(ctx)`"
        ],
        "{out}"
    );
}

#[test]
fn call_through_module_alias_is_flagged() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "import app.ws as w",
            "x = 1",
            "m = w.get_websocket_manager(1)",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(out.heads(), vec!["svc.py:3:5: CAN002 [singleton]"], "{out}");
}

#[test]
fn call_through_attribute_chain_of_aliased_package_is_flagged() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "import app.ws as w",
            "import app as root",
            "",
            "w.core.get_manager()",
            "value = root.ws.core.get_manager(key=1)",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "svc.py:4:1: CAN002 [core-get]",
            "svc.py:5:9: CAN002 [core-get]"
        ],
        "{out}"
    );
}

#[test]
fn call_through_relative_import_is_resolved_with_src() {
    let config = CALL_CONFIG.replace(r#"src: ["."]"#, r#"src: ["src"]"#);
    let repo = Repo::with_config(&config);
    repo.write("src/app/__init__.py", "");
    repo.write("src/app/services/__init__.py", "");
    repo.write(
        "src/app/services/handler.py",
        lines(&[
            "from ..ws import get_websocket_manager",
            "from .. import ws",
            "",
            "a = get_websocket_manager()",
            "b = ws.get_websocket_manager()",
        ]),
    );
    let out = repo.concise(&["check", "src"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "src/app/services/handler.py:4:5: CAN002 [singleton]",
            "src/app/services/handler.py:5:5: CAN002 [singleton]",
        ],
        "{out}"
    );
}

#[test]
fn relative_import_outside_src_root_does_not_resolve_to_target() {
    // Under src "src", the file is module `app.services.handler`; with src "."
    // it would be `src.app.services.handler` and `..ws` is `src.app.ws`.
    let repo = repo();
    repo.write(
        "src/app/services/handler.py",
        lines(&[
            "from ..ws import get_websocket_manager",
            "get_websocket_manager()",
        ]),
    );
    let out = repo.concise(&["check", "src"]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn class_name_used_as_constructor_in_its_defining_module_is_flagged() {
    let repo = repo();
    repo.write(
        "app/models.py",
        lines(&["class Widget:", "    pass", "", "", "default = Widget()"]),
    );
    let out = repo.concise(&["check", "app/models.py"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec!["app/models.py:5:11: CAN002 [widget]"],
        "{out}"
    );
}

#[test]
fn local_definition_shadowing_the_import_is_not_a_match() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "from app.models import Widget",
            "",
            "",
            "def get_websocket_manager():",
            "    return None",
            "",
            "",
            "class Widget:",
            "    pass",
            "",
            "",
            "a = get_websocket_manager()",
            "b = Widget()",
            "",
            "",
            "def later():",
            "    return get_websocket_manager(), Widget()",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn call_before_the_shadowing_definition_still_matches() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "",
            "early = get_websocket_manager()",
            "",
            "",
            "def get_websocket_manager():",
            "    return None",
            "",
            "",
            "late = get_websocket_manager()",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(out.heads(), vec!["svc.py:3:9: CAN002 [singleton]"], "{out}");
}

#[test]
fn lookalike_names_are_not_matched() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager_v2",
            "from app.ws_v2 import get_websocket_manager",
            "import app.wsx as w",
            "",
            "a = get_websocket_manager_v2()",
            "b = get_websocket_manager()",
            "c = w.get_websocket_manager()",
            "d = obj.get_websocket_manager()",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn staged_mode_reports_only_calls_on_changed_lines() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "",
            "old = get_websocket_manager()",
        ]),
    );
    repo.commit_all("legacy");
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "",
            "old = get_websocket_manager()",
            "new = get_websocket_manager(1)",
        ]),
    );
    repo.add(&["svc.py"]);
    let out = repo.concise(&["check", "--staged"]);
    out.code(1);
    assert_eq!(out.heads(), vec!["svc.py:4:7: CAN002 [singleton]"], "{out}");
}

#[test]
fn staged_mode_multi_line_call_is_checked_when_an_argument_line_changed() {
    let repo = repo();
    let before = lines(&[
        "from app.ws import get_websocket_manager",
        "",
        "m = get_websocket_manager(",
        "    1,",
        ")",
    ]);
    repo.write("svc.py", &before);
    repo.commit_all("legacy");
    repo.write("svc.py", before.replace("    1,", "    2,"));
    repo.add(&["svc.py"]);
    let out = repo.concise(&["check", "--staged"]);
    out.code(1);
    assert_eq!(out.heads(), vec!["svc.py:3:5: CAN002 [singleton]"], "{out}");
}

#[test]
fn callee_template_keeps_multi_line_args_keywords_stars_and_comments() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.services.bridge import Notifier",
            "import app.services.bridge as bridge",
            "",
            "",
            "def build(user, *args, **kwargs):",
            "    first = Notifier(",
            "        user,  # the owner",
            "        *args,",
            "        retries=3,",
            "        **kwargs,",
            "    )",
            "    second = bridge.Notifier(user, name=\"x\")",
            "    return first, second",
        ]),
    );
    repo.canon(&["check", "--fix", "svc.py"]).code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "from app.services.bridge import Notifier",
            "import app.services.bridge as bridge",
            "",
            "",
            "def build(user, *args, **kwargs):",
            "    first = Notifier.create_for_user(",
            "        user,  # the owner",
            "        *args,",
            "        retries=3,",
            "        **kwargs,",
            "    )",
            "    second = bridge.Notifier.create_for_user(user, name=\"x\")",
            "    return first, second",
        ])
    );
}

#[test]
fn args_template_keeps_argument_text_and_adds_the_required_import() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "",
            "m = get_websocket_manager(",
            "    ctx,  # per-user context",
            "    *extra,",
            "    timeout=5,",
            "    **options,",
            ")",
        ]),
    );
    repo.canon(&["check", "--fix", "svc.py"]).code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "from app.ws import get_websocket_manager",
            "from app.ws.factory import ManagerFactory",
            "",
            "m = ManagerFactory.create_isolated_manager(",
            "    ctx,  # per-user context",
            "    *extra,",
            "    timeout=5,",
            "    **options,",
            ")",
        ])
    );
}

/// The lines of human output from the `fix:` line up to the blank line ending the diagnostic.
fn fix_block(stdout: &str) -> Vec<String> {
    let mut block = Vec::new();
    let mut inside = false;
    for line in stdout.lines() {
        if line.trim_start().starts_with("fix:") {
            inside = true;
        }
        if inside {
            if line.trim().is_empty() {
                break;
            }
            block.push(line.trim().to_string());
        }
    }
    block
}

#[test]
fn requires_import_is_shown_in_the_fix_when_unbound() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager(ctx)",
        ]),
    );
    let out = repo.canon(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(
        fix_block(&out.stdout),
        vec![
            "fix: ManagerFactory.create_isolated_manager(ctx)",
            "from app.ws.factory import ManagerFactory",
        ],
        "{out}"
    );
    let json = repo
        .canon(&["check", "svc.py", "--output-format", "json"])
        .json();
    let edits = json[0]["fix"]["edits"].as_array().expect("edits").clone();
    let contents: Vec<&str> = edits
        .iter()
        .map(|e| e["content"].as_str().unwrap())
        .collect();
    assert!(
        contents.contains(&"from app.ws.factory import ManagerFactory\n"),
        "{json:#}"
    );
    assert_eq!(json[0]["fix"]["applicability"], "safe", "{json:#}");
}

/// The `(row, column)` that `at` reads from each of `values`.
fn positions(
    values: &[serde_json::Value],
    at: &dyn Fn(&serde_json::Value) -> (u64, u64),
) -> Vec<(u64, u64)> {
    values.iter().map(at).collect()
}

/// A fix's edits are listed by position in JSON and SARIF (as ruff lists them),
/// although the import a call fix adds lies before the call it replaces.
#[test]
fn fix_edits_are_sorted_by_position_in_json_and_sarif() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager(ctx)",
        ]),
    );
    let json = repo
        .canon(&["check", "svc.py", "--output-format", "json"])
        .json();
    let edits = json[0]["fix"]["edits"].as_array().expect("edits").clone();
    let json_at = positions(&edits, &|edit| {
        let location = &edit["location"];
        (
            location["row"].as_u64().unwrap(),
            location["column"].as_u64().unwrap(),
        )
    });
    assert_eq!(json_at, vec![(2, 1), (2, 5)], "{json:#}");
    let sarif = repo
        .canon(&["check", "svc.py", "--output-format", "sarif"])
        .json();
    let change = &sarif["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0];
    let replacements = change["replacements"]
        .as_array()
        .expect("replacements")
        .clone();
    let sarif_at = positions(&replacements, &|replacement| {
        let region = &replacement["deletedRegion"];
        (
            region["startLine"].as_u64().unwrap(),
            region["startColumn"].as_u64().unwrap(),
        )
    });
    assert_eq!(sarif_at, json_at, "{sarif:#}");
}

#[test]
fn requires_import_is_not_shown_when_already_imported() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "from app.ws.factory import ManagerFactory",
            "m = get_websocket_manager(ctx)",
        ]),
    );
    let out = repo.canon(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(
        fix_block(&out.stdout),
        vec!["fix: ManagerFactory.create_isolated_manager(ctx)"],
        "{out}"
    );
    repo.canon(&["check", "--fix", "svc.py"]).code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "from app.ws import get_websocket_manager",
            "from app.ws.factory import ManagerFactory",
            "m = ManagerFactory.create_isolated_manager(ctx)",
        ])
    );
}

#[test]
fn call_rule_without_template_has_message_only() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&["import app.ws.core as core", "core.get_manager()"]),
    );
    let out = repo.canon(&["check", "svc.py"]);
    out.code(1);
    assert!(
        out.stdout.starts_with(
            "svc.py:2:1: CAN002 [core-get] call to `app.ws.core.get_manager` is not allowed\n"
        ),
        "{out}"
    );
    assert!(!out.stdout.contains("fix:"), "{out}");
    let json = repo
        .canon(&["check", "svc.py", "--output-format", "json"])
        .json();
    assert!(json[0]["fix"].is_null(), "{json:#}");
    assert_eq!(json[0]["code"], "CAN002");
    assert_eq!(json[0]["location"]["row"], 2);
    assert_eq!(json[0]["location"]["column"], 1);
    assert_eq!(json[0]["end_location"]["row"], 2);
    assert_eq!(json[0]["end_location"]["column"], 17);
}

#[test]
fn constructor_matches_only_calls_of_the_class_itself() {
    let repo = repo();
    repo.write(
        "app/models.py",
        lines(&[
            "class Widget:",
            "    @classmethod",
            "    def create(cls):",
            "        return cls()",
            "",
            "",
            "a = Widget.create()",
            "b = Widget",
            "c = [Widget() for _ in range(2)]",
        ]),
    );
    let out = repo.concise(&["check", "app/models.py"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec!["app/models.py:9:6: CAN002 [widget]"],
        "{out}"
    );
}

/// The required import goes before the first statement that is not an import: an
/// import further down the file comes after code that already runs the new call.
#[test]
fn required_import_goes_above_the_code_not_after_a_later_import() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "\"\"\"Service.\"\"\"",
            "from app.ws import get_websocket_manager  # the old way",
            "import os; m = get_websocket_manager(ctx)",
            "import sys",
        ]),
    );
    repo.canon(&["check", "--fix", "svc.py"]).code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "\"\"\"Service.\"\"\"",
            "from app.ws import get_websocket_manager  # the old way",
            "from app.ws.factory import ManagerFactory",
            "import os; m = ManagerFactory.create_isolated_manager(ctx)",
            "import sys",
        ])
    );
    // Code before every import: the import goes first.
    repo.write(
        "first.py",
        lines(&[
            "# service",
            "x = 1",
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager(ctx)",
        ]),
    );
    repo.canon(&["check", "--fix", "first.py"]).code(0);
    assert_eq!(
        repo.read_text("first.py"),
        lines(&[
            "# service",
            "from app.ws.factory import ManagerFactory",
            "x = 1",
            "from app.ws import get_websocket_manager",
            "m = ManagerFactory.create_isolated_manager(ctx)",
        ])
    );
}

/// A name imported only under `if TYPE_CHECKING:` is not bound when the module runs:
/// the import is added at module level. One imported under another condition may not
/// be bound either, so that fix is unsafe.
#[test]
fn required_import_under_a_condition_is_not_taken_as_bound() {
    let repo = repo();
    let typing_only = lines(&[
        "from typing import TYPE_CHECKING",
        "from app.ws import get_websocket_manager",
        "if TYPE_CHECKING:",
        "    from app.ws.factory import ManagerFactory",
        "m = get_websocket_manager(ctx)",
    ]);
    repo.write("typed.py", &typing_only);
    repo.canon(&["check", "--fix", "typed.py"]).code(0);
    assert_eq!(
        repo.read_text("typed.py"),
        lines(&[
            "from typing import TYPE_CHECKING",
            "from app.ws import get_websocket_manager",
            "from app.ws.factory import ManagerFactory",
            "if TYPE_CHECKING:",
            "    from app.ws.factory import ManagerFactory",
            "m = ManagerFactory.create_isolated_manager(ctx)",
        ])
    );
    let guarded = lines(&[
        "from app.ws import get_websocket_manager",
        "try:",
        "    from app.ws.factory import ManagerFactory",
        "except ImportError:",
        "    ManagerFactory = None",
        "m = get_websocket_manager(ctx)",
    ]);
    repo.write("guarded.py", &guarded);
    let out = repo.canon(&["check", "--fix", "guarded.py"]);
    out.code(1);
    assert_eq!(repo.read_text("guarded.py"), guarded, "{out}");
    let json = repo
        .canon(&["check", "guarded.py", "--output-format", "json"])
        .json();
    assert_eq!(json[0]["fix"]["applicability"], "unsafe", "{json:#}");
}

/// A call over several lines is named on one line in the message (the fix keeps every
/// argument).
#[test]
fn multi_line_call_is_named_on_one_line_in_the_message() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager(",
            "    ctx,  # per-user context",
            "    timeout=5,",
            ")",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(
        out.lines(),
        vec![
            "svc.py:2:5: CAN002 [singleton] call to `app.ws.get_websocket_manager` is not allowed: use `ManagerFactory.create_isolated_manager(…)`"
        ],
        "{out}"
    );
}

/// A comprehension's target is bound in the comprehension's own scope (Python 3): it
/// shadows the callee inside the comprehension only, and the name keeps its import
/// after it; `:=` in a comprehension binds in the enclosing scope.
#[test]
fn comprehension_targets_shadow_only_inside_the_comprehension() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import get_websocket_manager",
            "a = [get_websocket_manager() for get_websocket_manager in ()]",
            "b = [x for get_websocket_manager in ()]",
            "get_websocket_manager(1)",
            "c = [get_websocket_manager(y) for y in get_websocket_manager(2)]",
            "d = {k: get_websocket_manager for k in (get_websocket_manager := f) if k}",
            "get_websocket_manager(3)",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(1);
    let heads: Vec<String> = out
        .lines()
        .iter()
        .map(|line| line.split(": CAN").next().unwrap().to_string())
        .collect();
    assert_eq!(heads, ["svc.py:4:1", "svc.py:5:6", "svc.py:5:40"], "{out}");

    let before = repo.read_text("svc.py");
    repo.canon(&["check", "--fix", "svc.py"]);
    let after = repo.read_text("svc.py");
    assert!(
        after.contains("a = [get_websocket_manager() for get_websocket_manager in ()]"),
        "the comprehension's own call was rewritten:\n{after}"
    );
    assert_ne!(before, after);
}

/// A callee written over several lines inside parentheses keeps them in the
/// template's `{callee}`: the fix parses and is applied with the file's other fixes.
#[test]
fn multi_line_callee_keeps_its_parentheses() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "import app.services.bridge",
            "n = (app.services.bridge",
            "     .Notifier)(3)",
            "m = app.services.bridge.Notifier(4)",
        ]),
    );
    let out = repo.canon(&["check", "--fix", "svc.py"]);
    out.code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "import app.services.bridge",
            "n = (app.services.bridge",
            "     .Notifier).create_for_user(3)",
            "m = app.services.bridge.Notifier.create_for_user(4)",
        ]),
        "{out}"
    );
}

/// Templates that add arguments after `{args}` or bind looser than a call.
const SHAPED_CONFIG: &str = r#"version: 1
rules:
  - id: more-args
    kind: call
    target: app.core.get_manager
    replace-with: "Factory.create({args}, mode=1)"
    requires-import: app.factory.Factory
  - id: awaited
    kind: call
    target: app.core.get_client
    replace-with: "await Factory.acreate({args})"
    requires-import: app.factory.Factory
  - id: fallback
    kind: call
    target: app.core.get_value
    replace-with: "Factory.value({args}) or 0"
    requires-import: app.factory.Factory
  - id: same-call
    kind: call
    target: app.core.get_user
    replace-with: "{callee}(user)"
"#;

/// `{args}` followed by more arguments: an empty list leaves no comma behind, a
/// trailing comma is dropped, and a bare generator keeps parentheses of its own
/// (`F(x for x in y, mode=1)` does not parse).
#[test]
fn template_arguments_after_args_fit_any_argument_list() {
    let repo = Repo::with_config(SHAPED_CONFIG);
    repo.write(
        "svc.py",
        lines(&[
            "from app.core import get_manager",
            "a = get_manager()",
            "b = get_manager(1,)",
            "c = get_manager(x for x in range(3))",
            "d = get_manager(1, key=2)",
        ]),
    );
    repo.canon(&["check", "--fix", "svc.py"]).code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "from app.core import get_manager",
            "from app.factory import Factory",
            "a = Factory.create(mode=1)",
            "b = Factory.create(1, mode=1)",
            "c = Factory.create((x for x in range(3)), mode=1)",
            "d = Factory.create(1, key=2, mode=1)",
        ])
    );
    crate::common::assert_python_parses(&repo.path("svc.py"));
}

/// A filled template that binds looser than a call is parenthesized where something
/// else would bind to part of it; where brackets or the statement delimit it, it is
/// written as it is.
#[test]
fn template_binding_looser_than_a_call_is_parenthesized_where_needed() {
    let repo = Repo::with_config(SHAPED_CONFIG);
    repo.write(
        "svc.py",
        lines(&[
            "from app.core import get_client, get_value",
            "async def f():",
            "    a = get_client()",
            "    b = get_client(1).upper()",
            "    c = [get_client()[0], get_value()]",
            "    return 1 + get_value(2)",
        ]),
    );
    repo.canon(&["check", "--fix", "svc.py"]).code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "from app.core import get_client, get_value",
            "from app.factory import Factory",
            "async def f():",
            "    a = await Factory.acreate()",
            "    b = (await Factory.acreate(1)).upper()",
            "    c = [(await Factory.acreate())[0], Factory.value() or 0]",
            "    return 1 + (Factory.value(2) or 0)",
        ])
    );
}

/// `await` outside an `async def` (module level, a plain function, a lambda) does not
/// compile: such a fix is shown, never applied.
#[test]
fn await_template_is_display_only_outside_an_async_function() {
    let repo = Repo::with_config(SHAPED_CONFIG);
    let before = lines(&[
        "from app.core import get_client",
        "x = get_client()",
        "def f():",
        "    return get_client(1)",
        "async def g():",
        "    h = lambda: get_client(2)",
        "    return get_client(3)",
    ]);
    repo.write("svc.py", &before);
    assert_eq!(
        applicabilities(&repo, "svc.py"),
        fixes(&[
            (2, "display-only"),
            (4, "display-only"),
            (6, "display-only"),
            (7, "safe"),
        ])
    );
    let json = repo
        .canon(&["check", "svc.py", "--output-format", "json"])
        .json();
    assert!(json[0]["fix"]["message"]
        .as_str()
        .unwrap()
        .contains("async def"));
}

/// A template that writes the call it replaces again fixes nothing: no fix is
/// offered, and `--diff` has nothing to show.
#[test]
fn template_writing_the_same_call_again_offers_no_fix() {
    let repo = Repo::with_config(SHAPED_CONFIG);
    let before = lines(&[
        "from app.core import get_user",
        "user = 1",
        "x = get_user(user)",
    ]);
    repo.write("svc.py", &before);
    let out = repo.concise(&["check", "svc.py", "--statistics"]);
    out.code(1);
    repo.canon(&["check", "svc.py", "--diff"]).code(0);
    let fixed = repo.canon(&["check", "svc.py", "--fix"]);
    fixed.code(1);
    assert!(!fixed.stdout.contains("Fixed"), "{fixed}");
    assert_eq!(repo.read_text("svc.py"), before);
}

/// A module-level call runs before an import further down: the required import is
/// added above it, and a template name only bound further down makes the fix unsafe.
/// A call in a function runs once the module has, so a later import binds it.
#[test]
fn names_bound_only_below_a_module_level_call_do_not_count_as_bound() {
    let config = r#"version: 1
rules:
  - id: s
    kind: call
    target: app.core.get_manager
    replace-with: "Factory.create({args})"
    requires-import: app.factory.Factory
  - id: r
    kind: call
    target: app.core.get_registry
    replace-with: "registry.get({args})"
"#;
    let repo = Repo::with_config(config);
    repo.write(
        "later.py",
        lines(&[
            "import app.core",
            "x = app.core.get_manager()",
            "from app.factory import Factory",
        ]),
    );
    repo.canon(&["check", "--fix", "later.py"]).code(0);
    assert_eq!(
        repo.read_text("later.py"),
        lines(&[
            "import app.core",
            "from app.factory import Factory",
            "x = Factory.create()",
            "from app.factory import Factory",
        ])
    );
    repo.write(
        "reg.py",
        lines(&[
            "from app.core import get_registry",
            "x = get_registry()",
            "def f():",
            "    return get_registry(1)",
            "from app import registry",
        ]),
    );
    let json = repo
        .canon(&["check", "reg.py", "--output-format", "json"])
        .json();
    assert_eq!(json[0]["fix"]["applicability"], "unsafe", "{json:#}");
    assert_eq!(json[1]["fix"]["applicability"], "safe", "{json:#}");
}

/// A local import that shares its line with the call (`import m; m.f()`) would bind
/// the required name too late if the new import went below it: it goes to the module.
#[test]
fn required_import_is_not_placed_below_a_local_import_sharing_the_call_line() {
    let config = r#"version: 1
rules:
  - id: s
    kind: call
    target: app.core.get_manager
    replace-with: "Factory.create({args})"
    requires-import: app.factory.Factory
"#;
    let repo = Repo::with_config(config);
    repo.write(
        "svc.py",
        lines(&[
            "def f():",
            "    from app.core import get_manager; y = get_manager()",
            "    return y",
        ]),
    );
    repo.canon(&["check", "--fix", "svc.py"]).code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "from app.factory import Factory",
            "def f():",
            "    from app.core import get_manager; y = Factory.create()",
            "    return y",
        ])
    );
}

/// `from m import *` binds every public name of `m`: a call to a name nothing else
/// binds is the target when the target is that name in a star-imported module.
#[test]
fn call_through_a_star_import_is_flagged() {
    let repo = repo();
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws import *",
            "from app.services.bridge import *",
            "x = get_websocket_manager(1)",
            "y = Notifier()",
            "def make_manager(): pass",
            "z = make_manager()",
        ]),
    );
    for args in [&["check", "svc.py"][..], &["check", "."]] {
        let out = repo.concise(args);
        out.code(1);
        let lines = out.lines();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(
            lines[0].starts_with("svc.py:3:5: CAN002 [singleton]"),
            "{out}"
        );
        assert!(
            lines[1].starts_with("svc.py:4:5: CAN002 [notifier-factory]"),
            "{out}"
        );
    }
}
