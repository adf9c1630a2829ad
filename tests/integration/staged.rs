//! `canon check` and `canon check --staged`: staged blobs, changed lines only.

use crate::common::*;

#[test]
fn staged_new_file_reports_every_violation_by_default_and_with_flag() {
    let repo = Repo::std();
    repo.write(
        "app/service.py",
        lines(&["import os", WS_IMPORT, "", UTILS_IMPORT, "x = os.getcwd()"]),
    );
    repo.add(&["app/service.py"]);

    let expected = vec![
        loc("app/service.py", 2, WS_COL, "ws-manager"),
        loc("app/service.py", 4, UTILS_COL, "old-utils"),
    ];
    let default = repo.concise(&["check"]);
    default.assert_code(1);
    assert_eq!(default.locs(), expected);

    let flagged = repo.concise(&["check", "--staged"]);
    flagged.assert_code(1);
    assert_eq!(flagged.locs(), expected);
}

#[test]
fn staged_violation_only_in_working_tree_is_not_reported() {
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    repo.commit_all("base");

    repo.write("a.py", "x = 1\ny = 2\n");
    repo.add(&["a.py"]);
    // Unstaged edit: the violation exists only in the working tree.
    repo.write("a.py", lines(&["x = 1", "y = 2", WS_IMPORT]));

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn staged_violation_removed_from_working_tree_is_still_reported() {
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    repo.commit_all("base");

    repo.write("a.py", lines(&["x = 1", WS_IMPORT]));
    repo.write("b.py", lines(&["import os", UTILS_IMPORT]));
    repo.add(&["a.py", "b.py"]);
    // The working tree no longer has the violations, the index does.
    repo.write("a.py", "x = 1\n");
    repo.remove("b.py");

    let out = repo.concise(&["check"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("a.py", 2, WS_COL, "ws-manager"),
            loc("b.py", 2, UTILS_COL, "old-utils"),
        ]
    );
}

#[test]
fn staged_reports_only_lines_changed_versus_head() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT, "import os", "x = 1"]));
    repo.commit_all("legacy code");

    // Line 1 is a legacy violation the change does not touch.
    repo.write(
        "a.py",
        lines(&[WS_IMPORT, "import os", "x = 2", UTILS_IMPORT]),
    );
    repo.add(&["a.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 4, UTILS_COL, "old-utils")]);
}

#[test]
fn staged_untouched_legacy_violation_alone_passes() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1"]));
    repo.commit_all("legacy code");

    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", "y = 2"]));
    repo.add(&["a.py"]);

    let out = repo.concise(&["check"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn staged_edit_of_one_line_of_multiline_import_reports_all_its_names() {
    let repo = Repo::std();
    let before = lines(&[
        "from netra.ws.manager import (",
        "    WebSocketManager,",
        "    Other,",
        ")",
        "from pkg.old_utils import (",
        "    helper,",
        ")",
    ]);
    repo.write("a.py", &before);
    repo.commit_all("legacy code");

    // Only line 3 changes; the statement spans lines 1-4, so its deprecated
    // name on the untouched line 2 is reported. Lines 5-7 stay untouched.
    repo.write("a.py", before.replace("    Other,", "    OtherThing,"));
    repo.add(&["a.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 2, 5, "ws-manager")]);
}

/// A committed module `git mv`-ed to a new name with line 8 edited (to a violation),
/// staged; and where that line's finding is.
fn staged_rename_with_edit() -> (Repo, Vec<(String, usize, usize, String)>) {
    let repo = Repo::std();
    let mut body: Vec<String> = vec![WS_IMPORT.to_string()];
    body.extend((2..=14).map(|i| format!("value_{i} = {i}")));
    let refs: Vec<&str> = body.iter().map(String::as_str).collect();
    repo.write("old_name.py", lines(&refs));
    repo.commit_all("legacy module");

    repo.git(&["mv", "old_name.py", "new_name.py"]);
    let mut edited = body.clone();
    edited[7] = UTILS_IMPORT.to_string();
    let refs: Vec<&str> = edited.iter().map(String::as_str).collect();
    repo.write("new_name.py", lines(&refs));
    repo.add(&["new_name.py"]);
    (repo, vec![loc("new_name.py", 8, UTILS_COL, "old-utils")])
}

#[test]
fn staged_rename_with_edit_reports_only_the_edited_line() {
    let (repo, edited_line) = staged_rename_with_edit();
    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.locs(), edited_line);
}

/// pre-commit passes a renamed file by its new name only: the rename still pairs
/// with its old path, in every mode that diffs, so only the edited line is judged.
#[test]
fn rename_named_by_its_new_path_only_reports_only_the_edited_line() {
    let (repo, edited_line) = staged_rename_with_edit();
    for args in [
        &["check", "--staged", "new_name.py"][..],
        &["check", "--changed", "new_name.py"],
        &["check", "--diff-base", "HEAD", "new_name.py"],
    ] {
        let out = repo.concise(args);
        out.assert_code(1);
        assert_eq!(out.locs(), edited_line, "{args:?}");
    }
    repo.commit_all("rename");
    let out = repo.concise(&[
        "check",
        "--from-ref",
        "HEAD~1",
        "--to-ref",
        "HEAD",
        "new_name.py",
    ]);
    out.assert_code(1);
    assert_eq!(out.locs(), edited_line);

    // A file added under a named path is still checked whole.
    repo.write("fresh.py", lines(&[WS_IMPORT]));
    repo.add(&["fresh.py"]);
    let out = repo.concise(&["check", "--staged", "fresh.py"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("fresh.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn staged_pure_rename_reports_nothing() {
    let repo = Repo::std();
    repo.write("old_name.py", lines(&[WS_IMPORT, "x = 1", "y = 2"]));
    repo.commit_all("legacy module");
    repo.git(&["mv", "old_name.py", "new_name.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn staged_in_repository_without_commits_checks_every_staged_line() {
    let repo = Repo::new();
    repo.write(".canon.yaml", STD_CONFIG);
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT]));
    repo.add(&[".canon.yaml", "a.py"]);

    let out = repo.concise(&["check"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("a.py", 1, WS_COL, "ws-manager"),
            loc("a.py", 3, UTILS_COL, "old-utils"),
        ]
    );
}

#[test]
fn staged_paths_restrict_the_checked_files() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    repo.write("b.py", lines(&[UTILS_IMPORT]));
    repo.write("sub/c.py", lines(&[UTILS_IMPORT]));
    repo.add(&["a.py", "b.py", "sub/c.py"]);

    let out = repo.concise(&["check", "--staged", "a.py", "sub/c.py"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("a.py", 1, WS_COL, "ws-manager"),
            loc("sub/c.py", 1, UTILS_COL, "old-utils"),
        ]
    );

    let out = repo.concise(&["check", "--staged", "b.py"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("b.py", 1, UTILS_COL, "old-utils")]);
}

#[test]
fn staged_paths_that_are_not_staged_give_nothing() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    repo.add(&["a.py"]);
    // Present in the working tree but not staged.
    repo.write("b.py", lines(&[WS_IMPORT]));

    let out = repo.concise(&["check", "--staged", "b.py"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
}

#[test]
fn staged_non_python_files_are_ignored() {
    let repo = Repo::std();
    let text = lines(&[WS_IMPORT, UTILS_IMPORT]);
    repo.write("notes.txt", &text);
    repo.write("README.md", &text);
    repo.write("script", &text);
    repo.write("module.py.bak", &text);
    repo.write("cython_mod.pyx", &text);
    repo.add(&[
        "notes.txt",
        "README.md",
        "script",
        "module.py.bak",
        "cython_mod.pyx",
    ]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);
}

#[test]
fn staged_pyi_stubs_are_checked() {
    let repo = Repo::std();
    repo.write(
        "stubs/service.pyi",
        lines(&["def f() -> None: ...", WS_IMPORT]),
    );
    repo.add(&["stubs/service.pyi"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![loc("stubs/service.pyi", 2, WS_COL, "ws-manager")]
    );
}

#[test]
fn staged_paths_are_relative_to_repository_root_from_a_subdirectory() {
    let repo = Repo::std();
    repo.write("pkg/inner/mod.py", lines(&[WS_IMPORT]));
    repo.write("top.py", lines(&[UTILS_IMPORT]));
    repo.add(&["pkg/inner/mod.py", "top.py"]);

    let out = repo
        .canon(&["check", "--output-format", "concise"])
        .cwd("pkg/inner")
        .run();
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("pkg/inner/mod.py", 1, WS_COL, "ws-manager"),
            loc("top.py", 1, UTILS_COL, "old-utils"),
        ]
    );
}

#[test]
fn staged_deleted_file_is_not_an_error() {
    let repo = Repo::std();
    repo.write("gone.py", lines(&[WS_IMPORT]));
    repo.commit_all("legacy");
    repo.git(&["rm", "-q", "gone.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);
}

#[test]
fn staged_with_nothing_staged_passes() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    repo.commit_all("legacy");
    // Unstaged only.
    repo.write("a.py", lines(&[WS_IMPORT, UTILS_IMPORT]));

    let out = repo.concise(&["check"]);
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);
}

#[test]
fn staged_outside_a_git_repository_exits_2_with_one_line() {
    let dir = Repo::plain();
    dir.write(".canon.yaml", STD_CONFIG);
    dir.write("a.py", lines(&[WS_IMPORT]));

    let out = dir.run(&["check", "--staged"]);
    out.assert_code(2);
    assert_eq!(out.stderr_lines().len(), 1, "stderr: {}", out.stderr);
    assert!(out.stdout.trim().is_empty(), "stdout: {}", out.stdout);
}

#[test]
fn staged_new_attribute_chain_through_a_legacy_import_is_reported() {
    let repo = Repo::with_config(
        "version: 1\nrules:\n  - id: pkg-ws\n    kind: import\n    canonical: pkg.ws.ssot.SSOTManager\n    deprecated: [pkg.ws.manager.WebSocketManager]\n",
    );
    repo.write("app.py", lines(&["import pkg.ws as wc", "", "x = 1"]));
    repo.commit_all("legacy");

    repo.write(
        "app.py",
        lines(&[
            "import pkg.ws as wc",
            "",
            "x = 1",
            "m = wc.manager.WebSocketManager()",
        ]),
    );
    repo.add(&["app.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("app.py", 4, 5, "pkg-ws")]);
}

/// A committed tree of packages several directories deep, each module holding a
/// legacy violation that later edits must not report.
fn nested_tree(repo: &Repo) {
    for package in ["core", "api/handlers", "api/views", "jobs/nightly/tasks"] {
        for module in ["a", "b", "c"] {
            repo.write(
                &format!("src/{package}/{module}.py"),
                lines(&[UTILS_IMPORT, "", "def run():", "    return 1"]),
            );
        }
    }
    repo.write("docs/notes.txt", "notes\n");
    repo.commit_all("tree");
}

/// Edits in three directories of the nested tree: a new violation in a deep module,
/// a new module in a new directory, and a module whose mode alone changes.
fn stage_nested_edits(repo: &Repo) {
    repo.write(
        "src/jobs/nightly/tasks/b.py",
        lines(&[UTILS_IMPORT, "", "def run():", "    return 1", WS_IMPORT]),
    );
    repo.write("src/api/new/d.py", lines(&["import os", WS_IMPORT]));
    repo.git(&["add", "src"]);
    repo.git(&["update-index", "--chmod=+x", "src/core/a.py"]);
}

/// `canon check --staged` finds exactly the two new violations of the nested edits.
fn assert_nested_edits_found(repo: &Repo, context: &str) {
    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("src/api/new/d.py", 2, WS_COL, "ws-manager"),
            loc("src/jobs/nightly/tasks/b.py", 5, WS_COL, "ws-manager"),
        ],
        "{context}"
    );
}

#[test]
fn staged_edits_deep_in_a_large_tree_report_only_their_new_lines() {
    let repo = Repo::std();
    nested_tree(&repo);
    stage_nested_edits(&repo);

    assert_nested_edits_found(&repo, "");
}

#[test]
fn staged_result_is_the_same_when_a_deletion_is_staged_beside_the_edits() {
    // A deletion could pair with an addition as a rename, which only the full diff
    // detects: the same edits staged with an unrelated deletion give the same answer.
    let repo = Repo::std();
    nested_tree(&repo);
    stage_nested_edits(&repo);
    repo.git(&["rm", "-q", "docs/notes.txt"]);

    assert_nested_edits_found(&repo, "");
}

#[test]
fn staged_changes_are_found_when_the_index_cache_tree_is_from_another_commit() {
    // `git reset --soft` leaves the index (and its cache-tree, all valid) at the newer
    // commit while HEAD moves back: the directories differ from HEAD's trees.
    let repo = Repo::std();
    nested_tree(&repo);
    stage_nested_edits(&repo);
    repo.commit("edits");
    repo.git(&["reset", "-q", "--soft", "HEAD~1"]);

    assert_nested_edits_found(&repo, "");
}

#[test]
fn staged_changes_are_found_when_the_index_has_no_cache_tree() {
    // Unstaging everything and adding it back leaves no valid cache-tree node: every
    // directory is compared entry by entry.
    let repo = Repo::std();
    nested_tree(&repo);
    repo.git(&["rm", "-r", "-q", "--cached", "."]);
    repo.git(&["add", "-A"]);
    stage_nested_edits(&repo);

    assert_nested_edits_found(&repo, "");
}

#[test]
fn staged_file_replaced_by_a_directory_is_checked() {
    let repo = Repo::std();
    repo.write("pkg/tools.py", lines(&[UTILS_IMPORT]));
    repo.commit_all("module");
    repo.git(&["rm", "-q", "--cached", "pkg/tools.py"]);
    repo.remove("pkg/tools.py");
    repo.write("pkg/tools.py/__init__.py", lines(&[WS_IMPORT]));
    repo.add(&["pkg/tools.py/__init__.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![loc("pkg/tools.py/__init__.py", 1, WS_COL, "ws-manager")]
    );
}

#[test]
fn staged_changed_lines_ignore_diff_attributes_that_mark_python_binary() {
    for with_deletion in [false, true] {
        let repo = Repo::std();
        repo.write(".gitattributes", "*.py -diff\n");
        repo.write("a.py", lines(&[UTILS_IMPORT, "x = 1"]));
        repo.write("gone.txt", "bye\n");
        repo.commit_all("base");

        repo.write("a.py", lines(&[UTILS_IMPORT, "x = 1", WS_IMPORT]));
        repo.add(&["a.py"]);
        if with_deletion {
            repo.git(&["rm", "-q", "gone.txt"]);
        }

        let out = repo.concise(&["check", "--staged"]);
        out.assert_code(1);
        assert_eq!(
            out.locs(),
            vec![loc("a.py", 3, WS_COL, "ws-manager")],
            "with a staged deletion: {with_deletion}"
        );
    }
}

#[test]
fn staged_check_reads_the_blob_when_a_checkout_filter_makes_the_work_tree_differ() {
    let repo = Repo::std();
    repo.write(".gitattributes", "*.py text\n");
    repo.write("a.py", lines(&[UTILS_IMPORT, "x = 1"]));
    repo.commit_all("base");

    // The working tree holds CRLF line ends; `git add` stores the blob with LF, so
    // only the new line differs from HEAD's blob. Every line of the working-tree
    // copy differs from HEAD's bytes.
    repo.write(
        "a.py",
        format!("{UTILS_IMPORT}\r\nx = 1\r\n{WS_IMPORT}\r\n"),
    );
    repo.add(&["a.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 3, WS_COL, "ws-manager")]);
}

#[test]
fn staged_with_a_damaged_index_exits_2_naming_the_index() {
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    repo.commit_all("base");
    let index = repo.root().join(".git/index");
    let bytes = std::fs::read(&index).unwrap();
    std::fs::write(&index, &bytes[..bytes.len() / 2]).unwrap();

    let out = repo.run(&["check", "--staged"]);
    out.assert_code(2);
    let stderr = out.stderr_lines();
    assert_eq!(stderr.len(), 1, "stderr: {}", out.stderr);
    assert!(stderr[0].contains("index"), "stderr: {}", out.stderr);
    assert!(out.stdout.trim().is_empty(), "stdout: {}", out.stdout);
}

/// A modified file is parsed only where its change reaches and resolved lexically:
/// what it reports, fixes included, must be what the same file named (parsed whole)
/// reports.
#[test]
fn staged_edit_reports_and_fixes_exactly_as_the_same_file_named() {
    let repo = Repo::with_config(APP_MANAGER_CONFIG);
    let files: [(&str, Vec<&str>); 3] = [
        (
            "app/views.py",
            vec![
                "from app.legacy.ws import Manager, Other",
                "from app.legacy import ws",
                "from unittest import mock",
                "",
                "",
                "@mock.patch('app.legacy.ws.Manager')",
                "def view(request, kind: ws.Manager = None) -> ws.Other:",
                "    manager = ws.Manager(request)",
                "    return manager, Manager, Other",
            ],
        ),
        (
            "app/tasks.py",
            vec![
                "import importlib",
                "import app.legacy.ws",
                "from app.legacy.cache import (",
                "    redis,  # the client",
                "    memory,",
                ")",
                "",
                "CACHE = importlib.import_module('app.legacy.cache.redis')",
                "manager = app.legacy.ws.Manager",
            ],
        ),
        (
            "app/models.py",
            vec![
                "class Store:",
                "    from app.legacy.ws import Manager",
                "",
                "    def get(self):",
                "        return self.Manager",
            ],
        ),
    ];
    for (path, _) in &files {
        repo.write(path, "# placeholder\n");
    }
    repo.commit_all("placeholders");
    let mut named = vec!["check", "--exit-zero", "--output-format", "json"];
    for (path, body) in &files {
        repo.write(path, lines(body));
        named.push(path);
    }
    repo.git(&["add", "app"]);

    let staged = repo.run(&[
        "check",
        "--staged",
        "--exit-zero",
        "--output-format",
        "json",
    ]);
    let by_name = repo.run(&named);
    let staged = staged.json();
    assert_eq!(staged, by_name.json());
    let findings = staged.as_array().map(Vec::len).unwrap_or_default();
    assert!(findings >= 8, "{staged:#}");
}

#[test]
fn staged_check_reads_version_4_and_split_indexes_and_case_insensitive_repositories() {
    for setup in [
        &["update-index", "--index-version", "4"][..],
        &["update-index", "--split-index"][..],
        &["config", "core.ignorecase", "true"][..],
    ] {
        let repo = Repo::std();
        nested_tree(&repo);
        repo.git(setup);
        stage_nested_edits(&repo);

        assert_nested_edits_found(&repo, &format!("after git {setup:?}"));
    }
}

/// A new use through a deprecated import the commit leaves alone is a new violation;
/// through an import the commit touches (and so flags), it is that import's.
#[test]
fn new_use_through_an_untouched_deprecated_import_is_reported() {
    let repo = Repo::std();
    repo.write(
        "a.py",
        lines(&[UTILS_IMPORT, "from pkg import old_utils", "", "x = 1"]),
    );
    repo.commit_all("base");
    repo.write(
        "a.py",
        lines(&[
            UTILS_IMPORT,
            "from pkg import old_utils",
            "",
            "x = 1",
            "y = pkg.old_utils.helper()",
            "z = old_utils.other()",
        ]),
    );
    repo.add(&["a.py"]);
    let out = repo.concise(&["check"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("a.py", 5, 5, "old-utils"),
            loc("a.py", 6, 5, "old-utils")
        ]
    );

    // The import and a use both added: only the import is reported.
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    repo.commit_all("base");
    repo.write(
        "a.py",
        lines(&[UTILS_IMPORT, "x = 1", "y = pkg.old_utils.helper()"]),
    );
    repo.add(&["a.py"]);
    let out = repo.concise(&["check"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 1, UTILS_COL, "old-utils")]);
}
