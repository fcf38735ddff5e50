//! Comparing two folders (local or OneDrive, either side), recursively, by name,
//! size and content: the base of `odc check` and the UI's compare. Names match
//! case-insensitively, as OneDrive's do. Content is QuickXorHash: OneDrive gives it,
//! local files are hashed through a cache so an unchanged tree is hashed once.

pub mod cache;
pub mod delta_tree;
pub mod locations;
pub mod sync;
pub mod tree;

use std::collections::BTreeMap;

pub use cache::HashCache;
pub use tree::{Node, Tree};

/// How two sides of a path compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Same,
    Different,
    OnlyLeft,
    OnlyRight,
    /// A file on one side, a folder on the other.
    KindDiffers,
    /// Different only as the service changed the OneDrive copy after odc
    /// uploaded this same content (a document library's Office or PDF file):
    /// nothing to copy.
    ChangedByServer,
    /// Not compared: a side left it out (a link, a notebook, a folder that could
    /// not be read…). Skipped is not absent: what stands at this path, below it,
    /// or in a folder holding it is never deleted because of it.
    LeftOut(Why),
}

/// Why an item was left out of a tree.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Why {
    /// A symbolic link (not followed; `transfer.follow_symlinks`).
    Link,
    /// A FIFO, socket or device: no content to copy.
    Special,
    /// A folder that could not be read (permissions, an error, a failed page):
    /// nothing is known of what is inside.
    Unreadable,
    /// A name from the server that cannot be a path part (`..`, `/`, NUL).
    UnsafeName,
    /// A local name OneDrive refuses (`a:b.txt`): it cannot be copied there.
    RefusedName,
    /// A OneNote notebook or another package: neither a file nor a folder.
    Package,
    /// A shortcut or shared folder: it lives in another drive.
    Shortcut,
    /// The Personal Vault (locked, its items look deleted when it is).
    Vault,
    /// Left out by the filters (`--exclude`, `[filters]`): neither compared,
    /// copied nor deleted.
    Excluded,
}

impl Why {
    /// Whether the item is missing from a run by accident rather than by rule: a
    /// run that met one deletes nothing (rclone's rule: an incomplete run never
    /// deletes).
    pub fn is_problem(self) -> bool {
        matches!(self, Why::Unreadable | Why::UnsafeName | Why::RefusedName)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Why::Link => "a symbolic link",
            Why::Special => "not a regular file",
            Why::Unreadable => "could not be read",
            Why::UnsafeName => "a name that cannot be a path",
            Why::RefusedName => "a name OneDrive refuses",
            Why::Package => "a OneNote notebook or package",
            Why::Shortcut => "a shortcut to another drive",
            Why::Vault => "the Personal Vault",
            Why::Excluded => "excluded by the filters",
        }
    }
}

impl Verdict {
    /// The one-character marker `rclone check --combined` uses.
    pub fn marker(self) -> char {
        match self {
            Verdict::Same => '=',
            Verdict::ChangedByServer => '~',
            Verdict::Different | Verdict::KindDiffers => '*',
            Verdict::OnlyLeft => '+',
            Verdict::OnlyRight => '-',
            Verdict::LeftOut(_) => '!',
        }
    }
}

/// What to compare files by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Size, then QuickXorHash.
    Content,
    /// Size and modified time (to the second) only: nothing is read.
    Quick,
}

/// One line of a comparison: the path (as the left side spells it, else the right)
/// and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub path: String,
    pub verdict: Verdict,
    pub is_dir: bool,
    /// Bytes the item takes on the side(s) it is on (the larger of two).
    pub bytes: u64,
    /// For files on both sides: how the right one's modified time compares with
    /// the left one's, in whole seconds (`Greater`: the right one is newer).
    pub right_vs_left: Option<std::cmp::Ordering>,
}

/// Counts and bytes by verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub same: (usize, u64),
    pub different: (usize, u64),
    pub only_left: (usize, u64),
    pub only_right: (usize, u64),
    /// Items left out (files and folders alike), and how many of them because
    /// something went wrong; those the filters excluded are counted apart.
    pub left_out: usize,
    pub excluded: usize,
    pub problems: usize,
    /// Files counted as the same that the service changed after upload.
    pub changed_by_server: usize,
}

