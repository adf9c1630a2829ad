//! Keys common to every rule (`allow-in`, `severity`, `message`), rule selection,
//! suppression comments for each kind, and `canon rule ID`.

use crate::common::{lines, Repo};

const MIXED_CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: ws-manager
    kind: import
    canonical: app.ws.ssot.SSOTManager
    deprecated:
      - app.ws.manager.WSManager
    allow-in: ["legacy/**"]
    message: "WebSocket managers come from the SSOT module"
  - id: singleton
    kind: call
    target: app.ws.get_websocket_manager
    replace-with: "ManagerFactory.create_isolated_manager({args})"
    requires-import: app.ws.factory.ManagerFactory
    allow-in: ["app/ws/__init__.py"]
  - id: one-notifier
    kind: define
    name: Notifier
    canonical-file: app/services/bridge.py
    severity: warning
  - id: no-hosts
    kind: pattern
    regex: 'localhost'
    scope: string
    message: "read hosts from settings"
  - id: no-todo
    kind: pattern
    regex: 'TODO'
    severity: "off"
"#;

/// One violation of each enabled kind, on lines 1, 3, 4 and 6.
fn sample() -> String {
    lines(&[
        "from app.ws.manager import WSManager",
        "from app.ws import get_websocket_manager",
        "m = get_websocket_manager()",
        "HOST = 'localhost'  # TODO",
        "",
        "class Notifier:",
        "    pass",
    ])
}

fn repo() -> Repo {
    let repo = Repo::with_config(MIXED_CONFIG);
    repo.write("svc.py", sample());
    repo
}

#[test]
fn every_kind_reports_with_its_code_and_severity() {
    let repo = repo();
    let out = repo.concise(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "svc.py:1:28: CAN001 [ws-manager]",
            "svc.py:3:5: CAN002 [singleton]",
            "svc.py:4:9: CAN004 [no-hosts]",
            "svc.py:6:7: CAN003 [one-notifier]",
        ],
        "{out}"
    );
    let json = repo
        .canon(&["check", "svc.py", "--output-format", "json"])
        .json();
    let severities: Vec<(String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(severities.contains(&("one-notifier".into(), "warning".into())));
    assert!(severities.contains(&("ws-manager".into(), "error".into())));
}

#[test]
fn message_is_appended_to_the_diagnostic() {
    let repo = repo();
    let out = repo.concise(&["check", "svc.py", "--select", "ws-manager,no-hosts"]);
    let all = out.lines();
    assert_eq!(all.len(), 2, "{out}");
    assert_eq!(
        all[0],
        "svc.py:1:28: CAN001 [ws-manager] deprecated import `app.ws.manager.WSManager`: use `app.ws.ssot.SSOTManager`. WebSocket managers come from the SSOT module"
    );
    assert!(all[1].ends_with(". read hosts from settings"), "{out}");
}

#[test]
fn warning_severity_is_printed_but_exits_zero() {
    let repo = repo();
    let out = repo.concise(&["check", "svc.py", "--select", "one-notifier"]);
    out.code(0);
    assert_eq!(
        out.heads(),
        vec!["svc.py:6:7: CAN003 [one-notifier]"],
        "{out}"
    );
}

