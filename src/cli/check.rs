//! `odc check SRC DST [--quick] [--same]` and `odc sync SRC DST`: compare two folders,
//! either side local or
//! OneDrive, recursively. One line per difference with the markers of
//! `rclone check --combined` (`*` differ, `+` only in SRC, `-` only in DST, `=` same
//! with --same), a summary on stderr, exit 0 when identical and 1 when not.

use humansize::{BINARY, format_size};

use super::{Context, Failure, Outcome};
use crate::compare::sync::{SyncPlan, below as sync_below};
use crate::compare::{self, Mode, Summary, Verdict};
use crate::onedrive::display::escape_control;
use std::sync::Arc;

use crate::onedrive::graphs::Graphs;
use crate::onedrive::{Error, Graph};
use crate::transfer::Location;

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
) -> Result<Compared, Failure> {
    let here = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let parse =
        |text: &str| Location::parse(text, Some(&here)).map_err(|e| Error::Other(e.to_string()));
    let (src, dst) = (parse(src)?, parse(dst)?);
    let graphs = Arc::new(Graphs::new(context.config.clone(), context.store.clone()));
    let names_default = |location: &Location| matches!(location, Location::Remote(path) if path.drive().account.is_none());
    if names_default(&src) || names_default(&dst) {
        graphs.set_default(Arc::new(context.graph()?));
    }
    let (src_graph, dst_graph) = (side(&graphs, &src).await?, side(&graphs, &dst).await?);
    let mode = if quick { Mode::Quick } else { Mode::Content };
    let places = compare::locations::Places {
        cache_dir: crate::paths::cache_dir(),
        graph_url: context.config.endpoints.graph_url.clone(),
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
    .map_err(|(location, err)| super::about(&location.to_string(), err))?;
    for note in &result.notes {
        eprintln!("{note}");
    }
    eprintln!("{}", describe(&Summary::of(&result.lines)));
    Ok(Compared {
        src,
        dst,
        graphs,
        lines: result.lines,
    })
}

/// The client of a location's drive (none for a local folder).
async fn side(graphs: &Graphs, location: &Location) -> crate::onedrive::Result<Option<Arc<Graph>>> {
    match location {
        Location::Remote(path) => graphs.for_drive(path.drive()).await.map(Some),
        Location::Local(_) => Ok(None),
    }
}

pub async fn check(context: &Context, src: &str, dst: &str, quick: bool, same: bool) -> Outcome {
    let compared = compared(context, src, dst, quick).await?;
    let mut out = String::new();
    for line in &compared.lines {
        if line.verdict == Verdict::Same && (!same || line.is_dir) {
            continue;
        }
        let slash = if line.is_dir { "/" } else { "" };
        out.push_str(&format!(
            "{} {}{slash}\n",
            line.verdict.marker(),
            escape_control(&line.path)
        ));
    }
    print!("{out}");
    if Summary::of(&compared.lines).identical() {
        Ok(())
    } else {
        Err(Failure::Reported)
    }
}

/// `odc sync SRC DST [--dry-run] [--delete] [--quick]`: make DST like SRC, one way.
pub async fn sync(
    context: &Context,
    src: &str,
    dst: &str,
    quick: bool,
    delete: bool,
    dry_run: bool,
) -> Outcome {
    let compared = compared(context, src, dst, quick).await?;
    let plan = SyncPlan::from(&compared.lines, delete);
    eprintln!("{}", describe_plan(&plan));
    for path in &plan.kind_differs {
        eprintln!(
            "odc: {}: a file on one side and a folder on the other; --delete replaces it",
            escape_control(path)
        );
    }
    if dry_run {
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
        print!("{out}");
        return Ok(());
    }
    let mut failed = false;
    // Deletions first: a folder replaced by a file (or the other way) must go first.
    for (path, _) in &plan.delete {
        let target = sync_below(&compared.dst, path);
        let graph = side(&compared.graphs, &target).await.ok().flatten();
        if let Err(problem) = crate::tui::syncing::remove(graph.as_deref(), &target).await {
            eprintln!("odc: {}: {problem}", escape_control(&target.to_string()));
            failed = true;
        }
    }
    let requests = plan.requests(&compared.src, &compared.dst);
    if !requests.is_empty() {
        // The compare chose what to copy: replace without asking again.
        let flags = super::transfers::Flags {
            no_clobber: false,
            existing: super::transfers::OnExisting::Replace,
            dry_run: false,
        };
        super::transfers::run(context, compared.graphs.clone(), requests, flags).await?;
    }
    if failed || !plan.kind_differs.is_empty() {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

fn describe_plan(plan: &SyncPlan) -> String {
    format!(
        "to copy: {} ({}), to replace: {} ({}), to delete: {}",
        plan.copy.len(),
        format_size(plan.copy.iter().map(|(_, b)| b).sum::<u64>(), BINARY),
        plan.replace.len(),
        format_size(plan.replace.iter().map(|(_, b)| b).sum::<u64>(), BINARY),
        plan.delete.len()
    )
}

fn describe(s: &Summary) -> String {
    let part = |(n, bytes): (usize, u64), what: &str| {
        format!("{n} {what} ({})", format_size(bytes, BINARY))
    };
    format!(
        "{}, {}, {}, {}",
        part(s.same, "same"),
        part(s.different, "different"),
        part(s.only_left, "only in SRC"),
        part(s.only_right, "only in DST")
    )
}
