//! Output is data an attacker may control (file names, source lines): it must never
//! reach a terminal or a CI log as raw control sequences, JSON and SARIF must stay
//! valid, `--fix` must stay inside the repository, and a config cannot make canon
//! compile an unbounded regex.

use crate::common::{Repo, CONFIG, OLD_IMPORT};
use std::fs;

/// A file name with an ANSI escape, a bell, a carriage return and a bidi override;
/// the flagged line carries an escape sequence in a trailing comment.
const EVIL_NAME: &str = "evil\x1b[31mred\x07\r\u{202e}gnp.py";
const EVIL_LINE: &str = "from pkg.old_utils import helper  # \x1b]0;owned\x07\x1b[2J\n";

fn evil_repo() -> Repo {
    let repo = Repo::with_config(&format!(
        "{CONFIG}  - id: hosts\n    kind: pattern\n    regex: 'localhost'\n    scope: string\n"
    ));
    repo.write(
        EVIL_NAME,
        format!("{EVIL_LINE}url = 'localhost\x1b[0m\t\u{0085}'\n"),
    );
    repo.git(&["add", "-A"]);
    repo
}

/// Fails on a raw control character or bidirectional override in `text`; newlines
/// always pass, tabs where `tabs` (canon's own column separators), and bidi controls
/// where `bidi` (JSON: the exact name is data, not terminal text).
fn assert_clean(what: &str, text: &str, tabs: bool, bidi: bool) {
    for (index, c) in text.char_indices() {
        let allowed = c == '\n' || (c == '\t' && tabs);
        let is_bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        assert!(
            allowed || !(c.is_control() || (is_bidi && !bidi)),
            "{what}: raw {c:?} at byte {index} in:\n{}",
            text.escape_debug()
        );
    }
}

fn assert_no_raw_controls(what: &str, text: &str) {
    assert_clean(what, text, false, false);
}

#[test]
fn control_characters_are_escaped_in_line_formats() {
    let repo = evil_repo();
    for format in ["human", "concise", "github"] {
        for extra in [&[][..], &["--statistics"][..], &["--color", "always"][..]] {
            let mut args = vec!["check", "--staged", "--output-format", format];
            args.extend_from_slice(extra);
            let out = repo.canon(&args).run();
            out.assert_code(1);
            assert!(!out.stdout.is_empty(), "{format}: no output");
            let text = if extra.contains(&"always") {
                // Colour codes are canon's own; strip those SGR sequences only.
                strip_sgr(&out.stdout)
            } else {
                out.stdout.clone()
            };
            let tabs = extra.contains(&"--statistics");
            assert_clean(format, &text, tabs, false);
            assert_no_raw_controls(format, &out.stderr);
            if !tabs {
                assert!(out.stdout.contains("evil"), "{format}: {}", out.stdout);
            }
        }
    }
    let out = repo
        .canon(&["check", "--staged", "--output-format", "concise"])
        .run();
    assert_eq!(
        out.stdout.lines().count(),
        2,
        "one line per diagnostic: {}",
        out.stdout
    );
}

/// Removes SGR colour sequences (`ESC [ digits ; m`). The same output without
/// colour is checked for raw escapes, so only canon's own colours can be removed here.
fn strip_sgr(text: &str) -> String {
    let mut result = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("\x1b[") {
        result.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let params = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[params..].starts_with('m') {
            rest = &after[params + 1..];
        } else {
            result.push('\x1b');
            rest = &rest[start + 1..];
        }
    }
    result.push_str(rest);
    result
}

#[test]
fn json_and_sarif_stay_valid_and_exact() {
    let repo = evil_repo();
    let out = repo
        .canon(&["check", "--staged", "--output-format", "json"])
        .run();
    out.assert_code(1);
    assert_clean("json", &out.stdout, false, true);
    let value = out.json();
    let items = value.as_array().unwrap();
    assert_eq!(items.len(), 2);
    for item in items {
        assert_eq!(item["filename"], EVIL_NAME, "the name round-trips exactly");
    }

    let out = repo
        .canon(&["check", "--staged", "--output-format", "sarif"])
        .run();
    out.assert_code(1);
    assert_clean("sarif", &out.stdout, false, true);
    let value = out.json();
    assert_eq!(value["version"], "2.1.0");
    let results = value["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.is_ascii() && !uri.contains('\x1b'), "{uri}");
    }
}

