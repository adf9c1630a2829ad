//! Finding and validating `.canon.yaml`, rule options, `init`, `rules`, `--version`.

use std::path::Path;

use crate::common::*;

/// A repository with `config` (not validated) and one Python file to check.
fn repo_with_raw_config(name: &str, config: &str) -> Repo {
    let repo = Repo::new();
    repo.write(name, config);
    repo.write("a.py", lines(&[WS_IMPORT]));
    repo.commit_all("init");
    repo
}

/// Exit 2, nothing on stdout, exactly one stderr line naming the config path
/// (as given, or absolute) followed by `:LINE:`. Returns that line.
fn assert_config_error<'a>(out: &'a Out, root: &Path, rel: &str, line: Option<usize>) -> &'a str {
    out.assert_code(2);
    assert!(out.stdout.trim().is_empty(), "stdout: {}", out.stdout);
    let errs = out.stderr_lines();
    assert_eq!(
        errs.len(),
        1,
        "expected one stderr line, got:\n{}",
        out.stderr
    );
    let msg = errs[0];
    let candidates = [
        root.join(rel).to_str().unwrap().to_string(),
        format!("./{rel}"),
        rel.to_string(),
    ];
    let (at, len) = candidates
        .iter()
        .find_map(|p| msg.find(p.as_str()).map(|i| (i, p.len())))
        .unwrap_or_else(|| panic!("stderr does not name the config path {rel:?}: {msg:?}"));
    let rest = &msg[at + len..];
    assert!(rest.starts_with(':'), "no location after the path: {msg:?}");
    if let Some(line) = line {
        assert!(
            rest.starts_with(&format!(":{line}:")),
            "expected line {line} of {rel}: {msg:?}"
        );
    }
    msg
}

#[test]
fn config_error_line_starts_with_the_config_path() {
    let cfg = "version: 1\nsrc: [\".\"]\nrules: []\n# a comment\nexcludes: [\"x/**\"]\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    let msg = assert_config_error(&out, repo.root(), ".canon.yaml", Some(5));
    let abs = repo.root().join(".canon.yaml");
    let abs = abs.to_str().unwrap();
    assert!(
        [".canon.yaml:5:", "./.canon.yaml:5:"]
            .iter()
            .any(|p| msg.starts_with(p))
            || msg.starts_with(&format!("{abs}:5:")),
        "the line must start with the config path: {msg:?}"
    );
}

#[test]
fn missing_config_exits_2_and_names_canon_init() {
    let repo = Repo::new();
    repo.write("a.py", lines(&[WS_IMPORT]));
    repo.add(&["a.py"]);
    for args in [vec!["check"], vec!["check", "a.py"]] {
        let out = repo.run(&args);
        out.assert_code(2);
        assert_eq!(out.stderr_lines().len(), 1, "stderr: {}", out.stderr);
        assert!(out.stderr.contains("canon init"), "stderr: {}", out.stderr);
        assert!(out.stdout.trim().is_empty(), "stdout: {}", out.stdout);
    }
}

#[test]
fn unknown_top_level_key_reports_its_line() {
    let cfg = "version: 1\nsrc: [\".\"]\nrules: []\n# a comment\nexcludes: [\"x/**\"]\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", Some(5));
    assert!(out.stderr.contains("excludes"), "stderr: {}", out.stderr);
}

#[test]
fn unknown_rule_key_reports_its_line() {
    let cfg = "version: 1\nrules:\n  - id: ws\n    kind: import\n    deprecate: [a.b]\n    canonical: a.z\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", Some(5));
    assert!(out.stderr.contains("deprecate"), "stderr: {}", out.stderr);
}

#[test]
fn bad_yaml_exits_2_naming_the_file() {
    let cfg = "version: 1\nrules: [\n  - id: x\n    kind: import\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", None);
}

/// A config with no content (empty, blank, only comments or document markers) is
/// one error, the same for each: it says what a config needs.
#[test]
fn config_without_content_is_an_error_naming_what_it_needs() {
    for cfg in [
        "",
        "\n  \n",
        "# rules come later\n\n",
        "---\n# nothing yet\n...\n",
    ] {
        let repo = repo_with_raw_config(".canon.yaml", cfg);
        let out = repo.run(&["check", "a.py"]);
        let msg = assert_config_error(&out, repo.root(), ".canon.yaml", Some(1));
        assert!(msg.contains("empty config"), "{cfg:?}: {msg}");
        assert!(msg.contains("version: 1"), "{cfg:?}: {msg}");
    }
    let repo = repo_with_raw_config(".canon.yaml", "--- # a rule set\nversion: 1\nrules: []\n");
    repo.run(&["check", "a.py"]).assert_code(0);
}

