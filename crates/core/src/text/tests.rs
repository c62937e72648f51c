use super::*;

#[test]
fn a_checkout_reads_as_its_commit() {
    assert_eq!(as_committed("a\r\nb\r\n"), "a\nb\n");
    assert_eq!(as_committed("\u{feff}a\nb"), "a\nb");
    assert_eq!(as_committed("a\rb\n"), "a\rb\n");
    assert!(matches!(as_committed("a\nb\n"), Cow::Borrowed(_)));
}
