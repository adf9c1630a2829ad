//! Writing fixed files safely: only regular files inside the project root, never
//! through a symlink, atomically (temp file in the same directory, fsync, rename),
//! with the original permissions.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` (inside `root`) atomically, or says why it did not.
pub fn write_atomically(root: &Path, path: &Path, bytes: &[u8]) -> Result<(), String> {
    let metadata =
        std::fs::symlink_metadata(path).map_err(|error| format!("{}: {error}", path.display()))?;
    if metadata.file_type().is_symlink() {
        return Err(format!("{}: is a symlink; not written", path.display()));
    }
    if !metadata.is_file() {
        return Err(format!(
            "{}: not a regular file; not written",
            path.display()
        ));
    }
    let parent = path
        .parent()
        .ok_or_else(|| format!("{}: no parent directory", path.display()))?;
    let real_parent =
        std::fs::canonicalize(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
    let real_root =
        std::fs::canonicalize(root).map_err(|error| format!("{}: {error}", root.display()))?;
    if !real_parent.starts_with(&real_root) {
        return Err(format!(
            "{}: outside the repository; not written",
            path.display()
        ));
    }
    let mut temp = tempfile::NamedTempFile::new_in(&real_parent).map_err(|error| {
        format!(
            "{}: cannot create a temporary file: {error}",
            path.display()
        )
    })?;
    temp.write_all(bytes)
        .and_then(|_| temp.as_file().sync_all())
        .map_err(|error| format!("{}: cannot write: {error}", path.display()))?;
    std::fs::set_permissions(temp.path(), metadata.permissions())
        .map_err(|error| format!("{}: cannot keep permissions: {error}", path.display()))?;
    let target = real_parent.join(path.file_name().unwrap_or_default());
    temp.persist(&target)
        .map_err(|error| format!("{}: cannot replace: {}", path.display(), error.error))?;
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
