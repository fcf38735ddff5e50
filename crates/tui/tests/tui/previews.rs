//! Previews: the quick view follows the cursor (pictures, text, what a thing
//! is) through `update`; a picture in full on F3; the runner previews a OneDrive
//! photo from its thumbnail, a few KiB for megabytes.

use std::sync::Arc;

use crossterm::event::KeyCode;
use odc_tui::shared::messages::preview::{Picture, Shown};
use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;
use odc_testkit::Env;

fn picture(w: u32, h: u32) -> Shown {
    // Top and bottom halves of each cell differ, so half blocks draw one.
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 40) as u8, (y * 16) as u8, 200])
    }));
    let picker = ratatui_image::picker::Picker::halfblocks();
    let protocol = picker
        .new_protocol(
            image,
            ratatui::layout::Size::new(20, 8),
            ratatui_image::Resize::Fit(None),
        )
        .unwrap();
    Shown::Picture {
        picture: Picture(Arc::new(protocol)),
        width: w,
        height: h,
        fetched: 3_000,
    }
}

fn preview_ticket(effects: &[Effect]) -> u64 {
    match effects {
        [.., Effect::Preview { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_quick_view_follows_the_cursor_and_shows_text_and_pictures() {
    let mut state = loaded((100, 24), local_entries(), remote_entries());
    let effects = update(&mut state, ch('Q'));
    let first = match &effects[..] {
        [
            Effect::Preview {
                ticket,
                target,
                cells,
            },
        ] => {
            assert!(target.is_dir, "the cursor starts on src/");
            assert_eq!(*cells, (48, 20), "the other pane's inside");
            *ticket
        }
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Event::PreviewReady {
            ticket: first,
            shown: Shown::Note("a folder".into()),
        },
    );
    assert!(screen(&state).contains("Quick view: src"));
    // The same item asks nothing again; another one does.
    let effects = update(&mut state, Event::Tick { now: 0 });
    assert!(effects.iter().all(|e| !matches!(e, Effect::Preview { .. })));
    while state.active_pane().current().unwrap().name != "Cargo.toml" {
        update(&mut state, ch('j'));
    }
    let effects = update(&mut state, ch('k'));
    let older = preview_ticket(&effects);
    let effects = update(&mut state, ch('j'));
    let ticket = preview_ticket(&effects);
    // An answer for an item the cursor left is dropped.
    update(
        &mut state,
        Event::PreviewReady {
            ticket: older,
            shown: Shown::Text(vec!["stale".into()]),
        },
    );
    update(
        &mut state,
        Event::PreviewReady {
            ticket,
            shown: Shown::Text(vec!["[package]".into(), "name = \"odc\"\u{1b}[31m".into()]),
        },
    );
    let text = screen(&state);
    assert!(!text.contains("stale"));
    assert!(!text.contains('\u{1b}'), "escaped");
    insta::assert_snapshot!("quick_view_text", text);

    // A picture is drawn in the pane's place (half blocks in this test).
    update(
        &mut state,
        Event::PreviewReady {
            ticket,
            shown: picture(40, 16),
        },
    );
    let text = screen(&state);
    assert!(text.contains(['▀', '▄']), "{text}");
    assert!(text.contains("Quick view: Cargo.toml · 40×16"), "{text}");
    // Off again: both panes.
    update(&mut state, ch('Q'));
    assert!(!screen(&state).contains("Quick view"));
}

#[test]
fn f3_on_a_picture_shows_it_in_full_and_x_gives_the_hex_viewer() {
    let mut remote = remote_entries();
    remote.push(remote_entry("photo.jpg", false, 20_000_000));
    let mut state = loaded((100, 24), local_entries(), remote);
    update(&mut state, key(KeyCode::Tab));
    while state.active_pane().current().unwrap().name != "photo.jpg" {
        update(&mut state, ch('j'));
    }
    let effects = update(&mut state, key(KeyCode::F(3)));
    let ticket = match &effects[..] {
        [
            Effect::Preview {
                ticket,
                target,
                cells,
            },
        ] => {
            assert_eq!(target.id.as_deref(), Some("ID!photo.jpg"));
            assert_eq!(*cells, (100, 22), "the whole screen less two rows");
            *ticket
        }
        other => panic!("{other:?}"),
    };
    assert!(state.viewer.is_none());
    update(
        &mut state,
        Event::PreviewReady {
            ticket,
            shown: picture(40, 16),
        },
    );
    let text = screen(&state);
    assert!(
        text.starts_with("\"OneDrive:/photo.jpg photo.jpg · 40×16"),
        "{text}"
    );
    assert!(text.contains(['▀', '▄']), "{text}");
    let effects = update(&mut state, ch('x'));
    assert!(
        matches!(&effects[..], [Effect::ViewRead { .. }, ..]),
        "{effects:?}"
    );
    assert!(state.previews.full.is_none() && state.viewer.is_some());
}

#[tokio::test]
async fn the_runner_previews_a_onedrive_photo_by_its_thumbnail_and_a_text_by_its_start() {
    let env = Env::new(Default::default()).await;
    env.sign_in();
    let photo = {
        // Noise does not compress: 1600 pixels square make a 7 MB PNG; the
        // benchmark (benches/preview.sh) asks for 2600, a 20 MB photo.
        let side = std::env::var("ODC_BENCH_PHOTO_SIDE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1600u32);
        let picture = image::RgbImage::from_fn(side, side, |x, y| {
            let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)).wrapping_mul(2_654_435_761);
            image::Rgb([n as u8, (n >> 8) as u8, (n >> 16) as u8])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let photo_id = env.emu.put_file("/photo.png", &photo);
    let text_id = env
        .emu
        .put_file("/notes.txt", &b"line one\nline two\n".repeat(4000));
    let (mut runner, mut rx) = signed_in_runner(&env).await;
    env.emu.clear_requests();
    runner.run(Effect::Preview {
        ticket: 9,
        target: odc_tui::shared::messages::preview::PreviewTarget {
            place: odc_engine::transfer::Location::parse("OneDrive:/photo.png", None).unwrap(),
            id: Some(photo_id),
            size: photo.len() as u64,
            is_dir: false,
        },
        cells: (40, 20),
    });
    loop {
        if let Event::PreviewReady { ticket: 9, shown } = rx.recv().await.unwrap() {
            match shown {
                Shown::Picture {
                    width,
                    height,
                    fetched,
                    ..
                } => {
                    eprintln!(
                        "a {}-byte photo previewed in 40x20 cells with {fetched} bytes fetched ({width}x{height} thumbnail)",
                        photo.len()
                    );
                    assert!(width <= 400 && height <= 400, "{width}×{height}");
                    assert!(
                        fetched * 50 < photo.len() as u64,
                        "{fetched} bytes for a {}-byte photo",
                        photo.len()
                    );
                }
                other => panic!("{other:?}"),
            }
            break;
        }
    }
    assert_eq!(env.count("GET", "/thumbnails/0/c", 302), 1);
    runner.run(Effect::Preview {
        ticket: 10,
        target: odc_tui::shared::messages::preview::PreviewTarget {
            place: odc_engine::transfer::Location::parse("OneDrive:/notes.txt", None).unwrap(),
            id: Some(text_id),
            size: 72_000,
            is_dir: false,
        },
        cells: (40, 20),
    });
    loop {
        if let Event::PreviewReady { ticket: 10, shown } = rx.recv().await.unwrap() {
            match shown {
                Shown::Text(lines) => {
                    assert_eq!(&lines[..2], ["line one", "line two"]);
                    assert!(lines.len() < 2000, "only the start is read");
                }
                other => panic!("{other:?}"),
            }
            break;
        }
    }
}
