use super::*;
use crate::direction::Direction;
use crate::revision::graph::Node;

fn node(id: &str, parents: &[&str], depends_on: &[&str], labels: &[&str]) -> Node {
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
    Node {
        id: id.to_string(),
        parents: strings(parents),
        depends_on: strings(depends_on),
        branch_labels: strings(labels),
    }
}

fn graph(nodes: Vec<Node>) -> Graph {
    Graph::new(nodes).expect("valid graph")
}

/// a -> b -> c
fn chain() -> Graph {
    graph(vec![
        node("a", &[], &[], &[]),
        node("b", &["a"], &[], &[]),
        node("c", &["b"], &[], &[]),
    ])
}

/// r -> t1 -> t2 (trunk) and r -> f1 -> f2 (label `feature` on f1). Heads t2 and f2.
const R: usize = 0;
const T2: usize = 2;
const F1: usize = 3;
const F2: usize = 4;
fn forked() -> Graph {
    graph(vec![
        node("r", &[], &[], &[]),
        node("t1", &["r"], &[], &[]),
        node("t2", &["t1"], &[], &[]),
        node("f1", &["r"], &[], &["feature"]),
        node("f2", &["f1"], &[], &[]),
    ])
}

fn target(text: &str) -> Target {
    Target::parse(text).unwrap_or_else(|e| panic!("`{text}` should parse: {e}"))
}

fn resolved(g: &Graph, text: &str, current: &[usize]) -> Result<Destination, TargetError> {
    resolve(g, &target(text), current)
}

fn at(index: usize) -> Result<Destination, TargetError> {
    Ok(Destination::Revisions(vec![index]))
}

fn below(index: usize) -> Result<Destination, TargetError> {
    Ok(Destination::Below(vec![index]))
}

fn message(result: Result<Destination, TargetError>) -> String {
    let error = result.expect_err("should fail");
    match error.hint() {
        Some(hint) => format!("{error}; {hint}"),
        None => error.to_string(),
    }
}

#[test]
fn parses_symbols_ids_prefixes_and_labels() {
    assert_eq!(target("head"), Target::Head);
    assert_eq!(target(" heads "), Target::Heads);
    assert_eq!(target("base"), Target::Base);
    for text in ["ae1027a6acf", "ae10", "feature", "a_b"] {
        assert_eq!(target(text), Target::Revision(text.into()));
    }
}

#[test]
fn parses_relative_steps_from_current_or_a_revision() {
    let relative = |anchor: Anchor, steps| Target::Relative { anchor, steps };
    assert_eq!(target("+1"), relative(Anchor::Current, 1));
    assert_eq!(target("-2"), relative(Anchor::Current, -2));
    assert_eq!(target("+10"), relative(Anchor::Current, 10));
    assert_eq!(
        target("ae10+2"),
        relative(Anchor::Revision("ae10".into()), 2)
    );
    assert_eq!(
        target("ae10-1"),
        relative(Anchor::Revision("ae10".into()), -1)
    );
}

#[test]
fn parses_branch_forms() {
    assert_eq!(target("feature@head"), Target::BranchHead("feature".into()));
    assert_eq!(target("ae10@head"), Target::BranchHead("ae10".into()));
    assert_eq!(target("feature@base"), Target::BranchBase("feature".into()));
    let within = |steps| Target::Relative {
        anchor: Anchor::Branch("feature".into()),
        steps,
    };
    assert_eq!(target("feature@-1"), within(-1));
    assert_eq!(target("feature@+3"), within(3));
}

#[test]
fn rejects_malformed_targets() {
    let words = "+0 -0 + - +-1 +1x a@ @head @-1 x--1 x+ a+b a@b@head a@head+1 a:b ae10+0";
    let mut bad: Vec<&str> = words.split(' ').collect();
    bad.extend(["", "   ", "a b", "+99999999999999999999"]);
    for text in bad {
        assert_eq!(
            Target::parse(text),
            Err(TargetError::Syntax(text.trim().into())),
            "`{text}`"
        );
    }
    let e = Target::parse("x--1").unwrap_err().to_string();
    assert!(
        e.starts_with("invalid target `x--1`; use head, heads, base"),
        "{e}"
    );
}

#[test]
fn display_writes_targets_back_as_parsed() {
    for text in [
        "head", "heads", "base", "ae10", "+2", "-1", "ae10+2", "ae10-3", "f@head", "f@base",
        "f@-1", "f@+2",
    ] {
        assert_eq!(display(&target(text)), text);
    }
}