#[test]
fn invalid_regex_reports_its_line() {
    let cfg = "version: 1\nrules:\n  - id: hosts\n    kind: pattern\n    scope: string\n    regex: '(unclosed'\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", Some(6));
}

#[test]
fn invalid_dotted_name_with_empty_segment_reports_its_line() {
    let cfg = "version: 1\nrules:\n  - id: x\n    kind: import\n    canonical: a.z\n    deprecated:\n      - good.name\n      - a..b\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", Some(8));
    assert!(out.stderr.contains("a..b"), "stderr: {}", out.stderr);
}

#[test]
fn invalid_dotted_name_starting_with_digit_reports_its_line() {
    let cfg = "version: 1\nrules:\n  - id: x\n    kind: import\n    canonical: 1abc.x\n    deprecated: [a.b]\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", Some(5));
    assert!(out.stderr.contains("1abc.x"), "stderr: {}", out.stderr);
}

/// Each part of a dotted name is a Python identifier (PEP 3131: XID_Start or `_`,
/// then XID_Continue), not any run of letters and digits: `℘` starts one and `·`
/// continues one, while a superscript digit or a fraction continues none.
#[test]
fn dotted_names_follow_pythons_identifier_rule() {
    let cfg = |name: &str| {
        format!("version: 1\nrules:\n  - id: x\n    kind: import\n    canonical: a.z\n    deprecated: [{name}]\n")
    };
    for name in ["a.x²", "a.x½", "a.x²y"] {
        let repo = repo_with_raw_config(".canon.yaml", &cfg(name));
        let out = repo.run(&["check", "a.py"]);
        let msg = assert_config_error(&out, repo.root(), ".canon.yaml", Some(6));
        assert!(
            msg.contains(&format!(".canon.yaml:6:18: invalid dotted name `{name}`")),
            "{msg}"
        );
    }
    for name in ["a.℘", "a.x·", "_a.b"] {
        let repo = repo_with_raw_config(".canon.yaml", &cfg(name));
        let out = repo.run(&["rules"]);
        out.assert_code(0);
        assert!(out.stderr.is_empty(), "{name}: {}", out.stderr);
    }
}

/// A `replace-with` template that is no Python expression once filled (here with
/// callee `f` and arguments `x`) is a config error at its value, whichever file
/// would have used it: its fix could never be applied.
#[test]
fn template_that_is_not_an_expression_is_a_config_error() {
    let cfg = |template: &str| {
        format!("version: 1\nrules:\n  - id: r\n    kind: call\n    target: pkg.core.get_mgr\n    replace-with: {template}\n")
    };
    let cases = [
        ("\"1 +\"", 20),
        ("\"\"", 19),
        ("\"F({args})}\"", 20),
        ("\"Factory.create({args}\"", 20),
        ("'{callee}({args}) +'", 20),
    ];
    for (template, column) in cases {
        let repo = repo_with_raw_config(".canon.yaml", &cfg(template));
        let before = repo.read("a.py");
        let out = repo.run(&["check", "--fix", "a.py"]);
        let msg = assert_config_error(&out, repo.root(), ".canon.yaml", Some(6));
        assert!(
            msg.contains(&format!(".canon.yaml:6:{column}: replace-with template")),
            "{template}: {msg}"
        );
        assert!(
            msg.contains("is not a Python expression"),
            "{template}: {msg}"
        );
        assert_eq!(repo.read("a.py"), before);
    }
    // An unknown placeholder stays the error it was.
    let repo = repo_with_raw_config(".canon.yaml", &cfg("'F({foo})'"));
    let out = repo.run(&["rules"]);
    let msg = assert_config_error(&out, repo.root(), ".canon.yaml", Some(6));
    assert!(msg.contains("unknown placeholder `{foo}`"), "{msg}");
    // Templates that are expressions, whatever their shape, load.
    for template in [
        "'F({args}, mode=1)'",
        "'await {callee}.a({args})'",
        "'x, {args}'",
    ] {
        let repo = repo_with_raw_config(".canon.yaml", &cfg(template));
        repo.run(&["rules"]).assert_code(0);
    }
}

