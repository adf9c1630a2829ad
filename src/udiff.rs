//! Unified diffs of fixed files, as `--diff` prints them: hunks of three lines of
//! context whose `@@` headers `patch` and `git apply` accept.
//!
//! The ops come straight from a Myers line diff, without the compaction step that
//! `similar::TextDiff` applies: on some inputs (a line that moved) that step yields
//! ops whose positions disagree, and so hunk headers such as `@@ -1 +3 @@` for a
//! three-line hunk.

use similar::algorithms::{diff, Algorithm, Capture, Replace};
use similar::{group_diff_ops, DiffOp, DiffTag};
use std::fmt::Write;
use std::ops::Range;

/// Lines of unchanged context around each change.
const CONTEXT: usize = 3;

/// The unified diff from `old` to `new`, under `--- a/PATH` / `+++ b/PATH` headers;
/// empty when they are equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let mut capture = Replace::new(Capture::new());
    let Ok(()) = diff(
        Algorithm::Myers,
        &mut capture,
        &old_lines,
        0..old_lines.len(),
        &new_lines,
        0..new_lines.len(),
    );
    let ops = capture.into_inner().into_ops();
    let mut text = String::new();
    for hunk in group_diff_ops(ops, CONTEXT) {
        if text.is_empty() {
            let _ = writeln!(text, "--- a/{path}\n+++ b/{path}");
        }
        write_hunk(&mut text, &hunk, &old_lines, &new_lines);
    }
    text
}

/// One hunk: its `@@` header, then its lines.
fn write_hunk(text: &mut String, hunk: &[DiffOp], old_lines: &[&str], new_lines: &[&str]) {
    let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
        return;
    };
    let old_range = first.old_range().start..last.old_range().end;
    let new_range = first.new_range().start..last.new_range().end;
    let _ = writeln!(
        text,
        "@@ -{} +{} @@",
        hunk_range(&old_range),
        hunk_range(&new_range)
    );
    for op in hunk {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            write_lines(text, ' ', &old_lines[old]);
            continue;
        }
        write_lines(text, '-', &old_lines[old]);
        write_lines(text, '+', &new_lines[new]);
    }
}

/// A hunk's line range as its header writes it: `start,count`, `start` alone for
/// one line, and for no lines the line before them (`0,0` at the top).
fn hunk_range(range: &Range<usize>) -> String {
    match range.len() {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        count => format!("{},{count}", range.start + 1),
    }
}

/// Lines under `sign`; a last line without a line break gets git's marker after it.
fn write_lines(text: &mut String, sign: char, lines: &[&str]) {
    for line in lines {
        text.push(sign);
        text.push_str(line);
        if !line.ends_with('\n') {
            text.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_line_gets_a_header_that_counts_its_lines() {
        let old = "import lib.legacy\nprint(lib.legacy.c)\nimport lib.modern\n";
        let new = "import lib.modern\nprint(lib.modern.c)\nimport lib.modern\n";
        let diff = unified_diff("o.py", old, new);
        let header = diff.lines().nth(2).unwrap();
        assert_eq!(header, "@@ -1,3 +1,3 @@", "{diff}");
        assert_eq!(apply(old, &diff), new);
    }

    #[test]
    fn hunks_far_apart_are_separate_and_equal_texts_give_nothing() {
        let old: String = (1..=20).map(|n| format!("x{n} = {n}\n")).collect();
        let new = old
            .replace("x2 = 2", "x2 = 0")
            .replace("x19 = 19", "x19 = 0");
        let diff = unified_diff("m.py", &old, &new);
        let headers: Vec<&str> = diff.lines().filter(|line| line.starts_with("@@")).collect();
        assert_eq!(
            headers,
            vec!["@@ -1,5 +1,5 @@", "@@ -16,5 +16,5 @@"],
            "{diff}"
        );
        assert_eq!(apply(&old, &diff), new);
        assert_eq!(unified_diff("m.py", &old, &old), "");
    }

    #[test]
    fn a_last_line_without_a_line_break_is_marked() {
        let diff = unified_diff("e.py", "a\nb", "a\nc");
        assert_eq!(
            diff,
            "--- a/e.py\n+++ b/e.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        );
        let added = unified_diff("e.py", "", "x = 1\n");
        assert!(added.contains("@@ -0,0 +1 @@\n+x = 1\n"), "{added}");
    }

    /// Applies a diff made by [`unified_diff`] to `old`, checking each hunk's header
    /// against the lines it holds and the context against `old`.
    fn apply(old: &str, diff: &str) -> String {
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let mut result = String::new();
        let mut next_old = 0;
        let mut lines = diff.lines().skip(2).peekable();
        while let Some(header) = lines.next() {
            let (old_start, old_count, new_count) = parse_header(header);
            let start = if old_count == 0 {
                old_start
            } else {
                old_start - 1
            };
            result.extend(old_lines[next_old..start].iter().copied());
            let (mut seen_old, mut seen_new) = (0, 0);
            while let Some(line) = lines.next_if(|line| !line.starts_with("@@")) {
                let (sign, body) = line.split_at(1);
                match sign {
                    " " | "-" => {
                        assert_eq!(old_lines[start + seen_old].trim_end_matches('\n'), body);
                        seen_old += 1;
                        if sign == " " {
                            result.push_str(old_lines[start + seen_old - 1]);
                            seen_new += 1;
                        }
                    }
                    "+" => {
                        result.push_str(body);
                        result.push('\n');
                        seen_new += 1;
                    }
                    _ => {}
                }
            }
            assert_eq!((seen_old, seen_new), (old_count, new_count), "{header}");
            next_old = start + old_count;
        }
        result.extend(old_lines[next_old..].iter().copied());
        result
    }

    fn parse_header(header: &str) -> (usize, usize, usize) {
        let parts: Vec<&str> = header.split(' ').collect();
        let count = |range: &str| -> (usize, usize) {
            match range[1..].split_once(',') {
                Some((start, count)) => (start.parse().unwrap(), count.parse().unwrap()),
                None => (range[1..].parse().unwrap(), 1),
            }
        };
        let (old_start, old_count) = count(parts[1]);
        let (_, new_count) = count(parts[2]);
        (old_start, old_count, new_count)
    }
}
