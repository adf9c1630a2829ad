//! The Python model of one file: what it imports, which dotted names its code and
//! strings refer to, which calls it makes and which classes and functions it defines
//! at module level, each with byte ranges into the source text.
//!
//! Parsing uses rustpython-parser. A file it rejects is still modelled: the offending
//! lines are blanked out (offsets kept) and the file re-parsed, and import statements
//! on blanked lines, or in a file that cannot be recovered that way, are parsed one
//! logical line at a time.

use crate::import_syntax::{self, ImportSyntax};
use crate::source::{self, SourceText};
use rustpython_parser::ast::{self, Ranged, Visitor};
use rustpython_parser::text_size::TextSize;
use rustpython_parser::Mode;
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// How many times a failing file is blanked and re-parsed before falling back to
/// lexical import recovery.
const MAX_REPARSES: usize = 24;

/// Attribute chains longer than this are not resolved (no real import path is).
pub const MAX_CHAIN_DEPTH: usize = 64;

/// Where a file sits among modules, for resolving relative imports.
#[derive(Debug, Clone, Default)]
pub struct ModulePath {
    /// Dotted module name, e.g. `pkg.ws.consumer` (`pkg.ws` for `pkg/ws/__init__.py`).
    pub name: Option<String>,
    pub is_package: bool,
}

impl ModulePath {
    /// The module a relative import of `level` dots starts from.
    fn relative_base(&self, level: u32) -> Option<String> {
        let name = self.name.as_deref()?;
        let mut parts: Vec<&str> = name.split('.').collect();
        if !self.is_package {
            parts.pop();
        }
        for _ in 1..level {
            parts.pop()?;
        }
        Some(parts.join("."))
    }
}

/// One `import` or `from ... import` statement.
#[derive(Debug, Clone)]
pub struct ImportStmt {
    pub range: Range<usize>,
    /// `Some` for `from` imports: the absolute module (None when a relative import
    /// cannot be resolved).
    pub from_module: Option<Option<Name>>,
    /// Indexes into [`PyModel::names`] (most statements import one or two names).
    pub names: smallvec::SmallVec<[usize; 2]>,
    /// Inside a function or class body rather than at module level.
    pub nested: bool,
    /// Recovered from a half-typed statement whose parenthesis was never closed: its
    /// range is not the source's, so it is never rewritten.
    pub unclosed: bool,
}

/// One name imported by an import statement.
#[derive(Debug, Clone)]
pub struct ImportedName {
    pub stmt: usize,
    /// As written: `a.b.c` for `import a.b.c`, `X` for `from m import X`, `*`.
    pub name: Name,
    pub asname: Option<Name>,
    /// The alias as written (`X as Y`).
    pub range: Range<usize>,
    /// The dotted name the import refers to (`m.X` for `from m import X`).
    pub dotted: Option<Name>,
}

/// A name or dotted name of the model: kept inline up to 24 bytes, as most are, so
/// that modelling a file's imports does not allocate for each name.
pub type Name = compact_str::CompactString;

impl ImportedName {
    /// The local name the import binds (`a` for `import a.b`; None for `*`).
    pub fn bound_name(&self) -> Option<&str> {
        if self.name == "*" {
            return None;
        }
        Some(match &self.asname {
            Some(alias) => alias,
            None => match self.first_dot() {
                Some(dot) => &self.name[..dot],
                None => &self.name,
            },
        })
    }

    /// Where the first `.` of the name is (names are short: a plain loop beats a
    /// search).
    fn first_dot(&self) -> Option<usize> {
        self.name.bytes().position(|byte| byte == b'.')
    }

    /// The dotted name the import binds its local name to: `a` for `import a.b.c`
    /// (the package), the whole name otherwise. None for `*` and for a relative
    /// import that cannot be resolved (the name is then bound to nothing known).
    pub fn binding_target(&self) -> Option<&str> {
        let bound = self.bound_name()?;
        let dotted = self.dotted.as_deref()?;
        if self.asname.is_none() && self.first_dot().is_some() && !is_from(self) {
            Some(bound)
        } else {
            Some(dotted)
        }
    }
}

#[derive(Debug, Clone)]
pub enum RefKind {
    /// An imported name, index into [`PyModel::names`].
    Import(usize),
    /// An attribute chain whose root is bound by import `via`. `prefixes` are its
    /// sub-chains, shortest first: how long each one's dotted name is (a prefix of the
    /// reference's) and the byte offset it ends at (see [`Reference::sub_chains`]).
    Attribute { via: usize, prefixes: Prefixes },
    /// A dotted name in a string literal (importlib, `__import__`, `mock.patch`).
    StringTarget,
}

/// The sub-chains of an attribute chain: (length of the dotted name, end offset).
pub type Prefixes = smallvec::SmallVec<[(usize, usize); 4]>;

/// A use of a dotted name that import rules judge.
#[derive(Debug, Clone)]
pub struct Reference {
    pub dotted: Name,
    pub kind: RefKind,
    pub range: Range<usize>,
    /// The statement (or expression) whose lines decide whether it is checked.
    pub stmt: Range<usize>,
}

impl Reference {
    /// An attribute chain's sub-chains, shortest first: the dotted name of each and
    /// the byte offset it ends at (nothing for other references).
    pub fn sub_chains(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        let prefixes = match &self.kind {
            RefKind::Attribute { prefixes, .. } => prefixes.as_slice(),
            _ => &[],
        };
        prefixes
            .iter()
            .map(|&(length, end)| (&self.dotted[..length], end))
    }
}

/// A call expression.
#[derive(Debug, Clone)]
pub struct CallSite {
    /// The dotted name the callee resolves to, if it resolves.
    pub callee: Option<String>,
    pub callee_range: Range<usize>,
    pub call_range: Range<usize>,
    /// The text between the parentheses.
    pub args_range: Range<usize>,
    pub stmt: Range<usize>,
    /// The import name (index into [`PyModel::names`]) the callee's root is bound by.
    pub via: Option<usize>,
    /// The innermost function, lambda or class body around the call (index into
    /// [`PyModel::scopes`]); None at module level.
    pub scope: Option<usize>,
}

/// A function, lambda or class body, with every name it binds: a name read inside
/// it that it binds anywhere (before or after the read) does not refer to the
/// module's binding.
#[derive(Debug, Clone, Default)]
pub struct LocalScope {
    /// The scope around it (index into [`PyModel::scopes`]); None at module level.
    pub parent: Option<usize>,
    pub is_class: bool,
    /// The body of an `async def`.
    pub is_async: bool,
    /// Every name the scope binds, declares `global` or `nonlocal`, or deletes: a
    /// name bound in more than one way (or declared) is [`Binding::Local`].
    pub bindings: HashMap<String, Binding>,
}

/// A module-level `class` or `def`.
#[derive(Debug, Clone)]
pub struct Definition {
    pub name: String,
    pub is_class: bool,
    pub name_range: Range<usize>,
}

/// Why a file could not be fully parsed.
#[derive(Debug, Clone)]
pub struct ParseProblem {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    /// Bound by import name (index into [`PyModel::names`]) to a dotted name.
    Import { dotted: String, name: usize },
    /// A module-level class or function of this file: its dotted name.
    Defined(String),
    /// Anything else (assignment, parameter, loop variable).
    Local,
}

