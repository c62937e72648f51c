use super::*;

#[test]
fn a_duration_outside_its_span_says_the_span() {
    assert_eq!(wait("30s"), Ok(Duration::from_secs(30)));
    assert_eq!(wait("0s"), Ok(Duration::ZERO));
    assert_eq!(wait("24h"), Ok(DAY));
    let long = wait("100y").unwrap_err();
    assert!(
        long.starts_with("100years is out of range: give 0s to 1day"),
        "{long}"
    );
    assert!(lock_timeout("25h").is_err());
    assert!(wait("soon").unwrap_err().contains("write e.g. 30s"));
    let short = STATEMENT_LOCK_TIMEOUT.parse("500us").unwrap_err();
    assert!(
        short.starts_with("500us is out of range: give 1ms to 1day"),
        "{short}"
    );
}
