//! Lexical resolution of attribute chains and string targets. For a file whose import
//! statements are known (see [`crate::python::imports_only`]), this finds the
//! references a full parse would record for chosen root names (`models.Q` after
//! `from django.db import models`) and for chosen string literals
//! (`mock.patch("pkg.legacy.Client")`), from the scanner's layout alone.
//!
//! It only answers when the answer is certain to be the parser's: every use of a root
//! name must be a load the text shows plainly (`name.attr`, `name(...)`, `name[...]`,
//! a whole call argument, an operand, the end of a statement) or a binding it shows
//! plainly (a parameter, `name = ...`, `name += ...`, `name: T` or `for name in ...`
//! starting a statement at module level or in a function, whose body the indentation
//! gives), resolved in source order as the parser's model resolves them; and every
//! statement boundary that decides which lines a finding belongs to must be plain.
//! Anything else (a binding in a class body, a comprehension or a tuple target, a use
//! inside an f-string's replacement field, a construct split over lines in an unusual
//! way) is [`Unresolved`], and the caller parses the file instead.

use crate::python::{self, PyModel, RefKind, Reference, MAX_CHAIN_DEPTH};
use crate::source::{is_ident_continue, is_ident_start, is_keyword, Layout, StringLiteral};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

/// The file cannot be resolved lexically: it must be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unresolved;

type Resolved<T> = Result<T, Unresolved>;

/// Words that, right before a name, make it a binding rather than a use.
const BINDING_KEYWORDS: &[&str] = &["def", "class", "import", "as", "global", "nonlocal"];

/// Compound statements whose header expressions belong to no simple statement.
const HEADER_KEYWORDS: &[&str] = &[
    "if", "elif", "while", "for", "with", "def", "class", "except", "async",
];

/// Statement starts whose boundaries the resolver does not try to follow over lines.
const UNCLEAR_STARTS: &[&str] = &["match", "case", "type", "else", "try", "finally"];

/// An import name binding a name: where it starts, its index into the model's
/// names, and the body of the function it binds the name in (None: module level).
struct ImportBinding {
    start: usize,
    /// None for a function parameter of that name (bound to nothing known).
    index: Option<usize>,
    scope: Option<Range<usize>>,
}

/// A name in a `def`'s parameter list.
enum ParameterUse {
    /// A parameter: it binds the name in this function body.
    Name(Range<usize>),
    /// Part of a default value or an annotation.
    Value,
}

/// How a file uses a name outside import statements: where it is loaded, and where
/// something other than an import binds it.
struct Uses {
    loads: Vec<usize>,
    rebindings: Vec<Rebinding>,
}

/// A name bound to something unknown (an assignment, a `for` target, a parameter):
/// from `start` on, in the function body `scope` (None: at module level).
struct Rebinding {
    start: usize,
    scope: Option<Range<usize>>,
}

/// What a name in code is, as the parser's model sees it.
enum NameUse {
    Load,
    /// The target of an assignment or a `for` statement.
    Rebinding,
    /// A parameter of the function with this body.
    Parameter(Range<usize>),
    /// The name of a keyword argument in a call.
    KeywordName,
    /// The target of a comprehension's (first) `for`: bound in the comprehension's
    /// own scope, where it shadows the name in these parts of the text.
    ComprehensionTarget([Range<usize>; 2]),
}

/// The operator right after a name.
enum Operator {
    None,
    Assign,
    Augmented,
    Walrus,
    Colon,
    /// An arithmetic, bitwise or comparison operator.
    Other,
}

/// Keywords after which a name is an expression that is read.
const OPERAND_KEYWORDS: &[&str] = &[
    "in", "not", "and", "or", "if", "elif", "else", "return", "yield", "await", "is", "assert",
    "while", "raise", "from", "with", "except",
];

/// Words that, right after a name, show it is read (`name or x`, `name in xs`).
const LOAD_FOLLOWERS: &[&str] = &["if", "else", "or", "and", "is", "not", "in", "for", "as"];

/// Resolves references in one file.
pub struct Resolver<'a> {
    text: &'a str,
    bytes: &'a [u8],
    layout: &'a Layout,
    model: &'a PyModel,
    /// How each name looked up so far is used (Unresolved: not only as plain loads).
    uses: RefCell<HashMap<String, Resolved<Rc<Uses>>>>,
}

impl<'a> Resolver<'a> {
    /// `model` holds the file's import statements, in source order.
    pub fn new(text: &'a str, layout: &'a Layout, model: &'a PyModel) -> Self {
        Resolver {
            text,
            bytes: text.as_bytes(),
            layout,
            model,
            uses: RefCell::new(HashMap::new()),
        }
    }

    /// Every attribute chain rooted at the name `root` (as the parser records them:
    /// the whole chain, with the dotted name of each sub-chain).
    pub fn chains(&self, root: &str) -> Resolved<Vec<Reference>> {
        let mut references = Vec::new();
        let uses = self.plain_loads(root)?;
        let bindings = self.bindings(root, &uses)?;
        for &at in &uses.loads {
            if let Some(reference) = self.chain_at(root, at, &bindings)? {
                references.push(reference);
            }
        }
        Ok(references)
    }

    /// True when an `import` keyword in code lies outside the import statements the
    /// model holds (`if x: import re`, `a = 1; import re`): names bound there are
    /// unknown to the resolver.
    /// The model's import statements must have been found lexically
    /// ([`crate::python::imports_only`]), which records where the text says `import`.
    pub fn has_unmodelled_imports(&self) -> bool {
        let word = "import".len();
        self.model
            .import_offsets
            .iter()
            .filter(|&&at| self.is_whole_word(at, word))
            .any(|&at| {
                !self.in_import(at) && self.comment_at(at).is_none() && self.string_at(at).is_none()
            })
    }

    /// Where `word` stands in the text as a whole word (code, strings and comments alike).
    fn occurrences<'w>(&'w self, word: &'w str) -> impl Iterator<Item = usize> + 'w {
        memchr::memmem::find_iter(self.bytes, word.as_bytes())
            .filter(move |&at| self.is_whole_word(at, word.len()))
    }

    fn is_whole_word(&self, at: usize, len: usize) -> bool {
        (at == 0 || !is_ident_continue(self.bytes[at - 1]))
            && !self
                .bytes
                .get(at + len)
                .copied()
                .is_some_and(is_ident_continue)
    }

