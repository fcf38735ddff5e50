//! `odc check SRC DST [--quick] [--same]` and `odc sync SRC DST`: compare two folders,
//! either side local or
//! OneDrive, recursively. One line per difference with the markers of
//! `rclone check --combined` (`*` differ, `+` only in SRC, `-` only in DST, `=` same
//! with --same, and `~` with --same for a file the service changed after upload), a
//! summary on stderr, exit 0 when identical and 1 when not.

use humansize::{BINARY, format_size};

use super::context::{Context, Failure, Outcome};
use odc_core::display::escape_control;
use odc_engine::compare::sync::{
    DeleteLimits, SyncPlan, below as sync_below, delete_guard, remove,
};
use odc_engine::compare::{self, Mode, Summary, Verdict, Why};
use std::sync::Arc;

use odc_engine::transfer::Location;
use odc_graph::graphs::Graphs;
use odc_graph::{Error, Graph};

/// Two folders read and compared.
struct Compared {
    src: Location,
    dst: Location,
    /// Reaches the drives of both sides (they may be two accounts: `work:/x`).
    graphs: Arc<Graphs>,
    lines: Vec<compare::Difference>,
}

async fn compared(
    context: &Context,
    src: &str,
    dst: &str,
    quick: bool,
    filter: Option<Arc<odc_engine::filter::Filter>>,
) -> Result<Compared, Failure> {
    let here = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let parse =
        |text: &str| Location::parse(text, Some(&here)).map_err(|e| Error::Other(e.to_string()));
    let (src_text, dst_text) = (src, dst);
    let (src, dst) = (parse(src)?, parse(dst)?);
    must_be_local_folder(&src, src_text).await?;
    must_be_local_folder(&dst, dst_text).await?;
    let graphs = Arc::new(Graphs::new(context.config.clone(), context.store.clone()));
    let names_default = |location: &Location| matches!(location, Location::Remote(path) if path.drive().account.is_none());
    if names_default(&src) || names_default(&dst) {
        graphs.set_default(Arc::new(context.graph()?));
    }
    let (src_graph, dst_graph) = (side(&graphs, &src).await?, side(&graphs, &dst).await?);
    let (src, src_graph) = through_shortcuts(&graphs, src, src_graph).await?;
    let (dst, dst_graph) = through_shortcuts(&graphs, dst, dst_graph).await?;
    let mode = if quick { Mode::Quick } else { Mode::Content };
    let places = compare::locations::Places {
        cache_dir: odc_core::paths::cache_dir(),
        graph_url: context.config.endpoints.graph_url.clone(),
        follow_symlinks: context.config.transfer.follow_symlinks,
        filter,
    };
    let result = compare::locations::compare(
        [src_graph.as_deref(), dst_graph.as_deref()],
        &src,
        &dst,
        mode,
        &places,
        &|_| {},
    )
    .await
    .map_err(|(location, err)| super::context::about(&location.to_string(), err))?;
    for note in &result.notes {
        errln!("{note}");
    }
    errln!("{}", describe(&Summary::of(&result.lines)));
    Ok(Compared {
        src,
        dst,
        graphs,
        lines: result.lines,
    })
}

/// A local side must be a folder. `/Docs` is read as a local path: when there is
/// no such folder the message says how to write the OneDrive one.
async fn must_be_local_folder(location: &Location, written: &str) -> Result<(), Failure> {
    let Location::Local(path) = location else {
        return Ok(());
    };
    let shown = escape_control(written);
    let problem = match tokio::fs::metadata(path).await {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => std::io::Error::other(format!("{shown}: is a file, not a folder")),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let hint = if written.starts_with('/') {
                format!(
                    " (for the OneDrive folder write {}{shown})",
                    odc_graph::path::REMOTE_PREFIX
                )
            } else {
                String::new()
            };
            std::io::Error::new(err.kind(), format!("no local folder {shown}{hint}"))
        }
        Err(err) => std::io::Error::new(err.kind(), format!("{shown}: {err}")),
    };
    Err(Failure::Error(Error::Local(problem)))
}

/// The client of a location's drive (none for a local folder).
async fn side(graphs: &Graphs, location: &Location) -> odc_graph::Result<Option<Arc<Graph>>> {
    match location {
        Location::Remote(path) => graphs.for_drive(path.drive()).await.map(Some),
        Location::Local(_) => Ok(None),
    }
}

