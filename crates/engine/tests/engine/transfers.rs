//! The transfer engine against the emulator: all four directions, folders, moves,
//! conflicts, errors, pause and cancel, under faults. Every test compares bytes and
//! checks that no partial file is left behind.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use odc_core::config::Config;
use odc_emulator::{Emulator, EmulatorOptions, Fault, FaultRule, RetryAfter, Settings, Target};

use crate::support::{self, pattern};
use odc_engine::transfer::TaskState;
use odc_engine::transfer::{
    ConflictAnswer, Engine, EngineEvent, ErrorAnswer, Kind, Location, Question, Request, Resolution,
};
use odc_graph::auth::Session;
use odc_graph::tokens::TokenStore;
use odc_graph::{Graph, RemotePath};
use tokio::sync::mpsc::UnboundedReceiver;

const UNIT: usize = support::UNIT as usize;

struct Env {
    emu: Emulator,
    engine: Engine,
    events: UnboundedReceiver<EngineEvent>,
    dir: tempfile::TempDir,
    store_path: PathBuf,
    graph: Arc<Graph>,
}

async fn env(settings: Settings, tune: impl FnOnce(&mut Config)) -> Env {
    let signed_in = support::Env::tuned(
        EmulatorOptions {
            settings,
            ..Default::default()
        },
        tune,
    )
    .await;
    signed_in.sign_in();
    let graph = Arc::new(signed_in.graph());
    let (tx, events) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::new(&signed_in.config.transfer, tx);
    engine.set_graph(graph.clone());
    Env {
        store_path: signed_in.store_path(),
        emu: signed_in.emu,
        engine,
        events,
        dir: signed_in.dir,
        graph,
    }
}

fn remote(path: &str) -> Location {
    Location::Remote(RemotePath::parse(path).unwrap())
}

/// Final states by task name, plus problems, answering questions with `answer`.
struct Run {
    states: Vec<(String, TaskState)>,
    problems: Vec<String>,
    questions: Vec<String>,
    /// "keep both": (task name, the name it was saved under).
    renamed: Vec<(String, String)>,
}

impl Env {
    fn local(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, data: &[u8]) -> PathBuf {
        let path = self.local(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, data).unwrap();
        path
    }

    async fn run(&mut self, request: Request, mut answer: impl FnMut(&Question) -> Answer) -> Run {
        self.engine.submit(request);
        let mut names = std::collections::HashMap::new();
        let mut run = Run {
            states: Vec::new(),
            problems: Vec::new(),
            questions: Vec::new(),
            renamed: Vec::new(),
        };
        let mut finals = std::collections::HashMap::new();
        loop {
            let event = tokio::time::timeout(Duration::from_secs(30), self.events.recv())
                .await
                .expect("the engine went quiet")
                .unwrap();
            match event {
                EngineEvent::Added(info) => {
                    names.insert(info.id, info.name.clone());
                }
                EngineEvent::State { id, state } => {
                    if state.finished() {
                        finals.insert(id, state);
                    }
                }
                EngineEvent::Ask(question) => match question {
                    Question::Conflict { ref name, .. } => {
                        run.questions.push(format!("conflict {name}"));
                        let Answer::Conflict(a) = answer(&question) else {
                            panic!("wrong answer")
                        };
                        if let Question::Conflict { reply, .. } = question {
                            let _ = reply.send(a); // a question can be withdrawn (abort)
                        }
                    }
                    Question::Error {
                        ref name,
                        ref message,
                        ..
                    } => {
                        run.questions.push(format!("error {name}: {message}"));
                        let Answer::Error(a) = answer(&question) else {
                            panic!("wrong answer")
                        };
                        if let Question::Error { reply, .. } = question {
                            let _ = reply.send(a); // a question can be withdrawn (abort)
                        }
                    }
                },
                EngineEvent::Problem(p) => run.problems.push(p),
                EngineEvent::Renamed { id, name } => run.renamed.push((names[&id].clone(), name)),
                EngineEvent::Finished { .. } => break,
            }
        }
        let mut states: Vec<(String, TaskState)> = finals
            .into_iter()
            .map(|(id, s)| (names[&id].clone(), s))
            .collect();
        states.sort_by(|a, b| a.0.cmp(&b.0));
        run.states = states;
        run
    }
}

/// The id of the next task the engine adds.
async fn added(env: &mut Env) -> u64 {
    loop {
        if let Some(EngineEvent::Added(info)) = env.events.recv().await {
            return info.id;
        }
    }
}

enum Answer {
    Conflict(ConflictAnswer),
    Error(ErrorAnswer),
}

fn never(_: &Question) -> Answer {
    panic!("no question expected")
}

fn no_partials(dir: &Path) {
    for entry in walk(dir) {
        assert!(
            !entry.ends_with(".odc-partial"),
            "partial file left: {entry}"
        );
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

fn mixed_folder(env: &Env) -> Vec<(String, Vec<u8>)> {
    let files = vec![
        ("mixed/small.txt".to_string(), b"small".to_vec()),
        ("mixed/empty".to_string(), Vec::new()),
        ("mixed/sub/big.bin".to_string(), pattern(3 * UNIT + 1234, 1)),
        (
            "mixed/sub/deeper/medium.bin".to_string(),
            pattern(150_000, 2),
        ),
        ("mixed/Ünïcødé 😀 #1.txt".to_string(), b"unicode".to_vec()),
    ];
    for (rel, data) in &files {
        env.write(rel, data);
    }
    files
}

#[tokio::test]
async fn a_folder_goes_up_and_comes_back_identical() {
    let mut env = env(Settings::default(), |_| {}).await;
    let files = mixed_folder(&env);
    let up = Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("mixed"))],
        dest_dir: remote("/"),
        dest_name: None,
    };
    let run = env.run(up, never).await;
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    assert_eq!(run.states.len(), 5);
    assert!(
        run.states.iter().all(|(_, s)| *s == TaskState::Done),
        "{:?}",
        run.states
    );
    for (rel, data) in &files {
        assert_eq!(
            &env.emu.read_file(&format!("/{rel}")).await.unwrap(),
            data,
            "{rel}"
        );
    }
    // And back down into another folder.
    std::fs::create_dir(env.local("back")).unwrap();
    let down = Request {
        kind: Kind::Copy,
        sources: vec![remote("/mixed")],
        dest_dir: Location::Local(env.local("back")),
        dest_name: None,
    };
    let run = env.run(down, never).await;
    assert!(
        run.states.iter().all(|(_, s)| *s == TaskState::Done),
        "{:?}",
        run.states
    );
    for (rel, data) in &files {
        assert_eq!(
            &std::fs::read(env.local(&format!("back/{rel}"))).unwrap(),
            data,
            "{rel}"
        );
    }
    no_partials(env.dir.path());
    // Server-side copy of the folder, and a local copy.
    let copy = Request {
        kind: Kind::Copy,
        sources: vec![remote("/mixed")],
        dest_dir: remote("/Backup"),
        dest_name: None,
    };
    env.graph
        .create_folders(&RemotePath::parse("/Backup").unwrap())
        .await
        .unwrap();
    let run = env.run(copy, never).await;
    assert_eq!(run.states, [("mixed".to_string(), TaskState::Done)]);
    assert_eq!(
        env.emu
            .read_file("/Backup/mixed/sub/big.bin")
            .await
            .unwrap(),
        files[2].1
    );
    std::fs::create_dir(env.local("copy")).unwrap();
    let local = Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("mixed"))],
        dest_dir: Location::Local(env.local("copy")),
        dest_name: None,
    };
    let run = env.run(local, never).await;
    assert!(run.states.iter().all(|(_, s)| *s == TaskState::Done));
    assert_eq!(walk(&env.local("mixed")), walk(&env.local("copy/mixed")));
    assert_eq!(
        std::fs::read(env.local("copy/mixed/sub/big.bin")).unwrap(),
        files[2].1
    );
}