#[test]
fn duplicate_rule_ids_report_the_second_one() {
    let cfg = "version: 1\nrules:\n  - id: same\n    kind: import\n    canonical: a.z\n    deprecated: [a.b]\n  - id: same\n    kind: import\n    canonical: c.z\n    deprecated: [c.b]\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", Some(7));
    assert!(out.stderr.contains("same"), "stderr: {}", out.stderr);
}

#[test]
fn config_errors_point_at_the_character_the_message_is_about() {
    let cases = [
        // The bad name in a list, counted in characters past the non-ASCII one.
        (
            "version: 1\nrules:\n  - id: x\n    kind: import\n    canonical: a.z\n    deprecated: [\"ééé\", \"a b\"]\n",
            ":6:26:",
        ),
        // The second `id` of a rule, not its first.
        (
            "version: 1\nrules:\n  - id: x\n    kind: import\n    canonical: a.z\n    deprecated: [a.b]\n    id: y\n",
            ":7:5:",
        ),
        // The version's value.
        ("version: 2\nrules: []\n", ":1:10:"),
    ];
    for (cfg, at) in cases {
        let repo = repo_with_raw_config(".canon.yaml", cfg);
        let out = repo.run(&["check", "a.py"]);
        let msg = assert_config_error(&out, repo.root(), ".canon.yaml", None);
        assert!(msg.contains(&format!(".canon.yaml{at}")), "{cfg}: {msg:?}");
    }
}

#[test]
fn unknown_rule_kind_reports_its_line() {
    let cfg = "version: 1\nrules:\n  - id: x\n    kind: imprt\n    canonical: a.z\n    deprecated: [a.b]\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let out = repo.run(&["check", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", Some(4));
    assert!(out.stderr.contains("imprt"), "stderr: {}", out.stderr);
}

#[test]
fn config_error_names_an_explicit_config_path() {
    let cfg = "version: 1\nrules:\n  - id: x\n    kind: import\n    canonical: a.z\n    deprecated: [a.b]\n    colour: red\n";
    let repo = repo_with_raw_config("conf/custom.yaml", cfg);
    let out = repo.run(&["check", "--config", "conf/custom.yaml", "a.py"]);
    assert_config_error(&out, repo.root(), "conf/custom.yaml", Some(7));
}

#[test]
fn config_error_leaves_files_untouched_with_fix() {
    let cfg = "version: 1\nrules:\n  - id: x\n    kind: import\n    canonical: a.z\n    deprecated: [a.b]\n    colour: red\n";
    let repo = repo_with_raw_config(".canon.yaml", cfg);
    let before = repo.read("a.py");
    let out = repo.run(&["check", "--fix", "a.py"]);
    assert_config_error(&out, repo.root(), ".canon.yaml", Some(7));
    assert_eq!(repo.read("a.py"), before);
}

