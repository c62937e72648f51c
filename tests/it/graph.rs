//! `graph` and `history --graph`: the lanes, DOT and Mermaid, with the database's current,
//! applied and pending revisions marked when one is named, on PostgreSQL, SQLite and MariaDB.
//! (Forks and merges are drawn in `core::revision::picture`'s tests.)

use crate::support::{Db, cli, texts};

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = cli(dir.path()).args(args).output().unwrap();
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

#[test]
fn history_graph_marks_where_each_database_is() {
    for db in Db::all() {
        let name = db.name();
        let url = db.url();
        assert_eq!(
            run(&["upgrade", "3f2a9c1b7d4e", "--database-url", url]).0,
            Some(0)
        );
        let (code, stdout, stderr) = run(&["history", "--graph", "--database-url", url]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert_eq!(
            stdout,
            "o 8d1e6b0f2a57 (head), Replace chains.is_active by a status column\n\
             @ 3f2a9c1b7d4e, Add RPC endpoint to chains table\n\
             * cec3a80e61a4, Initial schema: chains, tokens and wallets\n",
            "{name}"
        );
        let (_, mermaid, _) = run(&["graph", "--format", "mermaid", "--database-url", url]);
        assert!(
            mermaid.contains("  class r_3f2a9c1b7d4e current\n"),
            "{name}: {mermaid}"
        );
        assert!(
            mermaid.contains("  class r_8d1e6b0f2a57 pending\n"),
            "{name}: {mermaid}"
        );
        let (_, json, _) = run(&["graph", "--format", "json", "--database-url", url]);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["revisions"][1]["state"], "current", "{name}: {value}");
    }
}

#[test]
fn graph_draws_without_a_database_and_writes_dot_and_mermaid() {
    let (code, stdout, _) = run(&["graph"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout
            .lines()
            .map(|l| l.split([' ', ',']).take(2).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>(),
        ["* 8d1e6b0f2a57", "* 3f2a9c1b7d4e", "* cec3a80e61a4"]
    );
    let (code, dot, _) = run(&["graph", "--format", "dot"]);
    assert_eq!(code, Some(0));
    assert!(dot.starts_with("digraph revisions {\n"), "{dot}");
    assert!(
        dot.contains("  \"cec3a80e61a4\" -> \"3f2a9c1b7d4e\";\n"),
        "{dot}"
    );
    assert!(
        !dot.contains("style="),
        "nothing marked without a database: {dot}"
    );
    let (code, mermaid, _) = run(&["graph", "--format", "mermaid"]);
    assert_eq!(code, Some(0));
    assert!(
        mermaid.contains("  r_3f2a9c1b7d4e --> r_8d1e6b0f2a57\n"),
        "{mermaid}"
    );
    assert!(!mermaid.contains("classDef"), "{mermaid}");
    let (code, _, stderr) = run(&["heads", "--format", "dot"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("are for `graph`"), "{stderr}");
}
