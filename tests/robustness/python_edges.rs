//! Python that rustpython-parser rejects or that stresses it. Each case is either
//! checked (imports found at the right line and column) or reported with CAN000 and
//! recovered; never a panic, a signal or a hang.

use crate::common::{at, Out, Repo, NEW_IMPORT, OLD_IMPORT};
use std::time::Duration;

/// Checks `source` as if it were `name`, via stdin, in concise format.
fn check_buffer(repo: &Repo, name: &str, source: impl Into<Vec<u8>>) -> Out {
    repo.canon(&[
        "check",
        "--stdin-filename",
        name,
        "--output-format",
        "concise",
    ])
    .stdin(source)
    .run()
}

fn parse_warnings(out: &Out) -> usize {
    out.with_code("CAN000").len()
}

#[test]
fn python_312_nested_fstring_quotes_are_recovered() {
    let repo = Repo::std();
    let source = format!("x = f\"{{d[\"k\"]}} and {{f\"{{y}}\"}}\"\n{OLD_IMPORT}y = 1\n");
    let out = check_buffer(&repo, "fstr.py", source);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("fstr.py", 2, 27)]);
    assert_eq!(parse_warnings(&out), 1, "{}", out.stdout);
}

#[test]
fn python_314_template_strings_are_recovered() {
    let repo = Repo::std();
    let source = format!("name = 'w'\ngreeting = t\"hello {{name!r}}\"\n    {OLD_IMPORT}");
    // The import is indented under nothing: still recovered lexically.
    let out = check_buffer(&repo, "tstr.py", source);
    assert!(
        out.code == 1,
        "stdout: {}\nstderr: {}",
        out.stdout,
        out.stderr
    );
    assert_eq!(out.with_code("CAN001"), vec![at("tstr.py", 3, 31)]);
    let source = format!("greeting = t'hi {{name}}'\n{OLD_IMPORT}");
    let out = check_buffer(&repo, "tstr2.py", source);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("tstr2.py", 2, 27)]);
    assert_eq!(parse_warnings(&out), 1);
}

/// `match` parses; imports and calls inside `case` bodies are found.
#[test]
fn match_statement_bodies_are_checked() {
    let repo = Repo::std();
    let source = "match command:\n    case [\"go\", *rest] if rest:\n        import pkg.old_utils\n    case {\"k\": v}:\n        from netra.ws import get_manager\n        get_manager(v)\n    case _:\n        pass\n";
    let out = check_buffer(&repo, "m.py", source);
    assert_eq!(parse_warnings(&out), 0, "{}", out.stdout);
    assert_eq!(
        out.locs(),
        vec![
            ("m.py".into(), 3, 16, "CAN001".into()),
            ("m.py".into(), 6, 9, "CAN002".into())
        ],
        "stdout: {}",
        out.stdout
    );
    out.assert_code(1);
}

/// `match` and `case` stay ordinary names outside a match statement.
#[test]
fn soft_keywords_used_as_names_are_fine() {
    let repo = Repo::std();
    let source =
        format!("match = 1\ncase = [match]\ntype = 3\nprint(match, case, type)\n{OLD_IMPORT}");
    let out = check_buffer(&repo, "soft.py", source);
    out.assert_code(1);
    assert_eq!(out.locs(), vec![("soft.py".into(), 5, 27, "CAN001".into())]);
}

#[test]
fn pep_695_generics_are_checked() {
    let repo = Repo::std();
    let source = "type Point[T] = tuple[T, T]\n\nclass Box[T: int, *Ts, **P]:\n    from pkg.old_utils import helper\n\ndef first[T](items: list[T]) -> T:\n    import pkg.old_utils as u\n    return items[0]\n";
    let out = check_buffer(&repo, "gen.py", source);
    out.assert_code(1);
    assert_eq!(
        out.with_code("CAN001"),
        vec![at("gen.py", 4, 31), at("gen.py", 7, 12)]
    );
}

#[test]
fn python_2_files_are_recovered() {
    let repo = Repo::std();
    let source = format!(
        "# legacy\nprint \"hello\"\nexec \"x = 1\"\n{OLD_IMPORT}print >>sys.stderr, \"x\"\nexcept_ = `x`\nimport pkg.old_utils as u\nraise E, \"msg\"\n"
    );
    let out = check_buffer(&repo, "py2.py", source);
    out.assert_code(1);
    assert_eq!(
        out.with_code("CAN001"),
        vec![at("py2.py", 4, 27), at("py2.py", 7, 8)]
    );
    assert_eq!(parse_warnings(&out), 1);
}

