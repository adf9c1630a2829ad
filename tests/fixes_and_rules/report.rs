//! `canon report`: compliance counts, formats and `--fail-under`.

use crate::common::{lines, Repo};

const REPORT_CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: ws-manager
    kind: import
    canonical: app.ws.ssot.SSOTManager
    deprecated:
      - app.ws.manager.WSManager
  - id: notifier
    kind: import
    canonical: app.services.bridge.Notifier
    deprecated:
      - app.legacy.notifier.Notifier
  - id: singleton
    kind: call
    target: app.ws.get_websocket_manager
"#;

/// ws-manager: 3 canonical references (a, b, c) and 1 deprecated (d): 75.0%.
/// notifier: no references at all. singleton: 2 calls (d, e).
fn fixture() -> Repo {
    let repo = Repo::with_config(REPORT_CONFIG);
    repo.write(
        "app/api/a.py",
        lines(&[
            "from app.ws.ssot import SSOTManager",
            "",
            "m = SSOTManager()",
        ]),
    );
    repo.write("app/api/b.py", "from app.ws.ssot import SSOTManager as M\n");
    repo.write(
        "app/jobs/c.py",
        lines(&["import app.ws.ssot", "", "x = app.ws.ssot.SSOTManager()"]),
    );
    repo.write(
        "app/jobs/d.py",
        lines(&[
            "from app.ws.manager import WSManager",
            "from app.ws import get_websocket_manager",
            "",
            "m = get_websocket_manager()",
        ]),
    );
    repo.write(
        "app/e.py",
        lines(&["import app.ws", "", "m = app.ws.get_websocket_manager()"]),
    );
    repo.write("app/clean.py", "import os\n");
    repo.commit_all("fixture");
    repo
}

#[test]
fn human_report_shows_per_rule_counts_and_overall_compliance() {
    let repo = fixture();
    let out = repo.canon(&["report"]);
    out.code(0);
    let text = &out.stdout;
    assert!(
        text.starts_with("SSOT compliance: 75.0% over 6 files\n"),
        "{out}"
    );
    let row = |id: &str| -> Vec<String> {
        text.lines()
            .find(|line| line.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}\n{text}"))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        row("ws-manager"),
        ["ws-manager", "import", "3", "1", "75.0%"]
    );
    assert_eq!(row("notifier"), ["notifier", "import", "0", "0", "100.0%"]);
    assert_eq!(row("singleton"), ["singleton", "call", "-", "2", "-"]);
    let files = text.find("app/jobs/d.py").expect("top files list d.py");
    let e = text.find("app/e.py").expect("top files list e.py");
    assert!(files < e, "d.py (2 uses) before e.py (1 use)\n{text}");
    assert!(
        !text.contains("app/api/a.py"),
        "clean files are not top files\n{text}"
    );
    assert!(text.contains("app.ws.manager.WSManager"), "{text}");
}

#[test]
fn json_report_has_rules_overall_and_tops() {
    let repo = fixture();
    let out = repo.canon(&["report", "--format", "json"]);
    out.code(0);
    let json = out.json();
    assert_eq!(json["compliance"].as_f64(), Some(75.0), "{json:#}");
    assert_eq!(json["files"], 6, "{json:#}");
    let rules = json["rules"].as_array().expect("rules array");
    assert_eq!(rules.len(), 3, "{json:#}");
    let rule = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no rule {id}: {json:#}"))
    };
    let ws = rule("ws-manager");
    assert_eq!(ws["canonical"], 3, "{json:#}");
    assert_eq!(ws["deprecated"], 1, "{json:#}");
    assert_eq!(ws["compliance"].as_f64(), Some(75.0), "{json:#}");
    let notifier = rule("notifier");
    assert_eq!(notifier["canonical"], 0);
    assert_eq!(notifier["deprecated"], 0);
    assert_eq!(notifier["compliance"].as_f64(), Some(100.0));
    let singleton = rule("singleton");
    assert_eq!(singleton["deprecated"], 2, "{json:#}");
    assert!(singleton["compliance"].is_null(), "{json:#}");
    assert_eq!(
        json["top_files"],
        serde_json::json!([
            {"path": "app/jobs/d.py", "count": 2},
            {"path": "app/e.py", "count": 1},
        ]),
        "{json:#}"
    );
    assert_eq!(
        json["top_modules"],
        serde_json::json!([{"module": "app.ws.manager.WSManager", "count": 1}]),
        "{json:#}"
    );
}

#[test]
fn output_format_json_is_the_same_as_format_json() {
    let repo = fixture();
    let a = repo.canon(&["report", "--output-format", "json"]);
    let b = repo.canon(&["report", "--format", "json"]);
    assert_eq!(a.json(), b.json());
}

#[test]
fn markdown_report_has_table_rows() {
    let repo = fixture();
    let out = repo.canon(&["report", "--format", "markdown"]);
    out.code(0);
    let rows: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert!(
        rows.contains(&"| `ws-manager` | import | 3 | 1 | 75.0% |"),
        "{out}"
    );
    assert!(
        rows.contains(&"| `notifier` | import | 0 | 0 | 100.0% |"),
        "{out}"
    );
    assert!(
        rows.contains(&"| `singleton` | call | - | 2 | - |"),
        "{out}"
    );
    assert!(rows.contains(&"| `app/jobs/d.py` | 2 |"), "{out}");
    assert!(
        rows.contains(&"| `app.ws.manager.WSManager` | 1 |"),
        "{out}"
    );
    assert!(out.stdout.contains("75.0%"), "{out}");
}

