//! The generated revision graphs of the differential test and the steps run on them: random
//! branches, merges, several bases, branch labels and `depends_on`, with steps biased toward the
//! shapes where the two models once parted. Deterministic: the same graphs on every run.

use std::collections::BTreeSet;

/// A small deterministic generator.
pub struct Random(pub u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, list: &'a [T]) -> Option<&'a T> {
        (!list.is_empty()).then(|| &list[self.below(list.len())])
    }
}

pub struct Revision {
    pub id: String,
    pub parents: Vec<usize>,
    pub labels: Vec<String>,
    pub depends_on: Vec<usize>,
}

pub struct Graph {
    pub revisions: Vec<Revision>,
    pub steps: Vec<(&'static str, String)>,
}

impl Graph {
    /// The revision and everything it requires (parents and dependencies).
    pub fn ancestors(&self, start: usize) -> BTreeSet<usize> {
        closure(start, |i| {
            let r = &self.revisions[i];
            r.parents.iter().chain(&r.depends_on).copied().collect()
        })
    }

    /// The revision and what revises it, transitively (parents only).
    pub fn children_of(&self, start: usize) -> BTreeSet<usize> {
        closure(start, |i| {
            (0..self.revisions.len())
                .filter(|&c| self.revisions[c].parents.contains(&i))
                .collect()
        })
    }

    /// What a revision stands on and what stands on it, through parents only.
    pub fn lineage(&self, start: usize) -> BTreeSet<usize> {
        let mut lineage = closure(start, |i| self.revisions[i].parents.clone());
        lineage.extend(self.children_of(start));
        lineage
    }

    /// Revisions below `k` that are neither ancestors nor descendants of any of `of`.
    fn unrelated(&self, k: usize, of: &[usize]) -> Vec<usize> {
        (0..k)
            .filter(|&o| {
                of.iter()
                    .all(|&p| !self.ancestors(o).contains(&p) && !self.ancestors(p).contains(&o))
            })
            .collect()
    }

    /// The revision that carries `label`.
    pub fn labelled(&self, label: &str) -> Option<usize> {
        self.revisions
            .iter()
            .position(|r| r.labels.iter().any(|l| l == label))
    }

    /// The revision with this id.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.revisions.iter().position(|r| r.id == id)
    }
}

fn closure(start: usize, next: impl Fn(usize) -> Vec<usize>) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(i) = stack.pop() {
        if seen.insert(i) {
            stack.extend(next(i));
        }
    }
    seen
}

pub fn generate(random: &mut Random, number: usize) -> Graph {
    let count = 3 + random.below(5);
    let mut graph = Graph {
        revisions: Vec::new(),
        steps: Vec::new(),
    };
    for k in 0..count {
        let mut parents = Vec::new();
        if k > 0 && !random.chance(15) {
            parents.push(random.below(k));
            if k > 1 && random.chance(35) {
                let beside = graph.unrelated(k, &parents);
                parents.extend(random.pick(&beside));
            }
        }
        let mut depends_on = Vec::new();
        if k > 1 && random.chance(30) {
            let mine: BTreeSet<usize> = parents.iter().flat_map(|&p| graph.ancestors(p)).collect();
            let beside: Vec<usize> = (0..k).filter(|o| !mine.contains(o)).collect();
            depends_on.extend(random.pick(&beside));
        }
        // A merge, or what stands on one, is labelled more often: `LABEL@-1` through a merge.
        let near_merge = parents.len() > 1
            || parents
                .iter()
                .any(|&p| graph.revisions[p].parents.len() > 1);
        let labels = match random.chance(if near_merge { 50 } else { 25 }) {
            true => vec![format!("l{number:02}x{k}")],
            false => Vec::new(),
        };
        graph.revisions.push(Revision {
            id: format!("g{number:02}r{k}"),
            parents,
            labels,
            depends_on,
        });
    }
    while graph.steps.len() < 8 {
        let steps = steps(random, &graph);
        graph.steps.extend(steps);
    }
    graph
}

