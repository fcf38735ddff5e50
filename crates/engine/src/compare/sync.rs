//! One-way synchronisation from a comparison: what to copy (only in the source),
//! what to replace (different), and, only when asked, what to delete (only in the
//! destination). The copies run as ordinary transfer requests, so the engine's
//! verification, conflicts, progress and resume apply.

use std::collections::BTreeMap;

use super::{Difference, Verdict, Why, is_below};
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
    /// Items a side left out, and why: not copied, and never deleted.
    pub left_out: Vec<(String, Why)>,
    /// Files replaced although the destination's copy is newer (by modified
    /// time): named in the summary; `--update` keeps them.
    pub newer_in_dst: Vec<String>,
    /// Deletions held back: (path, why). A folder that holds a left-out item is
    /// not deleted whole; when anything was left out by a problem, nothing is.
    pub held: Vec<(String, &'static str)>,
}

impl SyncPlan {
    pub fn from(lines: &[Difference], delete: bool) -> SyncPlan {
        let mut plan = SyncPlan::default();
        // Paths whose parent folder is copied or deleted whole are left to it.
        let mut whole_copy: Vec<String> = Vec::new();
        let mut whole_delete: Vec<String> = Vec::new();
        let under = |path: &str, roots: &[String]| roots.iter().any(|r| is_below(path, r));
        let left_out: BTreeMap<String, Why> = lines
            .iter()
            .filter_map(|line| match line.verdict {
                Verdict::LeftOut(why) => Some((super::key(&line.path), why)),
                _ => None,
            })
            .collect();
        // Rclone's rule: a run that could not see everything deletes nothing.
        let incomplete = left_out.values().any(|why| why.is_problem());
        // A folder holding a left-out item is not deleted whole: the item in it
        // would go too. Its other contents have lines of their own.
        let holds_left_out = |folder: &str| left_out.keys().any(|path| is_below(path, folder));
        for line in lines {
            match line.verdict {
                // A file the service changed after upload is what was sent:
                // copying it either way would only start the change again.
                Verdict::Same | Verdict::ChangedByServer => {}
                Verdict::LeftOut(why) => plan.left_out.push((line.path.clone(), why)),
                Verdict::OnlyLeft => {
                    if under(&line.path, &whole_copy) {
                        continue;
                    }
                    if line.is_dir {
                        whole_copy.push(line.path.clone());
                    }
                    plan.copy.push((line.path.clone(), line.bytes));
                }
                Verdict::Different => {
                    if line.right_vs_left == Some(std::cmp::Ordering::Greater) {
                        plan.newer_in_dst.push(line.path.clone());
                    }
                    plan.replace.push((line.path.clone(), line.bytes));
                }
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
                    if super::at_or_below_any(&line.path, &left_out) {
                        plan.held
                            .push((line.path.clone(), "left out on the other side"));
                    } else if incomplete {
                        plan.held
                            .push((line.path.clone(), "the run was incomplete"));
                    } else if line.is_dir && holds_left_out(&line.path) {
                        plan.held
                            .push((line.path.clone(), "it holds an item that was left out"));
                    } else {
                        if line.is_dir {
                            whole_delete.push(line.path.clone());
                        }
                        plan.delete.push((line.path.clone(), line.is_dir));
                    }
                }
                Verdict::OnlyRight => {}
            }
        }
        // Bytes of a folder copied whole: what is inside it.
        for (path, bytes) in &mut plan.copy {
            let inside: u64 = lines
                .iter()
                .filter(|l| !l.is_dir && is_below(&l.path, path))
                .map(|l| l.bytes)
                .sum();
            *bytes += inside;
        }
        plan
    }

    /// `--update`: files whose destination copy is newer are not replaced.
    pub fn keep_newer(&mut self) {
        let newer: std::collections::HashSet<&String> = self.newer_in_dst.iter().collect();
        self.replace.retain(|(path, _)| !newer.contains(path));
    }

    /// Whether something was left out by a problem (the run deletes nothing).
    pub fn incomplete(&self) -> bool {
        self.left_out.iter().any(|(_, why)| why.is_problem())
    }

    /// Items the deletions remove, counting what is inside folders deleted whole.
    pub fn items_deleted(&self, lines: &[Difference]) -> usize {
        self.delete
            .iter()
            .map(|(path, is_dir)| {
                let inside = if *is_dir {
                    lines
                        .iter()
                        .filter(|l| l.verdict == Verdict::OnlyRight && is_below(&l.path, path))
                        .count()
                } else {
                    0
                };
                1 + inside
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.copy.is_empty() && self.replace.is_empty() && self.delete.is_empty()
    }

    pub fn bytes(&self) -> u64 {
        self.copy.iter().chain(&self.replace).map(|(_, b)| b).sum()
    }

    /// The copies as transfer requests: one per destination folder. A path that
    /// cannot be joined safely (see [`below`]) is not copied.
    pub fn requests(&self, src: &Location, dst: &Location) -> Vec<Request> {
        let mut by_folder: BTreeMap<String, Vec<Location>> = BTreeMap::new();
        for (path, _) in self.copy.iter().chain(&self.replace) {
            let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            if let Some(source) = below(src, path) {
                by_folder
                    .entry(parent.to_string())
                    .or_default()
                    .push(source);
            }
        }
        by_folder
            .into_iter()
            .filter_map(|(folder, sources)| {
                Some(Request {
                    kind: Kind::Copy,
                    sources,
                    dest_dir: below(dst, &folder)?,
                    dest_name: None,
                })
            })
            .collect()
    }
}

/// `root` joined with a `/`-separated path below it, part by part; `None` when a
/// part is not one safe name (`..`, empty, a separator): a path from a listing
/// never reaches outside its root, whatever a server called an item.
pub fn below(root: &Location, path: &str) -> Option<Location> {
    if path.is_empty() {
        return Some(root.clone());
    }
    path.split('/').try_fold(root.clone(), |at, part| {
        odc_graph::local_names::unsafe_reason(part)
            .is_none()
            .then(|| at.join(part))
    })
}

/// The limits on what one sync may delete (`sync.*` settings, `--max-delete`,
/// `--force`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteLimits {
    /// Never more than this many items (0: no limit). Not lifted by `force`.
    pub max_delete: u64,
    /// Deleting more than this share (percent) of the destination's items…
    pub big_percent: u32,
    /// …and at least this many of them, needs `force`.
    pub big_min: u64,
    /// Confirmed: a big delete goes ahead.
    pub force: bool,
}