    /// The reference `literal` makes when it is the first argument of a call that
    /// takes a module path (`importlib.import_module`, `mock.patch`...).
    pub fn string_target(&self, literal: &StringLiteral) -> Resolved<Option<Reference>> {
        let start = literal.range.start;
        let quote = self.bytes[start..]
            .iter()
            .position(|byte| matches!(byte, b'\'' | b'"'))
            .unwrap_or(0);
        let prefix = self.text[start..start + quote].to_ascii_lowercase();
        if prefix.contains(['f', 't', 'b']) || literal.parts.len() != 1 {
            return Ok(None);
        }
        let neighbours = [self.prev_code(start), self.next_code(literal.range.end)];
        if neighbours
            .into_iter()
            .flatten()
            .any(|at| self.string_at(at).is_some())
        {
            // Implicitly concatenated with another literal.
            return Err(Unresolved);
        }
        let content = &self.text[literal.parts[0].clone()];
        if content.contains('\\') {
            return Err(Unresolved);
        }
        if !crate::config::is_dotted_name(content) {
            return Ok(None);
        }
        let Some(paren) = self.opening_call_paren(literal)? else {
            return Ok(None);
        };
        let Some(callee) = self.callee_before(paren)? else {
            return Ok(None);
        };
        if !python::takes_module_string(&callee) {
            return Ok(None);
        }
        let stmt = self.statement(start, literal.range.end, false)?;
        Ok(Some(Reference {
            dotted: python::Name::from(content),
            kind: RefKind::StringTarget,
            range: literal.range.clone(),
            stmt,
        }))
    }

    /// The `(` that opens the call `literal` is the first positional argument of;
    /// None when the literal is not a whole first argument of a call.
    fn opening_call_paren(&self, literal: &StringLiteral) -> Resolved<Option<usize>> {
        let Some(before) = self.prev_code(literal.range.start) else {
            return Ok(None);
        };
        match self.bytes[before] {
            b'(' => {}
            b'=' => {
                // `target="..."`/`name="..."` counts only when there is no positional
                // argument; that is not worth finding out without a parser.
                let keyword = self
                    .prev_code(before)
                    .and_then(|end| self.word_ending_at(end));
                return match keyword {
                    Some("target" | "name") => Err(Unresolved),
                    _ => Ok(None),
                };
            }
            _ => return Ok(None),
        }
        match self.next_code(literal.range.end).map(|at| self.bytes[at]) {
            Some(b',' | b')') => {}
            _ => return Ok(None),
        }
        let Some(callee_end) = self.prev_code(before) else {
            return Ok(None);
        };
        match self.bytes[callee_end] {
            byte if is_ident_continue(byte) => Ok(Some(before)),
            // `f(("pkg.mod"))`: the literal may still be the call's first argument.
            b'(' => Err(Unresolved),
            _ => Ok(None),
        }
    }

    /// The dotted name the callee ending before `paren` resolves to, as the parser
    /// resolves it; None when it is not a chain of names over a name.
    fn callee_before(&self, paren: usize) -> Resolved<Option<String>> {
        let mut parts: Vec<&str> = Vec::new();
        let mut end = match self.prev_code(paren) {
            Some(at) => at + 1,
            None => return Ok(None),
        };
        let root_start = loop {
            let start = self.word_start(end);
            let word = &self.text[start..end];
            if word.is_empty() || word.as_bytes()[0].is_ascii_digit() {
                return Ok(None);
            }
            parts.push(word);
            if parts.len() > MAX_CHAIN_DEPTH {
                return Ok(None);
            }
            match self.prev_code(start) {
                Some(dot) if self.bytes[dot] == b'.' => match self.prev_code(dot) {
                    Some(at) if is_ident_continue(self.bytes[at]) => end = at + 1,
                    _ => return Ok(None),
                },
                _ => break start,
            }
        };
        parts.reverse();
        let root = parts[0];
        if is_keyword(root) {
            return Ok(None);
        }
        let uses = self.plain_loads(root)?;
        let bindings = self.bindings(root, &uses)?;
        let base = match self.binding_at(&bindings, root_start) {
            None => format!("builtins.{root}"),
            Some((_, Some(target))) => target.to_string(),
            Some((_, None)) => return Ok(None),
        };
        let mut callee = base;
        for part in &parts[1..] {
            callee.push('.');
            callee.push_str(part);
        }
        Ok(Some(callee))
    }

    /// The reference of the attribute chain whose root name `root` is at `at`.
    fn chain_at(
        &self,
        root: &str,
        at: usize,
        bindings: &[ImportBinding],
    ) -> Resolved<Option<Reference>> {
        let mut end = at + root.len();
        let mut attributes: Vec<Range<usize>> = Vec::new();
        loop {
            let dot = self.skip_blanks(end);
            if self.bytes.get(dot) != Some(&b'.') {
                break;
            }
            let start = self.skip_blanks(dot + 1);
            if !self.bytes.get(start).copied().is_some_and(is_ident_start) {
                return Err(Unresolved);
            }
            end = self.word_end(start);
            attributes.push(start..end);
        }
        if let Some(next) = self.next_code(end) {
            if self.bytes[next] == b'.' && next != self.skip_blanks(end) {
                // The chain goes on after a line break.
                return Err(Unresolved);
            }
        }
        if attributes.is_empty() || attributes.len() > MAX_CHAIN_DEPTH {
            return Ok(None);
        }
        let Some((via, Some(dotted))) = self.binding_at(bindings, at) else {
            return Ok(None);
        };
        let mut current = python::Name::with_capacity(
            dotted.len() + attributes.iter().map(|part| part.len() + 1).sum::<usize>(),
        );
        current.push_str(dotted);
        let mut prefixes: python::Prefixes = smallvec::smallvec![(current.len(), at + root.len())];
        for attribute in &attributes {
            current.push('.');
            current.push_str(&self.text[attribute.clone()]);
            prefixes.push((current.len(), attribute.end));
        }
        let stmt = self.statement(at, end, true)?;
        Ok(Some(Reference {
            dotted: current,
            kind: RefKind::Attribute { via, prefixes },
            range: at..end,
            stmt,
        }))
    }

    /// How `name` is used in code (found once per name and file): where it is loaded
    /// and rebound, or Unresolved when some use is neither plainly.
    fn plain_loads(&self, name: &str) -> Resolved<Rc<Uses>> {
        if let Some(known) = self.uses.borrow().get(name) {
            return known.clone();
        }
        let found = self.find_plain_loads(name).map(Rc::new);
        self.uses
            .borrow_mut()
            .insert(name.to_string(), found.clone());
        found
    }