#[test]
fn config_named_canon_yaml_without_dot_is_found() {
    let repo = Repo::new();
    repo.write("canon.yaml", STD_CONFIG);
    repo.write("a.py", lines(&[WS_IMPORT]));
    let out = repo.concise(&["check", "a.py"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn nearest_config_wins_and_its_paths_are_relative_to_it() {
    let repo = Repo::new();
    // The root config would flag every `a.b` import; the nested one is the nearest.
    repo.write(
        ".canon.yaml",
        "version: 1\nrules:\n  - id: root-rule\n    kind: import\n    canonical: a.z\n    deprecated: [a.b]\n",
    );
    repo.write(
        "backend/.canon.yaml",
        STD_CONFIG.replace(
            "src: [\".\"]\n",
            "src: [\".\"]\nexclude: [\"generated/**\"]\n",
        ),
    );
    repo.write(
        "backend/netra/ws/ssot_manager.py",
        lines(&[WS_IMPORT, "import a.b"]),
    );
    repo.write(
        "backend/netra/ws/consumer.py",
        lines(&["from .manager import WebSocketManager", "import a.b"]),
    );
    repo.write("backend/generated/gen.py", lines(&[WS_IMPORT]));
    repo.commit_all("init");

    let expected = vec![loc("backend/netra/ws/consumer.py", 1, 22, "ws-manager")];

    let out = repo
        .canon(&["check", ".", "--output-format", "concise"])
        .cwd("backend")
        .run();
    out.assert_code(1);
    assert_eq!(out.locs(), expected);

    // The same config given explicitly from the repository root.
    let out = repo.concise(&["check", "--config", "backend/.canon.yaml", "backend"]);
    out.assert_code(1);
    assert_eq!(out.locs(), expected);
}

#[test]
fn explicitly_named_excluded_file_is_not_checked() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "src: [\".\"]\n",
        "src: [\".\"]\nexclude: [\"**/migrations/**\"]\n",
    ));
    repo.write("app/migrations/0001.py", lines(&[WS_IMPORT]));
    repo.write("app/models.py", lines(&[WS_IMPORT]));

    let out = repo.concise(&["check", "app/migrations/0001.py", "app/models.py"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![loc("app/models.py", 1, WS_COL, "ws-manager")]
    );
}

#[test]
fn excluded_staged_file_is_not_checked() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "src: [\".\"]\n",
        "src: [\".\"]\nexclude: [\"**/migrations/**\"]\n",
    ));
    repo.write("app/migrations/0002.py", lines(&[WS_IMPORT]));
    repo.add(&["app/migrations/0002.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);
}

#[test]
fn warning_severity_is_printed_but_exits_0() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "    message: \"WebSocket managers come from the SSOT module\"\n",
        "    message: \"WebSocket managers come from the SSOT module\"\n    severity: warning\n",
    ));
    repo.write("a.py", lines(&[WS_IMPORT]));
    let out = repo.concise(&["check", "a.py"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![loc("a.py", 1, WS_COL, "ws-manager")]);

    // An error-severity violation next to it still fails.
    repo.write("a.py", lines(&[WS_IMPORT, UTILS_IMPORT]));
    let out = repo.concise(&["check", "a.py"]);
    out.assert_code(1);
    assert_eq!(out.locs().len(), 2);
}

#[test]
fn off_severity_disables_the_rule() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "    deprecated:\n      - pkg.old_utils\n",
        "    deprecated:\n      - pkg.old_utils\n    severity: off\n",
    ));
    repo.write("a.py", lines(&[WS_IMPORT, UTILS_IMPORT]));
    let out = repo.concise(&["check", "a.py"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("a.py", 1, WS_COL, "ws-manager")]);
}

#[test]
fn exit_zero_prints_violations_and_exits_0() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    let out = repo.concise(&["check", "--exit-zero", "a.py"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![loc("a.py", 1, WS_COL, "ws-manager")]);
}

const WITH_PATTERN: &str = r#"  - id: no-hardcoded-hosts
    kind: pattern
    regex: '^(localhost|127\.0\.0\.1)(:\d+)?$'
    scope: string
    message: "read hosts from ConfigurationManager"
"#;

fn select_repo() -> Repo {
    let repo = Repo::with_config(&format!("{STD_CONFIG}{WITH_PATTERN}"));
    repo.write(
        "a.py",
        lines(&[WS_IMPORT, "HOST = \"localhost:8080\"", UTILS_IMPORT]),
    );
    repo
}

fn codes_and_rules(out: &Out) -> Vec<(usize, String, String)> {
    let mut v: Vec<_> = out
        .diags()
        .into_iter()
        .map(|d| (d.line, d.code, d.rule.unwrap_or_default()))
        .collect();
    v.sort();
    v
}

fn cr(line: usize, code: &str, rule: &str) -> (usize, String, String) {
    (line, code.to_string(), rule.to_string())
}

#[test]
fn select_and_ignore_take_rule_ids() {
    let repo = select_repo();
    let out = repo.concise(&["check", "--select", "ws-manager", "a.py"]);
    out.assert_code(1);
    assert_eq!(codes_and_rules(&out), vec![cr(1, "CAN001", "ws-manager")]);

    let out = repo.concise(&["check", "--select", "ws-manager,no-hardcoded-hosts", "a.py"]);
    out.assert_code(1);
    assert_eq!(
        codes_and_rules(&out),
        vec![
            cr(1, "CAN001", "ws-manager"),
            cr(2, "CAN004", "no-hardcoded-hosts")
        ]
    );

    let out = repo.concise(&["check", "--ignore", "ws-manager,old-utils", "a.py"]);
    out.assert_code(1);
    assert_eq!(
        codes_and_rules(&out),
        vec![cr(2, "CAN004", "no-hardcoded-hosts")]
    );
}

