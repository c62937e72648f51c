use super::*;
use crate::revision::graph::Node;

fn node(id: &str, parents: &[&str], depends_on: &[&str]) -> Node {
    Node {
        id: id.into(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        depends_on: depends_on.iter().map(|p| p.to_string()).collect(),
        branch_labels: Vec::new(),
    }
}

/// base <- a <- (b1 <- b2) and (c1), merged by m, then d after the merge; e depends on c1.
fn forked_and_merged() -> Graph {
    Graph::new(vec![
        node("base", &[], &[]),
        node("a", &["base"], &[]),
        node("b1", &["a"], &[]),
        node("b2", &["b1"], &[]),
        node("c1", &["a"], &[]),
        node("m", &["b2", "c1"], &[]),
        node("d", &["m"], &[]),
    ])
    .unwrap()
}

fn text(graph: &Graph, state: impl Fn(usize) -> Option<State>) -> String {
    lanes(graph, |i| State::symbol(state(i)))
        .iter()
        .map(|line| match line.node {
            Some(node) => format!("{} {}", line.lanes, graph.node(node).id),
            None => line.lanes.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_fork_and_a_merge_draw_as_git_draws_them() {
    let graph = forked_and_merged();
    let expected = "\
* d
* m
|\\
| * c1
* | b2
* | b1
|/
* a
* base";
    assert_eq!(text(&graph, |_| None), expected);
}

#[test]
fn two_heads_draw_side_by_side_down_to_their_fork_and_marks_show_the_database() {
    let graph = Graph::new(vec![
        node("base", &[], &[]),
        node("x", &["base"], &[]),
        node("y", &["base"], &[]),
        node("other", &[], &[]),
    ])
    .unwrap();
    let state = |i: usize| match graph.node(i).id.as_str() {
        "x" => Some(State::Current),
        "base" => Some(State::Applied),
        _ => Some(State::Pending),
    };
    let drawn = text(&graph, state);
    assert_eq!(drawn.lines().filter(|l| l.ends_with(" base")).count(), 1);
    assert!(drawn.contains("|/"), "{drawn}");
    assert!(
        drawn.contains("@ x") || drawn.contains("@ | x") || drawn.contains("| @ x"),
        "{drawn}"
    );
    assert!(
        drawn.contains("o other") || drawn.contains("| o other") || drawn.contains("o | other"),
        "{drawn}"
    );
    // Every revision is drawn once.
    assert_eq!(
        lanes(&graph, |_| '*')
            .iter()
            .filter(|l| l.node.is_some())
            .count(),
        4
    );
}

#[test]
fn dot_and_mermaid_show_parents_dependencies_and_marks() {
    let graph = Graph::new(vec![
        node("a1", &[], &[]),
        node("b1", &[], &[]),
        node("a2", &["a1"], &["b1"]),
    ])
    .unwrap();
    let label = |i: usize| format!("{}\nsays \"hi\"", graph.node(i).id);
    let state = |i: usize| (i == 2).then_some(State::Current);
    let dot = dot(&graph, label, state);
    assert!(dot.contains("  \"a1\" -> \"a2\";\n"), "{dot}");
    assert!(
        dot.contains("  \"b1\" -> \"a2\" [style=dashed, label=\"depends on\"];\n"),
        "{dot}"
    );
    assert!(
        dot.contains("[label=\"a2\\nsays \\\"hi\\\"\", style=\"bold,filled\""),
        "{dot}"
    );
    let mermaid = mermaid(&graph, label, state);
    assert!(mermaid.starts_with("flowchart TD\n"), "{mermaid}");
    assert!(mermaid.contains("  r_a1 --> r_a2\n"), "{mermaid}");
    assert!(
        mermaid.contains("  r_b1 -. depends on .-> r_a2\n"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("r_a2[\"a2<br/>says #quot;hi#quot;\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("  class r_a2 current\n"), "{mermaid}");
}
