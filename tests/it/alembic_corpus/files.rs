//! Our side of a history: `import alembic` (the binary's command) on the project's `versions/`
//! as shipped, or, when it refuses the directory, on each script alone (beside empty scripts
//! that stand for its parents, and with an id we cannot carry spelled with underscores, as the
//! refusal advises); then, per database, each file with every section that holds a
//! `-- migrate:todo` line replaced by the SQL Alembic sent for that revision, so that every
//! difference left is the importer's own.

use std::collections::BTreeMap;
use std::path::Path;

use aurora_migrate::migrations::Database;
use aurora_migrate::migrations::revision::id;

use super::judge::{Revision, Step};

/// What the import gave for each revision (by Alembic's id).
pub struct Import {
    /// The directory as shipped: imported, or the refusal's first line.
    pub as_shipped: Result<(), String>,
    /// Each revision's file, or why the importer refused the script.
    pub files: BTreeMap<String, Result<String, String>>,
    /// Alembic's id to ours, where Alembic's is not a valid revision id here.
    pub ids: BTreeMap<String, String>,
    /// The command's report (`--format json`) on the directory as shipped.
    pub report: serde_json::Value,
}

impl Import {
    pub fn our_id(&self, alembic: &str) -> String {
        self.ids
            .get(alembic)
            .cloned()
            .unwrap_or_else(|| alembic.to_string())
    }
}

/// How a section of our file for one database was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// By the importer, whole.
    Static,
    /// Alembic's SQL, in place of a section the importer left to do (or did not write).
    Replaced,
    /// Alembic's SQL: the importer refused the whole script.
    Refused,
}

fn import_command(
    versions: &Path,
    out: &Path,
    dialects: &[Database],
    args: &[&str],
) -> Result<serde_json::Value, String> {
    // Run beside judge.py, so that a file named in `args` is found there.
    let mut command = crate::support::cli(&crate::support::fixture("alembic/corpus"));
    command
        .args(["import", "alembic"])
        .arg(versions)
        .arg("--migrations-dir")
        .arg(out);
    for dialect in dialects {
        command.args(["--dialect", dialect.name()]);
    }
    command.args(args).args(["--format", "json"]);
    let output = command.output().expect("run import alembic");
    let (stdout, stderr) = crate::support::texts(&output);
    if output.status.success() {
        return Ok(serde_json::from_str(&stdout).expect("the report as JSON"));
    }
    let first = stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("refused");
    Err(first.trim_start_matches("error: ").to_string())
}

/// The `Revision ID` of each `.sql` file in `dir`, with the file's text.
fn written(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if let Some(id) = text.lines().find_map(|l| l.strip_prefix("-- Revision ID:")) {
            files.insert(id.trim().to_string(), text);
        }
    }
    files
}

/// Imports the history of `revisions` with sections for `dialects`, `args` added to the command;
/// when the directory is refused and `alone`, each script alone.
pub fn import(revisions: &[Revision], dialects: &[Database], args: &[&str], alone: bool) -> Import {
    let versions = revisions[0].path.parent().expect("versions/");
    let work = tempfile::tempdir().expect("temporary directory");
    let out = work.path().join("as_shipped");
    let shipped = import_command(versions, &out, dialects, args);
    let mut import = Import {
        as_shipped: shipped.as_ref().map(|_| ()).map_err(String::clone),
        files: BTreeMap::new(),
        ids: BTreeMap::new(),
        report: shipped.unwrap_or_default(),
    };
    if import.as_shipped.is_ok() || !alone {
        let mut found = written(&out);
        for revision in revisions {
            let file = found
                .remove(&revision.id)
                .ok_or_else(|| match &import.as_shipped {
                    Ok(()) => "no file written".to_string(),
                    Err(refusal) => refusal.clone(),
                });
            import.files.insert(revision.id.clone(), file);
        }
        return import;
    }
    for revision in revisions {
        if !id::is_valid(&revision.id) || id::is_keyword(&revision.id) {
            let spelled: String = revision
                .id
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            import.ids.insert(revision.id.clone(), spelled);
        }
    }
    for (number, revision) in revisions.iter().enumerate() {
        let dir = work.path().join(format!("alone_{number}"));
        let alone = dir.join("versions");
        std::fs::create_dir_all(&alone).expect("versions");
        let mut script = std::fs::read_to_string(&revision.path).expect("the script");
        for (theirs, ours) in &import.ids {
            for quote in ['"', '\''] {
                script = script.replace(
                    &format!("{quote}{theirs}{quote}"),
                    &format!("{quote}{ours}{quote}"),
                );
            }
        }
        let name = revision.path.file_name().expect("a file name");
        std::fs::write(alone.join(name), script).expect("write the script");
        for parent in revision.parents.iter().chain(&revision.depends_on) {
            let parent = import.our_id(parent);
            let stub = format!(
                "\"\"\"stands for a parent\"\"\"\nrevision = \"{parent}\"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
            );
            std::fs::write(alone.join(format!("{parent}_parent.py")), stub).expect("write a stub");
        }
        let out = dir.join("migrations");
        let file = import_command(&alone, &out, dialects, args).and_then(|_| {
            written(&out)
                .remove(&import.our_id(&revision.id))
                .ok_or_else(|| "no file written".to_string())
        });
        import.files.insert(revision.id.clone(), file);
    }
    import
}

/// A section of an imported file: its direction, its database (None: every database) and its
/// lines.
struct Section<'t> {
    upgrade: bool,
    dialect: Option<Database>,
    lines: Vec<&'t str>,
}

