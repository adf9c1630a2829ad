//! Python source text as canon sees it: decoding (BOM, PEP 263, invalid UTF-8),
//! the line index that maps byte offsets to 1-based lines and character columns,
//! and a forgiving scanner that finds strings, comments and logical lines in any
//! text, including text that no Python parser accepts.

use std::ops::Range;

use crate::byteclass::{LayoutBytes, BLOCK};

/// Decoded source text with its line table.
#[derive(Debug)]
pub struct SourceText {
    /// The text without a BOM; offsets everywhere refer to this string.
    pub text: String,
    pub has_bom: bool,
    /// Why the bytes could not be decoded exactly, if they could not.
    pub decode_problem: Option<String>,
    /// The encoding the bytes were in, and are written back in.
    pub encoding: FileEncoding,
    /// Where each line starts, found on demand only as far into the text as a
    /// question needs (most files walked by a scan never need a line number, and most
    /// findings are import statements near the top).
    line_index: std::cell::RefCell<LineIndex>,
}

/// The encoding of a file's bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FileEncoding {
    Utf8,
    /// Python's `latin-1` (ISO-8859-1: each byte is the code point of its value),
    /// declared by a PEP 263 comment.
    Latin1,
    /// Another encoding a PEP 263 comment declares (`cp1252`, `shift_jis`...), and
    /// whether the decoded text encodes back to exactly the file's bytes (some
    /// encodings give two byte sequences the same character): fixes are written only
    /// when it does.
    Declared {
        codec: &'static encoding_rs::Encoding,
        exact: bool,
    },
}

/// The line starts found so far: every one up to byte offset `scanned`.
#[derive(Debug)]
struct LineIndex {
    starts: Vec<usize>,
    scanned: usize,
}

/// How far past what a question needs the line index scans at a time.
const LINE_INDEX_STEP: usize = 8 * 1024;

/// What a question about lines needs the index to hold.
enum Needed {
    /// Every line start at or before this offset.
    Offset(usize),
    /// The starts of this many lines (fewer if the text has fewer).
    Lines(usize),
    Everything,
}

impl SourceText {
    /// The bytes to write for `text` in this file's encoding (BOM kept), or None when
    /// the text cannot be written back without loss.
    pub fn encode(&self, text: &str) -> Option<Vec<u8>> {
        if self.decode_problem.is_some() {
            return None;
        }
        let mut bytes = Vec::with_capacity(text.len() + 3);
        if self.has_bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        match self.encoding {
            FileEncoding::Utf8 => bytes.extend_from_slice(text.as_bytes()),
            FileEncoding::Latin1 => {
                for c in text.chars() {
                    bytes.push(u8::try_from(u32::from(c)).ok()?);
                }
            }
            FileEncoding::Declared { codec, exact } => {
                let (encoded, _, unmappable) = codec.encode(text);
                let (decoded, malformed) = codec.decode_without_bom_handling(&encoded);
                if !exact || unmappable || malformed || decoded != text {
                    return None;
                }
                bytes.extend_from_slice(&encoded);
            }
        }
        Some(bytes)
    }

    pub fn decode(bytes: &[u8]) -> SourceText {
        let (body, has_bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (rest, true),
            None => (bytes, false),
        };
        let (text, decode_problem, encoding) = decode_body(body, has_bom);
        let mut source = SourceText::from_text(text, has_bom, decode_problem);
        source.encoding = encoding;
        source
    }

