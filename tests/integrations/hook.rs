//! `canon install-hook` and `hooks/pre-commit` with real `git commit`s: where the hook
//! goes (`.git/hooks`, `core.hooksPath`, linked worktrees, submodules), what happens
//! to a hook that is already there, and the hook blocking and then passing commits.

use crate::common::*;
use crate::recipes::commands;
use std::fs;
use std::path::Path;

/// The hook script canon installs.
fn script() -> String {
    read(&checkout().join("hooks/pre-commit"))
}

/// Runs the `git-hook` recipe in `cwd`.
fn install_by_recipe(sb: &Sandbox, cwd: &Path) -> Out {
    let commands = commands("git-hook");
    assert_eq!(
        commands,
        ["canon install-hook"],
        "the git-hook recipe changed"
    );
    sb.cmd("sh", cwd).args(&["-c", &commands[0]]).run()
}

fn commit(sb: &Sandbox, cwd: &Path, message: &str) -> Out {
    sb.cmd("git", cwd).args(&["commit", "-m", message]).run()
}

/// Asserts that `hook` is canon's current hook script, executable.
fn assert_canon_hook(hook: &Path) {
    assert_eq!(
        read(hook),
        script(),
        "{} is not canon's hook",
        hook.display()
    );
    #[cfg(unix)]
    assert_eq!(
        mode(hook) & 0o111,
        0o111,
        "{} is not executable",
        hook.display()
    );
}

/// Stages a new deprecated import in `app.py` of `root` and asserts that a real
/// `git commit` is blocked with the fix printed.
fn assert_commit_blocked(sb: &Sandbox, root: &Path) {
    write(&root.join("app.py"), legacy_plus(NEW_IMPORT));
    sb.git(root, &["add", "app.py"]);
    let head = sb.rev(root, "HEAD");
    let out = commit(sb, root, "adds a deprecated import");
    assert_ne!(out.code, 0, "the commit was not blocked\n{}", out.text());
    out.assert_shows(&expected().concise("app.py"))
        .assert_shows(FIX_LINE)
        .assert_hides(&format!("app.py:{LEGACY_LINE}:"));
    assert_eq!(sb.rev(root, "HEAD"), head, "a commit was made");
}

/// Applies the fix as the hook's output suggests, stages it, and asserts that the
/// commit now goes through with the canonical import.
fn assert_fixed_commit_passes(sb: &Sandbox, root: &Path) {
    let fix = sb.canon(root, &["check", "--staged", "--fix"]);
    fix.assert_code(1);
    assert_eq!(read(&root.join("app.py")), legacy_plus(FIXED_IMPORT));
    sb.git(root, &["add", "app.py"]);
    let head = sb.rev(root, "HEAD");
    commit(sb, root, "uses the canonical import").assert_code(0);
    assert_ne!(sb.rev(root, "HEAD"), head, "no commit was made");
    assert_eq!(
        sb.git(root, &["show", "HEAD:app.py"]),
        legacy_plus(FIXED_IMPORT)
    );
}

/// Changes only a line of `app.py` away from its legacy violation and asserts that
/// the commit goes through.
fn assert_legacy_edit_passes(sb: &Sandbox, root: &Path) {
    let current = read(&root.join("app.py"));
    let edited = current.replace(
        "return helper(os.getcwd())",
        "return helper(os.getcwd(), 1)",
    );
    assert_ne!(edited, current);
    write(&root.join("app.py"), &edited);
    sb.git(root, &["add", "app.py"]);
    let head = sb.rev(root, "HEAD");
    commit(sb, root, "edits other lines of a legacy file").assert_code(0);
    assert_ne!(sb.rev(root, "HEAD"), head, "no commit was made");
}

#[test]
fn the_recipe_installs_an_executable_hook_that_blocks_then_passes_real_commits() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    let out = install_by_recipe(&sb, &root);
    out.assert_code(0);
    let hook = root.join(".git/hooks/pre-commit");
    out.assert_shows(&hook.display().to_string());
    assert_canon_hook(&hook);
    assert_legacy_edit_passes(&sb, &root);
    assert_commit_blocked(&sb, &root);
    assert_fixed_commit_passes(&sb, &root);
}

