//! The previews' I/O: pictures decoded off the async threads (a OneDrive one
//! fetched as a thumbnail the size of the room it gets), text files' first
//! lines read (a OneDrive one by one Range request), each answered with an event.
//! A preview asked for while the cursor keeps moving is dropped unread.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::shared::messages::Event;
use crate::shared::messages::preview::{Picture, PreviewTarget, Shown, is_picture_name};
use crate::shared::services::Services;
use odc_engine::transfer::Location;
use ratatui_image::picker::Picker;

/// The most of a local picture odc reads to preview it.
const MAX_LOCAL_PICTURE: u64 = 64 << 20;
/// How much of a text file the quick view reads.
const TEXT_BYTES: u64 = 16 * 1024;
/// A preview starts only once the cursor has rested this long.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(80);

#[derive(Default)]
pub struct PreviewIo {
    latest: Arc<AtomicU64>,
}

impl PreviewIo {
    pub fn preview(
        &self,
        services: &Services,
        picker: &Picker,
        ticket: u64,
        target: PreviewTarget,
        cells: (u16, u16),
    ) {
        self.latest.store(ticket, Ordering::SeqCst);
        let latest = self.latest.clone();
        let services = services.clone();
        let picker = picker.clone();
        tokio::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            if latest.load(Ordering::SeqCst) != ticket {
                return; // the cursor moved on
            }
            let shown = match shown(&services, &picker, &target, cells).await {
                Ok(shown) => shown,
                Err(problem) => Shown::Failed(problem),
            };
            services.report(Event::PreviewReady { ticket, shown });
        });
    }
}

async fn shown(
    services: &Services,
    picker: &Picker,
    target: &PreviewTarget,
    cells: (u16, u16),
) -> Result<Shown, String> {
    if target.is_dir {
        return Ok(Shown::Note("a folder".into()));
    }
    if target.size == 0 {
        return Ok(Shown::Note("an empty file".into()));
    }
    if is_picture_name(&target.place.name()) {
        return picture(services, picker, target, cells).await;
    }
    let bytes = read_start(services, target).await?;
    if bytes.contains(&0) {
        return Ok(Shown::Note(format!(
            "a binary file of {}",
            humansize::format_size(target.size, humansize::BINARY)
        )));
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if target.size > bytes.len() as u64 && !text.ends_with('\n') {
        lines.pop(); // cut in the middle
    }
    Ok(Shown::Text(lines))
}

async fn graph_for(
    services: &Services,
    target: &PreviewTarget,
) -> Result<Arc<odc_graph::Graph>, String> {
    match &target.place {
        Location::Remote(path) => services
            .graph_in(path.drive())
            .await
            .ok_or_else(|| "Sign in to OneDrive first".to_string()),
        Location::Local(_) => Err("not on OneDrive".into()),
    }
}

/// At most `max` bytes from the start of a local file (a regular file only:
/// never a FIFO or a device), read off the async threads.
async fn read_local(path: &std::path::Path, max: u64) -> Result<Vec<u8>, String> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let file = odc_core::fsutil::open_regular_for_read(&path).map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        file.take(max)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        Ok(bytes)
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The first bytes of a file.
async fn read_start(services: &Services, target: &PreviewTarget) -> Result<Vec<u8>, String> {
    match (&target.place, &target.id) {
        (Location::Local(path), _) => read_local(path, TEXT_BYTES).await,
        (Location::Remote(_), Some(id)) => {
            let graph = graph_for(services, target).await?;
            let urls = tokio::sync::Mutex::new(odc_graph::range::UrlCache::default());
            graph
                .read_range(
                    odc_graph::range::ContentKey::current(id),
                    &urls,
                    0,
                    TEXT_BYTES,
                )
                .await
                .map(|b| b.to_vec())
                .map_err(|e| e.to_string())
        }
        (Location::Remote(_), None) => Err("no OneDrive item to read".into()),
    }
}

/// A picture, decoded and made ready for the terminal at `cells`.
async fn picture(
    services: &Services,
    picker: &Picker,
    target: &PreviewTarget,
    cells: (u16, u16),
) -> Result<Shown, String> {
    let font = picker.font_size();
    let (px_w, px_h) = (
        (cells.0 as u32 * font.width as u32).clamp(16, 4096),
        (cells.1 as u32 * font.height as u32).clamp(16, 4096),
    );
    let bytes = match (&target.place, &target.id) {
        (Location::Local(path), _) => {
            if target.size > MAX_LOCAL_PICTURE {
                return Ok(Shown::Note("a picture too big to preview here".into()));
            }
            read_local(path, MAX_LOCAL_PICTURE).await?
        }
        (Location::Remote(_), Some(id)) => {
            let graph = graph_for(services, target).await?;
            match graph
                .thumbnail(id, px_w, px_h)
                .await
                .map_err(|e| e.to_string())?
            {
                Some(bytes) => bytes.to_vec(),
                None => return Ok(Shown::Note("OneDrive makes no thumbnail of it".into())),
            }
        }
        (Location::Remote(_), None) => return Err("no OneDrive item to read".into()),
    };
    let fetched = bytes.len() as u64;
    let picker = picker.clone();
    tokio::task::spawn_blocking(move || {
        let decoded = image::load_from_memory(&bytes)
            .map_err(|e| format!("not a picture odc can read ({e})"))?;
        let (width, height) = (decoded.width(), decoded.height());
        let room = ratatui::layout::Size::new(cells.0.max(1), cells.1.max(1));
        let protocol = picker
            .new_protocol(decoded, room, ratatui_image::Resize::Fit(None))
            .map_err(|e| e.to_string())?;
        Ok(Shown::Picture {
            picture: Picture(Arc::new(protocol)),
            width,
            height,
            fetched,
        })
    })
    .await
    .map_err(|e| e.to_string())?
}
