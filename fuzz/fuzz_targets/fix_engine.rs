//! A fixed config with import and call rules, and arbitrary Python text: check it,
//! apply the fixes (unsafe ones too) until nothing changes, and require that
//! - applying never panics;
//! - text that parsed cleanly still parses cleanly after every round of fixes;
//! - after one round of fixes, checking again finds no fixable import diagnostic,
//!   and the fixes (call fixes may wait for a later round) converge.
#![no_main]

mod common;

use canon::config::Config;
use canon::diagnostic::Applicability;
use canon::gitsource::LineSet;
use canon::python::{self, ModulePath};
use canon::rules::{Checker, ConfigBase, Selection};
use canon::source::{self, SourceText};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

/// The rules the target checks against; every name is short so the fuzzer finds them.
pub const CONFIG: &str = include_str!("../fix_engine.canon.yaml");

/// Rounds of fixing before the fixes must have converged.
const ROUNDS: usize = 4;

fn config() -> &'static Config {
    static CONFIG_CELL: OnceLock<Config> = OnceLock::new();
    CONFIG_CELL.get_or_init(|| {
        canon::config::parse(CONFIG, Path::new("/r/.canon.yaml")).expect("the fixed config")
    })
}

fn parses(text: &str, module: &ModulePath) -> Option<String> {
    let source = SourceText::from_text(text.to_string(), false, None);
    let layout = source::scan(&source.text);
    python::model(&source, &layout, module)
        .problem
        .map(|problem| problem.message)
}

fn fixable_imports(diagnostics: &[canon::diagnostic::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.code == "CAN001")
        .filter(|d| {
            d.fix.as_ref().is_some_and(|fix| {
                fix.applicability != Applicability::DisplayOnly && !fix.edits.is_empty()
            })
        })
        .map(|d| format!("{}:{}: {}", d.start.0, d.start.1, d.message))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains('\0') {
        return;
    }
    common::with_big_stack(|| {
        let config = config();
        let checker = Checker::new(config, Selection::default(), ConfigBase::Inside(String::new()));
        let path = "pkg/app/consumer.py";
        let module = checker.module_path(path);
        let clean = parses(text, &module).is_none();
        let mut current = text.to_string();
        for round in 0..ROUNDS {
            let outcome = checker.check(path, current.as_bytes(), &LineSet::All, true, false);
            if round == 1 && clean {
                let left = fixable_imports(&outcome.diagnostics);
                assert!(
                    left.is_empty(),
                    "fixable import diagnostics after fixing:\n{current}\n--- left: {left:?}"
                );
            }
            // No source kept: nothing in the file concerns a rule, so there is no fix.
            let Some(source) = outcome.source.as_ref() else {
                return;
            };
            let applied = canon::fixes::apply(&source.text, &outcome.diagnostics, true);
            if applied.fixed.is_empty() {
                return;
            }
            if clean {
                if let Some(problem) = parses(&applied.text, &module) {
                    panic!(
                        "round {round}: fixes broke a file that parsed:\n--- before\n{current}\n--- after\n{}\n--- problem: {problem}",
                        applied.text
                    );
                }
            }
            current = applied.text;
        }
        assert!(
            !clean,
            "fixes did not converge after {ROUNDS} rounds:\n{current}"
        );
    });
});
