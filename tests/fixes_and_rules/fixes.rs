//! `--fix`, `--diff` and `--unsafe-fixes`: golden before/after files for every fix
//! shape, and what fixing preserves (line endings, BOM, permissions, unstaged work).

use crate::common::{applicabilities, assert_python_parses, fixes, lines, Out, Repo};
use std::path::PathBuf;

pub const FIX_CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: ws-manager
    kind: import
    canonical: app.ws.ssot.SSOTManager
    deprecated:
      - app.ws.manager.WSManager
  - id: notifier
    kind: import
    canonical: app.services.bridge.Notifier
    deprecated:
      - app.legacy.notifier.Notifier
  - id: old-utils
    kind: import
    canonical: pkg.new_utils
    deprecated:
      - pkg.old_utils
  - id: singleton
    kind: call
    target: app.ws.get_websocket_manager
    replace-with: "ManagerFactory.create_isolated_manager({args})"
    requires-import: app.ws.factory.ManagerFactory
  - id: legacy-cfg
    kind: import
    canonical: settings.config
    deprecated:
      - oldcfg.config
  - id: star-template
    kind: call
    target: app.ws.make
    replace-with: "Factory.create(*{args})"
  - id: legacy-pkg
    kind: import
    canonical: app.modern
    deprecated:
      - app.oldpkg
  - id: widget
    kind: call
    target: app.services.target.Widget
    replace-with: "WidgetFactory.build({args})"
    requires-import: app.factory.WidgetFactory
"#;

/// Where every golden file is placed, so relative imports resolve under `app`.
const TARGET: &str = "app/services/target.py";

fn golden_dir(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixes_and_rules/golden")
        .join(case)
}

/// `canon check --fix` turns before.py into exactly after.py, the result parses,
/// and fixing again (or asking for a diff) changes nothing.
fn golden(case: &str) {
    let dir = golden_dir(case);
    let before = std::fs::read_to_string(dir.join("before.py")).expect("before.py");
    let after = std::fs::read_to_string(dir.join("after.py")).expect("after.py");
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(TARGET, &before);
    let first = repo.canon(&["check", "--fix", TARGET]);
    let fixed = repo.read_text(TARGET);
    assert_eq!(
        fixed, after,
        "case {case}: --fix result differs from after.py\n{first}"
    );
    first.code(0);
    assert!(
        first.stdout.contains("Fixed "),
        "case {case}: the summary says what was fixed\n{first}"
    );
    assert_python_parses(&repo.path(TARGET));
    let diff = repo.canon(&["check", "--diff", TARGET]);
    assert_eq!(diff.stdout, "", "case {case}: nothing left to diff\n{diff}");
    diff.code(0);
    let second = repo.canon(&["check", "--fix", TARGET]);
    second.code(0);
    assert_eq!(
        repo.read_text(TARGET),
        after,
        "case {case}: a second --fix changed the file\n{second}"
    );
}

macro_rules! golden_cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                golden(stringify!($name));
            }
        )*
    };
}

mod golden {
    use super::golden;

    golden_cases!(
        from_import_renamed,
        from_import_same_name,
        from_import_aliased,
        mixed_names_split,
        relative_import,
        multiline_parenthesised,
        backslash_continued,
        indented_in_function,
        indented_type_checking,
        trailing_comment,
        plain_import_attribute_uses,
        strings_patch_and_import_module,
        call_import_after_docstring,
        call_import_inside_its_only_function,
        call_import_after_future_and_existing_imports,
        duplicate_import_avoided,
        deprecated_module_forms,
        deprecated_module_multiline_comments,
        call_import_after_leading_comments,
        nested_calls,
        canonical_import_bound_later,
        removed_import_leaves_pass,
        split_keeps_pragmas,
    );
}

#[test]
fn every_golden_case_has_a_test() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixes_and_rules/golden");
    let source = include_str!("fixes.rs");
    for entry in std::fs::read_dir(root).expect("golden dir") {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            source.contains(&format!("        {name},\n")),
            "golden case {name} is not listed in golden_cases!"
        );
    }
}

#[test]
fn mock_patch_target_in_a_with_statement_is_flagged() {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(
        "test_ws.py",
        lines(&[
            "from unittest import mock",
            "",
            "with mock.patch(\"app.ws.manager.WSManager\") as fake:",
            "    pass",
        ]),
    );
    let out = repo.concise(&["check", "test_ws.py"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec!["test_ws.py:3:17: CAN001 [ws-manager]"],
        "{out}"
    );
}

#[test]
fn crlf_line_endings_are_kept() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = "import os\r\nfrom app.ws.manager import WSManager\r\n\r\nx = WSManager(os)\r\n";
    repo.write("crlf.py", before);
    repo.canon(&["check", "--fix", "crlf.py"]).code(0);
    assert_eq!(
        repo.read_text("crlf.py"),
        "import os\r\nfrom app.ws.ssot import SSOTManager as WSManager\r\n\r\nx = WSManager(os)\r\n"
    );
}

