//! Fixtures: git repositories in temporary directories (made with the git CLI) and a
//! runner for the `canon` binary that fails the test on a panic, a signal or a hang.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Import and call rules used by most tests.
pub const CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: old-utils
    kind: import
    canonical: pkg.new_utils
    deprecated:
      - pkg.old_utils
  - id: ws-manager
    kind: import
    canonical: netra.ws.ssot.SSOTManager
    deprecated: [netra.ws.manager.Manager]
  - id: no-get
    kind: call
    target: netra.ws.get_manager
    replace-with: "Factory.create({args})"
    requires-import: netra.ws.factory.Factory
"#;

/// A line with one `old-utils` violation, reported at the imported name (column 27).
pub const OLD_IMPORT: &str = "from pkg.old_utils import helper\n";
/// What `--fix` turns `OLD_IMPORT` into.
pub const NEW_IMPORT: &str = "from pkg.new_utils import helper\n";

/// How long one canon run may take before the test fails as a hang.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Variables of the outer environment that must not reach git or canon.
const SCRUBBED: &[&str] = &[
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_CEILING_DIRECTORIES",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "NO_COLOR",
];

/// A scratch directory: `base/` holds the work tree `repo/`, an isolated `home/`,
/// and room for other repositories and files outside the work tree.
pub struct Repo {
    _tmp: tempfile::TempDir,
    pub base: PathBuf,
    pub root: PathBuf,
}

fn env_for(home: &Path) -> Vec<(&'static str, OsString)> {
    vec![
        ("HOME", home.as_os_str().to_os_string()),
        ("XDG_CONFIG_HOME", home.join(".config").into_os_string()),
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        (
            "GIT_CONFIG_GLOBAL",
            home.join(".gitconfig").into_os_string(),
        ),
        ("GIT_TERMINAL_PROMPT", "0".into()),
        ("GIT_AUTHOR_NAME", "Canon Tests".into()),
        ("GIT_AUTHOR_EMAIL", "tests@example.com".into()),
        ("GIT_COMMITTER_NAME", "Canon Tests".into()),
        ("GIT_COMMITTER_EMAIL", "tests@example.com".into()),
        ("LC_ALL", "C.UTF-8".into()),
    ]
}