#[tokio::test]
async fn transfers_survive_drops_partial_fragments_throttling_and_token_expiry() {
    let mut env = env(Settings::default(), |_| {}).await;
    let files = mixed_folder(&env);
    env.emu.add_fault(
        FaultRule::new(Target::Upload, Fault::PartialAccept { bytes: 100_000 }, 1).method("PUT"),
    );
    env.emu
        .add_fault(FaultRule::new(Target::Upload, Fault::Drop, 1).method("PUT"));
    env.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 429,
            retry_after: Some(RetryAfter::Seconds(1)),
        },
        2,
    ));
    env.emu.expire_access_tokens();
    let up = Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("mixed"))],
        dest_dir: remote("/"),
        dest_name: None,
    };
    let run = env.run(up, never).await;
    assert!(
        run.states.iter().all(|(_, s)| *s == TaskState::Done),
        "{:?}",
        run.states
    );
    for (rel, data) in &files {
        assert_eq!(
            &env.emu.read_file(&format!("/{rel}")).await.unwrap(),
            data,
            "{rel}"
        );
    }
    assert_eq!(env.emu.open_upload_sessions(), 0);
    let throttled = env
        .emu
        .requests()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    assert!(throttled >= 2, "the 429s were met and waited out");

    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::DropMidBody {
            after_bytes: 200_000,
        },
        2,
    ));
    std::fs::create_dir(env.local("back")).unwrap();
    let down = Request {
        kind: Kind::Copy,
        sources: vec![remote("/mixed")],
        dest_dir: Location::Local(env.local("back")),
        dest_name: None,
    };
    let run = env.run(down, never).await;
    assert!(
        run.states.iter().all(|(_, s)| *s == TaskState::Done),
        "{:?}",
        run.states
    );
    for (rel, data) in &files {
        assert_eq!(
            &std::fs::read(env.local(&format!("back/{rel}"))).unwrap(),
            data,
            "{rel}"
        );
    }
    no_partials(env.dir.path());
}

#[tokio::test]
async fn conflicts_are_asked_and_all_answers_hold() {
    let mut env = env(Settings::default(), |_| {}).await;
    env.write("src/a.txt", b"new a");
    env.write("src/b.txt", b"new b");
    env.write("src/c.txt", b"new c");
    env.emu.put_file("/dst/a.txt", b"old a");
    env.emu.put_file("/dst/b.txt", b"old b");
    env.emu.put_file("/dst/c.txt", b"old c");
    let request = |env: &Env| Request {
        kind: Kind::Copy,
        sources: ["a.txt", "b.txt", "c.txt"]
            .iter()
            .map(|n| Location::Local(env.local(&format!("src/{n}"))))
            .collect(),
        dest_dir: remote("/dst"),
        dest_name: None,
    };
    // Keep both, for all: asked once.
    let run = env
        .run(request(&env), |_| {
            Answer::Conflict(ConflictAnswer::All(Resolution::Rename))
        })
        .await;
    assert_eq!(run.questions.len(), 1, "{:?}", run.questions);
    let mut renamed = run.renamed.clone();
    renamed.sort();
    assert_eq!(
        renamed,
        vec![
            ("a.txt".to_string(), "a (1).txt".to_string()),
            ("b.txt".to_string(), "b (1).txt".to_string()),
            ("c.txt".to_string(), "c (1).txt".to_string()),
        ],
        "each task says the name it is saved under"
    );
    assert_eq!(env.emu.read_file("/dst/a.txt").await.unwrap(), b"old a");
    for name in ["a (1).txt", "b (1).txt", "c (1).txt"] {
        assert!(
            env.emu
                .read_file(&format!("/dst/{name}"))
                .await
                .unwrap()
                .starts_with(b"new"),
            "{name}"
        );
    }
    // Skip once, overwrite once...
    let mut answers = vec![
        ConflictAnswer::Once(Resolution::Skip),
        ConflictAnswer::Once(Resolution::Overwrite),
        ConflictAnswer::Once(Resolution::OverwriteIfOlder),
    ]
    .into_iter();
    let run = env
        .run(request(&env), |_| Answer::Conflict(answers.next().unwrap()))
        .await;
    assert_eq!(run.questions.len(), 3);
    let skipped = run
        .states
        .iter()
        .filter(|(_, s)| *s == TaskState::Skipped)
        .count();
    let done = run
        .states
        .iter()
        .filter(|(_, s)| *s == TaskState::Done)
        .count();
    assert_eq!((skipped, done), (2, 1), "{:?}", run.states);
    // ...and abort stops the request.
    let run = env
        .run(request(&env), |_| Answer::Conflict(ConflictAnswer::Abort))
        .await;
    assert!(
        run.states.iter().all(|(_, s)| *s != TaskState::Done),
        "{:?}",
        run.states
    );
}

#[tokio::test]
async fn a_configured_conflict_answer_needs_no_question() {
    let mut env = env(Settings::default(), |c| {
        c.transfer.on_conflict = odc_core::config::OnConflict::Overwrite
    })
    .await;
    env.write("src/a.txt", b"fresh");
    std::fs::create_dir_all(env.local("dst")).unwrap();
    std::fs::write(env.local("dst/a.txt"), b"stale").unwrap();
    let request = Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("src/a.txt"))],
        dest_dir: Location::Local(env.local("dst")),
        dest_name: None,
    };
    let run = env.run(request, never).await;
    assert_eq!(run.states, [("a.txt".to_string(), TaskState::Done)]);
    assert_eq!(std::fs::read(env.local("dst/a.txt")).unwrap(), b"fresh");
}

#[tokio::test]
async fn errors_are_asked_and_failed_tasks_can_be_retried() {
    let mut env = env(Settings::default(), |_| {}).await;
    let data = pattern(3 * UNIT, 9);
    env.write("big.bin", &data);
    env.emu.add_fault(FaultRule::new(
        Target::Upload,
        Fault::Status {
            status: 507,
            retry_after: None,
        },
        1,
    ));
    let request = Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("big.bin"))],
        dest_dir: remote("/"),
        dest_name: None,
    };
    let run = env
        .run(request.clone(), |q| {
            assert!(matches!(q, Question::Error { message, .. } if message.contains("full")));
            Answer::Error(ErrorAnswer::Skip)
        })
        .await;
    assert!(
        matches!(&run.states[0].1, TaskState::Failed(reason) if reason.contains("full")),
        "{:?}",
        run.states
    );
    // Retry answers try again at once.
    env.emu.add_fault(FaultRule::new(
        Target::Upload,
        Fault::Status {
            status: 507,
            retry_after: None,
        },
        1,
    ));
    let run = env
        .run(request, |_| Answer::Error(ErrorAnswer::Retry))
        .await;
    assert_eq!(run.states, [("big.bin".to_string(), TaskState::Done)]);
    assert_eq!(env.emu.read_file("/big.bin").await.unwrap(), data);
}

