//! Call templates (`replace-with`): filling `{callee}` and `{args}` so that the text
//! is the call the template means for any argument list, and judging whether the
//! filled expression can stand where the call stood.

use rustpython_parser::ast;

/// What a call's argument text holds, as far as filling a template needs it.
#[derive(Debug, Default, PartialEq)]
struct ArgsShape {
    /// Only blanks and comments.
    empty: bool,
    /// Where the argument list's own trailing comma is (`f(a, b,)`).
    trailing_comma: Option<usize>,
    /// A single generator expression without its own parentheses (`f(x for x in y)`),
    /// which Python accepts only as a call's sole argument.
    bare_generator: bool,
}

/// Fills a `replace-with` template with the call's callee and argument text. Where
/// the template writes more arguments after `{args}` (`F({args}, mode=1)`), an empty
/// argument list leaves no separator behind and a trailing comma is dropped; a bare
/// generator expression keeps parentheses of its own unless it is the whole
/// argument list of the template's call.
pub fn fill(template: &str, callee: &str, args: &str) -> String {
    let shape = args_shape(args);
    let mut result = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        result.push_str(&rest[..open]);
        let after = &rest[open..];
        if let Some(tail) = after.strip_prefix("{callee}") {
            result.push_str(callee);
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("{args}") {
            let more_arguments = tail.trim_start().strip_prefix(',');
            if let (Some(others), true) = (more_arguments, shape.empty) {
                rest = others.trim_start();
                continue;
            }
            let args = match (more_arguments, shape.trailing_comma) {
                (Some(_), Some(comma)) => format!("{}{}", &args[..comma], &args[comma + 1..]),
                _ => args.to_string(),
            };
            let whole_list = result.trim_end().ends_with('(') && tail.trim_start().starts_with(')');
            if shape.bare_generator && !whole_list {
                result.push('(');
                result.push_str(&args);
                result.push(')');
            } else {
                result.push_str(&args);
            }
            rest = tail;
        } else {
            result.push('{');
            rest = &after[1..];
        }
    }
    result.push_str(rest);
    result
}

/// Reads the argument text the way Python's tokenizer would at its top level:
/// strings and comments skipped, brackets counted.
fn args_shape(args: &str) -> ArgsShape {
    let bytes = args.as_bytes();
    let mut shape = ArgsShape::default();
    let mut depth = 0usize;
    let mut last_code: Option<(usize, u8)> = None;
    let mut top_level_commas = 0;
    let mut top_level_for = false;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b'"' | b'\'' => {
                let len = crate::fixes::string_len(&args[at..]);
                last_code = Some((at + len - 1, byte));
                at += len;
                continue;
            }
            b'#' => {
                at = args[at..].find('\n').map_or(bytes.len(), |end| at + end);
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\\' => {
                at += 1;
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => top_level_commas += 1,
            _ if byte == b'_' || byte.is_ascii_alphabetic() => {
                let len = args[at..]
                    .find(|c: char| !(c == '_' || c.is_alphanumeric()))
                    .unwrap_or(args.len() - at);
                top_level_for |= depth == 0 && &args[at..at + len] == "for";
                last_code = Some((at + len - 1, byte));
                at += len;
                continue;
            }
            _ => {}
        }
        last_code = Some((at, byte));
        at += 1;
    }
    shape.empty = last_code.is_none();
    shape.trailing_comma = last_code
        .filter(|&(_, byte)| byte == b',')
        .map(|(at, _)| at);
    shape.bare_generator = top_level_for && top_level_commas == 0;
    shape
}

/// How a filled template can stand where the call stood.
#[derive(Debug, PartialEq)]
pub enum Fit {
    /// A primary (a call, attribute, name, subscript, literal, display...): anywhere.
    Anywhere,
    /// An expression that binds looser than a call (`await f()`, `a or b`): as it
    /// is only where brackets, commas or the statement delimit it.
    WhereDelimited,
    /// Only in parentheses of its own (a tuple, `x := y`, `yield`).
    Parenthesized,
    /// Not an expression at all.
    Invalid,
}

/// How the filled template `code` can stand in for a call, and whether it awaits.
pub fn judge(code: &str) -> (Fit, bool) {
    let Ok(ast::Mod::Expression(module)) =
        rustpython_parser::parse(code, rustpython_parser::Mode::Expression, "<template>")
    else {
        return (Fit::Invalid, false);
    };
    let fit = match *module.body {
        ast::Expr::Tuple(_)
        | ast::Expr::NamedExpr(_)
        | ast::Expr::Yield(_)
        | ast::Expr::YieldFrom(_)
        | ast::Expr::Starred(_) => Fit::Parenthesized,
        ast::Expr::BoolOp(_)
        | ast::Expr::BinOp(_)
        | ast::Expr::UnaryOp(_)
        | ast::Expr::Compare(_)
        | ast::Expr::IfExp(_)
        | ast::Expr::Lambda(_)
        | ast::Expr::Await(_) => Fit::WhereDelimited,
        _ => Fit::Anywhere,
    };
    (fit, awaits(code))
}