#[test]
fn crlf_split_and_inserted_import_use_crlf() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = "from app.ws.manager import helper, WSManager\r\nfrom app.ws import get_websocket_manager\r\nm = get_websocket_manager(helper, WSManager)\r\n";
    repo.write("crlf.py", before);
    repo.canon(&["check", "--fix", "crlf.py"]).code(0);
    assert_eq!(
        repo.read_text("crlf.py"),
        "from app.ws.manager import helper\r\nfrom app.ws.ssot import SSOTManager as WSManager\r\nfrom app.ws import get_websocket_manager\r\nfrom app.ws.factory import ManagerFactory\r\nm = ManagerFactory.create_isolated_manager(helper, WSManager)\r\n"
    );
}

#[test]
fn bom_is_kept() {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(
        "bom.py",
        "\u{feff}from app.legacy.notifier import Notifier\nn = Notifier()\n",
    );
    let check = repo.concise(&["check", "bom.py"]);
    assert_eq!(
        check.heads(),
        vec!["bom.py:1:33: CAN001 [notifier]"],
        "{check}"
    );
    repo.canon(&["check", "--fix", "bom.py"]).code(0);
    assert_eq!(
        repo.read("bom.py"),
        "\u{feff}from app.services.bridge import Notifier\nn = Notifier()\n".as_bytes()
    );
}

#[test]
fn a_declared_pep263_encoding_is_read_and_kept_by_fixes() {
    let repo = Repo::with_config(FIX_CONFIG);
    // cp1252: `€` is byte 0x80 and `é` 0xE9, neither valid UTF-8.
    repo.write(
        "cp.py",
        b"# -*- coding: cp1252 -*-\nlabel = '\x80\xe9'; from app.legacy.notifier import Notifier\n",
    );
    // Columns count characters: `label = '€é'; from app.legacy.notifier import ` is 46.
    let check = repo.concise(&["check", "cp.py"]);
    assert_eq!(
        check.heads(),
        vec!["cp.py:2:47: CAN001 [notifier]"],
        "{check}"
    );
    repo.canon(&["check", "--fix", "cp.py"]).code(0);
    assert_eq!(
        repo.read("cp.py"),
        b"# -*- coding: cp1252 -*-\nlabel = '\x80\xe9'; from app.services.bridge import Notifier\n"
    );

    // Shift_JIS: `あ` is the two bytes 0x82 0xA0.
    repo.write(
        "jp.py",
        b"# coding: shift_jis\n# \x82\xa0\nfrom app.legacy.notifier import Notifier\n",
    );
    let check = repo.concise(&["check", "jp.py"]);
    assert_eq!(
        check.heads(),
        vec!["jp.py:3:33: CAN001 [notifier]"],
        "{check}"
    );
    repo.canon(&["check", "--fix", "jp.py"]).code(0);
    assert_eq!(
        repo.read("jp.py"),
        b"# coding: shift_jis\n# \x82\xa0\nfrom app.services.bridge import Notifier\n"
    );
}

#[cfg(unix)]
#[test]
fn file_permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(
        "tool.py",
        "#!/usr/bin/env python3\nfrom app.ws.manager import WSManager\n",
    );
    let path = repo.path("tool.py");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    repo.canon(&["check", "--fix", "tool.py"]).code(0);
    assert_eq!(
        repo.read_text("tool.py"),
        "#!/usr/bin/env python3\nfrom app.ws.ssot import SSOTManager as WSManager\n"
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o755, "mode was {mode:o}");
}

#[test]
fn diff_prints_a_unified_diff_and_changes_nothing() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&[
        "import os",
        "from app.ws.manager import WSManager",
        "x = WSManager(os)",
    ]);
    repo.write("svc.py", &before);
    let out = repo.canon(&["check", "--diff", "svc.py"]);
    out.code(1);
    assert_eq!(
        out.stdout,
        lines(&[
            "--- a/svc.py",
            "+++ b/svc.py",
            "@@ -1,3 +1,3 @@",
            " import os",
            "-from app.ws.manager import WSManager",
            "+from app.ws.ssot import SSOTManager as WSManager",
            " x = WSManager(os)",
        ]),
        "{out}"
    );
    assert_eq!(repo.read_text("svc.py"), before);
}

/// `--fix --diff` is `--diff` (as in ruff, where `--diff` wins): the same diff, and
/// nothing written.
#[test]
fn diff_with_fix_prints_the_diff_and_writes_nothing() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&["from app.ws.manager import WSManager", "x = WSManager()"]);
    repo.write("svc.py", &before);
    let diff = repo.canon(&["check", "--diff", "svc.py"]);
    diff.code(1);
    let both = repo.canon(&["check", "--fix", "--diff", "svc.py"]);
    both.code(1);
    assert!(
        both.stdout
            .contains("+from app.ws.ssot import SSOTManager as WSManager"),
        "{both}"
    );
    assert_eq!(both.stdout, diff.stdout);
    assert_eq!(repo.read_text("svc.py"), before);
}

/// The diff applies with `git apply` and gives what `--fix` writes, also where a
/// line of the fixed file matches another line of the original (a moved line).
#[test]
fn diff_applies_with_git_apply_and_gives_what_fix_writes() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    let before = lines(&["import lib.old", "print(lib.old.c)", "import lib.new"]);
    repo.write("moved.py", &before);
    let diff = repo.canon(&["check", "--diff", "moved.py"]);
    diff.code(1);
    assert!(diff.stdout.contains("@@ -1,3 +1,3 @@"), "{diff}");
    repo.write("fix.patch", &diff.stdout);
    repo.git(&["apply", "fix.patch"]);
    let applied = repo.read_text("moved.py");
    repo.write("moved.py", &before);
    repo.canon(&["check", "--fix", "moved.py"]).code(0);
    assert_eq!(applied, repo.read_text("moved.py"));
    assert_eq!(
        applied,
        lines(&["import lib.new", "print(lib.new.c)", "import lib.new"])
    );
}

