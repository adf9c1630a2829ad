//! Any text as `.canon.yaml`: the loader returns a config or an error with a real
//! position, and never panics (huge regexes, odd YAML, deep nesting included).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    common::with_big_stack(
        || match canon::config::parse(text, Path::new("/r/.canon.yaml")) {
            Ok(config) => {
                for rule in &config.rules {
                    let _ = rule.allowed_in("pkg/mod.py");
                    let _ = canon::explain::explain(rule);
                }
                let _ = config.excluded("pkg/migrations/0001.py");
            }
            Err(error) => {
                assert!(error.line >= 1 && error.column >= 1, "position {error}");
                assert!(!error.message.is_empty(), "an error without a message");
            }
        },
    );
});
