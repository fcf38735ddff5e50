//! One-way synchronisation from a comparison: what to copy (only in the source),
//! what to replace (different), and, only when asked, what to delete (only in the
//! destination). The copies run as ordinary transfer requests, so the engine's
//! verification, conflicts, progress and resume apply.

use std::collections::BTreeMap;

use super::{Difference, Verdict};
use crate::transfer::{Kind, Location, Request};

/// What a sync will do, item by item (paths below the two roots).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncPlan {
    /// (path, bytes): new on the destination; a folder comes whole.
    pub copy: Vec<(String, u64)>,
    /// (path, bytes): replaced on the destination.
    pub replace: Vec<(String, u64)>,
    /// (path, is a folder): deleted on the destination (recycle bin / trash).
    pub delete: Vec<(String, bool)>,
    /// A file on one side and a folder on the other: left alone unless deleting.
    pub kind_differs: Vec<String>,
}

impl SyncPlan {
    pub fn from(lines: &[Difference], delete: bool) -> SyncPlan {
        let mut plan = SyncPlan::default();
        // Paths whose parent folder is copied or deleted whole are left to it.
        let mut whole_copy: Vec<String> = Vec::new();
        let mut whole_delete: Vec<String> = Vec::new();
        let under = |path: &str, roots: &[String]| {
            roots.iter().any(|r| {
                path.len() > r.len()
                    && path.starts_with(r.as_str())
                    && path.as_bytes()[r.len()] == b'/'
            })
        };
        for line in lines {
            match line.verdict {
                Verdict::Same => {}
                Verdict::OnlyLeft => {
                    if under(&line.path, &whole_copy) {
                        continue;
                    }
                    if line.is_dir {
                        whole_copy.push(line.path.clone());
                    }
                    plan.copy.push((line.path.clone(), line.bytes));
                }
                Verdict::Different => plan.replace.push((line.path.clone(), line.bytes)),
                Verdict::KindDiffers => {
                    if delete {
                        // Removed, then copied as what the source has.
                        plan.delete.push((line.path.clone(), true));
                        plan.copy.push((line.path.clone(), line.bytes));
                    } else {
                        plan.kind_differs.push(line.path.clone());
                    }
                }
                Verdict::OnlyRight if delete => {
                    if under(&line.path, &whole_delete) {
                        continue;
                    }
                    if line.is_dir {
                        whole_delete.push(line.path.clone());
                    }
                    plan.delete.push((line.path.clone(), line.is_dir));
                }
                Verdict::OnlyRight => {}
            }
        }
        // Bytes of a folder copied whole: what is inside it.
        for (path, bytes) in &mut plan.copy {
            let prefix = format!("{path}/");
            let inside: u64 = lines
                .iter()
                .filter(|l| !l.is_dir && l.path.starts_with(&prefix))
                .map(|l| l.bytes)
                .sum();
            *bytes += inside;
        }
        plan
    }

    pub fn is_empty(&self) -> bool {
        self.copy.is_empty() && self.replace.is_empty() && self.delete.is_empty()
    }

    pub fn bytes(&self) -> u64 {
        self.copy.iter().chain(&self.replace).map(|(_, b)| b).sum()
    }

    /// The copies as transfer requests: one per destination folder.
    pub fn requests(&self, src: &Location, dst: &Location) -> Vec<Request> {
        let mut by_folder: BTreeMap<String, Vec<Location>> = BTreeMap::new();
        for (path, _) in self.copy.iter().chain(&self.replace) {
            let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            by_folder
                .entry(parent.to_string())
                .or_default()
                .push(below(src, path));
        }
        by_folder
            .into_iter()
            .map(|(folder, sources)| Request {
                kind: Kind::Copy,
                sources,
                dest_dir: below(dst, &folder),
                dest_name: None,
            })
            .collect()
    }
}

/// `root` joined with a `/`-separated path below it.
pub fn below(root: &Location, path: &str) -> Location {
    path.split('/')
        .filter(|s| !s.is_empty())
        .fold(root.clone(), |at, part| at.join(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(path: &str, verdict: Verdict, is_dir: bool, bytes: u64) -> Difference {
        Difference {
            path: path.into(),
            verdict,
            is_dir,
            bytes,
        }
    }

    #[test]
    fn folders_go_whole_and_deletes_only_when_asked() {
        let lines = vec![
            line("a.txt", Verdict::Same, false, 1),
            line("b.txt", Verdict::Different, false, 10),
            line("new", Verdict::OnlyLeft, true, 0),
            line("new/x.txt", Verdict::OnlyLeft, false, 5),
            line("new/y.txt", Verdict::OnlyLeft, false, 7),
            line("sub/z.txt", Verdict::OnlyLeft, false, 3),
            line("old", Verdict::OnlyRight, true, 0),
            line("old/q.txt", Verdict::OnlyRight, false, 2),
            line("thing", Verdict::KindDiffers, false, 4),
        ];
        let plan = SyncPlan::from(&lines, false);
        assert_eq!(plan.copy, vec![("new".into(), 12), ("sub/z.txt".into(), 3)]);
        assert_eq!(plan.replace, vec![("b.txt".into(), 10)]);
        assert!(plan.delete.is_empty());
        assert_eq!(plan.kind_differs, vec!["thing".to_string()]);
        assert_eq!(plan.bytes(), 25);
        let with_delete = SyncPlan::from(&lines, true);
        assert_eq!(
            with_delete.delete,
            vec![("old".into(), true), ("thing".into(), true)]
        );

        let src = Location::Local("/src".into());
        let dst = Location::Remote(crate::onedrive::RemotePath::parse("/dst").unwrap());
        let requests = plan.requests(&src, &dst);
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].dest_dir.to_string(), "OneDrive:/dst");
        assert_eq!(
            requests[0].sources.len(),
            2,
            "b.txt and new/ into the top folder"
        );
        assert_eq!(requests[1].dest_dir.to_string(), "OneDrive:/dst/sub");
    }
}
