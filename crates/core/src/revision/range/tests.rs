use super::*;
use crate::revision::graph::Node;

fn node(id: &str, parents: &[&str]) -> Node {
    Node {
        id: id.to_string(),
        parents: parents.iter().map(|s| s.to_string()).collect(),
        depends_on: Vec::new(),
        branch_labels: Vec::new(),
    }
}

/// 1975ea83 -> ae1027a6 -> 3512b954 -> 27c6a30d
fn chain() -> Graph {
    Graph::new(vec![
        node("1975ea83", &[]),
        node("ae1027a6", &["1975ea83"]),
        node("3512b954", &["ae1027a6"]),
        node("27c6a30d", &["3512b954"]),
    ])
    .expect("valid graph")
}

fn listed(graph: &Graph, range: Option<&str>, current: &[&str]) -> Vec<String> {
    let current: Vec<usize> = current
        .iter()
        .map(|id| graph.index_of(id).expect("known id"))
        .collect();
    resolve(graph, range, &current)
        .unwrap_or_else(|e| panic!("{range:?} should resolve: {e}"))
        .into_iter()
        .map(|i| graph.node(i).id.clone())
        .collect()
}

const ALL: [&str; 4] = ["27c6a30d", "3512b954", "ae1027a6", "1975ea83"];

#[test]
fn no_range_and_open_ranges_list_everything_newest_first() {
    let g = chain();
    for range in [
        None,
        Some("base:head"),
        Some("base:heads"),
        Some(":head"),
        Some(":"),
    ] {
        assert_eq!(listed(&g, range, &[]), ALL, "{range:?}");
    }
}

#[test]
fn a_start_revision_or_prefix_lists_it_and_what_follows() {
    let g = chain();
    assert_eq!(listed(&g, Some("ae10:"), &[]), ALL[..3]);
    assert_eq!(listed(&g, Some(" ae1027a6 : "), &[]), ALL[..3]);
    assert_eq!(listed(&g, Some(":ae10"), &[]), ALL[2..]);
    assert_eq!(listed(&g, Some("ae10:3512"), &[]), ALL[1..3]);
    assert!(listed(&g, Some(":base"), &[]).is_empty());
}

#[test]
fn relative_starts_count_from_the_current_revision() {
    let g = chain();
    assert_eq!(listed(&g, Some("-2:"), &["27c6a30d"]), ALL[..3]);
    assert_eq!(listed(&g, Some("-1:"), &["1975ea83"]), ALL);
    assert_eq!(listed(&g, Some(":-1"), &["3512b954"]), ALL[2..]);
}

#[test]
fn current_bounds_a_range_at_the_applied_heads() {
    let g = chain();
    assert_eq!(listed(&g, Some("current:"), &["3512b954"]), ALL[..2]);
    assert_eq!(listed(&g, Some(":current"), &["3512b954"]), ALL[1..]);
    assert!(listed(&g, Some(":current"), &[]).is_empty());
}

#[test]
fn current_start_with_nothing_applied_lists_everything() {
    assert_eq!(listed(&chain(), Some("current:"), &[]), ALL);
}

#[test]
fn a_start_on_one_branch_lists_only_that_branch() {
    let g = Graph::new(vec![
        node("r", &[]),
        node("t1", &["r"]),
        node("f1", &["r"]),
        node("t2", &["t1"]),
    ])
    .expect("valid graph");
    assert_eq!(listed(&g, Some("t1:"), &[]), ["t2", "t1"]);
    assert_eq!(listed(&g, Some(":f1"), &[]), ["f1", "r"]);
}

#[test]
fn malformed_ranges_are_errors() {
    let g = chain();
    let error = |range| resolve(&g, Some(range), &[]).unwrap_err();
    assert_eq!(error("ae10"), TargetError::Syntax("ae10".into()));
    assert_eq!(
        error("ae10:3512:27c6"),
        TargetError::Syntax("3512:27c6".into())
    );
    assert_eq!(error("+0:"), TargetError::Syntax("+0".into()));
    assert_eq!(error("ffff:"), TargetError::Unknown("ffff".into()));
    assert_eq!(
        error("-1:"),
        TargetError::BelowBase {
            target: "-1".into(),
            missing: 1
        }
    );
}

#[test]
fn a_range_that_selects_nothing_is_an_error_not_silence() {
    let g = chain();
    for reversed in ["head:base", "27c6:1975", "3512:ae10", "heads:base"] {
        assert_eq!(
            resolve(&g, Some(reversed), &[]),
            Err(TargetError::EmptyRange(reversed.into())),
            "{reversed}"
        );
    }
    assert_eq!(resolve(&g, Some("3512:3512"), &[]).map(|l| l.len()), Ok(1));
}