/// A remote location with a shortcut on the way, as the shared folder it points
/// at and the path below it (`/Shared Photos/2024` → `OneDrive@DRIVE~FOLDER:/2024`).
async fn through_shortcuts(
    graphs: &Graphs,
    location: Location,
    graph: Option<Arc<Graph>>,
) -> odc_graph::Result<(Location, Option<Arc<Graph>>)> {
    let (Location::Remote(path), Some(client)) = (&location, &graph) else {
        return Ok((location, graph));
    };
    match client.locate(path, true).await? {
        None => Ok((location, graph)),
        Some(place) => {
            let path = place.path(path.drive().account.clone());
            let graph = graphs.for_drive(path.drive()).await?;
            Ok((Location::Remote(path), Some(graph)))
        }
    }
}

pub async fn check(
    context: &Context,
    src: &str,
    dst: &str,
    quick: bool,
    same: bool,
    filter: Option<Arc<odc_engine::filter::Filter>>,
) -> Outcome {
    let compared = compared(context, src, dst, quick, filter).await?;
    let mut out = String::new();
    for line in &compared.lines {
        // Files the service changed after upload count as the same: listed (with
        // `~`) beside the same ones, and counted in the summary.
        let counts_as_same = matches!(line.verdict, Verdict::Same | Verdict::ChangedByServer);
        if counts_as_same && (!same || line.is_dir) {
            continue;
        }
        if line.verdict == Verdict::LeftOut(Why::Excluded) {
            continue; // asked for: counted in the summary, not listed
        }
        let slash = if line.is_dir { "/" } else { "" };
        out.push_str(&format!(
            "{} {}{slash}\n",
            line.verdict.marker(),
            escape_control(&line.path)
        ));
    }
    out!("{out}");
    if Summary::of(&compared.lines).identical() {
        Ok(())
    } else {
        Err(Failure::Reported)
    }
}

pub struct SyncOptions {
    pub quick: bool,
    pub delete: bool,
    pub dry_run: bool,
    pub limits: DeleteLimits,
    /// `--update`: keep what is newer in DST.
    pub update: bool,
    /// `--backup-dir`: where replaced and deleted local files go (default: the trash).
    pub backup_dir: Option<std::path::PathBuf>,
    /// What both sides leave out: neither copied nor deleted.
    pub filter: Option<Arc<odc_engine::filter::Filter>>,
}