#[test]
fn the_hook_runs_the_program_named_by_canon_and_blocks_when_there_is_none() {
    let sb = Sandbox::without_canon();
    let root = sb.project("repo");
    sb.canon(&root, &["install-hook"]).assert_code(0).assert_shows(
        "`canon` is not on PATH here; the hook runs `canon` from PATH, or the program named by $CANON",
    );
    write(&root.join("app.py"), legacy_plus(NEW_IMPORT));
    sb.git(&root, &["add", "app.py"]);
    let head = sb.rev(&root, "HEAD");

    let out = commit(&sb, &root, "no canon anywhere");
    assert_eq!(out.code, 1, "{}", out.text());
    out.assert_shows("canon is not on PATH; commit blocked");

    let missing = sb.base.join("missing/canon");
    let out = sb
        .cmd("git", &root)
        .args(&["commit", "-m", "CANON names nothing"])
        .env("CANON", &missing)
        .run();
    assert_eq!(out.code, 1, "{}", out.text());
    out.assert_shows(&format!(
        "CANON={} is not an executable file; commit blocked",
        missing.display()
    ));

    let out = sb
        .cmd("git", &root)
        .args(&["commit", "-m", "CANON names canon"])
        .env("CANON", canon_exe())
        .run();
    assert_eq!(out.code, 1, "{}", out.text());
    out.assert_shows(FIX_LINE);
    assert_eq!(sb.rev(&root, "HEAD"), head, "a commit was made");

    write(&root.join("app.py"), legacy_plus(FIXED_IMPORT));
    sb.git(&root, &["add", "app.py"]);
    sb.cmd("git", &root)
        .args(&["commit", "-m", "fixed"])
        .env("CANON", canon_exe())
        .ok();
    assert_ne!(sb.rev(&root, "HEAD"), head, "no commit was made");
}

#[test]
fn a_relative_core_hooks_path_is_resolved_from_the_work_tree_root() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    sb.git(&root, &["config", "core.hooksPath", ".githooks"]);
    fs::create_dir_all(root.join("pkg/sub")).unwrap();
    let out = install_by_recipe(&sb, &root.join("pkg/sub"));
    out.assert_code(0);
    let hook = root.join(".githooks/pre-commit");
    out.assert_shows(&hook.display().to_string());
    assert_canon_hook(&hook);
    assert!(!root.join("pkg/sub/.githooks").exists());
    assert!(!root.join(".git/hooks/pre-commit").exists());
    assert_commit_blocked(&sb, &root);
    assert_fixed_commit_passes(&sb, &root);
}

#[test]
fn a_core_hooks_path_from_the_global_config_is_honoured() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    let hooks = sb.base.join("shared hooks");
    write(
        &sb.home.join(".gitconfig"),
        format!("[core]\n\thooksPath = {}\n", hooks.display()),
    );
    install_by_recipe(&sb, &root).assert_code(0);
    assert_canon_hook(&hooks.join("pre-commit"));
    assert!(!root.join(".git/hooks/pre-commit").exists());
    assert_commit_blocked(&sb, &root);
}

#[test]
fn a_linked_worktree_gets_the_hook_of_the_common_git_dir() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    let worktree = sb.base.join("feature-worktree");
    sb.git(
        &root,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            worktree.to_str().unwrap(),
        ],
    );
    let out = install_by_recipe(&sb, &worktree);
    out.assert_code(0);
    let hook = root.join(".git/hooks/pre-commit");
    assert_canon_hook(&hook);
    assert!(
        !root.join(".git/worktrees/feature-worktree/hooks").exists(),
        "the hook went into the worktree's private git dir"
    );
    // Both the linked worktree and the main one run it.
    assert_commit_blocked(&sb, &worktree);
    assert_fixed_commit_passes(&sb, &worktree);
    assert_commit_blocked(&sb, &root);
}

