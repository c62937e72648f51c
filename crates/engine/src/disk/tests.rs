use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::Path;

use super::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect()
}

#[test]
fn a_link_planted_where_the_old_writer_put_its_partial_file_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let target = dir.path().join("schema.sql");
    // The fixed siblings a writer might use: none of them may be written through.
    for planted in [
        "schema.partial",
        "schema.sql.partial",
        ".schema.sql.partial",
    ] {
        symlink(&victim, dir.path().join(planted)).unwrap();
    }
    replace(&target, b"new schema").unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "new schema");
    create_new(&dir.path().join("new.sql"), b"x").unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn a_symlinked_target_is_written_through_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.sql");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.sql");
    symlink(&real, &link).unwrap();
    replace(&link, b"new").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umask_s() {
    let dir = tempfile::tempdir().unwrap();
    for kept in [0o600, 0o640, 0o444, 0o755] {
        let path = dir.path().join(format!("f{kept:o}"));
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(kept)).unwrap();
        replace(&path, b"new").unwrap();
        assert_eq!(mode(&path), kept, "{}", path.display());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
    let fresh = dir.path().join("fresh");
    replace(&fresh, b"x").unwrap();
    assert_eq!(mode(&fresh), 0o666 & !umask());
    let created = dir.path().join("created");
    create_new(&created, b"x").unwrap();
    assert_eq!(mode(&created), 0o666 & !umask());
}

#[test]
fn devices_and_pipes_are_written_through_not_replaced() {
    replace(Path::new("/dev/null"), b"into nothing").unwrap();
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    replace(&fifo, b"through the pipe").unwrap();
    assert_eq!(reader.join().unwrap(), "through the pipe");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn what_cannot_be_written_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // A directory.
    let error = replace(dir.path(), b"x").unwrap_err();
    assert!(matches!(error, DiskError::Directory { .. }), "{error}");
    // A dangling link: writing would create whatever it points at.
    let link = dir.path().join("dangling.sql");
    symlink(dir.path().join("elsewhere/nothing"), &link).unwrap();
    let error = replace(&link, b"x").unwrap_err();
    assert!(matches!(error, DiskError::DanglingLink { .. }), "{error}");
    assert!(error.to_string().contains("does not exist"), "{error}");
    // A new file over an existing one, or over a link.
    let taken = dir.path().join("taken.sql");
    std::fs::write(&taken, "mine").unwrap();
    let error = create_new(&taken, b"x").unwrap_err();
    assert!(matches!(error, DiskError::Exists { .. }), "{error}");
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "mine");
    assert!(matches!(
        create_new(&link, b"x").unwrap_err(),
        DiskError::Exists { .. }
    ));
    // A missing directory.
    let error = replace(&dir.path().join("no/such/dir/f.sql"), b"x").unwrap_err();
    assert!(matches!(error, DiskError::NoDirectory { .. }), "{error}");
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn an_appender_refuses_a_directory_and_a_dangling_link_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        appender(dir.path()).unwrap_err(),
        DiskError::Directory { .. }
    ));
    let link = dir.path().join("state.jsonl");
    symlink(dir.path().join("gone/state"), &link).unwrap();
    assert!(matches!(
        appender(&link).unwrap_err(),
        DiskError::DanglingLink { .. }
    ));
    let path = dir.path().join("fresh.jsonl");
    let mut file = appender(&path).unwrap();
    std::io::Write::write_all(&mut file, b"one\n").unwrap();
    drop(file);
    let mut file = appender(&path).unwrap();
    std::io::Write::write_all(&mut file, b"two\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
}
