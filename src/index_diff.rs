//! The staged changes versus HEAD, read straight from the index file.
//!
//! libgit2 verifies the index checksum with collision-detecting SHA-1 and then
//! compares every one of its entries with HEAD's tree, which in a 20,000-file
//! repository costs several times what `git diff --cached` does. Here the index is
//! read by [`index_file`](crate::index_file) (no checksum pass, no stat data
//! decoded), and the cache-tree extension that `git add` and `git commit` maintain
//! skips every directory whose tree is still HEAD's, so only the directories a
//! commit touches are compared entry by entry.
//!
//! A split index (`core.splitIndex`) is read by `gix-index`, which joins in the
//! shared index file, and then compared the same way.
//!
//! Only the changes whose outcome cannot differ from libgit2's diff are answered
//! here: files added or modified in place. Anything else (a deletion, which rename
//! detection could pair with an addition; a file turned into a directory or a
//! symlink; unmerged or intent-to-add entries; sparse or unreadable index
//! files; case-insensitive repositories) returns `None`, and the caller runs the
//! libgit2 diff instead.

use crate::index_file::{Entry, IndexFile};
use git2::{ObjectType, Oid, Repository, Tree};
use std::collections::HashMap;
use std::path::Path;

/// A regular file whose staged blob differs from HEAD's.
pub struct StagedFile {
    /// Relative to the repository root, with `/` separators.
    pub path: String,
    /// The staged blob.
    pub blob: Oid,
    /// HEAD's blob at the same path; None for an added file.
    pub old_blob: Option<Oid>,
}

/// Why the fast comparison gives up; the caller then asks libgit2.
struct UseLibgit2;

type Compared<T> = Result<T, UseLibgit2>;

/// Mask of the object-type bits of a git file mode.
const KIND_MASK: u32 = 0o170000;
const KIND_REGULAR: u32 = 0o100000;
const KIND_DIRECTORY: u32 = 0o040000;

/// The regular files staged in `index_file` that differ from `head` (every staged
/// file when there is no HEAD), in index order; None when only libgit2's full diff
/// can answer exactly.
pub fn staged_files(
    repo: &Repository,
    index_file: &Path,
    head: Option<&Tree<'_>>,
) -> Option<Vec<StagedFile>> {
    if ignores_case(repo) {
        return None;
    }
    let index = IndexFile::read(index_file).or_else(|| joined_index(index_file))?;
    let mut comparison = Comparison {
        repo,
        index: &index,
        found: Vec::new(),
    };
    comparison
        .directory(b"", index.entries(), head.map(Tree::id), index.tree_root())
        .ok()?;
    Some(comparison.found)
}

/// An index [`IndexFile`] does not read itself, read by `gix-index` and written out
/// again as one plain index: a split index, whose entries live partly in a shared
/// index file that `gix-index` joins in (libgit2 cannot read split indexes). None for
/// anything else, a sparse index included.
fn joined_index(index_file: &Path) -> Option<IndexFile> {
    let options = gix_index::decode::Options {
        thread_limit: Some(1),
        ..Default::default()
    };
    let file = gix_index::File::at(index_file, gix_hash::Kind::Sha1, true, options).ok()?;
    if file.is_sparse() {
        return None;
    }
    let mut bytes = Vec::new();
    let write = gix_index::write::Options {
        extensions: gix_index::write::Extensions::Given {
            tree_cache: true,
            end_of_index_entry: false,
        },
        skip_hash: true,
    };
    file.write_to(&mut bytes, write).ok()?;
    IndexFile::parse(bytes)
}

fn ignores_case(repo: &Repository) -> bool {
    repo.config()
        .and_then(|config| config.get_bool("core.ignorecase"))
        .unwrap_or(false)
}

struct Comparison<'r> {
    repo: &'r Repository,
    index: &'r IndexFile,
    found: Vec<StagedFile>,
}

