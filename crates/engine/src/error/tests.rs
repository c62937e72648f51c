use super::Error;

#[test]
fn a_database_error_keeps_the_drivers_error_as_its_source() {
    let error = Error::database(
        "cannot read the version table",
        sqlx::Error::Protocol("unexpected message".into()),
    );
    let source = std::error::Error::source(&error).expect("a source");
    let driver = source
        .downcast_ref::<sqlx::Error>()
        .expect("the sqlx error");
    assert!(matches!(driver, sqlx::Error::Protocol(m) if m == "unexpected message"));
    assert_eq!(
        error.to_string(),
        "cannot read the version table: encountered unexpected or invalid data: unexpected message"
    );
}
