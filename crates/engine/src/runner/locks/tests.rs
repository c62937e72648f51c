use super::*;

fn ms(list: &[Option<Duration>]) -> Vec<Option<u128>> {
    list.iter().map(|d| d.map(|d| d.as_millis())).collect()
}

#[test]
fn the_schedule_doubles_up_to_ten_seconds_and_a_header_moves_or_stops_it() {
    let retries = LockRetries::default();
    assert_eq!(
        ms(&retries.schedule(LockTimeout::Runner)),
        [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000].map(Some)
    );
    assert_eq!(ms(&retries.schedule(LockTimeout::Off)), [None]);
    assert_eq!(
        ms(&retries.schedule(LockTimeout::FirstMillis(3000)))[..3],
        [Some(3000), Some(6000), Some(10_000)]
    );
    let off = LockRetries {
        first: None,
        retries: 8,
    };
    assert_eq!(ms(&off.schedule(LockTimeout::Runner)), [None]);
    // A header asks for its own timeout even when the runner's are off.
    assert_eq!(ms(&off.schedule(LockTimeout::FirstMillis(50))).len(), 9);
    let none = LockRetries {
        first: Some(Duration::from_millis(100)),
        retries: 0,
    };
    assert_eq!(ms(&none.schedule(LockTimeout::Runner)), [Some(100)]);
    assert_eq!(
        LockRetries::pause(Duration::from_secs(10)),
        Duration::from_secs(2)
    );
}