/// `--exit-zero` holds for `--diff` too (as in ruff): the change is shown, the exit
/// status is 0, also for standard input.
#[test]
fn diff_with_exit_zero_shows_the_change_and_exits_zero() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&["from app.ws.manager import WSManager", "x = WSManager()"]);
    repo.write("svc.py", &before);
    let out = repo.canon(&["check", "--diff", "--exit-zero", "svc.py"]);
    out.code(0);
    assert!(
        out.stdout
            .contains("+from app.ws.ssot import SSOTManager as WSManager"),
        "{out}"
    );
    let stdin = repo.canon_with_stdin(
        &[
            "check",
            "--diff",
            "--exit-zero",
            "--stdin-filename",
            "svc.py",
        ],
        before.as_bytes(),
    );
    stdin.code(0);
    assert_eq!(stdin.stdout, out.stdout, "{stdin}");
    assert_eq!(repo.read_text("svc.py"), before);
}

#[test]
fn diff_exits_zero_when_there_is_nothing_to_fix() {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write("clean.py", "from app.ws.ssot import SSOTManager\n");
    let out = repo.canon(&["check", "--diff", "clean.py"]);
    out.code(0);
    assert_eq!(out.stdout, "", "{out}");
}

#[test]
fn diff_with_only_unfixable_violations_exits_zero_and_prints_nothing() {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(
        "unsafe.py",
        lines(&["import oldcfg.config", "oldcfg.other.x()"]),
    );
    let out = repo.canon(&["check", "--diff", "unsafe.py"]);
    out.code(0);
    assert_eq!(out.stdout, "", "{out}");
}

fn staged_repo() -> Repo {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write("svc.py", "import os\n");
    repo.commit_all("base");
    repo
}

#[test]
fn staged_fix_with_unstaged_changes_leaves_the_work_tree_alone() {
    let repo = staged_repo();
    repo.write(
        "svc.py",
        lines(&["import os", "from app.ws.manager import WSManager"]),
    );
    repo.add(&["svc.py"]);
    let work = lines(&[
        "import os",
        "from app.ws.manager import WSManager",
        "unstaged = WSManager()  # work in progress",
    ]);
    repo.write("svc.py", &work);
    let out = repo.canon(&["check", "--staged", "--fix"]);
    out.code(1);
    assert_eq!(
        repo.read_text("svc.py"),
        work,
        "unstaged work is never touched"
    );
    assert!(
        out.stdout
            .contains("fix: from app.ws.ssot import SSOTManager as WSManager"),
        "the fix is printed instead\n{out}"
    );
    assert!(
        out.stdout.contains("svc.py:2:28: CAN001 [ws-manager]"),
        "{out}"
    );
    assert!(
        repo.git(&["diff", "--cached"])
            .contains("+from app.ws.manager import WSManager"),
        "the index is unchanged"
    );
}

/// When `--fix` fixes nothing, the summary does not claim fixes nor ask to stage
/// them: nothing is added to a clean result, and what remains says why it was not
/// fixed.
#[test]
fn fix_that_fixes_nothing_says_so_and_asks_for_nothing() {
    let repo = staged_repo();
    repo.write("svc.py", lines(&["import os", "import sys"]));
    repo.add(&["svc.py"]);
    for args in [
        &["check", "--staged", "--fix"][..],
        &["check", "--fix", "svc.py"][..],
    ] {
        let out = repo.canon(args);
        out.code(0);
        assert_eq!(out.stdout, "All checks passed!\n", "{args:?}\n{out}");
    }
    // Held back (unstaged changes): nothing fixed, and the reason given.
    repo.write(
        "svc.py",
        lines(&["import os", "from app.ws.manager import WSManager"]),
    );
    repo.add(&["svc.py"]);
    repo.write(
        "svc.py",
        lines(&["import os", "from app.ws.manager import WSManager", "x = 1"]),
    );
    let out = repo.canon(&["check", "--staged", "--fix"]);
    out.code(1);
    assert!(!out.stdout.contains("git add"), "{out}");
    assert!(
        out.stdout.ends_with(
            "No fixes applied: 1 could not be applied (1 files have unstaged changes).\n"
        ),
        "{out}"
    );
    // Only a violation with no automatic fix.
    repo.write("manual.py", "import app.ws\nx = app.ws.manager.WSManager\n");
    let out = repo.canon(&["check", "--fix", "manual.py"]);
    out.code(1);
    assert!(
        out.stdout
            .ends_with("No fixes applied: 1 have no automatic fix.\n"),
        "{out}"
    );
}