fn ids_graph() -> Graph {
    graph(vec![
        node("1975ea83b712", &[], &[], &[]),
        node("ae1027a6acf", &["1975ea83b712"], &[], &[]),
        node("ae10b7c", &["ae1027a6acf"], &[], &[]),
        node("abc", &["ae10b7c"], &[], &["feature"]),
    ])
}

#[test]
fn lookup_finds_full_ids_labels_and_unique_prefixes() {
    let g = ids_graph();
    assert_eq!(lookup(&g, "ae1027a6acf"), Ok(1));
    assert_eq!(lookup(&g, "feature"), Ok(3));
    assert_eq!(lookup(&g, "1975"), Ok(0));
    assert_eq!(lookup(&g, "ae10b"), Ok(2));
    // A full id shorter than 4 characters is still a full id.
    assert_eq!(lookup(&g, "abc"), Ok(3));
}

#[test]
fn lookup_refuses_short_prefixes_and_unknown_names() {
    let g = ids_graph();
    let e = lookup(&g, "ffff").unwrap_err();
    assert_eq!(e, TargetError::Unknown("ffff".into()));
    assert!(
        e.to_string()
            .starts_with("no revision, branch label or id prefix matches `ffff`")
    );
    assert_eq!(lookup(&g, "197"), Err(TargetError::TooShort("197".into())));
    assert_eq!(lookup(&g, "ab"), Err(TargetError::TooShort("ab".into())));
    assert_eq!(
        TargetError::TooShort("197".into()).to_string(),
        "`197` is too short to be an id prefix: use at least 4 characters"
    );
}

#[test]
fn lookup_lists_the_candidates_of_an_ambiguous_prefix() {
    let e = lookup(&ids_graph(), "ae10").unwrap_err();
    assert_eq!(
        e,
        TargetError::Ambiguous {
            prefix: "ae10".into(),
            candidates: vec!["ae1027a6acf".into(), "ae10b7c".into()]
        }
    );
    assert_eq!(
        e.to_string(),
        "several revisions start with `ae10`: ae1027a6acf, ae10b7c; use more characters"
    );
}

#[test]
fn head_heads_and_base() {
    let g = chain();
    assert_eq!(resolved(&g, "head", &[]), at(2));
    assert_eq!(resolved(&g, "heads", &[]), at(2));
    assert_eq!(resolved(&g, "base", &[2]), Ok(Destination::Base));
    let g = forked();
    assert_eq!(
        resolved(&g, "heads", &[]),
        Ok(Destination::Revisions(vec![T2, F2]))
    );
    assert_eq!(resolved(&g, "f1", &[]), at(F1));
    assert_eq!(resolved(&g, "feature", &[]), at(F1));
}

#[test]
fn head_needs_exactly_one_head() {
    assert_eq!(
        message(resolved(&forked(), "head", &[])),
        "there are several heads (t2, f2); name one, use `heads` for all, or `merge heads` to join them"
    );
    let empty = graph(Vec::new());
    assert_eq!(resolved(&empty, "head", &[]), Err(TargetError::Empty));
    assert_eq!(single_head(&empty), Err(TargetError::Empty));
}

#[test]
fn branch_head_is_the_head_above_the_label_or_revision() {
    let g = forked();
    assert_eq!(resolved(&g, "feature@head", &[]), at(F2));
    assert_eq!(resolved(&g, "t1@head", &[]), at(T2));
    assert_eq!(
        resolved(&g, "r@head", &[]),
        Err(TargetError::SeveralHeads(vec!["t2".into(), "f2".into()]))
    );
}

#[test]
fn branch_base_is_below_the_base_of_the_label_s_lineage() {
    // As Alembic: `LABEL@base` goes down to the base the labelled revision stands on.
    let g = forked();
    assert_eq!(resolved(&g, "feature@base", &[]), below(R));
    assert_eq!(resolved(&g, "f2@base", &[]), below(R));
    assert_eq!(resolved(&g, "t2@base", &[]), below(R));
    // A chain without a branch point is one branch down to its base.
    assert_eq!(resolved(&chain(), "c@base", &[]), below(0));
}

