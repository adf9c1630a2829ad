//! Where the Python to check comes from: the git index (staged blobs), commits, the
//! working tree or stdin, and which of its lines count as changed.
//!
//! Everything git-related goes through libgit2 (`git2`), except reading the index for
//! `--staged`, which [`crate::index_diff`] does faster; the product never runs `git`.

use crate::index_diff;
use git2::{
    Delta, DiffFindOptions, DiffOptions, Oid, Patch, Repository, RepositoryOpenFlags, Tree,
};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// The lines of a file that are checked.
#[derive(Debug, Clone, PartialEq)]
pub enum LineSet {
    All,
    /// 1-based line numbers.
    Some(BTreeSet<usize>),
}

impl LineSet {
    /// True when any line in `first..=last` is in the set.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        match self {
            LineSet::All => true,
            LineSet::Some(lines) => lines.range(first..=last).next().is_some(),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, LineSet::Some(lines) if lines.is_empty())
    }
}

/// Where a file's bytes are read from.
#[derive(Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    Disk(PathBuf),
}

/// A file to check whose input is finished (its changed lines found) by the thread
/// that checks it.
pub type Deferred = Box<dyn FnOnce() -> FileInput + Send>;

/// Where a streamed source hands each file.
pub type Emit<'a> = &'a mut dyn FnMut(Deferred);

/// One file to check.
#[derive(Debug)]
pub struct FileInput {
    /// Relative to the project root, with `/` separators (a name that is not UTF-8
    /// is shown with U+FFFD in place of its bad bytes).
    pub path: String,
    /// The same path as the file system names it, relative to the project root: exact
    /// even when the name is not UTF-8. Fixes read and write the file there.
    pub disk_path: PathBuf,
    pub content: Content,
    pub changed: LineSet,
    /// True for files found by walking a directory: those are parsed only when their
    /// bytes contain a name the rules could match (files named explicitly and stdin are
    /// always parsed, so a malformed one always gets CAN000; a diffed file at least in
    /// the statements its change touches).
    pub prefilter: bool,
}

/// The repository (if any) and the directory output paths are relative to.
pub struct Workspace {
    pub repo: Option<Repository>,
    /// The repository's work tree, or the directory to treat as the project root.
    pub root: PathBuf,
    pub cwd: PathBuf,
}

/// A failure that ends the run with exit status 2.
pub type GitResult<T> = Result<T, String>;

pub fn is_python_path(path: &str) -> bool {
    has_python_suffix(path.as_bytes())
}

/// [`is_python_path`] for a file name as the file system gives it.
fn has_python_name(name: &std::ffi::OsStr) -> bool {
    has_python_suffix(name.as_encoded_bytes())
}

fn has_python_suffix(name: &[u8]) -> bool {
    name.ends_with(b".py") || name.ends_with(b".pyi")
}

impl Workspace {
    /// Opens the repository containing `cwd`, if there is one. A repository that git
    /// refuses to open because another user owns it is an error, as it is for git:
    /// checking its files as a plain directory would silently check something else.
    pub fn discover(cwd: &Path) -> GitResult<Workspace> {
        let cwd = canonical(cwd);
        match open_repository(&cwd) {
            Ok(repo) => {
                let root = match repo.workdir() {
                    Some(workdir) => canonical(workdir),
                    None => canonical(repo.path()),
                };
                Ok(Workspace {
                    repo: Some(repo),
                    root,
                    cwd,
                })
            }
            Err(error) => match ownership_refusal(&error, &cwd) {
                Some(message) => Err(message),
                None => Ok(Workspace {
                    repo: None,
                    root: cwd.clone(),
                    cwd,
                }),
            },
        }
    }

    /// The repository, or an error saying why a git mode needs one.
    pub fn repo(&self, mode: &str) -> GitResult<&Repository> {
        let repo = self.repository(mode)?;
        if repo.is_bare() {
            return Err(format!(
                "{}: bare repository has no work tree (needed for {mode})",
                repo.path().display()
            ));
        }
        Ok(repo)
    }

    /// The repository, bare or not (for a mode that reads only commits), or an error
    /// saying that `mode` needs one.
    pub fn repository(&self, mode: &str) -> GitResult<&Repository> {
        self.repo.as_ref().ok_or_else(|| {
            format!(
                "{}: not a git repository (needed for {mode})",
                self.cwd.display()
            )
        })
    }

    /// True in a bare repository, which has no work tree.
    pub fn is_bare(&self) -> bool {
        self.repo.as_ref().is_some_and(Repository::is_bare)
    }

    /// `arg` (relative to the working directory) as a root-relative path.
    pub fn relative(&self, arg: &Path) -> GitResult<String> {
        Ok(slash_path(&self.relative_path(arg)?))
    }

    /// `arg` (relative to the working directory) as a root-relative path the file
    /// system can open (exact even when it is not UTF-8, unlike [`Workspace::relative`]).
    pub fn relative_path(&self, arg: &Path) -> GitResult<PathBuf> {
        let absolute = self.absolute(arg);
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => Ok(relative.to_path_buf()),
            Err(_) => Err(format!(
                "{}: path is outside {}{}",
                arg.display(),
                self.root_name(),
                self.outside_repository()
            )),
        }
    }

    /// `arg` (relative to the working directory) as an absolute path, `.` and `..`
    /// resolved lexically. When that is not under the root but a leading part of it
    /// is the root reached through a symlink (a symlinked project directory, `$PWD`
    /// spelled through a link), that part is replaced by the root, as git does.
    /// Symlinks under the root are never resolved.
    fn absolute(&self, arg: &Path) -> PathBuf {
        let normal = normalize(&self.cwd.join(arg));
        if normal.starts_with(&self.root) {
            return normal;
        }
        self.through_symlink(&normal).unwrap_or(normal)
    }

    /// `path` under the root when one of its leading parts (the shortest such) is a
    /// path whose real path is the root.
    fn through_symlink(&self, path: &Path) -> Option<PathBuf> {
        let leading: Vec<&Path> = path.ancestors().collect();
        leading.into_iter().rev().find_map(|prefix| {
            let real = std::fs::canonicalize(prefix).ok()?;
            let rest = path.strip_prefix(prefix).ok()?;
            (real == self.root).then(|| self.root.join(rest))
        })
    }

    /// True when the directory `path` (absolute) is, by its real path, the root or
    /// one of its parents.
    fn is_above_root(&self, path: &Path) -> bool {
        self.root.starts_with(canonical(path))
    }

    /// The root as messages name it: the repository, or outside one the directory
    /// of the config or the working directory.
    pub fn root_name(&self) -> String {
        let root = self.root.display();
        if self.repo.is_some() {
            format!("the repository {root}")
        } else if self.root == self.cwd {
            format!("the working directory {root}")
        } else {
            format!("the directory of the config {root}")
        }
    }

    /// What an error about the root adds outside a repository, where the root is a
    /// directory of canon's choosing.
    fn outside_repository(&self) -> &'static str {
        if self.repo.is_some() {
            ""
        } else {
            " (not in a git repository)"
        }
    }

    /// Outside a repository, makes the directory of the config the root when it lies
    /// above the working directory, so that the config's whole tree can be checked.
    pub fn root_at_config(&mut self, config_dir: &Path) {
        if self.repo.is_none() && self.cwd.starts_with(config_dir) {
            self.root = config_dir.to_path_buf();
        }
    }

    fn pathspecs(&self, paths: &[PathBuf]) -> GitResult<Vec<String>> {
        paths.iter().map(|path| self.relative(path)).collect()
    }
}

