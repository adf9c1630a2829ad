//! Where the checked text comes from: working-tree paths, `--changed`,
//! `--diff-base`, `--from-ref/--to-ref` and `--stdin-filename`.

use crate::common::*;
use std::fs;
use std::path::Path;

#[test]
fn working_tree_paths_check_every_line() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1"]));
    repo.commit_all("legacy");
    // Committed legacy line and an uncommitted, unstaged line are both checked.
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT]));
    repo.write("b.py", lines(&["import os", UTILS_IMPORT]));

    let out = repo.concise(&["check", "a.py"]);
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
fn a_file_both_named_and_walked_is_checked_once_as_named() {
    let repo = Repo::std();
    repo.write("pkg/a.py", lines(&[WS_IMPORT]));
    // No governed name: a walk skips it unparsed; named, it is parsed (CAN000).
    repo.write("pkg/broken.py", "def broken(:\n");
    for args in [
        ["check", "pkg/a.py", "pkg", "pkg/broken.py"],
        ["check", "pkg", "pkg/broken.py", "pkg/a.py"],
    ] {
        let out = repo.concise(&args);
        out.assert_code(1);
        assert_eq!(
            out.locs(),
            vec![loc("pkg/a.py", 1, WS_COL, "ws-manager")],
            "{args:?}"
        );
        out.assert_one_parse_warning("pkg/broken.py");
    }
    let walked = repo.concise(&["check", "pkg"]);
    assert!(walked.parse_warnings().is_empty(), "{}", walked.stdout);
}

#[test]
fn working_tree_file_path_reads_the_working_tree_not_the_index() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    repo.add(&["a.py"]);
    repo.write("a.py", lines(&["x = 1", UTILS_IMPORT]));

    let out = repo.concise(&["check", "a.py"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 2, UTILS_COL, "old-utils")]);
}

#[test]
fn working_tree_directory_walk_honours_gitignore() {
    let repo = Repo::std();
    repo.write(".gitignore", "build/\n*.gen.py\n");
    repo.write("pkg/a.py", lines(&[WS_IMPORT]));
    repo.write("pkg/deep/b.py", lines(&["x = 1", UTILS_IMPORT]));
    repo.write("pkg/notes.txt", lines(&[WS_IMPORT]));
    repo.write("build/out.py", lines(&[WS_IMPORT]));
    repo.write("pkg/schema.gen.py", lines(&[WS_IMPORT]));
    repo.write("pkg/types.pyi", lines(&[UTILS_IMPORT]));
    repo.write("pkg/deep/.gitignore", "private.py\n");
    repo.write("pkg/deep/private.py", lines(&[WS_IMPORT]));

    let expected = vec![
        loc("pkg/a.py", 1, WS_COL, "ws-manager"),
        loc("pkg/deep/b.py", 2, UTILS_COL, "old-utils"),
        loc("pkg/types.pyi", 1, UTILS_COL, "old-utils"),
    ];
    let out = repo.concise(&["check", "."]);
    out.assert_code(1);
    assert_eq!(out.locs(), expected);

    let out = repo.concise(&["check", "pkg"]);
    out.assert_code(1);
    assert_eq!(out.locs(), expected);
}

#[test]
fn a_walk_reads_git_ignore_rules_only_and_none_above_the_work_tree() {
    let repo = Repo::std();
    let above = repo.root().parent().unwrap();
    std::fs::write(above.join(".gitignore"), "*.py\n").unwrap();
    std::fs::write(above.join(".ignore"), "*.py\n").unwrap();
    repo.write(".ignore", "pkg/\n");
    repo.write("pkg/.ignore", "a.py\n");
    repo.write("pkg/a.py", lines(&[WS_IMPORT]));
    repo.write("pkg/deep/b.py", lines(&["x = 1", UTILS_IMPORT]));

    let expected = vec![
        loc("pkg/a.py", 1, WS_COL, "ws-manager"),
        loc("pkg/deep/b.py", 2, UTILS_COL, "old-utils"),
    ];
    for walked in [".", "pkg", "pkg/"] {
        let out = repo.concise(&["check", walked]);
        out.assert_code(1);
        assert_eq!(out.locs(), expected, "{walked}");
    }
}

