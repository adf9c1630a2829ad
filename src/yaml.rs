//! YAML reading for the configuration: the only module that knows about `serde_yaml`.
//!
//! It turns the text of a config file into the raw, untyped-by-kind structures of
//! [`crate::config`], and finds the line and column of a key or value so that every
//! config error can point at the place it is about.

use serde::de::DeserializeOwned;

/// A YAML problem at a position in the file (1-based line and column).
#[derive(Debug)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Deserializes `text` into `T`, reporting the position of the first problem.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|error| {
        let (line, column) = error
            .location()
            .map(|loc| (loc.line(), loc.column()))
            .unwrap_or((1, 1));
        YamlError {
            line,
            column,
            message: clean_message(&error.to_string()),
        }
    })
}

/// True when `text` holds no YAML content: only blank lines, comments and the
/// document markers `---` / `...` (which serde_yaml reads as an empty mapping).
pub fn is_blank_document(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        let after_marker = ["---", "..."].iter().find_map(|marker| {
            line.strip_prefix(marker)
                .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        });
        let rest = after_marker.unwrap_or(line).trim_start();
        rest.is_empty() || rest.starts_with('#')
    })
}

/// serde_yaml appends " at line L column C" to its messages; the caller prints the
/// position itself, so it is removed here. Rust's names for numbers become words.
fn clean_message(message: &str) -> String {
    let message = match message.find(" at line ") {
        Some(index) => &message[..index],
        None => message,
    };
    message
        .replace("expected u32", "expected a whole number")
        .replace("expected usize", "expected a whole number")
}

/// Positions of the items of the top-level `rules:` sequence: for each rule, the
/// 1-based line where its `- ` starts and the indentation of its keys.
pub fn rule_item_lines(text: &str) -> Vec<(usize, usize)> {
    let mut items = Vec::new();
    let mut in_rules = false;
    let mut item_indent: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent == 0 && !trimmed.starts_with('-') {
            in_rules = trimmed.starts_with("rules:");
            continue;
        }
        if !in_rules || !trimmed.starts_with('-') {
            continue;
        }
        let after_dash = &trimmed[1..];
        let key_indent = indent + 1 + (after_dash.len() - after_dash.trim_start().len());
        match item_indent {
            None => {
                item_indent = Some(indent);
                items.push((index + 1, key_indent));
            }
            Some(expected) if expected == indent => items.push((index + 1, key_indent)),
            _ => {}
        }
    }
    items
}

/// The 1-based (line, column) of `key:` inside rule number `rule_index`, or of the
/// rule's first line when the key is not found there.
pub fn locate_rule_key(text: &str, rule_index: usize, key: &str) -> (usize, usize) {
    let items = rule_item_lines(text);
    let Some(&(start, _)) = items.get(rule_index) else {
        return (1, 1);
    };
    let end = items
        .get(rule_index + 1)
        .map(|&(line, _)| line)
        .unwrap_or(usize::MAX);
    locate_key_between(text, key, start, end).unwrap_or((start, 1))
}

/// The 1-based (line, column) of a top-level `key:`.
pub fn locate_top_key(text: &str, key: &str) -> (usize, usize) {
    for (index, line) in text.lines().enumerate() {
        if line.starts_with(key) && line[key.len()..].trim_start().starts_with(':') {
            return (index + 1, 1);
        }
    }
    (1, 1)
}

fn locate_key_between(text: &str, key: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if number < start || number >= end {
            continue;
        }
        let body = line.trim_start().trim_start_matches('-').trim_start();
        if let Some(rest) = body.strip_prefix(key) {
            if rest.trim_start().starts_with(':') {
                let column = line.len() - body.len() + 1;
                return Some((number, column));
            }
        }
    }
    None
}

/// The 1-based (line, column) of `value` as written after `key:` (or as a list
/// item under it) inside rule `rule_index`; falls back to the key.
pub fn locate_rule_value(text: &str, rule_index: usize, key: &str, value: &str) -> (usize, usize) {
    let (key_line, key_column) = locate_rule_key(text, rule_index, key);
    let items = rule_item_lines(text);
    let end = items
        .get(rule_index + 1)
        .map(|&(line, _)| line)
        .unwrap_or(usize::MAX);
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if number < key_line || number >= end {
            continue;
        }
        if let Some(column) = line.find(value) {
            return (number, column + 1);
        }
    }
    (key_line, key_column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "version: 1\nrules:\n  - id: a\n    kind: import\n  # c\n  - id: b\n    kind: call\n    target: x.y\n";

    #[test]
    fn finds_rule_items_and_keys() {
        assert_eq!(rule_item_lines(TEXT), vec![(3, 4), (6, 4)]);
        assert_eq!(locate_rule_key(TEXT, 1, "target"), (8, 5));
        assert_eq!(locate_rule_key(TEXT, 0, "id"), (3, 5));
        assert_eq!(locate_rule_value(TEXT, 1, "target", "x.y"), (8, 13));
        assert_eq!(locate_top_key(TEXT, "rules"), (2, 1));
    }

    #[test]
    fn reports_position_of_bad_yaml() {
        let error = from_str::<serde_yaml_probe::Probe>("a: [1,\n").unwrap_err();
        assert!(error.line >= 1);
        assert!(!error.message.contains(" at line "));
    }

    mod serde_yaml_probe {
        #[derive(serde::Deserialize, Debug)]
        pub struct Probe {
            #[allow(dead_code)]
            pub a: Vec<u32>,
        }
    }
}
