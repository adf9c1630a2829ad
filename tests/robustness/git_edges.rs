//! Repository states that a pre-commit hook meets in the wild, each with the outcome
//! the contract defines: which files are checked, the exit status, and the message.

use crate::common::{at, Repo, Run, CONFIG, NEW_IMPORT, OLD_IMPORT};
use std::fs;
use std::os::unix::fs::symlink;

/// A merge stopped on a conflict: the unmerged file is reported on stderr and left
/// alone (its conflict markers are not a Python error to report), while the other
/// files the merge staged are checked as usual.
#[test]
fn merge_with_unmerged_entries_checks_the_merged_files_and_names_the_conflict() {
    let repo = Repo::std();
    repo.write("conflict.py", "x = 1\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("conflict.py", format!("x = 2\n{OLD_IMPORT}"));
    repo.write("added.py", format!("import os\n{OLD_IMPORT}"));
    repo.commit_all("side");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("conflict.py", "x = 3\n");
    repo.commit_all("main");
    assert!(
        !repo.git_status(&["merge", "-q", "side"]),
        "merge must conflict"
    );
    assert!(repo.read_string("conflict.py").contains("<<<<<<<"));

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![("added.py".into(), 2, 27, "CAN001".into())]
    );
    assert!(
        out.stderr.contains("conflict.py") && out.stderr.contains("unmerged"),
        "stderr: {}",
        out.stderr
    );
    // The working-tree modes name the conflict too, and check the rest.
    for mode in [&["--changed"][..], &["--diff-base", "HEAD"][..]] {
        let out = repo.concise(&[&["check"][..], mode].concat());
        out.assert_code(1);
        assert_eq!(
            out.locs(),
            vec![("added.py".into(), 2, 27, "CAN001".into())],
            "{mode:?}"
        );
        assert!(
            out.stderr.contains(
                "conflict.py: unmerged (merge conflict); not checked until it is resolved"
            ),
            "{mode:?}: {}",
            out.stderr
        );
    }
    let before = repo.read("conflict.py");
    repo.concise(&["check", "--staged", "--fix"]);
    assert_eq!(
        repo.read("conflict.py"),
        before,
        "an unmerged file is never fixed"
    );
}

/// A submodule is a gitlink in the index, not a file of this repository: staging it
/// checks nothing and is not an error, even when the submodule holds violations.
#[test]
fn staged_submodule_is_not_checked_and_not_an_error() {
    let repo = Repo::std();
    let sub = repo.base.join("sub");
    fs::create_dir_all(&sub).unwrap();
    repo.git_in(&sub, &["init", "-q", "-b", "main"]);
    fs::write(sub.join("bad.py"), OLD_IMPORT).unwrap();
    repo.git_in(&sub, &["add", "-A"]);
    repo.git_in(&sub, &["commit", "-q", "-m", "sub"]);
    repo.git(&[
        "submodule",
        "add",
        "-q",
        sub.to_str().unwrap(),
        "vendor/sub",
    ]);
    assert!(repo.path("vendor/sub/bad.py").is_file());

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert!(out.diags().is_empty(), "stdout: {}", out.stdout);
    let out = repo.concise(&["check", "--staged", "vendor/sub"]);
    out.assert_code(0);
    // A walk does not go into the submodule either: its files are another repository's.
    repo.write("top.py", OLD_IMPORT);
    let out = repo.concise(&["check", "."]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![("top.py".into(), 1, 27, "CAN001".into())]);
    // Also when the walk reaches it through `..`.
    fs::create_dir_all(repo.path("pkg")).unwrap();
    let out = Run::new(
        &repo.home(),
        &repo.path("pkg"),
        &["check", "--output-format", "concise", ".."],
    )
    .run();
    out.assert_code(1);
    assert_eq!(out.locs(), vec![("top.py".into(), 1, 27, "CAN001".into())]);
}