impl Repo {
    /// A git repository on `main` without commits.
    pub fn empty() -> Repo {
        let tmp = tempfile::Builder::new()
            .prefix("canon-rb-")
            .tempdir()
            .expect("temp dir");
        let base = tmp.path().canonicalize().expect("canonicalize");
        let root = base.join("repo");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(base.join("home")).unwrap();
        fs::write(
            base.join("home/.gitconfig"),
            "[protocol \"file\"]\n\tallow = always\n[commit]\n\tgpgsign = false\n[core]\n\tautocrlf = false\n[init]\n\tdefaultBranch = main\n",
        )
        .unwrap();
        let repo = Repo {
            _tmp: tmp,
            base,
            root,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// A repository whose first commit holds `.canon.yaml` with `config`.
    pub fn with_config(config: &str) -> Repo {
        let repo = Repo::empty();
        repo.write(".canon.yaml", config);
        repo.commit_all("config");
        repo
    }

    /// A repository whose first commit holds [`CONFIG`].
    pub fn std() -> Repo {
        Repo::with_config(CONFIG)
    }

    pub fn home(&self) -> PathBuf {
        self.base.join("home")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Repo {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {rel}: {e}"));
        self
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.root.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn read_string(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).expect("UTF-8 file")
    }

    /// Runs git in `dir` and returns its stdout; panics when git fails.
    pub fn git_in<S: AsRef<OsStr>>(&self, dir: &Path, args: &[S]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env_for(&self.home()))
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {:?} failed:\n{}",
            args.iter().map(|a| a.as_ref()).collect::<Vec<_>>(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn git<S: AsRef<OsStr>>(&self, args: &[S]) -> String {
        self.git_in(&self.root, args)
    }

    /// Runs git and returns whether it succeeded (for commands that fail on purpose,
    /// like a conflicting merge).
    pub fn git_status(&self, args: &[&str]) -> bool {
        Command::new("git")
            .args(args)
            .current_dir(&self.root)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env_for(&self.home()))
            .output()
            .expect("run git")
            .status
            .success()
    }

    pub fn add(&self, paths: &[&str]) -> &Repo {
        let mut args = vec!["add", "--"];
        args.extend_from_slice(paths);
        self.git(&args);
        self
    }

    pub fn commit_all(&self, message: &str) -> &Repo {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self
    }

    /// A canon invocation with the work tree root as working directory.
    pub fn canon<S: AsRef<OsStr>>(&self, args: &[S]) -> Run {
        Run::new(&self.home(), &self.root, args)
    }

    /// `canon ARGS --output-format concise` in the work tree root.
    pub fn concise(&self, args: &[&str]) -> Out {
        let mut all = args.to_vec();
        all.extend(["--output-format", "concise"]);
        self.canon(&all).run()
    }
}

/// Where one of canon's output streams goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    /// Read by the test (the default).
    Captured,
    /// `/dev/full`: every write fails with "No space left on device".
    Full,
    /// A pipe whose reading end is closed at once: writes fail with a broken pipe
    /// once the pipe's buffer is full.
    Closed,
}

impl Sink {
    fn stdio(self) -> Stdio {
        match self {
            Sink::Captured | Sink::Closed => Stdio::piped(),
            Sink::Full => fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .expect("open /dev/full")
                .into(),
        }
    }
}

/// A pending canon invocation.
pub struct Run {
    args: Vec<OsString>,
    cwd: PathBuf,
    env: Vec<(&'static str, OsString)>,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
    stdout: Sink,
    stderr: Sink,
}

impl Run {
    pub fn new<S: AsRef<OsStr>>(home: &Path, cwd: &Path, args: &[S]) -> Run {
        Run {
            args: args.iter().map(|a| a.as_ref().to_os_string()).collect(),
            cwd: cwd.to_path_buf(),
            env: env_for(home),
            stdin: None,
            timeout: DEFAULT_TIMEOUT,
            stdout: Sink::Captured,
            stderr: Sink::Captured,
        }
    }

    /// Sends canon's stdout to `sink` instead of capturing it.
    pub fn stdout_to(mut self, sink: Sink) -> Run {
        self.stdout = sink;
        self
    }

    /// Sends canon's stderr to `sink` instead of capturing it.
    pub fn stderr_to(mut self, sink: Sink) -> Run {
        self.stderr = sink;
        self
    }

    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Run {
        self.stdin = Some(data.into());
        self
    }

    /// Sets an environment variable for this run (after the scrubbed ones are removed).
    pub fn env(mut self, key: &'static str, value: impl AsRef<OsStr>) -> Run {
        self.env.push((key, value.as_ref().to_os_string()));
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Run {
        self.timeout = timeout;
        self
    }

    /// Runs canon; fails the test when it panics, dies of a signal or outlives the
    /// timeout.
    pub fn run(self) -> Out {
        let mut command = Command::new(env!("CARGO_BIN_EXE_canon"));
        command.args(&self.args).current_dir(&self.cwd);
        for key in SCRUBBED {
            command.env_remove(key);
        }
        command.envs(self.env.iter().map(|(k, v)| (*k, v)));
        command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(self.stdout.stdio())
            .stderr(self.stderr.stdio());
        let started = Instant::now();
        let mut child = command.spawn().expect("spawn canon");
        if self.stdout == Sink::Closed {
            drop(child.stdout.take());
        }
        let feeder = self.stdin.map(|data| {
            let mut pipe = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                // canon may stop reading early; a broken pipe is not a failure here.
                let _ = pipe.write_all(&data);
            })
        });
        let stdout_reader = read_all(child.stdout.take());
        let stderr_reader = read_all(child.stderr.take());
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for canon") {
                break Some(status);
            }
            if started.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(feeder) = feeder {
            let _ = feeder.join();
        }
        let raw_stdout = stdout_reader.join().unwrap();
        let raw_stderr = stderr_reader.join().unwrap();
        let stdout = String::from_utf8_lossy(&raw_stdout).into_owned();
        let stderr = String::from_utf8_lossy(&raw_stderr).into_owned();
        let shown = |text: &str| text.chars().take(4000).collect::<String>();
        let Some(status) = status else {
            panic!(
                "canon {:?} did not finish within {:?}\nstdout:\n{}\nstderr:\n{}",
                self.args,
                self.timeout,
                shown(&stdout),
                shown(&stderr)
            );
        };
        let code = status.code();
        assert!(
            code.is_some() && code != Some(101) && !stderr.contains("panicked"),
            "canon {:?} crashed ({status:?})\nstdout:\n{}\nstderr:\n{}",
            self.args,
            shown(&stdout),
            shown(&stderr)
        );
        Out {
            code: code.unwrap(),
            stdout,
            stderr,
        }
    }
}

/// A thread that reads `pipe` to its end (nothing when there is no pipe).
fn read_all(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// The captured result of a canon run.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// One diagnostic of concise output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub code: String,
    pub rest: String,
}

impl Out {
    pub fn assert_code(&self, expected: i32) -> &Out {
        assert_eq!(
            self.code,
            expected,
            "unexpected exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout.chars().take(4000).collect::<String>(),
            self.stderr.chars().take(4000).collect::<String>()
        );
        self
    }

    /// The diagnostics of concise output (lines that do not parse are skipped).
    pub fn diags(&self) -> Vec<Diag> {
        self.stdout.lines().filter_map(parse_concise).collect()
    }

    /// `(path, line, col, code)` of every diagnostic, CAN000 included.
    pub fn locs(&self) -> Vec<(String, usize, usize, String)> {
        self.diags()
            .into_iter()
            .map(|d| (d.path, d.line, d.col, d.code))
            .collect()
    }

    /// `(path, line, col)` of the diagnostics with `code`.
    pub fn with_code(&self, code: &str) -> Vec<(String, usize, usize)> {
        self.diags()
            .into_iter()
            .filter(|d| d.code == code)
            .map(|d| (d.path, d.line, d.col))
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts stderr is exactly one non-empty line (the exit-2 contract) and returns it.
    pub fn one_error_line(&self) -> &str {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one line on stderr, got:\n{}",
            self.stderr
        );
        lines[0]
    }
}

/// `path:line:col: CODE rest`; the path may contain `:`, so the last match wins.
pub fn parse_concise(line: &str) -> Option<Diag> {
    let code_at = line.find(": CAN")?;
    let head = &line[..code_at];
    let mut parts = head.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let row = parts.next()?.parse().ok()?;
    let path = parts.next()?.to_string();
    let tail = &line[code_at + 2..];
    let (code, rest) = tail.split_once(' ').unwrap_or((tail, ""));
    Some(Diag {
        path,
        line: row,
        col,
        code: code.to_string(),
        rest: rest.to_string(),
    })
}

/// Shorthand for an expected `with_code` entry.
pub fn at(path: &str, line: usize, col: usize) -> (String, usize, usize) {
    (path.to_string(), line, col)
}
