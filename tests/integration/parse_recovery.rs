//! Malformed and unusual Python input: `CAN000` warnings, recovery of
//! imports, encodings, BOM, CRLF, and robustness.

use crate::common::*;

fn check_bytes(path: &str, src: impl AsRef<[u8]>) -> Out {
    let repo = Repo::std();
    repo.write(path, src);
    repo.concise(&["check", path])
}

#[test]
fn nested_quote_fstring_still_checks_imports() {
    let src = lines(&[
        "import os",
        "",
        "name = f\"{os.environ[\"USER\"]}\"",
        "",
        WS_IMPORT,
    ]);
    let out = check_bytes("f.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("f.py", 5, WS_COL, "ws-manager")]);
    out.assert_one_parse_warning("f.py");
}

/// A rejected statement that is the only one in its body (common in 3.12 code:
/// `return f"{d["k"]}"`) leaves the body standing: the rest of the file is checked.
#[test]
fn statement_alone_in_its_body_rejected_leaves_the_rest_checked() {
    let src = lines(&[
        "import pkg",
        "def label(d):",
        "    return f\"{d[\"name\"]}\"",
        "class Names:",
        "\tdef first(self, d):",
        "\t\treturn f\"{d[\"first\"]}\"",
        "x = pkg.old_utils.helper()",
    ]);
    let out = check_bytes("g.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("g.py", 7, 5, "old-utils")]);
    out.assert_one_parse_warning("g.py");
}

/// Imports typed below a call or signature left open (a half-typed buffer) are
/// still found, one physical line at a time; text in strings and comments is not.
#[test]
fn imports_below_an_unclosed_bracket_are_recovered() {
    let src = lines(&[
        "import os",
        "x = foo(",
        UTILS_IMPORT,
        "def f(:",
        "    doc = \"\"\"",
        WS_IMPORT,
        "\"\"\"",
        "    # import pkg.old_utils",
        "    from netra.ws.manager import (",
        "        WebSocketManager)",
    ]);
    let out = check_bytes("k.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("k.py", 3, UTILS_COL, "old-utils"),
            loc("k.py", 10, 9, "ws-manager"),
        ]
    );
    out.assert_one_parse_warning("k.py");
}

/// Recovery reads the simple statements of a line: an import after a `;` or a block
/// header's `:` is found, one in a string or comment is not.
#[test]
fn imports_after_a_semicolon_or_a_header_colon_are_recovered() {
    let src = lines(&[
        "x = 1; import pkg.old_utils",
        "if True: y = {'a': 1}; from netra.ws.manager import WebSocketManager",
        "z = f(1, 2); s = 'a; import pkg.old_utils'  # ; import pkg.old_utils",
        "if True: import pkg.old_utils",
        "if True:",
        "print(1)",
    ]);
    let out = check_bytes("s.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("s.py", 1, 15, "old-utils"),
            loc("s.py", 2, 53, "ws-manager"),
            loc("s.py", 4, 17, "old-utils"),
        ]
    );
    out.assert_one_parse_warning("s.py");
}

#[test]
fn python2_print_statement_still_checks_imports() {
    let src = lines(&["print \"hi\"", WS_IMPORT, "", "import pkg.old_utils"]);
    let out = check_bytes("py2.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("py2.py", 2, WS_COL, "ws-manager"),
            loc("py2.py", 4, 8, "old-utils"),
        ]
    );
    out.assert_one_parse_warning("py2.py");
}

#[test]
fn template_string_still_checks_imports() {
    let src = lines(&[UTILS_IMPORT, "name = 'x'", "greeting = t\"Hello {name}\""]);
    let out = check_bytes("t.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("t.py", 1, UTILS_COL, "old-utils")]);
    out.assert_one_parse_warning("t.py");
}

#[test]
fn half_typed_buffer_recovers_multiline_imports() {
    let repo = Repo::std();
    let src = lines(&[
        UTILS_IMPORT,
        "",
        "def broken(:",
        "    pass",
        "from netra.ws.manager import (",
        "    Other,",
        "    WebSocketManager,",
        ")",
        "from netra.ws.manager \\",
        "    import WebSocketManager as W2",
    ]);
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "editing.py",
            "--output-format",
            "concise",
        ])
        .stdin(&src)
        .run();
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("editing.py", 1, UTILS_COL, "old-utils"),
            loc("editing.py", 7, 5, "ws-manager"),
            loc("editing.py", 10, 12, "ws-manager"),
        ]
    );
    out.assert_one_parse_warning("editing.py");
}

