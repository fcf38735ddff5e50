//! The file viewer: `update` asks only for the blocks on screen, movements wait for
//! them, search runs as an effect, and the screens (text, escapes, hex) as drawn.

use bytes::Bytes;
use crossterm::event::KeyCode;
use odc_tui::features::viewer::model::BLOCK;
use odc_tui::features::viewer::reading::Reader;
use odc_tui::shared::messages::viewer::{Found, SearchRequest, ViewSource};
use odc_tui::shell::router::{Effect, Event, update};
use odc_tui::shell::state::State;

use super::support::*;
use odc_testkit::Env;

/// The blocks the effects ask for.
fn reads(effects: &[Effect]) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ViewRead { index, .. } => Some(*index),
            _ => None,
        })
        .collect()
}

fn ticket(state: &State) -> u64 {
    state.viewer.as_ref().unwrap().ticket
}

/// Gives the viewer block `index` of `data`, and what it asks for next.
fn feed(state: &mut State, data: &[u8], index: u64) -> Vec<u64> {
    let start = (index * BLOCK) as usize;
    let end = (start + BLOCK as usize).min(data.len());
    let ticket = ticket(state);
    reads(&update(
        state,
        Event::ViewBlock {
            ticket,
            index,
            result: Ok(Bytes::copy_from_slice(&data[start..end])),
        },
    ))
}

/// A state with the remote file `name` of `data` under the cursor, viewed with F3.
fn viewing(size: (u16, u16), name: &str, len: u64) -> (State, Vec<u64>) {
    let mut state = loaded(size, local_entries(), vec![remote_entry(name, false, len)]);
    update(&mut state, key(KeyCode::Tab));
    let effects = update(&mut state, key(KeyCode::F(3)));
    (state, reads(&effects))
}

fn log_text(lines: usize) -> Vec<u8> {
    (0..lines)
        .map(|n| format!("{n:06} GET /items/{:08x} 200\n", n * 7919))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn f3_reads_what_is_on_screen_and_end_reads_only_the_tail() {
    let data = log_text(100_000); // 3 MB: about fifty blocks
    let (mut state, first) = viewing((80, 12), "server.log", data.len() as u64);
    assert_eq!(first, vec![0], "one block fills the first screen");
    let source = match &state.viewer.as_ref().unwrap().source {
        ViewSource::Remote { id, path, .. } => (id.clone(), path.to_string()),
        other => panic!("{other:?}"),
    };
    assert_eq!(source, ("ID!server.log".into(), "/server.log".into()));
    assert!(feed(&mut state, &data, 0).is_empty());
    insta::assert_snapshot!("viewer_text", screen(&state));

    let wanted = reads(&update(&mut state, key(KeyCode::End)));
    let last = (data.len() as u64 - 1) / BLOCK;
    assert_eq!(wanted, vec![last], "the middle is never read");
    assert!(feed(&mut state, &data, last).is_empty());
    let viewer = state.viewer.as_ref().unwrap();
    assert_eq!(viewer.top_line, None, "lines in between were not counted");
    assert_eq!(
        viewer.top,
        data.len() as u64 - 10 * 31,
        "the last screenful of 31-byte lines"
    );
    insta::assert_snapshot!("viewer_tail", screen(&state));

    // Up one row needs nothing new; Home goes back to the start (block 0 is kept).
    assert!(reads(&update(&mut state, ch('k'))).is_empty());
    update(&mut state, key(KeyCode::Home));
    assert_eq!(state.viewer.as_ref().unwrap().top_line, Some(0));
    update(&mut state, ch('q'));
    assert!(state.viewer.is_none());
}

#[test]
fn escapes_and_invalid_bytes_are_shown_not_sent() {
    let data = b"plain\n\x1b[31mred\x1b[0m and \xff\xfe bytes\ttab\r\n\xe2\x80\xaeevil\n".to_vec();
    let (mut state, _) = viewing((60, 8), "hostile.txt", data.len() as u64);
    feed(&mut state, &data, 0);
    let text = screen(&state);
    assert!(!text.contains('\x1b'), "{text}");
    assert!(
        text.contains("^[[31mred^[[0m and \\xff\\xfe bytes       tab"),
        "{text}"
    );
    assert!(text.contains("<U+202E>evil"), "{text}");
    insta::assert_snapshot!("viewer_escapes", text);
}

#[test]
fn binary_files_open_in_hex_and_wrap_and_numbers_toggle() {
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 37 % 256) as u8).collect();
    let (mut state, _) = viewing((80, 8), "disk.img", data.len() as u64);
    feed(&mut state, &data, 0);
    assert!(
        state.viewer.as_ref().unwrap().hex,
        "a NUL byte means binary"
    );
    insta::assert_snapshot!("viewer_hex", screen(&state));
    update(&mut state, ch('x'));
    assert!(!state.viewer.as_ref().unwrap().hex);

    let text = b"a line that is much longer than the screen is wide, so it wraps\n".to_vec();
    let (mut state, _) = viewing((40, 8), "long.txt", text.len() as u64);
    feed(&mut state, &text, 0);
    update(&mut state, ch('w'));
    update(&mut state, ch('#'));
    let viewer = state.viewer.as_ref().unwrap();
    assert!(viewer.wrap && !viewer.numbers);
    assert_eq!(viewer.rows().0.len(), 2, "wrapped over two rows");
}