#[derive(Debug, Default)]
pub struct PyModel {
    pub imports: Vec<ImportStmt>,
    pub names: Vec<ImportedName>,
    pub references: Vec<Reference>,
    pub calls: Vec<CallSite>,
    pub definitions: Vec<Definition>,
    /// Module-scope bindings at the end of the file.
    pub module_bindings: HashMap<String, Binding>,
    /// The function, lambda and class bodies of the file.
    pub scopes: Vec<LocalScope>,
    /// Names a function declares `global` and binds: it rebinds them at module level.
    pub rebound_globals: std::collections::HashSet<String>,
    /// Names a comprehension at module level binds (its targets): no function's
    /// bindings hold them, and a module-level call may lie inside that comprehension.
    pub module_comprehension_names: std::collections::HashSet<String>,
    /// Every name read somewhere in the file.
    pub used_names: std::collections::HashSet<String>,
    pub problem: Option<ParseProblem>,
    /// Where the text holds `import` (as a word or inside one), when import statements
    /// were looked for lexically: the lexical resolver asks the same question.
    pub import_offsets: Vec<usize>,
}

/// The imports of `source` found lexically, one logical line at a time, without
/// parsing the whole file (no calls, attribute chains, strings, definitions or scope
/// bindings: [`ImportedName::binding_target`] tells what each import binds).
pub fn imports_only(source: &SourceText, layout: &source::Layout, module: &ModulePath) -> PyModel {
    let mut builder = Builder::new(&source.text, module.clone());
    builder.track_bindings = false;
    builder.recover_imports(layout, |_| true, Recover::LineStarts);
    builder.finish()
}

/// The logical lines of `layout` that hold one of `offsets` (where the text says
/// `import`: every import statement does), in order: far fewer than all lines.
fn lines_with_import<'l>(
    offsets: &'l [usize],
    layout: &'l source::Layout,
) -> impl Iterator<Item = &'l Range<usize>> {
    let lines = &layout.logical_lines;
    let mut last = None;
    offsets.iter().filter_map(move |&at| {
        let index = lines
            .partition_point(|line| line.start <= at)
            .checked_sub(1)?;
        if last == Some(index) {
            return None;
        }
        last = Some(index);
        Some(&lines[index])
    })
}

/// Which import statements lexical recovery models.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Recover {
    /// Those that open a logical line: a whole-tree scan's model, in which an import
    /// anywhere else has the file parsed instead.
    LineStarts,
    /// Also those after a `;` or a block header's `:` (`x = 1; import a`): in a file
    /// the parser rejects, nothing else would see them.
    AlsoInsideLines,
}

/// The statements of logical line `line` that follow a `;` or `:` outside brackets,
/// strings and comments, each up to the next such `;` (or the line's end), and
/// whether a `:` came before it (the body of a block header, `if x: import a`).
fn statements_inside_line(
    text: &str,
    layout: &source::Layout,
    line: &Range<usize>,
) -> Vec<(Range<usize>, bool)> {
    let bytes = text.as_bytes();
    let mut statements = Vec::new();
    let (mut depth, mut after_colon) = (0usize, false);
    let mut open: Option<(usize, bool)> = None;
    let end = line.end.min(bytes.len());
    layout.visit_code(bytes, line.start, end, |at, byte| {
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            separator @ (b';' | b':') if depth == 0 => {
                after_colon |= separator == b':';
                if let Some((start, nested)) = open.take() {
                    statements.push((start..at, nested));
                }
                open = Some((at + 1, after_colon));
            }
            _ => {}
        }
        true
    });
    statements.extend(open.map(|(start, nested)| (start..end, nested)));
    statements
}

/// Whether `code` (a statement's text from its first non-blank byte) is an import
/// statement.
fn starts_with_import(code: &str) -> bool {
    ["import", "from"].iter().any(|keyword| {
        code.strip_prefix(keyword)
            .is_some_and(|rest| rest.starts_with([' ', '\t', '\\']))
    })
}

/// In text whose brackets or strings do not close, the physical lines inside a longer
/// logical line that hold `import` in code: an import statement typed below a
/// half-typed call (`x = foo(` then `from a import b`) starts such a line. Each is
/// given up to the end of its logical line (the import parser stops at its own end).
fn imports_inside_lines(
    text: &str,
    offsets: &[usize],
    layout: &source::Layout,
) -> Vec<Range<usize>> {
    let in_literal = |at: usize| layout.string_at(at).is_some() || layout.comment_at(at).is_some();
    let lines = &layout.logical_lines;
    let mut found: Vec<Range<usize>> = Vec::new();
    for &at in offsets {
        let Some(index) = lines
            .partition_point(|line| line.start <= at)
            .checked_sub(1)
        else {
            continue;
        };
        let logical = &lines[index];
        let code_start = logical.start + source::indent_len(&text[logical.clone()]);
        let start = memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |found| found + 1);
        let inside = start > code_start;
        if inside && !in_literal(at) && found.last().map_or(true, |last| last.start != start) {
            found.push(start..logical.end);
        }
    }
    found
}

/// Builds the model of `source`, recovering from parse errors.
pub fn model(source: &SourceText, layout: &source::Layout, module: &ModulePath) -> PyModel {
    let text = source.text.as_str();
    let mut builder = Builder::new(text, module.clone());
    let recovered = match too_complex(layout) {
        Some(problem) => Recovered::Failed(problem),
        None => parse_recovering(text),
    };
    match recovered {
        Recovered::Clean(suite) => builder.visit_suite(suite),
        Recovered::Blanked {
            suite,
            problem,
            blanked,
        } => {
            builder.visit_suite(suite);
            builder.recover_imports(
                layout,
                |range| blanked.iter().any(|b| overlaps(b, range)),
                Recover::AlsoInsideLines,
            );
            builder.model.problem = Some(problem);
        }
        Recovered::Failed(problem) => {
            builder.recover_imports(layout, |_| true, Recover::AlsoInsideLines);
            builder.model.problem = Some(problem);
        }
    }
    builder.finish()
}

/// Whether every top-level statement of `source` that holds a line `touched` accepts
/// (first and last line, 1-based) parses, each parsed on its own. A diffed file whose
/// changed statements parse is valid wherever the change reached, without parsing
/// the rest of it.
pub fn touched_statements_parse(
    source: &SourceText,
    layout: &source::Layout,
    touched: impl Fn(usize, usize) -> bool,
) -> bool {
    if layout.malformed || too_complex(layout).is_some() {
        return false;
    }
    let text = source.text.as_str();
    let touches = |range: &Range<usize>| {
        let (first, last) = source.lines_of(range);
        touched(first, last)
    };
    let lines = &layout.logical_lines;
    statement_starts(text, lines, 0)
        .into_iter()
        .filter(|statement| touches(&statement.range))
        .all(|statement| parse_suite(&text_to_parse(text, lines, &statement, &touches)).is_ok())
}

/// The text of a top-level `statement` to parse: all of it, or for a class its header
/// with only the members `touches` accepts (its first member when it accepts none).
fn text_to_parse<'t>(
    text: &'t str,
    lines: &[Range<usize>],
    statement: &Statement,
    touches: &impl Fn(&Range<usize>) -> bool,
) -> Cow<'t, str> {
    let Some((header, members)) = class_members(text, &lines[statement.lines.clone()]) else {
        return Cow::Borrowed(&text[statement.range.clone()]);
    };
    let mut kept = text[header].to_string();
    let mut touched = members.iter().filter(|member| touches(member)).peekable();
    if touched.peek().is_none() {
        kept.push_str(&text[members[0].clone()]);
    }
    for member in touched {
        kept.push_str(&text[member.clone()]);
    }
    Cow::Owned(kept)
}

/// One statement among its siblings: its byte range and its logical lines (indexes).
struct Statement {
    range: Range<usize>,
    lines: Range<usize>,
}