/// Opens the repository containing `cwd` as git finds it. Its work tree is the one
/// git names: the directory holding a `.git` file that links to a separate git dir
/// (not that git dir's parent), or `core.worktree`.
///
/// The environment is honoured as git honours it (git exports `GIT_DIR` and
/// `GIT_WORK_TREE` to the hooks of a repository used with `--git-dir`/`--work-tree`):
/// `GIT_DIR` names the git dir (no search), `GIT_WORK_TREE` the work tree, both
/// relative to `cwd`; with `GIT_DIR` alone and no `core.worktree`, `cwd` is the top
/// of the work tree; `GIT_CEILING_DIRECTORIES` bounds the search; objects are read
/// from `GIT_OBJECT_DIRECTORY` and `GIT_ALTERNATE_OBJECT_DIRECTORIES` too.
pub fn open_repository(cwd: &Path) -> Result<Repository, git2::Error> {
    let git_dir = env_path("GIT_DIR");
    let repo = match &git_dir {
        Some(dir) => Repository::open_ext(
            cwd.join(dir),
            RepositoryOpenFlags::NO_SEARCH | RepositoryOpenFlags::NO_DOTGIT,
            &[] as &[&std::ffi::OsStr],
        )?,
        None => Repository::open_ext(cwd, RepositoryOpenFlags::empty(), ceiling_directories())?,
    };
    match env_path("GIT_WORK_TREE") {
        Some(work_tree) => repo.set_workdir(&cwd.join(work_tree), false)?,
        None if git_dir.is_some() && work_tree_is_implicit(&repo) => {
            repo.set_workdir(cwd, false)?
        }
        None => {}
    }
    add_object_directories(&repo, cwd);
    Ok(repo)
}

/// What to say when opening the repository around `cwd` failed with `error` because
/// the repository belongs to another user (git's "dubious ownership", which
/// `safe.directory` lifts), or `None` for any other failure. The path is the one
/// libgit2 names (the work tree when that is another user's), else `cwd`.
pub fn ownership_refusal(error: &git2::Error, cwd: &Path) -> Option<String> {
    if error.code() != git2::ErrorCode::Owner {
        return None;
    }
    let path = quoted_path(error.message()).unwrap_or_else(|| cwd.to_path_buf());
    let path = path.display();
    Some(format!(
        "{path}: the repository is owned by someone else (git: \"detected dubious ownership\"); \
         if you trust it, allow it with `git config --global --add safe.directory {path}`"
    ))
}

/// The path between the first and the last single quote of libgit2's message
/// "repository path '...' is not owned by current user".
fn quoted_path(message: &str) -> Option<PathBuf> {
    let start = message.find('\'')? + 1;
    let end = message.rfind('\'')?;
    (start < end).then(|| PathBuf::from(&message[start..end]))
}

/// Makes the objects in `GIT_OBJECT_DIRECTORY` and `GIT_ALTERNATE_OBJECT_DIRECTORIES`
/// readable, as git does: a pre-receive hook finds the pushed objects there (in a
/// quarantine directory) and nowhere else. A directory that cannot be added only
/// leaves its objects unfound.
fn add_object_directories(repo: &Repository, cwd: &Path) {
    let mut dirs: Vec<PathBuf> = env_path("GIT_OBJECT_DIRECTORY").into_iter().collect();
    if let Some(list) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        dirs.extend(std::env::split_paths(&list).filter(|dir| !dir.as_os_str().is_empty()));
    }
    if dirs.is_empty() {
        return;
    }
    let Ok(odb) = repo.odb() else {
        return;
    };
    for dir in dirs {
        if let Some(dir) = cwd.join(dir).to_str() {
            let _ = odb.add_disk_alternate(dir);
        }
    }
}

/// A path-valued environment variable, unless unset or empty.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// The directories listed in `GIT_CEILING_DIRECTORIES`.
fn ceiling_directories() -> Vec<PathBuf> {
    std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|value| {
            std::env::split_paths(&value)
                .filter(|dir| !dir.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// True when nothing but the working directory can name the work tree of a
/// repository opened through `GIT_DIR`: it is not bare, not a linked worktree (whose
/// git dir records its work tree) and has no `core.worktree`.
fn work_tree_is_implicit(repo: &Repository) -> bool {
    let configured = repo
        .config()
        .and_then(|config| config.get_path("core.worktree"))
        .is_ok();
    !repo.is_bare() && !repo.is_worktree() && !configured
}

/// True when `path` is one of `specs` or lies under one of them.
fn in_specs(path: &str, specs: &[String]) -> bool {
    specs.is_empty()
        || specs.iter().any(|spec| {
            spec.is_empty()
                || path == spec
                || path
                    .strip_prefix(spec.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// Removes `.` and resolves `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut result = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                result.pop();
            }
            other => result.push(other.as_os_str()),
        }
    }
    result
}

pub fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(display_name(part.as_encoded_bytes())),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// A file name's bytes as text: a byte that is not part of valid UTF-8 is shown as
/// `\xNN`, so that two names that differ only in such bytes stay apart.
pub fn display_name(bytes: &[u8]) -> String {
    if let Ok(name) = std::str::from_utf8(bytes) {
        return name.to_string();
    }
    let mut name = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        name.push_str(chunk.valid());
        for byte in chunk.invalid() {
            name.push_str(&format!("\\x{byte:02x}"));
        }
    }
    name
}

fn diff_options(specs: &[String]) -> DiffOptions {
    let mut options = DiffOptions::new();
    options
        .context_lines(0)
        .interhunk_lines(0)
        .ignore_submodules(true)
        .disable_pathspec_match(true);
    for spec in specs {
        if !spec.is_empty() {
            options.pathspec(spec);
        }
    }
    options
}

fn head_tree(repo: &Repository) -> GitResult<Option<Tree<'_>>> {
    match repo.head() {
        Ok(head) => head
            .peel_to_tree()
            .map(Some)
            .map_err(|error| format!("cannot read HEAD: {}", error.message())),
        Err(error)
            if matches!(
                error.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            Ok(None)
        }
        Err(error) => Err(format!("cannot read HEAD: {}", error.message())),
    }
}

/// The diff `make` builds for `specs` (see [`diff_options`]), renames found. pre-commit
/// passes a renamed file by its new name only, so a file the restricted diff shows as
/// added may be a rename from outside `specs`: then the diff is made again over the
/// whole tree, where the rename pairs up as it does without PATHS (the caller keeps
/// the files `specs` names).
fn diff_pairing_renames<'r>(
    specs: &[String],
    make: impl Fn(&[String]) -> GitResult<git2::Diff<'r>>,
) -> GitResult<git2::Diff<'r>> {
    let mut diff = make(specs)?;
    find_renames(&mut diff)?;
    let added_python = |delta: git2::DiffDelta<'_>| {
        matches!(delta.status(), Delta::Added | Delta::Untracked)
            && delta
                .new_file()
                .path()
                .is_some_and(|path| is_python_path(&slash_path(path)))
    };
    if specs.is_empty() || !diff.deltas().any(added_python) {
        return Ok(diff);
    }
    let mut whole = make(&[])?;
    find_renames(&mut whole)?;
    Ok(whole)
}