#[test]
fn staged_fix_on_a_clean_file_fixes_the_work_tree_but_not_the_index() {
    let repo = staged_repo();
    repo.write(
        "svc.py",
        lines(&["import os", "from app.ws.manager import WSManager"]),
    );
    repo.add(&["svc.py"]);
    let out = repo.canon(&["check", "--staged", "--fix"]);
    out.code(1);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "import os",
            "from app.ws.ssot import SSOTManager as WSManager"
        ]),
        "{out}"
    );
    let cached = repo.git(&["diff", "--cached"]);
    assert!(
        cached.contains("+from app.ws.manager import WSManager"),
        "the index still holds the deprecated import:\n{cached}"
    );
    assert!(!cached.contains("ssot"), "{cached}");
    let unstaged = repo.git(&["diff"]);
    assert!(
        unstaged.contains("+from app.ws.ssot import SSOTManager as WSManager"),
        "{unstaged}"
    );
    repo.add(&["svc.py"]);
    repo.canon(&["check", "--staged"]).code(0);
}

#[test]
fn unsafe_fix_is_applied_only_with_unsafe_fixes() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&[
        "from other import ManagerFactory",
        "from app.ws import get_websocket_manager",
        "m = get_websocket_manager(1)",
    ]);
    repo.write("svc.py", &before);
    let json = repo
        .canon(&["check", "svc.py", "--output-format", "json"])
        .json();
    assert_eq!(json[0]["fix"]["applicability"], "unsafe", "{json:#}");
    let out = repo.canon(&["check", "--fix", "svc.py"]);
    out.code(1);
    assert_eq!(repo.read_text("svc.py"), before, "{out}");
    let out = repo.canon(&["check", "--fix", "--unsafe-fixes", "svc.py"]);
    out.code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "from other import ManagerFactory",
            "from app.ws import get_websocket_manager",
            "m = ManagerFactory.create_isolated_manager(1)",
        ])
    );
}

/// Writes `before` to `path`, runs `check --fix` on it with `extra` arguments, and
/// asserts that the fix was refused: exit 1 and the file as it was.
fn fix_refused(repo: &Repo, path: &str, before: &str, extra: &[&str]) -> Out {
    repo.write(path, before);
    let mut args = vec!["check", "--fix"];
    args.extend_from_slice(extra);
    args.push(path);
    let out = repo.canon(&args);
    out.code(1);
    assert_eq!(repo.read_text(path), before, "{out}");
    out
}

#[test]
fn fix_that_would_leave_a_name_unbound_is_refused() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&[
        "import oldcfg.config",
        "oldcfg.config.get()",
        "oldcfg.other.x()",
    ]);
    let out = fix_refused(&repo, "cfg.py", &before, &["--unsafe-fixes"]);
    assert!(out.stderr.contains("cfg.py"), "{out}");
    assert!(
        out.stderr.contains("oldcfg"),
        "names the unbound name\n{out}"
    );
    assert!(
        !out.stdout.contains("need --unsafe-fixes"),
        "--unsafe-fixes was given; the fix was refused, not held back\n{out}"
    );
}

/// `del name` needs the name bound: a module import rewritten away from the name that
/// a later `del` removes is refused.
#[test]
fn fix_that_would_leave_a_deleted_name_unbound_is_refused() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&["import oldcfg.config", "oldcfg.config.get()", "del oldcfg"]);
    let out = fix_refused(&repo, "cfg.py", &before, &["--unsafe-fixes"]);
    assert!(
        out.stderr.contains("would use `oldcfg` without binding it"),
        "{out}"
    );
}

/// A template whose filled text is no expression for one call is shown, never
/// applied: `Factory.create(*{args})` loads (it is one for any argument), but a call
/// without arguments fills it as `Factory.create(*)`. (A template that is no
/// expression for any call is a config error: see tests/integration/config.rs.)
#[test]
fn template_that_would_not_parse_for_a_call_is_display_only() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&["from app.ws import make", "m = make()"]);
    repo.write("svc.py", &before);
    let json = repo
        .canon(&["check", "svc.py", "--output-format", "json"])
        .json();
    let fix = &json[0]["fix"];
    assert_eq!(fix["applicability"], "display-only", "{json:#}");
    assert!(
        fix["message"]
            .as_str()
            .unwrap()
            .contains("not a Python expression"),
        "{json:#}"
    );
    fix_refused(&repo, "svc.py", &before, &["--unsafe-fixes"]);
}

/// A file that does not parse before its fixes does not parse after them: nothing is
/// written (as ruff fixes no file with a syntax error); the findings stay reported.
#[test]
fn file_with_a_syntax_error_is_not_fixed() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&["from app.legacy.notifier import Notifier", "class K(:"]);
    let out = fix_refused(&repo, "broken.py", &before, &[]);
    assert!(
        out.stderr
            .contains("broken.py: fixes not applied: the file does not parse"),
        "{out}"
    );
    assert!(out.stdout.contains("broken.py:1:"), "{out}");
    let diff = repo.canon(&["check", "--diff", "broken.py"]);
    assert!(!diff.stdout.contains("+++"), "{diff}");
    assert_eq!(repo.read_text("broken.py"), before);
}

#[test]
fn refused_file_does_not_block_fixes_of_other_files() {
    let repo = Repo::with_config(FIX_CONFIG);
    // Its fix would leave `oldcfg.other` without a binding of `oldcfg`.
    let bad = lines(&[
        "import oldcfg.config",
        "oldcfg.config.get()",
        "oldcfg.other.x()",
    ]);
    repo.write("bad.py", &bad);
    repo.write("good.py", "from app.legacy.notifier import Notifier\n");
    let out = repo.canon(&["check", "--fix", "--unsafe-fixes", "."]);
    out.code(1);
    assert!(out.stderr.contains("bad.py: fixes not applied"), "{out}");
    assert_eq!(
        repo.read_text("good.py"),
        "from app.services.bridge import Notifier\n"
    );
    assert_eq!(repo.read_text("bad.py"), bad);
}

