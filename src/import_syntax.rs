//! Import statements as canon models them, and a hand-written parser for the one
//! statement a whole-tree scan reads in every file: `import ...` /
//! `from ... import ...`. The parser gives the same names and ranges as
//! rustpython-parser, borrowed from the text instead of allocated, at a fraction of the
//! cost; anything it does not recognise (`;`, non-ASCII names, odd layouts) it leaves
//! to rustpython-parser, whose nodes [`from_ast`] turns into the same form.

use rustpython_parser::ast::{self, Ranged};
use std::borrow::Cow;
use std::ops::Range;

/// One `import` or `from ... import` statement, with byte ranges into the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSyntax<'t> {
    pub range: Range<usize>,
    /// For `from` imports: how many leading dots, and the module as written after them.
    pub from: Option<(u32, Option<Cow<'t, str>>)>,
    pub aliases: Vec<AliasSyntax<'t>>,
}

/// `name [as asname]`: `a.b.c` for `import a.b.c`, `*` for `from m import *`.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasSyntax<'t> {
    pub name: Cow<'t, str>,
    pub asname: Option<&'t str>,
    pub range: Range<usize>,
}

/// The import statement rustpython-parser made of `stmt`; None for other statements.
pub fn from_ast(stmt: &ast::Stmt) -> Option<ImportSyntax<'_>> {
    match stmt {
        ast::Stmt::Import(node) => Some(ImportSyntax {
            range: span(node.range),
            from: None,
            aliases: ast_aliases(&node.names),
        }),
        ast::Stmt::ImportFrom(node) => Some(ImportSyntax {
            range: span(node.range),
            from: Some((
                node.level.map(|level| level.to_u32()).unwrap_or(0),
                node.module
                    .as_ref()
                    .map(|module| Cow::Borrowed(module.as_str())),
            )),
            aliases: ast_aliases(&node.names),
        }),
        _ => None,
    }
}

fn span(range: ast::text_size::TextRange) -> Range<usize> {
    usize::from(range.start())..usize::from(range.end())
}

fn ast_aliases(names: &[ast::Alias]) -> Vec<AliasSyntax<'_>> {
    names
        .iter()
        .map(|alias| AliasSyntax {
            name: Cow::Borrowed(alias.name.as_str()),
            asname: alias.asname.as_ref().map(|asname| asname.as_str()),
            range: span(alias.range()),
        })
        .collect()
}

/// Parses the import statement at the start of `text` (which begins at byte `base`
/// of the file and ends at the end of its logical line); ranges are the file's.
pub fn parse(text: &str, base: usize) -> Option<ImportSyntax<'_>> {
    let mut cursor = Cursor {
        text,
        position: 0,
        depth: 0,
        base,
    };
    let statement = if cursor.keyword("import") {
        let aliases = cursor.aliases(true)?;
        ImportSyntax {
            range: base..base + cursor.position,
            from: None,
            aliases,
        }
    } else if cursor.keyword("from") {
        cursor.skip_space();
        let mut level = 0;
        while cursor.peek() == Some(b'.') {
            level += 1;
            cursor.position += 1;
            cursor.skip_space();
        }
        let module = match cursor.peek() {
            Some(byte) if is_name_start(byte) && !cursor.at_keyword("import") => {
                Some(cursor.dotted()?.0)
            }
            _ => None,
        };
        if level == 0 && module.is_none() {
            return None;
        }
        cursor.skip_space();
        if !cursor.keyword("import") {
            return None;
        }
        cursor.skip_space();
        let aliases = if cursor.peek() == Some(b'*') {
            let start = cursor.position;
            cursor.position += 1;
            vec![AliasSyntax {
                name: Cow::Borrowed("*"),
                asname: None,
                range: base + start..base + cursor.position,
            }]
        } else if cursor.peek() == Some(b'(') {
            cursor.position += 1;
            cursor.depth = 1;
            let aliases = cursor.aliases(false)?;
            cursor.skip_space();
            if cursor.peek() != Some(b')') {
                return None;
            }
            cursor.position += 1;
            cursor.depth = 0;
            aliases
        } else {
            cursor.aliases(false)?
        };
        ImportSyntax {
            range: base..base + cursor.position,
            from: Some((level, module)),
            aliases,
        }
    } else {
        return None;
    };
    cursor.at_statement_end().then_some(statement)
}

fn is_name_start(byte: u8) -> bool {
    byte == b'_' || byte.is_ascii_alphabetic()
}

fn is_name_byte(byte: u8) -> bool {
    is_name_start(byte) || byte.is_ascii_digit()
}

struct Cursor<'a> {
    text: &'a str,
    position: usize,
    /// Inside parentheses, where newlines and comments are blanks.
    depth: usize,
    /// Where the text starts in the file.
    base: usize,
}