#[test]
fn upward_steps_from_nothing_start_at_the_single_base() {
    let g = chain();
    assert_eq!(resolved(&g, "+1", &[]), at(0));
    assert_eq!(resolved(&g, "+2", &[]), at(1));
    assert_eq!(resolved(&g, "+1", &[0]), at(1));
}

#[test]
fn upward_steps_refuse_several_bases() {
    let g = graph(vec![node("a", &[], &[], &[]), node("b", &[], &[], &[])]);
    assert_eq!(
        message(resolved(&g, "+1", &[])),
        "cannot walk up from base: it has several bases (a, b); name the one you want"
    );
}

#[test]
fn upward_steps_past_the_head_are_an_error() {
    let g = chain();
    assert_eq!(
        message(resolved(&g, "+2", &[1])),
        "`+2` goes 1 step(s) past the head c"
    );
    assert_eq!(
        resolved(&g, "+1", &[2]),
        Err(TargetError::PastHead {
            target: "+1".into(),
            missing: 1,
            head: "c".into()
        })
    );
}

#[test]
fn upward_steps_refuse_a_fork() {
    assert_eq!(
        message(resolved(&forked(), "+1", &[R])),
        "cannot walk up from r: it has several children (t1, f1); name the one you want"
    );
}

#[test]
fn downward_steps_walk_parents() {
    let g = chain();
    // As Alembic, from the current head as from a label: what the walk steps off goes.
    assert_eq!(resolved(&g, "-1", &[2]), below(2));
    assert_eq!(resolved(&g, "-2", &[2]), below(1));
}

#[test]
fn walking_exactly_below_the_first_revision_removes_it() {
    assert_eq!(resolved(&chain(), "-3", &[2]), below(0));
    assert_eq!(resolved(&chain(), "-1", &[0]), below(0));
}

#[test]
fn walking_further_below_base_is_an_error() {
    let g = chain();
    assert_eq!(
        message(resolved(&g, "-4", &[2])),
        "`-4` goes 1 step(s) below base; use `base` to revert everything"
    );
    assert_eq!(
        resolved(&g, "-1", &[]),
        Err(TargetError::BelowBase {
            target: "-1".into(),
            missing: 1
        })
    );
}

#[test]
fn downward_steps_refuse_a_merge() {
    let g = graph(vec![
        node("r", &[], &[], &[]),
        node("x", &["r"], &[], &[]),
        node("y", &["r"], &[], &[]),
        node("m", &["x", "y"], &[], &[]),
    ]);
    assert_eq!(
        message(resolved(&g, "-1", &[3])),
        "cannot walk down from m: it has several parents (x, y); name the one you want"
    );
    assert_eq!(resolved(&g, "x-1", &[3]), at(0));
}

#[test]
fn relative_steps_need_a_single_current_head() {
    let g = forked();
    for text in ["+1", "-1"] {
        assert_eq!(
            message(resolved(&g, text, &[T2, F2])),
            "the database has several current heads (t2, f2); a relative step must start from one: use REV+N, REV-N or LABEL@-N"
        );
    }
}

#[test]
fn steps_from_a_revision_ignore_the_current_heads() {
    let g = forked();
    assert_eq!(resolved(&g, "t1+1", &[T2, F2]), at(T2));
    assert_eq!(resolved(&g, "f2-2", &[]), at(R));
    assert_eq!(resolved(&g, "feature+1", &[]), at(F2));
    // Below the base from a revision is the base: everything goes, as in Alembic.
    assert_eq!(resolved(&g, "f1-2", &[]), Ok(Destination::Base));
    assert_eq!(
        resolved(&g, "zzzz+1", &[]),
        Err(TargetError::Unknown("zzzz".into()))
    );
}

#[test]
fn branch_steps_start_from_the_current_head_on_that_branch() {
    let g = forked();
    // Only the lineage goes down: the trunk on r stays, as Alembic keeps it.
    assert_eq!(resolved(&g, "feature@-1", &[T2, F2]), below(F2));
    assert_eq!(resolved(&g, "feature@-2", &[T2, F2]), below(F1));
    assert_eq!(resolved(&g, "feature@-3", &[T2, F2]), below(R));
    assert_eq!(resolved(&g, "feature@+1", &[T2, F1]), at(F2));
}

