//! Whether what OneDrive stored is what was sent: the size, and the QuickXorHash
//! when the whole upload was hashed here; a file a document library rewrites as it
//! stores it is accepted and remembered instead (see `rewritten`).

use super::error::{Error, Result};
use super::item::DriveItem;
use odc_core::quickxor::{QuickXorHash, hashes_match};

pub(super) fn verify(item: &DriveItem, size: u64, hasher: &QuickXorHash) -> Result<()> {
    let hash_differs = hasher.len() == size
        && item
            .quick_xor_hash()
            .is_some_and(|stored| !hashes_match(stored, &hasher.digest()));
    if (item.size != size || hash_differs) && super::rewritten::may_be_rewritten(item) {
        // A document library changed the file as it stored it: accepted, and
        // remembered (when the whole upload was hashed here) so that it is not
        // taken for a difference later.
        tracing::info!(
            "{}: the service changed the file after upload ({size} bytes sent, {} stored)",
            item.name,
            item.size
        );
        if let Some(stored) = item.quick_xor_hash()
            && hasher.len() == size
        {
            let sent = super::rewritten::Sent {
                size,
                hash: hasher.finish_base64(),
            };
            if let Err(err) = super::rewritten::Rewrites::standard().remember(stored, sent) {
                tracing::warn!("cannot record a file the service changed: {err}");
            }
        }
        return Ok(());
    }
    if item.size != size {
        return Err(Error::Integrity(format!(
            "{}: OneDrive stored {} bytes of {size}",
            odc_core::display::escape_control(&item.name),
            item.size
        )));
    }
    if hasher.len() == size
        && let Some(expected) = item.quick_xor_hash()
        && !hashes_match(expected, &hasher.digest())
    {
        return Err(Error::Integrity(format!(
            "{}: OneDrive's QuickXorHash {expected} differs from the file's {}",
            odc_core::display::escape_control(&item.name),
            hasher.finish_base64()
        )));
    }
    Ok(())
}
