//! A database another tool migrated that cannot be adopted as it is. Must not import the
//! runner.

/// What adopting refinery's history refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdoptError {
    /// There is no refinery history to adopt.
    #[error(
        "the database has no refinery_schema_history table: there is nothing of refinery's to adopt"
    )]
    NoHistory,
    /// The database has our own history already.
    #[error(
        "the database already has its version table ({0}); it was adopted before, or never needed it"
    )]
    Adopted(String),
    /// refinery applied a migration this build has no file for.
    #[error(
        "refinery applied V{version}__{name}, which this build has no file for; add its file to migrations/ as it was applied"
    )]
    Missing {
        /// Its version.
        version: i64,
        /// Its name.
        name: String,
    },
    /// A file differs from what refinery applied.
    #[error(
        "V{version}__{name} changed since refinery applied it (refinery's checksum {recorded}, the file's {embedded}); \
         restore the file as it was applied, then adopt again; nothing was changed"
    )]
    Changed {
        /// Its version.
        version: i64,
        /// Its name.
        name: String,
        /// refinery's checksum.
        recorded: String,
        /// The file's, by refinery's hash.
        embedded: String,
    },
    /// refinery applied a version while an earlier one was not (an unversioned `U` file).
    #[error(
        "refinery applied version {applied} but not the earlier {missing}: the files form one chain in version order \
         here, so apply {missing} with refinery first, or give the file a version after {applied}"
    )]
    OutOfOrder {
        /// The version refinery applied.
        applied: i64,
        /// The earlier one it did not.
        missing: i64,
    },
    /// refinery's own code refused a file name.
    #[error("{file}: refinery cannot read its name: {message}")]
    Name {
        /// The file.
        file: String,
        /// refinery's message.
        message: String,
    },
}
