//! Shared fixtures: scratch directories with their own `$HOME` and git config, real
//! git repositories made with the git CLI, and a runner for canon and the other
//! programs the integrations drive.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One import rule: `pkg.old_utils` is deprecated in favour of `pkg.new_utils`.
pub const CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: old-utils
    kind: import
    canonical: pkg.new_utils
    deprecated:
      - pkg.old_utils
"#;

/// A committed file with a legacy violation on line 2.
pub const LEGACY: &str = concat!(
    "import os\n",
    "from pkg.old_utils import helper\n",
    "\n",
    "\n",
    "def main():\n",
    "    return helper(os.getcwd())\n",
);

/// The line of the legacy violation in [`LEGACY`].
pub const LEGACY_LINE: usize = 2;

/// A new deprecated import, and its fix.
pub const NEW_IMPORT: &str = "from pkg.old_utils import other";
pub const FIXED_IMPORT: &str = "from pkg.new_utils import other";

/// The fix canon prints for [`NEW_IMPORT`].
pub const FIX_LINE: &str = "fix: from pkg.new_utils import other";

/// The built canon binary under test.
pub fn canon_exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_canon"))
}

/// The root of this checkout.
pub fn checkout() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Variables that must not leak into a run from the environment of the tests.
const SCRUBBED: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_EXEC_PATH",
    "PRE_COMMIT",
    "PRE_COMMIT_HOME",
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "PRE_COMMIT_ORIGIN",
    "PRE_COMMIT_SOURCE",
    "PRE_COMMIT_ALLOW_NO_CONFIG",
    "SKIP",
    "CANON",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "CLICOLOR",
    "VIMINIT",
    "EXINIT",
    "MYVIMRC",
    "VIM",
    "VIMRUNTIME",
    "NVIM",
    "NVIM_LISTEN_ADDRESS",
    "EMACSLOADPATH",
    "GITHUB_ACTIONS",
    "GITHUB_BASE_REF",
    "CI",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
];

/// A scratch directory with its own `$HOME`, in which repositories are made.
pub struct Sandbox {
    _tmp: Option<tempfile::TempDir>,
    pub base: PathBuf,
    pub home: PathBuf,
    path: OsString,
}

impl Sandbox {
    /// A sandbox whose `PATH` starts with the directory of the canon under test.
    pub fn new() -> Sandbox {
        let dir = canon_exe().parent().unwrap().to_path_buf();
        let mut dirs = vec![dir];
        dirs.extend(std::env::split_paths(&original_path()));
        Sandbox::with_path(std::env::join_paths(dirs).unwrap())
    }

    /// A sandbox whose `PATH` holds no program named `canon`.
    pub fn without_canon() -> Sandbox {
        Sandbox::with_path(path_without_canon())
    }

    /// A sandbox with exactly this `PATH`.
    pub fn with_path(path: OsString) -> Sandbox {
        let tmp = tempfile::Builder::new()
            .prefix("canon-integrations-")
            .tempdir()
            .expect("create a temporary directory");
        let mut sandbox = Sandbox::at(tmp.path(), path);
        sandbox._tmp = Some(tmp);
        sandbox
    }

    /// A sandbox in the existing directory `base`, which it does not remove.
    pub fn at(base: &Path, path: OsString) -> Sandbox {
        let base = base.canonicalize().unwrap();
        let home = base.join("home");
        fs::create_dir_all(&home).unwrap();
        fs::write(home.join(".gitconfig"), "").unwrap();
        Sandbox {
            _tmp: None,
            base,
            home,
            path,
        }
    }

    /// The `PATH` programs run with.
    pub fn path_var(&self) -> &OsStr {
        &self.path
    }

