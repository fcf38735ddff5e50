//! SharePoint's change of the files it stores: Office documents, PDFs and HTML
//! pages uploaded to a business drive get the library's properties written into
//! them, so the stored size and hash differ from the bytes sent
//! (onedrive-api-docs#935, microsoft-graph-docs#8078; Graph reference §10.8). The
//! upload's reply already shows the changed item. No new version is made.

use bytes::Bytes;

use super::content::Content;
use super::error::ApiResult;
use super::store::{Drive, ItemKind};

/// Extensions the service rewrites.
const REWRITTEN: [&str; 12] = [
    "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pptm", "pdf", "html", "htm",
];

/// Rewrites stored content only up to this size (the emulator reads it whole).
const MAX_REWRITTEN: u64 = 64 << 20;

/// What the service adds (in a real file: document properties; here, bytes that
/// make the change visible in size and hash).
const ADDED: &[u8] = b"\n<!-- properties added by the document library -->\n";

/// Rewrites the file `id` just uploaded, when the drive is a business drive whose
/// libraries do so and the file is of a rewritten type.
pub fn after_upload(
    shared: &super::directory::Scoped,
    drive: &mut Drive,
    id: &str,
) -> ApiResult<()> {
    if !drive.business() || !shared.settings().rewrite_office_files {
        return Ok(());
    }
    let item = drive.get(id)?;
    let extension = item
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    if !extension.is_some_and(|e| REWRITTEN.contains(&e.as_str())) {
        return Ok(());
    }
    let ItemKind::File { content, .. } = &item.kind else {
        return Ok(());
    };
    if content.len() > MAX_REWRITTEN {
        return Ok(());
    }
    let mut bytes = match content {
        Content::Inline(bytes) => bytes.to_vec(),
        Content::Blob(blob) => std::fs::read(&blob.path)
            .map_err(|e| super::error::ApiError::new(500, "generalException", e.to_string()))?,
        Content::Generated(_) => return Ok(()),
    };
    bytes.extend_from_slice(ADDED);
    let hash = odc_core::quickxor::quickxor_base64(&bytes);
    drive.rewrite_content(id, Content::Inline(Bytes::from(bytes)), hash)
}
