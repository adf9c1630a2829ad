//! Output formats, colour, escaping, `--statistics` and `--quiet`.

use serde_json::Value;

use crate::common::*;

/// A repository with one ws-manager violation in `pkg/a.py` (line 1) and one
/// notifier violation in `pkg/b.py` (line 2), both with safe fixes.
fn two_files() -> Repo {
    let repo = Repo::std();
    repo.write("pkg/a.py", lines(&[WS_IMPORT, "x = 1"]));
    repo.write("pkg/b.py", lines(&["import os", NOTIFIER_IMPORT]));
    repo
}

fn assert_ws_message(msg: &str) {
    let dep = msg
        .find("netra.ws.manager.WebSocketManager")
        .unwrap_or_else(|| panic!("deprecated name missing: {msg:?}"));
    let canon = msg
        .find("netra.ws.ssot_manager.SSOTWebSocketManager")
        .unwrap_or_else(|| panic!("canonical name missing: {msg:?}"));
    let extra = msg
        .find("WebSocket managers come from the SSOT module")
        .unwrap_or_else(|| panic!("configured message missing: {msg:?}"));
    assert!(
        dep < extra && canon < extra,
        "configured message is not appended: {msg:?}"
    );
}

#[test]
fn concise_is_exactly_one_line_per_diagnostic() {
    let repo = two_files();
    let out = repo.concise(&["check", "pkg"]);
    out.assert_code(1);
    let text_lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(text_lines.len(), 2, "stdout:\n{}", out.stdout);
    let mut sorted = text_lines.clone();
    sorted.sort();
    assert!(
        sorted[0].starts_with(&format!("pkg/a.py:1:{WS_COL}: CAN001 [ws-manager] ")),
        "{}",
        sorted[0]
    );
    assert!(
        sorted[1].starts_with(&format!("pkg/b.py:2:{NOTIFIER_COL}: CAN001 [notifier] ")),
        "{}",
        sorted[1]
    );
    let diags = out.diags();
    let ws = diags
        .iter()
        .find(|d| d.rule.as_deref() == Some("ws-manager"))
        .unwrap();
    assert_ws_message(&ws.message);
    let notifier = diags
        .iter()
        .find(|d| d.rule.as_deref() == Some("notifier"))
        .unwrap();
    for name in [
        "netra.legacy.notifier.WebSocketNotifier",
        "netra.services.bridge.WebSocketNotifier",
    ] {
        assert!(notifier.message.contains(name), "{}", notifier.message);
    }
    assert!(!out.raw_stdout.contains(&0x1b));
}

#[test]
fn concise_has_no_colour_even_when_forced() {
    let repo = two_files();
    let out = repo
        .canon(&[
            "check",
            "pkg",
            "--output-format",
            "concise",
            "--color",
            "always",
        ])
        .env_remove("NO_COLOR")
        .run();
    out.assert_code(1);
    assert!(!out.raw_stdout.contains(&0x1b), "{:?}", out.stdout);
    assert_eq!(out.diags().len(), 2);
}

#[test]
fn column_counts_characters_not_bytes() {
    let repo = Repo::std();
    // "s = \"héllo\"; import " is 20 characters but 21 bytes.
    repo.write("u.py", lines(&["s = \"héllo\"; import pkg.old_utils"]));
    let out = repo.concise(&["check", "u.py"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("u.py", 1, 21, "old-utils")]);
}