/// The statements whose code starts in column `indent` among `lines` (logical lines
/// of `text`): each starts at such a line (not a comment, not the `else`, `elif`,
/// `except` or `finally` of the statement before, not what a decorator decorates)
/// and runs to the next; blank, comment and more indented lines go with the
/// statement before. The first statement also takes any lines before it.
fn statement_starts(text: &str, lines: &[Range<usize>], indent: usize) -> Vec<Statement> {
    let mut starts = vec![0];
    let mut after_decorator = false;
    for (index, line) in lines.iter().enumerate() {
        let body = &text[line.clone()];
        let code = &body[source::indent_len(body)..];
        if code.is_empty() || code.starts_with('#') || body.len() - code.len() != indent {
            continue;
        }
        let continues = after_decorator
            || ["else", "elif", "except", "finally"]
                .iter()
                .any(|keyword| starts_with_keyword(code, keyword));
        after_decorator = code.starts_with('@');
        if !continues && index > 0 {
            starts.push(index);
        }
    }
    let end = lines.len();
    let mut statements = Vec::with_capacity(starts.len());
    for (at, &first) in starts.iter().enumerate() {
        let last = starts.get(at + 1).copied().unwrap_or(end);
        if first >= last {
            continue;
        }
        statements.push(Statement {
            range: lines[first].start..lines[last - 1].end,
            lines: first..last,
        });
    }
    statements
}

/// A `class` statement's header (decorators and `class ...:` line) and its members,
/// as byte ranges; None for anything else or a class whose body is on its header's line.
fn class_members(text: &str, lines: &[Range<usize>]) -> Option<(Range<usize>, Vec<Range<usize>>)> {
    let header_at = lines
        .iter()
        .position(|line| !text[line.clone()].starts_with('@'))?;
    if !starts_with_keyword(&text[lines[header_at].clone()], "class") {
        return None;
    }
    let body = &lines[header_at + 1..];
    let indent = body.iter().find_map(|line| {
        let body = &text[line.clone()];
        let code = &body[source::indent_len(body)..];
        (!code.is_empty() && !code.starts_with('#')).then(|| body.len() - code.len())
    })?;
    if indent == 0 {
        return None;
    }
    let members: Vec<Range<usize>> = statement_starts(text, body, indent)
        .into_iter()
        .map(|member| member.range)
        .collect();
    let header = lines[0].start..lines[header_at].end;
    (!members.is_empty()).then_some((header, members))
}

fn starts_with_keyword(line: &str, keyword: &str) -> bool {
    line.strip_prefix(keyword).is_some_and(|rest| {
        !rest
            .chars()
            .next()
            .is_some_and(|next| next == '_' || next.is_alphanumeric())
    })
}

/// Parses one import statement's text starting at `offset`; an import whose
/// parenthesis is never closed (a half-typed buffer) is closed after its last name.
/// The parsed statement, and whether a closing parenthesis had to be supplied.
fn parse_import_snippet(snippet: &str, offset: u32) -> Option<(ast::ModModule, bool)> {
    let parse = |text: &str| match rustpython_parser::parse_starts_at(
        text,
        Mode::Module,
        "<source>",
        TextSize::from(offset),
    ) {
        Ok(ast::Mod::Module(module)) => Some(module),
        _ => None,
    };
    if let Some(module) = parse(snippet) {
        return Some((module, false));
    }
    let open = snippet.find('(')?;
    let mut end = open + 1;
    for line in snippet[open + 1..].split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or_default();
        let names_only = code
            .chars()
            .all(|c| c == '_' || c == ',' || c.is_alphanumeric() || c.is_whitespace());
        if !names_only {
            break;
        }
        end += line.len();
    }
    let closed = format!("{})", snippet[..end].trim_end());
    parse(&closed).map(|module| (module, true))
}

/// Code (outside strings) longer than this in one logical line, or brackets nested
/// deeper than [`MAX_NESTING`], is not given to the parser, whose recursion could
/// exhaust the stack; such a file's imports are recovered lexically.
const MAX_LOGICAL_LINE_CODE: usize = 64 * 1024;
const MAX_NESTING: usize = 200;

