//! Inside a zip: Enter on a `.zip` opens its entries as a folder tree through
//! `update`; the runner reads a OneDrive archive by Range and copies entries out
//! (never over a file, never outside the folder).

use std::io::Write;

use crossterm::event::KeyCode;
use odc_engine::archive::Entry;
use odc_tui::shared::messages::viewer::ViewSource;
use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;
use odc_testkit::Env;

fn file(path: &str, size: u64) -> Entry {
    Entry {
        name: path.rsplit('/').next().unwrap().into(),
        path: path.into(),
        is_dir: false,
        size,
        modified: None,
    }
}

fn folder(path: &str) -> Entry {
    Entry {
        is_dir: true,
        ..file(path, 0)
    }
}

#[test]
fn enter_on_a_zip_lists_it_as_folders_to_view_and_copy_out() {
    let mut remote = remote_entries();
    remote.push(remote_entry("site.zip", false, 9_000));
    let mut state = loaded((100, 26), local_entries(), remote);
    update(&mut state, key(KeyCode::Tab));
    while state.active_pane().current().unwrap().name != "site.zip" {
        update(&mut state, ch('j'));
    }
    let effects = update(&mut state, key(KeyCode::Enter));
    let ticket = match &effects[..] {
        [Effect::ReadArchive { ticket, archive }] => {
            assert_eq!(archive.id.as_deref(), Some("ID!site.zip"));
            assert_eq!(archive.place.to_string(), "OneDrive:/site.zip");
            *ticket
        }
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Event::ArchiveListed {
            ticket,
            result: Ok(vec![
                file("readme.txt", 120),
                folder("docs"),
                file("docs/a.txt", 5),
                file("evil\u{1b}[31m.txt", 1),
            ]),
        },
    );
    let text = screen(&state);
    assert!(!text.contains('\u{1b}'), "names are escaped");
    insta::assert_snapshot!("archive_top", text);

    // Folders first: Enter goes into docs, Backspace comes back onto it.
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.archive.as_ref().unwrap().dir, "docs");
    update(&mut state, key(KeyCode::Backspace));
    let open = state.archive.as_ref().unwrap();
    assert_eq!((open.dir.as_str(), open.cursor), ("", 0));

    // F5 copies the selected entry into the other pane's local folder.
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    let effects = update(&mut state, key(KeyCode::F(5)));
    match &effects[..] {
        [
            Effect::ExtractArchive {
                entry,
                to: Some(to),
                ..
            },
        ] => {
            assert_eq!(entry, "readme.txt");
            assert_eq!(to.to_string(), "/home/ada/projects");
        }
        other => panic!("{other:?}"),
    }
    // F3 asks for a private copy, and the viewer opens on it when it arrives.
    let effects = update(&mut state, key(KeyCode::F(3)));
    assert!(matches!(
        &effects[..],
        [Effect::ExtractArchive { to: None, .. }]
    ));
    let effects = update(
        &mut state,
        Event::ArchiveViewReady {
            ticket,
            entry: "readme.txt".into(),
            copy: "/tmp/odc-archive-x/entry-y/readme.txt".into(),
            size: 120,
        },
    );
    assert!(matches!(&effects[..], [Effect::ViewRead { .. }, ..]));
    let viewer = state.viewer.as_ref().unwrap();
    assert_eq!(viewer.title, "OneDrive:/site.zip/readme.txt");
    assert!(matches!(&viewer.source, ViewSource::Local(_)));
    update(&mut state, key(KeyCode::Esc));
    assert!(state.viewer.is_none() && state.archive.is_some());
    // Backspace at the top leaves the archive.
    update(&mut state, key(KeyCode::Backspace));
    assert!(!state.dialog_open());
}