    fn find_plain_loads(&self, name: &str) -> Resolved<Uses> {
        self.import_bindings(name)?;
        let mut loads = Vec::new();
        let mut rebindings = Vec::new();
        let mut shadowed: Vec<Range<usize>> = Vec::new();
        for at in self.occurrences(name) {
            let end = at + name.len();
            if self.comment_at(at).is_some() || self.in_import(at) {
                continue;
            }
            if let Some(literal) = self.string_at(at) {
                let in_field = self.is_formatted(literal)
                    && !literal.parts.iter().any(|part| part.contains(&at));
                if in_field {
                    // In an f-string's replacement field: code the scanner skipped.
                    return Err(Unresolved);
                }
                continue;
            }
            let before = self.prev_code(at);
            if let Some(before) = before {
                if self.bytes[before] == b'.' {
                    continue;
                }
                if self
                    .word_ending_at(before)
                    .is_some_and(|word| BINDING_KEYWORDS.contains(&word))
                {
                    return Err(Unresolved);
                }
            }
            match self.use_of_name(at, end, before)? {
                NameUse::Load => loads.push(at),
                NameUse::Rebinding => rebindings.push(Rebinding {
                    start: at,
                    scope: self.function_body_around(at)?,
                }),
                NameUse::KeywordName => {}
                NameUse::Parameter(body) => rebindings.push(Rebinding {
                    start: body.start,
                    scope: Some(body),
                }),
                NameUse::ComprehensionTarget(parts) => shadowed.extend(parts),
            }
        }
        loads.retain(|at| !shadowed.iter().any(|part| part.contains(at)));
        Ok(Uses { loads, rebindings })
    }

    /// How the name at `at..end` (not after a `.`; `before` is the code byte before
    /// it) is used, as the parser's model sees it; Unresolved when the text alone
    /// does not tell.
    fn use_of_name(&self, at: usize, end: usize, before: Option<usize>) -> Resolved<NameUse> {
        let next = self.skip_blanks(end);
        let next_byte = self.bytes.get(next).copied();
        if before.is_none() {
            // The name starts its statement: `name = ...`, `name += ...`, `name: T`.
            if matches!(
                self.operator_at(next),
                Operator::Assign | Operator::Augmented | Operator::Colon
            ) {
                return Ok(NameUse::Rebinding);
            }
        }
        if self.is_for_target(at, end, before) {
            return Ok(NameUse::Rebinding);
        }
        if let Some(shadowed) = self.comprehension_shadow(at, end, before)? {
            return Ok(NameUse::ComprehensionTarget(shadowed));
        }
        match next_byte {
            Some(b'.' | b'(' | b'[') => return Ok(NameUse::Load),
            Some(b',' | b')') if self.is_call_argument(at) => return Ok(NameUse::Load),
            Some(b',' | b')' | b'=' | b':') => match self.in_parameter_list(at)? {
                Some(ParameterUse::Name(body)) => return Ok(NameUse::Parameter(body)),
                Some(ParameterUse::Value) => return Ok(NameUse::Load),
                None => {}
            },
            _ => {}
        }
        let operator = self.operator_at(next);
        if let Some(before) = before {
            let after_open_or_comma = matches!(self.bytes[before], b'(' | b',');
            if matches!(operator, Operator::Assign)
                && after_open_or_comma
                && self.is_call_argument(at)
            {
                // `f(name=...)`: a keyword argument's name, neither read nor bound.
                return Ok(NameUse::KeywordName);
            }
            let binds = matches!(
                operator,
                Operator::Assign | Operator::Augmented | Operator::Walrus
            );
            // After `=`, `name, ...` could be the target of a chained assignment.
            let chained = self.bytes[before] == b'=' && next_byte == Some(b',');
            if !binds && !chained && self.introduces_operand(before) {
                return Ok(NameUse::Load);
            }
            if self.may_bind_after(before) {
                return Err(Unresolved);
            }
        }
        let is_load = match operator {
            Operator::Other | Operator::Colon => true,
            Operator::Assign | Operator::Augmented | Operator::Walrus => false,
            Operator::None => match next_byte {
                None => true,
                Some(b'}') => true,
                Some(b']') => before.is_some_and(|before| self.opens_subscript(before)),
                Some(byte) if is_ident_start(byte) => {
                    let word = &self.text[next..self.word_end(next)];
                    LOAD_FOLLOWERS.contains(&word)
                }
                Some(_) => self.next_code(end).is_none(),
            },
        };
        if is_load {
            Ok(NameUse::Load)
        } else {
            Err(Unresolved)
        }
    }

    /// The operator that starts at `at`, as far as telling loads from bindings needs.
    fn operator_at(&self, at: usize) -> Operator {
        let run: &[u8] = {
            let rest = &self.bytes[at.min(self.bytes.len())..];
            let length = rest
                .iter()
                .take_while(|byte| b"+-*/%&|^<>!=~@:".contains(byte))
                .count();
            &rest[..length]
        };
        match run {
            [] => Operator::None,
            b"=" => Operator::Assign,
            b":=" => Operator::Walrus,
            [b':', ..] => Operator::Colon,
            b"==" | b"!=" | b"<=" | b">=" => Operator::Other,
            [.., b'='] => Operator::Augmented,
            _ => Operator::Other,
        }
    }

    /// The `for` keyword ending at `before`, when the name ending at `end` is the whole
    /// target of that `for` (`for name in`).
    fn for_keyword(&self, end: usize, before: Option<usize>) -> Option<usize> {
        let before = before?;
        let next = self.skip_blanks(end);
        let is_target = self.word_ending_at(before) == Some("for")
            && &self.text[next..self.word_end(next)] == "in";
        is_target.then(|| self.word_start(before + 1))
    }

    /// True when the name at `at..end` is the whole target of a `for` statement
    /// (`for name in ...:` starting its logical line).
    fn is_for_target(&self, at: usize, end: usize, before: Option<usize>) -> bool {
        let Some(keyword) = self.for_keyword(end, before) else {
            return false;
        };
        let line = self.logical_line(at);
        let first = line.start + crate::source::indent_len(&self.text[line.clone()]);
        keyword == first
            || self.prev_code(keyword).is_some_and(|async_end| {
                self.word_ending_at(async_end) == Some("async")
                    && self.word_start(async_end + 1) == first
            })
    }