fn too_complex(layout: &source::Layout) -> Option<ParseProblem> {
    if layout.max_depth > MAX_NESTING {
        return Some(ParseProblem {
            offset: layout.max_depth_offset,
            message: format!("brackets nested more than {MAX_NESTING} deep"),
        });
    }
    let mut strings = layout.strings.iter().peekable();
    for line in &layout.logical_lines {
        if line.len() <= MAX_LOGICAL_LINE_CODE {
            continue;
        }
        let mut string_bytes = 0;
        while let Some(literal) = strings.peek() {
            if literal.range.start >= line.end {
                break;
            }
            if literal.range.start >= line.start {
                string_bytes += literal.range.len();
            }
            strings.next();
        }
        if line.len() - string_bytes.min(line.len()) > MAX_LOGICAL_LINE_CODE {
            return Some(ParseProblem {
                offset: line.start,
                message: format!(
                    "a statement longer than {} KiB of code",
                    MAX_LOGICAL_LINE_CODE / 1024
                ),
            });
        }
    }
    None
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

enum Recovered {
    Clean(ast::Suite),
    Blanked {
        suite: ast::Suite,
        problem: ParseProblem,
        blanked: Vec<Range<usize>>,
    },
    Failed(ParseProblem),
}

fn parse_suite(text: &str) -> Result<ast::Suite, ParseProblem> {
    match rustpython_parser::parse(text, Mode::Module, "<source>") {
        Ok(ast::Mod::Module(module)) => Ok(module.body),
        Ok(_) => Ok(Vec::new()),
        Err(error) => Err(ParseProblem {
            offset: usize::from(error.offset).min(text.len()),
            message: error.error.to_string(),
        }),
    }
}

fn parse_recovering(text: &str) -> Recovered {
    let first_problem = match parse_suite(text) {
        Ok(suite) => return Recovered::Clean(suite),
        Err(problem) => problem,
    };
    let mut bytes = text.as_bytes().to_vec();
    let mut blanked = Vec::new();
    let mut offset = first_problem.offset;
    let mut placeholder: Option<Range<usize>> = None;
    for _ in 0..MAX_REPARSES {
        match placeholder.take() {
            // The `pass` left in a statement's place is not one (it lies inside
            // brackets): a blank instead.
            Some(pass) if pass.contains(&offset) => bytes[pass].fill(b' '),
            _ => {
                let (range, pass) = blank_statement(&mut bytes, offset);
                placeholder = pass;
                blanked.push(range);
            }
        }
        let Ok(candidate) = std::str::from_utf8(&bytes) else {
            break;
        };
        match parse_suite(candidate) {
            Ok(suite) => {
                return Recovered::Blanked {
                    suite,
                    problem: first_problem,
                    blanked,
                }
            }
            Err(problem) => offset = problem.offset,
        }
    }
    Recovered::Failed(first_problem)
}

/// Replaces with spaces the lines of the statement at `offset` (and, for a block
/// header, its indented body), keeping every offset and line break, and writes
/// `pass` where the statement started so that a body it was the only statement of
/// stays a body (`def f():` over only a line the parser rejects). Returns the range
/// blanked and where `pass` went (None when the first line is too short for it).
fn blank_statement(bytes: &mut [u8], offset: usize) -> (Range<usize>, Option<Range<usize>>) {
    let offset = offset.min(bytes.len());
    let mut start = offset;
    // An error reported at a line start (e.g. an unexpected indent) is about that line.
    if start == bytes.len() && start > 0 {
        start -= 1;
    }
    while start > 0 && bytes[start - 1] != b'\n' {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && bytes[end] != b'\n' {
        end += 1;
    }
    let header = String::from_utf8_lossy(&bytes[start..end])
        .trim_end()
        .to_string();
    let indent = indent_of(&bytes[start..end]);
    let pass = start + indent..start + indent + "pass".len();
    let first_line_end = end;
    if header.ends_with(':') {
        let mut next = end;
        while next < bytes.len() {
            let line_start = next + 1;
            let mut line_end = line_start;
            while line_end < bytes.len() && bytes[line_end] != b'\n' {
                line_end += 1;
            }
            let line = &bytes[line_start.min(bytes.len())..line_end];
            let blank = line.iter().all(|b| b.is_ascii_whitespace());
            if !blank && indent_of(line) <= indent {
                break;
            }
            end = line_end;
            next = line_end;
            if line_end >= bytes.len() {
                break;
            }
        }
    }
    // The first line keeps its indentation (a tab stays a tab) for its `pass`.
    for byte in &mut bytes[start + indent..end] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
    let pass = (pass.end <= first_line_end).then(|| {
        bytes[pass.clone()].copy_from_slice(b"pass");
        pass
    });
    (start..end, pass)
}

fn indent_of(line: &[u8]) -> usize {
    line.iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count()
}

/// A resolved name/attribute chain: its dotted name, the import name its root is
/// bound by, and each sub-chain's dotted name with the offset it ends at.
type Chain = (String, Option<usize>, Prefixes);

#[derive(Default)]
struct Scope {
    is_class: bool,
    /// A comprehension's scope: `:=` inside it binds in the enclosing one.
    is_comprehension: bool,
    /// The bindings so far (the last one of each name), for resolving names.
    bindings: HashMap<String, Binding>,
    /// Its index into [`PyModel::scopes`]; None for the module.
    id: Option<usize>,
    /// Every binding and declaration of the scope (see [`LocalScope::bindings`]).
    all: HashMap<String, Binding>,
    /// The names it declares `global`.
    globals: Vec<String>,
}

impl Scope {
    /// [`Scope::note`] for a function, lambda or class body; the module's bindings
    /// are judged from `module_bindings` alone.
    fn note_in_body(&mut self, name: &str, binding: Binding) {
        if self.id.is_some() {
            self.note(name, binding);
        }
    }

    /// Notes a binding or declaration of `name` among all of the scope's.
    fn note(&mut self, name: &str, binding: Binding) {
        match self.all.get_mut(name) {
            Some(seen) if *seen != binding => *seen = Binding::Local,
            Some(_) => {}
            None => {
                self.all.insert(name.to_string(), binding);
            }
        }
    }
}

struct Builder<'a> {
    text: &'a str,
    module: ModulePath,
    model: PyModel,
    scopes: Vec<Scope>,
    /// The innermost simple statement being visited.
    statement: Option<Range<usize>>,
    /// Whether to record scope bindings (the import-only model does not need them).
    track_bindings: bool,
}

fn span<T: Ranged>(node: &T) -> Range<usize> {
    let range = node.range();
    usize::from(range.start())..usize::from(range.end())
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, module: ModulePath) -> Self {
        Builder {
            text,
            module,
            model: PyModel::default(),
            scopes: vec![Scope::default()],
            statement: None,
            track_bindings: true,
        }
    }

    fn finish(mut self) -> PyModel {
        if let Some(scope) = self.scopes.drain(..).next() {
            self.model.module_bindings = scope.bindings;
        }
        self.model
    }

    fn visit_suite(&mut self, suite: ast::Suite) {
        for stmt in suite {
            self.visit_stmt(stmt);
        }
    }

    /// Parses the import statements of each logical line that holds `import` and
    /// satisfies `wanted`: the one it starts with, or (as `recover` asks) those after
    /// its `;` and `:`.
    fn recover_imports(
        &mut self,
        layout: &source::Layout,
        wanted: impl Fn(&Range<usize>) -> bool,
        recover: Recover,
    ) {
        let text = self.text;
        // Python has about one `import` per kilobyte.
        let mut offsets = Vec::with_capacity(text.len() / 512 + 4);
        offsets.extend(memchr::memmem::find_iter(text.as_bytes(), b"import"));
        // About a statement per `import`, and a name or two each.
        self.model.imports.reserve(offsets.len());
        self.model.names.reserve(offsets.len() * 2);
        self.model.references.reserve(offsets.len() * 2);
        if layout.malformed {
            let mut lines: Vec<Range<usize>> = lines_with_import(&offsets, layout)
                .cloned()
                .chain(imports_inside_lines(text, &offsets, layout))
                .collect();
            lines.sort_by_key(|line| line.start);
            for line in lines.iter().filter(|line| wanted(line)) {
                self.recover_line(layout, line, recover);
            }
        } else {
            for line in lines_with_import(&offsets, layout).filter(|line| wanted(line)) {
                self.recover_line(layout, line, recover);
            }
        }
        self.model.import_offsets = offsets;
    }

    /// Models the import statement `line` starts with, or (as `recover` asks) those
    /// that follow its `;` and `:`.
    fn recover_line(&mut self, layout: &source::Layout, line: &Range<usize>, recover: Recover) {
        if self.recover_import_line(line) || recover == Recover::LineStarts {
            return;
        }
        let indented = source::indent_len(&self.text[line.clone()]) > 0;
        for (statement, after_colon) in statements_inside_line(self.text, layout, line) {
            let code = &self.text[statement.clone()];
            let blanks = code.len() - code.trim_start_matches([' ', '\t']).len();
            if starts_with_import(&code[blanks..]) {
                let start = statement.start + blanks;
                self.recover_import(start..statement.end, indented || after_colon);
            }
        }
    }

    /// Models the import statement `line` (a logical line, or the part of one from a
    /// physical line on) starts with, if it starts with one; whether it does.
    fn recover_import_line(&mut self, line: &Range<usize>) -> bool {
        let body = &self.text[line.clone()];
        let indent = source::indent_len(body);
        if !starts_with_import(&body[indent..]) {
            return false;
        }
        self.recover_import(line.start + indent..line.end, indent > 0);
        true
    }

    /// Models the import statement in `statement` (from its keyword to the end of
    /// the text it may take: the import parser stops at its own end).
    fn recover_import(&mut self, statement: Range<usize>, nested: bool) {
        let text = self.text;
        let start = statement.start;
        let Ok(offset) = u32::try_from(start) else {
            return;
        };
        let snippet = &text[statement.clone()];
        if let Some(parsed) = import_syntax::parse(snippet, start) {
            self.on_import(parsed, nested);
            return;
        }
        if let Some((module, unclosed)) = parse_import_snippet(snippet, offset) {
            let first = self.model.imports.len();
            for parsed in module.body.iter().filter_map(import_syntax::from_ast) {
                self.on_import(parsed, nested);
            }
            let end = statement.end.min(self.text.len());
            for stmt in &mut self.model.imports[first..] {
                stmt.unclosed = unclosed;
                stmt.range.end = stmt.range.end.min(end);
            }
        } else if let Some(semicolon) = snippet.find(';') {
            // What follows the `;` does not parse (`import m; print "x"`): the
            // import before it still binds its names.
            if let Some(parsed) = import_syntax::parse(&snippet[..semicolon], start) {
                self.on_import(parsed, nested);
            }
        }
    }

    fn nested(&self) -> bool {
        self.scopes.len() > 1
    }

    fn bind(&mut self, name: &str, binding: Binding) {
        // A comprehension's binding is noted in the function around it, whose
        // `LocalScope` its calls are judged by (so a fix there errs towards unsafe).
        let in_comprehension = self
            .scopes
            .last()
            .is_some_and(|scope| scope.is_comprehension);
        let mut at_module_level = false;
        if let Some(scope) = self.outside_comprehensions() {
            scope.note_in_body(name, binding.clone());
            at_module_level = scope.id.is_none();
        }
        if in_comprehension && at_module_level {
            self.model
                .module_comprehension_names
                .insert(name.to_string());
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.bindings.insert(name.to_string(), binding);
        }
    }

    /// The innermost scope that is not a comprehension's: where `:=` binds.
    fn outside_comprehensions(&mut self) -> Option<&mut Scope> {
        self.scopes
            .iter_mut()
            .rev()
            .find(|scope| !scope.is_comprehension)
    }

    /// Notes that the current scope makes `name` its own without binding it here
    /// (`global`, `nonlocal`, `del`); `global` names are remembered as such.
    fn declare(&mut self, name: &str, global: bool) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.note(name, Binding::Local);
            if global {
                scope.globals.push(name.to_string());
            }
        }
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        let innermost = self.scopes.len() - 1;
        for (index, scope) in self.scopes.iter().enumerate().rev() {
            if scope.is_class && index != innermost {
                continue;
            }
            if let Some(binding) = scope.bindings.get(name) {
                return Some(binding);
            }
        }
        None
    }

    fn stmt_range(&self, fallback: Range<usize>) -> Range<usize> {
        self.statement.clone().unwrap_or(fallback)
    }

    /// Records an import statement: its names, the references they make and the
    /// bindings they create.
    fn on_import(&mut self, node: ImportSyntax<'_>, nested: bool) {
        let previous = self.statement.replace(node.range.clone());
        let module = node
            .from
            .as_ref()
            .map(|(level, written)| self.absolute_module(*level, written.as_deref()));
        let stmt_index = self.model.imports.len();
        let mut indexes = smallvec::SmallVec::with_capacity(node.aliases.len());
        for alias in node.aliases {
            let name = Name::from(alias.name.as_ref());
            let dotted = match &module {
                None => Some(name.clone()),
                Some(module) => module.as_deref().map(|module| {
                    if name == "*" {
                        Name::from(module)
                    } else {
                        let mut dotted = Name::with_capacity(module.len() + 1 + name.len());
                        dotted.push_str(module);
                        dotted.push('.');
                        dotted.push_str(&name);
                        dotted
                    }
                }),
            };
            let imported = ImportedName {
                stmt: stmt_index,
                name,
                asname: alias.asname.map(Name::from),
                range: alias.range,
                dotted,
            };
            indexes.push(self.add_imported(imported));
        }
        self.model.imports.push(ImportStmt {
            range: node.range,
            from_module: module,
            names: indexes,
            nested,
            unclosed: false,
        });
        self.statement = previous;
    }

    /// The absolute module a `from` import of `level` dots and `written` names (None
    /// when a relative import cannot be resolved).
    fn absolute_module(&self, level: u32, written: Option<&str>) -> Option<Name> {
        let module = if level == 0 {
            written.map(Name::from)
        } else {
            self.module
                .relative_base(level)
                .map(|base| match (written, base.is_empty()) {
                    (Some(m), true) => Name::from(m),
                    (Some(m), false) => compact_str::format_compact!("{base}.{m}"),
                    (None, _) => Name::from(base),
                })
        };
        module.filter(|m| !m.is_empty())
    }

    /// Records an imported name, its reference, and the binding it makes.
    fn add_imported(&mut self, imported: ImportedName) -> usize {
        let index = self.model.names.len();
        if let Some(dotted) = &imported.dotted {
            let stmt = self.stmt_range(imported.range.clone());
            self.model.references.push(Reference {
                dotted: dotted.clone(),
                kind: RefKind::Import(index),
                range: imported.range.clone(),
                stmt,
            });
        }
        if self.track_bindings {
            if let Some(binding) = import_binding(&imported, index) {
                let bound = imported.bound_name().unwrap_or_default().to_string();
                self.bind(&bound, binding);
            }
        }
        self.model.names.push(imported);
        index
    }

    /// The dotted name an expression made only of names and attributes resolves to,
    /// with the import binding its root came from, and each sub-chain's end offset.
    /// Resolves a chain of at most [`MAX_CHAIN_DEPTH`] attributes over a name.
    fn resolve_chain(&self, expr: &ast::Expr) -> Option<Chain> {
        let mut depth = 0;
        let mut root = expr;
        while let ast::Expr::Attribute(attribute) = root {
            root = &attribute.value;
            depth += 1;
            if depth > MAX_CHAIN_DEPTH {
                return None;
            }
        }
        self.resolve_chain_parts(expr)
    }

    fn resolve_chain_parts(&self, expr: &ast::Expr) -> Option<Chain> {
        match expr {
            ast::Expr::Name(name) => {
                let end = usize::from(name.range.end());
                match self.lookup(name.id.as_str()) {
                    Some(Binding::Import {
                        dotted,
                        name: index,
                    }) => Some((
                        dotted.clone(),
                        Some(*index),
                        smallvec::smallvec![(dotted.len(), end)],
                    )),
                    Some(Binding::Defined(dotted)) => Some((
                        dotted.clone(),
                        None,
                        smallvec::smallvec![(dotted.len(), end)],
                    )),
                    Some(Binding::Local) => None,
                    None => {
                        let dotted = format!("builtins.{}", name.id.as_str());
                        let length = dotted.len();
                        Some((dotted, None, smallvec::smallvec![(length, end)]))
                    }
                }
            }
            ast::Expr::Attribute(attribute) => {
                let (mut dotted, via, mut prefixes) = self.resolve_chain_parts(&attribute.value)?;
                dotted.push('.');
                dotted.push_str(attribute.attr.as_str());
                prefixes.push((dotted.len(), usize::from(attribute.range.end())));
                Some((dotted, via, prefixes))
            }
            _ => None,
        }
    }

    fn on_call(&mut self, call: &ast::ExprCall) {
        let call_range = span(call);
        let callee_range = span(call.func.as_ref());
        let (callee, via) = match self.resolve_chain(&call.func) {
            Some((dotted, via, _)) => (Some(dotted), via),
            None => (None, None),
        };
        let args_range = self.args_range(callee_range.end, call_range.end);
        let stmt = self.stmt_range(call_range.clone());
        if let Some(callee) = &callee {
            if takes_module_string(callee) {
                self.string_target(call, stmt.clone());
            }
        }
        let scope = self.scopes.last().and_then(|scope| scope.id);
        self.model.calls.push(CallSite {
            callee,
            callee_range,
            call_range,
            args_range,
            stmt,
            via,
            scope,
        });
    }

    /// The text between the call's parentheses.
    fn args_range(&self, callee_end: usize, call_end: usize) -> Range<usize> {
        let between = &self.text[callee_end.min(call_end)..call_end];
        let open = between
            .find('(')
            .map(|i| callee_end + i + 1)
            .unwrap_or(call_end);
        let close = if call_end > open && self.text.as_bytes()[call_end - 1] == b')' {
            call_end - 1
        } else {
            call_end
        };
        open..close.max(open)
    }

    fn string_target(&mut self, call: &ast::ExprCall, stmt: Range<usize>) {
        let first = call.args.first().or_else(|| {
            call.keywords
                .iter()
                .find(|keyword| {
                    keyword
                        .arg
                        .as_ref()
                        .is_some_and(|arg| arg.as_str() == "target" || arg.as_str() == "name")
                })
                .map(|keyword| &keyword.value)
        });
        let Some(ast::Expr::Constant(constant)) = first else {
            return;
        };
        let ast::Constant::Str(value) = &constant.value else {
            return;
        };
        if !crate::config::is_dotted_name(value) {
            return;
        }
        self.model.references.push(Reference {
            dotted: Name::from(value.as_str()),
            kind: RefKind::StringTarget,
            range: span(constant),
            stmt,
        });
    }

    /// Records the reference an attribute chain rooted at an import-bound name makes.
    fn on_attribute_chain(&mut self, expr: &ast::Expr) {
        let Some((dotted, Some(via), prefixes)) = self.resolve_chain(expr) else {
            return;
        };
        let range = span(expr);
        let stmt = self.stmt_range(range.clone());
        self.model.references.push(Reference {
            dotted: dotted.into(),
            kind: RefKind::Attribute { via, prefixes },
            range,
            stmt,
        });
    }

    /// Notes a name read at module level or in a scope that does not bind it.
    fn use_name(&mut self, name: &str) {
        let local = self.scopes[1..]
            .iter()
            .any(|scope| !scope.is_class && scope.bindings.contains_key(name));
        if !local && !self.model.used_names.contains(name) {
            self.model.used_names.insert(name.to_string());
        }
    }

    fn define(&mut self, name: &str, range: Range<usize>, is_class: bool) {
        if self.nested() {
            self.bind(name, Binding::Local);
            return;
        }
        let dotted = match &self.module.name {
            Some(module) => format!("{module}.{name}"),
            None => name.to_string(),
        };
        self.bind(name, Binding::Defined(dotted));
        let name_range = self.name_range(range, name);
        self.model.definitions.push(Definition {
            name: name.to_string(),
            is_class,
            name_range,
        });
    }

    /// The range of `name` after the `def`/`class` keyword of a definition.
    fn name_range(&self, range: Range<usize>, name: &str) -> Range<usize> {
        let body = &self.text[range.start.min(self.text.len())..range.end.min(self.text.len())];
        let mut search = 0;
        while let Some(found) = body[search..].find(name) {
            let start = search + found;
            let end = start + name.len();
            let before = body[..start].trim_end();
            let boundary = !body[end..].starts_with(|c: char| c == '_' || c.is_alphanumeric());
            if boundary && (before.ends_with("def") || before.ends_with("class")) {
                return range.start + start..range.start + end;
            }
            search = end;
        }
        range.start..range.start
    }

    /// A comprehension as Python 3 runs it: its first iterable in the enclosing scope,
    /// everything else in a scope of its own, where its targets are bound (they
    /// neither rebind nor shadow the enclosing names after it).
    fn comprehension(&mut self, elements: Vec<ast::Expr>, generators: Vec<ast::Comprehension>) {
        let mut generators = generators.into_iter();
        let first = generators.next();
        let first = first.map(|generator| {
            self.visit_expr(generator.iter);
            (generator.target, generator.ifs)
        });
        // Calls inside it are judged in the scope around it (see `bind`).
        self.scopes.push(Scope {
            is_comprehension: true,
            id: self.scopes.last().and_then(|scope| scope.id),
            ..Scope::default()
        });
        if let Some((target, conditions)) = first {
            self.visit_expr(target);
            for condition in conditions {
                self.visit_expr(condition);
            }
        }
        for generator in generators {
            self.visit_expr(generator.iter);
            self.visit_expr(generator.target);
            for condition in generator.ifs {
                self.visit_expr(condition);
            }
        }
        for element in elements {
            self.visit_expr(element);
        }
        self.scopes.pop();
    }

    fn with_scope(&mut self, is_class: bool, visit: impl FnOnce(&mut Self)) {
        let id = self.model.scopes.len();
        self.model.scopes.push(LocalScope {
            parent: self.scopes.last().and_then(|scope| scope.id),
            is_class,
            is_async: false,
            bindings: HashMap::new(),
        });
        self.scopes.push(Scope {
            is_class,
            id: Some(id),
            ..Scope::default()
        });
        let previous = self.statement.take();
        visit(self);
        self.statement = previous;
        if let Some(scope) = self.scopes.pop() {
            self.close_scope(id, scope);
        }
    }

    /// Records the bindings of the scope just visited, and the globals it rebinds.
    fn close_scope(&mut self, id: usize, scope: Scope) {
        for name in scope.globals {
            if scope.bindings.contains_key(&name) {
                self.model.rebound_globals.insert(name);
            }
        }
        self.model.scopes[id].bindings = scope.all;
    }

    fn bind_arguments(&mut self, arguments: &ast::Arguments) {
        let all = arguments
            .posonlyargs
            .iter()
            .chain(&arguments.args)
            .chain(&arguments.kwonlyargs)
            .map(|arg| arg.def.arg.to_string())
            .chain(arguments.vararg.iter().map(|arg| arg.arg.to_string()))
            .chain(arguments.kwarg.iter().map(|arg| arg.arg.to_string()));
        let names: Vec<String> = all.collect();
        for name in names {
            self.bind(&name, Binding::Local);
        }
    }
}