#[tokio::test]
async fn moves_in_every_direction_delete_sources_only_after_arrival() {
    let mut env = env(Settings::default(), |_| {}).await;
    env.write("up/a.txt", b"a");
    env.write("up/sub/b.txt", b"b");
    let run = env
        .run(
            Request {
                kind: Kind::Move,
                sources: vec![Location::Local(env.local("up"))],
                dest_dir: remote("/"),
                dest_name: None,
            },
            never,
        )
        .await;
    assert!(run.states.iter().all(|(_, s)| *s == TaskState::Done));
    assert!(!env.local("up").exists(), "the local source is gone");
    assert_eq!(env.emu.read_file("/up/sub/b.txt").await.unwrap(), b"b");

    env.graph
        .create_folders(&RemotePath::parse("/Moved").unwrap())
        .await
        .unwrap();
    let run = env
        .run(
            Request {
                kind: Kind::Move,
                sources: vec![remote("/up")],
                dest_dir: remote("/Moved"),
                dest_name: None,
            },
            never,
        )
        .await;
    assert_eq!(run.states, [("up".to_string(), TaskState::Done)]);
    assert_eq!(env.emu.read_file("/Moved/up/a.txt").await.unwrap(), b"a");
    assert!(env.emu.read_file("/up/a.txt").await.is_none());

    std::fs::create_dir(env.local("down")).unwrap();
    let run = env
        .run(
            Request {
                kind: Kind::Move,
                sources: vec![remote("/Moved/up")],
                dest_dir: Location::Local(env.local("down")),
                dest_name: None,
            },
            never,
        )
        .await;
    assert!(run.states.iter().all(|(_, s)| *s == TaskState::Done));
    assert_eq!(std::fs::read(env.local("down/up/sub/b.txt")).unwrap(), b"b");
    assert!(
        env.emu.read_file("/Moved/up/a.txt").await.is_none(),
        "the remote source is gone"
    );

    std::fs::create_dir(env.local("there")).unwrap();
    let run = env
        .run(
            Request {
                kind: Kind::Move,
                sources: vec![Location::Local(env.local("down/up"))],
                dest_dir: Location::Local(env.local("there")),
                dest_name: None,
            },
            never,
        )
        .await;
    assert_eq!(run.states, [("up".to_string(), TaskState::Done)]);
    assert_eq!(std::fs::read(env.local("there/up/a.txt")).unwrap(), b"a");

    // A move whose transfer fails keeps its source.
    env.write("keep/x.bin", &pattern(3 * UNIT, 3));
    env.emu.add_fault(FaultRule::new(
        Target::Upload,
        Fault::Status {
            status: 507,
            retry_after: None,
        },
        1,
    ));
    let run = env
        .run(
            Request {
                kind: Kind::Move,
                sources: vec![Location::Local(env.local("keep"))],
                dest_dir: remote("/"),
                dest_name: None,
            },
            |_| Answer::Error(ErrorAnswer::Skip),
        )
        .await;
    assert!(matches!(run.states[0].1, TaskState::Failed(_)));
    assert!(
        env.local("keep/x.bin").exists(),
        "source kept: {:?}",
        run.problems
    );
    assert!(run.problems.iter().any(|p| p.contains("kept")));
}

/// Clearing finished rows while a move deletes its source used to panic the
/// engine (the task's entry was gone when the run settled its request).
#[tokio::test]
async fn clearing_finished_rows_while_a_move_deletes_its_source() {
    let mut env = env(
        Settings {
            latency_ms: 150,
            ..Settings::default()
        },
        |_| {},
    )
    .await;
    env.write("src/a.txt", b"a");
    env.write("src/b.txt", b"b");
    let up = env
        .run(
            Request {
                kind: Kind::Copy,
                sources: vec![Location::Local(env.local("src"))],
                dest_dir: remote("/"),
                dest_name: None,
            },
            never,
        )
        .await;
    assert!(up.states.iter().all(|(_, s)| *s == TaskState::Done));
    std::fs::create_dir(env.local("down")).unwrap();
    env.engine.submit(Request {
        kind: Kind::Move,
        sources: vec![remote("/src")],
        dest_dir: Location::Local(env.local("down")),
        dest_name: None,
    });
    let mut done = 0;
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), env.events.recv())
            .await
            .expect("the engine went quiet: it panicked")
            .unwrap();
        match event {
            EngineEvent::State {
                state: TaskState::Done,
                ..
            } => {
                done += 1;
                if done == 2 {
                    // The DELETE of /src is now in flight (150 ms latency).
                    env.engine.clear_finished();
                }
            }
            EngineEvent::Finished { .. } => break,
            EngineEvent::Problem(p) => panic!("{p}"),
            _ => {}
        }
    }
    assert_eq!(std::fs::read(env.local("down/src/b.txt")).unwrap(), b"b");
    assert!(env.emu.read_file("/src/a.txt").await.is_none(), "moved");
}

/// A hostile remote name at the top of a selection (the TUI copies what the pane
/// shows) gets the same check as the names below it: nothing is written outside
/// the chosen folder, and no request addresses it by a path that could resolve
/// to another item.
#[tokio::test]
async fn hostile_top_level_names_are_refused_when_copying_to_local() {
    let mut env = env(Settings::default(), |_| {}).await;
    let now = chrono::Utc::now();
    env.emu.with_drive(|drive| {
        let root = drive.root_id.clone();
        let folder = drive.insert_unchecked(&root, "ev", None, now);
        for name in ["../../x", "..", "a/b"] {
            drive.insert_unchecked(
                &folder,
                name,
                Some(odc_emulator::content::Content::Inline(
                    bytes::Bytes::from_static(b"evil"),
                )),
                now,
            );
        }
    });
    env.emu.put_file("/victim.txt", b"keep me");
    let target = env.local("deep/inside");
    std::fs::create_dir_all(&target).unwrap();
    let folder = odc_graph::RemotePath::parse("/ev").unwrap();
    for kind in [Kind::Copy, Kind::Move] {
        let run = env
            .run(
                Request {
                    kind,
                    sources: ["../../x", "..", "a/b"]
                        .iter()
                        .map(|n| Location::Remote(folder.join(n)))
                        .collect(),
                    dest_dir: Location::Local(target.clone()),
                    dest_name: None,
                },
                never,
            )
            .await;
        assert_eq!(run.problems.len(), 3, "{:?}", run.problems);
        assert!(
            run.problems
                .iter()
                .all(|p| p.contains("cannot be saved locally"))
        );
    }
    assert!(
        walk(env.dir.path())
            .iter()
            .all(|p| !p.ends_with("x") && !p.ends_with("b"))
    );
    assert!(std::fs::read_dir(&target).unwrap().next().is_none());
    // A path through such a name is looked up by id, name by name: it can only
    // reach the item really called "..", never the folder above.
    let err = env
        .graph
        .delete(&odc_graph::ItemAddress::Path(
            folder.join("..").join("victim.txt"),
        ))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(
        env.emu
            .requests()
            .iter()
            .all(|r| !r.path.contains("/..") && !r.path.contains("%2E%2E")),
        "no path with .. was ever sent"
    );
    assert_eq!(env.emu.read_file("/victim.txt").await.unwrap(), b"keep me");
}

