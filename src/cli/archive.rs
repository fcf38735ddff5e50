//! Inside a zip on OneDrive from the command line: `odc ls OneDrive:/a.zip/dir`
//! lists its entries, `odc cat OneDrive:/a.zip/readme.txt` writes one. Only the
//! archive's table of contents and the entries read are fetched (Range requests),
//! never the whole archive.

use std::io::Write;
use std::sync::Arc;

use humansize::{BINARY, format_size};
use serde_json::json;

use super::context::{Context, Failure, Outcome, about};
use super::ls::{Format, Options};
use odc_core::display::escape_control;
use odc_engine::archive::{Archive, Entry, RemoteSource};
use odc_graph::{Error, ItemAddress};

/// An archive on OneDrive opened for a path that goes inside it.
pub struct Opened {
    archive: Archive<RemoteSource>,
    /// The path inside the archive (`""`: its top).
    inner: String,
    /// The path as written, for messages.
    shown: String,
}

/// Where a written path goes into a `.zip`: the archive's path and the rest.
/// `None` when no part before the last (or the last, written with a trailing
/// `/`) is named like an archive.
fn split(text: &str) -> Option<(String, String)> {
    let trailing = text.ends_with('/');
    let parts: Vec<&str> = text.split('/').collect();
    let last = parts.iter().rposition(|p| !p.is_empty())?;
    let at = parts.iter().enumerate().position(|(i, part)| {
        part.to_ascii_lowercase().ends_with(".zip") && part.len() > 4 && (i < last || trailing)
    })?;
    Some((parts[..=at].join("/"), parts[at + 1..].join("/")))
}

/// Opens the archive `text` goes into, when it names a path inside a zip file
/// (a folder named `x.zip` is a folder: `None`).
pub async fn inside(context: &Context, text: &str) -> Result<Option<Opened>, Error> {
    let Some((zip_text, inner)) = split(text) else {
        return Ok(None);
    };
    let (graph, path) = context.remote(&zip_text, true).await?;
    let item = match graph.item(&ItemAddress::Path(path)).await {
        Ok(item) if item.is_file() => item,
        Ok(_) => return Ok(None),
        Err(Error::Graph { status: 404, .. }) => return Ok(None),
        Err(err) => return Err(about(&zip_text, err)),
    };
    let source = RemoteSource::new(Arc::new(graph), item.id.clone(), item.size);
    let archive = tokio::task::spawn_blocking(move || Archive::open(source))
        .await
        .map_err(|e| Error::Other(e.to_string()))?
        .map_err(|e| about(&zip_text, Error::Other(e)))?;
    Ok(Some(Opened {
        archive,
        inner,
        shown: text.to_string(),
    }))
}

fn entry_json(entry: &Entry) -> serde_json::Value {
    json!({
        "path": entry.path,
        "name": entry.name,
        "size": entry.size,
        "modified": entry.modified.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
        "kind": if entry.is_dir { "folder" } else { "file" },
    })
}

fn print(
    out: &mut impl Write,
    entry: &Entry,
    shown: &str,
    options: &Options,
) -> std::io::Result<()> {
    let name = if entry.is_dir {
        format!("{}/", escape_control(shown))
    } else {
        escape_control(shown)
    };
    match options.format {
        Format::Names => writeln!(out, "{name}"),
        Format::JsonLines => writeln!(out, "{}", entry_json(entry)),
        Format::Json => write!(out, "{}", entry_json(entry)),
        Format::Long => {
            let size = if options.bytes {
                entry.size.to_string()
            } else {
                format_size(entry.size, BINARY)
            };
            let modified = entry
                .modified
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "-".into());
            let kind = if entry.is_dir { 'd' } else { '-' };
            writeln!(out, "{kind} {size:>10} {modified} {name}")
        }
    }
}

/// `odc ls` of a path inside an archive: a folder's entries (with `-R` those
/// below it too), or the one file named.
pub fn ls(opened: Opened, options: Options) -> Outcome {
    let Opened {
        archive,
        inner,
        shown,
    } = opened;
    let rows: Vec<(Entry, String)> = match archive.list(&inner) {
        Some(_) if options.recursive => {
            let base = odc_engine::archive::normal(&inner);
            let prefix = if base.is_empty() {
                String::new()
            } else {
                format!("{base}/")
            };
            let mut all: Vec<(Entry, String)> = archive
                .entries()
                .iter()
                .filter_map(|e| {
                    let below = e.path.strip_prefix(&prefix)?.to_string();
                    Some((e.clone(), below))
                })
                .filter(|(_, below)| !below.is_empty())
                .collect();
            all.sort_by(|a, b| a.1.cmp(&b.1));
            all
        }
        Some(entries) => entries.into_iter().map(|e| (e.clone(), e.name)).collect(),
        None => match archive.find(&inner) {
            Some(entry) => vec![(entry.clone(), entry.name.clone())],
            None => {
                return Err(Error::Graph {
                    status: 404,
                    code: "itemNotFound".into(),
                    message: format!("{}: not in the archive", escape_control(&shown)),
                }
                .into());
            }
        },
    };
    let filter = options.filter.clone();
    let result = (|| -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        if options.format == Format::Json {
            write!(out, "[")?;
        }
        let mut written = 0;
        for (entry, shown) in &rows {
            let kept = filter.as_deref().is_none_or(|f| {
                if entry.is_dir {
                    f.includes_folder(shown)
                } else {
                    f.includes_file(shown)
                }
            });
            if !kept {
                continue;
            }
            if options.format == Format::Json {
                write!(out, "{}", if written == 0 { "\n" } else { ",\n" })?;
            }
            print(&mut out, entry, shown, &options)?;
            written += 1;
        }
        if options.format == Format::Json {
            writeln!(out, "{}]", if written > 0 { "\n" } else { "" })?;
        }
        out.flush()
    })();
    match result {
        Err(err) if odc_core::stdio::is_closed_pipe(&err) => Err(Failure::ReaderGone),
        Err(err) => Err(Error::io("stdout", err).into()),
        Ok(()) => Ok(()),
    }
}

/// `odc cat` of a file inside an archive: its bytes, decompressed, to stdout.
pub async fn cat(opened: Opened) -> Outcome {
    let Opened {
        mut archive,
        inner,
        shown,
    } = opened;
    let result = tokio::task::spawn_blocking(move || {
        let mut out = std::io::stdout().lock();
        archive.copy_entry(&inner, &mut out)?;
        out.flush()
    })
    .await
    .map_err(|e| Error::Other(e.to_string()))?;
    match result {
        Ok(()) => Ok(()),
        // `odc cat a.zip/big.log | head`: the reader had enough.
        Err(err) if odc_core::stdio::is_closed_pipe(&err) => Err(Failure::ReaderGone),
        Err(err) => Err(Error::Other(format!("{}: {err}", escape_control(&shown))).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_path_goes_into_an_archive_at_its_first_zip_part() {
        let s = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(split("/a.zip/dir/x.txt"), s("/a.zip", "dir/x.txt"));
        assert_eq!(split("/Backups/A.ZIP/"), s("/Backups/A.ZIP", ""));
        assert_eq!(split("/a.zip"), None, "the archive itself is a file");
        assert_eq!(split("/zip/a.txt"), None);
        assert_eq!(split("/.zip/a.txt"), None);
        assert_eq!(split("/x.zip/y.zip/z"), s("/x.zip", "y.zip/z"));
    }
}
