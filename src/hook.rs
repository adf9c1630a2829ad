//! `canon install-hook`: installs `hooks/pre-commit` as the repository's git
//! pre-commit hook.
//!
//! This module owns where the hook goes and what happens to a hook that is already
//! there:
//!
//! - the hooks directory is `core.hooksPath` when set (a relative value is resolved
//!   against the root of the work tree, as git does), else `hooks/` in the common git
//!   directory, which linked worktrees share; a submodule has its own git directory
//!   and so its own hooks;
//! - canon's own hook is one whose content is a hook script canon has installed,
//!   unmodified; it is updated in place. A hook that carries canon's marker line but
//!   was edited (a step added, or canon's lines pasted into a multi-tool hook) is not
//!   canon's: it holds someone's work;
//! - a hook that is not canon's is kept and reported (exit status 1), and is replaced
//!   only with `--force`, after it is preserved as `pre-commit.canon-backup` (or
//!   `pre-commit.canon-backup.N`: an existing backup is never overwritten);
//! - the hook is written atomically and is executable.
//!
//! Everything git-related goes through libgit2 (`git2`); canon never runs `git`.

use crate::console;
use crate::output::escape;
use git2::Repository;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The hook script that is installed (the repository's `hooks/pre-commit`).
pub const HOOK_SCRIPT: &str = include_str!("../hooks/pre-commit");

/// The line that marks a hook as derived from canon's (see [`carries_marker`]).
pub const MARKER: &str = "# canon pre-commit hook";

/// Every hook script `canon install-hook` has ever installed, oldest first. A hook
/// with exactly one of these contents is canon's own and may be replaced without a
/// backup. When `hooks/pre-commit` changes, its previous text is kept in
/// `hooks/previous/` and listed here (the unit test
/// `the_shipped_script_is_unchanged_or_recorded` is the reminder).
const SHIPPED_HOOKS: &[&str] = &[include_str!("../hooks/previous/pre-commit.1"), HOOK_SCRIPT];

/// The name of the first backup of a replaced hook; later ones get `.1`, `.2`, ...
pub const BACKUP_NAME: &str = "pre-commit.canon-backup";

/// How many leading lines of a hook are searched for [`MARKER`].
const MARKER_LINES: usize = 5;

/// Installs the hook for the repository around the working directory.
///
/// Returns the exit status: 0 when canon's hook is installed (or already was),
/// 1 when a foreign hook was kept. Errors (no repository, unreadable config,
/// I/O) are returned as messages and end the run with status 2.
pub fn install(force: bool) -> Result<i32, String> {
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    let repo = crate::gitsource::open_repository(&cwd).map_err(|error| {
        crate::gitsource::ownership_refusal(&error, &cwd).unwrap_or_else(|| {
            format!(
                "{}: not a git repository (install-hook needs one)",
                cwd.display()
            )
        })
    })?;
    if repo.is_bare() {
        return Err(format!(
            "{}: bare repository has no work tree; a pre-commit hook never runs there",
            repo.path().display()
        ));
    }
    let dir = hooks_dir(&repo)?;
    let hook = dir.join("pre-commit");
    let shown = escape(&hook.display().to_string()).into_owned();
    // What is said on stdout once the hook is in place.
    let mut said = String::new();
    let code = match std::fs::symlink_metadata(&hook) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&dir)
                .map_err(|error| format!("{}: cannot create: {error}", dir.display()))?;
            write_hook(&dir, &hook)?;
            said = format!("Installed canon's pre-commit hook: {shown}\n");
            0
        }
        Err(error) => return Err(format!("{}: {error}", hook.display())),
        Ok(metadata) if metadata.is_dir() => {
            return Err(format!("{}: is a directory; not replaced", hook.display()))
        }
        Ok(metadata) => {
            // A dangling symlink reads as nothing: it is not canon's hook.
            let existing = std::fs::read(&hook).unwrap_or_default();
            if is_canon_hook(&existing) {
                if existing == HOOK_SCRIPT.as_bytes()
                    && !metadata.file_type().is_symlink()
                    && is_executable(&metadata)
                {
                    said = format!("canon's pre-commit hook is already up to date: {shown}\n");
                } else {
                    write_hook(&dir, &hook)?;
                    said = format!("Updated canon's pre-commit hook: {shown}\n");
                }
                0
            } else if force {
                let backup = back_up(&dir, &hook)?;
                write_hook(&dir, &hook)?;
                said = format!(
                    "Backed up the existing pre-commit hook to {}\nInstalled canon's pre-commit hook: {shown}\n",
                    escape(&backup.display().to_string())
                );
                0
            } else {
                console::eprint_line(&format!(
                    "canon: {shown}: kept the existing pre-commit hook, {}; canon's hook is not installed",
                    why_foreign(&existing)
                ));
                console::eprint_line(&format!(
                    "canon: to replace it, run `canon install-hook --force` (it is backed up first, as {BACKUP_NAME} or {BACKUP_NAME}.N)"
                ));
                1
            }
        }
    };
    // The hook is in place whatever happens to the message that says so.
    console::print(&said)
        .map_err(|error| format!("{error}; canon's pre-commit hook is installed: {shown}"))?;
    if code == 0 && !on_path("canon") && std::env::var_os("CANON").is_none() {
        console::eprint_line(
            "canon: note: `canon` is not on PATH here; the hook runs `canon` from PATH, or the program named by $CANON",
        );
    }
    Ok(code)
}