/// A staged symlink's blob is its target path, not Python: it is not checked (the
/// file it points to is checked when that file is staged).
#[test]
fn staged_symlink_is_not_checked() {
    let repo = Repo::std();
    repo.write("real.py", OLD_IMPORT);
    repo.commit_all("real");
    symlink("real.py", repo.path("link.py")).unwrap();
    repo.add(&["link.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert!(out.diags().is_empty(), "stdout: {}", out.stdout);
    let out = repo.concise(&["check", "--staged", "--fix"]);
    out.assert_code(0);
    assert_eq!(repo.read_string("real.py"), OLD_IMPORT);
    assert!(fs::symlink_metadata(repo.path("link.py"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// A symlink to a file outside the repository, named on the command line: it may be
/// read and reported, but `--fix` never writes through it; the other files named
/// are still fixed, the symlink is named on stderr, and the run exits 1 because its
/// violation remains.
#[test]
fn fix_never_writes_through_a_symlink_to_outside_the_repository() {
    let repo = Repo::std();
    let outside = repo.base.join("outside.py");
    fs::write(&outside, OLD_IMPORT).unwrap();
    symlink(&outside, repo.path("escape.py")).unwrap();
    repo.write("a_fixable.py", OLD_IMPORT);

    let out = repo.concise(&["check", "--fix", "a_fixable.py", "escape.py"]);
    assert_eq!(
        fs::read_to_string(&outside).unwrap(),
        OLD_IMPORT,
        "outside file written"
    );
    assert!(fs::symlink_metadata(repo.path("escape.py"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(out.stderr.contains("escape.py"), "stderr: {}", out.stderr);
    out.assert_code(1);
    assert_eq!(repo.read_string("a_fixable.py"), NEW_IMPORT);
}

/// A symlinked directory leading outside the repository: a file reached through it
/// is outside the repository and is never written.
#[test]
fn fix_never_writes_through_a_symlinked_directory() {
    let repo = Repo::std();
    let outside_dir = repo.base.join("elsewhere");
    fs::create_dir_all(&outside_dir).unwrap();
    fs::write(outside_dir.join("mod.py"), OLD_IMPORT).unwrap();
    symlink(&outside_dir, repo.path("linked")).unwrap();

    let out = repo.concise(&["check", "--fix", "linked/mod.py"]);
    assert_ne!(out.code, 0, "the violation remains");
    assert_eq!(
        fs::read_to_string(outside_dir.join("mod.py")).unwrap(),
        OLD_IMPORT
    );
    let out = repo.concise(&["check", "--fix", "."]);
    assert_eq!(
        fs::read_to_string(outside_dir.join("mod.py")).unwrap(),
        OLD_IMPORT
    );
    assert!(out.code == 0 || out.code == 1, "stderr: {}", out.stderr);
}

/// A linked worktree has its own index and work tree: staged changes there are
/// checked and fixed there, and the main work tree is untouched.
#[test]
fn linked_worktree_is_checked_and_fixed_in_place() {
    let repo = Repo::std();
    repo.write("keep.py", "x = 1\n");
    repo.commit_all("keep");
    let wt = repo.base.join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "feature",
        wt.to_str().unwrap(),
    ]);
    fs::write(wt.join("new.py"), OLD_IMPORT).unwrap();
    repo.git_in(&wt, &["add", "new.py"]);

    let home = repo.home();
    let out = Run::new(
        &home,
        &wt,
        &["check", "--staged", "--output-format", "concise"],
    )
    .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("new.py", 1, 27)]);
    let sub = wt.join("deeper");
    fs::create_dir_all(&sub).unwrap();
    let out = Run::new(
        &home,
        &sub,
        &["check", "--staged", "--output-format", "concise"],
    )
    .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("new.py", 1, 27)]);

    let out = Run::new(&home, &wt, &["check", "--staged", "--fix"]).run();
    out.assert_code(1);
    assert_eq!(fs::read_to_string(wt.join("new.py")).unwrap(), NEW_IMPORT);
    assert!(
        !repo.path("new.py").exists(),
        "written into the main work tree"
    );
}

/// A bare repository has no index to check and no work tree to fix: exit 2 with one
/// line that says so.
#[test]
fn bare_repository_exits_2_with_a_clear_message() {
    let repo = Repo::std();
    let bare = repo.base.join("bare.git");
    repo.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let config = repo.base.join("canon.yaml");
    fs::write(&config, CONFIG).unwrap();
    let config = config.to_str().unwrap().to_string();

    for args in [
        vec!["--config", &config, "check", "--staged"],
        vec!["--config", &config, "check", "--changed"],
        vec!["--config", &config, "check", "--diff-base", "main"],
    ] {
        let out = Run::new(&repo.home(), &bare, &args).run();
        out.assert_code(2);
        let line = out.one_error_line();
        assert!(line.contains("bare"), "{args:?}: {line}");
        assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    }
    // Without any config the message names `canon init`; still exit 2 and one line.
    let out = Run::new(&repo.home(), &bare, &["check", "--staged"]).run();
    out.assert_code(2);
    out.one_error_line();
}

/// `--from-ref/--to-ref` reads only commits, so it runs in a bare repository (a
/// server-side check), with `--config`; `--fix` there has no work tree to write to
/// and exits 2. As a pre-receive hook it sees the pushed commits, which git keeps in a
/// quarantine directory named in the hook's environment until the hook accepts them.
#[test]
fn from_ref_to_ref_runs_in_a_bare_repository_and_its_pre_receive_hook() {
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    repo.commit_all("clean");
    repo.write("a.py", format!("x = 1\n{OLD_IMPORT}"));
    repo.commit_all("violation");
    let bare = repo.base.join("bare.git");
    repo.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let config = repo.base.join("canon.yaml");
    fs::write(&config, CONFIG).unwrap();
    let config = config.to_str().unwrap().to_string();

    let refs = ["--from-ref", "HEAD~1", "--to-ref", "HEAD"];
    let mut args = vec!["--config", config.as_str(), "check"];
    args.extend(refs);
    args.extend(["--output-format", "concise"]);
    let out = Run::new(&repo.home(), &bare, &args).run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 2, 27)]);

    args.push("--fix");
    let out = Run::new(&repo.home(), &bare, &args).run();
    out.assert_code(2);
    assert!(out.one_error_line().contains("bare"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);

    // The hook records canon's exit status of each push.
    let statuses = repo.base.join("pre-receive-statuses");
    let hook = bare.join("hooks/pre-receive");
    let script = format!(
        "#!/bin/sh\nwhile read old new ref; do\n  '{canon}' --config '{config}' check --from-ref \"$old\" --to-ref \"$new\"\n  status=$?\n  echo $status >> '{statuses}'\n  [ $status = 0 ] || exit 1\ndone\n",
        canon = env!("CARGO_BIN_EXE_canon"),
        statuses = statuses.display(),
    );
    fs::write(&hook, script).unwrap();
    fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let bare = bare.to_str().unwrap();
    repo.write("a.py", format!("x = 1\n{OLD_IMPORT}y = 2\n"));
    repo.commit_all("clean edit");
    repo.git(&["push", "-q", bare, "HEAD:main"]);
    repo.write("a.py", format!("x = 1\n{OLD_IMPORT}y = 2\n{OLD_IMPORT}"));
    repo.commit_all("new violation");
    assert!(
        !repo.git_status(&["push", "-q", bare, "HEAD:main"]),
        "the push adding a violation was accepted"
    );
    assert_eq!(fs::read_to_string(&statuses).unwrap(), "0\n1\n");
}

/// Sparse checkout: files outside the cone are missing from the work tree but
/// present in the index; they are neither reported as deleted nor read.
#[test]
fn sparse_checkout_checks_only_real_changes() {
    let repo = Repo::std();
    repo.write("inside/a.py", "x = 1\n");
    repo.write("outside/b.py", "y = 1\n");
    repo.commit_all("two dirs");
    repo.git(&["sparse-checkout", "set", "inside"]);
    assert!(!repo.path("outside/b.py").exists());
    repo.write("inside/a.py", format!("x = 1\n{OLD_IMPORT}"));
    repo.add(&["inside/a.py"]);

    for mode in ["--staged", "--changed"] {
        let out = repo.concise(&["check", mode]);
        out.assert_code(1);
        assert_eq!(
            out.with_code("CAN001"),
            vec![at("inside/a.py", 2, 27)],
            "{mode}"
        );
        assert!(out.stderr.is_empty(), "{mode}: {}", out.stderr);
    }
    let out = repo.concise(&["check", "--diff-base", "main"]);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("inside/a.py", 2, 27)]);
}

