//! The git index file (`.git/index`), read only as far as the staged comparison
//! needs it: each entry's path, mode, blob id and stage flags, and the cache-tree
//! extension. The file is mapped, not copied; stat data is stepped over, not
//! decoded; the checksum is not verified (as git's `index.skipHash` allows).
//!
//! Versions 2, 3 and 4 are read. Whatever this reader cannot vouch for (a split or
//! sparse index, an unknown required extension, a truncated or malformed file) gives
//! `None`, and the caller asks libgit2, which reads every index and reports a damaged
//! one.

use std::ops::Range;
use std::path::Path;

/// Bytes of a SHA-1 object id, and of the checksum that ends the file.
const ID_BYTES: usize = 20;
/// Bytes of an entry before its object id: ctime, mtime, dev, ino, mode, uid, gid
/// and size, 4 bytes each.
const STAT_BYTES: usize = 40;
/// Offset of the mode in an entry.
const MODE_AT: usize = 24;
/// Offset of the flags in an entry.
const FLAGS_AT: usize = STAT_BYTES + ID_BYTES;
/// Flags: the entry has a second flags word (version 3 and later).
const FLAG_EXTENDED: u16 = 0x4000;
/// The name-length bits of the flags; all set means "this long or longer".
const NAME_LENGTH_MASK: u16 = 0x0fff;
/// Second flags word: the entry was added with `git add -N`.
const EXTENDED_INTENT_TO_ADD: u16 = 0x2000;

/// One index entry: where it lies in the file and where its path is.
#[derive(Clone, Copy)]
pub struct Entry {
    at: u32,
    path: (u32, u32),
}

/// One directory of the cache-tree extension (offsets into the file).
struct TreeNode {
    name: (u32, u32),
    /// Offset of the directory's tree id; 0 when the entry is invalidated (something
    /// under it changed since the cache-tree was written).
    id_at: u32,
    subtrees: u32,
    /// The index after this node's last descendant (nodes are in preorder).
    end: u32,
}

/// The bytes of the index: mapped from the file, or given (tests, fuzzing).
enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Owned(bytes) => bytes,
        }
    }
}

/// The parts of an index file the staged comparison reads.
pub struct IndexFile {
    data: Bytes,
    /// Version 4 shares path prefixes between entries; its paths are written out
    /// here. Earlier versions' paths are read in place.
    full_paths: Option<Vec<u8>>,
    entries: Vec<Entry>,
    tree: Vec<TreeNode>,
}

impl IndexFile {
    /// Reads the index at `path`; None when it cannot be read or is not one this
    /// reader vouches for.
    pub fn read(path: &Path) -> Option<IndexFile> {
        let file = std::fs::File::open(path).ok()?;
        // SAFETY: git never rewrites an index file in place: it writes `index.lock`
        // and renames it over the old file, so the mapped file does not change while
        // it is read (git itself maps the index the same way).
        let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        IndexFile::decode(Bytes::Mapped(map))
    }

    /// Decodes the bytes of an index file.
    pub fn parse(data: Vec<u8>) -> Option<IndexFile> {
        IndexFile::decode(Bytes::Owned(data))
    }

    fn decode(data: Bytes) -> Option<IndexFile> {
        if data.len() < 12 + ID_BYTES || data.len() > u32::MAX as usize || &data[..4] != b"DIRC" {
            return None;
        }
        let version = be32(&data, 4)?;
        if !(2..=4).contains(&version) {
            return None;
        }
        let count = usize::try_from(be32(&data, 8)?).ok()?;
        let body = &data[..data.len() - ID_BYTES];
        let mut reader = EntryReader {
            data: body,
            at: 12,
            full_paths: (version == 4).then(Vec::new),
            previous: 0..0,
        };
        let mut entries = Vec::with_capacity(count.min(body.len() / 62));
        for _ in 0..count {
            entries.push(reader.next()?);
        }
        let extensions_at = reader.at;
        let tree = match extensions(body, extensions_at)? {
            Some(range) => cache_tree(body, range)?,
            None => Vec::new(),
        };
        let full_paths = reader.full_paths;
        Some(IndexFile {
            data,
            full_paths,
            entries,
            tree,
        })
    }

    /// The entries, in index order (sorted by path, then stage).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The path of `entry`, relative to the repository root, `/`-separated.
    pub fn path(&self, entry: &Entry) -> &[u8] {
        let range = entry.path.0 as usize..entry.path.1 as usize;
        match &self.full_paths {
            Some(paths) => &paths[range],
            None => &self.data[range],
        }
    }

