//! `# canon: ignore`, `# canon: ignore[...]`, `# noqa` and `# canon: ignore-file`.

use crate::common::*;

fn check(src: &str) -> Out {
    let repo = Repo::std();
    repo.write("m.py", src);
    repo.concise(&["check", "m.py"])
}

#[test]
fn canon_ignore_suppresses_every_rule_on_the_line() {
    let src = lines(&[
        &format!("{WS_IMPORT}  # canon: ignore"),
        "from pkg.old_utils import helper, other_helper  # canon: ignore",
        UTILS_IMPORT,
    ]);
    let out = check(&src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 3, UTILS_COL, "old-utils")]);
}

#[test]
fn canon_ignore_with_rule_id_suppresses_only_that_rule() {
    let src = lines(&[
        &format!("{WS_IMPORT}  # canon: ignore[ws-manager]"),
        &format!("{UTILS_IMPORT}  # canon: ignore[ws-manager]"),
        "from netra.ws.manager import WebSocketManager as W  # canon: ignore[old-utils]",
        "import pkg.old_utils  # canon: ignore[ws-manager, old-utils]",
    ]);
    let out = check(&src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 2, UTILS_COL, "old-utils"),
            loc("m.py", 3, WS_COL, "ws-manager"),
        ]
    );
}

#[test]
fn noqa_with_code_and_bare_noqa() {
    let src = lines(&[
        &format!("{WS_IMPORT}  # noqa: CAN001"),
        &format!("{UTILS_IMPORT}  # noqa"),
        "from netra.ws.manager import WebSocketManager as W  # noqa: E501",
        "import pkg.old_utils  # noqa: E501, CAN001",
        "import pkg.old_utils as ou  # noqa:CAN001",
    ]);
    let out = check(&src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 3, WS_COL, "ws-manager")]);
}

#[test]
fn noqa_for_another_canon_code_does_not_suppress() {
    let src = lines(&[&format!("{WS_IMPORT}  # noqa: CAN004")]);
    let out = check(&src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn suppression_on_any_physical_line_of_a_multiline_statement() {
    let src = lines(&[
        "from netra.ws.manager import (  # canon: ignore",
        "    WebSocketManager,",
        ")",
        "from pkg.old_utils import (",
        "    helper,",
        ")  # noqa: CAN001",
        "from netra.ws.unified_manager import (",
        "    Other,  # canon: ignore[ws-manager]",
        "    WebSocketManager,",
        ")",
        "from netra.ws.manager \\",
        "    import WebSocketManager as W2  # noqa",
        "from netra.legacy.notifier import (",
        "    WebSocketNotifier,",
        ")",
    ]);
    let out = check(&src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 14, 5, "notifier")]);
}

#[test]
fn suppression_comment_on_a_neighbouring_statement_does_not_leak() {
    let src = lines(&[
        "import os  # canon: ignore",
        WS_IMPORT,
        UTILS_IMPORT,
        "x = 1  # noqa",
    ]);
    let out = check(&src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 2, WS_COL, "ws-manager"),
            loc("m.py", 3, UTILS_COL, "old-utils"),
        ]
    );
}

#[test]
fn suppression_text_inside_a_string_is_not_a_comment() {
    let src = lines(&[&format!("{WS_IMPORT}; note = \"# canon: ignore\"")]);
    let out = check(&src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn canon_ignore_file_anywhere_suppresses_the_whole_file() {
    let src = lines(&[
        WS_IMPORT,
        UTILS_IMPORT,
        "",
        "",
        "def f():",
        "    import pkg.old_utils",
        "",
        "",
        "# canon: ignore-file",
    ]);
    let repo = Repo::std();
    repo.write("ignored.py", &src);
    repo.write("checked.py", lines(&[WS_IMPORT]));
    let out = repo.concise(&["check", "ignored.py", "checked.py"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("checked.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn suppression_applies_in_staged_mode() {
    let repo = Repo::std();
    repo.write(
        "a.py",
        lines(&[
            &format!("{WS_IMPORT}  # canon: ignore[ws-manager]"),
            &format!("{UTILS_IMPORT}  # noqa: CAN001"),
        ]),
    );
    repo.add(&["a.py"]);
    let out = repo.concise(&["check"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn directives_are_whole_words() {
    let src = lines(&[
        &format!("{WS_IMPORT}  # canon: ignored"),
        &format!("{UTILS_IMPORT}  # canon: ignore-filex"),
        "x = 1  # canon: ignore-files-never",
        "from netra.ws.manager import WebSocketManager as W  # canon: ignore  (kept on purpose)",
        "import pkg.old_utils  # canon: ignore-file # leave this file alone",
    ]);
    let repo = Repo::std();
    repo.write("words.py", &src);
    let out = repo.concise(&["check", "words.py"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
    let src = src.replace("# canon: ignore-file #", "# canon: ignore-file-ish #");
    repo.write("words.py", &src);
    let out = repo.concise(&["check", "words.py"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("words.py", 1, WS_COL, "ws-manager"),
            loc("words.py", 2, UTILS_COL, "old-utils"),
            loc("words.py", 5, 8, "old-utils"),
        ]
    );
}

/// The header of a `def` or `class` written over several lines is one statement: a
/// suppression on any of its lines (black puts `):  # noqa` on the last) silences
/// what the header holds.
#[test]
fn suppression_on_any_line_of_a_multi_line_def_or_class_header() {
    let config = r#"version: 1
rules:
  - id: no-singleton
    kind: call
    target: app.core.get_manager
  - id: one-notifier
    kind: define
    name: Notifier
    canonical-file: app/bridge.py
"#;
    let repo = Repo::with_config(config);
    repo.write(
        "m.py",
        lines(&[
            "import app.core",
            "def g(a=app.core.get_manager(),",
            "      b=1):  # canon: ignore",
            "    pass",
            "class Notifier(",
            "    object,",
            "):  # noqa: CAN003",
            "    pass",
            "def h(a=app.core.get_manager(),",
            "      b=1):",
            "    pass  # canon: ignore",
        ]),
    );
    let out = repo.concise(&["check", "m.py"]);
    out.assert_code(1);
    // The body's comment is not on the header's lines.
    assert_eq!(
        out.locs(),
        vec![("m.py".to_string(), 9, 9, "no-singleton".to_string())]
    );
}