#[test]
fn a_submodule_gets_the_hook_of_its_own_git_dir() {
    let sb = Sandbox::new();
    let library = sb.project("library");
    let outer = sb.repo("outer");
    write(&outer.join("README"), "outer\n");
    sb.git(&outer, &["add", "README"]);
    sb.git(&outer, &["commit", "-q", "-m", "outer"]);
    sb.git(
        &outer,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            library.to_str().unwrap(),
            "lib",
        ],
    );
    sb.git(&outer, &["commit", "-q", "-m", "adds lib"]);
    let sub = outer.join("lib");
    let out = install_by_recipe(&sb, &sub);
    out.assert_code(0);
    let hook = outer.join(".git/modules/lib/hooks/pre-commit");
    out.assert_shows(&hook.display().to_string());
    assert_canon_hook(&hook);
    assert!(!outer.join(".git/hooks/pre-commit").exists());
    assert!(!library.join(".git/hooks/pre-commit").exists());
    assert_commit_blocked(&sb, &sub);
    assert_fixed_commit_passes(&sb, &sub);
}

#[test]
fn a_foreign_hook_is_kept_and_reported_with_exit_status_1() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    let hook = root.join(".git/hooks/pre-commit");
    let foreign = "#!/bin/sh\n# the team's own checks\nexit 0\n";
    write(&hook, foreign);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&hook, fs::Permissions::from_mode(0o750)).unwrap();
    }
    let out = install_by_recipe(&sb, &root);
    out.assert_code(1);
    assert!(out.stdout.is_empty(), "{}", out.text());
    assert!(
        out.stderr.contains(&hook.display().to_string())
            && out.stderr.contains("kept the existing pre-commit hook")
            && out.stderr.contains("canon install-hook --force"),
        "{}",
        out.text()
    );
    assert_eq!(read(&hook), foreign);
    #[cfg(unix)]
    assert_eq!(mode(&hook), 0o750);
    let names: Vec<String> = fs::read_dir(root.join(".git/hooks"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("canon"))
        .collect();
    assert!(names.is_empty(), "files written: {names:?}");

    // The pre-commit framework's hook is recognised and the right way pointed to.
    let framework = "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n# ID: 138fd403232d2ddd5efb44317e38bf03\nexit 0\n";
    write(&hook, framework);
    let out = sb.canon(&root, &["install-hook"]);
    out.assert_code(1);
    assert!(
        out.stderr.contains(".pre-commit-config.yaml"),
        "{}",
        out.text()
    );
    assert_eq!(read(&hook), framework);
}

#[test]
fn force_replaces_a_foreign_hook_after_a_backup_and_never_overwrites_a_backup() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    let hooks = root.join(".git/hooks");
    let hook = hooks.join("pre-commit");
    let first = "#!/bin/sh\necho first foreign hook\n";
    let earlier_backup = "#!/bin/sh\necho a backup made by someone else\n";
    write(&hook, first);
    write(&hooks.join("pre-commit.canon-backup"), earlier_backup);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    }

    let out = sb.canon(&root, &["install-hook", "--force"]);
    out.assert_code(0);
    let backup = hooks.join("pre-commit.canon-backup.1");
    out.assert_shows(&backup.display().to_string());
    assert_eq!(read(&hooks.join("pre-commit.canon-backup")), earlier_backup);
    assert_eq!(read(&backup), first);
    #[cfg(unix)]
    assert_eq!(mode(&backup), 0o755);
    assert_canon_hook(&hook);

    let second = "#!/bin/sh\necho second foreign hook\n";
    write(&hook, second);
    sb.canon(&root, &["install-hook", "--force"])
        .assert_code(0)
        .assert_shows("pre-commit.canon-backup.2");
    assert_eq!(read(&hooks.join("pre-commit.canon-backup")), earlier_backup);
    assert_eq!(read(&backup), first);
    assert_eq!(read(&hooks.join("pre-commit.canon-backup.2")), second);
    assert_canon_hook(&hook);

    // --force over canon's own hook makes no backup.
    sb.canon(&root, &["install-hook", "--force"]).assert_code(0);
    assert!(!hooks.join("pre-commit.canon-backup.3").exists());
    assert_commit_blocked(&sb, &root);
}