    /// For the name at `at..end` that is the whole target of a comprehension's `for`
    /// (`before` is the code byte before it): the parts of the comprehension where
    /// it shadows the name, which are all of it but its first iterable (run in the
    /// scope around it). None when the name is no such target; Unresolved for the
    /// target of a later `for` or of a comprehension in a lambda.
    fn comprehension_shadow(
        &self,
        at: usize,
        end: usize,
        before: Option<usize>,
    ) -> Resolved<Option<[Range<usize>; 2]>> {
        let Some(keyword) = self.for_keyword(end, before) else {
            return Ok(None);
        };
        let line = self.logical_line(at);
        let in_lambda = memchr::memmem::find_iter(&self.bytes[line.start..at], b"lambda")
            .any(|offset| self.word_ending_at(line.start + offset + 5) == Some("lambda"));
        let (open, close) = self.enclosing_brackets(at).ok_or(Unresolved)?;
        if in_lambda || self.keyword_at_depth(open + 1, close, &["for"]) != Some(keyword) {
            return Err(Unresolved);
        }
        let iterable = self.word_end(self.skip_blanks(end));
        let iterable_end = self
            .keyword_at_depth(iterable, close, &["for", "if"])
            .unwrap_or(close);
        Ok(Some([open + 1..iterable, iterable_end..close]))
    }

    /// The innermost brackets around `at` in its logical line: where they open and
    /// close.
    fn enclosing_brackets(&self, at: usize) -> Option<(usize, usize)> {
        let line = self.logical_line(at);
        let mut opens = Vec::new();
        self.visit_code(line.start, at, |position, byte| {
            match byte {
                b'(' | b'[' | b'{' => opens.push(position),
                b')' | b']' | b'}' => {
                    opens.pop();
                }
                _ => {}
            }
            true
        });
        let open = *opens.last()?;
        let mut nested = 0usize;
        let mut close = None;
        self.visit_code(at, line.end, |position, byte| {
            match byte {
                b'(' | b'[' | b'{' => nested += 1,
                b')' | b']' | b'}' if nested == 0 => {
                    close = Some(position);
                    return false;
                }
                b')' | b']' | b'}' => nested -= 1,
                _ => {}
            }
            true
        });
        Some((open, close?))
    }

    /// Where the first of `words` starts as a whole word in the code of `from..to`
    /// outside any brackets opened there.
    fn keyword_at_depth(&self, from: usize, to: usize, words: &[&str]) -> Option<usize> {
        self.first_at_depth(from, to, |position, byte| {
            is_ident_start(byte)
                && (position == 0 || !is_ident_continue(self.bytes[position - 1]))
                && words.contains(&&self.text[position..self.word_end(position)])
        })
    }

    /// True when a name right after the code byte `before` can only be an operand
    /// that is read: after an operator, `=`, `:` or `{`, or after a keyword that
    /// takes an expression (`in`, `return`, `if`...).
    fn introduces_operand(&self, before: usize) -> bool {
        match self.bytes[before] {
            b'=' | b'+' | b'-' | b'/' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>' | b'!' | b'~'
            | b'@' | b':' | b'{' => true,
            _ => self
                .word_ending_at(before)
                .is_some_and(|word| OPERAND_KEYWORDS.contains(&word)),
        }
    }

    /// True when a name after the code byte `before` could be a target that binds it
    /// (`a, name in`, `*name`, `lambda name:`, `for name`, `del name`).
    fn may_bind_after(&self, before: usize) -> bool {
        matches!(self.bytes[before], b',' | b'*')
            || self
                .word_ending_at(before)
                .is_some_and(|word| matches!(word, "lambda" | "for" | "del"))
    }

    /// True when the `[` at `open` subscripts the expression before it (`x[name]`).
    fn opens_subscript(&self, open: usize) -> bool {
        self.bytes[open] == b'['
            && self.prev_code(open).is_some_and(|value_end| {
                matches!(self.bytes[value_end], b')' | b']')
                    || self
                        .word_ending_at(value_end)
                        .is_some_and(|word| !is_keyword(word))
            })
    }

    /// For a name in the parameter list of a `def` (at bracket depth 1): whether it is
    /// a parameter (with the function's body) or a default or annotation (a load in
    /// the enclosing scope). None when it is not in a `def`'s parameter list.
    fn in_parameter_list(&self, at: usize) -> Resolved<Option<ParameterUse>> {
        let lines = &self.layout.logical_lines;
        let Some(header) = lines
            .partition_point(|line| line.start <= at)
            .checked_sub(1)
        else {
            return Ok(None);
        };
        let line = lines[header].clone();
        let width = self.indent_width(&line)?;
        let from = line.start + width;
        let mut word_end = self.word_end(from);
        if &self.text[from..word_end] == "async" {
            let next = self.skip_blanks(word_end);
            word_end = self.word_end(next);
            if &self.text[next..word_end] != "def" {
                return Ok(None);
            }
        } else if &self.text[from..word_end] != "def" {
            return Ok(None);
        }
        let name_start = self.skip_blanks(word_end);
        let paren = self.skip_blanks(self.word_end(name_start));
        if self.bytes.get(paren) != Some(&b'(') {
            return Ok(None);
        }
        let mut open: Vec<usize> = Vec::new();
        self.visit_code(paren, at, |position, byte| {
            match byte {
                b'(' | b'[' | b'{' => open.push(position),
                b')' | b']' | b'}' => {
                    open.pop();
                }
                _ => {}
            }
            true
        });
        if open != [paren] {
            return Ok(None);
        }
        let to = line.start + self.text[line.clone()].trim_end().len();
        let colon = self.header_colon(from, to)?;
        if self.next_code(colon + 1).is_some() {
            // A one-line body: it shares the header's logical line.
            return Err(Unresolved);
        }
        match self.prev_code(at).map(|before| self.bytes[before]) {
            Some(b'(' | b',' | b'*') => {
                Ok(Some(ParameterUse::Name(self.block_body(header, width))))
            }
            Some(b'=' | b':') => Ok(Some(ParameterUse::Value)),
            _ => Ok(None),
        }
    }

    /// The import names that bind `name`, in source order; Unresolved when one of them
    /// is in a class body or where indentation does not tell its scope.
    fn import_bindings(&self, name: &str) -> Resolved<Vec<ImportBinding>> {
        let mut bindings = Vec::new();
        for (index, imported) in self.model.names.iter().enumerate() {
            if imported.bound_name() != Some(name) {
                continue;
            }
            let start = imported.range.start;
            let scope = if self.model.imports[imported.stmt].nested {
                self.function_body_around(start)?
            } else {
                None
            };
            bindings.push(ImportBinding {
                start,
                index: Some(index),
                scope,
            });
        }
        Ok(bindings)
    }

    /// The import bindings of `name` and its other bindings (parameters, assignments,
    /// `for` targets), which bind it to nothing known.
    fn bindings(&self, name: &str, uses: &Uses) -> Resolved<Vec<ImportBinding>> {
        let mut bindings = self.import_bindings(name)?;
        bindings.extend(uses.rebindings.iter().map(|rebinding| ImportBinding {
            start: rebinding.start,
            index: None,
            scope: rebinding.scope.clone(),
        }));
        Ok(bindings)
    }

