//! The commands that change items on OneDrive one by one: `mkdir`, `rm`, `mv`, and
//! `link` (a sharing link).

use odc_core::display::escape_control;
use odc_graph::{Conflict, Error, Graph, ItemAddress, RemotePath};

use super::context::{Context, Failure, Outcome, about};

/// `odc link PATH [--edit] [--scope S]`: the link alone on stdout (for scripts and
/// `| xclip`), what it allows on stderr.
pub(super) async fn link(
    context: &Context,
    remote: &str,
    edit: bool,
    scope: Option<&str>,
    yes: bool,
) -> Outcome {
    use odc_graph::sharing::LinkKind;
    let path = odc_graph::RemotePath::parse(remote)?;
    if path.is_root() && !yes {
        return Err(Error::Other(
            "/: a link to the root shares the whole drive; add --yes if that is meant".into(),
        )
        .into());
    }
    let (graph, path) = context.remote(remote, true).await?;
    let kind = if edit { LinkKind::Edit } else { LinkKind::View };
    let link = graph
        .create_link(&odc_graph::ItemAddress::Path(path), kind, scope)
        .await
        .map_err(|e| about(remote, e))?;
    outln!("{}", escape_control(&link.url));
    let who = match link.scope.as_deref() {
        Some("organization") => "people in your organization",
        Some("anonymous") => "anyone with the link",
        _ => "the people it is shared with",
    };
    errln!("a {} link for {who}", escape_control(&link.kind));
    Ok(())
}

pub(super) async fn mkdir(context: &Context, text: &str, parents: bool) -> Outcome {
    let (graph, path) = context.remote(text, true).await?;
    let shown = escape_control(&path.to_string());
    if path.is_root() {
        return if parents {
            Ok(())
        } else {
            Err(Error::Other("/: exists".into()).into())
        };
    }
    odc_graph::item::check_path(&path, true)?;
    if parents {
        graph
            .create_folders(&path)
            .await
            .map_err(|e| about(&path.to_string(), e))?;
        return Ok(());
    }
    let parent = path.parent().unwrap_or_default();
    let parent_item = graph
        .item_if_exists(&ItemAddress::Path(parent.clone()))
        .await
        .map_err(|e| about(text, e))?;
    let parent_item = match parent_item {
        Some(item) if item.is_folder() => item,
        Some(_) => {
            return Err(Error::Other(format!(
                "{shown}: {} is a file, not a folder",
                escape_control(&parent.to_string())
            ))
            .into());
        }
        None => {
            return Err(Error::Graph {
                status: 404,
                code: "itemNotFound".into(),
                message: format!(
                    "{shown}: no folder {} (use -p to create it)",
                    escape_control(&parent.to_string())
                ),
            }
            .into());
        }
    };
    let name = path.name().unwrap_or_default();
    match graph
        .create_folder(&ItemAddress::Id(parent_item.id), name, Conflict::Fail)
        .await
    {
        Ok(_) => Ok(()),
        Err(err) if err.is_name_conflict() => Err(Error::Other(format!("{shown}: exists")).into()),
        Err(err) => Err(about(text, err).into()),
    }
}

/// The paths of a command acting on many OneDrive items, parsed (the root refused:
/// it cannot be `verb`) and looked up together in JSON batches; a path that cannot
/// be used is reported and left out.
async fn look_up_many<'a>(
    graph: &Graph,
    paths: &'a [String],
    verb: &str,
    report: &mut impl FnMut(&str, Error),
) -> Vec<(&'a String, RemotePath, odc_graph::DriveItem)> {
    let mut wanted: Vec<(&String, RemotePath)> = Vec::new();
    for text in paths {
        match RemotePath::parse(text) {
            Ok(path) if path.is_root() => report(
                text,
                Error::Other(format!("the root folder cannot be {verb}")),
            ),
            Ok(path) => wanted.push((text, path)),
            Err(err) => report(text, err),
        }
    }
    let addresses: Vec<ItemAddress> = wanted
        .iter()
        .map(|(_, path)| ItemAddress::Path(path.clone()))
        .collect();
    let mut found = Vec::with_capacity(wanted.len());
    for ((text, path), item) in wanted.into_iter().zip(graph.items_many(&addresses).await) {
        match item {
            Ok(item) => found.push((text, path, item)),
            Err(err) => report(text, err),
        }
    }
    found
}