    /// A command for `program` in `cwd` with the sandbox's environment.
    pub fn cmd(&self, program: impl AsRef<OsStr>, cwd: &Path) -> Cmd {
        let program = program.as_ref().to_os_string();
        let mut command = Command::new(&program);
        command.current_dir(cwd);
        for key in SCRUBBED {
            command.env_remove(key);
        }
        // Rust toolchains live under the real home; everything else uses the sandbox's.
        let real_home = std::env::var_os("HOME").map(PathBuf::from);
        for (key, default) in [("CARGO_HOME", ".cargo"), ("RUSTUP_HOME", ".rustup")] {
            if let Some(value) = std::env::var_os(key) {
                command.env(key, value);
            } else if let Some(home) = &real_home {
                command.env(key, home.join(default));
            }
        }
        let name = "Canon Integrations";
        let email = "integrations@example.com";
        command
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_STATE_HOME", self.home.join(".local/state"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig"))
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", email)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C.UTF-8")
            .env("TERM", "dumb")
            .env("NO_COLOR", "1")
            .env("PRE_COMMIT_COLOR", "never")
            .env("PATH", &self.path);
        Cmd {
            command,
            label: format!("{} in {}", program.to_string_lossy(), cwd.display()),
        }
    }

    /// Runs git in `cwd` and returns its stdout; panics when git fails.
    pub fn git(&self, cwd: &Path, args: &[&str]) -> String {
        self.cmd("git", cwd).args(args).ok().stdout
    }

    /// Runs the canon under test in `cwd`.
    pub fn canon(&self, cwd: &Path, args: &[&str]) -> Out {
        self.cmd(canon_exe(), cwd).args(args).run()
    }

    /// An empty repository on branch `main` at `name` under the sandbox.
    pub fn repo(&self, name: &str) -> PathBuf {
        let root = self.base.join(name);
        fs::create_dir_all(&root).unwrap();
        self.git(&root, &["init", "-q", "-b", "main"]);
        self.git(&root, &["config", "core.autocrlf", "false"]);
        self.git(&root, &["config", "commit.gpgsign", "false"]);
        root
    }

    /// A repository whose first commit holds [`CONFIG`] and `app.py` ([`LEGACY`]).
    pub fn project(&self, name: &str) -> PathBuf {
        let root = self.repo(name);
        write(&root.join(".canon.yaml"), CONFIG);
        write(&root.join("app.py"), LEGACY);
        self.git(&root, &["add", "-A"]);
        self.git(&root, &["commit", "-q", "--no-verify", "-m", "legacy code"]);
        root
    }

    /// The full hash of `rev` in the repository at `cwd`.
    pub fn rev(&self, cwd: &Path, rev: &str) -> String {
        self.git(cwd, &["rev-parse", rev]).trim().to_string()
    }
}

/// The `PATH` of the test process.
fn original_path() -> OsString {
    std::env::var_os("PATH").unwrap_or_default()
}

/// The `PATH` of the test process without the directories that hold a `canon`.
pub fn path_without_canon() -> OsString {
    let dirs: Vec<PathBuf> = std::env::split_paths(&original_path())
        .filter(|dir| !dir.join("canon").exists())
        .collect();
    std::env::join_paths(dirs).unwrap()
}

/// A pending command.
pub struct Cmd {
    command: Command,
    label: String,
}

impl Cmd {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Cmd {
        self.label.push(' ');
        self.label.push_str(&arg.as_ref().to_string_lossy());
        self.command.arg(arg);
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: &[S]) -> Cmd {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Cmd {
        self.command.env(key, value);
        self
    }

    /// Runs to completion and captures the output.
    pub fn run(mut self) -> Out {
        let output = self
            .command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap_or_else(|error| panic!("cannot run {}: {error}", self.label));
        let out = Out {
            label: self.label,
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !out.stderr.contains("panicked"),
            "{} panicked:\n{}",
            out.label,
            out.text()
        );
        out
    }

    /// Runs and asserts exit status 0.
    pub fn ok(self) -> Out {
        let out = self.run();
        out.assert_code(0);
        out
    }
}

/// The captured result of a command.
pub struct Out {
    pub label: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts the exit status, showing the whole run when it differs.
    pub fn assert_code(&self, expected: i32) -> &Out {
        assert_eq!(
            self.code,
            expected,
            "unexpected exit status of {}\n{}",
            self.label,
            self.text()
        );
        self
    }

    /// stdout and stderr, for messages and for checks on what a user sees.
    pub fn text(&self) -> String {
        format!("--- stdout\n{}--- stderr\n{}", self.stdout, self.stderr)
    }