#[test]
fn human_shows_header_source_underline_fix_and_summary() {
    let repo = two_files();
    let out = repo.run(&["check", "pkg"]);
    out.assert_code(1);
    let ls: Vec<&str> = out.stdout.lines().collect();

    let header = ls
        .iter()
        .position(|l| l.starts_with(&format!("pkg/a.py:1:{WS_COL}: CAN001 [ws-manager] ")))
        .unwrap_or_else(|| panic!("no header for pkg/a.py:\n{}", out.stdout));
    assert_ws_message(&ls[header]["pkg/a.py:1:30: CAN001 [ws-manager] ".len()..]);

    // The block of this diagnostic runs up to the next header or the summary.
    let end = ls[header + 1..]
        .iter()
        .position(|l| l.starts_with("pkg/") || l.starts_with("Found "))
        .map_or(ls.len(), |p| header + 1 + p);
    let block = &ls[header + 1..end];

    let src_idx = block
        .iter()
        .position(|l| l.contains(WS_IMPORT))
        .unwrap_or_else(|| panic!("source line missing:\n{}", out.stdout));
    let src_line = block[src_idx];
    let caret_line = block[src_idx + 1..]
        .iter()
        .find(|l| l.contains('^'))
        .unwrap_or_else(|| panic!("underline missing:\n{}", out.stdout));
    let code_start = src_line.find(WS_IMPORT).unwrap();
    let caret_start = caret_line.find('^').unwrap();
    assert_eq!(
        caret_start - code_start,
        WS_COL - 1,
        "underline does not start under the name:\n{src_line}\n{caret_line}"
    );
    let carets = caret_line[caret_start..]
        .chars()
        .take_while(|&c| c == '^')
        .count();
    assert_eq!(carets, "WebSocketManager".len(), "{caret_line}");

    assert!(
        block
            .iter()
            .any(|l| l.trim_end().ends_with(&format!("fix: {WS_FIX}"))),
        "fix line missing:\n{}",
        out.stdout
    );
    assert!(
        ls.iter()
            .any(|l| l.starts_with(&format!("pkg/b.py:2:{NOTIFIER_COL}: CAN001 [notifier] "))),
        "{}",
        out.stdout
    );
    assert!(
        ls.iter()
            .any(|l| l.trim_end().ends_with(&format!("fix: {NOTIFIER_FIX}"))),
        "{}",
        out.stdout
    );
    assert!(
        ls.iter()
            .any(|l| l.trim() == "Found 2 violations (2 fixable with --fix) in 2 files."),
        "summary missing:\n{}",
        out.stdout
    );
}

/// Where the underline of the one finding in human output `stdout` starts, in
/// terminal cells after the ` N | ` gutter, and how many carets it has.
fn underline_cells(stdout: &str) -> (usize, usize) {
    let under = stdout
        .lines()
        .find(|line| line.contains('^'))
        .unwrap_or_else(|| panic!("no underline:\n{stdout}"));
    let gutter = under.find("| ").unwrap_or_else(|| panic!("{under:?}")) + 2;
    let body = &under[gutter..];
    let start = body.find('^').unwrap();
    (
        start,
        body[start..].chars().take_while(|&c| c == '^').count(),
    )
}

/// The underline sits under the flagged name on a terminal: wide characters (CJK,
/// emoji) before it take two cells, a combining accent none, a tab one (the source
/// line shows it as one blank).
#[test]
fn human_underline_is_placed_by_display_width() {
    let repo = Repo::std();
    let cases = [
        // `s = "` 5 cells, 日本語 6, `"; import ` 10.
        ("s = \"日本語\"; import pkg.old_utils\n", 21),
        // `x = "` 5, h e + combining acute l l o 5, 😀 2, `"; import ` 10.
        ("x = \"he\u{301}llo😀\"; import pkg.old_utils\n", 22),
        ("if 1:\n\timport pkg.old_utils\n", 8),
    ];
    for (source, cells) in cases {
        repo.write("w.py", source);
        let out = repo.run(&["check", "w.py", "--color", "never"]);
        out.assert_code(1);
        assert_eq!(
            underline_cells(&out.stdout),
            (cells, "pkg.old_utils".len()),
            "{source:?}:\n{}",
            out.stdout
        );
    }
}

#[test]
fn human_reports_all_checks_passed_when_clean() {
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    let out = repo.run(&["check", "a.py"]);
    out.assert_code(0);
    assert!(
        out.stdout.lines().any(|l| l.trim() == "All checks passed!"),
        "{}",
        out.stdout
    );
}

#[test]
fn human_summary_counts_one_file() {
    let repo = Repo::std();
    repo.write(
        "a.py",
        lines(&[WS_IMPORT, UTILS_IMPORT, "import pkg.old_utils as ou"]),
    );
    let out = repo.run(&["check", "a.py"]);
    out.assert_code(1);
    let summary = out
        .stdout
        .lines()
        .find(|l| l.starts_with("Found "))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(summary.starts_with("Found 3 violations ("), "{summary}");
    assert!(summary.contains(" in 1 file"), "{summary}");
}

