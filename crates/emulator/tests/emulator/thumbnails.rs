//! Thumbnails of pictures: the set, the named and custom sizes, the bytes by a
//! 302 to a pre-authenticated URL, and none for other files.

use super::support;

/// A `w`×`h` PNG of noise: big, as photos are.
pub fn noisy_png(w: u32, h: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)).wrapping_mul(2_654_435_761);
        image::Rgb([n as u8, (n >> 8) as u8, (n >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn a_picture_has_thumbnails_in_every_size_and_other_files_none() {
    let api = support::empty().await;
    let photo = noisy_png(1200, 900);
    api.put_bytes("/me/drive/root:/photo.png:/content", photo.clone())
        .await;
    let sets = api
        .get("/me/drive/root:/photo.png:/thumbnails")
        .await
        .json();
    let set = &sets["value"][0];
    assert_eq!(set["id"], "0");
    assert_eq!(
        (
            set["small"]["width"].as_u64(),
            set["small"]["height"].as_u64()
        ),
        (Some(48), Some(48))
    );
    assert_eq!(set["medium"]["width"], 176);
    assert_eq!(set["medium"]["height"], 132, "fitted, the aspect kept");
    assert_eq!(set["large"]["width"], 1200, "never enlarged");

    let custom = api
        .get("/me/drive/root:/photo.png:/thumbnails/0/c400x400")
        .await
        .json();
    assert_eq!(
        (custom["width"].as_u64(), custom["height"].as_u64()),
        (Some(400), Some(300))
    );
    let reply = api
        .get("/me/drive/root:/photo.png:/thumbnails/0/c400x400/content")
        .await;
    assert_eq!(reply.status, 302);
    let bytes = api
        .get_plain(&reply.header("location").unwrap(), None)
        .await;
    assert_eq!(bytes.status, 200);
    let thumb = image::load_from_memory(&bytes.body).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (400, 300));
    assert!(
        bytes.body.len() * 20 < photo.len(),
        "{} bytes for a {}-byte picture",
        bytes.body.len(),
        photo.len()
    );

    // Not a picture: no set, and no thumbnail.
    api.put_bytes("/me/drive/root:/notes.txt:/content", b"text".to_vec())
        .await;
    let sets = api
        .get("/me/drive/root:/notes.txt:/thumbnails")
        .await
        .json();
    assert_eq!(sets["value"], serde_json::json!([]));
    let reply = api
        .get("/me/drive/root:/notes.txt:/thumbnails/0/medium/content")
        .await;
    assert_eq!(reply.status, 404);
    let reply = api
        .get("/me/drive/root:/photo.png:/thumbnails/0/huge")
        .await;
    assert_eq!(reply.status, 400);
}
