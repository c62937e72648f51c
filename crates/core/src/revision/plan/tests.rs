use super::*;
use crate::revision::graph::Node;

fn node(id: &str, parents: &[&str], depends_on: &[&str]) -> Node {
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
    Node {
        id: id.to_string(),
        parents: strings(parents),
        depends_on: strings(depends_on),
        branch_labels: Vec::new(),
    }
}

fn graph(nodes: Vec<Node>) -> Graph {
    Graph::new(nodes).expect("valid graph")
}

fn index(g: &Graph, id: &str) -> usize {
    g.index_of(id).unwrap_or_else(|| panic!("no {id}"))
}

fn names(g: &Graph, list: &[usize]) -> String {
    list.iter()
        .map(|&i| g.node(i).id.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn revisions(g: &Graph, ids: &[&str]) -> Destination {
    Destination::Revisions(ids.iter().map(|id| index(g, id)).collect())
}

/// Each step as `up m: [c1 c2] -> [m]` (the rows it deletes, then the rows it inserts),
/// after checking that replaying the steps' row changes always leaves rows that describe the
/// applied set, as the version table must: every topmost applied revision has a row, and the
/// rows and what they stand on are what is applied.
fn describe(g: &Graph, rows: &[&str], steps: &[Step]) -> Vec<String> {
    let row_indices: Vec<usize> = rows.iter().map(|id| index(g, id)).collect();
    let mut applied = Applied::from_rows(g, &row_indices);
    let mut table = row_indices.clone();
    steps
        .iter()
        .map(|step| {
            for row in &step.delete_rows {
                let at = table.iter().position(|r| r == row);
                table.remove(at.unwrap_or_else(|| panic!("{step:?} deletes a missing row")));
            }
            table.extend(&step.insert_rows);
            let direction = match step.direction {
                Direction::Upgrade => applied.set.insert(step.revision).then_some("up"),
                Direction::Downgrade => applied.set.remove(&step.revision).then_some("down"),
            };
            let direction = direction.unwrap_or_else(|| panic!("{step:?} changes nothing"));
            let tips = applied.rows(g);
            assert!(tips.iter().all(|t| table.contains(t)), "after {step:?}");
            assert_eq!(Applied::from_rows(g, &table), applied, "after {step:?}");
            format!(
                "{direction} {}: [{}] -> [{}]",
                g.node(step.revision).id,
                names(g, &step.delete_rows),
                names(g, &step.insert_rows)
            )
        })
        .collect()
}

fn up(g: &Graph, rows: &[&str], destination: &Destination) -> Vec<String> {
    let indices: Vec<usize> = rows.iter().map(|id| index(g, id)).collect();
    let applied = Applied::from_rows(g, &indices);
    let steps = upgrade(g, &applied, &indices, destination).expect("upgrade plan");
    describe(g, rows, &steps)
}

fn down(g: &Graph, rows: &[&str], destination: &Destination) -> Vec<String> {
    let indices: Vec<usize> = rows.iter().map(|id| index(g, id)).collect();
    let applied = Applied::from_rows(g, &indices);
    let steps = downgrade(g, &applied, &indices, destination).expect("downgrade plan");
    describe(g, rows, &steps)
}

fn chain() -> Graph {
    graph(vec![
        node("a", &[], &[]),
        node("b", &["a"], &[]),
        node("c", &["b"], &[]),
    ])
}

/// r -> t1 -> t2 and r -> f1 -> f2.
fn forked() -> Graph {
    graph(vec![
        node("r", &[], &[]),
        node("t1", &["r"], &[]),
        node("t2", &["t1"], &[]),
        node("f1", &["r"], &[]),
        node("f2", &["f1"], &[]),
    ])
}

/// r -> b, b -> c1 and b -> c2, m merges c1 and c2.
fn diamond() -> Graph {
    graph(vec![
        node("r", &[], &[]),
        node("b", &["r"], &[]),
        node("c1", &["b"], &[]),
        node("c2", &["b"], &[]),
        node("m", &["c1", "c2"], &[]),
    ])
}

/// r -> x1 -> x2 and r -> y1 -> y2, where y2 also depends on x1.
fn with_dependency() -> Graph {
    graph(vec![
        node("r", &[], &[]),
        node("x1", &["r"], &[]),
        node("x2", &["x1"], &[]),
        node("y1", &["r"], &[]),
        node("y2", &["y1"], &["x1"]),
    ])
}

#[test]
fn applied_set_is_the_rows_and_their_ancestors() {
    let g = forked();
    let applied = Applied::from_rows(&g, &[index(&g, "t2"), index(&g, "f1")]);
    assert_eq!(
        names(&g, &applied.set.iter().copied().collect::<Vec<_>>()),
        "r t1 t2 f1"
    );
    assert_eq!(names(&g, &applied.rows(&g)), "t2 f1");
    // A redundant row (an ancestor of another) disappears from the rows.
    let applied = Applied::from_rows(&g, &[index(&g, "t1"), index(&g, "t2")]);
    assert_eq!(names(&g, &applied.rows(&g)), "t2");
    assert!(Applied::default().rows(&g).is_empty());
}

#[test]
fn linear_upgrade_from_nothing_applies_every_revision_in_order() {
    let g = chain();
    assert_eq!(
        up(&g, &[], &revisions(&g, &["c"])),
        ["up a: [] -> [a]", "up b: [a] -> [b]", "up c: [b] -> [c]"]
    );
}

#[test]
fn linear_upgrade_skips_what_is_applied() {
    let g = chain();
    assert_eq!(up(&g, &["b"], &revisions(&g, &["c"])), ["up c: [b] -> [c]"]);
    assert!(up(&g, &["c"], &revisions(&g, &["c"])).is_empty());
    assert!(up(&g, &["c"], &revisions(&g, &["a"])).is_empty());
    assert!(up(&g, &["b"], &Destination::Base).is_empty());
}

#[test]
fn upgrade_to_a_label_base_is_the_base_where_nothing_is_to_do() {
    // As Alembic, which reads `LABEL@base` going up as the base.
    let g = forked();
    let steps = upgrade(
        &g,
        &Applied::default(),
        &[],
        &Destination::Below(vec![index(&g, "f1")]),
    )
    .unwrap();
    assert!(steps.is_empty());
}

#[test]
fn linear_downgrade_reverts_children_first() {
    let g = chain();
    assert_eq!(
        down(&g, &["c"], &revisions(&g, &["a"])),
        ["down c: [c] -> [b]", "down b: [b] -> [a]"]
    );
    assert_eq!(
        down(&g, &["c"], &Destination::Base),
        [
            "down c: [c] -> [b]",
            "down b: [b] -> [a]",
            "down a: [a] -> []"
        ]
    );
    assert!(down(&g, &["c"], &revisions(&g, &["c"])).is_empty());
    assert!(down(&g, &[], &Destination::Base).is_empty());
}

#[test]
fn upgrading_past_a_branch_point_adds_a_row() {
    let g = forked();
    assert_eq!(
        up(&g, &["t2"], &revisions(&g, &["f2"])),
        ["up f1: [] -> [f1]", "up f2: [f1] -> [f2]"]
    );
}

#[test]
fn upgrading_to_heads_applies_both_branches() {
    let g = forked();
    assert_eq!(
        up(&g, &[], &Destination::Revisions(g.heads())),
        [
            "up r: [] -> [r]",
            "up t1: [r] -> [t1]",
            "up t2: [t1] -> [t2]",
            "up f1: [] -> [f1]",
            "up f2: [f1] -> [f2]"
        ]
    );
}

#[test]
fn a_merge_replaces_both_parent_rows() {
    let g = diamond();
    assert_eq!(
        up(&g, &["c1", "c2"], &revisions(&g, &["m"])),
        ["up m: [c1 c2] -> [m]"]
    );
    assert_eq!(
        up(&g, &["c1"], &revisions(&g, &["m"])),
        ["up c2: [] -> [c2]", "up m: [c1 c2] -> [m]"]
    );
}

#[test]
fn downgrading_a_merge_to_one_parent_leaves_the_other_branch_applied() {
    // Alembic: the unmerge restores one row per parent; c2 is not a descendant of c1.
    let g = diamond();
    assert_eq!(
        down(&g, &["m"], &revisions(&g, &["c1"])),
        ["down m: [m] -> [c1 c2]"]
    );
}

#[test]
fn downgrading_below_a_branch_removes_only_that_branch() {
    let g = forked();
    assert_eq!(
        down(
            &g,
            &["t2", "f2"],
            &Destination::Below(vec![index(&g, "f1")])
        ),
        ["down f2: [f2] -> [f1]", "down f1: [f1] -> []"]
    );
    let g = diamond();
    assert_eq!(
        down(&g, &["m"], &Destination::Below(vec![index(&g, "c1")])),
        ["down m: [m] -> [c1 c2]", "down c1: [c1] -> []"]
    );
}

#[test]
fn downgrading_to_a_branch_point_reverts_both_branches() {
    let g = forked();
    assert_eq!(
        down(&g, &["t2", "f2"], &revisions(&g, &["r"])),
        [
            "down f2: [f2] -> [f1]",
            "down f1: [f1] -> []",
            "down t2: [t2] -> [t1]",
            "down t1: [t1] -> [r]"
        ]
    );
}

#[test]
fn downgrading_to_an_unapplied_revision_is_an_error() {
    let g = chain();
    let rows = [index(&g, "a")];
    let applied = Applied::from_rows(&g, &rows);
    let e = downgrade(&g, &applied, &rows, &revisions(&g, &["c", "b"])).unwrap_err();
    assert_eq!(e, DowngradeError::NotApplied(vec!["c".into(), "b".into()]));
    assert!(
        e.to_string()
            .starts_with("c, b is not applied, so it cannot be a downgrade target"),
        "{e}"
    );
}

#[test]
fn upgrade_pulls_in_a_dependency_first() {
    let g = with_dependency();
    assert_eq!(
        up(&g, &["y1"], &revisions(&g, &["y2"])),
        ["up x1: [] -> [x1]", "up y2: [x1 y1] -> [y2]"]
    );
    assert_eq!(
        up(&g, &[], &revisions(&g, &["y2"])),
        [
            "up r: [] -> [r]",
            "up x1: [r] -> [x1]",
            "up y1: [] -> [y1]",
            "up y2: [x1 y1] -> [y2]"
        ]
    );
}

#[test]
fn downgrade_reverts_a_dependent_before_its_dependency() {
    let g = with_dependency();
    assert_eq!(
        down(&g, &["y2"], &Destination::Below(vec![index(&g, "x1")])),
        ["down y2: [y2] -> [x1 y1]", "down x1: [x1] -> []"]
    );
    assert_eq!(
        down(&g, &["x2", "y2"], &revisions(&g, &["r"])),
        [
            "down y2: [y2] -> [y1]",
            "down y1: [y1] -> []",
            "down x2: [x2] -> [x1]",
            "down x1: [x1] -> [r]"
        ]
    );
}

#[test]
fn downgrade_to_a_revision_keeps_what_depends_on_it() {
    // Alembic starts from the target's children (nextrev), so y2, which depends on the still
    // applied x1, stays.
    let g = with_dependency();
    assert_eq!(
        down(&g, &["x2", "y2"], &revisions(&g, &["x1"])),
        ["down x2: [x2] -> []"]
    );
}

/// r -> a -> c and r -> b, where b depends on a and c on b; s stands beside them on r.
fn crossed() -> Graph {
    graph(vec![
        node("r", &[], &[]),
        node("a", &["r"], &[]),
        node("b", &["r"], &["a"]),
        node("c", &["a"], &["b"]),
        node("s", &["r"], &[]),
    ])
}

#[test]
fn downgrading_to_what_another_branch_depends_on_leaves_the_rows_alembic_leaves() {
    // Reverting c gives a and b their rows back. With another row left (s), Alembic checks
    // only that row, so a keeps a row although b depends on it; with none left, only b.
    let g = crossed();
    assert_eq!(
        down(&g, &["c", "s"], &revisions(&g, &["a"])),
        ["down c: [c] -> [a b]"]
    );
    assert_eq!(
        down(&g, &["c"], &revisions(&g, &["a"])),
        ["down c: [c] -> [b]"]
    );
    let rows = [index(&g, "c"), index(&g, "s")];
    let steps = downgrade(
        &g,
        &Applied::from_rows(&g, &rows),
        &rows,
        &revisions(&g, &["a"]),
    );
    assert_eq!(names(&g, &rows_after(&g, &rows, &steps.unwrap())), "a b s");
}

#[test]
fn from_overlapping_rows_alembic_s_way_down_and_no_way_up() {
    let g = crossed();
    let rows: Vec<usize> = ["a", "b", "s"].iter().map(|id| index(&g, id)).collect();
    let applied = Applied::from_rows(&g, &rows);
    // Down: each revision's row goes as Alembic moves it, and the rows end at r.
    let steps = downgrade(&g, &applied, &rows, &revisions(&g, &["r"])).unwrap();
    assert_eq!(names(&g, &rows_after(&g, &rows, &steps)), "r");
    // A target already a row, or only below one, has nothing to revert and is no error.
    assert!(down(&g, &["a", "b", "s"], &revisions(&g, &["a"])).is_empty());
    // Up: Alembic refuses to upgrade from rows that overlap, whatever the target.
    for destination in [
        revisions(&g, &["c"]),
        revisions(&g, &["b"]),
        Destination::Base,
    ] {
        let e = upgrade(&g, &applied, &rows, &destination).unwrap_err();
        assert_eq!(
            e,
            TargetError::OverlappingRows {
                lower: "a".into(),
                upper: "b".into()
            }
        );
    }
    let e = upgrade(&g, &applied, &rows, &Destination::Base).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "the version table has a row for a, which the row b already stands on (as Alembic leaves them"
        ),
        "{e}"
    );
}
