//! `kind: define` (CAN003): one implementation per class.

use crate::common::{lines, Repo};

const DEFINE_CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: one-notifier
    kind: define
    name: Notifier
    canonical-file: app/services/bridge.py
"#;

#[test]
fn module_level_class_and_def_outside_canonical_file_are_flagged_at_the_name() {
    let repo = Repo::with_config(DEFINE_CONFIG);
    repo.write(
        "app/other.py",
        lines(&["import os", "", "", "class Notifier(object):", "    pass"]),
    );
    repo.write(
        "app/third.py",
        lines(&[
            "@decorated",
            "def  Notifier():",
            "    return 1",
            "",
            "",
            "async def Notifier():",
            "    return 2",
        ]),
    );
    let out = repo.concise(&["check", "app"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec![
            "app/other.py:4:7: CAN003 [one-notifier]",
            "app/third.py:2:6: CAN003 [one-notifier]",
            "app/third.py:6:11: CAN003 [one-notifier]",
        ],
        "{out}"
    );
}

#[test]
fn diagnostic_names_the_canonical_file() {
    let repo = Repo::with_config(DEFINE_CONFIG);
    repo.write("app/other.py", "class Notifier:\n    pass\n");
    let out = repo.concise(&["check", "app/other.py"]);
    out.code(1);
    let all = out.lines();
    assert_eq!(all.len(), 1, "{out}");
    assert!(
        all[0].starts_with("app/other.py:1:7: CAN003 [one-notifier] "),
        "{out}"
    );
    assert!(all[0].contains("app/services/bridge.py"), "{out}");
    let json = repo
        .canon(&["check", "app/other.py", "--output-format", "json"])
        .json();
    assert!(json[0]["fix"].is_null(), "{json:#}");
    assert_eq!(json[0]["end_location"]["column"], 15, "{json:#}");
}

#[test]
fn canonical_file_itself_is_not_flagged() {
    let repo = Repo::with_config(DEFINE_CONFIG);
    repo.write(
        "app/services/bridge.py",
        lines(&["class Notifier:", "    pass"]),
    );
    let out = repo.concise(&["check", "app"]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn nested_definitions_are_not_flagged() {
    let repo = Repo::with_config(DEFINE_CONFIG);
    repo.write(
        "app/other.py",
        lines(&[
            "class Outer:",
            "    class Notifier:",
            "        pass",
            "",
            "    def Notifier(self):",
            "        return 1",
            "",
            "",
            "def factory():",
            "    class Notifier:",
            "        pass",
            "",
            "    def Notifier():",
            "        return 2",
            "    return Notifier",
            "",
            "",
            "class NotifierV2:",
            "    pass",
            "",
            "",
            "Notifier = make()",
        ]),
    );
    let out = repo.concise(&["check", "app/other.py"]);
    out.code(0);
    assert_eq!(out.heads(), Vec::<String>::new(), "{out}");
}

#[test]
fn staged_mode_flags_only_a_definition_the_change_adds() {
    let repo = Repo::with_config(DEFINE_CONFIG);
    repo.write("app/old.py", "class Notifier:\n    pass\n");
    repo.commit_all("legacy duplicate");
    repo.write("app/old.py", "class Notifier:\n    pass\n\n\nx = 1\n");
    repo.write("app/new.py", "class Notifier:\n    pass\n");
    repo.add(&["app/old.py", "app/new.py"]);
    let out = repo.concise(&["check", "--staged"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec!["app/new.py:1:7: CAN003 [one-notifier]"],
        "{out}"
    );
}

/// A define rule on `Notifier` whose canonical file is written `canonical_file`.
fn define_config(canonical_file: &str) -> String {
    format!("version: 1\nrules:\n  - id: one-notifier\n    kind: define\n    name: Notifier\n    canonical-file: '{canonical_file}'\n")
}

/// A `canonical-file` is resolved against the config's directory: `.` and `..` are
/// folded and an absolute path inside the repository is taken, so the canonical file
/// is never its own duplicate; diagnostics name it relative to the repository root.
#[test]
fn canonical_file_is_resolved_against_the_config_directory() {
    let repo = Repo::new();
    repo.write("sub/app/bridge.py", "class Notifier:\n    pass\n");
    repo.write("sub/other.py", "class Notifier:\n    pass\n");
    let absolute = repo.path("sub/app/bridge.py");
    for written in [
        "app/bridge.py",
        "./app/bridge.py",
        "app/../app/./bridge.py",
        "../sub/app/bridge.py",
        absolute.to_str().unwrap(),
    ] {
        repo.write("sub/.canon.yaml", define_config(written));
        let out = repo.concise(&["check", "--config", "sub/.canon.yaml", "sub"]);
        out.code(1);
        assert_eq!(
            out.heads(),
            vec!["sub/other.py:1:7: CAN003 [one-notifier]"],
            "{written}: {out}"
        );
        assert!(
            out.stdout
                .contains("the one implementation is in `sub/app/bridge.py`"),
            "{written}: {out}"
        );
    }
}

/// A config outside the repository (`--config /elsewhere/c.yaml`) takes its paths
/// relative to the repository root, as it takes the paths of the files it governs.
#[test]
fn canonical_file_of_a_config_outside_the_repository_is_relative_to_the_root() {
    let repo = Repo::new();
    repo.write("app/bridge.py", "class Notifier:\n    pass\n");
    repo.write("other.py", "class Notifier:\n    pass\n");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let config = elsewhere.path().join("c.yaml");
    std::fs::write(&config, define_config("app/bridge.py")).unwrap();
    let out = repo.concise(&["check", "--config", config.to_str().unwrap(), "."]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec!["other.py:1:7: CAN003 [one-notifier]"],
        "{out}"
    );
    assert!(
        out.stdout
            .contains("the one implementation is in `app/bridge.py`"),
        "{out}"
    );
}

/// The `.pyi` stub of the canonical file describes the one implementation; it is
/// not a second one. A stub elsewhere still is.
#[test]
fn stub_of_the_canonical_file_is_not_flagged() {
    let repo = Repo::with_config(DEFINE_CONFIG);
    let stub = "class Notifier:\n    def __init__(self) -> None: ...\n";
    repo.write("app/services/bridge.py", "class Notifier:\n    pass\n");
    repo.write("app/services/bridge.pyi", stub);
    repo.write("app/other.pyi", stub);
    let out = repo.concise(&["check", "app"]);
    out.code(1);
    assert_eq!(
        out.heads(),
        vec!["app/other.pyi:1:7: CAN003 [one-notifier]"],
        "{out}"
    );
}