#[test]
fn recovered_imports_honour_suppression_comments() {
    let src = lines(&[
        "print \"hi\"",
        &format!("{WS_IMPORT}  # canon: ignore"),
        &format!("{UTILS_IMPORT}  # noqa: CAN001"),
        "import pkg.old_utils",
    ]);
    let out = check_bytes("py2.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("py2.py", 4, 8, "old-utils")]);
}

#[test]
fn recovery_does_not_report_imports_inside_strings_or_comments() {
    let src = lines(&[
        "print \"hi\"",
        "# from netra.ws.manager import WebSocketManager",
        "doc = \"\"\"",
        "from netra.ws.manager import WebSocketManager",
        "\"\"\"",
        UTILS_IMPORT,
    ]);
    let out = check_bytes("py2.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("py2.py", 6, UTILS_COL, "old-utils")]);
}

#[test]
fn parse_failure_alone_is_a_warning_and_exits_0() {
    let src = lines(&["import os", "print \"hi\""]);
    let repo = Repo::std();
    repo.write("py2.py", &src);
    let out = repo.concise(&["check", "py2.py"]);
    out.assert_code(0);
    assert_eq!(out.locs(), vec![]);
    out.assert_one_parse_warning("py2.py");

    let out = repo.run(&["check", "--output-format", "json", "py2.py"]);
    out.assert_code(0);
    let v = out.json();
    let items = v.as_array().expect("array");
    assert_eq!(items.len(), 1, "{v:#}");
    assert_eq!(items[0]["code"], "CAN000");
    assert_eq!(items[0]["severity"], "warning");
    assert_eq!(items[0]["filename"], "py2.py");
}

#[test]
fn parse_failure_in_staged_mode_reports_changed_imports() {
    let repo = Repo::std();
    repo.write("py2.py", lines(&["print \"hi\"", WS_IMPORT]));
    repo.commit_all("legacy");
    repo.write("py2.py", lines(&["print \"hi\"", WS_IMPORT, UTILS_IMPORT]));
    repo.add(&["py2.py"]);
    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("py2.py", 3, UTILS_COL, "old-utils")]);
    // The change itself parses: the untouched Python 2 line is not the commit's doing.
    assert_eq!(out.parse_warnings().len(), 0, "stdout:\n{}", out.stdout);
}

#[test]
fn staged_change_that_breaks_its_statement_gets_a_parse_warning() {
    let repo = Repo::std();
    repo.write(
        "svc.py",
        lines(&["import os", "", "def run():", "    return os.getcwd()"]),
    );
    repo.commit_all("base");
    repo.write(
        "svc.py",
        lines(&[
            "import os",
            UTILS_IMPORT,
            "",
            "def run()",
            "    return os.getcwd()",
        ]),
    );
    repo.add(&["svc.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("svc.py", 2, UTILS_COL, "old-utils")]);
    out.assert_one_parse_warning("svc.py");
}

#[test]
fn staged_edit_beside_untouched_python_312_strings_still_gets_the_parse_warning() {
    // The change parses on its own, but the file holds strings rustpython-parser rejects
    // (SPEC §7's examples): it is parsed whole, so CAN000 names them.
    for old_line in [
        "name = f\"{os.environ[\"USER\"]}\"",
        "greeting = t'hello {name}'",
    ] {
        let repo = Repo::std();
        repo.write("app.py", lines(&["import os", old_line, "", "x = 1"]));
        repo.commit_all("base");
        repo.write(
            "app.py",
            lines(&["import os", old_line, "", "x = 1", WS_IMPORT]),
        );
        repo.add(&["app.py"]);

        let out = repo.concise(&["check", "--staged"]);
        out.assert_code(1);
        assert_eq!(out.locs(), vec![loc("app.py", 5, WS_COL, "ws-manager")]);
        out.assert_one_parse_warning("app.py");
    }
}

#[test]
fn staged_edit_of_one_method_in_a_large_class_is_checked_on_its_lines() {
    let repo = Repo::std();
    let mut base = vec![
        WS_IMPORT.to_string(),
        String::new(),
        "class Service:".to_string(),
    ];
    for index in 0..200 {
        base.push(format!("    def method_{index}(self):"));
        base.push(format!("        return {index}"));
    }
    let base_refs: Vec<&str> = base.iter().map(String::as_str).collect();
    repo.write("svc.py", lines(&base_refs));
    repo.commit_all("base");

    let mut edited = base.clone();
    // Inside method_100: a new nested import of a deprecated name.
    edited.insert(204, format!("        {UTILS_IMPORT}"));
    let edited_refs: Vec<&str> = edited.iter().map(String::as_str).collect();
    repo.write("svc.py", lines(&edited_refs));
    repo.add(&["svc.py"]);

    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![loc("svc.py", 205, UTILS_COL + 8, "old-utils")]
    );
    assert_eq!(out.parse_warnings().len(), 0, "stdout:\n{}", out.stdout);
}

#[test]
fn invalid_utf8_is_a_warning_and_checked_lossily() {
    let mut src = b"# caf\xe9 \xff\xfe no coding declaration\n".to_vec();
    src.extend_from_slice(lines(&[WS_IMPORT, "x = 1", UTILS_IMPORT]).as_bytes());
    let out = check_bytes("latin.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("latin.py", 2, WS_COL, "ws-manager"),
            loc("latin.py", 4, UTILS_COL, "old-utils"),
        ]
    );
    out.assert_one_parse_warning("latin.py");
}

