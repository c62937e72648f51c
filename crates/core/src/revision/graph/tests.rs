use super::*;

fn node(id: &str, parents: &[&str]) -> Node {
    Node {
        id: id.to_string(),
        parents: parents.iter().map(|s| s.to_string()).collect(),
        depends_on: Vec::new(),
        branch_labels: Vec::new(),
    }
}

fn depending(mut node: Node, on: &[&str]) -> Node {
    node.depends_on = on.iter().map(|s| s.to_string()).collect();
    node
}

fn labelled(mut node: Node, labels: &[&str]) -> Node {
    node.branch_labels = labels.iter().map(|s| s.to_string()).collect();
    node
}

fn graph(nodes: Vec<Node>) -> Graph {
    Graph::new(nodes).unwrap_or_else(|e| panic!("graph should build: {e}"))
}

fn error(nodes: Vec<Node>) -> GraphError {
    Graph::new(nodes).expect_err("graph should be rejected")
}

fn names(graph: &Graph, indices: impl IntoIterator<Item = usize>) -> Vec<&str> {
    indices
        .into_iter()
        .map(|i| graph.node(i).id.as_str())
        .collect()
}

/// r -> a -> b, with b -> c1 and b -> c2 (a branch point), and m merging c1 and c2.
fn diamond() -> Graph {
    graph(vec![
        node("r", &[]),
        node("a", &["r"]),
        node("b", &["a"]),
        node("c1", &["b"]),
        node("c2", &["b"]),
        node("m", &["c1", "c2"]),
    ])
}

#[test]
fn a_chain_has_one_head_one_base_and_no_branch_point() {
    let g = graph(vec![node("a", &[]), node("b", &["a"]), node("c", &["b"])]);
    assert_eq!(names(&g, g.heads()), ["c"]);
    assert_eq!(names(&g, g.bases()), ["a"]);
    assert!(g.branch_points().is_empty());
    assert_eq!(g.len(), 3);
    assert!(!g.is_empty());
}

#[test]
fn a_fork_has_two_heads_and_a_branch_point() {
    let g = graph(vec![node("r", &[]), node("x", &["r"]), node("y", &["r"])]);
    assert_eq!(names(&g, g.heads()), ["x", "y"]);
    assert_eq!(names(&g, g.branch_points()), ["r"]);
    assert_eq!(names(&g, g.children(0).to_vec()), ["x", "y"]);
}

#[test]
fn a_merge_joins_the_heads() {
    let g = diamond();
    assert_eq!(names(&g, g.heads()), ["m"]);
    assert_eq!(names(&g, g.bases()), ["r"]);
    assert_eq!(names(&g, g.branch_points()), ["b"]);
    assert_eq!(names(&g, g.parents(5).to_vec()), ["c1", "c2"]);
}

#[test]
fn independent_roots_are_all_bases() {
    let g = graph(vec![node("a", &[]), node("b", &[]), node("c", &["b"])]);
    assert_eq!(names(&g, g.bases()), ["a", "b"]);
    assert_eq!(names(&g, g.heads()), ["a", "c"]);
}

#[test]
fn a_dependency_is_not_a_parent_for_heads_bases_or_branch_points() {
    // Alembic: depends_on adds an edge that is not a down_revision.
    let g = graph(vec![
        node("a", &[]),
        node("b", &["a"]),
        depending(node("x", &[]), &["a"]),
    ]);
    assert_eq!(names(&g, g.heads()), ["b", "x"]);
    assert_eq!(names(&g, g.bases()), ["a", "x"]);
    assert!(g.branch_points().is_empty());
    assert_eq!(names(&g, g.requirements(2)), ["a"]);
    assert_eq!(names(&g, g.dependents(0)), ["b", "x"]);
}

#[test]
fn the_empty_graph_has_nothing() {
    let g = graph(Vec::new());
    assert!(g.is_empty());
    assert!(g.heads().is_empty() && g.bases().is_empty());
}

