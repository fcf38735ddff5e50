//! `odc ls`: a folder's items as they stream in, page by page. Plain names, a long
//! form, one JSON document (an array written element by element, as `rclone
//! lsjson` does, so `jq` and `json.loads` read it whole), or JSON lines; `-R`
//! walks the tree below.

use std::io::Write;

use futures::StreamExt;
use humansize::{BINARY, format_size};
use serde_json::json;

use super::context::{Context, Failure, Outcome, about};
use odc_core::display::escape_control;
use odc_graph::{DriveItem, Error, ItemAddress, RemotePath};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Names,
    Long,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    JsonLines,
}

pub struct Options {
    pub format: Format,
    pub recursive: bool,
    /// Exact sizes in bytes in the long form.
    pub bytes: bool,
    /// What to leave out, by the path below the folder listed.
    pub filter: Option<std::sync::Arc<odc_engine::filter::Filter>>,
}

/// Writes entries to stdout; a closed pipe (`odc ls | head`) ends the listing quietly.
struct Printer {
    options: Options,
    written: usize,
}

impl Printer {
    fn start(&mut self) -> std::io::Result<()> {
        if self.options.format == Format::Json {
            write!(std::io::stdout().lock(), "[")?;
        }
        Ok(())
    }

    fn item(&mut self, path: &RemotePath, shown: &str, item: &DriveItem) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        match self.options.format {
            Format::Json | Format::JsonLines => {
                let value = entry_json(path, item);
                if self.options.format == Format::Json {
                    let separator = if self.written == 0 { "\n" } else { ",\n" };
                    write!(out, "{separator}{value}")?;
                } else {
                    writeln!(out, "{value}")?;
                }
            }
            Format::Names => writeln!(out, "{}", display_name(shown, item))?,
            Format::Long => {
                let modified = item
                    .modified()
                    .map(|t| {
                        t.with_timezone(&chrono::Local)
                            .format("%Y-%m-%d %H:%M")
                            .to_string()
                    })
                    .unwrap_or_else(|| "-".into());
                // One letter, as ls(1): what is not a plain file or folder says so.
                let kind = match item.kind() {
                    "folder" => 'd',
                    "file" => '-',
                    "vault" => 'v',
                    "notebook" => 'n',
                    "shared" => 's',
                    "package" => 'p',
                    _ => '?',
                };
                let size = if self.options.bytes {
                    item.size.to_string()
                } else {
                    format_size(item.size, BINARY)
                };
                writeln!(
                    out,
                    "{kind} {size:>10} {modified} {}",
                    display_name(shown, item)
                )?;
            }
        }
        self.written += 1;
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        if self.options.format == Format::Json {
            let mut out = std::io::stdout().lock();
            if self.written > 0 {
                writeln!(out)?;
            }
            writeln!(out, "]")?;
        }
        Ok(())
    }
}

fn display_name(shown: &str, item: &DriveItem) -> String {
    let name = escape_control(shown);
    if item.is_folder() {
        format!("{name}/")
    } else {
        name
    }
}

/// One entry as `ls --json` prints it. Strings are JSON-escaped, so names need no
/// other escaping here.
pub fn entry_json(path: &RemotePath, item: &DriveItem) -> serde_json::Value {
    json!({
        "path": path.to_string(),
        "name": item.name,
        "size": item.size,
        "modified": item.modified().map(odc_graph::format_time),
        "id": item.id,
        "kind": item.kind(),
        "mimeType": item.file.as_ref().and_then(|f| f.mime_type.clone()),
        "hashes": {"quickXorHash": item.quick_xor_hash()},
    })
}

pub async fn ls(context: &Context, text: &str, options: Options) -> Outcome {
    let (graph, path, item) = context.remote_item(text).await?;
    let recursive = options.recursive;
    let filter = options.filter.clone();
    let mut excluded = 0usize;
    let mut printer = Printer {
        options,
        written: 0,
    };
    let result = async {
        printer.start().map_err(Stop::Io)?;
        if !item.is_folder() {
            printer.item(&path, &item.name, &item).map_err(Stop::Io)?;
            return Ok(());
        }
        // Folders still to list: (id, remote path, path shown relative to the start).
        let mut pending = vec![(item.id.clone(), path.clone(), String::new())];
        while let Some((id, folder, prefix)) = pending.pop() {
            // Pages are printed as they arrive: a 100,000-item folder starts at once.
            let mut pages = std::pin::pin!(graph.list(&ItemAddress::Id(id)));
            let mut subfolders = Vec::new();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| Stop::Graph(about(&folder.to_string(), e)))?;
                for child in &page {
                    let child_path = folder.join(&child.name);
                    let shown = format!("{prefix}{}", child.name);
                    let kept = filter.as_deref().is_none_or(|filter| {
                        if child.is_folder() {
                            filter.includes_folder(&shown)
                        } else {
                            filter.includes_file(&shown)
                        }
                    });
                    if !kept {
                        excluded += 1; // a folder left out is not entered either
                        continue;
                    }
                    printer.item(&child_path, &shown, child).map_err(Stop::Io)?;
                    if recursive && child.is_folder() {
                        subfolders.push((child.id.clone(), child_path, format!("{shown}/")));
                    }
                }
            }
            // Depth first, in listing order.
            pending.extend(subfolders.into_iter().rev());
        }
        Ok(())
    }
    .await;
    // A document once started is always closed, even after an error.
    let closed = printer.finish();
    if excluded > 0 {
        errln!("{}", super::transfers::excluded_line(excluded));
    }
    match result {
        Err(Stop::Io(err)) if odc_core::stdio::is_closed_pipe(&err) => Err(Failure::ReaderGone),
        Err(Stop::Io(err)) => Err(Error::io("stdout", err).into()),
        Err(Stop::Graph(err)) => Err(err.into()),
        Ok(()) => match closed {
            Err(err) if odc_core::stdio::is_closed_pipe(&err) => Err(Failure::ReaderGone),
            Err(err) => Err(Error::io("stdout", err).into()),
            Ok(()) => Ok(()),
        },
    }
}

enum Stop {
    Io(std::io::Error),
    Graph(Error),
}
