//! Writes new migration files (`create`, `merge`) into a migrations directory on disk, after
//! validating what is already there. The only code that reads `migrations/` at run time.

use std::path::{Path, PathBuf};

use super::parse::is_valid_revision_id;
use super::scan::{self, Scan};
use crate::error::{Error, Result};
use crate::revision::target::{self, Destination, Target};

/// What the new file should say.
#[derive(Debug, Clone, Default)]
pub struct NewRevision {
    pub message: String,
    pub rust: bool,
    /// Where it goes: `None` for the single head; `Some("base")` starts a new base.
    pub head: Option<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub rev_id: Option<String>,
    /// Sections written by autogenerate, instead of the empty template.
    pub body: Option<String>,
    /// Parents fixed by the caller (autogenerate: the revisions the compared schema is at),
    /// instead of the directory's head or `head`.
    pub parents: Option<Vec<String>>,
    /// The migration must run outside a transaction (`Transaction: none`).
    pub outside_transaction: bool,
}

/// Reads and validates the directory; a missing directory is an empty one.
pub fn read_dir(dir: &Path) -> Result<Option<Scan>> {
    if !dir.exists() {
        return Ok(None);
    }
    scan::scan_drafts(dir).map(Some).map_err(|faults| {
        let list: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
        Error::Refused(format!(
            "fix the migrations directory first:\n{}",
            list.join("\n")
        ))
    })
}

/// Writes a new revision file and returns its path.
pub fn create(dir: &Path, new: &NewRevision) -> Result<PathBuf> {
    let scan = read_dir(dir)?;
    let parents = match (&scan, new.head.as_deref()) {
        _ if new.parents.is_some() => new.parents.clone().unwrap_or_default(),
        (_, Some("base")) | (None, None) => Vec::new(),
        (None, Some(head)) => {
            return Err(Error::Refused(format!(
                "--head {head}: there are no migrations yet; omit --head"
            )));
        }
        (Some(scan), head) => parent_of(scan, head)?,
    };
    let id = new_id(scan.as_ref(), new.rev_id.as_deref())?;
    let depends_on = resolve_all(scan.as_ref(), &new.depends_on)?;
    check_labels(scan.as_ref(), &new.branch_labels)?;
    let text = render(new, &id, &parents, &depends_on);
    write(
        dir,
        &id,
        &new.message,
        if new.rust { "rs" } else { "sql" },
        &text,
    )
}

/// Writes a merge revision of `revisions` (`heads` for all heads) and returns its path.
pub fn merge(
    dir: &Path,
    revisions: &[String],
    message: &str,
    rev_id: Option<&str>,
) -> Result<PathBuf> {
    let Some(scan) = read_dir(dir)? else {
        return Err(Error::Refused(format!(
            "{} holds no migrations to merge",
            dir.display()
        )));
    };
    let graph = &scan.graph;
    let mut parents: Vec<usize> = Vec::new();
    for name in revisions {
        let found = match Target::parse(name)? {
            Target::Heads => graph.heads(),
            Target::Head => vec![target::single_head(graph)?],
            other => match target::resolve(graph, &other, &[])? {
                Destination::Revisions(list) => list,
                _ => {
                    return Err(Error::Refused(format!(
                        "`{name}` does not name a revision to merge"
                    )));
                }
            },
        };
        parents.extend(found);
    }
    let parents = graph.ordered(parents);
    if parents.len() < 2 {
        let got = if parents.is_empty() {
            "none".to_string()
        } else {
            target::ids(graph, &parents)
        };
        return Err(Error::Refused(format!(
            "a merge needs at least two distinct revisions; got {got}"
        )));
    }
    let ids: Vec<String> = parents.iter().map(|&p| graph.node(p).id.clone()).collect();
    let id = new_id(Some(&scan), rev_id)?;
    let new = NewRevision {
        message: message.to_string(),
        ..NewRevision::default()
    };
    let text = render(&new, &id, &ids, &[]);
    write(dir, &id, message, "sql", &text)
}

fn parent_of(scan: &Scan, head: Option<&str>) -> Result<Vec<String>> {
    let graph = &scan.graph;
    let index = match head {
        None if graph.is_empty() => return Ok(Vec::new()),
        None => target::single_head(graph).map_err(|e| match e {
            target::TargetError::SeveralHeads(heads) => Error::Refused(format!(
                "there are several heads ({heads}); pass --head REV to choose where the new revision goes, \
                 or join them first with `aurora-migrate merge heads -m MESSAGE`"
            )),
            other => other.into(),
        })?,
        Some(name) => match target::resolve(graph, &Target::parse(name)?, &[])? {
            Destination::Revisions(list) if list.len() == 1 => list[0],
            _ => return Err(Error::Refused(format!("--head {name} must name one revision (or `base`)"))),
        },
    };
    Ok(vec![graph.node(index).id.clone()])
}

fn resolve_all(scan: Option<&Scan>, names: &[String]) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for name in names
        .iter()
        .flat_map(|n| n.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let Some(scan) = scan else {
            return Err(target::TargetError::Unknown(name.to_string()).into());
        };
        ids.push(
            scan.graph
                .node(target::lookup(&scan.graph, name)?)
                .id
                .clone(),
        );
    }
    Ok(ids)
}