    /// What `bindings` bind their name to at `at`, as the parser's scopes resolve it:
    /// the last import before `at` in the innermost function around `at` that has
    /// one, else the last module-level import before `at`. None when no import binds
    /// it there yet; `Some((index, None))` when the import binds it to nothing known.
    fn binding_at(
        &self,
        bindings: &[ImportBinding],
        at: usize,
    ) -> Option<(usize, Option<&'a str>)> {
        let model: &'a PyModel = self.model;
        let in_function = bindings
            .iter()
            .filter(|binding| binding.start < at)
            .filter(|binding| {
                binding
                    .scope
                    .as_ref()
                    .is_some_and(|body| body.contains(&at))
            })
            .max_by_key(|binding| {
                let body = binding.scope.as_ref().map_or(0, |body| body.len());
                (std::cmp::Reverse(body), binding.start)
            });
        let found = in_function.or_else(|| {
            bindings
                .iter()
                .filter(|binding| binding.scope.is_none() && binding.start < at)
                .max_by_key(|binding| binding.start)
        });
        found.map(|binding| match binding.index {
            Some(index) => (index, model.names[index].binding_target()),
            None => (usize::MAX, None),
        })
    }

    /// The body of the innermost function whose body holds `at`; None at module level
    /// (including inside `if`/`try`/... blocks there). Unresolved inside a class body
    /// or when indentation mixes tabs in.
    fn function_body_around(&self, at: usize) -> Resolved<Option<Range<usize>>> {
        let lines = &self.layout.logical_lines;
        let Some(mut index) = lines
            .partition_point(|line| line.start <= at)
            .checked_sub(1)
        else {
            return Ok(None);
        };
        let mut indent = self.indent_width(&lines[index])?;
        while indent > 0 && index > 0 {
            index -= 1;
            let line = &lines[index];
            if self.is_blank(line) {
                continue;
            }
            let width = self.indent_width(line)?;
            if width >= indent {
                continue;
            }
            indent = width;
            let start = line.start + width;
            let first = &self.text[start..self.word_end(start)];
            let second_start = self.skip_blanks(self.word_end(start));
            let second = &self.text[second_start..self.word_end(second_start)];
            match (first, second) {
                ("def", _) | ("async", "def") => return Ok(Some(self.block_body(index, width))),
                ("class", _) => return Err(Unresolved),
                _ => {}
            }
        }
        Ok(None)
    }

    /// The text of the block whose header is logical line `header`, indented `width`.
    fn block_body(&self, header: usize, width: usize) -> Range<usize> {
        let lines = &self.layout.logical_lines;
        let start = lines[header].end;
        let end = lines[header + 1..]
            .iter()
            .filter(|line| !self.is_blank(line))
            .find(|line| {
                self.indent_width(line)
                    .map_or(true, |indent| indent <= width)
            })
            .map_or(self.text.len(), |line| line.start);
        start..end
    }

    /// The indentation of a logical line, in spaces; Unresolved when it holds a tab.
    fn indent_width(&self, line: &Range<usize>) -> Resolved<usize> {
        let indent = self.bytes[line.clone()]
            .iter()
            .take_while(|byte| matches!(byte, b' ' | b'\t' | b'\x0c'))
            .count();
        if self.bytes[line.start..line.start + indent].contains(&b'\t') {
            return Err(Unresolved);
        }
        Ok(indent)
    }

    /// A logical line with no code: blank, or only a comment.
    fn is_blank(&self, line: &Range<usize>) -> bool {
        let body = &self.text[line.clone()];
        let rest = &body[crate::source::indent_len(body)..];
        rest.is_empty() || rest.starts_with('#')
    }

    /// The range whose lines decide whether a finding at `start..end` is checked and
    /// suppressed: its simple statement, or the expression itself in a compound
    /// statement's header.
    fn statement(&self, start: usize, end: usize, in_header_ok: bool) -> Resolved<Range<usize>> {
        let line = self.logical_line(start);
        let body = &self.text[line.clone()];
        let from = line.start + crate::source::indent_len(body);
        let to = line.start + body.trim_end().len();
        let first_word = &self.text[from..self.word_end(from)];
        if first_word == "case" {
            // A `case` line holds a pattern, which is not an expression.
            return Err(Unresolved);
        }
        if !self.text[from..to].contains('\n') {
            return Ok(from..to);
        }
        if self.bytes[from] == b'@' || HEADER_KEYWORDS.contains(&first_word) {
            if in_header_ok && start < self.header_colon(from, to)? {
                return Ok(start..end);
            }
            return Err(Unresolved);
        }
        if UNCLEAR_STARTS.contains(&first_word) || self.find_code(from, to, b';').is_some() {
            return Err(Unresolved);
        }
        Ok(from..to)
    }

    /// The `:` that ends a compound statement's header starting at `from`.
    fn header_colon(&self, from: usize, to: usize) -> Resolved<usize> {
        if self.bytes[from] == b'@' {
            return Ok(to);
        }
        let mut at = from;
        while let Some(colon) = self.find_code(at, to, b':') {
            if self.bytes.get(colon + 1) != Some(&b'=') {
                return Ok(colon);
            }
            at = colon + 1;
        }
        Err(Unresolved)
    }

    /// True when the name at `at` is a whole argument of a call (`map(name, xs)`): its
    /// innermost bracket is a `(` right after a callee, in a statement that defines
    /// nothing and has no `lambda` or comprehension before it (where a name followed
    /// by `,` or `)` could be a parameter or a target).
    fn is_call_argument(&self, at: usize) -> bool {
        let line = self.logical_line(at);
        let body = &self.text[line.clone()];
        let from = line.start + crate::source::indent_len(body);
        let mut open: Vec<(usize, u8)> = Vec::new();
        let mut simple = true;
        self.visit_code(from, at, |position, byte| {
            match byte {
                b'(' | b'[' | b'{' => open.push((position, byte)),
                b')' | b']' | b'}' => {
                    open.pop();
                }
                _ if is_ident_start(byte)
                    && (position == 0 || !is_ident_continue(self.bytes[position - 1])) =>
                {
                    let word = &self.text[position..self.word_end(position)];
                    if matches!(word, "lambda" | "for" | "def" | "class" | "case" | "match") {
                        simple = false;
                    }
                }
                _ => {}
            }
            simple
        });
        let Some(&(paren, b'(')) = open.last() else {
            return false;
        };
        if !simple {
            return false;
        }
        let Some(callee_end) = self.prev_code(paren) else {
            return false;
        };
        match self.bytes[callee_end] {
            b')' | b']' => true,
            _ => self
                .word_ending_at(callee_end)
                .is_some_and(|word| !is_keyword(word) && word != "type"),
        }
    }