/// Why this plan's deletions must not run, if they must not: more than
/// `max_delete`, or (unless forced) every item of a non-empty destination, or
/// more than `big_percent` % of it and at least `big_min` items (the abraunegg
/// client's big-delete safeguard: an empty or unmounted source must not empty
/// the destination).
pub fn delete_guard(
    plan: &SyncPlan,
    lines: &[Difference],
    limits: &DeleteLimits,
) -> Option<String> {
    let doomed = plan.items_deleted(lines) as u64;
    if doomed == 0 {
        return None;
    }
    if limits.max_delete > 0 && doomed > limits.max_delete {
        return Some(format!(
            "it would delete {doomed} items, more than the limit of {} (--max-delete)",
            limits.max_delete
        ));
    }
    if limits.force {
        return None;
    }
    let there = lines
        .iter()
        .filter(|l| {
            matches!(
                l.verdict,
                Verdict::Same
                    | Verdict::ChangedByServer
                    | Verdict::Different
                    | Verdict::KindDiffers
                    | Verdict::OnlyRight
            )
        })
        .count() as u64;
    if doomed >= there {
        return Some(format!(
            "it would delete every item of the destination ({doomed}); is the source the right folder?"
        ));
    }
    if doomed * 100 > there * u64::from(limits.big_percent) && doomed >= limits.big_min {
        return Some(format!(
            "it would delete {doomed} of the destination's {there} items (more than {} %)",
            limits.big_percent
        ));
    }
    None
}