impl Summary {
    pub fn of(lines: &[Difference]) -> Summary {
        let mut s = Summary::default();
        for line in lines {
            if let Verdict::LeftOut(Why::Excluded) = line.verdict {
                s.excluded += 1;
                continue;
            }
            if let Verdict::LeftOut(why) = line.verdict {
                s.left_out += 1;
                s.problems += usize::from(why.is_problem());
                continue;
            }
            if line.is_dir {
                continue;
            }
            s.changed_by_server += usize::from(line.verdict == Verdict::ChangedByServer);
            let slot = match line.verdict {
                Verdict::Same | Verdict::ChangedByServer => &mut s.same,
                Verdict::Different | Verdict::KindDiffers => &mut s.different,
                Verdict::OnlyLeft => &mut s.only_left,
                Verdict::OnlyRight | Verdict::LeftOut(_) => &mut s.only_right,
            };
            slot.0 += 1;
            slot.1 += line.bytes;
        }
        s
    }

    pub fn identical(&self) -> bool {
        self.different.0 == 0 && self.only_left.0 == 0 && self.only_right.0 == 0
    }
}

/// Whether `path` or one of its ancestors is a key of `roots` (by its depth, not
/// by the number of roots: a tree may leave thousands of links out).
pub fn at_or_below_any<V>(path: &str, roots: &BTreeMap<String, V>) -> bool {
    let path = key(path);
    path.match_indices('/')
        .map(|(at, _)| &path[..at])
        .chain(std::iter::once(path.as_str()))
        .any(|ancestor| roots.contains_key(ancestor))
}

/// Whether `path` lies below `root` (keys compared, `/`-separated).
pub fn is_below(path: &str, root: &str) -> bool {
    let (path, root) = (key(path), key(root));
    path.len() > root.len() && path.starts_with(&root) && path.as_bytes()[root.len()] == b'/'
}

/// The key a name is matched by: OneDrive names are case-insensitive.
pub fn key(path: &str) -> String {
    path.to_lowercase()
}

/// Compares two trees. Files of equal size are compared by their hashes in Content
/// mode (a missing hash counts as different: fill local ones in first, see
/// `locations`). Folders are the same when present on both sides; what is inside
/// them is compared on its own lines.
pub fn compare(left: &Tree, right: &Tree, mode: Mode) -> Vec<Difference> {
    let mut paths: BTreeMap<String, (Option<&Node>, Option<&Node>)> = BTreeMap::new();
    for node in left.nodes.values() {
        paths.entry(key(&node.path)).or_default().0 = Some(node);
    }
    for node in right.nodes.values() {
        paths.entry(key(&node.path)).or_default().1 = Some(node);
    }
    let mut out = Vec::with_capacity(paths.len());
    for (_, pair) in paths {
        let line = match pair {
            (Some(l), None) => Difference {
                path: l.path.clone(),
                verdict: Verdict::OnlyLeft,
                is_dir: l.is_dir,
                bytes: l.size,
                right_vs_left: None,
            },
            (None, Some(r)) => Difference {
                path: r.path.clone(),
                verdict: Verdict::OnlyRight,
                is_dir: r.is_dir,
                bytes: r.size,
                right_vs_left: None,
            },
            (Some(l), Some(r)) if l.is_dir != r.is_dir => Difference {
                path: l.path.clone(),
                verdict: Verdict::KindDiffers,
                is_dir: false,
                bytes: l.size.max(r.size),
                right_vs_left: None,
            },
            (Some(l), Some(r)) => {
                let same = l.is_dir || files_match(l, r, mode);
                Difference {
                    path: l.path.clone(),
                    verdict: if same {
                        Verdict::Same
                    } else if matches_as_sent(l, r, mode) || matches_as_sent(r, l, mode) {
                        Verdict::ChangedByServer
                    } else {
                        Verdict::Different
                    },
                    is_dir: l.is_dir,
                    bytes: l.size.max(r.size),
                    right_vs_left: match (l.modified, r.modified) {
                        (Some(a), Some(b)) if !l.is_dir => Some(b.timestamp().cmp(&a.timestamp())),
                        _ => None,
                    },
                }
            }
            (None, None) => continue,
        };
        out.push(line);
    }
    // What a side left out stands for itself: the other side's items at or below
    // it are not "only there", they were not compared.
    let mut left_out: BTreeMap<String, (&str, Why)> = BTreeMap::new();
    for (path, why) in left.left_out.iter().chain(&right.left_out) {
        left_out.entry(key(path)).or_insert((path, *why));
    }
    if !left_out.is_empty() {
        out.retain(|line| !at_or_below_any(&line.path, &left_out));
        out.extend(left_out.into_values().map(|(path, why)| Difference {
            path: path.to_string(),
            verdict: Verdict::LeftOut(why),
            is_dir: false,
            bytes: 0,
            right_vs_left: None,
        }));
        out.sort_by_key(|line| key(&line.path));
    }
    out
}