    /// Asserts that stdout or stderr contains `needle`.
    pub fn assert_shows(&self, needle: &str) -> &Out {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "{} does not show {needle:?}\n{}",
            self.label,
            self.text()
        );
        self
    }

    /// Asserts that neither stdout nor stderr contains `needle`.
    pub fn assert_hides(&self, needle: &str) -> &Out {
        assert!(
            !self.stdout.contains(needle) && !self.stderr.contains(needle),
            "{} shows {needle:?}\n{}",
            self.label,
            self.text()
        );
        self
    }
}

/// Writes `contents` to `path`, creating its parents.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, contents).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// [`LEGACY`] with `line` appended.
pub fn legacy_plus(line: &str) -> String {
    format!("{LEGACY}{line}\n")
}

/// The 1-based number of the line appended by [`legacy_plus`].
pub fn appended_line() -> usize {
    LEGACY.lines().count() + 1
}

/// The diagnostic canon gives [`NEW_IMPORT`] appended to [`LEGACY`], as canon's JSON
/// output has it: what every integration must carry to its client unchanged.
#[derive(Debug, Clone)]
pub struct Expected {
    pub line: usize,
    pub col: usize,
    pub end_line: usize,
    pub end_col: usize,
    pub code: String,
    pub rule: String,
    pub message: String,
}

impl Expected {
    /// `CODE [rule] message`, the text after `path:line:col: ` in concise output.
    pub fn text(&self) -> String {
        format!("{} [{}] {}", self.code, self.rule, self.message)
    }

    /// `path:line:col: CODE [rule] message` for the file `path`.
    pub fn concise(&self, path: &str) -> String {
        format!("{path}:{}:{}: {}", self.line, self.col, self.text())
    }
}

/// The diagnostic of [`NEW_IMPORT`] (see [`Expected`]), asked of canon once.
pub fn expected() -> &'static Expected {
    static EXPECTED: std::sync::OnceLock<Expected> = std::sync::OnceLock::new();
    EXPECTED.get_or_init(|| {
        let sb = Sandbox::new();
        let root = sb.project("expected");
        write(&root.join("app.py"), legacy_plus(NEW_IMPORT));
        let out = sb.canon(&root, &["check", "--output-format", "json", "app.py"]);
        out.assert_code(1);
        let items: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let found: Vec<&serde_json::Value> = items
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["location"]["row"] == appended_line())
            .collect();
        assert_eq!(found.len(), 1, "{}", out.text());
        let item = found[0];
        let number = |value: &serde_json::Value| value.as_u64().unwrap() as usize;
        let expected = Expected {
            line: number(&item["location"]["row"]),
            col: number(&item["location"]["column"]),
            end_line: number(&item["end_location"]["row"]),
            end_col: number(&item["end_location"]["column"]),
            code: item["code"].as_str().unwrap().to_string(),
            rule: item["rule"].as_str().unwrap().to_string(),
            message: item["message"].as_str().unwrap().to_string(),
        };
        assert_old_utils_text(&expected.text());
        expected
    })
}

/// `path:line:col: CODE [rule] message` split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concise {
    pub path: String,
    pub line: usize,
    pub col: usize,
    /// `CODE [rule] message`
    pub text: String,
}

/// Parses the concise diagnostics in `output`; every non-empty line must be one.
pub fn concise(output: &str) -> Vec<Concise> {
    output
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            let parse = || {
                let (path, rest) = line.split_once(':')?;
                let (row, rest) = rest.split_once(':')?;
                let (col, text) = rest.split_once(": ")?;
                Some(Concise {
                    path: path.to_string(),
                    line: row.parse().ok()?,
                    col: col.parse().ok()?,
                    text: text.to_string(),
                })
            };
            parse().unwrap_or_else(|| panic!("not a concise diagnostic: {line:?}\n{output}"))
        })
        .collect()
}

/// Asserts that `text` is the concise text of the `old-utils` diagnostic.
pub fn assert_old_utils_text(text: &str) {
    assert!(
        text.starts_with("CAN001 [old-utils] ")
            && text.contains("pkg.old_utils")
            && text.contains("pkg.new_utils"),
        "not the old-utils diagnostic: {text:?}"
    );
}

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}