    /// The git file mode of `entry` (`0o100644`, `0o120000`, ...).
    pub fn mode(&self, entry: &Entry) -> u32 {
        be32(&self.data, entry.at as usize + MODE_AT).unwrap_or_default()
    }

    /// The object id `entry` names.
    pub fn id(&self, entry: &Entry) -> &[u8] {
        let at = entry.at as usize + STAT_BYTES;
        &self.data[at..at + ID_BYTES]
    }

    /// The merge stage of `entry`: 0 when merged, 1 to 3 for the sides of a conflict.
    pub fn stage(&self, entry: &Entry) -> u16 {
        (self.flags(entry) >> 12) & 0b11
    }

    /// Whether `entry` was added with `git add -N` (intent to add).
    pub fn intent_to_add(&self, entry: &Entry) -> bool {
        self.flags(entry) & FLAG_EXTENDED != 0
            && be16(&self.data, entry.at as usize + FLAGS_AT + 2)
                .is_some_and(|extended| extended & EXTENDED_INTENT_TO_ADD != 0)
    }

    fn flags(&self, entry: &Entry) -> u16 {
        be16(&self.data, entry.at as usize + FLAGS_AT).unwrap_or_default()
    }

    /// The cache-tree node of the root directory, when the index has a cache-tree.
    pub fn tree_root(&self) -> Option<usize> {
        (!self.tree.is_empty()).then_some(0)
    }

    /// The tree id the cache-tree records for `node`; None when invalidated.
    pub fn tree_id(&self, node: usize) -> Option<&[u8]> {
        let at = self.tree[node].id_at as usize;
        (at != 0).then(|| &self.data[at..at + ID_BYTES])
    }

    /// The child of cache-tree node `node` named `name`.
    pub fn tree_child(&self, node: usize, name: &[u8]) -> Option<usize> {
        let mut child = node + 1;
        for _ in 0..self.tree[node].subtrees {
            let found = self.tree.get(child)?;
            if &self.data[found.name.0 as usize..found.name.1 as usize] == name {
                return Some(child);
            }
            child = found.end as usize;
        }
        None
    }
}

/// Steps through the entries.
struct EntryReader<'a> {
    data: &'a [u8],
    at: usize,
    /// Version 4: every path written out, the previous one last.
    full_paths: Option<Vec<u8>>,
    previous: Range<usize>,
}

impl EntryReader<'_> {
    fn next(&mut self) -> Option<Entry> {
        let start = self.at;
        let data = self.data;
        let flags = be16(data, start + FLAGS_AT)?;
        let mut header = FLAGS_AT + 2;
        if flags & FLAG_EXTENDED != 0 {
            header += 2;
        }
        let name_at = start + header;
        let path = match &mut self.full_paths {
            Some(paths) => {
                let (strip, suffix_at) = varint(data, name_at)?;
                let suffix_len = memchr::memchr(0, data.get(suffix_at..)?)?;
                let kept = self.previous.len().checked_sub(strip)?;
                let path_start = paths.len();
                paths.extend_from_within(self.previous.start..self.previous.start + kept);
                paths.extend_from_slice(&data[suffix_at..suffix_at + suffix_len]);
                self.previous = path_start..paths.len();
                self.at = suffix_at + suffix_len + 1;
                self.previous.clone()
            }
            None => {
                let name_len = match flags & NAME_LENGTH_MASK {
                    NAME_LENGTH_MASK => memchr::memchr(0, data.get(name_at..)?)?,
                    length => usize::from(length),
                };
                // Entries are NUL-padded to a multiple of eight bytes.
                self.at = start + ((header + name_len + 8) & !7);
                if self.at > data.len() {
                    return None;
                }
                name_at..name_at + name_len
            }
        };
        Some(Entry {
            at: u32::try_from(start).ok()?,
            path: (
                u32::try_from(path.start).ok()?,
                u32::try_from(path.end).ok()?,
            ),
        })
    }
}

/// The byte range of the cache-tree extension in `data` (the extensions start at
/// `at`), None inside when there is none; None when an extension makes the index
/// one this reader does not vouch for.
fn extensions(data: &[u8], mut at: usize) -> Option<Option<Range<usize>>> {
    let mut tree = None;
    while at < data.len() {
        let signature = data.get(at..at + 4)?;
        let size = usize::try_from(be32(data, at + 4)?).ok()?;
        let body = at + 8..(at + 8).checked_add(size)?;
        if body.end > data.len() {
            return None;
        }
        match signature {
            b"TREE" => tree = Some(body.clone()),
            // An optional extension (upper-case first letter) may be ignored; a
            // required one (a split index's `link`, a sparse index's `sdir`) not.
            _ if signature[0].is_ascii_uppercase() => {}
            _ => return None,
        }
        at = body.end;
    }
    Some(tree)
}

