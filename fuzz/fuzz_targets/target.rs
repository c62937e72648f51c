//! Any text as a target or a history range, resolved against a graph with branches, a merge
//! and labels: a result or an error, never a panic.
#![no_main]

use aurora_migrate::revision::graph::{Graph, Node};
use aurora_migrate::revision::{range, target};
use libfuzzer_sys::fuzz_target;

fn node(id: &str, parents: &[&str], labels: &[&str]) -> Node {
    let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    Node { id: id.into(), parents: list(parents), depends_on: vec![], branch_labels: list(labels) }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let graph = Graph::new(vec![
        node("ae1027a6acf0", &[], &[]),
        node("b2c3d4e5f601", &["ae1027a6acf0"], &["feature"]),
        node("b2c3d4e5f602", &["b2c3d4e5f601"], &[]),
        node("c0ffee000001", &["ae1027a6acf0"], &[]),
        node("d00d00000001", &["b2c3d4e5f602", "c0ffee000001"], &[]),
    ])
    .expect("a valid graph");
    for current in [&[][..], &[2], &[2, 3], &[4]] {
        if let Ok(parsed) = target::Target::parse(text) {
            let _ = target::resolve(&graph, &parsed, current);
        }
        let _ = range::resolve(&graph, Some(text), current);
    }
});
