//! Editing a file (F4), run by the runner: the editor command, and for a OneDrive
//! file the private copy it edits (downloaded into a 0700 folder of the cache
//! directory, 0600 itself), uploaded back only if it changed and only over the
//! version that was downloaded (`If-Match` on its eTag).

use std::path::Path;
use std::sync::Arc;

use crate::shared::messages::editor::{Copy, Outcome, Upload};
use tokio_util::sync::CancellationToken;

use odc_graph::upload::UploadOptions;
use odc_graph::{Conflict, Error, Graph, ItemAddress, Progress, RemotePath};

/// The editor to run: `$VISUAL`, else `$EDITOR`, else `vi`; run through `sh` as git
/// does, so that `EDITOR="code --wait"` works. The path goes as an argument, never
/// inside the script.
pub fn editor_command(path: &Path) -> std::process::Command {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|v| v.to_string_lossy().into_owned())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".into());
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path);
    command
}

/// Makes `dir` (and its parents) with mode 0700.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// A name safe to create locally for the copy (the remote name is hostile).
fn local_name(name: &str) -> String {
    if odc_graph::local_names::unsafe_reason(name).is_some() || name.is_empty() {
        "edited-file".into()
    } else {
        name.to_string()
    }
}

/// Downloads the file `id` into a new private folder under `edits`.
pub async fn fetch(graph: &Graph, edits: &Path, id: &str) -> Result<Copy, String> {
    let item = graph
        .item(&ItemAddress::Id(id.to_string()))
        .await
        .map_err(|e| e.to_string())?;
    if !item.is_file() {
        return Err(format!(
            "{} is a {}; only files can be edited",
            odc_core::display::escape_control(&item.name),
            item.kind()
        ));
    }
    let dir = edits.join(odc_core::ids::uuid_v4());
    private_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let file = dir.join(local_name(&item.name));
    let progress = Progress::default();
    if let Err(err) = graph
        .download_file(&item, &file, &progress, &CancellationToken::new())
        .await
    {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(err.to_string());
    }
    set_private(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let hash = hash_of(&file).await?;
    Ok(Copy {
        file,
        etag: item.e_tag,
        hash,
    })
}

fn set_private(file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
}

async fn hash_of(file: &Path) -> Result<String, String> {
    odc_core::quickxor::hash_file(file, None)
        .await
        .map(|h| h.finish_base64())
        .map_err(|e| format!("{}: {e}", file.display()))
}

/// Uploads the edited copy to `remote` if it changed.
pub async fn upload(
    graph: &Arc<Graph>,
    copy: &Copy,
    remote: &RemotePath,
    how: Upload,
) -> Result<Outcome, String> {
    if matches!(how, Upload::IfUnchanged(_)) && hash_of(&copy.file).await? == copy.hash {
        return Ok(Outcome::Unchanged);
    }
    let (conflict, if_match) = match how {
        Upload::IfUnchanged(tag) => (Conflict::Replace, tag),
        Upload::Overwrite => (Conflict::Replace, None),
        Upload::KeepBoth => (Conflict::Rename, None),
    };
    let options = UploadOptions {
        if_match,
        ..Default::default()
    };
    let progress = Arc::new(Progress::default());
    match graph
        .upload_file_with(
            &copy.file,
            remote,
            conflict,
            &progress,
            &CancellationToken::new(),
            options,
        )
        .await
    {
        Ok(item) => Ok(Outcome::Uploaded(item.name)),
        Err(Error::Graph { status: 412, .. }) => Ok(Outcome::Changed),
        Err(err) => Err(err.to_string()),
    }
}

/// Removes the private folder of a copy.
pub fn discard(copy_file: &Path) {
    if let Some(dir) = copy_file.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}