/// One `upgrade` or `downgrade` and its target, or, for the shapes that need the database
/// somewhere first, an `upgrade` there and the step.
fn steps(random: &mut Random, graph: &Graph) -> Vec<(&'static str, String)> {
    let up = random.chance(55);
    let direction = if up { "upgrade" } else { "downgrade" };
    let (sign, wrong) = if up { ("+", "-") } else { ("-", "+") };
    let revisions = &graph.revisions;
    let revision = &revisions[random.below(revisions.len())].id;
    let labels: Vec<&String> = revisions.iter().flat_map(|r| &r.labels).collect();
    let label = random.pick(&labels).map(|l| l.to_string());
    let or_revision = |name: Option<String>| name.unwrap_or_else(|| revision.clone());
    let target = match random.below(17) {
        0 => "head".to_string(),
        1 => "heads".to_string(),
        2 => "base".to_string(),
        3 | 4 => revision.clone(),
        5 => format!("{sign}1"),
        6 => format!("{sign}2"),
        7 => format!("{revision}{sign}1"),
        8 => label.map_or("heads".into(), |l| format!("{l}@head")),
        9 => label.map_or("base".into(), |l| format!("{l}@base")),
        10 => or_revision(label.map(|l| format!("{l}@{sign}1"))),
        // The wrong way from where the database is: Alembic refuses these.
        11 => format!("{wrong}{}", 1 + random.below(2)),
        12 => or_revision(label.map(|l| format!("{l}@{wrong}1"))),
        13 | 14 => return down_to_a_dependency(random, graph).unwrap_or_default(),
        _ => return down_a_merged_lineage(random, graph).unwrap_or_default(),
    };
    vec![(direction, target)]
}

/// Up to a revision that depends on another branch's revision, then down to that one.
fn down_to_a_dependency(random: &mut Random, graph: &Graph) -> Option<Vec<(&'static str, String)>> {
    let revisions = &graph.revisions;
    let dependents: Vec<usize> = (0..revisions.len())
        .filter(|&i| !revisions[i].depends_on.is_empty())
        .collect();
    let dependent = *random.pick(&dependents)?;
    let dependency = *random.pick(&revisions[dependent].depends_on)?;
    let mut steps = Vec::new();
    if random.chance(60) {
        let up = match random.chance(50) {
            true => "heads".to_string(),
            false => revisions[dependent].id.clone(),
        };
        steps.push(("upgrade", up));
    }
    steps.push(("downgrade", revisions[dependency].id.clone()));
    Some(steps)
}

/// Up through a merge on a label's lineage, then `LABEL@-N` down along it.
fn down_a_merged_lineage(
    random: &mut Random,
    graph: &Graph,
) -> Option<Vec<(&'static str, String)>> {
    let revisions = &graph.revisions;
    let merges: Vec<usize> = (0..revisions.len())
        .filter(|&i| revisions[i].parents.len() > 1)
        .collect();
    // A labelled revision whose lineage holds a merge, and a revision above that merge on it.
    let labelled: Vec<(usize, usize)> = (0..revisions.len())
        .filter(|&i| !revisions[i].labels.is_empty())
        .flat_map(|i| {
            let lineage = graph.lineage(i);
            merges
                .iter()
                .filter(|m| lineage.contains(m))
                .flat_map(|&m| graph.children_of(m))
                .filter(|above| lineage.contains(above))
                .map(move |above| (i, above))
                .collect::<Vec<_>>()
        })
        .collect();
    let &(label, above) = random.pick(&labelled)?;
    let mut steps = Vec::new();
    if random.chance(70) {
        steps.push(("upgrade", revisions[above].id.clone()));
    }
    let label = &revisions[label].labels[0];
    steps.push(("downgrade", format!("{label}@-{}", 1 + random.below(2))));
    Some(steps)
}

pub fn json(graph: &Graph) -> serde_json::Value {
    let id = |i: &usize| graph.revisions[*i].id.clone();
    serde_json::json!({
        "revisions": graph.revisions.iter().map(|r| serde_json::json!({
            "id": r.id,
            "parents": r.parents.iter().map(id).collect::<Vec<_>>(),
            "labels": r.labels,
            "depends_on": r.depends_on.iter().map(id).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "steps": graph.steps.iter().map(|(d, t)| serde_json::json!([d, t])).collect::<Vec<_>>(),
    })
}
