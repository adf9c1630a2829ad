//! A failing stdout or stderr never makes canon panic. A full stdout is one line on
//! stderr and exit status 2, whatever the command; a reader that goes away (a broken
//! pipe) ends the output quietly with the exit status unchanged; a failing stderr
//! changes nothing but the messages lost.

use crate::common::{Repo, Sink, NEW_IMPORT, OLD_IMPORT};

/// What every command says when its stdout is `/dev/full`.
const FULL: &str = "canon: error: cannot write output: No space left on device";

/// A config of `count` import rules, `r0` to `r{count - 1}`.
fn many_rules(count: usize) -> String {
    let mut config = String::from("version: 1\nrules:\n");
    for index in 0..count {
        config.push_str(&format!(
            "  - id: r{index}\n    kind: import\n    canonical: pkg.new{index}\n    deprecated: [pkg.old{index}]\n"
        ));
    }
    config
}

#[test]
fn a_full_stdout_is_one_error_line_and_exit_2_for_every_command() {
    let repo = Repo::std();
    repo.write("a.py", OLD_IMPORT);
    let commands: [&[&str]; 5] = [
        &["rules"],
        &["rule", "old-utils"],
        &["check", "a.py"],
        &["check", "a.py", "--output-format", "json"],
        &["report"],
    ];
    for args in commands {
        let out = repo.canon(args).stdout_to(Sink::Full).run();
        out.assert_code(2);
        let line = out.one_error_line();
        assert!(line.starts_with(FULL), "{args:?}: {line}");
    }
}

/// `install-hook` and `init` have done their work when they say so: the error line
/// says it is done.
#[test]
fn install_hook_and_init_say_what_they_wrote_when_stdout_is_full() {
    let repo = Repo::std();
    let out = repo.canon(&["install-hook"]).stdout_to(Sink::Full).run();
    out.assert_code(2);
    let line = out.one_error_line();
    assert!(line.starts_with(FULL), "{line}");
    assert!(
        line.contains("canon's pre-commit hook is installed: "),
        "{line}"
    );
    assert!(repo.path(".git/hooks/pre-commit").is_file());

    let bare = Repo::empty();
    let out = bare.canon(&["init"]).stdout_to(Sink::Full).run();
    out.assert_code(2);
    let line = out.one_error_line();
    assert!(line.starts_with(FULL), "{line}");
    assert!(line.ends_with(".canon.yaml is written"), "{line}");
    assert!(bare.path(".canon.yaml").is_file());
}

/// `canon rules | head -1`: more output than a pipe holds, and its reader gone.
#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let repo = Repo::with_config(&many_rules(3000));
    let out = repo.canon(&["rules"]).stdout_to(Sink::Closed).run();
    out.assert_code(0);
    assert_eq!(out.stderr, "");

    let repo = Repo::std();
    repo.write("a.py", OLD_IMPORT.repeat(5000));
    for format in ["concise", "human", "json"] {
        let out = repo
            .canon(&["check", "a.py", "--output-format", format])
            .stdout_to(Sink::Closed)
            .run();
        out.assert_code(1);
        assert_eq!(out.stderr, "", "{format}");
    }
}

#[test]
fn an_unwritable_stderr_leaves_the_exit_status_alone() {
    let repo = Repo::std();
    let full_stderr = |args: &[&str]| repo.canon(args).stderr_to(Sink::Full);
    full_stderr(&["check", "missing.py"]).run().assert_code(2);
    full_stderr(&["bogus"]).run().assert_code(2);
    // The fixed source goes to stdout; the findings, to stderr, are lost.
    let out = full_stderr(&["check", "--stdin-filename", "q.py", "--fix"])
        .stdin(OLD_IMPORT)
        .run();
    out.assert_code(0);
    assert_eq!(out.stdout, NEW_IMPORT);
    // The note that a named path is not checked is lost; the finding is printed.
    let out = full_stderr(&[
        "check",
        "--stdin-filename",
        "q.py",
        "other.py",
        "--output-format",
        "concise",
    ])
    .stdin(OLD_IMPORT)
    .run();
    out.assert_code(1);
    assert!(out.stdout.starts_with("q.py:1:"), "{}", out.stdout);
}

/// Makes `dir` refuse new files: read-only for a user, immutable (`chattr +i`) for
/// root, whom permissions do not stop. False where neither is possible.
#[cfg(unix)]
fn lock_directory(dir: &std::path::Path, locked: bool) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
    if root {
        let flag = if locked { "+i" } else { "-i" };
        return std::process::Command::new("chattr")
            .arg(flag)
            .arg(dir)
            .status()
            .is_ok_and(|status| status.success());
    }
    let mode = if locked { 0o555 } else { 0o755 };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).is_ok()
}

/// A write that fails during `--fix` is exit status 2 and one line that names the
/// file and the files already written (each whole: they stay fixed).
#[cfg(unix)]
#[test]
fn a_failed_write_during_fix_names_the_files_already_fixed() {
    let repo = Repo::std();
    repo.write("a/first.py", OLD_IMPORT);
    repo.write("b/second.py", OLD_IMPORT);
    let locked = repo.path("b");
    if !lock_directory(&locked, true) {
        eprintln!("skipped: this file system cannot make a directory refuse new files");
        return;
    }
    let out = repo.canon(&["check", "--fix", "a", "b"]).run();
    lock_directory(&locked, false);
    out.assert_code(2);
    let line = out.one_error_line();
    assert!(line.contains("second.py"), "{line}");
    assert!(
        line.ends_with("fixed before it and written: a/first.py"),
        "{line}"
    );
    assert_eq!(repo.read_string("a/first.py"), NEW_IMPORT);
    assert_eq!(repo.read_string("b/second.py"), OLD_IMPORT);
}
