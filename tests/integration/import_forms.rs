//! Every form of reference an `import` rule recognises, with exact locations.

use crate::common::*;

/// Writes `src` to `path` in a `STD_CONFIG` repository and checks that file.
fn check_file(path: &str, src: &str) -> Out {
    let repo = Repo::std();
    check_in(&repo, path, src)
}

fn check_in(repo: &Repo, path: &str, src: &str) -> Out {
    repo.write(path, src);
    repo.concise(&["check", path])
}

#[test]
fn plain_import_of_deprecated_module() {
    let src = lines(&[
        "import os",
        "import pkg.old_utils",
        "import os, pkg.old_utils",
    ]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 2, 8, "old-utils"),
            loc("m.py", 3, 12, "old-utils")
        ]
    );
}

#[test]
fn import_as_of_deprecated_module() {
    let src = lines(&["import pkg.old_utils as ou", "import pkg.new_utils as nu"]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 1, 8, "old-utils")]);
}

#[test]
fn import_of_submodule_under_deprecated_module() {
    let src = lines(&["import pkg.old_utils.strings"]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 1, 8, "old-utils")]);
}

#[test]
fn from_import_of_deprecated_symbol_is_located_at_the_name() {
    let src = lines(&["import os", "", WS_IMPORT]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 3, WS_COL, "ws-manager")]);
}

#[test]
fn from_import_every_deprecated_entry_of_a_rule_matches() {
    let src = lines(&[
        WS_IMPORT,
        "from netra.ws.unified_manager import WebSocketManager as Unified",
    ]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 1, WS_COL, "ws-manager"),
            loc("m.py", 2, 38, "ws-manager"),
        ]
    );
}

#[test]
fn from_import_with_alias_is_located_at_the_imported_name() {
    let src = lines(&["from netra.ws.manager import WebSocketManager as WSM"]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn from_import_of_names_inside_a_deprecated_module() {
    let src = lines(&["from pkg.old_utils import helper, other_helper as oh"]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 1, 27, "old-utils"),
            loc("m.py", 1, 35, "old-utils")
        ]
    );
}

#[test]
fn from_import_of_other_names_in_the_same_module_is_fine() {
    let src = lines(&["from netra.ws.manager import Other, WebSocketManagerConfig"]);
    let out = check_file("m.py", &src);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn star_import_from_deprecated_module() {
    let src = lines(&[
        "import os",
        "from pkg.old_utils import *",
        "from pkg.new_utils import *",
    ]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    let locs = out.locs();
    assert_eq!(locs.len(), 1, "{locs:?}");
    assert_eq!((locs[0].1, locs[0].3.as_str()), (2, "old-utils"));
}

#[test]
fn parenthesised_multiline_import_gives_one_diagnostic_per_name() {
    let src = lines(&[
        "from netra.ws.manager import (",
        "    Other,",
        "    WebSocketManager,",
        ")",
        "from netra.legacy.notifier import (",
        "    WebSocketNotifier,",
        "    WebSocketNotifier as WN,",
        ")",
    ]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 3, 5, "ws-manager"),
            loc("m.py", 6, 5, "notifier"),
            loc("m.py", 7, 5, "notifier"),
        ]
    );
}

#[test]
fn backslash_continued_imports() {
    let src = lines(&[
        "from netra.ws.manager \\",
        "    import WebSocketManager",
        "import os, \\",
        "    pkg.old_utils",
    ]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 2, 12, "ws-manager"),
            loc("m.py", 4, 5, "old-utils")
        ]
    );
}

#[test]
fn semicolon_separated_statements() {
    let src = lines(&["import os; from netra.ws.manager import WebSocketManager"]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("m.py", 1, 41, "ws-manager")]);
}

#[test]
fn nested_imports_in_functions_classes_type_checking_and_try() {
    let src = lines(&[
        "from typing import TYPE_CHECKING",
        "",
        "if TYPE_CHECKING:",
        "    from netra.ws.manager import WebSocketManager",
        "",
        "try:",
        "    from netra.legacy.notifier import WebSocketNotifier",
        "except ImportError:",
        "    WebSocketNotifier = None",
        "",
        "",
        "def build():",
        "    import pkg.old_utils as ou",
        "    return ou",
        "",
        "",
        "class Holder:",
        "    from netra.ws.unified_manager import WebSocketManager as Unified",
        "",
        "    async def method(self):",
        "        if True:",
        "            from netra.legacy.notifier import WebSocketNotifier as WN",
    ]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 4, 34, "ws-manager"),
            loc("m.py", 7, 39, "notifier"),
            loc("m.py", 13, 12, "old-utils"),
            loc("m.py", 18, 42, "ws-manager"),
            loc("m.py", 22, 47, "notifier"),
        ]
    );
}

