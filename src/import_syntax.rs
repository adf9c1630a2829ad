//! A hand-written parser for the one statement a whole-tree scan reads in every file:
//! `import ...` / `from ... import ...`. It builds the same AST nodes, with the same
//! ranges, as rustpython-parser, at a fraction of the cost; anything it does not
//! recognise (`;`, non-ASCII names, odd layouts) it leaves to rustpython-parser.

use rustpython_parser::ast::{self, Identifier};
use rustpython_parser::text_size::{TextRange, TextSize};

/// Parses the import statement at the start of `text` (which begins at byte `base`
/// of the file and ends at the end of its logical line).
pub fn parse(text: &str, base: usize) -> Option<ast::Stmt> {
    let mut cursor = Cursor {
        text: text.as_bytes(),
        position: 0,
        depth: 0,
    };
    let statement = if cursor.keyword("import") {
        let names = cursor.aliases(true)?;
        ast::Stmt::Import(ast::StmtImport {
            range: cursor.range(base, 0)?,
            names,
        })
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
                Some(Identifier::new(cursor.dotted()?.0))
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
        let names = if cursor.peek() == Some(b'*') {
            let start = cursor.position;
            cursor.position += 1;
            vec![alias(0, start, cursor.position, "*".to_string(), None)?]
        } else if cursor.peek() == Some(b'(') {
            cursor.position += 1;
            cursor.depth = 1;
            let names = cursor.aliases(false)?;
            cursor.skip_space();
            if cursor.peek() != Some(b')') {
                return None;
            }
            cursor.position += 1;
            cursor.depth = 0;
            names
        } else {
            cursor.aliases(false)?
        };
        ast::Stmt::ImportFrom(ast::StmtImportFrom {
            range: cursor.range(base, 0)?,
            module,
            names,
            level: Some(ast::Int::new(level)),
        })
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

fn text_range(base: usize, start: usize, end: usize) -> Option<TextRange> {
    let start = TextSize::try_from(base + start).ok()?;
    let end = TextSize::try_from(base + end).ok()?;
    Some(TextRange::new(start, end))
}

fn alias(
    base: usize,
    start: usize,
    end: usize,
    name: String,
    asname: Option<String>,
) -> Option<ast::Alias> {
    Some(ast::Alias {
        range: text_range(base, start, end)?,
        name: Identifier::new(name),
        asname: asname.map(Identifier::new),
    })
}

struct Cursor<'a> {
    text: &'a [u8],
    position: usize,
    /// Inside parentheses, where newlines and comments are blanks.
    depth: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.position).copied()
    }

    /// Skips blanks: spaces, tabs, backslash continuations, and inside parentheses
    /// newlines and comments too.
    fn skip_space(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' | b'\x0c' => self.position += 1,
                b'\\' if self.text.get(self.position + 1) == Some(&b'\n') => self.position += 2,
                b'\\' if self.text[self.position + 1..].starts_with(b"\r\n") => self.position += 3,
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
        let rest = &self.text[self.position..];
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

    fn name(&mut self) -> Option<(String, usize, usize)> {
        self.skip_space();
        let start = self.position;
        if !self.peek().is_some_and(is_name_start) {
            return None;
        }
        while self.peek().is_some_and(is_name_byte) {
            self.position += 1;
        }
        let name = std::str::from_utf8(&self.text[start..self.position])
            .ok()?
            .to_string();
        Some((name, start, self.position))
    }

    /// `a.b.c`, with its start and end.
    fn dotted(&mut self) -> Option<(String, usize, usize)> {
        let (mut dotted, start, mut end) = self.name()?;
        loop {
            let before = self.position;
            self.skip_space();
            if self.peek() != Some(b'.') {
                self.position = before;
                return Some((dotted, start, end));
            }
            self.position += 1;
            let (part, _, part_end) = self.name()?;
            dotted.push('.');
            dotted.push_str(&part);
            end = part_end;
        }
    }

    /// `name [as alias], ...` (dotted names when `dotted`); a trailing comma is
    /// allowed only inside parentheses.
    fn aliases(&mut self, dotted: bool) -> Option<Vec<ast::Alias>> {
        let mut aliases = Vec::new();
        loop {
            let (name, start, mut end) = if dotted { self.dotted()? } else { self.name()? };
            let before = self.position;
            let asname = if self.keyword("as") {
                let (asname, _, asname_end) = self.name()?;
                end = asname_end;
                Some(asname)
            } else {
                self.position = before;
                None
            };
            aliases.push(alias(0, start, end, name, asname)?);
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

    /// The statement's range: from the start of the text to the current position.
    fn range(&self, base: usize, start: usize) -> Option<TextRange> {
        text_range(base, start, self.position)
    }

    /// Only blanks and a comment may follow the statement on its logical line.
    fn at_statement_end(&mut self) -> bool {
        self.skip_space();
        matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#'))
    }
}

/// Alias ranges are built relative to the statement; this shifts them to the file.
pub fn shift_aliases(statement: &mut ast::Stmt, base: usize) {
    let names = match statement {
        ast::Stmt::Import(node) => &mut node.names,
        ast::Stmt::ImportFrom(node) => &mut node.names,
        _ => return,
    };
    let Ok(shift) = TextSize::try_from(base) else {
        return;
    };
    for alias in names {
        alias.range = TextRange::new(alias.range.start() + shift, alias.range.end() + shift);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustpython_parser::ast::Ranged;

    /// The hand parser must give exactly rustpython-parser's nodes and ranges.
    fn same_as_rustpython(text: &str) {
        let base = 7;
        let mut fast = parse(text, base).unwrap_or_else(|| panic!("not parsed: {text:?}"));
        shift_aliases(&mut fast, base);
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
        let slow = &module.body[0];
        assert_eq!(fast.range(), slow.range(), "{text:?}");
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text:?}");
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