/// Local trees are read safely: links are not followed unless asked (a link to a
/// secret outside is not uploaded, a loop does not nest folders), a dangling link
/// or a FIFO fails alone, and names OneDrive would merge are reported, not lost.
#[tokio::test]
async fn local_trees_with_links_loops_and_colliding_names() {
    let mut env = env(Settings::default(), |_| {}).await;
    env.write("secret.txt", b"top secret");
    env.write("tree/plain.txt", b"plain");
    env.write("tree/sub/deep.txt", b"deep");
    env.write("tree/a.txt", b"lower");
    env.write("tree/A.txt", b"upper");
    env.write("tree/caf\u{e9}.txt", b"nfc");
    env.write("tree/cafe\u{301}.txt", b"nfd");
    let tree = env.local("tree");
    std::os::unix::fs::symlink("../secret.txt", tree.join("secret-link")).unwrap();
    std::os::unix::fs::symlink("..", tree.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("nowhere", tree.join("dangling")).unwrap();
    let fifo = std::ffi::CString::new(tree.join("pipe").as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);

    let request = |dest: &str| Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(tree.clone())],
        dest_dir: remote(dest),
        dest_name: None,
    };
    env.graph
        .create_folders(&RemotePath::parse("/plain").unwrap())
        .await
        .unwrap();
    let run = env.run(request("/plain"), never).await;
    let problems = run.problems.join("\n");
    for expected in [
        "secret-link: skipped: a symbolic link",
        "loop: skipped: a symbolic link",
        "dangling: skipped: a symbolic link",
        "pipe: skipped: a FIFO is not copied",
        // Sorted by bytes: "A.txt" before "a.txt", NFD "cafe\u{301}" before NFC.
        "a.txt: skipped: OneDrive does not tell it from \"A.txt\" (names differ only in case",
        "caf\u{e9}.txt: skipped: OneDrive does not tell it from \"cafe\u{301}.txt\"",
    ] {
        assert!(
            problems.contains(expected),
            "{expected:?} not in:\n{problems}"
        );
    }
    assert!(
        run.states.iter().all(|(_, s)| *s == TaskState::Done),
        "{:?}",
        run.states
    );
    assert_eq!(
        env.emu.read_file("/plain/tree/plain.txt").await.unwrap(),
        b"plain"
    );
    assert_eq!(
        env.emu.read_file("/plain/tree/sub/deep.txt").await.unwrap(),
        b"deep"
    );
    assert_eq!(
        env.emu.read_file("/plain/tree/A.txt").await.unwrap(),
        b"upper",
        "the first kept"
    );
    assert!(env.emu.read_file("/plain/tree/secret-link").await.is_none());
    assert!(
        env.emu
            .read_file("/plain/tree/sub/loop/plain.txt")
            .await
            .is_none()
    );

    // Following links: the secret's link is copied as its target, the loop is
    // walked once, the dangling link still fails alone.
    let mut env2 = self::env(Settings::default(), |c| c.transfer.follow_symlinks = true).await;
    env2.graph
        .create_folders(&RemotePath::parse("/follow").unwrap())
        .await
        .unwrap();
    let run = env2.run(request("/follow"), never).await;
    let problems = run.problems.join("\n");
    assert!(
        problems.contains("loop: skipped: this folder was reached before"),
        "{problems}"
    );
    assert!(
        problems.contains("dangling: skipped: the symbolic link points nowhere"),
        "{problems}"
    );
    assert_eq!(
        env2.emu
            .read_file("/follow/tree/secret-link")
            .await
            .unwrap(),
        b"top secret"
    );
    assert!(
        env2.emu
            .read_file("/follow/tree/sub/loop/plain.txt")
            .await
            .is_none()
    );
}

#[tokio::test]
async fn cancel_and_pause() {
    let mut env = env(
        Settings {
            bandwidth_bytes_per_sec: 400_000,
            ..Settings::default()
        },
        |_| {},
    )
    .await;
    env.emu.put_file("/slow.bin", &pattern(2_000_000, 4));
    std::fs::create_dir(env.local("dl")).unwrap();
    env.engine.submit(Request {
        kind: Kind::Copy,
        sources: vec![remote("/slow.bin")],
        dest_dir: Location::Local(env.local("dl")),
        dest_name: None,
    });
    let id = added(&mut env).await;
    // Wait until it runs and has bytes, then pause: the partial file stays.
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if env
            .engine
            .sample()
            .iter()
            .any(|s| s.id == id && s.done > 100_000)
        {
            break;
        }
    }
    env.engine.toggle_pause(id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let partial = env.local("dl/slow.bin.odc-partial");
    let kept = std::fs::metadata(&partial).unwrap().len();
    assert!(kept > 0);
    env.emu.configure(|s| s.bandwidth_bytes_per_sec = 0);
    env.emu.clear_requests();
    env.engine.toggle_pause(id);
    loop {
        match env.events.recv().await.unwrap() {
            EngineEvent::State {
                state: TaskState::Done,
                ..
            } => break,
            EngineEvent::State { state, .. } => {
                assert!(!state.finished() || state == TaskState::Done, "{state:?}")
            }
            _ => {}
        }
    }
    assert_eq!(
        std::fs::read(env.local("dl/slow.bin")).unwrap(),
        pattern(2_000_000, 4)
    );
    let first = env
        .emu
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/dl/"))
        .unwrap();
    assert_eq!(
        first.status, 206,
        "resumed from the partial file after the pause"
    );

    // Cancel removes nothing under the real name.
    env.emu.configure(|s| s.bandwidth_bytes_per_sec = 200_000);
    env.emu.put_file("/slow2.bin", &pattern(2_000_000, 5));
    env.engine.submit(Request {
        kind: Kind::Copy,
        sources: vec![remote("/slow2.bin")],
        dest_dir: Location::Local(env.local("dl")),
        dest_name: None,
    });
    let id = added(&mut env).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    env.engine.cancel(id);
    loop {
        if let EngineEvent::State { state, .. } = env.events.recv().await.unwrap()
            && state.finished()
        {
            assert_eq!(state, TaskState::Cancelled);
            break;
        }
    }
    assert!(!env.local("dl/slow2.bin").exists());
    // Nothing would ever resume it: its partial file goes too (a pause keeps it).
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !env.local("dl/slow2.bin.odc-partial").exists(),
        "a cancelled download leaves no partial file"
    );
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let mut env = env(
        Settings {
            latency_ms: 100,
            ..Settings::default()
        },
        |c| {
            c.transfer.concurrency = 3;
            // Batched small uploads wait together for their batch: a test of its own.
            c.transfer.batch_small_files = false;
        },
    )
    .await;
    for i in 0..12 {
        env.write(&format!("many/f{i:02}.txt"), format!("file {i}").as_bytes());
    }
    env.engine.submit(Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("many"))],
        dest_dir: remote("/"),
        dest_name: None,
    });
    let mut running = std::collections::HashSet::new();
    let mut peak = 0;
    let mut finished = 0;
    while finished < 12 {
        match env.events.recv().await.unwrap() {
            EngineEvent::State {
                id,
                state: TaskState::Running,
            } => {
                running.insert(id);
                peak = peak.max(running.len());
            }
            EngineEvent::State { id, state } if state.finished() => {
                running.remove(&id);
                finished += 1;
            }
            _ => {}
        }
    }
    assert!(peak <= 3, "at most 3 at once, saw {peak}");
    assert!(peak >= 2, "and really in parallel, saw {peak}");
}

