//! The pre-commit framework, for real: the pinned `pre-commit` release builds canon
//! from a copy of this checkout with `cargo install` (`language: rust`, as
//! `.pre-commit-hooks.yaml` says) and runs its hooks on real commits and pushes.
//!
//! The copy is a git repository of the checkout's files (committed or not), used as
//! the `repo:` of the documented `.pre-commit-config.yaml`. One `PRE_COMMIT_HOME`
//! is shared by the tests of a run, so canon is built once per run; cargo's build
//! directory is kept between runs under `CARGO_TARGET_TMPDIR` to spare the
//! dependencies' rebuild.

use crate::common::*;
use crate::recipes::{commands, recipe, UPSTREAM_TAG, UPSTREAM_URL};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// The pre-commit release the integration is proven with (as `.ci/run` installs it).
const PRE_COMMIT_VERSION: &str = "4.0.1";

/// Where `.ci/run` installs it.
const CI_VENV_BIN: &str = ".ci/.venv/bin";

/// The pinned pre-commit, from `.ci/.venv/bin` or `PATH`, or why there is none.
fn find_pre_commit() -> Result<PathBuf, String> {
    let mut candidates = vec![checkout().join(CI_VENV_BIN).join("pre-commit")];
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|dir| dir.join("pre-commit")));
    }
    let mut others = Vec::new();
    for candidate in candidates {
        if !candidate.is_file() {
            continue;
        }
        let version = std::process::Command::new(&candidate)
            .arg("--version")
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
            .unwrap_or_default();
        if version == format!("pre-commit {PRE_COMMIT_VERSION}") {
            return Ok(candidate);
        }
        others.push(format!("{} ({version:?})", candidate.display()));
    }
    let found = if others.is_empty() {
        "none was found".to_string()
    } else {
        format!("found only {}", others.join(", "))
    };
    Err(format!(
        "these tests need pre-commit {PRE_COMMIT_VERSION} in {CI_VENV_BIN} or on PATH, and {found}. \
         Run .ci/run, or: python3 -m venv .ci/.venv && .ci/.venv/bin/pip install pre-commit=={PRE_COMMIT_VERSION}"
    ))
}

/// What the tests of a run share: the pinned pre-commit, the copy of the checkout
/// and its commit, and the pre-commit store in which canon is built.
struct Framework {
    pre_commit: PathBuf,
    snapshot: PathBuf,
    rev: String,
    store: PathBuf,
    cargo_target: PathBuf,
}

static FRAMEWORK: OnceLock<Result<Framework, String>> = OnceLock::new();

/// The shared setup, made (and canon built by pre-commit) by the first test to ask.
fn framework() -> &'static Framework {
    match FRAMEWORK.get_or_init(set_up) {
        Ok(framework) => framework,
        Err(message) => panic!("{message}"),
    }
}

fn set_up() -> Result<Framework, String> {
    let pre_commit = find_pre_commit()?;
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit");
    remove_stale_runs(&base);
    let run = base.join(format!("run-{}", std::process::id()));
    let _ = fs::remove_dir_all(&run);
    fs::create_dir_all(&run).map_err(|error| format!("{}: {error}", run.display()))?;
    let cargo_target = base.join("cargo-target");
    let sb = Sandbox::at(&run, path_without_canon());
    let snapshot = run.join("canon-checkout");
    let rev = copy_checkout(&sb, &snapshot);
    let framework = Framework {
        pre_commit,
        snapshot,
        rev,
        store: run.join("pre-commit-home"),
        cargo_target,
    };
    // Build canon into the store now, so that a failure is reported once, with
    // pre-commit's own output.
    let warm = sb.repo("warm-up");
    write(
        &warm.join(".pre-commit-config.yaml"),
        framework.config(false),
    );
    sb.git(&warm, &["add", "-A"]);
    let started = Instant::now();
    let out = framework
        .cmd(&sb, &warm, framework.pre_commit.as_os_str())
        .arg("install-hooks")
        .run();
    if out.code != 0 {
        return Err(format!(
            "pre-commit could not build canon (language: rust):\n{}",
            out.text()
        ));
    }
    eprintln!(
        "pre-commit built canon with cargo install in {:.0?}",
        started.elapsed()
    );
    Ok(framework)
}