#[test]
fn fix_over_a_tree_reports_how_many_were_fixed() {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(
        "app/a.py",
        lines(&[
            "from app.ws.manager import WSManager",
            "from app.legacy.notifier import Notifier",
        ]),
    );
    repo.write(
        "app/sub/b.py",
        "import pkg.old_utils\npkg.old_utils.run()\n",
    );
    repo.write("app/sub/c.py", "import os\n");
    repo.write(
        "app/d.py",
        "from app.ws import get_websocket_manager\nm = get_websocket_manager()\n",
    );
    let out = repo.canon(&["check", "--fix", "."]);
    out.code(0);
    let summary = out.lines().last().copied().unwrap_or_default().to_string();
    assert!(
        summary.starts_with("Fixed 4 violations"),
        "summary: {summary}\n{out}"
    );
    assert!(out.stdout.contains("All checks passed!"), "{out}");
    assert_eq!(
        repo.read_text("app/a.py"),
        lines(&[
            "from app.ws.ssot import SSOTManager as WSManager",
            "from app.services.bridge import Notifier",
        ])
    );
    assert_eq!(
        repo.read_text("app/sub/b.py"),
        "import pkg.new_utils\npkg.new_utils.run()\n"
    );
    assert_eq!(
        repo.read_text("app/d.py"),
        "from app.ws import get_websocket_manager\nfrom app.ws.factory import ManagerFactory\nm = ManagerFactory.create_isolated_manager()\n"
    );
    assert_eq!(repo.read_text("app/sub/c.py"), "import os\n");
    let again = repo.canon(&["check", "."]);
    again.code(0);
}

/// The summary counts as fixable what `--fix` would apply with the flags given: an
/// unsafe fix only with `--unsafe-fixes`; without it, it says how many are hidden,
/// as ruff does. `--statistics` marks the rule the same way.
#[test]
fn summary_counts_unsafe_fixes_as_fixable_only_with_unsafe_fixes() {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(
        "svc.py",
        lines(&[
            "from other import ManagerFactory",
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager(1)",
        ]),
    );
    let hidden = "Found 1 violations (0 fixable with --fix) in 1 files. \
                  (1 hidden fixes can be enabled with the `--unsafe-fixes` option)";
    let out = repo.canon(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(out.stdout.lines().last(), Some(hidden), "{out}");
    let out = repo.canon(&["check", "svc.py", "--unsafe-fixes"]);
    out.code(1);
    assert_eq!(
        out.stdout.lines().last(),
        Some("Found 1 violations (1 fixable with --fix) in 1 files."),
        "{out}"
    );
    for format in ["human", "concise"] {
        let out = repo.canon(&["check", "svc.py", "--statistics", "--output-format", format]);
        assert_eq!(
            out.lines(),
            vec!["    1\tCAN002\t[ ] singleton", hidden],
            "{out}"
        );
        let out = repo.canon(&[
            "check",
            "svc.py",
            "--statistics",
            "--unsafe-fixes",
            "--output-format",
            format,
        ]);
        assert_eq!(
            out.lines(),
            vec![
                "    1\tCAN002\t[*] singleton",
                "Found 1 violations (1 fixable with --fix) in 1 files."
            ],
            "{out}"
        );
    }
}

#[test]
fn fix_summary_counts_remaining_violations() {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws.manager import WSManager",
            "from other import ManagerFactory",
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager(1)",
        ]),
    );
    let out = repo.canon(&["check", "--fix", "svc.py"]);
    out.code(1);
    assert!(
        out.stdout
            .contains("Found 1 violations (0 fixable with --fix) in 1 files."),
        "{out}"
    );
    assert!(out.stdout.contains("Fixed 1 violations; 1 remain"), "{out}");
    assert!(
        out.stdout.contains("svc.py:4:5: CAN002 [singleton]"),
        "{out}"
    );
    assert!(!out.stdout.contains("svc.py:1:"), "{out}");
}

#[test]
fn fix_with_select_applies_only_the_selected_rule() {
    let repo = Repo::with_config(FIX_CONFIG);
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws.manager import WSManager",
            "from app.legacy.notifier import Notifier",
        ]),
    );
    let out = repo.canon(&["check", "--fix", "--select", "notifier", "svc.py"]);
    out.code(0);
    assert_eq!(
        repo.read_text("svc.py"),
        lines(&[
            "from app.ws.manager import WSManager",
            "from app.services.bridge import Notifier",
        ])
    );
}

#[test]
fn diff_shows_unsafe_fixes_only_with_unsafe_fixes() {
    let repo = Repo::with_config(FIX_CONFIG);
    let before = lines(&[
        "from other import ManagerFactory",
        "from app.ws import get_websocket_manager",
        "m = get_websocket_manager(1)",
    ]);
    repo.write("svc.py", &before);
    let safe_only = repo.canon(&["check", "--diff", "svc.py"]);
    safe_only.code(0);
    assert_eq!(safe_only.stdout, "", "{safe_only}");
    let out = repo.canon(&["check", "--diff", "--unsafe-fixes", "svc.py"]);
    out.code(1);
    assert!(
        out.stdout.contains(
            "\n-m = get_websocket_manager(1)\n+m = ManagerFactory.create_isolated_manager(1)\n"
        ),
        "{out}"
    );
    assert_eq!(repo.read_text("svc.py"), before);
}