fn marker(line: &str) -> Option<(bool, Option<Database>)> {
    let rest = line
        .trim()
        .strip_prefix("--")?
        .trim_start()
        .strip_prefix("migrate:")?;
    let mut words = rest.split_whitespace();
    let upgrade = match words.next()? {
        "upgrade" => true,
        "downgrade" => false,
        _ => return None,
    };
    Some((upgrade, words.next().and_then(Database::from_name)))
}

fn is_todo(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("--")
        .is_some_and(|r| r.trim_start().starts_with("migrate:todo"))
}

/// An imported file's header lines and sections; None when its header holds a
/// `-- migrate:todo` line.
fn parse(text: &str) -> Option<(Vec<&str>, Vec<Section<'_>>)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| marker(l).is_some())
        .unwrap_or(lines.len());
    if lines[..start].iter().any(|l| is_todo(l)) {
        return None;
    }
    let mut sections: Vec<Section> = Vec::new();
    for line in &lines[start..] {
        match marker(line) {
            Some((upgrade, dialect)) => sections.push(Section {
                upgrade,
                dialect,
                lines: Vec::new(),
            }),
            None => sections.last_mut().expect("a section").lines.push(line),
        }
    }
    Some((lines[..start].to_vec(), sections))
}

/// The section that runs on `dialect` in `direction` (its own, else the plain one), when it
/// holds no `-- migrate:todo` line.
fn todo_free<'s, 't>(
    sections: &'s [Section<'t>],
    upgrade: bool,
    dialect: Database,
) -> Option<&'s Section<'t>> {
    let of = |d: Option<Database>| {
        sections
            .iter()
            .filter(move |s| s.upgrade == upgrade && s.dialect == d)
    };
    let chosen = of(Some(dialect)).chain(of(None)).next()?;
    (!chosen.lines.iter().any(|l| is_todo(l))).then_some(chosen)
}

/// True when the importer converted `text`'s upgrade and downgrade for `dialect` whole.
pub fn is_todo_free(text: &str, dialect: Database) -> bool {
    parse(text).is_some_and(|(_, sections)| {
        [true, false]
            .iter()
            .all(|&upgrade| todo_free(&sections, upgrade, dialect).is_some())
    })
}

/// Alembic's statements as a section's body.
fn body(step: &Step) -> String {
    match step {
        Ok(sent) => sent
            .sql
            .iter()
            .map(|s| {
                // A statement ending in a comment gets its `;` on a line of its own.
                let last = s.lines().last().unwrap_or_default();
                if last.contains("--") {
                    format!("{s}\n;\n")
                } else {
                    format!("{s};\n")
                }
            })
            .collect(),
        Err(error) => format!(
            "-- Alembic could not run this step: {}\n",
            error.lines().next().unwrap_or_default()
        ),
    }
}

/// The whole file from Alembic's SQL, for a script the importer refused.
fn from_alembic(
    import: &Import,
    revision: &Revision,
    dialect: Database,
    up: &Step,
    down: &Step,
) -> String {
    let ids = |list: &[String]| {
        list.iter()
            .map(|i| import.our_id(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut header = format!(
        "-- {} as Alembic ran it\n--\n-- Revision ID: {}\n-- Revises: {}\n",
        revision
            .path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy(),
        import.our_id(&revision.id),
        ids(&revision.parents)
    );
    if !revision.depends_on.is_empty() {
        header.push_str(&format!("-- Depends On: {}\n", ids(&revision.depends_on)));
    }
    if !revision.labels.is_empty() {
        header.push_str(&format!(
            "-- Branch Labels: {}\n",
            revision.labels.join(", ")
        ));
    }
    if [up, down]
        .iter()
        .any(|s| s.as_ref().is_ok_and(|s| s.autocommit))
    {
        header.push_str("-- Transaction: none\n");
    }
    let name = dialect.name();
    format!(
        "{header}\n-- migrate:upgrade {name}\n{}\n-- migrate:downgrade {name}\n{}",
        body(up),
        body(down)
    )
}

/// Our file for `revision` on `dialect`, and how its upgrade and downgrade were written.
pub fn ours(
    import: &Import,
    revision: &Revision,
    dialect: Database,
    up: &Step,
    down: &Step,
) -> (String, Written, Written) {
    let parsed = import.files[&revision.id]
        .as_ref()
        .ok()
        .and_then(|text| parse(text));
    let Some((header, sections)) = parsed else {
        return (
            from_alembic(import, revision, dialect, up, down),
            Written::Refused,
            Written::Refused,
        );
    };
    let mut header: String = header.iter().map(|l| format!("{l}\n")).collect();
    let mut out = String::new();
    let mut kinds = [Written::Static, Written::Static];
    let mut autocommit = false;
    for (slot, upgrade, step) in [(0, true, up), (1, false, down)] {
        let direction = if upgrade { "upgrade" } else { "downgrade" };
        out.push_str(&format!("\n-- migrate:{direction} {}\n", dialect.name()));
        match todo_free(&sections, upgrade, dialect) {
            Some(section) => section
                .lines
                .iter()
                .for_each(|line| out.push_str(&format!("{line}\n"))),
            None => {
                kinds[slot] = Written::Replaced;
                autocommit |= step.as_ref().is_ok_and(|s| s.autocommit);
                out.push_str(&body(step));
            }
        }
    }
    if autocommit && !header.lines().any(|l| l.trim() == "-- Transaction: none") {
        // Alembic ran part of it in an autocommit block: so does our runner.
        let at = header.find("-- Revision ID:").unwrap_or(header.len());
        header.insert_str(at, "-- Transaction: none\n");
    }
    (format!("{}\n{out}", header.trim_end()), kinds[0], kinds[1])
}