#[test]
fn fail_under_compares_overall_compliance() {
    let repo = fixture();
    repo.canon(&["report", "--fail-under", "80"]).code(1);
    repo.canon(&["report", "--fail-under", "70"]).code(0);
    repo.canon(&["report", "--fail-under", "75"]).code(0);
    repo.canon(&["report", "--format", "json", "--fail-under", "80"])
        .code(1);
    // A trailing % is allowed; a value no compliance can reach or fall below is not.
    repo.canon(&["report", "--fail-under", "80%"]).code(1);
    repo.canon(&["report", "--fail-under", "75%"]).code(0);
    for bad in ["150", "-1", "nan", "eighty"] {
        let out = repo.canon(&["report", &format!("--fail-under={bad}")]);
        out.code(2);
        assert!(out.stdout.is_empty(), "{bad}: {}", out.stdout);
        assert_eq!(out.stderr.lines().count(), 1, "{bad}: {}", out.stderr);
        assert!(
            out.stderr.contains("expected a percentage from 0 to 100")
                && out.stderr.contains("canon report --help"),
            "{bad}: {}",
            out.stderr
        );
    }
}

#[test]
fn report_paths_restrict_the_scan() {
    let repo = fixture();
    let json = repo
        .canon(&["report", "app/jobs", "--format", "json"])
        .json();
    assert_eq!(json["files"], 2, "{json:#}");
    assert_eq!(json["compliance"].as_f64(), Some(50.0), "{json:#}");
}

#[test]
fn report_counts_every_line_regardless_of_staging() {
    let repo = fixture();
    repo.write(
        "app/new.py",
        "from app.ws.manager import WSManager\nfrom app.legacy.notifier import Notifier\n",
    );
    let json = repo.canon(&["report", "--format", "json"]).json();
    let rules = json["rules"].as_array().unwrap();
    assert_eq!(rules[0]["deprecated"], 2, "{json:#}");
    assert_eq!(rules[1]["deprecated"], 1, "{json:#}");
    // 3 canonical of 6 references.
    assert_eq!(json["compliance"].as_f64(), Some(50.0), "{json:#}");
}

#[test]
fn excluded_files_are_not_counted() {
    let config = REPORT_CONFIG.replace(
        "src: [\".\"]\n",
        "src: [\".\"]\nexclude: [\"**/migrations/**\"]\n",
    );
    let repo = Repo::with_config(&config);
    repo.write("app/a.py", "from app.ws.ssot import SSOTManager\n");
    repo.write(
        "app/migrations/m1.py",
        "from app.ws.manager import WSManager\n",
    );
    let json = repo.canon(&["report", "--format", "json"]).json();
    assert_eq!(json["files"], 1, "{json:#}");
    assert_eq!(json["compliance"].as_f64(), Some(100.0), "{json:#}");
    assert_eq!(json["top_files"], serde_json::json!([]), "{json:#}");
}

#[test]
fn a_compliance_below_the_threshold_never_reads_as_it_and_the_failure_says_why() {
    let repo = Repo::with_config(REPORT_CONFIG);
    // 1999 canonical uses and 1 deprecated: 99.95%, which one decimal would round up.
    let canonical = "from app.ws.ssot import SSOTManager\n".repeat(1999);
    repo.write("app/many.py", canonical);
    repo.write("app/old.py", "from app.ws.manager import WSManager\n");
    repo.commit_all("fixture");
    let out = repo.canon(&["report", "--fail-under", "100"]);
    out.code(1);
    assert!(out.stdout.contains("SSOT compliance: 99.9% over"), "{out}");
    let row = out
        .stdout
        .lines()
        .find(|line| line.starts_with("ws-manager"));
    assert!(row.is_some_and(|row| row.ends_with(" 99.9%")), "{out}");
    assert_eq!(
        out.stderr, "canon: compliance 99.95% is below --fail-under 100%\n",
        "{out}"
    );
    let out = repo.canon(&["report", "--fail-under", "99.9"]);
    out.code(0);
    assert_eq!(out.stderr, "", "{out}");
    let out = repo.canon(&["report", "--format", "markdown"]);
    assert!(out.stdout.contains("### SSOT compliance: 99.9%"), "{out}");
}

#[test]
fn suppressed_uses_count_for_every_kind_while_ignored_files_and_rules_that_are_off_do_not() {
    let config = format!(
        "{REPORT_CONFIG}  - id: old-z\n    kind: import\n    canonical: z.new\n    deprecated: [z.old]\n    severity: \"off\"\n"
    );
    let repo = Repo::with_config(&config);
    repo.write(
        "app/quiet.py",
        lines(&[
            "from app.ws.ssot import SSOTManager",
            "from app.ws.manager import WSManager  # noqa",
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager()  # canon: ignore[singleton]",
            "import z.old",
        ]),
    );
    repo.write(
        "app/skipped.py",
        lines(&[
            "# canon: ignore-file",
            "from app.ws.manager import WSManager",
            "from app.ws import get_websocket_manager",
            "m = get_websocket_manager()",
        ]),
    );
    repo.commit_all("fixture");
    let json = repo.canon(&["report", "--format", "json"]).json();
    let rules = json["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .filter_map(|rule| rule["id"].as_str())
        .collect();
    assert_eq!(ids, ["ws-manager", "notifier", "singleton"], "{json:#}");
    assert_eq!(rules[0]["canonical"], 1, "{json:#}");
    assert_eq!(rules[0]["deprecated"], 1, "{json:#}");
    assert_eq!(rules[2]["deprecated"], 1, "{json:#}");
    assert_eq!(json["compliance"].as_f64(), Some(50.0), "{json:#}");
}