#[test]
fn select_and_ignore_take_codes() {
    let repo = select_repo();
    let out = repo.concise(&["check", "--select", "CAN001", "a.py"]);
    out.assert_code(1);
    assert_eq!(
        codes_and_rules(&out),
        vec![cr(1, "CAN001", "ws-manager"), cr(3, "CAN001", "old-utils")]
    );

    let out = repo.concise(&["check", "--ignore", "CAN001", "a.py"]);
    out.assert_code(1);
    assert_eq!(
        codes_and_rules(&out),
        vec![cr(2, "CAN004", "no-hardcoded-hosts")]
    );

    let out = repo.concise(&["check", "--ignore", "CAN001,CAN004", "a.py"]);
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);

    // Ids and codes mix.
    let out = repo.concise(&["check", "--select", "CAN004,old-utils", "a.py"]);
    out.assert_code(1);
    assert_eq!(
        codes_and_rules(&out),
        vec![
            cr(2, "CAN004", "no-hardcoded-hosts"),
            cr(3, "CAN001", "old-utils")
        ]
    );
}

#[test]
fn init_writes_a_valid_starter_config_and_never_overwrites() {
    let repo = Repo::new();
    let out = repo.run(&["init"]);
    out.assert_code(0);
    let written = repo.read(".canon.yaml");
    let text = String::from_utf8(written.clone()).expect("utf-8 config");
    assert!(text.contains("version: 1"), "{text}");
    assert!(text.contains('#'), "starter config is commented: {text}");

    // The starter config loads.
    repo.run(&["rules"]).assert_code(0);
    repo.write("clean.py", "x = 1\n");
    repo.run(&["check", "clean.py"]).assert_code(0);

    // A second init refuses and leaves the file alone.
    let out = repo.run(&["init"]);
    out.assert_code(2);
    assert_eq!(out.stderr_lines().len(), 1, "stderr: {}", out.stderr);
    assert!(out.stderr.contains(".canon.yaml"), "stderr: {}", out.stderr);
    assert_eq!(repo.read(".canon.yaml"), written);
}

#[test]
fn init_does_not_overwrite_a_users_config() {
    let repo = Repo::std();
    let out = repo.run(&["init"]);
    out.assert_code(2);
    assert_eq!(repo.read(".canon.yaml"), STD_CONFIG.as_bytes());
}

#[test]
fn rules_lists_every_configured_rule_id() {
    let repo = Repo::with_config(&format!("{STD_CONFIG}{WITH_PATTERN}"));
    let out = repo.run(&["rules"]);
    out.assert_code(0);
    for id in ["ws-manager", "old-utils", "no-hardcoded-hosts"] {
        assert!(
            out.stdout.contains(id),
            "{id} missing from:\n{}",
            out.stdout
        );
    }
}