    /// Calls `visit` with each byte of code (not in a string or comment) in
    /// `from..to`, until it returns false.
    fn visit_code(&self, from: usize, to: usize, visit: impl FnMut(usize, u8) -> bool) {
        self.layout.visit_code(self.bytes, from, to, visit);
    }

    /// The first `wanted` byte in code at bracket depth 0 within `from..to`.
    fn find_code(&self, from: usize, to: usize, wanted: u8) -> Option<usize> {
        memchr::memchr(wanted, &self.bytes[from..to])?;
        self.first_at_depth(from, to, |_, byte| byte == wanted)
    }

    /// The first code byte of `from..to` outside any brackets opened there (not a
    /// bracket itself) that `is_wanted` accepts (given its offset and value).
    fn first_at_depth(
        &self,
        from: usize,
        to: usize,
        is_wanted: impl Fn(usize, u8) -> bool,
    ) -> Option<usize> {
        let mut depth = 0usize;
        let mut found = None;
        self.visit_code(from, to, |at, byte| {
            match byte {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ if depth == 0 && is_wanted(at, byte) => {
                    found = Some(at);
                    return false;
                }
                _ => {}
            }
            true
        });
        found
    }

    /// The previous byte of code before `at` in the same logical line, skipping
    /// whitespace, line continuations and comments.
    fn prev_code(&self, at: usize) -> Option<usize> {
        let line_start = self.logical_line(at).start;
        let mut at = at;
        while at > line_start {
            at -= 1;
            if is_gap(self.bytes[at]) {
                continue;
            }
            if let Some(comment) = self.comment_at(at) {
                at = comment.start;
                continue;
            }
            return Some(at);
        }
        None
    }

    /// The next byte of code at or after `at` in the same logical line.
    fn next_code(&self, at: usize) -> Option<usize> {
        let line_end = self.logical_line(at).end;
        let mut at = at;
        while at < line_end {
            if is_gap(self.bytes[at]) {
                at += 1;
                continue;
            }
            if let Some(comment) = self.comment_at(at) {
                at = comment.end;
                continue;
            }
            return Some(at);
        }
        None
    }

    /// The identifier ending at `last` (inclusive), if the byte there ends one.
    fn word_ending_at(&self, last: usize) -> Option<&str> {
        if !is_ident_continue(self.bytes[last]) {
            return None;
        }
        Some(&self.text[self.word_start(last + 1)..last + 1])
    }

    fn word_start(&self, end: usize) -> usize {
        let mut start = end;
        while start > 0 && is_ident_continue(self.bytes[start - 1]) {
            start -= 1;
        }
        start
    }

    fn word_end(&self, start: usize) -> usize {
        let mut end = start;
        while end < self.bytes.len() && is_ident_continue(self.bytes[end]) {
            end += 1;
        }
        end
    }

    /// Skips spaces and tabs (not line breaks).
    fn skip_blanks(&self, mut at: usize) -> usize {
        while matches!(self.bytes.get(at), Some(b' ' | b'\t' | b'\x0c')) {
            at += 1;
        }
        at
    }

    fn logical_line(&self, at: usize) -> Range<usize> {
        let lines = &self.layout.logical_lines;
        let index = lines.partition_point(|line| line.start <= at);
        match index.checked_sub(1).map(|index| &lines[index]) {
            Some(line) if at < line.end => line.clone(),
            _ => at..at,
        }
    }

    fn string_at(&self, at: usize) -> Option<&'a StringLiteral> {
        self.layout.string_at(at)
    }

    fn comment_at(&self, at: usize) -> Option<&'a Range<usize>> {
        self.layout.comment_at(at)
    }

    fn in_import(&self, at: usize) -> bool {
        let imports = &self.model.imports;
        let index = imports.partition_point(|stmt| stmt.range.start <= at);
        index
            .checked_sub(1)
            .is_some_and(|index| at < imports[index].range.end)
    }

    fn is_formatted(&self, literal: &StringLiteral) -> bool {
        self.bytes[literal.range.start..]
            .iter()
            .take_while(|byte| !matches!(byte, b'\'' | b'"'))
            .any(|byte| matches!(byte, b'f' | b'F' | b't' | b'T'))
    }
}

