//! Embeds a service's migrations into its binary. A service's `build.rs` calls [`embed`]
//! from its `main`:
//!
//! ```no_run
//! aurora_migrate_build::embed("migrations");
//! ```
//!
//! and the service includes the catalogue with `aurora_migrate::include_migrations!();`, which
//! defines `MIGRATIONS: &[aurora_migrate::Embedded]`. Every file is parsed and validated with
//! the engine's own rules (header, sections, statements, the revision graph); a broken one
//! stops the build at `path:line`. The build re-runs when the directory, any of its files or
//! `AURORA_MIGRATIONS_DIR` changes. std only, and no dependency but `aurora-migrate-core`:
//! must not import anything else.

#![deny(missing_docs, unreachable_pub)]

mod generate;

use std::path::{Path, PathBuf};
use std::process::exit;

pub use aurora_migrate_core::source::Diagnostic;
use aurora_migrate_core::source::scan::{self, Scan};

/// The variable that points the build at another migrations directory (relative to the
/// crate), e.g. to build a binary around generated migrations.
pub const DIR_VARIABLE: &str = "AURORA_MIGRATIONS_DIR";

/// The file written in `OUT_DIR`, which `include_migrations!` includes.
pub const OUTPUT_FILE: &str = "aurora_migrations.rs";

/// What was embedded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The directory read.
    pub dir: PathBuf,
    /// How many migrations.
    pub migrations: usize,
    /// The ids of the graph's heads.
    pub heads: Vec<String>,
    /// The files read, for `rerun-if-changed`.
    pub files: Vec<PathBuf>,
}

/// Where a build script runs: the crate, Cargo's output directory, and the directory
/// `AURORA_MIGRATIONS_DIR` names instead of the crate's own, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildEnv {
    /// `CARGO_MANIFEST_DIR`.
    pub manifest_dir: PathBuf,
    /// `OUT_DIR`.
    pub out_dir: PathBuf,
    /// `AURORA_MIGRATIONS_DIR`, relative to the crate.
    pub dir_override: Option<PathBuf>,
}

impl BuildEnv {
    /// The environment Cargo gives a build script.
    pub fn from_cargo() -> BuildEnv {
        let var = |name| PathBuf::from(std::env::var_os(name).unwrap_or_default());
        BuildEnv {
            manifest_dir: var("CARGO_MANIFEST_DIR"),
            out_dir: var("OUT_DIR"),
            dir_override: std::env::var_os(DIR_VARIABLE)
                .filter(|d| !d.is_empty())
                .map(PathBuf::from),
        }
    }
}

/// What a build script prints, and whether the build goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Lines for stdout: Cargo's instructions (`cargo::rerun-if-changed=...`, warnings).
    pub stdout: Vec<String>,
    /// Lines for stderr: each fault as `path:line: message`, then a summary.
    pub stderr: Vec<String>,
    /// No fault: the catalogue is written.
    pub ok: bool,
}

/// Embeds the migrations of `dir` (relative to the crate; `AURORA_MIGRATIONS_DIR` overrides
/// it) for `include_migrations!`. Prints what Cargo needs to re-run the build when they
/// change; on a broken migration prints `path:line: message` for each fault and stops the
/// build.
pub fn embed(dir: impl AsRef<Path>) {
    let report = report(dir, &BuildEnv::from_cargo());
    for line in &report.stdout {
        println!("{line}");
    }
    for line in &report.stderr {
        eprintln!("{line}");
    }
    if !report.ok {
        exit(1);
    }
}

/// What [`embed`] does, as data: the catalogue is written to `env.out_dir` and the lines it
/// would print are returned.
pub fn report(dir: impl AsRef<Path>, env: &BuildEnv) -> Report {
    let dir = env
        .manifest_dir
        .join(env.dir_override.as_deref().unwrap_or(dir.as_ref()));
    let mut stdout = vec![
        format!("cargo::rerun-if-env-changed={DIR_VARIABLE}"),
        format!("cargo::rerun-if-changed={}", dir.display()),
    ];
    let output = env.out_dir.join(OUTPUT_FILE);
    match generate_file(&dir, &output, env.dir_override.is_some()) {
        Ok(summary) => {
            for file in &summary.files {
                stdout.push(format!("cargo::rerun-if-changed={}", file.display()));
            }
            if summary.heads.len() > 1 {
                stdout.push(format!(
                    "cargo::warning=the migrations have {} heads ({}); `upgrade heads` applies them all, `merge heads` joins them",
                    summary.heads.len(),
                    summary.heads.join(", ")
                ));
            }
            Report {
                stdout,
                stderr: Vec::new(),
                ok: true,
            }
        }
        Err(faults) => {
            let mut stderr: Vec<String> = faults
                .iter()
                .map(|fault| {
                    let path = fault
                        .path
                        .strip_prefix(&env.manifest_dir)
                        .unwrap_or(&fault.path);
                    format!("{}:{}: {}", path.display(), fault.line, fault.message)
                })
                .collect();
            stderr.push(format!(
                "error: {} broken migration(s) in {}; fix them to build",
                faults.len(),
                dir.display()
            ));
            Report {
                stdout,
                stderr,
                ok: false,
            }
        }
    }
}

/// Validates `dir` and writes the catalogue's Rust source to `output`. `overridden` tells the
/// program the directory was not its own (it then has no models to compare).
pub fn generate_file(
    dir: &Path,
    output: &Path,
    overridden: bool,
) -> Result<Summary, Vec<Diagnostic>> {
    let scan = scan::scan(dir)?;
    let summary = summary(dir, &scan);
    let source = generate::catalog(&scan, overridden);
    std::fs::write(output, source).map_err(|e| {
        vec![Diagnostic {
            path: output.to_path_buf(),
            line: 1,
            message: format!("cannot write the catalogue: {e}"),
        }]
    })?;
    Ok(summary)
}

fn summary(dir: &Path, scan: &Scan) -> Summary {
    let graph = &scan.graph;
    Summary {
        dir: dir.to_path_buf(),
        migrations: scan.files.len(),
        heads: graph
            .heads()
            .iter()
            .map(|&h| graph.node(h).id.clone())
            .collect(),
        files: scan.files.iter().map(|f| f.path.clone()).collect(),
    }
}