#[test]
fn search_is_an_effect_and_its_hit_moves_the_screen() {
    let data = log_text(5_000);
    let (mut state, _) = viewing((80, 10), "server.log", data.len() as u64);
    feed(&mut state, &data, 0);
    update(&mut state, ch('/'));
    for c in "001234 get".chars() {
        update(&mut state, ch(c));
    }
    insta::assert_snapshot!("viewer_search_prompt", screen(&state));
    let effects = update(&mut state, key(KeyCode::Enter));
    let request = match &effects[..] {
        [Effect::ViewSearch { request, .. }] => request.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        request,
        SearchRequest {
            pattern: "001234 get".into(),
            size: data.len() as u64,
            top: 0,
            from: 0,
            forward: true,
        }
    );
    assert!(state.busy(), "the spinner runs while searching");
    let at = 1234 * 31;
    let ticket = ticket(&state);
    let wanted = reads(&update(
        &mut state,
        Event::ViewFound {
            ticket,
            result: Ok(Some(Found {
                start: at,
                end: at + 10,
                row_start: at,
                lines: 1234,
            })),
        },
    ));
    for block in wanted {
        feed(&mut state, &data, block);
    }
    let viewer = state.viewer.as_ref().unwrap();
    assert_eq!((viewer.top, viewer.top_line), (at, Some(1234)));
    // n searches on from just after the hit; N backwards from it.
    match &update(&mut state, ch('n'))[..] {
        [Effect::ViewSearch { request, .. }] => assert_eq!(request.from, at + 1),
        other => panic!("{other:?}"),
    }
    update(
        &mut state,
        Event::ViewFound {
            ticket,
            result: Ok(None),
        },
    );
    let text = screen(&state);
    assert!(text.contains("Not found: 001234 get"), "{text}");
    // Esc stops a running search; q closes and stops it too.
    update(&mut state, ch('N'));
    assert_eq!(
        update(&mut state, key(KeyCode::Esc)),
        vec![Effect::CancelViewSearch]
    );
    update(&mut state, ch('n'));
    assert_eq!(update(&mut state, ch('q')), vec![Effect::CancelViewSearch]);
}