#[test]
fn branch_steps_up_from_an_unapplied_branch_walk_its_lineage_from_where_it_stands() {
    // As Alembic: along the label's lineage, from its newest applied revision or the base.
    let g = forked();
    assert_eq!(resolved(&g, "feature@+1", &[T2]), at(F1));
    assert_eq!(resolved(&g, "feature@+2", &[T2]), at(F2));
    assert_eq!(resolved(&g, "feature@+1", &[]), at(R));
    assert_eq!(resolved(&g, "feature@+2", &[]), at(F1));
    assert_eq!(
        message(resolved(&g, "feature@+3", &[T2])),
        "`feature@+3` goes 1 step(s) past the head f2"
    );
}

#[test]
fn branch_steps_down_start_where_the_lineage_is_at_the_top_of_what_is_applied() {
    // As Alembic: with no current head on the feature lineage, its revision at the top of
    // what is applied is where it stands: f1, applied as what d depends on.
    let g = forked_with_dependency();
    assert_eq!(resolved(&g, "feature@-1", &[5]), below(F1));
    // r is applied but stands below t1 and t2, off the lineage: nowhere to step down from.
    // Alembic refuses this (with an assertion of its own) rather than revert r and the trunk.
    for rows in [&[T2][..], &[1], &[]] {
        assert_eq!(
            resolved(&forked(), "feature@-1", rows),
            Err(TargetError::LineageNotCurrent {
                target: "feature@-1".into(),
                label: "feature".into(),
            }),
            "{rows:?}"
        );
    }
    assert_eq!(
        message(resolved(&forked(), "feature@-2", &[T2])),
        "`feature@-2` has nowhere to step down from: no current head is on the lineage of `feature`, and nothing \
         of that lineage is at the top of what is applied (Alembic refuses it too); name the revision to go down to"
    );
    // Where the lineage's own base is the top of what is applied, it goes.
    assert_eq!(resolved(&forked(), "feature@-1", &[R]), below(R));
}

/// forked() plus d, on the trunk after t2, depending on f1 of the feature branch.
fn forked_with_dependency() -> Graph {
    let mut nodes: Vec<Node> = (0..forked().len())
        .map(|i| forked().node(i).clone())
        .collect();
    nodes.push(node("d", &["t2"], &["f1"], &[]));
    graph(nodes)
}

#[test]
fn branch_head_ignores_revisions_that_only_depend_on_the_branch() {
    let g = forked_with_dependency();
    assert_eq!(resolved(&g, "feature@head", &[]), at(F2));
}

#[test]
fn branch_steps_ignore_current_heads_that_only_depend_on_the_branch() {
    let g = forked_with_dependency();
    assert_eq!(resolved(&g, "feature@-1", &[5, F2]), below(F2));
}

#[test]
fn branch_steps_count_the_whole_branch_below_a_label() {
    // Alembic propagates a label down to the branch point: f1 is on branch `late` too.
    let g = graph(vec![
        node("r", &[], &[], &[]),
        node("t1", &["r"], &[], &[]),
        node("f1", &["r"], &[], &[]),
        node("f2", &["f1"], &[], &["late"]),
        node("f3", &["f2"], &[], &[]),
    ]);
    assert_eq!(resolved(&g, "late@+1", &[1, 2]), at(3));
}

#[test]
fn a_step_from_where_the_database_is_goes_the_command_s_way() {
    // As Alembic, which refuses `upgrade -1` ("didn't produce 1 migrations"), `upgrade
    // LABEL@-1`, `downgrade +1` and `downgrade LABEL@+1`.
    use Direction::{Downgrade, Upgrade};
    let wrong = [
        ("-1", Upgrade),
        ("-2", Upgrade),
        ("feature@-1", Upgrade),
        ("+1", Downgrade),
        ("feature@+2", Downgrade),
    ];
    for (text, direction) in wrong {
        assert_eq!(
            check_direction(&target(text), direction),
            Err(TargetError::WrongWay {
                target: text.into(),
                direction
            }),
            "{direction} {text}"
        );
    }
    // From a named revision a step may go either way; the command's own way passes.
    let right = [
        ("t1-1", Upgrade),
        ("head-1", Upgrade),
        ("r+1", Downgrade),
        ("+1", Upgrade),
        ("-1", Downgrade),
        ("feature@+1", Upgrade),
        ("feature@-1", Downgrade),
        ("heads", Downgrade),
        ("base", Upgrade),
    ];
    for (text, direction) in right {
        assert_eq!(check_direction(&target(text), direction), Ok(()), "{text}");
    }
    let e = check_direction(&target("-1"), Upgrade).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`-1` steps down from where the database is, so it is not a target to upgrade to (Alembic \
         refuses it too); downgrade to it, or name a revision"
    );
}

