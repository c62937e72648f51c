use std::time::Duration;

use super::name::{self, Maker};
use super::orphans::{Reason, judge};

/// A process of this host that has ended: a child, run and reaped.
fn ended_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_name_says_which_host_and_process_made_it_and_when() {
    let made = name::new("test");
    assert!(made.starts_with("aurora_scratch_test_"), "{made}");
    assert!(made.len() <= 63, "fits PostgreSQL's identifiers: {made}");
    let parsed = name::parse(&made).unwrap();
    assert_eq!(parsed.host.as_deref(), Some(name::this_host().as_str()));
    assert_eq!(parsed.pid, std::process::id());
    assert!(parsed.age() < Duration::from_secs(5));
    assert_eq!(parsed.maker(), Maker::Running);
    assert_ne!(name::new("test"), made, "two names of one process differ");
}

#[test]
fn a_maker_is_dead_only_on_this_host_and_with_no_such_process() {
    let host = name::this_host();
    let dead = format!("aurora_scratch_squash_{host}_{}_1700000000_0", ended_pid());
    assert_eq!(name::parse(&dead).unwrap().maker(), Maker::Dead);
    let elsewhere = format!(
        "aurora_scratch_squash_0badc0de_{}_1700000000_0",
        ended_pid()
    );
    assert_eq!(name::parse(&elsewhere).unwrap().maker(), Maker::Unknown);
    // An earlier version's names carry no host.
    for old in [
        "aurora_scratch_4242_1796620780751272016",
        "aurora_squash_4242_1796620780751272016",
    ] {
        let parsed = name::parse(old).unwrap();
        assert_eq!((parsed.host, parsed.pid), (None, 4242), "{old}");
        assert_eq!(parsed.made, 1_796_620_780);
    }
    for other in [
        "aurora_scratch_",
        "aurora_scratch_test_nothex00_1_2_3",
        "aurora_scratch_Test_0badc0de_1_2_3",
        "aurora_scratch_test_0badc0de_1_2",
        "aurora_it_1_2_3",
        "app",
    ] {
        assert_eq!(name::parse(other), None, "{other}");
    }
}

#[test]
fn what_counts_as_left_behind() {
    let host = name::this_host();
    let grace = Duration::from_secs(3600);
    let gone = ended_pid();
    let dead = format!("aurora_scratch_test_{host}_{gone}_1700000000_0");
    assert_eq!(judge(&dead, 0, grace), Ok(Reason::MakerGone { pid: gone }));
    assert_eq!(
        judge(&dead, 2, grace),
        Err(Reason::InUse { sessions: 2 }),
        "a session connected keeps it"
    );
    let me = std::process::id();
    let running = format!("aurora_scratch_test_{host}_{me}_1700000000_0");
    assert_eq!(
        judge(&running, 1, grace),
        Err(Reason::MakerRunning { pid: me })
    );
    assert_eq!(
        judge(&running, 0, grace),
        Err(Reason::MakerRunning { pid: me })
    );
    let old = "aurora_scratch_test_0badc0de_1_1700000000_0";
    assert!(matches!(judge(old, 0, grace), Ok(Reason::Old { .. })));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let young = format!("aurora_scratch_test_0badc0de_1_{now}_0");
    assert!(matches!(judge(&young, 0, grace), Err(Reason::Young { .. })));
    assert_eq!(judge("aurora_scratch_odd", 0, grace), Err(Reason::Unknown));
}