/// `odc rm`: every path looked up, then the deletions, each in JSON batches (many
/// paths cost a few requests); one line per path: what was deleted, or why not.
pub(super) async fn rm(
    context: &Context,
    paths: &[String],
    recursive: bool,
    dry_run: bool,
) -> Outcome {
    let graph = context.graph()?;
    let mut failed = false;
    let mut report = |text: &str, err: Error| {
        errln!("odc: {}", escape_control(&about(text, err).to_string()));
        failed = true;
    };
    let mut doomed: Vec<(&String, RemotePath, odc_graph::DriveItem)> = Vec::new();
    let found = look_up_many(&graph, paths, "deleted", &mut report).await;
    for (text, path, item) in found {
        if item.is_folder() && !recursive {
            report(
                text,
                Error::Other("is a folder; use -r to delete it with its contents".into()),
            );
        } else if dry_run {
            outln!(
                "would delete {} (to the recycle bin)",
                escape_control(&path.to_string())
            );
        } else {
            doomed.push((text, path, item));
        }
    }
    let items = doomed
        .iter()
        .map(|(_, path, item)| (item.clone(), Some(path.clone())))
        .collect();
    let quiet = context.display == super::report::Display::Quiet;
    for ((text, path, _), result) in doomed.into_iter().zip(graph.delete_found(items).await) {
        match result {
            // A report, not data: stderr, and silenced by -q.
            Ok(()) if quiet => {}
            Ok(()) => errln!(
                "deleted {} (moved to the recycle bin)",
                escape_control(&path.to_string())
            ),
            Err(err) => report(text, err),
        }
    }
    if failed {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

/// `odc mv FROM... FOLDER`: each source looked up and moved twenty to a JSON
/// batch; a failure is reported for its item and the others still move.
pub(super) async fn mv_into(
    context: &Context,
    sources: &[String],
    folder: &str,
    dry_run: bool,
) -> Outcome {
    let graph = context.graph()?;
    let folder_path = RemotePath::parse(folder)?;
    let target = graph
        .item(&ItemAddress::Path(folder_path.clone()))
        .await
        .map_err(|e| about(folder, e))?;
    if !target.is_folder() {
        let reason = "is not a folder; several items move into a folder";
        return Err(about(folder, Error::Other(reason.into())).into());
    }
    let mut failed = false;
    let mut report = |text: &str, err: Error| {
        errln!("odc: {}", escape_control(&about(text, err).to_string()));
        failed = true;
    };
    let mut moving: Vec<(&String, String)> = Vec::new();
    for (text, path, item) in look_up_many(&graph, sources, "moved", &mut report).await {
        if dry_run {
            outln!(
                "would move {} to {}",
                escape_control(&path.to_string()),
                escape_control(&folder_path.join(&item.name).to_string())
            );
        } else {
            moving.push((text, item.id));
        }
    }
    let ids: Vec<String> = moving.iter().map(|(_, id)| id.clone()).collect();
    for ((text, _), result) in moving
        .into_iter()
        .zip(graph.move_many(&ids, &target.id).await)
    {
        if let Err(err) = result {
            report(text, err);
        }
    }
    if failed {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

pub(super) async fn mv(context: &Context, from: &str, to: &str, dry_run: bool) -> Outcome {
    let graph = context.graph()?;
    let source_path = RemotePath::parse(from)?;
    let target_path = RemotePath::parse(to)?;
    let source = graph
        .item(&ItemAddress::Path(source_path.clone()))
        .await
        .map_err(|e| about(from, e))?;
    let target = graph
        .item_if_exists(&ItemAddress::Path(target_path.clone()))
        .await
        .map_err(|e| about(to, e))?;
    // Where the item ends up, as the user wrote it (for --dry-run).
    let (parent, name, dest) = match target {
        // `a.txt` → `A.txt`: OneDrive names ignore case, so the target found is
        // the item itself. A rename of that item, not a clash.
        Some(itself) if itself.id == source.id => {
            let parent_path = target_path.parent().unwrap_or_default();
            let parent = graph
                .item(&ItemAddress::Path(parent_path))
                .await
                .map_err(|e| about(to, e))?;
            let name = target_path.name().unwrap_or_default().to_string();
            (parent, name, target_path.clone())
        }
        Some(folder) if folder.is_folder() => {
            let dest = target_path.join(&source.name);
            (folder, source.name.clone(), dest)
        }
        Some(_) => return Err(about(to, Error::Other("exists already".into())).into()),
        None if to.ends_with('/') => {
            return Err(about(to, Error::Other("no such folder".into())).into());
        }
        None => {
            let parent_path = target_path.parent().unwrap_or_default();
            let parent = graph
                .item(&ItemAddress::Path(parent_path.clone()))
                .await
                .map_err(|e| about(&parent_path.to_string(), e))?;
            let name = target_path.name().unwrap_or_default().to_string();
            (parent, name, target_path.clone())
        }
    };
    let rename = (name != source.name).then_some(name.as_str());
    if dry_run {
        outln!(
            "would move {} to {}",
            escape_control(&source_path.to_string()),
            escape_control(&dest.to_string())
        );
        return Ok(());
    }
    graph
        .move_item(&source.id, Some(&parent.id), rename)
        .await
        .map_err(|e| about(from, e))?;
    Ok(())
}