/// A call rule whose template names `Factory`, and an import rule over a package
/// with submodules.
const SHADOW_CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: get-mgr
    kind: call
    target: pkg.core.get_mgr
    replace-with: "Factory.create({args})"
    requires-import: pkg.factory.Factory
  - id: lib
    kind: import
    canonical: lib.new
    deprecated: [lib.old]
"#;

/// Runs `check --fix --unsafe-fixes` on `path` and asserts the file becomes `after`.
fn unsafe_fix_gives(repo: &Repo, path: &str, after: &str) {
    let out = repo.canon(&["check", "--fix", "--unsafe-fixes", path]);
    assert_eq!(repo.read_text(path), after, "{out}");
}

#[test]
fn call_fix_is_unsafe_where_a_parameter_or_local_binds_the_template_name() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    let before = lines(&[
        "from pkg.core import get_mgr",
        "def g(Factory):",
        "    return get_mgr(1)",
        "def h():",
        "    Factory = 3",
        "    return get_mgr(2)",
    ]);
    repo.write("svc.py", &before);
    assert_eq!(
        applicabilities(&repo, "svc.py"),
        fixes(&[(3, "unsafe"), (6, "unsafe")])
    );
    fix_refused(&repo, "svc.py", &before, &[]);
    unsafe_fix_gives(
        &repo,
        "svc.py",
        &lines(&[
            "from pkg.core import get_mgr",
            "from pkg.factory import Factory",
            "def g(Factory):",
            "    return Factory.create(1)",
            "def h():",
            "    Factory = 3",
            "    return Factory.create(2)",
        ]),
    );
}

/// Every way a function binds a name makes it local to the whole function (a binding
/// after the call too); an enclosing function's binding counts, a class body's does
/// not for the functions inside it.
#[test]
fn call_fix_is_unsafe_for_every_kind_of_binding_in_an_enclosing_function() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    let before = lines(&[
        "from pkg.core import get_mgr",
        "def after_the_call():",
        "    x = get_mgr(1)",
        "    Factory = x",
        "def loop(items):",
        "    for Factory in items:",
        "        get_mgr(2)",
        "def context(cm):",
        "    with cm as Factory:",
        "        get_mgr(3)",
        "def handler():",
        "    try:",
        "        get_mgr(4)",
        "    except ValueError as Factory:",
        "        pass",
        "def nested_def():",
        "    def Factory():",
        "        pass",
        "    get_mgr(5)",
        "def declares_global():",
        "    global Factory",
        "    get_mgr(6)",
        "def outer(Factory):",
        "    def inner():",
        "        return get_mgr(7)",
        "    return inner",
        "def local_import():",
        "    import other as Factory",
        "    get_mgr(8)",
        "def captures(value):",
        "    match value:",
        "        case [Factory]:",
        "            get_mgr(9)",
        "class Holder:",
        "    Factory = 1",
        "    def method(self):",
        "        return get_mgr(10)",
        "def plain():",
        "    return get_mgr(11)",
    ]);
    repo.write("svc.py", &before);
    let found = applicabilities(&repo, "svc.py");
    let expected = fixes(&[
        (3, "unsafe"),
        (7, "unsafe"),
        (10, "unsafe"),
        (13, "unsafe"),
        (19, "unsafe"),
        (22, "unsafe"),
        (25, "unsafe"),
        (29, "unsafe"),
        (33, "unsafe"),
        (37, "safe"),
        (39, "safe"),
    ]);
    assert_eq!(found, expected);
}

/// A module-level comprehension or generator whose target is named like the
/// template's name: the filled template would read the loop variable.
#[test]
fn call_fix_is_unsafe_inside_a_module_level_comprehension_binding_the_template_name() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    for line in [
        "x = [pkg.core.get_mgr() for Factory in range(3)]",
        "x = list(pkg.core.get_mgr() for Factory in range(3))",
        "x = {k: pkg.core.get_mgr() for k, Factory in pairs}",
    ] {
        let before = lines(&["import pkg.core", line]);
        repo.write("svc.py", &before);
        assert_eq!(
            applicabilities(&repo, "svc.py"),
            fixes(&[(2, "unsafe")]),
            "{line}"
        );
        fix_refused(&repo, "svc.py", &before, &[]);
    }
    // A comprehension whose target is another name leaves the fix safe.
    repo.write(
        "ok.py",
        lines(&[
            "import pkg.core",
            "x = [pkg.core.get_mgr() for f in range(3)]",
        ]),
    );
    assert_eq!(applicabilities(&repo, "ok.py"), fixes(&[(2, "safe")]));
}

