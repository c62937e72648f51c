use std::path::PathBuf;

/// The checked-in schemas, at the repository's root.
fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema")
}

/// Each checked-in schema is the one the structs derive; `AURORA_UPDATE_SCHEMA=1` rewrites
/// them.
#[test]
fn checked_in_schemas_are_the_derived_ones() {
    let dir = schema_dir();
    let update = std::env::var_os("AURORA_UPDATE_SCHEMA").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    let mut names = Vec::new();
    for (name, schema) in super::schemas() {
        let path = dir.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        names.push(format!("{name}.json"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    let mut extra: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".json") && !names.contains(n))
                .collect()
        })
        .unwrap_or_default();
    extra.sort();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "schemas out of date: {stale:?}; no document for: {extra:?}; \
         run with AURORA_UPDATE_SCHEMA=1 to rewrite them"
    );
}

/// No two documents share a schema file.
#[test]
fn every_document_has_its_own_file() {
    let mut names: Vec<&str> = super::schemas().iter().map(|(n, _)| *n).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count);
}