#[test]
fn working_tree_directory_walk_honours_config_exclude() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "src: [\".\"]\n",
        "src: [\".\"]\nexclude: [\"**/migrations/**\", \"legacy/*.py\"]\n",
    ));
    repo.write("app/models.py", lines(&[WS_IMPORT]));
    repo.write("app/migrations/0001_initial.py", lines(&[WS_IMPORT]));
    repo.write("legacy/old.py", lines(&[WS_IMPORT]));
    repo.write("legacy/keep/inner.py", lines(&[UTILS_IMPORT]));

    let out = repo.concise(&["check", "."]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("app/models.py", 1, WS_COL, "ws-manager"),
            loc("legacy/keep/inner.py", 1, UTILS_COL, "old-utils"),
        ]
    );
}

#[test]
fn working_tree_clean_file_exits_0() {
    let repo = Repo::std();
    repo.write(
        "a.py",
        lines(&[
            "from netra.ws.ssot_manager import SSOTWebSocketManager",
            "from pkg.new_utils import helper",
        ]),
    );
    let out = repo.concise(&["check", "a.py"]);
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);
}

#[test]
fn changed_reports_only_working_tree_lines_changed_versus_head() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", "y = 2", "z = 3"]));
    repo.write("other.py", lines(&[WS_IMPORT]));
    repo.commit_all("legacy");

    // One staged edit (line 3) and one unstaged edit (line 5): both differ from HEAD.
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT, "z = 3"]));
    repo.add(&["a.py"]);
    repo.write(
        "a.py",
        lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT, "z = 3", WS_IMPORT]),
    );

    let out = repo.concise(&["check", "--changed"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("a.py", 3, UTILS_COL, "old-utils"),
            loc("a.py", 5, WS_COL, "ws-manager"),
        ]
    );
}

#[test]
fn changed_with_paths_restricts_files() {
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    repo.write("b.py", "x = 1\n");
    repo.commit_all("base");
    repo.write("a.py", lines(&["x = 1", WS_IMPORT]));
    repo.write("b.py", lines(&["x = 1", WS_IMPORT]));

    let out = repo.concise(&["check", "--changed", "b.py"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("b.py", 2, WS_COL, "ws-manager")]);
}

#[test]
fn diff_base_reports_only_lines_since_the_merge_base() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", "y = 2"]));
    repo.write("b.py", lines(&["import os", UTILS_IMPORT, "z = 1"]));
    repo.commit_all("legacy on main");

    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT]));
    repo.commit_all("feature work");

    // main moves on after the branch point: it drops the legacy line of b.py.
    // Comparing with main's tip instead of the merge base would report it.
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.py", lines(&["import os", "z = 1"]));
    repo.commit_all("cleanup on main");
    repo.git(&["checkout", "-q", "feature"]);

    let out = repo.concise(&["check", "--diff-base", "main"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 3, UTILS_COL, "old-utils")]);
}

#[test]
fn diff_base_includes_uncommitted_working_tree_lines() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1"]));
    repo.commit_all("legacy on main");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", "y = 2"]));
    repo.commit_all("feature work");
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", "y = 2", UTILS_IMPORT]));

    let out = repo.concise(&["check", "--diff-base", "main"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 4, UTILS_COL, "old-utils")]);
}

/// Commits A (legacy) and B (one new violation at line 3 of a.py, one new
/// file), then edits the working tree so that it disagrees with B.
fn two_commits() -> (Repo, String, String) {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1"]));
    repo.commit_all("A");
    let a = repo.rev("HEAD");
    repo.write("a.py", lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT]));
    repo.write("new.py", lines(&["import os", WS_IMPORT]));
    repo.commit_all("B");
    let b = repo.rev("HEAD");
    // Working-tree edits must not matter: B's blobs are judged.
    repo.write(
        "a.py",
        lines(&[WS_IMPORT, "x = 1", "fixed = True", WS_IMPORT]),
    );
    repo.write("untracked.py", lines(&[WS_IMPORT]));
    (repo, a, b)
}

