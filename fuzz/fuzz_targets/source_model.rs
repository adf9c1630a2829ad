//! Any bytes through decoding, the scanner and the Python model: nothing may panic,
//! and every range the model reports must lie on character boundaries of the text.
#![no_main]

mod common;

use canon::python::{self, ModulePath};
use canon::source::{self, SourceText};
use libfuzzer_sys::fuzz_target;
use std::ops::Range;

fn assert_in_text(text: &str, range: &Range<usize>, what: &str) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{what} range {range:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{what} range {range:?} splits a character"
    );
}

fuzz_target!(|data: &[u8]| {
    common::with_big_stack(|| {
        let source = SourceText::decode(data);
        let layout = source::scan(&source.text);
        let text = source.text.as_str();
        for literal in &layout.strings {
            assert_in_text(text, &literal.range, "string");
            for part in &literal.parts {
                assert_in_text(text, part, "string part");
            }
        }
        for comment in &layout.comments {
            assert_in_text(text, comment, "comment");
        }
        for line in &layout.logical_lines {
            assert_in_text(text, line, "logical line");
        }
        for line in 1..=source.line_count() + 1 {
            let _ = source.line_text(line);
        }
        for module in [
            ModulePath::default(),
            ModulePath {
                name: Some("pkg.sub.mod".to_string()),
                is_package: false,
            },
            ModulePath {
                name: Some("pkg".to_string()),
                is_package: true,
            },
        ] {
            let model = python::model(&source, &layout, &module);
            for reference in &model.references {
                assert_in_text(text, &reference.range, "reference");
                assert_in_text(text, &reference.stmt, "reference statement");
                let _ = source.position(reference.range.start);
            }
            for name in &model.names {
                assert_in_text(text, &name.range, "imported name");
            }
            for stmt in &model.imports {
                assert_in_text(text, &stmt.range, "import statement");
            }
            for call in &model.calls {
                assert_in_text(text, &call.call_range, "call");
                assert_in_text(text, &call.callee_range, "callee");
                assert_in_text(text, &call.args_range, "call arguments");
            }
            for definition in &model.definitions {
                assert_in_text(text, &definition.name_range, "definition name");
            }
            if let Some(problem) = &model.problem {
                assert!(problem.offset <= text.len(), "problem offset past the end");
                let _ = source.position(problem.offset);
            }
        }
        if source.decode_problem.is_none() {
            // Text that decoded exactly must encode back to the same bytes.
            assert_eq!(source.encode(text).as_deref(), Some(data), "round trip");
        }
    });
});