/// With `core.autocrlf=true` the index holds LF and the work tree CRLF. The staged
/// content is judged (same lines), and `--staged --fix` fixes the work tree keeping
/// its CRLF: the two differ only by git's own line-ending conversion, which is not
/// unstaged work.
#[test]
fn autocrlf_work_tree_is_checked_and_fixed_with_crlf_kept() {
    let repo = Repo::std();
    repo.git(&["config", "core.autocrlf", "true"]);
    repo.write("crlf.py", "import os\r\n");
    repo.commit_all("crlf");
    repo.write(
        "crlf.py",
        format!("import os\r\n{}", OLD_IMPORT.replace('\n', "\r\n")),
    );
    repo.add(&["crlf.py"]);
    let staged = repo.git(&["show", ":crlf.py"]);
    assert!(!staged.contains('\r'), "the index holds LF");

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("crlf.py", 2, 27)]);
    let out = repo.concise(&["check", "--changed"]);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("crlf.py", 2, 27)]);

    let out = repo.concise(&["check", "--staged", "--fix"]);
    out.assert_code(1);
    assert_eq!(
        repo.read_string("crlf.py"),
        format!("import os\r\n{}", NEW_IMPORT.replace('\n', "\r\n")),
        "stderr: {}\nstdout: {}",
        out.stderr,
        out.stdout
    );
}