fn two_commits_expected() -> Vec<(String, usize, usize, String)> {
    vec![
        loc("a.py", 3, UTILS_COL, "old-utils"),
        loc("new.py", 2, WS_COL, "ws-manager"),
    ]
}

#[test]
fn from_ref_to_ref_checks_blobs_of_the_to_commit() {
    let (repo, a, b) = two_commits();
    let out = repo.concise(&["check", "--from-ref", &a, "--to-ref", &b]);
    out.assert_code(1);
    assert_eq!(out.locs(), two_commits_expected());
}

#[test]
fn from_ref_to_ref_read_from_pre_commit_environment() {
    let (repo, a, b) = two_commits();
    let out = repo
        .canon(&["check", "--output-format", "concise"])
        .env("PRE_COMMIT_FROM_REF", &a)
        .env("PRE_COMMIT_TO_REF", &b)
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), two_commits_expected());
}

#[test]
fn from_ref_to_ref_accepts_symbolic_refs() {
    let (repo, _, _) = two_commits();
    let out = repo.concise(&["check", "--from-ref", "HEAD~1", "--to-ref", "HEAD"]);
    out.assert_code(1);
    assert_eq!(out.locs(), two_commits_expected());
}

#[test]
fn from_ref_with_unknown_revision_exits_2() {
    let (repo, _, b) = two_commits();
    let out = repo.run(&["check", "--from-ref", "no-such-ref", "--to-ref", &b]);
    out.assert_code(2);
    assert_eq!(out.stderr_lines().len(), 1, "stderr: {}", out.stderr);
    assert!(out.stderr.contains("no-such-ref"), "stderr: {}", out.stderr);
}

#[test]
fn stdin_filename_checks_every_line_of_stdin() {
    let repo = Repo::std();
    repo.write("pkg/a.py", lines(&["x = 1"]));
    repo.commit_all("base");

    // The file on disk is clean; stdin is what is checked.
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "pkg/a.py",
            "--output-format",
            "concise",
        ])
        .stdin(lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT]))
        .run();
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("pkg/a.py", 1, WS_COL, "ws-manager"),
            loc("pkg/a.py", 3, UTILS_COL, "old-utils"),
        ]
    );
}

/// Paths named beside `--stdin-filename` are not checked, and a note on stderr says
/// so (as ruff does) instead of dropping them silently.
#[test]
fn stdin_filename_names_the_other_paths_it_does_not_check() {
    let repo = Repo::std();
    repo.write("pkg/other.py", lines(&[UTILS_IMPORT]));
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "pkg/a.py",
            "--output-format",
            "concise",
            "pkg/other.py",
        ])
        .stdin(lines(&["x = 1", WS_IMPORT]))
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("pkg/a.py", 2, WS_COL, "ws-manager")]);
    assert_eq!(
        out.stderr_lines(),
        vec!["canon: pkg/other.py: not checked; with --stdin-filename only standard input is checked"]
    );
}

#[test]
fn stdin_filename_for_a_file_that_does_not_exist_yet() {
    let repo = Repo::std();
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "brand/new.py",
            "--output-format",
            "concise",
        ])
        .stdin(lines(&["import os", WS_IMPORT]))
        .run();
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![loc("brand/new.py", 2, WS_COL, "ws-manager")]
    );
}

#[test]
fn stdin_filename_absolute_path_is_reported_relative_to_the_root() {
    let repo = Repo::std();
    let abs = repo.root().join("pkg").join("a.py");
    let abs = abs.to_str().unwrap();
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            abs,
            "--output-format",
            "concise",
        ])
        .stdin(lines(&[WS_IMPORT]))
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("pkg/a.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn stdin_filename_relative_to_working_directory_in_a_subdirectory() {
    let repo = Repo::std();
    repo.write("pkg/__init__.py", "");
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "a.py",
            "--output-format",
            "concise",
        ])
        .cwd("pkg")
        .stdin(lines(&[WS_IMPORT]))
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("pkg/a.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn stdin_filename_with_changed_checks_lines_changed_versus_head() {
    let repo = Repo::std();
    repo.write("pkg/a.py", lines(&[WS_IMPORT, "x = 1", "y = 2"]));
    repo.commit_all("legacy");
    // The working tree copy differs again; only stdin versus HEAD matters.
    repo.write("pkg/a.py", lines(&["totally = 'different'"]));

    let out = repo
        .canon(&[
            "check",
            "--changed",
            "--stdin-filename",
            "pkg/a.py",
            "--output-format",
            "concise",
        ])
        .stdin(lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT, "y = 2"]))
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("pkg/a.py", 3, UTILS_COL, "old-utils")]);
}