/// Removes the directories of earlier runs whose process is gone.
fn remove_stale_runs(base: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("run-") else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Copies the checkout's files (tracked or not, ignored ones left out) into a new
/// repository at `dest`, commits them and returns the commit.
fn copy_checkout(sb: &Sandbox, dest: &Path) -> String {
    let listing = sb.git(
        &checkout(),
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    fs::create_dir_all(dest).unwrap();
    for name in listing.split('\0').filter(|name| !name.is_empty()) {
        let from = checkout().join(name);
        let to = dest.join(name);
        let Ok(metadata) = fs::symlink_metadata(&from) else {
            continue; // deleted in the work tree
        };
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        if metadata.file_type().is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(&from).unwrap(), &to).unwrap();
        } else if metadata.is_file() {
            fs::copy(&from, &to).unwrap_or_else(|error| panic!("copy {}: {error}", from.display()));
        }
    }
    sb.git(dest, &["init", "-q", "-b", "main"]);
    sb.git(dest, &["add", "-A"]);
    sb.git(
        dest,
        &["commit", "-q", "--no-verify", "-m", "canon under test"],
    );
    sb.rev(dest, "HEAD")
}

impl Framework {
    /// The documented `.pre-commit-config.yaml`, installing from the copy of this
    /// checkout; with `fix`, `canon-fix` is used instead of `canon`, as its comment says.
    fn config(&self, fix: bool) -> String {
        let text = recipe("pre-commit-config");
        let rev_line = format!("rev: {UPSTREAM_TAG}");
        assert!(text.contains(UPSTREAM_URL) && text.contains(&rev_line));
        let text = text
            .replace(UPSTREAM_URL, self.snapshot.to_str().unwrap())
            .replace(&rev_line, &format!("rev: {}", self.rev));
        if !fix {
            return text;
        }
        let mut swapped = 0;
        let lines: Vec<String> = text
            .lines()
            .filter_map(|line| {
                let trimmed = line.trim();
                if trimmed.starts_with("# - id: canon-fix") {
                    swapped += 1;
                    None
                } else if trimmed == "- id: canon" {
                    swapped += 1;
                    Some(line.replace("- id: canon", "- id: canon-fix"))
                } else {
                    Some(line.to_string())
                }
            })
            .collect();
        assert_eq!(
            swapped, 2,
            "the pre-commit-config recipe no longer offers canon-fix as a comment"
        );
        lines.join("\n") + "\n"
    }

    /// A command with the run's pre-commit store and cargo build directory, and the
    /// pinned pre-commit first on PATH.
    fn cmd(&self, sb: &Sandbox, cwd: &Path, program: impl AsRef<std::ffi::OsStr>) -> Cmd {
        let mut dirs = vec![self.pre_commit.parent().unwrap().to_path_buf()];
        dirs.extend(std::env::split_paths(sb.path_var()));
        let path: OsString = std::env::join_paths(dirs).unwrap();
        sb.cmd(program, cwd)
            .env("PATH", path)
            .env("PRE_COMMIT_HOME", &self.store)
            .env("CARGO_TARGET_DIR", &self.cargo_target)
    }

    fn git(&self, sb: &Sandbox, cwd: &Path, args: &[&str]) -> Out {
        self.cmd(sb, cwd, "git").args(args).run()
    }

    /// A project that uses canon through the documented config and install command.
    fn project(&self, sb: &Sandbox, name: &str, fix: bool) -> PathBuf {
        let root = sb.project(name);
        write(&root.join(".pre-commit-config.yaml"), self.config(fix));
        sb.git(&root, &["add", ".pre-commit-config.yaml"]);
        sb.git(&root, &["commit", "-q", "--no-verify", "-m", "pre-commit"]);
        for command in commands("pre-commit-install") {
            self.cmd(sb, &root, "sh").args(&["-c", &command]).ok();
        }
        for hook in ["pre-commit", "pre-push"] {
            let text = read(&root.join(".git/hooks").join(hook));
            assert!(
                text.contains("File generated by pre-commit"),
                "pre-commit did not install the {hook} hook"
            );
        }
        root
    }
}

/// Asserts that pre-commit reported hook `name` with `status` (Passed/Failed).
fn assert_hook_status(out: &Out, name: &str, status: &str) {
    // git shows a commit hook's output on stderr, a push hook's on stdout.
    let found = out.stdout.lines().chain(out.stderr.lines()).any(|line| {
        line.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('.') && rest.trim_end().ends_with(status))
    });
    assert!(
        found,
        "pre-commit did not report {name}: {status}\n{}",
        out.text()
    );
}