/// `odc sync SRC DST [--dry-run] [--delete] [--quick] [--max-delete N] [--force]`:
/// make DST like SRC, one way. Order: what must make room for a copy (a file
/// where a folder goes), the copies, then the deletions, and those only when
/// nothing was left out by a problem, every copy went through and the limits
/// allow (rclone's rule and the abraunegg client's big-delete safeguard).
pub async fn sync(context: &Context, src: &str, dst: &str, options: SyncOptions) -> Outcome {
    let compared = compared(context, src, dst, options.quick, options.filter.clone()).await?;
    let mut plan = SyncPlan::from(&compared.lines, options.delete);
    if options.update {
        plan.keep_newer();
    }
    errln!("{}", describe_plan(&plan));
    if !plan.newer_in_dst.is_empty() {
        let what = if options.update {
            "kept (--update)"
        } else {
            "replaced all the same (--update keeps them; what is replaced goes to the trash)"
        };
        errln!(
            "{} file(s) newer in DST than in SRC: {what}",
            plan.newer_in_dst.len()
        );
        for path in &plan.newer_in_dst {
            errln!("  newer in DST: {}", escape_control(path));
        }
    }
    report_left_out(&plan);
    for path in &plan.kind_differs {
        errln!(
            "odc: {}: a file on one side and a folder on the other; --delete replaces it",
            escape_control(path)
        );
    }
    let guard = delete_guard(&plan, &compared.lines, &options.limits);
    if options.dry_run {
        let mut out = String::new();
        for (path, _) in &plan.delete {
            out.push_str(&format!("- {}\n", escape_control(path)));
        }
        for (path, _) in &plan.copy {
            out.push_str(&format!("+ {}\n", escape_control(path)));
        }
        for (path, _) in &plan.replace {
            out.push_str(&format!("* {}\n", escape_control(path)));
        }
        out!("{out}");
        if let Some(why) = &guard {
            errln!("odc: the deletions would not run: {why}");
        }
        return Ok(());
    }
    let mut failed = plan.incomplete() || !plan.kind_differs.is_empty();
    // A file where a folder goes (or the other way) is removed first: the copy
    // needs its place. The other deletions wait for the copies.
    let copied: std::collections::HashSet<&str> =
        plan.copy.iter().map(|(path, _)| path.as_str()).collect();
    let (making_room, only_in_dst): (Vec<_>, Vec<_>) = plan
        .delete
        .iter()
        .partition(|(path, _)| copied.contains(path.as_str()));
    if let Some(why) = &guard
        && !plan.delete.is_empty()
    {
        errln!(
            "odc: nothing deleted: {why}; run again with --force (or a larger --max-delete) if that is meant"
        );
        failed = true;
    } else {
        failed |= !remove_all(&compared, &making_room, options.backup_dir.as_deref()).await;
    }
    let requests = plan.requests(&compared.src, &compared.dst);
    let mut copies_ok = true;
    if !requests.is_empty() {
        // The compare chose what to copy: replace without asking again.
        let flags = super::transfers::Flags {
            no_clobber: false,
            existing: super::transfers::OnExisting::Replace,
            dry_run: false,
            backup_dir: options.backup_dir.clone(),
            // The compare already left out what the filters exclude.
            filter: None,
        };
        match super::transfers::run(context, compared.graphs.clone(), requests, flags).await {
            Ok(()) => {}
            Err(Failure::Reported) => copies_ok = false,
            Err(other) => return Err(other),
        }
    }
    if guard.is_none() && !only_in_dst.is_empty() {
        if copies_ok {
            failed |= !remove_all(&compared, &only_in_dst, options.backup_dir.as_deref()).await;
        } else {
            errln!(
                "odc: nothing deleted: some items could not be copied, so the destination is not known to be complete"
            );
            failed = true;
        }
    }
    if failed || !copies_ok {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

/// Deletes (to the recycle bin or the trash) what `paths` name below the
/// destination; false when any could not be.
async fn remove_all(
    compared: &Compared,
    paths: &[&(String, bool)],
    backup_dir: Option<&std::path::Path>,
) -> bool {
    let mut all = true;
    for (path, _) in paths {
        let Some(target) = sync_below(&compared.dst, path) else {
            errln!(
                "odc: {}: not deleted: not a safe path",
                escape_control(path)
            );
            all = false;
            continue;
        };
        let graph = side(&compared.graphs, &target).await.ok().flatten();
        let removed = match (&target, backup_dir) {
            (Location::Local(path), Some(dir)) => odc_engine::transfer::local::move_into(dir, path)
                .await
                .map_err(|e| e.to_string()),
            _ => remove(graph.as_deref(), &target).await,
        };
        if let Err(problem) = removed {
            errln!("odc: {}: {problem}", escape_control(&target.to_string()));
            all = false;
        }
    }
    all
}

/// What a side left out: each problem on its own line, the rest counted by why;
/// then the deletions held back.
fn report_left_out(plan: &SyncPlan) {
    let mut by_rule: std::collections::BTreeMap<Why, usize> = Default::default();
    for (path, why) in &plan.left_out {
        if why.is_problem() {
            errln!(
                "odc: {}: left out: {}",
                escape_control(path),
                why.describe()
            );
        } else {
            *by_rule.entry(*why).or_default() += 1;
        }
    }
    for (why, count) in by_rule {
        errln!(
            "left out: {count} × {} (not copied, not deleted)",
            why.describe()
        );
    }
    if plan.incomplete() {
        errln!("odc: the run is incomplete: nothing is deleted");
    }
    let mut held: std::collections::BTreeMap<&str, usize> = Default::default();
    for (_, why) in &plan.held {
        *held.entry(why).or_default() += 1;
    }
    for (why, count) in held {
        errln!("not deleted: {count} item(s): {why}");
    }
}

fn describe_plan(plan: &SyncPlan) -> String {
    format!(
        "to copy: {} ({}), to replace: {} ({}), to delete: {}, left out: {}",
        plan.copy.len(),
        format_size(plan.copy.iter().map(|(_, b)| b).sum::<u64>(), BINARY),
        plan.replace.len(),
        format_size(plan.replace.iter().map(|(_, b)| b).sum::<u64>(), BINARY),
        plan.delete.len(),
        plan.left_out.len()
    )
}

fn describe(s: &Summary) -> String {
    let part = |(n, bytes): (usize, u64), what: &str| {
        format!("{n} {what} ({})", format_size(bytes, BINARY))
    };
    // Counted as the same, and said: OneDrive holds them as the service changed them.
    let by_server = match s.changed_by_server {
        0 => String::new(),
        n => format!(" ({n} changed by the server)"),
    };
    let excluded = match s.excluded {
        0 => String::new(),
        n => format!(", {n} excluded by the filters"),
    };
    format!(
        "{}{by_server}, {}, {}, {}, {} left out{excluded}",
        part(s.same, "same"),
        part(s.different, "different"),
        part(s.only_left, "only in SRC"),
        part(s.only_right, "only in DST"),
        s.left_out
    )
}