fn find_renames(diff: &mut git2::Diff<'_>) -> GitResult<()> {
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .map_err(|error| format!("cannot detect renames: {}", error.message()))
}

/// A changed file found in a diff: its new path, new blob, and changed lines.
struct Changed {
    path: String,
    /// The new path as git stores it (its bytes kept even when they are not UTF-8).
    disk_path: PathBuf,
    blob: Oid,
    lines: LineSet,
}

/// The Python files a diff adds or modifies, with the lines it adds.
fn changed_files(
    repo: &Repository,
    diff: &git2::Diff<'_>,
    specs: &[String],
) -> GitResult<Vec<Changed>> {
    let mut files = Vec::new();
    for (index, delta) in diff.deltas().enumerate() {
        if !matches!(
            delta.status(),
            Delta::Added
                | Delta::Modified
                | Delta::Renamed
                | Delta::Copied
                | Delta::Typechange
                | Delta::Untracked
        ) {
            continue;
        }
        let new_file = delta.new_file();
        if !matches!(
            new_file.mode(),
            git2::FileMode::Blob | git2::FileMode::BlobExecutable
        ) {
            continue;
        }
        let Some(disk_path) = new_file.path() else {
            continue;
        };
        let path = slash_path(disk_path);
        if !is_python_path(&path) || !in_specs(&path, specs) {
            continue;
        }
        let lines = if matches!(delta.status(), Delta::Added | Delta::Untracked) {
            LineSet::All
        } else {
            modified_lines(repo, diff, index, &path)?
        };
        files.push(Changed {
            path,
            disk_path: disk_path.to_path_buf(),
            blob: new_file.id(),
            lines,
        });
    }
    Ok(files)
}

/// The new lines of the `index`th delta of `diff`: from the text of its two blobs
/// when both are in the object database (as the index fast path judges them), else
/// from libgit2's patch (a work-tree file).
fn modified_lines(
    repo: &Repository,
    diff: &git2::Diff<'_>,
    index: usize,
    path: &str,
) -> GitResult<LineSet> {
    let delta = diff.get_delta(index);
    if let Some(delta) = &delta {
        let old = repo.find_blob(delta.old_file().id());
        let new = repo.find_blob(delta.new_file().id());
        if let (Ok(old), Ok(new)) = (old, new) {
            return Ok(blob_changes(old.content(), new.content()));
        }
    }
    let patch = Patch::from_diff(diff, index)
        .map_err(|error| format!("{path}: cannot diff: {}", error.message()))?;
    Ok(match patch {
        Some(patch) if !patch.delta().flags().is_binary() => hunk_lines(&patch),
        _ => LineSet::All,
    })
}

fn hunk_lines(patch: &Patch<'_>) -> LineSet {
    let mut lines = BTreeSet::new();
    for index in 0..patch.num_hunks() {
        if let Ok((hunk, _)) = patch.hunk(index) {
            let start = hunk.new_start() as usize;
            lines.extend(start..start + hunk.new_lines() as usize);
        }
    }
    LineSet::Some(lines)
}

fn read_blob(repo: &Repository, path: &str, oid: Oid) -> GitResult<Vec<u8>> {
    repo.find_blob(oid)
        .map(|blob| blob.content().to_vec())
        .map_err(|error| format!("{path}: cannot read staged content: {}", error.message()))
}

/// Inputs whose content is the blob each changed file has in the diff's new side.
fn blob_inputs(
    repo: &Repository,
    changed: impl IntoIterator<Item = Changed>,
) -> GitResult<Vec<FileInput>> {
    changed
        .into_iter()
        .map(|changed| {
            let bytes = read_blob(repo, &changed.path, changed.blob)?;
            Ok(FileInput {
                path: changed.path,
                disk_path: changed.disk_path,
                content: Content::Bytes(bytes),
                changed: changed.lines,
                prefilter: false,
            })
        })
        .collect()
}

/// The index file git is committing from: `GIT_INDEX_FILE` when git sets it (as it
/// does for `git commit -a` and `git commit PATH`), else the repository's index.
fn staged_index_path(ws: &Workspace, repo: &Repository) -> PathBuf {
    match std::env::var_os("GIT_INDEX_FILE").filter(|value| !value.is_empty()) {
        Some(file) => ws.cwd.join(PathBuf::from(file)),
        None => repo.path().join("index"),
    }
}

fn open_index(ws: &Workspace, repo: &Repository) -> GitResult<git2::Index> {
    if std::env::var_os("GIT_INDEX_FILE").is_some_and(|value| !value.is_empty()) {
        let path = staged_index_path(ws, repo);
        return git2::Index::open(&path).map_err(|error| {
            format!(
                "{}: cannot read the git index: {}",
                path.display(),
                error.message()
            )
        });
    }
    repo.index()
        .map_err(|error| format!("cannot read the git index: {}", error.message()))
}