/// File names with spaces, non-ASCII letters and a newline are found, reported with
/// the name intact (escaped where a line format needs it) and fixed.
#[test]
fn odd_file_names_are_checked_reported_and_fixed() {
    let repo = Repo::std();
    let names = ["with space.py", "ünï cødé/模块.py", "new\nline.py"];
    for name in names {
        repo.write(name, OLD_IMPORT);
    }
    repo.git(&["add", "-A"]);

    let out = repo
        .canon(&["check", "--staged", "--output-format", "json"])
        .run();
    out.assert_code(1);
    let mut files: Vec<String> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["filename"].as_str().unwrap().to_string())
        .collect();
    files.sort();
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(files, expected);

    let out = repo.concise(&["check", "--staged"]);
    assert!(
        out.stdout.contains("with space.py:1:27: CAN001"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("ünï cødé/模块.py:1:27: CAN001"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("new\\nline.py:1:27: CAN001"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout.lines().count(),
        3,
        "one line each: {}",
        out.stdout
    );

    repo.canon(&["check", "--staged", "--fix"])
        .run()
        .assert_code(1);
    for name in names {
        assert_eq!(repo.read_string(name), NEW_IMPORT, "{name:?}");
    }
    let out = repo.concise(&["check", "with space.py", "ünï cødé"]);
    out.assert_code(0);
}

/// A staged file over 64 MiB is not read into the checker: a CAN000 warning says so
/// and the run exits 0 (a warning never fails).
#[test]
fn huge_staged_file_gets_a_can000_warning() {
    let repo = Repo::std();
    let line = "value = 'padding padding padding padding padding padding padding'\n";
    let mut text = String::from(OLD_IMPORT);
    while text.len() <= (64 << 20) + 1024 {
        text.push_str(line);
    }
    repo.write("huge.py", &text);
    drop(text);
    repo.add(&["huge.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    let diags = out.diags();
    assert_eq!(diags.len(), 1, "stdout: {}", out.stdout);
    assert_eq!(diags[0].code, "CAN000");
    assert_eq!(diags[0].path, "huge.py");
    assert!(diags[0].rest.contains("64 MiB"), "{}", diags[0].rest);
    let out = repo.concise(&["check", "huge.py"]);
    out.assert_code(0);
    assert_eq!(out.with_code("CAN000").len(), 1);
}

/// A file staged for deletion is gone from the commit: nothing to check, even when
/// its working-tree copy is kept (`git rm --cached`).
#[test]
fn file_staged_for_deletion_is_not_checked() {
    let repo = Repo::std();
    repo.write("gone.py", OLD_IMPORT);
    repo.write("kept.py", OLD_IMPORT);
    repo.commit_all("legacy");
    repo.git(&["rm", "-q", "gone.py"]);
    repo.git(&["rm", "-q", "--cached", "kept.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert!(out.diags().is_empty(), "stdout: {}", out.stdout);
    let out = repo.concise(&["check", "--staged", "--fix"]);
    out.assert_code(0);
    assert_eq!(repo.read_string("kept.py"), OLD_IMPORT);
}

/// `git add -N`: the index holds an empty intent-to-add entry. Nothing of the file is
/// staged yet, so nothing is reported, and `--fix` leaves the unstaged file alone.
#[test]
fn intent_to_add_entry_has_nothing_staged() {
    let repo = Repo::std();
    repo.write("later.py", OLD_IMPORT);
    repo.git(&["add", "-N", "later.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert!(out.diags().is_empty(), "stdout: {}", out.stdout);
    repo.concise(&["check", "--staged", "--fix"]).assert_code(0);
    assert_eq!(repo.read_string("later.py"), OLD_IMPORT);
    // The working tree is another matter: `--changed` sees the new file.
    let out = repo.concise(&["check", "--changed"]);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("later.py", 1, 27)]);
}

/// A detached HEAD is still a HEAD: staged changes are diffed against it.
#[test]
fn detached_head_checks_staged_changes_against_it() {
    let repo = Repo::std();
    repo.write("a.py", "import os\n");
    repo.commit_all("a");
    repo.git(&["checkout", "-q", "--detach"]);
    repo.write("a.py", format!("import os\n{OLD_IMPORT}"));
    repo.add(&["a.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 2, 27)]);
    repo.git(&["commit", "-q", "-m", "detached"]);
    let out = repo.concise(&["check", "--from-ref", "HEAD~1", "--to-ref", "HEAD"]);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 2, 27)]);
    let out = repo.concise(&["check", "--diff-base", "main"]);
    out.assert_code(1);
}

/// A shallow clone whose history does not reach the merge base: `--diff-base` exits 2
/// with one line naming the missing merge base and how to fetch it.
#[test]
fn shallow_clone_without_merge_base_exits_2_clearly() {
    let origin = Repo::std();
    origin.write("a.py", "x = 1\n");
    origin.commit_all("base");
    origin.git(&["checkout", "-q", "-b", "feature"]);
    for n in 0..3 {
        origin.write("a.py", format!("x = {n}\n{OLD_IMPORT}"));
        origin.commit_all("feature work");
    }
    origin.git(&["checkout", "-q", "main"]);
    origin.write("b.py", "y = 1\n");
    origin.commit_all("main work");

    let clone = origin.base.join("shallow");
    let url = format!("file://{}", origin.root.display());
    origin.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "feature",
        &url,
        clone.to_str().unwrap(),
    ]);
    origin.git_in(
        &clone,
        &[
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    assert!(clone.join(".git/shallow").exists());

    let out = Run::new(
        &origin.home(),
        &clone,
        &["check", "--diff-base", "origin/main"],
    )
    .run();
    out.assert_code(2);
    let line = out.one_error_line();
    assert!(line.contains("merge base"), "{line}");
    assert!(line.contains("shallow"), "{line}");
    let out = Run::new(
        &origin.home(),
        &clone,
        &["check", "--diff-base", "no-such-rev"],
    )
    .run();
    out.assert_code(2);
    assert!(out.one_error_line().contains("no-such-rev"));
}

/// `--config` naming a file outside the project: its rules still apply to the files
/// checked (or the run is refused with exit 2); a silent "All checks passed!" that
/// checked nothing is never the answer.
#[test]
fn config_outside_the_project_is_not_a_silent_pass() {
    let repo = Repo::std();
    let config = repo.base.join("shared-canon.yaml");
    fs::write(&config, CONFIG).unwrap();
    repo.write("a.py", OLD_IMPORT);
    let config = config.to_str().unwrap().to_string();
    let out = repo.concise(&["--config", &config, "check", "a.py"]);
    assert_ne!(
        out.code, 0,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    if out.code == 1 {
        assert_eq!(out.with_code("CAN001"), vec![at("a.py", 1, 27)]);
    }
    let out = repo
        .canon(&["--config", &config, "check", "--stdin-filename", "b.py"])
        .stdin(OLD_IMPORT)
        .run();
    assert_ne!(
        out.code, 0,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
}

/// A FIFO named on the command line (or a symlink to a device) is not read, which
/// would wait forever: exit 2 naming it. A walk skips such entries as before.
#[test]
fn named_fifo_or_device_is_refused_without_waiting() {
    let repo = Repo::std();
    repo.write("ok.py", OLD_IMPORT);
    let status = std::process::Command::new("mkfifo")
        .arg(repo.path("pipe.py"))
        .status()
        .expect("run mkfifo");
    assert!(status.success());
    symlink("/dev/zero", repo.path("zero.py")).unwrap();
    for name in ["pipe.py", "zero.py"] {
        let out = repo
            .canon(&["check", name])
            .timeout(std::time::Duration::from_secs(20))
            .run();
        out.assert_code(2);
        assert_eq!(
            out.stderr.trim(),
            format!("canon: error: {name}: not a regular file (a FIFO, socket or device); nothing to check")
        );
    }
    let walked = repo
        .canon(&["check", "--output-format", "concise", "."])
        .timeout(std::time::Duration::from_secs(20))
        .run();
    walked.assert_code(1);
    assert_eq!(
        walked.locs(),
        vec![("ok.py".into(), 1, 27, "CAN001".into())]
    );
}

/// A file name that is not UTF-8 is reported (its bad bytes shown as `\xNN`), and
/// `--fix` reads and writes the file under its real name, in every mode; the other
/// files are fixed too. Two names that differ only in such bytes are two files.
#[test]
fn non_utf8_file_names_are_checked_and_fixed() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let repo = Repo::std();
    let names = [&b"c\xffd.py"[..], &b"c\xfed.py"[..]];
    let write_all = || {
        for name in names {
            fs::write(repo.root.join(OsStr::from_bytes(name)), OLD_IMPORT).unwrap();
        }
        repo.write("z.py", OLD_IMPORT);
    };
    let assert_fixed = |what: &str| {
        for name in names {
            let text = fs::read_to_string(repo.root.join(OsStr::from_bytes(name))).unwrap();
            assert_eq!(text, NEW_IMPORT, "{what}: {name:?}");
        }
        assert_eq!(repo.read_string("z.py"), NEW_IMPORT, "{what}");
    };
    write_all();
    repo.git(&["add", "-A"]);
    let both = vec![
        ("c\\xfed.py".into(), 1, 27, "CAN001".into()),
        ("c\\xffd.py".into(), 1, 27, "CAN001".into()),
        ("z.py".into(), 1, 27, "CAN001".into()),
    ];
    for mode in [&["."][..], &["--staged"][..], &["--changed"][..]] {
        let out = repo.concise(&[&["check"][..], mode].concat());
        out.assert_code(1);
        assert_eq!(out.locs(), both, "{mode:?}");
    }

    // The index keeps the violations until the fixes are staged: exit 1.
    let out = repo.canon(&["check", "--staged", "--fix"]).run();
    out.assert_code(1);
    assert!(!out.stdout.contains("unstaged changes"), "{}", out.stdout);
    assert_fixed("--staged --fix");

    for mode in [&["."][..], &["--changed"][..]] {
        write_all();
        let out = repo.canon(&[&["check", "--fix"][..], mode].concat()).run();
        out.assert_code(0);
        assert!(out.stderr.is_empty(), "{mode:?}: {}", out.stderr);
        assert_fixed(&format!("{mode:?}"));
    }
}

/// A symlink to a directory, named on the command line, is not followed: exit 2 with
/// a message that says so (not that it is a FIFO or a device), for a directory
/// outside the repository and inside it alike.
#[test]
fn named_symlink_to_a_directory_says_it_is_not_followed() {
    let repo = Repo::std();
    let outside = repo.base.join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("mod.py"), OLD_IMPORT).unwrap();
    symlink(&outside, repo.path("sub")).unwrap();
    repo.write("real/mod.py", OLD_IMPORT);
    symlink("real", repo.path("alias")).unwrap();

    let out = repo.canon(&["check", "sub", "--fix"]).run();
    out.assert_code(2);
    assert_eq!(
        out.one_error_line(),
        format!(
            "canon: error: sub: a symlink to a directory outside the repository {}; symlinks are not followed, nothing to check",
            repo.root.display()
        )
    );
    assert_eq!(
        fs::read_to_string(outside.join("mod.py")).unwrap(),
        OLD_IMPORT
    );
    let out = repo.canon(&["check", "alias"]).run();
    out.assert_code(2);
    assert_eq!(
        out.one_error_line(),
        "canon: error: alias: a symlink to a directory; symlinks are not followed: name the directory itself"
    );
}

/// A repository made with `git init --separate-git-dir`: its `.git` is a file linking
/// to a git dir elsewhere. The work tree is the directory holding that file (as git
/// says), so staged violations are reported and `--staged --fix` writes there, never
/// next to the git dir.
#[test]
fn separate_git_dir_work_tree_is_the_directory_holding_the_git_file() {
    let repo = Repo::empty();
    let store = repo.base.join("store");
    let work = repo.base.join("work");
    fs::create_dir_all(&store).unwrap();
    let git_dir = store.join("r.git");
    repo.git_in(
        &repo.base,
        &[
            "init",
            "-q",
            "-b",
            "main",
            "--separate-git-dir",
            git_dir.to_str().unwrap(),
            "work",
        ],
    );
    fs::write(work.join("a.py"), "x = 1\n").unwrap();
    repo.git_in(&work, &["add", "a.py"]);
    repo.git_in(&work, &["commit", "-q", "-m", "init"]);
    let staged = format!("x = 1\n{OLD_IMPORT}");
    fs::write(work.join("a.py"), &staged).unwrap();
    repo.git_in(&work, &["add", "a.py"]);
    let config = repo.base.join("canon.yaml");
    fs::write(&config, CONFIG).unwrap();
    fs::write(store.join("a.py"), &staged).unwrap();
    let config = config.to_str().unwrap().to_string();
    let home = repo.home();

    let concise = ["--output-format", "concise"];
    let out = Run::new(
        &home,
        &work,
        &[&["check", "--config", &config][..], &concise].concat(),
    )
    .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 2, 27)]);
    let out = Run::new(
        &home,
        &work,
        &[&["check", "--config", &config, "a.py"][..], &concise].concat(),
    )
    .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 2, 27)]);

    let out = Run::new(
        &home,
        &work,
        &["check", "--staged", "--fix", "--config", &config],
    )
    .run();
    out.assert_code(1);
    assert_eq!(
        fs::read_to_string(work.join("a.py")).unwrap(),
        format!("x = 1\n{NEW_IMPORT}")
    );
    assert_eq!(fs::read_to_string(store.join("a.py")).unwrap(), staged);
}