/// An engine on its own runtime, dropped mid-transfer like kill -9: nothing of its
/// cleanup runs. A second engine, reading the same resume file, continues.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_and_downloads_resume_after_a_kill() {
    let env = env(
        Settings {
            bandwidth_bytes_per_sec: 1_000_000,
            ..Settings::default()
        },
        |_| {},
    )
    .await;
    let big = pattern(8 * UNIT, 6); // four 640 KiB fragments
    let local = env.write("resume/big.bin", &big);
    let download = pattern(3_000_000, 7);
    env.emu.put_file("/down.bin", &download);
    let resume_path = env.dir.path().join("state/resume.json");
    // A second process's config: the same account and endpoints as the test's own.
    let config = Arc::new(support::config_for(&env.emu));
    let store_path = env.store_path.clone();
    let make_engine = {
        let config = config.clone();
        let store_path = store_path.clone();
        let resume_path = resume_path.clone();
        move || {
            let session =
                Session::load(config.clone(), TokenStore::new(store_path.clone())).unwrap();
            let graph = Arc::new(Graph::new(config.clone(), Arc::new(session)).unwrap());
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            let engine = Engine::new(&config.transfer, tx);
            engine.set_graph(graph);
            engine.set_resume_store(Arc::new(odc_engine::transfer::resume::ResumeStore::new(
                resume_path.clone(),
            )));
            (engine, rx)
        }
    };

    // First run, on its own runtime in its own thread: start both, then "kill" it
    // once a fragment and some of the download arrived.
    let dest = env.local("got");
    std::fs::create_dir_all(&dest).unwrap();
    let (kill, killed) = std::sync::mpsc::channel::<()>();
    let first = {
        let make_engine = make_engine.clone();
        let (local, dest) = (local.clone(), dest.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let (engine, _events) = runtime.block_on(async { make_engine() });
            runtime.block_on(async {
                engine.submit(Request {
                    kind: Kind::Copy,
                    sources: vec![Location::Local(local)],
                    dest_dir: remote("/"),
                    dest_name: None,
                });
                engine.submit(Request {
                    kind: Kind::Copy,
                    sources: vec![remote("/down.bin")],
                    dest_dir: Location::Local(dest),
                    dest_name: None,
                });
            });
            killed.recv().unwrap();
            runtime.shutdown_background();
        })
    };
    let partial = dest.join("down.bin.odc-partial");
    for _ in 0..200 {
        let accepted = env
            .emu
            .requests()
            .iter()
            .any(|r| r.method == "PUT" && r.path.starts_with("/up/") && r.status == 202);
        let downloaded = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        if accepted && downloaded > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill.send(()).unwrap();
    tokio::task::spawn_blocking(move || first.join().unwrap())
        .await
        .unwrap();

    let store = odc_engine::transfer::resume::ResumeStore::new(resume_path.clone());
    let records = store.load().unwrap();
    assert_eq!(
        records.len(),
        2,
        "both transfers were remembered: {records:?}"
    );
    assert!(
        records.iter().any(|(_, r)| r.upload_url.is_some()),
        "with the upload session"
    );
    assert!(
        env.emu.read_file("/big.bin").await.is_none(),
        "the upload did not finish"
    );
    assert!(!dest.join("down.bin").exists());

    // Next start: resume.
    env.emu.configure(|s| s.bandwidth_bytes_per_sec = 0);
    env.emu.clear_requests();
    let (engine, mut events) = make_engine();
    assert_eq!(engine.interrupted().unwrap().len(), 2);
    engine.resume_interrupted();
    let mut done = 0;
    while done < 2 {
        match tokio::time::timeout(Duration::from_secs(30), events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            EngineEvent::State {
                state: TaskState::Done,
                ..
            } => done += 1,
            EngineEvent::State {
                state: TaskState::Failed(reason),
                ..
            } => panic!("{reason}"),
            EngineEvent::Problem(p) => panic!("{p}"),
            _ => {}
        }
    }
    assert_eq!(env.emu.read_file("/big.bin").await.unwrap(), big);
    assert_eq!(std::fs::read(dest.join("down.bin")).unwrap(), download);
    let log = env.emu.requests();
    assert!(
        !log.iter().any(|r| r.path.contains("createUploadSession")),
        "the same session went on"
    );
    let puts = log
        .iter()
        .filter(|r| r.method == "PUT" && r.path.starts_with("/up/"))
        .count();
    assert!(
        puts < 4,
        "continued after the accepted fragments, not from zero ({puts} PUTs)"
    );
    let first_download = log.iter().find(|r| r.path.starts_with("/dl/")).unwrap();
    assert_eq!(
        first_download.status, 206,
        "the download resumed from its partial file"
    );
    assert!(store.load().unwrap().is_empty(), "nothing left to resume");
    no_partials(env.dir.path());
}

#[tokio::test]
async fn a_paused_upload_continues_its_session() {
    let mut env = env(
        Settings {
            bandwidth_bytes_per_sec: 600_000,
            ..Settings::default()
        },
        |_| {},
    )
    .await;
    let data = pattern(8 * UNIT, 8); // four fragments
    let local = env.write("paused.bin", &data);
    env.engine.submit(Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(local)],
        dest_dir: remote("/"),
        dest_name: None,
    });
    let id = added(&mut env).await;
    // Pause once a fragment has been accepted.
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if env
            .emu
            .requests()
            .iter()
            .any(|r| r.method == "PUT" && r.status == 202)
        {
            break;
        }
    }
    env.engine.toggle_pause(id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        env.emu.open_upload_sessions(),
        1,
        "the session is kept while paused"
    );
    env.emu.configure(|s| s.bandwidth_bytes_per_sec = 0);
    env.engine.toggle_pause(id);
    loop {
        match env.events.recv().await.unwrap() {
            EngineEvent::State {
                state: TaskState::Done,
                ..
            } => break,
            EngineEvent::State { state, .. } => assert!(!state.finished(), "{state:?}"),
            _ => {}
        }
    }
    assert_eq!(env.emu.read_file("/paused.bin").await.unwrap(), data);
    let log = env.emu.requests();
    assert_eq!(
        log.iter()
            .filter(|r| r.path.contains("createUploadSession"))
            .count(),
        1,
        "one session throughout"
    );
    assert_eq!(env.emu.open_upload_sessions(), 0);
}

