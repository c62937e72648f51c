//! Which way a migration moves the schema. Must not import anything.

use std::fmt;

/// Which way a section or a step moves the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Forward: the upgrade section.
    Upgrade,
    /// Back: the downgrade section.
    Downgrade,
}

impl Direction {
    /// `upgrade` or `downgrade`, as section markers and commands spell it.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        }
    }

    /// The direction `name` spells (`upgrade` or `downgrade`), if it spells one.
    pub fn from_name(name: &str) -> Option<Direction> {
        match name {
            "upgrade" => Some(Direction::Upgrade),
            "downgrade" => Some(Direction::Downgrade),
            _ => None,
        }
    }

    /// The other way.
    pub fn opposite(self) -> Direction {
        match self {
            Direction::Upgrade => Direction::Downgrade,
            Direction::Downgrade => Direction::Upgrade,
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