/// `GIT_DIR` and `GIT_WORK_TREE` name the repository and its work tree, as they do
/// for git, wherever canon runs; without them the working directory's repository is
/// used.
#[test]
fn git_dir_and_git_work_tree_select_the_repository() {
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    repo.commit_all("a");
    repo.write("a.py", format!("x = 1\n{OLD_IMPORT}"));
    repo.add(&["a.py"]);
    let elsewhere = repo.base.join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join(".canon.yaml"), CONFIG).unwrap();
    let home = repo.home();
    let concise = ["check", "--output-format", "concise"];

    let out = Run::new(&home, &elsewhere, &concise)
        .env("GIT_DIR", repo.path(".git"))
        .env("GIT_WORK_TREE", &repo.root)
        .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 2, 27)]);

    // Relative values are relative to the working directory, as for git.
    let out = Run::new(&home, &elsewhere, &concise)
        .env("GIT_DIR", "../repo/.git")
        .env("GIT_WORK_TREE", "../repo")
        .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 2, 27)]);

    // GIT_DIR alone: the working directory is the top of the work tree.
    let out = Run::new(&home, &repo.root, &concise)
        .env("GIT_DIR", ".git")
        .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 2, 27)]);

    let out = Run::new(&home, &elsewhere, &concise).run();
    out.assert_code(2);
    assert!(
        out.one_error_line().contains("not a git repository"),
        "{}",
        out.stderr
    );
}

