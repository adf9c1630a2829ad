//! Fixtures: a real git repository in a temporary directory, and a runner for
//! the `canon` binary with a controlled environment.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A git work tree in a temporary directory, on branch `main`, with a local identity.
pub struct Repo {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

/// Environment variables that must not leak into a run.
const SCRUBBED: &[&str] = &[
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
];

impl Repo {
    /// An empty repository without commits.
    pub fn new() -> Repo {
        let tmp = tempfile::Builder::new()
            .prefix("canon-fr-")
            .tempdir()
            .expect("temp dir");
        let root = tmp.path().canonicalize().expect("canonical temp dir");
        let repo = Repo { _tmp: tmp, root };
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
        repo.commit_all("config");
        repo
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes `contents` to `rel`, creating parent directories.
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

    pub fn read_text(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).expect("UTF-8 file")
    }

    /// Runs git in the work tree; panics when it fails. Returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(&self.root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_TERMINAL_PROMPT", "0");
        for key in SCRUBBED {
            cmd.env_remove(key);
        }
        let out = cmd.output().expect("run git");
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

    pub fn commit_all(&self, message: &str) -> &Repo {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self
    }

    /// Runs canon with `args` in the work tree root.
    pub fn canon(&self, args: &[&str]) -> Out {
        self.run_canon(args, None)
    }

    /// Runs canon with `args` in the work tree root, `input` on its standard input.
    pub fn canon_with_stdin(&self, args: &[&str], input: &[u8]) -> Out {
        self.run_canon(args, Some(input))
    }

    fn run_canon(&self, args: &[&str], input: Option<&[u8]>) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_canon"));
        cmd.args(args)
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for key in SCRUBBED {
            cmd.env_remove(key);
        }
        let mut child = cmd.spawn().expect("run canon");
        if let (Some(input), Some(mut pipe)) = (input, child.stdin.take()) {
            // canon may stop reading early; a broken pipe is not a failure of the test.
            let _ = std::io::Write::write_all(&mut pipe, input);
        }
        let output = child.wait_with_output().expect("wait for canon");
        let out = Out {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            out.code.is_some() && !out.stderr.contains("panicked"),
            "canon {args:?} crashed\n{out}"
        );
        out
    }

    /// Runs canon with `args` plus `--output-format concise`.
    pub fn concise(&self, args: &[&str]) -> Out {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--output-format", "concise"]);
        self.canon(&all)
    }
}

/// What a canon run printed and how it exited.
pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Out {
    /// Asserts the exit status, showing the whole run when it differs.
    pub fn code(&self, expected: i32) -> &Out {
        assert_eq!(self.code, Some(expected), "unexpected exit status\n{self}");
        self
    }

    /// The non-empty stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().filter(|l| !l.is_empty()).collect()
    }

    /// `path:line:col: CODE [rule]` of every concise line that is not CAN000.
    pub fn heads(&self) -> Vec<String> {
        self.lines()
            .into_iter()
            .filter(|line| !line.contains(": CAN000 "))
            .map(|line| match line.find("] ") {
                Some(end) => line[..=end].to_string(),
                None => line.to_string(),
            })
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{self}"))
    }
}

/// Joins lines with `\n`, with a trailing newline.
pub fn lines(ls: &[&str]) -> String {
    let mut text = ls.join("\n");
    text.push('\n');
    text
}

/// Asserts that `path` parses as Python with `python3 -c "import ast; ..."`.
pub fn assert_python_parses(path: &Path) {
    let out = Command::new("python3")
        .args([
            "-c",
            "import ast,sys; ast.parse(open(sys.argv[1], encoding='utf-8-sig').read())",
        ])
        .arg(path)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{} does not parse:\n{}\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr),
        fs::read_to_string(path).unwrap_or_default()
    );
}

/// `(row, applicability)` of every fix `check` offers for `path`, in output order.
pub fn applicabilities(repo: &Repo, path: &str) -> Vec<(u64, String)> {
    let json = repo
        .canon(&["check", path, "--output-format", "json"])
        .json();
    json.as_array()
        .expect("a JSON array")
        .iter()
        .map(|item| {
            (
                item["location"]["row"].as_u64().unwrap_or_default(),
                item["fix"]["applicability"]
                    .as_str()
                    .unwrap_or("none")
                    .to_string(),
            )
        })
        .collect()
}

/// The `(row, applicability)` list `applicabilities` gives for these fixes.
pub fn fixes(expected: &[(u64, &str)]) -> Vec<(u64, String)> {
    expected
        .iter()
        .map(|&(row, applicability)| (row, applicability.to_string()))
        .collect()
}