#[tokio::test]
async fn the_runner_reads_a_onedrive_zip_and_copies_entries_out_safely() {
    let env = Env::new(Default::default()).await;
    env.sign_in();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("docs/a.txt", options).unwrap();
    zip.write_all(b"aaa").unwrap();
    zip.start_file("docs/../../escape.txt", options).unwrap();
    zip.write_all(b"no").unwrap();
    zip.start_file("readme.txt", options).unwrap();
    zip.write_all(b"read me").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let id = env.emu.put_file("/site.zip", &bytes);
    let (mut runner, mut rx) = signed_in_runner(&env).await;
    let archive = odc_tui::shared::messages::archive::ArchiveRef {
        place: odc_engine::transfer::Location::parse("OneDrive:/site.zip", None).unwrap(),
        id: Some(id),
        size: bytes.len() as u64,
    };
    runner.run(Effect::ReadArchive {
        ticket: 4,
        archive: archive.clone(),
    });
    let entries = loop {
        if let Event::ArchiveListed { ticket: 4, result } = rx.recv().await.unwrap() {
            break result.unwrap();
        }
    };
    assert!(entries.iter().any(|e| e.path == "docs/a.txt"));

    let out = env.dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    runner.run(Effect::ExtractArchive {
        ticket: 4,
        archive: archive.clone(),
        entry: "docs".into(),
        to: Some(odc_engine::transfer::Location::Local(out.clone())),
    });
    let said = loop {
        if let Event::ArchiveDone { ticket: 4, result } = rx.recv().await.unwrap() {
            break result.unwrap();
        }
    };
    assert!(said.starts_with("Copied 1 file(s)"), "{said}");
    assert!(
        said.contains("not written"),
        "the escaping entry is refused: {said}"
    );
    assert_eq!(std::fs::read(out.join("docs/a.txt")).unwrap(), b"aaa");
    assert!(!env.dir.path().join("escape.txt").exists());
    // Again: the file that is there is kept.
    runner.run(Effect::ExtractArchive {
        ticket: 4,
        archive: archive.clone(),
        entry: "docs/a.txt".into(),
        to: Some(odc_engine::transfer::Location::Local(out.join("docs"))),
    });
    loop {
        if let Event::ArchiveDone { ticket: 4, result } = rx.recv().await.unwrap() {
            assert!(result.unwrap_err().contains("exists; kept"));
            break;
        }
    }
    // Into a OneDrive folder: staged privately, then a copy request does the upload.
    let dest = odc_engine::transfer::Location::parse("OneDrive:/", None).unwrap();
    runner.run(Effect::ExtractArchive {
        ticket: 4,
        archive: archive.clone(),
        entry: "docs".into(),
        to: Some(dest.clone()),
    });
    let staged = loop {
        if let Event::ArchiveStaged {
            ticket: 4,
            staged,
            dest: to,
        } = rx.recv().await.unwrap()
        {
            assert_eq!(to, dest);
            break staged;
        }
    };
    let odc_engine::transfer::Location::Local(staged) = staged else {
        panic!("staged locally");
    };
    assert!(staged.ends_with("docs"));
    assert_eq!(std::fs::read(staged.join("a.txt")).unwrap(), b"aaa");
    let mut state = loaded((100, 26), local_entries(), remote_entries());
    let effects = update(
        &mut state,
        Event::ArchiveStaged {
            ticket: 0,
            staged: odc_engine::transfer::Location::Local(staged.clone()),
            dest: dest.clone(),
        },
    );
    match &effects[..] {
        [Effect::Submit { request, .. }, ..] => {
            assert_eq!(
                request.sources,
                [odc_engine::transfer::Location::Local(staged)]
            );
            assert_eq!(request.dest_dir, dest);
        }
        other => panic!("{other:?}"),
    }
    // A private copy to view.
    runner.run(Effect::ExtractArchive {
        ticket: 4,
        archive,
        entry: "readme.txt".into(),
        to: None,
    });
    loop {
        if let Event::ArchiveViewReady {
            ticket: 4,
            copy,
            size,
            ..
        } = rx.recv().await.unwrap()
        {
            assert_eq!(size, 7);
            assert_eq!(std::fs::read(&copy).unwrap(), b"read me");
            break;
        }
    }
}