/// An editor buffer mid-edit: complete imports above the cursor are still found.
#[test]
fn half_typed_editor_buffer_via_stdin() {
    let repo = Repo::std();
    let source = format!("import os\n{OLD_IMPORT}\ndef f(x):\n    return x.\n\nclass A(\n    ");
    let out = check_buffer(&repo, "pkg/editing.py", source);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("pkg/editing.py", 2, 27)]);
    assert_eq!(parse_warnings(&out), 1);
    // With `--fix` the whole buffer comes back on stdout as it was: a buffer that does
    // not parse cannot be shown to parse once fixed, so its fixes are not applied.
    let buffer = format!("import os\n{OLD_IMPORT}\ndef f(x):\n    return x.\n");
    let fixed = repo
        .canon(&["check", "--stdin-filename", "pkg/editing.py", "--fix"])
        .stdin(buffer.clone())
        .run();
    assert_eq!(fixed.stdout, buffer, "stderr: {}", fixed.stderr);
    assert!(
        fixed
            .stderr
            .contains("pkg/editing.py: fixes not applied: the file does not parse"),
        "{}",
        fixed.stderr
    );
    // Once the buffer parses, the same fix is applied.
    let fixed = repo
        .canon(&["check", "--stdin-filename", "pkg/editing.py", "--fix"])
        .stdin(buffer.replace("x.\n", "x\n"))
        .run();
    assert_eq!(
        fixed.stdout,
        format!("import os\n{NEW_IMPORT}\ndef f(x):\n    return x\n"),
        "stderr: {}",
        fixed.stderr
    );
}

/// An unterminated parenthesised import in a buffer being typed: the names typed so
/// far are recovered (the statement is cut at the first line that cannot belong to it).
#[test]
fn half_typed_parenthesised_import_is_recovered() {
    let repo = Repo::std();
    let source = "import os\nfrom pkg.old_utils import (helper,\n\ndef f():\n    pass\n";
    let out = check_buffer(&repo, "typing.py", source);
    assert_eq!(parse_warnings(&out), 1, "{}", out.stdout);
    assert_eq!(out.with_code("CAN001"), vec![at("typing.py", 2, 28)]);
    out.assert_code(1);
}

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> String {
    format!("x = {}{inner}{}\n", open.repeat(depth), close.repeat(depth))
}

#[test]
fn ten_thousand_nested_brackets_do_not_overflow() {
    let repo = Repo::std();
    for (open, close) in [
        ("(", ")"),
        ("[", "]"),
        ("{", "}"),
        ("f(", ")"),
        ("[[", "],]"),
    ] {
        let source = format!("{OLD_IMPORT}{}", nested(open, close, 10_000, "1"));
        let out = check_buffer(&repo, "deep.py", source);
        out.assert_code(1);
        assert_eq!(
            out.with_code("CAN001"),
            vec![at("deep.py", 1, 27)],
            "{open}"
        );
    }
}

/// Deep recursion without brackets: long chains of unary operators, `not`, `await`,
/// lambdas and conditional expressions. CAN000 is acceptable; a stack overflow is not.
#[test]
fn deep_unary_and_keyword_chains_do_not_overflow() {
    let repo = Repo::std();
    let cases = [
        ("minus", format!("x = {}1\n", "-".repeat(1_000_000))),
        ("not", format!("x = {}1\n", "not ".repeat(300_000))),
        ("tilde", format!("x = {}1\n", "~".repeat(1_000_000))),
        ("lambda", format!("x = {}1\n", "lambda: ".repeat(200_000))),
        (
            "ifelse",
            format!("x = {}1\n", "1 if y else ".repeat(200_000)),
        ),
    ];
    for (name, body) in cases {
        let source = format!("{OLD_IMPORT}{body}");
        let out = check_buffer(&repo, "chain.py", source);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        assert_eq!(
            out.with_code("CAN001"),
            vec![at("chain.py", 1, 27)],
            "{name}"
        );
    }
}

/// Long flat expressions are fine too (the parser builds them left-deep).
#[test]
fn long_flat_expressions_do_not_overflow() {
    let repo = Repo::std();
    let source = format!(
        "{OLD_IMPORT}x = 1{}\ny = a{}\n",
        " + 1".repeat(300_000),
        ".b".repeat(200)
    );
    let out = check_buffer(&repo, "flat.py", source);
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("flat.py", 1, 27)]);
}

/// A very long attribute chain must be checked in about linear time, not cubic.
#[test]
fn long_attribute_chain_is_checked_quickly() {
    let repo = Repo::std();
    let source = format!("{OLD_IMPORT}x = a{}\n", ".b".repeat(20_000));
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "attrs.py",
            "--output-format",
            "concise",
        ])
        .stdin(source)
        .timeout(Duration::from_secs(30))
        .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("attrs.py", 1, 27)]);
}

/// A 50 MB file that is one physical line: checked, import found at its column.
#[test]
fn fifty_megabyte_single_line_file() {
    let repo = Repo::std();
    let mut source = String::from("import os; from pkg.old_utils import helper; x = '");
    source.push_str(&"a".repeat(50 << 20));
    source.push('\'');
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "one_line.py",
            "--output-format",
            "concise",
        ])
        .stdin(source)
        .timeout(Duration::from_secs(120))
        .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("one_line.py", 1, 38)]);
    // Generated data: an 8 MB list literal on one line.
    let mut source = String::from("import pkg.old_utils; x = [");
    source.push_str(&"1234567, ".repeat(1 << 20));
    source.push(']');
    let out = repo
        .canon(&[
            "check",
            "--stdin-filename",
            "data.py",
            "--output-format",
            "concise",
        ])
        .stdin(source)
        .timeout(Duration::from_secs(120))
        .run();
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("data.py", 1, 8)]);
}

