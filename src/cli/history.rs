//! Versions and the recycle bin: `odc versions`, `odc restore`, `odc bin`,
//! `odc purge`, and `--version` on `odc cat` and `odc get`.
//!
//! On a personal account the recycle bin odc lists is what odc itself deleted
//! (the journal the Graph client keeps), each entry checked with the service: no
//! API lists a personal OneDrive's bin. A work account's bin is listed by the
//! service, but not restored from or emptied through Graph v1.0
//! (docs/graph-notes.md, "Versions and the recycle bin").

use std::io::{BufRead, IsTerminal, Write};

use humansize::{BINARY, format_size};
use serde_json::json;

use super::context::{Context, Failure, Outcome, about};
use odc_core::display::escape_control;
use odc_core::{errln, outln};
use odc_graph::deleted::Deleted;
use odc_graph::history::Version;
use odc_graph::{DriveItem, Error, Graph, ItemAddress, RemotePath};

fn local_time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| {
        t.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_else(|| "-".into())
}

/// The file `text` names, refusing folders and what is not a plain file.
async fn file(context: &Context, text: &str) -> Result<(Graph, DriveItem), Error> {
    let (graph, _, item) = context.remote_item(text).await?;
    if !item.is_file() {
        return Err(about(
            text,
            Error::Other(format!("is a {}; only files have versions", item.kind())),
        ));
    }
    Ok((graph, item))
}

/// The version `id` of a file, looked up among its versions, and whether it is
/// the current one (the first listed).
async fn version_of(
    graph: &Graph,
    text: &str,
    item: &DriveItem,
    id: &str,
) -> Result<(Version, bool), Error> {
    let versions = graph
        .versions(&ItemAddress::Id(item.id.clone()))
        .await
        .map_err(|e| about(text, e))?;
    let at = versions.iter().position(|v| v.id == id).ok_or_else(|| {
        about(
            text,
            Error::Other(format!(
                "has no version {} (odc versions lists them)",
                escape_control(id)
            )),
        )
    })?;
    Ok((versions[at].clone(), at == 0))
}

/// `odc versions PATH [--json]`: newest first, the current one marked.
pub async fn versions(context: &Context, text: &str, as_json: bool) -> Outcome {
    let (graph, item) = file(context, text).await?;
    let versions = graph
        .versions(&ItemAddress::Id(item.id.clone()))
        .await
        .map_err(|e| about(text, e))?;
    if as_json {
        let value: Vec<_> = versions
            .iter()
            .enumerate()
            .map(|(n, v)| {
                json!({
                    "id": v.id,
                    "modified": v.last_modified_date_time.map(odc_graph::format_time),
                    "size": v.size,
                    "by": v.by(),
                    "current": n == 0,
                })
            })
            .collect();
        outln!("{}", serde_json::Value::Array(value));
        return Ok(());
    }
    for (n, v) in versions.iter().enumerate() {
        let mark = if n == 0 { "  (current)" } else { "" };
        outln!(
            "{} {:>10}  {}{mark}  {}",
            local_time(v.last_modified_date_time),
            format_size(v.size, BINARY),
            escape_control(&v.id),
            escape_control(v.by().unwrap_or("")),
        );
    }
    Ok(())
}

/// The file `text` as it was at version `id`, ready to be read (`cat`, `get`).
pub async fn file_at_version(
    context: &Context,
    text: &str,
    id: &str,
) -> Result<(Graph, DriveItem), Error> {
    let (graph, item) = file(context, text).await?;
    let (version, _) = version_of(&graph, text, &item, id).await?;
    let old = Graph::as_version(&item, &version);
    Ok((graph, old))
}

/// `odc restore PATH --version ID`: that version's bytes become the current
/// ones; the service keeps what was current as a version.
pub async fn restore_version(context: &Context, text: &str, id: &str) -> Outcome {
    let (graph, item) = file(context, text).await?;
    let (version, current) = version_of(&graph, text, &item, id).await?;
    if current {
        return Err(about(
            text,
            Error::Other("that is the current version already".into()),
        )
        .into());
    }
    graph
        .restore_version(&item.id, &version.id)
        .await
        .map_err(|e| about(text, e))?;
    errln!(
        "restored {} to the version of {} ({})",
        escape_control(text),
        local_time(version.last_modified_date_time),
        format_size(version.size, BINARY)
    );
    Ok(())
}

