//! Shared fixtures: real git repositories in temporary directories and a
//! runner for the `canon` binary.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Three import rules used by most tests.
pub const STD_CONFIG: &str = r#"version: 1
src: ["."]
rules:
  - id: ws-manager
    kind: import
    canonical: netra.ws.ssot_manager.SSOTWebSocketManager
    deprecated:
      - netra.ws.manager.WebSocketManager
      - netra.ws.unified_manager.WebSocketManager
    allow-in: ["netra/ws/ssot_manager.py"]
    message: "WebSocket managers come from the SSOT module"
  - id: old-utils
    kind: import
    canonical: pkg.new_utils
    deprecated:
      - pkg.old_utils
  - id: notifier
    kind: import
    canonical: netra.services.bridge.WebSocketNotifier
    deprecated:
      - netra.legacy.notifier.WebSocketNotifier
"#;

/// `from netra.ws.manager import WebSocketManager`: the name is at column 30.
/// One import rule over an `app` package: a legacy class and a legacy module.
pub const APP_MANAGER_CONFIG: &str = "version: 1
rules:
  - id: manager
    kind: import
    canonical: app.core.ws.Manager
    deprecated: [app.legacy.ws.Manager, app.legacy.cache]
";
pub const WS_IMPORT: &str = "from netra.ws.manager import WebSocketManager";
pub const WS_COL: usize = 30;
/// The fix of `WS_IMPORT` under `STD_CONFIG`.
pub const WS_FIX: &str =
    "from netra.ws.ssot_manager import SSOTWebSocketManager as WebSocketManager";
/// `import pkg.old_utils`: the module is at column 8.
pub const UTILS_IMPORT: &str = "import pkg.old_utils";
pub const UTILS_COL: usize = 8;
/// `from netra.legacy.notifier import WebSocketNotifier`: the name is at column 35.
pub const NOTIFIER_IMPORT: &str = "from netra.legacy.notifier import WebSocketNotifier";
pub const NOTIFIER_COL: usize = 35;
/// The fix of `NOTIFIER_IMPORT`: the canonical name equals the local name.
pub const NOTIFIER_FIX: &str = "from netra.services.bridge import WebSocketNotifier";

/// Environment variables that must never leak into a run from the outside.
const SCRUBBED_ENV: &[&str] = &[
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "PRE_COMMIT_ORIGIN",
    "PRE_COMMIT_SOURCE",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_CEILING_DIRECTORIES",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "CLICOLOR",
];

/// A scratch directory holding a git work tree (`repo/`) and an isolated
/// `$HOME` (`home/`).
pub struct Repo {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
}

impl Repo {
    /// A directory that is not a git repository.
    pub fn plain() -> Repo {
        let tmp = tempfile::Builder::new()
            .prefix("canon-it-")
            .tempdir()
            .expect("create temp dir");
        let base = tmp.path().canonicalize().expect("canonicalize temp dir");
        let root = base.join("repo");
        let home = base.join("home");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&home).unwrap();
        Repo {
            _tmp: tmp,
            root,
            home,
        }
    }

    /// An empty git repository on branch `main`, without commits.
    pub fn new() -> Repo {
        let repo = Repo::plain();
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Canon Tests"]);
        repo.git(&["config", "user.email", "tests@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo.git(&["config", "core.autocrlf", "false"]);
        repo
    }

    /// A repository whose first commit holds `.canon.yaml` with `config`.
    pub fn with_config(config: &str) -> Repo {
        let repo = Repo::new();
        repo.write(".canon.yaml", config);
        repo.commit_all("add canon config");
        repo
    }

    /// A repository whose first commit holds `STD_CONFIG`.
    pub fn std() -> Repo {
        Repo::with_config(STD_CONFIG)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `contents` to `rel` (relative to the work tree), creating parents.
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

    pub fn remove(&self, rel: &str) -> &Repo {
        fs::remove_file(self.root.join(rel)).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
        self
    }

    /// Runs git in the work tree and returns its stdout; panics when git fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.root)
            .envs(self.base_env())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_PREFIX")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn add(&self, paths: &[&str]) -> &Repo {
        let mut args = vec!["add", "--"];
        args.extend_from_slice(paths);
        self.git(&args);
        self
    }

    /// Commits what is staged.
    pub fn commit(&self, msg: &str) -> &Repo {
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self
    }

    /// Stages everything and commits it.
    pub fn commit_all(&self, msg: &str) -> &Repo {
        self.git(&["add", "-A"]);
        self.commit(msg)
    }

    /// The full hash of `rev`.
    pub fn rev(&self, rev: &str) -> String {
        self.git(&["rev-parse", rev]).trim().to_string()
    }

    fn base_env(&self) -> Vec<(String, OsString)> {
        vec![
            ("HOME".into(), self.home.clone().into_os_string()),
            (
                "XDG_CONFIG_HOME".into(),
                self.home.join(".config").into_os_string(),
            ),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            ("GIT_CONFIG_GLOBAL".into(), "/dev/null".into()),
            ("GIT_TERMINAL_PROMPT".into(), "0".into()),
            ("LC_ALL".into(), "C.UTF-8".into()),
        ]
    }

    /// A canon invocation in the work tree root.
    pub fn canon<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Run<'_> {
        Run {
            repo: self,
            args: args.iter().map(|a| a.as_ref().to_os_string()).collect(),
            stdin: None,
            set: vec![("NO_COLOR".into(), "1".into())],
            unset: Vec::new(),
            cwd: self.root.clone(),
        }
    }

    /// Runs canon with `args` in the work tree root.
    pub fn run(&self, args: &[&str]) -> Out {
        self.canon(args).run()
    }

    /// Runs canon with `args` plus `--output-format concise`.
    pub fn concise(&self, args: &[&str]) -> Out {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&["--output-format", "concise"]);
        self.canon(&all).run()
    }
}