/// Tabs count as one column; consistent mixing of tabs and spaces parses, while an
/// inconsistent mix gets CAN000 and its imports are still found.
#[test]
fn tabs_and_spaces() {
    let repo = Repo::std();
    let consistent =
        "def f():\n\tfrom pkg.old_utils import a\n\tif x:\n\t\timport pkg.old_utils\n\ndef g():\n    from pkg.old_utils import b\n";
    let out = check_buffer(&repo, "tabs.py", consistent);
    out.assert_code(1);
    assert_eq!(parse_warnings(&out), 0, "{}", out.stdout);
    assert_eq!(
        out.with_code("CAN001"),
        vec![
            at("tabs.py", 2, 28),
            at("tabs.py", 4, 10),
            at("tabs.py", 7, 31)
        ]
    );
    let inconsistent = "if x:\n\ty = 1\n        from pkg.old_utils import helper\n";
    let out = check_buffer(&repo, "mixed.py", inconsistent);
    out.assert_code(1);
    assert_eq!(parse_warnings(&out), 1, "{}", out.stdout);
    assert_eq!(out.with_code("CAN001"), vec![at("mixed.py", 3, 35)]);
}

/// Call sites and references inside keyword arguments, `with` items, comprehension
/// clauses, lambda defaults and decorators are found like any other.
#[test]
fn calls_and_references_in_every_expression_position_are_found() {
    let repo = Repo::std();
    let source = "\
import pkg
from netra.ws import get_manager
a = f(key=get_manager(1))
with get_manager(2) as m:
    pass
b = [x for x in get_manager(3)]
c = [x for x in y if get_manager(4)]
d = lambda q=get_manager(5): q
e = f(key=pkg.old_utils.thing)
with pkg.old_utils.ctx() as n:
    pass
g = {k: v for k, v in pkg.old_utils.items}
";
    let out = check_buffer(&repo, "positions.py", source);
    let mut lines: Vec<(usize, String)> =
        out.diags().into_iter().map(|d| (d.line, d.code)).collect();
    lines.sort();
    let expected: Vec<(usize, String)> = [
        (3, "CAN002"),
        (4, "CAN002"),
        (6, "CAN002"),
        (7, "CAN002"),
        (8, "CAN002"),
        (9, "CAN001"),
        (10, "CAN001"),
        (12, "CAN001"),
    ]
    .into_iter()
    .map(|(line, code)| (line, code.to_string()))
    .collect();
    assert_eq!(lines, expected, "stdout: {}", out.stdout);
}

/// Source that is not UTF-8, is binary, empty, only a BOM, or only CR line endings.
#[test]
fn odd_bytes_are_never_fatal() {
    let repo = Repo::std();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.py", Vec::new()),
        ("bom.py", b"\xEF\xBB\xBF".to_vec()),
        ("nul.py", b"import pkg.old_utils\n\0\0\0".to_vec()),
        ("latin.py", b"x = '\xe9'\nimport pkg.old_utils\n".to_vec()),
        ("cr.py", b"x = 1\rimport pkg.old_utils\r".to_vec()),
        (
            "surrogate.py",
            b"x = '\xed\xa0\x80'\nimport pkg.old_utils\n".to_vec(),
        ),
        ("lone_cont.py", b"\x80\x80\nimport pkg.old_utils\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let out = check_buffer(&repo, name, bytes);
        assert!(out.code == 0 || out.code == 1, "{name}: {}", out.stderr);
    }
    let out = check_buffer(
        &repo,
        "latin.py",
        b"x = '\xe9'\nimport pkg.old_utils\n".to_vec(),
    );
    out.assert_code(1);
    assert_eq!(out.with_code("CAN001"), vec![at("latin.py", 2, 8)]);
    assert_eq!(parse_warnings(&out), 1);
}

/// `--fix` on an editor buffer whose parenthesised import is still being typed: the
/// buffer comes back whole (fixed or not), never a crash.
#[test]
fn fix_of_half_typed_parenthesised_import_via_stdin() {
    let repo = Repo::std();
    let buffer = "from pkg.old_utils import (\n    helper,\n    h";
    let out = repo
        .canon(&["check", "--stdin-filename", "typing.py", "--fix"])
        .stdin(buffer)
        .run();
    assert!(out.code == 0 || out.code == 1, "stderr: {}", out.stderr);
    assert!(
        out.stdout == buffer || out.stdout.starts_with("from pkg.new_utils import ("),
        "stdout: {}",
        out.stdout
    );
    let out = repo
        .canon(&["check", "--stdin-filename", "indented.py", "--fix"])
        .stdin(" from pkg.old_utils import t\nimport m")
        .run();
    assert!(out.code == 0 || out.code == 1, "stderr: {}", out.stderr);
}