#[test]
fn stdin_filename_with_changed_and_unchanged_buffer_passes() {
    let repo = Repo::std();
    let text = lines(&[WS_IMPORT, "x = 1"]);
    repo.write("pkg/a.py", &text);
    repo.commit_all("legacy");

    let out = repo
        .canon(&[
            "check",
            "--changed",
            "--stdin-filename",
            "pkg/a.py",
            "--output-format",
            "concise",
        ])
        .stdin(&text)
        .run();
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);
}

#[test]
fn stdin_filename_with_changed_for_a_file_not_in_head_checks_every_line() {
    let repo = Repo::std();
    let out = repo
        .canon(&[
            "check",
            "--changed",
            "--stdin-filename",
            "fresh.py",
            "--output-format",
            "concise",
        ])
        .stdin(lines(&[UTILS_IMPORT, WS_IMPORT]))
        .run();
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("fresh.py", 1, UTILS_COL, "old-utils"),
            loc("fresh.py", 2, WS_COL, "ws-manager"),
        ]
    );
}

/// `--changed --stdin-filename` outside a git repository has no HEAD to compare with:
/// every line is checked (editors run it on every save, so it is not an error) and a
/// note on stderr says so, while `--changed` alone exits 2.
#[test]
fn stdin_filename_with_changed_outside_a_repository_notes_every_line_is_checked() {
    let repo = Repo::plain();
    repo.write(".canon.yaml", STD_CONFIG);
    let out = repo
        .canon(&[
            "check",
            "--changed",
            "--stdin-filename",
            "a.py",
            "--output-format",
            "concise",
        ])
        .stdin(lines(&["x = 1", WS_IMPORT]))
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 2, WS_COL, "ws-manager")]);
    assert_eq!(
        out.stderr_lines(),
        vec!["canon: a.py: every line checked; --changed needs a git repository to compare with, and there is none"]
    );
    // Without --changed, every line is what was asked for: no note.
    let out = repo
        .canon(&["check", "--stdin-filename", "a.py"])
        .stdin(lines(&[WS_IMPORT]))
        .run();
    out.assert_code(1);
    assert_eq!(out.stderr_lines(), Vec::<&str>::new());
    let out = repo.run(&["check", "--changed"]);
    out.assert_code(2);
}