    /// As [`SourceText::decode`], taking the bytes: valid UTF-8 without a BOM (nearly
    /// every file) becomes the text as it is, without a copy.
    pub fn decode_owned(bytes: Vec<u8>) -> SourceText {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            return SourceText::decode(&bytes);
        }
        if !is_utf8(&bytes) {
            return SourceText::decode(&bytes);
        }
        // SAFETY: `is_utf8` has just validated the bytes.
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        SourceText::from_text(text, false, None)
    }

    pub fn from_text(text: String, has_bom: bool, decode_problem: Option<String>) -> SourceText {
        SourceText {
            text,
            has_bom,
            decode_problem,
            encoding: FileEncoding::Utf8,
            line_index: std::cell::RefCell::new(LineIndex {
                starts: vec![0],
                scanned: 0,
            }),
        }
    }

    /// Runs `answer` on the line starts once the index holds what `needed` says.
    fn with_line_starts<R>(&self, needed: Needed, answer: impl FnOnce(&[usize]) -> R) -> R {
        let mut index = self.line_index.borrow_mut();
        let bytes = self.text.as_bytes();
        loop {
            let enough = match needed {
                Needed::Offset(offset) => index.scanned > offset,
                Needed::Lines(count) => index.starts.len() >= count,
                Needed::Everything => false,
            };
            if enough || index.scanned >= bytes.len() {
                break;
            }
            let from = index.scanned;
            let to = match needed {
                Needed::Offset(offset) => offset.saturating_add(LINE_INDEX_STEP),
                Needed::Lines(_) => from + LINE_INDEX_STEP,
                Needed::Everything => bytes.len(),
            }
            .min(bytes.len());
            // Typical Python has a line per ~32 bytes.
            index.starts.reserve((to - from) / 32);
            crate::byteclass::push_line_starts(bytes, from, to, &mut index.starts);
            index.scanned = to;
        }
        answer(&index.starts)
    }

    /// Number of physical lines (a final line without a newline counts).
    pub fn line_count(&self) -> usize {
        let starts = self.with_line_starts(Needed::Everything, <[usize]>::len);
        if self.text.ends_with('\n') {
            starts - 1
        } else {
            starts
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.with_line_starts(Needed::Offset(offset), |starts| {
            match starts.binary_search(&offset) {
                Ok(index) => index + 1,
                Err(index) => index,
            }
        })
    }

    /// 1-based (line, character column) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = self.text[start..offset].chars().count() + 1;
        (line, column)
    }

    /// Byte range of 1-based `line` without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let text_end = self.text.len();
        let (start, next) = self.with_line_starts(Needed::Lines(line + 1), |starts| {
            (
                starts.get(line - 1).copied().unwrap_or(text_end),
                starts.get(line).copied(),
            )
        });
        let mut end = next.map(|next| next - 1).unwrap_or(text_end);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    pub fn line_text(&self, line: usize) -> &str {
        &self.text[self.line_range(line)]
    }

    /// The lines (1-based, inclusive) a byte range touches.
    pub fn lines_of(&self, range: &Range<usize>) -> (usize, usize) {
        let first = self.line_of(self.clamp(range.start));
        let last_offset = if range.end > range.start {
            range.end - 1
        } else {
            range.start
        };
        (first, self.line_of(self.clamp(last_offset)).max(first))
    }

    /// Offset of 1-based `line` start.
    pub fn line_start(&self, line: usize) -> usize {
        let text_end = self.text.len();
        self.with_line_starts(Needed::Lines(line), |starts| {
            starts
                .get(line.saturating_sub(1))
                .copied()
                .unwrap_or(text_end)
        })
    }

    /// The line ending the file uses ("\r\n" if its first line ends so).
    pub fn newline(&self) -> &'static str {
        match self.text.find('\n') {
            Some(index) if index > 0 && self.text.as_bytes()[index - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Whether `bytes` are valid UTF-8 (validated many bytes at a time with SIMD where
/// the CPU has it: most files are ASCII, which the standard library's check walks
/// a word at a time).
pub fn is_utf8(bytes: &[u8]) -> bool {
    simdutf8::basic::from_utf8(bytes).is_ok()
}

/// The text of `body` (a file's bytes after any BOM), why it could not be decoded
/// exactly if it could not, and its encoding. Bytes that are valid UTF-8 are taken
/// as UTF-8 whatever a comment declares (for ASCII, the common case, every declared
/// encoding gives the same text).
fn decode_body(body: &[u8], has_bom: bool) -> (String, Option<String>, FileEncoding) {
    if let Ok(text) = simdutf8::basic::from_utf8(body) {
        return (text.to_string(), None, FileEncoding::Utf8);
    }
    let declared = if has_bom {
        None
    } else {
        declared_encoding(body)
    };
    let lossy = |problem: String| {
        let text = String::from_utf8_lossy(body).into_owned();
        (text, Some(problem), FileEncoding::Utf8)
    };
    let Some(name) = declared.filter(|name| !is_utf8_name(name)) else {
        return lossy("file is not valid UTF-8; checked with invalid bytes replaced".into());
    };
    if matches!(name.as_str(), "ascii" | "us-ascii" | "646") {
        return lossy(format!(
            "file is not valid `{name}` (its declared encoding); checked with invalid bytes replaced"
        ));
    }
    if is_latin1_name(&name) {
        let text = body.iter().map(|&byte| char::from(byte)).collect();
        return (text, None, FileEncoding::Latin1);
    }
    let Some(codec) = codec_for(&name) else {
        return lossy(format!(
            "declared encoding `{name}` is not supported; checked as UTF-8 with invalid bytes replaced"
        ));
    };
    let (text, malformed) = codec.decode_without_bom_handling(body);
    let text = text.into_owned();
    if malformed {
        let problem = format!("file is not valid `{name}` (its declared encoding); checked with invalid bytes replaced");
        return (text, Some(problem), FileEncoding::Utf8);
    }
    let (encoded, _, unmappable) = codec.encode(&text);
    let exact = !unmappable && encoded.as_ref() == body;
    (text, None, FileEncoding::Declared { codec, exact })
}

fn is_latin1_name(name: &str) -> bool {
    matches!(
        name,
        "latin-1"
            | "latin1"
            | "iso-8859-1"
            | "iso8859-1"
            | "8859"
            | "cp819"
            | "l1"
            | "iso-latin-1"
            | "latin"
    )
}

/// The `encoding_rs` codec for a Python codec name (lowercased, `_` as `-`), when
/// it decodes as Python's does. Python's names that the WHATWG labels lack are
/// mapped; the UTF-16 and UTF-32 forms (CPython reads no source in them) and the encodings
/// the labels leave to the replacement decoder are not supported.
fn codec_for(name: &str) -> Option<&'static encoding_rs::Encoding> {
    let label = match name {
        "cp932" | "ms932" | "mskanji" | "ms-kanji" | "shift-jis" | "s-jis" | "sjis" => "shift_jis",
        "cp936" | "ms936" => "gbk",
        "cp949" | "ms949" | "uhc" => "euc-kr",
        "cp950" | "ms950" => "big5",
        "eucjp" | "ujis" | "u-jis" => "euc-jp",
        "euckr" => "euc-kr",
        "mac-roman" | "macroman" | "macintosh" => "macintosh",
        "mac-cyrillic" | "maccyrillic" => "x-mac-cyrillic",
        other => other,
    };
    let codec = encoding_rs::Encoding::for_label(label.as_bytes())
        .or_else(|| encoding_rs::Encoding::for_label(label.replace('-', "_").as_bytes()))?;
    let unsupported = codec == encoding_rs::REPLACEMENT
        || codec == encoding_rs::UTF_16LE
        || codec == encoding_rs::UTF_16BE
        || codec == encoding_rs::UTF_8
        || codec == encoding_rs::X_USER_DEFINED;
    (!unsupported).then_some(codec)
}

/// Python's names of UTF-8 (declared names have `_` as `-`), `utf-8-sig` among them:
/// bytes that are not UTF-8 under such a declaration are simply not valid UTF-8.
fn is_utf8_name(name: &str) -> bool {
    matches!(
        name,
        "utf-8" | "utf8" | "u8" | "utf" | "cp65001" | "utf-8-sig"
    )
}

/// The PEP 263 encoding declared in the first two lines (the second only below a
/// comment or blank first line, as CPython reads it), lowercased with `_` as `-`.
fn declared_encoding(body: &[u8]) -> Option<String> {
    for line in body.split(|&byte| byte == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start_matches([' ', '\t', '\x0c']);
        if !trimmed.starts_with('#') {
            if trimmed.trim_end().is_empty() {
                continue;
            }
            return None;
        }
        let declared = trimmed.match_indices("coding").find_map(|(index, _)| {
            let rest = trimmed[index + "coding".len()..].strip_prefix([':', '='])?;
            let name: String = rest
                .trim_start_matches([' ', '\t'])
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            (!name.is_empty()).then(|| name.to_ascii_lowercase().replace('_', "-"))
        });
        if declared.is_some() {
            return declared;
        }
    }
    None
}

/// A string literal found by the scanner.
#[derive(Debug, Clone)]
pub struct StringLiteral {
    /// From the prefix to the closing quote.
    pub range: Range<usize>,
    /// The literal text between the quotes, minus f-string replacement fields (one
    /// part for almost every literal, two for an f-string with one field: kept
    /// inline).
    pub parts: smallvec::SmallVec<[Range<usize>; 2]>,
}

/// What the scanner finds in a text.
#[derive(Debug, Default)]
pub struct Layout {
    pub strings: Vec<StringLiteral>,
    /// Comment ranges, from `#` to the end of the line.
    pub comments: Vec<Range<usize>>,
    /// Logical lines: a statement's text, joined across brackets and backslashes.
    pub logical_lines: Vec<Range<usize>>,
    /// The deepest bracket nesting, and where it was reached.
    pub max_depth: usize,
    pub max_depth_offset: usize,
    /// Something the scanner had to guess past: an unterminated string literal or an
    /// unbalanced bracket. Such text is not valid Python.
    pub malformed: bool,
    /// A string literal of Python 3.12 or later that rustpython-parser rejects: a
    /// t-string, or an f-string whose replacement field holds its own quote or a line
    /// break.
    pub newer_strings: bool,
}

impl Layout {
    /// The string literal `at` lies in, if any.
    pub fn string_at(&self, at: usize) -> Option<&StringLiteral> {
        let index = self
            .strings
            .partition_point(|literal| literal.range.start <= at);
        let literal = &self.strings[index.checked_sub(1)?];
        (at < literal.range.end).then_some(literal)
    }

    /// The comment `at` lies in, if any.
    pub fn comment_at(&self, at: usize) -> Option<&Range<usize>> {
        let index = self.comments.partition_point(|comment| comment.start <= at);
        let comment = &self.comments[index.checked_sub(1)?];
        (at < comment.end).then_some(comment)
    }

    /// Calls `visit` with each byte of code (not in a string or comment) of
    /// `bytes[from..to]` (the text this layout was scanned from), until it returns false.
    pub fn visit_code(
        &self,
        bytes: &[u8],
        from: usize,
        to: usize,
        mut visit: impl FnMut(usize, u8) -> bool,
    ) {
        let (strings, comments) = (&self.strings, &self.comments);
        let mut next_string = strings.partition_point(|literal| literal.range.end <= from);
        let mut next_comment = comments.partition_point(|comment| comment.end <= from);
        let mut at = from;
        while at < to {
            if let Some(literal) = strings.get(next_string).filter(|l| l.range.start <= at) {
                at = literal.range.end.max(at + 1);
                next_string += 1;
                continue;
            }
            if let Some(comment) = comments.get(next_comment).filter(|c| c.start <= at) {
                at = comment.end.max(at + 1);
                next_comment += 1;
                continue;
            }
            if !visit(at, bytes[at]) {
                return;
            }
            at += 1;
        }
    }

    /// The comments whose line lies within `first..=last`.
    pub fn comments_on_lines<'a>(
        &'a self,
        source: &'a SourceText,
        first: usize,
        last: usize,
    ) -> impl Iterator<Item = &'a str> + 'a {
        let start = source.line_start(first);
        let end = source.line_range(last).end;
        let from = self.comments.partition_point(|range| range.start < start);
        self.comments[from..]
            .iter()
            .take_while(move |range| range.start < end)
            .map(|range| &source.text[range.clone()])
    }
}

/// Scans `text` into strings, comments and logical lines. Never fails: unterminated
/// strings end at the end of their line (or of the text for triple quotes).
pub fn scan(text: &str) -> Layout {
    // Typical Python has a logical line per ~40 bytes, a string per ~60 and a
    // comment per ~400.
    let layout = Layout {
        logical_lines: Vec::with_capacity(text.len() / 40 + 1),
        strings: Vec::with_capacity(text.len() / 60 + 1),
        comments: Vec::with_capacity(text.len() / 400 + 1),
        ..Layout::default()
    };
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        layout_bytes: LayoutBytes::new(text.as_bytes()),
        position: 0,
        layout,
    };
    scanner.run();
    scanner.layout
}

