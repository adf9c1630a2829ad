//! `kind: pattern` (CAN004): string, code and line scopes.

use crate::common::{lines, Repo};

const PATTERN_CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: no-hardcoded-hosts
    kind: pattern
    regex: '^(localhost|127\.0\.0\.1)(:\d+)?$|^(redis|postgresql)://'
    scope: string
    message: "read hosts and URLs from ConfigurationManager"
  - id: no-secret
    kind: pattern
    regex: 'secret-token'
    scope: string
  - id: no-print
    kind: pattern
    regex: '\bprint\('
    scope: code
  - id: no-todo
    kind: pattern
    regex: 'TODO'
    scope: line
"#;

fn repo() -> Repo {
    Repo::with_config(PATTERN_CONFIG)
}

#[test]
fn string_scope_matches_plain_fstring_bytes_and_multiline_literals() {
    let repo = repo();
    repo.write(
        "cfg.py",
        lines(&[
            "HOST = \"localhost:8000\"",
            "URL = f\"redis://{host}:6379\"",
            "RAW = b'127.0.0.1'",
            "DOC = \"\"\"first line",
            "  carries secret-token here",
            "\"\"\"",
            "OK = \"http://localhost:8000\"",
            "PREFIX = 'xlocalhost'",
        ]),
    );
    let out = repo.concise(&["check", "cfg.py"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "cfg.py:1:9: CAN004 [no-hardcoded-hosts]",
            "cfg.py:2:9: CAN004 [no-hardcoded-hosts]",
            "cfg.py:3:9: CAN004 [no-hardcoded-hosts]",
            "cfg.py:5:11: CAN004 [no-secret]",
        ],
        "{out}"
    );
    let first = out.lines()[0];
    assert!(
        first.ends_with("read hosts and URLs from ConfigurationManager"),
        "message is appended: {first}"
    );
}

#[test]
fn string_scope_ignores_comments_and_code() {
    let repo = repo();
    repo.write(
        "cfg.py",
        lines(&[
            "# connect to localhost or redis://cache, or secret-token",
            "x = 1  # secret-token",
            "secret_token = 2",
        ]),
    );
    let out = repo.concise(&[
        "check",
        "cfg.py",
        "--select",
        "no-hardcoded-hosts,no-secret",
    ]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn code_scope_skips_strings_and_comments() {
    let repo = repo();
    repo.write(
        "cfg.py",
        lines(&[
            "print(1)",
            "s = \"print(2)\"  # print(3)",
            "if x: print(4)",
            "'''",
            "print(5)",
            "'''",
            "reprint(6)",
        ]),
    );
    let out = repo.concise(&["check", "cfg.py", "--select", "no-print"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "cfg.py:1:1: CAN004 [no-print]",
            "cfg.py:3:7: CAN004 [no-print]"
        ],
        "{out}"
    );
}

#[test]
fn line_scope_matches_anywhere_on_the_line() {
    let repo = repo();
    repo.write(
        "cfg.py",
        lines(&["x = 1  # TODO remove", "s = 'TODO'", "TODO = 3", "done = 4"]),
    );
    let out = repo.concise(&["check", "cfg.py", "--select", "no-todo"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "cfg.py:1:10: CAN004 [no-todo]",
            "cfg.py:2:6: CAN004 [no-todo]",
            "cfg.py:3:1: CAN004 [no-todo]",
        ],
        "{out}"
    );
}

#[test]
fn staged_mode_reports_pattern_matches_only_on_changed_lines() {
    let repo = repo();
    repo.write(
        "cfg.py",
        lines(&["HOST = 'localhost'", "print(HOST)", "# TODO old"]),
    );
    repo.commit_all("legacy");
    repo.write(
        "cfg.py",
        lines(&[
            "HOST = 'localhost'",
            "print(HOST)",
            "# TODO old",
            "CACHE = 'redis://cache'",
            "print(CACHE)  # TODO new",
        ]),
    );
    repo.add(&["cfg.py"]);
    let out = repo.concise(&["check", "--staged"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "cfg.py:4:10: CAN004 [no-hardcoded-hosts]",
            "cfg.py:5:1: CAN004 [no-print]",
            "cfg.py:5:17: CAN004 [no-todo]",
        ],
        "{out}"
    );
}

#[test]
fn pattern_diagnostics_have_no_fix() {
    let repo = repo();
    repo.write("cfg.py", "HOST = 'localhost'\n");
    let json = repo
        .canon(&["check", "cfg.py", "--output-format", "json"])
        .json();
    assert_eq!(json.as_array().unwrap().len(), 1, "{json:#}");
    assert!(json[0]["fix"].is_null(), "{json:#}");
    assert_eq!(json[0]["code"], "CAN004");
    assert_eq!(json[0]["location"]["column"], 9);
    assert_eq!(json[0]["end_location"]["column"], 18);
}

#[test]
fn string_scope_columns_count_characters() {
    let repo = repo();
    repo.write(
        "cfg.py",
        lines(&[
            "s = \"héllo secret-token\"",
            "t = \"日本 localhost\"",
            "u = \"日本\"; v = \"localhost\"",
        ]),
    );
    let out = repo.concise(&["check", "cfg.py"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "cfg.py:1:12: CAN004 [no-secret]",
            "cfg.py:3:16: CAN004 [no-hardcoded-hosts]",
        ],
        "{out}"
    );
}