#[test]
fn rule_explains_one_rule() {
    let repo = Repo::std();
    let out = repo.run(&["rule", "ws-manager"]);
    out.assert_code(0);
    for text in [
        "ws-manager",
        "netra.ws.ssot_manager.SSOTWebSocketManager",
        "netra.ws.manager.WebSocketManager",
        "netra.ws.unified_manager.WebSocketManager",
    ] {
        assert!(
            out.stdout.contains(text),
            "{text} missing from:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("old-utils"), "{}", out.stdout);

    let out = repo.run(&["rule", "no-such-rule"]);
    out.assert_code(2);
}

#[test]
fn rules_and_rule_escape_control_characters_of_the_config() {
    let config = "version: 1\nrules:\n  - id: hosts\n    kind: pattern\n    regex: 'local\\x1bhost'\n    scope: string\n    message: \"read hosts \\e[31mfrom\\rthe config\"\n";
    let repo = Repo::with_config(config);
    for args in [&["rules"][..], &["rule", "hosts"]] {
        let out = repo.run(args);
        out.assert_code(0);
        assert!(
            !out.stdout.contains('\x1b') && !out.stdout.contains('\r'),
            "{args:?} printed a control character raw: {:?}",
            out.stdout
        );
    }
    let page = repo.run(&["rule", "hosts"]).stdout;
    assert!(
        page.contains("read hosts \\x1b[31mfrom\\rthe config"),
        "{page}"
    );
    assert!(
        page.lines().count() > 5,
        "line breaks of the page are kept: {page}"
    );
}

#[test]
fn version_prints_name_and_version() {
    let repo = Repo::plain();
    let out = repo.run(&["--version"]);
    out.assert_code(0);
    assert_eq!(out.stdout.trim(), "canon 0.1.0");
}

#[test]
fn unknown_option_is_a_usage_error() {
    let repo = Repo::std();
    let out = repo.run(&["check", "--no-such-option"]);
    out.assert_code(2);
    assert!(!out.stderr.trim().is_empty());
}

/// Every usage error is one line on stderr saying what is wrong and with what, exit 2.
#[test]
fn usage_errors_are_one_line_naming_the_argument() {
    let repo = Repo::std();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["check", "--no-such-option"],
            &["--no-such-option", "canon check --help"],
        ),
        (
            &["check", "--staged", "--changed"],
            &["--staged", "--changed"],
        ),
        (
            &["check", "--output-format", "xml"],
            &["xml", "--output-format", "concise"],
        ),
        (&["check", "--from-ref", "HEAD"], &["--to-ref"]),
        (&["rule"], &["<ID>", "canon rule --help"]),
        (&["no-such-command"], &["no-such-command"]),
        (&[], &["a command is required", "check", "install-hook"]),
        (&["--config", "x.yaml"], &["a command is required", "check"]),
    ];
    for (args, needles) in cases {
        let out = repo.run(args);
        out.assert_code(2);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        let lines = out.stderr_lines();
        assert_eq!(lines.len(), 1, "{args:?}: {}", out.stderr);
        assert!(
            lines[0].starts_with("canon: error: "),
            "{args:?}: {}",
            lines[0]
        );
        for needle in *needles {
            assert!(
                lines[0].contains(needle),
                "{args:?}: {needle} in {}",
                lines[0]
            );
        }
    }
}

/// `--config` naming a directory or something that is not a regular file says so; a
/// missing one says it is not found. One line, exit 2.
#[test]
fn config_option_naming_a_directory_or_a_device_says_what_it_is() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    for (config, expected) in [
        (".", "is a directory, not a config file"),
        (
            "/dev/null",
            "/dev/null: not a regular file, so not a config file",
        ),
        ("missing.yaml", "missing.yaml: config file not found"),
    ] {
        let out = repo.run(&["check", "--config", config, "a.py"]);
        out.assert_code(2);
        assert_eq!(out.stderr_lines().len(), 1, "stderr: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{config}: {}", out.stderr);
    }
}

/// Without a config, the message says where discovery looked: up to the repository
/// root, not beyond.
#[test]
fn missing_config_message_names_the_repository_root() {
    let repo = Repo::new();
    repo.write("sub/a.py", lines(&[WS_IMPORT]));
    let root = repo.root().canonicalize().unwrap();
    let out = repo.canon(&["check", "a.py"]).cwd("sub").run();
    out.assert_code(2);
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "canon: error: no .canon.yaml found in {} or its parents up to the repository root {}; run `canon init` to create one",
            root.join("sub").display(),
            root.display()
        )
    );
}

/// `canon init` in a subdirectory governed by the root's config still writes (it
/// never overwrites), says where, and notes that the new file now governs the
/// directory instead of the root's config.
#[test]
fn init_in_a_subdirectory_names_the_config_it_replaces_there() {
    let repo = Repo::std();
    repo.write("sub/a.py", lines(&[WS_IMPORT]));
    let root = repo.root().canonicalize().unwrap();
    let out = repo.canon(&["init"]).cwd("sub").run();
    out.assert_code(0);
    let written = root.join("sub/.canon.yaml");
    assert!(written.is_file());
    assert!(
        out.stdout.contains(&format!("Wrote {}", written.display())),
        "stdout: {}",
        out.stdout
    );
    assert!(
        out.stderr.contains(&format!(
            "now governs {} and the directories below it, instead of {}",
            root.join("sub").display(),
            root.join(".canon.yaml").display()
        )),
        "stderr: {}",
        out.stderr
    );
    // At the root there is nothing to replace: no note.
    let repo = Repo::new();
    let out = repo.run(&["init"]);
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
}