const SRC_CONFIG: &str = r#"version: 1
src: ["src"]
rules:
  - id: pkg-ws
    kind: import
    canonical: pkg.ws.ssot.SSOTManager
    deprecated:
      - pkg.ws.manager.WebSocketManager
"#;

#[test]
fn relative_imports_are_resolved_through_src() {
    let repo = Repo::with_config(SRC_CONFIG);
    repo.write("src/pkg/__init__.py", "");
    let src = lines(&[
        "from .manager import WebSocketManager",
        "from ..ws.manager import WebSocketManager as W2",
        "from .ssot import SSOTManager",
        "from . import manager",
        "",
        "x = manager.WebSocketManager",
    ]);
    let out = check_in(&repo, "src/pkg/ws/consumer.py", &src);
    out.assert_code(1);
    let p = "src/pkg/ws/consumer.py";
    assert_eq!(
        out.locs(),
        vec![
            loc(p, 1, 22, "pkg-ws"),
            loc(p, 2, 26, "pkg-ws"),
            loc(p, 6, 5, "pkg-ws")
        ]
    );
}

#[test]
fn relative_import_in_package_init_resolves_against_the_package() {
    let repo = Repo::with_config(SRC_CONFIG);
    let src = lines(&["from .manager import WebSocketManager"]);
    let out = check_in(&repo, "src/pkg/ws/__init__.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![loc("src/pkg/ws/__init__.py", 1, 22, "pkg-ws")]
    );
}

