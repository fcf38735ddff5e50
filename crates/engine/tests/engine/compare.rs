//! Reading a OneDrive tree through delta: the first read walks everything and saves
//! the state; the next reads only the changes and gives the same tree a full
//! listing gives; a token the service refuses (410) starts over.

use std::time::Duration;

use odc_emulator::Settings;
use odc_engine::compare::{delta_tree, tree};
use odc_graph::RemotePath;

use crate::support::Env;

fn paths(t: &odc_engine::compare::Tree) -> Vec<(String, u64, Option<String>)> {
    t.nodes
        .values()
        .map(|n| (n.path.clone(), n.size, n.hash.clone()))
        .collect()
}

#[tokio::test]
async fn delta_replays_changes_into_the_same_tree_a_listing_gives() {
    let env = Env::new(Settings {
        delta_token_lifetime_secs: 600,
        ..Settings::default()
    })
    .await;
    env.sign_in();
    let graph = env.graph();
    let cache = env.dir.path().join("cache");
    let url = env.config.endpoints.graph_url.clone();
    env.emu.put_file("/Backup/a.txt", b"a");
    env.emu.put_file("/Backup/sub/b.txt", b"b");
    env.emu.put_file("/Backup/sub/deep/c.txt", b"c");
    env.emu.put_file("/Elsewhere/x.txt", b"x");
    let root = RemotePath::parse("/Backup").unwrap();

    let (first, stats) = delta_tree::remote(&graph, &root, Some(&cache), &url)
        .await
        .unwrap();
    assert!(stats.full);
    let listed = tree::remote(&graph, &root).await.unwrap();
    assert_eq!(paths(&first), paths(&listed));
    assert_eq!(
        first.nodes.len(),
        5,
        "a.txt, sub, sub/b.txt, sub/deep, sub/deep/c.txt"
    );

    // Changes on the server: edited, new, a folder deleted, a rename.
    env.emu.put_file("/Backup/a.txt", b"a, edited");
    env.emu.put_file("/Backup/new.txt", b"n");
    env.emu.put_file("/Elsewhere/y.txt", b"outside the folder");
    let deep = graph
        .item(&odc_graph::ItemAddress::Path(
            RemotePath::parse("/Backup/sub/deep").unwrap(),
        ))
        .await
        .unwrap();
    graph
        .delete(&odc_graph::ItemAddress::Id(deep.id))
        .await
        .unwrap();
    let b = graph
        .item(&odc_graph::ItemAddress::Path(
            RemotePath::parse("/Backup/sub/b.txt").unwrap(),
        ))
        .await
        .unwrap();
    graph.move_item(&b.id, None, Some("b2.txt")).await.unwrap();

    env.emu.clear_requests();
    let (second, stats) = delta_tree::remote(&graph, &root, Some(&cache), &url)
        .await
        .unwrap();
    assert!(!stats.full, "{stats:?}");
    assert_eq!(stats.pages, 1);
    assert!(stats.items < 10, "only the changes: {stats:?}");
    let listed = tree::remote(&graph, &root).await.unwrap();
    assert_eq!(paths(&second), paths(&listed));
    assert!(second.nodes.contains_key("sub/b2.txt") && !second.nodes.contains_key("sub/deep"));

    // An old token: 410, and the walk starts over by itself.
    env.emu.advance_clock(Duration::from_secs(1200));
    env.emu.put_file("/Backup/late.txt", b"l");
    let (third, stats) = delta_tree::remote(&graph, &root, Some(&cache), &url)
        .await
        .unwrap();
    assert!(stats.full, "{stats:?}");
    assert_eq!(env.count("GET", "/delta", 410), 1);
    assert!(third.nodes.contains_key("late.txt"));
}