/// The directory git runs this repository's hooks from.
pub fn hooks_dir(repo: &Repository) -> Result<PathBuf, String> {
    let config = repo
        .config()
        .map_err(|error| format!("cannot read the git config: {}", error.message()))?;
    let configured = match config.get_string("core.hooksPath") {
        Ok(value) if !value.is_empty() => Some(
            config
                .get_path("core.hooksPath")
                .unwrap_or_else(|_| PathBuf::from(value)),
        ),
        Ok(_) => None,
        Err(error) if error.code() == git2::ErrorCode::NotFound => None,
        Err(error) => return Err(format!("cannot read core.hooksPath: {}", error.message())),
    };
    Ok(match configured {
        // git runs hooks from the root of the work tree, so a relative hooksPath
        // is relative to it (joining an absolute path yields that path).
        Some(path) => repo.workdir().unwrap_or_else(|| repo.path()).join(path),
        None => repo.commondir().join("hooks"),
    })
}

/// True when `content` is one of [`SHIPPED_HOOKS`], unmodified. CRLF line endings
/// count as unmodified (a checkout or editor may convert them; the text is the same).
pub fn is_canon_hook(content: &[u8]) -> bool {
    let text = String::from_utf8_lossy(content).replace("\r\n", "\n");
    SHIPPED_HOOKS.iter().any(|shipped| *shipped == text)
}

/// True when `content` carries canon's marker line near its top: a hook that is
/// canon's, or was made from canon's and then edited.
pub fn carries_marker(content: &[u8]) -> bool {
    String::from_utf8_lossy(content)
        .lines()
        .take(MARKER_LINES)
        .any(|line| line.trim_end() == MARKER)
}

/// Why the existing hook `content` is kept: whose it looks like, and what to do.
fn why_foreign(content: &[u8]) -> &'static str {
    if is_pre_commit_framework_hook(content) {
        "which canon did not write (the pre-commit framework's: add canon to .pre-commit-config.yaml instead)"
    } else if carries_marker(content) {
        "which differs from every hook canon installs (canon's hook edited, or its lines added to another hook)"
    } else {
        "which canon did not write"
    }
}

fn is_pre_commit_framework_hook(content: &[u8]) -> bool {
    String::from_utf8_lossy(content).contains("File generated by pre-commit")
}

/// Writes the hook script to `hook` atomically (temp file in `dir`, fsync, rename),
/// executable by everyone and writable by the owner.
fn write_hook(dir: &Path, hook: &Path) -> Result<(), String> {
    let mut temp = tempfile::Builder::new()
        .prefix(".pre-commit.canon-")
        .tempfile_in(dir)
        .map_err(|error| format!("{}: cannot create a temporary file: {error}", dir.display()))?;
    temp.write_all(HOOK_SCRIPT.as_bytes())
        .and_then(|_| temp.as_file().sync_all())
        .map_err(|error| format!("{}: cannot write: {error}", hook.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|error| format!("{}: cannot make executable: {error}", hook.display()))?;
    }
    temp.persist(hook)
        .map_err(|error| format!("{}: cannot replace: {}", hook.display(), error.error))?;
    Ok(())
}