#[test]
fn invalid_utf8_in_staged_blob_is_a_warning() {
    let repo = Repo::std();
    let mut src = lines(&[WS_IMPORT]).into_bytes();
    src.extend_from_slice(b"s = '\xff'\n");
    repo.write("bin.py", &src);
    repo.add(&["bin.py"]);
    let out = repo.concise(&["check"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("bin.py", 1, WS_COL, "ws-manager")]);
    out.assert_one_parse_warning("bin.py");
}

#[test]
fn declared_pep263_encoding_is_decoded() {
    let mut src = b"# -*- coding: latin-1 -*-\n".to_vec();
    // "s = 'é'; " is 9 characters; the latin-1 é is one byte.
    src.extend_from_slice(b"s = '\xe9'; import pkg.old_utils\n");
    let out = check_bytes("declared.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("declared.py", 2, 17, "old-utils")]);
    assert_eq!(out.parse_warnings(), vec![], "{}", out.stdout);
}

#[test]
fn empty_and_blank_files_give_nothing() {
    let repo = Repo::std();
    repo.write("empty.py", "");
    repo.write("blank.py", "\n\n   \n");
    repo.write("pkg/__init__.py", "");
    let out = repo.concise(&["check", "empty.py", "blank.py", "pkg"]);
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);

    repo.add(&["empty.py", "blank.py", "pkg/__init__.py"]);
    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(0);
    assert_eq!(out.diags(), vec![]);
}

#[test]
fn bom_does_not_shift_columns() {
    let src = format!("\u{feff}{}", lines(&[WS_IMPORT, UTILS_IMPORT]));
    let out = check_bytes("bom.py", &src);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("bom.py", 1, WS_COL, "ws-manager"),
            loc("bom.py", 2, UTILS_COL, "old-utils"),
        ]
    );
    assert_eq!(out.parse_warnings(), vec![], "{}", out.stdout);
}

#[test]
fn bom_in_staged_blob_does_not_shift_columns() {
    let repo = Repo::std();
    repo.write("bom.py", format!("\u{feff}{WS_IMPORT}\n"));
    repo.add(&["bom.py"]);
    let out = repo.concise(&["check"]);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("bom.py", 1, WS_COL, "ws-manager")]);
}

const CRLF_SRC: &str = "import os\r\n\r\nfrom netra.ws.manager import (\r\n    Other,\r\n    WebSocketManager,\r\n)\r\nx = 1\r\nfrom netra.legacy.notifier import WebSocketNotifier\r\n";

#[test]
fn crlf_line_endings_give_correct_lines_and_columns() {
    let out = check_bytes("crlf.py", CRLF_SRC);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("crlf.py", 5, 5, "ws-manager"),
            loc("crlf.py", 8, NOTIFIER_COL, "notifier"),
        ]
    );
    assert_eq!(out.parse_warnings(), vec![], "{}", out.stdout);
}

