//! Any bytes as a migration file: the parser and the statement splitter must return a
//! result or an error at a line inside the file, never panic.
#![no_main]

use aurora_migrate::migration::{parse, sql};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count().max(1);
    for name in ["abc123_fuzz.sql", "abc123_fuzz.rs"] {
        match parse::parse(name, text) {
            Ok(parsed) => {
                let _ = parse::check_complete(&parsed);
                for section in &parsed.sections {
                    let _ = sql::split(&section.body, section.marker_line + 1);
                }
            }
            Err(e) => assert!(e.line >= 1 && e.line <= lines + 1, "line {} of {lines}", e.line),
        }
    }
    if let Ok(statements) = sql::split(text, 1) {
        for statement in statements {
            assert!(statement.line >= 1 && statement.line <= lines, "statement at line {}", statement.line);
        }
    }
});