/// Outside a git repository, the directory of a config above the working directory
/// is the root: a walk of `..` or a file named there is checked (paths shown relative
/// to that directory), and `canon report` covers its whole tree. A directory above it
/// is walked from it, with a note; a path outside it is an error that names it, and
/// does not speak of a repository.
#[test]
fn outside_a_repository_the_config_directory_above_is_the_root() {
    let repo = Repo::plain();
    repo.write(".canon.yaml", STD_CONFIG);
    repo.write("a.py", lines(&[WS_IMPORT]));
    repo.write("sub/b.py", lines(&[UTILS_IMPORT]));
    let both = vec![
        loc("a.py", 1, WS_COL, "ws-manager"),
        loc("sub/b.py", 1, UTILS_COL, "old-utils"),
    ];

    let out = repo
        .canon(&["check", "..", "--output-format", "concise"])
        .cwd("sub")
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), both);
    assert_eq!(out.stderr_lines(), Vec::<&str>::new());

    let out = repo
        .canon(&["check", "../a.py", "--output-format", "concise"])
        .cwd("sub")
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 1, WS_COL, "ws-manager")]);

    let out = repo.canon(&["report"]).cwd("sub").run();
    out.assert_code(0);
    assert!(out.stdout.contains(" over 2 files"), "{}", out.stdout);

    let root = repo.root().display().to_string();
    let out = repo
        .canon(&["check", "../..", "--output-format", "concise"])
        .cwd("sub")
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), both);
    assert_eq!(
        out.stderr_lines(),
        vec![format!(
            "canon: ../..: only its files under the directory of the config {root} are checked"
        )]
    );

    // The config in the working directory: the root is the working directory.
    fs::write(repo.root().join("../x.py"), lines(&[WS_IMPORT])).unwrap();
    let out = repo.run(&["check", "../x.py"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr_lines(),
        vec![format!(
            "canon: error: ../x.py: path is outside the working directory {root} (not in a git repository)"
        )]
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn missing_path_is_an_io_error_naming_the_file() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    let out = repo.run(&["check", "a.py", "no_such_file.py"]);
    out.assert_code(2);
    let errs = out.stderr_lines();
    assert_eq!(errs.len(), 1, "stderr: {}", out.stderr);
    assert!(
        errs[0].contains("no_such_file.py"),
        "stderr: {}",
        out.stderr
    );
}

#[test]
fn changed_with_a_path_not_in_head_checks_every_line() {
    let repo = Repo::std();
    repo.write("old.py", "x = 1\n");
    repo.commit_all("base");
    repo.write("fresh.py", lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT]));

    let out = repo.concise(&["check", "--changed", "fresh.py"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("fresh.py", 1, WS_COL, "ws-manager"),
            loc("fresh.py", 3, UTILS_COL, "old-utils"),
        ]
    );
}

/// Copies `examples/backend` (the demo package with its config) into `repo`.
fn copy_example_backend(repo: &Repo) -> Vec<String> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/backend");
    let mut files = Vec::new();
    let mut stack = vec![source.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&source)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            repo.write(&rel, std::fs::read(&path).unwrap());
            if rel.ends_with(".py") {
                files.push(rel);
            }
        }
    }
    files.sort();
    files
}

/// A directory walk resolves most files from their import statements alone and parses
/// only those that may refer to a governed name otherwise; it must find exactly what
/// checking every file by name (always fully parsed) finds.
#[test]
fn directory_walk_finds_what_checking_each_file_finds() {
    let repo = Repo::plain();
    let files = copy_example_backend(&repo);
    repo.write(
        "netra_backend/app/forms.py",
        lines(&[
            "import netra_backend.app.websocket_core as wc",
            "import netra_backend",
            "from netra_backend.app import websocket_core",
            "from unittest import mock",
            "",
            "",
            "def build(x=websocket_core.manager.WebSocketManager):",
            "    with mock.patch(\"netra_backend.app.websocket_core.manager.WebSocketManager\"):",
            "        return [netra_backend.app.websocket_core.get_websocket_manager() for _ in x]",
            "",
            "",
            "KWARGS = dict(manager=wc.unified_manager.WebSocketManager)",
        ]),
    );
    let mut named: Vec<&str> = vec!["check", "--exit-zero", "--output-format", "concise"];
    let mut all_files = files.clone();
    all_files.push("netra_backend/app/forms.py".to_string());
    named.extend(all_files.iter().map(String::as_str));
    let by_name = repo.run(&named);
    let walked = repo.run(&["check", "--exit-zero", "--output-format", "concise", "."]);
    let without_parse_warnings = |out: &Out| -> Vec<String> {
        out.stdout
            .lines()
            .filter(|line| !line.contains(" CAN000 "))
            .map(str::to_string)
            .collect()
    };
    let expected = without_parse_warnings(&by_name);
    assert!(
        expected
            .iter()
            .filter(|line| line.starts_with("netra_backend/app/forms.py:"))
            .count()
            == 4,
        "the fixture's references are found by name: {expected:#?}"
    );
    assert_eq!(without_parse_warnings(&walked), expected);
}