fn check_labels(scan: Option<&Scan>, labels: &[String]) -> Result<()> {
    for label in labels {
        if !is_valid_revision_id(label) {
            return Err(Error::Refused(format!(
                "invalid branch label `{label}`: use 1 to 32 letters, digits or underscores"
            )));
        }
        if let Some(scan) = scan
            && (scan.graph.label(label).is_some() || scan.graph.index_of(label).is_some())
        {
            return Err(Error::Refused(format!(
                "branch label `{label}` is already used"
            )));
        }
    }
    Ok(())
}

/// A new 12-hex id (as Alembic makes them), or the one asked for if it is free and valid.
fn new_id(scan: Option<&Scan>, wanted: Option<&str>) -> Result<String> {
    let taken = |id: &str| {
        scan.is_some_and(|s| s.graph.index_of(id).is_some() || s.graph.label(id).is_some())
    };
    if let Some(id) = wanted {
        if !is_valid_revision_id(id) {
            return Err(Error::Refused(format!(
                "invalid --rev-id `{id}`: use 1 to 32 letters, digits or underscores"
            )));
        }
        if taken(id) {
            return Err(Error::Refused(format!(
                "revision id `{id}` is already used"
            )));
        }
        return Ok(id.to_string());
    }
    loop {
        let hex = uuid::Uuid::new_v4().simple().to_string();
        let id = hex[hex.len() - 12..].to_string();
        if !taken(&id) {
            return Ok(id);
        }
    }
}

/// Lowercase words joined by underscores, at most 40 characters, as Alembic names files.
pub fn slug(message: &str) -> String {
    let mut slug = String::new();
    for word in message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !slug.is_empty() && slug.len() + word.len() + 1 > 40 {
            break;
        }
        if !slug.is_empty() {
            slug.push('_');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    slug.truncate(40);
    slug
}

fn render(new: &NewRevision, id: &str, parents: &[String], depends_on: &[String]) -> String {
    let prefix = if new.rust { "//!" } else { "--" };
    let mut header = vec![
        format!(
            "{prefix} {}",
            new.message.lines().next().unwrap_or_default().trim()
        ),
        prefix.to_string(),
        format!("{prefix} Revision ID: {id}"),
        format!("{prefix} Revises: {}", parents.join(", ")),
    ];
    if !new.branch_labels.is_empty() {
        header.push(format!(
            "{prefix} Branch Labels: {}",
            new.branch_labels.join(", ")
        ));
    }
    if !depends_on.is_empty() {
        header.push(format!("{prefix} Depends On: {}", depends_on.join(", ")));
    }
    header.push(format!(
        "{prefix} Create Date: {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S+00:00")
    ));
    if new.outside_transaction {
        header.push(format!("{prefix} Transaction: none"));
    }
    let header = header.join("\n");
    if let (true, Some(body)) = (new.rust, &new.body) {
        format!(
            "{header}\n//!\n//! Generated by autogenerate from src/models; review it before applying.\n\n{body}"
        )
    } else if new.rust {
        format!(
            "{header}\n\nuse aurora_migrate::ddl::{{Column, Ddl, Type}};\n\n\
             pub fn upgrade(ddl: &mut Ddl) {{\n    // e.g. ddl.add_column(\"chains\", Column::new(\"note\", Type::Text).nullable());\n    let _ = (ddl, Column::new, Type::Text);\n}}\n\n\
             pub fn downgrade(ddl: &mut Ddl) {{\n    // e.g. ddl.drop_column(\"chains\", \"note\");\n    let _ = ddl;\n}}\n"
        )
    } else if let Some(body) = &new.body {
        format!(
            "{header}\n--\n-- Generated by autogenerate from src/models; review it before applying.\n\n{body}"
        )
    } else {
        format!("{header}\n\n-- migrate:upgrade\n\n\n-- migrate:downgrade\n\n")
    }
}

fn write(dir: &Path, id: &str, message: &str, extension: &str, text: &str) -> Result<PathBuf> {
    let slug = slug(message);
    let name = if slug.is_empty() {
        format!("{id}.{extension}")
    } else {
        format!("{id}_{slug}.{extension}")
    };
    let path = dir.join(name);
    let failed = |e: std::io::Error| Error::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(failed)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_alembic() {
        assert_eq!(
            slug("Add RPC endpoint to chains table"),
            "add_rpc_endpoint_to_chains_table"
        );
        assert_eq!(slug("  ünïcode & symbols!! "), "n_code_symbols");
        assert!(slug(&"word ".repeat(30)).len() <= 40);
    }

    #[test]
    fn a_migration_that_must_run_alone_says_so_in_its_header() {
        let dir = tempfile::tempdir().expect("dir");
        let new = NewRevision {
            message: "Use a new mood".into(),
            rev_id: Some("ab12cd34ef56".into()),
            body: Some("-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 2;\n".into()),
            outside_transaction: true,
            ..NewRevision::default()
        };
        let path = create(dir.path(), &new).expect("create");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("\n-- Transaction: none\n"), "{text}");
        let scanned = scan::scan(dir.path()).expect("the file parses");
        assert!(!scanned.files[0].parsed.header.transactional);
    }
}