struct Scanner<'a> {
    bytes: &'a [u8],
    /// Where the next byte that can end a literal or matter to the main loop is.
    layout_bytes: LayoutBytes<'a>,
    position: usize,
    layout: Layout,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let mut depth = 0usize;
        let mut line_start = 0usize;
        let len = self.bytes.len();
        while let Some((block_start, mut pending)) =
            self.layout_bytes.rest_of_block_from(self.position)
        {
            // Line feeds and brackets, most of a block's layout bytes, are taken here
            // from the block's mask; anything else ends the block's visit.
            self.position = (block_start + BLOCK).min(len);
            while pending != 0 {
                let at = block_start + pending.trailing_zeros() as usize;
                pending &= pending - 1;
                match self.bytes[at] {
                    b'\n' => {
                        if depth == 0 {
                            self.push_logical(line_start, at + 1);
                            line_start = at + 1;
                        }
                    }
                    b'(' | b'[' | b'{' => {
                        depth += 1;
                        if depth > self.layout.max_depth {
                            self.layout.max_depth = depth;
                            self.layout.max_depth_offset = at + 1;
                        }
                    }
                    b')' | b']' | b'}' => {
                        if depth == 0 {
                            self.layout.malformed = true;
                        }
                        depth = depth.saturating_sub(1);
                    }
                    // `$ % & |`: let through by the byte classes, meaningless here.
                    b'$' | b'%' | b'&' | b'|' => {}
                    _ => {
                        self.position = at;
                        self.special();
                        break;
                    }
                }
            }
        }
        self.push_logical(line_start, len);
        if depth > 0 {
            self.layout.malformed = true;
        }
    }

    /// A comment, a string literal or a backslash at `self.position`: moves past it.
    fn special(&mut self) {
        match self.bytes[self.position] {
            b'#' => self.comment(),
            b'\\' if self.peek(1) == Some(b'\n') => self.position += 2,
            b'\\' if self.peek(1) == Some(b'\r') && self.peek(2) == Some(b'\n') => {
                self.position += 3
            }
            b'\'' | b'"' => self.quote(),
            _ => self.position += 1,
        }
    }

    /// A quote in code: a string literal starts here, or at the prefix (`rb`, `f`...)
    /// written right before it.
    fn quote(&mut self) {
        let quote = self.position;
        let mut start = quote;
        while start > 0 && quote - start < 3 && is_ident_continue(self.bytes[start - 1]) {
            start -= 1;
        }
        let whole_word = start == 0 || !is_ident_continue(self.bytes[start - 1]);
        let prefix = &self.bytes[start..quote];
        if !prefix.is_empty() && whole_word && is_string_prefix(prefix) {
            let formatted = prefix
                .iter()
                .any(|b| matches!(b, b'f' | b'F' | b't' | b'T'));
            if prefix.iter().any(|b| matches!(b, b't' | b'T')) {
                self.layout.newer_strings = true;
            }
            self.string(start, formatted);
        } else {
            self.string(quote, false);
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.position + ahead).copied()
    }

    fn push_logical(&mut self, start: usize, end: usize) {
        if end > start {
            self.layout.logical_lines.push(start..end);
        }
    }

    fn comment(&mut self) {
        let start = self.position;
        self.position = memchr::memchr(b'\n', &self.bytes[start..])
            .map_or(self.bytes.len(), |found| start + found);
        let mut end = self.position;
        if end > start && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.layout.comments.push(start..end);
    }

    /// A string literal whose prefix starts at `start` and whose quote is at `self.position`.
    fn string(&mut self, start: usize, formatted: bool) {
        let literal = self.string_literal(start, formatted);
        self.layout.strings.push(literal);
    }

    fn string_literal(&mut self, start: usize, formatted: bool) -> StringLiteral {
        let quote = self.bytes[self.position];
        let triple = self.peek(1) == Some(quote) && self.peek(2) == Some(quote);
        self.position += if triple { 3 } else { 1 };
        if !formatted {
            let part = self.plain_string_body(quote, triple);
            let mut parts = smallvec::SmallVec::new();
            if part.end > part.start {
                parts.push(part);
            }
            return StringLiteral {
                range: start..self.position,
                parts,
            };
        }
        // A formatted literal: its text parts lie between its replacement fields.
        let mut parts: smallvec::SmallVec<[Range<usize>; 2]> = smallvec::SmallVec::new();
        let mut part_start = self.position;
        loop {
            let Some(&byte) = self.bytes.get(self.position) else {
                parts.push(part_start..self.position);
                self.layout.malformed = true;
                break;
            };
            if byte == b'\\' {
                self.position = (self.position + 2).min(self.bytes.len());
                continue;
            }
            if byte == b'\n' && !triple {
                parts.push(part_start..self.position);
                self.layout.malformed = true;
                break;
            }
            if byte == quote
                && (!triple || (self.peek(1) == Some(quote) && self.peek(2) == Some(quote)))
            {
                parts.push(part_start..self.position);
                self.position += if triple { 3 } else { 1 };
                break;
            }
            if byte == b'{' {
                if self.peek(1) == Some(b'{') {
                    self.position += 2;
                    continue;
                }
                parts.push(part_start..self.position);
                self.replacement_field(quote, triple);
                part_start = self.position;
                continue;
            }
            self.position += 1;
        }
        parts.retain(|part| part.end > part.start);
        StringLiteral {
            range: start..self.position,
            parts,
        }
    }

    /// The body of a literal without replacement fields, from `self.position` (just
    /// past its opening quotes) to its closing quotes, which it moves past; an
    /// unterminated literal ends at the end of its line (of the text for triple quotes).
    fn plain_string_body(&mut self, quote: u8, triple: bool) -> Range<usize> {
        let body_start = self.position;
        loop {
            // A short literal's end is usually in the block of layout bytes already
            // classified (quotes, backslashes and line feeds are all layout bytes); a
            // triple-quoted one's (a docstring) lies further on, past many lines.
            let next = if triple {
                memchr::memchr2(quote, b'\\', &self.bytes[self.position..])
                    .map(|found| self.position + found)
            } else {
                self.layout_bytes.next_from(self.position)
            };
            let Some(found) = next else {
                self.position = self.bytes.len();
                self.layout.malformed = true;
                return body_start..self.position;
            };
            self.position = found;
            match self.bytes[found] {
                b'\\' => self.position = (found + 2).min(self.bytes.len()),
                b'\n' if !triple => {
                    self.layout.malformed = true;
                    return body_start..found;
                }
                byte if byte == quote && !triple => {
                    self.position += 1;
                    return body_start..found;
                }
                byte if byte == quote
                    && self.peek(1) == Some(quote)
                    && self.peek(2) == Some(quote) =>
                {
                    self.position += 3;
                    return body_start..found;
                }
                _ => self.position += 1,
            }
        }
    }

    /// Skips an f-string `{...}` field, nested strings and brackets included.
    fn replacement_field(&mut self, quote: u8, triple: bool) {
        let mut depth = 0usize;
        while let Some(&byte) = self.bytes.get(self.position) {
            if !triple && (byte == quote || (byte == b'\n' && depth > 1)) {
                // Legal only since Python 3.12 (PEP 701).
                self.layout.newer_strings = true;
            }
            match byte {
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && byte == b'}' {
                        self.position += 1;
                        return;
                    }
                }
                b'\'' | b'"' => {
                    self.string_literal(self.position, false);
                    continue;
                }
                b'\n' if depth <= 1 && !triple => return,
                _ if is_ident_start(byte) => {
                    let word_start = self.position;
                    while self.position < self.bytes.len()
                        && is_ident_continue(self.bytes[self.position])
                    {
                        self.position += 1;
                    }
                    let word = &self.bytes[word_start..self.position];
                    let next = self.bytes.get(self.position).copied();
                    if matches!(next, Some(b'\'' | b'"')) && is_string_prefix(word) {
                        if !triple && next == Some(quote) {
                            self.layout.newer_strings = true;
                        }
                        let formatted = word.iter().any(|b| matches!(b, b'f' | b'F' | b't' | b'T'));
                        self.string_literal(word_start, formatted);
                    }
                    continue;
                }
                _ => {}
            }
            self.position += 1;
        }
    }
}

