//! `import alembic`: the files written on stdout; per script, converted (statically or by
//! Alembic's offline mode) or left to do with the reasons, the files skipped, and a summary on
//! stderr; the same as one JSON document, with each section's writer. Must not import another
//! command.

use crate::args::{ImportAlembicArgs, migrations_dir};
use crate::environment::Environment;
use crate::failure::Outcome;
use crate::output::Printer;
use crate::output::documents::{
    AlembicUsed, Import, ImportScript, ImportSection, ImportSkipped, ImportSummary, ImportTodo,
};
use aurora_migrate::authoring::alembic::{self, Alembic, By, Imported, Options, Reason};

pub(crate) fn alembic(
    args: &ImportAlembicArgs,
    environment: &Environment,
    printer: &Printer,
) -> Outcome {
    let dir = migrations_dir(&args.migrations_dir);
    let databases: Vec<aurora_migrate::Database> = match args.dialect.as_slice() {
        [] => vec![aurora_migrate::Database::Postgres],
        given => given.iter().map(|&d| d.into()).collect(),
    };
    let types = match &args.type_map {
        Some(path) => alembic::type_map(path)?,
        None => Default::default(),
    };
    let options = Options {
        databases,
        types,
        naming_from: args.naming_convention.clone(),
        alembic: args.alembic_ini.as_ref().map(|ini| Alembic {
            program: args.alembic.clone().unwrap_or_else(|| "alembic".into()),
            ini: ini.clone(),
            environment: environment
                .file_variables()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }),
    };
    let imported = alembic::import_with(&args.dir, &dir, &options)?;
    for path in &imported.files {
        printer.line(&path.display().to_string());
    }
    printer.note(&format!(
        "imported {} Alembic script(s) into {}",
        imported.files.len(),
        dir.display()
    ));
    if let Some(alembic) = &imported.alembic {
        let (sections, by_alembic) = imported.sections_by_alembic();
        let whole = imported
            .scripts
            .iter()
            .filter(|s| s.sections.iter().all(|s| s.by == By::Alembic))
            .count();
        printer.note(&format!(
            "rendered by Alembic {} ({}) in offline mode: {by_alembic} of {sections} section(s), {whole} of {} script(s) whole",
            alembic.version,
            alembic.python.display(),
            imported.scripts.len()
        ));
    }
    for script in &imported.scripts {
        let outcome = match script.todos.len() {
            0 if imported.alembic.is_some() => "rendered by Alembic".to_string(),
            0 => "converted".to_string(),
            n => format!(
                "{n} line(s) left by hand ({}){}",
                counts(&reasons(&script.todos)),
                fallbacks(script)
            ),
        };
        printer.note(&format!(
            "{} -> {}: {outcome}",
            script.script,
            script.file.display()
        ));
        for todo in &script.todos {
            printer.note(&format!(
                "{}:{}: to do: line {}: {} [{}]",
                todo.file.display(),
                todo.line,
                todo.script_line,
                todo.what,
                todo.reason.code()
            ));
        }
    }
    for skipped in &imported.skipped {
        printer.note(&format!("skipped {}: {}", skipped.file, skipped.why));
    }
    for note in &imported.notes {
        printer.note(&format!("note: {note}"));
    }
    printer.note(&summary(&imported));
    if !imported.todos.is_empty() {
        printer.note(&format!(
            "{} operation(s) were not converted: the build stops at each `-- migrate:todo` line until its SQL is written",
            imported.todos.len()
        ));
    }
    printer.json(document(&imported));
    Ok(())
}

/// The sections of a script the static converter wrote where Alembic was asked to.
fn fallbacks(script: &alembic::ScriptReport) -> String {
    let sections: Vec<String> = script
        .sections
        .iter()
        .filter(|s| s.fallback.is_some())
        .map(|s| format!("{} {}", s.direction, s.database.name()))
        .collect();
    match sections.is_empty() {
        true => String::new(),
        false => format!("; converted statically: {}", sections.join(", ")),
    }
}

fn reasons(todos: &[alembic::TodoLine]) -> Vec<(Reason, usize)> {
    let mut counted: Vec<(Reason, usize)> = Vec::new();
    for todo in todos {
        match counted.iter_mut().find(|(r, _)| *r == todo.reason) {
            Some((_, n)) => *n += 1,
            None => counted.push((todo.reason, 1)),
        }
    }
    counted.sort();
    counted
}

fn counts(counted: &[(Reason, usize)]) -> String {
    counted
        .iter()
        .map(|(reason, n)| format!("{} {n}", reason.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary(imported: &Imported) -> String {
    let scripts = imported.scripts.len();
    let lines: usize = imported.scripts.iter().map(|s| s.todos.len()).sum();
    let by_reason = imported.by_reason();
    format!(
        "summary: {scripts} script(s), {} converted whole, {} skipped; {lines} line(s) left by hand{}",
        imported.todo_free(),
        imported.skipped.len(),
        match by_reason.is_empty() {
            true => String::new(),
            false => format!(": {}", counts(&by_reason)),
        }
    )
}

fn document(imported: &Imported) -> Import {
    let todo = |t: &alembic::TodoLine| ImportTodo {
        file: t.file.display().to_string(),
        line: t.line,
        script_line: t.script_line,
        direction: t.direction.to_string(),
        dialect: t.database.name().to_string(),
        reason: t.reason.code().to_string(),
        what: t.what.clone(),
    };
    let scripts = imported
        .scripts
        .iter()
        .map(|s| ImportScript {
            script: s.script.clone(),
            revision: s.revision.clone(),
            file: s.file.display().to_string(),
            converted: s.todos.is_empty(),
            todos: s.todos.iter().map(todo).collect(),
            sections: s
                .sections
                .iter()
                .map(|section| ImportSection {
                    direction: section.direction.to_string(),
                    dialect: section.database.name().to_string(),
                    by: section.by.code().to_string(),
                    reason: section.fallback.map(|r| Reason::code(r).to_string()),
                })
                .collect(),
        })
        .collect();
    let by_reason = imported
        .by_reason()
        .into_iter()
        .map(|(reason, n)| (reason.code().to_string(), n))
        .collect();
    let (sections, sections_by_alembic) = imported.sections_by_alembic();
    Import {
        command: "import".into(),
        from: "alembic".into(),
        files: imported
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        todos: imported
            .scripts
            .iter()
            .flat_map(|s| s.todos.iter().map(todo))
            .collect(),
        scripts,
        skipped: imported
            .skipped
            .iter()
            .map(|s| ImportSkipped {
                file: s.file.clone(),
                why: s.why.clone(),
            })
            .collect(),
        notes: imported.notes.clone(),
        alembic: imported.alembic.as_ref().map(|a| AlembicUsed {
            version: a.version.clone(),
            python: a.python.display().to_string(),
        }),
        summary: ImportSummary {
            scripts: imported.scripts.len(),
            todo_free: imported.todo_free(),
            skipped: imported.skipped.len(),
            todo_lines: imported.scripts.iter().map(|s| s.todos.len()).sum(),
            by_reason,
            sections,
            sections_by_alembic,
        },
    }
}