/// The files of `tree` whose hash a content compare with `other` needs: same path
/// (regardless of case) and same non-zero size there, and no hash yet.
pub fn needing_hashes<'a>(tree: &'a Tree, other: &Tree) -> Vec<&'a Node> {
    // A file the service changed after upload matches what was sent.
    let sizes: std::collections::HashMap<String, (u64, Option<u64>)> = other
        .files()
        .map(|n| (key(&n.path), (n.size, n.sent.as_ref().map(|s| s.size))))
        .collect();
    tree.files()
        .filter(|n| {
            n.hash.is_none()
                && n.size > 0
                && sizes
                    .get(&key(&n.path))
                    .is_some_and(|(size, sent)| *size == n.size || *sent == Some(n.size))
        })
        .collect()
}

/// Whether `local` is what was sent for `stored`, which the service then changed.
fn matches_as_sent(local: &Node, stored: &Node, mode: Mode) -> bool {
    let Some(sent) = &stored.sent else {
        return false;
    };
    if local.is_dir || local.size != sent.size {
        return false;
    }
    match mode {
        Mode::Quick => match (local.modified, stored.modified) {
            (Some(a), Some(b)) => a.timestamp() == b.timestamp(),
            _ => false,
        },
        Mode::Content => local
            .hash
            .as_deref()
            .is_some_and(|h| odc_core::quickxor::same_hash(h, &sent.hash)),
    }
}

fn files_match(l: &Node, r: &Node, mode: Mode) -> bool {
    if l.size != r.size {
        return false;
    }
    if l.size == 0 {
        return true; // OneDrive gives empty files no hash
    }
    match mode {
        Mode::Quick => match (l.modified, r.modified) {
            (Some(a), Some(b)) => a.timestamp() == b.timestamp(),
            _ => false,
        },
        Mode::Content => match (&l.hash, &r.hash) {
            (Some(a), Some(b)) => odc_core::quickxor::same_hash(a, b),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(path: &str, size: u64, hash: Option<&str>) -> Node {
        Node {
            path: path.into(),
            is_dir: false,
            size,
            modified: None,
            hash: hash.map(str::to_string),
            local: None,
            sent: None,
        }
    }

    fn tree(nodes: Vec<Node>) -> Tree {
        let mut t = Tree::default();
        for n in nodes {
            t.insert(n);
        }
        t
    }

    #[tokio::test]
    async fn every_category_and_case_insensitive_names() {
        let h1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        let h2 = "AQAAAAAAAAAAAAAAAAAAAAAAAAA=";
        let left = tree(vec![
            node("same.txt", 3, Some(h1)),
            node("Case.TXT", 3, Some(h1)),
            node("changed same size.bin", 3, Some(h1)),
            node("bigger.bin", 4, Some(h1)),
            node("left only.txt", 5, Some(h1)),
        ]);
        let right = tree(vec![
            node("same.txt", 3, Some(h1)),
            node("case.txt", 3, Some(h1)),
            node("changed same size.bin", 3, Some(h2)),
            node("bigger.bin", 5, Some(h1)),
            node("right only.txt", 7, Some(h1)),
        ]);
        let lines = compare(&left, &right, Mode::Content);
        let got: Vec<(&str, char)> = lines
            .iter()
            .map(|l| (l.path.as_str(), l.verdict.marker()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("bigger.bin", '*'),
                ("Case.TXT", '='),
                ("changed same size.bin", '*'),
                ("left only.txt", '+'),
                ("right only.txt", '-'),
                ("same.txt", '='),
            ]
        );
        let summary = Summary::of(&lines);
        assert_eq!(summary.same, (2, 6));
        assert_eq!(summary.different, (2, 8));
        assert_eq!(summary.only_left, (1, 5));
        assert_eq!(summary.only_right, (1, 7));
        assert!(!summary.identical());
        assert!(odc_core::quickxor::same_hash(
            "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            &"00".repeat(20)
        ));
        // A hostile 40-byte value with multi-byte characters is not hex (and no panic).
        let hostile = format!("a{}", "€".repeat(13)); // 40 bytes, not 40 hex digits
        assert!(!odc_core::quickxor::same_hash(&hostile, &"00".repeat(20)));
    }
}