/// canon checks `.py`/`.pyi` files only: a script without that extension named on the
/// command line is not checked, and one note on stderr says so (the exit status is
/// that of the files checked).
#[test]
fn named_file_that_is_not_py_or_pyi_gets_a_note() {
    let repo = Repo::std();
    repo.write("bin/tool", format!("#!/usr/bin/env python3\n{OLD_IMPORT}"));
    repo.write("a.py", OLD_IMPORT);

    let out = repo.concise(&["check", "bin/tool"]);
    out.assert_code(0);
    assert_eq!(
        out.one_error_line(),
        "canon: bin/tool: not checked; canon checks only .py and .pyi files"
    );
    let out = repo.concise(&["check", "bin/tool", "a.py"]);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 1, 27)]);
    assert_eq!(
        out.one_error_line(),
        "canon: bin/tool: not checked; canon checks only .py and .pyi files"
    );
    // A directory walk takes .py/.pyi files without a word about the others.
    let out = repo.concise(&["check", "bin"]);
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

/// `--changed --stdin-filename` with `core.autocrlf=true`: the editor's CRLF buffer is
/// compared with the LF blob in HEAD line by line, a line ending `\r\n` equal to `\n`,
/// so an untouched legacy line is not reported and an added one is.
#[test]
fn changed_stdin_buffer_with_crlf_judges_only_the_edited_lines() {
    let repo = Repo::std();
    repo.write("a.py", format!("{OLD_IMPORT}x = 1\n"));
    repo.commit_all("legacy");
    repo.git(&["config", "core.autocrlf", "true"]);
    let crlf = |text: &str| text.replace('\n', "\r\n");

    let buffer = crlf(&format!("{OLD_IMPORT}x = 1\ny = 2\n"));
    let out = repo
        .canon(&["check", "--changed", "--stdin-filename", "a.py"])
        .stdin(buffer)
        .run();
    out.assert_code(0);

    let buffer = crlf(&format!("{OLD_IMPORT}x = 1\n{OLD_IMPORT}"));
    let out = repo
        .canon(&[
            "check",
            "--changed",
            "--stdin-filename",
            "a.py",
            "--output-format",
            "concise",
        ])
        .stdin(buffer)
        .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("a.py", 3, 27)]);
}

