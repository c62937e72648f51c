//! Reads what the driver wrote for one database: each revision's upgrade and downgrade as the
//! statements Alembic rendered, or why it could not (a stable [`Reason`], the script's line,
//! Alembic's words); or why the project cannot be rendered at all. Pure. Must not import the
//! file system.

use super::Rendered;
use crate::authoring::alembic::report::Reason;
use aurora_migrate_core::Database;

/// One section as Alembic's offline mode left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Its statements, without their terminators, and whether it left the transaction
    /// (`autocommit_block()`).
    Sql {
        statements: Vec<String>,
        outside_transaction: bool,
    },
    /// Why it could not be rendered, and where in the script.
    Failed {
        reason: Reason,
        line: Option<usize>,
        what: String,
    },
}

/// Why a driver's result is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unusable {
    /// It is not what the driver writes.
    Text(String),
    /// Alembic could not read the project.
    Project(String),
    /// env.py failed for every section.
    Environment(String),
}

type Json = serde_json::Value;

/// Reads one database's result into `rendered`.
pub(super) fn read(
    rendered: &mut Rendered,
    database: Database,
    text: &str,
) -> Result<(), Unusable> {
    let value: Json = serde_json::from_str(text).map_err(|e| Unusable::Text(e.to_string()))?;
    if let Some(fatal) = value.get("fatal").and_then(Json::as_str) {
        return Err(Unusable::Project(one_line(fatal)));
    }
    rendered.version = field(&value, "alembic")?;
    let scripts = value
        .get("scripts")
        .and_then(Json::as_array)
        .ok_or_else(|| Unusable::Text("no `scripts`".to_string()))?;
    let (mut sections, mut environment) = (0, Vec::new());
    for script in scripts {
        let id = field(script, "revision")?;
        for direction in ["upgrade", "downgrade"] {
            let section = script
                .get(direction)
                .ok_or_else(|| Unusable::Text(format!("no `{direction}` for {id}")))?;
            let outcome = outcome(section).map_err(Unusable::Text)?;
            sections += 1;
            if let Some(why) = section.get("env_error").and_then(Json::as_str) {
                environment.push(one_line(why));
            }
            rendered
                .sections
                .insert((id.clone(), direction.to_string(), database), outcome);
        }
    }
    // Every section failed in env.py: offline mode does not work for this project.
    match environment.first() {
        Some(why) if environment.len() == sections => Err(Unusable::Environment(why.clone())),
        _ => Ok(()),
    }
}

fn field(value: &Json, name: &str) -> Result<String, Unusable> {
    value
        .get(name)
        .and_then(Json::as_str)
        .map(str::to_string)
        .ok_or_else(|| Unusable::Text(format!("no `{name}`")))
}

/// One direction's outcome: its statements, or why it failed.
fn outcome(section: &Json) -> Result<Outcome, String> {
    if let Some(error) = section.get("error") {
        let code = error.get("reason").and_then(Json::as_str).unwrap_or("");
        let reason = Reason::FALLBACK
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| format!("an unknown reason `{code}`"))?;
        let what = error
            .get("what")
            .and_then(Json::as_str)
            .ok_or_else(|| "an error with no `what`".to_string())?;
        let line = error
            .get("line")
            .and_then(Json::as_u64)
            .and_then(|l| usize::try_from(l).ok());
        return Ok(Outcome::Failed {
            reason,
            line,
            what: one_line(what),
        });
    }
    if let Some(why) = section.get("env_error").and_then(Json::as_str) {
        return Ok(Outcome::Failed {
            reason: Reason::EnvError,
            line: None,
            what: format!("the project's env.py failed: {}", one_line(why)),
        });
    }
    let statements = section
        .get("sql")
        .and_then(Json::as_array)
        .ok_or_else(|| "a section with neither `sql` nor an error".to_string())?
        .iter()
        .map(|s| {
            s.as_str()
                .ok_or_else(|| "a statement that is not text".to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Outcome::Sql {
        statements: statements.into_iter().filter_map(statement).collect(),
        outside_transaction: section
            .get("outside_transaction")
            .and_then(Json::as_bool)
            .unwrap_or(false),
    })
}

/// A reason on one line, as a `-- migrate:todo` line holds it.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A statement Alembic wrote, without its terminators (`op.execute` of text that ends with `;`
/// gets a second one from Alembic), to be written with one; a statement whose last line is a
/// comment ends on the next line. `None` for nothing but terminators.
pub(super) fn statement(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches([';', ' ', '\t', '\r', '\n']);
    if text.is_empty() {
        return None;
    }
    let last = text.lines().last().unwrap_or_default();
    Some(match last.contains("--") {
        true => format!("{text}\n"),
        false => text.to_string(),
    })
}