/// The nodes of the cache-tree extension at `range` of `data`, in preorder. Each
/// node is its directory's name, NUL, its entry count (`-1` when invalidated),
/// space, its number of subtrees, newline, and, when valid, its tree id.
fn cache_tree(data: &[u8], range: Range<usize>) -> Option<Vec<TreeNode>> {
    let data = &data[..range.end];
    let mut nodes: Vec<TreeNode> = Vec::new();
    // Nodes whose subtrees are still being read, with how many are left to read.
    let mut open: Vec<(usize, u32)> = Vec::new();
    let mut at = range.start;
    while at < data.len() {
        let name_end = at + memchr::memchr(0, &data[at..])?;
        let (count, count_end) = number(data, name_end + 1, b' ')?;
        let (subtrees, subtrees_end) = number(data, count_end + 1, b'\n')?;
        let subtrees = u32::try_from(subtrees).ok()?;
        let name = (u32::try_from(at).ok()?, u32::try_from(name_end).ok()?);
        at = subtrees_end + 1;
        let id_at = if count >= 0 {
            data.get(at..at + ID_BYTES)?;
            at += ID_BYTES;
            u32::try_from(at - ID_BYTES).ok()?
        } else {
            0
        };
        match open.last_mut() {
            Some((_, left)) => *left -= 1,
            None if !nodes.is_empty() => return None,
            None => {}
        }
        open.push((nodes.len(), subtrees));
        nodes.push(TreeNode {
            name,
            id_at,
            subtrees,
            end: 0,
        });
        while let Some(&(node, 0)) = open.last() {
            nodes[node].end = u32::try_from(nodes.len()).ok()?;
            open.pop();
        }
        if open.is_empty() {
            break;
        }
    }
    open.is_empty().then_some(nodes)
}

/// The decimal number the cache-tree writes at `at` (`-1` included), ended by
/// `end`: its value and where `end` is.
fn number(data: &[u8], mut at: usize, end: u8) -> Option<(i64, usize)> {
    let negative = data.get(at) == Some(&b'-');
    if negative {
        at += 1;
    }
    let first_digit = at;
    let mut value: i64 = 0;
    while let Some(&byte) = data.get(at).filter(|byte| byte.is_ascii_digit()) {
        value = value.checked_mul(10)?.checked_add(i64::from(byte - b'0'))?;
        at += 1;
    }
    let well_formed = at > first_digit && data.get(at) == Some(&end);
    well_formed.then_some((if negative { -value } else { value }, at))
}