/// The Python paths `specs` select that the index holds unmerged (a merge conflict).
fn unmerged_paths(index: &git2::Index, specs: &[String]) -> Vec<String> {
    let mut unmerged = Vec::new();
    if !index.has_conflicts() {
        return unmerged;
    }
    let Ok(conflicts) = index.conflicts() else {
        return unmerged;
    };
    for conflict in conflicts.flatten() {
        let entry = conflict.our.or(conflict.their).or(conflict.ancestor);
        if let Some(entry) = entry {
            let path = display_name(&entry.path);
            if is_python_path(&path) && in_specs(&path, specs) && !unmerged.contains(&path) {
                unmerged.push(path);
            }
        }
    }
    unmerged
}

/// Staged mode: the index blobs of changed Python files and the lines changed versus
/// HEAD (every line when there is no HEAD yet), each handed to `emit` as soon as it
/// is read. Unmerged paths are returned.
pub fn staged(ws: &Workspace, paths: &[PathBuf], emit: Emit<'_>) -> GitResult<Vec<String>> {
    let repo = ws.repo("--staged")?;
    let specs = ws.pathspecs(paths)?;
    let tree = head_tree(repo)?;
    if let Some(files) = index_diff::staged_files(repo, &staged_index_path(ws, repo), tree.as_ref())
    {
        let wanted = files
            .into_iter()
            .filter(|file| is_python_path(&file.path) && in_specs(&file.path, &specs));
        staged_file_inputs(repo, wanted, emit)?;
        return Ok(Vec::new());
    }
    let index = open_index(ws, repo)?;
    let unmerged = unmerged_paths(&index, &specs);
    let diff = diff_pairing_renames(&specs, |specs| {
        repo.diff_tree_to_index(tree.as_ref(), Some(&index), Some(&mut diff_options(specs)))
            .map_err(|error| format!("cannot diff the index against HEAD: {}", error.message()))
    })?;
    let changed = changed_files(repo, &diff, &specs)?
        .into_iter()
        .filter(|changed| !unmerged.contains(&changed.path));
    for input in blob_inputs(repo, changed)? {
        emit(Box::new(move || input));
    }
    Ok(unmerged)
}

/// Inputs for files the index adds or modifies in place: the staged blob, with the
/// lines that differ from HEAD's blob (every line of an added file). A staged blob
/// the working tree holds byte for byte is read from there (in parallel); the other
/// blobs are read in turn, each file handed to `emit` once its blobs are read, its
/// line diff left to the thread that finishes it.
fn staged_file_inputs(
    repo: &Repository,
    files: impl Iterator<Item = index_diff::StagedFile>,
    emit: Emit<'_>,
) -> GitResult<()> {
    let files: Vec<index_diff::StagedFile> = files.collect();
    let workdir = repo.workdir();
    let reused: Vec<Option<Vec<u8>>> = files
        .par_iter()
        .map(|file| workdir.and_then(|dir| worktree_copy(dir, &file.path, file.blob)))
        .collect();
    let mut files: Vec<_> = files.into_iter().zip(reused).collect();
    // The biggest files first: their checks take longest, so they start soonest.
    files
        .sort_by_key(|(_, reused)| std::cmp::Reverse(reused.as_ref().map_or(usize::MAX, Vec::len)));
    for (file, reused) in files {
        let new = match reused {
            Some(bytes) => bytes,
            None => read_blob(repo, &file.path, file.blob)?,
        };
        let old = match file.old_blob {
            Some(old) => Some(read_blob(repo, &file.path, old)?),
            None => None,
        };
        let path = file.path;
        emit(Box::new(move || FileInput {
            changed: match old {
                Some(old) => blob_changes(&old, &new),
                None => LineSet::All,
            },
            disk_path: PathBuf::from(&path),
            path,
            content: Content::Bytes(new),
            prefilter: false,
        }));
    }
    Ok(())
}

/// The working-tree copy of a staged file when it is byte for byte the staged blob
/// (its git blob id is `blob`): reading and hashing a file costs less than inflating
/// the blob, and git's own diff does the same. None when the copy differs (unstaged
/// edits, a checkout filter) or cannot be read.
fn worktree_copy(workdir: &Path, path: &str, blob: Oid) -> Option<Vec<u8>> {
    let bytes = read_file(&workdir.join(path)).ok()?;
    (blob_id(&bytes) == blob.as_bytes()).then_some(bytes)
}

/// The SHA-1 git names a blob holding `bytes` by.
fn blob_id(bytes: &[u8]) -> [u8; 20] {
    use sha1::{Digest, Sha1};
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
    hasher.finalize().into()
}

/// The lines of `bytes`, each with its line break.
fn lines_of(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::with_capacity(bytes.len() / 32 + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes) {
        lines.push(&bytes[start..=end]);
        start = end + 1;
    }
    if start < bytes.len() {
        lines.push(&bytes[start..]);
    }
    lines
}

/// How long one file's line diff may search for the smallest edit before it settles
/// for a coarser one (which can only count more lines as changed).
const LINE_DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_millis(500);

/// How much of a blob git looks at for a NUL byte to call it binary.
const BINARY_PROBE_BYTES: usize = 8000;

/// The lines of `new` that differ from `old`: the lines a Myers line diff (shifted to
/// the canonical place, as git's is) inserts or replaces; every line when either blob
/// is binary by git's test (a NUL byte in its first 8000 bytes). Diff attributes are
/// not consulted, and the blobs are not hashed again, as libgit2's patch would.
fn blob_changes(old: &[u8], new: &[u8]) -> LineSet {
    let binary =
        |bytes: &[u8]| memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE_BYTES)]).is_some();
    if binary(old) || binary(new) {
        return LineSet::All;
    }
    // The whole lines both blobs share at their start and end are found on the
    // bytes, at memory speed, and the line diff runs only on what lies between: the
    // diff stays minimal, and the line-by-line comparison of the shared lines is
    // saved.
    let (start, old_end, new_end) = common_lines(old, new);
    let first_line = memchr::memchr_iter(b'\n', &new[..start]).count();
    let old_lines = lines_of(&old[start..old_end]);
    let new_lines = lines_of(&new[start..new_end]);
    let deadline = std::time::Instant::now() + LINE_DIFF_DEADLINE;
    let operations = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        &old_lines,
        &new_lines,
        Some(deadline),
    );
    let mut lines = BTreeSet::new();
    for operation in operations {
        if matches!(
            operation.tag(),
            similar::DiffTag::Insert | similar::DiffTag::Replace
        ) {
            let added = operation.new_range();
            lines.extend(first_line + added.start + 1..=first_line + added.end);
        }
    }
    LineSet::Some(lines)
}