/// Preserves `hook` under the first backup name not taken yet and returns it.
/// A hard link keeps the original file (or symlink) exactly; where the file system
/// refuses one, the bytes and permissions are copied into a new file.
fn back_up(dir: &Path, hook: &Path) -> Result<PathBuf, String> {
    for number in 0u32.. {
        let name = match number {
            0 => BACKUP_NAME.to_string(),
            n => format!("{BACKUP_NAME}.{n}"),
        };
        let backup = dir.join(name);
        if std::fs::symlink_metadata(&backup).is_ok() {
            continue;
        }
        match std::fs::hard_link(hook, &backup) {
            Ok(()) => return Ok(backup),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => {}
        }
        let bytes = std::fs::read(hook)
            .map_err(|error| format!("{}: cannot read: {error}", hook.display()))?;
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&backup)
        {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(format!("{}: cannot create: {error}", backup.display()));
            }
        };
        file.write_all(&bytes)
            .and_then(|_| file.sync_all())
            .map_err(|error| format!("{}: cannot write: {error}", backup.display()))?;
        if let Ok(metadata) = std::fs::metadata(hook) {
            let _ = std::fs::set_permissions(&backup, metadata.permissions());
        }
        return Ok(backup);
    }
    Err(format!(
        "{}: no free backup name for the existing hook",
        dir.display()
    ))
}

#[cfg(unix)]
fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o111 == 0o111
}

#[cfg(not(unix))]
fn is_executable(_metadata: &std::fs::Metadata) -> bool {
    true
}

/// True when an executable file named `program` is in one of PATH's directories.
fn on_path(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        let candidate = dir.join(program);
        std::fs::metadata(&candidate).is_ok_and(|metadata| {
            metadata.is_file() && {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    metadata.permissions().mode() & 0o111 != 0
                }
                #[cfg(not(unix))]
                {
                    true
                }
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_installed_script_carries_the_marker() {
        assert!(is_canon_hook(HOOK_SCRIPT.as_bytes()));
        assert!(carries_marker(HOOK_SCRIPT.as_bytes()));
        assert_eq!(SHIPPED_HOOKS.last(), Some(&HOOK_SCRIPT));
        assert!(HOOK_SCRIPT.starts_with("#!/bin/sh\n"));
    }

    #[test]
    fn the_marker_is_looked_for_near_the_top_only() {
        assert!(carries_marker(
            b"#!/bin/sh\r\n# canon pre-commit hook\r\nexit 0\r\n"
        ));
        assert!(!carries_marker(b"#!/bin/sh\n# canon pre-commit hooks\n"));
        assert!(!carries_marker(
            b"#!/bin/sh\n\n\n\n\n\n# canon pre-commit hook\n"
        ));
        assert!(!carries_marker(b""));
    }

    #[test]
    fn only_an_unmodified_shipped_script_is_canons_hook() {
        assert!(is_canon_hook(HOOK_SCRIPT.replace('\n', "\r\n").as_bytes()));
        let edited = HOOK_SCRIPT.replace("exec ", "black --check . || exit 1\nexec ");
        assert!(!is_canon_hook(edited.as_bytes()));
        assert!(carries_marker(edited.as_bytes()));
        assert!(!is_canon_hook(
            b"#!/bin/sh\n# canon pre-commit hook\nexit 0\n"
        ));
        assert!(!is_canon_hook(format!("{HOOK_SCRIPT}\n").as_bytes()));
        assert!(!is_canon_hook(b""));
    }

    /// FNV-1a, a digest that stays the same across Rust versions.
    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    #[test]
    fn the_shipped_script_is_unchanged_or_recorded() {
        assert_eq!(
            (SHIPPED_HOOKS.len(), fnv1a(HOOK_SCRIPT.as_bytes())),
            (2, 0xf883_067d_fa18_e7cf),
            "hooks/pre-commit changed: keep its previous text as hooks/previous/pre-commit.N \
             and list it in SHIPPED_HOOKS (installed hooks of that version are canon's), \
             then update the count and digest here"
        );
    }
}