/// Planning streams into the queue: the files of a folder's first listing page are
/// queued and transferred as soon as that page arrives. When a later page fails for
/// good, those files are still there and the failure is reported (a plan collected
/// whole would have transferred nothing).
#[tokio::test]
async fn files_start_while_the_tree_is_still_being_listed() {
    let mut env = env(Settings::default(), |c| c.transfer.page_size = 10).await;
    let files: Vec<(String, Vec<u8>)> = (0..25u8)
        .map(|i| (format!("f{i:02}.txt"), pattern(1000 + i as usize, i)))
        .collect();
    for (name, data) in &files {
        env.emu.put_file(&format!("/big/{name}"), data);
    }
    // Every attempt at the second page fails.
    env.emu.add_fault(
        FaultRule::new(
            Target::Graph,
            Fault::Status {
                status: 500,
                retry_after: None,
            },
            100,
        )
        .method("GET")
        .path_contains("skiptoken"),
    );
    std::fs::create_dir(env.local("down")).unwrap();
    let request = Request {
        kind: Kind::Copy,
        sources: vec![remote("/big")],
        dest_dir: Location::Local(env.local("down")),
        dest_name: None,
    };
    let run = env.run(request, never).await;
    assert_eq!(run.states.len(), 10, "{:?}", run.states);
    assert!(run.states.iter().all(|(_, s)| *s == TaskState::Done));
    assert!(
        run.problems
            .iter()
            .any(|p| p.starts_with("cannot plan the copy")),
        "{:?}",
        run.problems
    );
    for (name, data) in &files[..10] {
        assert_eq!(
            &std::fs::read(env.local(&format!("down/big/{name}"))).unwrap(),
            data
        );
    }
    assert!(!env.local("down/big/f10.txt").exists());
}

