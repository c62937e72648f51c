//! `upgrade --sql` and `downgrade --sql`: the script, on stdout, for a reviewer; nothing
//! connects. Must not import another command.

use crate::failure::Outcome;
use crate::output::Printer;
use crate::output::documents;
use aurora_migrate::offline::{Offline, Range};
use aurora_migrate::version_table::Tables;
use aurora_migrate::{Catalog, Database, Direction, Transaction};

/// What the script is for, as the command line gave it.
pub(crate) struct Request<'a> {
    pub direction: Direction,
    pub range: &'a str,
    pub database: Database,
    pub version_table: &'a str,
    pub transaction: Transaction,
}

pub(crate) fn script(catalog: &Catalog, request: &Request<'_>, printer: &Printer) -> Outcome {
    let range = Range::parse(request.range, request.direction)?;
    let offline = Offline {
        database: request.database,
        tables: Tables::new(request.version_table).map_err(aurora_migrate::Error::from)?,
        transaction: request.transaction,
    };
    let script = offline.script(catalog, request.direction, &range)?;
    printer.line(script.text.trim_end());
    printer.note(&format!(
        "the script holds {} migration(s) for {}; nothing was run or connected to",
        script.revisions.len(),
        request.database.name()
    ));
    printer.json(documents::Offline {
        command: request.direction.name().to_string(),
        dialect: request.database.name().to_string(),
        revisions: script.revisions,
        sql: script.text,
    });
    Ok(())
}