/// The one destructive step of a sync: removing what the destination has and the
/// source lacks. OneDrive items go to the recycle bin (a DELETE is that), local
/// ones to the desktop trash (`~/.local/share/Trash`); nothing is deleted for good.
pub async fn remove(graph: Option<&odc_graph::Graph>, target: &Location) -> Result<(), String> {
    match target {
        Location::Remote(path) => {
            let graph = graph.ok_or("not signed in")?;
            graph
                .delete(&odc_graph::ItemAddress::Path(path.clone()))
                .await
                .map_err(|e| e.to_string())
        }
        Location::Local(path) => crate::transfer::local::to_trash(path).await,
    }
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
            right_vs_left: None,
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
        let dst = Location::Remote(odc_graph::RemotePath::parse("/dst").unwrap());
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

    #[test]
    fn what_was_left_out_is_never_deleted_and_a_problem_deletes_nothing() {
        let left_out = |path: &str, why| Difference {
            path: path.into(),
            verdict: Verdict::LeftOut(why),
            is_dir: false,
            bytes: 0,
            right_vs_left: None,
        };
        // A link and a notebook in the source, a notebook inside a folder only
        // the destination has.
        let lines = vec![
            left_out("cache", Why::Link),
            line("cache/a.tmp", Verdict::OnlyRight, false, 1),
            line("gone", Verdict::OnlyRight, true, 0),
            left_out("gone/Notes", Why::Package),
            line("gone/old.txt", Verdict::OnlyRight, false, 3),
            line("stale.txt", Verdict::OnlyRight, false, 2),
        ];
        let plan = SyncPlan::from(&lines, true);
        assert_eq!(
            plan.delete,
            vec![("gone/old.txt".into(), false), ("stale.txt".into(), false)],
            "the folder holding the notebook is not deleted whole"
        );
        assert_eq!(plan.held.len(), 2, "{:?}", plan.held);
        assert!(!plan.incomplete());

        // A folder that could not be read: the run deletes nothing at all.
        let mut lines = lines;
        lines.push(left_out("secret", Why::Unreadable));
        lines.push(line("secret/x.txt", Verdict::OnlyRight, false, 1));
        let plan = SyncPlan::from(&lines, true);
        assert!(plan.incomplete());
        assert!(plan.delete.is_empty(), "{:?}", plan.delete);
    }

    #[test]
    fn the_big_delete_guard() {
        let lines: Vec<Difference> = (0..20)
            .map(|n| line(&format!("f{n:02}"), Verdict::OnlyRight, false, 1))
            .collect();
        let plan = SyncPlan::from(&lines, true);
        let limits = DeleteLimits {
            max_delete: 0,
            big_percent: 50,
            big_min: 10,
            force: false,
        };
        assert!(
            delete_guard(&plan, &lines, &limits)
                .unwrap()
                .contains("every item")
        );
        assert_eq!(
            delete_guard(
                &plan,
                &lines,
                &DeleteLimits {
                    force: true,
                    ..limits
                }
            ),
            None
        );
        let capped = DeleteLimits {
            force: true,
            max_delete: 19,
            ..limits
        };
        assert!(
            delete_guard(&plan, &lines, &capped)
                .unwrap()
                .contains("limit of 19")
        );
        // Few deletions among many same items pass.
        let mut few = lines[..3].to_vec();
        few.extend((0..20).map(|n| line(&format!("s{n:02}"), Verdict::Same, false, 1)));
        let plan = SyncPlan::from(&few, true);
        assert_eq!(delete_guard(&plan, &few, &limits), None);
    }

    #[test]
    fn a_path_part_that_is_not_one_safe_name_is_never_joined() {
        let root = Location::Local("/dst".into());
        assert_eq!(
            below(&root, "e/f.txt"),
            Some(Location::Local("/dst/e/f.txt".into()))
        );
        for hostile in ["e/../../x", "..", "a//b", "/etc", "a/./b"] {
            assert_eq!(below(&root, hostile), None, "{hostile}");
        }
    }
}