/// A pending canon invocation.
pub struct Run<'a> {
    repo: &'a Repo,
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
    set: Vec<(String, OsString)>,
    unset: Vec<String>,
    cwd: PathBuf,
}

impl Run<'_> {
    pub fn stdin(mut self, data: impl AsRef<[u8]>) -> Self {
        self.stdin = Some(data.as_ref().to_vec());
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.unset.retain(|k| k != key);
        self.set.retain(|(k, _)| k != key);
        self.set.push((key.into(), value.into()));
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.set.retain(|(k, _)| k != key);
        self.unset.push(key.into());
        self
    }

    /// Runs in `rel` (relative to the work tree root) instead of the root.
    pub fn cwd(mut self, rel: &str) -> Self {
        self.cwd = self.repo.root.join(rel);
        self
    }

    pub fn run(self) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_canon"));
        cmd.args(&self.args).current_dir(&self.cwd);
        for key in SCRUBBED_ENV.iter().copied().chain(["NO_COLOR"]) {
            cmd.env_remove(key);
        }
        cmd.envs(self.repo.base_env());
        for key in &self.unset {
            cmd.env_remove(key);
        }
        for (key, value) in &self.set {
            cmd.env(key, value);
        }
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn canon");
        if let Some(data) = &self.stdin {
            let mut pipe = child.stdin.take().unwrap();
            // canon may legitimately stop reading early; a broken pipe is not a test failure.
            let _ = pipe.write_all(data);
        }
        let output = child.wait_with_output().expect("wait for canon");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let code = output.status.code();
        assert!(
            code.is_some() && code != Some(101) && !stderr.contains("panicked"),
            "canon {:?} crashed ({:?})\nstdout:\n{stdout}\nstderr:\n{stderr}",
            self.args,
            output.status
        );
        Out {
            code: code.unwrap(),
            stdout,
            stderr,
            raw_stdout: output.stdout,
        }
    }
}

/// The captured result of a canon run.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
}

/// One line of concise output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub code: String,
    pub rule: Option<String>,
    pub message: String,
}

impl Out {
    /// Asserts the exit code, showing the whole run when it differs.
    pub fn assert_code(&self, expected: i32) -> &Out {
        assert_eq!(
            self.code, expected,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Parses stdout as concise output; every non-empty line must be a diagnostic.
    pub fn diags(&self) -> Vec<Diag> {
        self.stdout
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                parse_concise(l).unwrap_or_else(|| {
                    panic!(
                        "not a concise diagnostic line: {l:?}\nstdout:\n{}\nstderr:\n{}",
                        self.stdout, self.stderr
                    )
                })
            })
            .collect()
    }

    /// `(path, line, col, rule-id)` of every diagnostic except `CAN000`, sorted.
    pub fn locs(&self) -> Vec<(String, usize, usize, String)> {
        let mut v: Vec<_> = self
            .diags()
            .into_iter()
            .filter(|d| d.code != "CAN000")
            .map(|d| {
                let rule = d.rule.clone().unwrap_or_default();
                (d.path, d.line, d.col, rule)
            })
            .collect();
        v.sort();
        v
    }

    /// The `CAN000` diagnostics.
    pub fn parse_warnings(&self) -> Vec<Diag> {
        self.diags()
            .into_iter()
            .filter(|d| d.code == "CAN000")
            .collect()
    }

    /// Asserts one `CAN000` warning, for `path`.
    pub fn assert_one_parse_warning(&self, path: &str) {
        let warnings = self.parse_warnings();
        assert_eq!(warnings.len(), 1, "stdout:\n{}", self.stdout);
        assert_eq!(warnings[0].path, path);
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The stderr lines that are not empty.
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }
}

/// Builds the expected `locs()` entries.
pub fn loc(path: &str, line: usize, col: usize, rule: &str) -> (String, usize, usize, String) {
    (path.to_string(), line, col, rule.to_string())
}

/// Parses `path:line:col: CODE [rule-id] message`.
pub fn parse_concise(line: &str) -> Option<Diag> {
    for (i, _) in line.match_indices(':') {
        let rest = &line[i + 1..];
        let Some((l, rest)) = split_number(rest) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let Some((c, rest)) = split_number(rest) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(": ") else {
            continue;
        };
        if i == 0 {
            return None;
        }
        let (code, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        if code.len() != 6
            || !code.starts_with("CAN")
            || !code[3..].bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let (rule, message) = match rest.strip_prefix('[') {
            Some(r) => {
                let (id, msg) = r.split_once("] ")?;
                (Some(id.to_string()), msg.to_string())
            }
            None if code == "CAN000" => (None, rest.to_string()),
            None => return None,
        };
        return Some(Diag {
            path: line[..i].to_string(),
            line: l,
            col: c,
            code: code.to_string(),
            rule,
            message,
        });
    }
    None
}

fn split_number(s: &str) -> Option<(usize, &str)> {
    let end = s.bytes().take_while(u8::is_ascii_digit).count();
    if end == 0 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// Joins lines with `\n` and a trailing newline.
pub fn lines(ls: &[&str]) -> String {
    let mut s = ls.join("\n");
    s.push('\n');
    s
}

/// The 1-based character column of the first `needle` on 1-based `line` of `src`.
pub fn col_of(src: &str, line: usize, needle: &str) -> usize {
    let text = src.lines().nth(line - 1).expect("line exists");
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on line {line}"));
    text[..byte].chars().count() + 1
}