#[test]
fn ids_and_labels_are_found() {
    let g = graph(vec![
        node("a", &[]),
        labelled(node("b", &["a"]), &["feature", "extra"]),
    ]);
    assert_eq!(g.index_of("b"), Some(1));
    assert_eq!(g.index_of("feature"), None);
    assert_eq!(g.label("feature"), Some(1));
    assert_eq!(g.label("extra"), Some(1));
    assert_eq!(g.label("b"), None);
}

#[test]
fn a_duplicate_id_names_both_nodes() {
    let e = error(vec![node("a", &[]), node("b", &["a"]), node("a", &["b"])]);
    assert_eq!(e, GraphError::DuplicateId { node: 2, first: 0 });
    assert_eq!(e.node(), 2);
    assert_eq!(e.to_string(), "duplicate revision id");
}

#[test]
fn an_unknown_parent_is_named() {
    let e = error(vec![node("a", &[]), node("b", &["a", "zz"])]);
    assert_eq!(
        e,
        GraphError::UnknownParent {
            node: 1,
            parent: "zz".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "`Revises` names `zz`, which no migration defines"
    );
}

#[test]
fn an_unknown_dependency_is_named() {
    let e = error(vec![node("a", &[]), depending(node("b", &["a"]), &["zz"])]);
    assert_eq!(
        e,
        GraphError::UnknownDependency {
            node: 1,
            dependency: "zz".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "`Depends On` names `zz`, which no migration defines"
    );
}

#[test]
fn a_cycle_is_reported_with_its_path_in_upgrade_order() {
    let e = error(vec![
        node("a", &["c"]),
        node("b", &["a"]),
        node("c", &["b"]),
    ]);
    let GraphError::Cycle { node, path } = &e else {
        panic!("expected a cycle, got {e:?}");
    };
    assert_eq!(*node, 2);
    assert_eq!(path, &["b", "c", "a", "b"]);
    assert_eq!(e.to_string(), "revision cycle: b -> c -> a -> b");
}

#[test]
fn a_cycle_above_a_base_leaves_the_base_out_of_the_path() {
    let e = error(vec![
        node("r", &[]),
        node("x", &["r", "z"]),
        node("y", &["x"]),
        node("z", &["y"]),
    ]);
    assert_eq!(e.to_string(), "revision cycle: y -> z -> x -> y");
    assert_eq!(e.node(), 3);
}

#[test]
fn a_node_hanging_off_a_cycle_is_not_part_of_its_path() {
    let e = error(vec![
        node("d", &["a"]),
        node("a", &["b"]),
        node("b", &["a"]),
    ]);
    assert_eq!(
        e,
        GraphError::Cycle {
            node: 2,
            path: vec!["b".into(), "a".into(), "b".into()]
        }
    );
}

#[test]
fn a_revision_revising_itself_is_a_cycle() {
    let e = error(vec![node("a", &["a"])]);
    assert_eq!(e.to_string(), "revision cycle: a -> a");
}

#[test]
fn a_cycle_through_a_dependency_is_a_cycle() {
    let e = error(vec![depending(node("a", &[]), &["b"]), node("b", &["a"])]);
    assert_eq!(e.to_string(), "revision cycle: b -> a -> b");
    assert_eq!(e.node(), 1);
}

#[test]
fn a_label_used_twice_is_an_error() {
    let e = error(vec![
        labelled(node("a", &[]), &["x"]),
        labelled(node("b", &["a"]), &["x"]),
    ]);
    assert_eq!(
        e,
        GraphError::DuplicateLabel {
            node: 1,
            label: "x".into(),
            first: 0
        }
    );
    assert_eq!(e.to_string(), "branch label `x` is used twice");
}

#[test]
fn a_label_equal_to_an_id_is_an_error() {
    let e = error(vec![node("a", &[]), labelled(node("b", &["a"]), &["a"])]);
    assert_eq!(
        e,
        GraphError::LabelIsAnId {
            node: 1,
            label: "a".into()
        }
    );
    assert_eq!(e.to_string(), "branch label `a` is also a revision id");
    let own = error(vec![labelled(node("a", &[]), &["a"])]);
    assert_eq!(own.node(), 0);
}

#[test]
fn topological_order_puts_parents_first_whatever_the_input_order() {
    let g = graph(vec![node("c", &["b"]), node("a", &[]), node("b", &["a"])]);
    assert_eq!(names(&g, g.ordered(0..3)), ["a", "b", "c"]);
    assert_eq!((g.rank(1), g.rank(2), g.rank(0)), (0, 1, 2));
    assert_eq!(names(&g, g.heads()), ["c"]);
}

#[test]
fn topological_order_breaks_ties_by_input_position_and_is_stable() {
    let nodes = vec![
        node("r", &[]),
        node("y1", &["r"]),
        node("x1", &["r"]),
        depending(node("y2", &["y1"]), &["x2"]),
        node("x2", &["x1"]),
    ];
    let g = graph(nodes.clone());
    let order = names(&g, g.ordered(0..g.len()));
    assert_eq!(order, ["r", "y1", "x1", "x2", "y2"]);
    let again = graph(nodes);
    assert_eq!(names(&again, again.ordered(0..again.len())), order);
}

#[test]
fn ordered_sorts_and_removes_repeats() {
    let g = diamond();
    assert_eq!(names(&g, g.ordered([5, 0, 3, 0, 5])), ["r", "c1", "m"]);
}

#[test]
fn ancestors_include_the_start_and_follow_every_parent() {
    let g = diamond();
    assert_eq!(
        names(&g, g.with_ancestors([5])),
        ["r", "a", "b", "c1", "c2", "m"]
    );
    assert_eq!(names(&g, g.with_ancestors([3])), ["r", "a", "b", "c1"]);
    assert!(g.with_ancestors([]).is_empty());
}

#[test]
fn descendants_include_the_start_and_follow_every_child() {
    let g = diamond();
    assert_eq!(names(&g, g.with_descendants([3])), ["c1", "m"]);
    assert_eq!(names(&g, g.with_descendants([2])), ["b", "c1", "c2", "m"]);
    assert_eq!(names(&g, g.with_descendants([3, 4])), ["c1", "c2", "m"]);
}

#[test]
fn ancestry_follows_depends_on_edges() {
    // Two branches from r; y2 depends on x1 of the other branch.
    let g = graph(vec![
        node("r", &[]),
        node("x1", &["r"]),
        node("x2", &["x1"]),
        node("y1", &["r"]),
        depending(node("y2", &["y1"]), &["x1"]),
    ]);
    assert_eq!(names(&g, g.with_ancestors([4])), ["r", "x1", "y1", "y2"]);
    assert_eq!(names(&g, g.with_descendants([1])), ["x1", "x2", "y2"]);
    assert_eq!(names(&g, g.ordered(0..5)), ["r", "x1", "x2", "y1", "y2"]);
}

#[test]
fn down_revisions_leave_out_dependencies_already_below() {
    // x depends on d; y, on x, depends on d again and on e: a row for y stands for x and e,
    // and d through x, as Alembic counts a revision's down revisions.
    let g = graph(vec![
        node("r", &[]),
        node("d", &[]),
        node("e", &[]),
        depending(node("x", &["r"]), &["d"]),
        depending(node("y", &["x"]), &["d", "e"]),
        node("m", &["x", "e"]),
    ]);
    let down = |id: &str| names(&g, g.down_revisions(g.index_of(id).unwrap()));
    assert_eq!(down("y"), ["x", "e"]);
    assert_eq!(down("x"), ["r", "d"]);
    assert_eq!(down("m"), ["x", "e"]);
    assert!(down("r").is_empty());
}
