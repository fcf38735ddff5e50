//! Thumbnails (learn.microsoft.com: driveitem-list-thumbnails, thumbnailset):
//! `GET …/thumbnails` lists one set (`"0"`) for a picture and none for other
//! files; `…/thumbnails/0/{size}` is `{width, height, url}` and
//! `…/thumbnails/0/{size}/content` a 302 to that pre-authenticated URL. Sizes:
//! `small` (48×48, cropped), `medium` (fits 176×176), `large` (fits
//! 1920×1920), and custom `c{W}x{H}` (fits) or `c{W}x{H}_crop`. The emulator
//! makes them from the file's bytes (PNG, JPEG, GIF) and serves JPEG.

use axum::response::Response;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde_json::{Value, json};

use super::content::Content;
use super::directory::Scoped;
use super::error::{ApiError, ApiResult};
use super::http;
use super::route::{ItemRef, resolve_existing};
use super::store::{Item, ItemKind};

/// Pictures larger than this get no thumbnail (the emulator reads them whole).
const MAX_SOURCE: u64 = 64 << 20;

/// A thumbnail size as the URL names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub width: u32,
    pub height: u32,
    pub crop: bool,
}

impl Spec {
    pub fn parse(name: &str) -> Option<Spec> {
        match name {
            "small" => {
                return Some(Spec {
                    width: 48,
                    height: 48,
                    crop: true,
                });
            }
            "medium" => {
                return Some(Spec {
                    width: 176,
                    height: 176,
                    crop: false,
                });
            }
            "large" => {
                return Some(Spec {
                    width: 1920,
                    height: 1920,
                    crop: false,
                });
            }
            _ => {}
        }
        let custom = name.strip_prefix('c')?;
        let (custom, crop) = match custom.strip_suffix("_crop") {
            Some(rest) => (rest, true),
            None => (custom, false),
        };
        let (w, h) = custom.split_once('x')?;
        let (width, height) = (w.parse().ok()?, h.parse().ok()?);
        (width > 0 && height > 0 && width <= 10_000 && height <= 10_000).then_some(Spec {
            width,
            height,
            crop,
        })
    }

    /// The size of the thumbnail of a `w`×`h` picture: fitted (never enlarged),
    /// or exactly the box when cropped.
    fn size_for(self, w: u32, h: u32) -> (u32, u32) {
        if self.crop {
            return (self.width, self.height);
        }
        let scale = (self.width as f64 / w as f64)
            .min(self.height as f64 / h as f64)
            .min(1.0);
        (
            ((w as f64 * scale).round() as u32).max(1),
            ((h as f64 * scale).round() as u32).max(1),
        )
    }

    fn name(self) -> String {
        let crop = if self.crop { "_crop" } else { "" };
        format!("c{}x{}{crop}", self.width, self.height)
    }
}

fn is_picture(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The picture's bytes, when the item is a picture small enough to read.
fn picture(item: &Item) -> Option<Content> {
    match &item.kind {
        ItemKind::File { content, .. }
            if is_picture(&item.name) && content.len() <= MAX_SOURCE && item.malware.is_none() =>
        {
            Some(content.clone())
        }
        _ => None,
    }
}

async fn read_all(content: &Content) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(content.len() as usize);
    let mut stream = std::pin::pin!(content.stream(0, content.len()));
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.ok()?);
    }
    Some(bytes)
}

/// The picture's width and height, read from its header.
async fn dimensions(content: &Content) -> Option<(u32, u32)> {
    let bytes = read_all(content).await?;
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// The thumbnail's bytes (JPEG), made from the picture.
pub async fn render(content: &Content, spec: Spec) -> Option<Vec<u8>> {
    let bytes = read_all(content).await?;
    tokio::task::spawn_blocking(move || {
        let picture = image::load_from_memory(&bytes).ok()?;
        let (w, h) = spec.size_for(picture.width(), picture.height());
        let small = if spec.crop {
            picture.resize_to_fill(w, h, image::imageops::FilterType::Triangle)
        } else {
            picture.resize_exact(w, h, image::imageops::FilterType::Triangle)
        };
        let mut out = std::io::Cursor::new(Vec::new());
        small
            .to_rgb8()
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .ok()?;
        Some(out.into_inner())
    })
    .await
    .ok()?
}

/// Which item and which of its contents (`id`, `content_version`).
type Picture = (String, u64);

fn thumbnail_json(
    shared: &Scoped,
    (id, content_version): &Picture,
    spec: Spec,
    (w, h): (u32, u32),
    now: DateTime<Utc>,
) -> Value {
    let (width, height) = spec.size_for(w, h);
    let which = format!("t{content_version}:{}", spec.name());
    json!({
        "width": width,
        "height": height,
        "url": super::render::download_url_of(shared, id, &which, now),
    })
}

/// The picture addressed, with its bytes; 404 for anything else.
fn target(shared: &Scoped, item: &ItemRef) -> ApiResult<Option<(Picture, Content)>> {
    let drive = shared.drive.lock().unwrap();
    let id = resolve_existing(&drive, item)?;
    let found = drive.get(&id)?;
    Ok(picture(found).map(|content| ((found.id.clone(), found.content_version), content)))
}

/// `GET …/thumbnails`.
pub async fn list(shared: &Scoped, item: &ItemRef, now: DateTime<Utc>) -> ApiResult<Response> {
    let found = target(shared, item)?;
    let mut value = Vec::new();
    if let Some((found, content)) = found
        && let Some(size) = dimensions(&content).await
    {
        let mut set = serde_json::Map::new();
        set.insert("id".into(), json!("0"));
        for name in ["small", "medium", "large"] {
            let spec = Spec::parse(name).expect("named sizes parse");
            set.insert(name.into(), thumbnail_json(shared, &found, spec, size, now));
        }
        value.push(Value::Object(set));
    }
    Ok(http::json(200, &json!({ "value": value })))
}

/// `GET …/thumbnails/{set}/{size}` (`content`: its bytes by a 302).
pub async fn one(
    shared: &Scoped,
    item: &ItemRef,
    set: &str,
    size: &str,
    content: bool,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let spec = Spec::parse(size)
        .ok_or_else(|| ApiError::bad_request(format!("Unknown thumbnail size '{size}'.")))?;
    if set != "0" {
        return Err(ApiError::not_found());
    }
    let (found, bytes) = target(shared, item)?.ok_or_else(ApiError::not_found)?;
    let size = dimensions(&bytes).await.ok_or_else(ApiError::not_found)?;
    let json = thumbnail_json(shared, &found, spec, size, now);
    if !content {
        return Ok(http::json(200, &json));
    }
    let mut response = http::empty(302);
    http::set_header(
        &mut response,
        axum::http::header::LOCATION,
        json["url"].as_str().expect("a url"),
    );
    Ok(response)
}