/// A template that reads a name nothing binds (no `requires-import` for it, or one
/// that binds another name) would raise `NameError`: its fix is unsafe. A name the
/// file binds, a builtin, or a file with a star import keeps it safe.
#[test]
fn call_fix_is_unsafe_when_the_template_reads_a_name_nothing_binds() {
    let config = r#"version: 1
rules:
  - id: bare
    kind: call
    target: pkg.core.get_mgr
    replace-with: "Factory.create({args})"
  - id: module
    kind: call
    target: pkg.core.make
    replace-with: "pkg.factory.create({args})"
    requires-import: pkg.factory
  - id: builtin
    kind: call
    target: pkg.core.size
    replace-with: "len({args})"
"#;
    let repo = Repo::with_config(config);
    let before = lines(&[
        "from pkg.core import get_mgr, make, size",
        "a = get_mgr()",
        "b = make()",
        "c = size(a)",
    ]);
    repo.write("svc.py", &before);
    assert_eq!(
        applicabilities(&repo, "svc.py"),
        fixes(&[(2, "unsafe"), (3, "unsafe"), (4, "safe")])
    );
    let bound = lines(&[
        "from pkg.core import get_mgr",
        "from pkg.factories import Factory",
        "a = get_mgr()",
    ]);
    repo.write("bound.py", &bound);
    assert_eq!(applicabilities(&repo, "bound.py"), fixes(&[(3, "safe")]));
    let star = lines(&[
        "from pkg.core import get_mgr",
        "from pkg.all import *",
        "a = get_mgr()",
    ]);
    repo.write("star.py", &star);
    assert_eq!(applicabilities(&repo, "star.py"), fixes(&[(3, "safe")]));
}

/// `__import__("a.b")` returns package `a`, so rewriting a dotted target changes
/// what its result is: unsafe. `importlib.import_module` returns the module named:
/// its target is rewritten safely.
#[test]
fn dunder_import_of_a_dotted_name_is_rewritten_only_as_an_unsafe_fix() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    let before = lines(&[
        "import importlib",
        "n = __import__(\"lib.old.sub\")",
        "m = importlib.import_module(\"lib.old.sub\")",
        "print(n.old.sub.x, m.x)",
    ]);
    repo.write("dyn.py", &before);
    assert_eq!(
        applicabilities(&repo, "dyn.py"),
        fixes(&[(2, "unsafe"), (3, "safe")])
    );
    repo.canon(&["check", "--fix", "dyn.py"]);
    assert_eq!(
        repo.read_text("dyn.py"),
        before.replace("import_module(\"lib.old.sub", "import_module(\"lib.new.sub")
    );
}

/// Fixes that clash with one taken first are taken in a later round of the same
/// run: a call around a fixed call whose fix adds an import, and a plain import of a
/// module below another flagged one (their chain edits overlap). One run leaves no
/// half-fixed file, and a second changes nothing.
#[test]
fn clashing_fixes_are_all_applied_in_one_run() {
    let config = r#"version: 1
rules:
  - id: lib
    kind: import
    canonical: lib.new
    deprecated: [lib.old]
  - id: get-mgr
    kind: call
    target: pkg.core.get_mgr
    replace-with: "Factory.create({args})"
    requires-import: pkg.factory.Factory
  - id: notifier
    kind: call
    target: pkg.bridge.Notifier
    replace-with: "{callee}.create_for_user({args})"
"#;
    let repo = Repo::with_config(config);
    repo.write(
        "calls.py",
        lines(&[
            "from pkg.core import get_mgr",
            "from pkg.bridge import Notifier",
            "n = Notifier(get_mgr())",
        ]),
    );
    repo.write(
        "mods.py",
        lines(&[
            "import lib.old",
            "import lib.old.sub",
            "print(lib.old.thing, lib.old.sub.x)",
        ]),
    );
    let out = repo.canon(&["check", "--fix", "calls.py", "mods.py"]);
    out.code(0);
    assert_eq!(
        repo.read_text("calls.py"),
        lines(&[
            "from pkg.core import get_mgr",
            "from pkg.bridge import Notifier",
            "from pkg.factory import Factory",
            "n = Notifier.create_for_user(Factory.create())",
        ]),
        "{out}"
    );
    assert_eq!(
        repo.read_text("mods.py"),
        lines(&[
            "import lib.new",
            "import lib.new.sub",
            "print(lib.new.thing, lib.new.sub.x)",
        ]),
        "{out}"
    );
    let again = repo.canon(&["check", "--diff", "calls.py", "mods.py"]);
    again.code(0);
    assert_eq!(again.stdout, "", "{again}");

    // Judging changed lines only, a finding fixed in a later round is not left to
    // report: nothing remains.
    repo.write(
        "calls.py",
        lines(&[
            "from pkg.core import get_mgr",
            "from pkg.bridge import Notifier",
        ]),
    );
    repo.commit_all("base");
    repo.write(
        "calls.py",
        lines(&[
            "from pkg.core import get_mgr",
            "from pkg.bridge import Notifier",
            "n = Notifier(get_mgr())",
        ]),
    );
    let changed = repo.canon(&["check", "--changed", "--fix", "calls.py"]);
    changed.code(0);
    assert!(
        changed.stdout.contains("Fixed 2 violations; 0 remain."),
        "{changed}"
    );
    assert!(!changed.stdout.contains("CAN002"), "{changed}");
}