/// Where the whole lines `old` and `new` share at their start end (the same offset
/// in both), and where the whole lines they share at their end start in each.
fn common_lines(old: &[u8], new: &[u8]) -> (usize, usize, usize) {
    let prefix = common_prefix(old, new);
    let start = memchr::memrchr(b'\n', &new[..prefix]).map_or(0, |newline| newline + 1);
    let (old_rest, new_rest) = (&old[start..], &new[start..]);
    let mut suffix = common_suffix(old_rest, new_rest);
    let (old_at, new_at) = (old_rest.len() - suffix, new_rest.len() - suffix);
    let line_start = |rest: &[u8], at: usize| at == 0 || rest[at - 1] == b'\n';
    if !(line_start(old_rest, old_at) && line_start(new_rest, new_at)) {
        // The shared bytes start mid-line: the shared lines start after their first
        // line break (the same in both).
        suffix = match memchr::memchr(b'\n', &new_rest[new_at..]) {
            Some(newline) => suffix - newline - 1,
            None => 0,
        };
    }
    (start, old.len() - suffix, new.len() - suffix)
}

/// How many bytes `a` and `b` share at their start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let shortest = a.len().min(b.len());
    let mut at = 0;
    while at + CHUNK <= shortest && a[at..at + CHUNK] == b[at..at + CHUNK] {
        at += CHUNK;
    }
    at + a[at..shortest]
        .iter()
        .zip(&b[at..shortest])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` share at their end.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let shortest = a.len().min(b.len());
    let mut shared = 0;
    while shared + CHUNK <= shortest
        && a[a.len() - shared - CHUNK..a.len() - shared]
            == b[b.len() - shared - CHUNK..b.len() - shared]
    {
        shared += CHUNK;
    }
    shared
        + a[..a.len() - shared]
            .iter()
            .rev()
            .zip(b[..b.len() - shared].iter().rev())
            .take(shortest - shared)
            .take_while(|(x, y)| x == y)
            .count()
}

/// Working-tree files changed versus `base` (HEAD when None), untracked files included.
/// `--changed` and `--diff-base`: the working-tree files changed against HEAD (or the
/// merge base with `base`) and their changed lines; and the unmerged paths, which are
/// not checked (their text holds conflict markers).
pub fn worktree_changes(
    ws: &Workspace,
    base: Option<&str>,
    paths: &[PathBuf],
) -> GitResult<(Vec<FileInput>, Vec<String>)> {
    let mode = if base.is_some() {
        "--diff-base"
    } else {
        "--changed"
    };
    let repo = ws.repo(mode)?;
    let specs = ws.pathspecs(paths)?;
    let tree = match base {
        Some(rev) => Some(merge_base_tree(repo, rev)?),
        None => head_tree(repo)?,
    };
    let diff = diff_pairing_renames(&specs, |specs| {
        let mut options = diff_options(specs);
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .show_untracked_content(true);
        repo.diff_tree_to_workdir_with_index(tree.as_ref(), Some(&mut options))
            .map_err(|error| format!("cannot diff the work tree: {}", error.message()))
    })?;
    let unmerged = match repo.index() {
        Ok(index) => unmerged_paths(&index, &specs),
        Err(_) => Vec::new(),
    };
    let inputs = changed_files(repo, &diff, &specs)?
        .into_iter()
        .filter(|changed| !unmerged.contains(&changed.path))
        .map(|changed| FileInput {
            content: Content::Disk(ws.root.join(&changed.disk_path)),
            path: changed.path,
            disk_path: changed.disk_path,
            changed: changed.lines,
            prefilter: false,
        })
        .collect();
    Ok((inputs, unmerged))
}

fn merge_base_tree<'r>(repo: &'r Repository, rev: &str) -> GitResult<Tree<'r>> {
    let base = repo
        .revparse_single(rev)
        .and_then(|object| object.peel_to_commit())
        .map_err(|_| format!("--diff-base {rev}: unknown revision"))?;
    let head = repo
        .head()
        .and_then(|head| head.peel_to_commit())
        .map_err(|_| "--diff-base: HEAD has no commit".to_string())?;
    let merge_base = repo.merge_base(base.id(), head.id()).map_err(|_| {
        let hint = if repo.is_shallow() {
            " (shallow clone: fetch more history, e.g. `git fetch --deepen=100`)"
        } else {
            ""
        };
        format!("--diff-base {rev}: no merge base with HEAD{hint}")
    })?;
    repo.find_commit(merge_base)
        .and_then(|commit| commit.tree())
        .map_err(|error| format!("--diff-base {rev}: {}", error.message()))
}

fn commit_tree<'r>(repo: &'r Repository, rev: &str, flag: &str) -> GitResult<Option<Tree<'r>>> {
    if !rev.is_empty() && rev.chars().all(|c| c == '0') {
        return Ok(None);
    }
    repo.revparse_single(rev)
        .and_then(|object| object.peel_to_tree())
        .map(Some)
        .map_err(|_| format!("{flag} {rev}: unknown revision"))
}

/// Blobs of commit `to` and the lines changed between `from` and `to`.
pub fn between_refs(
    ws: &Workspace,
    from: &str,
    to: &str,
    paths: &[PathBuf],
) -> GitResult<Vec<FileInput>> {
    // Only commits are read: a bare repository will do (a server-side check).
    let repo = ws.repository("--from-ref/--to-ref")?;
    let specs = ws.pathspecs(paths)?;
    let old = commit_tree(repo, from, "--from-ref")?;
    let new =
        commit_tree(repo, to, "--to-ref")?.ok_or_else(|| format!("--to-ref {to}: not a commit"))?;
    let diff = diff_pairing_renames(&specs, |specs| {
        repo.diff_tree_to_tree(old.as_ref(), Some(&new), Some(&mut diff_options(specs)))
            .map_err(|error| format!("cannot diff {from}..{to}: {}", error.message()))
    })?;
    blob_inputs(repo, changed_files(repo, &diff, &specs)?)
}

/// The lines of `buffer` that differ from `path` as committed in HEAD (every line
/// when HEAD has no such file, or there is no repository or HEAD).
pub fn buffer_changes(ws: &Workspace, path: &Path, buffer: &[u8]) -> GitResult<LineSet> {
    let Some(repo) = ws.repo.as_ref() else {
        return Ok(LineSet::All);
    };
    let Some(tree) = head_tree(repo)? else {
        return Ok(LineSet::All);
    };
    let Ok(entry) = tree.get_path(path) else {
        return Ok(LineSet::All);
    };
    let Ok(blob) = repo.find_blob(entry.id()) else {
        return Ok(LineSet::All);
    };
    // An editor's buffer of a file checked out with CRLF (`core.autocrlf`) is compared
    // with the LF blob: a line that differs only in its ending is not a change. Nor is
    // line 1 when only a BOM tells them apart: editors keep it as a file option and
    // send the buffer without it.
    let (old, new) = (
        lf_line_endings(without_bom(blob.content())),
        lf_line_endings(without_bom(buffer)),
    );
    let mut options = diff_options(&[]);
    let patch = Patch::from_buffers(&old, Some(path), &new, Some(path), Some(&mut options))
        .map_err(|error| {
            let path = path.display();
            format!("{path}: cannot diff against HEAD: {}", error.message())
        })?;
    if patch.delta().flags().is_binary() {
        return Ok(LineSet::All);
    }
    Ok(hunk_lines(&patch))
}

/// `bytes` without the UTF-8 byte order mark they start with, if any.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// `bytes` with each `\r\n` made `\n`: every line keeps its number, and two lines
/// that differ only in that ending become equal.
fn lf_line_endings(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let finder = memchr::memmem::Finder::new(b"\r\n");
    if finder.find(bytes).is_none() {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut lf = Vec::with_capacity(bytes.len());
    let mut start = 0;
    for at in finder.find_iter(bytes) {
        lf.extend_from_slice(&bytes[start..at]);
        start = at + 1;
    }
    lf.extend_from_slice(&bytes[start..]);
    std::borrow::Cow::Owned(lf)
}

/// Working-tree files under `paths` (every line), directories walked honouring
/// `.gitignore`; `keep` decides which root-relative paths are read. Sorted by path;
/// a file both named and found by a walk is read once, as named.
pub fn worktree_files(
    ws: &Workspace,
    paths: &[PathBuf],
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> GitResult<Vec<FileInput>> {
    let mut inputs = Vec::new();
    let submodules = submodule_dirs(ws);
    for arg in paths {
        let absolute = ws.cwd.join(arg);
        let metadata = std::fs::symlink_metadata(&absolute)
            .map_err(|error| format!("{}: {}", arg.display(), io_reason(&error)))?;
        // The same path in the root's terms, a symlink to the root resolved.
        let normal = ws.absolute(arg);
        if is_walked(ws, &metadata, &normal) {
            // Only files under the root are checked: a directory above it is walked
            // from the root, one beside it not at all (see [`walk_roots_outside`]).
            let dir = if normal.starts_with(&ws.root) {
                normal.as_path()
            } else if ws.is_above_root(&normal) {
                ws.root.as_path()
            } else {
                continue;
            };
            let parents = if ws.repo.is_none() {
                ParentRules::All
            } else if dir == ws.root || normal == ws.root {
                ParentRules::None
            } else {
                ParentRules::WithinRepository
            };
            inputs.extend(walk_directory(
                &ws.root,
                dir,
                parents,
                submodules.clone(),
                keep,
            )?);
        } else {
            ws.relative(arg)?;
            // Reading a FIFO, socket or device would wait (or read) forever.
            let target = std::fs::metadata(&absolute)
                .map_err(|error| format!("{}: {}", arg.display(), io_reason(&error)))?;
            if !target.is_file() {
                return Err(format!(
                    "{}: {}",
                    arg.display(),
                    not_checked(ws, &absolute, &target)
                ));
            }
            inputs.extend(file_input(&ws.root, &normal, keep, false));
        }
    }
    // Named files (no prefilter) sort before the same file walked, and are kept. Two
    // names that differ only in bytes that are not UTF-8 are two files.
    inputs.par_sort_unstable_by(|a, b| {
        (&a.path, &a.disk_path, a.prefilter).cmp(&(&b.path, &b.disk_path, b.prefilter))
    });
    inputs.dedup_by(|later, kept| later.disk_path == kept.disk_path);
    Ok(inputs)
}

/// True when a path named on the command line (`metadata` its own, not its target's;
/// `normal` from [`Workspace::absolute`]) is walked as a directory: a directory, or
/// a symlink outside the root that leads to the root or above it, which is a way to
/// the repository rather than a symlink in it.
fn is_walked(ws: &Workspace, metadata: &std::fs::Metadata, normal: &Path) -> bool {
    metadata.is_dir()
        || normal == ws.root
        || (metadata.is_symlink() && !normal.starts_with(&ws.root) && ws.is_above_root(normal))
}

/// A note for each regular file named in `paths` that is not checked because it is
/// not a `.py`/`.pyi` file (an extension-less script, say).
pub fn named_files_not_checked(ws: &Workspace, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .filter(|arg| !has_python_name(arg.as_os_str()) && ws.cwd.join(arg).is_file())
        .map(|arg| {
            format!(
                "{}: not checked; canon checks only .py and .pyi files",
                arg.display()
            )
        })
        .collect()
}

/// A note for each directory in `paths` that is not wholly under the root: only its
/// files under the root are checked, or none when it lies beside the root.
pub fn walk_roots_outside(ws: &Workspace, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .filter_map(|arg| {
            let normal = ws.absolute(arg);
            if normal.starts_with(&ws.root) || !ws.cwd.join(arg).is_dir() {
                return None;
            }
            let root = ws.root_name();
            let arg = arg.display();
            Some(if ws.is_above_root(&normal) {
                format!("{arg}: only its files under {root} are checked")
            } else {
                format!("{arg}: not checked; outside {root}")
            })
        })
        .collect()
}

/// Why a path named on the command line that is neither a directory nor a regular
/// file (`target` is what it resolves to) is not checked.
fn not_checked(ws: &Workspace, absolute: &Path, target: &std::fs::Metadata) -> String {
    if !target.is_dir() {
        return "not a regular file (a FIFO, socket or device); nothing to check".to_string();
    }
    // A directory reached through a symlink: walks never follow symlinks.
    let inside = std::fs::canonicalize(absolute).is_ok_and(|real| real.starts_with(&ws.root));
    if inside {
        "a symlink to a directory; symlinks are not followed: name the directory itself".to_string()
    } else {
        let (root, context) = (ws.root_name(), ws.outside_repository());
        format!(
            "a symlink to a directory outside {root}{context}; symlinks are not followed, nothing to check"
        )
    }
}

/// Whose ignore rules apply to a walked directory besides its own and its
/// subdirectories'.
#[derive(Clone, Copy)]
enum ParentRules {
    /// None: the directory is a repository's work tree, and git reads no ignore file
    /// above it (reading them would match every entry against their rules in vain).
    None,
    /// Its parents' up to the work tree of the repository it lies in, as git.
    WithinRepository,
    /// Every parent's: outside a repository, nothing bounds them.
    All,
}

/// The directories of the submodules the repository's `.gitmodules` lists (`path =`
/// entries), as the walk meets them (root joined with the path). Read from the file
/// rather than found by looking for a `.git` in every directory walked, which would
/// cost a system call per directory.
fn submodule_dirs(ws: &Workspace) -> std::collections::HashSet<PathBuf> {
    if ws.repo.is_none() {
        return Default::default();
    }
    let Ok(text) = std::fs::read_to_string(ws.root.join(".gitmodules")) else {
        return Default::default();
    };
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.trim().split_once('=')?;
            (key.trim() == "path").then(|| normalize(&ws.root.join(value.trim())))
        })
        .collect()
}

/// The regular `.py`/`.pyi` files under `dir` that `keep` takes (not inside a
/// submodule), walked in parallel honouring git's ignore rules (`.gitignore` files, of the `parents` too;
/// `.git/info/exclude`; the global excludes file) and no others (not ripgrep's
/// `.ignore`), symlinks not followed; each made an input by the thread that found it.
fn walk_directory(
    root: &Path,
    dir: &Path,
    parents: ParentRules,
    submodules: std::collections::HashSet<PathBuf>,
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> GitResult<Vec<FileInput>> {
    let found = std::sync::Mutex::new(Vec::new());
    let failure = std::sync::Mutex::new(None);
    ignore::WalkBuilder::new(dir)
        // Stops at a repository's `.git` (a stat per directory, so only when needed).
        .require_git(matches!(parents, ParentRules::WithinRepository))
        .parents(!matches!(parents, ParentRules::None))
        .ignore(false)
        .follow_links(false)
        // A submodule is another repository: git lists none of its files.
        .filter_entry(move |entry| {
            submodules.is_empty()
                || entry.depth() == 0
                || !entry.file_type().is_some_and(|kind| kind.is_dir())
                || !submodules.contains(&normalize(entry.path()))
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                        if is_file && has_python_name(entry.file_name()) {
                            if let Some(input) = file_input(root, entry.path(), keep, true) {
                                if let Ok(mut found) = found.lock() {
                                    found.push(input);
                                }
                            }
                        }
                    }
                    Err(error) => {
                        if let Ok(mut failure) = failure.lock() {
                            failure.get_or_insert_with(|| format!("{}: {error}", dir.display()));
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    if let Some(message) = failure.into_inner().ok().flatten() {
        return Err(message);
    }
    Ok(found.into_inner().unwrap_or_default())
}

/// The input for the file at `absolute`, when it lies under `root`, is a Python
/// file and `keep` takes its root-relative path.
fn file_input(
    root: &Path,
    absolute: &Path,
    keep: &(dyn Fn(&str) -> bool + Sync),
    prefilter: bool,
) -> Option<FileInput> {
    let (normal, path, disk_path) = match plain_relative(root, absolute) {
        // `absolute` names the same file: `root`, then the components of `path`,
        // maybe with `.` and empty ones between.
        Some(path) => (absolute.to_path_buf(), path.clone(), PathBuf::from(path)),
        None => {
            let normal = normalize(absolute);
            let disk_path = normal.strip_prefix(root).ok()?.to_path_buf();
            (normal, slash_path(&disk_path), disk_path)
        }
    };
    if !is_python_path(&path) || !keep(&path) {
        return None;
    }
    Some(FileInput {
        content: Content::Disk(normal),
        path,
        disk_path,
        changed: LineSet::All,
        prefilter,
    })
}

/// `absolute` relative to `root` with `/` separators, when that is plain string
/// work: both UTF-8, `/` the separator, and no `..` below `root` (`.` and empty
/// components are dropped, as in the paths a walk of `.` yields). None leaves it to
/// [`normalize`].
fn plain_relative(root: &Path, absolute: &Path) -> Option<String> {
    if std::path::MAIN_SEPARATOR != '/' {
        return None;
    }
    let rest = absolute
        .to_str()?
        .strip_prefix(root.to_str()?)?
        .strip_prefix('/')?;
    let mut relative = String::with_capacity(rest.len());
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => {
                if !relative.is_empty() {
                    relative.push('/');
                }
                relative.push_str(part);
            }
        }
    }
    (!relative.is_empty()).then_some(relative)
}

/// The whole of the file at `path`, read up to the size `fstat` gives (one `read`,
/// more only if reads come short), without `std::fs::read`'s last `read` that only
/// confirms the end: a walk of thousands of files saves a system call each. A file
/// that grows between the `fstat` and the read is taken at the size it had (a
/// snapshot), one that shrinks as far as it goes, and one whose size the file system
/// does not tell (0: empty files, `/proc`, some FUSE files) is read to its end.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let size = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    // `read_to_end` would ask the size again, and the position.
    let mut bytes = vec![0; if size == 0 { 8192 } else { size }];
    let mut filled = 0;
    loop {
        if size == 0 && filled == bytes.len() {
            bytes.resize(filled * 2, 0);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
        if filled == size {
            break;
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_whole_whatever_its_size_says() {
        let dir = tempfile::tempdir().unwrap();
        for size in [0usize, 1, 4095, 4096, 70_000] {
            let path = dir.path().join(format!("f{size}.py"));
            let bytes: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(read_file(&path).unwrap(), bytes, "size {size}");
        }
        // The size the file system gives is 0, the text is not empty.
        let proc_file = read_file(Path::new("/proc/self/status")).unwrap();
        assert!(proc_file.starts_with(b"Name:"));
        assert!(read_file(dir.path()).is_err());
        assert!(read_file(&dir.path().join("missing.py")).is_err());
    }

    #[test]
    fn the_path_libgit2_names_is_taken_from_its_ownership_message() {
        let message = "repository path '/srv/it's here' is not owned by current user";
        assert_eq!(quoted_path(message), Some(PathBuf::from("/srv/it's here")));
        assert_eq!(quoted_path("not owned by current user"), None);
        assert_eq!(quoted_path("a ' quote"), None);
    }

    fn changed(old: &str, new: &str) -> Vec<usize> {
        match blob_changes(old.as_bytes(), new.as_bytes()) {
            LineSet::Some(lines) => lines.into_iter().collect(),
            LineSet::All => panic!("text judged binary"),
        }
    }

    #[test]
    fn crlf_line_endings_become_lf_and_lone_carriage_returns_stay() {
        assert_eq!(&*lf_line_endings(b"a\r\nb\rc\r\n\r\n"), b"a\nb\rc\n\n");
        assert_eq!(&*lf_line_endings(b"a\nb"), b"a\nb");
    }

    #[test]
    fn blob_id_is_the_name_git_gives_the_blob() {
        // `printf 'hello\n' | git hash-object --stdin`, and the empty blob.
        let hello = Oid::from_str("ce013625030ba8dba906f756967f9e9ca394464a").unwrap();
        let empty = Oid::from_str("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391").unwrap();
        assert_eq!(blob_id(b"hello\n"), hello.as_bytes());
        assert_eq!(blob_id(b""), empty.as_bytes());
        assert_ne!(blob_id(b"hello\r\n"), hello.as_bytes());
    }

    #[test]
    fn blob_changes_are_the_inserted_and_replaced_new_lines() {
        assert_eq!(changed("a\nb\nc\n", "a\nB\nc\nd\n"), vec![2, 4]);
        assert_eq!(changed("a\nb\nc\n", "a\nc\n"), Vec::<usize>::new());
        assert_eq!(changed("a\nb", "a\nb\n"), vec![2]);
        assert_eq!(changed("", "x\n"), vec![1]);
        // Where git places an inserted function between two alike ones.
        assert_eq!(
            changed(
                "def a():\n    return 1\n\ndef c():\n    return 1\n",
                "def a():\n    return 1\n\ndef b():\n    return 1\n\ndef c():\n    return 1\n"
            ),
            vec![4, 5, 6]
        );
    }

    /// How many lines of `new` a minimal line diff of the whole blobs marks added.
    fn minimal_added_lines(old: &[u8], new: &[u8]) -> usize {
        let (old_lines, new_lines) = (lines_of(old), lines_of(new));
        similar::capture_diff_slices(similar::Algorithm::Myers, &old_lines, &new_lines)
            .iter()
            .filter(|op| {
                matches!(
                    op.tag(),
                    similar::DiffTag::Insert | similar::DiffTag::Replace
                )
            })
            .map(|op| op.new_range().len())
            .sum()
    }

    /// Whether `sub` is a subsequence of `all`.
    fn is_subsequence(sub: &[&[u8]], all: &[&[u8]]) -> bool {
        let mut rest = all.iter();
        sub.iter()
            .all(|line| rest.any(|candidate| candidate == line))
    }

    #[test]
    fn blob_changes_are_a_minimal_line_diff() {
        // Texts from a few alike lines, edited at random (a fixed-seed generator):
        // the lines left unmarked must be old lines in order (a valid diff), and as
        // many lines are marked as a minimal diff of the whole blobs marks.
        let pieces = [
            "a\n",
            "b\n",
            "ab\n",
            "\n",
            "    return 1\n",
            "def f():\n",
            "b",
            "xb\n",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        for _ in 0..3000 {
            let old: Vec<&str> = (0..next(12)).map(|_| pieces[next(pieces.len())]).collect();
            let mut new = old.clone();
            for _ in 0..next(4) {
                match next(3) {
                    0 if !new.is_empty() => {
                        new.remove(next(new.len()));
                    }
                    1 if !new.is_empty() => {
                        let at = next(new.len());
                        new[at] = pieces[next(pieces.len())];
                    }
                    _ => new.insert(next(new.len() + 1), pieces[next(pieces.len())]),
                }
            }
            let (old, new) = (old.concat(), new.concat());
            let marked = changed(&old, &new);
            let kept: Vec<&[u8]> = lines_of(new.as_bytes())
                .into_iter()
                .enumerate()
                .filter(|(at, _)| !marked.contains(&(at + 1)))
                .map(|(_, line)| line)
                .collect();
            let case = format!("{old:?} -> {new:?}: {marked:?}");
            assert!(is_subsequence(&kept, &lines_of(old.as_bytes())), "{case}");
            assert_eq!(
                marked.len(),
                minimal_added_lines(old.as_bytes(), new.as_bytes()),
                "{case}"
            );
        }
    }

    #[test]
    fn blob_changes_place_an_ambiguous_change_where_git_does() {
        // `git diff --no-index -U0` says `@@ -6 +6 @@`: line 6 of the new text.
        let old = "b\nb\ndef f():\nxb\nbxb\na\n\nxb\n";
        let new = "b\nb\ndef f():\nxb\nbxb\n\n\nxb\n";
        assert_eq!(changed(old, new), vec![6]);
    }

    #[test]
    fn common_lines_are_whole_lines_in_both_blobs() {
        assert_eq!(common_lines(b"a\nxb\n", b"a\nb\n"), (2, 5, 4));
        assert_eq!(common_lines(b"a\nb\nc\n", b"a\nb\nc\n"), (6, 6, 6));
        assert_eq!(
            common_lines(b"q\nlong shared line\n", b"r\nlong shared line\n"),
            (0, 2, 2)
        );
        let long: String = (0..200).map(|n| format!("line {n}\n")).collect();
        let edited = long.replace("line 150\n", "line 150 edited\n");
        let start = long.find("line 150").unwrap();
        assert_eq!(
            common_lines(long.as_bytes(), edited.as_bytes()),
            (start, start + 9, start + 16)
        );
    }

    #[test]
    fn blob_changes_of_binary_blobs_are_every_line() {
        assert_eq!(blob_changes(b"a\n", b"a\n\0b\n"), LineSet::All);
        assert_eq!(blob_changes(b"\0", b"a\n"), LineSet::All);
    }

    #[test]
    fn walked_paths_become_relative_slash_paths_by_string_work() {
        let root = Path::new("/repo");
        let relative = |path: &str| plain_relative(root, Path::new(path));
        assert_eq!(relative("/repo/./pkg/a.py").as_deref(), Some("pkg/a.py"));
        assert_eq!(relative("/repo//pkg/./b.py").as_deref(), Some("pkg/b.py"));
        assert_eq!(relative("/repo/pkg/../a.py"), None);
        assert_eq!(relative("/repository/a.py"), None);
        assert_eq!(relative("/elsewhere/a.py"), None);
        assert_eq!(relative("/repo"), None);
    }

    #[test]
    fn line_sets_answer_range_questions() {
        let lines = LineSet::Some([3, 7].into_iter().collect());
        assert!(lines.touches(1, 3));
        assert!(!lines.touches(4, 6));
        assert!(lines.touches(6, 9));
        assert!(LineSet::All.touches(100, 100));
    }

    #[test]
    fn pathspecs_match_files_and_directories() {
        let specs = vec!["pkg".to_string(), "a.py".to_string()];
        assert!(in_specs("pkg/x.py", &specs));
        assert!(in_specs("a.py", &specs));
        assert!(!in_specs("pkg2/x.py", &specs));
        assert!(!in_specs("b/a.py", &specs));
        assert_eq!(normalize(Path::new("/r/./a/../b")), PathBuf::from("/r/b"));
    }
}