/// `odc bin [PLACE] [--json]`.
pub async fn bin(context: &Context, place: Option<&str>, as_json: bool) -> Outcome {
    let (graph, within) = match place {
        Some(text) => context.remote(text, false).await?,
        None => (context.graph()?, RemotePath::root()),
    };
    let (entries, checked) = graph.recycle_bin(&within).await?;
    if as_json {
        let value: Vec<_> = entries
            .iter()
            .map(|e| {
                json!({
                    "path": e.path,
                    "name": e.name,
                    "id": e.id,
                    "driveId": e.drive_id,
                    "kind": if e.folder { "folder" } else { "file" },
                    "size": e.size,
                    "deleted": odc_graph::format_time(e.deleted_at),
                })
            })
            .collect();
        outln!("{}", serde_json::Value::Array(value));
    } else {
        for e in &entries {
            let kind = if e.folder { 'd' } else { '-' };
            outln!(
                "{kind} {:>10} {} {}",
                format_size(e.size, BINARY),
                local_time(Some(e.deleted_at)),
                escape_control(&e.path)
            );
        }
    }
    if !checked {
        errln!(
            "odc: this is a work account's recycle bin as the service keeps it; \
             restore from it or empty it on the web (Graph offers that only in beta)"
        );
    }
    Ok(())
}

/// The newest bin entry that was at `text` (a place as odc prints it).
async fn in_bin(context: &Context, text: &str) -> Result<(Graph, Deleted), Error> {
    let (graph, path) = context.remote(text, false).await?;
    let (entries, _) = graph.recycle_bin(&RemotePath::root()).await?;
    let wanted = path.to_string().to_lowercase();
    let entry = entries
        .into_iter()
        .find(|e| e.path.to_lowercase() == wanted)
        .ok_or_else(|| {
            about(
                text,
                Error::Other("is not in the recycle bin (odc bin lists what odc deleted)".into()),
            )
        })?;
    Ok((graph, entry))
}

/// `odc restore PATH`: the item deleted from PATH comes back there.
pub async fn restore_deleted(context: &Context, text: &str) -> Outcome {
    let (graph, entry) = in_bin(context, text).await?;
    if graph.is_business().await? {
        return Err(about(
            text,
            Error::Other(
                "a work account's recycle bin cannot be restored from through Graph; \
                 restore it in the recycle bin on the web"
                    .into(),
            ),
        )
        .into());
    }
    let restored = graph
        .restore_from_bin(&entry)
        .await
        .map_err(|e| about(text, e))?;
    errln!(
        "restored {} ({})",
        escape_control(text),
        if restored.is_folder() {
            "a folder, with everything in it".to_string()
        } else {
            format_size(restored.size, BINARY)
        }
    );
    Ok(())
}

/// Asks on the terminal; without one, only `--yes` goes ahead.
fn confirmed(question: &str, yes: bool) -> Result<bool, Error> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Other(format!(
            "{question}: add --yes to do it without a terminal to ask on"
        )));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question}? It cannot be restored afterwards. [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::io("stdin", e))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// `odc purge PATH [--yes]`: the item deleted from PATH is deleted for good.
pub async fn purge(context: &Context, text: &str, yes: bool) -> Outcome {
    let (graph, entry) = in_bin(context, text).await?;
    if graph.is_business().await? {
        return Err(about(
            text,
            Error::Other(
                "a work account's recycle bin is emptied on the web (Graph offers it only in beta)"
                    .into(),
            ),
        )
        .into());
    }
    let question = format!("Delete {} for good", escape_control(text));
    if !confirmed(&question, yes)? {
        errln!("odc: kept {} in the recycle bin", escape_control(text));
        return Err(Failure::Reported);
    }
    graph
        .purge_from_bin(&entry)
        .await
        .map_err(|e| about(text, e))?;
    errln!("deleted {} for good", escape_control(text));
    Ok(())
}