/// The default values of a function's or lambda's parameters.
fn argument_defaults(args: &ast::Arguments) -> Vec<ast::Expr> {
    args.posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
        .filter_map(|arg| arg.default.as_deref().cloned())
        .collect()
}

/// What the import name `imported` (index `index` into [`PyModel::names`]) binds its
/// local name to; None for `*`.
pub fn import_binding(imported: &ImportedName, index: usize) -> Option<Binding> {
    imported.bound_name()?;
    Some(match imported.binding_target() {
        Some(target) => Binding::Import {
            dotted: target.to_string(),
            name: index,
        },
        None => Binding::Local,
    })
}

/// The annotations of a function's parameters.
fn argument_annotations(args: &ast::Arguments) -> Vec<ast::Expr> {
    args.posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
        .map(|arg| &arg.def)
        .chain(args.vararg.as_deref())
        .chain(args.kwarg.as_deref())
        .filter_map(|arg| arg.annotation.as_deref().cloned())
        .collect()
}

/// The names a `match` pattern captures (`x` in `case [x, *rest]`, `rest` too).
fn pattern_captures(pattern: &ast::Pattern, out: &mut Vec<String>) {
    let mut push = |name: &Option<ast::Identifier>| {
        if let Some(name) = name {
            out.push(name.to_string());
        }
    };
    match pattern {
        ast::Pattern::MatchValue(_) | ast::Pattern::MatchSingleton(_) => {}
        ast::Pattern::MatchStar(star) => push(&star.name),
        ast::Pattern::MatchMapping(mapping) => {
            push(&mapping.rest);
            for inner in &mapping.patterns {
                pattern_captures(inner, out);
            }
        }
        ast::Pattern::MatchAs(capture) => {
            push(&capture.name);
            if let Some(inner) = &capture.pattern {
                pattern_captures(inner, out);
            }
        }
        ast::Pattern::MatchSequence(sequence) => {
            for inner in &sequence.patterns {
                pattern_captures(inner, out);
            }
        }
        ast::Pattern::MatchOr(or) => {
            for inner in &or.patterns {
                pattern_captures(inner, out);
            }
        }
        ast::Pattern::MatchClass(class) => {
            for inner in class.patterns.iter().chain(&class.kwd_patterns) {
                pattern_captures(inner, out);
            }
        }
    }
}