/// Gives `dir` and everything under it to `uid` (symlinks themselves, not their
/// targets). False when that is not allowed (canon's tests not run as root).
fn chown_tree(dir: &std::path::Path, uid: u32) -> bool {
    if std::os::unix::fs::lchown(dir, Some(uid), None).is_err() {
        return false;
    }
    fs::read_dir(dir).unwrap().all(|entry| {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            chown_tree(&entry.path(), uid)
        } else {
            std::os::unix::fs::lchown(entry.path(), Some(uid), None).is_ok()
        }
    })
}

/// A repository that belongs to another user is refused by git ("dubious ownership",
/// a checkout mounted into a container that runs as another uid) until it is listed
/// in `safe.directory`. canon refuses it too, in every mode, with exit 2 and one line
/// that says so and names the command that allows it, not "not a git repository".
#[test]
fn repository_owned_by_another_user_is_refused_with_the_safe_directory_advice() {
    let repo = Repo::std();
    repo.write("a.py", OLD_IMPORT).add(&["a.py"]);
    let nobody = 65534;
    if !chown_tree(&repo.root, nobody) {
        eprintln!("skipped: cannot give the repository to another user (needs root)");
        return;
    }
    assert!(!repo.git_status(&["status"]), "git accepts the repository");
    let root = repo.root.display();
    let expected = format!(
        "canon: error: {root}: the repository is owned by someone else (git: \"detected dubious ownership\"); if you trust it, allow it with `git config --global --add safe.directory {root}`"
    );
    for args in [
        vec!["check"],
        vec!["check", "--staged"],
        vec!["check", "--changed"],
        vec!["check", "a.py"],
        vec!["install-hook"],
    ] {
        let out = repo.canon(&args).run();
        out.assert_code(2);
        assert_eq!(out.one_error_line(), expected, "{args:?}");
    }
    assert!(!repo.path(".git/hooks/pre-commit").exists());

    let root = repo.root.to_str().unwrap();
    repo.git_in(
        &repo.base,
        &["config", "--global", "--add", "safe.directory", root],
    );
    repo.canon(&["check", "--staged"]).run().assert_code(1);
}

