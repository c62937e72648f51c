use super::*;

fn node(id: &str, parents: &[&str]) -> Node {
    Node {
        id: id.into(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        depends_on: Vec::new(),
        branch_labels: Vec::new(),
    }
}

fn ids(kept: &[(usize, Node)]) -> Vec<(&str, Vec<&str>)> {
    kept.iter()
        .map(|(_, n)| {
            (
                n.id.as_str(),
                n.parents.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

#[test]
fn with_the_replaced_files_there_are_two_views_and_without_them_one() {
    let nodes = vec![
        node("a", &[]),
        node("b", &["a"]),
        node("c", &["b"]),
        node("s", &[]),
    ];
    let replaces = vec![
        vec![],
        vec![],
        vec![],
        vec!["a".to_string(), "b".to_string()],
    ];
    let chain = arrange_nodes(&nodes, &replaces, View::Chain);
    assert_eq!(
        ids(&chain),
        [("a", vec![]), ("b", vec!["a"]), ("c", vec!["b"])]
    );
    let squashed = arrange_nodes(&nodes, &replaces, View::Squashed);
    assert_eq!(ids(&squashed), [("c", vec!["s"]), ("s", vec![])]);
    assert_eq!(squashed[0].0, 2, "indices point into the original list");

    // The replaced files deleted: one view, the squash in their place.
    let nodes = vec![node("c", &["b"]), node("s", &[])];
    let replaces = vec![vec![], vec!["a".to_string(), "b".to_string()]];
    for view in [View::Chain, View::Squashed] {
        assert_eq!(
            ids(&arrange_nodes(&nodes, &replaces, view)),
            [("c", vec!["s"]), ("s", vec![])]
        );
    }
}

#[test]
fn two_squashes_over_one_revision_overlap() {
    let list = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let replaces = vec![list(&[]), list(&["a", "b"]), list(&[]), list(&["s1", "c"])];
    assert_eq!(
        overlap(&replaces),
        None,
        "a squash of a squash overlaps nothing"
    );
    let replaces = vec![list(&["a", "b"]), list(&[]), list(&["b", "c"])];
    assert_eq!(
        overlap(&replaces),
        Some(Overlap {
            first: 0,
            second: 2,
            revisions: list(&["b"])
        })
    );
}