fn is_from(imported: &ImportedName) -> bool {
    imported
        .dotted
        .as_deref()
        .is_some_and(|dotted| dotted != imported.name)
}

/// Callees whose first argument is a dotted module or object path.
pub fn takes_module_string(callee: &str) -> bool {
    matches!(
        callee,
        "importlib.import_module"
            | "builtins.__import__"
            | "unittest.mock.patch"
            | "mock.patch"
            | "builtins.mocker.patch"
            | "pytest_mock.mocker.patch"
    )
}

fn is_simple_statement(stmt: &ast::Stmt) -> bool {
    !matches!(
        stmt,
        ast::Stmt::FunctionDef(_)
            | ast::Stmt::AsyncFunctionDef(_)
            | ast::Stmt::ClassDef(_)
            | ast::Stmt::For(_)
            | ast::Stmt::AsyncFor(_)
            | ast::Stmt::While(_)
            | ast::Stmt::If(_)
            | ast::Stmt::With(_)
            | ast::Stmt::AsyncWith(_)
            | ast::Stmt::Match(_)
            | ast::Stmt::Try(_)
            | ast::Stmt::TryStar(_)
    )
}

impl Visitor for Builder<'_> {
    fn visit_stmt(&mut self, node: ast::Stmt) {
        let previous = self.statement.clone();
        if is_simple_statement(&node) {
            self.statement = Some(span(&node));
        } else {
            self.statement = None;
        }
        self.generic_visit_stmt(node);
        self.statement = previous;
    }

    fn visit_stmt_import(&mut self, node: ast::StmtImport) {
        let nested = self.nested();
        let stmt = ast::Stmt::Import(node);
        if let Some(statement) = import_syntax::from_ast(&stmt) {
            self.on_import(statement, nested);
        }
    }

    fn visit_stmt_import_from(&mut self, node: ast::StmtImportFrom) {
        let nested = self.nested();
        let stmt = ast::Stmt::ImportFrom(node);
        if let Some(statement) = import_syntax::from_ast(&stmt) {
            self.on_import(statement, nested);
        }
    }

    fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
        self.define(node.name.as_str(), span(&node), false);
        self.function(
            *node.args,
            node.body,
            node.decorator_list,
            node.returns,
            false,
        );
    }

    fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
        self.define(node.name.as_str(), span(&node), false);
        self.function(
            *node.args,
            node.body,
            node.decorator_list,
            node.returns,
            true,
        );
    }

    fn visit_stmt_class_def(&mut self, node: ast::StmtClassDef) {
        self.define(node.name.as_str(), span(&node), true);
        for expr in node.decorator_list.into_iter().chain(node.bases) {
            self.visit_expr(expr);
        }
        for keyword in node.keywords {
            self.visit_expr(keyword.value);
        }
        self.with_scope(true, |builder| builder.visit_suite(node.body));
    }

    fn visit_expr_call(&mut self, node: ast::ExprCall) {
        self.on_call(&node);
        self.generic_visit_expr_call(node);
    }

    fn visit_expr_attribute(&mut self, node: ast::ExprAttribute) {
        let expr = ast::Expr::Attribute(node);
        let mut depth = 0;
        let mut root = &expr;
        while let ast::Expr::Attribute(attribute) = root {
            root = &attribute.value;
            depth += 1;
        }
        if let ast::Expr::Name(name) = root {
            let name = name.id.to_string();
            self.use_name(&name);
            if depth <= MAX_CHAIN_DEPTH {
                self.on_attribute_chain(&expr);
            }
            return;
        }
        // Not a plain name chain: visit what the chain hangs off (a call, a subscript...).
        let mut current = expr;
        while let ast::Expr::Attribute(attribute) = current {
            current = *attribute.value;
        }
        self.visit_expr(current);
    }

    fn visit_expr_name(&mut self, node: ast::ExprName) {
        // `del name` needs the name bound as much as reading it does, and makes it
        // local to a function.
        if matches!(node.ctx, ast::ExprContext::Del) && self.nested() {
            self.declare(node.id.as_str(), false);
        }
        if matches!(node.ctx, ast::ExprContext::Load | ast::ExprContext::Del) {
            self.use_name(node.id.as_str());
        } else {
            self.bind(node.id.as_str(), Binding::Local);
        }
    }

    // The generated visitor does not descend into these nodes by itself.
    fn visit_keyword(&mut self, node: ast::Keyword) {
        self.visit_expr(node.value);
    }

    fn visit_withitem(&mut self, node: ast::WithItem) {
        self.visit_expr(node.context_expr);
        if let Some(vars) = node.optional_vars {
            self.visit_expr(*vars);
        }
    }

    fn visit_expr_named_expr(&mut self, node: ast::ExprNamedExpr) {
        self.visit_expr(*node.value);
        let ast::Expr::Name(target) = *node.target else {
            return;
        };
        let Some(scope) = self.outside_comprehensions() else {
            return;
        };
        let name = target.id.as_str();
        scope.note_in_body(name, Binding::Local);
        scope.bindings.insert(name.to_string(), Binding::Local);
    }

    fn visit_expr_list_comp(&mut self, node: ast::ExprListComp) {
        self.comprehension(vec![*node.elt], node.generators);
    }

    fn visit_expr_set_comp(&mut self, node: ast::ExprSetComp) {
        self.comprehension(vec![*node.elt], node.generators);
    }

    fn visit_expr_dict_comp(&mut self, node: ast::ExprDictComp) {
        self.comprehension(vec![*node.key, *node.value], node.generators);
    }

    fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
        self.comprehension(vec![*node.elt], node.generators);
    }

    fn visit_match_case(&mut self, node: ast::MatchCase) {
        let mut captures = Vec::new();
        pattern_captures(&node.pattern, &mut captures);
        for name in captures {
            self.bind(&name, Binding::Local);
        }
        if let Some(guard) = node.guard {
            self.visit_expr(*guard);
        }
        self.visit_suite(node.body);
    }

    fn visit_excepthandler_except_handler(&mut self, node: ast::ExceptHandlerExceptHandler) {
        if let Some(name) = &node.name {
            self.bind(name.as_str(), Binding::Local);
        }
        self.generic_visit_excepthandler_except_handler(node);
    }

    fn visit_stmt_global(&mut self, node: ast::StmtGlobal) {
        for name in &node.names {
            self.declare(name.as_str(), true);
        }
    }

    fn visit_stmt_nonlocal(&mut self, node: ast::StmtNonlocal) {
        for name in &node.names {
            self.declare(name.as_str(), false);
        }
    }

    fn visit_expr_lambda(&mut self, node: ast::ExprLambda) {
        for expr in argument_defaults(&node.args) {
            self.visit_expr(expr);
        }
        self.with_scope(false, |builder| {
            builder.bind_arguments(&node.args);
            builder.visit_expr(*node.body);
        });
    }
}

