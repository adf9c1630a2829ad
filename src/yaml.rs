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
        let message = clean_message(&error.to_string());
        let (line, column) =
            duplicate_key_position(text, &message, line, column).unwrap_or((line, column));
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// serde_yaml places a duplicate key at the start of its mapping (1-based `line` and
/// `column`); this finds the key's second occurrence in that block mapping, which is
/// what the message is about.
fn duplicate_key_position(
    text: &str,
    message: &str,
    line: usize,
    column: usize,
) -> Option<(usize, usize)> {
    let key = message
        .split("duplicate field `")
        .nth(1)?
        .split('`')
        .next()?;
    let indent = column.checked_sub(1)?;
    let mut found = 0;
    for (index, text_line) in text.lines().enumerate().skip(line.checked_sub(1)?) {
        let candidate = if index + 1 == line {
            let (start, _) = text_line.char_indices().nth(indent)?;
            &text_line[start..]
        } else {
            let body = text_line.trim_start_matches(' ');
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            match (text_line.len() - body.len()).cmp(&indent) {
                std::cmp::Ordering::Less => return None,
                std::cmp::Ordering::Greater => continue,
                std::cmp::Ordering::Equal => body,
            }
        };
        let is_key = candidate
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start_matches(' ').starts_with(':'));
        if is_key {
            found += 1;
            if found == 2 {
                return Some((index + 1, column));
            }
        }
    }
    None
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

/// The 1-based (line, column) of the value of a top-level `key:` written on the
/// key's line; of the key when the value is not there.
pub fn locate_top_value(text: &str, key: &str) -> (usize, usize) {
    let (line, column) = locate_top_key(text, key);
    let Some(text_line) = text.lines().nth(line - 1) else {
        return (line, column);
    };
    let after_key = text_line
        .get(key.len()..)
        .and_then(|rest| rest.trim_start().strip_prefix(':'))
        .map(str::trim_start)
        .filter(|value| !value.is_empty() && !value.starts_with('#'));
    match after_key {
        Some(value) => (line, char_column(text_line, text_line.len() - value.len())),
        None => (line, column),
    }
}

/// The 1-based column, in characters, of byte offset `at` of `line`.
fn char_column(line: &str, at: usize) -> usize {
    line.get(..at).map_or(at, |before| before.chars().count()) + 1
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
        // On the key's own line, the value comes after the key, its `:` and blanks
        // (so an empty value is found where it is written: at its quotes).
        let from = if number == key_line {
            value_start(line, (key_column - 1 + key.len()).min(line.len()))
        } else {
            0
        };
        if let Some(found) = line.get(from..).and_then(|rest| rest.find(value)) {
            return (number, char_column(line, from + found));
        }
    }
    (key_line, key_column)
}

/// Where the value written after a key ending at byte `after_key` of `line` starts:
/// past the `:` and the blanks that follow it.
fn value_start(line: &str, after_key: usize) -> usize {
    let Some(rest) = line.get(after_key..) else {
        return after_key;
    };
    let value = rest.strip_prefix(':').unwrap_or(rest);
    line.len() - value.trim_start_matches([' ', '\t']).len()
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
        assert_eq!(locate_rule_value(TEXT, 1, "target", ""), (8, 13));
        assert_eq!(locate_top_key(TEXT, "rules"), (2, 1));
        assert_eq!(
            locate_top_value("# v\nversion:  2 # x\n", "version"),
            (2, 11)
        );
        assert_eq!(locate_top_value("version:\n  2\n", "version"), (1, 1));
    }

    #[test]
    fn values_are_located_by_character_column_after_their_key() {
        let text = "rules:\n  - id: d\n    deprecated: [\"ééé\", \"a b\", d]\n";
        assert_eq!(locate_rule_value(text, 0, "deprecated", "a b"), (3, 26));
        assert_eq!(locate_rule_value(text, 0, "deprecated", "d"), (3, 32));
    }

    #[test]
    fn a_duplicate_key_is_located_at_its_second_occurrence() {
        let text = "version: 1\nrules:\n  - id: a\n    kind: import\n    # id: c\n    sub:\n      id: x\n    id: b\n";
        let error = from_str::<serde_yaml_probe::Rules>(text).unwrap_err();
        assert!(error.message.contains("duplicate field `id`"), "{error:?}");
        assert_eq!((error.line, error.column), (8, 5));
        let error =
            from_str::<serde_yaml_probe::Rules>("rules: []\nversion: 1\nrules: []\n").unwrap_err();
        assert_eq!((error.line, error.column), (3, 1), "{error:?}");
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

        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        pub struct Rules {
            pub version: Option<u32>,
            pub rules: Vec<Rule>,
        }

        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        pub struct Rule {
            pub id: String,
            pub kind: Option<String>,
            pub sub: Option<serde_yaml::Value>,
        }
    }
}