#[test]
fn severity_off_disables_the_rule() {
    let repo = repo();
    let out = repo.concise(&["check", "svc.py", "--select", "no-todo"]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn allow_in_exempts_matching_files_only() {
    let repo = Repo::with_config(MIXED_CONFIG);
    repo.write(
        "legacy/deep/old.py",
        "from app.ws.manager import WSManager\n",
    );
    repo.write(
        "legacy_not/old.py",
        "from app.ws.manager import WSManager\n",
    );
    repo.write(
        "app/ws/__init__.py",
        "def get_websocket_manager():\n    return 1\n\n\nm = get_websocket_manager()\n",
    );
    let out = repo.concise(&["check", "legacy", "legacy_not", "app"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec!["legacy_not/old.py:1:28: CAN001 [ws-manager]"],
        "{out}"
    );
}

#[test]
fn select_and_ignore_take_rule_ids_and_codes() {
    let repo = repo();
    let heads = |args: &[&str]| {
        let mut all = vec!["check", "svc.py"];
        all.extend_from_slice(args);
        repo.concise(&all).heads()
    };
    assert_eq!(
        heads(&["--select", "singleton"]),
        vec!["svc.py:3:5: CAN002 [singleton]"]
    );
    assert_eq!(
        heads(&["--select", "CAN004"]),
        vec!["svc.py:4:9: CAN004 [no-hosts]"]
    );
    assert_eq!(
        heads(&["--select", "can003,ws-manager"]),
        vec![
            "svc.py:1:28: CAN001 [ws-manager]",
            "svc.py:6:7: CAN003 [one-notifier]",
        ]
    );
    assert_eq!(
        heads(&["--ignore", "CAN001,no-hosts"]),
        vec![
            "svc.py:3:5: CAN002 [singleton]",
            "svc.py:6:7: CAN003 [one-notifier]",
        ]
    );
    assert_eq!(
        heads(&["--select", "CAN002", "--ignore", "singleton"]),
        Vec::<String>::new()
    );
    let only_warning = repo.concise(&["check", "svc.py", "--ignore", "CAN001,CAN002,CAN004"]);
    only_warning.code(0);
}

#[test]
fn suppression_comments_work_for_each_kind() {
    let repo = Repo::with_config(MIXED_CONFIG);
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws.manager import WSManager  # canon: ignore[ws-manager]",
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager(  # noqa: CAN002",
            "    1,",
            ")",
            "HOST = 'localhost'  # canon: ignore",
            "",
            "class Notifier:  # noqa",
            "    pass",
            "",
            "n = get_websocket_manager()  # canon: ignore[no-hosts]",
            "PORT = 'localhost'  # noqa: CAN001",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "svc.py:11:5: CAN002 [singleton]",
            "svc.py:12:9: CAN004 [no-hosts]",
        ],
        "{out}"
    );
}

#[test]
fn suppression_on_a_later_physical_line_of_the_statement() {
    let repo = Repo::with_config(MIXED_CONFIG);
    repo.write(
        "svc.py",
        lines(&[
            "from app.ws.manager import (",
            "    WSManager,",
            ")  # canon: ignore[CAN001]",
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager(",
            "    1,  # canon: ignore[singleton]",
            ")",
        ]),
    );
    let out = repo.concise(&["check", "svc.py"]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn ignore_file_comment_silences_every_kind() {
    let repo = Repo::with_config(MIXED_CONFIG);
    let mut text = sample();
    text.push_str("# canon: ignore-file\n");
    repo.write("svc.py", text);
    let out = repo.concise(&["check", "svc.py"]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn rule_command_explains_a_call_rule() {
    let repo = Repo::with_config(MIXED_CONFIG);
    let out = repo.canon(&["rule", "singleton"]);
    out.code(0);
    let text = &out.stdout;
    assert!(text.contains("CAN002"), "{out}");
    assert!(text.contains("app.ws.get_websocket_manager"), "{out}");
    let forbids = text.find("Forbids:").expect("says what it forbids");
    let instead = text.find("Instead:").expect("says what to do instead");
    let before = text.find("before:").expect("has a before example");
    let after = text.find("after:").expect("has an after example");
    assert!(
        forbids < instead && instead < before && before < after,
        "{out}"
    );
    assert!(
        text[before..after].contains("get_websocket_manager(user_context)"),
        "{out}"
    );
    assert!(
        text[after..].contains("ManagerFactory.create_isolated_manager(user_context)"),
        "{out}"
    );
    assert!(text.contains("app.ws.factory.ManagerFactory"), "{out}");
}

#[test]
fn rule_command_explains_an_import_rule_with_its_message() {
    let repo = Repo::with_config(MIXED_CONFIG);
    let out = repo.canon(&["rule", "ws-manager"]);
    out.code(0);
    let text = &out.stdout;
    let before = text.find("before:").expect("before example");
    let after = text.find("after:").expect("after example");
    assert!(
        text[before..after].contains("from app.ws.manager import WSManager"),
        "{out}"
    );
    assert!(
        text[after..].contains("from app.ws.ssot import SSOTManager as WSManager"),
        "{out}"
    );
    assert!(
        text.contains("WebSocket managers come from the SSOT module"),
        "{out}"
    );
    assert!(
        text.contains("legacy/**"),
        "names where it is not applied\n{out}"
    );
}

#[test]
fn rule_command_explains_define_and_pattern_rules() {
    let repo = Repo::with_config(MIXED_CONFIG);
    let define = repo.canon(&["rule", "one-notifier"]);
    define.code(0);
    assert!(define.stdout.contains("CAN003"), "{define}");
    assert!(define.stdout.contains("app/services/bridge.py"), "{define}");
    assert!(define.stdout.contains("class Notifier"), "{define}");
    let pattern = repo.canon(&["rule", "no-hosts"]);
    pattern.code(0);
    assert!(pattern.stdout.contains("CAN004"), "{pattern}");
    assert!(pattern.stdout.contains("localhost"), "{pattern}");
    assert!(
        pattern.stdout.contains("read hosts from settings"),
        "{pattern}"
    );
}

#[test]
fn rule_command_with_unknown_id_exits_2() {
    let repo = Repo::with_config(MIXED_CONFIG);
    let out = repo.canon(&["rule", "no-such-rule"]);
    out.code(2);
    assert!(out.stdout.is_empty(), "{out}");
    assert!(out.stderr.contains("no-such-rule"), "{out}");
    assert_eq!(
        out.stderr.lines().filter(|l| !l.trim().is_empty()).count(),
        1,
        "one clear line\n{out}"
    );
}