/// A paused queued task gives up its place without holding a slot; the others
/// run past it, and a cancelled queued task settles at once, not when a slot frees.
#[tokio::test]
async fn paused_and_cancelled_queued_tasks_let_the_rest_run() {
    let mut env = env(
        Settings {
            latency_ms: 100,
            ..Settings::default()
        },
        |c| {
            c.transfer.concurrency = 1;
            // Queued one by one: batched small uploads would all be under way at once.
            c.transfer.batch_small_files = false;
        },
    )
    .await;
    for i in 0..4u8 {
        env.write(&format!("q/f{i}.txt"), &pattern(500, i));
    }
    env.engine.submit(Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("q"))],
        dest_dir: remote("/"),
        dest_name: None,
    });
    let mut ids = Vec::new();
    while ids.len() < 4 {
        if let EngineEvent::Added(info) = env.events.recv().await.unwrap() {
            ids.push(info.id);
        }
    }
    // One slot: the first runs, the others wait. Pause the second, cancel the third.
    env.engine.toggle_pause(ids[1]);
    env.engine.cancel(ids[2]);
    let mut finals = std::collections::HashMap::new();
    let mut order = Vec::new();
    while finals.len() < 3 {
        let event = tokio::time::timeout(Duration::from_secs(30), env.events.recv())
            .await
            .expect("the engine went quiet")
            .unwrap();
        if let EngineEvent::State { id, state } = event
            && state.finished()
        {
            order.push(id);
            finals.insert(id, state);
        }
    }
    assert_eq!(
        order[0], ids[2],
        "the cancelled one settled first: {order:?}"
    );
    assert_eq!(finals[&ids[2]], TaskState::Cancelled);
    assert_eq!(finals[&ids[0]], TaskState::Done);
    assert_eq!(finals[&ids[3]], TaskState::Done, "ran past the paused one");
    assert_eq!(env.engine.active(), 1, "only the paused one is left");
    assert!(env.emu.read_file("/q/f1.txt").await.is_none());
    env.engine.toggle_pause(ids[1]);
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), env.events.recv())
            .await
            .expect("the engine went quiet")
            .unwrap();
        if let EngineEvent::State { id, state } = event
            && id == ids[1]
            && state.finished()
        {
            assert_eq!(state, TaskState::Done);
            break;
        }
    }
    assert_eq!(
        env.emu.read_file("/q/f1.txt").await.unwrap(),
        pattern(500, 1)
    );
    assert_eq!(env.engine.active(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_move_between_accounts_and_into_a_sharepoint_library() {
    use odc_graph::graphs::Graphs;
    use odc_graph::path::DriveSpec;
    let signed_in = support::Env::new(Settings::default()).await;
    signed_in.sign_in();
    let work_drive = signed_in.sign_in_work();
    let (_, libraries) = signed_in
        .emu
        .add_site("reports", "Quarterly Reports", &["Documents"]);
    let graphs = Arc::new(Graphs::new(
        signed_in.config.clone(),
        signed_in.store.clone(),
    ));
    let (tx, events) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::new(&signed_in.config.transfer, tx);
    engine.set_graphs(graphs);
    let graph = Arc::new(signed_in.graph());
    engine.set_graph(graph.clone());
    let big = pattern(3 * UNIT + 17, 7);
    signed_in.emu.mkdir_p("/docs/sub");
    signed_in.emu.put_file("/docs/a.txt", b"a");
    signed_in.emu.put_file("/docs/sub/big.bin", &big);
    let mut env = Env {
        store_path: signed_in.store_path(),
        emu: signed_in.emu,
        engine,
        events,
        dir: signed_in.dir,
        graph,
    };
    let work = |path: &str| {
        Location::Remote(RemotePath::parse(path).unwrap().in_drive(DriveSpec {
            account: Some("work".into()),
            drive_id: None,
            folder: None,
        }))
    };
    // A move from the personal OneDrive to the work account: through this machine.
    let run = env
        .run(
            Request {
                kind: Kind::Move,
                sources: vec![remote("/docs")],
                dest_dir: work("/"),
                dest_name: None,
            },
            never,
        )
        .await;
    assert!(
        run.states.iter().all(|(_, s)| *s == TaskState::Done),
        "{:?}",
        run.states
    );
    assert_eq!(
        env.emu
            .read_file_on(&work_drive, "/docs/sub/big.bin")
            .await
            .unwrap(),
        big
    );
    assert_eq!(
        env.emu
            .read_file_on(&work_drive, "/docs/a.txt")
            .await
            .unwrap(),
        b"a"
    );
    assert!(
        env.emu.read_file("/docs/a.txt").await.is_none(),
        "the source is gone"
    );
    // The relayed copies were removed from the temporary directory.
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("odc-relay-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // From the work OneDrive into one of its organisation's libraries: same account,
    // another drive, still relayed (server-side copies stay within a drive here).
    let library = Location::Remote(RemotePath::parse("/").unwrap().in_drive(DriveSpec {
        account: Some("work".into()),
        drive_id: Some(libraries[0].clone()),
        folder: None,
    }));
    let run = env
        .run(
            Request {
                kind: Kind::Copy,
                sources: vec![work("/docs/a.txt")],
                dest_dir: library,
                dest_name: None,
            },
            never,
        )
        .await;
    assert_eq!(run.states, [("a.txt".to_string(), TaskState::Done)]);
    assert_eq!(
        env.emu.read_file_on(&libraries[0], "/a.txt").await.unwrap(),
        b"a"
    );
    assert_eq!(
        env.emu
            .read_file_on(&work_drive, "/docs/a.txt")
            .await
            .unwrap(),
        b"a"
    );
}

/// Batched small uploads write no resume records (they have no session, and two
/// writes of the resume file each cost more than sending the file again); a large
/// upload still records its session while it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_small_uploads_keep_no_resume_records() {
    let mut env = env(
        Settings {
            latency_ms: 300,
            ..Settings::default()
        },
        |_| {},
    )
    .await;
    let resume_path = env.dir.path().join("state/resume.json");
    let store = Arc::new(odc_engine::transfer::resume::ResumeStore::new(
        resume_path.clone(),
    ));
    env.engine.set_resume_store(store.clone());
    for i in 0..5 {
        env.write(&format!("small/f{i}.txt"), format!("small {i}").as_bytes());
    }
    env.write("small/big.bin", &pattern(3 * UNIT, 3));
    env.engine.submit(Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("small"))],
        dest_dir: remote("/"),
        dest_name: None,
    });
    // While they are on the wire, only the big one is ever on record.
    let seen = Arc::new(std::sync::Mutex::new(String::new()));
    let sampler = {
        let (seen, path) = (seen.clone(), resume_path.clone());
        tokio::spawn(async move {
            loop {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    seen.lock().unwrap().push_str(&text);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let mut finished = 0;
    while finished < 6 {
        let event = tokio::time::timeout(Duration::from_secs(30), env.events.recv())
            .await
            .expect("the engine went quiet")
            .unwrap();
        if let EngineEvent::State { state, .. } = &event
            && state.finished()
        {
            assert_eq!(*state, TaskState::Done);
            finished += 1;
        }
    }
    sampler.abort();
    let seen = seen.lock().unwrap().clone();
    assert!(seen.contains("big.bin"), "the session upload was on record");
    for i in 0..5 {
        assert!(!seen.contains(&format!("f{i}.txt")), "{seen}");
    }
    assert_eq!(
        env.emu.read_file("/small/f4.txt").await.unwrap(),
        b"small 4"
    );
}

/// A tree's folders are made in JSON batches, each folder's subfolders together;
/// a file standing where a folder should go is a problem for that folder alone,
/// and uploading the tree again over itself finds its folders in place.
#[tokio::test]
async fn a_tree_s_folders_are_made_in_batches() {
    let mut env = env(Settings::default(), |_| {}).await;
    for a in 0..30 {
        for b in 0..3 {
            env.write(
                &format!("tree/d{a:02}/e{b}/f.txt"),
                format!("{a}/{b}").as_bytes(),
            );
        }
    }
    // On OneDrive a file already holds the place of one folder.
    env.emu.put_file("/tree/d07", b"in the way");
    let up = |env: &Env| Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(env.local("tree"))],
        dest_dir: remote("/"),
        dest_name: None,
    };
    env.emu.clear_requests();
    let run = env
        .run(up(&env), |_| {
            Answer::Conflict(ConflictAnswer::All(Resolution::Overwrite))
        })
        .await;
    assert_eq!(run.problems.len(), 1, "{:?}", run.problems);
    assert!(
        run.problems[0].contains("d07") && run.problems[0].contains("not a folder"),
        "{:?}",
        run.problems
    );
    assert_eq!(run.states.len(), 29 * 3, "d07's files were not planned");
    assert!(run.states.iter().all(|(_, s)| *s == TaskState::Done));
    assert_eq!(
        env.emu.read_file("/tree/d12/e2/f.txt").await.unwrap(),
        b"12/2"
    );
    let log = env.emu.requests();
    let single_creations = log
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/children") && !r.in_batch)
        .count();
    assert_eq!(
        single_creations, 0,
        "/tree was there; nothing is made alone"
    );
    let batched_creations = log
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/children") && r.in_batch)
        .count();
    assert_eq!(batched_creations, 30 + 29 * 3);
    let batches = log.iter().filter(|r| r.path.ends_with("/$batch")).count();
    // 30 top folders (2 batches) + 29 × 3 subfolders (29 batches), plus the
    // lookup of d07 and the batched uploads of 87 small files.
    assert!((31..=31 + 1 + 87).contains(&batches), "{batches} batches");

    // Again, over itself: every folder is found, nothing fails.
    env.emu.clear_requests();
    let run = env
        .run(up(&env), |_| {
            Answer::Conflict(ConflictAnswer::All(Resolution::Skip))
        })
        .await;
    assert_eq!(run.problems.len(), 1, "{:?}", run.problems);
    assert!(
        run.states.iter().all(|(_, s)| *s == TaskState::Skipped),
        "{:?}",
        run.states
    );
}

/// Many OneDrive items moved at once share JSON batches: their lookups before
/// planning, the destination's lookups and the PATCHes. A name taken at the
/// destination is found by the refused PATCH (no check per file) and asked about;
/// a PATCH throttled inside a batch goes again on its own after its wait.
#[tokio::test]
async fn many_moves_within_onedrive_share_batches() {
    let mut env = env(Settings::default(), |_| {}).await;
    let names: Vec<String> = (0..45).map(|i| format!("m{i:02}.txt")).collect();
    for name in &names {
        env.emu.put_file(&format!("/from/{name}"), name.as_bytes());
    }
    env.emu.put_file("/to/m07.txt", b"older");
    env.emu.add_fault(
        FaultRule::new(
            Target::Graph,
            Fault::Status {
                status: 429,
                retry_after: Some(RetryAfter::Seconds(1)),
            },
            1,
        )
        .method("PATCH"),
    );
    env.emu.clear_requests();
    let run = env
        .run(
            Request {
                kind: Kind::Move,
                sources: names
                    .iter()
                    .map(|n| remote(&format!("/from/{n}")))
                    .collect(),
                dest_dir: remote("/to"),
                dest_name: None,
            },
            |_| Answer::Conflict(ConflictAnswer::All(Resolution::Overwrite)),
        )
        .await;
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    assert_eq!(run.questions, ["conflict m07.txt"]);
    assert_eq!(run.states.len(), 45);
    assert!(
        run.states.iter().all(|(_, s)| *s == TaskState::Done),
        "{:?}",
        run.states
    );
    for name in &names {
        assert_eq!(
            env.emu.read_file(&format!("/to/{name}")).await.unwrap(),
            name.as_bytes()
        );
        assert!(env.emu.read_file(&format!("/from/{name}")).await.is_none());
    }
    let log = env.emu.requests();
    let alone = |method: &str| {
        log.iter()
            .filter(|r| r.method == method && !r.in_batch && !r.path.ends_with("/$batch"))
            .count()
    };
    let batched_patches = log
        .iter()
        .filter(|r| r.method == "PATCH" && r.in_batch)
        .count();
    assert!(batched_patches >= 45, "{batched_patches}");
    // The throttled PATCHes (the throttle's window covers the rest of that
    // batch) went again on their own; the conflict's lookups are the only other
    // requests of their own.
    assert!(
        (1..=20).contains(&alone("PATCH")),
        "{} PATCHes alone",
        alone("PATCH")
    );
    assert!(alone("GET") <= 4, "{} GETs alone", alone("GET"));
    let batches = log.iter().filter(|r| r.path.ends_with("/$batch")).count();
    assert!(batches <= 20, "{batches} batches for 45 moves");
}

/// Records from a planted or outdated resume file: a relative local path, an
/// upload whose file is another version now (size and time put back), an upload
/// address that is not Microsoft's are dropped with a message, never continued;
/// a download whose target now holds another file asks before replacing it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_goes_only_where_it_was_going_with_the_bytes_it_had() {
    use odc_engine::transfer::resume::{Interrupted, ResumeStore, Way};
    let mut env = env(Settings::default(), |_| {}).await;
    let store = Arc::new(ResumeStore::new(env.dir.path().join("state/resume.json")));
    env.engine.set_resume_store(store.clone());
    let file = env.write("up/f.bin", &pattern(3 * UNIT, 1));
    let meta = std::fs::metadata(&file).unwrap();
    let modified = meta
        .modified()
        .ok()
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).timestamp());
    let upload = |url: &str, version| Interrupted {
        way: Way::Upload,
        local: file.clone(),
        remote: "OneDrive:/f.bin".into(),
        size: meta.len(),
        modified,
        upload_url: Some(url.into()),
        item_id: None,
        version,
    };
    // Addresses the emulator gives (a discarded record's session is deleted there).
    let origin = url::Url::parse(&env.emu.graph_url())
        .unwrap()
        .origin()
        .ascii_serialization();
    let mut other_version = odc_core::fsutil::FileVersion::of(&meta);
    other_version.ctime_ns += 1;
    store
        .put(
            "relative",
            Interrupted {
                local: "dl2/big.bin".into(),
                ..upload(&format!("{origin}/up/1"), None)
            },
        )
        .unwrap();
    store
        .put(
            "changed",
            upload(&format!("{origin}/up/2"), Some(other_version)),
        )
        .unwrap();
    store
        .put(
            "planted",
            upload(
                "https://attacker.example/up/3",
                Some(odc_core::fsutil::FileVersion::of(&meta)),
            ),
        )
        .unwrap();
    // A download whose target is now somebody else's file.
    env.emu.put_file("/d.txt", b"from OneDrive");
    let item_id = env
        .graph
        .item(&odc_graph::ItemAddress::Path(
            RemotePath::parse("/d.txt").unwrap(),
        ))
        .await
        .unwrap()
        .id;
    let target = env.write("down/d.txt", b"somebody else's file");
    store
        .put(
            "download",
            Interrupted {
                way: Way::Download,
                local: target.clone(),
                remote: "OneDrive:/d.txt".into(),
                size: 13,
                modified: None,
                upload_url: None,
                item_id: Some(item_id),
                version: None,
            },
        )
        .unwrap();

    env.engine.resume_interrupted();
    let mut problems = Vec::new();
    let mut asked = false;
    while !asked || problems.len() < 3 {
        match tokio::time::timeout(Duration::from_secs(20), env.events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            EngineEvent::Problem(p) => problems.push(p),
            EngineEvent::Ask(Question::Conflict { name, reply, .. }) => {
                assert_eq!(name, "d.txt");
                asked = true;
                let _ = reply.send(ConflictAnswer::Once(Resolution::Skip));
            }
            _ => {}
        }
    }
    let all = problems.join("\n");
    assert!(all.contains("relative local path"), "{all}");
    assert!(all.contains("the file changed since"), "{all}");
    assert!(all.contains("not trusted"), "{all}");
    assert_eq!(std::fs::read(&target).unwrap(), b"somebody else's file");
    assert!(
        !env.emu
            .requests()
            .iter()
            .any(|r| r.method == "PUT" && r.path.starts_with("/up/")),
        "no upload was continued"
    );
    assert!(env.emu.read_file("/f.bin").await.is_none());
}

