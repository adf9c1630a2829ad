//! Inputs found by the fuzz targets in `fuzz/` (and the properties they check),
//! replayed through the library API so they run with every `cargo test`.

use canon::config::Config;
use canon::gitsource::LineSet;
use canon::python::{self, ModulePath};
use canon::rules::{Checker, ConfigBase, Selection};
use canon::source::{self, SourceText};
use std::path::Path;

/// The config of the `fix_engine` fuzz target.
const FIX_CONFIG: &str = include_str!("../../fuzz/fix_engine.canon.yaml");

fn fix_config() -> Config {
    canon::config::parse(FIX_CONFIG, Path::new("/r/.canon.yaml")).expect("config")
}

/// What the `source_model` target does with one input.
fn model_bytes(data: &[u8]) -> python::PyModel {
    let source = SourceText::decode(data);
    let layout = source::scan(&source.text);
    for line in 1..=source.line_count() + 1 {
        let _ = source.line_text(line);
    }
    let model = python::model(
        &source,
        &layout,
        &ModulePath {
            name: Some("pkg.sub.mod".into()),
            is_package: false,
        },
    );
    for reference in &model.references {
        assert!(reference.range.end <= source.text.len());
        let _ = source.position(reference.range.start);
    }
    model
}

fn parse_problem(text: &str) -> Option<String> {
    let source = SourceText::from_text(text.to_string(), false, None);
    let layout = source::scan(&source.text);
    python::model(&source, &layout, &ModulePath::default())
        .problem
        .map(|problem| problem.message)
}

/// What the `fix_engine` target does with one input: the text after one round of
/// fixes, and the fixable import diagnostics a second check still finds.
fn fix_once(text: &str) -> (String, Vec<String>) {
    let config = fix_config();
    let checker = Checker::new(
        &config,
        Selection::default(),
        ConfigBase::Inside(String::new()),
    );
    let path = "pkg/app/consumer.py";
    let outcome = checker.check(path, text.as_bytes(), &LineSet::All, true, false);
    let Some(source) = outcome.source.as_ref() else {
        return (text.to_string(), Vec::new());
    };
    let applied = canon::fixes::apply(&source.text, &outcome.diagnostics, true);
    let again = checker.check(path, applied.text.as_bytes(), &LineSet::All, true, false);
    let left = again
        .diagnostics
        .iter()
        .filter(|d| d.code == "CAN001")
        .filter(|d| d.fix.as_ref().is_some_and(|fix| !fix.edits.is_empty()))
        .filter(|d| {
            d.fix.as_ref().unwrap().applicability != canon::diagnostic::Applicability::DisplayOnly
        })
        .map(|d| format!("{}:{} {}", d.start.0, d.start.1, d.message))
        .collect();
    (applied.text, left)
}

/// Asserts the fix property on `text`: fixed text parses when the input did, and
/// no fixable import diagnostic is left.
fn assert_fixes_hold(text: &str) -> String {
    let clean = parse_problem(text).is_none();
    let (fixed, left) = fix_once(text);
    if clean {
        assert_eq!(
            parse_problem(&fixed),
            None,
            "fixed text must parse:\n{fixed}"
        );
        assert!(left.is_empty(), "left after fixing:\n{fixed}\n{left:?}");
    }
    fixed
}

#[test]
fn seeds_of_every_target_hold_their_properties() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut seen = 0;
    for target in ["source_model", "config_loader", "fix_engine"] {
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
            continue;
        };
        // Only the hand-written seeds: a local fuzzing run adds its own finds beside them.
        let seeds = entries
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with("seed-"));
        for entry in seeds {
            let data = std::fs::read(entry.path()).unwrap();
            seen += 1;
            match target {
                "source_model" => {
                    model_bytes(&data);
                }
                "config_loader" => {
                    let text = String::from_utf8(data).unwrap();
                    let _ = canon::config::parse(&text, Path::new("/r/.canon.yaml"));
                }
                _ => {
                    assert_fixes_hold(std::str::from_utf8(&data).unwrap());
                }
            }
        }
    }
    assert!(seen >= 10, "the seed corpus is missing ({seen} files)");
}

