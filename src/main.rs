//! canon: keeps a Python codebase on its single sources of truth.
//!
//! `main` parses the command line, runs the command, and maps every failure of canon
//! itself (arguments, config, repository, I/O) to one line on stderr and exit 2.

// `print!`, `eprintln!` and their kin panic when the stream fails: see `console`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use canon::{check, cli, config, console, explain, output, project, report};

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

/// Stack size for the threads that parse Python (deeply nested code recurses deeply).
const STACK_BYTES: usize = 256 << 20;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    // Objects are read from the repository canon runs in; re-hashing each one read
    // only costs time on every commit.
    git2::opts::strict_hash_verification(false);
    // The command runs on a thread of the pool that checks files, which checks too
    // once it has nothing else to do (a staged check: once every file is read).
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_BYTES)
        .build()
        .map_err(|error| format!("cannot start threads: {error}"));
    let ran = pool.map(|pool| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.install(|| run(cli))))
    });
    let result = match ran {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("internal error: the command did not complete".to_string()),
        Err(message) => Err(message),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(message) => {
            let message = output::escape(&message);
            if is_located(&message) {
                console::eprint_line(&message);
            } else {
                console::eprint_line(&format!("canon: error: {message}"));
            }
            ExitCode::from(2)
        }
    }
}

/// `--help` and `--version` print as clap prints them; a usage error becomes one line
/// on stderr (what is wrong, and where to read more) and exit status 2.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand
    ) {
        console::eprint_line(&format!(
            "canon: error: a command is required: {} (see `canon --help`)",
            command_names()
        ));
        return ExitCode::from(2);
    }
    let shows_help = matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    );
    if shows_help {
        let _ = error.print();
        return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
    }
    let rendered = error.to_string();
    // clap's first paragraph says what is wrong (a list of missing arguments or of
    // possible values on its own lines); its usage line names the command.
    let what: Vec<&str> = rendered
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let what = what.join(" ");
    let command = rendered
        .lines()
        .find_map(|line| line.strip_prefix("Usage: "))
        .map(|usage| {
            usage
                .split_whitespace()
                .take_while(|word| !word.starts_with(['[', '<', '-']))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|command| !command.is_empty())
        .unwrap_or_else(named_command);
    // clap quotes the offending argument as given, control characters and all.
    let what = output::escape(what.trim_start_matches("error: "));
    console::eprint_line(&format!("canon: error: {what} (see `{command} --help`)"));
    ExitCode::from(2)
}

/// The commands, as `check, report, ... or install-hook`.
fn command_names() -> String {
    use clap::CommandFactory;
    let command = Cli::command();
    let names: Vec<&str> = command
        .get_subcommands()
        .map(|sub| sub.get_name())
        .filter(|name| *name != "help")
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// `canon SUBCOMMAND` as the arguments name it (clap's value errors carry no usage
/// line), or `canon`.
fn named_command() -> String {
    use clap::CommandFactory;
    let command = Cli::command();
    let subcommand = std::env::args().skip(1).find(|arg| {
        command
            .get_subcommands()
            .any(|sub| sub.get_name() == arg.as_str())
    });
    match subcommand {
        Some(name) => format!("canon {name}"),
        None => "canon".to_string(),
    }
}

fn run(cli: Cli) -> Result<i32, String> {
    let config = cli.config.as_deref();
    match &cli.command {
        Command::Check(args) => check::run(config, args),
        Command::Report(args) => report::run(config, args),
        Command::Rules => {
            let project = project::Project::open(config)?;
            console::print(&output::escape_lines(&explain::list(&project.config.rules)))?;
            Ok(0)
        }
        Command::Rule { id } => {
            let project = project::Project::open(config)?;
            let rule = project
                .config
                .rules
                .iter()
                .find(|rule| &rule.id == id)
                .ok_or_else(|| format!("unknown rule `{id}` (see `canon rules`)"))?;
            console::print(&output::escape_lines(&explain::explain(rule)))?;
            Ok(0)
        }
        Command::Init => init(),
        Command::InstallHook { force } => canon::hook::install(*force),
    }
}

/// True for `file:line:column: message` errors, which are printed as they are so
/// that editors and terminals can jump to the place.
fn is_located(message: &str) -> bool {
    let mut parts = message.splitn(4, ':');
    let (_, line, column) = (parts.next(), parts.next(), parts.next());
    let number = |part: Option<&str>| {
        part.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    number(line) && number(column) && parts.next().is_some()
}

fn init() -> Result<i32, String> {
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    if let Some(existing) = config::CONFIG_NAMES
        .iter()
        .map(|name| cwd.join(name))
        .find(|path| path.exists())
    {
        return Err(format!(
            "{}: already exists; not overwritten",
            existing.display()
        ));
    }
    let path = cwd.join(config::CONFIG_NAMES[0]);
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(format!(
                "{}: already exists; not overwritten",
                path.display()
            ));
        }
        Err(error) => return Err(format!("{}: cannot create: {error}", path.display())),
    };
    use std::io::Write;
    file.write_all(explain::STARTER_CONFIG.as_bytes())
        .map_err(|error| format!("{}: cannot write: {error}", path.display()))?;
    let shown = output::escape(&path.display().to_string()).into_owned();
    // The file is written whatever happens to the message that says so.
    console::print(&format!(
        "Wrote {shown}: edit its rules, then run `canon check`.\n"
    ))
    .map_err(|error| format!("{error}; {shown} is written"))?;
    if let Some(existing) = governing_config(&cwd) {
        console::eprint_line(&format!(
            "canon: note: {shown} now governs {} and the directories below it, instead of {}",
            output::escape(&cwd.display().to_string()),
            output::escape(&existing.display().to_string())
        ));
    }
    Ok(0)
}

/// The config that governs `cwd` from one of its parents (up to the repository root,
/// as `check` finds it), if any.
fn governing_config(cwd: &std::path::Path) -> Option<std::path::PathBuf> {
    let ws = canon::gitsource::Workspace::discover(cwd).ok()?;
    let stop = ws.repo.as_ref().map(|_| ws.root.as_path());
    if stop == Some(ws.cwd.as_path()) {
        return None;
    }
    config::discover(None, ws.cwd.parent()?, stop).ok()
}