/// A move of a OneDrive folder holding a OneNote notebook to this machine: the
/// notebook cannot come along, so it is reported and the source folder stays
/// (abraunegg#3171 lost notebooks in a move's clean-up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_never_deletes_a_notebook_it_could_not_bring() {
    let mut env = env(Settings::default(), |_| {}).await;
    env.emu.put_file("/Class/a.txt", b"alpha");
    env.emu.put_file("/Class/Notes/Section.one", b"section");
    env.emu.make_package("/Class/Notes", "oneNote");
    std::fs::create_dir_all(env.local("here")).unwrap();
    env.engine.submit(Request {
        kind: Kind::Move,
        sources: vec![remote("/Class")],
        dest_dir: Location::Local(env.local("here")),
        dest_name: None,
    });
    let mut problems = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(20), env.events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            EngineEvent::Problem(p) => problems.push(p),
            EngineEvent::Finished { .. } => break,
            _ => {}
        }
    }
    assert!(
        problems.iter().any(|p| p.contains("a OneNote notebook")),
        "{problems:?}"
    );
    assert_eq!(
        std::fs::read(env.local("here/Class/a.txt")).unwrap(),
        b"alpha"
    );
    assert!(
        env.emu
            .read_file("/Class/Notes/Section.one")
            .await
            .is_some(),
        "the notebook is still there"
    );
}

/// A move with a filter brings what the filter keeps and leaves the rest where it
/// is: the source folder, holding what was left out, is not deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_move_keeps_what_it_left_out() {
    let mut env = env(Settings::default(), |_| {}).await;
    let project = env.local("project");
    std::fs::create_dir_all(project.join("cache")).unwrap();
    std::fs::write(project.join("a.txt"), b"alpha").unwrap();
    std::fs::write(project.join("b.tmp"), b"scratch").unwrap();
    std::fs::write(project.join("cache/c.bin"), b"cached").unwrap();
    let filter = odc_engine::filter::Filter::new(&odc_engine::filter::FilterOptions {
        exclude: vec!["*.tmp".into(), "cache/".into()],
        ..Default::default()
    })
    .unwrap();
    env.engine.set_filter(Some(std::sync::Arc::new(filter)));
    env.engine.submit(Request {
        kind: Kind::Move,
        sources: vec![Location::Local(project.clone())],
        dest_dir: remote("/"),
        dest_name: None,
    });
    let excluded = loop {
        let event = tokio::time::timeout(Duration::from_secs(20), env.events.recv())
            .await
            .unwrap()
            .unwrap();
        if let EngineEvent::Finished { excluded, .. } = event {
            break excluded;
        }
    };
    assert_eq!(excluded, 2, "a file and a folder left out");
    assert_eq!(env.emu.read_file("/project/a.txt").await.unwrap(), b"alpha");
    assert!(!env.emu.exists("/project/b.tmp") && !env.emu.exists("/project/cache"));
    assert_eq!(std::fs::read(project.join("b.tmp")).unwrap(), b"scratch");
    assert_eq!(
        std::fs::read(project.join("cache/c.bin")).unwrap(),
        b"cached"
    );
}

/// A filter given with the request (the UI's copy dialog) applies to it alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_carries_its_own_filter() {
    let mut env = env(Settings::default(), |_| {}).await;
    let project = env.local("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("a.txt"), b"alpha").unwrap();
    std::fs::write(project.join("b.tmp"), b"scratch").unwrap();
    let filter = odc_engine::filter::Filter::from_line("- *.tmp")
        .unwrap()
        .unwrap();
    let request = |dest: &str| Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(project.clone())],
        dest_dir: remote(dest),
        dest_name: None,
    };
    env.engine
        .submit_filtered(request("/"), std::sync::Arc::new(filter));
    env.emu.put_file("/second/.keep", b"");
    env.engine.submit(request("/second"));
    let mut finished = Vec::new();
    while finished.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(20), env.events.recv())
            .await
            .unwrap()
            .unwrap();
        if let EngineEvent::Finished { excluded, .. } = event {
            finished.push(excluded);
        }
    }
    finished.sort();
    assert_eq!(finished, [0, 1]);
    assert!(env.emu.exists("/project/a.txt") && !env.emu.exists("/project/b.tmp"));
    assert!(
        env.emu.exists("/second/project/b.tmp"),
        "the next request is not filtered"
    );
}