/// Git's offset varint (version 4 path prefixes): the value and the index after it.
fn varint(data: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut byte = *data.get(at)?;
    at += 1;
    let mut value = usize::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        byte = *data.get(at)?;
        at += 1;
        value = value.checked_add(1)?.checked_mul(128)? | usize::from(byte & 0x7f);
    }
    Some((value, at))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// A repository with nested files, one long path, one executable, one symlink
    /// and one intent-to-add entry, indexed in `version`.
    fn repository(version: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        for (path, text) in [
            ("a.py", "a\n"),
            ("pkg/b.py", "b\n"),
            // 62 header bytes + 10 is a multiple of 8: padded with eight NULs.
            ("pkg/ccc.py", "c\n"),
            ("pkg/sub/c.py", "c\n"),
            ("pkg/sub/d.py", "d\n"),
            ("z.sh", "#!/bin/sh\n"),
            ("deep/e.py", "e\n"),
        ] {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        git(root, &["update-index", "--add", "--chmod=+x", "z.sh"]);
        std::os::unix::fs::symlink("a.py", root.join("link.py")).unwrap();
        git(root, &["add", "."]);
        // A path longer than the name-length field holds (only the index has it).
        let blob = git(root, &["hash-object", "-w", "a.py"]);
        let long = format!("100644,{},deep/{}.py", blob.trim(), "d".repeat(4100));
        git(root, &["update-index", "--add", "--cacheinfo", &long]);
        git(root, &["commit", "-qm", "base"]);
        std::fs::write(root.join("pkg/sub/c.py"), "c2\n").unwrap();
        std::fs::write(root.join("new.py"), "n\n").unwrap();
        git(root, &["add", "pkg/sub/c.py"]);
        git(root, &["add", "-N", "new.py"]);
        git(root, &["update-index", "--index-version", version]);
        dir
    }

    fn read(dir: &Path) -> IndexFile {
        IndexFile::read(&dir.join(".git/index")).expect("index decoded")
    }

    #[test]
    fn entries_match_what_git_lists_in_every_index_version() {
        for version in ["2", "3", "4"] {
            let dir = repository(version);
            let index = read(dir.path());
            let listed: Vec<String> = index
                .entries()
                .iter()
                .map(|entry| {
                    let id: String = index.id(entry).iter().map(|b| format!("{b:02x}")).collect();
                    let path = String::from_utf8(index.path(entry).to_vec()).unwrap();
                    format!(
                        "{:o} {id} {}\t{path}",
                        index.mode(entry),
                        index.stage(entry)
                    )
                })
                .collect();
            let expected: Vec<String> = git(dir.path(), &["ls-files", "--stage"])
                .lines()
                .map(str::to_string)
                .collect();
            assert_eq!(listed, expected, "index version {version}");
            let intent: Vec<&[u8]> = index
                .entries()
                .iter()
                .filter(|entry| index.intent_to_add(entry))
                .map(|entry| index.path(entry))
                .collect();
            assert_eq!(
                intent,
                vec![b"new.py".as_slice()],
                "index version {version}"
            );
        }
    }

    #[test]
    fn cache_tree_gives_valid_directories_their_tree_and_invalidated_ones_none() {
        let dir = repository("2");
        let index = read(dir.path());
        let root = index.tree_root().expect("cache-tree present");
        // `git add` of pkg/sub/c.py invalidated the root, pkg and pkg/sub.
        assert_eq!(index.tree_id(root), None);
        let pkg = index.tree_child(root, b"pkg").unwrap();
        assert_eq!(index.tree_id(pkg), None);
        let sub = index.tree_child(pkg, b"sub").unwrap();
        assert_eq!(index.tree_id(sub), None);
        assert_eq!(index.tree_child(root, b"missing"), None);
        // deep/ is untouched: its cache-tree id is HEAD's tree.
        let deep = index.tree_child(root, b"deep").unwrap();
        let head_deep = git(dir.path(), &["rev-parse", "HEAD:deep"]);
        let id: String = index
            .tree_id(deep)
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(id, head_deep.trim());
    }

    #[test]
    fn cache_tree_numbers_are_read_up_to_their_terminator() {
        assert_eq!(number(b"-1 3\n", 0, b' '), Some((-1, 2)));
        assert_eq!(number(b"-1 3\n", 3, b'\n'), Some((3, 4)));
        assert_eq!(number(b"4096 ", 0, b' '), Some((4096, 4)));
        for bad in [&b" "[..], b"- ", b"1x ", b"12", b"99999999999999999999 "] {
            assert_eq!(number(bad, 0, b' '), None, "{bad:?}");
        }
    }

    #[test]
    fn truncated_or_foreign_bytes_are_not_vouched_for() {
        let dir = repository("3");
        let bytes = std::fs::read(dir.path().join(".git/index")).unwrap();
        assert!(IndexFile::parse(bytes.clone()).is_some());
        for cut in [0, 11, 40, 100, bytes.len() / 2, bytes.len() - 21] {
            assert!(
                IndexFile::parse(bytes[..cut].to_vec()).is_none(),
                "cut at {cut}"
            );
        }
        let mut foreign = bytes.clone();
        foreign[..4].copy_from_slice(b"DIRX");
        assert!(IndexFile::parse(foreign).is_none());
        let mut version_5 = bytes;
        version_5[7] = 5;
        assert!(IndexFile::parse(version_5).is_none());
    }

    #[test]
    fn any_damaged_byte_gives_an_answer_without_panicking() {
        for version in ["3", "4"] {
            let dir = repository(version);
            let bytes = std::fs::read(dir.path().join(".git/index")).unwrap();
            for at in 0..bytes.len() {
                for flip in [0x01, 0x80, 0xff] {
                    let mut damaged = bytes.clone();
                    damaged[at] ^= flip;
                    if let Some(index) = IndexFile::parse(damaged) {
                        for entry in index.entries() {
                            let _ = (index.path(entry), index.id(entry), index.mode(entry));
                        }
                        if let Some(root) = index.tree_root() {
                            let pkg = index.tree_child(root, b"pkg");
                            let _ =
                                pkg.map(|pkg| (index.tree_id(pkg), index.tree_child(pkg, b"sub")));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_required_extension_it_does_not_know_makes_it_give_up() {
        let dir = repository("2");
        git(dir.path(), &["update-index", "--split-index"]);
        assert!(IndexFile::read(&dir.path().join(".git/index")).is_none());
    }
}
