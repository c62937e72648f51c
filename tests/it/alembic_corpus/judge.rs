//! The real Alembic on a project's history: the virtual environment that holds Alembic and the
//! three projects (pinned, from PyPI), and one `judge.py` process per database, asked one step
//! at a time.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::support::{Db, fixture};

/// The virtual environment's `python`: `AURORA_ALEMBIC_CORPUS`, else `target/alembic-corpus-venv`,
/// made from `requirements.txt` when it is missing or was made from another one. Without
/// python3, outside CI, the corpus tests say so and do nothing.
pub fn python() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            if let Ok(given) = std::env::var("AURORA_ALEMBIC_CORPUS") {
                return Some(PathBuf::from(given));
            }
            let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/alembic-corpus-venv");
            let requirements = fixture("alembic/corpus/requirements.txt");
            let wanted = std::fs::read_to_string(&requirements).expect("requirements.txt");
            let stamp = venv.join("requirements.txt");
            let program = venv.join("bin/python");
            if program.exists() && std::fs::read_to_string(&stamp).ok().as_ref() == Some(&wanted) {
                return Some(program);
            }
            let found = Command::new("python3").arg("--version").output();
            if !found.is_ok_and(|o| o.status.success()) {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "python3 is missing: CI must install it for the Alembic corpus tests"
                );
                eprintln!("SKIPPED: the Alembic corpus tests need python3 (to install Alembic and the projects from PyPI); none is installed");
                return None;
            }
            let _ = std::fs::remove_dir_all(&venv);
            let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().expect("python3 -m venv");
            assert!(made.success(), "python3 -m venv {} failed", venv.display());
            let installed = Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "--no-deps", "-r"])
                .arg(&requirements)
                .status()
                .expect("pip install");
            assert!(installed.success(), "pip install -r {}: is PyPI reachable?", requirements.display());
            std::fs::write(&stamp, wanted).expect("stamp");
            Some(program)
        })
        .clone()
}

/// The database's URL as SQLAlchemy takes it, without a driver: judge.py picks the project's.
pub fn sqlalchemy_url(db: &Db) -> String {
    let url = db.url();
    if let Some(rest) = url.strip_prefix("postgres://") {
        format!("postgresql://{rest}")
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        format!("sqlite:///{path}")
    } else {
        url.to_string()
    }
}

/// One revision as Alembic's ScriptDirectory reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: String,
    pub parents: Vec<String>,
    pub depends_on: Vec<String>,
    pub labels: Vec<String>,
    pub path: PathBuf,
}

/// What one step sent to the database, or why it failed.
pub type Step = Result<Sent, String>;

#[derive(Debug, Clone, Default)]
pub struct Sent {
    pub sql: Vec<String>,
    /// A statement ran outside a transaction (`autocommit_block`).
    pub autocommit: bool,
}

/// A `judge.py` process on one database.
pub struct Judge {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    log: tempfile::NamedTempFile,
    pub revisions: Vec<Revision>,
    pub heads: Vec<String>,
}

impl Judge {
    pub fn start(python: &Path, history: &str) -> Judge {
        let log = tempfile::NamedTempFile::new().expect("log file");
        let mut child = Command::new(python)
            .arg(fixture("alembic/corpus/judge.py"))
            .arg(history)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log.reopen().expect("log"))
            .spawn()
            .expect("start judge.py");
        let input = child.stdin.take().expect("stdin");
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        let mut judge = Judge {
            child,
            input,
            output,
            log,
            revisions: Vec::new(),
            heads: Vec::new(),
        };
        let first = judge.read();
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .expect("a list")
                .iter()
                .map(|s| s.as_str().expect("a string").to_string())
                .collect()
        };
        judge.revisions = first["revisions"]
            .as_array()
            .expect("revisions")
            .iter()
            .map(|r| Revision {
                id: r["id"].as_str().expect("id").to_string(),
                parents: strings(&r["parents"]),
                depends_on: strings(&r["depends_on"]),
                labels: strings(&r["labels"]),
                path: PathBuf::from(r["path"].as_str().expect("path")),
            })
            .collect();
        judge.heads = strings(&first["heads"]);
        judge
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        let read = self.output.read_line(&mut line).expect("read judge.py");
        assert!(read > 0, "judge.py ended:\n{}", self.log_tail());
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("judge.py said {line:?}: {e}"))
    }

    fn ask(&mut self, request: Value) -> Value {
        writeln!(self.input, "{request}").expect("write to judge.py");
        self.input.flush().expect("flush");
        self.read()
    }

    fn step(&mut self, request: Value) -> Step {
        let answer = self.ask(request);
        if answer["ok"] != json!(true) {
            return Err(answer["error"].as_str().unwrap_or("?").to_string());
        }
        let sql = answer["sql"]
            .as_array()
            .expect("sql")
            .iter()
            .map(|s| s.as_str().expect("sql").to_string());
        Ok(Sent {
            sql: sql.collect(),
            autocommit: answer["autocommit"] == json!(true),
        })
    }

    /// Alembic's upgrades and downgrades go to `db` from now on.
    pub fn switch(&mut self, db: &Db) {
        let answer = self.ask(json!({"do": "use", "url": sqlalchemy_url(db)}));
        assert_eq!(answer["ok"], json!(true), "{answer}");
    }

    pub fn upgrade(&mut self, to: &str) -> Step {
        self.step(json!({"do": "upgrade", "to": to}))
    }

    pub fn downgrade(&mut self, to: &str) -> Step {
        self.step(json!({"do": "downgrade", "to": to}))
    }

    /// The schema the project makes before its first revision, made in `db`.
    pub fn prelude(&mut self, db: &Db) {
        let done = self.step(json!({"do": "prelude", "url": sqlalchemy_url(db)}));
        if let Err(error) = done {
            panic!("the project's initial schema: {error}\n{}", self.log_tail());
        }
    }

    /// The heads Alembic reads in `db`'s version table.
    pub fn current(&mut self, db: &Db) -> Vec<String> {
        let answer = self.ask(json!({"do": "current", "url": sqlalchemy_url(db)}));
        assert_eq!(answer["ok"], json!(true), "alembic current: {answer}");
        let heads = answer["current"].as_array().expect("current");
        heads
            .iter()
            .map(|h| h.as_str().expect("a head").to_string())
            .collect()
    }

    /// The end of what the scripts and Alembic wrote to stderr.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log.path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Judge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