impl Builder<'_> {
    fn function(
        &mut self,
        args: ast::Arguments,
        body: Vec<ast::Stmt>,
        decorators: Vec<ast::Expr>,
        returns: Option<Box<ast::Expr>>,
        is_async: bool,
    ) {
        for expr in decorators {
            self.visit_expr(expr);
        }
        if let Some(returns) = returns {
            self.visit_expr(*returns);
        }
        for expr in argument_annotations(&args) {
            self.visit_expr(expr);
        }
        for expr in argument_defaults(&args) {
            self.visit_expr(expr);
        }
        let id = self.model.scopes.len();
        self.with_scope(false, |builder| {
            builder.bind_arguments(&args);
            builder.visit_suite(body);
        });
        self.model.scopes[id].is_async = is_async;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(text: &str, module: &str) -> PyModel {
        let source = SourceText::decode(text.as_bytes());
        let layout = source::scan(&source.text);
        model(
            &source,
            &layout,
            &ModulePath {
                name: Some(module.to_string()),
                is_package: false,
            },
        )
    }

    fn dotted(model: &PyModel) -> Vec<&str> {
        model.references.iter().map(|r| r.dotted.as_str()).collect()
    }

    /// Whether the statements touching `lines` (1-based) of `text` parse.
    fn touched_parse(text: &str, lines: &[usize]) -> bool {
        let source = SourceText::decode(text.as_bytes());
        let layout = source::scan(&source.text);
        touched_statements_parse(&source, &layout, |first, last| {
            lines.iter().any(|line| (first..=last).contains(line))
        })
    }

    #[test]
    fn only_the_touched_top_level_statements_must_parse() {
        let text = "import os\n\ndef broken()\n    pass\n\ndef fine():\n    return os\n";
        assert!(touched_parse(text, &[1]));
        assert!(touched_parse(text, &[7]));
        assert!(
            !touched_parse(text, &[4]),
            "the body belongs to the broken def"
        );
        assert!(!touched_parse(text, &[1, 3]));
        assert!(touched_parse(text, &[]));
    }

    #[test]
    fn clauses_decorators_and_column_0_comments_stay_with_their_statement() {
        let text = "if a:\n    x = 1\nelif b:\n    x = 2\nelse:\n    x = 3\ntry:\n    pass\nexcept* E:\n    pass\nfinally:\n    pass\n@decorator\n@other\ndef f():\n    y = 1\n# a note in column 0\n    return y\nelsewhere = 1\n";
        for line in 1..=19 {
            assert!(touched_parse(text, &[line]), "line {line}");
        }
    }

    #[test]
    fn a_class_is_parsed_with_only_its_touched_members() {
        let text = "@dataclass\nclass Big(Base):\n    \"\"\"Doc.\"\"\"\n\n    def good(self):\n        return 1\n\n    @property\n    def bad(self)\n        return 2\n\n    x = 3\n";
        assert!(touched_parse(text, &[6]));
        assert!(touched_parse(text, &[12]));
        assert!(touched_parse(text, &[2]), "the header alone keeps a member");
        assert!(
            !touched_parse(text, &[8]),
            "a decorator goes with its method"
        );
        assert!(!touched_parse(text, &[10]));
        assert!(!touched_parse(
            "class C:\n    def f()\n        pass\n",
            &[1]
        ));
    }

    #[test]
    fn unclosed_text_is_never_judged_by_its_parts() {
        assert!(!touched_parse("import os\nx = (\n", &[1]));
        assert!(!touched_parse("import os\ns = '''\n", &[1]));
    }

    #[test]
    fn resolves_import_forms() {
        let model = build(
            "import a.b.c\nimport a.b as ab\nfrom m import X, Y as Z\nfrom .manager import W\nfrom .. import up\nfrom q import *\n",
            "pkg.ws.consumer",
        );
        assert_eq!(
            dotted(&model),
            vec![
                "a.b.c",
                "a.b",
                "m.X",
                "m.Y",
                "pkg.ws.manager.W",
                "pkg.up",
                "q"
            ]
        );
        assert_eq!(model.imports.len(), 6);
    }

    #[test]
    fn resolves_attribute_chains_and_calls() {
        let model = build(
            "import pkg.ws as wc\nimport os.path\nx = wc.manager.Mgr()\nos.path.join('a')\n",
            "app",
        );
        assert!(dotted(&model).contains(&"pkg.ws.manager.Mgr"));
        assert!(dotted(&model).contains(&"os.path.join"));
        let chain = model
            .references
            .iter()
            .find(|r| r.dotted == "pkg.ws.manager.Mgr")
            .unwrap();
        let sub_chains: Vec<_> = chain.sub_chains().collect();
        // `wc` ends at byte 41, `wc.manager` at 49, `wc.manager.Mgr` at 53.
        assert_eq!(
            sub_chains,
            [
                ("pkg.ws", 41),
                ("pkg.ws.manager", 49),
                ("pkg.ws.manager.Mgr", 53)
            ]
        );
        let callees: Vec<_> = model
            .calls
            .iter()
            .filter_map(|c| c.callee.as_deref())
            .collect();
        assert_eq!(callees, vec!["pkg.ws.manager.Mgr", "os.path.join"]);
    }

    #[test]
    fn local_definitions_shadow_imports() {
        let model = build(
            "from pkg import get_mgr\ndef get_mgr():\n    pass\nget_mgr()\n",
            "app.main",
        );
        assert_eq!(model.calls[0].callee.as_deref(), Some("app.main.get_mgr"));
        assert_eq!(model.definitions.len(), 1);
        assert_eq!(
            &"from pkg import get_mgr\ndef get_mgr():"[model.definitions[0].name_range.clone()],
            "get_mgr"
        );
    }

    #[test]
    fn scopes_hold_every_binding_of_their_body() {
        let text = "def f(a):\n    class C:\n        b = 1\n        def m(self):\n            g()\n    try:\n        pass\n    except E as e:\n        global d\n    match a:\n        case [x, *rest]:\n            h()\n    later = 1\n";
        let model = build(text, "app");
        let names = |scope: usize| {
            let mut names: Vec<&str> = model.scopes[scope]
                .bindings
                .keys()
                .map(String::as_str)
                .collect();
            names.sort_unstable();
            names
        };
        assert_eq!(
            names(0),
            ["C", "a", "d", "e", "later", "rest", "x"],
            "the function"
        );
        assert_eq!(names(1), ["b", "m"], "the class body");
        assert_eq!(names(2), ["self"], "the method");
        assert_eq!(model.scopes[2].parent, Some(1));
        assert!(model.scopes[1].is_class);
        let scopes: Vec<_> = model.calls.iter().map(|call| call.scope).collect();
        assert_eq!(scopes, [Some(2), Some(0)]);
        assert!(model.rebound_globals.is_empty());
        let model = build("def f():\n    global d\n    d = 1\n", "app");
        assert!(model.rebound_globals.contains("d"));
    }

    #[test]
    fn string_targets_are_references() {
        let model = build(
            "import importlib\nfrom unittest import mock\nimportlib.import_module('a.b')\n__import__(\"c.d\")\nmock.patch('e.f.G')\n",
            "t",
        );
        let strings: Vec<_> = model
            .references
            .iter()
            .filter(|r| matches!(r.kind, RefKind::StringTarget))
            .map(|r| r.dotted.as_str())
            .collect();
        assert_eq!(strings, vec!["a.b", "c.d", "e.f.G"]);
    }

    #[test]
    fn recovers_imports_from_unparsable_files() {
        let text = "import ok\nprint \"py2\"\nfrom a.b import C\nx = f\"{d[\"k\"]}\"\n";
        let model = build(text, "m");
        assert!(model.problem.is_some());
        assert_eq!(dotted(&model), vec!["ok", "a.b.C"]);
        let second = &model.references[1];
        assert_eq!(&text[second.range.clone()], "C");
    }

    #[test]
    fn visits_keywords_with_items_comprehensions_and_match_cases() {
        let text = "from m import f, g, h, k\nx = call(a=f())\nwith g() as y:\n    pass\nz = [h() for _ in range(3)]\nmatch x:\n    case 1:\n        k()\n";
        let model = build(text, "app");
        let callees: Vec<_> = model
            .calls
            .iter()
            .filter_map(|c| c.callee.as_deref())
            .collect();
        for name in ["m.f", "m.g", "m.h", "m.k"] {
            assert!(callees.contains(&name), "{name} missing from {callees:?}");
        }
    }

    #[test]
    fn recovers_an_import_whose_parenthesis_is_never_closed() {
        let text = "import os\nfrom a.b import (\n    C,\n    D,\n";
        let model = build(text, "m");
        assert!(model.problem.is_some());
        assert_eq!(dotted(&model), vec!["os", "a.b.C", "a.b.D"]);
    }

    #[test]
    fn recovers_imports_when_blanking_cannot_help() {
        let text = "from a import (B,\n   C)\n".to_string() + &"def f(:\n".repeat(40);
        let model = build(&text, "m");
        assert!(model.problem.is_some());
        assert_eq!(dotted(&model), vec!["a.B", "a.C"]);
    }
}