/// The example's README lists the violations `canon check .` reports in it; the list
/// must stay true.
#[test]
fn example_backend_readme_lists_exactly_what_canon_reports() {
    let repo = Repo::plain();
    copy_example_backend(&repo);
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/backend/README.md"),
    )
    .unwrap();
    let mut documented: Vec<String> = readme
        .lines()
        .filter(|line| {
            line.starts_with("| `") && line.contains(".py:") && line.contains(" | CAN00")
        })
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let rule = cells[3].trim_matches('`');
            format!("{}: {} [{rule}]", cells[1].trim_matches('`'), cells[2])
        })
        .collect();
    documented.sort();
    let out = repo.run(&["check", "--output-format", "concise", "."]);
    out.assert_code(1);
    let mut reported: Vec<String> = out
        .stdout
        .lines()
        .map(|line| line.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .collect();
    reported.sort();
    assert_eq!(reported, documented);
}

/// Files whose attribute chains and `mock.patch` strings a walk resolves without a
/// parser, next to files where a rebinding forces the parser: the walk must find
/// exactly what naming each file (always parsed) finds, and the resolved forms must
/// really be found.
#[test]
fn lexically_resolved_chains_and_strings_match_the_parser() {
    let repo = Repo::with_config(APP_MANAGER_CONFIG);
    let files: [(&str, Vec<&str>); 6] = [
        (
            "app/views.py",
            vec![
                "from app.legacy import ws",
                "import app.core",
                "from unittest import mock",
                "",
                "",
                "@mock.patch('app.legacy.ws.Manager')",
                "def view(request, kind: ws.Manager = None) -> ws.Other:",
                "    manager = ws.Manager(",
                "        request,  # ws.Manager in a comment",
                "    )",
                "    also = ws . Manager  # canon: ignore",
                "    core = app.core.ws.Manager()",
                "    return 'ws.Manager', manager, also, core",
            ],
        ),
        (
            "app/tasks.py",
            vec![
                "import importlib",
                "import app.legacy.ws",
                "",
                "CACHE = importlib.import_module('app.legacy.cache.redis')",
                "manager = app.legacy.ws.Manager",
            ],
        ),
        (
            "app/shadowed.py",
            vec![
                "from app.legacy import ws",
                "",
                "",
                "def handler(ws):",
                "    return ws.Manager",
                "",
                "",
                "top = ws.Manager",
            ],
        ),
        (
            "app/oneliner.py",
            vec![
                "import sys",
                "",
                "",
                "def load():",
                "    if sys: import app.legacy.ws as ws",
                "    return ws.Manager",
            ],
        ),
        (
            "app/broken.py",
            vec![
                "from app.legacy import ws",
                "",
                "NOTE = \"\"\"never closed",
                "manager = ws.Manager",
            ],
        ),
        (
            "app/fstring.py",
            vec![
                "from app.legacy import ws",
                "",
                "label = f'{ws.Manager.__name__}'",
            ],
        ),
    ];
    let mut named = vec!["check", "--exit-zero", "--output-format", "concise"];
    for (path, body) in &files {
        repo.write(path, lines(body));
        named.push(path);
    }
    let by_name = repo.run(&named);
    let walked = repo.run(&["check", "--exit-zero", "--output-format", "concise", "."]);
    let mut expected: Vec<&str> = by_name.stdout.lines().collect();
    let mut found: Vec<&str> = walked.stdout.lines().collect();
    expected.sort();
    found.sort();
    assert_eq!(found, expected);
    let count = |prefix: &str| found.iter().filter(|l| l.starts_with(prefix)).count();
    // views: the patch string and the two chains through `ws` (the suppressed one and
    // the comment are not findings; the canonical chain is not a violation).
    assert_eq!(count("app/views.py:"), 3, "{found:#?}");
    assert!(found.iter().any(|l| l.starts_with("app/views.py:6:")));
    assert!(found.iter().any(|l| l.starts_with("app/views.py:7:")));
    assert!(found.iter().any(|l| l.starts_with("app/views.py:8:")));
    assert_eq!(count("app/tasks.py:"), 2, "{found:#?}");
    // shadowed: `top`, not the parameter's attribute (the import itself is allowed).
    assert_eq!(count("app/shadowed.py:"), 1, "{found:#?}");
    assert!(found.iter().any(|l| l.starts_with("app/shadowed.py:8:")));
    assert_eq!(count("app/fstring.py:"), 1, "{found:#?}");
    // A string that never closes: the walk hands the file to the parser, which says so.
    assert!(found
        .iter()
        .any(|l| l.starts_with("app/broken.py:") && l.contains(" CAN000 ")));
    // An import inside a one-line `if` binds `ws` too.
    assert!(
        found.iter().any(|l| l.starts_with("app/oneliner.py:6:")),
        "{found:#?}"
    );
}