/// The `--diff` output is a unified diff of user text; its file names are escaped too.
#[test]
fn diff_output_escapes_file_names() {
    let repo = evil_repo();
    let out = repo.canon(&["check", "--staged", "--diff"]).run();
    out.assert_code(1);
    let header_lines: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("---") || l.starts_with("+++"))
        .collect();
    assert!(!header_lines.is_empty(), "{}", out.stdout);
    for line in header_lines {
        assert_no_raw_controls("diff header", line);
    }
}

/// Errors that quote user input (a path argument) are escaped too.
#[test]
fn error_messages_escape_user_input() {
    let repo = Repo::std();
    let out = repo.canon(&["check", "no\x1b[2Jsuch\x07.py"]).run();
    out.assert_code(2);
    assert_no_raw_controls("stderr", &out.stderr);
    assert!(out.one_error_line().contains("no"));
}

/// `--fix` writes only regular files inside the repository: a path that leaves it,
/// a symlink and a symlinked parent are refused; the outside world is untouched.
#[test]
fn fix_never_writes_outside_the_repository() {
    let repo = Repo::std();
    let outside = repo.base.join("victim.py");
    fs::write(&outside, OLD_IMPORT).unwrap();
    std::os::unix::fs::symlink(&outside, repo.path("inside_link.py")).unwrap();
    std::os::unix::fs::symlink(&repo.base, repo.path("up")).unwrap();

    for target in ["../victim.py", "inside_link.py", "up/victim.py", "."] {
        for unsafe_fixes in [false, true] {
            let mut args = vec!["check", "--fix", target];
            if unsafe_fixes {
                args.push("--unsafe-fixes");
            }
            repo.concise(&args);
            assert_eq!(
                fs::read_to_string(&outside).unwrap(),
                OLD_IMPORT,
                "{args:?}: written outside the repository"
            );
        }
    }
    assert!(fs::symlink_metadata(repo.path("inside_link.py"))
        .unwrap()
        .file_type()
        .is_symlink());
    let out = repo
        .canon(&["check", "--stdin-filename", "../victim.py", "--fix"])
        .stdin(OLD_IMPORT)
        .run();
    assert_eq!(fs::read_to_string(&outside).unwrap(), OLD_IMPORT);
    out.assert_code(2);
    assert!(out.one_error_line().contains("outside the repository"));
}

/// A path argument outside the repository is a usage error like `--stdin-filename`
/// outside it (exit 2, one line), not a silent "All checks passed!".
#[test]
fn path_argument_outside_the_repository_is_an_error() {
    let repo = Repo::std();
    let outside = repo.base.join("victim.py");
    fs::write(&outside, OLD_IMPORT).unwrap();
    let out = repo.concise(&["check", "../victim.py"]);
    out.assert_code(2);
    assert!(out.one_error_line().contains("outside the repository"));
}

/// Regexes are linear-time, but their compiled size is bounded: a config asking for a
/// huge one is a config error (exit 2, file:line:col), not minutes of compiling.
#[test]
fn huge_regex_in_config_is_rejected() {
    for regex in [r"\w{1000}{1000}", r"(\pL|\pN){50000}", "a{1000000}"] {
        let repo = Repo::with_config(&format!(
            "version: 1\nrules:\n  - id: big\n    kind: pattern\n    regex: '{regex}'\n    scope: line\n"
        ));
        repo.write("a.py", "x = 1\n");
        let out = repo
            .canon(&["check", "a.py"])
            .timeout(std::time::Duration::from_secs(30))
            .run();
        out.assert_code(2);
        let line = out.one_error_line();
        assert!(line.contains(".canon.yaml:5:"), "{regex}: {line}");
    }
}