#[test]
fn the_manifest_declares_the_three_hooks_and_pre_commit_accepts_it_and_the_recipe() {
    let pre_commit = find_pre_commit().unwrap_or_else(|message| panic!("{message}"));
    let sb = Sandbox::without_canon();
    sb.cmd(&pre_commit, &checkout())
        .args(&["validate-manifest", ".pre-commit-hooks.yaml"])
        .ok();
    let config = sb.base.join("pre-commit-config.yaml");
    write(&config, recipe("pre-commit-config"));
    sb.cmd(&pre_commit, &sb.base)
        .arg("validate-config")
        .arg(&config)
        .ok();

    let manifest: serde_yaml::Value =
        serde_yaml::from_str(&read(&checkout().join(".pre-commit-hooks.yaml"))).unwrap();
    let hooks = manifest.as_sequence().expect("a list of hooks");
    let field = |hook: &serde_yaml::Value, key: &str| hook.get(key).cloned();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["canon", "canon-fix", "canon-push"]);
    let strings = |value: Option<serde_yaml::Value>| -> Vec<String> {
        value
            .and_then(|v| v.as_sequence().cloned())
            .unwrap_or_default()
            .iter()
            .map(|item| item.as_str().unwrap().to_string())
            .collect()
    };
    for hook in hooks {
        let id = hook["id"].as_str().unwrap();
        assert_eq!(hook["language"].as_str(), Some("rust"), "{id}");
        assert_eq!(
            strings(field(hook, "types_or")),
            ["python", "pyi"],
            "{id} file types"
        );
        // identify calls an extension-less script with a Python shebang `python`;
        // canon checks only .py/.pyi files, so the hooks select only those.
        let files = hook["files"].as_str().unwrap_or_default();
        assert_eq!(files, r"\.pyi?$", "{id} files");
        let files = regex::Regex::new(files).unwrap();
        for (name, selected) in [("a.py", true), ("pkg/b.pyi", true), ("bin/tool", false)] {
            assert_eq!(files.is_match(name), selected, "{id} selects {name}");
        }
        let stages = strings(field(hook, "stages"));
        let entry = hook["entry"].as_str().unwrap();
        match id {
            "canon" => {
                assert_eq!(entry, "canon check --staged");
                assert!(stages.contains(&"pre-commit".to_string()));
                assert!(!stages.contains(&"pre-push".to_string()));
            }
            "canon-fix" => {
                assert_eq!(entry, "canon check --staged --fix");
                assert!(stages.contains(&"pre-commit".to_string()));
                assert!(!stages.contains(&"pre-push".to_string()));
            }
            _ => {
                // The range comes from PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF.
                assert_eq!(entry, "canon check");
                assert_eq!(stages, ["pre-push"]);
            }
        }
    }
}

#[test]
fn the_canon_hook_blocks_a_new_deprecated_import_with_its_fix_and_passes_legacy_edits() {
    let fw = framework();
    let sb = Sandbox::without_canon();
    let root = fw.project(&sb, "repo", false);

    // Only other lines of a file with a legacy violation: the commit goes through.
    let edited = LEGACY.replace(
        "return helper(os.getcwd())",
        "return helper(os.getcwd(), 1)",
    );
    write(&root.join("app.py"), &edited);
    sb.git(&root, &["add", "app.py"]);
    let out = fw.git(&sb, &root, &["commit", "-m", "edits a legacy file"]);
    out.assert_code(0);
    assert_hook_status(&out, "canon", "Passed");
    assert_eq!(sb.git(&root, &["show", "HEAD:app.py"]), edited);

    // A new deprecated import: blocked, the fix printed, nothing written.
    let added = format!("{edited}{NEW_IMPORT}\n");
    write(&root.join("app.py"), &added);
    sb.git(&root, &["add", "app.py"]);
    let head = sb.rev(&root, "HEAD");
    let out = fw.git(&sb, &root, &["commit", "-m", "adds a deprecated import"]);
    assert_ne!(out.code, 0, "the commit was not blocked\n{}", out.text());
    assert_hook_status(&out, "canon", "Failed");
    out.assert_shows(&expected().concise("app.py"))
        .assert_shows(FIX_LINE)
        .assert_hides(&format!("app.py:{LEGACY_LINE}:"));
    assert_eq!(sb.rev(&root, "HEAD"), head, "a commit was made");
    assert_eq!(
        read(&root.join("app.py")),
        added,
        "the canon hook wrote a file"
    );
}