/// A config in a subdirectory governs only the files under it: a file named on the
/// command line (or given on stdin) outside that directory is not checked, and one
/// note per such file on stderr says why; the exit status is that of the files
/// checked. A directory holding the config's directory is checked in part, without a
/// note.
#[test]
fn named_file_outside_the_directory_of_a_subdirectory_config_gets_a_note() {
    let repo = Repo::new();
    repo.write("tools/canon.yaml", STD_CONFIG);
    repo.write("a.py", lines(&[WS_IMPORT]));
    repo.write("tools/b.py", lines(&[WS_IMPORT]));
    repo.add(&["."]);
    let note = "canon: a.py: not checked; outside the directory of the config tools/canon.yaml";

    let out = repo.concise(&["check", "--config", "tools/canon.yaml", "a.py"]);
    out.assert_code(0);
    assert_eq!(out.stderr_lines(), vec![note]);

    let out = repo.concise(&[
        "check",
        "--config",
        "tools/canon.yaml",
        "a.py",
        "tools/b.py",
    ]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("tools/b.py", 1, WS_COL, "ws-manager")]);
    assert_eq!(out.stderr_lines(), vec![note]);

    let out = repo.concise(&["check", "--config", "tools/canon.yaml", "--staged", "a.py"]);
    out.assert_code(0);
    assert_eq!(out.stderr_lines(), vec![note]);

    let out = repo
        .canon(&[
            "check",
            "--config",
            "tools/canon.yaml",
            "--stdin-filename",
            "a.py",
        ])
        .stdin(lines(&[WS_IMPORT]))
        .run();
    out.assert_code(0);
    assert_eq!(out.stderr_lines(), vec![note]);

    let out = repo.run(&["report", "--config", "tools/canon.yaml", "a.py"]);
    out.assert_code(0);
    assert_eq!(out.stderr_lines(), vec![note]);

    // A walk of the root reaches the config's directory: checked in part, no note.
    let out = repo.concise(&["check", "--config", "tools/canon.yaml", "."]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("tools/b.py", 1, WS_COL, "ws-manager")]);
    assert_eq!(out.stderr_lines(), Vec::<&str>::new());

    // A discovered config, from its directory: the note names it from there.
    let out = repo.canon(&["check", "../a.py"]).cwd("tools").run();
    out.assert_code(0);
    assert_eq!(
        out.stderr_lines(),
        vec!["canon: ../a.py: not checked; outside the directory of the config canon.yaml"]
    );
}

/// The directory of a subdirectory config, however it is named (from inside it or
/// from the root, as `.`, `./` or a path through `..`), is what the config governs:
/// its files are checked and no note says otherwise.
#[test]
fn the_directory_of_a_subdirectory_config_gets_no_note() {
    let repo = Repo::new();
    repo.write("tools/.canon.yaml", STD_CONFIG);
    repo.write("tools/b.py", lines(&[WS_IMPORT]));
    repo.add(&["."]);
    let expected = vec![loc("tools/b.py", 1, WS_COL, "ws-manager")];
    for (cwd, args) in [
        ("tools", vec!["check", "."]),
        ("tools", vec!["check", "./"]),
        ("tools", vec!["check", "../tools"]),
        ("", vec!["check", "--config", "tools/.canon.yaml", "tools"]),
        ("", vec!["check", "--config", "tools/.canon.yaml", "tools/"]),
    ] {
        let mut all = args.clone();
        all.extend(["--output-format", "concise"]);
        let out = repo.canon(&all).cwd(cwd).run();
        out.assert_code(1);
        assert_eq!(out.locs(), expected, "{args:?}");
        assert_eq!(out.stderr_lines(), Vec::<&str>::new(), "{args:?}");
    }
}

/// A define rule's `canonical-file` that lies outside the repository (an absolute
/// path elsewhere, or a relative one climbing out of it) names no file the rule could
/// keep: a config error at its value.
#[test]
fn canonical_file_outside_the_repository_is_a_config_error() {
    for (written, column) in [
        ("/elsewhere/bridge.py", 21),
        ("../bridge.py", 21),
        ("app/../../x.py", 21),
    ] {
        let cfg = format!("version: 1\nrules:\n  - id: d\n    kind: define\n    name: Notifier\n    canonical-file: {written}\n");
        let repo = repo_with_raw_config(".canon.yaml", &cfg);
        let out = repo.run(&["check", "a.py"]);
        let msg = assert_config_error(&out, repo.root(), ".canon.yaml", Some(6));
        assert!(
            msg.contains(&format!(
                ".canon.yaml:6:{column}: canonical-file `{written}`"
            )),
            "{written}: {msg}"
        );
        assert!(msg.contains("outside the repository"), "{written}: {msg}");
    }
}