#[test]
fn crlf_staged_change_reports_only_the_changed_line() {
    let repo = Repo::std();
    repo.write(
        "crlf.py",
        "x = 1\r\ny = 2\r\nfrom netra.ws.manager import WebSocketManager\r\n",
    );
    repo.commit_all("legacy");
    repo.write(
        "crlf.py",
        "x = 1\r\ny = 2\r\nfrom netra.ws.manager import WebSocketManager\r\nfrom netra.legacy.notifier import WebSocketNotifier\r\n",
    );
    repo.add(&["crlf.py"]);
    let out = repo.concise(&["check", "--staged"]);
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![loc("crlf.py", 4, NOTIFIER_COL, "notifier")]
    );
}

#[test]
fn crlf_on_stdin() {
    let repo = Repo::std();
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "crlf.py",
            "--output-format",
            "concise",
        ])
        .stdin(CRLF_SRC)
        .run();
    out.assert_code(1);
    assert_eq!(
        out.locs(),
        vec![
            loc("crlf.py", 5, 5, "ws-manager"),
            loc("crlf.py", 8, NOTIFIER_COL, "notifier"),
        ]
    );
}

#[test]
fn hostile_inputs_never_crash() {
    let repo = Repo::std();
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    repo.write("binary.py", &binary);
    repo.write("nul.py", b"import os\0\nx = 1\n");
    let depth = 3000;
    repo.write(
        "nested.py",
        format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth)),
    );
    repo.write(
        "nested_list.py",
        format!("x = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
    );
    repo.write(
        "unclosed.py",
        "from netra.ws.manager import (\n    WebSocketManager,\n",
    );
    repo.write("long_line.py", format!("x = '{}'\n", "a".repeat(1 << 20)));
    repo.write("only_cr.py", "import os\rx = 1\r");
    repo.write("lone_surrogate_escape.py", "s = '\\ud800'\n");

    // Every file on its own, then all together; no run may crash, and none of
    // these is an error of the tool.
    for name in [
        "binary.py",
        "nul.py",
        "nested.py",
        "nested_list.py",
        "unclosed.py",
        "long_line.py",
        "only_cr.py",
        "lone_surrogate_escape.py",
    ] {
        let out = repo.concise(&["check", name]);
        assert!(
            out.code == 0 || out.code == 1,
            "{name}: exit {}\n{}",
            out.code,
            out.stderr
        );
    }
    let out = repo.run(&["check", "--output-format", "json", "."]);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}\n{}",
        out.code,
        out.stderr
    );
    out.json();
}

#[test]
fn unclosed_multiline_import_is_still_reported() {
    let src = "import os\nfrom netra.ws.manager import (\n    WebSocketManager,\n";
    let out = check_bytes("unclosed.py", src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("unclosed.py", 3, 5, "ws-manager")]);
    out.assert_one_parse_warning("unclosed.py");
}

/// A file the scanner finds malformed gets its CAN000 in a directory walk as when it
/// is named, though no rule's name is in it (only pattern rules look at it).
#[test]
fn walked_file_mentioning_no_rule_name_still_gets_its_parse_warning() {
    let config =
        "version: 1\nrules:\n  - {id: s, kind: pattern, regex: localhost, scope: string}\n";
    let repo = Repo::with_config(config);
    repo.write("py312.py", "x = f\"{y!r} {\"localhost\"}\"\n");
    repo.write("tstr.py", "x = t\"localhost {y}\"\n");
    repo.write("unterm.py", "x = \"localhost\n");
    let walked = repo.concise(&["check", "."]);
    let named = repo.concise(&["check", "py312.py", "tstr.py", "unterm.py"]);
    assert_eq!(walked.stdout, named.stdout);
    assert_eq!(walked.parse_warnings().len(), 3, "{}", walked.stdout);
}

/// An import before a `;` whose rest does not parse (Python 2's `print "x"`) is still
/// recovered, named or staged.
#[test]
fn import_before_a_semicolon_and_a_statement_that_does_not_parse_is_recovered() {
    let src = lines(&["import pkg.old_utils; print \"x\"", "y = 1"]);
    let out = check_bytes("s.py", &src);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![loc("s.py", 1, 8, "old-utils")]);
    out.assert_one_parse_warning("s.py");
    let repo = Repo::std();
    repo.write("t.py", &src);
    repo.git(&["add", "t.py"]);
    let staged = repo.concise(&["check", "--staged"]);
    staged.assert_code(1);
    assert_eq!(staged.locs(), vec![loc("t.py", 1, 8, "old-utils")]);
}