#[cfg(unix)]
#[test]
fn force_keeps_a_symlinked_foreign_hook_as_a_symlink_and_its_target_untouched() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    let target = sb.base.join("team-hooks/pre-commit");
    let foreign = "#!/bin/sh\nexit 0\n";
    write(&target, foreign);
    let hook = root.join(".git/hooks/pre-commit");
    std::os::unix::fs::symlink(&target, &hook).unwrap();
    sb.canon(&root, &["install-hook"]).assert_code(1);
    assert_eq!(fs::read_link(&hook).unwrap(), target);

    sb.canon(&root, &["install-hook", "--force"]).assert_code(0);
    let backup = root.join(".git/hooks/pre-commit.canon-backup");
    assert_eq!(fs::read_link(&backup).unwrap(), target);
    assert_eq!(read(&target), foreign);
    assert!(!fs::symlink_metadata(&hook)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_canon_hook(&hook);
}

/// The names of the backups canon made in `hooks`.
fn backups(hooks: &Path) -> Vec<String> {
    fs::read_dir(hooks)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("canon-backup"))
        .collect()
}

#[test]
fn reinstalling_updates_canons_own_hook_without_a_backup() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    let hook = root.join(".git/hooks/pre-commit");
    // canon's hook, unmodified but not executable, with CRLF line endings, and the
    // script an earlier canon installed.
    let earlier = read(&checkout().join("hooks/previous/pre-commit.1"));
    for installed in [script(), script().replace('\n', "\r\n"), earlier] {
        write(&hook, &installed);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&hook, fs::Permissions::from_mode(0o644)).unwrap();
        }
        sb.canon(&root, &["install-hook"])
            .assert_code(0)
            .assert_shows("Updated canon's pre-commit hook");
        assert_canon_hook(&hook);
        sb.canon(&root, &["install-hook"])
            .assert_code(0)
            .assert_shows("already up to date");
        assert_canon_hook(&hook);
    }
    assert_eq!(backups(&root.join(".git/hooks")), Vec::<String>::new());
}

/// A hook that carries canon's marker line but is not canon's hook as installed
/// (canon's hook with a step added, a multi-tool hook with canon's lines) holds the
/// user's work: it is kept like any foreign hook, and `--force` backs it up.
#[test]
fn a_hook_that_only_carries_canons_marker_is_kept_and_replaced_only_with_force() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    let hooks = root.join(".git/hooks");
    let hook = hooks.join("pre-commit");
    let multi_tool = "#!/bin/sh\n# runs several tools; canon runs last\nflake8 || exit 1\n# canon pre-commit hook\ncanon check --staged\n";
    let extended = script().replace("exec ", "black --check . || exit 1\nexec ");
    assert_ne!(extended, script());
    for (number, user_hook) in [multi_tool.to_string(), extended].iter().enumerate() {
        write(&hook, user_hook);
        let out = sb.canon(&root, &["install-hook"]);
        out.assert_code(1);
        assert!(
            out.stderr.contains("kept the existing pre-commit hook")
                && out
                    .stderr
                    .contains("differs from every hook canon installs")
                && out.stderr.contains("canon install-hook --force"),
            "{}",
            out.text()
        );
        assert_eq!(&read(&hook), user_hook);
        assert_eq!(backups(&hooks).len(), number);

        let out = sb.canon(&root, &["install-hook", "--force"]);
        out.assert_code(0)
            .assert_shows("Backed up the existing pre-commit hook");
        let backup = match number {
            0 => hooks.join("pre-commit.canon-backup"),
            n => hooks.join(format!("pre-commit.canon-backup.{n}")),
        };
        assert_eq!(&read(&backup), user_hook);
        assert_canon_hook(&hook);
    }
}