#[test]
fn relative_import_outside_src_root_names_a_different_module() {
    // Under root "src", `other/pkg/ws/consumer.py` is not module pkg.ws.consumer.
    let repo = Repo::with_config(SRC_CONFIG);
    let src = lines(&["from .manager import WebSocketManager"]);
    let out = check_in(&repo, "other/pkg/ws/consumer.py", &src);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn absolute_import_matches_regardless_of_src() {
    let repo = Repo::with_config(SRC_CONFIG);
    let src = lines(&["from pkg.ws.manager import WebSocketManager"]);
    let out = check_in(&repo, "src/app/main.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("src/app/main.py", 1, 28, "pkg-ws")]);
}

#[test]
fn attribute_chains_through_imported_modules() {
    let repo = Repo::with_config(&format!(
        "{SRC_CONFIG}  - id: old-utils\n    kind: import\n    canonical: pkg.new_utils\n    deprecated: [pkg.old_utils]\n"
    ));
    let src = lines(&[
        "import pkg.ws as wc",
        "import pkg",
        "",
        "manager = wc.manager.WebSocketManager()",
        "pkg.old_utils.helper()",
        "fine = wc.ssot.SSOTManager()",
        "also_fine = pkg.ws.manager.Other",
    ]);
    let out = check_in(&repo, "app.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("app.py", 4, 11, "pkg-ws"),
            loc("app.py", 5, 1, "old-utils")
        ]
    );
}

/// Column of the string literal holding `name` on `line`: either at its
/// opening quote or at the first character of the name.
fn assert_string_target(src: &str, got: &(String, usize, usize, String), line: usize, name: &str) {
    let quote = col_of(src, line, &format!("\"{name}\""));
    assert_eq!(got.1, line, "{got:?}");
    assert!(
        got.2 == quote || got.2 == quote + 1,
        "line {line}: column {} is neither the literal ({quote}) nor the name ({})",
        got.2,
        quote + 1
    );
}

#[test]
fn dynamic_import_strings_and_mock_patch_targets() {
    let src = lines(&[
        "import importlib",
        "import unittest.mock",
        "from unittest import mock",
        "",
        "mod = importlib.import_module(\"pkg.old_utils\")",
        "legacy = __import__(\"pkg.old_utils.helper\")",
        "with mock.patch(\"netra.ws.manager.WebSocketManager\"):",
        "    pass",
        "with unittest.mock.patch(\"netra.ws.manager.WebSocketManager.send\"):",
        "    pass",
        "ok = importlib.import_module(\"pkg.old_utilsx\")",
        "fine = mock.patch(\"pkg.new_utils.helper\")",
        "text = \"pkg.old_utils is just prose here\"",
        "other = print(\"pkg.old_utils\")",
    ]);
    let out = check_file("t.py", &src);
    out.assert_code(1);
    let locs = out.locs();
    assert_eq!(locs.len(), 4, "{locs:?}");
    assert_string_target(&src, &locs[0], 5, "pkg.old_utils");
    assert_string_target(&src, &locs[1], 6, "pkg.old_utils.helper");
    assert_string_target(&src, &locs[2], 7, "netra.ws.manager.WebSocketManager");
    assert_string_target(&src, &locs[3], 9, "netra.ws.manager.WebSocketManager.send");
    let rules: Vec<&str> = locs.iter().map(|l| l.3.as_str()).collect();
    assert_eq!(
        rules,
        ["old-utils", "old-utils", "ws-manager", "ws-manager"]
    );
}

#[test]
fn mock_patch_through_third_party_mock_and_imported_patch() {
    let src = lines(&[
        "import mock",
        "from unittest.mock import patch",
        "",
        "",
        "@patch(\"netra.ws.manager.WebSocketManager\")",
        "def test_one(m):",
        "    with mock.patch(\"pkg.old_utils.helper\"):",
        "        pass",
    ]);
    let out = check_file("tests/test_x.py", &src);
    out.assert_code(1);
    let locs = out.locs();
    assert_eq!(locs.len(), 2, "{locs:?}");
    assert_string_target(&src, &locs[0], 5, "netra.ws.manager.WebSocketManager");
    assert_eq!(locs[0].3, "ws-manager");
    assert_string_target(&src, &locs[1], 7, "pkg.old_utils.helper");
    assert_eq!(locs[1].3, "old-utils");
}

#[test]
fn deprecated_prefix_matches_dotted_children_but_not_longer_names() {
    let repo = Repo::with_config(
        "version: 1\nrules:\n  - id: ab\n    kind: import\n    canonical: a.z\n    deprecated: [a.b]\n",
    );
    let src = lines(&[
        "import a.b.c",
        "import a.b.c.d as e",
        "from a.bc import E",
        "import a.bc",
        "import a.b",
        "from a import b",
        "from a import bc",
        "from a.bcd.b import F",
        "import a",
    ]);
    let out = check_in(&repo, "p.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("p.py", 1, 8, "ab"),
            loc("p.py", 2, 8, "ab"),
            loc("p.py", 5, 8, "ab"),
            loc("p.py", 6, 15, "ab"),
        ]
    );
}

#[test]
fn later_uses_of_a_flagged_binding_are_not_reported_again() {
    let src = lines(&[
        WS_IMPORT,
        "import pkg.old_utils as ou",
        "",
        "",
        "def make():",
        "    return WebSocketManager(ou.helper())",
        "",
        "",
        "manager_type = WebSocketManager",
        "value = ou.helper",
    ]);
    let out = check_file("m.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("m.py", 1, WS_COL, "ws-manager"),
            loc("m.py", 2, 8, "old-utils")
        ]
    );
}

#[test]
fn a_use_through_another_import_of_the_same_root_is_the_flagged_import_s() {
    // `import pkg.other` binds `pkg` again: the chain reads through it, yet the fix of
    // `import pkg.old_utils` rewrites it, so it is that import's violation.
    let src = lines(&[
        UTILS_IMPORT,
        "import pkg.other",
        "print(pkg.old_utils.helper, pkg.other.y)",
    ]);
    let repo = Repo::std();
    repo.write("app/m.py", &src);
    let expected = vec![loc("app/m.py", 1, UTILS_COL, "old-utils")];
    for args in [["check", "app/m.py"], ["check", "app"]] {
        let out = repo.concise(&args);
        out.assert_code(1);
        assert_eq!(out.locs(), expected, "{args:?}");
    }
    // Through an import the change leaves alone, the use is new and is reported.
    repo.write("app/m.py", lines(&[UTILS_IMPORT, "import pkg.other"]));
    repo.commit_all("imports");
    repo.write("app/m.py", &src);
    repo.add(&["app/m.py"]);
    let out = repo.concise(&["check"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("app/m.py", 3, 7, "old-utils")]);
}