/// Whether `code` holds the keyword `await` outside its string literals.
fn awaits(code: &str) -> bool {
    let bytes = code.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'"' || byte == b'\'' {
            at += crate::fixes::string_len(&code[at..]);
        } else if byte == b'_' || byte.is_ascii_alphabetic() {
            let len = code[at..]
                .find(|c: char| !(c == '_' || c.is_alphanumeric()))
                .unwrap_or(code.len() - at);
            if &code[at..at + len] == "await" {
                return true;
            }
            at += len;
        } else {
            at += 1;
        }
    }
    false
}

/// Whether an expression that binds looser than a call can replace the call at
/// `range` of `text` as it is: what comes before it opens a bracket, follows a comma,
/// `=`, `:` or `return`, or starts the statement, and what comes after it closes a
/// bracket or ends the expression (`,`, `:`, `;`, a comment, the line's end).
pub fn delimited(text: &str, range: &std::ops::Range<usize>) -> bool {
    let before = text[..range.start].trim_end_matches([' ', '\t']);
    let opens = before.is_empty()
        || before.ends_with(['(', '[', '{', ',', ':', '\n'])
        || is_assignment(before)
        || ends_with_word(before, "return");
    let after = text[range.end..].trim_start_matches([' ', '\t']);
    let closes =
        after.is_empty() || after.starts_with([')', ']', '}', ',', ':', ';', '#', '\n', '\r']);
    opens && closes
}

/// Whether `text` ends with an assignment's `=` (or a keyword argument's), not a
/// comparison or an augmented assignment's operator.
fn is_assignment(text: &str) -> bool {
    text.strip_suffix('=').is_some_and(|before| {
        !before.ends_with([
            '=', '<', '>', '!', '+', '-', '*', '/', '%', '&', '|', '^', '@',
        ])
    })
}

fn ends_with_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word).is_some_and(|before| {
        !before
            .chars()
            .next_back()
            .is_some_and(|c| c == '_' || c.is_alphanumeric() || c == '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_after_args_leave_no_stray_comma() {
        let template = "Factory.create({args}, mode=1)";
        assert_eq!(fill(template, "f", ""), "Factory.create(mode=1)");
        assert_eq!(fill(template, "f", "  "), "Factory.create(mode=1)");
        assert_eq!(fill(template, "f", "1,"), "Factory.create(1, mode=1)");
        assert_eq!(
            fill(template, "f", "a, (b,)"),
            "Factory.create(a, (b,), mode=1)"
        );
        assert_eq!(fill(template, "f", "'x,'"), "Factory.create('x,', mode=1)");
        assert_eq!(fill("F(1, {args}, 2)", "f", ""), "F(1, 2)");
        assert_eq!(fill("F({args})", "f", "a,"), "F(a,)");
        assert_eq!(fill("F({args})", "f", ""), "F()");
    }

    #[test]
    fn a_bare_generator_keeps_parentheses_unless_it_is_the_whole_list() {
        let generator = "x for x in range(3)";
        assert_eq!(
            fill("F({args}, mode=1)", "f", generator),
            "F((x for x in range(3)), mode=1)"
        );
        assert_eq!(
            fill("F(1, {args})", "f", generator),
            "F(1, (x for x in range(3)))"
        );
        assert_eq!(fill("F({args})", "f", generator), "F(x for x in range(3))");
        // A comprehension's own `for` is inside its brackets.
        assert_eq!(
            fill("F({args}, 1)", "f", "[x for x in y]"),
            "F([x for x in y], 1)"
        );
        assert_eq!(fill("F({args}, 1)", "f", "info"), "F(info, 1)");
    }

    #[test]
    fn filled_templates_are_judged_by_how_they_bind() {
        assert_eq!(judge("Factory.create(1)"), (Fit::Anywhere, false));
        assert_eq!(
            judge("await Factory.acreate(1)"),
            (Fit::WhereDelimited, true)
        );
        assert_eq!(judge("make() or DEFAULT"), (Fit::WhereDelimited, false));
        assert_eq!(judge("a, b"), (Fit::Parenthesized, false));
        assert_eq!(judge("(a, b)"), (Fit::Parenthesized, false));
        assert_eq!(judge("F(, mode=1)").0, Fit::Invalid);
        assert_eq!(judge("f('await')"), (Fit::Anywhere, false));
    }

    #[test]
    fn a_call_is_delimited_by_brackets_commas_and_the_statement() {
        let at = |text: &str| {
            let start = text.find("get()").unwrap();
            delimited(text, &(start..start + 5))
        };
        assert!(at("x = get()\n"));
        assert!(at("f(a, get())"));
        assert!(at("return get()"));
        assert!(at("get()  # comment"));
        assert!(at("{k: get()}"));
        assert!(!at("x = get().upper()"));
        assert!(!at("x = get()[0]"));
        assert!(!at("x = 1 + get()"));
        assert!(!at("x = get() ** 2"));
        assert!(!at("if a == get():"));
        assert!(!at("x = not get()"));
    }
}