/// Real code: the Python standard library of the interpreter on this machine (its
/// top-level modules and a few packages, about a thousand files), under import rules
/// on names it uses in every form. A walk, which resolves most files lexically, must
/// report exactly what checking every file by name (each parsed whole) reports.
#[test]
fn walk_and_named_check_agree_on_the_standard_library() {
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 runs (the test suite needs it)");
    let stdlib = std::path::PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    assert!(
        stdlib.join("os.py").is_file(),
        "no standard library at {stdlib:?}"
    );
    let repo = Repo::plain();
    repo.write(
        ".canon.yaml",
        lines(&[
            "version: 1",
            "rules:",
            "  - id: paths",
            "    kind: import",
            "    canonical: ssot.paths",
            "    deprecated: [os.path.join, os.path.exists, os.sep]",
            "  - id: abc",
            "    kind: import",
            "    canonical: ssot.abc",
            "    deprecated: [collections.abc.Mapping, collections.OrderedDict, typing.List]",
            "  - id: mock",
            "    kind: import",
            "    canonical: ssot.testing.patch",
            "    deprecated: [unittest.mock.patch, unittest.mock.MagicMock]",
            "  - id: misc",
            "    kind: import",
            "    canonical: ssot.misc",
            "    deprecated: [logging.getLogger, logging.handlers, sys.modules, re.compile,",
            "                 importlib.import_module, email.utils.formatdate, json.dumps]",
            // Names the library rebinds often (`stdout = sys.stdout`, `for chain in ...`).
            "  - id: rebound",
            "    kind: import",
            "    canonical: ssot.rebound",
            "    deprecated: [sys.stdout, os.environ, datetime.datetime, functools.wraps,",
            "                 itertools.chain, subprocess.run, tempfile.mkdtemp]",
        ]),
    );
    let mut files = Vec::new();
    let packages = [
        "json",
        "email",
        "logging",
        "importlib",
        "unittest",
        "collections",
        "asyncio",
    ];
    let mut stack = vec![stdlib.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(&stdlib)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if packages
                    .iter()
                    .any(|p| rel == *p || rel.starts_with(&format!("{p}/")))
                {
                    stack.push(path);
                }
            } else if rel.ends_with(".py") {
                repo.write(&rel, std::fs::read(&path).unwrap());
                files.push(rel);
            }
        }
    }
    files.sort();
    assert!(files.len() > 300, "only {} files copied", files.len());
    let report = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--exit-zero", "--output-format", "concise"];
        all.extend_from_slice(args);
        let mut found: Vec<String> = repo
            .run(&all)
            .stdout
            .lines()
            .filter(|line| !line.contains(" CAN000 "))
            .map(str::to_string)
            .collect();
        found.sort();
        found
    };
    let walked = report(&["."]);
    let named_args: Vec<&str> = files.iter().map(String::as_str).collect();
    let named = report(&named_args);
    assert_eq!(walked, named);
    let chains = walked
        .iter()
        .filter(|l| l.contains("deprecated reference"))
        .count();
    assert!(
        walked.len() > 500 && chains > 100,
        "{} findings, {chains} chains",
        walked.len()
    );
}

