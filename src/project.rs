//! A run's project: the workspace (repository and root), the loaded config, and the
//! checker built from them. Shared by `check`, `report` and the rule commands.

use crate::config::{self, Config};
use crate::gitsource::{self, slash_path, Workspace};
use crate::rules::{Checker, ConfigBase, Selection};
use std::path::{Path, PathBuf};

pub struct Project {
    pub ws: Workspace,
    pub config: Config,
}

impl Project {
    /// Opens the workspace around the working directory and loads its config.
    pub fn open(explicit_config: Option<&Path>) -> Result<Project, String> {
        let cwd = std::env::current_dir()
            .map_err(|error| format!("cannot read the working directory: {error}"))?;
        let mut ws = Workspace::discover(&cwd)?;
        let stop = ws.repo.as_ref().map(|_| ws.root.as_path());
        let explicit = explicit_config.map(|path| cwd.join(path));
        let path = config::discover(explicit.as_deref(), &ws.cwd, stop)?;
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        if let Some(dir) = path.parent() {
            ws.root_at_config(dir);
        }
        let config = config::load(&path, &ws.root).map_err(|mut error| {
            if let Ok(relative) = error.path.strip_prefix(&ws.cwd) {
                error.path = relative.to_path_buf();
            }
            error.to_string()
        })?;
        Ok(Project { ws, config })
    }

    /// Where the config directory lies relative to the project root.
    fn config_base(&self) -> ConfigBase {
        if let Ok(inner) = self.config.dir.strip_prefix(&self.ws.root) {
            return ConfigBase::Inside(slash_path(inner));
        }
        match self.ws.root.strip_prefix(&self.config.dir) {
            Ok(inner) => ConfigBase::Above(slash_path(inner)),
            Err(_) => ConfigBase::Above(String::new()),
        }
    }

    /// A checker with `selection`, or an error naming an unknown id or code.
    pub fn checker(&self, selection: Selection) -> Result<Checker<'_>, String> {
        for (flag, items) in [
            ("--select", &selection.select),
            ("--ignore", &selection.ignore),
        ] {
            for item in items {
                if !self.known_rule_or_code(item) {
                    return Err(format!(
                        "{flag}: unknown rule id or code `{item}` (see `canon rules`)"
                    ));
                }
            }
        }
        Ok(Checker::new(&self.config, selection, self.config_base()))
    }

    fn known_rule_or_code(&self, item: &str) -> bool {
        let codes = ["CAN000", "CAN001", "CAN002", "CAN003", "CAN004"];
        item == crate::diagnostic::PARSE_RULE
            || codes.iter().any(|code| code.eq_ignore_ascii_case(item))
            || self.config.rule(item).is_some()
    }

    /// A note for each path in `paths` (relative to the working directory) that the
    /// config does not govern: a Python file, or a directory, outside the directory of
    /// a config that lies in a subdirectory of the root (it governs only the files
    /// under it). The config's directory itself is checked whole, and a directory
    /// holding it in part: neither gets one.
    pub fn ungoverned_notes(&self, checker: &Checker, paths: &[PathBuf]) -> Vec<String> {
        let ConfigBase::Inside(prefix) = self.config_base() else {
            return Vec::new();
        };
        if prefix.is_empty() {
            return Vec::new();
        }
        let config = self.config_display();
        paths
            .iter()
            .filter(|arg| {
                let is_dir = self.ws.cwd.join(arg).is_dir();
                if !is_dir && !gitsource::is_python_path(&arg.to_string_lossy()) {
                    return false;
                }
                let Ok(path) = self.ws.relative(arg) else {
                    return false;
                };
                let holds_config = is_dir && holds_dir(&path, &prefix);
                checker.config_path(&path).is_none() && !holds_config
            })
            .map(|arg| {
                format!(
                    "{}: not checked; outside the directory of the config {config}",
                    arg.display()
                )
            })
            .collect()
    }

    /// The config file as a message names it: relative to the working directory when
    /// it lies under it, else absolute.
    fn config_display(&self) -> String {
        let path = &self.config.path;
        path.strip_prefix(&self.ws.cwd)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// What `canon report` covers without paths: the directory of the config, or the
    /// root when the config lies above it or outside it (it governs every file then).
    pub fn default_report_dir(&self) -> PathBuf {
        if self.config.dir.starts_with(&self.ws.root) {
            self.config.dir.clone()
        } else {
            self.ws.root.clone()
        }
    }

    /// The absolute path of a root-relative path.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        self.ws.root.join(path)
    }
}

/// Whether the root-relative directory `dir` is `inner` or one of its ancestors.
fn holds_dir(dir: &str, inner: &str) -> bool {
    dir.is_empty()
        || inner
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}