#[test]
fn branch_head_going_down_counts_every_head() {
    // As Alembic, which reads `LABEL@head` going down as `head`: x is a head that only d
    // depends on, so there are two heads, though `heads` (the heads nothing depends on) is d.
    let g = graph(vec![
        node("r", &[], &[], &[]),
        node("x", &["r"], &[], &["feature"]),
        node("d", &["r"], &["x"], &[]),
    ]);
    assert_eq!(
        check_downgrade_target(&g, &target("feature@head")),
        Err(TargetError::AmbiguousDowngrade {
            target: "feature@head".into(),
            heads: vec!["x".into(), "d".into()],
        })
    );
    assert_eq!(check_downgrade_target(&g, &target("heads")), Ok(()));
    assert_eq!(check_downgrade_target(&g, &target("x")), Ok(()));
    let one = chain();
    assert_eq!(check_downgrade_target(&one, &target("a@head")), Ok(()));
}

#[test]
fn branch_steps_down_meet_a_merge_above_the_label_as_a_fork() {
    // As Alembic, which walks down through every parent: m joins x (labelled) and y, so one
    // step down from m is ambiguous, even though y is off the label's lineage.
    let g = graph(vec![
        node("r", &[], &[], &[]),
        node("x", &["r"], &[], &["feature"]),
        node("y", &["r"], &[], &[]),
        node("m", &["x", "y"], &[], &[]),
        node("n", &["m"], &[], &[]),
    ]);
    let fork = "cannot walk down from m: it has several parents (x, y); name the one you want";
    assert_eq!(message(resolved(&g, "feature@-1", &[3])), fork);
    assert_eq!(message(resolved(&g, "feature@-2", &[4])), fork);
    assert_eq!(message(resolved(&g, "-1", &[3])), fork);
    // One step down from n lands on m: only n goes.
    assert_eq!(resolved(&g, "feature@-1", &[4]), below(4));
}

/// optuna's ids: v0.9.0.a -> v1.2.0.a -> v1.3.0.a, label `rel.1` on v1.2.0.a.
fn dotted() -> Graph {
    graph(vec![
        node("v0.9.0.a", &[], &[], &[]),
        node("v1.2.0.a", &["v0.9.0.a"], &[], &["rel.1"]),
        node("v1.3.0.a", &["v1.2.0.a"], &[], &[]),
    ])
}

#[test]
fn dotted_ids_parse_as_ids_anchors_and_labels() {
    let relative = |anchor: Anchor, steps| Target::Relative { anchor, steps };
    assert_eq!(target("v0.9.0.a"), Target::Revision("v0.9.0.a".into()));
    // `-` and `+` cannot be part of an id, so the step is unambiguous (Alembic's own pattern
    // reads `\w+` and would take `v0.9.0.a-1` for a revision's name).
    assert_eq!(
        target("v0.9.0.a-1"),
        relative(Anchor::Revision("v0.9.0.a".into()), -1)
    );
    assert_eq!(
        target("v1.2+1"),
        relative(Anchor::Revision("v1.2".into()), 1)
    );
    assert_eq!(target("rel.1@head"), Target::BranchHead("rel.1".into()));
    assert_eq!(
        target("rel.1@-1"),
        relative(Anchor::Branch("rel.1".into()), -1)
    );
    for bad in [".v1", "v1..2-x", "v1.2-", "v1.2@x.y"] {
        assert!(Target::parse(bad).is_err(), "`{bad}`");
    }
}

#[test]
fn dotted_ids_resolve_by_id_prefix_label_and_step() {
    let g = dotted();
    assert_eq!(resolved(&g, "v1.3.0.a", &[]), at(2));
    assert_eq!(resolved(&g, "v1.3", &[]), at(2));
    assert_eq!(resolved(&g, "rel.1", &[]), at(1));
    assert_eq!(resolved(&g, "v0.9.0.a+2", &[]), at(2));
    assert_eq!(resolved(&g, "v1.3.0.a-1", &[2]), at(1));
    let e = message(resolved(&g, "v1.", &[]));
    assert!(e.contains("v1.2.0.a, v1.3.0.a"), "{e}");
}
