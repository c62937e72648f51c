use std::time::Duration;

use super::Sizing;
use super::throttle::{Pause, lag_over};
use crate::bookkeeping::Job;
use crate::bookkeeping::{JobRow, JobState};

#[test]
fn sizing_moves_toward_the_target_at_most_twice_or_half_at_a_time() {
    let sizing = Sizing {
        target: Duration::from_millis(100),
        first: 1000,
        min: 10,
        max: 5000,
    };
    assert_eq!(sizing.next(1000, Duration::from_millis(100)), 1000);
    assert_eq!(sizing.next(1000, Duration::from_millis(50)), 2000);
    assert_eq!(sizing.next(1000, Duration::from_millis(10)), 2000);
    assert_eq!(sizing.next(1000, Duration::from_millis(400)), 500);
    assert_eq!(sizing.next(4000, Duration::from_millis(1)), 5000);
    assert_eq!(sizing.next(12, Duration::from_secs(5)), 10);
    assert_eq!(sizing.split(1000), 500);
    assert_eq!(sizing.split(15), 10);
}

#[test]
fn lag_from_the_probe_wins_and_pauses_only_over_the_limit() {
    let limit = Duration::from_secs(1);
    assert_eq!(
        lag_over(Some(Duration::from_millis(900)), None, limit),
        None
    );
    let over = lag_over(Some(Duration::from_secs(3)), None, limit).unwrap();
    assert_eq!(
        over.to_string(),
        "replication lag 3000 ms (replay_lag) is over 1000 ms"
    );
    let probe: super::LagProbe = std::sync::Arc::new(|| Some(Duration::from_secs(2)));
    let Some(Pause::Lag { source, .. }) = lag_over(None, Some(&probe), limit) else {
        panic!("the probe's lag pauses");
    };
    assert_eq!(source, "probe");
}

fn row() -> JobRow {
    JobRow {
        revision: "abc".into(),
        state: JobState::Running,
        last_error: None,
        note: None,
        owner: Some("host 1".into()),
        cursor: Some(400),
        low: Some(1),
        bound: Some(1000),
        rows_done: 300,
        rows_seen: 400,
        rows_estimated: Some(1000),
        batch_size: 100,
        attempts: 0,
        lease_until: Some(2_000),
        started_at: Some(0),
        updated_at: Some(1_000),
        finished_at: None,
        active_ms: 2_000,
        now: 1_000,
    }
}

#[test]
fn a_job_reads_its_progress_rate_and_time_left() {
    let job = Job::of_row(&row(), "t");
    assert_eq!(job.percent(), 40.0);
    assert_eq!(job.rate, Some(200));
    assert_eq!(job.remaining, Some(Duration::from_secs(3)));
    assert_eq!(job.owner.as_deref(), Some("host 1"));
    assert_eq!(
        job.summary(),
        "running, 40% (400 of 1000 rows, 300 changed), 200 rows/s, 3s left"
    );
    let expired = JobRow {
        lease_until: Some(500),
        ..row()
    };
    assert_eq!(Job::of_row(&expired, "t").owner, None);
    let done = JobRow {
        state: JobState::Done,
        ..row()
    };
    assert_eq!(Job::of_row(&done, "t").percent(), 100.0);
    let unstarted = JobRow {
        cursor: None,
        lease_until: None,
        ..row()
    };
    assert_eq!(Job::of_row(&unstarted, "t").state, JobState::Pending);
}