#[test]
fn folders_are_not_viewed_and_read_errors_show() {
    let mut state = loaded((80, 12), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::F(3)));
    assert!(state.viewer.is_none());
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("Enter opens a folder")
    );

    let (mut state, _) = viewing((80, 12), "gone.txt", 100);
    let ticket = ticket(&state);
    update(
        &mut state,
        Event::ViewBlock {
            ticket,
            index: 0,
            result: Err("gone.txt: the item was not found".into()),
        },
    );
    assert!(screen(&state).contains("the item was not found"));
    // A block for a viewer closed since is dropped.
    update(&mut state, ch('q'));
    update(
        &mut state,
        Event::ViewBlock {
            ticket,
            index: 0,
            result: Ok(Bytes::from_static(b"late")),
        },
    );
    assert!(state.viewer.is_none());
}

/// A 10 GiB OneDrive file: the first block and the last are two Range requests of
/// 64 KiB each, and a search reads forward from the top without downloading it all.
#[tokio::test]
async fn remote_blocks_are_range_reads_of_exactly_what_is_shown() {
    let (env, graph) = Env::signed_in(Default::default()).await;
    let size = 10u64 << 30;
    let id = env.emu.put_generated("/big.bin", size);
    env.emu.clear_requests();
    let reader = Reader::new(
        ViewSource::Remote {
            id: id.clone(),
            path: odc_graph::RemotePath::parse("/big.bin").unwrap(),
            version: None,
        },
        Some(std::sync::Arc::new(graph)),
        Default::default(),
    );
    let started = std::time::Instant::now();
    let first = reader.block(0).await.unwrap();
    let last_index = (size - 1) / BLOCK;
    let last = reader.block(last_index).await.unwrap();
    let took = started.elapsed();
    eprintln!("first and last 64 KiB of a 10 GiB OneDrive file: {took:?}");
    assert!(took < std::time::Duration::from_secs(2));
    assert_eq!(first.len() as u64, BLOCK);
    assert_eq!(last.len() as u64, size - last_index * BLOCK);
    let ranges: Vec<String> = env.log().iter().filter_map(|r| r.range.clone()).collect();
    assert_eq!(
        ranges,
        vec![
            format!("bytes=0-{}", BLOCK - 1),
            format!("bytes={}-{}", last_index * BLOCK, size - 1)
        ]
    );
    // One download URL served both reads.
    assert_eq!(env.count("GET", "/content", 302), 1);

    // The bytes are the file's, at the right place.
    let data = odc_testkit::pattern(200_000, 7);
    let small = env.emu.put_file("/small.bin", &data);
    let reader = Reader::new(
        ViewSource::Remote {
            id: small,
            path: odc_graph::RemotePath::parse("/small.bin").unwrap(),
            version: None,
        },
        reader_graph(&env),
        Default::default(),
    );
    let block = reader.block(1).await.unwrap();
    assert_eq!(&block[..], &data[BLOCK as usize..2 * BLOCK as usize]);
    let tail = reader.block(3).await.unwrap();
    assert_eq!(&tail[..], &data[3 * BLOCK as usize..]);
    assert!(
        reader.block(4).await.unwrap().is_empty(),
        "past the end: 416, nothing"
    );

    // A search over the wire reads from the top in bounded chunks and counts lines.
    let text = (0..50_000)
        .map(|n| format!("line {n}\n"))
        .collect::<String>();
    let id = env.emu.put_file("/log.txt", text.as_bytes());
    let reader = Reader::new(
        ViewSource::Remote {
            id,
            path: odc_graph::RemotePath::parse("/log.txt").unwrap(),
            version: None,
        },
        reader_graph(&env),
        Default::default(),
    );
    let request = SearchRequest {
        pattern: "line 45678".into(),
        size: text.len() as u64,
        top: 0,
        from: 0,
        forward: true,
    };
    let found = odc_tui::features::viewer::reading::search(
        &reader,
        &request,
        &tokio_util::sync::CancellationToken::new(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(found.start, text.find("line 45678").unwrap() as u64);
    assert_eq!(found.lines, 45_678);
}

fn reader_graph(env: &Env) -> Option<std::sync::Arc<odc_graph::Graph>> {
    Some(std::sync::Arc::new(env.graph()))
}
