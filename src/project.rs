//! A run's project: the workspace (repository and root), the loaded config, and the
//! checker built from them. Shared by `check`, `report` and the rule commands.

use crate::config::{self, Config};
use crate::gitsource::{slash_path, Workspace};
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
        let ws = Workspace::discover(&cwd)?;
        let stop = ws.repo.as_ref().map(|_| ws.root.as_path());
        let explicit = explicit_config.map(|path| cwd.join(path));
        let path = config::discover(explicit.as_deref(), &ws.cwd, stop)?;
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        let config = config::load(&path).map_err(|mut error| {
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

    /// The absolute path of a root-relative path.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        self.ws.root.join(path)
    }
}