#[test]
fn fix_engine_rewrites_realistic_imports_and_they_still_parse() {
    let fixed = assert_fixes_hold(
        "import os\nfrom netra.ws.manager import Manager, Other  # keep\nfrom pkg.old_utils import (\n    a,\n    b as c,\n)\n",
    );
    assert!(
        fixed.contains("netra.ws.ssot import SSOTManager as Manager"),
        "{fixed}"
    );
    assert!(fixed.contains("# keep"), "{fixed}");
    assert!(fixed.contains("pkg.new_utils"), "{fixed}");
    assert_fixes_hold("def f():\n    from old import x\n    return x\n");
    assert_fixes_hold("if True:\n    import old, pkg.old_utils as u; y = 1\n");
    assert_fixes_hold("from netra.ws import get_manager\nm = get_manager(1, k=2)\n");
}

/// Decoding and scanning odd bytes (lone continuation bytes, a BOM followed by
/// invalid UTF-8, a PEP 263 line naming an unknown codec) never panics.
#[test]
fn source_model_survives_odd_bytes() {
    for data in [
        &b"\xEF\xBB\xBF\xff\xfe"[..],
        b"# coding: klingon\nimport a\n\x80",
        b"# coding=latin-1\n\xff\nfrom . import (x,\n",
        b"f'{'\n'''",
        b"\\\r\n\\",
        b"rb'\\",
        b"from ........ import x\n",
        b"t'{t'{t'{",
        b"\r\r\r\nimport a.b as c\r",
    ] {
        model_bytes(data);
    }
}

/// Relative imports that climb above the top of the package resolve to nothing
/// rather than panicking.
#[test]
fn relative_import_above_the_top_package_is_unresolved() {
    let model = model_bytes(b"from ....... import x\nfrom ....y import z\n");
    assert!(model.problem.is_none());
    assert!(model.references.is_empty(), "{:?}", model.references);
}

/// fix_engine crash: an indented `from` import (recovered lexically after "unexpected
/// indent") made the import fix slice the statement text out of bounds
/// (`fixes.rs`, `without_names`: "start byte index 47 is out of bounds").
#[test]
fn fix_of_recovered_indented_import_does_not_panic() {
    fix_once(" from old import t\nimport m");
    fix_once(
        "fnfeqm:.\n)    from old impoeort thing\n    return thrt thing\n    return thortr,\n\n    from old import tihs\nimport pkg.old_utils as ou\nfrom pkg impor\n)a\n",
    );
}

/// fix_engine crash: a `from` import whose parenthesised name list is cut off at the
/// end of the file (a buffer being typed) made `fixes::apply` slice past the end of
/// the statement ("start byte index 48 is out of bounds").
#[test]
fn fix_of_unterminated_parenthesised_import_does_not_panic() {
    fix_once("from pkg.old_utils import (\n    Notifier,\n    h");
}

/// fix_engine crash: an import recovered inside a broken `try` made the import fix
/// subtract with overflow (`fixes.rs`, `without_names`).
#[test]
fn fix_of_import_in_broken_try_does_not_panic() {
    fix_once(
        "i=fier,\n;   helpry:\n    from netra.ws.manager import Manager\nexcept ImportError:\n    Manager = None\nfrom unittest import moc\nmockol\"\"\",d",
    );
}

/// fix_engine crash: two indented function-local imports after a blanked line made
/// the import fix slice out of bounds ("start byte index 84 is out of bounds").
#[test]
fn fix_of_imports_after_a_blanked_header_does_not_panic() {
    fix_once(
        "oer(1)\n\n degf():\n    from old import thing\n    return thing\ntifier(1)\n\ndef g():\n    from old import thing\n    return thing\n",
    );
}