/// The length of the blank prefix of a logical line (indentation, and the line
/// breaks of blank lines inside it).
pub fn indent_len(line: &str) -> usize {
    line.bytes()
        .take_while(|byte| matches!(byte, b' ' | b'\t' | b'\x0c' | b'\r' | b'\n'))
        .count()
}

/// Python's keywords: they name nothing, and no module, class, function or variable
/// can be named one (the soft keywords `match`, `case`, `type` and `_` can).
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Whether `word` is one of Python's keywords.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// A byte that may start a Python identifier (any non-ASCII byte counts).
pub fn is_ident_start(byte: u8) -> bool {
    byte == b'_' || byte.is_ascii_alphabetic() || byte >= 0x80
}

/// A byte that may continue a Python identifier.
pub fn is_ident_continue(byte: u8) -> bool {
    is_ident_start(byte) || byte.is_ascii_digit()
}

fn is_string_prefix(word: &[u8]) -> bool {
    if word.is_empty() || word.len() > 2 {
        return false;
    }
    let mut lower = [0u8; 2];
    for (to, from) in lower.iter_mut().zip(word) {
        *to = from.to_ascii_lowercase();
    }
    matches!(
        &lower[..word.len()],
        b"r" | b"u" | b"b" | b"f" | b"t" | b"br" | b"rb" | b"fr" | b"rf" | b"tr" | b"rt"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_skip_bom() {
        let source = SourceText::decode("\u{feff}é = 1\r\nx = 'ü'\r\n".as_bytes());
        assert!(source.has_bom);
        assert_eq!(source.position(source.text.find('x').unwrap()), (2, 1));
        assert_eq!(source.position(source.text.find('ü').unwrap()), (2, 6));
        assert_eq!(source.line_text(1), "é = 1");
        assert_eq!(source.newline(), "\r\n");
        assert_eq!(source.line_count(), 2);
    }

    #[test]
    fn decoding_owned_bytes_gives_what_decoding_borrowed_bytes_gives() {
        let inputs: [&[u8]; 5] = [
            b"import os\n",
            b"\xEF\xBB\xBFimport os\n",
            b"x = '\xff'\n",
            b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
            b"",
        ];
        for bytes in inputs {
            let borrowed = SourceText::decode(bytes);
            let owned = SourceText::decode_owned(bytes.to_vec());
            assert_eq!(owned.text, borrowed.text);
            assert_eq!(owned.has_bom, borrowed.has_bom);
            assert_eq!(owned.encoding, borrowed.encoding);
            assert_eq!(owned.decode_problem, borrowed.decode_problem);
        }
    }

    #[test]
    fn utf8_is_told_as_the_standard_library_tells_it() {
        let pieces: [&[u8]; 9] = [
            b"import os\n",
            "é = 'ü€😀'\n".as_bytes(),
            b"\xC3",             // a sequence cut short
            b"\xC0\xAF",         // overlong
            b"\xED\xA0\x80",     // a surrogate
            b"\xF4\x90\x80\x80", // past U+10FFFF
            b"\xFF",
            b"\x80",
            b"",
        ];
        // Each piece alone and after runs of ASCII that put it at every place of the
        // SIMD blocks.
        for piece in pieces {
            for pad in 0..70 {
                let mut bytes = vec![b'a'; pad];
                bytes.extend_from_slice(piece);
                bytes.extend_from_slice(b" tail");
                assert_eq!(
                    is_utf8(&bytes),
                    std::str::from_utf8(&bytes).is_ok(),
                    "{piece:?} after {pad}"
                );
            }
        }
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_a_problem() {
        let source = SourceText::decode(b"import a\nx = '\xff'\n");
        assert!(source.decode_problem.is_some());
        assert!(source.text.starts_with("import a\n"));
        let latin = SourceText::decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n");
        assert!(latin.decode_problem.is_none());
        assert!(latin.text.contains('é'));
    }

    #[test]
    fn declared_encodings_are_decoded_and_written_back_exactly() {
        let cp1252 = b"# -*- coding: cp1252 -*-\nx = '\x80\xe9'\n";
        let source = SourceText::decode(cp1252);
        assert_eq!(source.decode_problem, None);
        assert!(
            source.text.ends_with("x = '\u{20ac}\u{e9}'\n"),
            "{}",
            source.text
        );
        assert_eq!(source.encode(&source.text).unwrap(), cp1252);
        let edited = source.text.replace("x =", "y =");
        assert_eq!(
            source.encode(&edited).unwrap(),
            b"# -*- coding: cp1252 -*-\ny = '\x80\xe9'\n"
        );
        // A character the encoding lacks cannot be written.
        assert_eq!(source.encode("z = '\u{3042}'\n"), None);

        let sjis = b"# coding: shift_jis\ns = '\x82\xa0'\n";
        let source = SourceText::decode(sjis);
        assert_eq!(source.decode_problem, None);
        assert!(source.text.contains("'\u{3042}'"));
        assert_eq!(source.encode(&source.text).unwrap(), sjis);
    }

    #[test]
    fn bytes_a_declared_encoding_cannot_decode_are_a_problem() {
        let cut = SourceText::decode(b"# coding: shift_jis\ns = '\x82'\n");
        assert!(cut.decode_problem.unwrap().contains("`shift-jis`"));
        let ascii = SourceText::decode(b"# coding: ascii\ns = '\xe9'\n");
        assert!(ascii.decode_problem.unwrap().contains("not valid `ascii`"));
        let sig = SourceText::decode(b"# coding: utf_8_sig\ns = '\xe9'\n");
        assert!(sig.decode_problem.unwrap().contains("not valid UTF-8"));
        let unknown = SourceText::decode(b"# coding: klingon\ns = '\xe9'\n");
        assert!(unknown.decode_problem.unwrap().contains("not supported"));
        // Below a line of code, a second-line declaration is not one.
        let late = SourceText::decode(b"x = 1\n# coding: latin-1\ns = '\xe9'\n");
        assert!(late.decode_problem.unwrap().contains("not valid UTF-8"));
        let below_blank = SourceText::decode(b"\n# vim: set fileencoding=latin-1 :\ns = '\xe9'\n");
        assert_eq!(below_blank.decode_problem, None);
        assert_eq!(below_blank.encoding, FileEncoding::Latin1);
    }

    #[test]
    fn scanner_finds_strings_comments_and_logical_lines() {
        let text = "a = f\"x{y['k']}z\"  # note\nfrom m import (\n    A,  # why\n    B)\ns = '''one\ntwo'''\n";
        let layout = scan(text);
        let literal_parts: Vec<&str> = layout.strings[0]
            .parts
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(literal_parts, vec!["x", "z"]);
        assert_eq!(layout.comments.len(), 2);
        assert_eq!(&text[layout.comments[0].clone()], "# note");
        assert_eq!(layout.logical_lines.len(), 3);
        assert!(text[layout.logical_lines[1].clone()].ends_with("B)\n"));
        assert_eq!(&text[layout.strings[1].parts[0].clone()], "one\ntwo");
    }

    #[test]
    fn brackets_and_line_feeds_across_blocks_make_the_logical_lines() {
        // Lines of every length, brackets opened on one line and closed on a later
        // one, so that both fall at every place around the 64-byte blocks.
        let mut text = String::new();
        for length in 0..150 {
            let filler = "x".repeat(length);
            text.push_str(&format!("a{filler}(b,\n[c{filler}]\n)\nd = {{{filler}}}\n"));
        }
        text.push_str("e)\nf(\n");
        let layout = scan(&text);
        // The same found plainly, one byte at a time (the text holds no literal,
        // comment or backslash).
        let (mut depth, mut start, mut lines, mut deepest) = (0usize, 0, Vec::new(), (0, 0));
        let mut unbalanced = false;
        for (at, byte) in text.bytes().enumerate() {
            match byte {
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > deepest.0 {
                        deepest = (depth, at + 1);
                    }
                }
                b')' | b']' | b'}' => {
                    unbalanced |= depth == 0;
                    depth = depth.saturating_sub(1);
                }
                b'\n' if depth == 0 => {
                    lines.push(start..at + 1);
                    start = at + 1;
                }
                _ => {}
            }
        }
        lines.push(start..text.len());
        assert_eq!(layout.logical_lines, lines);
        assert_eq!((layout.max_depth, layout.max_depth_offset), deepest);
        assert!(unbalanced && layout.malformed);
    }

    #[test]
    fn plain_literals_end_at_their_own_unescaped_quotes() {
        let bodies = |text: &str| -> Vec<String> {
            scan(text)
                .strings
                .iter()
                .map(|literal| {
                    let parts: Vec<&str> = literal.parts.iter().map(|r| &text[r.clone()]).collect();
                    format!("{}|{}", &text[literal.range.clone()], parts.join("+"))
                })
                .collect()
        };
        assert_eq!(
            bodies(r#"a = 'it\'s' + "" + rb'\\'"#),
            [r"'it\'s'|it\'s", r#"""|"#, r"rb'\\'|\\"]
        );
        assert_eq!(
            bodies(r"s = '''a ' '' \''' b'''"),
            [r"'''a ' '' \''' b'''|a ' '' \''' b"]
        );
        let open = scan("x = 'abc\\\ndef'\n");
        assert_eq!(open.strings.len(), 1, "an escaped line break continues it");
        assert!(!open.malformed);
        let unterminated = scan("x = 'abc\\");
        assert!(unterminated.malformed);
        assert_eq!(unterminated.strings[0].range, 4..9);
        // Other layout bytes inside a literal, its end at every place around the
        // 64-byte blocks the scanner classifies, and a line feed that cuts one short.
        for pad in [0, 40, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 120, 127] {
            let text = format!(
                "{}= '(#[{{$\\'}}]\"' + \"x'(\"\ny = 'open\nz = 1\n",
                " ".repeat(pad)
            );
            assert_eq!(
                bodies(&text),
                [r#"'(#[{$\'}]"'|(#[{$\'}]""#, r#""x'("|x'("#, "'open|open"],
                "pad {pad}"
            );
            assert!(scan(&text).malformed, "pad {pad}");
        }
    }

    #[test]
    fn nested_quotes_of_python_312_fstrings_do_not_derail_the_scanner() {
        let text = "x = f\"{d[\"k\"]}\"\n# after\n";
        let layout = scan(text);
        assert_eq!(layout.strings.len(), 1);
        assert_eq!(layout.comments.len(), 1);
    }

    #[test]
    fn unterminated_strings_end_at_the_line() {
        let layout = scan("x = 'abc\nimport m\n");
        assert_eq!(layout.logical_lines.len(), 2);
        assert!(layout.malformed);
    }

    #[test]
    fn unclosed_strings_and_unbalanced_brackets_are_malformed() {
        assert!(!scan("x = f(a, [1, 2], {'k': '''v\n'''})  # ) ] '\n").malformed);
        assert!(scan("s = '''never closed\nx = 1\n").malformed);
        assert!(scan("x = f(1,\ny = 2\n").malformed);
        assert!(scan("x = 1)\n").malformed);
    }
    #[test]
    fn strings_of_python_312_and_later_are_noticed() {
        for text in [
            "x = t'{name}'\n",
            "x = Tr'{name}'\n",
            "x = f\"{d[\"k\"]}\"\n",
            "x = f'{ [1,\n 2] }'\n",
            "x = f'{f'{y}'}'\n",
        ] {
            assert!(scan(text).newer_strings, "{text:?}");
        }
        for text in [
            "x = f\"{d['k']}\"\n",
            "x = f'''{d['k']}'''\n",
            "x = f'''{\n  y\n}'''\n",
            "x = f'{y!r:>{width}}' + 't'\n",
            "at = 't'\n",
        ] {
            assert!(!scan(text).newer_strings, "{text:?}");
        }
    }
}