#[test]
fn no_hook_is_written_outside_a_work_tree() {
    let sb = Sandbox::new();
    let plain = sb.base.join("plain");
    fs::create_dir_all(&plain).unwrap();
    let out = sb.canon(&plain, &["install-hook"]);
    out.assert_code(2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.text());
    assert!(
        out.stderr.contains("not a git repository"),
        "{}",
        out.text()
    );
    assert!(fs::read_dir(&plain).unwrap().next().is_none());

    let bare = sb.base.join("bare.git");
    sb.git(&sb.base, &["init", "-q", "--bare", bare.to_str().unwrap()]);
    let out = sb.canon(&bare, &["install-hook"]);
    out.assert_code(2);
    assert!(out.stderr.contains("bare repository"), "{}", out.text());
    assert!(!bare.join("hooks/pre-commit").exists());
}

/// `git commit -a` and `git commit PATH` stage into a temporary index that git names
/// in `GIT_INDEX_FILE` for the hook; the staged content is in that index.
#[test]

fn commit_all_and_commit_with_paths_are_checked() {
    let sb = Sandbox::new();
    let root = sb.project("repo");
    sb.canon(&root, &["install-hook"]).assert_code(0);
    write(&root.join("app.py"), legacy_plus(NEW_IMPORT));
    let head = sb.rev(&root, "HEAD");
    let out = sb
        .cmd("git", &root)
        .args(&["commit", "-a", "-m", "all"])
        .run();
    assert_ne!(out.code, 0, "git commit -a was not blocked\n{}", out.text());
    out.assert_shows(FIX_LINE);
    let out = sb
        .cmd("git", &root)
        .args(&["commit", "-m", "path", "app.py"])
        .run();
    assert_ne!(
        out.code,
        0,
        "git commit PATH was not blocked\n{}",
        out.text()
    );
    out.assert_shows(FIX_LINE);
    assert_eq!(sb.rev(&root, "HEAD"), head, "a commit was made");
}

/// A "dotfiles" repository: a bare git dir used with `git --git-dir=… --work-tree=…`.
/// git exports `GIT_DIR` and `GIT_WORK_TREE` to the hook; canon finds the repository
/// through them, so a clean commit goes through and a deprecated import is blocked.
#[test]
fn hook_of_a_bare_git_dir_used_with_a_work_tree_checks_the_commit() {
    let sb = Sandbox::new();
    let git_dir = sb.base.join("dot.git");
    let work = sb.base.join("dotwt");
    sb.git(&sb.base, &["init", "-q", "--bare", "dot.git"]);
    fs::create_dir_all(&work).unwrap();
    let dot_git = |args: &[&str]| {
        let mut all = vec!["--git-dir=../dot.git", "--work-tree=."];
        all.extend_from_slice(args);
        sb.cmd("git", &work).args(&all).run()
    };
    dot_git(&["config", "commit.gpgsign", "false"]).assert_code(0);
    write(&work.join(".canon.yaml"), CONFIG);
    write(&work.join("app.py"), LEGACY);
    dot_git(&["add", "-A"]).assert_code(0);
    dot_git(&["commit", "-q", "-m", "legacy code"]).assert_code(0);
    let hooks = git_dir.join("hooks");
    fs::create_dir_all(&hooks).unwrap();
    fs::copy(
        checkout().join("hooks/pre-commit"),
        hooks.join("pre-commit"),
    )
    .unwrap();

    write(&work.join("app.py"), legacy_plus("x = 1"));
    dot_git(&["add", "app.py"]).assert_code(0);
    dot_git(&["commit", "-q", "-m", "clean change"]).assert_code(0);

    write(&work.join("app.py"), legacy_plus(NEW_IMPORT));
    dot_git(&["add", "app.py"]).assert_code(0);
    let out = dot_git(&["commit", "-q", "-m", "adds a deprecated import"]);
    assert_ne!(out.code, 0, "the commit was not blocked\n{}", out.text());
    out.assert_shows(&expected().concise("app.py"));
    out.assert_shows(FIX_LINE);
}
