//! Writing to the standard streams without panicking: `print!` and `eprintln!`
//! panic when their stream fails (a full disk, a reader that went away), and canon
//! must not. stdout carries the result of a command: a failure to write it is an
//! error, except a broken pipe. stderr carries messages about the run: a failure to
//! write one is ignored, as git and ruff ignore it (there is nowhere left to say so).

use std::io::Write;

/// Writes `text` to stdout and flushes it; see [`written`] for what a failure is.
pub fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    written(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// The outcome of writing a command's output. A reader that went away (a broken
/// pipe: `canon rules | head -1`) only ends the output early, quietly, as it does
/// for other Unix tools; the exit status stays what it would have been. Any other
/// failure is the one line `cannot write output: REASON` (exit status 2).
pub fn written(result: std::io::Result<()>) -> Result<(), String> {
    match result {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write output: {error}"))
        }
        _ => Ok(()),
    }
}

/// Writes `line` and a line break to stderr; a failure is ignored.
pub fn eprint_line(line: &str) {
    eprint(&format!("{line}\n"));
}

/// Writes `text` to stderr as it is; a failure is ignored.
pub fn eprint(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
