//! Why a target does not parse or does not resolve: one variant per refusal, with its data.
//! Pure. Must not import plans or the file format.

use crate::direction::Direction;
use crate::hint::{Command, Hint, Setting};

/// A target that does not parse, or does not resolve against the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetError {
    /// Not a target's spelling (the text given).
    Syntax(String),
    /// A database URL where a target was expected (not echoed: it may hold a password).
    LooksLikeUrl,
    /// No revision, label or prefix matches (the name given).
    Unknown(String),
    /// A prefix of fewer than 4 characters.
    TooShort(String),
    /// A prefix that several revisions share.
    Ambiguous {
        /// The prefix.
        prefix: String,
        /// The revisions it matches.
        candidates: Vec<String>,
    },
    /// `head` where there are several heads.
    SeveralHeads(Vec<String>),
    /// There are no migrations.
    Empty,
    /// A relative step from the database's several current heads.
    SeveralCurrent(Vec<String>),
    /// A step down within a lineage that leaves nothing of it to revert from the heads.
    NotOnLineage(String),
    /// `heads` or `LABEL@head` as a downgrade target where the graph has several heads.
    AmbiguousDowngrade {
        /// The target as written.
        target: String,
        /// The heads.
        heads: Vec<String>,
    },
    /// A walk that meets a fork.
    Fork {
        /// Which way the walk went: up (to children) or down (to parents).
        direction: Direction,
        /// Where the walk was.
        from: String,
        /// `children` or `parents`.
        what: &'static str,
        /// The ways on.
        candidates: Vec<String>,
    },
    /// A walk below base.
    BelowBase {
        /// The target as written.
        target: String,
        /// How many steps too far.
        missing: i64,
    },
    /// A walk past a head.
    PastHead {
        /// The target as written.
        target: String,
        /// How many steps too far.
        missing: i64,
        /// The head reached.
        head: String,
    },
    /// A history range that selects nothing because its ends are reversed.
    EmptyRange(String),
    /// A step from where the database is, the other way than the command goes (`upgrade -1`,
    /// `downgrade +1`, `upgrade LABEL@-1`).
    WrongWay {
        /// The target as written.
        target: String,
        /// The command's direction.
        direction: Direction,
    },
    /// Going up from version-table rows one of which stands on another through a dependency,
    /// as Alembic leaves them after some downgrades, and then refuses to upgrade from.
    OverlappingRows {
        /// The row that another row stands on.
        lower: String,
        /// The row that stands on it.
        upper: String,
    },
    /// `LABEL@-N` where no current head stands on the label's lineage, and nothing of the
    /// lineage is at the top of what is applied: there is nowhere to step down from.
    LineageNotCurrent {
        /// The target as written.
        target: String,
        /// The label (or revision) that names the lineage.
        label: String,
    },
}

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetError::Syntax(v0) => write!(
                f,
                "invalid target `{v0}`; use head, heads, base, a revision id or prefix, a label, +N, -N, REV+N, REV-N, LABEL@head or LABEL@base"
            ),
            TargetError::LooksLikeUrl => write!(
                f,
                "the target looks like a database URL (it is not echoed: it may hold a password)"
            ),
            TargetError::Unknown(v0) => {
                write!(f, "no revision, branch label or id prefix matches `{v0}`")
            }
            TargetError::TooShort(v0) => write!(
                f,
                "`{v0}` is too short to be an id prefix: use at least 4 characters"
            ),
            TargetError::Ambiguous { prefix, candidates } => write!(
                f,
                "several revisions start with `{prefix}`: {}; use more characters",
                candidates.join(", ")
            ),
            TargetError::SeveralHeads(heads) => {
                write!(f, "there are several heads ({})", heads.join(", "))
            }
            TargetError::Empty => write!(f, "there are no migrations"),
            TargetError::NotOnLineage(target) => write!(
                f,
                "`{target}` is not a valid downgrade target from the current heads: the revisions it would \
                 revert are not on the lineage it names (Alembic refuses it too); name the revision to go down to"
            ),
            TargetError::AmbiguousDowngrade { target, heads } => write!(
                f,
                "`{target}` is not a downgrade target while the graph has several heads ({}), as Alembic \
                 refuses it too; name the revision to go down to",
                heads.join(", ")
            ),
            TargetError::SeveralCurrent(heads) => write!(
                f,
                "the database has several current heads ({}); a relative step must start from one: use REV+N, REV-N or LABEL@-N",
                heads.join(", ")
            ),
            TargetError::Fork {
                direction,
                from,
                what,
                candidates,
            } => write!(
                f,
                "cannot walk {} from {from}: it has several {what} ({}); name the one you want",
                match direction {
                    Direction::Upgrade => "up",
                    Direction::Downgrade => "down",
                },
                candidates.join(", ")
            ),
            TargetError::BelowBase { target, missing } => write!(
                f,
                "`{target}` goes {missing} step(s) below base; use `base` to revert everything"
            ),
            TargetError::PastHead {
                target,
                missing,
                head,
            } => write!(f, "`{target}` goes {missing} step(s) past the head {head}"),
            TargetError::WrongWay { target, direction } => {
                let (way, other) = match direction {
                    Direction::Upgrade => ("down", Direction::Downgrade),
                    Direction::Downgrade => ("up", Direction::Upgrade),
                };
                write!(
                    f,
                    "`{target}` steps {way} from where the database is, so it is not a target to {direction} to \
                     (Alembic refuses it too); {other} to it, or name a revision"
                )
            }
            TargetError::OverlappingRows { lower, upper } => write!(
                f,
                "the version table has a row for {lower}, which the row {upper} already stands on (as Alembic \
                 leaves them after a downgrade to a revision another branch depends on); Alembic refuses to \
                 upgrade from overlapping rows, and so does this: stamping {upper} drops the extra row and \
                 changes nothing else"
            ),
            TargetError::LineageNotCurrent { target, label } => write!(
                f,
                "`{target}` has nowhere to step down from: no current head is on the lineage of `{label}`, and \
                 nothing of that lineage is at the top of what is applied (Alembic refuses it too); name the \
                 revision to go down to"
            ),
            TargetError::EmptyRange(v0) => write!(
                f,
                "the range `{v0}` selects no revision: START must be an ancestor of END (older first, as in base:head or -3:)"
            ),
        }
    }
}

impl std::error::Error for TargetError {}

impl TargetError {
    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<Hint> {
        let hint = match self {
            TargetError::LooksLikeUrl => Hint::text("pass a URL with ")
                .then_setting(Setting::DatabaseUrl)
                .then_text(", and a target such as head or -1"),
            TargetError::Unknown(_) => {
                Hint::command(Command::History).then_text(" lists the revisions")
            }
            TargetError::SeveralHeads(_) => Hint::text("name one, use `heads` for all, or ")
                .then_run(Command::Merge, ["heads"])
                .then_text(" to join them"),
            _ => return None,
        };
        Some(hint)
    }
}