#[test]
fn quiet_prints_only_diagnostics() {
    let repo = two_files();
    let out = repo.run(&["check", "--quiet", "pkg"]);
    out.assert_code(1);
    assert!(!out.stdout.contains("Found "), "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with(&format!("pkg/a.py:1:{WS_COL}: CAN001 [ws-manager] "))),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with(&format!("pkg/b.py:2:{NOTIFIER_COL}: CAN001 [notifier] "))),
        "{}",
        out.stdout
    );

    repo.write("clean.py", "x = 1\n");
    let out = repo.run(&["check", "--quiet", "clean.py"]);
    out.assert_code(0);
    assert_eq!(out.stdout.trim(), "", "{}", out.stdout);
}

#[test]
fn statistics_prints_a_count_per_rule() {
    let repo = Repo::std();
    repo.write(
        "a.py",
        lines(&[
            WS_IMPORT,
            "from netra.ws.unified_manager import WebSocketManager as U",
            "from netra.ws.manager import WebSocketManager as W2",
        ]),
    );
    repo.write("b.py", lines(&["import pkg.old_utils"]));
    let out = repo.run(&["check", "--statistics", "a.py", "b.py"]);
    out.assert_code(1);

    let count_for = |id: &str| -> Vec<String> {
        out.stdout
            .lines()
            .filter(|l| l.contains(id) && !l.contains(".py:"))
            .flat_map(|l| {
                l.split(|c: char| c.is_whitespace() || "[]():,|".contains(c))
                    .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(count_for("ws-manager"), vec!["3"], "{}", out.stdout);
    assert_eq!(count_for("old-utils"), vec!["1"], "{}", out.stdout);
}

#[test]
fn concise_statistics_still_tell_fixable_rules_from_the_others() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    let human = repo.run(&["check", "--statistics", "a.py"]);
    let concise = repo.run(&[
        "check",
        "--statistics",
        "--output-format",
        "concise",
        "a.py",
    ]);
    concise.assert_code(1);
    assert!(human.stdout.contains("[*]"), "{}", human.stdout);
    assert_eq!(concise.stdout, human.stdout);
}

#[test]
fn json_statistics_are_a_json_array_per_rule() {
    let repo = Repo::std();
    repo.write(
        "a.py",
        lines(&[
            WS_IMPORT,
            "from netra.ws.manager import WebSocketManager as W2",
            "import pkg.old_utils",
        ]),
    );
    let out = repo.run(&["check", "--statistics", "--output-format", "json", "a.py"]);
    out.assert_code(1);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    let rows: Vec<(String, String, u64, bool)> = rows
        .as_array()
        .expect("an array")
        .iter()
        .map(|row| {
            (
                row["code"].as_str().unwrap().to_string(),
                row["rule"].as_str().unwrap().to_string(),
                row["count"].as_u64().unwrap(),
                row["fixable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("CAN001".into(), "ws-manager".into(), 2, true),
            ("CAN001".into(), "old-utils".into(), 1, true),
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn github_and_sarif_show_their_findings_with_statistics_too() {
    let repo = Repo::std();
    repo.write("a.py", lines(&[WS_IMPORT]));
    for format in ["github", "sarif"] {
        let plain = repo.run(&["check", "--output-format", format, "a.py"]);
        let with_statistics =
            repo.run(&["check", "--statistics", "--output-format", format, "a.py"]);
        with_statistics.assert_code(1);
        assert!(
            plain.stdout.contains("ws-manager"),
            "{format}: {}",
            plain.stdout
        );
        assert_eq!(with_statistics.stdout, plain.stdout, "{format}");
    }
}

#[test]
fn concise_lines_are_the_human_headers_without_the_fixes() {
    let repo = Repo::std();
    repo.write(
        "a.py",
        lines(&[
            WS_IMPORT,
            "import mock",
            "mock.patch('pkg.old_utils.thing')",
        ]),
    );
    let human = repo.run(&["check", "--color", "never", "a.py"]);
    let concise = repo.run(&["check", "--output-format", "concise", "a.py"]);
    let headers: Vec<&str> = human
        .stdout
        .lines()
        .filter(|line| line.starts_with("a.py:"))
        .collect();
    assert!(human.stdout.contains("fix:"), "{}", human.stdout);
    assert!(headers.len() >= 2, "{}", human.stdout);
    assert_eq!(concise.stdout.lines().collect::<Vec<_>>(), headers);
}

#[test]
fn json_has_ruff_fields_plus_rule_and_severity() {
    let repo = two_files();
    let out = repo.run(&["check", "--output-format", "json", "pkg"]);
    out.assert_code(1);
    let v = out.json();
    let items = v.as_array().expect("a JSON array");
    assert_eq!(items.len(), 2, "{v:#}");
    let a = items
        .iter()
        .find(|d| d["filename"] == "pkg/a.py")
        .unwrap_or_else(|| panic!("no pkg/a.py item: {v:#}"));
    assert_eq!(a["code"], "CAN001");
    assert_eq!(a["rule"], "ws-manager");
    assert_eq!(a["severity"], "error");
    assert_eq!(a["location"]["row"], 1);
    assert_eq!(a["location"]["column"], WS_COL);
    assert_eq!(a["end_location"]["row"], 1);
    assert_eq!(
        a["end_location"]["column"],
        WS_COL + "WebSocketManager".len()
    );
    assert_eq!(a["noqa_row"], 1);
    assert!(a.get("url").is_some(), "url field missing: {a:#}");
    assert!(a["url"].is_string() || a["url"].is_null(), "{a:#}");
    assert_ws_message(a["message"].as_str().expect("message string"));

    let fix = &a["fix"];
    assert_eq!(fix["applicability"], "safe", "{a:#}");
    assert!(
        fix["message"].is_string() || fix["message"].is_null(),
        "{fix:#}"
    );
    let edits = fix["edits"].as_array().expect("edits array");
    assert!(!edits.is_empty(), "{fix:#}");
    let content = edits[0]["content"].as_str().expect("edit content");
    assert_eq!(content.trim_end_matches('\n'), WS_FIX);
    assert_eq!(edits[0]["location"]["row"], 1, "{fix:#}");
    assert!(edits[0]["location"]["column"].is_u64(), "{fix:#}");
    assert!(edits[0]["end_location"]["row"].is_u64(), "{fix:#}");

    let b = items
        .iter()
        .find(|d| d["filename"] == "pkg/b.py")
        .unwrap_or_else(|| panic!("no pkg/b.py item: {v:#}"));
    assert_eq!(b["rule"], "notifier");
    assert_eq!(b["location"]["row"], 2);
    assert_eq!(b["location"]["column"], NOTIFIER_COL);
    assert_eq!(
        b["end_location"]["column"],
        NOTIFIER_COL + "WebSocketNotifier".len()
    );
    assert_eq!(b["fix"]["applicability"], "safe");
    let content = b["fix"]["edits"][0]["content"]
        .as_str()
        .expect("edit content");
    assert_eq!(
        content.trim_end_matches('\n'),
        NOTIFIER_FIX,
        "canonical name equals the local name: no alias"
    );
}

#[test]
fn json_fix_keeps_an_existing_alias() {
    let repo = Repo::std();
    repo.write(
        "a.py",
        lines(&["from netra.ws.manager import WebSocketManager as WSM"]),
    );
    let out = repo.run(&["check", "--output-format", "json", "a.py"]);
    out.assert_code(1);
    let v = out.json();
    let content = v[0]["fix"]["edits"][0]["content"]
        .as_str()
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(
        content.trim_end_matches('\n'),
        "from netra.ws.ssot_manager import SSOTWebSocketManager as WSM"
    );
}

#[test]
fn json_is_an_empty_array_when_clean() {
    let repo = Repo::std();
    repo.write("a.py", "x = 1\n");
    let out = repo.run(&["check", "--output-format", "json", "a.py"]);
    out.assert_code(0);
    assert_eq!(out.json(), Value::Array(vec![]));
}

#[test]
fn json_severity_warning_for_warning_rules() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "    deprecated:\n      - pkg.old_utils\n",
        "    deprecated:\n      - pkg.old_utils\n    severity: warning\n",
    ));
    repo.write("a.py", lines(&[UTILS_IMPORT]));
    let out = repo.run(&["check", "--output-format", "json", "a.py"]);
    out.assert_code(0);
    let v = out.json();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v:#}");
    assert_eq!(v[0]["severity"], "warning");
    assert_eq!(v[0]["rule"], "old-utils");
}

#[test]
fn github_annotations() {
    let repo = two_files();
    let out = repo.run(&["check", "--output-format", "github", "pkg"]);
    out.assert_code(1);
    let ls: Vec<&str> = out.stdout.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(ls.len(), 2, "{}", out.stdout);
    let a = ls
        .iter()
        .find(|l| l.contains("file=pkg/a.py,"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    let prefix = format!(
        "::error file=pkg/a.py,line=1,col={WS_COL},endLine=1,endColumn={},title=CAN001 [ws-manager]::",
        WS_COL + "WebSocketManager".len()
    );
    assert!(a.starts_with(&prefix), "expected prefix {prefix}\ngot {a}");
    assert_ws_message(&a[prefix.len()..]);
    let b = ls
        .iter()
        .find(|l| l.contains("file=pkg/b.py,"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        b.starts_with(&format!(
            "::error file=pkg/b.py,line=2,col={NOTIFIER_COL},endLine=2,endColumn={},title=CAN001 [notifier]::",
            NOTIFIER_COL + "WebSocketNotifier".len()
        )),
        "{b}"
    );
}

#[test]
fn github_uses_warning_for_warning_rules() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "    deprecated:\n      - pkg.old_utils\n",
        "    deprecated:\n      - pkg.old_utils\n    severity: warning\n",
    ));
    repo.write("a.py", lines(&[UTILS_IMPORT]));
    let out = repo.run(&["check", "--output-format", "github", "a.py"]);
    out.assert_code(0);
    assert!(
        out.stdout
            .starts_with(&format!("::warning file=a.py,line=1,col={UTILS_COL},")),
        "{}",
        out.stdout
    );
}

#[test]
fn sarif_report() {
    let repo = two_files();
    let out = repo.run(&["check", "--output-format", "sarif", "pkg"]);
    out.assert_code(1);
    let v = out.json();
    assert_eq!(v["version"], "2.1.0");
    let runs = v["runs"].as_array().expect("runs array");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "canon");
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules array")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for id in ["ws-manager", "old-utils", "notifier"] {
        assert!(rule_ids.contains(&id), "{id} not in {rule_ids:?}");
    }
    let results = run["results"].as_array().expect("results array");
    assert_eq!(results.len(), 2, "{v:#}");
    let a = results
        .iter()
        .find(|r| r["ruleId"] == "ws-manager")
        .unwrap_or_else(|| panic!("{v:#}"));
    let phys = &a["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], "pkg/a.py", "{a:#}");
    assert_eq!(phys["region"]["startLine"], 1, "{a:#}");
    assert_eq!(phys["region"]["startColumn"], WS_COL, "{a:#}");
    assert_eq!(a["level"], "error", "{a:#}");
    assert!(a["message"]["text"].is_string(), "{a:#}");
    let b = results
        .iter()
        .find(|r| r["ruleId"] == "notifier")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(
        b["locations"][0]["physicalLocation"]["region"]["startLine"], 2,
        "{b:#}"
    );
}

#[test]
fn color_always_emits_ansi_escapes() {
    let repo = two_files();
    let out = repo
        .canon(&["check", "--color", "always", "pkg"])
        .env_remove("NO_COLOR")
        .run();
    out.assert_code(1);
    assert!(out.raw_stdout.contains(&0x1b), "{:?}", out.stdout);
}

#[test]
fn force_color_emits_ansi_escapes_without_a_terminal() {
    let repo = two_files();
    let out = repo
        .canon(&["check", "pkg"])
        .env_remove("NO_COLOR")
        .env("FORCE_COLOR", "1")
        .run();
    out.assert_code(1);
    assert!(out.raw_stdout.contains(&0x1b), "{:?}", out.stdout);
}

#[test]
fn no_color_and_color_never_emit_no_escapes() {
    let repo = two_files();
    let out = repo.canon(&["check", "pkg"]).env("NO_COLOR", "1").run();
    out.assert_code(1);
    assert!(!out.raw_stdout.contains(&0x1b), "{:?}", out.stdout);

    let out = repo
        .canon(&["check", "--color", "never", "pkg"])
        .env_remove("NO_COLOR")
        .env("FORCE_COLOR", "1")
        .run();
    out.assert_code(1);
    assert!(!out.raw_stdout.contains(&0x1b), "{:?}", out.stdout);

    // Not a terminal and nothing forced: no colour either.
    let out = repo.canon(&["check", "pkg"]).env_remove("NO_COLOR").run();
    out.assert_code(1);
    assert!(!out.raw_stdout.contains(&0x1b), "{:?}", out.stdout);
}

#[test]
fn control_characters_in_file_names_are_escaped() {
    let repo = Repo::std();
    repo.write("we\x1bird.py", lines(&[WS_IMPORT]));
    repo.write("tab\tname.py", lines(&[WS_IMPORT]));

    for format in ["human", "concise"] {
        let out = repo.run(&["check", "--output-format", format, "."]);
        out.assert_code(1);
        assert!(
            !out.raw_stdout.contains(&0x1b),
            "{format}: raw ESC in {:?}",
            out.stdout
        );
        let headers: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| l.contains(&format!(":1:{WS_COL}: CAN001 [ws-manager]")))
            .collect();
        assert_eq!(headers.len(), 2, "{format}: {:?}", out.stdout);
        for h in &headers {
            assert!(
                !h.chars().any(char::is_control),
                "{format}: control character in {h:?}"
            );
        }
        assert!(headers.iter().any(|h| h.starts_with("we")), "{headers:?}");
        assert!(headers.iter().any(|h| h.starts_with("tab")), "{headers:?}");
    }
}

#[test]
fn control_characters_in_source_are_escaped_in_human_output() {
    let repo = Repo::std();
    repo.write("a.py", format!("{WS_IMPORT}; banner = \"\x1b[31mred\"\n"));
    let out = repo.run(&["check", "a.py"]);
    out.assert_code(1);
    assert!(!out.raw_stdout.contains(&0x1b), "{:?}", out.stdout);
}

/// Files with zero to three findings each, written in an order unlike their paths:
/// `pkg/m{i}/f.py` and `pkg/f{i}.py`; 26 findings in 20 files, 20 of them import
/// statements with a safe fix and 6 attribute references to a deprecated class
/// through its module (no automatic fix).
fn many_files(repo: &Repo) {
    for i in (0..24).rev() {
        let mut body = Vec::new();
        if i % 2 == 0 {
            body.push(WS_IMPORT.to_string());
        }
        body.push(format!("value_{i} = {i}"));
        if i % 3 == 0 {
            body.push(UTILS_IMPORT.to_string());
        }
        if i % 4 == 1 {
            body.push("from netra.ws import manager".to_string());
            body.push(format!("manager_{i} = manager.WebSocketManager()"));
        }
        let path = if i % 5 == 0 {
            format!("pkg/m{i}/f.py")
        } else {
            format!("pkg/f{i}.py")
        };
        let body: Vec<&str> = body.iter().map(String::as_str).collect();
        repo.write(&path, lines(&body));
    }
}

/// `(path, line, column, code, rule)` of every finding in a JSON report, in its order.
fn json_findings(out: &Out) -> Vec<(String, u64, u64, String, String)> {
    let v = out.json();
    v.as_array()
        .unwrap_or_else(|| panic!("not a JSON array: {v:#}"))
        .iter()
        .map(|d| {
            (
                d["filename"].as_str().unwrap().to_string(),
                d["location"]["row"].as_u64().unwrap(),
                d["location"]["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The formats that print finding by finding (concise, GitHub, human) print the
/// findings of many files in the order and with the counts of the JSON report, which
/// is put together once every file is checked.
#[test]
fn findings_of_many_files_print_in_path_order_in_every_format() {
    let repo = Repo::std();
    many_files(&repo);
    let json = repo.run(&["check", "--output-format", "json", "pkg"]);
    json.assert_code(1);
    let expected = json_findings(&json);
    let mut sorted = expected.clone();
    sorted.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
    assert_eq!(expected, sorted, "JSON findings are not in path order");
    let files: std::collections::BTreeSet<&str> = expected.iter().map(|f| f.0.as_str()).collect();
    assert_eq!((expected.len(), files.len()), (26, 20), "{}", json.stdout);
    let fixable = json
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["fix"]["applicability"] == "safe")
        .count();
    assert_eq!(fixable, 20, "{}", json.stdout);
    let located = |f: &(String, u64, u64, String, String)| (f.0.clone(), f.1, f.2, f.3.clone());
    let expected_at: Vec<_> = expected.iter().map(located).collect();

    let concise = repo.concise(&["check", "pkg"]);
    concise.assert_code(1);
    let concise_at: Vec<_> = concise
        .diags()
        .into_iter()
        .map(|d| (d.path, d.line as u64, d.col as u64, d.code))
        .collect();
    assert_eq!(concise_at, expected_at);

    let github = repo.run(&["check", "--output-format", "github", "pkg"]);
    github.assert_code(1);
    let github_at: Vec<_> = github
        .stdout
        .lines()
        .map(|line| {
            let (_, rest) = line
                .split_once(" file=")
                .unwrap_or_else(|| panic!("{line}"));
            let field = |name: &str| {
                rest.split(',')
                    .find_map(|part| part.strip_prefix(name))
                    .unwrap_or_else(|| panic!("{name} missing: {line}"))
                    .to_string()
            };
            let title = rest.split_once("title=").unwrap().1;
            (
                rest.split(',').next().unwrap().to_string(),
                field("line=").parse().unwrap(),
                field("col=").parse().unwrap(),
                title[..6].to_string(),
            )
        })
        .collect();
    assert_eq!(github_at, expected_at);

    let human = repo.run(&["check", "pkg"]);
    human.assert_code(1);
    let human_at: Vec<_> = human
        .stdout
        .lines()
        .filter_map(parse_concise)
        .map(|d| (d.path, d.line as u64, d.col as u64, d.code))
        .collect();
    assert_eq!(human_at, expected_at);
    let summary = format!(
        "Found {} violations ({fixable} fixable with --fix) in {} files.",
        expected.len(),
        files.len()
    );
    assert_eq!(
        human.stdout.lines().last(),
        Some(summary.as_str()),
        "{}",
        human.stdout
    );
    let quiet = repo.run(&["check", "--quiet", "pkg"]);
    quiet.assert_code(1);
    assert!(!quiet.stdout.contains("Found "), "{}", quiet.stdout);
}

/// Warnings alone print as findings in every format and leave the exit status 0.
#[test]
fn warnings_alone_print_and_pass_in_every_format() {
    let repo = Repo::with_config(&STD_CONFIG.replace(
        "    kind: import\n",
        "    kind: import\n    severity: warning\n",
    ));
    many_files(&repo);
    for format in ["concise", "github", "human", "json"] {
        let out = repo.run(&["check", "--output-format", format, "pkg"]);
        out.assert_code(0);
        assert!(out.stdout.contains("CAN001"), "{format}: {}", out.stdout);
    }
    let human = repo.run(&["check", "pkg"]);
    assert!(
        human
            .stdout
            .ends_with("Found 26 violations (20 fixable with --fix) in 20 files.\n"),
        "{}",
        human.stdout
    );
}

/// SARIF lists each rule with its default level: `error`, `warning`, or for a rule
/// turned off, `none` and not enabled.
#[test]
fn sarif_rule_levels_follow_severity() {
    let repo = Repo::with_config(
        &STD_CONFIG
            .replace(
                "    deprecated:\n      - pkg.old_utils\n",
                "    deprecated:\n      - pkg.old_utils\n    severity: warning\n",
            )
            .replace(
                "      - netra.legacy.notifier.WebSocketNotifier\n",
                "      - netra.legacy.notifier.WebSocketNotifier\n    severity: off\n",
            ),
    );
    repo.write("a.py", lines(&[NOTIFIER_IMPORT, UTILS_IMPORT]));
    let out = repo.run(&["check", "--output-format", "sarif", "a.py"]);
    out.assert_code(0);
    let v = out.json();
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .clone();
    let level = |id: &str| {
        rules
            .iter()
            .find(|rule| rule["id"] == id)
            .unwrap_or_else(|| panic!("{id}: {v:#}"))["defaultConfiguration"]
            .clone()
    };
    assert_eq!(level("ws-manager")["level"], "error");
    assert_eq!(level("old-utils")["level"], "warning");
    assert_eq!(level("notifier")["level"], "none");
    assert_eq!(level("notifier")["enabled"], false);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{v:#}");
    assert_eq!(results[0]["ruleId"], "old-utils");
}
