use super::*;
use crate::revision::Node;

fn graph() -> Graph {
    let node = |id: &str, parents: &[&str], labels: &[&str]| Node {
        id: id.into(),
        parents: parents.iter().map(|s| s.to_string()).collect(),
        depends_on: Vec::new(),
        branch_labels: labels.iter().map(|s| s.to_string()).collect(),
    };
    Graph::new(vec![
        node("cec3a80e61a4", &[], &["core"]),
        node("ab12cd34ef56", &["cec3a80e61a4"], &[]),
    ])
    .expect("valid")
}

#[test]
fn a_message_is_one_non_empty_line() {
    assert_eq!(message("  Add chains \n"), Ok("Add chains"));
    assert_eq!(message(" "), Err(AuthorError::EmptyMessage));
    assert_eq!(message("a\nb"), Err(AuthorError::MultiLineMessage(2)));
}

#[test]
fn ids_and_labels_that_would_collide_are_refused() {
    let graph = graph();
    for bad in [
        "cec3a80e61a4",
        "CEC3A80E61A4",
        "cec3a8",
        "ab12cd34ef56aa",
        "core",
        "HEAD",
        "a-b",
    ] {
        assert!(id(Some(&graph), bad).is_err(), "{bad}");
    }
    assert_eq!(id(Some(&graph), "ffff00000001"), Ok(()));
    for bad in ["core", "Core", "heads", "cec3", "ab12cd34ef56", "x@y"] {
        assert!(label(Some(&graph), bad).is_err(), "{bad}");
    }
    assert_eq!(label(Some(&graph), "feature"), Ok(()));
    assert_eq!(label(None, "ab"), Ok(()));
}

#[test]
fn a_merge_joins_revisions_that_are_not_ancestors_of_each_other() {
    let graph = graph();
    assert!(matches!(
        merge_parents(&graph, &[0, 1]),
        Err(AuthorError::MergeOfAncestor { .. })
    ));
}