/// `--changed --stdin-filename` for a file committed with a UTF-8 BOM: editors keep
/// the BOM as a file option (Vim's `'bomb'`) and send the buffer without it, and a
/// buffer may have one that the blob lacks. Either way line 1 is not changed by it:
/// its legacy violation is not reported, a violation added below is.
#[test]
fn changed_stdin_buffer_with_or_without_a_bom_judges_only_the_edited_lines() {
    const BOM: &str = "\u{feff}";
    let legacy = format!("{OLD_IMPORT}x = 1\n");
    for (committed, buffer_bom) in [(format!("{BOM}{legacy}"), ""), (legacy.clone(), BOM)] {
        let repo = Repo::std();
        repo.write("a.py", &committed);
        repo.commit_all("legacy");
        let check = |buffer: String| {
            repo.canon(&[
                "check",
                "--changed",
                "--stdin-filename",
                "a.py",
                "--output-format",
                "concise",
            ])
            .stdin(buffer)
            .run()
        };
        let out = check(format!("{buffer_bom}{legacy}y = 2\n"));
        out.assert_code(0);
        assert_eq!(out.stdout, "", "buffer BOM {buffer_bom:?}");
        let out = check(format!("{buffer_bom}{legacy}{OLD_IMPORT}"));
        out.assert_code(1);
        assert_eq!(out.with_code("CAN001"), vec![at("a.py", 3, 27)]);
    }
}
