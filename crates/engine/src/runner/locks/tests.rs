use super::*;

const MS: Duration = Duration::from_millis(1);

fn ms(list: &[Option<Duration>]) -> Vec<Option<u128>> {
    list.iter().map(|d| d.map(|d| d.as_millis())).collect()
}

#[test]
fn the_schedule_doubles_up_to_ten_seconds_and_a_header_moves_or_stops_it() {
    let retries = LockRetries::default();
    assert_eq!(
        ms(&retries.schedule(LockTimeout::Runner, MS)),
        [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000].map(Some)
    );
    assert_eq!(ms(&retries.schedule(LockTimeout::Off, MS)), [None]);
    assert_eq!(
        ms(&retries.schedule(LockTimeout::FirstMillis(3000), MS))[..3],
        [Some(3000), Some(6000), Some(10_000)]
    );
    let off = LockRetries {
        first: None,
        retries: 8,
    };
    assert_eq!(ms(&off.schedule(LockTimeout::Runner, MS)), [None]);
    // A header asks for its own timeout even when the runner's are off.
    assert_eq!(ms(&off.schedule(LockTimeout::FirstMillis(50), MS)).len(), 9);
    let none = LockRetries {
        first: Some(Duration::from_millis(100)),
        retries: 0,
    };
    assert_eq!(ms(&none.schedule(LockTimeout::Runner, MS)), [Some(100)]);
    assert_eq!(
        LockRetries::pause(Duration::from_secs(10)),
        Duration::from_secs(2)
    );
}

#[test]
fn each_timeout_is_rounded_up_to_what_the_database_applies() {
    let second = Duration::from_secs(1);
    assert_eq!(
        ms(&LockRetries::default().schedule(LockTimeout::Runner, second)),
        [
            1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000, 10_000
        ]
        .map(Some)
    );
    assert_eq!(
        ms(&LockRetries::default().schedule(LockTimeout::FirstMillis(1500), second))[..3],
        [Some(2000), Some(4000), Some(8000)]
    );
    let fine = LockRetries {
        first: Some(Duration::from_micros(1500)),
        retries: 1,
    };
    assert_eq!(
        ms(&fine.schedule(LockTimeout::Runner, MS)),
        [Some(2), Some(4)]
    );
    let long = LockRetries {
        first: Some(Duration::from_millis(12_300)),
        retries: 1,
    };
    assert_eq!(
        ms(&long.schedule(LockTimeout::Runner, second)),
        [Some(13_000), Some(13_000)]
    );
}