#[test]
fn canonical_imports_are_not_reported() {
    let src = lines(&[
        "from netra.ws.ssot_manager import SSOTWebSocketManager as WebSocketManager",
        "from netra.ws.ssot_manager import SSOTWebSocketManager",
        "import pkg.new_utils",
        "from pkg.new_utils import helper",
        "from pkg import new_utils",
        "# from netra.ws.manager import WebSocketManager  (a comment)",
        "doc = \"\"\"",
        "from netra.ws.manager import WebSocketManager",
        "\"\"\"",
    ]);
    let out = check_file("m.py", &src);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn allow_in_files_are_not_reported_for_that_rule() {
    let repo = Repo::std();
    let src = lines(&[WS_IMPORT, UTILS_IMPORT]);
    repo.write("netra/ws/ssot_manager.py", &src);
    repo.write("netra/ws/consumer.py", &src);

    let out = repo.concise(&["check", "netra"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("netra/ws/consumer.py", 1, WS_COL, "ws-manager"),
            loc("netra/ws/consumer.py", 2, UTILS_COL, "old-utils"),
            loc("netra/ws/ssot_manager.py", 2, UTILS_COL, "old-utils"),
        ]
    );

    // The same holds for a buffer checked as if it were the allowed file.
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "netra/ws/ssot_manager.py",
            "--output-format",
            "concise",
        ])
        .stdin(lines(&[WS_IMPORT]))
        .run();
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn allow_in_accepts_globs() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "allow-in: [\"netra/ws/ssot_manager.py\"]",
        "allow-in: [\"legacy/**\"]",
    ));
    repo.write("legacy/deep/old.py", lines(&[WS_IMPORT]));
    repo.write("app/new.py", lines(&[WS_IMPORT]));

    let out = repo.concise(&["check", "."]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("app/new.py", 1, WS_COL, "ws-manager")]);
}

/// Import rules whose names nest in one another, or that share a name, each judge
/// the references under their own names only; past the 64th rule, every rule still
/// judges (a config may hold any number of rules).
#[test]
fn each_import_rule_judges_the_references_under_its_own_names() {
    // The nesting rules come first (told apart by the rule bits), the fillers after
    // them run past the 64th rule.
    let mut config = String::from(
        "version: 1\nrules:\n\
         \x20 - id: outer\n    kind: import\n    canonical: fresh.mod\n    deprecated: [stale]\n\
         \x20 - id: inner\n    kind: import\n    canonical: fresh.inner\n    deprecated: [stale.deep.Thing]\n\
         \x20 - id: twin\n    kind: import\n    canonical: fresh.twin\n    deprecated: [stale.deep.Thing]\n",
    );
    for index in 0..70 {
        config.push_str(&format!(
            "  - id: filler-{index}\n    kind: import\n    canonical: new{index}.api\n    deprecated: [old{index}.api]\n"
        ));
    }
    let repo = Repo::with_config(&config);
    let src = lines(&[
        "import stale.deep as sd",
        "from stale.deep import Thing",
        "from old69.api import helper",
        "from old3 import api",
        "from stalely import x",
        "import staleness",
        "sd.Thing()",
        "import old69",
        "old69.api.helper()",
        "api.thing",
    ]);
    let out = check_in(&repo, "m.py", &src);
    out.assert_code(1);
    let expected = vec![
        loc("m.py", 1, 8, "outer"),
        loc("m.py", 2, 24, "inner"),
        loc("m.py", 2, 24, "outer"),
        loc("m.py", 2, 24, "twin"),
        loc("m.py", 3, 23, "filler-69"),
        loc("m.py", 4, 18, "filler-3"),
        loc("m.py", 7, 1, "inner"),
        loc("m.py", 7, 1, "twin"),
        loc("m.py", 9, 1, "filler-69"),
    ];
    assert_eq!(out.locs(), expected);
    // A walk resolves the chains without the parser: the same findings, the
    // chain under the 69th rule's name included.
    assert_eq!(repo.concise(&["check", "."]).locs(), expected);
}