#[test]
fn canon_fix_rewrites_the_import_and_the_next_commit_passes() {
    let fw = framework();
    let sb = Sandbox::without_canon();
    let root = fw.project(&sb, "repo", true);
    write(&root.join("app.py"), legacy_plus(NEW_IMPORT));
    sb.git(&root, &["add", "app.py"]);
    let head = sb.rev(&root, "HEAD");
    let out = fw.git(&sb, &root, &["commit", "-m", "adds a deprecated import"]);
    assert_ne!(out.code, 0, "the commit was not blocked\n{}", out.text());
    assert_hook_status(&out, "canon (fix)", "Failed");
    out.assert_shows(FIX_LINE);
    assert_eq!(sb.rev(&root, "HEAD"), head, "a commit was made");
    // The fix is in the working tree, for review; the index still has the violation.
    assert_eq!(read(&root.join("app.py")), legacy_plus(FIXED_IMPORT));
    assert_eq!(sb.git(&root, &["show", ":app.py"]), legacy_plus(NEW_IMPORT));

    sb.git(&root, &["add", "app.py"]);
    let out = fw.git(&sb, &root, &["commit", "-m", "uses the canonical import"]);
    out.assert_code(0);
    assert_hook_status(&out, "canon (fix)", "Passed");
    assert_eq!(
        sb.git(&root, &["show", "HEAD:app.py"]),
        legacy_plus(FIXED_IMPORT)
    );
}

#[test]
fn the_pre_push_hook_checks_the_pushed_commits_range() {
    let fw = framework();
    let sb = Sandbox::without_canon();
    let root = fw.project(&sb, "repo", false);
    let remote = sb.base.join("origin.git");
    sb.git(
        &sb.base,
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            remote.to_str().unwrap(),
        ],
    );
    sb.git(
        &root,
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );
    // A first push sends the root commit: pre-commit passes no range, so canon checks
    // every line of the Python files, legacy violations included (as documented).
    let out = fw.git(&sb, &root, &["push", "origin", "main"]);
    assert_ne!(
        out.code,
        0,
        "the first push was not checked\n{}",
        out.text()
    );
    out.assert_shows(&format!("app.py:{LEGACY_LINE}:"));
    // The remote gets the legacy history.
    sb.git(&root, &["push", "-q", "--no-verify", "origin", "main"]);
    let pushed = sb.rev(&root, "HEAD");

    // Two commits made without the pre-commit hook: a violation, then a clean file.
    write(&root.join("app.py"), legacy_plus(NEW_IMPORT));
    sb.git(&root, &["commit", "-q", "--no-verify", "-am", "violation"]);
    write(&root.join("other.py"), "from pkg.new_utils import helper\n");
    sb.git(&root, &["add", "other.py"]);
    sb.git(&root, &["commit", "-q", "--no-verify", "-m", "clean"]);

    let out = fw.git(&sb, &root, &["push", "origin", "main"]);
    assert_ne!(out.code, 0, "the push was not blocked\n{}", out.text());
    assert_hook_status(&out, "canon (pre-push)", "Failed");
    out.assert_shows(&expected().concise("app.py"))
        .assert_hides(&format!("app.py:{LEGACY_LINE}:"))
        .assert_hides("other.py:");
    assert_eq!(sb.rev(&remote, "main"), pushed, "the remote was updated");

    // The pushed commits are checked, not the working tree.
    write(&root.join("app.py"), legacy_plus(FIXED_IMPORT));
    let out = fw.git(&sb, &root, &["push", "origin", "main"]);
    assert_ne!(
        out.code,
        0,
        "an uncommitted fix let the push through\n{}",
        out.text()
    );
    assert_eq!(sb.rev(&remote, "main"), pushed, "the remote was updated");

    sb.git(&root, &["commit", "-q", "--no-verify", "-am", "fix"]);
    let out = fw.git(&sb, &root, &["push", "origin", "main"]);
    out.assert_code(0);
    assert_hook_status(&out, "canon (pre-push)", "Passed");
    assert_eq!(sb.rev(&remote, "main"), sb.rev(&root, "HEAD"));

    // A new branch: the range starts where it leaves what the remote has.
    sb.git(&root, &["checkout", "-q", "-b", "feature"]);
    write(&root.join("feature.py"), format!("{NEW_IMPORT}\n"));
    sb.git(&root, &["add", "feature.py"]);
    sb.git(&root, &["commit", "-q", "--no-verify", "-m", "feature"]);
    let out = fw.git(&sb, &root, &["push", "origin", "feature"]);
    assert_ne!(out.code, 0, "the push was not blocked\n{}", out.text());
    let e = expected();
    out.assert_shows(&format!("feature.py:1:{}: {}", e.col, e.text()))
        .assert_hides("app.py:");
    let branches = sb.git(&remote, &["branch", "--list", "feature"]);
    assert!(branches.trim().is_empty(), "the branch was pushed");
}