/// YAML bombs (exponential aliases) and deep nesting in the config end in exit 2.
#[test]
fn hostile_yaml_configs_are_rejected() {
    // Nine levels of nine-fold aliases inside a value serde buffers whole.
    let mut items = vec![r#"&a ["x","x","x","x","x","x","x","x","x"]"#.to_string()];
    let mut previous = 'a';
    for name in 'b'..='j' {
        let refs = vec![format!("*{previous}"); 9].join(",");
        items.push(format!("&{name} [{refs}]"));
        previous = name;
    }
    let bomb = format!("version: 1\nsrc: [{}]\nrules: []\n", items.join(", "));
    let deep = format!(
        "version: 1\nrules: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    for (name, config) in [("bomb", bomb), ("deep", deep)] {
        let repo = Repo::with_config(&config);
        repo.write("a.py", "x = 1\n");
        let out = repo
            .canon(&["check", "a.py"])
            .timeout(std::time::Duration::from_secs(30))
            .run();
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        out.one_error_line();
    }
}

/// The note that `--fix`/`--diff` refuse a file that does not parse quotes the
/// parser's message, which quotes the source: escaped like the rest of stderr.
#[test]
fn fix_refusal_note_escapes_the_parsers_message() {
    let repo = Repo::std();
    repo.write("esc.py", format!("{OLD_IMPORT}x = 1 \x1b[2J\n"));
    // `--diff` exits 0: it shows no change.
    for (flag, code) in [("--fix", 1), ("--diff", 0)] {
        let out = repo.canon(&["check", flag, "esc.py"]).run();
        out.assert_code(code);
        assert_no_raw_controls(flag, &out.stderr);
        assert!(
            out.stderr
                .contains("esc.py: fixes not applied: the file does not parse (")
                && out.stderr.contains("\\x1b"),
            "{flag}: {}",
            out.stderr
        );
    }
    assert_eq!(
        repo.read_string("esc.py"),
        format!("{OLD_IMPORT}x = 1 \x1b[2J\n")
    );
}

/// The note naming an unmerged path (a merge conflict) escapes the file name.
#[test]
fn unmerged_note_escapes_the_file_name() {
    let name = "con\x1b[2Jflict\x07.py";
    let repo = Repo::std();
    repo.write(name, "x = 1\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write(name, "x = 2\n");
    repo.commit_all("side");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(name, "x = 3\n");
    repo.commit_all("main");
    assert!(
        !repo.git_status(&["merge", "-q", "side"]),
        "merge must conflict"
    );
    for mode in ["--staged", "--changed"] {
        let out = repo.canon(&["check", mode]).run();
        out.assert_code(0);
        assert_no_raw_controls(mode, &out.stderr);
        assert!(
            out.stderr
                .contains("con\\x1b[2Jflict\\x07.py: unmerged (merge conflict)"),
            "{mode}: {}",
            out.stderr
        );
    }
}

/// A usage error quotes the offending argument as given: escaped too.
#[test]
fn usage_errors_escape_the_quoted_argument() {
    let repo = Repo::std();
    for args in [
        &["check", "--output-format", "x\ry\x1b[2J"][..],
        &["check", "--bogus\r\x07"][..],
    ] {
        let out = repo.canon(args).run();
        out.assert_code(2);
        assert_no_raw_controls("stderr", out.one_error_line());
    }
}

/// The human format shows a source line escaped (an escape, a line separator), and
/// its underline still sits under the flagged name.
#[test]
fn underline_stays_under_the_name_in_an_escaped_line() {
    let repo = Repo::with_config(CONFIG);
    repo.write(
        "a.py",
        "x = '\x1b[2J\u{2028}'; from pkg.old_utils import helper\n",
    );
    let out = repo
        .canon(&["check", "a.py", "--output-format", "human"])
        .run();
    assert_no_raw_controls("human", &out.stdout);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let shown = lines.iter().find(|line| line.starts_with(" 1 | ")).unwrap();
    let under = lines.iter().find(|line| line.contains('^')).unwrap();
    assert!(shown.contains("\\x1b[2J\\u{2028}"), "{}", out.stdout);
    let name_at = shown.find("import helper").unwrap() + "import ".len();
    assert_eq!(under.find('^'), Some(name_at), "{}", out.stdout);
    assert_eq!(
        under.trim_end().len() - name_at,
        "helper".len(),
        "{}",
        out.stdout
    );
}
