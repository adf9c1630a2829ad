//! Writing fixed files safely: only regular files inside the project root, never
//! through a symlink, atomically (temp file in the same directory, fsync, rename),
//! with the original permissions.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// Writing would be unsafe (a symlink, not a regular file, outside the root).
    Refused(String),
    /// The file system failed.
    Failed(String),
}

/// Writes `bytes` to `path` (inside `root`) atomically, or says why it did not.
pub fn write_atomically(root: &Path, path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let (target, permissions) = checked_target(root, path)?;
    replace(&target, bytes, permissions)
        .map_err(|error| WriteError::Failed(format!("{}: {error}", path.display())))
}

/// The real path to write and the permissions to keep, or why writing is refused.
fn checked_target(root: &Path, path: &Path) -> Result<(PathBuf, std::fs::Permissions), WriteError> {
    let failed = |error: std::io::Error| WriteError::Failed(format!("{}: {error}", path.display()));
    let refused =
        |why: &str| WriteError::Refused(format!("{}: {why}; not written", path.display()));
    let metadata = std::fs::symlink_metadata(path).map_err(failed)?;
    if metadata.file_type().is_symlink() {
        return Err(refused("is a symlink"));
    }
    if !metadata.is_file() {
        return Err(refused("not a regular file"));
    }
    let parent = path
        .parent()
        .ok_or_else(|| refused("has no parent directory"))?;
    let real_parent = std::fs::canonicalize(parent).map_err(failed)?;
    let real_root = std::fs::canonicalize(root).map_err(failed)?;
    if !real_parent.starts_with(&real_root) {
        return Err(refused("outside the repository"));
    }
    Ok((
        real_parent.join(path.file_name().unwrap_or_default()),
        metadata.permissions(),
    ))
}

/// Writes a temporary file beside `target`, syncs it, and renames it over `target`.
fn replace(target: &Path, bytes: &[u8], permissions: std::fs::Permissions) -> std::io::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(parent)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), permissions)?;
    temp.persist(target).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_keeps_permissions_but_refuses_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.py");
        std::fs::write(&file, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
            write_atomically(dir.path(), &file, b"new").unwrap();
            assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o755);
            let link = dir.path().join("link.py");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(write_atomically(dir.path(), &link, b"x").is_err());
            assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        }
    }
}