/// Bytes between two tokens of one logical line: blanks, line breaks, continuations.
fn is_gap(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::ModulePath;
    use crate::source::{scan, SourceText};

    /// A reference as the rules see it: dotted name, range and the lines of its statement.
    type Seen = (String, (usize, usize), (usize, usize), Vec<(String, usize)>);

    fn seen(source: &SourceText, reference: &Reference) -> Seen {
        (
            reference.dotted.to_string(),
            (reference.range.start, reference.range.end),
            source.lines_of(&reference.stmt),
            reference
                .sub_chains()
                .map(|(dotted, end)| (dotted.to_string(), end))
                .collect(),
        )
    }

    /// The parser's references (attribute chains over `roots`, string targets) and
    /// the resolver's, each sorted.
    fn both(text: &str, roots: &[&str]) -> (Vec<Seen>, Resolved<Vec<Seen>>) {
        let source = SourceText::decode(text.as_bytes());
        let layout = scan(&source.text);
        let module = ModulePath {
            name: Some("pkg.module".into()),
            is_package: false,
        };
        let full = python::model(&source, &layout, &module);
        assert!(
            full.problem.is_none(),
            "fixture must parse: {:?}",
            full.problem
        );
        let mut parsed: Vec<Seen> = full
            .references
            .iter()
            .filter(|reference| match &reference.kind {
                RefKind::Attribute { .. } => roots.iter().any(|root| {
                    let rest = &text[reference.range.start..];
                    rest.starts_with(root)
                        && !rest[root.len()..]
                            .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                }),
                RefKind::StringTarget => true,
                RefKind::Import(_) => false,
            })
            .map(|reference| seen(&source, reference))
            .collect();
        parsed.sort();
        let light = python::imports_only(&source, &layout, &module);
        let resolver = Resolver::new(&source.text, &layout, &light);
        let lexical = (|| {
            if resolver.has_unmodelled_imports() {
                return Err(Unresolved);
            }
            let mut found = Vec::new();
            for root in roots {
                found.extend(resolver.chains(root)?);
            }
            for literal in &layout.strings {
                found.extend(resolver.string_target(literal)?);
            }
            let mut found: Vec<Seen> = found.iter().map(|r| seen(&source, r)).collect();
            found.sort();
            Ok(found)
        })();
        (parsed, lexical)
    }

    fn agrees(text: &str, roots: &[&str]) -> Vec<Seen> {
        let (parsed, lexical) = both(text, roots);
        let lexical = lexical.unwrap_or_else(|_| panic!("not resolved lexically:\n{text}"));
        assert_eq!(lexical, parsed, "in:\n{text}");
        lexical
    }

    fn unresolved(text: &str, roots: &[&str]) {
        let (_, lexical) = both(text, roots);
        assert_eq!(lexical.map(|_| ()), Err(Unresolved), "resolved:\n{text}");
    }

    #[test]
    fn chains_agree_with_the_parser() {
        let found = agrees(
            "def early():\n\
             \x20   return models.Q  # before the import: not bound yet\n\
             \n\
             from django.db import models\n\
             \n\
             class A(models.Model, metaclass=models.Meta):\n\
             \x20   '''models.Q in a docstring'''\n\
             \x20   q = models.Q(x=1) | models .Q(y=2)  # models.Q in a comment\n\
             \x20   r: models.Q = models.F('a')\n\
             \n\
             \x20   @models.permalink\n\
             \x20   def f(self, x: models.Arg = models.D, *a: models.A, **k: models.K) -> models.R:\n\
             \x20       total = [\n\
             \x20           models.Q(a)[0].b,\n\
             \x20           models.Sum('x'),\n\
             \x20       ]\n\
             \x20       a = 1; b = models.Semi\n\
             \x20       if x: y = models.Single\n\
             \x20       for item in models.Q.objects.all():\n\
             \x20           pass\n\
             \x20       try:\n\
             \x20           pass\n\
             \x20       except models.Error as error:\n\
             \x20           pass\n\
             \x20       value = models.Q \\\n\
             \x20           + models.F\n\
             \x20       with models.atomic(), open('f') as handle:\n\
             \x20           pass\n\
             \x20       if (x and\n\
             \x20               models.Cond):\n\
             \x20           pass\n\
             \x20       return (lambda q=models.L: q), [models.C for _ in models.I if models.J]\n",
            &["models"],
        );
        assert!(found.len() > 20, "{found:#?}");
    }

    #[test]
    fn chains_in_every_expression_position_agree_with_the_parser() {
        agrees(
            "from django.db import models\n\
             \n\
             @models.decorate(\n\
             \x20   option=models.Option,\n\
             )\n\
             class B:\n\
             \x20   async def run(self, *args, key=models.Key, **kwargs):\n\
             \x20       global other\n\
             \x20       await models.wait(*models.Star, **models.Kw)\n\
             \x20       async with models.lock:\n\
             \x20           pass\n\
             \x20       while not models.Done:\n\
             \x20           yield models.Y\n\
             \x20       if models.A:\n\
             \x20           pass\n\
             \x20       elif models.B[models.Lo:models.Hi]:\n\
             \x20           raise models.E from models.F\n\
             \x20       assert models.Q, models.Message\n\
             \x20       models.Q.counter += 1\n\
             \x20       models.Q.value = models.Z if models.C else {models.K: models.V}\n\
             \x20       del models.Q.value\n\
             \x20       match models.Subject:\n\
             \x20           case _:\n\
             \x20               pass\n\
             \x20       return {m: models.D for m in models.It}, (models.G for _ in x)\n\
             \n\
             \x20   def inner(self):\n\
             \x20       class Local(models.Base):\n\
             \x20           field = models.CharField(\n\
             \x20               max_length=models.MAX,  # models.Comment\n\
             \x20           )\n\
             \x20       return Local\n",
            &["models"],
        );
    }

    #[test]
    fn names_passed_as_call_arguments_are_plain_loads() {
        let found = agrees(
            "from django.db import models\n\
             \n\
             print(models)\n\
             pairs = list(map(models, [models.Q, x]))\n\
             g(x)(models, key=models).run(*models.args)\n\
             models.Q\n",
            &["models"],
        );
        assert_eq!(found.len(), 3, "{found:#?}");
    }

    #[test]
    fn imports_inside_functions_bind_in_those_functions() {
        let found = agrees(
            "def early():\n\
             \x20   import acme.core\n\
             \x20   return acme.core.a\n\
             \n\
             \n\
             outside = acme.core.b  # bound nowhere here: not a reference\n\
             import acme\n\
             \n\
             \n\
             def f():\n\
             \x20   before = acme.legacy.c\n\
             \x20   import acme.legacy.tools\n\
             \n\
             \x20   def inner():\n\
             \x20       return acme.legacy.d\n\
             \n\
             \x20   class Local:\n\
             \x20       value = acme.legacy.e\n\
             \x20   return acme.legacy.f\n\
             \n\
             \n\
             async def g(x=acme.core.g):\n\
             \x20   if x:\n\
             \x20       import acme.core.tools as unused\n\
             \x20       import acme.core\n\
             \x20   return acme.core.h\n\
             \n\
             \n\
             try:\n\
             \x20   import acme.legacy\n\
             except ImportError:\n\
             \x20   pass\n\
             after = acme.legacy.i\n",
            &["acme"],
        );
        assert_eq!(found.len(), 8, "{found:#?}");
    }

    #[test]
    fn parameters_of_the_name_bind_it_in_their_function() {
        let found = agrees(
            "import acme\n\
             \n\
             \n\
             def f(acme, x=acme.legacy.a, *args: acme.legacy.b, **kw) -> acme.legacy.c:\n\
             \x20   local = acme.legacy.shadowed\n\
             \x20   import acme.core\n\
             \x20   return acme.core.d\n\
             \n\
             \n\
             class K:\n\
             \x20   async def g(\n\
             \x20       self,\n\
             \x20       *acme,\n\
             \x20   ):\n\
             \x20       return acme.legacy.shadowed\n\
             \n\
             \x20   def h(self, acme=None):\n\
             \x20       def inner():\n\
             \x20           return acme.legacy.shadowed\n\
             \x20       return inner\n\
             \n\
             \n\
             after = acme.legacy.e\n",
            &["acme"],
        );
        assert_eq!(found.len(), 5, "{found:#?}");
    }

    #[test]
    fn chains_follow_the_binding_in_force() {
        agrees(
            "import acme.core.telemetry\n\
             import acme.legacy.metrics\n\
             acme.core.telemetry.emit()\n\
             import acme.legacy.metrics as metrics\n\
             metrics.counter('a')\n\
             acme.legacy.metrics.counter('b')\n",
            &["acme", "metrics"],
        );
    }

    #[test]
    fn string_targets_agree_with_the_parser() {
        let found = agrees(
            "import importlib\n\
             from unittest import mock\n\
             from unittest.mock import patch\n\
             \n\
             \"acme.legacy.docstring\"\n\
             NAME = 'acme.legacy.assigned'\n\
             \n\
             @mock.patch('acme.legacy.cache.Client')\n\
             @patch(\"acme.legacy.other.Thing\", new=None)\n\
             def test(x):\n\
             \x20   importlib.import_module('acme.legacy.module')\n\
             \x20   __import__(r'acme.legacy.raw')\n\
             \x20   mock.patch('acme.legacy.a' + x)\n\
             \x20   mock.patch(x, 'acme.legacy.second')\n\
             \x20   mock.patch.object('acme.legacy.object')\n\
             \x20   print('acme.legacy.printed')\n\
             \x20   'acme.legacy.joined'.join(x)\n\
             \x20   mock.patch(b'acme.legacy.bytes')\n\
             \x20   mock.patch(f'acme.legacy.fstring')\n\
             \x20   return mock.patch(\n\
             \x20       'acme.legacy.multi',\n\
             \x20   )\n\
             \n\
             \n\
             def shadowed(mock):\n\
             \x20   mock.patch('acme.legacy.parameter')\n",
            &[],
        );
        assert_eq!(found.len(), 5, "{found:#?}");
    }

    #[test]
    fn plain_rebindings_bind_from_where_the_parser_binds_them() {
        let header = "from django.db import models\n";
        let bodies = [
            // Module level, in source order, through `if`/`try` blocks.
            "models.A\nmodels = 1\nmodels.B\n",
            "try:\n    from django.db import models\nexcept ImportError:\n    models = None\nmodels.C\n",
            "models = None\nfrom django.db import models\nmodels.D\n",
            // In a function: the rest of the body, functions nested after it, and the
            // statement's own value (the parser binds the target first).
            "def f():\n    x = models.A\n    models = g(models.B)\n    return models.C\n\ndef h():\n    return models.D\n",
            "def f():\n    def before():\n        return models.A\n    models = 1\n    def after():\n        return models.B\n    return before, after\n",
            "def f():\n    models += [models.X]\n    models.Y\n",
            "def f():\n    models: models.T = 1\n    models.Z\n",
            "def f():\n    for models in models.each():\n        models.Q\n    models.R\n\nmodels.S\n",
            "async def f():\n    async for models in x:\n        models.Q\n    return models.R\n",
            "for models in range(3):\n    pass\nmodels.Q\n",
            // Comprehension targets bind in the comprehension's own scope: the first
            // iterable runs outside it.
            "def f(xs):\n    a = [models.E for models in xs]\n    return models.F\n",
            "def f(xs):\n    a = {models.K: 1 for models in models.all() if models.X}\n    return models.G\n",
            "a = (models.H for models in (models.A, models.B) for y in models.C)\nb = models.I\n",
            "a = [[models.J for models in ys] for ys in models.L]\n",
            "x = [models for models in models.all()]\n",
            "a = {models.K: 1 for models in xs if models}\n",
            // Reads the text shows plainly.
            "x = models\ny = models or models.Q\nz = models if models.A else models\nw = models in ys\n",
            "v = [models for _ in y]\nu = models == 1\nt = {models: models.K}\ns = a[models]\nr = models + 1\n",
            "with models as m:\n    pass\nif models:\n    pass\nfor a in models:\n    pass\nwhile not models:\n    pass\n",
            "@models\ndef f():\n    return -models, models.Q\n",
            "def f():\n    yield from models\n    return models\n",
            "x = [m for m in models]\ny = (a in models)\nz = f(a=models)\nq = {models}\n",
            "x = a[1:models]\ny = a[models]\n",
            "def f():\n    try:\n        pass\n    except models:\n        raise X from models\n    assert models, models.M\n",
            // Keyword argument names are neither read nor bound.
            "f(models=1)\nmodels.Q\nf(x, models=models.R)\n",
            // Literal text of an f-string is not code.
            "x = f\"models.Q is {y}\"\nmodels.Q\n",
        ];
        for body in bodies {
            agrees(&format!("{header}{body}"), &["models"]);
        }
        let found = agrees(
            &format!("{header}def f():\n    models = 1\n    return models.A\nmodels.B\n"),
            &["models"],
        );
        let dotted: Vec<&str> = found.iter().map(|seen| seen.0.as_str()).collect();
        assert_eq!(dotted, ["django.db.models.B"]);
    }

    #[test]
    fn rebinding_and_unclear_shapes_are_left_to_the_parser() {
        let header = "from django.db import models\nfrom unittest import mock\n";
        for body in [
            "def f(models): return models.Q\n",
            "def f(x=g(models)):\n    return models.Q\n",
            "x = f\"{models.Q}\"\n",
            "class K:\n    import other as models\n    q = models.Q\n",
            "def f():\n\timport other as models\n\treturn models.Q\n",
            "class models:\n    pass\n",
            "if x: import models\n",
            "def f():\n    if not models: import models\n    return models.Q\n",
            "try:\n    pass\nexcept E as models:\n    models.Q\n",
            "match x:\n    case models.Q:\n        pass\n",
            "g(lambda a, models: models.Q)\n",
            "g(x for a, models in y)\n",
            "g([x for a, models in y])\n",
            "with x as (a, models):\n    pass\n",
            "(a, models) = 1, 2\n",
            "a, models = 1, 2\n",
            "match x:\n    case (a, models):\n        pass\n",
            "except_ = (A, models)\n",
            "value = models.Q \\\n    .objects\n",
            "value = (models.Q\n    .objects)\n",
            "total = [\n    models.Q(a),\n]; other = 1\n",
            "class K:\n    models = 1\n",
            "def f():\n    class K:\n        for models in x:\n            pass\n",
            "del models\n",
            "def f():\n    global models\n    models = 1\n",
            "x = models = 1\n",
            "x = models, y = 1, 2\n",
            "a = 1; models = 2\n",
            "if x: models = 1\n",
            "y = (models := 1)\n",
            "f = lambda models: 1\n",
            "*models, = x\n",
            "models, a = x\n",
            "for a, models in x:\n    pass\n",
            "f = lambda: [x for models in y]\nmodels.Q\n",
            // A later `for`'s target.
            "a = [1 for x in y for models in models.all()]\n",
        ] {
            unresolved(&format!("{header}{body}"), &["models"]);
        }
        for body in [
            "mock.patch(target='acme.legacy.keyword')\n",
            "mock.patch('acme.legacy.' 'joined')\n",
            "mock.patch(('acme.legacy.parenthesised'))\n",
            "with mock.patch(\n    'acme.legacy.in_header'\n):\n    pass\n",
        ] {
            unresolved(&format!("{header}{body}"), &[]);
        }
    }
}