#[test]
fn call_fix_is_unsafe_when_the_module_binds_the_template_name_otherwise() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    for binding in [
        "Factory = object()",
        "for Factory in range(3): pass",
        "try:\n    pass\nexcept ValueError as Factory:\n    pass",
        "def f():\n    global Factory\n    Factory = 3",
    ] {
        let before =
            format!("from pkg.core import get_mgr\n{binding}\ndef g():\n    return get_mgr(1)\n");
        repo.write("svc.py", &before);
        let found = applicabilities(&repo, "svc.py");
        assert_eq!(found.len(), 1, "{binding}: {found:?}");
        assert_eq!(found[0].1, "unsafe", "{binding}");
        fix_refused(&repo, "svc.py", &before, &[]);
    }
}

/// `import lib.old.sub` also loads `lib.old`: a use of `lib.old.foo` the fix leaves
/// alone would fail once the statement imports `lib.new.sub` instead.
#[test]
fn plain_import_fix_is_unsafe_when_a_use_goes_under_the_deprecated_package() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    let before = lines(&["import lib.old.sub", "print(lib.old.foo())"]);
    repo.write("use.py", &before);
    assert_eq!(applicabilities(&repo, "use.py"), fixes(&[(1, "unsafe")]));
    fix_refused(&repo, "use.py", &before, &[]);
    unsafe_fix_gives(
        &repo,
        "use.py",
        &lines(&["import lib.new.sub", "print(lib.old.foo())"]),
    );
}

/// A use the model cannot tie to the import (its root is also bound another way)
/// is not rewritten by the fix, so the fix, which stops loading the deprecated
/// module, is unsafe; so is removing such an import for a canonical one already there.
#[test]
fn plain_import_fix_is_unsafe_when_a_chain_is_left_behind() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    let before = lines(&[
        "import lib.old",
        "if flag:",
        "    lib = None",
        "print(lib.old.foo())",
    ]);
    repo.write("use.py", &before);
    assert_eq!(applicabilities(&repo, "use.py"), fixes(&[(1, "unsafe")]));
    fix_refused(&repo, "use.py", &before, &[]);

    let before = lines(&[
        "import lib.new",
        "try:",
        "    import lib.old",
        "except ImportError:",
        "    lib = None",
        "print(lib.old.foo())",
    ]);
    repo.write("removed.py", &before);
    assert_eq!(
        applicabilities(&repo, "removed.py"),
        fixes(&[(3, "unsafe")])
    );
    fix_refused(&repo, "removed.py", &before, &[]);
}

#[test]
fn plain_import_fix_stays_safe_when_its_uses_are_rewritten() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    repo.write(
        "use.py",
        lines(&[
            "import lib.old.sub",
            "print(lib.old.sub.foo(), lib.other.x)",
        ]),
    );
    repo.canon(&["check", "--fix", "use.py"]).code(0);
    assert_eq!(
        repo.read_text("use.py"),
        lines(&[
            "import lib.new.sub",
            "print(lib.new.sub.foo(), lib.other.x)"
        ])
    );
    repo.write(
        "alias.py",
        lines(&["import lib.old.sub as s", "print(s.foo())"]),
    );
    repo.canon(&["check", "--fix", "alias.py"]).code(0);
    assert_eq!(
        repo.read_text("alias.py"),
        lines(&["import lib.new.sub as s", "print(s.foo())"])
    );
}

/// A chain through `lib` is written through whichever import bound `lib` last; each
/// import's fix rewrites the chains that go through the module it imports.
#[test]
fn plain_imports_sharing_a_root_each_rewrite_their_own_uses() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    repo.write(
        "use.py",
        lines(&[
            "import lib.old.sub",
            "import lib.old.other",
            "print(lib.old.sub.foo(), lib.old.other.y)",
        ]),
    );
    let out = repo.canon(&["check", "--fix", "use.py"]);
    out.code(0);
    assert_eq!(
        repo.read_text("use.py"),
        lines(&[
            "import lib.new.sub",
            "import lib.new.other",
            "print(lib.new.sub.foo(), lib.new.other.y)",
        ]),
        "{out}"
    );
}

/// An aliased import loads `lib.old` too: a use through another import's `lib` that
/// relies on it makes the fix unsafe.
#[test]
fn aliased_import_fix_is_unsafe_when_another_use_relies_on_its_package() {
    let repo = Repo::with_config(SHADOW_CONFIG);
    let before = lines(&[
        "import lib.old.sub as s",
        "import lib.util",
        "print(s.f(), lib.util.g(), lib.old.sub.h())",
    ]);
    repo.write("use.py", &before);
    let found = applicabilities(&repo, "use.py");
    assert_eq!(found[..1], fixes(&[(1, "unsafe")]), "{found:?}");
    fix_refused(&repo, "use.py", &before, &[]);
}

/// A deprecated module whose canonical name is a class: a submodule below it cannot
/// be imported from the class, so such a fix is unsafe in every `import` form.
#[test]
fn import_of_a_submodule_mapped_below_a_canonical_class_is_unsafe() {
    let config = r#"version: 1
rules:
  - id: mgr
    kind: import
    canonical: app.core.ssot.Manager
    deprecated: [app.old]
"#;
    let repo = Repo::with_config(config);
    repo.write(
        "k.py",
        lines(&[
            "import app.old.x as y",
            "import app.old.z",
            "print(y.v, app.old.z.w)",
        ]),
    );
    assert_eq!(
        applicabilities(&repo, "k.py"),
        fixes(&[(1, "unsafe"), (2, "unsafe")])
    );
}