impl<'a> Cursor<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.position).copied()
    }

    /// Skips blanks: spaces, tabs, backslash continuations, and inside parentheses
    /// newlines and comments too.
    fn skip_space(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' | b'\x0c' => self.position += 1,
                b'\\' if self.bytes().get(self.position + 1) == Some(&b'\n') => self.position += 2,
                b'\\' if self.bytes()[self.position + 1..].starts_with(b"\r\n") => {
                    self.position += 3
                }
                b'\n' | b'\r' if self.depth > 0 => self.position += 1,
                b'#' if self.depth > 0 => {
                    while self.peek().is_some_and(|byte| byte != b'\n') {
                        self.position += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        let rest = &self.bytes()[self.position..];
        rest.starts_with(keyword.as_bytes())
            && !rest.get(keyword.len()).copied().is_some_and(is_name_byte)
    }

    fn keyword(&mut self, keyword: &str) -> bool {
        self.skip_space();
        if self.at_keyword(keyword) {
            self.position += keyword.len();
            true
        } else {
            false
        }
    }

    /// A name, borrowed, with its start and end (relative to the text).
    fn name(&mut self) -> Option<(&'a str, usize, usize)> {
        self.skip_space();
        let start = self.position;
        if !self.peek().is_some_and(is_name_start) {
            return None;
        }
        let rest = &self.bytes()[start..];
        self.position += rest
            .iter()
            .position(|&byte| !is_name_byte(byte))
            .unwrap_or(rest.len());
        Some((&self.text[start..self.position], start, self.position))
    }

    /// `a.b.c`, with its start and end: borrowed when written without blanks.
    fn dotted(&mut self) -> Option<(Cow<'a, str>, usize, usize)> {
        let (first, start, mut end) = self.name()?;
        let mut dotted = Cow::Borrowed(first);
        loop {
            let before = self.position;
            self.skip_space();
            if self.peek() != Some(b'.') {
                self.position = before;
                return Some((dotted, start, end));
            }
            self.position += 1;
            let (part, _, part_end) = self.name()?;
            let written = &self.text[start..part_end];
            dotted = if matches!(dotted, Cow::Borrowed(_))
                && written.len() == dotted.len() + 1 + part.len()
            {
                Cow::Borrowed(written)
            } else {
                Cow::Owned(format!("{dotted}.{part}"))
            };
            end = part_end;
        }
    }

    /// `name [as alias], ...` (dotted names when `dotted`); a trailing comma is
    /// allowed only inside parentheses.
    fn aliases(&mut self, dotted: bool) -> Option<Vec<AliasSyntax<'a>>> {
        let mut aliases = Vec::with_capacity(4);
        loop {
            let (name, start, mut end) = if dotted {
                self.dotted()?
            } else {
                let (name, start, end) = self.name()?;
                (Cow::Borrowed(name), start, end)
            };
            let before = self.position;
            let asname = if self.keyword("as") {
                let (asname, _, asname_end) = self.name()?;
                end = asname_end;
                Some(asname)
            } else {
                self.position = before;
                None
            };
            aliases.push(AliasSyntax {
                name,
                asname,
                range: self.base + start..self.base + end,
            });
            let before = self.position;
            self.skip_space();
            if self.peek() != Some(b',') {
                self.position = before;
                return Some(aliases);
            }
            self.position += 1;
            if self.depth > 0 {
                self.skip_space();
                if self.peek() == Some(b')') {
                    return Some(aliases);
                }
            }
        }
    }

    /// Only blanks and a comment may follow the statement on its logical line.
    fn at_statement_end(&mut self) -> bool {
        self.skip_space();
        matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustpython_parser::text_size::TextSize;

    /// The hand parser must give exactly rustpython-parser's names and ranges.
    fn same_as_rustpython(text: &str) {
        let base = 7;
        let fast = parse(text, base).unwrap_or_else(|| panic!("not parsed: {text:?}"));
        let slow = rustpython_parser::parse_starts_at(
            text,
            rustpython_parser::Mode::Module,
            "<test>",
            TextSize::try_from(base).unwrap(),
        )
        .unwrap();
        let ast::Mod::Module(module) = slow else {
            panic!()
        };
        let slow = from_ast(&module.body[0]).unwrap();
        assert_eq!(fast, slow, "{text:?}");
    }

    #[test]
    fn matches_rustpython_on_every_form() {
        for text in [
            "import a",
            "import a.b.c",
            "import a.b as c, d",
            "import a . b",
            "from m import x",
            "from m import x as y, z  # comment\n",
            "from a.b import *",
            "from . import x",
            "from .. import x as y",
            "from .m import x",
            "from ...a.b import c",
            "from m import (\n    x,  # one\n    y as z,\n)\n",
            "from m import (x)",
            "from m import \\\n    x",
            "from m \\\n    import x",
            "from m import (x,\r\n    y)\r\n",
        ] {
            same_as_rustpython(text);
        }
    }

    #[test]
    fn leaves_other_statements_to_rustpython() {
        for text in [
            "import a; import b",
            "from m import x, ",
            "from m import",
            "import",
            "from import x",
            "import é",
            "from m import (x",
        ] {
            assert!(parse(text, 0).is_none(), "{text:?}");
        }
    }
}
