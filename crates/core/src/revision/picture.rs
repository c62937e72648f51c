//! Pictures of the revision graph: lanes drawn in text as `git log --graph` draws commits
//! (newest first, a fork where two heads meet their parent, a merge where one revision joins
//! several), and the same graph for Graphviz (DOT) and Mermaid. Parent links only, as Alembic
//! draws them; `Depends On` shows as a dashed edge in DOT and Mermaid. Pure text: must not
//! import the file format.

use super::graph::Graph;

/// Where a revision stands in a database, when one was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// A row of the version table.
    Current,
    /// Applied, below a current revision.
    Applied,
    /// Not applied.
    Pending,
}

impl State {
    /// The symbol a text picture draws the revision with: `@` current, `*` applied (or no
    /// database read), `o` pending.
    pub fn symbol(state: Option<State>) -> char {
        match state {
            Some(State::Current) => '@',
            Some(State::Pending) => 'o',
            Some(State::Applied) | None => '*',
        }
    }

    fn name(self) -> &'static str {
        match self {
            State::Current => "current",
            State::Applied => "applied",
            State::Pending => "pending",
        }
    }
}

/// One line of a text picture: its lanes, and the revision it shows, if it shows one (the
/// others join or split lanes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The lanes, two characters each, trailing spaces trimmed.
    pub lanes: String,
    /// The revision (graph index) on this line.
    pub node: Option<usize>,
}

/// The revisions in the order a picture shows them: children before parents, newest first.
pub fn newest_first(graph: &Graph) -> Vec<usize> {
    let mut order = graph.ordered(0..graph.len());
    order.reverse();
    order
}

/// The graph as lanes of text, newest first, each revision drawn with `symbol(index)`.
pub fn lanes(graph: &Graph, symbol: impl Fn(usize) -> char) -> Vec<Line> {
    // Each lane waits for the revision it leads down to.
    let mut waiting: Vec<usize> = Vec::new();
    let mut lines = Vec::new();
    for node in newest_first(graph) {
        let mut found: Vec<usize> = (0..waiting.len()).filter(|&i| waiting[i] == node).collect();
        if found.is_empty() {
            waiting.push(node);
            found.push(waiting.len() - 1);
        }
        let column = found[0];
        if found.len() > 1 {
            // Several children meet their parent here: their lanes join the first.
            // Lanes right of a joining one move left with it.
            let joining = &found[1..];
            let moves: Vec<Move> = (0..waiting.len())
                .map(|i| match joining.iter().any(|&j| j <= i) {
                    true => Move::Left,
                    false => Move::Down,
                })
                .collect();
            lines.push(Line {
                lanes: connect(&moves),
                node: None,
            });
            for &i in joining.iter().rev() {
                waiting.remove(i);
            }
        }
        let cells: Vec<char> = (0..waiting.len())
            .map(|i| if i == column { symbol(node) } else { '|' })
            .collect();
        lines.push(Line {
            lanes: draw(&cells),
            node: Some(node),
        });
        let parents = graph.parents(node);
        match parents {
            [] => {
                waiting.remove(column);
            }
            [first, rest @ ..] => {
                waiting[column] = *first;
                if !rest.is_empty() {
                    // A merge: its other parents take new lanes right beside it.
                    // Lanes right of it move right to make room.
                    for (offset, &parent) in rest.iter().enumerate() {
                        waiting.insert(column + 1 + offset, parent);
                    }
                    let moves: Vec<Move> = (0..waiting.len())
                        .map(|i| if i <= column { Move::Down } else { Move::Right })
                        .collect();
                    lines.push(Line {
                        lanes: connect(&moves),
                        node: None,
                    });
                }
            }
        }
    }
    lines
}

/// How a lane crosses a connecting line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Move {
    /// Straight down: `|` in its place.
    Down,
    /// Into the lane on its left: `/` between the two.
    Left,
    /// Out of the lane on its left: `\` between the two (its index is where it arrives).
    Right,
}

/// A line between two rows: `|` under a lane that goes straight on, `/` and `\` between the
/// lanes that join or split.
fn connect(moves: &[Move]) -> String {
    let mut cells = vec![' '; moves.len() * 2];
    for (i, movement) in moves.iter().enumerate() {
        match movement {
            Move::Down => cells[2 * i] = '|',
            Move::Left => cells[2 * i - 1] = '/',
            Move::Right => cells[2 * i - 1] = '\\',
        }
    }
    cells.iter().collect::<String>().trim_end().to_string()
}

fn draw(cells: &[char]) -> String {
    let text: String = cells.iter().flat_map(|&c| [c, ' ']).collect();
    text.trim_end().to_string()
}

/// The graph in Graphviz's DOT: parents above children, labels under the ids, `Depends On`
/// dashed, and with a database the current revisions bold and the pending ones dashed.
pub fn dot(
    graph: &Graph,
    label: impl Fn(usize) -> String,
    state: impl Fn(usize) -> Option<State>,
) -> String {
    let mut text = String::from(
        "digraph revisions {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    for node in newest_first(graph).into_iter().rev() {
        let style = match state(node) {
            Some(State::Current) => ", style=\"bold,filled\", fillcolor=\"#d0e8ff\"",
            Some(State::Applied) => ", style=filled, fillcolor=\"#eeeeee\"",
            Some(State::Pending) => ", style=dashed",
            None => "",
        };
        text.push_str(&format!(
            "  \"{}\" [label=\"{}\"{style}];\n",
            graph.node(node).id,
            dot_escape(&label(node))
        ));
    }
    for node in newest_first(graph).into_iter().rev() {
        let id = &graph.node(node).id;
        for &parent in graph.parents(node) {
            text.push_str(&format!("  \"{}\" -> \"{id}\";\n", graph.node(parent).id));
        }
        for required in graph
            .requirements(node)
            .filter(|r| !graph.parents(node).contains(r))
        {
            text.push_str(&format!(
                "  \"{}\" -> \"{id}\" [style=dashed, label=\"depends on\"];\n",
                graph.node(required).id
            ));
        }
    }
    text.push_str("}\n");
    text
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The graph as a Mermaid flowchart, parents above children, with the same marks as [`dot`].
pub fn mermaid(
    graph: &Graph,
    label: impl Fn(usize) -> String,
    state: impl Fn(usize) -> Option<State>,
) -> String {
    let key = |node: usize| format!("r_{}", graph.node(node).id);
    let mut text = String::from("flowchart TD\n");
    let order: Vec<usize> = newest_first(graph).into_iter().rev().collect();
    for &node in &order {
        let label = label(node).replace('"', "#quot;").replace('\n', "<br/>");
        text.push_str(&format!("  {}[\"{label}\"]\n", key(node)));
    }
    for &node in &order {
        for &parent in graph.parents(node) {
            text.push_str(&format!("  {} --> {}\n", key(parent), key(node)));
        }
        for required in graph
            .requirements(node)
            .filter(|r| !graph.parents(node).contains(r))
        {
            text.push_str(&format!(
                "  {} -. depends on .-> {}\n",
                key(required),
                key(node)
            ));
        }
    }
    let marked: Vec<(usize, State)> = order
        .iter()
        .filter_map(|&n| state(n).map(|s| (n, s)))
        .collect();
    if !marked.is_empty() {
        text.push_str("  classDef current stroke-width:3px,fill:#d0e8ff\n");
        text.push_str("  classDef applied fill:#eeeeee\n");
        text.push_str("  classDef pending stroke-dasharray:5 5\n");
        for (node, state) in marked {
            text.push_str(&format!("  class {} {}\n", key(node), state.name()));
        }
    }
    text
}

#[cfg(test)]
mod tests;