/// `pre-commit run --from-ref A --to-ref B` runs the `canon` hook, whose entry says
/// `--staged`, with the range in the environment: the range is checked, not the
/// (empty) index.
#[test]
fn pre_commit_range_wins_over_staged() {
    let (repo, a, b) = two_commits();
    for args in [
        vec!["check", "--staged", "--output-format", "concise"],
        vec![
            "check",
            "--staged",
            "a.py",
            "new.py",
            "--output-format",
            "concise",
        ],
    ] {
        let out = repo
            .canon(&args)
            .env("PRE_COMMIT_FROM_REF", &a)
            .env("PRE_COMMIT_TO_REF", &b)
            .run();
        out.assert_code(1);
        assert_eq!(out.locs(), two_commits_expected(), "{args:?}");
    }
    // Only one of them set: no range; the index (nothing staged) is checked.
    let out = repo
        .canon(&["check", "--staged", "--output-format", "concise"])
        .env("PRE_COMMIT_FROM_REF", &a)
        .env("PRE_COMMIT_TO_REF", "")
        .run();
    out.assert_code(0);
}

/// A path that reaches the work tree through a symlink (a symlinked project
/// directory, `$PWD` spelled through a link, macOS `/tmp`) names the file in the work
/// tree, as it does for git: every mode checks it and reports it relative to the
/// root, and a directory so named is walked, the link itself too. A link to a
/// parent of the root is a directory above the root, walked from the root.
#[cfg(unix)]
#[test]
fn paths_through_a_symlink_to_the_work_tree_are_inside_the_repository() {
    let repo = Repo::std();
    repo.write("pkg/a.py", lines(&[WS_IMPORT, "x = 1"]));
    repo.commit_all("legacy");
    let edited = lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT]);
    repo.write("pkg/a.py", &edited);
    repo.add(&["pkg/a.py"]);
    let base = repo.root().parent().unwrap();
    let link = base.join("link");
    let up = base.join("up");
    std::os::unix::fs::symlink(repo.root(), &link).unwrap();
    std::os::unix::fs::symlink(base, &up).unwrap();
    let text = |path: &Path| path.to_str().unwrap().to_string();
    let (file, dir) = (text(&link.join("pkg/a.py")), text(&link.join("pkg")));
    let file_up = text(&up.join("repo/pkg/a.py"));

    let every = vec![
        loc("pkg/a.py", 1, WS_COL, "ws-manager"),
        loc("pkg/a.py", 3, UTILS_COL, "old-utils"),
    ];
    let changed = vec![loc("pkg/a.py", 3, UTILS_COL, "old-utils")];
    for (args, expected) in [
        (vec!["check", &file], &every),
        (vec!["check", &file_up], &every),
        (vec!["check", &dir], &every),
        (vec!["check", &text(&link)], &every),
        (vec!["check", "--changed", &file], &changed),
        (vec!["check", "--changed", &dir], &changed),
        (vec!["check", "--staged", &file], &changed),
        (vec!["check", "--staged", &dir], &changed),
        (vec!["check", "--stdin-filename", &file], &every),
        (
            vec!["check", "--changed", "--stdin-filename", &file],
            &changed,
        ),
    ] {
        let mut all = args.clone();
        all.extend(["--output-format", "concise"]);
        let out = repo.canon(&all).cwd(&dir).stdin(&edited).run();
        out.assert_code(1);
        assert_eq!(&out.locs(), expected, "{args:?}\n{}", out.stderr);
        assert!(!out.stderr.contains("outside"), "{args:?}\n{}", out.stderr);
    }
    let out = repo.concise(&["check", &text(&up)]);
    out.assert_code(1);
    assert_eq!(out.locs(), every);
    assert!(
        out.stderr.contains("only its files under"),
        "{}",
        out.stderr
    );

    repo.concise(&["check", "--fix", &file]).assert_code(0);
    assert_eq!(
        String::from_utf8(repo.read("pkg/a.py")).unwrap(),
        lines(&[
            WS_FIX,
            "x = 1",
            UTILS_IMPORT.replace("old_utils", "new_utils").as_str()
        ])
    );
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());

    // A symlink in the work tree is still not followed, even one to a parent of it.
    std::os::unix::fs::symlink(base, repo.root().join("back")).unwrap();
    let out = repo.concise(&["check", "back"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("symlinks are not followed"),
        "{}",
        out.stderr
    );
}