/// What HEAD's tree holds under one name.
#[derive(Clone, Copy)]
struct TreeItem {
    id: Oid,
    mode: u32,
    is_tree: bool,
}

impl<'r> Comparison<'r> {
    /// Compares the index `entries` under `prefix` (a directory path ending in `/`,
    /// or empty for the root) with HEAD's tree `tree_id` of that directory (None when
    /// HEAD has no such directory) and its cache-tree node. HEAD's tree is read only
    /// when the cache-tree does not already say it is the staged one.
    fn directory(
        &mut self,
        prefix: &[u8],
        entries: &[Entry],
        tree_id: Option<Oid>,
        cache: Option<usize>,
    ) -> Compared<()> {
        if let (Some(tree_id), Some(cache)) = (tree_id, cache) {
            if self.index.tree_id(cache) == Some(tree_id.as_bytes()) {
                return Ok(());
            }
        }
        let mut head_items = match tree_id {
            Some(id) => tree_items(&self.find_tree(id)?),
            None => HashMap::new(),
        };
        let mut at = 0;
        while at < entries.len() {
            let path: &[u8] = self.index.path(&entries[at]);
            let rest = &path[prefix.len()..];
            match memchr::memchr(b'/', rest) {
                Some(slash) => {
                    let child_prefix = &path[..prefix.len() + slash + 1];
                    let count = entries[at..]
                        .partition_point(|entry| self.index.path(entry).starts_with(child_prefix));
                    let name = &rest[..slash];
                    let subtree = match head_items.remove(name) {
                        None => None,
                        Some(item) if item.is_tree => Some(item.id),
                        Some(_) => return Err(UseLibgit2),
                    };
                    let child_cache = cache.and_then(|node| self.index.tree_child(node, name));
                    self.directory(child_prefix, &entries[at..at + count], subtree, child_cache)?;
                    at += count;
                }
                None => {
                    let old = head_items.remove(rest);
                    self.file(&entries[at], path, old)?;
                    at += 1;
                }
            }
        }
        if head_items.is_empty() {
            Ok(())
        } else {
            // Something HEAD has is gone from the index: a deletion or a rename.
            Err(UseLibgit2)
        }
    }

    /// Compares one index entry with what HEAD has at its path.
    fn file(&mut self, entry: &Entry, path: &[u8], old: Option<TreeItem>) -> Compared<()> {
        if self.index.stage(entry) != 0 || self.index.intent_to_add(entry) {
            return Err(UseLibgit2);
        }
        let mode = self.index.mode(entry);
        if mode & KIND_MASK == KIND_DIRECTORY {
            return Err(UseLibgit2);
        }
        let blob = Oid::from_bytes(self.index.id(entry)).map_err(|_| UseLibgit2)?;
        let old_blob = match old {
            None => None,
            Some(item) if item.is_tree || item.mode & KIND_MASK != mode & KIND_MASK => {
                return Err(UseLibgit2)
            }
            Some(item) if item.id == blob && item.mode == mode => return Ok(()),
            Some(item) => Some(item.id),
        };
        if mode & KIND_MASK != KIND_REGULAR {
            return Ok(());
        }
        let path = std::str::from_utf8(path).map_err(|_| UseLibgit2)?;
        self.found.push(StagedFile {
            path: path.to_string(),
            blob,
            old_blob,
        });
        Ok(())
    }

    fn find_tree(&self, id: Oid) -> Compared<Tree<'r>> {
        let repo: &'r Repository = self.repo;
        repo.find_tree(id).map_err(|_| UseLibgit2)
    }
}

/// HEAD's entries of one tree by name.
fn tree_items(tree: &Tree<'_>) -> HashMap<Vec<u8>, TreeItem> {
    tree.iter()
        .map(|entry| {
            let item = TreeItem {
                id: entry.id(),
                mode: u32::try_from(entry.filemode()).unwrap_or_default(),
                is_tree: entry.kind() == Some(ObjectType::Tree),
            };
            (entry.name_bytes().to_vec(), item)
        })
        .collect()
}
